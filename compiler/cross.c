/*
 * cross.c - whether the builder runs on the build machine's CPU.
 *
 * `docker build --platform linux/arm64` on an amd64 machine builds every
 * stage for arm64, under an emulator, unless a stage says
 * `FROM --platform=$BUILDPLATFORM`: that stage then runs natively, and
 * what it makes must be for the target all the same.  A toolchain that
 * cross-compiles (Go with cgo off, Java bytecode, a .NET portable publish,
 * a static site) can do that; one that makes native code for the machine
 * it runs on (C extensions, native modules, Rust, C) cannot.  Which is
 * which is template data (`cross`, templates/README.md): the first rule
 * whose when_env the builder's environment holds decides, and its why
 * goes into the IR.  Only the multi-stage variant can: the single-stage
 * image is its own builder.
 *
 * Whatever the data says, the builder stays on the target's CPU when the
 * final stage copies something a package or the dependency install made
 * in the builder (tini's static build, a venv): those are the build
 * machine's.  When it cross-builds, the rule's env becomes ARGs right
 * before the build step (so that a change of target leaves the install
 * layers cached), after one `ARG NAME` for each platform variable it
 * uses; a value the builder's environment already sets (the spec's
 * build.env) is the spec's.
 * Guarantees: ir->cross only for a multi-stage program with a build step;
 * every platform variable an ARG value uses is declared before it.
 */
#include <string.h>

#include "internal.h"

/* The platform ARGs BuildKit sets by itself (Dockerfile reference,
 * "Automatic platform ARGs in the global scope"). */
static const char *const platform_args[] = {"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
					    "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT"};
#define NPLATFORM_ARGS (sizeof(platform_args) / sizeof(*platform_args))

bool cross_platform_arg(const char *name)
{
	for (size_t i = 0; i < NPLATFORM_ARGS; i++)
		if (strcmp(platform_args[i], name) == 0)
			return true;
	return false;
}

/* The platform ARG a $NAME or ${NAME} at p (just after the '$') names,
 * or NULL; *len: the length of the reference after the '$'. */
static const char *platform_ref(const char *p, size_t *len)
{
	bool brace = *p == '{';
	const char *name = p + brace;
	size_t n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
	if (brace && name[n] != '}')
		return NULL;
	for (size_t i = 0; i < NPLATFORM_ARGS; i++)
		if (strlen(platform_args[i]) == n && strncmp(platform_args[i], name, n) == 0) {
			*len = n + 2 * brace;
			return platform_args[i];
		}
	return NULL;
}

const char *cross_value_problem(const char *v)
{
	if (has_control_chars(v) || strpbrk(v, "\"\\{}`"))
		return "holds quotes, backslashes, braces or control characters; write plain text";
	for (const char *p = strchr(v, '$'); p; p = strchr(p, '$')) {
		size_t len;
		if (!platform_ref(p + 1, &len))
			return "uses a variable BuildKit does not set; use its platform variables ($TARGETOS, "
			       "$TARGETARCH, ...)";
		p += 1 + len;
	}
	return NULL;
}

void cross_platform_refs(Arena *a, const char *text, StrList *out)
{
	for (const char *p = strchr(text, '$'); p; p = strchr(p + 1, '$')) {
		size_t len;
		const char *name = platform_ref(p + 1, &len);
		if (name && !strlist_contains(out, name))
			strlist_push(a, out, name);
	}
}

/* The value the builder's ARGs so far give name, or NULL. */
static const char *build_env_value(const Stage *s, const char *name)
{
	const char *v = NULL;
	for (const Step *st = s->first; st; st = st->next)
		for (size_t i = 0; st->kind == STEP_ARG && i < st->values.n; i++)
			if (strcmp(st->keys.v[i], name) == 0)
				v = st->values.v[i];
	return v;
}

static const TmplCross *pick_rule(const Stage *s, const TmplCross *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool holds = true;
		for (size_t j = 0; j < v[i].when_names.n && holds; j++) {
			const char *have = build_env_value(s, v[i].when_names.v[j]);
			holds = have && strcmp(have, v[i].when_values.v[j]) == 0;
		}
		if (holds)
			return &v[i];
	}
	return NULL;
}

/* The builder step that makes path, when it is a package or the install:
 * made for the machine the builder runs on. */
