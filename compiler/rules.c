/*
 * rules.c - the policy's rules, a flat table checked on the IRs.
 *
 * Each rule has a stable id (STGnnn), a slug (images.allow), a line of
 * help and one function.  The functions read the IR after the passes, for
 * both variants (multi-stage and single-stage), so a rule holds for every
 * Dockerfile stagec writes; a finding both variants share is reported
 * once.  A finding sits at the spec value it is about, or, when the value
 * came from the policy's defaults or enforce, at the policy's line; a
 * value from a template is reported at the spec's language.  Rules check,
 * they never rewrite.  Only a policy's exceptions waive a finding: a
 * waived finding is reported as a note and does not fail; an expired
 * exception is reported and waives nothing.  Every rule evaluated leaves
 * at least one result (a pass, or its findings) for the report writers.
 */
#include <fnmatch.h>
#include <string.h>

#include "internal.h"
#include "lock.h"

const StagecRuleInfo rule_table[RULE_COUNT] = {
	[RULE_IMAGES_ALLOW] = {"STG101", "images.allow",
			       "Every base image (build and run, both variants) matches a pattern of "
			       "rules.images.allow: '*' within a path segment, '**' across segments, "
			       "references normalised (python:3.12 is docker.io/library/python:3.12)."},
	[RULE_IMAGES_DENY_TAGS] = {"STG102", "images.deny_tags",
				   "No base image uses a tag of rules.images.deny_tags (the baseline denies "
				   "'latest'; a reference without a tag means 'latest')."},
	[RULE_DIGESTS_REQUIRED] = {"STG103", "digests.required",
				   "Every base image except scratch is pinned by digest: the spec names it with "
				   "@sha256:..., or stagec.lock has it ('stagec lock' adds it)."},
	[RULE_RUN_NON_ROOT] = {"STG201", "run.non_root",
			       "The final image runs as a user other than root (USER set, not root or 0)."},
	[RULE_RUN_HEALTHCHECK] = {"STG202", "run.healthcheck",
				  "The final image has a HEALTHCHECK: the spec sets run.healthcheck."},
	[RULE_LABELS_REQUIRED] = {"STG301", "labels.required",
				  "The final image carries every label of rules.labels.required."},
	[RULE_PACKAGES_DENY] = {"STG401", "packages.deny",
				"No stage installs a package of rules.packages.deny."},
	[RULE_LANGUAGES] = {"STG402", "languages",
			    "The app's language is one rules.languages lists, at or above its minimum version."},
	[RULE_ENV_DENY_NAMES] = {"STG501", "env.deny_names",
				 "No run.env or build.env name matches a pattern of rules.env.deny_names "
				 "(secrets belong in build secrets or the runtime, not in the image)."},
	[RULE_LOCK_MAX_AGE] = {"STG904", "lock.max_age",
			       "Every stagec.lock entry a spec uses was confirmed (by 'stagec lock --update' or "
			       "--set) within rules.lock.max_age days; dates honour SOURCE_DATE_EPOCH."},
};

int rule_by_name(const char *name)
{
	for (int i = 0; i < RULE_COUNT; i++)
		if (strcmp(name, rule_table[i].id) == 0 || strcmp(name, rule_table[i].slug) == 0)
			return i;
	return -1;
}

const StagecRuleInfo *stagec_rules(size_t *ret_n)
{
	if (ret_n)
		*ret_n = RULE_COUNT;
	return rule_table;
}

/* A finding before exceptions are applied. */
typedef struct Finding {
	RuleId rule;
	SrcPos pos;
	const char *key, *msg;
	bool said;       /* lowering already warned about it, at the same place */
} Finding;

typedef struct RCtx {
	Arena *a;
	const RuleInput *in;
	Finding *v;
	size_t n, cap;
} RCtx;

