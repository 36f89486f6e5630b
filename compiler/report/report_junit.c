/*
 * report_junit.c - the JUnit XML report, written with libxml2's xmlTextWriter
 * (loaded on first use, xmllib.h; when it cannot be, the writer fails and
 * xmllib_error() says why).
 *
 * One <testsuite> per spec, named by its path; in it one <testcase> per
 * rule evaluated, passes included, named "STG201 run.non_root", plus
 * "STG900 compile" (an <error> when the spec did not compile) and
 * "STG903 drift" (a <failure> when a generated file drifted) when the run
 * checked drift.  A failing rule is a <failure type="LEVEL"
 * message="first finding"> whose text lists every finding as
 * "path:line:col message"; a rule whose findings are all waived is
 * <skipped message="exception: REASON, expires DATE"/>.
 *
 * The schema this is checked against is the one Jenkins' xUnit plugin
 * reads (tests/report/schemas/junit-10.xsd): it has no skipped count on
 * <testsuites>, so that count is on each <testsuite> only.  XML 1.0 cannot
 * hold most control characters, not even as references: they are written
 * as \xNN (report_clean); libxml2 escapes the rest.
 */
#include <stdio.h>

#include "report/report.h"
#include "xmllib.h"

typedef struct Junit {
	const Report *r;
	const XmlLib *X;
	xmlTextWriterPtr w;
	int rc; /* the first libxml2 error, or 0 */
} Junit;

static const xmlChar *x(const char *s)
{
	return (const xmlChar *)s;
}

static void check(Junit *j, int rc)
{
	if (rc < 0 && j->rc == 0)
		j->rc = rc;
}

static void start(Junit *j, const char *name)
{
	check(j, j->X->TextWriterStartElement(j->w, x(name)));
}

static void end(Junit *j)
{
	check(j, j->X->TextWriterEndElement(j->w));
}

static void attr(Junit *j, const char *name, const char *value)
{
	check(j, j->X->TextWriterWriteAttribute(j->w, x(name), x(report_clean(j->r->arena, value, REPORT_CLEAN_XML))));
}

static void attr_int(Junit *j, const char *name, int value)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%d", value);
	attr(j, name, buf);
}

static void text(Junit *j, const char *s)
{
	check(j, j->X->TextWriterWriteString(j->w, x(report_clean(j->r->arena, s, REPORT_CLEAN_XML))));
}

/* The counts of one spec's suite. */
typedef struct SuiteCounts {
	int tests, failures, errors, skipped;
} SuiteCounts;

static bool has_drift_case(const Report *r, const ReportSpec *s)
{
	return r->drift_checked || s->ndrift > 0;
}

static SuiteCounts suite_counts(const Report *r, const ReportSpec *s)
{
	SuiteCounts n = {0};
	if (s->compile != REPORT_GONE) {
		n.tests++;
		if (s->compile == REPORT_NOT_COMPILED)
			n.errors++;
	}
	for (size_t i = 0; i < s->nchecks; i++) {
		n.tests++;
		ReportOutcome o = report_check_outcome(s->checks[i]);
		if (o == REPORT_FAIL)
			n.failures++;
		else if (o == REPORT_WAIVED)
			n.skipped++;
	}
	if (has_drift_case(r, s)) {
		n.tests++;
		if (s->ndrift)
			n.failures++;
	}
	return n;
}

static void testcase_start(Junit *j, const ReportSpec *s, const ReportRule *rule)
{
	start(j, "testcase");
	attr(j, "classname", s->path);
	attr(j, "name", arena_printf(j->r->arena, "%s %s", rule->id, rule->name));
}

static void compile_case(Junit *j, const ReportSpec *s)
{
	Arena *a = j->r->arena;
	testcase_start(j, s, &report_rule_compile);
	const ReportDiag *first = NULL;
	Strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < s->ndiags; i++) {
		const ReportDiag *d = s->diags[i];
		if (!first && d->level == REPORT_ERROR)
			first = d;
		strbuf_addf(&sb, "%s: %s: %s\n", report_pos_text(a, d->pos, s->path), report_level_name(d->level),
			    d->message);
	}
	if (s->compile == REPORT_NOT_COMPILED) {
		start(j, "error");
		attr(j, "type", "error");
		attr(j, "message", first ? first->message : "the spec has errors");
		if (sb.len)
			text(j, strbuf_str(&sb));
		end(j);
	} else if (sb.len) {
		start(j, "system-out"); /* the warnings of a spec that compiled */
		text(j, strbuf_str(&sb));
		end(j);
	}
	strbuf_release(&sb);
	end(j);
}

static const char *waiver_text(Arena *a, const ReportWaiver *w)
{
	return arena_printf(a, "exception: %s%s%s", w->reason, w->expires ? ", expires " : "", w->expires ? w->expires : "");
}

