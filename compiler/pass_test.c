/*
 * pass_test.c - the test stage.
 *
 * When the spec has `test:` commands, adds a stage named "test" FROM the
 * builder, between it and the final stage: it has the builder's build
 * arguments, the install rule's test_install (the dev dependencies, with
 * the install's secret mounts), the app's source (the builder's, or a COPY
 * of it when the builder never needed the source), then one RUN of the
 * commands.  `docker build --target test` runs it; a default build
 * builds the last stage, which copies nothing from it, so it never runs
 * the tests.  Multi-stage only: a single-stage Dockerfile has one stage,
 * the image (specs/schema.md says so).
 * Assumes: split and prune ran, the builder is the first stage and the
 * final one the last.  Guarantees: the final stage is unchanged and still
 * last; nothing copies from the test stage.
 */
#include <string.h>

#include "internal.h"

#define TEST_STAGE "test"

static Step *add(Ir *ir, Stage *t, StepKind kind, SrcPos pos, const char *why)
{
	Step *st = ir_step_new(ir, kind, ROLE_BUILD, pos, why);
	ir_step_append(t, st);
	return st;
}

int pass_test(Ir *ir, PassCtx *ctx)
{
	(void)ctx;
	Stage *builder = ir->first;
	if (!ir->test.n || !builder || builder == ir->last || !builder->name)
		return 0;
	Stage *final = ir->last;
	/* appended after the final stage, then moved before it */
	Stage *t = ir_stage_append(ir, TEST_STAGE, builder->name, builder->family);
	t->from_stage = true;
	final->next = NULL;
	ir->last = final;
	t->prev = final->prev;
	t->next = final;
	final->prev->next = t;
	final->prev = t;

	bool has_source = false;
	for (const Step *st = builder->first; st; st = st->next) {
		has_source |= st->tag == TAG_SOURCE;
		/* the builder's build arguments, again (BuildKit hands them
		 * on too, but the stage says what it uses); the cross-build's
		 * target becomes the builder's own CPU: the tests run there,
		 * so they build for it (a test binary for the target could not
		 * run) */
		if (st->kind == STEP_ARG)
			ir_step_append(t, st->tag == TAG_CROSS ? cross_native_arg(ir, st) : ir_step_clone(ir, st));
	}
	/* before the source, so that an edit reuses the installed dev dependencies */
	if (ir->test_install.n) {
		Step *in = add(ir, t, STEP_RUN, ir->test_pos, "what the tests need besides the app (dev dependencies)");
		in->trusted = true;
		in->args = ir->test_install;
		for (uint32_t i = 0; i < ir->nsecrets; i++)
			ir_step_add_mount(ir, in, &ir->secrets[i]);
	}
	if (!has_source && ir->test_source) {
		Step *src = ir_step_clone(ir, ir->test_source);
		src->role = ROLE_BUILD;
		src->why = "the app's source, for the tests";
		ir_step_append(t, src);
	}
	Step *run = add(ir, t, STEP_RUN, ir->test_pos, "test: run by docker build --target test");
	run->args = ir->test;
	strlist_push(ir->arena, &run->needs, ".");
	return 0;
}
