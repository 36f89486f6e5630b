/*
 * all.c - `stagec all [ROOT]`: every app.yaml below ROOT, compiled with its
 * policy, its Dockerfile, Dockerfile.single and .dockerignore written beside
 * it (shared/design/cli.md, policy-and-monorepo.md "Monorepo command").
 *
 * A thin driver over library calls, in three steps.  Discovery: the specs
 * in byte order of their paths, folders of project_skipped_dirs[], symlinks and the
 * globs of ROOT/.stagecignore left out.  Policies: each distinct policy
 * file checked once, before anything is compiled or written (a bad one:
 * exit 2).  Then each spec on its own: both variants compiled, and either
 * written with main.c's atomic writer (cli_write_files), or, with --check,
 * compared with what is on disk.  Line 2 of every file is the library's
 * drift line (inputs.c: the inputs that shaped it, with their hashes, and
 * the hash of the file's own content), the same as `stagec SPEC` and -o
 * write, so a hand run's files are fresh here.  --check names each file
 * fresh, stale (and which inputs changed), edited (its content no longer
 * matches out=), missing, or orphan (a generated file whose spec is gone;
 * a folder holding a generated Dockerfile.dockerignore is -o output for a
 * spec elsewhere, never an orphan).
 * A run refuses (without --force) to overwrite a file stagec did not
 * generate, or one whose content no longer matches its out= hash (edited
 * by hand).  Exit status: 2 usage, I/O or a bad policy; else 1 a spec with errors or
 * error findings; else 3 drift (--check); else 0.
 * With -o DIR the spec in ROOT/F writes DIR/F/ instead (four files: both
 * <dockerfile>.dockerignore), and orphans are DIR's; a spec whose context:
 * is above its folder gets those four names beside it too.
 * --changed-files keeps the specs a list of paths touches (changed.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bake.h"
#include "changed.h"
#include "cli.h"
#include "internal.h"
#include "project/project.h"
#include "report/report.h"
#include "stagec.h"
#include "xmllib.h"

static const char all_head[] =
	"usage: stagec all [options] [ROOT]\n"
	"\n"
	"Compiles every app.yaml below ROOT (default '.'), in sorted order, and writes\n"
	"Dockerfile, Dockerfile.single and .dockerignore beside each spec.  Folders named\n"
	".git, node_modules, vendor, target or build, symbolic links, and the globs of\n"
	"ROOT/.stagecignore are skipped.  Line 2 of each file records what shaped it.\n"
	"\n";
static const char all_tail[] =
	"\n"
	"Exit status: 0 all clean, 1 a spec has errors or breaks a policy rule, 3 drift\n"
	"only (--check), 2 usage or I/O error, or an invalid policy (nothing written).\n";


/* The files written beside each spec, in this order; under -o DIR, the
 * mirrored folder holds MIRROR_NAMES instead: Docker reads
 * <dockerfile>.dockerignore beside a Dockerfile outside the context. */
enum { F_MULTI, F_SINGLE, F_IGNORE, NFILES };
static const char *const FILE_NAMES[NFILES] = {"Dockerfile", "Dockerfile.single", ".dockerignore"};
enum { NMIRROR = 4 };
static const char *const MIRROR_NAMES[NMIRROR] = {"Dockerfile", "Dockerfile.single", "Dockerfile.dockerignore",
						  "Dockerfile.single.dockerignore"};

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
	const char *output; /* -o DIR: the tree mirrored there */
	const char *changed; /* --changed-files FILE|-: only the specs these paths touch */
	bool no_policy, check, diff, force;
	bool no_comments; /* --no-comments: every Dockerfile without its comments */
	StagecLockMode lock_mode;
	ReportOut reports[MAX_REPORTS];
	int nreports;
} AllCli;

typedef struct PathList {
	char **v;
	size_t n, cap;
} PathList;

static void paths_push(PathList *l, char *p)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		char **bigger = realloc(l->v, l->cap * sizeof(*l->v));
		if (!bigger) {
			fputs("stagec: error: out of memory\n", stderr);
			exit(2);
		}
		l->v = bigger;
	}
	l->v[l->n++] = p;
}

static void paths_free(PathList *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}


/* ---- reading files -------------------------------------------------------- */

/* The most slurp() reads: generated files, .stagecignore and policies are
 * far smaller; a larger one is refused with EFBIG, not read into memory. */
#define SLURP_MAX (16 * 1024 * 1024)

/* The whole file, NUL-terminated, or NULL (errno set: EFBIG when it is
 * larger than SLURP_MAX, EINVAL when it is not a regular file). */
