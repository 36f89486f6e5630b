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
 * and no ENV pair that changes nothing.
 */
#include <string.h>

#include "internal.h"

/* The value an earlier ENV of the stage gave key, or NULL. */
static const char *env_before(const Step *st, const char *key, bool *trusted)
{
	for (const Step *p = st->prev; p; p = p->prev) {
		if (p->kind != STEP_ENV)
			continue;
		for (size_t i = p->keys.n; i-- > 0;)
			if (strcmp(p->keys.v[i], key) == 0) {
				*trusted = p->trusted;
				return p->values.v[i];
			}
	}
	return NULL;
}

static void drop_redundant_env(Stage *s)
{
	for (Step *st = s->first, *next; st; st = next) {
		next = st->next;
		if (st->kind != STEP_ENV)
			continue;
		size_t out = 0;
		for (size_t i = 0; i < st->keys.n; i++) {
			bool trusted = false;
			const char *old = env_before(st, st->keys.v[i], &trusted);
			/* a value with $ means different things trusted and not */
			bool same = old && strcmp(old, st->values.v[i]) == 0 &&
				    (trusted == st->trusted || !strchr(old, '$'));
			if (same)
				continue;
			st->keys.v[out] = st->keys.v[i];
			st->values.v[out] = st->values.v[i];
			out++;
		}
		st->keys.n = st->values.n = out;
		if (out == 0)
			ir_step_unlink(s, st);
	}
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
			strlist_copy(ir->arena, &st->keys, &next->keys);
			strlist_copy(ir->arena, &st->values, &next->values);
			ir_step_unlink(s, next);
		}
	}
	return 0;
}
