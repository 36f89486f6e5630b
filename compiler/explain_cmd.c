/*
 * explain_cmd.c - `stagec explain SPEC`: the effective spec, every value
 * the compilation uses with where it came from (the spec's line, the
 * template's, a --templates file, the policy's defaults or enforce, the
 * lock, a flag, stagec's default), then each step of the final program
 * with its stage, role and reason.  As text, or as JSON (--json, the
 * format of specs/explain.schema.json).
 *
 * A thin driver over stagec_compile_text with opts.explain: the library
 * keeps the data (explain.c), this file only prints it.  The spec, the
 * policy and the lock are found as for `stagec SPEC`, so explain shows
 * what that command compiles.  A spec with errors prints its diagnostics
 * on stderr, nothing on stdout, and exits 1; usage and I/O errors, and an
 * invalid policy or lock, exit 2.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "internal.h"
#include "report/report.h"

static const char explain_head[] =
	"usage: stagec explain [options] SPEC\n"
	"\n"
	"Shows the effective spec: every value the compilation of SPEC uses (language,\n"
	"version, base, images, packages, install and build commands, artifacts, user,\n"
	"ports, env, labels, healthcheck, command, .dockerignore ...), each with its\n"
	"source: the spec's file:line:col, the built-in template and its line\n"
	"(template:python.yaml:12:5), a --templates file, the policy's defaults or\n"
	"enforce (and the spec value enforce replaced, or the image its mirror\n"
	"rewrote), the lock, a flag, or stagec's default.  Then each step of the\n"
	"final program: its stage, its role and why it is there.  SPEC '-' reads\n"
	"standard input.\n"
	"\n";
static const char explain_tail[] =
	"\n"
	"Exit status: 0 explained, 1 the spec has errors or breaks a policy rule\n"
	"(diagnostics on stderr, nothing on stdout), 2 usage or I/O error (an invalid\n"
	"policy or lock file too).\n";

static bool is_stdin(const char *path)
{
	return strcmp(path, "-") == 0 || strcmp(path, "/dev/stdin") == 0;
}

/* ---- text --------------------------------------------------------------- */

static void put_source(Arena *a, Strbuf *out, const StagecSource *s)
{
	const char *file = s->file ? report_clean(a, s->file, REPORT_CLEAN_LINE) : NULL;
	if (strcmp(s->kind, "template") == 0 && file)
		strbuf_addf(out, "template:%s", file);
	else if (file)
		strbuf_addf(out, "%s %s", s->kind, file);
	else
		strbuf_adds(out, s->kind);
	if (file && s->line > 0)
		strbuf_addf(out, ":%d:%d", s->line, s->col);
	if (s->detail)
		strbuf_addf(out, " (%s)", report_clean(a, s->detail, REPORT_CLEAN_LINE));
}

static void text(Arena *a, const StagecExplain *ex, Strbuf *out)
{
	strbuf_addf(out, "# stagec explain %s (%s)\n\nvalues:\n", report_clean(a, ex->spec, REPORT_CLEAN_LINE),
		    ex->single_stage ? "single-stage" : "multi-stage");
	for (size_t i = 0; i < ex->nvalues; i++) {
		const StagecValue *v = &ex->values[i];
		strbuf_addf(out, "  %s = %s\n      from ", v->key, report_clean(a, v->value, REPORT_CLEAN_LINE));
		put_source(a, out, &v->source);
		strbuf_addc(out, '\n');
		if (v->overridden) {
			strbuf_addf(out, "      enforce overrode the spec's %s at ",
				    report_clean(a, v->overridden, REPORT_CLEAN_LINE));
			put_source(a, out, &v->overridden_at);
			strbuf_addc(out, '\n');
		}
		if (v->was) {
			strbuf_addf(out, "      mirrored from %s by ", report_clean(a, v->was, REPORT_CLEAN_LINE));
			put_source(a, out, &v->rewrite);
			strbuf_addc(out, '\n');
		}
	}
	strbuf_adds(out, "\nsteps:\n");
	const char *stage = NULL;
	for (size_t i = 0; i < ex->nsteps; i++) {
		const StagecPlacement *p = &ex->steps[i];
		if (!stage || strcmp(stage, p->stage) != 0) {
			stage = p->stage;
			if (*stage)
				strbuf_addf(out, "  stage %s\n", stage);
			else
				strbuf_adds(out, "  final stage\n");
		}
		strbuf_addf(out, "    %s (%s): %s\n      why: %s\n      from ", p->instruction, p->role,
			    report_clean(a, p->text, REPORT_CLEAN_LINE), report_clean(a, p->why, REPORT_CLEAN_LINE));
		put_source(a, out, &p->source);
		strbuf_addc(out, '\n');
	}
}

