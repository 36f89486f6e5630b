/*
 * changed.h - `stagec all --changed-files`: the specs a list of changed
 * paths touches (changed.c).  Program code: it prints its errors.
 */
#ifndef STAGEC_CHANGED_H
#define STAGEC_CHANGED_H

#include <stdbool.h>
#include <stddef.h>

#define CHANGED_MAX_BYTES (64 * 1024 * 1024)

typedef struct Changed Changed;

/* Reads the list from file ("-": standard input), one path a line,
 * relative to the current folder; NULL after printing an error. */
Changed *changed_read(const char *file);
void changed_free(Changed *c);
size_t changed_count(const Changed *c);
/* Whether a changed path touches the spec at spec_path: inside its folder
 * or its context:, a file of the policy chain starting at policy, its lock
 * file, or inside mirror_dir (its -o folder); policy, lock and mirror_dir
 * may be NULL. */
bool changed_touches(Changed *c, const char *spec_path, const char *policy, const char *lock,
		     const char *mirror_dir);

#endif
