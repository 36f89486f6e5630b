/*
 * policy-run.c - compiles one spec under its policy through the public
 * interface a driver uses (stagec_policy_find, stagec_compile,
 * stagec_result_rules), for the policy golden tests.
 *
 *   policy-run [--policy FILE] [--single] [--base BASE] SPEC
 *
 * Without --policy the policy is found the way every command finds it
 * ($STAGEC_POLICY, then the nearest .stagec/policy.yaml).  stderr gets the
 * rendered diagnostics; stdout the policy chain, one line per rule result,
 * then the Dockerfile.  Exits with stagec_result_status().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stagec.h"

static const char *outcome(StagecOutcome o)
{
	switch (o) {
	case STAGEC_RULE_PASS:
		return "pass";
	case STAGEC_RULE_FAIL:
		return "fail";
	case STAGEC_RULE_WAIVED:
		return "waived";
	}
	return "?";
}

int main(int argc, char **argv)
{
	StagecOptions o = {0};
	const char *explicit_policy = NULL, *spec = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc)
			explicit_policy = argv[++i];
		else if (strcmp(argv[i], "--base") == 0 && i + 1 < argc)
			o.base = argv[++i];
		else if (strcmp(argv[i], "--single") == 0)
			o.single_stage = true;
		else if (strcmp(argv[i], "--no-policy") == 0)
			o.no_policy = true;
		else
			spec = argv[i];
	}
	if (!spec) {
		fprintf(stderr, "usage: policy-run [--policy FILE] [--single] [--base BASE] [--no-policy] SPEC\n");
		return 2;
	}
	char *policy = o.no_policy ? NULL : stagec_policy_find(spec, explicit_policy);
	o.policy_path = policy;
	StagecResult *r = stagec_compile(spec, &o);
	fputs(stagec_result_diagnostics(r), stderr);
	size_t n;
	const char *const *files = stagec_result_policy_files(r, &n);
	printf("policy:");
	for (size_t i = 0; i < n; i++)
		printf(" %s", files[i]);
	printf("%s\n", n ? "" : (o.no_policy ? " none" : " baseline"));
	const StagecRuleResult *res = stagec_result_rules(r, &n);
	for (size_t i = 0; i < n; i++) {
		const StagecRuleResult *x = &res[i];
		printf("%s %s: %s%s", x->rule->id, x->rule->slug, outcome(x->outcome), x->warning ? " (warning)" : "");
		if (x->file)
			printf(" at %s:%d:%d", x->file, x->line, x->col);
		if (x->outcome != STAGEC_RULE_PASS)
			printf(" key %s: %s", x->key ? x->key : "-", x->message);
		if (x->reason)
			printf(" | reason \"%s\" until %s", x->reason, x->expires);
		if (x->expired)
			printf(" | exception expired %s", x->expired);
		printf("\n");
	}
	if (stagec_result_ok(r))
		printf("----\n%s", stagec_result_output(r));
	int status = stagec_result_status(r);
	stagec_result_free(r);
	free(policy);
	return status;
}