/* ---- JSON --------------------------------------------------------------- */

typedef struct J {
	Arena *a;
	bool failed;
} J;

static json_t *jstr(J *j, const char *s)
{
	json_t *v = json_string(report_clean(j->a, s ? s : "", REPORT_CLEAN_UTF8));
	j->failed |= !v;
	return v;
}

static void jset(J *j, json_t *o, const char *key, json_t *v)
{
	if (!o || !v || json_object_set_new(o, key, v) != 0)
		j->failed = true;
}

static json_t *jsource(J *j, const StagecSource *s)
{
	json_t *o = json_object();
	j->failed |= !o;
	jset(j, o, "kind", jstr(j, s->kind));
	if (s->file)
		jset(j, o, "file", jstr(j, s->file));
	if (s->file && s->line > 0) {
		jset(j, o, "line", json_integer(s->line));
		jset(j, o, "col", json_integer(s->col));
	}
	if (s->detail)
		jset(j, o, "detail", jstr(j, s->detail));
	return o;
}

static json_t *jexplain(J *j, const StagecExplain *ex)
{
	json_t *root = json_object(), *values = json_array(), *steps = json_array();
	j->failed |= !root || !values || !steps;
	jset(j, root, "version", json_integer(1));
	jset(j, root, "spec", jstr(j, ex->spec));
	jset(j, root, "variant", jstr(j, ex->single_stage ? "single" : "multi"));
	for (size_t i = 0; i < ex->nvalues; i++) {
		const StagecValue *v = &ex->values[i];
		json_t *o = json_object();
		j->failed |= !o;
		jset(j, o, "key", jstr(j, v->key));
		jset(j, o, "value", jstr(j, v->value));
		jset(j, o, "source", jsource(j, &v->source));
		if (v->overridden) {
			json_t *ov = json_object();
			j->failed |= !ov;
			jset(j, ov, "value", jstr(j, v->overridden));
			jset(j, ov, "source", jsource(j, &v->overridden_at));
			jset(j, o, "overrides", ov);
		}
		if (v->was) {
			json_t *m = json_object();
			j->failed |= !m;
			jset(j, m, "from", jstr(j, v->was));
			jset(j, m, "source", jsource(j, &v->rewrite));
			jset(j, o, "mirrored", m);
		}
		if (!o || json_array_append_new(values, o) != 0)
			j->failed = true;
	}
	for (size_t i = 0; i < ex->nsteps; i++) {
		const StagecPlacement *p = &ex->steps[i];
		json_t *o = json_object();
		j->failed |= !o;
		jset(j, o, "stage", *p->stage ? jstr(j, p->stage) : json_null());
		jset(j, o, "instruction", jstr(j, p->instruction));
		jset(j, o, "text", jstr(j, p->text));
		jset(j, o, "role", jstr(j, p->role));
		jset(j, o, "why", jstr(j, p->why));
		jset(j, o, "source", jsource(j, &p->source));
		if (!o || json_array_append_new(steps, o) != 0)
			j->failed = true;
	}
	jset(j, root, "values", values);
	jset(j, root, "steps", steps);
	return root;
}

/* ---- the command ----------------------------------------------------------- */

