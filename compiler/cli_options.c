/*
 * cli_options.c - the one option table of every command (stagec SPEC, all,
 * init, lock, schema, explain), and what is made from it: each command's getopt
 * options, the option lines of its --help, and `stagec --list-options`,
 * which man/gen.py turns into the man pages' option lists and the bash,
 * zsh and fish completions.  So the four cannot drift apart, and adding an
 * option is one row here (and its case in the command's switch).
 *
 * An option that several commands take with the same meaning is one row
 * with several command bits; where its help differs between commands it
 * has a row per meaning.  Rows marked global are the options of
 * shared/design/cli.md's grammar that may also come before the command
 * (`stagec --no-policy all .`): cli_hoist_globals() moves them after it.
 * A row with the id OPT_OPERAND is no option but the command's operand (the
 * NAME of `stagec schema [NAME]`): its help and its values go into --help,
 * the man page and the completions like an option's, and getopt never
 * sees it.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "internal.h"

#define S CLI_SPEC
#define A CLI_ALL
#define I CLI_INIT
#define L CLI_LOCK
#define SC CLI_SCHEMA
#define E CLI_EXPLAIN

const CliOption cli_options[] = {
	/* stagec SPEC */
	{S, false, "output", 'o', OPT_OUTPUT, "DIR", NULL,
	 "write both variants into DIR (created when missing): Dockerfile, Dockerfile.single and, when DIR is "
	 "the spec's folder, .dockerignore; elsewhere Dockerfile.dockerignore and Dockerfile.single.dockerignore, "
	 "which Docker reads beside them"},
	{S, false, "single-stage", 0, OPT_SINGLE, NULL, NULL, "print the single-stage variant (build tools left in)"},
	{S, false, "dump-ir", 0, OPT_DUMP_IR, "[=after:PASS]", CLI_VALUES_PASSES,
	 "print the IR instead of a Dockerfile: the final IR, or the IR after PASS"},
	{S | E, true, "Werror", 0, OPT_WERROR, NULL, NULL, "treat warnings as errors"},
	{S | E, true, "max-errors", 0, OPT_MAX_ERRORS, "N", NULL, "report at most N errors (default 20)"},
	{S, false, "force", 0, OPT_FORCE, NULL, NULL, "with -o, overwrite files stagec did not generate"},
	{S | A, false, "no-comments", 0, OPT_NO_COMMENTS, NULL, NULL,
	 "leave out the comment before each step that says why it is there (line 2 records it, so stagec all "
	 "--check tells the two apart)"},
	/* stagec all */
	{A, false, "check", 0, OPT_CHECK, NULL, NULL,
	 "write nothing; report each generated file as fresh, stale (and which input changed), edited, missing "
	 "or orphan"},
	{A, false, "diff", 0, OPT_DIFF, NULL, NULL, "with --check, print unified diffs of what would change"},
	{A, false, "output", 'o', OPT_OUTPUT, "DIR", NULL,
	 "mirror the tree into DIR instead: DIR/<folder>/Dockerfile, Dockerfile.single, Dockerfile.dockerignore "
	 "and Dockerfile.single.dockerignore (build with -f and the spec's folder as the context); --check "
	 "compares there"},
	{A, false, "changed-files", 0, OPT_CHANGED, "FILE", NULL,
	 "only the specs that the paths in FILE ('-': stdin; one a line, relative to the current folder, as "
	 "`git diff --name-only` prints them when run from the repository's root) touch: in the spec's folder or "
	 "its context:, a file of its policy chain, its stagec.lock, or in its -o folder"},
	{A, false, "force", 0, OPT_FORCE, NULL, NULL, "overwrite files stagec did not generate (or edited by hand)"},
	{A, false, "report", 0, OPT_REPORT, "FORMAT:FILE", NULL,
	 "also write a report: text, junit, sarif or json (repeatable)"},
	{A, false, "jobs", 'j', OPT_JOBS, "N", NULL,
	 "compile N specs at once (default: one per core, at most 16); the files and the output are the same "
	 "for any N"},
	/* stagec init */
	{I, false, "language", 0, OPT_LANGUAGE, "LANG", CLI_VALUES_LANGUAGES,
	 "the language, when the markers are ambiguous or wrong"},
	{I, false, "version", 0, OPT_LANG_VERSION, "VERSION", NULL, "the language version, instead of the project's"},
	{I, false, "port", 0, OPT_PORT, "PORT", NULL, "run.port, instead of what the project states"},
	{I, false, "command", 0, OPT_COMMAND, "COMMAND", NULL, "run.command, words split at blanks"},
	{I, false, "package-manager", 0, OPT_PM, "PM", "npm yarn pnpm poetry uv pipenv pip",
	 "the package manager, when several lockfiles are present"},
	{I, false, "project", 0, OPT_PROJECT, "FILE", NULL, "the project file: a .csproj, pom.xml or build.gradle"},
	{I, false, "program", 0, OPT_PROGRAM, "NAME", NULL, "the program: a Go main package (cmd/api), a Cargo binary"},
	{I, false, "recursive", 'r', OPT_RECURSIVE, NULL, NULL, "one spec per deployable member of a workspace"},
	{I, false, "print", 0, OPT_PRINT, NULL, NULL, "write the spec to stdout, not to DIR/app.yaml"},
	{I, false, "force", 0, OPT_FORCE, NULL, NULL, "replace an app.yaml that differs"},
	/* stagec lock */
	{L, false, "list", 0, OPT_LIST, NULL, NULL, "print each image: its digest and date, 'missing' or 'unused'"},
	{L, false, "set", 0, OPT_SET, "REF=DIGEST", NULL,
	 "lock REF to DIGEST (repeatable); '--set -' reads 'REF DIGEST' lines"},
	{L, false, "update", 0, OPT_UPDATE, NULL, NULL, "resolve the REFs again, or every image and the template defaults"},
	{L, false, "prune", 0, OPT_PRUNE, NULL, NULL, "drop entries and templates no spec uses"},
	{L, false, "check", 0, OPT_CHECK, NULL, NULL,
	 "offline, writes nothing: everything locked, Dockerfiles use the digests"},
	{L, false, "outdated", 0, OPT_OUTDATED, NULL, NULL, "ask the resolver about every entry; list the tags that moved"},
	{L, false, "resolver", 0, OPT_RESOLVER, "CMD", NULL, "the command printing a tag's digest, {} the reference"},
	/* stagec schema */
	{SC, false, "NAME", 0, OPT_OPERAND, NULL, CLI_VALUES_SCHEMAS,
	 "the schema to print: app (the build spec, the default), policy (.stagec/policy.yaml), lock (stagec.lock) "
	 "or explain (stagec explain --json)"},
	/* stagec explain */
	{E, false, "json", 0, OPT_JSON, NULL, NULL, "print JSON (specs/explain.schema.json) instead of text"},
	{E, false, "single-stage", 0, OPT_SINGLE, NULL, NULL, "explain the single-stage variant"},
	/* the global options (shared/design/cli.md), accepted before the command too */
	{S | A | E, true, "base", 0, OPT_BASE, "NAME", CLI_VALUES_BASES,
	 "override the spec's base (templates/bases.yaml)"},
	{I, true, "base", 0, OPT_BASE, "BASE", CLI_VALUES_BASES, "the spec's base"},
	{S | A | I | E, true, "templates", 0, OPT_TEMPLATES, "DIR", NULL,
	 "read language templates from DIR instead of the built-in ones"},
	{S | E, true, "policy", 0, OPT_POLICY, "FILE", NULL,
	 "apply this organisation policy (specs/policy.md); default: $STAGEC_POLICY, else the nearest "
	 ".stagec/policy.yaml above the spec (up to the folder holding .git), else the built-in baseline"},
	{A, true, "policy", 0, OPT_POLICY, "FILE", NULL,
	 "apply this policy to every spec (else each spec's nearest .stagec/policy.yaml, or $STAGEC_POLICY)"},
	{L, true, "policy", 0, OPT_POLICY, "FILE", NULL,
	 "the policy for every spec (its registry rewrites, its max age)"},
	{S | A | E, true, "no-policy", 0, OPT_NO_POLICY, NULL, NULL, "no policy and no baseline rules"},
	{L, true, "no-policy", 0, OPT_NO_POLICY, NULL, NULL, "no policy"},
	{S | E, true, "lock", 0, OPT_LOCK, "=MODE", "pinned frozen off",
	 "pinned (default): pin the base images the nearest stagec.lock has, warn about those it lacks; frozen: "
	 "an image it lacks is an error; off: ignore the lock (specs/lock.md)"},
	{A, true, "lock", 0, OPT_LOCK, "=MODE", "pinned frozen off",
	 "pinned (default), frozen or off: how each spec's nearest stagec.lock pins its base images; with "
	 "--check, an image the lock lacks is an error (specs/lock.md)"},
	/* every command */
	{S | A | I | L | SC | E, false, "help", 'h', OPT_HELP, NULL, NULL, "show this help"},
	{S, false, "version", 'V', OPT_VERSION, NULL, NULL, "show the version"},
	{S | A | I | L | SC | E, false, "list-options", 0, OPT_LIST_OPTIONS, NULL, NULL, NULL}, /* for man/gen.py */
	{0},
};

