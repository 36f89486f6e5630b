/*
 * lock.h - the lock file (stagec.lock, specs/lock.md): base images pinned
 * by digest and the template defaults frozen, read with positions,
 * applied to an IR, and written back.  Library code (lock.c); the
 * `stagec lock` command (lock_cmd.c) edits a Lock and writes it.
 * Everything lives in the caller's arena.
 */
#ifndef STAGEC_LOCK_H
#define STAGEC_LOCK_H

#include "internal.h"

#define LOCK_FILE_NAME "stagec.lock"
#define LOCK_DIGEST_PREFIX "sha256:"
#define LOCK_DIGEST_LEN (7 + 64) /* sha256: and 64 lowercase hex digits */

typedef struct LockEntry {
	const char *ref;       /* the reference without its digest, as written (python:3.11-slim) */
	const char *norm;      /* normalised (docker.io/library/python:3.11-slim), for matching */
	const char *digest;    /* sha256:<64 hex> */
	const char *confirmed; /* YYYY-MM-DD: when a resolver (or --set) last gave this digest */
	long confirmed_day;    /* days since 1970-01-01 */
	SrcPos pos;            /* the entry's image: value; no file for an entry made in memory */
	bool drop;             /* left out when the lock is written (--prune) */
} LockEntry;

typedef struct LockTemplate {
	const char *language, *default_version;
	SrcPos pos;
	bool drop;
} LockTemplate;

typedef struct Lock {
	const SourceFile *file; /* NULL for a lock made in memory */
	char hash[72];          /* sha256:<hex> of the file's bytes */
	LockEntry *entries;
	size_t n, cap;
	LockTemplate *templates;
	size_t ntemplates, tcap;
} Lock;

/* Reads and checks the lock at path (shown as display, NULL: path).
 * Returns NULL after adding positioned errors: a lock with errors is
 * never used. */
Lock *lock_load(Arena *a, const char *path, const char *display, Diags *d);
Lock *lock_parse(Arena *a, const SourceFile *f, Diags *d);
Lock *lock_new(Arena *a);

/* The entry for ref (compared normalised), or NULL. */
LockEntry *lock_find(const Lock *l, Arena *a, const char *ref);
/* Adds or updates the entry for ref (which has no digest). */
LockEntry *lock_set(Lock *l, Arena *a, const char *ref, const char *digest, const char *date);
/* The frozen default version of language, or NULL. */
const char *lock_default_version(const Lock *l, const char *language);
void lock_set_template(Lock *l, Arena *a, const char *language, const char *version);
/* The lock's text: header comment, entries sorted by reference,
 * templates sorted by language; entries marked drop left out. */
void lock_write(const Lock *l, Strbuf *out);

/* NULL when s is sha256:<64 lowercase hex>, else what is wrong with it. */
const char *lock_digest_problem(const char *s);
/* NULL when s is a reference a lock may hold (a tag, no digest, not
 * scratch), else what is wrong with it. */
const char *lock_ref_problem(const char *s);
/* days since 1970-01-01 -> YYYY-MM-DD, in the arena. */
const char *lock_date(Arena *a, long day);

/* An image a compilation's FROM lines name, before and after pinning. */
typedef struct LockUse {
	const char *ref;          /* as the IR names it, without a digest */
	const char *digest;       /* the digest it is pinned to (lock or spec), or NULL */
	const LockEntry *entry;   /* the lock's entry, or NULL */
} LockUse;
typedef struct LockUses {
	LockUse *v;
	size_t n, cap;
} LockUses;

/* Pins every stage image of ir that the lock has (FROM ref@digest), and
 * gives the final stage the base-image labels when its image carries a
 * digest.  An image the lock lacks is an error under frozen, a warning
 * when report is set (a lock exists and no policy rule reports it), and
 * stays a tag.  scratch is never locked; an image with a digest in the
 * spec is kept as it is.  Records each image in uses (deduplicated).
 * lock may be NULL (no lock file).  Returns false after errors. */
bool lock_pin(Arena *a, const Lock *lock, StagecLockMode mode, bool report, Ir *ir, const Spec *spec,
	      Diags *d, LockUses *uses);

/* The spec value an image came from (images.run, images.build, version or
 * language), for messages about it. */
SrcPos lock_image_pos(const Spec *spec, const char *image);

#endif
