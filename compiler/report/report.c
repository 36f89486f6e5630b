/*
 * report.c - the report model: building it, counting it, and the helpers
 * every writer shares (cleaning text, fingerprints, the rule list).
 *
 * Specs are kept sorted by path and checks by rule id as they are added,
 * findings by position and drift entries by file, so that the writers can
 * walk the report in order and give the same bytes whatever order the
 * policy engine and `stagec all` filled it in.  Arrays hold pointers to
 * arena objects, so a pointer handed out stays valid while arrays grow.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report.h"

const ReportRule report_rule_compile = {
	.id = "STG900",
	.name = "compile",
	.help = "The spec compiles: it is valid YAML, every key is known and every value is allowed.",
	.level = REPORT_ERROR,
};

const ReportRule report_rule_drift = {
	.id = "STG903",
	.name = "drift",
	.help = "The generated files match their spec and inputs: none is stale, edited by hand, missing or orphaned. Run `stagec all` and commit the result.",
	.level = REPORT_ERROR,
};

/* Grows an arena array of pointers by one slot; returns the slot count. */
static void **grow(Arena *a, void **v, size_t n, size_t *cap)
{
	if (n < *cap)
		return v;
	size_t ncap = *cap ? *cap * 2 : 8;
	void **nv = arena_alloc(a, ncap * sizeof *nv);
	if (n)
		memcpy(nv, v, n * sizeof *nv);
	*cap = ncap;
	return nv;
}

/* Inserts item at index i of an array of n pointers (room for one more). */
static void insert_at(void **v, size_t n, size_t i, void *item)
{
	memmove(v + i + 1, v + i, (n - i) * sizeof *v);
	v[i] = item;
}

static const char *dup_or_null(Arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static ReportPos dup_pos(Arena *a, ReportPos p)
{
	ReportPos q = {dup_or_null(a, p.file), p.line, p.col};
	if (!q.file || q.line <= 0)
		q.line = q.col = 0;
	if (q.col < 0)
		q.col = 0;
	return q;
}

Report *report_new(Arena *a, const char *version)
{
	Report *r = arena_alloc(a, sizeof *r);
	r->arena = a;
	r->version = arena_strdup(a, version ? version : STAGEC_VERSION);
	r->time = -1;
	return r;
}

ReportSpec *report_spec(Report *r, const char *path)
{
	/* binary search: specs usually arrive in order, so this appends */
	size_t lo = 0, hi = r->nspecs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->specs[mid]->path, path);
		if (c == 0)
			return r->specs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	ReportSpec *s = arena_alloc(r->arena, sizeof *s);
	s->path = arena_strdup(r->arena, path);
	s->compile = REPORT_COMPILED;
	r->specs = (ReportSpec **)grow(r->arena, (void **)r->specs, r->nspecs, &r->specs_cap);
	insert_at((void **)r->specs, r->nspecs, lo, s);
	r->nspecs++;
	return s;
}

void report_diag(Report *r, ReportSpec *s, ReportLevel level, ReportPos pos, const char *message)
{
	ReportDiag *d = arena_alloc(r->arena, sizeof *d);
	d->level = level;
	d->pos = dup_pos(r->arena, pos);
	d->message = arena_strdup(r->arena, message ? message : "");
	s->diags = (ReportDiag **)grow(r->arena, (void **)s->diags, s->ndiags, &s->diags_cap);
	s->diags[s->ndiags++] = d;
	if (s->compile == REPORT_GONE)
		s->compile = REPORT_COMPILED;
	if (level == REPORT_ERROR)
		s->compile = REPORT_NOT_COMPILED;
}

