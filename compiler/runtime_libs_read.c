/*
 * runtime_libs_read.c - reading a runtime-library table from YAML
 * (templates/runtime-libs.yaml; see runtime_libs.c).  Shared by stagec,
 * for a --templates folder's copy, and by the build-time generator of the
 * built-in table (tools/gen-runtime-libs-table.c), so both read the file
 * the same way: only valid package names, entries sorted by name.
 */
#include <string.h>

#include "internal.h"

void runtime_libs_add(Arena *a, RuntimeLibs *l, const char *dev, const StrList *runtime)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		RuntimeLib *v = arena_alloc(a, cap * sizeof(*v));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].dev = dev;
	l->v[l->n].runtime = *runtime;
	l->n++;
}

bool runtime_libs_parse(Arena *a, const SourceFile *f, RuntimeLibs *out, Diags *d)
{
	YNode *root = yaml_load(a, f, d);
	const YNode *libs = ynode_get(root, "libraries");
	if (!libs || libs->kind != YNODE_MAP) {
		if (root)
			diag_error(d, root->pos, "runtime-libs.yaml needs 'libraries': a mapping of -dev packages");
		return false;
	}
	for (size_t i = 0; i < libs->n; i++) {
		const YNode *v = libs->pairs[i].value;
		if (v->kind != YNODE_SEQ)
			continue;
		StrList runtime = {0};
		for (size_t j = 0; j < v->n; j++)
			if (v->items[j]->kind == YNODE_SCALAR && valid_package_name(v->items[j]->str))
				strlist_push(a, &runtime, v->items[j]->str);
		const char *dev = libs->pairs[i].key->str;
		if (out->n && strcmp(out->v[out->n - 1].dev, dev) >= 0) {
			diag_error(d, libs->pairs[i].key->pos,
				   "runtime-libs.yaml must be sorted by name (regenerate it with "
				   "templates/tools/gen-runtime-libs.sh)");
			return false;
		}
		runtime_libs_add(a, out, dev, &runtime);
	}
	return true;
}
