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

/* What libxml2 says, with project_xml's options: -1 not well-formed, 0 no
 * such element, 1 found (its content and line). */
static int by_libxml2(const char *doc, const char *xpath, char **value, long *line)
{
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	xmlDocPtr d = xmlCtxtReadMemory(ctxt, doc, (int)strlen(doc), "t.xml", NULL,
					XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	int r = -1;
	if (d && ctxt->wellFormed) {
		xmlXPathContextPtr x = xmlXPathNewContext(d);
		xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)xpath, x);
		r = 0;
		if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
			xmlChar *c = xmlNodeGetContent(o->nodesetval->nodeTab[0]);
			*value = strdup((const char *)c);
			*line = xmlGetLineNo(o->nodesetval->nodeTab[0]);
			xmlFree(c);
			r = 1;
		}
		xmlXPathFreeObject(o);
		xmlXPathFreeContext(x);
	}
	xmlFreeDoc(d);
	xmlFreeParserCtxt(ctxt);
	return r;
}

/* xml_path (project/xml_path.c) answers only where libxml2 would, and the
 * same: on each document below it either declines (-1) or gives libxml2's
 * answer, value and line; on the documents marked plain it must answer;
 * on the malformed ones libxml2 refuses, it must decline. */
static void xml_path_agrees_with_libxml2(void **state)
{
	(void)state;
	static const char *const P = "/*[local-name()='project']/*[local-name()='artifactId']";
	static const struct {
		const char *doc;
		int plain; /* 1: xml_path must answer; 0: either; -1: malformed, must decline */
	} cases[] = {
		{"<project><artifactId>a</artifactId></project>", 1},
		{"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\"\n"
		 "  xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  <modelVersion>4.0.0</modelVersion>\n"
		 "  <artifactId>\n    hello-server\n  </artifactId>\n</project>\n", 1},
		{"\xef\xbb\xbf<?xml version='1.0' standalone='yes' ?><project><artifactId>b</artifactId></project>", 1},
		{"<project>\r\n<artifactId\r\n  x='1'\r\n>a&amp;b&#65;&#x42;<![CDATA[<c>]]><!-- no --><?pi x?>\r\nd</artifactId></project>", 1},
		{"<project><parent><artifactId>p</artifactId></parent><artifactId>own</artifactId></project>", 1},
		{"<project><artifactId/></project>", 1},
		{"<project><artifactId>x<b>y</b>z</artifactId><artifactId>second</artifactId></project>", 1},
		{"<project><version>1</version></project>", 1},
		{"<Project><artifactId>case</artifactId></Project>", 1},
		{"<project><artifactId>caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3</artifactId></project>", 1},
		{"<!-- c --><?pi?>\n<project a=\"&lt;&quot;\" b='\"'><artifactId>a</artifactId></project>\n<!-- end -->\n", 1},
		{"<!DOCTYPE project><project><artifactId>a</artifactId></project>", 0},
		{"<p:project xmlns:p='u'><p:artifactId>a</p:artifactId></p:project>", 0},
		{"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><project><artifactId>\xe9</artifactId></project>", 0},
		{"<project><artifactId>a</artifactId></projekt>", -1},
		{"<project><artifactId>a</artifactId>", -1},
		{"<project><artifactId>a</artifactId></project><project/>", -1},
		{"<project><artifactId>a &nbsp; b</artifactId></project>", 0},
		{"<project><artifactId>a & b</artifactId></project>", -1},
		{"<project><artifactId>a ]]> b</artifactId></project>", -1},
		{"<project><artifactId>a\x01</artifactId></project>", -1},
		{"<project><artifactId>\xc3</artifactId></project>", -1},
		{"<project><artifactId>\xc0\x80</artifactId></project>", -1},
		{"<project><artifactId>\xed\xa0\x80</artifactId></project>", -1},
		{"<project a='1' a='2'><artifactId>a</artifactId></project>", -1},
		{"<project a='1'b='2'><artifactId>a</artifactId></project>", -1},
		{"<project a='<'><artifactId>a</artifactId></project>", -1},
		{"<project><!-- a -- b --><artifactId>a</artifactId></project>", -1},
		{"<project><artifactId>&#0;</artifactId></project>", -1},
		{"<project><artifactId>&#x110000;</artifactId></project>", -1},
		{"<?xml version=\"1.0\" foo=\"bar\"?><project><artifactId>a</artifactId></project>", -1},
		{"<?xml version=\"1.1\"?><project><artifactId>a</artifactId></project>", 0},
		{" <?xml version=\"1.0\"?><project/>", -1},
		{"<project><?xml version='1.0'?></project>", -1},
		{"<project>text</project>trailing", -1},
		{"", -1},
		{"<1project/>", -1},
		{"<project><artifactId>a</artifactId ></project >", 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *doc = cases[i].doc;
		Arena *a = arena_new();
		const char *lite_value = NULL;
		int lite_line = 0;
		int lite = xml_path(a, doc, strlen(doc), P, &lite_value, &lite_line);
		char *value = NULL;
		long line = 0;
		int full = by_libxml2(doc, P, &value, &line);
		if (cases[i].plain == 1 && lite < 0)
			fail_msg("case %zu: xml_path declined a plain document", i);
		if (cases[i].plain == -1 && (full >= 0 || lite >= 0))
			fail_msg("case %zu: malformed, but libxml2 says %d and xml_path %d", i, full, lite);
		if (lite >= 0) {
			if (lite != full)
				fail_msg("case %zu: xml_path says %d, libxml2 %d", i, lite, full);
			if (lite == 1 && (strcmp(lite_value, value) != 0 || lite_line != line))
				fail_msg("case %zu: xml_path '%s' at line %d, libxml2 '%s' at line %ld", i, lite_value,
					 lite_line, value, line);
		}
		free(value);
		arena_free(a);
	}
	/* another XPath, or none of the plain shape: declined */
	Arena *a = arena_new();
	const char *v;
	int line;
	assert_int_equal(xml_path(a, "<a/>", 4, "/a", &v, &line), -1);
	assert_int_equal(xml_path(a, "<a/>", 4, "//*[local-name()='a']", &v, &line), -1);
	assert_int_equal(xml_path(a, "<a/>", 4, "/*[local-name()='a']/text()", &v, &line), -1);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(toml_reads_a_key_of_a_section),
		cmocka_unit_test(xml_path_agrees_with_libxml2),
		FX_TEST(xml_reads_an_xpath),
		FX_TEST(xml_does_not_expand_external_entities),
		FX_TEST(malformed_xml_is_an_error_at_its_line),
		FX_TEST(missing_value_uses_the_fallback_or_fails),
		FX_TEST(values_that_are_not_plain_names_are_refused),
	};
	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
