/*
 * discover.c - where stagec finds a spec's policy and lock (cli.md: "the
 * same for every command").
 *
 * Walks up from the spec's folder, real path first, to the folder holding
 * .git or the filesystem root, and takes the nearest NAME (a path
 * relative to each folder: ".stagec/policy.yaml", "stagec.lock").  The
 * path found is relative to the current folder when it lies below it,
 * so that messages name it as a user would.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

char *discover_upward(const char *spec_path, const char *name)
{
	Arena *a = arena_new();
	char *out = NULL;
	char *copy = arena_strdup(a, spec_path ? spec_path : "./x");
	char *slash = strrchr(copy, '/');
	const char *dir = slash ? (slash == copy ? "/" : (*slash = '\0', copy)) : ".";
	char *real = stagec_realpath(dir, NULL);
	char cwd[PATH_MAX];
	bool have_cwd = getcwd(cwd, sizeof(cwd)) != NULL;
	for (char *p = real; p;) {
		const char *base = strcmp(p, "/") == 0 ? "" : p;
		const char *cand = arena_printf(a, "%s/%s", base, name);
		if (exists(cand)) {
			size_t n = have_cwd ? strlen(cwd) : 0;
			out = strdup(have_cwd && strncmp(cand, cwd, n) == 0 && cand[n] == '/' ? cand + n + 1 : cand);
			break;
		}
		if (!*base || exists(arena_printf(a, "%s/.git", base)))
			break;
		char *s = strrchr(p, '/');
		if (s == p)
			p[1] = '\0';
		else
			*s = '\0';
	}
	free(real);
	arena_free(a);
	return out;
}