/* Adds a finding, or finds the same one the other variant added. */
static Finding *finding(RCtx *c, RuleId rule, SrcPos pos, const char *key, const char *fmt, ...) PRINTF_LIKE(5, 6);
static Finding *finding(RCtx *c, RuleId rule, SrcPos pos, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *msg = arena_vprintf(c->a, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < c->n; i++) /* the other variant found it too */
		if (c->v[i].rule == rule && c->v[i].pos.file == pos.file && c->v[i].pos.line == pos.line &&
		    c->v[i].pos.col == pos.col && strcmp(c->v[i].msg, msg) == 0)
			return &c->v[i];
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		Finding *v = arena_alloc(c->a, c->cap * sizeof(*v));
		if (c->n)
			memcpy(v, c->v, c->n * sizeof(*v));
		c->v = v;
	}
	c->v[c->n] = (Finding){rule, pos, key, msg, false};
	return &c->v[c->n++];
}

/* ---- positions ------------------------------------------------------------ */

static bool ours(const RCtx *c, SrcPos p)
{
	if (!p.file)
		return false;
	if (p.file == c->in->spec->file)
		return true;
	for (size_t i = 0; i < c->in->policy->nchain; i++)
		if (p.file == c->in->policy->chain[i])
			return true;
	return false;
}

/* The spec itself: line 1 (a finding about something the spec lacks). */
static SrcPos spec_top(const RCtx *c)
{
	return (SrcPos){c->in->spec->file, 1, 1};
}

/* Where a value that may come from a template is reported. */
static SrcPos at(const RCtx *c, SrcPos p)
{
	if (ours(c, p))
		return p;
	const Spec *s = c->in->spec;
	return ours(c, s->language.pos) ? s->language.pos : spec_top(c);
}

static const char *rule_where(RCtx *c, RuleId r)
{
	SrcPos p = c->in->policy->rule_pos[r];
	if (!p.file)
		return "the built-in baseline";
	return arena_printf(c->a, "%s:%d:%d", p.file->path, p.line, p.col);
}

/* The spec value an image came from. */
static SrcPos image_pos(const RCtx *c, const char *image, const char **key)
{
	const Spec *s = c->in->spec;
	if (s->image_run.s && strcmp(s->image_run.s, image) == 0) {
		*key = "images.run";
		return at(c, s->image_run.pos);
	}
	if (s->image_build.s && strcmp(s->image_build.s, image) == 0) {
		*key = "images.build";
		return at(c, s->image_build.pos);
	}
	if (s->version.s && ours(c, s->version.pos)) {
		*key = "version";
		return s->version.pos;
	}
	*key = "language";
	return at(c, s->language.pos);
}

static const Stage *final_stage(const Ir *ir)
{
	return ir->last;
}

/* ---- the rules ------------------------------------------------------------ */

static void check_images_allow(RCtx *c, const Ir *ir)
{
	const SList *allow = &c->in->policy->allow;
	for (const Stage *st = ir->first; st; st = st->next) {
		if (strcmp(st->image, "scratch") == 0 || st->from_stage)
			continue; /* the empty image, or an earlier stage: nothing to trust */
		bool ok = false;
		for (size_t i = 0; i < allow->n && !ok; i++)
			ok = image_matches(c->a, allow->v[i].s, st->image);
		if (ok)
			continue;
		const char *key;
		SrcPos pos = image_pos(c, st->image, &key);
		finding(c, RULE_IMAGES_ALLOW, pos, key, "the image '%s' is not in the policy's allow list (%s); "
							"use an image it allows", st->image, rule_where(c, RULE_IMAGES_ALLOW));
	}
}

/* The tag of a normalised reference ("latest" when it has none). */
static const char *image_tag(Arena *a, const char *image)
{
	const char *n = image_normalise(a, image);
	const char *last = strrchr(n, '/');
	const char *colon = strrchr(last ? last : n, ':');
	return colon ? colon + 1 : "";
}

