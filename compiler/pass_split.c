/*
 * pass_split.c - the multi-stage split.
 *
 * Takes the one stage lowering built and makes two: a builder, FROM the
 * build image, with every step needed to build; and the final stage, FROM
 * the run image, with every step needed at run time.  Where a builder step
 * produces one of the artifacts the final stage needs (the venv, the
 * binary, node_modules), the final stage gets a COPY --from=builder of it
 * at the same point.  Files of the build image itself (the CA bundle) are
 * copied first.  When the app's
 * source is needed at run time and a build step changed it, the final
 * stage copies it from the builder instead of the context.
 * Lowering put no step that needs a shell in the run-time part of a
 * program whose run image has none; packages there are an error.
 * A builder that cross-compiles (ir->cross) runs on $BUILDPLATFORM.
 * Assumes: one stage, roles set.  Guarantees: the final stage holds no
 * build-only step, every COPY --from names the builder, and every
 * artifact it copies is made by a builder step or is a file of the build
 * image (an artifact nothing makes is an error, not a COPY that fails).
 */
#include <string.h>

#include "internal.h"

#define BUILDER "builder"

/* Why the final stage copies art, made by the builder step by (NULL: a
 * file of the build image). */
static const char *artifact_why(Ir *ir, const Artifact *art, const Step *by)
{
	if (art->of_image || !by)
		return "a file of the build image the app needs at run time";
	if (by->tag == TAG_INSTALL)
		return "the dependencies installed in the builder, without the tools that installed them";
	if (by->tag == TAG_BUILD)
		return "what the build made in the builder, without the toolchain";
	return arena_printf(ir->arena, "from the builder: %s", by->why ? by->why : "made there");
}

static void copy_artifact(Ir *ir, Stage *final, const Artifact *art, const Step *by, SrcPos pos)
{
	Step *cp = ir_step_new(ir, STEP_COPY, ROLE_RUNTIME, pos, artifact_why(ir, art, by));
	cp->tag = TAG_ARTIFACT;
	cp->from = BUILDER;
	strlist_push(ir->arena, &cp->args, art->from);
	cp->value = art->to;
	ir_step_append(final, cp);
}

/* path is the app's folder or lies below it; with a context, the image's
 * folder that holds the context (the app's folder and the workspace
 * around it: what a build rewrites) */
static bool in_workdir(const Ir *ir, const char *path)
{
	const char *top = ir->image_root ? ir->image_root : ir->workdir;
	size_t n = strlen(top);
	return strncmp(path, top, n) == 0 && (path[n] == '/' || !path[n]);
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
	if (ir->cross)
		app->platform = CROSS_BUILD_PLATFORM; /* cross.c: it cross-compiles */
	/* what the builder is for, then why it runs on the CPU it runs on (cross.c) */
	app->why = ir_why_join(ir, "the builder: what only the build needs stays here; the final stage takes the results",
			       app->why);
	Stage *final = ir_stage_append(ir, NULL, ir->run_image, ir->run_family);
	final->why = "the final stage: the run image with what the app needs at run time, and no build tools";

	/* a build that rewrites the app's folder: the final stage takes the
	 * whole folder from the builder, artifacts inside it included */
	bool source_rebuilt = false;
	for (const Step *st = app->first; st; st = st->next)
		if (ir->source_at_runtime && st->rebuilds_source)
			source_rebuilt = true;
	const char *top = ir->image_root ? ir->image_root : ir->workdir; /* as in_workdir */

	for (size_t i = 0; i < ir->nartifacts; i++) {
		const Artifact *art = &ir->artifacts[i];
		if (art->of_image) {
			copy_artifact(ir, final, art, NULL, art->pos);
			continue;
		}
		if (!produced_by_any(app, art->from) && !(source_rebuilt && in_workdir(ir, art->from))) {
			diag_error(ctx->diags, art->pos, "the final stage needs '%s' from the builder, and no "
							 "builder step makes it; say where the build leaves it "
							 "(build.artifacts)", art->from);
			return -1;
		}
	}

	for (Step *st = app->first, *next; st; st = next) {
		next = st->next;
		if (st->role & ROLE_RUNTIME) {
			/* a step only the final stage needs moves there; one both
			 * stages need is copied */
			bool both = st->role & ROLE_BUILD;
			if (!both)
				ir_step_unlink(app, st);
			Step *copy = both ? ir_step_clone(ir, st) : st;
			copy->role = ROLE_RUNTIME;
			if (st->kind == STEP_PACKAGES && !final->family->install.n) {
				diag_error(ctx->diags, st->pos,
					   "the run image '%s' (family %s) has no package manager, so it cannot "
					   "install %s; use a run image with one (e.g. base: debian) or link the "
					   "library into the program", ir->run_image, final->family->name,
					   st->args.n ? st->args.v[0] : "packages");
				return -1;
			}
			if (st->tag == TAG_SOURCE && source_rebuilt) {
				copy->from = BUILDER;
				copy->args.n = 0;
				strlist_push(ir->arena, &copy->args, top);
				copy->value = top;
				copy->why = "the app's folder as the build left it, from the builder";
			} else if (st->tag == TAG_SOURCE && both) {
				st->why = "the app's source, to build";
				copy->why = "the app's source, needed at run time";
			}
			ir_step_append(final, copy);
			if (!both)
				continue;
		}
		if (!(st->role & ROLE_BUILD)) {
			ir_step_unlink(app, st);
			continue;
		}
		st->role = ROLE_BUILD;
		for (size_t i = 0; i < st->produces.n; i++) {
			const char *p = st->produces.v[i];
			const Artifact *art = ir_artifact(ir, p);
			if (art && !art->of_image && !(source_rebuilt && in_workdir(ir, p)))
				copy_artifact(ir, final, art, st, st->pos);
		}
	}
	return 0;
}
