/*
 * changed.c - `stagec all --changed-files FILE|-`: which specs a list of
 * changed paths touches, for CI on big repositories.
 *
 * The list holds one path a line, relative to the current folder, as
 * `git diff --name-only` prints them when run from the repository's root
 * (so run stagec there).  Blank lines and a trailing CR are ignored; a
 * path may name a file that is gone (a deleted spec).  Each path is made
 * absolute: its folder resolved through stagec_realpath() when it exists (so a
 * symlinked checkout matches), else lexically from the current folder.
 *
 * A spec is touched when a path lies inside its folder (the spec, its
 * source, its generated files), inside its build context (context:, whose
 * whole tree is copied), under its -o mirror, or is a file of its policy
 * chain or its stagec.lock.  The context is read from the spec's text without compiling it:
 * a top-level `context:` line.  A spec whose text names context in any
 * other way (a flow mapping) counts as touched by every path, so that no
 * spec is ever left out wrongly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "changed.h"
#include "cli.h"
#include "internal.h"

struct Changed {
	char **v;
	size_t n, cap;
	/* each policy's chain is read once: whether a changed path is in it */
	char **policies;
	bool *policy_hit;
	size_t npolicies;
};

/* "a/./b/../c" -> "a/c" in place; path is absolute. */
static void normalise(char *path)
{
	char *out = path;
	for (char *p = path; *p;) {
		while (*p == '/')
			p++;
		char *seg = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/* path as an absolute path: its folder resolved when it exists. */
static char *absolute(const char *path)
{
	char buf[PATH_MAX * 2];
	if (path[0] == '/') {
		snprintf(buf, sizeof(buf), "%s", path);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return NULL;
		snprintf(buf, sizeof(buf), "%s/%s", cwd, path);
	}
	normalise(buf);
	char *copy = strdup(buf), *copy2 = strdup(buf);
	if (!copy || !copy2) {
		free(copy);
		free(copy2);
		return NULL;
	}
	char *real = stagec_realpath(dirname(copy), NULL);
	if (real) {
		const char *base = basename(copy2);
		snprintf(buf, sizeof(buf), "%s%s%s", real, strcmp(real, "/") ? "/" : "", base);
		free(real);
	}
	free(copy);
	free(copy2);
	return strdup(buf);
}

Changed *changed_read(const char *file)
{
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	if (!f) {
		cli_error("cannot read the list of changed files '%s': %s", cli_shown(file), strerror(errno));
		return NULL;
	}
	Changed *c = calloc(1, sizeof(*c));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	size_t total = 0;
	bool failed = !c;
	while (!failed && (len = getline(&line, &cap, f)) >= 0) {
		total += (size_t)len;
		if (total > CHANGED_MAX_BYTES) {
			cli_error("the list of changed files '%s' is larger than %d bytes", cli_shown(file),
				  CHANGED_MAX_BYTES);
			failed = true;
			break;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!len)
			continue;
		if (memchr(line, '\0', (size_t)len)) {
			cli_error("the list of changed files '%s' holds a NUL byte; give one path a line",
				  cli_shown(file));
			failed = true;
			break;
		}
		char *abs = absolute(line);
		if (!abs) {
			cli_error("%s", "out of memory");
			failed = true;
			break;
		}
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 64;
			char **bigger = realloc(c->v, c->cap * sizeof(*c->v));
			if (!bigger) {
				free(abs);
				cli_error("%s", "out of memory");
				failed = true;
				break;
			}
			c->v = bigger;
		}
		c->v[c->n++] = abs;
	}
	if (!failed && ferror(f)) {
		cli_error("cannot read the list of changed files '%s': %s", cli_shown(file), strerror(errno));
		failed = true;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (failed) {
		changed_free(c);
		return NULL;
	}
	return c;
}

void changed_free(Changed *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	for (size_t i = 0; i < c->npolicies; i++)
		free(c->policies[i]);
	free(c->policies);
	free(c->policy_hit);
	free(c);
}

size_t changed_count(const Changed *c)
{
	return c ? c->n : 0;
}

/* Whether a changed path is dir or lies below it (dir: any path). */
static bool touches_dir(const Changed *c, const char *dir)
{
	char *abs = absolute(dir);
	if (!abs)
		return true;
	char *real = stagec_realpath(dir, NULL); /* the folder itself, resolved */
	const char *d = real ? real : abs;
	size_t n = strlen(d);
	bool hit = false;
	for (size_t i = 0; i < c->n && !hit; i++)
		hit = strncmp(c->v[i], d, n) == 0 && (c->v[i][n] == '/' || c->v[i][n] == '\0' || n == 1);
	free(real);
	free(abs);
	return hit;
}

static bool touches_file(const Changed *c, const char *file)
{
	char *abs = absolute(file);
	bool hit = false;
	for (size_t i = 0; abs && i < c->n && !hit; i++)
		hit = strcmp(c->v[i], abs) == 0;
	free(abs);
	return !abs || hit;
}

/* The context: of a spec's text: the value of a top-level "context:" line
 * (static buffer), NULL when there is none, "*" when the text names
 * context some other way. */
static const char *spec_context(const char *spec_path)
{
	static char value[PATH_MAX];
	FILE *f = fopen(spec_path, "r");
	if (!f)
		return NULL;
	char line[4096];
	const char *found = NULL;
	while (fgets(line, sizeof(line), f)) {
		const char *hash = strchr(line, '#');
		char *at = strstr(line, "context");
		if (!at || (hash && hash < at))
			continue;
		if (at != line || line[7] != ':') {
			found = "*";
			break;
		}
		char *v = line + 8;
		v += strspn(v, " \t\"'");
		size_t n = strcspn(v, " \t\r\n\"'#");
		if (n == 0 || n >= sizeof(value)) {
			found = "*";
			break;
		}
		memcpy(value, v, n);
		value[n] = '\0';
		found = value;
	}
	fclose(f);
	return found;
}

/* Whether a changed path is a file of the chain starting at policy. */
static bool touches_policy(Changed *c, const char *policy)
{
	for (size_t i = 0; i < c->npolicies; i++)
		if (strcmp(c->policies[i], policy) == 0)
			return c->policy_hit[i];
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 0, false);
	Policy *p = policy_load(a, policy, NULL, &d);
	bool hit = touches_file(c, policy);
	for (size_t i = 0; p && !hit && i < p->nchain; i++)
		hit = touches_file(c, p->chain[i]->path);
	arena_free(a);
	char **np = realloc(c->policies, (c->npolicies + 1) * sizeof(*np));
	if (np)
		c->policies = np;
	bool *nh = realloc(c->policy_hit, (c->npolicies + 1) * sizeof(*nh));
	if (nh)
		c->policy_hit = nh;
	char *copy = strdup(policy);
	if (np && nh && copy) {
		c->policies[c->npolicies] = copy;
		c->policy_hit[c->npolicies++] = hit;
	} else {
		free(copy);
	}
	return hit;
}

bool changed_touches(Changed *c, const char *spec_path, const char *policy, const char *lock,
		     const char *mirror_dir)
{
	char *copy = strdup(spec_path);
	if (!copy)
		return true;
	const char *dir = dirname(copy);
	bool hit = touches_dir(c, dir) || touches_file(c, spec_path);
	if (!hit && mirror_dir)
		hit = touches_dir(c, mirror_dir);
	if (!hit) {
		const char *ctx = spec_context(spec_path);
		if (ctx && strcmp(ctx, "*") == 0) {
			hit = c->n > 0;
		} else if (ctx) {
			char path[PATH_MAX * 2];
			snprintf(path, sizeof(path), "%s/%s", dir, ctx);
			hit = touches_dir(c, path);
		}
	}
	if (!hit && policy)
		hit = touches_policy(c, policy);
	if (!hit && lock)
		hit = touches_file(c, lock);
	free(copy);
	return hit;
}
