/*
 * test_spec.c - spec.c: each key, the defaults, and every message the
 * reader gives, as text.  msgs() lists the diagnostics one a line as
 * "line:col: level: message"; a few tests check the full rendering.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

typedef struct T {
	Arena *a;
	Diags d;
	Strbuf out;
	const YNode *root;
} T;

static int setup(void **state)
{
	T *t = calloc(1, sizeof(*t));
	t->a = arena_new();
	diags_init(&t->d, t->a, 50, false);
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

static void reset(T *t)
{
	diags_init(&t->d, t->a, 50, false);
}

static Spec *parse_in(T *t, const char *dir, const char *text)
{
	reset(t);
	SourceFile *f = source_from_string(t->a, "app.yaml", text, strlen(text));
	t->root = yaml_load(t->a, f, &t->d);
	assert_non_null(t->root); /* these tests are about spec.c */
	Spec *s = spec_parse(t->a, t->root, f, dir, &t->d);
	diags_sort(&t->d);
	return t->d.errors ? NULL : s; /* the pipeline stops at a spec with errors */
}

static Spec *parse(T *t, const char *text)
{
	return parse_in(t, "/home/me/my-app", text);
}

static const char *msgs(T *t)
{
	strbuf_reset(&t->out);
	for (const Diag *g = t->d.head; g; g = g->next)
		strbuf_addf(&t->out, "%d:%d: %s: %s\n", g->pos.line, g->pos.col,
			    g->level == DIAG_ERROR ? "error" : g->level == DIAG_WARNING ? "warning" : "note",
			    g->msg);
	return strbuf_str(&t->out);
}

/* The spec fails with exactly these messages. */
static void expect_errors(T *t, const char *text, const char *want)
{
	Spec *s = parse(t, text);
	const char *got = msgs(t);
	if (strcmp(got, want) != 0)
		fail_msg("for:\n%s\nwant:\n%sgot:\n%s", text, want, got);
	assert_null(s);
}

static const char *rendered(T *t)
{
	strbuf_reset(&t->out);
	diags_render(&t->d, &t->out);
	return strbuf_str(&t->out);
}

static void assert_sstr(SStr s, const char *text, int line, int col)
{
	assert_non_null(s.s);
	assert_string_equal(s.s, text);
	assert_int_equal(s.pos.line, line);
	assert_int_equal(s.pos.col, col);
}

/* ---- what a valid spec gives ---------------------------------------- */

static const char full_spec[] =
	"name: my-python-app\n"                                   /* 1 */
	"language: python\n"                                      /* 2 */
	"version: 3.10\n"                                         /* 3 */
	"base: debian\n"                                          /* 4 */
	"images: {build: \"python:3.10\", run: \"python:3.10-slim\"}\n" /* 5 */
	"source: src/\n"                                          /* 6 */
	"dependencies:\n"                                         /* 7 */
	"  manifest: [requirements.txt, constraints.txt]\n"       /* 8 */
	"  system: [libpq-dev, gcc]\n"                            /* 9 */
	"  runtime: [libpq5]\n"                                   /* 10 */
	"build:\n"                                                /* 11 */
	"  - make\n"                                              /* 12 */
	"  - |\n"                                                 /* 13 */
	"    cd docs\n"                                           /* 14 */
	"    make html\n"                                         /* 15 */
	"run:\n"                                                  /* 16 */
	"  command: [gunicorn, --bind, \"0.0.0.0:5000\", app:app]\n" /* 17 */
	"  entrypoint: [tini, --]\n"                              /* 18 */
	"  port: 5000\n"                                          /* 19 */
	"  user: app\n"                                           /* 20 */
	"  env: {MODE: prod, WORKERS: 4, DEBUG: false, EMPTY: \"\"}\n" /* 21 */
	"  workdir: /srv/app\n"                                   /* 22 */
	"  healthcheck:\n"                                        /* 23 */
	"    command: [curl, -f, \"http://127.0.0.1:5000/\"]\n"   /* 24 */
	"    interval: 30s\n"                                     /* 25 */
	"    timeout: 3s\n"                                       /* 26 */
	"    start_period: 1m30s\n"                               /* 27 */
	"    retries: 3\n"                                        /* 28 */
	"labels:\n"                                               /* 29 */
	"  org.opencontainers.image.source: \"https://example.com/x.git\"\n"; /* 30 */

