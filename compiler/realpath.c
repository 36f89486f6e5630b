/*
 * realpath.c - realpath() with the folders it resolved remembered.
 *
 * glibc's realpath() asks the kernel about every component of a path
 * (a readlink each), and a compilation resolves some twenty paths in the
 * same few folders: `stagec all` over 1,000 specs made 150,000 readlink
 * calls, half its system time.  stagec_realpath() resolves a path's
 * folder once and keeps the last few folders resolved (a folder whose
 * parent is among them costs one lstat; others go to realpath);
 * the last component then costs one lstat ("DIR/." and "DIR/" none: they
 * are the folder), and only a symlink or ".." there goes to realpath as a
 * whole.  The answer is realpath's
 * (errno included, as far as a caller looks at it: a missing file is
 * ENOENT).  What it assumes: a folder that exists is not replaced by a
 * symlink while stagec runs, as stagec's own writes never do.
 *
 * Folders are remembered by their absolute path (the current folder
 * put before a relative one), so a caller may change folders.  The
 * remembered folders are per thread and fixed in number (RECENT), so
 * memory does not grow with the number of specs; specs come in path
 * order, so a spec's folder is nearly always among them.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define RECENT 8

typedef struct Folder {
	char given[PATH_MAX];    /* as the caller spelled it */
	char resolved[PATH_MAX]; /* realpath's answer */
	unsigned long used;      /* for replacing the least recently used */
} Folder;

static _Thread_local Folder recent[RECENT];
static _Thread_local unsigned long clock_;

static bool folder(const char *dir, size_t n, char *out);

/* A folder not remembered, from its parent's real path when that is
 * remembered (or resolved so) and its last component is a plain folder,
 * no symlink: one lstat instead of a readlink per component.  False
 * when that does not apply (realpath decides then). */
static bool child_folder(const char *given, size_t n, char *out)
{
	const char *slash = strrchr(given, '/');
	if (!slash || slash == given)
		return false;
	const char *base = slash + 1;
	size_t bl = n - (size_t)(base - given);
	if (!bl || (base[0] == '.' && (bl == 1 || (bl == 2 && base[1] == '.'))))
		return false;
	char parent[PATH_MAX];
	if (!folder(given, (size_t)(slash - given), parent))
		return false;
	size_t pl = strlen(parent);
	if (pl + 1 + bl >= PATH_MAX)
		return false;
	if (pl > 1)
		parent[pl++] = '/';
	memcpy(parent + pl, base, bl + 1);
	struct stat st;
	if (lstat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	memcpy(out, parent, pl + bl + 1);
	return true;
}

/* The real path of the folder dir (n bytes of it) into out; false when it
 * is not a folder realpath resolves. */
static bool folder(const char *dir, size_t n, char *out)
{
	if (n >= PATH_MAX)
		return false;
	Folder *oldest = &recent[0];
	for (int i = 0; i < RECENT; i++) {
		Folder *f = &recent[i];
		if (f->used && strncmp(f->given, dir, n) == 0 && f->given[n] == '\0') {
			f->used = ++clock_;
			memcpy(out, f->resolved, strlen(f->resolved) + 1);
			return true;
		}
		if (f->used < oldest->used)
			oldest = f;
	}
	char given[PATH_MAX];
	memcpy(given, dir, n);
	given[n] = '\0';
	if (!child_folder(given, n, out)) {
		struct stat st;
		if (!realpath(given, out) || stat(out, &st) != 0 || !S_ISDIR(st.st_mode))
			return false;
	}
	memcpy(oldest->given, given, n + 1);
	memcpy(oldest->resolved, out, strlen(out) + 1);
	oldest->used = ++clock_;
	return true;
}

/* path into resolved, or into malloc'd memory when resolved is NULL, as
 * realpath() answers. */
static char *give(const char *path, char *resolved)
{
	size_t n = strlen(path) + 1;
	char *out = resolved ? resolved : malloc(n);
	if (out)
		memcpy(out, path, n);
	return out;
}

/* stagec_realpath; when ret_lstat is not NULL, *ret_lstat is the lstat of
 * the last component when the fast path took it (then *took is true). */
static char *resolve(const char *path, char *resolved, struct stat *ret_lstat, bool *took)
{
	/* folders are remembered by absolute path: a library's caller may
	 * change the current folder between calls */
	char abs[PATH_MAX];
	if (path[0] != '/') {
		size_t pl = strlen(path);
		if (!getcwd(abs, sizeof(abs)) || strlen(abs) + 1 + pl >= sizeof(abs))
			return realpath(path, resolved);
		size_t al = strlen(abs);
		abs[al] = '/';
		memcpy(abs + al + 1, path, pl + 1);
		path = abs;
	}
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	/* "DIR/" and "DIR/.": the folder DIR itself (a remembered one) */
	if (slash && slash != path && (!*base || strcmp(base, ".") == 0)) {
		size_t n = (size_t)(slash - path);
		while (n > 1 && path[n - 1] == '/')
			n--;
		char dir[PATH_MAX];
		if (n > 1 && folder(path, n, dir))
			return give(dir, resolved);
		return realpath(path, resolved);
	}
	/* a path ending in "..", a path with no folder part, and a root
	 * file: realpath's */
	if (!slash || slash == path || strcmp(base, "..") == 0)
		return realpath(path, resolved);
	char dir[PATH_MAX];
	if (!folder(path, (size_t)(slash - path), dir))
		return realpath(path, resolved);
	size_t dl = strlen(dir), bl = strlen(base);
	if (dl + 1 + bl >= PATH_MAX)
		return realpath(path, resolved);
	char full[PATH_MAX];
	memcpy(full, dir, dl);
	full[dl] = '/';
	memcpy(full + dl + 1, base, bl + 1);
	if (dl == 1) /* the folder is "/" */
		memmove(full + 1, full + 2, bl + 1);
	struct stat st;
	if (lstat(full, &st) != 0)
		return NULL; /* errno from lstat: ENOENT, EACCES ... */
	if (S_ISLNK(st.st_mode))
		return realpath(path, resolved);
	if (ret_lstat) {
		*ret_lstat = st;
		*took = true;
	}
	return give(full, resolved);
}

char *stagec_realpath(const char *path, char *resolved)
{
	return resolve(path, resolved, NULL, NULL);
}

char *stagec_realpath_stat(const char *path, char *resolved, struct stat *st)
{
	bool took = false;
	char *out = resolve(path, resolved, st, &took);
	if (out && !took && stat(out, st) != 0) {
		int e = errno;
		if (!resolved)
			free(out);
		errno = e;
		return NULL;
	}
	return out;
}
