/*
 * test_report.c - the report model and writers (compiler/report/).
 *
 * Escaping: hostile text (markup, quotes, control characters, invalid
 * UTF-8) survives each format as well-formed output, read back with the
 * format's own parser (libxml2, jansson) and compared with what went in.
 * Determinism: the same report filled in two orders writes the same bytes.
 * And the small contracts: fingerprints, exit statuses, SOURCE_DATE_EPOCH.
 * The schema validation of whole reports is tests/report/run.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "report/report.h"

static const ReportRule rule_a = {"STG201", "run.non_root", "Runs as non-root.", REPORT_ERROR, NULL};
static const ReportRule rule_b = {"STG401", "packages.deny", "No denied package.", REPORT_ERROR, NULL};

static ReportPos at(const char *file, int line, int col)
{
	ReportPos p = {file, line, col};
	return p;
}

static const char *write_str(Arena *a, const Report *r, ReportFormat f)
{
	Strbuf sb = STRBUF_INIT;
	assert_int_equal(report_write(r, f, &sb), 0);
	const char *s = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return s;
}

static void test_clean_keeps_clean_text(void **state)
{
	Arena *a = arena_new();
	const char *s = "plain caf\xc3\xa9 \xf0\x9f\x90\xb3 <&>\"'";
	assert_ptr_equal(report_clean(a, s, REPORT_CLEAN_UTF8), s);
	assert_ptr_equal(report_clean(a, s, REPORT_CLEAN_XML), s);
	assert_ptr_equal(report_clean(a, s, REPORT_CLEAN_LINE), s);
	assert_null(report_clean(a, NULL, REPORT_CLEAN_LINE));
	arena_free(a);
}

static void test_clean_invalid_utf8(void **state)
{
	Arena *a = arena_new();
	/* a lone continuation byte, a truncated sequence, an overlong '/', a surrogate, past U+10FFFF */
	assert_string_equal(report_clean(a, "a\x80" "b", REPORT_CLEAN_UTF8), "a\\x80b");
	assert_string_equal(report_clean(a, "a\xc3", REPORT_CLEAN_UTF8), "a\\xc3");
	assert_string_equal(report_clean(a, "\xc0\xaf", REPORT_CLEAN_UTF8), "\\xc0\\xaf");
	assert_string_equal(report_clean(a, "\xed\xa0\x80", REPORT_CLEAN_UTF8), "\\xed\\xa0\\x80");
	assert_string_equal(report_clean(a, "\xf4\x90\x80\x80", REPORT_CLEAN_UTF8), "\\xf4\\x90\\x80\\x80");
	/* control characters are JSON's to escape, not ours */
	assert_string_equal(report_clean(a, "a\x01\n", REPORT_CLEAN_UTF8), "a\x01\n");
	arena_free(a);
}

static void test_clean_xml(void **state)
{
	Arena *a = arena_new();
	assert_string_equal(report_clean(a, "a\x01" "b\tc\nd\re", REPORT_CLEAN_XML), "a\\x01b\tc\nd\re");
	assert_string_equal(report_clean(a, "del\x7f c1\xc2\x85", REPORT_CLEAN_XML), "del\\x7f c1\\x85");
	assert_string_equal(report_clean(a, "nonchar\xef\xbf\xbe", REPORT_CLEAN_XML), "nonchar\\ufffe");
	arena_free(a);
}

static void test_clean_line(void **state)
{
	Arena *a = arena_new();
	assert_string_equal(report_clean(a, "one\ntwo\tthree\r\x1b[31m", REPORT_CLEAN_LINE),
			    "one\\ntwo\\tthree\\r\\x1b[31m");
	arena_free(a);
}

/* The hostile message of the round-trip tests: markup, quotes, a CDATA
 * end, newlines and tabs, an escape sequence, non-ASCII. */
static const char hostile[] = "user \"root\" <b>&amp; 'x' ]]> \x1b[1m\ttab\nline2\r\xce\xb1\xf0\x9f\x90\xb3";

static Report *hostile_report(Arena *a)
{
	Report *r = report_new(a, "9.9.9");
	r->drift_checked = true;
	ReportSpec *s = report_spec(r, "apps/<x> & \"y\"/app.yaml");
	report_finding(r, report_check(r, s, &rule_a), REPORT_ERROR, at(s->path, 3, 5), "run.user", hostile);
	return r;
}