static void check_deny_tags(RCtx *c, const Ir *ir)
{
	const SList *deny = &c->in->policy->deny_tags;
	for (const Stage *st = ir->first; st; st = st->next) {
		if ((st->family && !st->family->tagged) || strchr(st->image, '@') || st->from_stage)
			continue; /* scratch has no tag; a digest pins the content whatever the tag says */
		const char *tag = image_tag(c->a, st->image);
		const char *bare;
		bool written = image_written_tag(c->a, st->image, &bare) != NULL;
		for (size_t i = 0; i < deny->n; i++) {
			if (fnmatch(deny->v[i].s, tag, 0) != 0)
				continue;
			const char *key;
			SrcPos pos = image_pos(c, st->image, &key);
			Finding *f;
			if (!written)
				f = finding(c, RULE_IMAGES_DENY_TAGS, pos, key, "image '%s' has no tag, which means '%s'; "
									  "pin a version (e.g. '%s:1.2')", st->image, tag, bare);
			else
				f = finding(c, RULE_IMAGES_DENY_TAGS, pos, key, "image '%s' uses the tag '%s', which the "
									  "policy denies (%s); pin a version (e.g. '%s:1.2')",
					st->image, tag, rule_where(c, RULE_IMAGES_DENY_TAGS), bare);
			/* lowering warns about a spec's image that has no tag or
			 * 'latest' (so the warning shows even when a later error
			 * stops the rules): as a warning it is not said twice */
			if (strcmp(tag, "latest") == 0 && c->in->policy->warning[RULE_IMAGES_DENY_TAGS] &&
			    strncmp(key, "images.", 7) == 0)
				f->said = true;
			break;
		}
	}
}

static bool is_root(const char *user)
{
	size_t n = strcspn(user, ":");
	return (n == 4 && strncmp(user, "root", 4) == 0) || (n == 1 && user[0] == '0');
}

static void check_non_root(RCtx *c, const Ir *ir)
{
	if (!c->in->policy->non_root)
		return;
	const Step *user = NULL;
	for (const Step *s = final_stage(ir)->first; s; s = s->next)
		if (s->kind == STEP_USER)
			user = s;
	if (!user || !user->value)
		finding(c, RULE_RUN_NON_ROOT, user ? at(c, user->pos) : spec_top(c), "run.user",
			"the final image sets no user and runs as its image's default, which may be root; "
			"set 'run.user' to a non-root user");
	else if (is_root(user->value))
		finding(c, RULE_RUN_NON_ROOT, at(c, user->pos), "run.user",
			"the final image runs as '%s'; set 'run.user' to a non-root user", user->value);
}

static void check_healthcheck(RCtx *c, const Ir *ir)
{
	if (!c->in->policy->healthcheck_required)
		return;
	for (const Step *s = final_stage(ir)->first; s; s = s->next)
		if (s->kind == STEP_HEALTHCHECK)
			return;
	finding(c, RULE_RUN_HEALTHCHECK, spec_top(c), "run.healthcheck",
		"the app has no healthcheck, which the policy requires (%s); add 'run.healthcheck' with a "
		"command", rule_where(c, RULE_RUN_HEALTHCHECK));
}

static void check_labels(RCtx *c, const Ir *ir)
{
	const SList *req = &c->in->policy->labels_required;
	const Spec *s = c->in->spec;
	for (size_t i = 0; i < req->n; i++) {
		bool found = false;
		for (const Step *st = final_stage(ir)->first; st && !found; st = st->next)
			if (st->kind == STEP_LABEL)
				found = strlist_contains(&st->keys, req->v[i].s);
		if (!found)
			finding(c, RULE_LABELS_REQUIRED, s->labels.present && ours(c, s->labels.pos) ? s->labels.pos
												       : spec_top(c),
				arena_printf(c->a, "labels.%s", req->v[i].s),
				"the label '%s' is missing, which the policy requires (%s); add it under 'labels'",
				req->v[i].s, rule_where(c, RULE_LABELS_REQUIRED));
	}
}

