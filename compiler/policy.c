/*
 * policy.c - reading an organisation policy (.stagec/policy.yaml) and the
 * chain of policies it extends into one effective Policy.
 *
 * The file is read with the spec's YAML reader (positions, size and depth
 * limits) and every key is checked the way the spec reader checks a spec:
 * unknown keys with a suggestion, wrong types, bad values, each at its own
 * line, all in one run.  `defaults` and `enforce` are spec-shaped, and are
 * checked by the spec reader itself (over a stand-in spec) so that a
 * value means the same in a policy as in a spec.  `extends` names parent
 * files relative to the policy's folder; parents are read first, cycles
 * are refused, and each file is folded over its parents by
 * policy_extends.c, which refuses any loosening.  Exceptions name specs
 * relative to the folder holding `.stagec/` and expire on a date; "today"
 * honours SOURCE_DATE_EPOCH.  Discovery (stagec_policy_find) is here too.
 * Nothing here prints; a policy with errors is never returned.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define EXTENDS_MAX_DEPTH 8

typedef struct PCtx {
	Arena *a;
	Diags *d;
	const SourceFile *f;
	Policy *p;            /* this file's own layer */
	const char *real_dir; /* the policy file's folder, real path */
	const char *shown_dir;/* the same as the user sees it */
	const char *base_dir; /* exceptions are relative to this folder */
	StrList *stack;       /* real paths being read: a cycle is a repeat */
	int depth;
	const YNode *extends;
} PCtx;

/* ---- dates and versions ------------------------------------------------ */

static long days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool policy_parse_date(const char *s, long *ret_day)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	long y = strtol(s, NULL, 10), m = strtol(s + 5, NULL, 10), d = strtol(s + 8, NULL, 10);
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return false;
	*ret_day = days_from_civil(y, m, d);
	return true;
}

bool policy_today(Diags *d, long *ret_day)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now;
	if (sde && *sde) {
		char *end;
		errno = 0;
		long long v = strtoll(sde, &end, 10);
		if (*end || errno || v < 0 || sde[strspn(sde, "0123456789")]) {
			diag_error(d, (SrcPos){0}, "SOURCE_DATE_EPOCH '%s' is not a number of seconds since "
						   "1970-01-01; set it to a whole number (e.g. 1700000000) or unset it",
				   sde);
			return false;
		}
		now = (time_t)v;
	} else {
		now = time(NULL);
	}
	*ret_day = (long)(now / 86400);
	return true;
}

int policy_version_cmp(const char *x, const char *y, bool *ok)
{
	*ok = true;
	for (const char *s = x;; s = y) {
		if (!*s || strspn(s, "0123456789.") != strlen(s) || *s == '.' || s[strlen(s) - 1] == '.' ||
		    strstr(s, ".."))
			*ok = false;
		if (s == y)
			break;
	}
	if (!*ok)
		return 0;
	while (*x || *y) {
		char *end;
		long a = 0, b = 0;
		if (*x) {
			a = strtol(x, &end, 10);
			x = end;
		}
		if (*y) {
			b = strtol(y, &end, 10);
			y = end;
		}
		if (a != b)
			return a < b ? -1 : 1;
		if (*x == '.')
			x++;
		if (*y == '.')
			y++;
	}
	return 0;
}

/* ---- messages and generic readers -------------------------------------- */

static void msg_unknown_key(PCtx *c, const YNode *k, const char *level, const char *const *names, size_t n)
{
	diag_unknown_key(c->d, c->a, k->pos, k->str, level, names, n);
}

/* Calls read(c, key, value) for each known key, reports the others. */
typedef void (*KeyFn)(PCtx *c, const char *path, const YNode *k, const YNode *v);
static void read_keys(PCtx *c, const YNode *map, const char *level, const char *const *names, size_t n,
		      KeyFn fn)
{
	for (size_t i = 0; i < map->n; i++) {
		const YNode *k = map->pairs[i].key;
		size_t j;
		for (j = 0; j < n; j++)
			if (strcmp(k->str, names[j]) == 0)
				break;
		if (j == n)
			msg_unknown_key(c, k, level, names, n);
		else
			fn(c, *level ? arena_printf(c->a, "%s.%s", level, k->str) : k->str, k, map->pairs[i].value);
	}
}

