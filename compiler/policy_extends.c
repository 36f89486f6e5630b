/*
 * policy_extends.c - folding one policy file over the policies it extends.
 *
 * A child may only tighten what its parents say, so that a team's policy
 * can never undo the organisation's.  Each way of loosening is an error at
 * the child's line, naming the parent's: an allow pattern no parent
 * pattern covers (checked with the one image matcher), a rule switched off
 * (run.non_root: false, run.healthcheck: optional), a language the parent
 * does not list or a lower minimum, a severity lowered to warning, an
 * enforced value that differs from the parent's.  What tightens is merged:
 * deny lists and required labels add up, the child's allow list and
 * languages replace the parent's (they are narrower), enforce keys add
 * up, defaults and exceptions are kept in order (parents first).
 */
#include <string.h>

#include "internal.h"

typedef struct Fold {
	Arena *a;
	Diags *d;
} Fold;

static const char *where(Fold *c, SrcPos p)
{
	if (!p.file)
		return "the parent policy";
	return arena_printf(c->a, "%s:%d:%d", p.file->path, p.line, p.col);
}

static bool slist_has(const SList *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].s, s) == 0)
			return true;
	return false;
}

/* The parent's deny entries, then the child's new ones. */
static void union_into(Arena *a, SList *dst, const SList *src)
{
	if (!src->present)
		return;
	SStr *v = arena_alloc(a, (dst->n + src->n + 1) * sizeof(SStr));
	size_t n = 0;
	for (size_t i = 0; i < dst->n; i++)
		v[n++] = dst->v[i];
	for (size_t i = 0; i < src->n; i++)
		if (!slist_has(dst, src->v[i].s))
			v[n++] = src->v[i];
	dst->v = v;
	dst->n = n;
	dst->present = true;
	dst->pos = src->pos;
}

/* Enforced values of the child that differ from the parent's are loosening:
 * the parent's value would no longer hold. */
static void check_enforce(Fold *c, const YNode *parent, const YNode *child, const char *path)
{
	for (size_t i = 0; i < child->n; i++) {
		const YNode *k = child->pairs[i].key, *cv = child->pairs[i].value;
		const YNode *pv = ynode_get(parent, k->str);
		const char *sub = *path ? arena_printf(c->a, "%s.%s", path, k->str) : k->str;
		if (!pv)
			continue;
		if (pv->kind == YNODE_MAP && cv->kind == YNODE_MAP)
			check_enforce(c, pv, cv, sub);
		else if (!ynode_equal(pv, cv))
			diag_error(c->d, cv->pos, "'%s' enforces a different value than its parent does (%s); "
						  "a policy that extends another may only enforce keys the parent "
						  "leaves unset", sub, where(c, pv->pos));
	}
}

static const PolicyLanguage *language_of(const Policy *p, const char *name)
{
	for (size_t i = 0; i < p->nlanguages; i++)
		if (strcmp(p->languages[i].name.s, name) == 0)
			return &p->languages[i];
	return NULL;
}

