/*
 * test_mirror.c - the policy's registry mirror (mirror.c) and the data of
 * stagec explain (explain.c), through stagec_compile() on files written
 * to a scratch folder:
 *  - the grammar of mirror keys and values;
 *  - the rewrite: longest key, segment boundaries, tag and digest kept,
 *    scratch never;
 *  - the order: rules match the name as written, the lock pins the
 *    mirrored name (its entry is found, its digest lands in FROM);
 *  - explain's sources: spec, template, policy defaults and enforce (with
 *    the spec value it replaced), flag, default, and the mirror's rewrite.
 */
#include "fixture.h"

/* enforce parsed from YAML text. */
static const YNode *enforce_of(Fx *t, const char *text)
{
	const SourceFile *f = source_from_string(t->a, "policy.yaml", text, strlen(text));
	YNode *root = yaml_load(t->a, f, &t->d);
	assert_non_null(root);
	return ynode_get(root, "enforce");
}

static void test_grammar(void **state)
{
	(void)state;
	assert_null(mirror_prefix_problem("docker.io"));
	assert_null(mirror_prefix_problem("docker.io/library"));
	assert_null(mirror_prefix_problem("localhost:5000/gcr"));
	assert_null(mirror_prefix_problem("localhost"));
	assert_null(mirror_prefix_problem("mirror.example.com/dockerhub"));
	assert_non_null(mirror_prefix_problem(""));
	assert_non_null(mirror_prefix_problem("https://mirror.example.com"));
	assert_non_null(mirror_prefix_problem("library/python")); /* no registry */
	assert_non_null(mirror_prefix_problem("gcr.io/*"));
	assert_non_null(mirror_prefix_problem("gcr.io/x@sha256:00"));
	assert_non_null(mirror_prefix_problem("Gcr.io"));
	assert_non_null(mirror_prefix_problem("host:port"));
	assert_non_null(mirror_prefix_problem("gcr.io//x"));
	assert_non_null(mirror_prefix_problem("gcr.io/x/"));
}

static void test_rewrite(void **state)
{
	Fx *t = *state;
	const YNode *e = enforce_of(t, "enforce:\n  images:\n    mirror:\n"
				       "      docker.io: m.example.com/hub\n"
				       "      docker.io/library/python: m.example.com/py\n"
				       "      gcr.io/distroless: localhost:5000/dl\n");
	SrcPos pos = {0};
	assert_string_equal(mirror_rewrite(t->a, e, "node:20-slim", &pos), "m.example.com/hub/library/node:20-slim");
	assert_int_equal(pos.line, 4);
	/* the longest key wins, before the tag; not a longer name */
	assert_string_equal(mirror_rewrite(t->a, e, "python:3.12", &pos), "m.example.com/py:3.12");
	assert_int_equal(pos.line, 5);
	assert_string_equal(mirror_rewrite(t->a, e, "pythonista:1", NULL), "m.example.com/hub/library/pythonista:1");
	/* no tag stays without one; a digest is kept */
	assert_string_equal(mirror_rewrite(t->a, e, "debian", NULL), "m.example.com/hub/library/debian");
	const char *dg = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	assert_string_equal(mirror_rewrite(t->a, e, arena_printf(t->a, "acme/app:1@%s", dg), NULL),
			    arena_printf(t->a, "m.example.com/hub/acme/app:1@%s", dg));
	assert_string_equal(mirror_rewrite(t->a, e, "gcr.io/distroless/static-debian12:nonroot", NULL),
			    "localhost:5000/dl/static-debian12:nonroot");
	/* a segment boundary: gcr.io/distroless-x is not under gcr.io/distroless */
	assert_null(mirror_rewrite(t->a, e, "gcr.io/distroless-x/a:1", NULL));
	assert_null(mirror_rewrite(t->a, e, "quay.io/a/b:1", NULL));
	assert_null(mirror_rewrite(t->a, e, "scratch", NULL));
	/* the spec reader never sees the key */
	const YNode *stripped = mirror_strip(t->a, e);
	assert_null(ynode_get(stripped, "images"));
	assert_non_null(ynode_get(ynode_get(e, "images"), "mirror")); /* not changed in place */
}

static const char POLICY[] = "version: 1\n"
			     "defaults:\n"
			     "  labels: {team: core}\n"
			     "enforce:\n"
			     "  run: {user: \"10001\"}\n"
			     "  images:\n"
			     "    mirror: {docker.io: m.example.com/hub}\n"
			     "rules:\n"
			     "  images: {allow: [\"python:*\"]}\n";

