/*
 * policy_merge.c - the policy's defaults and enforce merged around a spec,
 * as YAML node trees, before the spec reader sees them.
 *
 * The layers, lowest first: the template (filled later by lowering for
 * what is still unset), the policy's defaults (outermost policy first),
 * the spec, the command-line flags (applied by the pipeline), the policy's
 * enforce.  Maps merge key by key; scalars and lists replace.  Nodes keep
 * their positions, so the spec reader's diagnostics about a value that
 * came from the policy point at the policy file's line.  Trees are never
 * changed in place: a merged mapping is a new node holding pairs of both.
 * When enforce replaces a value the spec file set differently, a warning
 * STG010 at the spec's line names the policy line that won.  A policy's
 * healthcheck without a command (timings only) applies only to a spec
 * that has a healthcheck: it completes one, it never creates one.
 */
#include <string.h>

#include "internal.h"

static bool is_null(const YNode *n)
{
	return !n || (n->kind == YNODE_SCALAR && n->is_null);
}

bool ynode_equal(const YNode *x, const YNode *y)
{
	if (!x || !y)
		return x == y;
	if (x->kind != y->kind || x->n != y->n)
		return false;
	switch (x->kind) {
	case YNODE_SCALAR:
		return x->is_null == y->is_null && x->len == y->len && memcmp(x->str, y->str, x->len) == 0;
	case YNODE_SEQ:
		for (size_t i = 0; i < x->n; i++)
			if (!ynode_equal(x->items[i], y->items[i]))
				return false;
		return true;
	case YNODE_MAP:
		for (size_t i = 0; i < x->n; i++)
			if (!ynode_equal(x->pairs[i].value, ynode_get(y, x->pairs[i].key->str)))
				return false;
		return true;
	}
	return false;
}

/* A new mapping at base's position with base's pairs, then over's keys
 * that base lacks; pick() decides the value of a key both have. */
typedef YNode *(*PickFn)(Arena *a, YNode *base, YNode *over, const char *path, void *ctx);

static YNode *merge_maps(Arena *a, const YNode *base, const YNode *over, const YNode *pos_from,
			 const char *path, PickFn pick, void *ctx)
{
	YNode *m = arena_alloc(a, sizeof(*m));
	*m = *pos_from;
	m->pairs = arena_alloc(a, (base->n + over->n + 1) * sizeof(YPair));
	m->n = 0;
	for (size_t i = 0; i < base->n; i++) {
		const char *key = base->pairs[i].key->str;
		YNode *o = ynode_get(over, key);
		const char *sub = *path ? arena_printf(a, "%s.%s", path, key) : key;
		m->pairs[m->n].key = base->pairs[i].key;
		m->pairs[m->n].value = o ? pick(a, base->pairs[i].value, o, sub, ctx) : base->pairs[i].value;
		m->n++;
	}
	for (size_t i = 0; i < over->n; i++)
		if (!ynode_get(base, over->pairs[i].key->str))
			m->pairs[m->n++] = over->pairs[i];
	return m;
}

static YNode *pick_under(Arena *a, YNode *base, YNode *over, const char *path, void *ctx)
{
	if (is_null(over))
		return base;
	if (base->kind == YNODE_MAP && over->kind == YNODE_MAP)
		return merge_maps(a, base, over, over, path, pick_under, ctx);
	return over;
}

YNode *policy_merge_under(Arena *a, YNode *base, YNode *over)
{
	if (!base)
		return over;
	if (!over)
		return base;
	return pick_under(a, base, over, "", NULL);
}

typedef struct OverCtx {
	const SourceFile *spec;
	Diags *d;
	PolicyLog *log;
} OverCtx;

static void log_override(Arena *a, PolicyLog *log, const char *key, const char *was, SrcPos spec_pos, SrcPos by)
{
	if (!log)
		return;
	if (log->n == log->cap) {
		log->cap = log->cap ? 2 * log->cap : 4;
		PolicyOverride *v = arena_alloc(a, log->cap * sizeof(*v));
		if (log->n)
			memcpy(v, log->v, log->n * sizeof(*v));
		log->v = v;
	}
	log->v[log->n++] = (PolicyOverride){key, was, spec_pos, by};
}

static const char *show_value(Arena *a, const YNode *n)
{
	if (n->kind != YNODE_SCALAR)
		return ynode_kind_name(n->kind);
	if (n->len > 40)
		return arena_printf(a, "'%.37s...'", n->str);
	return arena_printf(a, "'%s'", n->str);
}

