/*
 * test_passes.c - each pass on small IRs built by hand, checked through
 * the IR dump (the same text --dump-ir prints) and through ir_check().
 * Each test states the program before the pass and the one expected after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

typedef struct T {
	Arena *a;
	Diags d;
	Templates templates;
	PassCtx ctx;
	Ir *ir;
	Stage *stage;
	Strbuf out;
} T;

static int setup(void **state)
{
	T *t = calloc(1, sizeof(*t));
	t->a = arena_new();
	diags_init(&t->d, t->a, 20, false);
	assert_true(templates_open(t->a, &t->templates, NULL, &t->d)); /* the built-in families */
	StrList pq = {0}, xml = {0};
	strlist_push(t->a, &pq, "libpq5");
	strlist_push(t->a, &xml, "libxml2");
	strlist_push(t->a, &xml, "libicu72");
	runtime_libs_add(t->a, &t->templates.libs, "libpq-dev", &pq);
	runtime_libs_add(t->a, &t->templates.libs, "libxml2-dev", &xml);
	t->templates.libs_loaded = true;
	t->ctx = (PassCtx){t->a, &t->d, &t->templates, false};
	t->ir = ir_new(t->a);
	t->ir->build_image = "python:3.11-slim";
	t->ir->run_image = "python:3.11-slim";
	t->ir->build_family = t->ir->run_family = family_named(&t->templates, "debian");
	t->ir->workdir = "/app";
	t->ir->source_dir = ".";
	t->ir->source_at_runtime = true;
	t->stage = ir_stage_append(t->ir, NULL, "python:3.11-slim", t->ir->build_family);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	T *t = *state;
	strbuf_release(&t->out);
	arena_free(t->a);
	free(t);
	return 0;
}

static Step *step(T *t, StepKind k, StepRole r, StepTag tag, const char *value)
{
	Step *st = ir_step_new(t->ir, k, r, (SrcPos){0}, NULL);
	st->tag = tag;
	st->value = value;
	ir_step_append(t->stage, st);
	return st;
}

static Step *packages(T *t, StepRole r, const char *a, const char *b)
{
	Step *st = step(t, STEP_PACKAGES, r, TAG_NONE, NULL);
	strlist_push(t->a, &st->args, a);
	if (b)
		strlist_push(t->a, &st->args, b);
	return st;
}

static Step *env(T *t, StepRole r, const char *k, const char *v, bool trusted)
{
	Step *st = step(t, STEP_ENV, r, TAG_NONE, NULL);
	strlist_push(t->a, &st->keys, k);
	strlist_push(t->a, &st->values, v);
	st->trusted = trusted;
	return st;
}

static Step *source_copy(T *t, StepRole r)
{
	Step *st = step(t, STEP_COPY, r, TAG_SOURCE, ".");
	strlist_push(t->a, &st->args, ".");
	return st;
}

static Step *install(T *t, const char *need1, const char *need2)
{
	Step *st = step(t, STEP_RUN, ROLE_BUILD, TAG_INSTALL, NULL);
	strlist_push(t->a, &st->args, "pip install --no-cache-dir -r requirements.txt");
	strlist_push(t->a, &st->needs, need1);
	if (need2)
		strlist_push(t->a, &st->needs, need2);
	strlist_push(t->a, &st->produces, "/opt/venv");
	return st;
}

static void cmd(T *t)
{
	Step *st = step(t, STEP_CMD, ROLE_RUNTIME, TAG_NONE, NULL);
	strlist_push(t->a, &st->args, "python");
	strlist_push(t->a, &st->args, "app.py");
}

/* Runs the pass, checks the invariants, compares the dump. */
static void expect_after(T *t, PassFn pass, const char *want)
{
	assert_int_equal(pass(t->ir, &t->ctx), 0);
	const char *err = ir_check(t->ir);
	if (err)
		fail_msg("ir_check: %s", err);
	strbuf_reset(&t->out);
	ir_dump(t->ir, &t->out);
	assert_string_equal(strbuf_str(&t->out), want);
}