static bool is_null(const YNode *v)
{
	return v->kind == YNODE_SCALAR && v->is_null;
}

static bool want(PCtx *c, const YNode *v, const char *path, YNodeKind kind, const char *what)
{
	if (v->kind == kind && !(kind == YNODE_SCALAR && v->is_null))
		return true;
	if (is_null(v))
		diag_error(c->d, v->pos, "'%s' has no value; give %s or leave the key out", path, what);
	else
		diag_error(c->d, v->pos, "expected %s for '%s', not %s", what, path, ynode_kind_name(v->kind));
	return false;
}

/* A list of non-empty strings (or one string when one_ok). */
static bool read_strings(PCtx *c, const YNode *v, const char *path, bool one_ok, SList *out)
{
	if (one_ok && v->kind == YNODE_SCALAR && !v->is_null) {
		out->v = arena_alloc(c->a, sizeof(SStr));
		out->v[0] = (SStr){v->str, v->pos};
		out->n = 1;
	} else {
		if (!want(c, v, path, YNODE_SEQ, "a list of strings"))
			return false;
		out->v = arena_alloc(c->a, (v->n + 1) * sizeof(SStr));
		out->n = 0;
		for (size_t i = 0; i < v->n; i++) {
			const YNode *it = v->items[i];
			if (it->kind != YNODE_SCALAR || it->is_null || !*it->str || has_control_chars(it->str))
				diag_error(c->d, it->pos, "expected a non-empty string on one line in '%s', not %s",
					   path, it->kind == YNODE_SCALAR ? "this" : ynode_kind_name(it->kind));
			else
				out->v[out->n++] = (SStr){it->str, it->pos};
		}
	}
	out->pos = v->pos;
	out->present = true;
	return true;
}

static void activate(PCtx *c, RuleId r, SrcPos pos)
{
	c->p->active[r] = true;
	c->p->rule_pos[r] = pos;
}

/* ---- rules -------------------------------------------------------------- */

static void read_images_key(PCtx *c, const char *path, const YNode *k, const YNode *v)
{
	if (strcmp(k->str, "allow") == 0) {
		if (read_strings(c, v, path, false, &c->p->allow)) {
			for (size_t i = 0; i < c->p->allow.n; i++)
				if (strpbrk(c->p->allow.v[i].s, " \t"))
					diag_error(c->d, c->p->allow.v[i].pos, "'%s' is not an image pattern; "
							 "write a reference with '*' or '**' (e.g. 'python:*')",
						   c->p->allow.v[i].s);
			activate(c, RULE_IMAGES_ALLOW, k->pos);
		}
	} else if (read_strings(c, v, path, false, &c->p->deny_tags)) {
		activate(c, RULE_IMAGES_DENY_TAGS, k->pos);
	}
}

static void read_bool_word(PCtx *c, const YNode *v, const char *path, const char *yes, const char *no,
			   bool *out, bool *ok)
{
	*ok = false;
	if (!want(c, v, path, YNODE_SCALAR, arena_printf(c->a, "'%s' or '%s'", yes, no)))
		return;
	if (strcmp(v->str, yes) == 0)
		*out = true;
	else if (strcmp(v->str, no) == 0)
		*out = false;
	else {
		diag_error(c->d, v->pos, "'%s' is not a value for '%s'; use '%s' or '%s'", v->str, path, yes, no);
		return;
	}
	*ok = true;
}

static void read_run_key(PCtx *c, const char *path, const YNode *k, const YNode *v)
{
	bool ok;
	if (strcmp(k->str, "non_root") == 0) {
		read_bool_word(c, v, path, "true", "false", &c->p->non_root, &ok);
		if (ok)
			activate(c, RULE_RUN_NON_ROOT, k->pos);
	} else {
		read_bool_word(c, v, path, "required", "optional", &c->p->healthcheck_required, &ok);
		if (ok)
			activate(c, RULE_RUN_HEALTHCHECK, k->pos);
	}
}

static void read_list_rule(PCtx *c, const char *path, const YNode *k, const YNode *v, SList *out, RuleId r)
{
	if (read_strings(c, v, path, false, out))
		activate(c, r, k->pos);
}

static void read_labels_key(PCtx *c, const char *path, const YNode *k, const YNode *v)
{
	read_list_rule(c, path, k, v, &c->p->labels_required, RULE_LABELS_REQUIRED);
}

