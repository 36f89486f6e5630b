/*
 * test_policy.c - policy.c, policy_merge.c and rules.c.
 *
 *  - the merges: maps key by key, scalars and lists replacing, nulls as
 *    unset, positions kept, STG010 only where the spec set another value;
 *  - dates (SOURCE_DATE_EPOCH), versions, discovery;
 *  - extends: tightening accepted, each kind of loosening refused;
 *  - each rule passing and failing, through stagec_compile() on a spec and
 *    policy written to a scratch folder, read back from
 *    stagec_result_rules() as a report writer would;
 *  - exceptions waiving, expiring, and not matching another spec.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

/* ---- fixtures ----------------------------------------------------------- */

static char *str(const char *fmt, ...) PRINTF_LIKE(1, 2);
static char *str(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static YNode *tree(Arena *a, const char *path, const char *text, Diags *d)
{
	SourceFile *f = source_from_string(a, path, text, strlen(text));
	YNode *n = yaml_load(a, f, d);
	assert_non_null(n);
	return n;
}

/* A scratch folder with a .git (so discovery stops there). */
static char *scratch(void)
{
	char tmpl[] = "/tmp/stagec-policy-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	char *git;
	git = str("%s/.git", dir);
	assert_int_equal(mkdir(git, 0755), 0);
	free(git);
	return strdup(dir);
}

static void put(const char *dir, const char *name, const char *text)
{
	char *path;
	path = str("%s/%s", dir, name);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	assert_int_equal(system(cmd), 0);
	*slash = '/';
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void wipe(char *dir)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

static const char *const spec_ok = "name: shop\nlanguage: python\nversion: \"3.12\"\n"
				   "run:\n  command: [python, app.py]\n";

/* Compiles dir/app.yaml under dir/.stagec/policy.yaml (or the baseline). */
static StagecResult *compile_in(const char *dir, const char *spec, const char *policy)
{
	put(dir, "app.yaml", spec);
	put(dir, "requirements.txt", "flask\n");
	put(dir, "app.py", "print(1)\n");
	char *spec_path, *policy_path = NULL;
	spec_path = str("%s/app.yaml", dir);
	if (policy) {
		put(dir, ".stagec/policy.yaml", policy);
		policy_path = stagec_policy_find(spec_path, NULL);
		assert_non_null(policy_path);
	}
	StagecOptions o = {.policy_path = policy_path};
	StagecResult *r = stagec_compile(spec_path, &o);
	free(spec_path);
	free(policy_path);
	return r;
}

/* The outcome of rule id, "pass" / "fail" / "waived", or "absent"; the
 * message of a finding goes to *msg. */
static const char *outcome_of(const StagecResult *r, const char *id, const char **msg)
{
	size_t n;
	const StagecRuleResult *v = stagec_result_rules(r, &n);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].rule->id, id) != 0)
			continue;
		if (msg)
			*msg = v[i].message;
		return v[i].outcome == STAGEC_RULE_PASS ? "pass" : v[i].outcome == STAGEC_RULE_FAIL ? "fail" : "waived";
	}
	return "absent";
}

/* One rule: the spec that passes and the one that fails, under policy. */
static void rule_case(const char *id, const char *policy, const char *good, const char *bad_spec,
		      const char *want_in_msg, int bad_line)
{
	char *dir = scratch();
	StagecResult *r = compile_in(dir, good, policy);
	if (!stagec_result_ok(r))
		fail_msg("%s: the good spec failed:\n%s", id, stagec_result_diagnostics(r));
	assert_string_equal(outcome_of(r, id, NULL), "pass");
	stagec_result_free(r);
	r = compile_in(dir, bad_spec, policy);
	const char *msg = NULL;
	assert_string_equal(outcome_of(r, id, &msg), "fail");
	assert_false(stagec_result_ok(r));
	assert_int_equal(stagec_result_status(r), 1);
	if (!strstr(msg, want_in_msg))
		fail_msg("%s: '%s' lacks '%s'", id, msg, want_in_msg);
	size_t n;
	const StagecRuleResult *v = stagec_result_rules(r, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].rule->id, id) == 0 && v[i].outcome == STAGEC_RULE_FAIL) {
			assert_string_equal(v[i].file + strlen(v[i].file) - 8, "app.yaml");
			assert_int_equal(v[i].line, bad_line);
		}
	const StagecRuleInfo *info = &rule_table[rule_by_name(id)];
	char tag[64];
	snprintf(tag, sizeof(tag), "[%s %s]", id, info->slug);
	if (!strstr(stagec_result_diagnostics(r), tag))
		fail_msg("%s: no %s in:\n%s", id, tag, stagec_result_diagnostics(r));
	stagec_result_free(r);
	wipe(dir);
}