void report_diags(Report *r, ReportSpec *s, const Diags *d)
{
	int listed = 0;
	for (const Diag *g = d->head; g; g = g->next) {
		listed += g->level == DIAG_ERROR;
		if (report_rule_tagged(g->msg))
			continue;
		ReportLevel l = g->level == DIAG_ERROR ? REPORT_ERROR : g->level == DIAG_WARNING ? REPORT_WARNING : REPORT_NOTE;
		ReportPos p = {g->pos.file ? g->pos.file->path : NULL, g->pos.line, g->pos.col};
		report_diag(r, s, l, p, g->msg);
	}
	/* errors past max_errors were counted but not kept: they may be the spec's */
	if (d->errors > listed)
		s->compile = REPORT_NOT_COMPILED;
}

void report_drift(Report *r, ReportSpec *s, const char *file, ReportDriftState state, const char *input)
{
	if (state == REPORT_FRESH)
		return;
	ReportDrift *d = arena_alloc(r->arena, sizeof *d);
	d->file = arena_strdup(r->arena, file);
	d->state = state;
	d->input = state == REPORT_STALE ? dup_or_null(r->arena, input) : NULL;
	size_t i = s->ndrift;
	while (i > 0 && strcmp(s->drift[i - 1]->file, d->file) > 0)
		i--;
	s->drift = (ReportDrift **)grow(r->arena, (void **)s->drift, s->ndrift, &s->drift_cap);
	insert_at((void **)s->drift, s->ndrift, i, d);
	s->ndrift++;
	if (state == REPORT_ORPHAN && s->ndiags == 0 && s->nchecks == 0)
		s->compile = REPORT_GONE;
}

ReportCheck *report_check(Report *r, ReportSpec *s, const ReportRule *rule)
{
	size_t i = s->nchecks;
	for (size_t j = 0; j < s->nchecks; j++) {
		int c = strcmp(s->checks[j]->rule->id, rule->id);
		if (c == 0)
			return s->checks[j];
		if (c > 0) {
			i = j;
			break;
		}
	}
	ReportCheck *c = arena_alloc(r->arena, sizeof *c);
	c->rule = rule;
	s->checks = (ReportCheck **)grow(r->arena, (void **)s->checks, s->nchecks, &s->checks_cap);
	insert_at((void **)s->checks, s->nchecks, i, c);
	s->nchecks++;
	if (s->compile == REPORT_GONE)
		s->compile = REPORT_COMPILED;
	return c;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const ReportFinding *a, const ReportFinding *b)
{
	int c = cmp_str(a->pos.file, b->pos.file);
	if (c)
		return c;
	if (a->pos.line != b->pos.line)
		return a->pos.line < b->pos.line ? -1 : 1;
	if (a->pos.col != b->pos.col)
		return a->pos.col < b->pos.col ? -1 : 1;
	c = cmp_str(a->message, b->message);
	return c ? c : cmp_str(a->key, b->key);
}

ReportFinding *report_finding(Report *r, ReportCheck *c, ReportLevel level, ReportPos pos, const char *key,
			      const char *message)
{
	ReportFinding *f = arena_alloc(r->arena, sizeof *f);
	f->level = level;
	f->pos = dup_pos(r->arena, pos);
	f->key = dup_or_null(r->arena, key);
	f->message = arena_strdup(r->arena, message ? message : "");
	size_t i = c->nfindings;
	while (i > 0 && cmp_finding(c->findings[i - 1], f) > 0)
		i--;
	c->findings = (ReportFinding **)grow(r->arena, (void **)c->findings, c->nfindings, &c->cap);
	insert_at((void **)c->findings, c->nfindings, i, f);
	c->nfindings++;
	return f;
}

void report_waive(Report *r, ReportFinding *f, const char *reason, const char *expires, ReportPos pos)
{
	ReportWaiver *w = arena_alloc(r->arena, sizeof *w);
	w->reason = arena_strdup(r->arena, reason ? reason : "");
	w->expires = dup_or_null(r->arena, expires);
	w->pos = dup_pos(r->arena, pos);
	f->waiver = w;
}

ReportOutcome report_check_outcome(const ReportCheck *c)
{
	if (c->nfindings == 0)
		return REPORT_PASS;
	for (size_t i = 0; i < c->nfindings; i++)
		if (!c->findings[i]->waiver)
			return REPORT_FAIL;
	return REPORT_WAIVED;
}

