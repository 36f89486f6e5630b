/*
 * cli.h - what the two commands of the stagec program share: main.c's
 * single-spec command and all.c's `stagec all`.  The atomic writer (all
 * files of a folder or none, never over a file stagec did not generate
 * without force), and reading a spec once.
 * Only the program's own files include this; the library does not.
 */
#ifndef STAGEC_CLI_H
#define STAGEC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <getopt.h>
#include <stdio.h>

#include "stagec.h"

typedef struct SpecText {
	const char *name; /* as shown: the path given, or <stdin> */
	char *dir;        /* the build context: the spec's folder, or the current one */
	char *text;
	size_t len;
} SpecText;

/* Reads at most STAGEC_MAX_SPEC_BYTES; returns an exit status (0: read). */
int cli_read_spec(const char *path, SpecText *spec);
/* Compiles spec and prints its diagnostics on err; with o->both_variants
 * the single-stage variant's too when it fails (its warnings repeat the
 * first's).  Returns the exit status (that of the variant that failed),
 * with *ret the result to free (NULL when memory ran out). */
int cli_compile(const SpecText *spec, const StagecOptions *o, FILE *err, StagecResult **ret);

typedef struct CliFile {
	const char *name; /* within the folder */
	const char *text;
} CliFile;

/* Writes n files into dir (created when missing), all or none; a target
 * that exists must be a regular file stagec generated, unless force.
 * Prints what went wrong; returns 0 or 2. */
int cli_write_files(const char *dir, const CliFile *files, size_t n, bool force);
/* With on, cli_write_files no longer fsyncs each file: cli_sync() syncs
 * every file system written to since, once (syncfs).  Returns 0 or 2. */
void cli_defer_sync(bool on);
int cli_sync(void);

/* Removes the temporary files (.stagec-PID-XXXXXX) in dir of runs that
 * were killed before they could (their process is gone). */
void cli_remove_stale_temps(const char *dir);
/* How the names of stagec's temporary files begin (.stagec-PID-XXXXXX). */
#define CLI_TEMP_PREFIX ".stagec-"
/* cli_write_files, with scan_temps false when the caller knows dir holds
 * no temporary file of a dead run (it listed the folder itself). */
int cli_write_files_in(const char *dir, const CliFile *files, size_t n, bool force, bool scan_temps);

/* Prints "stagec: error: MESSAGE" on stderr; returns 2 (an I/O error). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Where cli_error() writes on the calling thread from now on (NULL:
 * stderr); returns the stream it wrote to before. */
FILE *cli_error_stream(FILE *f);

/* A path as shown in messages, control characters escaped (4 rotating buffers). */
const char *cli_shown(const char *path);

int stagec_all_main(int argc, char **argv);
int stagec_init_main(int argc, char **argv);

/* ---- the option table (cli_options.c) --------------------------------------
 * One table holds the options of every command: each command's getopt
 * options, its --help, the man pages' option lists and the shell
 * completions (`stagec --list-options`) are made from it, so that they
 * cannot drift apart.  Adding an option is one row here plus its case in the
 * command's switch. */
typedef enum CliCommand {
	CLI_SPEC = 1 << 0, /* stagec SPEC */
	CLI_ALL = 1 << 1,
	CLI_INIT = 1 << 2,
	CLI_LOCK = 1 << 3,
	CLI_SCHEMA = 1 << 4,
	CLI_EXPLAIN = 1 << 5,
	CLI_EVERY = (1 << 6) - 1,
} CliCommand;

/* What getopt_long returns for each option; the same option keeps its id
 * in every command that has it. */
enum CliOptId {
	OPT_HELP = 'h',
	OPT_VERSION = 'V',
	OPT_OUTPUT = 'o',
	OPT_RECURSIVE = 'r',
	OPT_SINGLE = 256,
	OPT_BASE,
	OPT_DUMP_IR,
	OPT_TEMPLATES,
	OPT_WERROR,
	OPT_MAX_ERRORS,
	OPT_FORCE,
	OPT_POLICY,
	OPT_NO_POLICY,
	OPT_LOCK,
	OPT_CHECK,
	OPT_DIFF,
	OPT_CHANGED,
	OPT_REPORT,
	OPT_LANGUAGE,
	OPT_LANG_VERSION,
	OPT_PORT,
	OPT_COMMAND,
	OPT_PM,
	OPT_PROJECT,
	OPT_PROGRAM,
	OPT_PRINT,
	OPT_LIST,
	OPT_SET,
	OPT_UPDATE,
	OPT_PRUNE,
	OPT_OUTDATED,
	OPT_RESOLVER,
	OPT_LIST_OPTIONS,
	OPT_NO_COMMENTS,
	OPT_JSON,
	OPT_OPERAND, /* not an option: the row of a command's operand (its name, values and help) */
	OPT_JOBS = 'j',
};