#undef S
#undef A
#undef I
#undef L
#undef SC
#undef E

static const char *const command_names[] = {"stagec", "all", "init", "lock", "schema", "explain"};
#define NCOMMANDS (sizeof(command_names) / sizeof(command_names[0]))

const char *cli_command_name(CliCommand cmd)
{
	for (unsigned i = 0; i < NCOMMANDS; i++)
		if (cmd == 1u << i)
			return command_names[i];
	return "stagec";
}

CliCommand cli_command_named(const char *s)
{
	for (unsigned i = 1; i < NCOMMANDS; i++)
		if (strcmp(s, command_names[i]) == 0)
			return (CliCommand)(1u << i);
	return 0;
}

void cli_getopt_table(CliCommand cmd, struct option *longs, char *shorts)
{
	size_t n = 0, sn = 0;
	shorts[sn++] = ':';
	for (const CliOption *op = cli_options; op->commands; op++) {
		if (!(op->commands & cmd) || op->id == OPT_OPERAND || n + 1 == CLI_MAX_OPTIONS)
			continue;
		int has = !op->arg ? no_argument : op->arg[0] == '[' ? optional_argument : required_argument;
		longs[n++] = (struct option){op->name, has, NULL, op->id};
		if (op->short_name && sn < 60) {
			shorts[sn++] = op->short_name;
			if (op->arg)
				shorts[sn++] = ':';
		}
	}
	longs[n] = (struct option){0};
	shorts[sn] = '\0';
}

