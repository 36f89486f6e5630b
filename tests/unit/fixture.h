/*
 * fixture.h - the shared setup of the unit tests that need files: an
 * arena, a Diags, a fresh folder under /tmp (removed afterwards) and a
 * Project over it.  A test writes the files it needs with fx_write() and
 * asserts on what the readers return and on fx_error(), the first error.
 */
#ifndef STAGEC_TEST_FIXTURE_H
#define STAGEC_TEST_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "project/project.h"

typedef struct Fx {
	Arena *a;
	Diags d;
	char dir[64];
	Project p;
} Fx;

static inline int fx_setup(void **state)
{
	Fx *t = calloc(1, sizeof(*t));
	t->a = arena_new();
	diags_init(&t->d, t->a, 20, false);
	strcpy(t->dir, "/tmp/stagec-unit-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	assert_true(project_init(&t->p, t->a, &t->d, t->dir, "ctx"));
	*state = t;
	return 0;
}

static inline int fx_teardown(void **state)
{
	Fx *t = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
	arena_free(t->a);
	free(t);
	return 0;
}

static inline const char *fx_path(Fx *t, const char *name)
{
	return arena_printf(t->a, "%s/%s", t->dir, name);
}

/* Writes name (relative to the folder), making its parent folders. */
static inline void fx_write(Fx *t, const char *name, const char *text)
{
	char *path = arena_strdup(t->a, fx_path(t, name));
	for (char *s = path + strlen(t->dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The first error's message, or NULL. */
static inline const char *fx_error(const Fx *t)
{
	for (const Diag *g = t->d.head; g; g = g->next)
		if (g->level == DIAG_ERROR)
			return g->msg;
	return NULL;
}

static inline bool fx_error_has(const Fx *t, const char *part)
{
	const char *m = fx_error(t);
	if (!m || !strstr(m, part)) {
		print_error("first error: %s\nwanted a part: %s\n", m ? m : "(none)", part);
		return false;
	}
	return true;
}

#define FX_TEST(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

#endif
