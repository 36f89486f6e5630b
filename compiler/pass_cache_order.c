/*
 * pass_cache_order.c - install dependencies before the source is copied.
 *
 * Docker reuses a layer while the files it was built from are unchanged.
 * Lowering copies the whole source and then installs dependencies, so any
 * source edit re-runs the install.  This pass finds each install step that
 * comes after the source copy, copies just the files it needs (the
 * manifests and lockfiles in its needs list) ahead of the source copy, and
 * moves the install up behind them.  A source edit then starts from the
 * source copy and the install stays cached.
 * Assumes: install steps list what they read in `needs`, relative to the
 * source folder, directories ending in '/'.  Guarantees: no install step
 * follows a source copy; a moved install's reason says so.
 */
#include <string.h>

#include "internal.h"

/* The destination folder of a manifest, relative to the WORKDIR: "./" or
 * "./sub/" for a file, "./dir/" for a directory. */
static const char *dest_of(Arena *a, const char *path)
{
	size_t n = strlen(path);
	if (n && path[n - 1] == '/')
		return arena_printf(a, "./%s", path);
	const char *slash = strrchr(path, '/');
	if (!slash)
		return "./";
	return arena_printf(a, "./%.*s/", (int)(slash - path), path);
}

/* With a context (Ir.image_root), needs are relative to it, and go to the
 * same place under the image's root. */
static const char *dest_in(const Ir *ir, const char *path)
{
	const char *d = dest_of(ir->arena, path);
	return ir->image_root ? arena_printf(ir->arena, "%s/%s", ir->image_root, d + 2) : d;
}

static const char *src_of(Arena *a, const char *source_dir, const char *path)
{
	if (strcmp(source_dir, ".") == 0)
		return path;
	return arena_printf(a, "%s/%s", source_dir, path);
}

/* One COPY per destination folder, files of one folder together. */
static void copy_manifests(Ir *ir, Stage *s, Step *before, const Step *install)
{
	size_t n = install->needs.n;
	bool *done = arena_alloc(ir->arena, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		const char *dest = dest_in(ir, install->needs.v[i]);
		Step *cp = ir_step_new(ir, STEP_COPY, ROLE_BUILD, install->pos,
				       "the install's manifests first, so that a source edit keeps the install cached");
		cp->tag = TAG_MANIFEST;
		cp->value = dest;
		bool is_dir = dest[strlen(dest) - 1] == '/' &&
			      install->needs.v[i][strlen(install->needs.v[i]) - 1] == '/';
		for (size_t j = i; j < n; j++) {
			if (done[j] || strcmp(dest_in(ir, install->needs.v[j]), dest) != 0)
				continue;
			bool j_dir = install->needs.v[j][strlen(install->needs.v[j]) - 1] == '/';
			if (j_dir != is_dir || (is_dir && j != i))
				continue;
			strlist_push(ir->arena, &cp->args,
				     src_of(ir->arena, ir->image_root ? "." : ir->source_dir, install->needs.v[j]));
			done[j] = true;
		}
		ir_step_insert_before(s, before, cp);
	}
}

int pass_cache_order(Ir *ir, PassCtx *ctx)
{
	(void)ctx;
	for (Stage *s = ir->first; s; s = s->next) {
		Step *source = NULL;
		for (Step *st = s->first, *next; st; st = next) {
			next = st->next;
			if (st->kind == STEP_COPY && st->tag == TAG_SOURCE && !source)
				source = st;
			if (st->tag != TAG_INSTALL || !source)
				continue;
			ir_step_unlink(s, st);
			copy_manifests(ir, s, source, st);
			ir_step_insert_before(s, source, st);
			st->why = arena_printf(ir->arena, "%s, before the source: cached until a manifest changes",
					       st->why ? st->why : "install");
		}
	}
	return 0;
}