/* "official debian alpine": the bases of the built-in bases.yaml. */
static const char *builtin_bases(void)
{
	static char list[256];
	if (list[0])
		return list;
	Arena *a = arena_new();
	Diags d;
	Templates t;
	diags_init(&d, a, 20, false);
	size_t len = 0;
	if (a && templates_open(a, &t, NULL, &d))
		for (size_t i = 0; i < t.nbases && len < sizeof(list); i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", len ? " " : "", t.bases[i].name);
	arena_free(a);
	return list;
}

/* "lower, closure, ..." or "c cpp dotnet ...": the values, expanded. */
static const char *values_of(const CliOption *op, const char *sep)
{
	static char buf[512];
	const char *v = op->values;
	if (strcmp(v, CLI_VALUES_LANGUAGES) == 0)
		v = template_builtin_languages();
	else if (strcmp(v, CLI_VALUES_BASES) == 0)
		v = builtin_bases();
	else if (strcmp(v, CLI_VALUES_SCHEMAS) == 0)
		v = cli_schema_names();
	size_t len = 0;
	buf[0] = '\0';
	if (strcmp(op->values, CLI_VALUES_PASSES) == 0) {
		for (const char *const *p = stagec_pass_names(); *p && len < sizeof(buf); p++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? sep : "", *p);
		return buf;
	}
	for (const char *p = v; *p && len + 1 < sizeof(buf);) {
		size_t w = strcspn(p, " ");
		if (w)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%.*s", len ? sep : "", (int)w, p);
		p += w;
		p += *p == ' ';
	}
	return buf;
}

/* "--lock=MODE", "--dump-ir[=after:PASS]", "--output DIR", "--force";
 * an operand's name ("NAME"). */
static int option_head(char *buf, size_t n, const CliOption *op)
{
	if (op->id == OPT_OPERAND)
		return snprintf(buf, n, "  %s", op->name);
	char arg[64] = "";
	if (op->arg)
		snprintf(arg, sizeof(arg), "%s%s", op->arg[0] == '=' || op->arg[0] == '[' ? "" : " ", op->arg);
	if (op->short_name)
		return snprintf(buf, n, "  -%c, --%s%s", op->short_name, op->name, arg);
	return snprintf(buf, n, "      --%s%s", op->name, arg);
}

/* Prints text from column 24, wrapped before column 80; the first line
 * goes on after what the caller printed (at column col). */
static void print_wrapped(FILE *out, int col, const char *text)
{
	if (col >= 23) {
		fputc('\n', out);
		col = 0;
	}
	fprintf(out, "%*s", 24 - col, "");
	col = 24;
	for (const char *p = text; *p;) {
		size_t w = strcspn(p, " ");
		if (col > 24 && col + 1 + (int)w > 80) {
			fprintf(out, "\n%24s", "");
			col = 24;
		} else if (col > 24) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)w, p);
		col += (int)w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

void cli_print_options(FILE *out, CliCommand cmd)
{
	for (int operands = 1; operands >= 0; operands--)
		for (const CliOption *op = cli_options; op->commands; op++) {
			if (!(op->commands & cmd) || !op->help || (op->id == OPT_OPERAND) != operands)
				continue;
			char head[80];
			int n = option_head(head, sizeof(head), op);
			fputs(head, out);
			print_wrapped(out, n, op->help);
			if (op->values) {
				char line[600];
				snprintf(line, sizeof(line), "one of: %s", values_of(op, ", "));
				print_wrapped(out, 0, line);
			}
		}
}

static void list_row(FILE *out, const CliOption *op)
{
	fprintf(out, "%s\t%c\t%s\t%s\t%s\n", op->name, op->short_name ? op->short_name : '-', op->arg ? op->arg : "-",
		op->values ? values_of(op, " ") : "-", op->help);
}

void cli_list_options(FILE *out, CliCommand cmd)
{
	for (const CliOption *op = cli_options; op->commands; op++)
		if ((op->commands & cmd) && op->help && op->id != OPT_OPERAND)
			list_row(out, op);
}

void cli_list_all_options(FILE *out)
{
	for (const CliOption *op = cli_options; op->commands; op++) {
		if (!op->help)
			continue;
		const char *sep = "";
		for (unsigned i = 0; i < NCOMMANDS; i++)
			if (op->commands & (1u << i)) {
				fprintf(out, "%s%s", sep, command_names[i]);
				sep = ",";
			}
		fprintf(out, "\t%s\t", op->id == OPT_OPERAND ? "operand" : op->global ? "global" : "-");
		list_row(out, op);
	}
}

/* The row of "--name" or "--name=VALUE" that cmd takes, or any row of that
 * name when cmd is 0. */
static const CliOption *row_of(const char *arg, unsigned cmd, bool global)
{
	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	size_t n = strcspn(arg + 2, "=");
	for (const CliOption *op = cli_options; op->commands; op++)
		if ((!cmd || (op->commands & cmd)) && (!global || op->global) && op->id != OPT_OPERAND &&
		    strlen(op->name) == n &&
		    strncmp(op->name, arg + 2, n) == 0)
			return op;
	return NULL;
}

int cli_unknown_option(CliCommand cmd, const char *arg)
{
	const CliOption *other = row_of(arg, 0, false);
	char where[16] = "stagec";
	if (cmd != CLI_SPEC)
		snprintf(where, sizeof(where), "stagec %s", cli_command_name(cmd));
	if (other) {
		fprintf(stderr, "stagec: error: '--%.*s' is not an option of '%s' (only of:", (int)strcspn(arg + 2, "="),
			arg + 2, where);
		unsigned seen = 0;
		for (const CliOption *op = cli_options; op->commands; op++)
			if (strcmp(op->name, other->name) == 0)
				seen |= op->commands;
		const char *sep = " ";
		for (unsigned i = 0; i < NCOMMANDS; i++)
			if (seen & (1u << i)) {
				fprintf(stderr, "%s%s%s", sep, i ? "stagec " : "", command_names[i]);
				sep = ", ";
			}
		fputs(")\n", stderr);
	} else {
		fprintf(stderr, "stagec: error: unknown option '%s'\n", cli_shown(arg));
	}
	fprintf(stderr, "Try '%s --help'.\n", where);
	return 2;
}

int cli_hoist_globals(int argc, char **argv)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-') {
		const CliOption *op = row_of(argv[i], 0, true);
		if (!op)
			return 0;
		/* a value given apart ("--base alpine"); "--lock=off" keeps it */
		i += op->arg && op->arg[0] != '[' && !strchr(argv[i], '=') ? 2 : 1;
	}
	if (i >= argc || !cli_command_named(argv[i]))
		return 0;
	char *cmd = argv[i];
	memmove(argv + 2, argv + 1, (size_t)(i - 1) * sizeof(*argv));
	argv[1] = cmd;
	return i;
}