/* ---- merges ---------------------------------------------------------------- */

static void test_merge_under(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	YNode *def = tree(a, "policy.yaml", "labels: {vendor: Acme, team: none}\nrun: {port: 80, setup: [a, b]}\nbase: debian\n", &d);
	YNode *spec = tree(a, "app.yaml", "language: go\nlabels: {team: pay}\nrun:\n  setup: [c]\n  user:\n", &d);
	YNode *m = policy_merge_under(a, def, spec);
	assert_int_equal(m->kind, YNODE_MAP);
	YNode *labels = ynode_get(m, "labels");
	assert_string_equal(ynode_get(labels, "team")->str, "pay");      /* the spec wins */
	assert_string_equal(ynode_get(labels, "vendor")->str, "Acme");   /* the default fills */
	assert_string_equal(ynode_get(labels, "vendor")->pos.file->path, "policy.yaml");
	assert_int_equal(ynode_get(labels, "vendor")->pos.line, 1);
	YNode *run = ynode_get(m, "run");
	assert_int_equal(ynode_get(run, "setup")->n, 1);                 /* lists replace */
	assert_string_equal(ynode_get(run, "port")->str, "80");
	assert_true(ynode_get(run, "user")->is_null);                    /* null stays null: no default for it */
	assert_string_equal(ynode_get(m, "base")->str, "debian");
	assert_string_equal(ynode_get(m, "language")->pos.file->path, "app.yaml");
	/* the inputs are not changed */
	assert_null(ynode_get(ynode_get(spec, "labels"), "vendor"));
	assert_int_equal(d.warnings, 0);
	/* a null spec value takes the default */
	YNode *spec2 = tree(a, "app.yaml", "labels:\nlanguage: go\n", &d);
	m = policy_merge_under(a, def, spec2);
	assert_string_equal(ynode_get(ynode_get(m, "labels"), "vendor")->str, "Acme");
	arena_free(a);
}

static void test_merge_over(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	YNode *enf = tree(a, "policy.yaml", "run: {user: \"10001\", port: [80]}\nlabels: {vendor: Acme}\n", &d);
	SourceFile *sf = source_from_string(a, "app.yaml", "x", 1);
	YNode *spec = tree(a, "app.yaml", "language: go\nrun: {user: app, port: [80], command: [x]}\n", &d);
	/* tree() made a new SourceFile: take the spec's own for the check */
	const SourceFile *spec_file = spec->pos.file;
	(void)sf;
	YNode *m = policy_merge_over(a, spec, enf, spec_file, &d);
	YNode *run = ynode_get(m, "run");
	assert_string_equal(ynode_get(run, "user")->str, "10001");
	assert_string_equal(ynode_get(run, "user")->pos.file->path, "policy.yaml");
	assert_string_equal(ynode_get(run, "command")->items[0]->str, "x");
	assert_string_equal(ynode_get(ynode_get(m, "labels"), "vendor")->str, "Acme");
	/* one warning: user differs; port is the same list */
	assert_int_equal(d.warnings, 1);
	assert_int_equal(d.head->pos.line, 2);
	assert_int_equal(d.head->pos.col, 13);
	assert_non_null(strstr(d.head->msg, "'run.user' is 'app' in the spec, overridden by policy (policy.yaml:1:13) [STG010]"));
	/* a value from the policy's defaults is overridden silently */
	diags_init(&d, a, 20, false);
	YNode *def = tree(a, "defaults.yaml", "run: {user: other}\n", &d);
	YNode *spec2 = tree(a, "app.yaml", "language: go\n", &d);
	m = policy_merge_over(a, policy_merge_under(a, def, spec2), enf, spec2->pos.file, &d);
	assert_string_equal(ynode_get(ynode_get(m, "run"), "user")->str, "10001");
	assert_int_equal(d.warnings, 0);
	arena_free(a);
}