void policy_fold(Arena *a, Policy *acc, const Policy *l, Diags *d)
{
	Fold fold = {a, d}, *c = &fold;
	if (l->allow.present) {
		if (acc->allow.present)
			for (size_t i = 0; i < l->allow.n; i++) {
				bool covered = false;
				for (size_t j = 0; j < acc->allow.n && !covered; j++)
					covered = strcmp(acc->allow.v[j].s, l->allow.v[i].s) == 0 ||
						  image_matches(a, acc->allow.v[j].s, l->allow.v[i].s);
				if (!covered)
					diag_error(c->d, l->allow.v[i].pos, "'%s' widens the parent's allow list (%s); "
									     "a policy that extends another may only narrow it",
						   l->allow.v[i].s, where(c, acc->allow.pos));
			}
		acc->allow = l->allow;
	}
	union_into(a, &acc->deny_tags, &l->deny_tags);
	union_into(a, &acc->labels_required, &l->labels_required);
	union_into(a, &acc->packages_deny, &l->packages_deny);
	union_into(a, &acc->env_deny, &l->env_deny);
	if (l->active[RULE_RUN_NON_ROOT]) {
		if (acc->active[RULE_RUN_NON_ROOT] && acc->non_root && !l->non_root)
			diag_error(c->d, l->rule_pos[RULE_RUN_NON_ROOT], "'rules.run.non_root: false' drops a rule "
									 "the parent sets (%s); a policy that extends another "
									 "may only tighten it",
				   where(c, acc->rule_pos[RULE_RUN_NON_ROOT]));
		acc->non_root = acc->non_root || l->non_root;
	}
	if (l->active[RULE_RUN_HEALTHCHECK]) {
		if (acc->active[RULE_RUN_HEALTHCHECK] && acc->healthcheck_required && !l->healthcheck_required)
			diag_error(c->d, l->rule_pos[RULE_RUN_HEALTHCHECK], "'rules.run.healthcheck: optional' drops a "
									    "rule the parent sets (%s); a policy that extends "
									    "another may only tighten it",
				   where(c, acc->rule_pos[RULE_RUN_HEALTHCHECK]));
		acc->healthcheck_required = acc->healthcheck_required || l->healthcheck_required;
	}
	if (l->active[RULE_DIGESTS_REQUIRED]) {
		if (acc->active[RULE_DIGESTS_REQUIRED] && acc->digests_required && !l->digests_required)
			diag_error(c->d, l->rule_pos[RULE_DIGESTS_REQUIRED], "'rules.digests: off' drops a rule the "
									     "parent sets (%s); a policy that extends another "
									     "may only tighten it",
				   where(c, acc->rule_pos[RULE_DIGESTS_REQUIRED]));
		acc->digests_required = acc->digests_required || l->digests_required;
	}
	if (l->active[RULE_LOCK_MAX_AGE]) {
		if (acc->active[RULE_LOCK_MAX_AGE] && l->lock_max_age > acc->lock_max_age)
			diag_error(c->d, l->rule_pos[RULE_LOCK_MAX_AGE], "'rules.lock.max_age: %ldd' is longer than the "
									 "parent's %ldd (%s); a policy that extends another "
									 "may only shorten it", l->lock_max_age,
				   acc->lock_max_age, where(c, acc->rule_pos[RULE_LOCK_MAX_AGE]));
		else
			acc->lock_max_age = l->lock_max_age;
	}
	if (l->active[RULE_LANGUAGES]) {
		if (acc->active[RULE_LANGUAGES])
			for (size_t i = 0; i < l->nlanguages; i++) {
				const PolicyLanguage *cl = &l->languages[i], *pl = language_of(acc, cl->name.s);
				bool ok = true;
				if (!pl)
					diag_error(c->d, cl->name.pos, "language '%s' is not allowed by the parent (%s); a "
								       "policy that extends another may only narrow the list",
						   cl->name.s, where(c, acc->rule_pos[RULE_LANGUAGES]));
				else if (pl->min.s && (!cl->min.s || policy_version_cmp(cl->min.s, pl->min.s, &ok) < 0))
					diag_error(c->d, cl->min.pos, "'%s' for '%s' is below the parent's minimum '>=%s' "
								      "(%s); a policy that extends another may only raise it",
						   cl->min.s ? arena_printf(a, ">=%s", cl->min.s) : "any", cl->name.s,
						   pl->min.s, where(c, pl->min.pos));
			}
		acc->languages = l->languages;
		acc->nlanguages = l->nlanguages;
	}
	for (int r = 0; r < RULE_COUNT; r++) {
		if (l->severity_set[r] == 1 && acc->active[r] && !acc->warning[r])
			diag_error(c->d, l->severity_pos[r], "'%s' lowers the severity of a rule the parent sets (%s) "
							 "to warning; a policy that extends another may only raise it",
				   rule_table[r].slug, where(c, acc->rule_pos[r]));
		if (l->severity_set[r])
			acc->warning[r] = l->severity_set[r] == 1;
		if (l->active[r] || (!acc->active[r] && l->severity_set[r]))
			acc->rule_pos[r] = l->rule_pos[r];
		acc->active[r] = acc->active[r] || l->active[r];
	}
	if (l->enforce) {
		if (acc->enforce)
			check_enforce(c, acc->enforce, l->enforce, "");
		acc->enforce = acc->enforce ? policy_merge_under(a, l->enforce, acc->enforce) : l->enforce;
	}
	YNode **defs = arena_alloc(a, (acc->ndefaults + l->ndefaults + 1) * sizeof(YNode *));
	for (size_t i = 0; i < acc->ndefaults; i++)
		defs[i] = acc->defaults[i];
	for (size_t i = 0; i < l->ndefaults; i++)
		defs[acc->ndefaults + i] = l->defaults[i];
	acc->defaults = defs;
	acc->ndefaults += l->ndefaults;
	PolicyException *ex = arena_alloc(a, (acc->nexceptions + l->nexceptions + 1) * sizeof(*ex));
	for (size_t i = 0; i < acc->nexceptions; i++)
		ex[i] = acc->exceptions[i];
	for (size_t i = 0; i < l->nexceptions; i++)
		ex[acc->nexceptions + i] = l->exceptions[i];
	acc->exceptions = ex;
	acc->nexceptions += l->nexceptions;
	const SourceFile **chain = arena_alloc(a, (acc->nchain + l->nchain + 1) * sizeof(*chain));
	for (size_t i = 0; i < acc->nchain; i++)
		chain[i] = acc->chain[i];
	for (size_t i = 0; i < l->nchain; i++)
		chain[acc->nchain + i] = l->chain[i];
	acc->chain = chain;
	acc->nchain += l->nchain;
}
