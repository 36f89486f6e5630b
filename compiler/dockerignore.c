/*
 * dockerignore.c - the .dockerignore that goes with the Dockerfile.
 *
 * The lines come from data, in this order: `common` from
 * templates/dockerignore.yaml (version control, container files, editor
 * and OS files, caches), the language template's `dockerignore`, the
 * spec's `dockerignore`, and last `secrets` from dockerignore.yaml (.env
 * files, private keys).  Docker lets the last line that matches a path
 * decide, so a spec's `!pattern` can bring back what `common` or the
 * language leaves out, and nothing brings back a secret.
 *
 * dockerignore_check() matches every path the final IR COPYs from the
 * build context against those lines the way Docker does (`*` and `?`
 * within one folder name, `**` any number of folders, a path left out
 * when it or a folder above it matches) and reports each path the build
 * would not find.  It assumes the passes are done; it changes nothing.
 */
#include <string.h>

#include "internal.h"

#define DATA_FILE "dockerignore.yaml"
#define DOCKERIGNORE_PATTERN_MAX 4096 /* PATH_MAX: a longer pattern matches nothing */

/* ---- patterns ---------------------------------------------------------- */

/* Brackets must close and a backslash must escape something: Docker
 * refuses the whole file otherwise. */
static bool balanced(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				return false;
		} else if (*p == '[') {
			p++;
			if (*p == '^' || *p == '!')
				p++;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
			if (!*p)
				return false;
		}
	}
	return true;
}

const char *dockerignore_pattern_problem(const char *s)
{
	const char *p = s[0] == '!' ? s + 1 : s;
	if (has_control_chars(s))
		return "contains a line break or control character; give one pattern per item";
	if (!*s || s[strspn(s, " ")] == '\0')
		return "is empty; remove it";
	if (s[0] == '#')
		return "starts with '#', which makes it a comment in .dockerignore; remove the '#'";
	if (*s == ' ' || s[strlen(s) - 1] == ' ')
		return "has a space at an end, which Docker drops; remove it";
	if (strlen(s) > DOCKERIGNORE_PATTERN_MAX)
		return "is longer than 4096 characters; no path is that long";
	if (!*p)
		return "is '!' alone; write the path to bring back after it (e.g. '!docs/keep.md')";
	if (!balanced(p))
		return "has a '[' without its ']' or ends in '\\'; Docker refuses such a file";
	return NULL;
}

/* A bracket class at p (just after its '['), against ch; *end is set
 * past its ']'.  balanced() has made sure that the ']' is there. */
static bool class_match(const char *p, char ch, const char **end)
{
	bool negate = *p == '^' || *p == '!', hit = false;
	if (negate)
		p++;
	for (bool first = true; *p && (*p != ']' || first); first = false) {
		char lo = *p == '\\' && p[1] ? *++p : *p;
		p++;
		char hi = lo;
		if (*p == '-' && p[1] && p[1] != ']') {
			p++;
			hi = *p == '\\' && p[1] ? *++p : *p;
			p++;
		}
		if (ch >= lo && ch <= hi)
			hit = true;
	}
	*end = *p ? p + 1 : p;
	return hit != negate;
}

/* One folder name against one pattern component: '*' any run of
 * characters, '?' one, '[...]' a class, '\\' escapes.  On a mismatch it
 * goes back only to the last '*', so the time is at most the product of
 * the two lengths, whatever a spec's pattern holds. */