static char *slurp(const char *path, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if (st.st_size > SLURP_MAX) {
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	size_t cap = (size_t)st.st_size + 1, len = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		if (len == cap) {
			if (cap > SLURP_MAX) { /* it grew while read */
				free(buf);
				buf = NULL;
				errno = EFBIG;
				break;
			}
			cap *= 2;
			char *bigger = realloc(buf, cap + 1);
			if (!bigger)
				free(buf);
			buf = bigger;
			if (!buf)
				break;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			buf = NULL;
			errno = e;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	int e = errno;
	close(fd);
	if (buf) {
		buf[len] = '\0';
		if (ret_len)
			*ret_len = len;
	}
	errno = e;
	return buf;
}

/* Why slurp() returned NULL, as the end of a message. */
static const char *slurp_error(int e)
{
	static char buf[96];
	if (e == EFBIG)
		snprintf(buf, sizeof(buf), "it is larger than %d MiB, more than stagec reads", SLURP_MAX / (1024 * 1024));
	else if (e == EINVAL)
		snprintf(buf, sizeof(buf), "it is not a regular file");
	else
		snprintf(buf, sizeof(buf), "%s", strerror(e));
	return buf;
}

/* ---- discovery -------------------------------------------------------------- */

typedef struct Ignore {
	char **globs;
	size_t n;
} Ignore;

/* Reads ROOT/.stagecignore; false (after an error) when it is there and
 * cannot be read. */
static bool ignore_read(const char *root, Ignore *ig)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/.stagecignore", root);
	char *text = slurp(path, NULL);
	if (!text) {
		if (errno == ENOENT)
			return true;
		cli_error("cannot read '%s': %s", cli_shown(path), slurp_error(errno));
		return false;
	}
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		size_t len = strlen(line);
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		while (len && line[len - 1] == '/') /* "legacy/" names the folder */
			line[--len] = '\0';
		if (!len || line[0] == '#')
			continue;
		if (line[0] == '/')
			line++;
		char **bigger = realloc(ig->globs, (ig->n + 1) * sizeof(*ig->globs));
		if (!bigger)
			break;
		ig->globs = bigger;
		ig->globs[ig->n++] = strdup(line);
	}
	free(text);
	return true;
}

/* rel: the path below ROOT.  A glob with a slash matches the whole
 * relative path; one without matches any single name. */
static bool ignored(const Ignore *ig, const char *rel, const char *name)
{
	for (size_t i = 0; i < ig->n; i++) {
		const char *g = ig->globs[i];
		if (strchr(g, '/') ? fnmatch(g, rel, FNM_PATHNAME) == 0 : fnmatch(g, name, 0) == 0)
			return true;
	}
	return false;
}

static bool skipped_dir(const char *name)
{
	for (const char *const *p = project_skipped_dirs; *p; p++)
		if (strcmp(*p, name) == 0)
			return true;
	return false;
}

/* Whether the file at path has stagec's header and a drift line. */
static bool generated_by_all(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return false;
	char buf[512];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return inputs_line(buf) != NULL;
}

/* The -o folder, when it lies below ROOT: discovery does not enter it. */
static struct stat output_st;
static bool output_known;

static bool is_output_dir(const struct stat *st)
{
	return output_known && st->st_dev == output_st.st_dev && st->st_ino == output_st.st_ino;
}

/* Walks dir (rel below the root): specs and orphaned generated files. */
static void walk(const char *dir, const char *rel, const Ignore *ig, PathList *specs, PathList *orphans)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "stagec: warning: cannot read the folder '%s': %s\n", cli_shown(dir), strerror(errno));
		return;
	}
	bool has_spec = false, elsewhere = false; /* elsewhere: -o output for a spec in another folder */
	char *mirror_ignore = NULL; /* a Dockerfile.dockerignore, read only when no spec is here */
	PathList gen = {0};          /* files named as stagec's: read only when no spec is here */
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		char path[PATH_MAX], sub[PATH_MAX];
		/* below ".", paths are shown without "./" */
		if (snprintf(path, sizeof(path), "%s%s%s", strcmp(dir, ".") ? dir : "", strcmp(dir, ".") ? "/" : "",
			     name) >= (int)sizeof(path) ||
		    snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", name) >= (int)sizeof(sub))
			continue;
		/* the entry's type from the folder itself where the file
		 * system gives it: one lstat less per file */
		struct stat st;
		bool is_dir = e->d_type == DT_DIR, is_reg = e->d_type == DT_REG;
		if (e->d_type == DT_LNK)
			continue; /* never followed */
		if ((e->d_type == DT_UNKNOWN || (is_dir && output_known))) {
			if (lstat(path, &st) != 0 || S_ISLNK(st.st_mode))
				continue;
			is_dir = S_ISDIR(st.st_mode);
			is_reg = S_ISREG(st.st_mode);
		}
		if (!is_dir && !is_reg)
			continue;
		if (ignored(ig, sub, name))
			continue;
		if (is_dir) {
			if (!skipped_dir(name) && !(output_known && is_output_dir(&st)))
				walk(path, sub, ig, specs, orphans);
		} else if (strcmp(name, "app.yaml") == 0) {
			has_spec = true;
			paths_push(specs, strdup(path));
		} else if (strcmp(name, "Dockerfile.dockerignore") == 0) {
			free(mirror_ignore);
			mirror_ignore = strdup(path);
		} else {
			bool ours = false;
			for (int f = 0; f < NFILES; f++)
				ours = ours || strcmp(name, FILE_NAMES[f]) == 0;
			for (int f = 2; f < NMIRROR; f++) /* beside a spec with context: */
				ours = ours || strcmp(name, MIRROR_NAMES[f]) == 0;
			if (ours)
				paths_push(&gen, strdup(path));
		}
	}
	closedir(d);
	elsewhere = !has_spec && mirror_ignore && generated_by_all(mirror_ignore);
	free(mirror_ignore);
	for (size_t i = 0; i < gen.n; i++) {
		if (has_spec || elsewhere || !generated_by_all(gen.v[i]))
			free(gen.v[i]);
		else
			paths_push(orphans, gen.v[i]);
	}
	free(gen.v);
}

/* Walks the -o folder dir (rel below it): a generated file in a folder
 * whose mirrored spec folder (in spec_dirs, sorted) holds no spec is an
 * orphan. */
