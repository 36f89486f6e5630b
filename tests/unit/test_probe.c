/*
 * test_probe.c - reading values from a project's files: TOML keys, XPath
 * over XML (with no network and no entity expansion), fallbacks, and the
 * refusal of values that are not plain names.
 */
#include "fixture.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>

static const char *probe(Fx *t, const char *file, const char *kind, const char *key, const char *fallback)
{
	TmplProbe p = {"x", file, kind, key, fallback, {0}};
	return probe_read(&t->p, &p, ".", (SrcPos){0});
}

static void toml_reads_a_key_of_a_section(void **state)
{
	Fx *t = *state;
	fx_write(t, "Cargo.toml", "[workspace]\nmembers = [\"nope\"]\n\n[package]\n# comment\nversion = \"0.1.0\"\n"
				  "name   =  \"hello-rs\"  # trailing\n[dependencies]\nname = \"no\"\n");
	assert_string_equal(probe(t, "Cargo.toml", "toml", "package.name", NULL), "hello-rs");
	assert_int_equal(t->d.errors, 0);
}

static void xml_reads_an_xpath(void **state)
{
	Fx *t = *state;
	fx_write(t, "pom.xml", "<?xml version=\"1.0\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
			       "<groupId>g</groupId><artifactId> demo-app </artifactId></project>\n");
	assert_string_equal(probe(t, "pom.xml", "xml", "/*[local-name()='project']/*[local-name()='artifactId']", NULL),
			    "demo-app");
}

static void xml_does_not_expand_external_entities(void **state)
{
	Fx *t = *state;
	fx_write(t, "secret", "s3cret");
	char xml[512];
	snprintf(xml, sizeof(xml),
		 "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY x SYSTEM \"file://%s/secret\">]>\n"
		 "<project><artifactId>&x;</artifactId></project>\n",
		 t->dir);
	fx_write(t, "pom.xml", xml);
	const char *v = probe(t, "pom.xml", "xml", "/project/artifactId", "fallback");
	/* the entity is not loaded: the element is empty, so the fallback is used */
	assert_string_equal(v, "fallback");
}

static void malformed_xml_is_an_error_at_its_line(void **state)
{
	Fx *t = *state;
	fx_write(t, "pom.xml", "<project>\n  <artifactId>a</artifactId>\n</projec>\n");
	assert_null(probe(t, "pom.xml", "xml", "/project/artifactId", "fallback"));
	assert_int_equal(t->d.errors, 1);
	assert_string_equal(t->d.head->pos.file->path, "ctx/pom.xml");
	assert_int_equal(t->d.head->pos.line, 3);
	assert_true(fx_error_has(t, "is not well-formed XML: Opening and ending tag mismatch"));
	/* a second probe of the same file says nothing more */
	assert_null(probe(t, "pom.xml", "xml", "/project/version", "fallback"));
	assert_int_equal(t->d.errors, 1);
}

static void missing_value_uses_the_fallback_or_fails(void **state)
{
	Fx *t = *state;
	assert_string_equal(probe(t, "Cargo.toml", "toml", "package.name", "app"), "app");
	assert_int_equal(t->d.errors, 0);
	assert_null(probe(t, "Cargo.toml", "toml", "package.name", NULL));
	assert_int_equal(t->d.errors, 1);
	assert_string_equal(fx_error(t), "'ctx/Cargo.toml' does not exist; stagec reads toml 'package.name' from it: "
					 "create it");
	fx_write(t, "other.toml", "[package]\nversion = \"1\"\n");
	assert_null(probe(t, "other.toml", "toml", "package.name", NULL));
	assert_string_equal(t->d.tail->msg, "'ctx/other.toml' has no toml 'package.name'; add it there");
}

static void values_that_are_not_plain_names_are_refused(void **state)
{
	Fx *t = *state;
	fx_write(t, "Cargo.toml", "[package]\nname = \"x; rm -rf /\"\n");
	assert_null(probe(t, "Cargo.toml", "toml", "package.name", "app"));
	assert_int_equal(t->d.errors, 1);
	assert_true(fx_error_has(t, "is not a plain name"));
	assert_int_equal(t->d.head->pos.line, 2); /* at the value, in Cargo.toml */
	fx_write(t, "b.toml", "[package]\nname = \"--help\"\n");
	assert_null(probe(t, "b.toml", "toml", "package.name", "app"));
	fx_write(t, "c.toml", "[package]\nname = \"a\\u0000b\"\n");
	assert_null(probe(t, "c.toml", "toml", "package.name", "app"));
	assert_int_equal(t->d.errors, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(toml_reads_a_key_of_a_section),
		FX_TEST(xml_reads_an_xpath),
		FX_TEST(xml_does_not_expand_external_entities),
		FX_TEST(malformed_xml_is_an_error_at_its_line),
		FX_TEST(missing_value_uses_the_fallback_or_fails),
		FX_TEST(values_that_are_not_plain_names_are_refused),
	};
	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
