/*
 * ir.c - the intermediate representation: stages of typed steps.
 *
 * Construction and editing helpers for the passes, the stable text dump
 * used by --dump-ir and the golden tests, and ir_check(), the invariants
 * every pass must keep (run between passes in the driver).
 */
#include <string.h>

#include "internal.h"

Ir *ir_new(Arena *a)
{
	Ir *ir = arena_alloc(a, sizeof(*ir));
	ir->arena = a;
	return ir;
}

Stage *ir_stage_append(Ir *ir, const char *name, const char *image, const Family *family)
{
	Stage *s = arena_alloc(ir->arena, sizeof(*s));
	s->name = name;
	s->image = image;
	s->family = family;
	s->prev = ir->last;
	if (ir->last)
		ir->last->next = s;
	else
		ir->first = s;
	ir->last = s;
	return s;
}

void ir_add_artifact(Ir *ir, const char *from, const char *to, bool of_image, SrcPos pos)
{
	if (ir_artifact(ir, from))
		return;
	Artifact *v = arena_alloc(ir->arena, (ir->nartifacts + 1) * sizeof(*v));
	if (ir->nartifacts)
		memcpy(v, ir->artifacts, ir->nartifacts * sizeof(*v));
	v[ir->nartifacts++] = (Artifact){from, to, of_image, pos};
	ir->artifacts = v;
}

const Artifact *ir_artifact(const Ir *ir, const char *from)
{
	for (size_t i = 0; i < ir->nartifacts; i++)
		if (strcmp(ir->artifacts[i].from, from) == 0)
			return &ir->artifacts[i];
	return NULL;
}

void ir_stage_remove(Ir *ir, Stage *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		ir->first = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		ir->last = s->prev;
	s->prev = s->next = NULL;
}

Step *ir_step_new(Ir *ir, StepKind kind, StepRole role, SrcPos pos, const char *why)
{
	Step *st = arena_alloc(ir->arena, sizeof(*st));
	st->kind = kind;
	st->role = role;
	st->pos = pos;
	st->why = why;
	return st;
}

void ir_step_insert_before(Stage *s, Step *before, Step *step)
{
	if (!before) {
		step->prev = s->last;
		step->next = NULL;
		if (s->last)
			s->last->next = step;
		else
			s->first = step;
		s->last = step;
		return;
	}
	step->next = before;
	step->prev = before->prev;
	if (before->prev)
		before->prev->next = step;
	else
		s->first = step;
	before->prev = step;
}

void ir_step_append(Stage *s, Step *step)
{
	ir_step_insert_before(s, NULL, step);
}

void ir_step_unlink(Stage *s, Step *step)
{
	if (step->prev)
		step->prev->next = step->next;
	else
		s->first = step->next;
	if (step->next)
		step->next->prev = step->prev;
	else
		s->last = step->prev;
	step->prev = step->next = NULL;
}

const char *ir_why_join(Ir *ir, const char *a, const char *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	size_t n = strlen(b);
	for (const char *p = a; (p = strstr(p, b)); p++) /* b is one of a's parts already */
		if ((p == a || (p - a >= 2 && p[-2] == ';' && p[-1] == ' ')) && (!p[n] || (p[n] == ';' && p[n + 1] == ' ')))
			return a;
	return arena_printf(ir->arena, "%s; %s", a, b);
}

