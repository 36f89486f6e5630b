/*
 * all_walk.c - what `stagec all` reads before compiling: small files read
 * whole (generated files, .stagecignore, the bake file), and discovery.
 *
 * Discovery walks ROOT in one pass: the specs (every app.yaml), in byte
 * order of their paths once sorted; the folders of project_skipped_dirs[],
 * symlinks, the globs of ROOT/.stagecignore and the -o folder are left
 * out.  A folder without a spec that holds files stagec generated (a
 * drift line on line 2) holds orphans, unless a Dockerfile.dockerignore
 * there says it is -o output for a spec elsewhere.  Under -o the orphans
 * are the -o folder's instead (all_walk_mirror).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "all.h"
#include "internal.h"
#include "project/project.h"

const char *const ALL_FILE_NAMES[NFILES] = {"Dockerfile", "Dockerfile.single", ".dockerignore"};
const char *const ALL_MIRROR_NAMES[NMIRROR] = {"Dockerfile", "Dockerfile.single", "Dockerfile.dockerignore",
					       "Dockerfile.single.dockerignore"};

void paths_push(PathList *l, char *p)
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

void paths_free(PathList *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

int all_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}



/* ---- reading files -------------------------------------------------------- */

/* The most slurp() reads: generated files, .stagecignore and policies are
 * far smaller; a larger one is refused with EFBIG, not read into memory. */
#define SLURP_MAX (16 * 1024 * 1024)

char *all_slurp(const char *path, size_t *ret_len)
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

const char *all_slurp_error(int e)
{
	static _Thread_local char buf[96];
	if (e == EFBIG)
		snprintf(buf, sizeof(buf), "it is larger than %d MiB, more than stagec reads", SLURP_MAX / (1024 * 1024));
	else if (e == EINVAL)
		snprintf(buf, sizeof(buf), "it is not a regular file");
	else
		snprintf(buf, sizeof(buf), "%s", strerror(e));
	return buf;
}

/* ---- discovery -------------------------------------------------------------- */

bool all_ignore_read(const char *root, Ignore *ig)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/.stagecignore", root);
	char *text = all_slurp(path, NULL);
	if (!text) {
		if (errno == ENOENT)
			return true;
		cli_error("cannot read '%s': %s", cli_shown(path), all_slurp_error(errno));
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

static struct stat output_st;
static bool output_known;
/* The folders the walk saw a temporary file of stagec's in (a dead run's,
 * or a live one's): written on the walk's thread, before any worker reads. */
static PathList temp_dirs;

/* Whether a and b name the same folder as spelled, doubled and trailing
 * slashes and a leading "./" aside ("x//y/" and "./x/y"). */
static bool same_spelling(const char *a, const char *b)
{
	while (a[0] == '.' && a[1] == '/')
		a += 2;
	while (b[0] == '.' && b[1] == '/')
		b += 2;
	for (;;) {
		while (*a == '/' && (a[1] == '/' || !a[1]))
			a++;
		while (*b == '/' && (b[1] == '/' || !b[1]))
			b++;
		if (*a != *b)
			return false;
		if (!*a)
			return true;
		a++, b++;
	}
}

bool all_walk_saw_temps(const char *dir)
{
	for (size_t i = 0; i < temp_dirs.n; i++)
		if (same_spelling(temp_dirs.v[i], dir))
			return true;
	return false;
}

void all_walk_output(const char *output)
{
	output_known = output && stat(output, &output_st) == 0;
	paths_free(&temp_dirs);
	temp_dirs = (PathList){0};
}

void all_ignore_free(Ignore *ig)
{
	for (size_t i = 0; i < ig->n; i++)
		free(ig->globs[i]);
	free(ig->globs);
	ig->globs = NULL;
	ig->n = 0;
}

static bool is_output_dir(const struct stat *st)
{
	return output_known && st->st_dev == output_st.st_dev && st->st_ino == output_st.st_ino;
}

void all_walk(const char *dir, const char *rel, const Ignore *ig, PathList *specs, PathList *orphans)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "stagec: warning: cannot read the folder '%s': %s\n", cli_shown(dir), strerror(errno));
		return;
	}
	bool has_spec = false, elsewhere = false; /* elsewhere: -o output for a spec in another folder */
	bool temps = false;
	char *mirror_ignore = NULL; /* a Dockerfile.dockerignore, read only when no spec is here */
	PathList gen = {0};          /* files named as stagec's: read only when no spec is here */
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		temps = temps || strncmp(name, CLI_TEMP_PREFIX, strlen(CLI_TEMP_PREFIX)) == 0;
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
				all_walk(path, sub, ig, specs, orphans);
		} else if (strcmp(name, "app.yaml") == 0) {
			has_spec = true;
			paths_push(specs, strdup(path));
		} else if (strcmp(name, "Dockerfile.dockerignore") == 0) {
			free(mirror_ignore);
			mirror_ignore = strdup(path);
		} else {
			bool ours = false;
			for (int f = 0; f < NFILES; f++)
				ours = ours || strcmp(name, ALL_FILE_NAMES[f]) == 0;
			for (int f = 2; f < NMIRROR; f++) /* beside a spec with context: */
				ours = ours || strcmp(name, ALL_MIRROR_NAMES[f]) == 0;
			if (ours)
				paths_push(&gen, strdup(path));
		}
	}
	closedir(d);
	if (temps)
		paths_push(&temp_dirs, strdup(dir));
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

void all_walk_mirror(const char *dir, const char *rel, const PathList *spec_dirs, PathList *orphans)
{
	DIR *d = opendir(dir);
	if (!d)
		return; /* no output yet: no orphans */
	const char *key = rel;
	bool has_spec = spec_dirs->n && bsearch(&key, spec_dirs->v, spec_dirs->n, sizeof(char *), all_cmp_str);
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
				if (strcmp(name, ALL_MIRROR_NAMES[f]) == 0 && generated_by_all(path))
					paths_push(orphans, strdup(path));
		}
	}
	closedir(d);
	for (size_t i = 0; i < subdirs.n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, subdirs.v[i] + (*rel ? strlen(rel) + 1 : 0));
		all_walk_mirror(path, subdirs.v[i], spec_dirs, orphans);
	}
	paths_free(&subdirs);
}

char **cli_find_specs(const char *root, size_t *ret_n)
{
	Ignore ig = {0};
	all_ignore_read(root, &ig);
	PathList specs = {0}, orphans = {0};
	all_walk(root, "", &ig, &specs, &orphans);
	if (specs.n)
		qsort(specs.v, specs.n, sizeof(*specs.v), all_cmp_str);
	paths_free(&orphans);
	all_ignore_free(&ig);
	*ret_n = specs.n;
	return specs.v ? specs.v : calloc(1, sizeof(char *)); /* NULL only when memory runs out */
}