static void closure_adds_runtime_libraries(void **state)
{
	T *t = *state;
	packages(t, ROLE_BUILD, "build-essential", "libpq-dev");
	packages(t, ROLE_BUILD, "libxml2-dev=2.9.14+dfsg-1.3~deb12u6", NULL);
	packages(t, ROLE_RUNTIME, "libicu72", NULL);
	cmd(t);
	expect_after(t, pass_closure,
		     "stage (final) FROM python:3.11-slim (debian)\n"
		     "  packages    build   [\"build-essential\", \"libpq-dev\"]\n"
		     "  packages    build   [\"libxml2-dev=2.9.14+dfsg-1.3~deb12u6\"]\n"
		     "  packages    runtime [\"libicu72\"]\n"
		     "  packages    runtime [\"libpq5\", \"libxml2\"]  # libpq5 for libpq-dev, libxml2 for libxml2-dev "
		     "(Debian's Depends, runtime-libs.yaml)\n"
		     "  cmd         runtime [\"python\", \"app.py\"]\n");
}

static void closure_warns_when_the_run_image_has_no_apt(void **state)
{
	T *t = *state;
	t->ir->run_family = family_named(&t->templates, "scratch");
	t->ir->run_image = "scratch";
	packages(t, ROLE_BUILD, "libpq-dev", NULL);
	assert_int_equal(pass_closure(t->ir, &t->ctx), 0);
	assert_int_equal(t->d.warnings, 1);
	assert_non_null(strstr(t->d.head->msg, "(libpq5), but the run image 'scratch' has no package manager"));
	assert_null(t->stage->first->next);
}

static void cache_order_hoists_the_install(void **state)
{
	T *t = *state;
	step(t, STEP_WORKDIR, ROLE_BOTH, TAG_NONE, "/app");
	source_copy(t, ROLE_BOTH);
	install(t, "requirements.txt", "vendor/");
	cmd(t);
	expect_after(t, pass_cache_order,
		     "stage (final) FROM python:3.11-slim (debian)\n"
		     "  workdir     both    \"/app\"\n"
		     "  copy        build   (manifest) [\"requirements.txt\"] -> \"./\"  # the install's manifests "
		     "first, so that a source edit keeps the install cached\n"
		     "  copy        build   (manifest) [\"vendor/\"] -> \"./vendor/\"  # the install's manifests "
		     "first, so that a source edit keeps the install cached\n"
		     "  run         build   (install) [\"pip install --no-cache-dir -r requirements.txt\"] "
		     "needs=[\"requirements.txt\", \"vendor/\"] produces=[\"/opt/venv\"]  # install, before the "
		     "source: cached until a manifest changes\n"
		     "  copy        both    (source) [\".\"] -> \".\"\n"
		     "  cmd         runtime [\"python\", \"app.py\"]\n");
}

static void cache_order_groups_files_by_folder_under_a_source_dir(void **state)
{
	T *t = *state;
	t->ir->source_dir = "services/api";
	source_copy(t, ROLE_BOTH);
	Step *in = install(t, "package.json", "package-lock.json");
	strlist_push(t->a, &in->needs, "conf/npmrc");
	expect_after(t, pass_cache_order,
		     "stage (final) FROM python:3.11-slim (debian)\n"
		     "  copy        build   (manifest) [\"services/api/package.json\", "
		     "\"services/api/package-lock.json\"] -> \"./\"  # the install's manifests first, so that a "
		     "source edit keeps the install cached\n"
		     "  copy        build   (manifest) [\"services/api/conf/npmrc\"] -> \"./conf/\"  # the install's "
		     "manifests first, so that a source edit keeps the install cached\n"
		     "  run         build   (install) [\"pip install --no-cache-dir -r requirements.txt\"] "
		     "needs=[\"package.json\", \"package-lock.json\", \"conf/npmrc\"] produces=[\"/opt/venv\"]"
		     "  # install, before the source: cached until a manifest changes\n"
		     "  copy        both    (source) [\".\"] -> \".\"\n");
}

static void cache_order_leaves_a_good_order_alone(void **state)
{
	T *t = *state;
	install(t, "requirements.txt", NULL);
	source_copy(t, ROLE_BOTH);
	strbuf_reset(&t->out);
	ir_dump(t->ir, &t->out);
	char *before = arena_strdup(t->a, strbuf_str(&t->out));
	expect_after(t, pass_cache_order, before);
}