static void walk_mirror(const char *dir, const char *rel, const PathList *spec_dirs, PathList *orphans)
{
	DIR *d = opendir(dir);
	if (!d)
		return; /* no output yet: no orphans */
	const char *key = rel;
	bool has_spec = spec_dirs->n && bsearch(&key, spec_dirs->v, spec_dirs->n, sizeof(char *), cmp_str);
	PathList subdirs = {0};
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		char path[PATH_MAX], sub[PATH_MAX];
		if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
		    snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", name) >= (int)sizeof(sub))
			continue;
		struct stat st;
		if (lstat(path, &st) != 0 || S_ISLNK(st.st_mode))
			continue;
		if (S_ISDIR(st.st_mode)) {
			paths_push(&subdirs, strdup(sub));
		} else if (S_ISREG(st.st_mode) && !has_spec) {
			for (int f = 0; f < NMIRROR; f++)
				if (strcmp(name, MIRROR_NAMES[f]) == 0 && generated_by_all(path))
					paths_push(orphans, strdup(path));
		}
	}
	closedir(d);
	for (size_t i = 0; i < subdirs.n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, subdirs.v[i] + (*rel ? strlen(rel) + 1 : 0));
		walk_mirror(path, subdirs.v[i], spec_dirs, orphans);
	}
	paths_free(&subdirs);
}

/* ---- a line diff ------------------------------------------------------------- */

typedef struct Lines {
	const char **v;
	size_t *len;
	size_t n;
} Lines;

static Lines split_lines(const char *text)
{
	Lines l = {0};
	size_t cap = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		if (l.n == cap) {
			cap = cap ? cap * 2 : 64;
			l.v = realloc(l.v, cap * sizeof(*l.v));
			l.len = realloc(l.len, cap * sizeof(*l.len));
			if (!l.v || !l.len)
				exit(2);
		}
		l.v[l.n] = p;
		l.len[l.n++] = len;
		p += len + (p[len] == '\n');
	}
	return l;
}

static bool same_line(const Lines *a, size_t i, const Lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->v[i], b->v[j], a->len[i]) == 0;
}

/* Unified diff (3 lines of context) of old (path a) against new (path b),
 * by the longest common subsequence: fine for files of a few hundred lines. */