Step *ir_step_clone(Ir *ir, const Step *src)
{
	Step *st = arena_alloc(ir->arena, sizeof(*st));
	*st = *src;
	st->prev = st->next = NULL;
	memset(&st->args, 0, sizeof(st->args));
	memset(&st->opts, 0, sizeof(st->opts));
	memset(&st->needs, 0, sizeof(st->needs));
	memset(&st->produces, 0, sizeof(st->produces));
	memset(&st->keys, 0, sizeof(st->keys));
	memset(&st->values, 0, sizeof(st->values));
	strlist_copy(ir->arena, &st->keys, &src->keys);
	strlist_copy(ir->arena, &st->values, &src->values);
	strlist_copy(ir->arena, &st->args, &src->args);
	strlist_copy(ir->arena, &st->opts, &src->opts);
	strlist_copy(ir->arena, &st->needs, &src->needs);
	strlist_copy(ir->arena, &st->produces, &src->produces);
	st->mounts = NULL;
	st->nmounts = 0;
	for (uint32_t i = 0; i < src->nmounts; i++)
		ir_step_add_mount(ir, st, &src->mounts[i]);
	return st;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

void ir_step_add_mount(Ir *ir, Step *st, const Mount *m)
{
	for (uint32_t i = 0; i < st->nmounts; i++) {
		const Mount *o = &st->mounts[i];
		if (o->kind == m->kind && same_str(o->target, m->target) && same_str(o->id, m->id) &&
		    same_str(o->source, m->source) && o->locked == m->locked && o->required == m->required)
			return;
	}
	/* grown by copying: steps hold a handful of mounts at most */
	Mount *v = arena_alloc(ir->arena, (st->nmounts + 1) * sizeof(*v));
	if (st->nmounts)
		memcpy(v, st->mounts, st->nmounts * sizeof(*v));
	v[st->nmounts] = *m;
	st->mounts = v;
	st->nmounts++;
}

bool path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || !path[n]);
}

const char *ir_mount_kind_name(MountKind k)
{
	switch (k) {
	case MOUNT_CACHE:
		return "cache";
	case MOUNT_SECRET:
		return "secret";
	case MOUNT_BIND:
		return "bind";
	}
	return "?";
}

const char *ir_step_kind_name(StepKind k)
{
	switch (k) {
	case STEP_PACKAGES:
		return "packages";
	case STEP_COPY:
		return "copy";
	case STEP_RUN:
		return "run";
	case STEP_ENV:
		return "env";
	case STEP_WORKDIR:
		return "workdir";
	case STEP_USER:
		return "user";
	case STEP_EXPOSE:
		return "expose";
	case STEP_HEALTHCHECK:
		return "healthcheck";
	case STEP_CMD:
		return "cmd";
	case STEP_ENTRYPOINT:
		return "entrypoint";
	case STEP_LABEL:
		return "label";
	case STEP_ARG:
		return "arg";
	case STEP_ADDUSER:
		return "adduser";
	}
	return "?";
}

const char *ir_role_name(StepRole r)
{
	switch (r) {
	case ROLE_BUILD:
		return "build";
	case ROLE_RUNTIME:
		return "runtime";
	case ROLE_BOTH:
		return "both";
	}
	return "?";
}

static const char *tag_name(StepTag t)
{
	switch (t) {
	case TAG_NONE:
		return NULL;
	case TAG_MANIFEST:
		return "manifest";
	case TAG_SOURCE:
		return "source";
	case TAG_INSTALL:
		return "install";
	case TAG_BUILD:
		return "build";
	case TAG_ARTIFACT:
		return "artifact";
	case TAG_CROSS:
		return "cross";
	}
	return NULL;
}

static void dump_list(Strbuf *out, const char *label, const StrList *l)
{
	if (label)
		strbuf_addf(out, " %s=", label);
	else
		strbuf_addc(out, ' ');
	emit_json_array(out, l);
}

static void dump_step(const Step *st, Strbuf *out)
{
	strbuf_addf(out, "  %-11s %-7s", ir_step_kind_name(st->kind), ir_role_name(st->role));
	const char *tag = tag_name(st->tag);
	if (tag)
		strbuf_addf(out, " (%s)", tag);
	if (st->from)
		strbuf_addf(out, " from=%s", st->from);
	for (size_t i = 0; i < st->keys.n; i++) {
		if (i >= st->values.n) { /* a declaration (ARG NAME) */
			strbuf_addf(out, " %s", st->keys.v[i]);
			continue;
		}
		strbuf_addf(out, " %s=", st->keys.v[i]);
		emit_json_string(out, st->values.v[i]);
	}
	if (st->trusted)
		strbuf_adds(out, " (trusted)");
	if (st->value && st->kind != STEP_COPY) {
		strbuf_addc(out, ' ');
		emit_json_string(out, st->value);
	}
	if (st->uid)
		strbuf_addf(out, " uid=%s", st->uid);
	if (st->args.n || st->kind == STEP_PACKAGES || st->kind == STEP_COPY)
		dump_list(out, NULL, &st->args);
	if (st->kind == STEP_COPY) {
		strbuf_adds(out, " -> ");
		emit_json_string(out, st->value ? st->value : "");
	}
	if (st->opts.n)
		dump_list(out, "opts", &st->opts);
	if (st->needs.n)
		dump_list(out, "needs", &st->needs);
	if (st->produces.n)
		dump_list(out, "produces", &st->produces);
	if (st->rebuilds_source)
		strbuf_adds(out, " (rebuilds source)");
	for (uint32_t i = 0; i < st->nmounts; i++) {
		const Mount *m = &st->mounts[i];
		strbuf_addf(out, " mount=%s:%s", ir_mount_kind_name(m->kind), m->target ? m->target : "");
		if (m->id)
			strbuf_addf(out, ",id=%s", m->id);
		if (m->source)
			strbuf_addf(out, ",source=%s", m->source);
		if (m->locked)
			strbuf_adds(out, ",locked");
		if (m->required)
			strbuf_adds(out, ",required");
	}
	if (st->why)
		strbuf_addf(out, "  # %s", st->why);
	if (st->pos.file)
		strbuf_addf(out, " [%s:%d:%d]", st->pos.file->path, st->pos.line, st->pos.col);
	strbuf_addc(out, '\n');
}