static void split_makes_builder_and_final(void **state)
{
	T *t = *state;
	ir_add_artifact(t->ir, "/opt/venv", "/opt/venv", false, (SrcPos){0});
	packages(t, ROLE_BUILD, "build-essential", NULL);
	packages(t, ROLE_RUNTIME, "libpq5", NULL);
	step(t, STEP_WORKDIR, ROLE_BOTH, TAG_NONE, "/app");
	install(t, "requirements.txt", NULL);
	source_copy(t, ROLE_BOTH);
	cmd(t);
	expect_after(t, pass_split,
		     "stage builder FROM python:3.11-slim (debian)  # the builder: what only the build needs "
		     "stays here; the final stage takes the results\n"
		     "  packages    build   [\"build-essential\"]\n"
		     "  workdir     build   \"/app\"\n"
		     "  run         build   (install) [\"pip install --no-cache-dir -r requirements.txt\"] "
		     "needs=[\"requirements.txt\"] produces=[\"/opt/venv\"]\n"
		     "  copy        build   (source) [\".\"] -> \".\"  # the app's source, to build\n"
		     "stage (final) FROM python:3.11-slim (debian)  # the final stage: the run image with what the "
		     "app needs at run time, and no build tools\n"
		     "  packages    runtime [\"libpq5\"]\n"
		     "  workdir     runtime \"/app\"\n"
		     "  copy        runtime (artifact) from=builder [\"/opt/venv\"] -> \"/opt/venv\"  # the "
		     "dependencies installed in the builder, without the tools that installed them\n"
		     "  copy        runtime (source) [\".\"] -> \".\"  # the app's source, needed at run time\n"
		     "  cmd         runtime [\"python\", \"app.py\"]\n");
}

static void split_copies_a_rebuilt_source_from_the_builder(void **state)
{
	T *t = *state;
	ir_add_artifact(t->ir, "/app/node_modules", "/app/node_modules", false, (SrcPos){0});
	Step *in = install(t, "package.json", NULL);
	in->produces.n = 0;
	strlist_push(t->a, &in->produces, "/app/node_modules");
	source_copy(t, ROLE_BOTH);
	Step *b = step(t, STEP_RUN, ROLE_BUILD, TAG_BUILD, NULL);
	strlist_push(t->a, &b->args, "npm run build");
	b->rebuilds_source = true;
	expect_after(t, pass_split,
		     "stage builder FROM python:3.11-slim (debian)  # the builder: what only the build needs "
		     "stays here; the final stage takes the results\n"
		     "  run         build   (install) [\"pip install --no-cache-dir -r requirements.txt\"] "
		     "needs=[\"package.json\"] produces=[\"/app/node_modules\"]\n"
		     "  copy        build   (source) [\".\"] -> \".\"\n"
		     "  run         build   (build) [\"npm run build\"] (rebuilds source)\n"
		     "stage (final) FROM python:3.11-slim (debian)  # the final stage: the run image with what the "
		     "app needs at run time, and no build tools\n"
		     "  copy        runtime (source) from=builder [\"/app\"] -> \"/app\"  # the app's folder as "
		     "the build left it, from the builder\n");
}