static void test_full_spec(void **state)
{
	T *t = *state;
	Spec *s = parse(t, full_spec);
	assert_string_equal(msgs(t), "");
	assert_non_null(s);
	assert_string_equal(s->file->path, "app.yaml");
	assert_string_equal(s->dir, "/home/me/my-app");
	assert_sstr(s->name, "my-python-app", 1, 7);
	assert_sstr(s->language, "python", 2, 11);
	assert_sstr(s->version, "3.10", 3, 10);
	assert_sstr(s->base, "debian", 4, 7);
	assert_sstr(s->image_build, "python:3.10", 5, 17);
	assert_sstr(s->image_run, "python:3.10-slim", 5, 37);
	assert_sstr(s->source, "src/", 6, 9);

	assert_true(s->manifests.present);
	assert_int_equal(s->manifests.n, 2);
	assert_int_equal(s->manifests.pos.line, 8);
	assert_sstr(s->manifests.v[1], "constraints.txt", 8, 32);
	assert_int_equal(s->system.n, 2);
	assert_sstr(s->system.v[0], "libpq-dev", 9, 12);
	assert_sstr(s->system.v[1], "gcc", 9, 23);
	assert_int_equal(s->runtime.n, 1);
	assert_sstr(s->runtime.v[0], "libpq5", 10, 13);

	assert_true(s->build.present);
	assert_int_equal(s->build.n, 2);
	assert_sstr(s->build.v[0], "make", 12, 5);
	assert_sstr(s->build.v[1], "cd docs\nmake html\n", 13, 5);

	assert_int_equal(s->command.n, 4);
	assert_sstr(s->command.v[0], "gunicorn", 17, 13);
	assert_sstr(s->command.v[2], "0.0.0.0:5000", 17, 31);
	assert_sstr(s->command.v[3], "app:app", 17, 47);
	assert_int_equal(s->command.pos.line, 17);
	assert_int_equal(s->command.pos.col, 12);
	assert_int_equal(s->entrypoint.n, 2);
	assert_sstr(s->entrypoint.v[1], "--", 18, 22);
	assert_int_equal(s->ports.n, 1);
	assert_sstr(s->ports.v[0], "5000", 19, 9);
	assert_sstr(s->user, "app", 20, 9);
	assert_true(s->env.present);
	assert_int_equal(s->env.n, 4);
	assert_sstr(s->env.v[0].key, "MODE", 21, 9);
	assert_sstr(s->env.v[0].value, "prod", 21, 15);
	assert_sstr(s->env.v[1].value, "4", 21, 30);
	assert_sstr(s->env.v[2].value, "false", 21, 40);
	assert_sstr(s->env.v[3].value, "", 21, 54);
	assert_sstr(s->workdir, "/srv/app", 22, 12);

	assert_true(s->healthcheck.present);
	assert_int_equal(s->healthcheck.pos.line, 24);
	assert_int_equal(s->healthcheck.command.n, 3);
	assert_sstr(s->healthcheck.command.v[2], "http://127.0.0.1:5000/", 24, 25);
	assert_sstr(s->healthcheck.interval, "30s", 25, 15);
	assert_sstr(s->healthcheck.timeout, "3s", 26, 14);
	assert_sstr(s->healthcheck.start_period, "1m30s", 27, 19);
	assert_sstr(s->healthcheck.retries, "3", 28, 14);

	assert_true(s->labels.present);
	assert_int_equal(s->labels.n, 1);
	assert_sstr(s->labels.v[0].key, "org.opencontainers.image.source", 30, 3);
	assert_sstr(s->labels.v[0].value, "https://example.com/x.git", 30, 36);
}

static void test_defaults(void **state)
{
	T *t = *state;
	Spec *s = parse(t, "# a comment first\nlanguage: go\n");
	assert_string_equal(msgs(t), "");
	assert_non_null(s);
	/* defaults without a template have no position */
	assert_string_equal(s->name.s, "my-app");
	assert_null(s->name.pos.file);
	assert_null(s->base.s); /* the default base is data (bases.yaml): the pipeline's */
	assert_string_equal(s->source.s, ".");
	assert_null(s->source.pos.file);
	/* the rest is absent, at the root's position */
	const SStr *absent[] = {&s->version, &s->image_build, &s->image_run, &s->user,
				&s->workdir};
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		assert_null(absent[i]->s);
		assert_int_equal(absent[i]->pos.line, 2);
	}
	const SList *lists[] = {&s->manifests, &s->system, &s->runtime, &s->build, &s->command,
				&s->entrypoint};
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		assert_false(lists[i]->present);
		assert_int_equal(lists[i]->n, 0);
	}
	assert_false(s->env.present);
	assert_false(s->labels.present);
	assert_false(s->healthcheck.present);
	assert_null(s->healthcheck.retries.s);
}

