/*
 * report.h - what a run found, and the writers that turn it into reports.
 *
 * A Report is filled by the policy engine and by `stagec all` while they
 * run, then handed to one writer per requested format: text (diagnostic
 * lines), JUnit XML (libxml2), SARIF 2.1.0 and stagec's own JSON (both
 * jansson).  The formats are described in specs/report.md.
 *
 * The model: a Report holds specs, kept sorted by path (byte order); a spec
 * holds the outcome of compiling it (its diagnostics), its drift (one entry
 * per generated file that is not fresh) and the checks run on it, kept
 * sorted by rule id.  A check is one rule evaluated on one spec: it passed
 * when it has no findings; each finding has a position and may be waived
 * by a policy exception.
 *
 * Memory: everything lives in the Arena given to report_new(); every string
 * passed in is copied, so callers may pass temporaries.  Rules are the one
 * exception: a ReportRule is referenced, not copied (rule tables are static
 * data).  Positions' files are paths relative to the run's root, as the
 * user sees them.  Writers append to a Strbuf and never print; they may be
 * called in any order and any number of times, and give the same bytes for
 * the same report whatever order it was filled in.
 */
#ifndef STAGEC_REPORT_H
#define STAGEC_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

typedef enum ReportLevel { REPORT_ERROR, REPORT_WARNING, REPORT_NOTE } ReportLevel;

/* A place in a file; file == NULL means "no position", line 0 means "the
 * file as a whole" (then col is ignored). */
typedef struct ReportPos {
	const char *file;
	int line, col;
} ReportPos;

/* A rule: stable id ("STG201"), slug ("run.non_root"), one-sentence help,
 * default level.  help_uri is optional (an absolute URI, or NULL). */
typedef struct ReportRule {
	const char *id;
	const char *name;
	const char *help;
	ReportLevel level;
	const char *help_uri;
} ReportRule;

/* The two rules every run evaluates on every spec. */
extern const ReportRule report_rule_compile; /* STG900 compile */
extern const ReportRule report_rule_drift;   /* STG903 drift */

typedef struct ReportDiag {
	ReportLevel level;
	ReportPos pos;
	const char *message;
} ReportDiag;

typedef enum ReportDriftState {
	REPORT_FRESH,   /* never stored: a fresh file has no entry */
	REPORT_STALE,   /* an input changed; input says which */
	REPORT_EDITED,  /* edited by hand */
	REPORT_MISSING, /* the spec is there, the generated file is not */
	REPORT_ORPHAN,  /* the generated file is there, its spec is gone */
} ReportDriftState;

typedef struct ReportDrift {
	const char *file; /* the generated file, relative to the root */
	ReportDriftState state;
	const char *input; /* REPORT_STALE: the input that changed ("spec", "policy", "stagec", a project file); else NULL */
} ReportDrift;

typedef struct ReportWaiver {
	const char *reason;
	const char *expires; /* YYYY-MM-DD */
	ReportPos pos;       /* the exception in the policy file */
} ReportWaiver;

typedef struct ReportFinding {
	ReportLevel level;
	ReportPos pos;       /* in the spec, or in a policy file */
	const char *key;     /* the spec key path it is about ("run.user"); NULL: none.  Part of the SARIF fingerprint */
	const char *message;
	const ReportWaiver *waiver; /* NULL: the finding stands */
} ReportFinding;

typedef enum ReportOutcome { REPORT_PASS, REPORT_FAIL, REPORT_WAIVED } ReportOutcome;

typedef struct ReportCheck {
	const ReportRule *rule;
	ReportFinding **findings; /* sorted by position, then message */
	size_t nfindings, cap;
} ReportCheck;

typedef enum ReportCompile {
	REPORT_COMPILED,   /* compiled (it may have warnings) */
	REPORT_NOT_COMPILED, /* has errors: the diagnostics say why */
	REPORT_GONE,       /* no spec: an entry that only carries orphaned files */
} ReportCompile;

typedef struct ReportSpec {
	const char *path;   /* relative to the root */
	ReportCompile compile;
	ReportDiag **diags; /* in the order given (the compiler sorts them) */
	size_t ndiags, diags_cap;
	ReportDrift **drift; /* sorted by file */
	size_t ndrift, drift_cap;
	ReportCheck **checks; /* sorted by rule id */
	size_t nchecks, checks_cap;
} ReportSpec;

typedef struct Report {
	Arena *arena;
	const char *version;  /* stagec's version */
	bool drift_checked;   /* the run checked drift: every spec gets an STG903 test case / entry */
	long long time;       /* seconds since the epoch (SOURCE_DATE_EPOCH); -1: no timestamps at all */
	const char *root_uri; /* absolute URI of the root for SARIF's %SRCROOT% ("file:///repo/"); NULL: left out */
	ReportSpec **specs;   /* sorted by path */
	size_t nspecs, specs_cap;
	ReportRule *table_rules; /* report_policy.c: the rule table as ReportRules, built on first use */
} Report;

