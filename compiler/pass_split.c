/*
 * pass_split.c - the multi-stage split.
 *
 * Takes the one stage lowering built and makes two: a builder, FROM the
 * build image, with every step needed to build; and the final stage, FROM
 * the run image, with every step needed at run time.  Where a builder step
 * produces one of the artifacts the final stage needs (the venv, the
 * binary, node_modules), the final stage gets a COPY --from=builder of it
 * at the same point.  Artifacts no step produces (files of the build image
 * itself, such as CA certificates) are copied first.  When the app's
 * source is needed at run time and a build step changed it, the final
 * stage copies it from the builder instead of the context.
 * Steps that need a shell are dropped from a final stage that has none
 * (FROM scratch), with the reason in the dump.
 * Assumes: one stage, roles set.  Guarantees: the final stage holds no
 * build-only step, and every COPY --from names the builder.
 */
#include <string.h>

#include "internal.h"

#define BUILDER "builder"

static void copy_artifact(Ir *ir, Stage *final, const char *path, SrcPos pos)
{
	Step *cp = ir_step_new(ir, STEP_COPY, ROLE_RUNTIME, pos, "built in the builder, needed at run time");
	cp->tag = TAG_ARTIFACT;
	cp->from = BUILDER;
	strlist_push(ir->arena, &cp->args, path);
	cp->value = path;
	for (size_t i = 0; i < ir->artifacts.n; i++)
		if (strcmp(ir->artifacts.v[i], path) == 0 && i < ir->artifact_dests.n)
			cp->value = ir->artifact_dests.v[i];
	ir_step_append(final, cp);
}

static bool produced_by_any(const Stage *s, const char *path)
{
	for (const Step *st = s->first; st; st = st->next)
		if (strlist_contains(&st->produces, path))
			return true;
	return false;
}

int pass_split(Ir *ir, PassCtx *ctx)
{
	Stage *app = ir->first;
	if (!app || app->next)
		return 0; /* already split */
	app->name = BUILDER;
	Stage *final = ir_stage_append(ir, NULL, ir->run_image);
	final->has_shell = ir->run_has_shell;
	final->has_apt = ir->run_has_apt;

	for (size_t i = 0; i < ir->artifacts.n; i++)
		if (!produced_by_any(app, ir->artifacts.v[i]))
			copy_artifact(ir, final, ir->artifacts.v[i], app->first ? app->first->pos : (SrcPos){0});

	/* a build that rewrites the app's folder: the final stage takes the
	 * whole folder from the builder, artifacts inside it included */
	bool source_rebuilt = false;
	for (const Step *st = app->first; st; st = st->next)
		if (ir->source_at_runtime && strlist_contains(&st->produces, ir->workdir))
			source_rebuilt = true;
	size_t wlen = strlen(ir->workdir);

	for (Step *st = app->first, *next; st; st = next) {
		next = st->next;
		if (st->role & ROLE_RUNTIME) {
			Step *copy = ir_step_clone(ir, st);
			copy->role = ROLE_RUNTIME;
			bool needs_shell = st->kind == STEP_RUN || st->kind == STEP_PACKAGES;
			if (needs_shell && !final->has_shell) {
				if (st->kind == STEP_PACKAGES) {
					diag_error(ctx->diags, st->pos,
						   "the run image '%s' has no shell or package manager, so it cannot "
						   "install %s; use base: debian or set images.run",
						   ir->run_image, st->args.n ? st->args.v[0] : "packages");
					return -1;
				}
			} else if (st->tag == TAG_SOURCE && source_rebuilt) {
				copy->from = BUILDER;
				copy->args.n = 0;
				strlist_push(ir->arena, &copy->args, ir->workdir);
				copy->value = ir->workdir;
				copy->why = "the app, as the build left it";
				ir_step_append(final, copy);
			} else {
				ir_step_append(final, copy);
			}
		}
		if (!(st->role & ROLE_BUILD)) {
			ir_step_unlink(app, st);
			continue;
		}
		st->role = ROLE_BUILD;
		for (size_t i = 0; i < st->produces.n; i++) {
			const char *p = st->produces.v[i];
			bool in_workdir = strncmp(p, ir->workdir, wlen) == 0 && (p[wlen] == '/' || !p[wlen]);
			if (source_rebuilt && in_workdir)
				continue;
			if (strlist_contains(&ir->artifacts, p))
				copy_artifact(ir, final, p, st->pos);
		}
	}
	return 0;
}
