/*
 * pass_packages.c - package hygiene.
 *
 * Each stage gets at most one packages step, holding every package the
 * stage's packages steps asked for, sorted and de-duplicated, at the place
 * of the first one.  The emitter turns it into the one
 * `apt-get update && apt-get install -y --no-install-recommends ... &&
 * rm -rf /var/lib/apt/lists` RUN that keeps a layer small.
 * Guarantees: at most one packages step per stage, its list sorted and
 * unique; its role is the union of the merged steps' roles.
 */
#include "internal.h"

int pass_packages(Ir *ir, PassCtx *ctx)
{
	(void)ctx;
	for (Stage *s = ir->first; s; s = s->next) {
		Step *first = NULL;
		for (Step *st = s->first, *next; st; st = next) {
			next = st->next;
			if (st->kind != STEP_PACKAGES)
				continue;
			if (!first) {
				first = st;
				continue;
			}
			strlist_copy(ir->arena, &first->args, &st->args);
			first->role |= st->role;
			ir_step_unlink(s, st);
		}
		if (first) {
			strlist_sort_unique(&first->args);
			first->why = "every package of the stage, in one layer";
		}
	}
	return 0;
}