static void test_partial_healthcheck(void **state)
{
	(void)state;
	/* timings in defaults complete a spec's healthcheck, never create one */
	char *dir = scratch();
	const char *policy = "version: 1\ndefaults:\n  run: {healthcheck: {interval: 30s, retries: 3}}\n";
	StagecResult *r = compile_in(dir, spec_ok, policy);
	if (!stagec_result_ok(r))
		fail_msg("%s", stagec_result_diagnostics(r));
	assert_null(strstr(stagec_result_output(r), "HEALTHCHECK"));
	stagec_result_free(r);
	r = compile_in(dir, "name: shop\nlanguage: python\nversion: \"3.12\"\nrun:\n  command: [python, app.py]\n"
			    "  healthcheck: {command: [python, -c, \"1\"], retries: 5}\n", policy);
	assert_true(stagec_result_ok(r));
	assert_non_null(strstr(stagec_result_output(r), "HEALTHCHECK --interval=30s --retries=5 CMD"));
	stagec_result_free(r);
	wipe(dir);
}

static void test_ynode_equal(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	YNode *x = tree(a, "x", "{a: [1, 2], b: {c: d}}\n", &d);
	YNode *y = tree(a, "y", "b: {c: d}\na: [1, 2]\n", &d);
	YNode *z = tree(a, "z", "{a: [1, 2], b: {c: e}}\n", &d);
	assert_true(ynode_equal(x, y));
	assert_false(ynode_equal(x, z));
	arena_free(a);
}

/* ---- dates, versions, discovery ---------------------------------------------- */

static void test_dates(void **state)
{
	(void)state;
	long day;
	assert_true(policy_parse_date("1970-01-01", &day));
	assert_int_equal(day, 0);
	assert_true(policy_parse_date("2024-02-29", &day));
	assert_false(policy_parse_date("2023-02-29", &day));
	assert_false(policy_parse_date("2027-02-30", &day));
	assert_false(policy_parse_date("2027-13-01", &day));
	assert_false(policy_parse_date("2027-3-31", &day));
	assert_false(policy_parse_date("31/03/2027", &day));
	assert_true(policy_parse_date("2026-09-21", &day));
	long sep21 = day;
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	setenv("SOURCE_DATE_EPOCH", "1790000000", 1);
	assert_true(policy_today(&d, &day));
	assert_int_equal(day, sep21);
	setenv("SOURCE_DATE_EPOCH", "soon", 1);
	assert_false(policy_today(&d, &day));
	assert_int_equal(d.errors, 1);
	unsetenv("SOURCE_DATE_EPOCH");
	assert_true(policy_today(&d, &day));
	assert_true(day > sep21 - 3650);
	arena_free(a);
}

static void test_versions(void **state)
{
	(void)state;
	bool ok;
	assert_true(policy_version_cmp("3.12", "3.11", &ok) > 0 && ok);
	assert_true(policy_version_cmp("3.9", "3.11", &ok) < 0 && ok);
	assert_true(policy_version_cmp("20", "20.0", &ok) == 0 && ok);
	assert_true(policy_version_cmp("1.22.1", "1.22", &ok) > 0 && ok);
	policy_version_cmp("lts", "20", &ok);
	assert_false(ok);
	policy_version_cmp("3..1", "3", &ok);
	assert_false(ok);
}

static void test_find(void **state)
{
	(void)state;
	char *dir = scratch();
	put(dir, ".stagec/policy.yaml", "version: 1\n");
	put(dir, "services/api/app.yaml", spec_ok);
	char *spec, *want;
	spec = str("%s/services/api/app.yaml", dir);
	want = str("%s/.stagec/policy.yaml", dir);
	unsetenv("STAGEC_POLICY");
	char *got = stagec_policy_find(spec, NULL);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	/* a nearer one wins */
	put(dir, "services/.stagec/policy.yaml", "version: 1\n");
	got = stagec_policy_find(spec, NULL);
	assert_non_null(strstr(got, "/services/.stagec/policy.yaml"));
	free(got);
	/* the environment, then the explicit path, win */
	setenv("STAGEC_POLICY", "/env/policy.yaml", 1);
	got = stagec_policy_find(spec, NULL);
	assert_string_equal(got, "/env/policy.yaml");
	free(got);
	got = stagec_policy_find(spec, "mine.yaml");
	assert_string_equal(got, "mine.yaml");
	free(got);
	unsetenv("STAGEC_POLICY");
	/* the walk stops at the folder holding .git */
	char *inner = NULL;
	inner = str("%s/services/api/.git", dir);
	assert_int_equal(mkdir(inner, 0755), 0);
	got = stagec_policy_find(spec, NULL);
	assert_null(got);
	free(inner);
	free(spec);
	free(want);
	wipe(dir);
}