static YNode *pick_over(Arena *a, YNode *base, YNode *over, const char *path, void *vctx)
{
	OverCtx *c = vctx;
	if (base->kind == YNODE_MAP && over->kind == YNODE_MAP)
		return merge_maps(a, base, over, base, path, pick_over, c);
	if (c->spec && base->pos.file == c->spec && !is_null(base) && !ynode_equal(base, over)) {
		diag_warning(c->d, base->pos, "'%s' is %s in the spec, overridden by policy (%s:%d:%d) [STG010]",
			     path, show_value(a, base), over->pos.file ? over->pos.file->path : "policy",
			     over->pos.line, over->pos.col);
		log_override(a, c->log, path, show_value(a, base), base->pos, over->pos);
	}
	return over;
}

static YNode *merge_over(Arena *a, YNode *base, YNode *over, const SourceFile *spec, Diags *d, PolicyLog *log)
{
	if (!over)
		return base;
	if (!base)
		return over;
	OverCtx c = {spec, d, log};
	return pick_over(a, base, over, "", &c);
}

YNode *policy_merge_over(Arena *a, YNode *base, YNode *over, const SourceFile *spec, Diags *d)
{
	return merge_over(a, base, over, spec, d, NULL);
}

/* root without run.healthcheck when the spec has none and the policy's
 * has no command. */
static YNode *drop_partial_healthcheck(Arena *a, YNode *root, const YNode *spec_root)
{
	YNode *run = ynode_get(root, "run");
	YNode *hc = ynode_get(run, "healthcheck");
	if (!hc || hc->kind != YNODE_MAP || ynode_get(hc, "command") ||
	    !is_null(ynode_get(ynode_get(spec_root, "run"), "healthcheck")))
		return root;
	YNode *run2 = arena_alloc(a, sizeof(*run2));
	*run2 = *run;
	run2->pairs = arena_alloc(a, (run->n + 1) * sizeof(YPair));
	run2->n = 0;
	for (size_t i = 0; i < run->n; i++)
		if (strcmp(run->pairs[i].key->str, "healthcheck") != 0)
			run2->pairs[run2->n++] = run->pairs[i];
	YNode *root2 = arena_alloc(a, sizeof(*root2));
	*root2 = *root;
	root2->pairs = arena_alloc(a, (root->n + 1) * sizeof(YPair));
	for (size_t i = 0; i < root->n; i++) {
		root2->pairs[i] = root->pairs[i];
		if (strcmp(root->pairs[i].key->str, "run") == 0)
			root2->pairs[i].value = run2;
	}
	return root2;
}

YNode *ynode_without(Arena *a, const YNode *map, const char *key)
{
	if (!map)
		return NULL;
	YNode *m = arena_alloc(a, sizeof(*m));
	*m = *map;
	if (map->kind != YNODE_MAP || !ynode_get(map, key))
		return m;
	m->pairs = arena_alloc(a, (map->n + 1) * sizeof(YPair));
	m->n = 0;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->pairs[i].key->str, key) != 0)
			m->pairs[m->n++] = map->pairs[i];
	return m;
}

YNode *policy_apply(Arena *a, const Policy *p, YNode *spec_root, const SourceFile *spec, Diags *d)
{
	return policy_apply_logged(a, p, spec_root, spec, d, NULL);
}

YNode *policy_apply_logged(Arena *a, const Policy *p, YNode *spec_root, const SourceFile *spec, Diags *d,
			   PolicyLog *log)
{
	if (!p || !spec_root || spec_root->kind != YNODE_MAP)
		return spec_root; /* the spec reader says what is wrong */
	YNode *defaults = NULL;
	for (size_t i = 0; i < p->ndefaults; i++)
		defaults = policy_merge_under(a, defaults, p->defaults[i]);
	YNode *root = defaults ? policy_merge_under(a, defaults, spec_root) : spec_root;
	if (defaults) { /* the root keeps the spec's position */
		YNode *r = arena_alloc(a, sizeof(*r));
		*r = *root;
		r->pos = spec_root->pos;
		root = r;
	}
	/* enforce.platforms is the bake file's (stagec_result_platforms), and
	 * images.mirror rewrites the final images (mirror.c): no spec keys */
	root = merge_over(a, root, mirror_strip(a, ynode_without(a, p->enforce, POLICY_PLATFORMS)), spec, d, log);
	return drop_partial_healthcheck(a, root, spec_root);
}