const char *report_level_name(ReportLevel l)
{
	switch (l) {
	case REPORT_ERROR: return "error";
	case REPORT_WARNING: return "warning";
	case REPORT_NOTE: return "note";
	}
	return "error";
}

const char *report_drift_name(ReportDriftState s)
{
	switch (s) {
	case REPORT_FRESH: return "fresh";
	case REPORT_STALE: return "stale";
	case REPORT_EDITED: return "edited";
	case REPORT_MISSING: return "missing";
	case REPORT_ORPHAN: return "orphan";
	}
	return "stale";
}

const char *report_drift_text(Arena *a, const ReportDrift *d)
{
	switch (d->state) {
	case REPORT_FRESH: return "fresh";
	case REPORT_STALE:
		return d->input ? arena_printf(a, "stale (%s changed); run stagec all and commit the result", d->input)
				: "stale; run stagec all and commit the result";
	case REPORT_EDITED: return "edited by hand; change the spec instead, then run stagec all";
	case REPORT_MISSING: return "missing; run stagec all and commit the result";
	case REPORT_ORPHAN: return "orphaned: its spec is gone; delete the file";
	}
	return "stale";
}

const char *report_pos_text(Arena *a, ReportPos p, const char *fallback)
{
	const char *file = p.file ? p.file : fallback ? fallback : "";
	if (!p.file || p.line <= 0)
		return file;
	if (p.col <= 0)
		return arena_printf(a, "%s:%d", file, p.line);
	return arena_printf(a, "%s:%d:%d", file, p.line, p.col);
}

ReportCounts report_counts(const Report *r)
{
	ReportCounts n = {0};
	for (size_t i = 0; i < r->nspecs; i++) {
		const ReportSpec *s = r->specs[i];
		n.specs++;
		if (s->compile == REPORT_NOT_COMPILED)
			n.compile_errors++;
		n.drift += (int)s->ndrift;
		for (size_t j = 0; j < s->nchecks; j++) {
			const ReportCheck *c = s->checks[j];
			n.checks++;
			switch (report_check_outcome(c)) {
			case REPORT_PASS: n.passed++; break;
			case REPORT_FAIL: n.failed++; break;
			case REPORT_WAIVED: n.waived++; break;
			}
			for (size_t k = 0; k < c->nfindings; k++) {
				if (c->findings[k]->waiver)
					continue;
				if (c->findings[k]->level == REPORT_ERROR)
					n.findings_error++;
				else if (c->findings[k]->level == REPORT_WARNING)
					n.findings_warning++;
			}
		}
	}
	return n;
}

int report_status(const Report *r, bool fail_on_warning)
{
	ReportCounts n = report_counts(r);
	if (n.compile_errors || n.findings_error || (fail_on_warning && n.findings_warning))
		return 1;
	return n.drift ? 3 : 0;
}

const char *report_time_text(Arena *a, long long t, bool zone)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t < 0 || !gmtime_r(&tt, &tm))
		return NULL;
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec, zone ? "Z" : "");
}

long long report_source_date_epoch(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (!s || !*s || strlen(s) > 15)
		return -1;
	long long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF are not);
 * *cp receives the code point. */
static int utf8_seq(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	int n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

static bool must_escape(uint32_t cp, ReportClean mode)
{
	switch (mode) {
	case REPORT_CLEAN_UTF8:
		return false;
	case REPORT_CLEAN_XML: /* forbidden, and what XML 1.0 discourages (DEL, C1) */
		return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7f && cp < 0xa0) || cp == 0xfffe ||
		       cp == 0xffff;
	case REPORT_CLEAN_LINE:
		return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0xfffe || cp == 0xffff;
	}
	return false;
}

