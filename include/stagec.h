/*
 * stagec.h - the public interface of libstagec.
 *
 * stagec compiles a declarative build spec (app.yaml) into Dockerfiles:
 * a multi-stage one whose final image carries only what the app needs at
 * run time, and an equivalent single-stage one.  This header is all that
 * the command-line driver needs: one call compiles a spec, and the result
 * holds the output text or the diagnostics.
 *
 * Ownership: a StagecResult owns everything it points to (one arena per
 * compilation); stagec_result_free() releases it and accepts NULL.
 * The library never prints and never exits.
 */
#ifndef STAGEC_H
#define STAGEC_H

#include <stdbool.h>
#include <stddef.h>

#define STAGEC_VERSION "0.1.0"

/* A spec (or template) larger than this is refused. */
#define STAGEC_MAX_SPEC_BYTES (1024 * 1024)

/* How a compilation uses the lock file (stagec.lock, specs/lock.md). */
typedef enum StagecLockMode {
	STAGEC_LOCK_PINNED, /* the default: pin what the lock has; warn about what it lacks */
	STAGEC_LOCK_FROZEN, /* CI: an image the lock lacks is an error (exit 1) */
	STAGEC_LOCK_OFF,    /* ignore the lock: tags only, template defaults of this stagec */
} StagecLockMode;

/* What a process that compiles many specs reads once (cache.c): the
 * template set, each language's template, each policy file.  Pass one in
 * StagecOptions.cache to every compilation; free it after the last result.
 * Not for use by two threads at once. */
typedef struct StagecCache StagecCache;
StagecCache *stagec_cache_new(void); /* NULL when memory runs out */
void stagec_cache_free(StagecCache *c);

typedef struct StagecOptions {
	bool single_stage;         /* skip the split: one stage with everything */
	const char *base;          /* "official" or "debian": overrides the spec's base; NULL keeps it */
	const char *templates_dir; /* read templates from here instead of the built-in ones; NULL for built-in */
	const char *dump_ir;       /* NULL: emit a Dockerfile; "" : dump the final IR; a pass name: dump after it */
	bool werror;               /* treat warnings as errors */
	bool no_comments;          /* leave out the comment before each step saying why it is there */
	int max_errors;            /* stop collecting after this many errors; 0 means the default (20) */
	const char *display_path;  /* the spec's path as shown in diagnostics and the header; NULL: the path given */
	const char *policy_path;   /* the organisation policy to apply (see stagec_policy_find); NULL: none */
	bool no_policy;            /* no rules at all, not even the built-in baseline (non-root, no 'latest') */
	bool no_rules;             /* apply the policy's defaults and enforce, evaluate no rules: for a driver
				    * compiling the second variant, whose rules the first result already holds */
	const char *lock_path;     /* the lock file (see stagec_lock_find); NULL: none */
	StagecLockMode lock_mode;
	bool explain;              /* keep the effective values and the steps' reasons (stagec_result_explain) */
	bool both_variants;        /* also compile the single-stage variant from the same reading of the
				    * spec and project (stagec_result_single); with single_stage false */

	StagecCache *cache;        /* NULL: templates and policies read for this compilation alone */
} StagecOptions;

typedef struct StagecResult StagecResult;

/* Compiles the spec at path.  Always returns a result (NULL only when memory
 * runs out); check stagec_result_ok() before using the output. */
StagecResult *stagec_compile(const char *path, const StagecOptions *opts);
/* Compiles spec text held in memory (len bytes, may hold NULs), named name
 * in diagnostics, with dir as its build context. */
StagecResult *stagec_compile_text(const char *name, const char *dir, const char *text, size_t len,
				  const StagecOptions *opts);
bool stagec_result_ok(const StagecResult *r);
/* The Dockerfile text (or the IR dump) of a successful compilation. */
const char *stagec_result_output(const StagecResult *r);
/* The .dockerignore text that goes with the output. */
const char *stagec_result_dockerignore(const StagecResult *r);
/* With both_variants, after a successful compilation: the single-stage
 * variant, the output, dockerignore and status a compilation with
 * single_stage gives; its diagnostics are those of its own lowering and
 * emitting (what the spec and policy said is in r's).  Owned by r; NULL
 * otherwise. */
const StagecResult *stagec_result_single(const StagecResult *r);
/* The spec's context: when it names a folder above the spec's ("../.."),
 * else NULL (the context is the spec's folder).  With one, the Dockerfile
 * is not at the context's root: Docker reads its ignore file only as
 * <dockerfile>.dockerignore beside it. */