static void test_name_from_folder(void **state)
{
	T *t = *state;
	Spec *s = parse_in(t, "/srv/MyService", "language: go\n");
	assert_non_null(s);
	assert_string_equal(s->name.s, "myservice");
	s = parse_in(t, "/srv/app-2/", "language: go\n");
	assert_non_null(s);
	assert_string_equal(s->name.s, "app-2");
	s = parse_in(t, "relative/dir", "language: go\n");
	assert_non_null(s);
	assert_string_equal(s->name.s, "dir");
	s = parse_in(t, "web", "language: go\n");
	assert_non_null(s);
	assert_string_equal(s->name.s, "web");
	/* name: with no value counts as absent */
	s = parse_in(t, "/srv/web", "language: go\nname:\n");
	assert_non_null(s);
	assert_string_equal(s->name.s, "web");
}

static void test_name_from_bad_folder(void **state)
{
	T *t = *state;
	assert_null(parse_in(t, "/srv/My App", "language: go\n"));
	assert_string_equal(msgs(t), "1:1: error: the folder name 'my app' is not a valid app name; "
				     "set 'name' (e.g. 'name: my-app')\n");
	assert_null(parse_in(t, "/srv/.hidden", "language: go\n"));
	assert_string_equal(msgs(t), "1:1: error: the folder name '.hidden' is not a valid app name; "
				     "set 'name' (e.g. 'name: my-app')\n");
	assert_null(parse_in(t, ".", "language: go\n"));
	assert_string_equal(msgs(t), "1:1: error: cannot name the app after its folder; set 'name' "
				     "(e.g. 'name: my-app')\n");
	assert_null(parse_in(t, "/", "language: go\n"));
	assert_string_equal(msgs(t), "1:1: error: cannot name the app after its folder; set 'name' "
				     "(e.g. 'name: my-app')\n");
	/* an explicit name makes the folder irrelevant */
	assert_non_null(parse_in(t, ".", "language: go\nname: ok\n"));
}

static void test_scalars_keep_text(void **state)
{
	T *t = *state;
	Spec *s = parse(t, "language: python\nversion: 3\nrun: {port: \"8080/udp\", user: 1000:1000}\n");
	assert_non_null(s);
	assert_string_equal(s->version.s, "3");
	assert_string_equal(s->ports.v[0].s, "8080/udp");
	assert_string_equal(s->user.s, "1000:1000");
	s = parse(t, "language: python\nversion: \"3.12\"\nrun: {port: 80}\n");
	assert_non_null(s);
	assert_string_equal(s->version.s, "3.12");
	assert_string_equal(s->ports.v[0].s, "80");
}

static void test_one_string_as_list(void **state)
{
	T *t = *state;
	Spec *s = parse(t, "language: go\n"
			   "dependencies: {manifest: go.mod}\n"
			   "build: go build -o /out/app ./cmd/app\n");
	assert_non_null(s);
	assert_true(s->manifests.present);
	assert_int_equal(s->manifests.n, 1);
	assert_sstr(s->manifests.v[0], "go.mod", 2, 26);
	assert_int_equal(s->build.n, 1);
	assert_sstr(s->build.v[0], "go build -o /out/app ./cmd/app", 3, 8);
}

static void test_nulls_are_absent(void **state)
{
	T *t = *state;
	Spec *s = parse(t, "language: go\n"
			   "version:\n"
			   "base: ~\n"
			   "images:\n"
			   "source: null\n"
			   "dependencies:\n"
			   "  system:\n"
			   "build:\n"
			   "run:\n"
			   "  command:\n"
			   "  env:\n"
			   "  healthcheck:\n"
			   "labels:\n");
	assert_string_equal(msgs(t), "");
	assert_non_null(s);
	assert_null(s->version.s);
	assert_null(s->base.s);
	assert_false(s->build.present);
	assert_false(s->system.present);
	assert_false(s->command.present);
	assert_false(s->env.present);
	assert_false(s->healthcheck.present);
	assert_false(s->labels.present);
}

static void test_empty_lists(void **state)
{
	T *t = *state;
	/* no manifests and no packages: present but empty; an empty entrypoint resets the image's */
	Spec *s = parse(t, "language: go\ndependencies: {manifest: [], system: [], runtime: []}\n"
			   "run: {entrypoint: []}\n");
	assert_string_equal(msgs(t), "");
	assert_non_null(s);
	assert_true(s->manifests.present);
	assert_int_equal(s->manifests.n, 0);
	assert_true(s->system.present);
	assert_true(s->entrypoint.present);
	assert_int_equal(s->entrypoint.n, 0);
}

