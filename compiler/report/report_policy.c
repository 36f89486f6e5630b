/*
 * report_policy.c - the policy engine's results and a compilation's
 * diagnostics, put into a report.
 *
 * stagec_result_rules() gives one StagecRuleResult per pass and per
 * finding; each becomes a check of the matching ReportRule (built once per
 * report from the rule table), a finding at its position and level
 * (warning when the policy says so), and, when waived, the exception's
 * reason and expiry.  A finding whose exception expired says so in its
 * message.  The rule engine also writes its findings as diagnostics,
 * tagged "[STGnnn slug]"; report_diags() leaves those out, so a finding is
 * reported once, as its rule's, and only the compiler's own diagnostics
 * (and other tagged notices such as STG010) are STG900's.
 */
#include <stdio.h>
#include <string.h>

#include "report/report.h"

static const ReportRule *rule_for(Report *r, const StagecRuleInfo *info)
{
	size_t n;
	const StagecRuleInfo *table = stagec_rules(&n);
	if (!r->table_rules) {
		ReportRule *v = arena_alloc(r->arena, (n ? n : 1) * sizeof *v);
		for (size_t i = 0; i < n; i++)
			v[i] = (ReportRule){table[i].id, table[i].slug, table[i].help, REPORT_ERROR, NULL};
		r->table_rules = v;
	}
	for (size_t i = 0; i < n; i++)
		if (info == &table[i] || strcmp(info->id, table[i].id) == 0)
			return &r->table_rules[i];
	/* not in the table: a rule of its own, kept in the arena */
	ReportRule *x = arena_alloc(r->arena, sizeof *x);
	*x = (ReportRule){arena_strdup(r->arena, info->id), arena_strdup(r->arena, info->slug),
			  arena_strdup(r->arena, info->help ? info->help : ""), REPORT_ERROR, NULL};
	return x;
}

void report_rule_results(Report *r, ReportSpec *s, const StagecRuleResult *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const StagecRuleResult *x = &v[i];
		ReportCheck *c = report_check(r, s, rule_for(r, x->rule));
		if (x->outcome == STAGEC_RULE_PASS)
			continue;
		const char *msg = x->message ? x->message : "";
		if (x->outcome == STAGEC_RULE_FAIL && x->expired)
			msg = arena_printf(r->arena, "%s (the exception for it expired on %s)", msg, x->expired);
		ReportPos pos = {x->file, x->line, x->col};
		ReportFinding *f = report_finding(r, c, x->warning ? REPORT_WARNING : REPORT_ERROR, pos, x->key, msg);
		if (x->outcome == STAGEC_RULE_WAIVED)
			report_waive(r, f, x->reason, x->expires, (ReportPos){0});
	}
}

bool report_rule_tagged(const char *message)
{
	/* "... [STGnnn slug]" with STGnnn in the rule table */
	size_t len = message ? strlen(message) : 0;
	if (len < 8 || message[len - 1] != ']')
		return false;
	const char *open = strrchr(message, '[');
	if (!open || strncmp(open, "[STG", 4) != 0)
		return false;
	char id[8];
	if (sscanf(open + 1, "%7[A-Z0-9]", id) != 1)
		return false;
	size_t n;
	const StagecRuleInfo *table = stagec_rules(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(id, table[i].id) == 0)
			return true;
	return false;
}
