/*
 * runtime_libs.c - the runtime-library table (templates/runtime-libs.yaml):
 * which Debian packages a -dev package implies at run time (libpq-dev ->
 * libpq5).
 *
 * The YAML file is the one source of truth, but 244 KB of YAML is too much
 * to parse on every run that meets a -dev package.  So the build turns the
 * built-in copy into a C table (tools/gen-runtime-libs-table.c, which
 * parses the file with runtime_libs_parse() of runtime_libs_read.c, the
 * code that reads a --templates folder's copy); runtime_libs_for() searches
 * that table and parses YAML only for a runtime-libs.yaml of a
 * --templates folder, on first use.  tests/unit/test_runtime_libs.c checks
 * that the generated table and the parsed YAML agree entry for entry.
 */
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* The entry of the built-in table for dev, or -1. */
static long builtin_find(const char *dev)
{
	size_t lo = 0, hi = builtin_runtime_libs_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(builtin_runtime_pool + builtin_runtime_libs[mid].dev, dev);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The built-in entry i as a StrList, made once per template set: the set
 * may live as long as the process (a cache), so the lists it hands out
 * must not grow with the number of lookups. */
static const StrList *builtin_list(Templates *t, size_t i)
{
	const BuiltinRuntimeLib *e = &builtin_runtime_libs[i];
	if (!e->n)
		return NULL;
	if (!t->builtin_libs)
		t->builtin_libs = arena_alloc(t->arena, builtin_runtime_libs_count * sizeof(*t->builtin_libs));
	StrList *l = &t->builtin_libs[i];
	if (!l->n)
		for (uint32_t k = 0; k < e->n; k++)
			strlist_push(t->arena, l, builtin_runtime_pool + builtin_runtime_names[e->first + k]);
	return l;
}

const StrList *runtime_libs_for(Templates *t, const char *dev)
{
	size_t len = strlen(dev);
	if (len < 5 || strcmp(dev + len - 4, "-dev") != 0)
		return NULL; /* the table maps -dev packages only */
	if (!t->libs_loaded) {
		/* a --templates folder's own table is read as YAML, once */
		t->libs_loaded = true;
		struct stat st;
		char *path = t->dir ? arena_printf(t->arena, "%s/runtime-libs.yaml", t->dir) : NULL;
		t->libs_builtin = !path || stat(path, &st) != 0;
		const SourceFile *f = t->libs_builtin ? NULL : source_read(t->arena, path, NULL, t->diags);
		if (f)
			runtime_libs_parse(t->arena, f, &t->libs, t->diags);
		/* its line-2 hash (inputs.c): the built-in file's, made at build time */
		for (size_t i = 0; t->libs_builtin && i < embedded_templates_count; i++)
			if (strcmp(embedded_templates[i].name, "runtime-libs.yaml") == 0)
				t->libs_hash = embedded_templates[i].hash;
		if (f) {
			char *hash = arena_alloc(t->arena, INPUT_HASH_LEN + 1);
			inputs_hash(f->text, f->len, hash);
			t->libs_hash = hash;
		}
	}
	/* every compilation that asks names the table on line 2, cached set or not */
	if (t->libs_hash)
		inputs_add_hash(t->inputs, INPUT_TEMPLATE, "runtime-libs.yaml", t->libs_hash);
	if (t->libs_builtin) {
		long i = builtin_find(dev);
		return i < 0 ? NULL : builtin_list(t, (size_t)i);
	}
	const RuntimeLibs *l = &t->libs;
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->v[mid].dev, dev);
		if (c == 0)
			return l->v[mid].runtime.n ? &l->v[mid].runtime : NULL;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
