/*
 * discover.c - where stagec finds a spec's policy and lock (cli.md: "the
 * same for every command").
 *
 * Walks up from the spec's folder, real path first, to the folder holding
 * .git or the filesystem root, and takes the nearest NAME (a path
 * relative to each folder: ".stagec/policy.yaml", "stagec.lock").  The
 * path found is relative to the current folder when it lies below it,
 * so that messages name it as a user would.  The answers of the last few
 * folders are remembered: a monorepo's specs share their parents, and
 * `stagec all` asks for every spec (the policy and the lock each), so it
 * turns that on (stagec_discovery_remember): it assumes no policy or lock
 * appears or goes while the run asks.
 */
#include <limits.h>
#include <stdio.h>
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

/* What the walk found from a folder: specs come in path order, so the
 * next spec's walk meets the same folders; the last RECENT answers are
 * kept (per thread, fixed in number: memory does not grow with the specs).
 * A folder's answer is the nearest NAME at or above it (absolute), or
 * none. */
#define RECENT 32
#define NAME_MAX_LEN 32

typedef struct Answer {
	char name[NAME_MAX_LEN];
	char dir[PATH_MAX];
	char found[PATH_MAX]; /* "" for none */
	unsigned long used;
} Answer;

static _Thread_local Answer *recent; /* RECENT of them, while remembering */
static _Thread_local unsigned long clock_;

static _Thread_local bool remembering;

void stagec_discovery_remember(bool on)
{
	if (on && !recent)
		recent = calloc(RECENT, sizeof(*recent)); /* none: nothing remembered */
	if (!on) {
		free(recent);
		recent = NULL;
	}
	remembering = on && recent;
}

static Answer *remembered(const char *name, const char *dir)
{
	if (!remembering)
		return NULL;
	for (int i = 0; i < RECENT; i++)
		if (recent[i].used && strcmp(recent[i].dir, dir) == 0 && strcmp(recent[i].name, name) == 0) {
			recent[i].used = ++clock_;
			return &recent[i];
		}
	return NULL;
}

static void remember(const char *name, const char *dir, const char *found)
{
	if (!remembering || strlen(name) >= NAME_MAX_LEN || strlen(dir) >= PATH_MAX || strlen(found) >= PATH_MAX)
		return;
	Answer *oldest = &recent[0];
	for (int i = 1; i < RECENT; i++)
		if (recent[i].used < oldest->used)
			oldest = &recent[i];
	snprintf(oldest->name, sizeof(oldest->name), "%s", name);
	snprintf(oldest->dir, sizeof(oldest->dir), "%s", dir);
	snprintf(oldest->found, sizeof(oldest->found), "%s", found);
	oldest->used = ++clock_;
}

/* The nearest NAME at or above the real folder dir, absolute, or "" (arena). */
static const char *nearest(Arena *a, const char *dir, const char *name)
{
	Answer *known = remembered(name, dir);
	if (known)
		return arena_strdup(a, known->found);
	const char *base = strcmp(dir, "/") == 0 ? "" : dir;
	const char *cand = arena_printf(a, "%s/%s", base, name);
	const char *found;
	if (exists(cand)) {
		found = cand;
	} else if (!*base || exists(arena_printf(a, "%s/.git", base))) {
		found = "";
	} else {
		char *parent = arena_strdup(a, dir);
		char *s = strrchr(parent, '/');
		if (s == parent)
			parent[1] = '\0';
		else
			*s = '\0';
		found = nearest(a, parent, name);
	}
	remember(name, dir, found);
	return found;
}

char *discover_upward(const char *spec_path, const char *name)
{
	Arena *a = arena_new();
	char *out = NULL;
	char *copy = arena_strdup(a, spec_path ? spec_path : "./x");
	char *slash = strrchr(copy, '/');
	const char *dir = slash ? (slash == copy ? "/" : (*slash = '\0', copy)) : ".";
	char *real = stagec_realpath(dir, NULL);
	const char *cand = real ? nearest(a, real, name) : "";
	if (*cand) {
		char cwd[PATH_MAX];
		bool have_cwd = getcwd(cwd, sizeof(cwd)) != NULL;
		size_t n = have_cwd ? strlen(cwd) : 0;
		out = strdup(have_cwd && strncmp(cand, cwd, n) == 0 && cand[n] == '/' ? cand + n + 1 : cand);
	}
	free(real);
	arena_free(a);
	return out;
}
