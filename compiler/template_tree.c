/*
 * template_tree.c - the node tree of a built-in template file, built from
 * data made at build time (tools/gen-template-trees.c) instead of parsed.
 *
 * Parsing the families, the bases, the .dockerignore lists and a
 * language's template with libyaml was half of what a one-spec run cost.
 * template_yaml() takes any template file: when its bytes are those of a
 * built-in one, it returns the tree the generator read from them (the
 * same nodes, strings and positions yaml_load would give, positions in
 * f); otherwise (a --templates folder's own file) it parses f.
 * tests/unit/test_yaml.c checks the trees against yaml_load.
 */
#include <string.h>

#include "internal.h"

static YNode *build(Arena *a, const SourceFile *f, const EmbeddedTree *t)
{
	YNode *nodes = arena_alloc(a, t->nnodes * sizeof(*nodes));
	for (size_t i = 0; i < t->nnodes; i++) {
		const TreeNode *tn = &t->nodes[i];
		YNode *y = &nodes[i];
		y->kind = (YNodeKind)tn->kind;
		y->pos = (SrcPos){f, (int)tn->line, (int)tn->col};
		y->plain = tn->plain;
		y->is_null = tn->is_null;
		y->str = tn->str == UINT32_MAX ? NULL : t->pool + tn->str;
		y->len = tn->len;
		y->n = tn->n;
		const uint32_t *k = t->kids + tn->first;
		if (y->kind == YNODE_SEQ && y->n) {
			y->items = arena_alloc(a, y->n * sizeof(*y->items));
			for (size_t j = 0; j < y->n; j++)
				y->items[j] = &nodes[k[j]];
		} else if (y->kind == YNODE_MAP && y->n) {
			y->pairs = arena_alloc(a, y->n * sizeof(*y->pairs));
			for (size_t j = 0; j < y->n; j++)
				y->pairs[j] = (YPair){&nodes[k[2 * j]], &nodes[k[2 * j + 1]]};
		}
	}
	return &nodes[0];
}

const EmbeddedTree *template_tree_of(const SourceFile *f)
{
	for (size_t i = 0; i < embedded_templates_count; i++) {
		const EmbeddedFile *e = &embedded_templates[i];
		if (e->len != f->len || memcmp(e->text, f->text, f->len) != 0)
			continue;
		for (size_t j = 0; j < embedded_trees_count; j++)
			if (strcmp(embedded_trees[j].name, e->name) == 0)
				return &embedded_trees[j];
	}
	return NULL;
}

YNode *template_yaml(Arena *a, const SourceFile *f, Diags *d)
{
	const EmbeddedTree *t = template_tree_of(f);
	return t ? build(a, f, t) : yaml_load(a, f, d);
}