const char *stagec_result_context(const StagecResult *r);
/* All diagnostics, rendered (file:line:col: level: message, source line, caret).
 * Empty when there are none. */
const char *stagec_result_diagnostics(const StagecResult *r);
/* The exit status the CLI uses: 0 compiled, 1 the spec has errors,
 * 2 the spec could not be read or the options are wrong (--base). */
int stagec_result_status(const StagecResult *r);
int stagec_result_error_count(const StagecResult *r);
int stagec_result_warning_count(const StagecResult *r);
void stagec_result_free(StagecResult *r);

/* ---- the organisation policy (specs/policy.md) ---------------------------
 * A policy fills (defaults) and rewrites (enforce) a spec and checks its
 * IRs, both variants, with rules.  Without policy_path and without
 * no_policy the built-in baseline applies: run.non_root and
 * images.deny_tags [latest]. */

/* The policy for the spec at spec_path: explicit when not NULL, else the
 * file named by $STAGEC_POLICY when set and not empty, else the nearest
 * .stagec/policy.yaml walking up from the spec's folder to the folder
 * holding .git (or the filesystem root).  Returns a malloc'd path (the
 * caller frees it), or NULL when there is none.  The path found by the
 * walk is relative to the current folder when it lies below it. */
char *stagec_policy_find(const char *spec_path, const char *explicit_path);
/* While on, stagec_policy_find and stagec_lock_find remember the answers
 * for the last few folders they walked (per thread), so that the specs of
 * one tree, asked in path order, share their parents' answers.  For a
 * driver over a tree that does not change meanwhile (stagec all); off by
 * default, and turning it off forgets. */
void stagec_discovery_remember(bool on);

/* Reads and checks a policy file and its extends chain without compiling
 * anything, so that a driver can stop before writing (exit 2).  Returns
 * true when it is valid; *ret_diagnostics (when not NULL) receives the
 * rendered diagnostics, malloc'd, "" when there are none. */
bool stagec_policy_check(const char *path, char **ret_diagnostics);

/* A rule of the table: stable id (STGnnn), slug (images.allow), help text. */
typedef struct StagecRuleInfo {
	const char *id, *slug, *help;
} StagecRuleInfo;
/* Every rule stagec knows, in id order; *ret_n receives the count. */
const StagecRuleInfo *stagec_rules(size_t *ret_n);

typedef enum StagecOutcome {
	STAGEC_RULE_PASS,   /* evaluated, nothing found */
	STAGEC_RULE_FAIL,   /* a finding; counts against the spec unless warning */
	STAGEC_RULE_WAIVED, /* a finding an exception waives: reported, not failing */
} StagecOutcome;

/* One rule evaluated on one spec: one PASS entry when it found nothing,
 * else one entry per finding.  Strings belong to the result. */
typedef struct StagecRuleResult {
	const StagecRuleInfo *rule;
	StagecOutcome outcome;
	bool warning;           /* the policy's severity for the rule is warning */
	const char *message;    /* the finding; for PASS, what was checked */
	const char *file;       /* where: the spec, or the policy file; NULL: nowhere */
	int line, col;
	const char *key;        /* the spec key the finding is about (run.user), for fingerprints */
	const char *reason;     /* WAIVED: the exception's reason */
	const char *expires;    /* WAIVED: the exception's expiry date (YYYY-MM-DD) */
	const char *expired;    /* FAIL: an exception matched but expired on this date; else NULL */
} StagecRuleResult;

/* The rules evaluated on the spec, in rule order then position; empty when
 * the compilation stopped before the rules ran (spec errors). */
const StagecRuleResult *stagec_result_rules(const StagecResult *r, size_t *ret_n);
/* The policy files that shaped the result, outermost first (for hashes
 * and reports), as shown in diagnostics; *ret_n is 0 under the baseline. */
const char *const *stagec_result_policy_files(const StagecResult *r, size_t *ret_n);

/* ---- the lock (specs/lock.md) ----------------------------------------------
 * stagec.lock pins base images by digest and freezes the template
 * defaults; compiling only reads it, `stagec lock` writes it. */

/* The lock for the spec at spec_path: the nearest stagec.lock walking up
 * from the spec's folder to the folder holding .git (or the filesystem
 * root), as stagec_policy_find does.  Returns a malloc'd path, or NULL. */
