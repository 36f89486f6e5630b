/*
 * report_sarif.c - the SARIF 2.1.0 report, written with jansson.
 *
 * One run whose tool.driver is stagec, with rules[] (id, name, short
 * description, help, default level) sorted by id and results[] in
 * the report's order.  Every finding, waived or not, is a result: a waived
 * one carries suppressions [{kind: external, status: accepted,
 * justification, location of the exception}], which code-scanning UIs show
 * as dismissed.  Compile diagnostics are STG900 results, drifting files
 * STG903 results.  Locations are relative URIs against %SRCROOT% (the
 * run's root), percent-encoded; regions give the line and column (stagec
 * counts columns in bytes).  partialFingerprints["stagec/v1"] hashes the
 * spec path, the rule and the key path, not the line, so a finding keeps
 * its identity when lines move.  No timestamps unless the report has a
 * time (SOURCE_DATE_EPOCH): then one invocation with its end time.
 */
#include <string.h>

#include "report/report_jansson.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define SRCROOT "%SRCROOT%"

/* A relative path as a URI reference: unreserved characters and '/' stay,
 * every other byte is percent-encoded. */
static const char *uri_path(Arena *a, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	Strbuf sb = STRBUF_INIT;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-._~/", c)) {
			strbuf_addc(&sb, (char)c);
		} else {
			strbuf_addc(&sb, '%');
			strbuf_addc(&sb, hex[c >> 4]);
			strbuf_addc(&sb, hex[c & 15]);
		}
	}
	const char *out = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

static json_t *message(JsonW *j, const char *text)
{
	json_t *m = jw_obj(j);
	jw_set(j, m, "text", jw_str(j, text));
	return m;
}

static json_t *location(JsonW *j, ReportPos pos, const char *fallback)
{
	Arena *a = j->r->arena;
	json_t *art = jw_obj(j);
	jw_set(j, art, "uri", jw_str(j, uri_path(a, pos.file ? pos.file : fallback)));
	jw_set(j, art, "uriBaseId", jw_str(j, SRCROOT));
	json_t *phys = jw_obj(j);
	jw_set(j, phys, "artifactLocation", art);
	if (pos.file && pos.line > 0) {
		json_t *region = jw_obj(j);
		jw_set(j, region, "startLine", jw_int(j, pos.line));
		if (pos.col > 0)
			jw_set(j, region, "startColumn", jw_int(j, pos.col));
		jw_set(j, phys, "region", region);
	}
	json_t *loc = jw_obj(j);
	jw_set(j, loc, "physicalLocation", phys);
	json_t *locs = jw_arr(j);
	jw_push(j, locs, loc);
	return locs;
}

static size_t rule_index(const ReportRule **rules, size_t n, const ReportRule *rule)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rules[i]->id, rule->id) == 0)
			return i;
	return 0; /* not reached: report_rules lists every rule */
}

typedef struct Sarif {
	JsonW j;
	const ReportRule **rules;
	size_t nrules;
	json_t *results;
} Sarif;

static json_t *result(Sarif *s, const ReportRule *rule, ReportLevel level, const char *text, ReportPos pos,
		      const char *spec, const char *key)
{
	JsonW *j = &s->j;
	json_t *res = jw_obj(j);
	jw_set(j, res, "ruleId", jw_str(j, rule->id));
	jw_set(j, res, "ruleIndex", jw_int(j, (long long)rule_index(s->rules, s->nrules, rule)));
	jw_set(j, res, "level", jw_str(j, report_level_name(level)));
	jw_set(j, res, "message", message(j, text));
	jw_set(j, res, "locations", location(j, pos, spec));
	json_t *fp = jw_obj(j);
	jw_set(j, fp, "stagec/v1", jw_str(j, report_fingerprint(j->r->arena, spec, rule->id, key)));
	jw_set(j, res, "partialFingerprints", fp);
	jw_push(j, s->results, res);
	return res;
}

static void suppress(Sarif *s, json_t *res, const ReportWaiver *w)
{
	JsonW *j = &s->j;
	json_t *sup = jw_obj(j);
	jw_set(j, sup, "kind", jw_str(j, "external"));
	jw_set(j, sup, "status", jw_str(j, "accepted"));
	jw_set(j, sup, "justification",
	       jw_str(j, w->expires ? arena_printf(j->r->arena, "%s (expires %s)", w->reason, w->expires) : w->reason));
	if (w->pos.file) {
		json_t *locs = location(j, w->pos, NULL);
		json_t *loc = json_array_get(locs, 0);
		if (loc)
			jw_set(j, sup, "location", json_incref(loc));
		json_decref(locs);
	}
	if (w->expires) {
		json_t *props = jw_obj(j);
		jw_set(j, props, "expires", jw_str(j, w->expires));
		jw_set(j, sup, "properties", props);
	}
	json_t *sups = jw_arr(j);
	jw_push(j, sups, sup);
	jw_set(j, res, "suppressions", sups);
}

