/*
 * gen_reports.c - builds sample reports and writes them in every format,
 * for tests/report/run.sh to hand to independent validators (xmllint
 * against the JUnit XSD, python3-jsonschema against the SARIF 2.1.0 and
 * report schemas) and to compare with the golden files.
 *
 * Usage: gen_reports OUTDIR   writes OUTDIR/CASE.txt, .json, .junit.xml, .sarif
 *        gen_reports --policy OUTDIR CASEDIR...
 *                              compiles each CASEDIR/app.yaml under its policy
 *                              (tests/policy) and writes the report of the real
 *                              rule results as OUTDIR/policy.*
 *
 * The cases cover what a run can hold: all clean, rule failures (in the
 * spec and in a policy file), exceptions, compile errors, every kind of
 * drift, no specs at all, a timestamp, and hostile text (quotes, <, &,
 * control characters, invalid UTF-8, non-ASCII) in paths and messages.
 * Each case is built twice, once in reverse order, and the two must write
 * the same bytes.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"

static const ReportRule rule_tag = {"STG102", "images.deny_tags", "Image references do not use a denied tag such as latest.",
				    REPORT_ERROR, NULL};
static const ReportRule rule_root = {"STG201", "run.non_root", "The final image runs as a non-root user.", REPORT_ERROR,
				     NULL};
static const ReportRule rule_health = {"STG203", "run.healthcheck", "The final image declares a HEALTHCHECK.",
				       REPORT_ERROR, NULL};
static const ReportRule rule_label = {"STG301", "labels.required",
				      "The image carries every label the policy requires.", REPORT_WARNING, NULL};
static const ReportRule rule_pkg = {"STG401", "packages.deny", "No package the policy denies is installed.",
				    REPORT_ERROR, "https://example.com/stagec/rules/STG401"};
static const ReportRule rule_odd = {"STG599", "odd.<&>\"'", "Help with <markup> & \"quotes\" and ]]> too.",
				    REPORT_NOTE, NULL};

static ReportPos at(const char *file, int line, int col)
{
	ReportPos p = {file, line, col};
	return p;
}

/* Passes for the usual rules, in the given order or reversed. */
static void passes(Report *r, ReportSpec *s, bool reverse)
{
	const ReportRule *rules[] = {&rule_tag, &rule_root, &rule_health};
	for (int i = 0; i < 3; i++)
		report_check(r, s, rules[reverse ? 2 - i : i]);
}

static void case_clean(Report *r, bool reverse)
{
	r->drift_checked = true;
	const char *paths[] = {"apps/web/app.yaml", "services/api/app.yaml", "services/worker/app.yaml"};
	for (int i = 0; i < 3; i++)
		passes(r, report_spec(r, paths[reverse ? 2 - i : i]), reverse);
}

static void case_failures(Report *r, bool reverse)
{
	r->drift_checked = true;
	ReportSpec *a = report_spec(r, "services/api/app.yaml");
	ReportSpec *b = report_spec(r, "services/billing/app.yaml");
	passes(r, a, reverse);
	passes(r, b, reverse);
	report_finding(r, report_check(r, a, &rule_root), REPORT_ERROR, at("services/api/app.yaml", 9, 9), "run.user",
		       "the image runs as root (run.user: root); set run.user to a non-root user");
	ReportCheck *pkg = report_check(r, b, &rule_pkg);
	const char *msgs[] = {"package 'sudo' is denied by the policy", "package 'openssh-server' is denied by the policy"};
	int lines[] = {6, 7};
	const char *keys[] = {"dependencies.runtime[0]", "dependencies.runtime[1]"};
	for (int i = 0; i < 2; i++) {
		int k = reverse ? 1 - i : i;
		report_finding(r, pkg, REPORT_ERROR, at("services/billing/app.yaml", lines[k], 7), keys[k], msgs[k]);
	}
	/* a finding positioned in the policy file, at warning level */
	report_finding(r, report_check(r, b, &rule_label), REPORT_WARNING, at(".stagec/policy.yaml", 12, 22),
		       "labels.team", "label 'team' is required by the policy and the spec has none");
	report_check(r, a, &rule_label);
}

static void case_exceptions(Report *r, bool reverse)
{
	r->drift_checked = true;
	ReportSpec *s = report_spec(r, "services/legacy/app.yaml");
	passes(r, s, reverse);
	ReportFinding *f = report_finding(r, report_check(r, s, &rule_health), REPORT_ERROR,
					  at("services/legacy/app.yaml", 1, 1), "run.healthcheck",
					  "the final image has no HEALTHCHECK; add run.healthcheck");
	report_waive(r, f, "no health endpoint until the rewrite", "2027-03-31", at(".stagec/policy.yaml", 14, 5));
	/* one waived, one standing: the check fails */
	ReportCheck *pkg = report_check(r, s, &rule_pkg);
	ReportFinding *w = report_finding(r, pkg, REPORT_ERROR, at("services/legacy/app.yaml", 8, 7),
					  "dependencies.runtime[0]", "package 'sudo' is denied by the policy");
	report_waive(r, w, "the init script needs sudo", NULL, at(".stagec/policy.yaml", 20, 5));
	report_finding(r, pkg, REPORT_ERROR, at("services/legacy/app.yaml", 9, 7), "dependencies.runtime[1]",
		       "package 'telnet' is denied by the policy");
}