static void read_packages_key(PCtx *c, const char *path, const YNode *k, const YNode *v)
{
	read_list_rule(c, path, k, v, &c->p->packages_deny, RULE_PACKAGES_DENY);
}

static void read_env_key(PCtx *c, const char *path, const YNode *k, const YNode *v)
{
	read_list_rule(c, path, k, v, &c->p->env_deny, RULE_ENV_DENY_NAMES);
}

static void read_languages(PCtx *c, const char *path, const YNode *v, SrcPos key_pos)
{
	if (!want(c, v, path, YNODE_MAP, "a mapping of languages to '>=VERSION' or 'any'"))
		return;
	Policy *p = c->p;
	p->languages = arena_alloc(c->a, (v->n + 1) * sizeof(PolicyLanguage));
	p->nlanguages = 0;
	for (size_t i = 0; i < v->n; i++) {
		const YNode *k = v->pairs[i].key, *val = v->pairs[i].value;
		const char *sub = arena_printf(c->a, "%s.%s", path, k->str);
		if (!want(c, val, sub, YNODE_SCALAR, "'>=VERSION' or 'any'"))
			continue;
		PolicyLanguage *l = &p->languages[p->nlanguages];
		l->name = (SStr){k->str, k->pos};
		l->min.pos = val->pos;
		bool ok = true;
		if (strcmp(val->str, "any") == 0)
			l->min.s = NULL;
		else if (strncmp(val->str, ">=", 2) == 0)
			l->min.s = val->str + 2 + strspn(val->str + 2, " ");
		else
			ok = false;
		if (ok && l->min.s)
			policy_version_cmp(l->min.s, "0", &ok);
		if (!ok) {
			diag_error(c->d, val->pos, "'%s' is not a version requirement for '%s'; use '>=VERSION' "
						   "(e.g. '>=3.11') or 'any'", val->str, sub);
			continue;
		}
		p->nlanguages++;
	}
	activate(c, RULE_LANGUAGES, key_pos);
}

/* rules.digests: required | off */
static void read_digests(PCtx *c, const char *path, const YNode *k, const YNode *v)
{
	bool ok;
	read_bool_word(c, v, path, "required", "off", &c->p->digests_required, &ok);
	if (ok)
		activate(c, RULE_DIGESTS_REQUIRED, k->pos);
}

/* rules.lock.max_age: a number of days, "30d" */
static void read_lock_key(PCtx *c, const char *path, const YNode *k, const YNode *v)
{
	if (!want(c, v, path, YNODE_SCALAR, "a number of days (e.g. 30d)"))
		return;
	char *end;
	errno = 0;
	long n = strtol(v->str, &end, 10);
	if (errno || end == v->str || *v->str == '-' || *v->str == '+' || n < 1 || n > 36500 ||
	    strcmp(end, "d") != 0) {
		diag_error(c->d, v->pos, "'%s' is not an age for '%s'; write a number of days from 1 to 36500 "
					 "followed by 'd' (e.g. 30d)", v->str, path);
		return;
	}
	c->p->lock_max_age = n;
	activate(c, RULE_LOCK_MAX_AGE, k->pos);
}

static const char *const images_keys[] = {"allow", "deny_tags"};
static const char *const run_keys[] = {"healthcheck", "non_root"};
static const char *const labels_keys[] = {"required"};
static const char *const packages_keys[] = {"deny"};
static const char *const env_keys[] = {"deny_names"};
static const char *const lock_keys[] = {"max_age"};
static const char *const rules_keys[] = {"digests", "env", "images", "labels", "languages", "lock", "packages",
					 "run"};

static void read_rules_key(PCtx *c, const char *path, const YNode *k, const YNode *v)
{
	if (strcmp(k->str, "languages") == 0) {
		read_languages(c, path, v, k->pos);
		return;
	}
	if (strcmp(k->str, "digests") == 0) {
		read_digests(c, path, k, v);
		return;
	}
	if (!want(c, v, path, YNODE_MAP, "a mapping"))
		return;
	if (strcmp(k->str, "images") == 0)
		read_keys(c, v, path, images_keys, COUNT(images_keys), read_images_key);
	else if (strcmp(k->str, "run") == 0)
		read_keys(c, v, path, run_keys, COUNT(run_keys), read_run_key);
	else if (strcmp(k->str, "labels") == 0)
		read_keys(c, v, path, labels_keys, COUNT(labels_keys), read_labels_key);
	else if (strcmp(k->str, "packages") == 0)
		read_keys(c, v, path, packages_keys, COUNT(packages_keys), read_packages_key);
	else if (strcmp(k->str, "lock") == 0)
		read_keys(c, v, path, lock_keys, COUNT(lock_keys), read_lock_key);
	else
		read_keys(c, v, path, env_keys, COUNT(env_keys), read_env_key);
}