static int print_explain(const StagecExplain *ex, bool as_json)
{
	Arena *a = arena_new();
	int status = 0;
	if (as_json) {
		J j = {a, false};
		json_t *root = jexplain(&j, ex);
		char *s = j.failed ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(root);
		if (!s)
			status = cli_error("%s", "out of memory");
		else if (fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
			status = cli_error("%s", "cannot write to stdout");
		free(s);
	} else {
		Strbuf out = STRBUF_INIT;
		text(a, ex, &out);
		if (fputs(strbuf_str(&out), stdout) == EOF)
			status = cli_error("%s", "cannot write to stdout");
		strbuf_release(&out);
	}
	if (!status && fflush(stdout) != 0)
		status = cli_error("%s", "cannot write to stdout");
	arena_free(a);
	return status;
}

int stagec_explain_main(int argc, char **argv)
{
	struct option longopts[CLI_MAX_OPTIONS];
	char shorts[64];
	cli_getopt_table(CLI_EXPLAIN, longopts, shorts);
	StagecOptions o = {0};
	o.explain = true;
	const char *policy_opt = NULL;
	bool as_json = false;
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: as_json = true; break;
		case OPT_SINGLE: o.single_stage = true; break;
		case OPT_BASE: o.base = optarg; break;
		case OPT_TEMPLATES: o.templates_dir = optarg; break;
		case OPT_POLICY: policy_opt = optarg; break;
		case OPT_NO_POLICY: o.no_policy = true; break;
		case OPT_WERROR: o.werror = true; break;
		case OPT_LOCK:
			if (!cli_lock_mode(optarg, &o.lock_mode))
				return cli_usage_error(CLI_EXPLAIN, "'--lock=%s' is not a mode; use pinned, frozen or off", optarg);
			break;
		case OPT_MAX_ERRORS: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 10000)
				return cli_usage_error(CLI_EXPLAIN, "--max-errors takes a number from 1 to 10000, not '%s'", optarg);
			o.max_errors = (int)v;
			break;
		}
		case OPT_LIST_OPTIONS: cli_list_options(stdout, CLI_EXPLAIN); return 0;
		case OPT_HELP:
			fputs(explain_head, stdout);
			cli_print_options(stdout, CLI_EXPLAIN);
			fputs(explain_tail, stdout);
			return fflush(stdout) == 0 ? 0 : cli_error("%s", "cannot write to stdout");
		case ':': return cli_usage_error(CLI_EXPLAIN, "option '%s' needs a value", argv[optind - 1]);
		default: return cli_unknown_option(CLI_EXPLAIN, argv[optind - 1]);
		}
	}
	if (policy_opt && o.no_policy)
		return cli_usage_error(CLI_EXPLAIN, "%s", "--policy and --no-policy contradict each other");
	if (optind >= argc)
		return cli_usage_error(CLI_EXPLAIN, "%s", "no spec given");
	if (optind + 1 < argc)
		return cli_usage_error(CLI_EXPLAIN, "one spec at a time; '%s' is one too many", cli_shown(argv[optind + 1]));
	const char *path = argv[optind];
	SpecText spec = {0};
	int status = cli_read_spec(path, &spec);
	if (status)
		return status;
	/* the policy and the lock: found as for `stagec SPEC` (shared/design/cli.md) */
	size_t an = strlen(spec.dir) + sizeof("/app.yaml");
	char *at = malloc(an);
	if (!at) {
		free(spec.text);
		free(spec.dir);
		return cli_error("%s", "out of memory");
	}
	snprintf(at, an, "%s/app.yaml", spec.dir); /* any name in the spec's folder */
	char *policy = o.no_policy ? NULL : stagec_policy_find(is_stdin(path) ? at : path, policy_opt);
	free(at);
	o.policy_path = policy;
	char *lock = o.lock_mode == STAGEC_LOCK_OFF ? NULL : cli_lock_for(is_stdin(path) ? NULL : path, spec.dir);
	o.lock_path = lock;
	StagecResult *r = stagec_compile_text(spec.name, spec.dir, spec.text, spec.len, &o);
	if (!r) {
		status = cli_error("%s", "out of memory");
	} else {
		fputs(stagec_result_diagnostics(r), stderr);
		status = stagec_result_status(r);
		if (status == 0)
			status = print_explain(stagec_result_explain(r), as_json);
	}
	stagec_result_free(r);
	free(policy);
	free(lock);
	free(spec.text);
	free(spec.dir);
	return status;
}