static void test_package_versions_and_arch(void **state)
{
	T *t = *state;
	Spec *s = parse(t, "language: go\ndependencies:\n  system: [\"curl=7.88.1-10+deb12u5\", libc6:amd64]\n");
	assert_non_null(s);
	assert_string_equal(s->system.v[0].s, "curl=7.88.1-10+deb12u5");
}

static void test_image_digest_no_warning(void **state)
{
	T *t = *state;
	Spec *s = parse(t, "language: go\nimages:\n  run: \"gcr.io/distroless/static@sha256:"
			   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"\n");
	assert_non_null(s);
	assert_string_equal(msgs(t), "");
}

/* ---- warnings ------------------------------------------------------------ */

/* ---- errors -------------------------------------------------------------- */

static void test_root_not_mapping(void **state)
{
	T *t = *state;
	expect_errors(t, "- language: python\n",
		      "1:1: error: the spec must be a mapping of keys (name, language, ...), not a list\n");
	expect_errors(t, "python\n",
		      "1:1: error: the spec must be a mapping of keys (name, language, ...), not a string\n");
}

static void test_missing_language(void **state)
{
	T *t = *state;
	expect_errors(t, "\n\nname: app\n",
		      "3:1: error: missing required key 'language' (e.g. 'language: python')\n");
	assert_string_equal(rendered(t), "app.yaml:3:1: error: missing required key 'language' "
					 "(e.g. 'language: python')\n"
					 "    3 | name: app\n"
					 "      | ^\n");
	expect_errors(t, "language:\n",
		      "1:10: error: 'language' has no value; name the app's language (e.g. 'language: python')\n");
	expect_errors(t, "language: [python]\n",
		      "1:11: error: expected a string for 'language', not a list\n");
	expect_errors(t, "language: ../../etc/passwd\n",
		      "1:11: error: '../../etc/passwd' is not a language name; use a single word "
		      "(e.g. 'python', 'node', 'go')\n");
}

static void test_unknown_keys(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\ndependancies: {}\n",
		      "2:1: error: unknown key 'dependancies' (did you mean 'dependencies'?)\n");
	assert_string_equal(rendered(t), "app.yaml:2:1: error: unknown key 'dependancies' (did you mean "
					 "'dependencies'?)\n"
					 "    2 | dependancies: {}\n"
					 "      | ^\n");
	expect_errors(t, "language: python\nfoo: 1\n",
		      "2:1: error: unknown key 'foo'; valid keys are base, build, caches, context, dependencies, "
		      "dockerignore, images, labels, language, name, program, run, secrets, source, test, "
		      "version\n");
	expect_errors(t, "language: python\nrun:\n  foo: 1\n",
		      "3:3: error: unknown key 'foo' in 'run'; valid keys are command, entrypoint, env, "
		      "healthcheck, port, setup, user, workdir\n");
	expect_errors(t, "language: python\nrun:\n  comand: [x]\n",
		      "3:3: error: unknown key 'comand' in 'run' (did you mean 'command'?)\n");
	expect_errors(t, "language: python\ndependencies:\n  packages: [x]\n",
		      "3:3: error: unknown key 'packages' in 'dependencies'; valid keys are manifest, "
		      "runtime, system\n");
	expect_errors(t, "language: python\ndependencies:\n  sytem: [gcc]\n",
		      "3:3: error: unknown key 'sytem' in 'dependencies' (did you mean 'system'?)\n");
	expect_errors(t, "language: python\nimages:\n  final: x\n",
		      "3:3: error: unknown key 'final' in 'images'; valid keys are build, build_family, run, run_family\n");
	expect_errors(t, "language: python\nrun:\n  healthcheck:\n    command: [x]\n    interval_s: 3\n",
		      "5:5: error: unknown key 'interval_s' in 'run.healthcheck' (did you mean 'interval'?)\n");
	expect_errors(t, "language: python\nrun:\n  healthcheck:\n    command: [x]\n    every: 3s\n",
		      "5:5: error: unknown key 'every' in 'run.healthcheck'; valid keys are command, "
		      "interval, retries, start_period, timeout\n");
	expect_errors(t, "language: python\nimage: x\n",
		      "2:1: error: unknown key 'image' (did you mean 'images'?)\n");
}

static void test_keys_at_wrong_level(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\nport: 80\n", "2:1: error: unknown key 'port'; it belongs in 'run'\n");
	expect_errors(t, "language: python\nsystem: [gcc]\n",
		      "2:1: error: unknown key 'system'; it belongs in 'dependencies'\n");
	expect_errors(t, "language: python\nrun:\n  labels: {a: b}\n",
		      "3:3: error: unknown key 'labels' in 'run'; it belongs at the top level\n");
	expect_errors(t, "language: python\nrun:\n  retries: 3\n",
		      "3:3: error: unknown key 'retries' in 'run'; it belongs in 'run.healthcheck'\n");
}