static void case_compile_error(Report *r, bool reverse)
{
	r->drift_checked = false;
	ReportSpec *bad = report_spec(r, "services/broken/app.yaml");
	ReportSpec *warn = report_spec(r, "services/noisy/app.yaml");
	if (reverse)
		passes(r, warn, true);
	report_diag(r, bad, REPORT_ERROR, at("services/broken/app.yaml", 3, 1),
		    "unknown key 'dependancies' (did you mean 'dependencies'?)");
	report_diag(r, bad, REPORT_ERROR, at("services/broken/app.yaml", 5, 10), "'3.99' is not a version of python");
	report_diag(r, bad, REPORT_NOTE, at("templates/python.yaml", 4, 3), "the versions are listed here");
	report_diag(r, bad, REPORT_ERROR, at(NULL, 0, 0), "20 more errors not shown");
	report_diag(r, warn, REPORT_WARNING, at("services/noisy/app.yaml", 2, 7), "'libpq-dev' is installed twice");
	if (!reverse)
		passes(r, warn, false);
}

static void case_drift(Report *r, bool reverse)
{
	r->drift_checked = true;
	ReportSpec *a = report_spec(r, "services/api/app.yaml");
	ReportSpec *gone = report_spec(r, "services/old/app.yaml");
	passes(r, a, reverse);
	struct {
		const char *file;
		ReportDriftState st;
		const char *input;
	} d[] = {
		{"services/api/Dockerfile", REPORT_STALE, "the policy"},
		{"services/api/Dockerfile.single", REPORT_EDITED, NULL},
		{"services/api/.dockerignore", REPORT_MISSING, NULL},
	};
	for (int i = 0; i < 3; i++) {
		int k = reverse ? 2 - i : i;
		report_drift(r, a, d[k].file, d[k].st, d[k].input);
	}
	report_drift(r, gone, "services/old/Dockerfile", REPORT_ORPHAN, NULL);
	report_drift(r, gone, "services/old/Dockerfile.single", REPORT_ORPHAN, NULL);
	passes(r, report_spec(r, "services/web/app.yaml"), reverse);
}

static void case_empty(Report *r, bool reverse)
{
	(void)reverse;
	r->drift_checked = true;
}

static void case_time(Report *r, bool reverse)
{
	case_failures(r, reverse);
	r->time = 1796083200; /* 2026-12-01T00:00:00Z */
	r->root_uri = "file:///srv/repo/";
}

static void case_odd(Report *r, bool reverse)
{
	r->drift_checked = true;
	const char *p1 = "apps/caf\xc3\xa9 \xc2\xab\xce\xb1\xc2\xbb/app.yaml";
	const char *p2 = "apps/q\"uo'te <&> %20/app.yaml";
	const char *p3 = "apps/bad\xff\xfe utf8/app.yaml";
	const char *order[] = {p1, p2, p3};
	for (int i = 0; i < 3; i++)
		passes(r, report_spec(r, order[reverse ? 2 - i : i]), reverse);
	ReportSpec *s1 = report_spec(r, p1);
	report_finding(r, report_check(r, s1, &rule_root), REPORT_ERROR, at(p1, 4, 3), "run.user",
		       "user \"root\" <script>alert(1)</script> & 'more' ]]> \xe2\x80\x94 \xf0\x9f\x90\xb3 done");
	ReportSpec *s2 = report_spec(r, p2);
	report_finding(r, report_check(r, s2, &rule_odd), REPORT_NOTE, at(p2, 2, 2), "odd.key",
		       "control:\x01\x02\x1b[31mred\x1b[0m tab\there new\nline cr\rend del\x7f nul-free \xef\xbf\xbe");
	ReportFinding *f = report_finding(r, report_check(r, s2, &rule_health), REPORT_ERROR, at(p2, 1, 1),
					  "run.healthcheck", "no \"HEALTHCHECK\"");
	report_waive(r, f, "reason with \"quotes\", <tags> & \x1b[1mescapes\x1b[0m\nand a newline", "2027-01-01",
		     at(".stagec/policy.yaml", 3, 5));
	ReportSpec *s3 = report_spec(r, p3);
	report_diag(r, s3, REPORT_ERROR, at(p3, 1, 1), "invalid byte \xc3 then \xed\xa0\x80 (a surrogate) and \xc0\xaf");
	report_drift(r, s3, "apps/bad\xff\xfe utf8/Dockerfile", REPORT_STALE, "the spec <\"&\">");
}