static bool glob_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;
	while (*s) {
		const char *next = p + 1;
		bool one;
		if (*p == '*') {
			star = ++p;
			resume = s;
			continue;
		} else if (*p == '?') {
			one = true;
		} else if (*p == '[') {
			one = class_match(p + 1, *s, &next);
		} else if (*p == '\\' && p[1]) {
			one = p[1] == *s;
			next = p + 2;
		} else {
			one = *p && *p == *s;
		}
		if (one) {
			p = next;
			s++;
		} else if (star) {
			p = star;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

/* Whether the pattern's components match the path's first j components
 * for some j >= 1: the path itself or a folder above it.  `**` stands for
 * any number of components, none included.  One row of the table at a
 * time (row[j]: the components so far match path[0..j)), so the time is
 * np * nq component matches, never exponential in the number of `**`. */
static bool match_parts(Arena *a, char **pat, size_t np, char **path, size_t nq)
{
	bool *row = arena_alloc(a, (nq + 1) * sizeof(bool));
	row[0] = true;
	for (size_t j = 1; j <= nq; j++)
		row[j] = false;
	for (size_t i = 0; i < np; i++) {
		if (strcmp(pat[i], "**") == 0) {
			for (size_t j = 1; j <= nq; j++)
				row[j] = row[j] || row[j - 1];
			continue;
		}
		for (size_t j = nq; j >= 1; j--)
			row[j] = row[j - 1] && glob_match(pat[i], path[j - 1]);
		row[0] = false;
	}
	for (size_t j = 1; j <= nq; j++)
		if (row[j])
			return true;
	return false;
}

/* Splits a cleaned path ("a/b/c") into its components, in the arena. */
static size_t split(Arena *a, const char *s, char ***out)
{
	size_t n = 1;
	for (const char *p = s; *p; p++)
		n += *p == '/';
	char **v = arena_alloc(a, n * sizeof(char *));
	char *copy = arena_strdup(a, s);
	size_t i = 0;
	for (char *tok = copy, *slash; tok; tok = slash ? slash + 1 : NULL) {
		slash = strchr(tok, '/');
		if (slash)
			*slash = '\0';
		if (*tok && strcmp(tok, ".") != 0)
			v[i++] = tok;
	}
	*out = v;
	return i;
}

/* "./a//b/" -> "a/b"; "" for the context itself. */
static const char *clean(Arena *a, const char *s)
{
	char **parts;
	size_t n = split(a, s, &parts);
	Strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addc(&sb, '/');
		strbuf_adds(&sb, parts[i]);
	}
	char *r = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return r;
}

/* The index of the line that decides about path (or one of its folders),
 * or -1 when none matches; *out is whether that line leaves it out. */
static long deciding_line(Arena *a, const StrList *lines, const char *path, bool *out)
{
	char **q;
	size_t nq = split(a, clean(a, path), &q);
	long last = -1;
	*out = false;
	for (size_t i = 0; i < lines->n; i++) {
		const char *line = lines->v[i];
		bool negated = line[0] == '!';
		char **p;
		size_t np = split(a, negated ? line + 1 : line, &p);
		if (np == 0)
			continue;
		if (match_parts(a, p, np, q, nq)) {
			last = (long)i;
			*out = !negated;
		}
	}
	return last;
}

bool dockerignore_excludes(Arena *a, const StrList *lines, const char *path)
{
	bool out;
	deciding_line(a, lines, path, &out);
	return out;
}

/* ---- the lines ----------------------------------------------------------- */

static bool read_group(Arena *a, const YNode *root, const char *key, StrList *out, Diags *d)
{
	const YNode *l = ynode_get(root, key);
	if (!l || l->kind != YNODE_SEQ) {
		diag_error(d, l ? l->pos : root->pos, "%s needs '%s': a list of patterns", DATA_FILE, key);
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < l->n; i++) {
		const YNode *it = l->items[i];
		const char *problem = it->kind == YNODE_SCALAR && !it->is_null
					      ? dockerignore_pattern_problem(it->str)
					      : "not a string";
		if (problem) {
			diag_error(d, it->pos, "a pattern in '%s' %s", key, problem);
			ok = false;
		} else {
			strlist_push(a, out, it->str);
		}
	}
	return ok;
}

bool dockerignore_lower(Arena *a, Ir *ir, const Templates *ts, const Template *t, const Spec *s, Diags *d)
{
	const YNode *root = ts->dockerignore_yaml; /* read once when the set is cached (cache.c) */
	const SourceFile *f = root ? NULL : template_source(a, ts, DATA_FILE, d);
	if (!root && !f) {
		diag_error(d, (SrcPos){0}, "the templates folder '%s' has no readable %s; copy stagec's "
					   "templates/%s there", ts->dir ? ts->dir : "(built in)", DATA_FILE, DATA_FILE);
		return false;
	}
	if (!root)
		root = template_yaml(a, f, d);
	if (!root)
		return false;
	if (root->kind != YNODE_MAP) {
		diag_error(d, root->pos, "%s must be a mapping with 'common' and 'secrets'", DATA_FILE);
		return false;
	}
	for (size_t i = 0; i < root->n; i++) {
		const YNode *k = root->pairs[i].key;
		if (strcmp(k->str, "common") != 0 && strcmp(k->str, "secrets") != 0) {
			diag_error(d, k->pos, "unknown key '%s' in %s; valid keys are common, secrets", k->str,
				   DATA_FILE);
			return false;
		}
	}
	StrList secrets = {0};
	if (!read_group(a, root, "common", &ir->dockerignore, d) | !read_group(a, root, "secrets", &secrets, d))
		return false;
	strlist_copy(a, &ir->dockerignore, &t->dockerignore);
	if (!s->test.present) /* the test stage needs the tests */
		strlist_copy(a, &ir->dockerignore, &t->test_files);
	bool ok = true;
	for (size_t i = 0; i < s->dockerignore.n; i++) {
		const SStr *line = &s->dockerignore.v[i];
		strlist_push(a, &ir->dockerignore, line->s);
		/* taken as a path, what a '!' line names must not be a secret */
		for (size_t j = 0; line->s[0] == '!' && j < secrets.n; j++) {
			StrList one = {0};
			strlist_push(a, &one, secrets.v[j]);
			if (dockerignore_excludes(a, &one, line->s + 1)) {
				diag_error(d, line->pos, "'%s' would bring back a secret ('%s'), and secrets never "
							 "go into the image; pass it as a build secret or at run time",
					   line->s, secrets.v[j]);
				ok = false;
				break;
			}
		}
	}
	ir->dockerignore_secrets = secrets.n;
	strlist_copy(a, &ir->dockerignore, &secrets);
	return ok;
}

/* ---- the check ----------------------------------------------------------- */

static void check_path(Arena *a, const Ir *ir, const Spec *s, const Step *st, const char *src, Diags *d)
{
	bool out;
	long i = deciding_line(a, &ir->dockerignore, src, &out);
	if (!out)
		return;
	const char *line = ir->dockerignore.v[i];
	for (size_t j = 0; j < s->dockerignore.n; j++) {
		if (strcmp(s->dockerignore.v[j].s, line) == 0) {
			diag_error(d, s->dockerignore.v[j].pos, "the pattern '%s' leaves '%s' out of the build "
								"context, and the Dockerfile copies it; remove the pattern",
				   line, src);
			return;
		}
	}
	SrcPos pos = st->pos.file == s->file ? st->pos : s->dockerignore.present ? s->dockerignore.pos
										: (SrcPos){s->file, 1, 1};
	if ((size_t)i >= ir->dockerignore.n - ir->dockerignore_secrets)
		diag_error(d, pos, "'%s' looks like a secret (.dockerignore line '%s'), and secrets never go "
				   "into the image; rename it if it is none, or pass it as a build secret",
			   src, line);
	else
		diag_error(d, pos, "the .dockerignore line '%s' leaves '%s' out of the build context, and "
				   "the Dockerfile copies it; rename it, or bring it back with "
				   "'dockerignore: [\"!%s\"]'", line, src, clean(a, src));
}

void dockerignore_check(Arena *a, const Ir *ir, const Spec *s, Diags *d)
{
	StrList seen = {0}; /* a path copied in two stages is reported once */
	for (const Stage *sg = ir->first; sg; sg = sg->next) {
		for (const Step *st = sg->first; st; st = st->next) {
			if (st->kind != STEP_COPY || st->from)
				continue;
			for (size_t i = 0; i < st->args.n; i++) {
				const char *path = clean(a, st->args.v[i]);
				if (!*path || strlist_contains(&seen, path))
					continue;
				strlist_push(a, &seen, path);
				check_path(a, ir, s, st, st->args.v[i], d);
			}
		}
	}
}