static void test_wrong_types(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\nname: [a, b]\n",
		      "2:7: error: expected a string for 'name', not a list\n");
	expect_errors(t, "language: python\nrun: gunicorn app:app\n",
		      "2:6: error: expected a mapping for 'run', not a string\n");
	expect_errors(t, "language: python\nrun:\n  command: gunicorn --bind 0.0.0.0 app:app\n",
		      "3:12: error: expected a list of strings for 'run.command', not a string "
		      "(write it as [gunicorn, --bind, ...])\n");
	expect_errors(t, "language: python\nrun:\n  command: gunicorn\n",
		      "3:12: error: expected a list of strings for 'run.command', not a string "
		      "(write it as [gunicorn])\n");
	expect_errors(t, "language: python\nrun:\n  command: {a: b}\n",
		      "3:12: error: expected a list of strings for 'run.command', not a mapping\n");
	expect_errors(t, "language: python\nrun:\n  command: [gunicorn, [a]]\n",
		      "3:23: error: expected a string in 'run.command', not a list\n");
	expect_errors(t, "language: python\ndependencies: [gcc]\n",
		      "2:15: error: expected a mapping for 'dependencies', not a list\n");
	expect_errors(t, "language: python\ndependencies:\n  system: libpq-dev gcc\n",
		      "3:11: error: expected a list of strings for 'dependencies.system', not a string "
		      "(write it as [libpq-dev, gcc])\n");
	expect_errors(t, "language: python\ndependencies:\n  manifest: {a: b}\n",
		      "3:13: error: expected a string or a list of strings for 'dependencies.manifest', "
		      "not a mapping\n");
	expect_errors(t, "language: python\nbuild: {a: b}\n",
		      "2:9: error: unknown key 'a' in 'build'; valid keys are artifacts, commands, env\n");
	expect_errors(t, "language: python\nbuild: [[a]]\n",
		      "2:9: error: expected a string in 'build', not a list\n");
	expect_errors(t, "language: python\nimages: python:3\n",
		      "2:9: error: expected a mapping for 'images', not a string\n");
	expect_errors(t, "language: python\nimages: {run: [a]}\n",
		      "2:15: error: expected a string for 'images.run', not a list\n");
	expect_errors(t, "language: python\nrun:\n  env: [A=1]\n",
		      "3:8: error: expected a mapping for 'run.env', not a list\n");
	expect_errors(t, "language: python\nrun:\n  env: {A: [1]}\n",
		      "3:12: error: expected a string for 'run.env.A', not a list\n");
	expect_errors(t, "language: python\nrun:\n  healthcheck: curl -f localhost\n",
		      "3:16: error: expected a mapping for 'run.healthcheck', not a string\n");
	expect_errors(t, "language: python\nrun:\n  port: {a: 80}\n",
		      "3:9: error: expected a port or a list of ports for 'run.port', not a mapping\n");
	expect_errors(t, "language: python\nlabels: [a]\n",
		      "2:9: error: expected a mapping for 'labels', not a list\n");
}

static void test_empty_items(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\ndependencies:\n  system:\n    - gcc\n    -\n",
		      "5:6: error: empty item in 'dependencies.system'; remove it, or quote it if it is "
		      "meant as text\n");
	expect_errors(t, "language: python\nrun:\n  command: [echo, ~]\n",
		      "3:19: error: empty item in 'run.command'; remove it, or quote it if it is meant as text\n");
}