/* A rule named in severity or an exception: its index, or -1 after an error. */
static int rule_named(PCtx *c, const SStr *s)
{
	int r = rule_by_name(s->s);
	if (r >= 0)
		return r;
	const char *names[RULE_COUNT];
	for (size_t i = 0; i < RULE_COUNT; i++)
		names[i] = rule_table[i].slug;
	const char *near = suggest_closest(s->s, names, RULE_COUNT);
	if (near)
		diag_error(c->d, s->pos, "unknown rule '%s' (did you mean '%s'?)", s->s, near);
	else
		diag_error(c->d, s->pos, "unknown rule '%s'; name a rule by its id or name (e.g. 'STG201' or "
					 "'run.non_root')", s->s);
	return -1;
}

static const char *const severity_keys[] = {"error", "warning"};

static void read_severity_key(PCtx *c, const char *path, const YNode *k, const YNode *v)
{
	unsigned char level = strcmp(k->str, "warning") == 0 ? 1 : 2;
	SList l = {0};
	if (!read_strings(c, v, path, false, &l))
		return;
	for (size_t i = 0; i < l.n; i++) {
		int r = rule_named(c, &l.v[i]);
		if (r < 0)
			continue;
		if (c->p->severity_set[r] && c->p->severity_set[r] != level)
			diag_error(c->d, l.v[i].pos, "'%s' is both a warning and an error; name it once",
				   l.v[i].s);
		c->p->severity_set[r] = level;
		c->p->severity_pos[r] = l.v[i].pos;
		c->p->warning[r] = level == 1;
		if (!c->p->active[r])
			c->p->rule_pos[r] = l.v[i].pos;
	}
}

/* ---- exceptions ----------------------------------------------------------- */

static const char *const exception_keys[] = {"expires", "reason", "rules", "spec"};

static PolicyException *cur_exception(PCtx *c)
{
	return &c->p->exceptions[c->p->nexceptions];
}

static void read_exception_key(PCtx *c, const char *path, const YNode *k, const YNode *v)
{
	PolicyException *e = cur_exception(c);
	if (strcmp(k->str, "rules") == 0) {
		SList l = {0};
		if (!read_strings(c, v, path, true, &l))
			return;
		for (size_t i = 0; i < l.n; i++) {
			int r = rule_named(c, &l.v[i]);
			if (r >= 0 && e->nrules < RULE_COUNT)
				e->rules[e->nrules++] = r;
		}
		if (l.n == 0)
			diag_error(c->d, v->pos, "'%s' is an empty list; name the rules the exception waives", path);
		return;
	}
	if (!want(c, v, path, YNODE_SCALAR, "a string"))
		return;
	if (strcmp(k->str, "spec") == 0) {
		if (!valid_context_path(v->str))
			diag_error(c->d, v->pos, "'%s' is not a path below the policy's folder; give the spec's "
						 "path relative to the folder holding .stagec/ (e.g. "
						 "'services/api/app.yaml')", v->str);
		e->spec = (SStr){v->str, v->pos};
	} else if (strcmp(k->str, "reason") == 0) {
		if (!*v->str || strspn(v->str, " \t") == strlen(v->str))
			diag_error(c->d, v->pos, "'%s' is empty; say why the rule is waived", path);
		else
			e->reason = (SStr){v->str, v->pos};
	} else {
		if (!policy_parse_date(v->str, &e->expires_day))
			diag_error(c->d, v->pos, "'%s' is not a date; write the last day the exception holds as "
						 "YYYY-MM-DD (e.g. '2027-03-31')", v->str);
		else
			e->expires = (SStr){v->str, v->pos};
	}
}

