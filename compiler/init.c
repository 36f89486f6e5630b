/*
 * init.c - `stagec init [DIR]`: writes DIR/app.yaml from the files the
 * project already has (compiler/init/ reads them; shared/design/init.md).
 *
 * A thin driver: the options come from the one table (cli_options.c),
 * which also prints --help and feeds the man pages and the shell
 * completions.  The spec is detected, rendered, and
 * compiled in memory with the folder as its build context before anything
 * is written: a spec that would not compile is never written.  Then it goes
 * to stdout (--print), or to DIR/app.yaml with main.c's atomic writer.  An
 * existing app.yaml is left alone when it is identical, and is replaced
 * only with --force when it differs.  With --recursive, each deployable
 * member of a workspace gets its own spec, each checked the same way.
 * Messages go to stderr.  Exit status: 0 written (or identical), 1 no
 * project, an ambiguous one, or a project file with an error, 2 usage, I/O
 * or a refused overwrite.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "init/init.h"
#include "internal.h"
#include "stagec.h"

static const char init_head[] =
	"usage: stagec init [options] [DIR]\n"
	"\n"
	"Writes DIR/app.yaml (DIR defaults to '.') from the files the project already has:\n"
	"the language from its marker files, the version, the package manager, the command\n"
	"and the port from the project's own files, each value with the file and line it\n"
	"came from.  It never asks and never guesses: an ambiguous project is refused with\n"
	"the option that chooses, and a port nothing states is left as a comment.\n"
	"\n";
static const char init_tail[] =
	"\n"
	"Exit status: 0 written (or identical), 1 no project, an ambiguous one, or a\n"
	"project file in error, 2 usage or I/O error, or an app.yaml that differs (--force).\n";

typedef struct InitCli {
	InitOptions o;
	bool recursive, print, force;
	const char *dir;
} InitCli;

static int parse(int argc, char **argv, InitCli *c)
{
	struct option longopts[CLI_MAX_OPTIONS];
	char shorts[64];
	cli_getopt_table(CLI_INIT, longopts, shorts);
	opterr = 0;
	optind = 1;
	int ch;
	while ((ch = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_LANGUAGE: c->o.language = optarg; break;
		case OPT_LANG_VERSION: c->o.version = optarg; break;
		case OPT_PORT: {
			char *end;
			long p = strtol(optarg, &end, 10);
			if (*end || p < 1 || p > 65535)
				return cli_usage_error(CLI_INIT, "--port takes a number from 1 to 65535, not '%s'", optarg);
			c->o.port = optarg;
			break;
		}
		case OPT_COMMAND: c->o.command = optarg; break;
		case OPT_PM: c->o.package_manager = optarg; break;
		case OPT_PROJECT: c->o.project = optarg; break;
		case OPT_PROGRAM: c->o.program = optarg; break;
		case OPT_BASE: c->o.base = optarg; break;
		case OPT_RECURSIVE: c->recursive = true; break;
		case OPT_PRINT: c->print = true; break;
		case OPT_FORCE: c->force = true; break;
		case OPT_TEMPLATES: c->o.templates_dir = optarg; break;
		case OPT_LIST_OPTIONS: cli_list_options(stdout, CLI_INIT); return 0;
		case OPT_HELP:
			fputs(init_head, stdout);
			cli_print_options(stdout, CLI_INIT);
			fputs(init_tail, stdout);
			return 0;
		case ':': return cli_usage_error(CLI_INIT, "option '%s' needs a value", argv[optind - 1]);
		default: return cli_unknown_option(CLI_INIT, argv[optind - 1]);
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error(CLI_INIT, "one folder at a time; '%s' is one too many", argv[optind + 1]);
	c->dir = optind < argc ? argv[optind] : ".";
	if (c->recursive && (c->o.project || c->o.program || c->o.command || c->o.port))
		return cli_usage_error(CLI_INIT, "%s", "--recursive writes a spec per member: --project, --program, --command and "
				   "--port choose for one project, not for all");
	return -1;
}

/* Compiles text with dir as its context: a spec init writes must compile.
 * Prints the diagnostics; returns the exit status. */
static int check_compiles(const char *shown_path, const char *dir, const char *text, const InitOptions *o)
{
	StagecOptions so = {.no_policy = true, .templates_dir = o->templates_dir, .display_path = shown_path};
	StagecResult *r = stagec_compile_text(shown_path, dir, text, strlen(text), &so);
	if (!r)
		return cli_error("%s", "out of memory");
	int status = stagec_result_status(r);
	fputs(stagec_result_diagnostics(r), stderr);
	if (status)
		fprintf(stderr, "stagec: error: the spec init would write for %s does not compile (above); "
				"nothing was written\n", cli_shown(dir));
	stagec_result_free(r);
	return status ? 1 : 0;
}