static void test_bad_values(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\nname: My App\n",
		      "2:7: error: 'My App' is not a valid app name; use lowercase letters, digits, '.', "
		      "'_' and '-', starting with a letter or digit (e.g. 'my-app')\n");
	expect_errors(t, "language: python\nversion: \"3.11; rm -rf /\"\n",
		      "2:10: error: '3.11; rm -rf /' is not a version; use digits, letters and '.', '-', "
		      "'_' (e.g. '3.11')\n");
	/* which bases there are is data (bases.yaml): the pipeline checks it */
	expect_errors(t, "language: python\nbase: a b\n",
		      "2:7: error: 'a b' is not a base name; use a single word (e.g. 'official', 'debian', "
		      "'alpine')\n");
	expect_errors(t, "language: python\nimages: {run: \"Python:3\"}\n",
		      "2:15: error: 'Python:3' is not an image reference; use name[:tag][@sha256:digest] "
		      "in lowercase (e.g. 'python:3.11-slim')\n");
	expect_errors(t, "language: python\nrun:\n  port: 70000\n",
		      "3:9: error: port 70000 is out of range (1-65535)\n");
	expect_errors(t, "language: python\nrun:\n  port: 0\n", "3:9: error: port 0 is out of range (1-65535)\n");
	expect_errors(t, "language: python\nrun:\n  port: http\n",
		      "3:9: error: 'http' is not a port; give a number from 1 to 65535, optionally "
		      "followed by /tcp or /udp (e.g. 5000)\n");
	expect_errors(t, "language: python\nrun:\n  port: 080\n",
		      "3:9: error: '080' is not a port; give a number from 1 to 65535, optionally "
		      "followed by /tcp or /udp (e.g. 5000)\n");
	expect_errors(t, "language: python\nrun:\n  user: App User\n",
		      "3:9: error: 'App User' is not a user name; use a lowercase name (e.g. 'app') or a "
		      "uid, optionally followed by ':group'\n");
	expect_errors(t, "language: python\nrun:\n  workdir: /srv/../etc\n",
		      "3:12: error: '/srv/../etc' has a '..' component; give a plain absolute path "
		      "(e.g. '/app')\n");
	expect_errors(t, "language: python\nrun:\n  workdir: app\n",
		      "3:12: error: 'app' is not an absolute path; give one starting with '/' (e.g. '/app')\n");
	expect_errors(t, "language: python\nrun:\n  workdir: \"/app; rm -rf /\"\n",
		      "3:12: error: '/app; rm -rf /' has characters a path here cannot use; use letters, "
		      "digits and '.', '_', '-', '+', '@', '/'\n");
}

static void test_root_user(void **state)
{
	T *t = *state;
	const char *roots[] = {"root", "0", "\"0:0\"", "root:root", "root:app", "0:1000"};
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		char text[100];
		snprintf(text, sizeof(text), "language: python\nrun:\n  user: %s\n", roots[i]);
		expect_errors(t, text, "3:9: error: the app must not run as root; set 'user' to another user "
				       "(e.g. 'app') or leave it out to get a created non-root user\n");
	}
	/* group root is allowed; a uid that is not 0 is not root */
	assert_non_null(parse(t, "language: python\nrun: {user: \"app:0\"}\n"));
	assert_non_null(parse(t, "language: python\nrun: {user: 10}\n"));
	assert_non_null(parse(t, "language: python\nrun: {user: rooter}\n"));
}

static void test_paths(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\nsource: ../x\n",
		      "2:9: error: '../x' leaves the build context; use a path inside the spec's folder\n");
	expect_errors(t, "language: python\nsource: /etc\n",
		      "2:9: error: '/etc' is an absolute path; give a path relative to the spec's folder\n");
	expect_errors(t, "language: python\nsource: \"\"\n",
		      "2:9: error: 'source' is empty; give a path relative to the spec's folder (e.g. '.')\n");
	expect_errors(t, "language: python\ndependencies:\n  manifest: [ok.txt, a/../../b.txt]\n",
		      "3:22: error: 'a/../../b.txt' leaves the build context; use a path inside the "
		      "spec's folder\n");
	expect_errors(t, "language: python\ndependencies:\n  manifest: \"-r evil.txt\"\n",
		      "3:13: error: '-r evil.txt' starts with '-' and would read as an option; rename it "
		      "or write './-r evil.txt'\n");
	expect_errors(t, "language: python\ndependencies:\n  manifest: \"req.txt\\nRUN id\"\n",
		      "3:13: error: the path 'req.txt\\nRUN id' contains a control character (a newline, "
		      "tab...); write it on one line\n");
	expect_errors(t, "language: python\ndependencies:\n  manifest: \"req.txt; curl x | sh\"\n",
		      "3:13: error: 'req.txt; curl x | sh' has characters a path here cannot use; use "
		      "letters, digits and '.', '_', '-', '+', '@', '/'\n");
	assert_non_null(parse(t, "language: python\nsource: ./app/\n"));
	assert_non_null(parse(t, "language: python\nsource: .\n"));
}