static StagecResult *compile(Fx *t, bool explain, const char *lock, const char *base)
{
	fx_write(t, "app.yaml", "name: app\nlanguage: python\nversion: \"3.12\"\nrun:\n  user: \"1000\"\n  command: [python, app.py]\n");
	fx_write(t, "app.py", "print(1)\n");
	fx_write(t, ".stagec/policy.yaml", POLICY);
	StagecOptions o = {0};
	o.explain = explain;
	o.policy_path = fx_path(t, ".stagec/policy.yaml");
	o.base = base;
	if (lock) {
		fx_write(t, "stagec.lock", lock);
		o.lock_path = fx_path(t, "stagec.lock");
	}
	StagecResult *r = stagec_compile(fx_path(t, "app.yaml"), &o);
	assert_non_null(r);
	if (!stagec_result_ok(r))
		fprintf(stderr, "%s", stagec_result_diagnostics(r));
	return r;
}

static void test_rules_then_mirror_then_lock(void **state)
{
	Fx *t = *state;
	const char *dg = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
	char *lock = arena_printf(t->a, "version: 1\nimages:\n  - image: m.example.com/hub/library/python:3.12-slim@%s\n"
					"    confirmed: 2026-01-01\n", dg);
	StagecResult *r = compile(t, false, lock, NULL);
	/* images.allow [python:*] passed: it saw the name as written */
	assert_true(stagec_result_ok(r));
	const char *out = stagec_result_output(r);
	assert_non_null(strstr(out, arena_printf(t->a, "FROM m.example.com/hub/library/python:3.12-slim@%s", dg)));
	assert_null(strstr(out, "FROM python:"));
	size_t n;
	const StagecImage *im = stagec_result_images(r, &n);
	assert_int_equal(n, 1);
	assert_string_equal(im[0].ref, "m.example.com/hub/library/python:3.12-slim");
	assert_true(im[0].locked);
	/* the bake file's labels: the base image named as the mirror serves it */
	size_t nl;
	const StagecLabel *labels = stagec_result_labels(r, &nl);
	bool base_name = false;
	for (size_t i = 0; i < nl; i++)
		base_name |= strcmp(labels[i].key, "org.opencontainers.image.base.name") == 0 &&
			     strcmp(labels[i].value, "m.example.com/hub/library/python:3.12-slim") == 0;
	assert_true(base_name);
	assert_null(stagec_result_explain(r)); /* not asked for */
	stagec_result_free(r);
}

static const StagecValue *value(const StagecExplain *ex, const char *key)
{
	for (size_t i = 0; i < ex->nvalues; i++)
		if (strcmp(ex->values[i].key, key) == 0)
			return &ex->values[i];
	fail_msg("no value '%s'", key);
	return NULL;
}

static void test_explain_sources(void **state)
{
	Fx *t = *state;
	StagecResult *r = compile(t, true, NULL, "official");
	assert_true(stagec_result_ok(r));
	const StagecExplain *ex = stagec_result_explain(r);
	assert_non_null(ex);
	const StagecValue *v = value(ex, "language");
	assert_string_equal(v->source.kind, "spec");
	assert_int_equal(v->source.line, 2);
	v = value(ex, "base");
	assert_string_equal(v->source.kind, "flag");
	assert_string_equal(v->source.detail, "--base");
	v = value(ex, "run.user");
	assert_string_equal(v->value, "10001");
	assert_string_equal(v->source.kind, "policy.enforce");
	assert_int_equal(v->source.line, 5);
	assert_string_equal(v->overridden, "'1000'");
	assert_string_equal(v->overridden_at.kind, "spec");
	assert_int_equal(v->overridden_at.line, 5);
	v = value(ex, "labels.team");
	assert_string_equal(v->source.kind, "policy.defaults");
	assert_int_equal(v->source.line, 3);
	v = value(ex, "run.workdir");
	assert_string_equal(v->source.kind, "template");
	assert_string_equal(v->source.file, "python.yaml");
	assert_true(v->source.line > 0);
	v = value(ex, "images.run");
	assert_non_null(v->was);
	assert_non_null(strstr(v->value, "m.example.com/hub/library/"));
	assert_string_equal(v->rewrite.kind, "policy.enforce");
	assert_int_equal(v->rewrite.line, 7);
	v = value(ex, "copy.source");
	assert_string_equal(v->source.kind, "default");
	/* the placement: every step of the final program, with its reason */
	assert_true(ex->nsteps > 5);
	bool final_user = false;
	for (size_t i = 0; i < ex->nsteps; i++) {
		assert_true(*ex->steps[i].why);
		final_user |= !*ex->steps[i].stage && strcmp(ex->steps[i].instruction, "user") == 0 &&
			      strcmp(ex->steps[i].source.kind, "policy.enforce") == 0;
	}
	assert_true(final_user);
	stagec_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grammar),
		cmocka_unit_test_setup_teardown(test_rewrite, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rules_then_mirror_then_lock, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_explain_sources, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