static void read_exceptions(PCtx *c, const YNode *v)
{
	if (!want(c, v, "exceptions", YNODE_SEQ, "a list of exceptions"))
		return;
	c->p->exceptions = arena_alloc(c->a, (v->n + 1) * sizeof(PolicyException));
	for (size_t i = 0; i < v->n; i++) {
		const YNode *it = v->items[i];
		if (!want(c, it, "exceptions", YNODE_MAP, "a mapping (spec, rules, reason, expires)"))
			continue;
		PolicyException *e = cur_exception(c);
		e->pos = it->pos;
		e->base_dir = c->base_dir;
		int errors = c->d->errors;
		read_keys(c, it, "exceptions", exception_keys, COUNT(exception_keys), read_exception_key);
		const char *missing[4];
		size_t nm = 0;
		if (!ynode_get(it, "spec"))
			missing[nm++] = "spec";
		if (!ynode_get(it, "rules"))
			missing[nm++] = "rules";
		if (!ynode_get(it, "reason"))
			missing[nm++] = "reason";
		if (!ynode_get(it, "expires"))
			missing[nm++] = "expires";
		for (size_t j = 0; j < nm; j++)
			diag_error(c->d, it->pos, "the exception has no '%s'; an exception names the spec, the "
						  "rules it waives, the reason and the date it expires", missing[j]);
		if (c->d->errors == errors)
			c->p->nexceptions++;
	}
}

/* ---- defaults and enforce ----------------------------------------------- */

static YNode *scalar(Arena *a, const char *s, SrcPos pos)
{
	YNode *n = arena_alloc(a, sizeof(*n));
	n->kind = YNODE_SCALAR;
	n->str = s;
	n->len = strlen(s);
	n->pos = pos;
	return n;
}

static YNode *map1(Arena *a, const char *key, YNode *value, SrcPos pos)
{
	YNode *m = arena_alloc(a, sizeof(*m));
	m->kind = YNODE_MAP;
	m->pos = pos;
	m->pairs = arena_alloc(a, sizeof(YPair));
	m->pairs[0].key = scalar(a, key, pos);
	m->pairs[0].value = value;
	m->n = 1;
	return m;
}

/* A shallow copy: the policy keeps trees it may merge, never changes. */
static YNode *copy_node(Arena *a, const YNode *v)
{
	YNode *n = arena_alloc(a, sizeof(*n));
	*n = *v;
	return n;
}

/* os/arch[/variant], as BuildKit names a platform: linux/amd64, linux/arm/v7. */
static bool valid_platform(const char *s)
{
	int parts = 0;
	for (const char *p = s;; p++) {
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
		if (n == 0 || n > 32 || ++parts > 3)
			return false;
		p += n;
		if (*p == '\0')
			return parts >= 2;
		if (*p != '/')
			return false;
	}
}

/* enforce.platforms: a list of platforms, checked here (the spec reader
 * does not know the key); returns enforce without it. */
static const YNode *check_platforms(PCtx *c, const YNode *enforce)
{
	const YNode *v = ynode_get(enforce, POLICY_PLATFORMS);
	if (!v)
		return enforce;
	SList list = {0};
	if (read_strings(c, v, "enforce.platforms", false, &list))
		for (size_t i = 0; i < list.n; i++)
			if (!valid_platform(list.v[i].s))
				diag_error(c->d, list.v[i].pos, "'%s' is not a platform; 'enforce.platforms' lists "
								"platforms as os/arch[/variant] (linux/amd64, linux/arm64)",
					   list.v[i].s);
	return ynode_without(c->a, enforce, POLICY_PLATFORMS);
}

/* defaults and enforce hold spec keys: the spec reader checks them, over a
 * stand-in spec that supplies what every spec must have (a language, a
 * healthcheck's command) so that only the policy's own values are judged. */
static void check_spec_tree(PCtx *c, const YNode *v, const char *path)
{
	if (!want(c, v, path, YNODE_MAP, "a mapping of spec keys"))
		return;
	SrcPos nopos = {0};
	YNode *cmd = arena_alloc(c->a, sizeof(*cmd));
	cmd->kind = YNODE_SEQ;
	cmd->items = arena_alloc(c->a, sizeof(YNode *));
	cmd->items[0] = scalar(c->a, "true", nopos);
	cmd->n = 1;
	YNode *standin = map1(c->a, "language", scalar(c->a, "policy", nopos), nopos);
	const YNode *run = ynode_get(v, "run");
	if (run && run->kind == YNODE_MAP && ynode_get(run, "healthcheck"))
		standin = policy_merge_under(c->a, map1(c->a, "run", map1(c->a, "healthcheck",
						map1(c->a, "command", cmd, nopos), nopos), nopos), standin);
	YNode *root = policy_merge_under(c->a, standin, copy_node(c->a, v));
	spec_parse(c->a, root, c->f, "policy", c->d);
}

