/*
 * test_runtime_libs.c - the generated table of runtime libraries
 * (templates/runtime-libs.yaml, as compiled in): it loads without errors,
 * is sorted with valid package names throughout, and maps the -dev
 * packages apps commonly build against to their Debian 12 libraries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void table_is_well_formed(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	Templates t;
	assert_true(templates_open(a, &t, NULL, &d));
	assert_false(t.libs_loaded); /* read on first use only */
	assert_non_null(runtime_libs_for(&t, "libpq-dev"));
	assert_int_equal(d.errors, 0);
	assert_true(t.libs.n > 1000);
	for (size_t i = 0; i < t.libs.n; i++) {
		if (i)
			assert_true(strcmp(t.libs.v[i - 1].dev, t.libs.v[i].dev) < 0);
		assert_true(valid_package_name(t.libs.v[i].dev));
		assert_true(t.libs.v[i].runtime.n > 0);
		for (size_t j = 0; j < t.libs.v[i].runtime.n; j++) {
			const char *w = t.libs.v[i].runtime.v[j];
			assert_true(valid_package_name(w));
			size_t n = strlen(w);
			assert_false(n > 4 && strcmp(w + n - 4, "-dev") == 0);
		}
	}
	arena_free(a);
}

static void common_dev_packages_map_to_their_libraries(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"libpq-dev", "libpq5"},
		{"libxml2-dev", "libxml2"},
		{"libssl-dev", "libssl3"},
		{"libjpeg-dev", "libjpeg62-turbo"},
		{"zlib1g-dev", "zlib1g"},
		{"libffi-dev", "libffi8"},
		{"libyaml-dev", "libyaml-0-2"},
		{"libsqlite3-dev", "libsqlite3-0"},
		{"libcurl4-openssl-dev", "libcurl4"},
		{"libmariadb-dev", "libmariadb3"},
		{"libc6-dev", "libc6"}, /* not libc-dev-bin: tools are not libraries */
	};
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	Templates t;
	assert_true(templates_open(a, &t, NULL, &d));
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const StrList *got = runtime_libs_for(&t, cases[i][0]);
		if (!got || got->n != 1 || strcmp(got->v[0], cases[i][1]) != 0)
			fail_msg("%s -> %s, wanted %s", cases[i][0], got ? got->v[0] : "(nothing)", cases[i][1]);
	}
	assert_null(runtime_libs_for(&t, "build-essential"));
	assert_null(runtime_libs_for(&t, "no-such-dev"));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_is_well_formed),
		cmocka_unit_test(common_dev_packages_map_to_their_libraries),
	};
	return cmocka_run_group_tests_name("runtime_libs", tests, NULL, NULL);
}
