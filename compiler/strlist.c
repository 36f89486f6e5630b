/*
 * strlist.c - growable lists of arena strings, for package names, paths
 * and exec-form arguments.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *strlist_join(Arena *a, const StrList *l, const char *sep)
{
	Strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < l->n; i++)
		strbuf_addf(&sb, "%s%s", i ? sep : "", l->v[i]);
	const char *r = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return r;
}

void strlist_push(Arena *a, StrList *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 2; /* most lists hold one or two */
		const char **v = arena_alloc(a, cap * sizeof(*v));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = s;
}

bool strlist_contains(const StrList *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void strlist_sort_unique(StrList *l)
{
	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	size_t out = 1;
	for (size_t i = 1; i < l->n; i++)
		if (strcmp(l->v[i], l->v[out - 1]) != 0)
			l->v[out++] = l->v[i];
	l->n = out;
}

void strlist_copy(Arena *a, StrList *dst, const StrList *src)
{
	for (size_t i = 0; i < src->n; i++)
		strlist_push(a, dst, src->v[i]);
}