/* ---- the reader and extends ------------------------------------------------------ */

static char *check_policy(const char *dir, const char *name, bool want_ok)
{
	char *path, *diags;
	path = str("%s/%s", dir, name);
	bool ok = stagec_policy_check(path, &diags);
	if (ok != want_ok)
		fail_msg("%s: wanted %s, got:\n%s", name, want_ok ? "valid" : "errors", diags);
	free(path);
	return diags;
}

static void test_extends(void **state)
{
	(void)state;
	char *dir = scratch();
	put(dir, "org.yaml", "version: 1\n"
			     "enforce: {run: {user: \"10001\"}}\n"
			     "rules:\n"
			     "  images: {allow: [\"python:*\", \"gcr.io/distroless/**\"], deny_tags: [latest]}\n"
			     "  run: {non_root: true, healthcheck: required}\n"
			     "  languages: {python: \">=3.11\", go: any}\n"
			     "severity: {warning: [images.deny_tags]}\n");
	put(dir, "tight.yaml", "version: 1\nextends: org.yaml\n"
			       "enforce: {run: {user: \"10001\"}, labels: {a: b}}\n"
			       "rules:\n"
			       "  images: {allow: [\"python:3.12-*\", \"gcr.io/distroless/static-*\"], deny_tags: [\"*rc*\"]}\n"
			       "  languages: {python: \">=3.12\", go: \">=1.22\"}\n"
			       "severity: {error: [images.deny_tags]}\n");
	free(check_policy(dir, "tight.yaml", true));
	struct {
		const char *policy, *want;
	} loose[] = {
		{"images: {allow: [\"node:*\"]}", "widens the parent's allow list"},
		{"images: {allow: [\"**\"]}", "widens the parent's allow list"},
		{"run: {non_root: false}", "drops a rule"},
		{"run: {healthcheck: optional}", "drops a rule"},
		{"languages: {python: \">=3.10\"}", "below the parent's minimum"},
		{"languages: {node: any}", "is not allowed by the parent"},
	};
	for (size_t i = 0; i < sizeof(loose) / sizeof(loose[0]); i++) {
		char *text;
		text = str("version: 1\nextends: [org.yaml]\nrules:\n  %s\n", loose[i].policy);
		put(dir, "loose.yaml", text);
		char *diags = check_policy(dir, "loose.yaml", false);
		if (!strstr(diags, loose[i].want) || !strstr(diags, "loose.yaml:4:"))
			fail_msg("'%s' gave:\n%s", loose[i].policy, diags);
		free(diags);
		free(text);
	}
	put(dir, "sev.yaml", "version: 1\nextends: org.yaml\nseverity: {warning: [run.non_root]}\n");
	char *diags = check_policy(dir, "sev.yaml", false);
	assert_non_null(strstr(diags, "sev.yaml:3:22: error: 'run.non_root' lowers the severity"));
	free(diags);
	put(dir, "enf.yaml", "version: 1\nextends: org.yaml\nenforce: {run: {user: \"1\"}}\n");
	diags = check_policy(dir, "enf.yaml", false);
	assert_non_null(strstr(diags, "enf.yaml:3:23: error: 'run.user' enforces a different value"));
	free(diags);
	put(dir, "a.yaml", "version: 1\nextends: b.yaml\n");
	put(dir, "b.yaml", "version: 1\nextends: a.yaml\n");
	diags = check_policy(dir, "a.yaml", false);
	assert_non_null(strstr(diags, "extends itself"));
	free(diags);
	put(dir, "missing.yaml", "version: 1\nextends: nowhere.yaml\n");
	diags = check_policy(dir, "missing.yaml", false);
	assert_non_null(strstr(diags, "missing.yaml:2:10: error: cannot read the policy"));
	free(diags);
	wipe(dir);
}