static const Step *native_maker(const Stage *s, const char *path)
{
	for (const Step *st = s->first; st; st = st->next)
		if ((st->kind == STEP_PACKAGES || st->tag == TAG_INSTALL) && strlist_contains(&st->produces, path))
			return st;
	return NULL;
}

void cross_lower(Arena *a, Ir *ir, Stage *s, const Template *t, const TmplFlavour *fl, bool single_stage)
{
	if (single_stage) {
		s->why = "single-stage: the image is its own builder, so it builds on the target's CPU";
		return;
	}
	const TmplCross *rule = fl && fl->cross ? pick_rule(s, fl->cross, fl->ncross) : pick_rule(s, t->cross, t->ncross);
	if (!rule) {
		s->why = arena_printf(a, "the %s template does not say that its build cross-compiles", t->language);
		return;
	}
	if (!rule->build_platform) {
		s->why = rule->why;
		return;
	}
	for (size_t i = 0; i < ir->nartifacts; i++) {
		const Artifact *art = &ir->artifacts[i];
		const Step *maker = art->of_image ? NULL : native_maker(s, art->from);
		if (maker) {
			s->why = arena_printf(a, "the final stage copies %s, which %s made for the builder's CPU",
					      art->from, maker->kind == STEP_PACKAGES ? "a package" : "the install");
			return;
		}
	}
	Step *build = s->first;
	while (build && build->tag != TAG_BUILD)
		build = build->next;
	if (!build) {
		s->why = "nothing is built, so nothing is cross-compiled";
		return;
	}
	ir->cross = true;
	s->why = rule->why;
	Step *env = ir_step_new(ir, STEP_ARG, ROLE_BUILD, rule->pos, "the cross-build's target, from the platform ARGs");
	env->trusted = true;
	env->tag = TAG_CROSS;
	StrList refs = {0};
	for (size_t i = 0; i < rule->env_names.n; i++) {
		if (build_env_value(s, rule->env_names.v[i]))
			continue; /* the spec's build.env (or the template's) says */
		strlist_push(a, &env->keys, rule->env_names.v[i]);
		strlist_push(a, &env->values, rule->env_values.v[i]);
		cross_platform_refs(a, rule->env_values.v[i], &refs);
	}
	/* one ARG a name: `ARG TARGETOS TARGETARCH` is two names to BuildKit
	 * and the legacy `ARG NAME VALUE` form to other parsers */
	for (size_t i = 0; i < refs.n; i++) {
		Step *decl = ir_step_new(ir, STEP_ARG, ROLE_BUILD, rule->pos, "a platform ARG the cross-build uses");
		decl->tag = TAG_CROSS;
		strlist_push(a, &decl->keys, refs.v[i]);
		ir_step_insert_before(s, build, decl);
	}
	if (env->keys.n)
		ir_step_insert_before(s, build, env);
}

/* text with each $TARGETx or ${TARGETx} turned into $BUILDx (arena). */
static const char *native(Arena *a, const char *text)
{
	Strbuf sb = STRBUF_INIT;
	for (const char *p = text; *p; p++) {
		strbuf_addc(&sb, *p);
		if (*p != '$')
			continue;
		if (p[1] == '{')
			strbuf_addc(&sb, *++p);
		if (strncmp(p + 1, "TARGET", 6) == 0) {
			strbuf_adds(&sb, "BUILD");
			p += 6;
		}
	}
	const char *out = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

Step *cross_native_arg(Ir *ir, const Step *st)
{
	Step *c = ir_step_clone(ir, st);
	c->keys = (StrList){0};
	c->values = (StrList){0};
	for (size_t i = 0; i < st->keys.n; i++) {
		const char *k = st->keys.v[i];
		/* a declared platform ARG: TARGETOS becomes BUILDOS */
		strlist_push(ir->arena, &c->keys,
			     strncmp(k, "TARGET", 6) == 0 && cross_platform_arg(k) ? arena_printf(ir->arena, "BUILD%s", k + 6)
										    : k);
		if (i < st->values.n)
			strlist_push(ir->arena, &c->values, native(ir->arena, st->values.v[i]));
	}
	c->why = st->values.n ? "the tests run on the builder's CPU: the cross-build's variables name it"
			      : "a platform ARG the tests' build uses";
	return c;
}