/* ---- the top level -------------------------------------------------------- */

static const char *const top_keys[] = {"defaults", "enforce", "exceptions", "extends", "rules", "severity",
				       "version"};

static void read_top_key(PCtx *c, const char *path, const YNode *k, const YNode *v)
{
	(void)k;
	if (strcmp(path, "version") == 0) {
		if (want(c, v, path, YNODE_SCALAR, "1") && strcmp(v->str, "1") != 0)
			diag_error(c->d, v->pos, "unknown policy version '%s'; this stagec reads version 1", v->str);
	} else if (strcmp(path, "extends") == 0) {
		if (!(v->kind == YNODE_SCALAR && !v->is_null) && !want(c, v, path, YNODE_SEQ, "a path or a list of paths"))
			return;
		c->extends = v;
	} else if (strcmp(path, "defaults") == 0) {
		check_spec_tree(c, v, path);
		if (v->kind == YNODE_MAP) {
			c->p->defaults = arena_alloc(c->a, sizeof(YNode *));
			c->p->defaults[0] = copy_node(c->a, v);
			c->p->ndefaults = 1;
		}
	} else if (strcmp(path, "enforce") == 0) {
		check_spec_tree(c, v->kind == YNODE_MAP ? mirror_check(c->a, check_platforms(c, v), c->d) : v, path);
		if (v->kind == YNODE_MAP)
			c->p->enforce = copy_node(c->a, v);
	} else if (strcmp(path, "rules") == 0) {
		if (want(c, v, path, YNODE_MAP, "a mapping of rules"))
			read_keys(c, v, path, rules_keys, COUNT(rules_keys), read_rules_key);
	} else if (strcmp(path, "severity") == 0) {
		if (want(c, v, path, YNODE_MAP, "a mapping (warning: [rules])"))
			read_keys(c, v, path, severity_keys, COUNT(severity_keys), read_severity_key);
	} else {
		read_exceptions(c, v);
	}
}

/* ---- reading a file and its parents ------------------------------------------ */

static const char *dir_of(Arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ".";
	if (slash == path)
		return "/";
	return arena_strndup(a, path, (size_t)(slash - path));
}

/* dir/rel with "x/.." and "./" folded away, as the user would write it. */
static const char *join_shown(Arena *a, const char *dir, const char *rel)
{
	if (*rel == '/')
		return rel;
	const char *parts[256];
	size_t n = 0;
	bool abs = *dir == '/';
	char *buf = arena_printf(a, "%s/%s", dir, rel);
	for (char *tok = strtok(buf, "/"); tok; tok = strtok(NULL, "/")) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0 && n > 0 && strcmp(parts[n - 1], "..") != 0) {
			n--;
			continue;
		}
		if (n < COUNT(parts))
			parts[n++] = tok;
	}
	Strbuf sb = STRBUF_INIT;
	if (abs)
		strbuf_addc(&sb, '/');
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i ? "/" : "", parts[i]);
	const char *out = arena_strdup(a, sb.len ? strbuf_str(&sb) : ".");
	strbuf_release(&sb);
	return out;
}

static Policy *load_file(Arena *a, const char *path, const char *shown, SrcPos from, StrList *stack, int depth,
			 Diags *d);

static void load_parents(PCtx *c, Policy *acc)
{
	const YNode *v = c->extends;
	size_t n = v->kind == YNODE_SEQ ? v->n : 1;
	for (size_t i = 0; i < n; i++) {
		const YNode *it = v->kind == YNODE_SEQ ? v->items[i] : v;
		if (it->kind != YNODE_SCALAR || it->is_null || !*it->str) {
			diag_error(c->d, it->pos, "expected a path in 'extends', not %s", ynode_kind_name(it->kind));
			continue;
		}
		const char *path = *it->str == '/' ? it->str : arena_printf(c->a, "%s/%s", c->real_dir, it->str);
		const char *shown = join_shown(c->a, c->shown_dir, it->str);
		if (c->depth >= EXTENDS_MAX_DEPTH) {
			diag_error(c->d, it->pos, "'%s' is more than %d policies deep; flatten the extends chain",
				   it->str, EXTENDS_MAX_DEPTH);
			continue;
		}
		Policy *parent = load_file(c->a, path, shown, it->pos, c->stack, c->depth + 1, c->d);
		if (parent)
			policy_fold(c->a, acc, parent, c->d);
	}
}