void ir_dump(const Ir *ir, Strbuf *out)
{
	for (const Stage *s = ir->first; s; s = s->next) {
		strbuf_addf(out, "stage %s FROM %s (%s)", s->name ? s->name : "(final)", s->image,
			    s->family ? s->family->name : "no family");
		if (s->platform)
			strbuf_addf(out, " platform=%s", s->platform);
		if (s->why)
			strbuf_addf(out, "  # %s", s->why);
		strbuf_addc(out, '\n');
		for (const Step *st = s->first; st; st = st->next)
			dump_step(st, out);
	}
}

/* A platform ARG that text the template wrote (an ARG or ENV value, a
 * command) uses and the stage did not declare before: BuildKit would give
 * it no value there.  Spec text expands nothing, so it cannot use one. */
static const char *uses_undeclared(Arena *a, const Step *st, const StrList *declared)
{
	if (!st->trusted)
		return NULL;
	StrList refs = {0};
	for (size_t i = 0; i < st->values.n; i++)
		cross_platform_refs(a, st->values.v[i], &refs);
	for (size_t i = 0; st->kind == STEP_RUN && i < st->args.n; i++)
		cross_platform_refs(a, st->args.v[i], &refs);
	for (size_t i = 0; i < refs.n; i++)
		if (!strlist_contains(declared, refs.v[i]))
			return refs.v[i];
	return NULL;
}

