/*
 * test_lock.c - lock.c: reading a lock (values, duplicates compared
 * normalised), writing it back (sorted, dropped entries left out, the
 * text read again gives the same lock), dates, and pinning an IR (tags
 * kept, scratch and spec digests left alone, the base-image labels only
 * on a final stage with a digest, frozen refusing an unlocked image).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lock.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static Lock *parse(Arena *a, const char *text, Diags *d)
{
	diags_init(d, a, 0, false);
	return lock_parse(a, source_from_string(a, "stagec.lock", text, strlen(text)), d);
}

static void test_read_and_find(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Diags d;
	Lock *l = parse(a, "version: 1\nimages:\n  - image: python:3.11-slim@" D1 "\n    confirmed: 2026-11-28\n"
			   "templates:\n  python: {default_version: \"3.11\"}\n", &d);
	assert_non_null(l);
	assert_int_equal(l->n, 1);
	const LockEntry *e = lock_find(l, a, "docker.io/library/python:3.11-slim");
	assert_non_null(e);
	assert_string_equal(e->digest, D1);
	assert_int_equal(e->pos.line, 3);
	assert_int_equal(e->pos.col, 12);
	assert_null(lock_find(l, a, "python:3.12-slim"));
	assert_string_equal(lock_default_version(l, "python"), "3.11");
	assert_null(lock_default_version(l, "node"));
	assert_int_equal(strncmp(l->hash, "sha256:", 7), 0);
	arena_free(a);
}

static void test_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"images: []\n",                                                        /* no version */
		"version: 1\nimages:\n  - image: python:3.11-slim\n    confirmed: 2026-11-28\n", /* no digest */
		"version: 1\nimages:\n  - image: python@" D1 "\n    confirmed: 2026-13-01\n",
		"version: 1\nimages:\n  - image: scratch@" D1 "\n    confirmed: 2026-11-28\n",
		"version: 1\nimages:\n  - image: python:3@" D1 "\n    confirmed: 2026-11-28\n"
		"  - image: docker.io/library/python:3@" D2 "\n    confirmed: 2026-11-28\n",
		"version: 1\ntemplates: {python: \"3.11\"}\n",
		"version: 1\nimage: []\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		Arena *a = arena_new();
		Diags d;
		assert_null(parse(a, bad[i], &d));
		assert_true(d.errors > 0);
		arena_free(a);
	}
}

static void test_write_round_trip(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Lock *l = lock_new(a);
	lock_set(l, a, "python:3.11-slim", D2, "2026-11-28");
	lock_set(l, a, "golang:1.22", D1, "2026-11-27");
	lock_set(l, a, "node:20-slim", D1, "2026-11-27")->drop = true;
	lock_set(l, a, "docker.io/library/python:3.11-slim", D1, "2026-11-29"); /* the same image */
	lock_set_template(l, a, "python", "3.11");
	lock_set_template(l, a, "go", "1.22");
	Strbuf sb = STRBUF_INIT;
	lock_write(l, &sb);
	const char *text = strbuf_str(&sb);
	assert_non_null(strstr(text, "images:\n  - image: golang:1.22@" D1 "\n    confirmed: 2026-11-27\n"
				     "  - image: python:3.11-slim@" D1 "\n    confirmed: 2026-11-29\n"));
	assert_null(strstr(text, "node:20-slim"));
	assert_non_null(strstr(text, "templates:\n  go: {default_version: \"1.22\"}\n  python:"));
	Diags d;
	Lock *back = parse(a, text, &d);
	assert_non_null(back);
	assert_int_equal(back->n, 2);
	Strbuf again = STRBUF_INIT;
	lock_write(back, &again);
	assert_string_equal(strbuf_str(&again), text);
	strbuf_release(&sb);
	strbuf_release(&again);
	arena_free(a);
}

