/*
 * main.c - the stagec command line.
 *
 *   stagec [options] app.yaml            multi-stage Dockerfile on stdout
 *   stagec --single-stage app.yaml       single-stage Dockerfile on stdout
 *   stagec -o DIR app.yaml               DIR/Dockerfile, DIR/Dockerfile.single, DIR/.dockerignore
 *
 * This is the only file that prints or chooses an exit status: 0 success,
 * 1 the spec has errors, 2 usage or I/O errors.  With -o, both variants are
 * compiled before anything is written; each file is written to a temporary
 * file in DIR and renamed into place, and a file stagec did not generate is
 * never overwritten without --force.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stagec.h"

/* The pass names come from the pass table, between the two halves. */
static const char usage_head[] =
	"usage: stagec [options] SPEC\n"
	"\n"
	"Compiles a build spec (app.yaml) into a Dockerfile.\n"
	"\n"
	"  -o, --output DIR      write DIR/Dockerfile, DIR/Dockerfile.single and DIR/.dockerignore\n"
	"      --single-stage    emit the single-stage variant (build tools left in)\n"
	"      --base NAME       override the spec's base (templates/bases.yaml: official, debian, alpine)\n"
	"      --dump-ir[=after:PASS]\n"
	"                        print the IR instead of a Dockerfile: the final IR, or the IR\n"
	"                        after PASS, one of: ";
static const char usage_tail[] =
	"\n"
	"      --templates DIR   read language templates from DIR instead of the built-in ones\n"
	"      --Werror          treat warnings as errors\n"
	"      --max-errors N    report at most N errors (default 20)\n"
	"      --force           with -o, overwrite files stagec did not generate\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n"
	"\n"
	"Exit status: 0 success, 1 the spec has errors, 2 usage or I/O error.\n"
	"The spec format: specs/schema.md.\n";

typedef struct Cli {
	StagecOptions opts;
	const char *output_dir;
	const char *spec;
	bool force;
} Cli;

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("stagec: error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nTry 'stagec --help'.\n", stderr);
	va_end(ap);
	return 2;
}

/* "lower, closure, ...": the names --dump-ir=after: takes. */
static const char *pass_list(void)
{
	static char buf[512];
	size_t len = 0;
	for (const char *const *p = stagec_pass_names(); *p && len < sizeof(buf); p++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? ", " : "", *p);
	return buf;
}

static bool valid_pass_name(const char *name)
{
	for (const char *const *p = stagec_pass_names(); *p; p++)
		if (strcmp(*p, name) == 0)
			return true;
	return false;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, Cli *cli)
{
	enum { OPT_SINGLE = 256, OPT_BASE, OPT_DUMP, OPT_TEMPLATES, OPT_WERROR, OPT_MAXERR, OPT_FORCE };
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"single-stage", no_argument, NULL, OPT_SINGLE},
		{"base", required_argument, NULL, OPT_BASE},
		{"dump-ir", optional_argument, NULL, OPT_DUMP},
		{"templates", required_argument, NULL, OPT_TEMPLATES},
		{"Werror", no_argument, NULL, OPT_WERROR},
		{"max-errors", required_argument, NULL, OPT_MAXERR},
		{"force", no_argument, NULL, OPT_FORCE},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":o:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			cli->output_dir = optarg;
			break;
		case OPT_SINGLE:
			cli->opts.single_stage = true;
			break;
		case OPT_BASE:
			cli->opts.base = optarg;
			break;
		case OPT_DUMP:
			if (!optarg) {
				cli->opts.dump_ir = "";
			} else if (strncmp(optarg, "after:", 6) == 0 && valid_pass_name(optarg + 6)) {
				cli->opts.dump_ir = optarg + 6;
			} else {
				return usage_error("--dump-ir takes 'after:PASS' with PASS one of %s; not '%s'",
						   pass_list(), optarg);
			}
			break;
		case OPT_TEMPLATES:
			cli->opts.templates_dir = optarg;
			break;
		case OPT_WERROR:
			cli->opts.werror = true;
			break;
		case OPT_MAXERR: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 10000)
				return usage_error("--max-errors takes a number from 1 to 10000, not '%s'", optarg);
			cli->opts.max_errors = (int)n;
			break;
		}
		case OPT_FORCE:
			cli->force = true;
			break;
		case 'h':
			printf("%s%s%s", usage_head, pass_list(), usage_tail);
			return 0;
		case 'V':
			puts("stagec " STAGEC_VERSION);
			return 0;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("%s", "no spec given (e.g. 'stagec app.yaml')");
	if (optind + 1 < argc)
		return usage_error("one spec at a time; '%s' is one too many", argv[optind + 1]);
	cli->spec = argv[optind];
	if (cli->output_dir && cli->opts.dump_ir)
		return usage_error("%s", "--dump-ir prints to stdout; it does not go with -o");
	return -1;
}

