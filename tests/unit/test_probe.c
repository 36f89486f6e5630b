/*
 * test_probe.c - reading values from a project's files: TOML keys, XPath
 * over XML (with no network and no entity expansion), fallbacks, and the
 * refusal of values that are not plain names.
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

typedef struct T {
	Arena *a;
	Diags d;
	char dir[64];
} T;

static int setup(void **state)
{
	T *t = calloc(1, sizeof(*t));
	t->a = arena_new();
	diags_init(&t->d, t->a, 20, false);
	strcpy(t->dir, "/tmp/stagec-probe-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	T *t = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
	arena_free(t->a);
	free(t);
	return 0;
}

static void write_file(T *t, const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char *probe(T *t, const char *file, const char *kind, const char *key, const char *fallback)
{
	TmplProbe p = {"x", file, kind, key, fallback, {0}};
	return probe_read(t->a, &p, t->dir, &t->d);
}

static void toml_reads_a_key_of_a_section(void **state)
{
	T *t = *state;
	write_file(t, "Cargo.toml", "[workspace]\nname = \"nope\"\n\n[package]\n# comment\nversion = \"0.1.0\"\n"
					"name   =  \"hello-rs\"  # trailing\n[dependencies]\nname = \"no\"\n");
	assert_string_equal(probe(t, "Cargo.toml", "toml", "package.name", NULL), "hello-rs");
	assert_int_equal(t->d.errors, 0);
}

static void xml_reads_an_xpath(void **state)
{
	T *t = *state;
	write_file(t, "pom.xml", "<?xml version=\"1.0\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
				 "<groupId>g</groupId><artifactId> demo-app </artifactId></project>\n");
	assert_string_equal(probe(t, "pom.xml", "xml",
				  "/*[local-name()='project']/*[local-name()='artifactId']", NULL),
			    "demo-app");
}

static void xml_does_not_expand_external_entities(void **state)
{
	T *t = *state;
	write_file(t, "secret", "s3cret");
	char xml[512];
	snprintf(xml, sizeof(xml),
		 "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM \"file://%s/secret\">]>\n"
		 "<project><artifactId>&x;</artifactId></project>\n",
		 t->dir);
	write_file(t, "pom.xml", xml);
	const char *v = probe(t, "pom.xml", "xml", "/project/artifactId", "fallback");
	/* the entity is not loaded: the element is empty, so the fallback is used */
	assert_string_equal(v, "fallback");
}

static void missing_value_uses_the_fallback_or_fails(void **state)
{
	T *t = *state;
	assert_string_equal(probe(t, "Cargo.toml", "toml", "package.name", "app"), "app");
	assert_int_equal(t->d.errors, 0);
	assert_null(probe(t, "Cargo.toml", "toml", "package.name", NULL));
	assert_int_equal(t->d.errors, 1);
	assert_string_equal(t->d.head->msg, "cannot read toml 'package.name' from 'Cargo.toml'; add it there, or "
					    "set the value in the spec");
}

static void values_that_are_not_plain_names_are_refused(void **state)
{
	T *t = *state;
	write_file(t, "Cargo.toml", "[package]\nname = \"x; rm -rf /\"\n");
	assert_null(probe(t, "Cargo.toml", "toml", "package.name", "app"));
	assert_int_equal(t->d.errors, 1);
	assert_non_null(strstr(t->d.head->msg, "is not a plain name"));
	write_file(t, "Cargo.toml", "[package]\nname = \"--help\"\n");
	assert_null(probe(t, "Cargo.toml", "toml", "package.name", "app"));
	assert_int_equal(t->d.errors, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(toml_reads_a_key_of_a_section, setup, teardown),
		cmocka_unit_test_setup_teardown(xml_reads_an_xpath, setup, teardown),
		cmocka_unit_test_setup_teardown(xml_does_not_expand_external_entities, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_value_uses_the_fallback_or_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(values_that_are_not_plain_names_are_refused, setup, teardown),
	};
	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