static void test_dates(void **state)
{
	(void)state;
	Arena *a = arena_new();
	static const char *const days[] = {"1970-01-01", "2000-02-29", "2026-12-31", "2100-03-01"};
	for (size_t i = 0; i < 4; i++) {
		long day;
		assert_true(policy_parse_date(days[i], &day));
		assert_string_equal(lock_date(a, day), days[i]);
	}
	assert_null(lock_digest_problem(D1));
	assert_non_null(lock_digest_problem("sha256:ABC"));
	assert_non_null(lock_ref_problem("python@" D1));
	arena_free(a);
}

/* An IR of two stages, build and run images as given. */
static Ir *two_stages(Arena *a, const char *build, const char *run)
{
	static const Family fam = {0};
	Ir *ir = ir_new(a);
	ir_stage_append(ir, "builder", build, &fam);
	Stage *fin = ir_stage_append(ir, NULL, run, &fam);
	Step *u = ir_step_new(ir, STEP_USER, ROLE_RUNTIME, (SrcPos){0}, "test");
	u->value = "10001";
	ir_step_append(fin, u);
	return ir;
}

static const Step *label_step(const Ir *ir)
{
	for (const Step *s = ir->last->first; s; s = s->next)
		if (s->kind == STEP_LABEL)
			return s;
	return NULL;
}

static void test_pin(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Lock *l = lock_new(a);
	lock_set(l, a, "golang:1.22", D1, "2026-11-28");
	lock_set(l, a, "python:3.11-slim", D2, "2026-11-28");
	Spec spec = {0};
	Diags d;
	diags_init(&d, a, 0, false);

	LockUses uses = {0};
	Ir *ir = two_stages(a, "golang:1.22", "scratch");
	assert_true(lock_pin(a, l, STAGEC_LOCK_PINNED, true, ir, &spec, &d, &uses));
	assert_string_equal(ir->first->image, "golang:1.22@" D1);
	assert_string_equal(ir->last->image, "scratch");
	assert_null(label_step(ir)); /* scratch: no labels */
	assert_int_equal(uses.n, 1);

	uses = (LockUses){0};
	ir = two_stages(a, "python:3.11-slim", "docker.io/library/python:3.11-slim");
	assert_true(lock_pin(a, l, STAGEC_LOCK_PINNED, true, ir, &spec, &d, &uses));
	assert_string_equal(ir->last->image, "docker.io/library/python:3.11-slim@" D2);
	const Step *lab = label_step(ir);
	assert_non_null(lab);
	assert_int_equal(lab->next->kind, STEP_USER); /* before USER */
	assert_string_equal(lab->keys.v[0], "org.opencontainers.image.base.name");
	assert_string_equal(lab->values.v[1], D2);

	uses = (LockUses){0};
	ir = two_stages(a, "golang:1.23", "python:3.12@" D1); /* unlocked; pinned in the spec */
	assert_true(lock_pin(a, l, STAGEC_LOCK_PINNED, true, ir, &spec, &d, &uses));
	assert_string_equal(ir->first->image, "golang:1.23");
	assert_string_equal(ir->last->image, "python:3.12@" D1);
	assert_non_null(label_step(ir)); /* the spec's digest labels too */
	assert_int_equal(d.warnings, 0); /* no lock file: nothing said */

	l->file = source_from_string(a, "stagec.lock", "", 0);
	uses = (LockUses){0};
	ir = two_stages(a, "golang:1.23", "scratch");
	assert_true(lock_pin(a, l, STAGEC_LOCK_PINNED, true, ir, &spec, &d, &uses));
	assert_int_equal(d.warnings, 1);
	uses = (LockUses){0};
	ir = two_stages(a, "golang:1.23", "scratch");
	assert_false(lock_pin(a, l, STAGEC_LOCK_FROZEN, true, ir, &spec, &d, &uses));
	assert_int_equal(d.errors, 1);
	uses = (LockUses){0};
	ir = two_stages(a, "golang:1.22", "scratch");
	assert_true(lock_pin(a, l, STAGEC_LOCK_OFF, true, ir, &spec, &d, &uses));
	assert_string_equal(ir->first->image, "golang:1.22");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_and_find),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_write_round_trip),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_pin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
