/*
 * explain.c - what `stagec explain` shows: the effective values of one
 * compilation, each with its source, and where each step of the final
 * program went and why (specs/explain.md).
 *
 * Nothing is re-derived here.  The layers are merged elsewhere, and each
 * merge keeps the position of the value that won: the policy's defaults
 * and enforce are merged into the spec's node tree (policy_merge.c, whose
 * log says which spec values enforce replaced), the flags and the
 * template's values meet the spec in pipeline.c and lower.c, which give
 * every IR step, image and version the position it came from, and the
 * mirror (mirror.c) records each rewrite.  This file reads those: the
 * lowered IR (before the passes move anything) for the values, the final
 * IR for the placement, and names a position's source by the file it
 * points into: the spec, a policy file (enforce when the position is one
 * of enforce's values, else defaults), the lock, a template file (built
 * in, or of --templates), or none (a built-in default of stagec's).
 */
#include <string.h>

#include "internal.h"

struct ExplainCtx {
	Arena *a;
	StagecExplain *ex;
	const Spec *spec;
	const Policy *policy;
	const PolicyLog *log;
	const SourceFile *lock;
	const char *templates_dir;
	StagecValue *values;
	size_t n, cap;
};

static bool same_pos(SrcPos x, SrcPos y)
{
	return x.file == y.file && x.line == y.line && x.col == y.col;
}

/* Whether pos is the position of one of the values in n (enforce's tree). */
static bool in_tree(const YNode *n, SrcPos pos)
{
	if (!n)
		return false;
	if (n->kind != YNODE_MAP && same_pos(n->pos, pos))
		return true;
	for (size_t i = 0; n->kind == YNODE_SEQ && i < n->n; i++)
		if (in_tree(n->items[i], pos))
			return true;
	for (size_t i = 0; n->kind == YNODE_MAP && i < n->n; i++)
		if (same_pos(n->pairs[i].key->pos, pos) || in_tree(n->pairs[i].value, pos))
			return true;
	return false;
}

static StagecSource source_at(const ExplainCtx *c, SrcPos pos, const char *detail)
{
	StagecSource s = {"default", NULL, 0, 0, detail};
	const SourceFile *f = pos.file;
	if (!f)
		return s;
	s.file = f->path;
	s.line = pos.line;
	s.col = pos.col;
	if (f == c->spec->file) {
		s.kind = "spec";
		return s;
	}
	for (size_t i = 0; c->policy && i < c->policy->nchain; i++)
		if (c->policy->chain[i] == f) {
			s.kind = in_tree(c->policy->enforce, pos) ? "policy.enforce" : "policy.defaults";
			return s;
		}
	if (f == c->lock) {
		s.kind = "lock";
		return s;
	}
	size_t dn = c->templates_dir ? strlen(c->templates_dir) : 0;
	if (dn && strncmp(f->path, c->templates_dir, dn) == 0 && f->path[dn] == '/') {
		s.kind = "templates";
		return s;
	}
	s.kind = "template";
	if (strncmp(s.file, "templates/", 10) == 0)
		s.file += 10; /* a built-in template, named by its file in the set */
	return s;
}

static StagecValue *add(ExplainCtx *c, const char *key, const char *value, StagecSource src)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		StagecValue *v = arena_alloc(c->a, c->cap * sizeof(*v));
		if (c->n)
			memcpy(v, c->values, c->n * sizeof(*v));
		c->values = v;
	}
	StagecValue *v = &c->values[c->n++];
	*v = (StagecValue){key, value, src, NULL, {0}, NULL, {0}};
	return v;
}

/* A value at pos: its source, and what enforce replaced there. */
static StagecValue *add_at(ExplainCtx *c, const char *key, const char *value, SrcPos pos, const char *detail)
{
	StagecValue *v = add(c, key, value, source_at(c, pos, detail));
	for (size_t i = 0; c->log && i < c->log->n; i++)
		if (same_pos(c->log->v[i].by, pos)) {
			v->overridden = c->log->v[i].was;
			v->overridden_at = source_at(c, c->log->v[i].spec_pos, NULL);
		}
	return v;
}

/* A lowering fallback: a step with no value of its own carries the spec's
 * language position for its diagnostics; it is stagec's default. */
static SrcPos own_pos(const ExplainCtx *c, SrcPos pos)
{
	return same_pos(pos, c->spec->language.pos) ? (SrcPos){0} : pos;
}

/* The value position of a spec map's key (run.env, labels, build.env):
 * the key may be the spec's while the value is the policy's. */