static void test_reader_errors(void **state)
{
	(void)state;
	char *dir = scratch();
	put(dir, "p.yaml", "version: 2\nrules: {imges: {}}\nexceptions: [{spec: a.yaml, rules: [nope], reason: x, "
			   "expires: 2027-01-01}]\ndefaults: {run: {user: root}}\n");
	char *diags = check_policy(dir, "p.yaml", false);
	assert_non_null(strstr(diags, "p.yaml:1:10: error: unknown policy version '2'"));
	assert_non_null(strstr(diags, "p.yaml:2:9: error: unknown key 'imges' in 'rules' (did you mean 'images'?)"));
	assert_non_null(strstr(diags, "unknown rule 'nope'"));
	assert_non_null(strstr(diags, "p.yaml:4:24: error: the app must not run as root"));
	free(diags);
	put(dir, "q.yaml", "rules: {}\n");
	diags = check_policy(dir, "q.yaml", false);
	assert_non_null(strstr(diags, "missing required key 'version'"));
	free(diags);
	/* a default healthcheck without a command is a partial value, not an error */
	put(dir, "r.yaml", "version: 1\ndefaults: {run: {healthcheck: {interval: 30s}}}\n");
	free(check_policy(dir, "r.yaml", true));
	wipe(dir);
}

/* ---- the rules -------------------------------------------------------------------- */

static void test_rule_images_allow(void **state)
{
	(void)state;
	rule_case("STG101", "version: 1\nrules: {images: {allow: [\"docker.io/library/python:3.12-*\"]}}\n", spec_ok,
		  "name: shop\nlanguage: python\nversion: \"3.12\"\nimages: {run: \"gcr.io/distroless/python3\"}\n"
		  "run:\n  command: [python, app.py]\n",
		  "'gcr.io/distroless/python3' is not in the policy's allow list", 4);
	/* '**' crosses segments, '*' does not */
	rule_case("STG101", "version: 1\nrules: {images: {allow: [\"**/python:*\"]}}\n", spec_ok,
		  "name: shop\nlanguage: python\nversion: \"3.12\"\nimages: {run: \"registry.acme.example/python/x:1\"}\n"
		  "run:\n  command: [python, app.py]\n",
		  "not in the policy's allow list", 4);
}

static void test_rule_deny_tags(void **state)
{
	(void)state;
	rule_case("STG102", "version: 1\nrules: {images: {deny_tags: [latest, \"*-rc*\"]}}\n", spec_ok,
		  "name: shop\nlanguage: python\nversion: \"3.12\"\nimages: {run: \"python:3.12-rc-slim\"}\n"
		  "run:\n  command: [python, app.py]\n",
		  "uses the tag '3.12-rc-slim', which the policy denies", 4);
}

static void test_rule_non_root(void **state)
{
	(void)state;
	/* the spec reader refuses root; enforce cannot bring it in either,
	 * so the rule is seen passing here, and failing in the unit below */
	char *dir = scratch();
	StagecResult *r = compile_in(dir, spec_ok, "version: 1\nrules: {run: {non_root: true}}\n");
	assert_true(stagec_result_ok(r));
	assert_string_equal(outcome_of(r, "STG201", NULL), "pass");
	stagec_result_free(r);
	wipe(dir);
}