static void test_junit_round_trip(void **state)
{
	Arena *a = arena_new();
	Report *r = hostile_report(a);
	const char *xml = write_str(a, r, REPORT_JUNIT);
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "report.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc); /* well-formed */
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)"string(//failure/@message)", ctx);
	/* the attribute reads back as the message, only the ESC spelled out */
	assert_string_equal((const char *)o->stringval, report_clean(a, hostile, REPORT_CLEAN_XML));
	assert_non_null(strstr((const char *)o->stringval, "\\x1b[1m"));
	xmlXPathFreeObject(o);
	o = xmlXPathEvalExpression((const xmlChar *)"string(//testsuite/@name)", ctx);
	assert_string_equal((const char *)o->stringval, "apps/<x> & \"y\"/app.yaml");
	xmlXPathFreeObject(o);
	o = xmlXPathEvalExpression((const xmlChar *)"count(//testcase)", ctx);
	assert_int_equal((int)o->floatval, 3); /* compile, the rule, drift */
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	arena_free(a);
}

static void test_sarif_round_trip(void **state)
{
	Arena *a = arena_new();
	Report *r = hostile_report(a);
	const char *text = write_str(a, r, REPORT_SARIF);
	json_error_t err;
	json_t *root = json_loads(text, 0, &err);
	assert_non_null(root);
	json_t *res = json_array_get(json_object_get(json_array_get(json_object_get(root, "runs"), 0), "results"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(res, "message"), "text")), hostile);
	json_t *art = json_object_get(
		json_object_get(json_array_get(json_object_get(res, "locations"), 0), "physicalLocation"), "artifactLocation");
	assert_string_equal(json_string_value(json_object_get(art, "uri")), "apps/%3Cx%3E%20%26%20%22y%22/app.yaml");
	json_decref(root);
	arena_free(a);
}