static void split_copies_image_files_first_on_scratch(void **state)
{
	T *t = *state;
	t->ir->run_image = "scratch";
	t->ir->run_family = family_named(&t->templates, "scratch");
	t->ir->source_at_runtime = false;
	ir_add_artifact(t->ir, "/usr/local/bin/app", "/usr/local/bin/app", false, (SrcPos){0});
	ir_add_artifact(t->ir, "/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/ca-certificates.crt", true,
			(SrcPos){0});
	source_copy(t, ROLE_BUILD);
	Step *b = step(t, STEP_RUN, ROLE_BUILD, TAG_BUILD, NULL);
	strlist_push(t->a, &b->args, "go build -o /usr/local/bin/app .");
	strlist_push(t->a, &b->produces, "/usr/local/bin/app");
	step(t, STEP_USER, ROLE_RUNTIME, TAG_NONE, "10001:10001");
	expect_after(t, pass_split,
		     "stage builder FROM python:3.11-slim (debian)  # the builder: what only the build needs "
		     "stays here; the final stage takes the results\n"
		     "  copy        build   (source) [\".\"] -> \".\"\n"
		     "  run         build   (build) [\"go build -o /usr/local/bin/app .\"] "
		     "produces=[\"/usr/local/bin/app\"]\n"
		     "stage (final) FROM scratch (scratch)  # the final stage: the run image with what the app "
		     "needs at run time, and no build tools\n"
		     "  copy        runtime (artifact) from=builder [\"/etc/ssl/certs/ca-certificates.crt\"] -> "
		     "\"/etc/ssl/certs/ca-certificates.crt\"  # a file of the build image the app needs at run "
		     "time\n"
		     "  copy        runtime (artifact) from=builder [\"/usr/local/bin/app\"] -> \"/usr/local/bin/app\""
		     "  # what the build made in the builder, without the toolchain\n"
		     "  user        runtime \"10001:10001\"\n");
}

static void split_refuses_an_artifact_nothing_makes(void **state)
{
	T *t = *state;
	t->ir->source_at_runtime = false;
	ir_add_artifact(t->ir, "/usr/local/bin/app", "/usr/local/bin/app", false, (SrcPos){0});
	source_copy(t, ROLE_BUILD);
	Step *b = step(t, STEP_RUN, ROLE_BUILD, TAG_BUILD, NULL);
	strlist_push(t->a, &b->args, "make");
	assert_int_equal(pass_split(t->ir, &t->ctx), -1);
	assert_int_equal(t->d.errors, 1);
	assert_non_null(strstr(t->d.head->msg, "'/usr/local/bin/app' from the builder, and no builder step makes it"));
}

static void split_refuses_packages_without_apt(void **state)
{
	T *t = *state;
	t->ir->run_image = "scratch";
	t->ir->run_family = family_named(&t->templates, "scratch");
	packages(t, ROLE_RUNTIME, "libpq5", NULL);
	assert_int_equal(pass_split(t->ir, &t->ctx), -1);
	assert_int_equal(t->d.errors, 1);
	assert_non_null(strstr(t->d.head->msg, "cannot install libpq5"));
}

static void packages_merges_sorts_and_dedups(void **state)
{
	T *t = *state;
	packages(t, ROLE_BUILD, "zlib1g-dev", "build-essential")->why = "zlib1g-dev, build-essential: to build";
	step(t, STEP_WORKDIR, ROLE_BOTH, TAG_NONE, "/app");
	packages(t, ROLE_RUNTIME, "libpq5", "build-essential")->why = "libpq5, build-essential: to run";
	packages(t, ROLE_RUNTIME, "libpq5", NULL)->why = "libpq5, build-essential: to run"; /* said once */
	expect_after(t, pass_packages,
		     "stage (final) FROM python:3.11-slim (debian)\n"
		     "  packages    both    [\"build-essential\", \"libpq5\", \"zlib1g-dev\"]  # packages, one layer "
		     "-- zlib1g-dev, build-essential: to build; libpq5, build-essential: to run\n"
		     "  workdir     both    \"/app\"\n");
}

static void merge_joins_adjacent_env_of_one_kind(void **state)
{
	T *t = *state;
	env(t, ROLE_BOTH, "PATH", "/opt/venv/bin:$PATH", true)->why = "the venv";
	env(t, ROLE_BOTH, "A", "1", true)->why = "the venv"; /* one reason: said once */
	env(t, ROLE_BOTH, "A2", "2", true)->why = "A2";
	env(t, ROLE_BOTH, "B", "$x", false);      /* other trust: not merged */
	env(t, ROLE_RUNTIME, "A", "1", false);    /* same value already set: dropped */
	env(t, ROLE_RUNTIME, "PATH", "/opt/venv/bin:$PATH", false); /* $ means otherwise untrusted: kept */
	expect_after(t, pass_merge,
		     "stage (final) FROM python:3.11-slim (debian)\n"
		     "  env         both    PATH=\"/opt/venv/bin:$PATH\" A=\"1\" A2=\"2\" (trusted)  # the venv; A2\n"
		     "  env         both    B=\"$x\"\n"
		     "  env         runtime PATH=\"/opt/venv/bin:$PATH\"\n");
}