static void test_rule_non_root_ir(void **state)
{
	(void)state;
	/* rules.c on an IR whose final stage runs as root */
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	SourceFile *f = source_from_string(a, "app.yaml", spec_ok, strlen(spec_ok));
	Spec *spec = spec_parse(a, yaml_load(a, f, &d), f, "/tmp/shop", &d);
	assert_non_null(spec);
	Ir *ir = ir_new(a);
	Stage *st = ir_stage_append(ir, NULL, "python:3.12-slim", NULL);
	Step *u = ir_step_new(ir, STEP_USER, ROLE_RUNTIME, (SrcPos){f, 4, 3}, "test");
	u->value = "0:0";
	ir_step_append(st, u);
	Policy *p = policy_baseline(a);
	RuleInput in = {p, spec, NULL, NULL, 0, {ir, NULL}, NULL, false};
	RuleResults out = {0};
	rules_evaluate(a, &in, &d, &out);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.head->msg, "the final image runs as '0:0'; set 'run.user' to a non-root user [STG201 run.non_root]"));
	assert_int_equal(d.head->pos.line, 4);
	/* both rules of the baseline evaluated: one pass, one fail */
	assert_int_equal(out.n, 2);
	/* no USER at all fails too */
	u->value = NULL;
	diags_init(&d, a, 20, false);
	out = (RuleResults){0};
	rules_evaluate(a, &in, &d, &out);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.head->msg, "sets no user"));
	arena_free(a);
}

static void test_rule_healthcheck(void **state)
{
	(void)state;
	rule_case("STG202", "version: 1\nrules: {run: {healthcheck: required}}\n",
		  "name: shop\nlanguage: python\nversion: \"3.12\"\nrun:\n  command: [python, app.py]\n"
		  "  healthcheck: {command: [python, -c, \"1\"]}\n",
		  spec_ok, "has no healthcheck", 1);
}

static void test_rule_labels(void **state)
{
	(void)state;
	rule_case("STG301", "version: 1\nrules: {labels: {required: [team]}}\n",
		  "name: shop\nlanguage: python\nversion: \"3.12\"\nlabels: {team: pay}\nrun:\n  command: [python, app.py]\n",
		  "name: shop\nlanguage: python\nversion: \"3.12\"\nlabels: {owner: pay}\nrun:\n  command: [python, app.py]\n",
		  "the label 'team' is missing", 4);
	/* a label from the policy's defaults satisfies it */
	char *dir = scratch();
	StagecResult *r = compile_in(dir, spec_ok, "version: 1\ndefaults: {labels: {team: platform}}\n"
						   "rules: {labels: {required: [team]}}\n");
	assert_true(stagec_result_ok(r));
	assert_string_equal(outcome_of(r, "STG301", NULL), "pass");
	assert_non_null(strstr(stagec_result_output(r), "team=\"platform\""));
	stagec_result_free(r);
	wipe(dir);
}

static void test_rule_packages(void **state)
{
	(void)state;
	rule_case("STG401", "version: 1\nrules: {packages: {deny: [sudo, \"openssh-*\"]}}\n",
		  "name: shop\nlanguage: python\nversion: \"3.12\"\ndependencies: {runtime: [curl]}\n"
		  "run:\n  command: [python, app.py]\n",
		  "name: shop\nlanguage: python\nversion: \"3.12\"\ndependencies:\n  runtime: [curl, openssh-client]\n"
		  "run:\n  command: [python, app.py]\n",
		  "the package 'openssh-client' is denied", 5);
}

static void test_rule_languages(void **state)
{
	(void)state;
	rule_case("STG402", "version: 1\nrules: {languages: {python: \">=3.12\"}}\n", spec_ok,
		  "name: shop\nlanguage: python\nversion: \"3.11\"\nrun:\n  command: [python, app.py]\n",
		  "python 3.11 is older than the policy's minimum '>=3.12'", 3);
	char *dir = scratch();
	StagecResult *r = compile_in(dir, spec_ok, "version: 1\nrules: {languages: {node: any}}\n");
	const char *msg;
	assert_string_equal(outcome_of(r, "STG402", &msg), "fail");
	assert_non_null(strstr(msg, "the language 'python' is not one the policy allows ("));
	assert_non_null(strstr(msg, "/.stagec/policy.yaml:2:9)"));
	stagec_result_free(r);
	wipe(dir);
}

static void test_rule_env(void **state)
{
	(void)state;
	rule_case("STG501", "version: 1\nrules: {env: {deny_names: [\"*_TOKEN\"]}}\n",
		  "name: shop\nlanguage: python\nversion: \"3.12\"\nrun:\n  command: [python, app.py]\n  env: {MODE: x}\n",
		  "name: shop\nlanguage: python\nversion: \"3.12\"\nrun:\n  command: [python, app.py]\n"
		  "  env: {MODE: x, API_TOKEN: y}\n",
		  "the variable 'API_TOKEN' looks like a secret", 6);
}

