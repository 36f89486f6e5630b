/*
 * bake.h - docker-bake.json for `stagec all` (bake.c, specs/bake.md).
 *
 * The driver adds each spec that compiled, asks for the name errors (the
 * bake names must be unique and must not collide with stagec's groups),
 * and, when there are none, renders the file; bake_compare then tells a
 * fresh file from a stale, edited or foreign one, as line 2 does for the
 * Dockerfiles.  Nothing here prints, writes or exits.
 */
#ifndef STAGEC_BAKE_H
#define STAGEC_BAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "stagec.h"

#define BAKE_FILE "docker-bake.json"
/* The rule id and slug of every name error. */
#define BAKE_RULE "STG901 bake.name"

typedef struct Bake Bake;

/* A name that cannot be a bake target, at the spec's `name:` value (or
 * line 1, column 1 when the name came from the folder). */
typedef struct BakeError {
	const char *spec; /* the spec's path below ROOT */
	int line, col;
	const char *message;
} BakeError;

Bake *bake_new(const char *root);
void bake_free(Bake *b);
/* The target of a spec that compiled: spec_rel is its path below ROOT,
 * spec_path as the run reads it, dockerfile_dir the folder its Dockerfiles
 * go to (beside it, or under -o), r its multi-stage result (whose context
 * and line 2 the target takes).  Specs come in path order. */
void bake_add(Bake *b, const char *spec_rel, const char *spec_path, const char *dockerfile_dir,
	      const StagecResult *r);
/* How many specs were added. */
size_t bake_count(const Bake *b);
/* The name errors, in spec order; each spec has at most one. */
const BakeError *bake_check_names(Bake *b, size_t *ret_n);
/* The file's text (malloc'd), its drift facts made of every spec's line 2;
 * NULL when a path or label is not UTF-8 (or memory ran out). */
char *bake_render(Bake *b);

typedef enum BakeState {
	BAKE_FRESH,   /* have is want */
	BAKE_STALE,   /* stagec wrote it from other inputs: *changed names them */
	BAKE_EDITED,  /* stagec wrote it, then someone changed it */
	BAKE_FOREIGN, /* not a file stagec wrote */
} BakeState;
/* Compares the file on disk with what a run would write. */
BakeState bake_compare(const char *have, const char *want, char *changed, size_t size);
/* Whether text is a bake file stagec wrote (edited or not). */
bool bake_is_ours(const char *text);

#endif