static const char *check_stage(const Ir *ir, const Stage *s)
{
	Arena *a = ir->arena;
	const char *sname = s->name ? s->name : "(final)";
	if (!s->image || !*s->image)
		return arena_printf(a, "stage %s has no image", sname);
	if (!s->family)
		return arena_printf(a, "stage %s has no image family", sname);
	for (const Stage *o = ir->first; o != s; o = o->next)
		if (s->name && o->name && strcmp(o->name, s->name) == 0)
			return arena_printf(a, "two stages are named %s", sname);
	if (s->platform && (strcmp(s->platform, CROSS_BUILD_PLATFORM) != 0 || !s->name || s == ir->last))
		return arena_printf(a, "stage %s runs on platform '%s': only a named stage before the final one "
				    "runs on " CROSS_BUILD_PLATFORM, sname, s->platform);
	StrList declared = {0}; /* the platform ARGs declared so far in this stage */
	int cmds = 0;
	const Step *prev = NULL;
	for (const Step *st = s->first; st; prev = st, st = st->next) {
		const char *k = ir_step_kind_name(st->kind);
		if (st->prev != prev)
			return arena_printf(a, "broken step links in stage %s", sname);
		bool needs_shell = st->kind == STEP_RUN || st->kind == STEP_PACKAGES || st->kind == STEP_ADDUSER;
		if (needs_shell && !s->family->has_shell)
			return arena_printf(a, "a %s step in stage %s, which has no shell", k, sname);
		if (st->kind == STEP_ADDUSER && (!s->family->add_user.n || !st->value || !st->uid))
			return arena_printf(a, "an adduser step in stage %s, which cannot create users", sname);
		if (st->kind == STEP_CMD && ++cmds > 1)
			return arena_printf(a, "two cmd steps in stage %s", sname);
		if (st->kind == STEP_PACKAGES) {
			if (!s->family->install.n)
				return arena_printf(a, "a packages step in stage %s, which has no package manager", sname);
			for (size_t i = 0; i < st->args.n; i++)
				if (!valid_package_name(st->args.v[i]))
					return arena_printf(a, "bad package name in stage %s", sname);
		}
		bool declares = st->kind == STEP_ARG && st->keys.n && !st->values.n;
		if ((st->kind == STEP_ENV || st->kind == STEP_LABEL || st->kind == STEP_ARG) && !declares &&
		    (st->keys.n == 0 || st->keys.n != st->values.n))
			return arena_printf(a, "an %s step without matching names and values in stage %s", k, sname);
		if (declares && st->keys.n != 1)
			return arena_printf(a, "an arg declaration of %u names in stage %s (one a step)", st->keys.n, sname);
		for (size_t i = 0; declares && i < st->keys.n; i++) {
			if (!cross_platform_arg(st->keys.v[i]))
				return arena_printf(a, "an arg declaration of '%s', not a platform ARG, in stage %s",
						    st->keys.v[i], sname);
			strlist_push(a, &declared, st->keys.v[i]);
		}
		const char *undeclared = uses_undeclared(a, st, &declared);
		if (undeclared)
			return arena_printf(a, "a %s step uses $%s, which stage %s does not declare before it", k,
					    undeclared, sname);
		for (size_t i = 0; (st->kind == STEP_ENV || st->kind == STEP_ARG) && i < st->keys.n; i++)
			if (!valid_env_name(st->keys.v[i]))
				return arena_printf(a, "bad env name in stage %s", sname);
		if (st->nmounts && !needs_shell)
			return arena_printf(a, "a %s step with mounts in stage %s", k, sname);
		for (uint32_t i = 0; i < st->nmounts; i++) {
			const Mount *m = &st->mounts[i];
			if (!m->target || m->target[0] != '/' || !valid_mount_word(m->target) ||
			    (m->id && !valid_mount_word(m->id)) ||
			    (m->kind == MOUNT_SECRET && !m->id) ||
			    (m->kind == MOUNT_BIND) != (m->source != NULL) ||
			    (m->source && (!valid_mount_word(m->source) || m->source[0] == '/')))
				return arena_printf(a, "a bad %s mount in stage %s", ir_mount_kind_name(m->kind), sname);
			/* a cache never ends up in an image: what a step makes, or
			 * the final stage copies, is never inside one */
			for (size_t j = 0; m->kind == MOUNT_CACHE && j < st->produces.n; j++)
				if (path_within(st->produces.v[j], m->target))
					return arena_printf(a, "a step of stage %s makes %s inside its cache mount %s",
							    sname, st->produces.v[j], m->target);
			for (size_t j = 0; m->kind == MOUNT_CACHE && j < ir->nartifacts; j++)
				if (!ir->artifacts[j].of_image && path_within(ir->artifacts[j].from, m->target))
					return arena_printf(a, "the artifact %s is inside the cache mount %s of stage %s",
							    ir->artifacts[j].from, m->target, sname);
		}
		if (st->why && has_control_chars(st->why))
			return arena_printf(a, "a %s step in stage %s whose reason is not one line", k, sname);
		if (st->kind == STEP_COPY && (!st->value || st->args.n == 0))
			return arena_printf(a, "a copy without source or destination in stage %s", sname);
		if (st->from) {
			bool earlier = false;
			for (const Stage *o = ir->first; o != s; o = o->next)
				if (o->name && strcmp(o->name, st->from) == 0)
					earlier = true;
			if (!earlier)
				return arena_printf(a, "copy from '%s', which is not an earlier stage", st->from);
		}
	}
	if (prev != s->last)
		return arena_printf(a, "stage %s's last step is wrong", sname);
	return NULL;
}

const char *ir_check(const Ir *ir)
{
	if (!ir->first)
		return "the IR has no stage";
	const Stage *prev = NULL;
	for (const Stage *s = ir->first; s; prev = s, s = s->next) {
		if (s->prev != prev)
			return "broken stage links";
		const char *err = check_stage(ir, s);
		if (err)
			return err;
	}
	if (prev != ir->last)
		return "the IR's last stage is wrong";
	return NULL;
}