static void prune_drops_dead_builder_tail_and_unused_stages(void **state)
{
	T *t = *state;
	t->stage->name = "builder";
	install(t, "requirements.txt", NULL);
	source_copy(t, ROLE_BUILD);
	Stage *unused = ir_stage_append(t->ir, "unused", "debian:bookworm-slim", t->ir->build_family);
	Step *u = ir_step_new(t->ir, STEP_RUN, ROLE_BUILD, (SrcPos){0}, NULL);
	strlist_push(t->a, &u->args, "true");
	ir_step_append(unused, u);
	Stage *final = ir_stage_append(t->ir, NULL, "python:3.11-slim", t->ir->build_family);
	Step *cp = ir_step_new(t->ir, STEP_COPY, ROLE_RUNTIME, (SrcPos){0}, NULL);
	cp->from = "builder";
	cp->value = "/opt/venv";
	strlist_push(t->a, &cp->args, "/opt/venv");
	ir_step_append(final, cp);
	expect_after(t, pass_prune,
		     "stage builder FROM python:3.11-slim (debian)\n"
		     "  run         build   (install) [\"pip install --no-cache-dir -r requirements.txt\"] "
		     "needs=[\"requirements.txt\"] produces=[\"/opt/venv\"]\n"
		     "stage (final) FROM python:3.11-slim (debian)\n"
		     "  copy        runtime from=builder [\"/opt/venv\"] -> \"/opt/venv\"\n");
}

static void check_catches_a_copy_from_a_later_stage(void **state)
{
	T *t = *state;
	Step *cp = step(t, STEP_COPY, ROLE_RUNTIME, TAG_NONE, "/x");
	strlist_push(t->a, &cp->args, "/x");
	cp->from = "later";
	ir_stage_append(t->ir, "later", "debian:bookworm-slim", t->ir->build_family);
	assert_string_equal(ir_check(t->ir), "copy from 'later', which is not an earlier stage");
}

static void check_catches_run_without_shell(void **state)
{
	T *t = *state;
	t->stage->family = family_named(&t->templates, "scratch");
	Step *r = step(t, STEP_RUN, ROLE_RUNTIME, TAG_NONE, NULL);
	strlist_push(t->a, &r->args, "true");
	assert_string_equal(ir_check(t->ir), "a run step in stage (final), which has no shell");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(closure_adds_runtime_libraries, setup, teardown),
		cmocka_unit_test_setup_teardown(closure_warns_when_the_run_image_has_no_apt, setup, teardown),
		cmocka_unit_test_setup_teardown(cache_order_hoists_the_install, setup, teardown),
		cmocka_unit_test_setup_teardown(cache_order_groups_files_by_folder_under_a_source_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(cache_order_leaves_a_good_order_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(split_makes_builder_and_final, setup, teardown),
		cmocka_unit_test_setup_teardown(split_copies_a_rebuilt_source_from_the_builder, setup, teardown),
		cmocka_unit_test_setup_teardown(split_copies_image_files_first_on_scratch, setup, teardown),
		cmocka_unit_test_setup_teardown(split_refuses_an_artifact_nothing_makes, setup, teardown),
		cmocka_unit_test_setup_teardown(split_refuses_packages_without_apt, setup, teardown),
		cmocka_unit_test_setup_teardown(packages_merges_sorts_and_dedups, setup, teardown),
		cmocka_unit_test_setup_teardown(merge_joins_adjacent_env_of_one_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(prune_drops_dead_builder_tail_and_unused_stages, setup, teardown),
		cmocka_unit_test_setup_teardown(check_catches_a_copy_from_a_later_stage, setup, teardown),
		cmocka_unit_test_setup_teardown(check_catches_run_without_shell, setup, teardown),
	};
	return cmocka_run_group_tests_name("passes", tests, NULL, NULL);
}