static int write_stdout(const char *text)
{
	size_t n = strlen(text);
	if (fwrite(text, 1, n, stdout) != n || fflush(stdout) != 0) {
		fprintf(stderr, "stagec: error: cannot write the output: %s\n", strerror(errno));
		return 2;
	}
	return 0;
}

typedef struct OutFile {
	const char *name;
	const char *text;
	char *path, *tmp;
} OutFile;

/* A file stagec may replace: absent, or one whose first line is stagec's. */
static bool may_replace(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT;
	char line[sizeof(STAGEC_HEADER_MARK)] = {0};
	size_t n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	return n == sizeof(line) - 1 && strcmp(line, STAGEC_HEADER_MARK) == 0;
}

static int write_temp(OutFile *o, const char *dir)
{
	o->tmp = malloc(strlen(dir) + 32);
	sprintf(o->tmp, "%s/.stagec-XXXXXX", dir);
	int fd = mkstemp(o->tmp);
	if (fd < 0)
		return -1;
	size_t len = strlen(o->text);
	FILE *f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		return -1;
	}
	bool ok = fwrite(o->text, 1, len, f) == len;
	ok = fflush(f) == 0 && ok;
	ok = fsync(fileno(f)) == 0 && ok;
	ok = fclose(f) == 0 && ok;
	if (ok)
		ok = chmod(o->tmp, 0644) == 0;
	return ok ? 0 : -1;
}

static int write_outputs(const Cli *cli, OutFile *files, size_t n)
{
	const char *dir = cli->output_dir;
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "stagec: error: output folder '%s' does not exist; create it first\n", dir);
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		files[i].path = malloc(strlen(dir) + strlen(files[i].name) + 2);
		sprintf(files[i].path, "%s/%s", dir, files[i].name);
		if (!cli->force && !may_replace(files[i].path)) {
			fprintf(stderr,
				"stagec: error: refusing to overwrite '%s', which stagec did not generate; "
				"move it away or use --force\n",
				files[i].path);
			return 2;
		}
	}
	int status = 0;
	for (size_t i = 0; i < n && !status; i++) {
		if (write_temp(&files[i], dir) != 0) {
			fprintf(stderr, "stagec: error: cannot write in '%s': %s\n", dir, strerror(errno));
			status = 2;
		}
	}
	for (size_t i = 0; i < n && !status; i++) {
		if (rename(files[i].tmp, files[i].path) != 0) {
			fprintf(stderr, "stagec: error: cannot replace '%s': %s\n", files[i].path, strerror(errno));
			status = 2;
		} else {
			free(files[i].tmp);
			files[i].tmp = NULL;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (files[i].tmp)
			unlink(files[i].tmp);
		free(files[i].tmp);
		free(files[i].path);
	}
	return status;
}

int main(int argc, char **argv)
{
	Cli cli = {0};
	int status = parse_args(argc, argv, &cli);
	if (status >= 0)
		return status;

	StagecResult *multi = NULL, *single = NULL;
	if (!cli.output_dir || !cli.opts.single_stage) {
		StagecOptions o = cli.opts;
		o.single_stage = cli.output_dir ? false : cli.opts.single_stage;
		multi = stagec_compile(cli.spec, &o);
	}
	if (cli.output_dir) {
		StagecOptions o = cli.opts;
		o.single_stage = true;
		/* the second compilation repeats the first one's diagnostics */
		if (!multi || stagec_result_ok(multi))
			single = stagec_compile(cli.spec, &o);
	}
	StagecResult *first = multi ? multi : single;
	if (!first) {
		fputs("stagec: error: out of memory\n", stderr);
		return 2;
	}
	fputs(stagec_result_diagnostics(first), stderr);
	status = stagec_result_status(first);
	if (status == 0 && single && first != single) {
		status = stagec_result_status(single);
		if (status)
			fputs(stagec_result_diagnostics(single), stderr);
	}
	if (status == 0) {
		if (cli.output_dir) {
			OutFile files[] = {
				{"Dockerfile", stagec_result_output(multi), NULL, NULL},
				{"Dockerfile.single", stagec_result_output(single), NULL, NULL},
				{".dockerignore", stagec_result_dockerignore(multi), NULL, NULL},
			};
			status = write_outputs(&cli, files, sizeof(files) / sizeof(files[0]));
		} else {
			status = write_stdout(stagec_result_output(first));
		}
	}
	stagec_result_free(multi);
	stagec_result_free(single);
	return status;
}
