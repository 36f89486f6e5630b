/*
 * pass_prune.c - removing work nobody uses.
 *
 * In a builder stage, steps after the last RUN produce nothing a later
 * stage can take (a later stage copies what RUN steps produce, or the
 * workdir a build rewrote): a trailing COPY of the source, ENV or WORKDIR
 * there only costs build time.  They are dropped, unless a later stage
 * copies from the builder something such a step put there.  A builder that
 * no later stage copies from is dropped whole, unless the spec has tests:
 * the test stage (pass_test.c) builds on it, as it is.
 * Guarantees: every builder stage is used, and ends with a RUN, but the one
 * kept for the tests.
 */
#include <string.h>

#include "internal.h"

static bool stage_used(const Ir *ir, const Stage *s, StrList *paths)
{
	bool used = false;
	for (const Stage *o = s->next; o; o = o->next)
		for (const Step *st = o->first; st; st = st->next)
			if (st->from && s->name && strcmp(st->from, s->name) == 0) {
				used = true;
				strlist_copy(ir->arena, paths, &st->args);
			}
	return used;
}

static bool copies_into(const Step *st, const StrList *paths, const char *workdir)
{
	if (st->kind != STEP_COPY)
		return false;
	/* a COPY writes under the workdir (relative destinations) or at its
	 * absolute destination; it matters when a later stage copies that
	 * folder or one above it.  (It could also overwrite something inside
	 * a copied folder, node_modules say, only with files .dockerignore
	 * keeps out of the context.) */
	const char *dest = st->value && st->value[0] == '/' ? st->value : workdir;
	for (size_t i = 0; i < paths->n; i++) {
		size_t n = strlen(paths->v[i]);
		if (strncmp(dest, paths->v[i], n) == 0 && (dest[n] == '/' || dest[n] == '\0'))
			return true;
	}
	return false;
}

int pass_prune(Ir *ir, PassCtx *ctx)
{
	(void)ctx;
	for (Stage *s = ir->first, *next; s && s != ir->last; s = next) {
		next = s->next;
		StrList paths = {0};
		if (!stage_used(ir, s, &paths)) {
			if (!ir->test.n || s != ir->first) /* the test stage (pass_test) builds on the builder */
				ir_stage_remove(ir, s);
			continue;
		}
		while (s->last && s->last->kind != STEP_RUN && s->last->kind != STEP_PACKAGES &&
		       !copies_into(s->last, &paths, ir->workdir))
			ir_step_unlink(s, s->last);
	}
	return 0;
}