static void print_diff(const char *name_a, const char *old, const char *name_b, const char *new)
{
	Lines a = split_lines(old), b = split_lines(new);
	size_t w = b.n + 1;
	if ((a.n + 1) > (size_t)16 * 1024 * 1024 / w) {
		/* too large for the table: the whole file replaced */
		printf("--- %s\n+++ %s\n@@ -1,%zu +1,%zu @@\n", name_a, name_b, a.n, b.n);
		for (size_t i = 0; i < a.n; i++)
			printf("-%.*s\n", (int)a.len[i], a.v[i]);
		for (size_t j = 0; j < b.n; j++)
			printf("+%.*s\n", (int)b.len[j], b.v[j]);
		free(a.v), free(a.len), free(b.v), free(b.len);
		return;
	}
	unsigned *lcs = calloc((a.n + 1) * w, sizeof(*lcs));
	if (!lcs)
		exit(2);
	for (size_t i = a.n; i-- > 0;)
		for (size_t j = b.n; j-- > 0;)
			lcs[i * w + j] = same_line(&a, i, &b, j) ? lcs[(i + 1) * w + j + 1] + 1
				: lcs[(i + 1) * w + j] > lcs[i * w + j + 1] ? lcs[(i + 1) * w + j] : lcs[i * w + j + 1];
	/* the edit script: ' ' kept, '-' old only, '+' new only */
	size_t cap = a.n + b.n + 1, n = 0;
	char *op = malloc(cap);
	size_t *ia = malloc(cap * sizeof(size_t)), *ib = malloc(cap * sizeof(size_t));
	if (!op || !ia || !ib)
		exit(2);
	size_t i = 0, j = 0;
	while (i < a.n || j < b.n) {
		if (i < a.n && j < b.n && same_line(&a, i, &b, j)) {
			op[n] = ' ', ia[n] = i++, ib[n] = j++;
		} else if (i < a.n && (j == b.n || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
			op[n] = '-', ia[n] = i++, ib[n] = j; /* removals first, as diff -u */
		} else {
			op[n] = '+', ia[n] = i, ib[n] = j++;
		}
		n++;
	}
	printf("--- %s\n+++ %s\n", name_a, name_b);
	const size_t ctx = 3;
	for (size_t k = 0; k < n;) {
		if (op[k] == ' ') {
			k++;
			continue;
		}
		/* a hunk: from ctx before this change to ctx after the last change
		 * that is within 2*ctx of the previous one */
		size_t start = k > ctx ? k - ctx : 0, end = k;
		for (size_t m = k; m < n; m++) {
			if (op[m] != ' ')
				end = m;
			else if (m - end > 2 * ctx)
				break;
		}
		end = end + ctx + 1 < n ? end + ctx + 1 : n;
		size_t na = 0, nb = 0;
		for (size_t m = start; m < end; m++) {
			na += op[m] != '+';
			nb += op[m] != '-';
		}
		printf("@@ -%zu,%zu +%zu,%zu @@\n", ia[start] + (na ? 1 : 0), na, ib[start] + (nb ? 1 : 0), nb);
		for (size_t m = start; m < end; m++) {
			const Lines *l = op[m] == '+' ? &b : &a;
			size_t at = op[m] == '+' ? ib[m] : ia[m];
			printf("%c%.*s\n", op[m], (int)l->len[at], l->v[at]);
		}
		k = end;
	}
	free(op);
	free(ia);
	free(ib);
	free(lcs);
	free(a.v);
	free(a.len);
	free(b.v);
	free(b.len);
}

/* ---- one spec ------------------------------------------------------------------ */

typedef struct Run {
	const AllCli *cli;
	Report *report;
	Arena *arena;
	StagecCache *cache; /* templates and policies, read once */
	Bake *bake; /* docker-bake.json: a target per spec that compiled */
	int written, unchanged, errors, drift;
	bool io_failed;
} Run;

/* path below the root, for messages and reports */
static const char *rel_path(const Run *run, const char *path)
{
	size_t n = strlen(run->cli->root);
	if (strcmp(run->cli->root, ".") != 0 && strncmp(path, run->cli->root, n) == 0 && path[n] == '/')
		return path + n + 1;
	if (strncmp(path, "./", 2) == 0)
		return path + 2;
	return path;
}

/* The rendered diagnostics into the report: "file:line:col: level: message". */
static void report_rendered(Run *run, ReportSpec *s, const char *diags)
{
	for (const char *p = diags; *p;) {
		size_t len = strcspn(p, "\n");
		char *line = arena_strndup(run->arena, p, len);
		p += len + (p[len] == '\n');
		char *file = line, *c1 = strchr(line, ':');
		if (!c1)
			continue;
		char *end;
		long ln = strtol(c1 + 1, &end, 10);
		if (end == c1 + 1 || *end != ':')
			continue;
		long col = strtol(end + 1, &end, 10);
		if (*end != ':' || end[1] != ' ')
			continue;
		const char *rest = end + 2;
		ReportLevel level;
		if (strncmp(rest, "error: ", 7) == 0)
			level = REPORT_ERROR, rest += 7;
		else if (strncmp(rest, "warning: ", 9) == 0)
			level = REPORT_WARNING, rest += 9;
		else
			continue;
		if (report_rule_tagged(rest))
			continue;
		*c1 = '\0';
		report_diag(run->report, s, level, (ReportPos){rel_path(run, file), (int)ln, (int)col}, rest);
	}
}

static void drift(Run *run, ReportSpec *s, const char *path, ReportDriftState state, const char *input)
{
	run->drift++;
	if (state == REPORT_STALE)
		printf("%s: stale (%s changed)\n", rel_path(run, path), input);
	else
		printf("%s: %s\n", rel_path(run, path), report_drift_name(state));
	if (s)
		report_drift(run->report, s, rel_path(run, path), state, input);
}

/* --check of one file: want is what a run would write there. */
static void check_file(Run *run, ReportSpec *s, const char *path, const char *want)
{
	size_t len = 0;
	char *have = slurp(path, &len);
	if (!have && errno != ENOENT) {
		cli_error("cannot check '%s': %s", cli_shown(path), slurp_error(errno));
		run->io_failed = true;
		return;
	}
	if (!have) {
		drift(run, s, path, REPORT_MISSING, NULL);
		if (run->cli->diff)
			print_diff("/dev/null", "", rel_path(run, path), want);
		return;
	}
	if (strcmp(have, want) == 0) {
		printf("%s: fresh\n", rel_path(run, path));
		free(have);
		return;
	}
	const char *line2 = inputs_line(have), *wline2 = inputs_line(want);
	if (!line2 && strncmp(have, STAGEC_HEADER_MARK, strlen(STAGEC_HEADER_MARK)) == 0) {
		/* stagec's, from a version that wrote no line 2 */
		drift(run, s, path, REPORT_STALE, "stagec");
	} else if (!line2 || !wline2 || inputs_edited(have, line2)) {
		drift(run, s, path, REPORT_EDITED, NULL);
	} else {
		/* every recorded input the same: the content changed with
		 * something line 2 does not hash (folders, which files exist) */
		const char *changed = inputs_changed(run->arena, line2, wline2);
		drift(run, s, path, REPORT_STALE, changed ? changed : "the project's layout or stagec");
	}
	if (run->cli->diff)
		print_diff(rel_path(run, path), have, rel_path(run, path), want);
	free(have);
}

/* Compiles both variants; returns the result (its diagnostics printed). */
static StagecResult *compile(const SpecText *spec, const StagecOptions *o)
{
	StagecResult *r = stagec_compile_text(spec->name, spec->dir, spec->text, spec->len, o);
	if (!r) {
		fputs("stagec: error: out of memory\n", stderr);
		exit(2);
	}
	fputs(stagec_result_diagnostics(r), stderr);
	return r;
}

/* The folder a spec's files go to, and their names: beside the spec, or
 * with -o DIR the spec's folder below ROOT mirrored under DIR (arena). */
static char *out_dir(Run *run, Arena *a, const char *spec_path, const char *const **ret_names, int *ret_n)
{
	char *copy = arena_strdup(a, spec_path);
	char *dir = dirname(copy);
	if (!run->cli->output) {
		*ret_names = FILE_NAMES;
		*ret_n = NFILES;
		return arena_strdup(a, dir);
	}
	*ret_names = MIRROR_NAMES;
	*ret_n = NMIRROR;
	const char *rel = rel_path(run, dir);
	if (strcmp(rel, ".") == 0 || strcmp(dir, run->cli->root) == 0)
		return arena_strdup(a, run->cli->output);
	return arena_printf(a, "%s/%s", run->cli->output, rel);
}

static void one_spec(Run *run, const char *path, const char *policy, const char *lock)
{
	ReportSpec *s = report_spec(run->report, rel_path(run, path));
	SpecText spec = {0};
	if (cli_read_spec(path, &spec) != 0) {
		run->io_failed = true;
		report_diag(run->report, s, REPORT_ERROR, (ReportPos){rel_path(run, path), 0, 0}, "cannot read the spec");
		return;
	}
	/* diagnostics name the spec relative to ROOT, whichever way ROOT was
	 * spelled (the files name it by its file name only) */
	StagecOptions o = {.base = run->cli->base, .no_policy = run->cli->no_policy, .policy_path = policy,
			   .display_path = rel_path(run, path), .templates_dir = run->cli->templates, .cache = run->cache,
			   .lock_path = lock, .lock_mode = run->cli->lock_mode, .no_comments = run->cli->no_comments};
	if (run->cli->check && lock && o.lock_mode == STAGEC_LOCK_PINNED)
		o.lock_mode = STAGEC_LOCK_FROZEN; /* the check includes the lock's: every image locked */
	o.both_variants = true; /* one reading of the spec and its project for both files */
	StagecResult *multi = compile(&spec, &o);
	report_rendered(run, s, stagec_result_diagnostics(multi));
	size_t nrules = 0;
	const StagecRuleResult *rules = stagec_result_rules(multi, &nrules);
	report_rule_results(run->report, s, rules, nrules);
	int status = stagec_result_status(multi);
	const StagecResult *single = NULL;
	if (status == 0) {
		single = stagec_result_single(multi);
		if (!single) {
			fputs("stagec: error: out of memory\n", stderr);
			exit(2);
		}
		status = stagec_result_status(single);
		if (status) {
			fputs(stagec_result_diagnostics(single), stderr);
			report_rendered(run, s, stagec_result_diagnostics(single));
		}
	}
	if (status) {
		run->errors++;
		if (status == 2)
			run->io_failed = true;
	} else {
		/* line 2 is the library's: the same as a hand run's */
		char *texts[NMIRROR] = {
			strdup(stagec_result_output(multi)),
			strdup(stagec_result_output(single)),
			strdup(stagec_result_dockerignore(multi)),
			strdup(stagec_result_dockerignore(single)),
		};
		if (!texts[0] || !texts[1] || !texts[2] || !texts[3]) {
			fputs("stagec: error: out of memory\n", stderr);
			exit(2);
		}
		const char *const *names;
		int nfiles;
		/* the paths of this spec's files: in an arena of its own, so
		 * that memory does not grow with the specs (the report copies
		 * what it keeps) */
		Arena *t = arena_new();
		char *dir = out_dir(run, t, path, &names, &nfiles);
		if (stagec_result_context(multi)) {
			/* the spec's folder is not the context's root: Docker reads
			 * only <dockerfile>.dockerignore there */
			names = MIRROR_NAMES;
			nfiles = NMIRROR;
		}
		bake_add(run->bake, rel_path(run, path), path, dir, multi);
		if (run->cli->check) {
			for (int f = 0; f < nfiles; f++)
				check_file(run, s, arena_printf(t, "%s/%s", dir, names[f]), texts[f]);
		} else {
			bool same = true;
			bool hand_edited = false;
			for (int f = 0; f < nfiles; f++) {
				char out[PATH_MAX];
				snprintf(out, sizeof(out), "%s/%s", dir, names[f]);
				char *have = slurp(out, NULL);
				if (!have && errno == EFBIG) {
					cli_error("refusing to overwrite '%s': %s; move it away", cli_shown(out),
						  slurp_error(errno));
					hand_edited = true;
				}
				bool equal = have && strcmp(have, texts[f]) == 0;
				same = same && equal;
				const char *line2 = have && !equal ? inputs_line(have) : NULL;
				if (line2 && inputs_edited(have, line2) && !run->cli->force) {
					fprintf(stderr, "stagec: error: refusing to overwrite '%s', edited by hand since "
						"stagec generated it; move the change into the spec, or use --force\n",
						cli_shown(out));
					hand_edited = true;
				}
				free(have);
			}
			/* a killed run's leftovers go even when nothing is rewritten
			 * (cli_write_files removes them when it writes) */
			if (hand_edited || same)
				cli_remove_stale_temps(dir);
			if (hand_edited) {
				run->io_failed = true;
			} else if (same) {
				run->unchanged++;
			} else {
				CliFile files[NMIRROR];
				for (int f = 0; f < nfiles; f++)
					files[f] = (CliFile){names[f], texts[f]};
				if (cli_write_files(dir, files, (size_t)nfiles, run->cli->force) == 0)
					run->written++;
				else
					run->io_failed = true;
			}
		}
		for (int f = 0; f < NMIRROR; f++)
			free(texts[f]);
		arena_free(t);
	}
	stagec_result_free(multi);
	free(spec.text);
	free(spec.dir);
}

/* A folder below -o DIR as the spec folder it mirrors, relative to ROOT ("." for DIR). */
static const char *mirrored_rel(const Run *run, const char *dir)
{
	size_t n = strlen(run->cli->output);
	if (strncmp(dir, run->cli->output, n) == 0 && dir[n] == '/')
		return dir + n + 1;
	return ".";
}

/* Under -o, the orphans are the generated files of DIR whose spec folder
 * has no spec (not those of ROOT, which this run does not write). */
static void mirror_orphans(Run *run, const PathList *specs, PathList *orphans)
{
	for (size_t i = 0; i < orphans->n; i++)
		free(orphans->v[i]);
	orphans->n = 0;
	PathList dirs = {0};
	for (size_t i = 0; i < specs->n; i++) {
		char *copy = strdup(specs->v[i]);
		const char *dir = dirname(copy);
		const char *rel = strcmp(dir, run->cli->root) == 0 ? "." : rel_path(run, dir);
		paths_push(&dirs, strdup(strcmp(rel, ".") == 0 ? "" : rel));
		free(copy);
	}
	if (dirs.n)
		qsort(dirs.v, dirs.n, sizeof(*dirs.v), cmp_str);
	walk_mirror(run->cli->output, "", &dirs, orphans);
	if (orphans->n)
		qsort(orphans->v, orphans->n, sizeof(*orphans->v), cmp_str);
	paths_free(&dirs);
}

/* Keeps the specs (with their policies and locks) and the orphans the changed paths
 * touch; an orphan's spec folder is the one it lies in.  Returns 0, or 2
 * when the list cannot be read. */
static int select_changed(Run *run, PathList *specs, char **policies, char **locks, PathList *orphans)
{
	const AllCli *cli = run->cli;
	Changed *c = changed_read(cli->changed);
	if (!c)
		return 2;
	size_t kept = 0;
	for (size_t i = 0; i < specs->n; i++) {
		const char *mirror = NULL;
		if (cli->output) {
			const char *const *names;
			int n;
			mirror = out_dir(run, run->arena, specs->v[i], &names, &n);
		}
		if (changed_touches(c, specs->v[i], policies[i], locks[i], mirror)) {
			specs->v[kept] = specs->v[i];
			locks[kept] = locks[i];
			policies[kept++] = policies[i];
		} else {
			free(specs->v[i]);
			free(policies[i]);
			free(locks[i]);
			policies[i] = locks[i] = NULL;
		}
	}
	for (size_t i = kept; i < specs->n; i++)
		policies[i] = locks[i] = NULL;
	specs->n = kept;
	kept = 0;
	for (size_t i = 0; i < orphans->n; i++) {
		char *copy = strdup(orphans->v[i]);
		const char *dir = copy ? dirname(copy) : ".";
		char spec[PATH_MAX];
		if (cli->output) /* DIR/F/...: its spec was ROOT/F/app.yaml */
			snprintf(spec, sizeof(spec), "%s/%s/app.yaml", cli->root, mirrored_rel(run, dir));
		else
			snprintf(spec, sizeof(spec), "%s/app.yaml", dir);
		if (changed_touches(c, spec, NULL, NULL, cli->output ? dir : NULL))
			orphans->v[kept++] = orphans->v[i];
		else
			free(orphans->v[i]);
		free(copy);
	}
	orphans->n = kept;
	changed_free(c);
	return 0;
}

/* ---- docker-bake.json (bake.c) ------------------------------------------------------ */

/* The bake file at ROOT: its name errors (exit 1), then, when every spec
 * compiled, written or checked like the other files. */
static void bake_file(Run *run, size_t nspecs)
{
	size_t nerr = 0;
	const BakeError *errs = run->cli->changed ? NULL : bake_check_names(run->bake, &nerr);
	for (size_t i = 0; i < nerr; i++) {
		fprintf(stderr, "%s:%d:%d: error: %s [" BAKE_RULE "]\n", cli_shown(errs[i].spec), errs[i].line,
			errs[i].col, errs[i].message);
		report_diag(run->report, report_spec(run->report, errs[i].spec), REPORT_ERROR,
			    (ReportPos){errs[i].spec, errs[i].line, errs[i].col},
			    arena_printf(run->arena, "%s [" BAKE_RULE "]", errs[i].message));
	}
	run->errors += (int)nerr;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/" BAKE_FILE, run->cli->root);
	char *have = slurp(path, NULL);
	char *want = NULL;
	if (run->cli->changed) {
		/* a target per spec: the file is made from every spec or none */
		fprintf(stderr, "stagec: note: %s %s under --changed-files, which compiles some specs only\n",
			BAKE_FILE, run->cli->check ? "not checked" : "not written");
	} else if (run->errors) {
		fprintf(stderr, "stagec: warning: %s %s: specs have errors\n", BAKE_FILE,
			run->cli->check ? "not checked" : "left as it was");
	} else if (bake_count(run->bake) < nspecs) {
		run->io_failed = true;
		cli_error("%s", "out of memory");
	} else if (!nspecs) {
		if (have && bake_is_ours(have) && run->cli->check)
			drift(run, NULL, path, REPORT_ORPHAN, NULL);
		else if (have && bake_is_ours(have))
			fprintf(stderr, "stagec: warning: '%s' was generated from specs that are gone; remove it\n",
				cli_shown(rel_path(run, path)));
	} else if (!(want = bake_render(run->bake))) {
		run->io_failed = true;
		cli_error("cannot write %s: a path or label is not UTF-8", BAKE_FILE);
	} else {
		char changed[128];
		BakeState state = have ? bake_compare(have, want, changed, sizeof(changed)) : BAKE_FRESH;
		if (run->cli->check) {
			if (!have)
				drift(run, NULL, path, REPORT_MISSING, NULL);
			else if (state == BAKE_FRESH)
				printf("%s: fresh\n", rel_path(run, path));
			else
				drift(run, NULL, path, state == BAKE_STALE ? REPORT_STALE : REPORT_EDITED,
				      state == BAKE_STALE ? arena_strdup(run->arena, changed) : NULL);
			if (run->cli->diff && (!have || state != BAKE_FRESH))
				print_diff(have ? rel_path(run, path) : "/dev/null", have ? have : "",
					   rel_path(run, path), want);
		} else if (have && (state == BAKE_FOREIGN || state == BAKE_EDITED) && !run->cli->force) {
			run->io_failed = true;
			cli_error("refusing to overwrite '%s', %s; move it away, or use --force", cli_shown(path),
				  state == BAKE_FOREIGN ? "which stagec did not generate"
							: "edited by hand since stagec generated it");
		} else if (!have || state != BAKE_FRESH) {
			CliFile f = {BAKE_FILE, want};
			if (cli_write_files(run->cli->root, &f, 1, true) != 0)
				run->io_failed = true;
		}
	}
	free(have);
	free(want);
}

/* ---- the command ---------------------------------------------------------------- */

static int parse(int argc, char **argv, AllCli *cli)
{
	struct option longopts[CLI_MAX_OPTIONS];
	char shorts[64];
	cli_getopt_table(CLI_ALL, longopts, shorts);
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_OUTPUT: cli->output = optarg; break;
		case OPT_CHANGED: cli->changed = optarg; break;
		case OPT_CHECK: cli->check = true; break;
		case OPT_DIFF: cli->diff = true; break;
		case OPT_FORCE: cli->force = true; break;
		case OPT_POLICY: cli->policy = optarg; break;
		case OPT_NO_POLICY: cli->no_policy = true; break;
		case OPT_BASE: cli->base = optarg; break;
		case OPT_NO_COMMENTS: cli->no_comments = true; break;
		case OPT_TEMPLATES: cli->templates = optarg; break;
		case OPT_LOCK:
			if (!cli_lock_mode(optarg, &cli->lock_mode))
				return cli_usage_error(CLI_ALL, "--lock takes pinned, frozen or off, not '%s'",
						 cli_shown(optarg));
			break;
		case OPT_REPORT: {
			char *colon = strchr(optarg, ':');
			char name[16];
			ReportFormat f;
			if (!colon || colon == optarg || !colon[1] || (size_t)(colon - optarg) >= sizeof(name))
				return cli_usage_error(CLI_ALL, "--report takes FORMAT:FILE (e.g. junit:report.xml), not '%s'",
						       cli_shown(optarg));
			snprintf(name, sizeof(name), "%.*s", (int)(colon - optarg), optarg);
			if (!report_format_parse(name, &f))
				return cli_usage_error(CLI_ALL, "--report format '%s' is not one of text, junit, sarif, json",
						       cli_shown(name));
			if (cli->nreports == MAX_REPORTS)
				return cli_error("at most %d --report options", MAX_REPORTS);
			cli->reports[cli->nreports++] = (ReportOut){f, colon + 1};
			break;
		}
		case OPT_HELP:
			fputs(all_head, stdout);
			cli_print_options(stdout, CLI_ALL);
			fputs(all_tail, stdout);
			return 0;
		case OPT_LIST_OPTIONS: cli_list_options(stdout, CLI_ALL); return 0;
		case ':': return cli_usage_error(CLI_ALL, "option '%s' needs a value", argv[optind - 1]);
		default: return cli_unknown_option(CLI_ALL, argv[optind - 1]);
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error(CLI_ALL, "one ROOT at a time; '%s' is one too many",
				 cli_shown(argv[optind + 1]));
	cli->root = optind < argc ? argv[optind] : ".";
	if (cli->diff && !cli->check)
		return cli_usage_error(CLI_ALL, "%s", "--diff goes with --check (it shows what a run would change)");
	if (cli->policy && cli->no_policy)
		return cli_usage_error(CLI_ALL, "%s", "--policy and --no-policy contradict each other");
	return -1;
}

static int write_reports(Run *run)
{
	int status = 0;
	for (int i = 0; i < run->cli->nreports; i++) {
		const ReportOut *ro = &run->cli->reports[i];
		Strbuf sb = STRBUF_INIT;
		if (report_write(run->report, ro->format, &sb) != 0) {
			status = cli_error("cannot render the report '%s'%s%s", cli_shown(ro->path),
					   *xmllib_error() ? ": " : "", xmllib_error());
		} else {
			char *copy = strdup(ro->path), *copy2 = strdup(ro->path);
			CliFile f = {basename(copy2), strbuf_str(&sb)};
			/* a report is the user's named file: replaced whatever it holds */
			if (cli_write_files(dirname(copy), &f, 1, true) != 0)
				status = 2;
			free(copy);
			free(copy2);
		}
		strbuf_release(&sb);
	}
	return status;
}

int stagec_all_main(int argc, char **argv)
{
	AllCli cli = {0};
	int status = parse(argc, argv, &cli);
	if (status >= 0)
		return status;
	struct stat st;
	if (stat(cli.root, &st) != 0 || !S_ISDIR(st.st_mode))
		return cli_error("'%s' is not a folder; give stagec all the root of the specs", cli_shown(cli.root));
	output_known = false;
	if (cli.output) {
		if (stat(cli.output, &output_st) == 0 && !S_ISDIR(output_st.st_mode))
			return cli_error("'%s' is not a folder; give -o a folder (it is created when missing)",
					 cli_shown(cli.output));
		output_known = stat(cli.output, &output_st) == 0;
	}

	/* 1. discovery */
	Ignore ig = {0};
	if (!ignore_read(cli.root, &ig))
		return 2;
	PathList specs = {0}, orphans = {0};
	walk(cli.root, "", &ig, &specs, &orphans);
	if (specs.n)
		qsort(specs.v, specs.n, sizeof(*specs.v), cmp_str);
	if (orphans.n)
		qsort(orphans.v, orphans.n, sizeof(*orphans.v), cmp_str);

	/* 2. policies: each distinct file checked once, before anything is written */
	char **policies = calloc(specs.n + 1, sizeof(char *));
	PathList checked = {0};
	bool bad_policy = false;
	for (size_t i = 0; i < specs.n && policies; i++) {
		if (cli.no_policy)
			continue;
		policies[i] = stagec_policy_find(specs.v[i], cli.policy);
		if (!policies[i])
			continue;
		bool seen = false;
		for (size_t k = 0; k < checked.n && !seen; k++)
			seen = strcmp(checked.v[k], policies[i]) == 0;
		if (seen)
			continue;
		paths_push(&checked, strdup(policies[i]));
		char *diags = NULL;
		if (!stagec_policy_check(policies[i], &diags)) {
			bad_policy = true;
			fputs(diags && *diags ? diags : "", stderr);
			if (!diags || !*diags)
				cli_error("the policy '%s' is not valid", cli_shown(policies[i]));
		}
		free(diags);
	}
	bool bad_lock = false; /* a bad lock stops the run too */
	char **locks = bad_policy ? NULL : cli_locks_for(specs.v, specs.n, cli.lock_mode, &bad_lock);
	if (!policies || bad_policy || !locks || bad_lock) {
		if (bad_policy)
			fputs("stagec: error: an invalid policy stops the run; nothing was written\n", stderr);
		status = 2;
		goto done;
	}

	/* 3. each spec */
	Run run = {.cli = &cli, .arena = arena_new(), .cache = stagec_cache_new()};
	run.report = report_new(run.arena, STAGEC_VERSION);
	run.bake = bake_new(cli.root);
	run.report->drift_checked = cli.check;
	run.report->time = report_source_date_epoch();
	if (cli.output)
		mirror_orphans(&run, &specs, &orphans);
	/* --changed-files: the specs (and orphans) those paths touch */
	size_t all_specs = specs.n;
	if (cli.changed && select_changed(&run, &specs, policies, locks, &orphans) != 0) {
		bake_free(run.bake);
		arena_free(run.arena);
		stagec_cache_free(run.cache);
		status = 2;
		goto done;
	}
	cli_defer_sync(true); /* one sync at the end, not one per file */
	for (size_t i = 0; i < specs.n; i++)
		one_spec(&run, specs.v[i], policies[i], locks[i]);
	if (!cli.check) {
		for (size_t i = 0; i < orphans.n; i++)
			fprintf(stderr, "stagec: warning: '%s' was generated from a spec that is gone; remove it\n",
				cli_shown(rel_path(&run, orphans.v[i])));
	} else {
		for (size_t i = 0; i < orphans.n; i++) {
			char *copy = strdup(orphans.v[i]);
			char spec_path[PATH_MAX];
			snprintf(spec_path, sizeof(spec_path), "%s/app.yaml",
				 cli.output ? mirrored_rel(&run, dirname(copy)) : rel_path(&run, dirname(copy)));
			ReportSpec *s = report_spec(run.report, spec_path);
			s->compile = REPORT_GONE;
			drift(&run, s, orphans.v[i], REPORT_ORPHAN, NULL);
			free(copy);
		}
	}
	bake_file(&run, specs.n);
	if (cli_sync() != 0)
		run.io_failed = true;
	cli_defer_sync(false); /* the reports: each synced as it is written */
	if (write_reports(&run) != 0)
		run.io_failed = true;
	if (cli.changed)
		fprintf(stderr, "all: --changed-files: %zu of %zu specs touched\n", specs.n, all_specs);
	if (cli.check)
		fprintf(stderr, "all: %zu specs, %d files drifted, %d with errors\n", specs.n, run.drift, run.errors);
	else
		fprintf(stderr, "all: %zu specs, %d written, %d unchanged, %d with errors\n", specs.n, run.written,
			run.unchanged, run.errors);
	status = run.io_failed ? 2 : run.errors ? 1 : run.drift ? 3 : 0;
	bake_free(run.bake);
	arena_free(run.arena);
	stagec_cache_free(run.cache);
done:
	for (size_t i = 0; i < specs.n && policies; i++)
		free(policies[i]);
	free(policies);
	for (size_t i = 0; i < specs.n && locks; i++)
		free(locks[i]);
	free(locks);
	paths_free(&checked);
	paths_free(&specs);
	paths_free(&orphans);
	for (size_t i = 0; i < ig.n; i++)
		free(ig.globs[i]);
	free(ig.globs);
	return status;
}

char **cli_find_specs(const char *root, size_t *ret_n)
{
	Ignore ig = {0};
	ignore_read(root, &ig);
	PathList specs = {0}, orphans = {0};
	walk(root, "", &ig, &specs, &orphans);
	if (specs.n)
		qsort(specs.v, specs.n, sizeof(*specs.v), cmp_str);
	paths_free(&orphans);
	for (size_t i = 0; i < ig.n; i++)
		free(ig.globs[i]);
	free(ig.globs);
	*ret_n = specs.n;
	return specs.v ? specs.v : calloc(1, sizeof(char *)); /* NULL only when memory runs out */
}