static void test_injection(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\ndependencies:\n  system: [\"curl\\nRUN rm -rf /\"]\n",
		      "3:12: error: 'curl\\nRUN rm -rf /' is not a Debian package name; names use "
		      "lowercase letters, digits, '+', '-' and '.', optionally with '=version' "
		      "(e.g. 'libpq-dev')\n");
	expect_errors(t, "language: python\ndependencies:\n  runtime: [\"libpq5 && curl evil | sh\"]\n",
		      "3:13: error: 'libpq5 && curl evil | sh' is not a Debian package name; names use "
		      "lowercase letters, digits, '+', '-' and '.', optionally with '=version' "
		      "(e.g. 'libpq-dev')\n");
	expect_errors(t, "language: python\ndependencies:\n  system: [--allow-unauthenticated]\n",
		      "3:12: error: '--allow-unauthenticated' is not a Debian package name; names use "
		      "lowercase letters, digits, '+', '-' and '.', optionally with '=version' "
		      "(e.g. 'libpq-dev')\n");
	expect_errors(t, "language: python\nrun:\n  env: {\"A B\": x}\n",
		      "3:9: error: 'A B' is not an environment variable name; use letters, digits and '_', "
		      "not starting with a digit (e.g. 'APP_MODE')\n");
	expect_errors(t, "language: python\nrun:\n  env: {A: \"x\\nRUN id\"}\n",
		      "3:12: error: the value of 'run.env.A' contains a control character (a newline, "
		      "tab...); write it on one line\n");
	expect_errors(t, "language: python\nrun:\n  user: \"app\\nUSER root\"\n",
		      "3:9: error: 'app\\nUSER root' is not a user name; use a lowercase name (e.g. 'app') "
		      "or a uid, optionally followed by ':group'\n");
	expect_errors(t, "language: python\nlabels: {\"a=b c\": x}\n",
		      "2:10: error: 'a=b c' is not a label key; start with a letter or digit, then use "
		      "printable characters without spaces, '=', quotes, '$' or '\\' "
		      "(e.g. 'org.opencontainers.image.source')\n");
	/* a key that would start a line Docker drops (#) or read as a flag (--) */
	expect_errors(t, "language: python\nlabels: {a: \"1\", \"#x\": \"2\"}\n",
		      "2:18: error: '#x' is not a label key; start with a letter or digit, then use "
		      "printable characters without spaces, '=', quotes, '$' or '\\' "
		      "(e.g. 'org.opencontainers.image.source')\n");
	expect_errors(t, "language: python\nlabels: {\"--network\": host}\n",
		      "2:10: error: '--network' is not a label key; start with a letter or digit, then use "
		      "printable characters without spaces, '=', quotes, '$' or '\\' "
		      "(e.g. 'org.opencontainers.image.source')\n");
	expect_errors(t, "language: python\nlabels: {a: \"x\\ny\"}\n",
		      "2:13: error: the value of 'labels.a' contains a control character (a newline, "
		      "tab...); write it on one line\n");
	expect_errors(t, "language: python\nbuild: [\"make\\rhidden\"]\n",
		      "2:9: error: a command in 'build' contains a control character other than a newline "
		      "or tab; remove it\n");
	/* exec-form arguments may hold anything: they are JSON-escaped */
	Spec *s = parse(t, "language: python\nrun:\n  command: [sh, -c, \"echo $(id) `x` ; && 'q' \\\"\"]\n"
			   "  env: {A: \"$(id); `x` && 'q' \\\"\"}\n");
	assert_non_null(s);
	assert_string_equal(s->command.v[2].s, "echo $(id) `x` ; && 'q' \"");
	assert_string_equal(s->env.v[0].value.s, "$(id); `x` && 'q' \"");
}

static void test_long_value_shown_short(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\ndependencies:\n  system: [\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbb\"]\n",
		      "3:12: error: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is not a "
		      "Debian package name; names use lowercase letters, digits, '+', '-' and '.', "
		      "optionally with '=version' (e.g. 'libpq-dev')\n");
}

static void test_env_and_label_nulls(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\nrun:\n  env:\n    A:\n    B: ~\n",
		      "4:7: error: 'A' in 'run.env' has no value; give one, or write \"\" for an empty value\n"
		      "5:8: error: 'B' in 'run.env' has no value; give one, or write \"\" for an empty value\n");
	expect_errors(t, "language: python\nlabels: {a: null}\n",
		      "2:13: error: 'a' in 'labels' has no value; give one, or write \"\" for an empty value\n");
}

static void test_build_errors(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\nbuild: []\n",
		      "2:8: error: 'build' is an empty list; give at least one command, or leave 'build' "
		      "out to use the language's default\n");
	expect_errors(t, "language: python\nbuild: \"  \"\n",
		      "2:8: error: empty command in 'build'; remove it or write a command\n");
	expect_errors(t, "language: python\nbuild: [make, \"\"]\n",
		      "2:15: error: empty command in 'build'; remove it or write a command\n");
}