static void rule_case(Junit *j, const ReportSpec *s, const ReportCheck *c)
{
	Arena *a = j->r->arena;
	testcase_start(j, s, c->rule);
	ReportOutcome o = report_check_outcome(c);
	if (o != REPORT_PASS) {
		const ReportFinding *first = NULL;
		int standing = 0;
		Strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < c->nfindings; i++) {
			const ReportFinding *f = c->findings[i];
			strbuf_addf(&sb, "%s %s", report_pos_text(a, f->pos, s->path), f->message);
			if (f->waiver && f->waiver->pos.file)
				strbuf_addf(&sb, " (%s, at %s)", waiver_text(a, f->waiver), report_pos_text(a, f->waiver->pos, NULL));
			else if (f->waiver)
				strbuf_addf(&sb, " (%s)", waiver_text(a, f->waiver));
			strbuf_addc(&sb, '\n');
			if (o == REPORT_WAIVED || !f->waiver) {
				standing++;
				if (!first)
					first = f;
			}
		}
		if (o == REPORT_FAIL) {
			start(j, "failure");
			attr(j, "type", report_level_name(first->level));
			attr(j, "message", standing > 1 ? arena_printf(a, "%s (and %d more)", first->message, standing - 1)
							 : first->message);
		} else {
			start(j, "skipped");
			attr(j, "message", waiver_text(a, first->waiver));
		}
		text(j, strbuf_str(&sb));
		end(j);
		strbuf_release(&sb);
	}
	end(j);
}

static void drift_case(Junit *j, const ReportSpec *s)
{
	Arena *a = j->r->arena;
	testcase_start(j, s, &report_rule_drift);
	if (s->ndrift) {
		Strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < s->ndrift; i++)
			strbuf_addf(&sb, "%s: %s\n", s->drift[i]->file, report_drift_text(a, s->drift[i]));
		start(j, "failure");
		attr(j, "type", "error");
		attr(j, "message", s->ndrift == 1 ? arena_printf(a, "%s: %s", s->drift[0]->file, report_drift_text(a, s->drift[0]))
						  : arena_printf(a, "%zu generated files drifted", s->ndrift));
		text(j, strbuf_str(&sb));
		end(j);
		strbuf_release(&sb);
	}
	end(j);
}

int report_write_junit(const Report *r, Strbuf *out)
{
	const XmlLib *X = xmllib();
	if (!X)
		return -1; /* xmllib_error() says why */
	xmlBufferPtr buf = X->BufferCreate();
	if (!buf)
		return -1;
	Junit j = {.r = r, .X = X, .w = X->NewTextWriterMemory(buf, 0)};
	if (!j.w) {
		X->BufferFree(buf);
		return -1;
	}
	check(&j, X->TextWriterSetIndent(j.w, 1));
	check(&j, X->TextWriterSetIndentString(j.w, x("  ")));
	check(&j, X->TextWriterStartDocument(j.w, NULL, "UTF-8", NULL));

	SuiteCounts total = {0};
	for (size_t i = 0; i < r->nspecs; i++) {
		SuiteCounts n = suite_counts(r, r->specs[i]);
		total.tests += n.tests;
		total.failures += n.failures;
		total.errors += n.errors;
	}
	const char *stamp = report_time_text(r->arena, r->time, false);
	start(&j, "testsuites");
	attr(&j, "name", "stagec");
	attr_int(&j, "tests", total.tests);
	attr_int(&j, "failures", total.failures);
	attr_int(&j, "errors", total.errors);
	for (size_t i = 0; i < r->nspecs; i++) {
		const ReportSpec *s = r->specs[i];
		SuiteCounts n = suite_counts(r, s);
		start(&j, "testsuite");
		attr(&j, "name", s->path);
		attr_int(&j, "tests", n.tests);
		attr_int(&j, "failures", n.failures);
		attr_int(&j, "errors", n.errors);
		attr_int(&j, "skipped", n.skipped);
		if (stamp)
			attr(&j, "timestamp", stamp);
		if (s->compile != REPORT_GONE)
			compile_case(&j, s);
		for (size_t k = 0; k < s->nchecks; k++)
			rule_case(&j, s, s->checks[k]);
		if (has_drift_case(r, s))
			drift_case(&j, s);
		end(&j);
	}
	end(&j);
	check(&j, X->TextWriterEndDocument(j.w));
	X->FreeTextWriter(j.w); /* flushes into buf */
	if (j.rc == 0)
		strbuf_add(out, (const char *)X->BufferContent(buf), (size_t)X->BufferLength(buf));
	X->BufferFree(buf);
	return j.rc == 0 ? 0 : -1;
}
