/*
 * pass_merge.c - merging adjacent steps that Docker can do as one.
 *
 * Adjacent ENV steps become one ENV instruction, adjacent LABEL steps one
 * LABEL, when they have the same role and the same trust (template values
 * may expand $VARS; spec values never do).  Fewer instructions, fewer
 * layers in the image history, same result.
 * An ENV pair that sets a variable to the value it already has in that
 * stage (the spec repeating a template default, say) is dropped.
 * Guarantees: no two adjacent ENV (or LABEL) steps that could be merged,
 * and no ENV pair that changes nothing; a merged step's reason joins theirs.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* What the stage's ENV steps so far set: key -> value, in a hash table
 * (open addressing) so that a stage with tens of thousands of variables
 * costs about as much per key as one with ten. */
typedef struct EnvSlot {
	const char *key, *value;
	bool trusted;
} EnvSlot;

typedef struct EnvMap {
	EnvSlot *v;
	size_t n, cap;
} EnvMap;

static size_t hash_key(const char *s)
{
	size_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static EnvSlot *env_slot(EnvSlot *v, size_t cap, const char *key)
{
	for (size_t i = hash_key(key) & (cap - 1);; i = (i + 1) & (cap - 1))
		if (!v[i].key || strcmp(v[i].key, key) == 0)
			return &v[i];
}

/* The table lives on the heap, not in the arena: it is scratch, freed
 * when the stage is done, and the arena would keep every size it had. */
static void env_set(EnvMap *m, const char *key, const char *value, bool trusted)
{
	if (2 * (m->n + 1) > m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		EnvSlot *v = calloc(cap, sizeof(*v));
		if (!v)
			abort(); /* as the arena does */
		for (size_t i = 0; i < m->cap; i++)
			if (m->v[i].key)
				*env_slot(v, cap, m->v[i].key) = m->v[i];
		free(m->v);
		m->v = v;
		m->cap = cap;
	}
	EnvSlot *e = env_slot(m->v, m->cap, key);
	m->n += !e->key;
	*e = (EnvSlot){key, value, trusted};
}

static const EnvSlot *env_get(const EnvMap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	const EnvSlot *e = env_slot(m->v, m->cap, key);
	return e->key ? e : NULL;
}

static void drop_redundant_env(Stage *s)
{
	EnvMap set = {0};
	for (Step *st = s->first, *next; st; st = next) {
		next = st->next;
		if (st->kind != STEP_ENV)
			continue;
		size_t out = 0;
		for (size_t i = 0; i < st->keys.n; i++) {
			/* the value an earlier ENV step of the stage gave the key */
			const EnvSlot *old = env_get(&set, st->keys.v[i]);
			/* a value with $ means different things trusted and not */
			bool same = old && strcmp(old->value, st->values.v[i]) == 0 &&
				    (old->trusted == st->trusted || !strchr(old->value, '$'));
			if (same)
				continue;
			st->keys.v[out] = st->keys.v[i];
			st->values.v[out] = st->values.v[i];
			out++;
		}
		st->keys.n = st->values.n = out;
		/* a step is compared with the steps before it, not with itself */
		for (size_t i = 0; i < out; i++)
			env_set(&set, st->keys.v[i], st->values.v[i], st->trusted);
		if (out == 0)
			ir_step_unlink(s, st);
	}
	free(set.v);
}

static bool mergeable(const Step *a, const Step *b)
{
	return (a->kind == STEP_ENV || a->kind == STEP_LABEL) && a->kind == b->kind && a->role == b->role &&
	       a->trusted == b->trusted;
}

int pass_merge(Ir *ir, PassCtx *ctx)
{
	(void)ctx;
	for (Stage *s = ir->first; s; s = s->next) {
		drop_redundant_env(s);
		for (Step *st = s->first; st && st->next;) {
			Step *next = st->next;
			if (!mergeable(st, next)) {
				st = next;
				continue;
			}
			st->why = ir_why_join(ir, st->why, next->why);
			strlist_copy(ir->arena, &st->keys, &next->keys);
			strlist_copy(ir->arena, &st->values, &next->values);
			ir_step_unlink(s, next);
		}
	}
	return 0;
}