char *stagec_lock_find(const char *spec_path);

/* Reads and checks a lock file without compiling anything, so that a
 * driver can stop before writing (exit 2).  *ret_diagnostics as for
 * stagec_policy_check. */
bool stagec_lock_check(const char *path, char **ret_diagnostics);

/* The lock file that shaped the result, as shown in diagnostics, and
 * "sha256:<hex>" of its bytes in *ret_hash (when not NULL); NULL (and
 * "none") when no lock was used.  For the drift header. */
const char *stagec_result_lock(const StagecResult *r, const char **ret_hash);

/* A base image the output names: ref as the FROM line names it without
 * a digest, and the digest it is pinned to (NULL: a tag only). */
typedef struct StagecImage {
	const char *ref;
	const char *digest;
	bool locked;        /* the digest came from the lock */
} StagecImage;
/* The images of the compiled variant, in FROM order, each once; scratch
 * left out. */
const StagecImage *stagec_result_images(const StagecResult *r, size_t *ret_n);
/* The spec's language, and in *ret_default the default version this
 * stagec's template gives it (before any lock); NULL before lowering. */
const char *stagec_result_language(const StagecResult *r, const char **ret_default);

/* ---- what a driver needs beyond the Dockerfile (stagec all's bake file) ---- */

/* The app's name (the spec's `name`, else its folder's), as the compiled
 * program has it; NULL when the compilation failed.  *ret_line and
 * *ret_col (when not NULL) receive the position of the spec's `name:`
 * value, or 0 when the name came from the folder (or from a policy). */
const char *stagec_result_name(const StagecResult *r, int *ret_line, int *ret_col);

/* A label of the final image. */
typedef struct StagecLabel {
	const char *key, *value;
} StagecLabel;
/* The labels of the final image of a successful compilation, as the
 * program's final stage sets them (after the policy's defaults and
 * enforce), each key once with its last value, sorted by key. */
const StagecLabel *stagec_result_labels(const StagecResult *r, size_t *ret_n);
/* The platforms the policy's enforce.platforms names (os/arch[/variant]),
 * in its order, for the bake file; none when it names none. */
const char *const *stagec_result_platforms(const StagecResult *r, size_t *ret_n);

/* ---- stagec explain (specs/explain.md) --------------------------------------
 * What a compilation with StagecOptions.explain used, each value with where
 * it came from, and where each step of the final program went and why. */

/* A value's source: what set it, and where ("file" NULL: nowhere to point). */
typedef struct StagecSource {
	const char *kind;   /* "spec", "template", "templates" (a --templates file), "policy.defaults",
			     * "policy.enforce", "lock", "flag", "default" */
	const char *file;   /* as shown: the spec's path, "python.yaml" for a built-in template, ... */
	int line, col;      /* 0 when the source has no position */
	const char *detail; /* the flag ("--base"), the default's reason; NULL: none */
} StagecSource;

/* One effective value: key (spec-shaped: "run.user", "env.PATH"), its text
 * as the compilation uses it, its source; overridden: the spec's value
 * that the policy's enforce replaced, at overridden_at (else NULL); was:
 * an image's reference before the policy's mirror rewrote it, by the
 * mirror entry at rewrite (else NULL). */
typedef struct StagecValue {
	const char *key, *value;
	StagecSource source;
	const char *overridden;
	StagecSource overridden_at;
	const char *was;
	StagecSource rewrite;
} StagecValue;

/* One step of the final program: its stage ("" for the unnamed final one),
 * instruction, a one-line text, role (build, runtime, both) and the reason
 * it is there, with the source of the value it came from. */
typedef struct StagecPlacement {
	const char *stage, *instruction, *text, *role, *why;
	StagecSource source;
} StagecPlacement;

typedef struct StagecExplain {
	const StagecValue *values;
	size_t nvalues;
	const StagecPlacement *steps;
	size_t nsteps;
	const char *spec;        /* the spec as shown */
	bool single_stage;
} StagecExplain;

/* The explanation of a successful compilation made with opts.explain;
 * NULL otherwise. */
const StagecExplain *stagec_result_explain(const StagecResult *r);

/* The names of the optimisation passes, in the order they run, NULL-terminated. */
const char *const *stagec_pass_names(void);

/* The text stagec writes at the top of every file it generates; used to
 * recognise its own files before overwriting them. */
#define STAGEC_HEADER_MARK "# Generated by stagec"

#endif