/* ---- exceptions ---------------------------------------------------------------------- */

static void test_exceptions(void **state)
{
	(void)state;
	const char *policy = "version: 1\nrules: {run: {healthcheck: required}}\nexceptions:\n"
			     "  - {spec: app.yaml, rules: [STG202], reason: legacy, expires: 2026-09-20}\n"
			     "  - {spec: other/app.yaml, rules: [STG202], reason: other, expires: 2099-01-01}\n";
	char *dir = scratch();
	setenv("SOURCE_DATE_EPOCH", "1789948799", 1); /* 2026-09-20 23:59:59: the last day */
	StagecResult *r = compile_in(dir, spec_ok, policy);
	assert_true(stagec_result_ok(r));
	size_t n;
	const StagecRuleResult *v = stagec_result_rules(r, &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].outcome, STAGEC_RULE_WAIVED);
	assert_string_equal(v[0].reason, "legacy");
	assert_string_equal(v[0].expires, "2026-09-20");
	assert_non_null(strstr(stagec_result_diagnostics(r), "note: waived by the policy's exception"));
	assert_int_equal(stagec_result_warning_count(r), 0);
	stagec_result_free(r);
	setenv("SOURCE_DATE_EPOCH", "1790000000", 1); /* the day after */
	r = compile_in(dir, spec_ok, policy);
	assert_false(stagec_result_ok(r));
	v = stagec_result_rules(r, &n);
	assert_int_equal(v[0].outcome, STAGEC_RULE_FAIL);
	assert_string_equal(v[0].expired, "2026-09-20");
	assert_non_null(strstr(stagec_result_diagnostics(r), "policy.yaml:4:64: warning: the exception for 'app.yaml' expired"));
	stagec_result_free(r);
	unsetenv("SOURCE_DATE_EPOCH");
	wipe(dir);
}

static void test_bad_policy_status(void **state)
{
	(void)state;
	char *dir = scratch();
	StagecResult *r = compile_in(dir, spec_ok, "version: 1\nrulez: {}\n");
	assert_false(stagec_result_ok(r));
	assert_int_equal(stagec_result_status(r), 2);
	assert_non_null(strstr(stagec_result_diagnostics(r), "policy.yaml:2:1: error: unknown key 'rulez'"));
	stagec_result_free(r);
	wipe(dir);
}

static void test_no_policy(void **state)
{
	(void)state;
	char *dir = scratch();
	put(dir, "app.yaml", "language: python\nimages: {run: python}\nrun:\n  command: [python, app.py]\n");
	put(dir, "requirements.txt", "flask\n");
	char *spec;
	spec = str("%s/app.yaml", dir);
	StagecOptions o = {0};
	StagecResult *r = stagec_compile(spec, &o);
	size_t n;
	stagec_result_rules(r, &n);
	assert_int_equal(n, 2); /* the baseline */
	assert_string_equal(outcome_of(r, "STG102", NULL), "fail");
	assert_true(stagec_result_ok(r)); /* a warning */
	stagec_result_free(r);
	o.no_rules = true;
	r = stagec_compile(spec, &o);
	stagec_result_rules(r, &n);
	assert_int_equal(n, 0);
	stagec_result_free(r);
	o.no_rules = false;
	o.no_policy = true;
	r = stagec_compile(spec, &o);
	stagec_result_rules(r, &n);
	assert_int_equal(n, 0);
	stagec_result_free(r);
	free(spec);
	wipe(dir);
}

int main(void)
{
	unsetenv("STAGEC_POLICY");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_under),
		cmocka_unit_test(test_merge_over),
		cmocka_unit_test(test_partial_healthcheck),
		cmocka_unit_test(test_ynode_equal),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_extends),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_rule_images_allow),
		cmocka_unit_test(test_rule_deny_tags),
		cmocka_unit_test(test_rule_non_root),
		cmocka_unit_test(test_rule_non_root_ir),
		cmocka_unit_test(test_rule_healthcheck),
		cmocka_unit_test(test_rule_labels),
		cmocka_unit_test(test_rule_packages),
		cmocka_unit_test(test_rule_languages),
		cmocka_unit_test(test_rule_env),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_bad_policy_status),
		cmocka_unit_test(test_no_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