const char *report_clean(Arena *a, const char *s, ReportClean mode)
{
	if (!s)
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	uint32_t cp;
	int n;
	/* fast path: nothing to change */
	while (p[i] && (n = utf8_seq(p + i, &cp)) > 0 && !must_escape(cp, mode))
		i += (size_t)n;
	if (!p[i])
		return s;
	Strbuf sb = STRBUF_INIT;
	strbuf_add(&sb, s, i);
	while (p[i]) {
		n = utf8_seq(p + i, &cp);
		if (n == 0) {
			strbuf_addf(&sb, "\\x%02x", p[i]);
			i++;
		} else if (must_escape(cp, mode)) {
			if (cp == '\n')
				strbuf_adds(&sb, "\\n");
			else if (cp == '\t')
				strbuf_adds(&sb, "\\t");
			else if (cp == '\r')
				strbuf_adds(&sb, "\\r");
			else if (cp < 0x100)
				strbuf_addf(&sb, "\\x%02x", (unsigned)cp);
			else
				strbuf_addf(&sb, "\\u%04x", (unsigned)cp);
			i += (size_t)n;
		} else {
			strbuf_add(&sb, s + i, (size_t)n);
			i += (size_t)n;
		}
	}
	const char *out = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

const char *report_fingerprint(Arena *a, const char *spec, const char *rule_id, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const char *parts[3] = {spec ? spec : "", rule_id ? rule_id : "", key ? key : ""};
	for (int i = 0; i < 3; i++) {
		/* each part and its terminating NUL, so ("ab","c") != ("a","bc") */
		const unsigned char *p = (const unsigned char *)parts[i];
		do {
			h ^= *p;
			h *= 0x100000001b3ull;
		} while (*p++);
	}
	return arena_printf(a, "%016llx", (unsigned long long)h);
}

static void add_rule(const ReportRule ***v, size_t *n, size_t *cap, const ReportRule *rule)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i]->id, rule->id) == 0)
			return;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = realloc(*v, *cap * sizeof **v);
		if (!*v)
			abort();
	}
	(*v)[(*n)++] = rule;
}

static int cmp_rule(const void *a, const void *b)
{
	const ReportRule *x = *(const ReportRule *const *)a, *y = *(const ReportRule *const *)b;
	return strcmp(x->id, y->id);
}

const ReportRule **report_rules(const Report *r, size_t *n)
{
	const ReportRule **v = NULL;
	size_t cap = 0;
	*n = 0;
	add_rule(&v, n, &cap, &report_rule_compile);
	if (r->drift_checked)
		add_rule(&v, n, &cap, &report_rule_drift);
	for (size_t i = 0; i < r->nspecs; i++) {
		const ReportSpec *s = r->specs[i];
		if (s->ndrift)
			add_rule(&v, n, &cap, &report_rule_drift);
		for (size_t j = 0; j < s->nchecks; j++)
			add_rule(&v, n, &cap, s->checks[j]->rule);
	}
	qsort(v, *n, sizeof *v, cmp_rule);
	const ReportRule **out = arena_alloc(r->arena, (*n ? *n : 1) * sizeof *out);
	memcpy(out, v, *n * sizeof *out);
	free(v);
	return out;
}

bool report_format_parse(const char *name, ReportFormat *ret_format)
{
	static const struct {
		const char *name;
		ReportFormat f;
	} formats[] = {
		{"text", REPORT_TEXT},
		{"json", REPORT_JSON},
		{"junit", REPORT_JUNIT},
		{"sarif", REPORT_SARIF},
	};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(name, formats[i].name) == 0) {
			*ret_format = formats[i].f;
			return true;
		}
	return false;
}

int report_write(const Report *r, ReportFormat f, Strbuf *out)
{
	switch (f) {
	case REPORT_TEXT: return report_write_text(r, out);
	case REPORT_JSON: return report_write_json(r, out);
	case REPORT_JUNIT: return report_write_junit(r, out);
	case REPORT_SARIF: return report_write_sarif(r, out);
	}
	return -1;
}
