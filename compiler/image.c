/*
 * image.c - image references: normalising them, matching them against
 * patterns, and finding the family an image belongs to.
 *
 * One matcher serves every place that compares images with patterns (the
 * image families today; policy rules later).  A reference is normalised
 * the way Docker reads it: `python:3.12` is
 * `docker.io/library/python:3.12`, a reference with no tag has `:latest`,
 * a digest is left out of the comparison, and `scratch` stays `scratch`.
 * Patterns are normalised the same way, except that one starting with `**`
 * is taken as written and no tag is added to a pattern.  In a pattern `*`
 * matches within one path segment (never a '/') and `**` matches across
 * segments.  Matching is a table walk, linear in the product of the two
 * lengths, so no pattern can make it slow.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Whether the first path component names a registry (docker's rule: it
 * has a '.' or a ':', or is localhost). */
static bool names_registry(const char *s, size_t n)
{
	if (n == 9 && strncmp(s, "localhost", 9) == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' || s[i] == ':')
			return true;
	return false;
}

static const char *normalise(Arena *a, const char *ref, bool is_pattern)
{
	if (strcmp(ref, "scratch") == 0 || (is_pattern && strncmp(ref, "**", 2) == 0))
		return ref;
	size_t len = strcspn(ref, "@"); /* the digest is not compared */
	const char *slash = memchr(ref, '/', len);
	Strbuf sb = STRBUF_INIT;
	if (!slash || !names_registry(ref, (size_t)(slash - ref))) {
		strbuf_adds(&sb, "docker.io/");
		if (!slash)
			strbuf_adds(&sb, "library/");
	}
	strbuf_add(&sb, ref, len);
	const char *last = strrchr(strbuf_str(&sb), '/');
	if (!is_pattern && !strchr(last ? last : strbuf_str(&sb), ':'))
		strbuf_adds(&sb, ":latest");
	const char *out = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

const char *image_normalise(Arena *a, const char *ref)
{
	return normalise(a, ref, false);
}

const char *image_written_tag(Arena *a, const char *ref, const char **bare)
{
	const char *slash = strrchr(ref, '/');
	const char *colon = strrchr(slash ? slash : ref, ':');
	*bare = colon ? arena_strndup(a, ref, (size_t)(colon - ref)) : ref;
	return colon ? colon + 1 : NULL;
}

/* m[i * (n + 1) + j]: pattern from i matches s from j. */
static bool glob_match(const char *p, const char *s)
{
	size_t pn = strlen(p), n = strlen(s);
	unsigned char *m = calloc((pn + 1) * (n + 1), 1);
	if (!m)
		return false;
#define M(i, j) m[(i) * (n + 1) + (j)]
	M(pn, n) = 1;
	for (size_t i = pn; i-- > 0;) {
		bool dstar = p[i] == '*' && i + 1 < pn && p[i + 1] == '*';
		bool star = p[i] == '*' && !dstar && !(i > 0 && p[i - 1] == '*');
		for (size_t j = n + 1; j-- > 0;) {
			if (dstar) /* ** : nothing, or one more character */
				M(i, j) = M(i + 2, j) || (j < n && M(i, j + 1));
			else if (p[i] == '*' && !star) /* the second '*' of a "**": handled above */
				M(i, j) = 0;
			else if (star)
				M(i, j) = M(i + 1, j) || (j < n && s[j] != '/' && M(i, j + 1));
			else
				M(i, j) = j < n && p[i] == s[j] && M(i + 1, j + 1);
		}
	}
	bool r = M(0, 0);
#undef M
	free(m);
	return r;
}

bool image_matches(Arena *a, const char *pattern, const char *ref)
{
	return glob_match(normalise(a, pattern, true), normalise(a, ref, false));
}

/* The family of ref, matched with a scratch arena: a template set may be
 * shared by thousands of compilations (cache.c), and matching must not
 * grow its arena. */
static const Family *match_family(const Templates *t, const char *ref)
{
	Arena *scratch = arena_new();
	const Family *found = NULL;
	for (size_t i = 0; i < t->nfamilies && !found; i++)
		for (size_t j = 0; j < t->families[i].match.n && !found; j++)
			if (image_matches(scratch, t->families[i].match.v[j], ref))
				found = &t->families[i];
	arena_free(scratch);
	return found;
}

/* Answers are remembered per reference (a spec asks several times, and a
 * monorepo's specs name few images); at most FAMILY_MEMO_MAX of them, so
 * the memo stays small whatever the specs name. */
#define FAMILY_MEMO_MAX 256

const Family *family_for_image(const Templates *t, const char *ref)
{
	FamilyMemo *m = t->family_memo;
	for (size_t i = 0; m && i < m->n; i++)
		if (strcmp(m->refs[i], ref) == 0)
			return m->families[i];
	const Family *f = match_family(t, ref);
	if (m && m->n < FAMILY_MEMO_MAX) {
		if (!m->refs) {
			m->refs = arena_alloc(t->arena, FAMILY_MEMO_MAX * sizeof(*m->refs));
			m->families = arena_alloc(t->arena, FAMILY_MEMO_MAX * sizeof(*m->families));
		}
		m->refs[m->n] = arena_strdup(t->arena, ref);
		m->families[m->n++] = f;
	}
	return f;
}

const Family *family_named(const Templates *t, const char *name)
{
	for (size_t i = 0; i < t->nfamilies; i++)
		if (strcmp(t->families[i].name, name) == 0)
			return &t->families[i];
	return NULL;
}

const char *family_user_uid(const Family *f, const char *user)
{
	for (size_t i = 0; f && i < f->user_names.n; i++)
		if (strcmp(f->user_names.v[i], user) == 0)
			return f->user_uids.v[i];
	return NULL;
}