static json_t *rule_json(JsonW *j, const ReportRule *rule)
{
	json_t *o = jw_obj(j);
	jw_set(j, o, "id", jw_str(j, rule->id));
	jw_set(j, o, "name", jw_str(j, rule->name));
	jw_set(j, o, "shortDescription", message(j, rule->help));
	if (rule->help_uri)
		jw_set(j, o, "helpUri", jw_str(j, rule->help_uri));
	jw_set(j, o, "help", message(j, rule->help));
	json_t *conf = jw_obj(j);
	jw_set(j, conf, "level", jw_str(j, report_level_name(rule->level)));
	jw_set(j, o, "defaultConfiguration", conf);
	return o;
}

static void spec_results(Sarif *s, const ReportSpec *spec)
{
	Arena *a = s->j.r->arena;
	for (size_t i = 0; i < spec->ndiags; i++) {
		const ReportDiag *d = spec->diags[i];
		/* the message is the key: a compile error has no key path of its own */
		result(s, &report_rule_compile, d->level, d->message, d->pos, spec->path, d->message);
	}
	for (size_t i = 0; i < spec->nchecks; i++) {
		const ReportCheck *c = spec->checks[i];
		for (size_t k = 0; k < c->nfindings; k++) {
			const ReportFinding *f = c->findings[k];
			json_t *res = result(s, c->rule, f->level, f->message, f->pos, spec->path, f->key ? f->key : f->message);
			if (f->waiver && !s->j.failed)
				suppress(s, res, f->waiver);
		}
	}
	for (size_t i = 0; i < spec->ndrift; i++) {
		const ReportDrift *d = spec->drift[i];
		ReportPos where = {d->state == REPORT_MISSING ? spec->path : d->file, 0, 0};
		result(s, &report_rule_drift, REPORT_ERROR, arena_printf(a, "%s: %s", d->file, report_drift_text(a, d)),
		       where, spec->path, d->file);
	}
}

int report_write_sarif(const Report *r, Strbuf *out)
{
	Sarif s = {.j = {.r = r}};
	JsonW *j = &s.j;
	s.rules = report_rules(r, &s.nrules);

	json_t *driver = jw_obj(j);
	jw_set(j, driver, "name", jw_str(j, "stagec"));
	jw_set(j, driver, "version", jw_str(j, r->version));
	json_t *rules = jw_arr(j);
	for (size_t i = 0; i < s.nrules; i++)
		jw_push(j, rules, rule_json(j, s.rules[i]));
	jw_set(j, driver, "rules", rules);
	json_t *tool = jw_obj(j);
	jw_set(j, tool, "driver", driver);

	json_t *run = jw_obj(j);
	jw_set(j, run, "tool", tool);
	const char *stamp = report_time_text(r->arena, r->time, true);
	if (stamp) {
		json_t *inv = jw_obj(j);
		jw_set(j, inv, "executionSuccessful", json_true());
		jw_set(j, inv, "endTimeUtc", jw_str(j, stamp));
		json_t *invs = jw_arr(j);
		jw_push(j, invs, inv);
		jw_set(j, run, "invocations", invs);
	}
	json_t *base = jw_obj(j);
	if (r->root_uri)
		jw_set(j, base, "uri", jw_str(j, r->root_uri));
	else
		jw_set(j, base, "description", message(j, "The root folder of the stagec run; result paths are relative to it."));
	json_t *bases = jw_obj(j);
	jw_set(j, bases, SRCROOT, base);
	jw_set(j, run, "originalUriBaseIds", bases);
	s.results = jw_arr(j);
	for (size_t i = 0; i < r->nspecs; i++)
		spec_results(&s, r->specs[i]);
	jw_set(j, run, "results", s.results);

	json_t *root = jw_obj(j);
	jw_set(j, root, "$schema", jw_str(j, SARIF_SCHEMA));
	jw_set(j, root, "version", jw_str(j, "2.1.0"));
	json_t *runs = jw_arr(j);
	jw_push(j, runs, run);
	jw_set(j, root, "runs", runs);
	return jw_finish(j, root, out);
}