/* The spec's own mention of a package, so that both variants (whose
 * install steps the passes merge differently) point at the same place. */
static bool spec_package(const RCtx *c, const char *pkg, SrcPos *pos, const char **key)
{
	const SList *lists[] = {&c->in->spec->system, &c->in->spec->runtime};
	const char *keys[] = {"dependencies.system", "dependencies.runtime"};
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; lists[l]->present && i < lists[l]->n; i++) {
			const char *s = lists[l]->v[i].s;
			size_t n = strcspn(s, "=");
			if (strlen(pkg) == n && strncmp(s, pkg, n) == 0 && ours(c, lists[l]->v[i].pos)) {
				*pos = lists[l]->v[i].pos;
				*key = keys[l];
				return true;
			}
		}
	return false;
}

static void check_packages(RCtx *c, const Ir *ir)
{
	const SList *deny = &c->in->policy->packages_deny;
	for (const Stage *st = ir->first; st; st = st->next)
		for (const Step *s = st->first; s; s = s->next) {
			if (s->kind != STEP_PACKAGES)
				continue;
			for (size_t j = 0; j < s->args.n; j++) {
				const char *pkg = arena_strndup(c->a, s->args.v[j], strcspn(s->args.v[j], "="));
				for (size_t i = 0; i < deny->n; i++)
					if (fnmatch(deny->v[i].s, pkg, 0) == 0) {
						SrcPos pos = at(c, s->pos);
						const char *key = "dependencies";
						spec_package(c, pkg, &pos, &key);
						finding(c, RULE_PACKAGES_DENY, pos, key,
							"the package '%s' is denied by the policy (%s); remove it",
							pkg, rule_where(c, RULE_PACKAGES_DENY));
						break;
					}
			}
		}
}

static void check_languages(RCtx *c, const Ir *ir)
{
	(void)ir;
	const Policy *p = c->in->policy;
	const Spec *s = c->in->spec;
	const PolicyLanguage *l = NULL;
	for (size_t i = 0; i < p->nlanguages && !l; i++)
		if (strcmp(p->languages[i].name.s, s->language.s) == 0)
			l = &p->languages[i];
	if (!l) {
		finding(c, RULE_LANGUAGES, at(c, s->language.pos), "language",
			"the language '%s' is not one the policy allows (%s)", s->language.s,
			rule_where(c, RULE_LANGUAGES));
		return;
	}
	if (!l->min.s)
		return;
	const char *version = s->version.s ? s->version.s : c->in->tmpl ? c->in->tmpl->default_version : NULL;
	SrcPos pos = s->version.s ? at(c, s->version.pos) : at(c, s->language.pos);
	bool ok = version != NULL;
	int cmp = ok ? policy_version_cmp(version, l->min.s, &ok) : 0;
	if (!ok)
		finding(c, RULE_LANGUAGES, pos, "version",
			"the version '%s' of %s cannot be compared with the policy's minimum '>=%s' (%s:%d:%d); "
			"give a numeric version", version ? version : "(none)", s->language.s, l->min.s,
			l->min.pos.file ? l->min.pos.file->path : "policy", l->min.pos.line, l->min.pos.col);
	else if (cmp < 0)
		finding(c, RULE_LANGUAGES, pos, "version",
			"%s %s is older than the policy's minimum '>=%s' (%s:%d:%d); use a newer version",
			s->language.s, version, l->min.s, l->min.pos.file ? l->min.pos.file->path : "policy",
			l->min.pos.line, l->min.pos.col);
}