static void test_healthcheck_errors(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\nrun:\n  healthcheck:\n    interval: 30s\n",
		      "4:5: error: missing required key 'command' in 'run.healthcheck' (e.g. 'command: "
		      "[curl, -f, http://127.0.0.1:8080/]')\n");
	expect_errors(t, "language: python\nrun:\n  healthcheck: {command: []}\n",
		      "3:26: error: 'run.healthcheck.command' is an empty list; give the program and its "
		      "arguments (e.g. [gunicorn, app:app])\n");
	expect_errors(t, "language: python\nrun:\n  healthcheck:\n    command: [x]\n    interval: 30\n"
			 "    timeout: 1.5s\n    start_period: 5 s\n    retries: 0\n",
		      "5:15: error: '30' is not a duration; use whole numbers with a unit ns, us, ms, s, m "
		      "or h (e.g. '30s', '1m30s')\n"
		      "6:14: error: '1.5s' is not a duration; use whole numbers with a unit ns, us, ms, s, "
		      "m or h (e.g. '30s', '1m30s')\n"
		      "7:19: error: '5 s' is not a duration; use whole numbers with a unit ns, us, ms, s, "
		      "m or h (e.g. '30s', '1m30s')\n"
		      "8:14: error: '0' is not a positive whole number; give how many failed checks mark "
		      "the app unhealthy (e.g. 3)\n");
	expect_errors(t, "language: python\nrun:\n  healthcheck: {command: [x], retries: -1}\n",
		      "3:40: error: '-1' is not a positive whole number; give how many failed checks mark "
		      "the app unhealthy (e.g. 3)\n");
}

static void test_empty_command(void **state)
{
	T *t = *state;
	expect_errors(t, "language: python\nrun: {command: []}\n",
		      "2:16: error: 'run.command' is an empty list; give the program and its arguments "
		      "(e.g. [gunicorn, app:app])\n");
}

/* Every problem in one run, in source order, each at its node. */
static void test_many_errors(void **state)
{
	T *t = *state;
	Spec *s = parse(t, "name: Bad Name\n"
			   "dependancies:\n"
			   "  system: [gcc]\n"
			   "images: {run: python}\n"
			   "run:\n"
			   "  command: gunicorn app:app\n"
			   "  port: 99999\n"
			   "  user: root\n"
			   "  env: {\"1X\": a, OK: b}\n"
			   "source: /abs\n");
	assert_null(s);
	assert_int_equal(t->d.errors, 8);
	assert_int_equal(t->d.warnings, 0); /* the image's tag is judged with its family (lower.c) */
	assert_string_equal(msgs(t),
			    "1:1: error: missing required key 'language' (e.g. 'language: python')\n"
			    "1:7: error: 'Bad Name' is not a valid app name; use lowercase letters, digits, "
			    "'.', '_' and '-', starting with a letter or digit (e.g. 'my-app')\n"
			    "2:1: error: unknown key 'dependancies' (did you mean 'dependencies'?)\n"
			    "6:12: error: expected a list of strings for 'run.command', not a string (write "
			    "it as [gunicorn, app:app])\n"
			    "7:9: error: port 99999 is out of range (1-65535)\n"
			    "8:9: error: the app must not run as root; set 'user' to another user (e.g. 'app') "
			    "or leave it out to get a created non-root user\n"
			    "9:9: error: '1X' is not an environment variable name; use letters, digits and "
			    "'_', not starting with a digit (e.g. 'APP_MODE')\n"
			    "10:9: error: '/abs' is an absolute path; give a path relative to the spec's folder\n");
}

static void test_null_root(void **state)
{
	T *t = *state;
	reset(t);
	assert_null(spec_parse(t->a, NULL, NULL, ".", &t->d));
}

int main(void)
{
#define T_(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T_(test_full_spec),
		T_(test_defaults),
		T_(test_name_from_folder),
		T_(test_name_from_bad_folder),
		T_(test_scalars_keep_text),
		T_(test_one_string_as_list),
		T_(test_nulls_are_absent),
		T_(test_empty_lists),
		T_(test_package_versions_and_arch),
		T_(test_image_digest_no_warning),
		T_(test_root_not_mapping),
		T_(test_missing_language),
		T_(test_unknown_keys),
		T_(test_keys_at_wrong_level),
		T_(test_wrong_types),
		T_(test_empty_items),
		T_(test_bad_values),
		T_(test_root_user),
		T_(test_paths),
		T_(test_injection),
		T_(test_long_value_shown_short),
		T_(test_env_and_label_nulls),
		T_(test_build_errors),
		T_(test_healthcheck_errors),
		T_(test_empty_command),
		T_(test_many_errors),
		T_(test_null_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
