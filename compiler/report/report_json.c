/*
 * report_json.c - stagec's own JSON report (specs/report.schema.json).
 *
 * The whole report as data, for tools that want more than SARIF's results:
 * a summary with the exit status, the rules, and per spec its compile
 * outcome with every diagnostic, its drifting files and every check with
 * its result (pass, fail, waived) and findings.  Same order as the model;
 * a "time" member only when the report has one (SOURCE_DATE_EPOCH).
 * Positions are {file, line, col}, with line and col left out when the
 * position has none.
 */
#include "report/report_jansson.h"

#define REPORT_FORMAT_VERSION 1

static const char *outcome_name(ReportOutcome o)
{
	switch (o) {
	case REPORT_PASS: return "pass";
	case REPORT_FAIL: return "fail";
	case REPORT_WAIVED: return "waived";
	}
	return "fail";
}

static const char *compile_name(ReportCompile c)
{
	switch (c) {
	case REPORT_COMPILED: return "ok";
	case REPORT_NOT_COMPILED: return "error";
	case REPORT_GONE: return "gone";
	}
	return "error";
}

/* Adds file, line, col of pos (file: fallback when the position has none). */
static void set_pos(JsonW *j, json_t *o, ReportPos pos, const char *fallback)
{
	jw_set(j, o, "file", jw_str(j, pos.file ? pos.file : fallback));
	if (pos.file && pos.line > 0) {
		jw_set(j, o, "line", jw_int(j, pos.line));
		if (pos.col > 0)
			jw_set(j, o, "col", jw_int(j, pos.col));
	}
}

static json_t *summary(JsonW *j, const Report *r)
{
	ReportCounts n = report_counts(r);
	json_t *o = jw_obj(j);
	jw_set(j, o, "status", jw_int(j, report_status(r, false)));
	jw_set(j, o, "specs", jw_int(j, n.specs));
	jw_set(j, o, "compile_errors", jw_int(j, n.compile_errors));
	jw_set(j, o, "checks", jw_int(j, n.checks));
	jw_set(j, o, "passed", jw_int(j, n.passed));
	jw_set(j, o, "failed", jw_int(j, n.failed));
	jw_set(j, o, "waived", jw_int(j, n.waived));
	jw_set(j, o, "errors", jw_int(j, n.findings_error));
	jw_set(j, o, "warnings", jw_int(j, n.findings_warning));
	jw_set(j, o, "drift", jw_int(j, n.drift));
	return o;
}

static json_t *finding_json(JsonW *j, const ReportSpec *s, const ReportFinding *f)
{
	json_t *o = jw_obj(j);
	jw_set(j, o, "level", jw_str(j, report_level_name(f->level)));
	jw_set(j, o, "message", jw_str(j, f->message));
	set_pos(j, o, f->pos, s->path);
	if (f->key)
		jw_set(j, o, "key", jw_str(j, f->key));
	if (f->waiver) {
		json_t *w = jw_obj(j);
		jw_set(j, w, "reason", jw_str(j, f->waiver->reason));
		if (f->waiver->expires)
			jw_set(j, w, "expires", jw_str(j, f->waiver->expires));
		if (f->waiver->pos.file)
			set_pos(j, w, f->waiver->pos, NULL);
		jw_set(j, o, "waiver", w);
	}
	return o;
}

static json_t *spec_json(JsonW *j, const ReportSpec *s)
{
	json_t *o = jw_obj(j);
	jw_set(j, o, "path", jw_str(j, s->path));

	json_t *comp = jw_obj(j);
	jw_set(j, comp, "result", jw_str(j, compile_name(s->compile)));
	json_t *diags = jw_arr(j);
	for (size_t i = 0; i < s->ndiags; i++) {
		const ReportDiag *d = s->diags[i];
		json_t *dj = jw_obj(j);
		jw_set(j, dj, "level", jw_str(j, report_level_name(d->level)));
		jw_set(j, dj, "message", jw_str(j, d->message));
		set_pos(j, dj, d->pos, s->path);
		jw_push(j, diags, dj);
	}
	jw_set(j, comp, "diagnostics", diags);
	jw_set(j, o, "compile", comp);

	json_t *drift = jw_arr(j);
	for (size_t i = 0; i < s->ndrift; i++) {
		const ReportDrift *d = s->drift[i];
		json_t *dj = jw_obj(j);
		jw_set(j, dj, "file", jw_str(j, d->file));
		jw_set(j, dj, "state", jw_str(j, report_drift_name(d->state)));
		if (d->input)
			jw_set(j, dj, "input", jw_str(j, d->input));
		jw_push(j, drift, dj);
	}
	jw_set(j, o, "drift", drift);

	json_t *checks = jw_arr(j);
	for (size_t i = 0; i < s->nchecks; i++) {
		const ReportCheck *c = s->checks[i];
		json_t *cj = jw_obj(j);
		jw_set(j, cj, "rule", jw_str(j, c->rule->id));
		jw_set(j, cj, "name", jw_str(j, c->rule->name));
		jw_set(j, cj, "result", jw_str(j, outcome_name(report_check_outcome(c))));
		json_t *fs = jw_arr(j);
		for (size_t k = 0; k < c->nfindings; k++)
			jw_push(j, fs, finding_json(j, s, c->findings[k]));
		jw_set(j, cj, "findings", fs);
		jw_push(j, checks, cj);
	}
	jw_set(j, o, "checks", checks);
	return o;
}

int report_write_json(const Report *r, Strbuf *out)
{
	JsonW jw = {.r = r};
	JsonW *j = &jw;
	json_t *root = jw_obj(j);
	jw_set(j, root, "format", jw_str(j, "stagec-report"));
	jw_set(j, root, "format_version", jw_int(j, REPORT_FORMAT_VERSION));
	jw_set(j, root, "stagec", jw_str(j, r->version));
	const char *stamp = report_time_text(r->arena, r->time, true);
	if (stamp)
		jw_set(j, root, "time", jw_str(j, stamp));
	jw_set(j, root, "drift_checked", r->drift_checked ? json_true() : json_false());
	jw_set(j, root, "summary", summary(j, r));

	size_t nrules;
	const ReportRule **rules = report_rules(r, &nrules);
	json_t *rj = jw_arr(j);
	for (size_t i = 0; i < nrules; i++) {
		json_t *o = jw_obj(j);
		jw_set(j, o, "id", jw_str(j, rules[i]->id));
		jw_set(j, o, "name", jw_str(j, rules[i]->name));
		jw_set(j, o, "help", jw_str(j, rules[i]->help));
		jw_set(j, o, "level", jw_str(j, report_level_name(rules[i]->level)));
		if (rules[i]->help_uri)
			jw_set(j, o, "help_uri", jw_str(j, rules[i]->help_uri));
		jw_push(j, rj, o);
	}
	jw_set(j, root, "rules", rj);

	json_t *specs = jw_arr(j);
	for (size_t i = 0; i < r->nspecs; i++)
		jw_push(j, specs, spec_json(j, r->specs[i]));
	jw_set(j, root, "specs", specs);
	return jw_finish(j, root, out);
}