static void test_json_round_trip(void **state)
{
	Arena *a = arena_new();
	Report *r = hostile_report(a);
	const char *text = write_str(a, r, REPORT_JSON);
	json_error_t err;
	json_t *root = json_loads(text, 0, &err);
	assert_non_null(root);
	json_t *spec = json_array_get(json_object_get(root, "specs"), 0);
	assert_string_equal(json_string_value(json_object_get(spec, "path")), "apps/<x> & \"y\"/app.yaml");
	json_t *f = json_array_get(json_object_get(json_array_get(json_object_get(spec, "checks"), 0), "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "message")), hostile);
	assert_null(json_object_get(root, "time"));
	json_decref(root);
	arena_free(a);
}

static void test_text_one_line_per_finding(void **state)
{
	Arena *a = arena_new();
	Report *r = hostile_report(a);
	const char *text = write_str(a, r, REPORT_TEXT);
	size_t lines = 0;
	for (const char *p = text; *p; p++) {
		assert_true((unsigned char)*p >= 0x20 || *p == '\n');
		assert_true(*p != 0x7f);
		lines += *p == '\n';
	}
	assert_int_equal(lines, 1);
	assert_non_null(strstr(text, ":3:5: error: user \"root\""));
	assert_non_null(strstr(text, "[STG201 run.non_root]\n"));
	arena_free(a);
}

/* One report, filled in the given order. */
static Report *filled(Arena *a, bool reverse)
{
	Report *r = report_new(a, "0.1.0");
	r->drift_checked = true;
	const char *paths[] = {"b/app.yaml", "a/app.yaml", "c/app.yaml"};
	for (int i = 0; i < 3; i++) {
		ReportSpec *s = report_spec(r, paths[reverse ? 2 - i : i]);
		const ReportRule *rules[] = {&rule_b, &rule_a};
		for (int k = 0; k < 2; k++)
			report_check(r, s, rules[reverse ? 1 - k : k]);
	}
	ReportSpec *b = report_spec(r, "b/app.yaml");
	ReportCheck *c = report_check(r, b, &rule_b);
	for (int i = 0; i < 3; i++) {
		int line = reverse ? 9 - i : 7 + i;
		report_finding(r, c, REPORT_ERROR, at("b/app.yaml", line, 3), arena_printf(a, "k%d", line),
			       arena_printf(a, "finding on line %d", line));
	}
	const char *files[] = {"c/Dockerfile", "c/.dockerignore"};
	for (int i = 0; i < 2; i++)
		report_drift(r, report_spec(r, "c/app.yaml"), files[reverse ? 1 - i : i], REPORT_EDITED, NULL);
	return r;
}

static void test_deterministic(void **state)
{
	Arena *a = arena_new();
	Report *r1 = filled(a, false), *r2 = filled(a, true);
	assert_string_equal(r1->specs[0]->path, "a/app.yaml");
	assert_string_equal(r1->specs[0]->checks[0]->rule->id, "STG201");
	ReportFormat fs[] = {REPORT_TEXT, REPORT_JSON, REPORT_JUNIT, REPORT_SARIF};
	for (size_t i = 0; i < 4; i++) {
		const char *x = write_str(a, r1, fs[i]);
		assert_string_equal(x, write_str(a, r2, fs[i]));
		assert_string_equal(x, write_str(a, r1, fs[i])); /* writing twice changes nothing */
		assert_null(strstr(x, "timestamp"));
		assert_null(strstr(x, "Time"));
	}
	/* a time appears only when one is set */
	r1->time = 0;
	assert_non_null(strstr(write_str(a, r1, REPORT_JUNIT), "timestamp=\"1970-01-01T00:00:00\""));
	assert_non_null(strstr(write_str(a, r1, REPORT_SARIF), "\"endTimeUtc\": \"1970-01-01T00:00:00Z\""));
	arena_free(a);
}

static void test_fingerprint(void **state)
{
	Arena *a = arena_new();
	const char *f = report_fingerprint(a, "a/app.yaml", "STG201", "run.user");
	assert_int_equal(strlen(f), 16);
	/* FNV-1a 64 over "a/app.yaml\0STG201\0run.user\0": pinned, since CI systems store it */
	assert_string_equal(f, "c0ba8c4cf44e7424"); /* computed independently (Python) */
	assert_string_not_equal(f, report_fingerprint(a, "a/app.yaml", "STG201", "run.users"));
	assert_string_not_equal(f, report_fingerprint(a, "b/app.yaml", "STG201", "run.user"));
	assert_string_not_equal(report_fingerprint(a, "ab", "c", ""), report_fingerprint(a, "a", "bc", ""));
	assert_string_equal(report_fingerprint(a, "", "", ""), "d94d12186c0f2fb7");
	arena_free(a);
}

static void test_status(void **state)
{
	Arena *a = arena_new();
	Report *r = report_new(a, NULL);
	ReportSpec *s = report_spec(r, "a/app.yaml");
	ReportCheck *c = report_check(r, s, &rule_a);
	assert_int_equal(report_status(r, false), 0);
	report_drift(r, s, "a/Dockerfile", REPORT_STALE, "the spec");
	assert_int_equal(report_status(r, false), 3);
	ReportFinding *f = report_finding(r, c, REPORT_ERROR, at("a/app.yaml", 1, 1), NULL, "root");
	assert_int_equal(report_check_outcome(c), REPORT_FAIL);
	assert_int_equal(report_status(r, false), 1);
	report_waive(r, f, "why", "2030-01-01", at(".stagec/policy.yaml", 2, 3));
	assert_int_equal(report_check_outcome(c), REPORT_WAIVED);
	assert_int_equal(report_status(r, false), 3);
	report_finding(r, report_check(r, s, &rule_b), REPORT_WARNING, at("a/app.yaml", 2, 1), NULL, "warn");
	assert_int_equal(report_status(r, false), 3);
	assert_int_equal(report_status(r, true), 1);
	ReportSpec *bad = report_spec(r, "b/app.yaml");
	report_diag(r, bad, REPORT_WARNING, at("b/app.yaml", 1, 1), "only a warning");
	assert_int_equal(bad->compile, REPORT_COMPILED);
	report_diag(r, bad, REPORT_ERROR, at("b/app.yaml", 2, 1), "an error");
	assert_int_equal(bad->compile, REPORT_NOT_COMPILED);
	assert_int_equal(report_status(r, false), 1);
	ReportCounts n = report_counts(r);
	assert_int_equal(n.specs, 2);
	assert_int_equal(n.compile_errors, 1);
	assert_int_equal(n.checks, 2);
	assert_int_equal(n.failed, 1);
	assert_int_equal(n.waived, 1);
	assert_int_equal(n.drift, 1);
	/* an orphan's spec entry is gone: no compile test case */
	ReportSpec *gone = report_spec(r, "old/app.yaml");
	report_drift(r, gone, "old/Dockerfile", REPORT_ORPHAN, NULL);
	assert_int_equal(gone->compile, REPORT_GONE);
	assert_null(strstr(write_str(a, r, REPORT_JUNIT), "classname=\"old/app.yaml\" name=\"STG900 compile\""));
	arena_free(a);
}

static void test_source_date_epoch(void **state)
{
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(report_source_date_epoch(), -1);
	setenv("SOURCE_DATE_EPOCH", "1796083200", 1);
	assert_int_equal(report_source_date_epoch(), 1796083200LL);
	setenv("SOURCE_DATE_EPOCH", "12x", 1);
	assert_int_equal(report_source_date_epoch(), -1);
	setenv("SOURCE_DATE_EPOCH", "-5", 1);
	assert_int_equal(report_source_date_epoch(), -1);
	unsetenv("SOURCE_DATE_EPOCH");
}

/* The policy engine's public results, as stagec_result_rules gives them. */
static void test_rule_results(void **state)
{
	size_t n;
	const StagecRuleInfo *table = stagec_rules(&n);
	assert_true(n >= 2);
	const StagecRuleInfo *root = NULL, *health = NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].id, "STG201") == 0)
			root = &table[i];
		if (strcmp(table[i].slug, "run.healthcheck") == 0)
			health = &table[i];
	}
	assert_non_null(root);
	assert_non_null(health);
	StagecRuleResult v[] = {
		{.rule = root, .outcome = STAGEC_RULE_PASS, .message = "checked", .file = ".stagec/policy.yaml", .line = 4},
		{.rule = health, .outcome = STAGEC_RULE_WAIVED, .message = "no healthcheck", .file = "a/app.yaml",
		 .line = 1, .col = 1, .key = "run.healthcheck", .reason = "later", .expires = "2027-03-31"},
		{.rule = health, .outcome = STAGEC_RULE_FAIL, .warning = true, .message = "again", .file = "a/app.yaml",
		 .line = 2, .col = 1, .key = "run.healthcheck", .expired = "2026-01-01"},
	};
	Arena *a = arena_new();
	Report *r = report_new(a, NULL);
	ReportSpec *s = report_spec(r, "a/app.yaml");
	report_rule_results(r, s, v, 3);
	assert_int_equal(s->nchecks, 2);
	assert_string_equal(s->checks[0]->rule->id, "STG201");
	assert_int_equal(report_check_outcome(s->checks[0]), REPORT_PASS);
	const ReportCheck *c = s->checks[1];
	assert_string_equal(c->rule->name, "run.healthcheck");
	assert_string_equal(c->rule->help, health->help);
	assert_int_equal(c->nfindings, 2);
	assert_int_equal(report_check_outcome(c), REPORT_FAIL);
	assert_non_null(c->findings[0]->waiver);
	assert_string_equal(c->findings[0]->waiver->reason, "later");
	assert_string_equal(c->findings[0]->waiver->expires, "2027-03-31");
	assert_int_equal(c->findings[1]->level, REPORT_WARNING);
	assert_string_equal(c->findings[1]->message, "again (the exception for it expired on 2026-01-01)");
	/* the same rule from another spec is the same ReportRule */
	ReportSpec *t = report_spec(r, "b/app.yaml");
	report_rule_results(r, t, v, 1);
	assert_ptr_equal(t->checks[0]->rule, s->checks[0]->rule);
	arena_free(a);
}