typedef struct CliOption {
	unsigned commands;  /* the CliCommand bits of the commands that take it; 0 ends the table */
	bool global;        /* also accepted before the command (shared/design/cli.md) */
	const char *name;   /* the long name, without "--"; OPT_OPERAND: the operand's ("NAME") */
	char short_name;    /* 0: none */
	int id;             /* what getopt_long returns (enum CliOptId) */
	const char *arg;    /* the value's name ("DIR"); "=MODE": written --lock=MODE;
			     * "[=after:PASS]": an optional value; NULL: a flag */
	const char *values; /* the values a completion offers, blank-separated; NULL: any */
	const char *help;   /* NULL: not shown in --help, the man pages or the completions */
} CliOption;

extern const CliOption cli_options[];

/* Values fields that stand for the languages and the bases of the built-in
 * templates, and for the pass names, expanded when printed, so that --help, the
 * man page and the completions offer what the program has, not a copy. */
#define CLI_VALUES_LANGUAGES "@languages"
#define CLI_VALUES_PASSES "@passes"
#define CLI_VALUES_BASES "@bases"
#define CLI_VALUES_SCHEMAS "@schemas"
/* schema_cmd.c: the names of the schemas compiled in, blank-separated
 * ("app policy lock explain"), for CLI_VALUES_SCHEMAS. */
const char *cli_schema_names(void);
/* Prints "stagec: error: MESSAGE" and "Try 'stagec [COMMAND] --help'." on
 * stderr; returns 2 (a usage error). */
int cli_usage_error(CliCommand cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The command's name ("stagec", "all", ...), for messages. */
const char *cli_command_name(CliCommand cmd);
/* The command named s (not CLI_SPEC), or 0. */
CliCommand cli_command_named(const char *s);
/* The most options one command takes, with the end of the table. */
#define CLI_MAX_OPTIONS 64
/* Fills longs (CLI_MAX_OPTIONS entries) and shorts (64 bytes, starting
 * with ':') with the command's options, for getopt_long. */
void cli_getopt_table(CliCommand cmd, struct option *longs, char *shorts);
/* The options' lines of the command's --help, wrapped at 80 columns; the
 * command's operand rows (OPT_OPERAND) come first, as "  NAME  help". */
void cli_print_options(FILE *out, CliCommand cmd);
/* One line per shown option of the command, tab-separated: name, short
 * name or "-", the value's name or "-", the values or "-", the help. */
void cli_list_options(FILE *out, CliCommand cmd);
/* The whole table, for man/gen.py: the same columns after a first one, the
 * commands (stagec, all, init, lock, schema) separated by commas, and a
 * second, "global", "operand" (an OPT_OPERAND row) or "-".  cli_list_options
 * lists options only. */
void cli_list_all_options(FILE *out);
/* Prints "stagec: error: unknown option 'ARG'" (or that ARG belongs to
 * other commands) and "Try 'stagec [CMD] --help'."; returns 2. */
int cli_unknown_option(CliCommand cmd, const char *arg);
/* Moves the global options given before a command name after it, so that
 * `stagec --no-policy all .` is `stagec all --no-policy .`; argv is
 * rearranged in place.  Returns the index of the command name in the
 * original argv (1 when argv[1] is the command), or 0 when no command
 * follows the global options. */
int cli_hoist_globals(int argc, char **argv);
int stagec_lock_main(int argc, char **argv);
/* explain_cmd.c: `stagec explain SPEC`. */
int stagec_explain_main(int argc, char **argv);
/* schema_cmd.c: `stagec schema [NAME]`. */
int stagec_schema_main(int argc, char **argv);

/* lock_cmd.c: --lock=MODE parsed (false: not a mode); the lock for a spec
 * (path NULL: standard input, whose folder is dir), malloc'd or NULL. */
bool cli_lock_mode(const char *s, StagecLockMode *ret);
char *cli_lock_for(const char *spec_path, const char *dir);
/* The lock of each spec (NULL: none; all NULL under off), each distinct
 * file checked once: *bad after printing the diagnostics of a bad one.
 * The array (n entries) and its paths are malloc'd. */
char **cli_locks_for(char *const *specs, size_t n, StagecLockMode mode, bool *bad);
/* all.c: the specs below root as `stagec all` finds them, sorted; the
 * array and its paths are malloc'd. */
char **cli_find_specs(const char *root, size_t *ret_n);

#endif