static const struct {
	const char *name;
	void (*build)(Report *, bool);
} cases[] = {
	{"clean", case_clean},
	{"failures", case_failures},
	{"exceptions", case_exceptions},
	{"compile-error", case_compile_error},
	{"drift", case_drift},
	{"empty", case_empty},
	{"time", case_time},
	{"odd", case_odd},
};

static const struct {
	ReportFormat f;
	const char *ext;
} formats[] = {
	{REPORT_TEXT, "txt"},
	{REPORT_JSON, "json"},
	{REPORT_JUNIT, "junit.xml"},
	{REPORT_SARIF, "sarif"},
};

static int write_file(const char *path, const Strbuf *sb)
{
	FILE *f = fopen(path, "wb");
	if (!f) {
		fprintf(stderr, "gen_reports: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fwrite(sb->buf ? sb->buf : "", 1, sb->len, f);
	if (fclose(f) != 0) {
		fprintf(stderr, "gen_reports: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Sets the VAR=value lines of a case's env file (SOURCE_DATE_EPOCH). */
static void case_env(void)
{
	unsetenv("SOURCE_DATE_EPOCH");
	unsetenv("STAGEC_POLICY");
	FILE *f = fopen("env", "r");
	if (!f)
		return;
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *eq = strchr(line, '=');
		if (eq) {
			*eq = '\0';
			setenv(line, eq + 1, 1);
		}
	}
	fclose(f);
}

/* The report of real policy runs: each case compiled from inside its folder. */
static int policy_cases(const char *outdir, int n, char **dirs)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return 1;
	Arena *a = arena_new();
	Report *r = report_new(a, STAGEC_VERSION);
	int status = 0;
	for (int i = 0; i < n; i++) {
		if (chdir(dirs[i]) != 0) {
			fprintf(stderr, "gen_reports: %s: %s\n", dirs[i], strerror(errno));
			status = 1;
			continue;
		}
		case_env();
		/* the case's name: the last path element, trailing slashes aside */
		size_t len = strlen(dirs[i]);
		while (len > 1 && dirs[i][len - 1] == '/')
			len--;
		size_t start = len;
		while (start > 0 && dirs[i][start - 1] != '/')
			start--;
		const char *spec = arena_printf(a, "%.*s/app.yaml", (int)(len - start), dirs[i] + start);
		char *policy = stagec_policy_find("app.yaml", NULL);
		StagecOptions opts = {.display_path = spec, .policy_path = policy};
		StagecResult *res = stagec_compile("app.yaml", &opts);
		free(policy);
		ReportSpec *s = report_spec(r, spec);
		size_t nr;
		const StagecRuleResult *v = stagec_result_rules(res, &nr);
		report_rule_results(r, s, v, nr);
		if (nr == 0 && stagec_result_status(res) != 0) {
			/* the public result has the diagnostics rendered: its first line */
			const char *text = stagec_result_diagnostics(res);
			report_diag(r, s, REPORT_ERROR, (ReportPos){0}, arena_strndup(a, text, strcspn(text, "\n")));
		}
		stagec_result_free(res);
		if (chdir(cwd) != 0)
			return 1;
	}
	unsetenv("SOURCE_DATE_EPOCH");
	for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
		Strbuf sb = STRBUF_INIT;
		char path[4096];
		snprintf(path, sizeof path, "%s/policy.%s", outdir, formats[k].ext);
		if (report_write(r, formats[k].f, &sb) != 0 || write_file(path, &sb) != 0)
			status = 1;
		strbuf_release(&sb);
	}
	arena_free(a);
	return status;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--policy") == 0)
		return policy_cases(argv[2], argc - 3, argv + 3);
	if (argc != 2) {
		fputs("usage: gen_reports OUTDIR | gen_reports --policy OUTDIR CASEDIR...\n", stderr);
		return 2;
	}
	int status = 0;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		Arena *a1 = arena_new(), *a2 = arena_new();
		Report *r1 = report_new(a1, "0.1.0"), *r2 = report_new(a2, "0.1.0");
		cases[c].build(r1, false);
		cases[c].build(r2, true);
		for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
			Strbuf s1 = STRBUF_INIT, s2 = STRBUF_INIT;
			if (report_write(r1, formats[k].f, &s1) != 0 || report_write(r2, formats[k].f, &s2) != 0) {
				fprintf(stderr, "gen_reports: %s.%s: the writer failed\n", cases[c].name, formats[k].ext);
				status = 1;
			} else if (s1.len != s2.len || memcmp(strbuf_str(&s1), strbuf_str(&s2), s1.len) != 0) {
				fprintf(stderr, "gen_reports: %s.%s: the output depends on the order the report was filled in\n",
					cases[c].name, formats[k].ext);
				status = 1;
			}
			char path[4096];
			snprintf(path, sizeof path, "%s/%s.%s", argv[1], cases[c].name, formats[k].ext);
			if (write_file(path, &s1) != 0)
				status = 1;
			strbuf_release(&s1);
			strbuf_release(&s2);
		}
		arena_free(a1);
		arena_free(a2);
	}
	return status;
}