static void test_diags_leave_rule_findings_out(void **state)
{
	assert_true(report_rule_tagged("the image runs as root [STG201 run.non_root]"));
	assert_false(report_rule_tagged("'--base x' is overridden by policy (p.yaml:1:2) [STG010]"));
	assert_false(report_rule_tagged("a message [not a tag]"));
	assert_false(report_rule_tagged("[STG201 run.non_root] at the start"));
	assert_false(report_rule_tagged(""));
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	SourceFile *f = source_from_string(a, "a/app.yaml", "x: 1\n", 5);
	SrcPos p = {f, 1, 1};
	diag_error(&d, p, "the image runs as root [STG201 run.non_root]");
	diag_warning(&d, p, "overridden by policy [STG010]");
	Report *r = report_new(a, NULL);
	ReportSpec *s = report_spec(r, "a/app.yaml");
	report_diags(r, s, &d);
	assert_int_equal(s->ndiags, 1); /* the STG010 warning */
	assert_string_equal(s->diags[0]->pos.file, "a/app.yaml");
	assert_int_equal(s->compile, REPORT_COMPILED); /* a rule's error is not a compile error */
	diag_error(&d, p, "unknown key 'x'");
	ReportSpec *t = report_spec(r, "b/app.yaml");
	report_diags(r, t, &d);
	assert_int_equal(t->ndiags, 2);
	assert_int_equal(t->compile, REPORT_NOT_COMPILED);
	arena_free(a);
}

static void test_format_parse(void **state)
{
	ReportFormat f;
	assert_true(report_format_parse("sarif", &f));
	assert_int_equal(f, REPORT_SARIF);
	assert_true(report_format_parse("junit", &f));
	assert_int_equal(f, REPORT_JUNIT);
	assert_false(report_format_parse("xml", &f));
	assert_false(report_format_parse("", &f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_keeps_clean_text),
		cmocka_unit_test(test_clean_invalid_utf8),
		cmocka_unit_test(test_clean_xml),
		cmocka_unit_test(test_clean_line),
		cmocka_unit_test(test_junit_round_trip),
		cmocka_unit_test(test_sarif_round_trip),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_text_one_line_per_finding),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_source_date_epoch),
		cmocka_unit_test(test_rule_results),
		cmocka_unit_test(test_diags_leave_rule_findings_out),
		cmocka_unit_test(test_format_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