/* ---- report.c: building a report --------------------------------------- */
Report *report_new(Arena *a, const char *version);
/* The spec at path, added if new (the list stays sorted). */
ReportSpec *report_spec(Report *r, const char *path);
/* A compile diagnostic; an error marks the spec as not compiled. */
void report_diag(Report *r, ReportSpec *s, ReportLevel level, ReportPos pos, const char *message);
/* Every diagnostic of a compilation, positions named by their file's
 * display path, but those the rule engine tagged with a rule of the table
 * ("[STG201 run.non_root]"): those come in through report_rule_results.
 * The spec did not compile when an error remains (or errors were dropped
 * past max_errors). */
void report_diags(Report *r, ReportSpec *s, const Diags *d);
/* A generated file that is not fresh.  An orphan's spec entry is marked gone
 * unless it was compiled in this run. */
void report_drift(Report *r, ReportSpec *s, const char *file, ReportDriftState state, const char *input);
/* The check of rule on s, added (as a pass) if new. */
ReportCheck *report_check(Report *r, ReportSpec *s, const ReportRule *rule);
/* A finding: the check fails unless every finding is waived. */
ReportFinding *report_finding(Report *r, ReportCheck *c, ReportLevel level, ReportPos pos, const char *key,
			      const char *message);
void report_waive(Report *r, ReportFinding *f, const char *reason, const char *expires, ReportPos pos);

ReportOutcome report_check_outcome(const ReportCheck *c);
const char *report_level_name(ReportLevel l);        /* "error", "warning", "note" */
const char *report_drift_name(ReportDriftState s);  /* "fresh", "stale", "edited", "missing", "orphan" */
/* "stale (the policy changed)", "edited by hand", ...: the text reports' words. */
const char *report_drift_text(Arena *a, const ReportDrift *d);

/* "file:line:col", "file:line" or "file"; fallback names the file when
 * the position has none. */
const char *report_pos_text(Arena *a, ReportPos p, const char *fallback);

typedef struct ReportCounts {
	int specs;
	int compile_errors; /* specs that did not compile */
	int checks, passed, failed, waived; /* rule checks (STG900/STG903 not included) */
	int findings_error, findings_warning; /* unwaived findings */
	int drift;          /* generated files not fresh */
} ReportCounts;
ReportCounts report_counts(const Report *r);
/* The exit status cli.md gives for what the report holds: 1 a spec error or
 * an unwaived error finding (or a warning, with fail_on_warning), else 3
 * drift, else 0.  Usage and I/O errors (2) are the driver's. */
int report_status(const Report *r, bool fail_on_warning);

/* t as "YYYY-MM-DDTHH:MM:SS" in UTC, with a final "Z" when zone is true;
 * NULL when t cannot be shown. */
const char *report_time_text(Arena *a, long long t, bool zone);

/* SOURCE_DATE_EPOCH as seconds, or -1 when unset or not a plain number. */
long long report_source_date_epoch(void);

/* Text made safe for an output: invalid UTF-8 bytes become \xNN; in
 * REPORT_CLEAN_XML the characters XML 1.0 forbids or discourages (C0
 * controls but tab, newline and carriage return; DEL and C1 controls;
 * U+FFFE, U+FFFF) too, and in REPORT_CLEAN_LINE
 * every control character (newlines included), so a message stays on its
 * line and cannot drive a terminal.  Returns s itself when it is clean. */
typedef enum ReportClean { REPORT_CLEAN_UTF8, REPORT_CLEAN_XML, REPORT_CLEAN_LINE } ReportClean;
const char *report_clean(Arena *a, const char *s, ReportClean mode);

/* The SARIF partialFingerprints "stagec/v1" value: 16 hex digits of a
 * 64-bit FNV-1a over the spec path, the rule id and the key (NUL-separated).
 * Does not depend on line numbers, so moving a key keeps its identity. */
const char *report_fingerprint(Arena *a, const char *spec, const char *rule_id, const char *key);

/* ---- report_policy.c: from the policy engine ----------------------------
 * The results of stagec_result_rules() for spec s: every rule evaluated
 * becomes a check (passes included), every finding a finding (warning
 * level when the policy made the rule a warning), a waived one with the
 * exception's reason and expiry (its position is not in the public
 * results yet, so the waiver has none). */
void report_rule_results(Report *r, ReportSpec *s, const StagecRuleResult *v, size_t n);
/* Whether a diagnostic's message ends with the tag of a rule of the table. */
bool report_rule_tagged(const char *message);

/* ---- the writers (one file each) ------------------------------------------
 * Each appends one complete document to out and returns 0, or -1 when the
 * underlying library failed (out is then left as it was). */
typedef enum ReportFormat { REPORT_TEXT, REPORT_JSON, REPORT_JUNIT, REPORT_SARIF } ReportFormat;
/* "text", "json", "junit", "sarif" -> format; false for anything else. */
bool report_format_parse(const char *name, ReportFormat *ret_format);
int report_write(const Report *r, ReportFormat f, Strbuf *out);

int report_write_text(const Report *r, Strbuf *out);  /* report_text.c */
int report_write_junit(const Report *r, Strbuf *out); /* report_junit.c */
int report_write_sarif(const Report *r, Strbuf *out); /* report_sarif.c */
int report_write_json(const Report *r, Strbuf *out);  /* report_json.c */

/* The rules a report refers to (every check's rule, plus STG900, plus
 * STG903 when drift was checked), sorted by id, each once; for the SARIF
 * and JSON rule lists.  *n receives the count. */
const ReportRule **report_rules(const Report *r, size_t *n);

#endif
