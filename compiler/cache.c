/*
 * cache.c - what a process that compiles many specs reads once: the
 * template set (families, bases, the runtime-library table), each
 * language's template, and each policy file (a StagecCache, stagec.h).
 *
 * `stagec all` compiles thousands of specs against the same templates and
 * a handful of policies; parsing them again for each spec was most of its
 * time.  The cache keeps each one, keyed by the templates folder (NULL:
 * the built-in set), the language, and the policy's path, in an arena of
 * its own that lives as long as the cache; a compilation's own arena
 * holds nothing the cache keeps, so memory stays flat per spec.
 *
 * Only what loaded without a single diagnostic is kept.  Anything else
 * (a broken --templates folder, a policy with a warning) is loaded again,
 * into the compilation's arena, with the compilation's diagnostics, so
 * each spec reports it exactly as without a cache.  What the cache hands
 * out is never changed by a compilation: templates and policies are read
 * through const pointers, and the policy's trees are merged into copies
 * (policy_merge.c).  The runtime-library lists a template set hands out
 * are made once per entry (runtime_libs.c), so they do not grow either.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct CachedTemplate {
	const char *language;
	Template *t;
	Inputs read; /* the files read loading it, for line 2 */
} CachedTemplate;

typedef struct CachedSet {
	const char *dir; /* NULL: built in */
	Templates t;
	Inputs read; /* families, bases, dockerignore: what each compilation reads */
	CachedTemplate *langs;
	size_t nlangs, caplangs;
} CachedSet;

typedef struct CachedPolicy {
	const char *path;
	Policy *p;
} CachedPolicy;

struct StagecCache {
	Arena *arena;
	CachedSet *sets;
	size_t nsets, capsets;
	CachedPolicy *policies;
	size_t npolicies, cappolicies;
};

StagecCache *stagec_cache_new(void)
{
	StagecCache *c = calloc(1, sizeof(*c));
	if (c)
		c->arena = arena_new();
	return c;
}

void stagec_cache_free(StagecCache *c)
{
	if (!c)
		return;
	arena_free(c->arena);
	free(c);
}

static bool same_key(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Makes room for one more element of size sz in *v (arena memory: the
 * arrays stay small, one element per distinct key). */
static void *grow(Arena *a, void *v, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return v;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *bigger = arena_alloc(a, ncap * sz);
	if (n)
		memcpy(bigger, v, n * sz);
	*cap = ncap;
	return bigger;
}

static bool clean(const Diags *d)
{
	return d->errors == 0 && d->warnings == 0 && !d->head;
}

/* What a cached load read, recorded again for this compilation's line 2,
 * as loading would have. */
static void replay(Inputs *to, const Inputs *read)
{
	if (!to)
		return;
	for (size_t i = 0; i < read->n; i++) {
		bool have = false;
		for (size_t j = 0; j < to->n && !have; j++)
			have = to->v[j].kind == read->v[i].kind && strcmp(to->v[j].path, read->v[i].path) == 0;
		if (have)
			continue;
		if (to->n == to->cap) {
			size_t cap = to->cap ? to->cap * 2 : 16;
			Input *v = arena_alloc(to->a, cap * sizeof(*v));
			if (to->n)
				memcpy(v, to->v, to->n * sizeof(*v));
			to->v = v;
			to->cap = cap;
		}
		to->v[to->n] = read->v[i];
		to->v[to->n].order = to->n;
		to->n++;
	}
}

Templates *cache_templates(StagecCache *c, Arena *a, Templates *own, const char *dir, Inputs *inputs, Diags *d)
{
	if (c) {
		for (size_t i = 0; i < c->nsets; i++)
			if (same_key(c->sets[i].dir, dir)) {
				CachedSet *s = &c->sets[i];
				s->t.diags = d; /* a --templates table read later reports here */
				s->t.inputs = inputs;
				replay(inputs, &s->read);
				return &s->t;
			}
		Diags quiet;
		diags_init(&quiet, c->arena, 0, false);
		Inputs read;
		inputs_init(&read, c->arena, NULL);
		Templates t;
		if (templates_open_recording(c->arena, &t, dir ? arena_strdup(c->arena, dir) : NULL, &read, &quiet) &&
		    clean(&quiet)) {
			/* dockerignore.yaml, which every compilation reads: kept when clean */
			const SourceFile *f = template_source(c->arena, &t, "dockerignore.yaml", &quiet);
			const YNode *root = f ? template_yaml(c->arena, f, &quiet) : NULL;
			t.dockerignore_yaml = clean(&quiet) ? root : NULL;
			c->sets = grow(c->arena, c->sets, c->nsets, &c->capsets, sizeof(*c->sets));
			CachedSet *s = &c->sets[c->nsets++];
			memset(s, 0, sizeof(*s));
			s->dir = t.dir;
			s->t = t;
			s->read = read;
			if (!t.dockerignore_yaml) /* read by each compilation then, and recorded by it */
				s->read.n = 0;
			s->t.diags = d;
			s->t.inputs = inputs;
			replay(inputs, &s->read);
			return &s->t;
		}
	}
	return templates_open_recording(a, own, dir, inputs, d) ? own : NULL;
}

static CachedSet *set_of(StagecCache *c, const Templates *ts)
{
	for (size_t i = 0; c && i < c->nsets; i++)
		if (&c->sets[i].t == ts)
			return &c->sets[i];
	return NULL;
}

Template *cache_template(StagecCache *c, Arena *a, const Templates *ts, const char *language, Diags *d)
{
	CachedSet *s = set_of(c, ts);
	if (s) {
		for (size_t i = 0; i < s->nlangs; i++)
			if (strcmp(s->langs[i].language, language) == 0) {
				replay(s->t.inputs, &s->langs[i].read);
				return s->langs[i].t;
			}
		Diags quiet;
		diags_init(&quiet, c->arena, 0, false);
		Inputs read;
		inputs_init(&read, c->arena, NULL);
		Inputs *compilation = s->t.inputs;
		s->t.inputs = &read;
		Template *t = template_load(c->arena, &s->t, language, &quiet);
		s->t.inputs = compilation;
		if (t && clean(&quiet)) {
			s->langs = grow(c->arena, s->langs, s->nlangs, &s->caplangs, sizeof(*s->langs));
			s->langs[s->nlangs++] = (CachedTemplate){arena_strdup(c->arena, language), t, read};
			replay(compilation, &read);
			return t;
		}
	}
	return template_load(a, ts, language, d);
}

Policy *cache_policy(StagecCache *c, Arena *a, const char *path, Diags *d)
{
	if (c) {
		for (size_t i = 0; i < c->npolicies; i++)
			if (strcmp(c->policies[i].path, path) == 0)
				return c->policies[i].p;
		Diags quiet;
		diags_init(&quiet, c->arena, 0, false);
		Policy *p = policy_load(c->arena, path, NULL, &quiet);
		if (p && clean(&quiet)) {
			c->policies = grow(c->arena, c->policies, c->npolicies, &c->cappolicies, sizeof(*c->policies));
			c->policies[c->npolicies++] = (CachedPolicy){arena_strdup(c->arena, path), p};
			return p;
		}
	}
	return policy_load(a, path, NULL, d);
}