/* Writes (or prints) one spec; returns the exit status. */
static int write_spec(const InitCli *c, const char *dir, const char *shown, const InitSpec *s, const char *text)
{
	Arena *a = arena_new();
	const char *path = strcmp(shown, ".") == 0 ? "app.yaml" : arena_printf(a, "%s/app.yaml", shown);
	int status = check_compiles(path, dir, text, &c->o);
	if (status || c->print) {
		if (!status && (fputs(text, stdout) == EOF || fflush(stdout) != 0))
			status = cli_error("cannot write the output: %s", strerror(errno));
		goto done;
	}
	const char *target = arena_printf(a, "%s/app.yaml", dir);
	struct stat st;
	if (lstat(target, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			status = cli_error("'%s' is not a regular file; move it away", cli_shown(path));
			goto done;
		}
		SpecText old = {0};
		status = cli_read_spec(target, &old);
		bool same = !status && old.len == strlen(text) && memcmp(old.text, text, old.len) == 0;
		free(old.text);
		free(old.dir);
		if (status)
			goto done;
		if (same) {
			fprintf(stderr, "%s is identical; nothing to write\n", cli_shown(path));
			goto done;
		}
		if (!c->force) {
			status = cli_error("refusing to overwrite '%s', which differs from what init writes; compare "
					   "with 'stagec init --print', or replace it with --force", cli_shown(path));
			goto done;
		}
	}
	CliFile f = {.name = "app.yaml", .text = text};
	status = cli_write_files(dir, &f, 1, true);
	if (!status) {
		const char *v = s->version.yaml ? s->version.yaml : "default version";
		bool port = s->port.yaml && !s->port.commented;
		fprintf(stderr, "wrote %s (%s, %s, %s%s%s)\n", cli_shown(path), s->language,
			s->summary ? s->summary : "-", v[0] == '"' ? arena_strndup(a, v + 1, strlen(v) - 2) : v,
			port ? ", port " : ", no port", port ? s->port.yaml : "");
	}
done:
	arena_free(a);
	return status;
}

/* Detects, renders and writes the spec of one folder; returns the exit status. */
static int init_one(const InitCli *c, const char *dir, const char *shown, const char *context, const char *from)
{
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	InitSpec s;
	bool ok = init_detect(a, &d, dir, shown, &c->o, &s);
	if (ok && context && *context)
		init_set(&s.context, context, from);
	Strbuf sb = STRBUF_INIT;
	diags_render(&d, &sb);
	fputs(strbuf_str(&sb), stderr);
	strbuf_release(&sb);
	int status = ok ? write_spec(c, dir, shown, &s, init_render(a, &s)) : 1;
	arena_free(a);
	return status;
}

static int init_recursive(const InitCli *c)
{
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 20, false);
	StrList members = {0}, contexts = {0}, froms = {0};
	bool ok = init_workspace(a, &d, c->dir, c->dir, &members, &contexts, &froms);
	Strbuf sb = STRBUF_INIT;
	diags_render(&d, &sb);
	fputs(strbuf_str(&sb), stderr);
	strbuf_release(&sb);
	int status = ok ? 0 : 1;
	if (ok && !members.n) {
		fprintf(stderr, "stagec: error: %s: no member of the workspace is deployable on its own; nothing "
				"was written\n", cli_shown(c->dir));
		status = 1;
	}
	for (size_t i = 0; ok && i < members.n; i++) {
		const char *dir = strcmp(members.v[i], ".") == 0 ? c->dir : arena_printf(a, "%s/%s", c->dir, members.v[i]);
		const char *shown = strcmp(c->dir, ".") == 0 ? members.v[i] : dir;
		if (c->print)
			printf("%s# %s/app.yaml\n", i ? "---\n" : "", shown);
		int st = init_one(c, dir, shown, contexts.v[i], froms.v[i]);
		if (st > status || (status == 0 && st))
			status = st;
	}
	arena_free(a);
	return status;
}

int stagec_init_main(int argc, char **argv)
{
	InitCli c = {0};
	int status = parse(argc, argv, &c);
	if (status >= 0)
		return status;
	struct stat st;
	if (stat(c.dir, &st) != 0)
		return cli_error("cannot use '%s': %s", cli_shown(c.dir), strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cli_error("'%s' is not a folder; give stagec init the project's folder", cli_shown(c.dir));
	return c.recursive ? init_recursive(&c) : init_one(&c, c.dir, c.dir, NULL, NULL);
}