static void check_env(RCtx *c, const Ir *ir)
{
	const SList *deny = &c->in->policy->env_deny;
	for (const Stage *st = ir->first; st; st = st->next)
		for (const Step *s = st->first; s; s = s->next) {
			if ((s->kind != STEP_ENV && s->kind != STEP_ARG) || !ours(c, s->pos))
				continue; /* a template's own variables are not the user's secrets */
			for (size_t j = 0; j < s->keys.n; j++)
				for (size_t i = 0; i < deny->n; i++)
					if (fnmatch(deny->v[i].s, s->keys.v[j], 0) == 0) {
						finding(c, RULE_ENV_DENY_NAMES, s->pos,
							s->kind == STEP_ENV ? "run.env" : "build.env",
							"the variable '%s' looks like a secret: its name matches '%s' of the "
							"policy's env.deny_names (%s); pass secrets at run time or as build "
							"secrets (the spec's 'secrets', mounted for the install only)",
							s->keys.v[j], deny->v[i].s,
							rule_where(c, RULE_ENV_DENY_NAMES));
						break;
					}
		}
}

/* An image neither the spec nor the lock pins.  Under --lock=frozen the
 * compilation already reports it as an error: the finding is not said twice. */
static void check_digests(RCtx *c, const Ir *ir)
{
	if (!c->in->policy->digests_required)
		return;
	for (const Stage *st = ir->first; st; st = st->next) {
		if (strcmp(st->image, "scratch") == 0 || st->from_stage || strchr(st->image, '@') ||
		    lock_find(c->in->lock, c->a, st->image))
			continue;
		const char *key;
		SrcPos pos = image_pos(c, st->image, &key);
		Finding *f = finding(c, RULE_DIGESTS_REQUIRED, pos, key,
				     "the image '%s' is not pinned by digest, which the policy requires (%s); run "
				     "'stagec lock' to pin it in stagec.lock", st->image,
				     rule_where(c, RULE_DIGESTS_REQUIRED));
		f->said = c->in->lock_frozen;
	}
}

/* A lock entry confirmed longer ago than the policy allows: reported at
 * the entry's line in the lock file. */
static void check_lock_age(RCtx *c, const Ir *ir)
{
	long max = c->in->policy->lock_max_age;
	for (const Stage *st = ir->first; st; st = st->next) {
		const LockEntry *e = strchr(st->image, '@') || st->from_stage ? NULL
						: lock_find(c->in->lock, c->a, st->image);
		if (!e || c->in->today - e->confirmed_day <= max)
			continue;
		finding(c, RULE_LOCK_MAX_AGE, e->pos, "lock", "the lock entry for '%s' was confirmed on %s, %ld days "
							      "ago, and the policy allows %ld (%s); run 'stagec lock "
							      "--update %s'", e->ref, e->confirmed,
			c->in->today - e->confirmed_day, max, rule_where(c, RULE_LOCK_MAX_AGE), e->ref);
	}
}

typedef void (*RuleFn)(RCtx *c, const Ir *ir);
static const RuleFn rule_fns[RULE_COUNT] = {
	[RULE_IMAGES_ALLOW] = check_images_allow,
	[RULE_IMAGES_DENY_TAGS] = check_deny_tags,
	[RULE_RUN_NON_ROOT] = check_non_root,
	[RULE_RUN_HEALTHCHECK] = check_healthcheck,
	[RULE_LABELS_REQUIRED] = check_labels,
	[RULE_PACKAGES_DENY] = check_packages,
	[RULE_LANGUAGES] = check_languages,
	[RULE_ENV_DENY_NAMES] = check_env,
	[RULE_DIGESTS_REQUIRED] = check_digests,
	[RULE_LOCK_MAX_AGE] = check_lock_age,
};

/* ---- exceptions and results ------------------------------------------------ */

/* The spec's path relative to the exception's folder, or NULL. */
static const char *spec_rel(const RuleInput *in, const PolicyException *e)
{
	if (!in->spec_real || !e->base_dir)
		return NULL;
	size_t n = strlen(e->base_dir);
	if (strcmp(e->base_dir, "/") == 0)
		return in->spec_real + 1;
	if (strncmp(in->spec_real, e->base_dir, n) != 0 || in->spec_real[n] != '/')
		return NULL;
	return in->spec_real + n + 1;
}

