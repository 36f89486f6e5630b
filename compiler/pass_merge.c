/*
 * pass_merge.c - merging adjacent steps that Docker can do as one.
 *
 * Adjacent ENV steps become one ENV instruction, adjacent LABEL steps one
 * LABEL, when they have the same role and the same trust (template values
 * may expand $VARS; spec values never do).  Fewer instructions, fewer
 * layers in the image history, same result.
 * Guarantees: no two adjacent ENV (or LABEL) steps that could be merged.
 */
#include "internal.h"

static bool mergeable(const Step *a, const Step *b)
{
	return (a->kind == STEP_ENV || a->kind == STEP_LABEL) && a->kind == b->kind && a->role == b->role &&
	       a->trusted == b->trusted;
}

int pass_merge(Ir *ir, PassCtx *ctx)
{
	(void)ctx;
	for (Stage *s = ir->first; s; s = s->next) {
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
