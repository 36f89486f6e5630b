/*
 * pass_packages.c - package hygiene.
 *
 * Each stage gets at most one packages step, holding every package the
 * stage's packages steps asked for, sorted and de-duplicated, at the place
 * of the first one.  The emitter turns it into the one
 * `apt-get update && apt-get install -y --no-install-recommends ... &&
 * rm -rf /var/lib/apt/lists` RUN that keeps a layer small.
 * With caches on (Ir.caches), a stage whose image family keeps package
 * caches (families.yaml `caches`: apt's lists and archives) mounts them
 * on that step, and the emitter writes the family's `cached_install`,
 * which keeps what it downloads there instead of deleting it.  The
 * family is the stage's, so this runs after the split.
 * Guarantees: at most one packages step per stage, its list sorted and
 * unique; its role is the union of the merged steps' roles, and its reason
 * joins theirs (each names its packages).
 */
#include "internal.h"

int pass_packages(Ir *ir, PassCtx *ctx)
{
	(void)ctx;
	for (Stage *s = ir->first; s; s = s->next) {
		Step *first = NULL;
		const char *why = NULL;
		for (Step *st = s->first, *next; st; st = next) {
			next = st->next;
			if (st->kind != STEP_PACKAGES)
				continue;
			if (!first) {
				first = st;
				continue;
			}
			why = ir_why_join(ir, why ? why : first->why, st->why);
			strlist_copy(ir->arena, &first->args, &st->args);
			first->role |= st->role;
			ir_step_unlink(s, st);
		}
		if (first) {
			strlist_sort_unique(&first->args);
			if (why)
				first->why = arena_printf(ir->arena, "%s, one layer -- %s",
							  first->role == ROLE_BUILD     ? "packages to build"
							  : first->role == ROLE_RUNTIME ? "run-time packages"
											: "packages",
							  why);
			for (size_t i = 0; ir->caches && i < s->family->caches.n; i++) {
				const TmplCache *c = &s->family->caches.v[i];
				Mount m = {.kind = MOUNT_CACHE, .target = c->target, .id = c->id,
					   .locked = c->locked, .pos = c->pos};
				ir_step_add_mount(ir, first, &m);
			}
		}
	}
	return 0;
}
