/*
 * all.h - the parts of `stagec all`, shared by its files:
 *   all.c       the command: options, policies and locks, the run over the
 *               specs (worker threads, results taken in path order), the
 *               bake file, the reports;
 *   all_walk.c  reading small files whole, and discovery (the specs and the
 *               orphaned generated files below ROOT or under -o DIR);
 *   all_spec.c  one spec: both variants compiled, then written or checked,
 *               on any thread; what it found is taken up in order;
 *   all_diff.c  the unified diff of --check --diff.
 */
#ifndef STAGEC_ALL_H
#define STAGEC_ALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "report/report.h"
#include "stagec.h"

/* The files written beside each spec, in this order; under -o DIR, the
 * mirrored folder holds MIRROR_NAMES instead: Docker reads
 * <dockerfile>.dockerignore beside a Dockerfile outside the context. */
enum { F_MULTI, F_SINGLE, F_IGNORE, NFILES };
enum { NMIRROR = 4 };
extern const char *const ALL_FILE_NAMES[NFILES];
extern const char *const ALL_MIRROR_NAMES[NMIRROR];

#define MAX_REPORTS 8

typedef struct ReportOut {
	ReportFormat format;
	const char *path;
} ReportOut;

typedef struct AllCli {
	const char *root;
	const char *policy;
	const char *base;
	const char *templates; /* --templates DIR */
	const char *output;    /* -o DIR: the tree mirrored there */
	const char *changed;   /* --changed-files FILE|-: only the specs these paths touch */
	bool no_policy, check, diff, force;
	bool no_comments;      /* --no-comments: every Dockerfile without its comments */
	int jobs;              /* -j N: specs compiled at once (0: one per core) */
	StagecLockMode lock_mode;
	ReportOut reports[MAX_REPORTS];
	int nreports;
} AllCli;

/* ---- all_walk.c ------------------------------------------------------------ */

typedef struct PathList {
	char **v;
	size_t n, cap;
} PathList;

void paths_push(PathList *l, char *p);
void paths_free(PathList *l);
/* For qsort and bsearch over char *. */
int all_cmp_str(const void *a, const void *b);

/* The whole file, NUL-terminated, or NULL (errno set: EFBIG when it is
 * larger than the most stagec reads, EINVAL when it is not a regular file). */
char *all_slurp(const char *path, size_t *ret_len);
/* Why all_slurp() returned NULL, as the end of a message (per thread). */
const char *all_slurp_error(int e);

typedef struct Ignore {
	char **globs;
	size_t n;
} Ignore;

/* Reads ROOT/.stagecignore; false (after an error) when it is there and
 * cannot be read. */
bool all_ignore_read(const char *root, Ignore *ig);
void all_ignore_free(Ignore *ig);
/* The -o folder (NULL: none), when it lies below ROOT: discovery does
 * not enter it. */
void all_walk_output(const char *output);
/* The specs below dir (rel below the root) and the generated files whose
 * spec is gone. */
void all_walk(const char *dir, const char *rel, const Ignore *ig, PathList *specs, PathList *orphans);
/* Whether the last walk saw a temporary file of stagec's in the folder dir
 * (as the walk spelled it): a spec's folder without one needs no clean-up
 * before its files are written. */
bool all_walk_saw_temps(const char *dir);
/* Under -o: the generated files of the -o folder dir (rel below it) whose
 * mirrored spec folder (in spec_dirs, sorted) holds no spec. */
void all_walk_mirror(const char *dir, const char *rel, const PathList *spec_dirs, PathList *orphans);

/* ---- all_diff.c ------------------------------------------------------------ */

/* Unified diff (3 lines of context) of old (named name_a) against new. */
void all_print_diff(FILE *out, const char *name_a, const char *old, const char *name_b, const char *new);

/* ---- all_spec.c ------------------------------------------------------------ */

/* path below the root, for messages and reports */
const char *all_rel_path(const AllCli *cli, const char *path);
/* The folder a spec's files go to, and their names: beside the spec, or
 * with -o DIR the spec's folder below ROOT mirrored under DIR (malloc'd). */
char *all_out_dir(const AllCli *cli, const char *spec_path, const char *const **ret_names, int *ret_n);

/* What --check found of one file, for the reports. */
typedef struct DriftFound {
	char *path;
	ReportDriftState state;
	char *input; /* the changed input (stale), or NULL */
} DriftFound;

/* "PATH: stale (INPUT changed)", "PATH: missing" ...: a --check line. */
void all_print_drift(FILE *out, const char *rel, ReportDriftState state, const char *input);

/* One spec: its paths in, what became of it out.  all_spec_run() fills
 * the rest on any thread (nothing shared is touched: what it would print
 * is kept in out and err); all_spec_take() then, in path order, passes it
 * on to the report, the bake file and the terminal. */
typedef struct SpecJob {
	const char *path, *policy, *lock;
	StagecResult *result;  /* both variants; NULL when the spec could not be read */
	int status;            /* 0 compiled, 1 errors, 2 I/O */
	bool unreadable;       /* the spec could not be read */
	char *dir;             /* where its files went */
	char *out, *err;       /* what it prints, in order, on stdout and stderr */
	size_t out_len, err_len;
	DriftFound *drifts;
	size_t ndrifts;
	bool written, unchanged, io_failed;
} SpecJob;

void all_spec_run(const AllCli *cli, StagecCache *cache, SpecJob *job);
/* Prints and frees what the job kept (not the result: all.c takes it). */
void all_spec_release(SpecJob *job);

#endif