static Policy *load_file(Arena *a, const char *path, const char *shown, SrcPos from, StrList *stack, int depth,
			 Diags *d)
{
	char *real = stagec_realpath(path, NULL);
	if (!real) {
		diag_error(d, from, "cannot read the policy '%s': %s", shown, strerror(errno));
		return NULL;
	}
	const char *rp = arena_strdup(a, real);
	free(real);
	if (strlist_contains(stack, rp)) {
		diag_error(d, from, "'%s' extends itself through this chain of policies; remove the cycle", shown);
		return NULL;
	}
	struct stat st;
	if (stat(rp, &st) != 0 || !S_ISREG(st.st_mode)) {
		diag_error(d, from, "the policy '%s' is not a file", shown);
		return NULL;
	}
	const SourceFile *f = source_read(a, rp, shown, d);
	if (!f)
		return NULL;
	int errors = d->errors;
	YNode *root = yaml_load(a, f, d);
	if (!root)
		return NULL;
	if (root->kind != YNODE_MAP) {
		diag_error(d, root->pos, "a policy must be a mapping of keys (version, rules, ...), not %s",
			   ynode_kind_name(root->kind));
		return NULL;
	}
	Policy *layer = arena_alloc(a, sizeof(*layer));
	layer->chain = arena_alloc(a, sizeof(*layer->chain));
	layer->chain[0] = f;
	layer->nchain = 1;
	PCtx c = {a, d, f, layer, NULL, NULL, NULL, stack, depth, NULL};
	c.real_dir = dir_of(a, rp);
	c.shown_dir = dir_of(a, shown);
	const char *last = strrchr(c.real_dir, '/');
	c.base_dir = last && strcmp(last, "/.stagec") == 0 ? dir_of(a, c.real_dir) : c.real_dir;
	read_keys(&c, root, "", top_keys, COUNT(top_keys), read_top_key);
	if (!ynode_get(root, "version"))
		diag_error(d, root->pos, "missing required key 'version' (write 'version: 1' first)");
	Policy *acc = arena_alloc(a, sizeof(*acc));
	if (c.extends) {
		strlist_push(a, stack, rp);
		load_parents(&c, acc);
		stack->n--;
	}
	policy_fold(a, acc, layer, d);
	return d->errors == errors ? acc : NULL;
}

Policy *policy_load(Arena *a, const char *path, const char *display, Diags *d)
{
	StrList stack = {0};
	return load_file(a, path, display ? display : path, (SrcPos){0}, &stack, 0, d);
}

Policy *policy_baseline(Arena *a)
{
	Policy *p = arena_alloc(a, sizeof(*p));
	p->active[RULE_RUN_NON_ROOT] = true;
	p->non_root = true;
	p->active[RULE_IMAGES_DENY_TAGS] = true;
	p->warning[RULE_IMAGES_DENY_TAGS] = true; /* as before policies: a warning */
	p->deny_tags.v = arena_alloc(a, sizeof(SStr));
	p->deny_tags.v[0].s = "latest";
	p->deny_tags.n = 1;
	p->deny_tags.present = true;
	return p;
}

/* ---- discovery and the public checks --------------------------------------- */

char *stagec_policy_find(const char *spec_path, const char *explicit_path)
{
	if (explicit_path)
		return strdup(explicit_path);
	const char *env = getenv("STAGEC_POLICY");
	if (env && *env)
		return strdup(env);
	return discover_upward(spec_path, ".stagec/policy.yaml");
}

bool stagec_policy_check(const char *path, char **ret_diagnostics)
{
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 0, false);
	bool ok = policy_load(a, path, NULL, &d) != NULL && d.errors == 0;
	if (ret_diagnostics)
		*ret_diagnostics = diags_render_text(&d);
	arena_free(a);
	return ok;
}
