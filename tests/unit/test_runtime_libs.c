/*
 * test_runtime_libs.c - the table of runtime libraries
 * (templates/runtime-libs.yaml, as compiled in): it loads without errors,
 * is sorted with valid package names throughout, the C table the build
 * generates from it holds the same entries, a --templates folder's own
 * copy is read as YAML instead, and the -dev packages apps commonly build
 * against map to their Debian 12 libraries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

/* The YAML as compiled in, read by the same code as a --templates copy. */
static bool parse_embedded(Arena *a, RuntimeLibs *libs, Diags *d)
{
	for (size_t i = 0; i < embedded_templates_count; i++)
		if (strcmp(embedded_templates[i].name, "runtime-libs.yaml") == 0)
			return runtime_libs_parse(a, source_from_string(a, "runtime-libs.yaml", embedded_templates[i].text,
									   embedded_templates[i].len),
						  libs, d);
	return false;
}

static void table_is_well_formed(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	RuntimeLibs libs = {0};
	assert_true(parse_embedded(a, &libs, &d));
	assert_int_equal(d.errors, 0);
	assert_true(libs.n > 1000);
	for (size_t i = 0; i < libs.n; i++) {
		if (i)
			assert_true(strcmp(libs.v[i - 1].dev, libs.v[i].dev) < 0);
		assert_true(valid_package_name(libs.v[i].dev));
		assert_true(libs.v[i].runtime.n > 0);
		for (size_t j = 0; j < libs.v[i].runtime.n; j++) {
			const char *w = libs.v[i].runtime.v[j];
			assert_true(valid_package_name(w));
			size_t n = strlen(w);
			assert_false(n > 4 && strcmp(w + n - 4, "-dev") == 0);
		}
	}
	arena_free(a);
}

/* The table generated at build time says what the YAML says: the same
 * entries in the same order, and runtime_libs_for() answers each one with
 * the YAML's list, without reading any YAML. */
static void generated_table_equals_the_yaml(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	RuntimeLibs libs = {0};
	assert_true(parse_embedded(a, &libs, &d));
	assert_int_equal(builtin_runtime_libs_count, libs.n);
	Templates t;
	assert_true(templates_open(a, &t, NULL, &d));
	for (size_t i = 0; i < libs.n; i++) {
		const BuiltinRuntimeLib *e = &builtin_runtime_libs[i];
		assert_string_equal(builtin_runtime_pool + e->dev, libs.v[i].dev);
		assert_int_equal(e->n, libs.v[i].runtime.n);
		for (uint32_t j = 0; j < e->n; j++)
			assert_string_equal(builtin_runtime_pool + builtin_runtime_names[e->first + j],
					    libs.v[i].runtime.v[j]);
		const StrList *got = runtime_libs_for(&t, libs.v[i].dev);
		size_t len = strlen(libs.v[i].dev);
		if (len < 5 || strcmp(libs.v[i].dev + len - 4, "-dev") != 0 || !libs.v[i].runtime.n) {
			assert_null(got);
			continue;
		}
		assert_non_null(got);
		assert_int_equal(got->n, libs.v[i].runtime.n);
		for (uint32_t j = 0; j < got->n; j++)
			assert_string_equal(got->v[j], libs.v[i].runtime.v[j]);
		assert_ptr_equal(runtime_libs_for(&t, libs.v[i].dev), got); /* made once */
	}
	assert_true(t.libs_builtin);
	assert_int_equal(t.libs.n, 0); /* no YAML was read */
	assert_int_equal(d.errors, 0);
	arena_free(a);
}

/* A --templates folder with its own runtime-libs.yaml: that file, read as
 * YAML, replaces the built-in table; an unsorted one is an error at its line. */
static void a_folders_table_is_read_as_yaml(void **state)
{
	(void)state;
	char dir[] = "/tmp/stagec-rtlibs-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/runtime-libs.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("libraries:\n  libfoo-dev: [libfoo1]\n  libpq-dev: [libpq-own]\n", f);
	fclose(f);
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	Templates t;
	assert_true(templates_open(a, &t, dir, &d));
	const StrList *got = runtime_libs_for(&t, "libpq-dev");
	assert_non_null(got);
	assert_string_equal(got->v[0], "libpq-own");
	assert_non_null(runtime_libs_for(&t, "libfoo-dev"));
	assert_null(runtime_libs_for(&t, "libssl-dev")); /* not in this table */
	assert_false(t.libs_builtin);
	assert_int_equal(d.errors, 0);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("libraries:\n  libz-dev: [libz1]\n  liba-dev: [liba1]\n", f);
	fclose(f);
	assert_true(templates_open(a, &t, dir, &d));
	assert_null(runtime_libs_for(&t, "liba-dev"));
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.head->pos.line, 3);
	unlink(path);
	rmdir(dir);
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
		cmocka_unit_test(generated_table_equals_the_yaml),
		cmocka_unit_test(a_folders_table_is_read_as_yaml),
		cmocka_unit_test(common_dev_packages_map_to_their_libraries),
	};
	return cmocka_run_group_tests_name("runtime_libs", tests, NULL, NULL);
}