static SrcPos map_value_pos(const SMap *m, const char *key, SrcPos fallback)
{
	for (size_t i = 0; m->present && i < m->n; i++)
		if (strcmp(m->v[i].key.s, key) == 0)
			return m->v[i].value.pos;
	return fallback;
}

static const char *joined(Arena *a, const StrList *l, const char *sep)
{
	return strlist_join(a, l, sep);
}

/* One line for a step, as the Dockerfile would say it in short. */
static const char *step_text(Arena *a, const Step *st)
{
	switch (st->kind) {
	case STEP_PACKAGES:
		return joined(a, &st->args, " ");
	case STEP_RUN:
		return joined(a, &st->args, " && ");
	case STEP_COPY:
		return arena_printf(a, "%s%s%s%s -> %s", st->from ? "--from=" : "", st->from ? st->from : "",
				    st->from ? " " : "", joined(a, &st->args, " "), st->value);
	case STEP_ENV:
	case STEP_LABEL:
	case STEP_ARG: {
		Strbuf sb = STRBUF_INIT;
		for (size_t i = 0; i < st->keys.n; i++) { /* an ARG may have no default (TARGETARCH) */
			const char *v = i < st->values.n ? st->values.v[i] : NULL;
			strbuf_addf(&sb, "%s%s%s%s", i ? " " : "", st->keys.v[i], v ? "=" : "", v ? v : "");
		}
		const char *s = arena_strdup(a, strbuf_str(&sb));
		strbuf_release(&sb);
		return s;
	}
	case STEP_WORKDIR:
	case STEP_USER:
		return st->value;
	case STEP_ADDUSER:
		return arena_printf(a, "%s (uid %s)", st->value, st->uid);
	case STEP_EXPOSE:
		return joined(a, &st->args, " ");
	case STEP_HEALTHCHECK:
		return st->opts.n ? arena_printf(a, "%s %s", joined(a, &st->opts, " "), joined(a, &st->args, " "))
				  : joined(a, &st->args, " ");
	case STEP_CMD:
	case STEP_ENTRYPOINT:
		return joined(a, &st->args, " ");
	}
	return "";
}

/* The spec-shaped key of a lowered step. */
static const char *step_key(const Step *st)
{
	switch (st->kind) {
	case STEP_PACKAGES:
		return st->role == ROLE_BUILD ? "packages.build" : st->role == ROLE_RUNTIME ? "packages.runtime"
											    : "packages";
	case STEP_RUN:
		return st->tag == TAG_INSTALL ? "install" : st->tag == TAG_BUILD ? "build" : "commands";
	case STEP_COPY:
		return st->tag == TAG_MANIFEST ? "manifests" : st->tag == TAG_SOURCE ? "copy.source" : "copy";
	case STEP_WORKDIR:
		return "run.workdir";
	case STEP_USER:
		return "run.user";
	case STEP_ADDUSER:
		return "run.user.account";
	case STEP_EXPOSE:
		return "run.port";
	case STEP_HEALTHCHECK:
		return "run.healthcheck";
	case STEP_CMD:
		return "run.command";
	case STEP_ENTRYPOINT:
		return "run.entrypoint";
	case STEP_ENV:
	case STEP_LABEL:
	case STEP_ARG:
		break;
	}
	return "step";
}

ExplainCtx *explain_begin(Arena *a, const Spec *spec, const Policy *policy, const PolicyLog *log,
			  const SourceFile *lock, const char *templates_dir, bool single_stage)
{
	ExplainCtx *c = arena_alloc(a, sizeof(*c));
	c->a = a;
	c->ex = arena_alloc(a, sizeof(*c->ex));
	c->ex->spec = spec->file->path;
	c->ex->single_stage = single_stage;
	c->spec = spec;
	c->policy = policy;
	c->log = log;
	c->lock = lock;
	c->templates_dir = templates_dir;
	return c;
}