static bool exception_names(const PolicyException *e, RuleId r)
{
	for (size_t i = 0; i < e->nrules; i++)
		if (e->rules[i] == (int)r)
			return true;
	return false;
}

static const PolicyException *exception_for(const RuleInput *in, RuleId r)
{
	for (size_t i = 0; i < in->policy->nexceptions; i++) {
		const PolicyException *e = &in->policy->exceptions[i];
		const char *rel = spec_rel(in, e);
		const char *want = e->spec.s;
		while (want && strncmp(want, "./", 2) == 0)
			want += 2;
		if (rel && want && strcmp(rel, want) == 0 && exception_names(e, r))
			return e;
	}
	return NULL;
}

static StagecRuleResult *result_new(Arena *a, RuleResults *out, RuleId r)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		StagecRuleResult *v = arena_alloc(a, out->cap * sizeof(*v));
		if (out->n)
			memcpy(v, out->v, out->n * sizeof(*v));
		out->v = v;
	}
	StagecRuleResult *res = &out->v[out->n++];
	memset(res, 0, sizeof(*res));
	res->rule = &rule_table[r];
	res->warning = false;
	return res;
}

static void set_pos(StagecRuleResult *res, SrcPos p)
{
	res->file = p.file ? p.file->path : NULL;
	res->line = p.line;
	res->col = p.col;
}

static void add_results(RCtx *c, RuleId r, Diags *d, RuleResults *out)
{
	const Policy *p = c->in->policy;
	const StagecRuleInfo *info = &rule_table[r];
	const PolicyException *e = exception_for(c->in, r);
	bool expired = e && c->in->today > e->expires_day;
	if (expired)
		diag_warning(d, e->expires.pos, "the exception for '%s' expired on %s; the rule applies again: "
						 "fix the spec, or renew the exception with a new date [%s %s]",
			     e->spec.s, e->expires.s, info->id, info->slug);
	bool any = false;
	for (size_t i = 0; i < c->n; i++) {
		const Finding *f = &c->v[i];
		if (f->rule != r)
			continue;
		any = true;
		StagecRuleResult *res = result_new(c->a, out, r);
		res->message = f->msg;
		res->key = f->key;
		res->warning = p->warning[r];
		set_pos(res, f->pos);
		if (e && !expired) {
			res->outcome = STAGEC_RULE_WAIVED;
			res->reason = e->reason.s;
			res->expires = e->expires.s;
			diag_remark(d, f->pos, "waived by the policy's exception (%s:%d:%d) until %s, \"%s\": %s [%s %s]",
				    e->pos.file ? e->pos.file->path : "policy", e->pos.line, e->pos.col, e->expires.s,
				    e->reason.s, f->msg, info->id, info->slug);
			continue;
		}
		res->outcome = STAGEC_RULE_FAIL;
		res->expired = expired ? e->expires.s : NULL;
		if (f->said)
			continue;
		if (p->warning[r])
			diag_warning(d, f->pos, "%s [%s %s]", f->msg, info->id, info->slug);
		else
			diag_error(d, f->pos, "%s [%s %s]", f->msg, info->id, info->slug);
	}
	if (!any) {
		StagecRuleResult *res = result_new(c->a, out, r);
		res->outcome = STAGEC_RULE_PASS;
		res->warning = p->warning[r];
		res->message = info->help;
		set_pos(res, p->rule_pos[r]);
	}
}

void rules_evaluate(Arena *a, const RuleInput *in, Diags *d, RuleResults *out)
{
	RCtx c = {a, in, NULL, 0, 0};
	for (int r = 0; r < RULE_COUNT; r++) {
		if (!in->policy->active[r])
			continue;
		for (size_t v = 0; v < 2; v++)
			if (in->irs[v])
				rule_fns[r](&c, in->irs[v]);
		add_results(&c, (RuleId)r, d, out);
	}
}
