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

/* Prints "stagec: error: MESSAGE" on stderr; returns 2 (an I/O error). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A path as shown in messages, control characters escaped (4 rotating buffers). */
const char *cli_shown(const char *path);

int stagec_all_main(int argc, char **argv);
int stagec_init_main(int argc, char **argv);

/* One row of a command's option table (cli_options.c): the table makes
 * the command's getopt options, its --help, and (through --list-options)
 * the man page's option list and the shell completions. */
typedef struct CliOption {
	const char *name;   /* the long name, without "--"; NULL ends the table */
	char short_name;    /* 0: none */
	int id;             /* what getopt_long returns */
	const char *arg;    /* the value's name ("DIR"); NULL: a flag */
	const char *values; /* the values a completion offers, blank-separated; NULL: any */
	const char *help;   /* NULL: not shown in --help */
} CliOption;
/* A values field that stands for the languages of the built-in templates
 * (expanded by the two functions below), so that --help, the man page and
 * the completions offer what the templates have, not a copied list. */
#define CLI_VALUES_LANGUAGES "@languages"
/* The options' lines of --help. */
void cli_print_options(FILE *out, const CliOption *table);
/* One line per shown option, tab-separated: name, short name or "-", the
 * value's name or "-", the values or "-", the help. */
void cli_list_options(FILE *out, const CliOption *table);
int stagec_lock_main(int argc, char **argv);
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