void explain_values(ExplainCtx *c, const ExplainFacts *f, const Ir *ir)
{
	Arena *a = c->a;
	const Spec *s = c->spec;
	add_at(c, "name", ir->name, s->name.pos, s->name.pos.file ? NULL : "the spec's folder name");
	add_at(c, "language", s->language.s, s->language.pos, NULL);
	add_at(c, "version", ir->version, ir->version_pos, NULL);
	if (f->base_flag)
		add(c, "base", f->base, (StagecSource){"flag", NULL, 0, 0, "--base"});
	else
		add_at(c, "base", f->base, s->base.s ? s->base.pos : f->default_base_pos, NULL);
	if (ir->context)
		add_at(c, "context", ir->context, s->context.pos, NULL);
	if (s->source.s)
		add_at(c, "source", s->source.s, s->source.pos, s->source.pos.file ? NULL : "the spec's folder");
	add_at(c, "images.build", ir->build_image, ir->build_image_pos, NULL);
	add_at(c, "images.run", ir->run_image, ir->run_image_pos, NULL);
	add_at(c, "images.build_family", ir->build_family->name,
	       s->family_build.s ? s->family_build.pos : ir->build_family->pos,
	       s->family_build.s ? NULL : "the first family whose patterns match the image");
	add_at(c, "images.run_family", ir->run_family->name, s->family_run.s ? s->family_run.pos : ir->run_family->pos,
	       s->family_run.s ? NULL : "the first family whose patterns match the image");
	for (const Stage *st = ir->first; st; st = st->next)
		for (const Step *p = st->first; p; p = p->next) {
			if (p->kind == STEP_ENV || p->kind == STEP_LABEL || p->kind == STEP_ARG) {
				const char *prefix = p->kind == STEP_ENV ? "run.env" : p->kind == STEP_LABEL ? "labels"
													      : "build.env";
				const SMap *m = p->kind == STEP_ENV ? &s->env : p->kind == STEP_LABEL ? &s->labels
												      : &s->build_env;
				for (size_t i = 0; i < p->keys.n; i++) {
					SrcPos pos = p->trusted ? p->pos : map_value_pos(m, p->keys.v[i], p->pos);
					add_at(c, arena_printf(a, "%s.%s", prefix, p->keys.v[i]), i < p->values.n && p->values.v[i] ? p->values.v[i] : "", pos,
					       p->why);
				}
				continue;
			}
			add_at(c, step_key(p), step_text(a, p), own_pos(c, p->pos), p->why);
		}
	for (size_t i = 0; i < ir->nartifacts; i++) {
		const Artifact *art = &ir->artifacts[i];
		add_at(c, "artifacts", arena_printf(a, "%s -> %s", art->from, art->to), own_pos(c, art->pos),
		       art->of_image ? "a file of the build image" : NULL);
	}
	size_t spec_lines = s->dockerignore.n;
	StrList common = {0};
	for (size_t i = 0; i < ir->dockerignore.n; i++) {
		bool of_spec = false;
		for (size_t j = 0; j < spec_lines && !of_spec; j++)
			of_spec = strcmp(s->dockerignore.v[j].s, ir->dockerignore.v[i]) == 0;
		if (!of_spec)
			strlist_push(a, &common, ir->dockerignore.v[i]);
	}
	add(c, "dockerignore", joined(a, &common, " "),
	    (StagecSource){"template", "dockerignore.yaml", 0, 0, "the patterns every context leaves out, with "
								   "the template's and the secrets'"});
	for (size_t j = 0; j < spec_lines; j++)
		add_at(c, "dockerignore", s->dockerignore.v[j].s, s->dockerignore.v[j].pos, NULL);
}

void explain_rewrites(ExplainCtx *c, const ImageRewrite *rw, size_t n)
{
	for (size_t i = 0; i < c->n; i++) {
		StagecValue *v = &c->values[i];
		if (strcmp(v->key, "images.build") != 0 && strcmp(v->key, "images.run") != 0)
			continue;
		for (size_t j = 0; j < n; j++)
			if (strcmp(v->value, rw[j].from) == 0) {
				v->was = v->value;
				v->value = rw[j].to;
				v->rewrite = source_at(c, rw[j].pos, "enforce.images.mirror");
			}
	}
}

const StagecExplain *explain_finish(ExplainCtx *c, const Ir *ir)
{
	Arena *a = c->a;
	size_t n = 0;
	for (const Stage *st = ir->first; st; st = st->next)
		for (const Step *p = st->first; p; p = p->next)
			n++;
	StagecPlacement *v = arena_alloc(a, (n + 1) * sizeof(*v));
	n = 0;
	for (const Stage *st = ir->first; st; st = st->next)
		for (const Step *p = st->first; p; p = p->next) {
			SrcPos pos = own_pos(c, p->pos);
			v[n++] = (StagecPlacement){st->name ? st->name : "", ir_step_kind_name(p->kind),
						   step_text(a, p), ir_role_name(p->role), p->why ? p->why : "",
						   source_at(c, pos, NULL)};
		}
	c->ex->values = c->values;
	c->ex->nvalues = c->n;
	c->ex->steps = v;
	c->ex->nsteps = n;
	return c->ex;
}
