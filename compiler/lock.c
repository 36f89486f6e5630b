/*
 * lock.c - the lock file, stagec.lock (specs/lock.md): reading it with
 * positions, pinning an IR's images with it, and writing it back.
 *
 * The file is YAML read with the spec's reader (size, depth and duplicate
 * key limits), every key checked at its line: `version: 1`, `images` (one
 * entry per reference: `image: REF@sha256:<64 hex>` on one line, so a
 * Renovate regex manager can update it, and `confirmed: YYYY-MM-DD`) and
 * `templates` (the default version of each language, frozen).  Two
 * entries for one reference (compared normalised: python:3.12 is
 * docker.io/library/python:3.12) are refused.  A lock with errors is
 * never used: the caller stops with exit 2.
 *
 * Compiling never resolves anything: lock_pin rewrites the FROM lines of
 * an IR to ref@digest from the entries, after the policy's rules ran on
 * the tags (patterns match before any rewrite), and adds the OCI labels
 * org.opencontainers.image.base.name and .base.digest to a final stage
 * whose image carries a digest (never on scratch, which has none).
 * Discovery (stagec_lock_find) walks up like the policy's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lock.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define LABEL_BASE_NAME "org.opencontainers.image.base.name"
#define LABEL_BASE_DIGEST "org.opencontainers.image.base.digest"

/* ---- values ----------------------------------------------------------------- */

const char *lock_digest_problem(const char *s)
{
	if (strncmp(s, LOCK_DIGEST_PREFIX, strlen(LOCK_DIGEST_PREFIX)) != 0)
		return "a digest starts with 'sha256:'";
	if (strlen(s) != LOCK_DIGEST_LEN || strspn(s + 7, "0123456789abcdef") != 64)
		return "a digest is 'sha256:' and 64 lowercase hex digits";
	return NULL;
}

const char *lock_ref_problem(const char *s)
{
	if (!*s || !valid_image_ref(s))
		return "not an image reference (name[:tag], no spaces)";
	if (strchr(s, '@'))
		return "the reference carries a digest already";
	if (strcmp(s, "scratch") == 0)
		return "scratch is the empty image and has no digest";
	return NULL;
}

const char *lock_date(Arena *a, long z)
{
	/* civil from days (the inverse of policy.c's days_from_civil) */
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
	return arena_printf(a, "%04ld-%02ld-%02ld", y + (m <= 2), m, d);
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct LCtx {
	Arena *a;
	Diags *d;
	Lock *l;
} LCtx;

static bool want(LCtx *c, const YNode *v, const char *path, YNodeKind kind, const char *what)
{
	if (v->kind == kind && !(v->kind == YNODE_SCALAR && v->is_null))
		return true;
	if (v->kind == YNODE_SCALAR && v->is_null)
		diag_error(c->d, v->pos, "'%s' has no value; give %s", path, what);
	else
		diag_error(c->d, v->pos, "expected %s for '%s', not %s", what, path, ynode_kind_name(v->kind));
	return false;
}

static void unknown_key(LCtx *c, const YNode *k, const char *level, const char *const *names, size_t n)
{
	diag_unknown_key(c->d, c->a, k->pos, k->str, level, names, n);
}

static bool known(LCtx *c, const YNode *k, const char *level, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(k->str, names[i]) == 0)
			return true;
	unknown_key(c, k, level, names, n);
	return false;
}

static LockEntry *entry_new(Lock *l, Arena *a)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		LockEntry *v = arena_alloc(a, l->cap * sizeof(*v));
		if (l->n)
			memcpy(v, l->entries, l->n * sizeof(*v));
		l->entries = v;
	}
	LockEntry *e = &l->entries[l->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

static const char *const entry_keys[] = {"confirmed", "image"};

static void read_entry(LCtx *c, const YNode *it, size_t idx)
{
	const char *path = arena_printf(c->a, "images[%zu]", idx);
	if (!want(c, it, path, YNODE_MAP, "a mapping (image, confirmed)"))
		return;
	const YNode *img = NULL, *conf = NULL;
	bool ok = true;
	for (size_t i = 0; i < it->n; i++) {
		const YNode *k = it->pairs[i].key, *v = it->pairs[i].value;
		if (!known(c, k, path, entry_keys, COUNT(entry_keys))) {
			ok = false;
			continue;
		}
		const char *sub = arena_printf(c->a, "%s.%s", path, k->str);
		if (!want(c, v, sub, YNODE_SCALAR, strcmp(k->str, "image") == 0 ? "'REF:TAG@sha256:<64 hex>'"
										     : "a date (YYYY-MM-DD)")) {
			ok = false;
			continue;
		}
		if (strcmp(k->str, "image") == 0)
			img = v;
		else
			conf = v;
	}
	if (!img || !conf) {
		diag_error(c->d, it->pos, "this entry has no '%s'; each entry of 'images' has 'image: REF@sha256:...' "
					  "and 'confirmed: YYYY-MM-DD' (run 'stagec lock --update' to rewrite it)",
			   !img ? "image" : "confirmed");
		return;
	}
	if (!ok)
		return;
	const char *at = strrchr(img->str, '@');
	const char *ref = at ? arena_strndup(c->a, img->str, (size_t)(at - img->str)) : img->str;
	const char *problem = !at ? "it has no digest ('@sha256:...')" : lock_ref_problem(ref);
	if (!problem)
		problem = lock_digest_problem(at + 1);
	if (problem) {
		diag_error(c->d, img->pos, "'%s' is not a locked image: %s; write 'REF:TAG@sha256:<64 hex>', or "
					   "set it with 'stagec lock --set REF=DIGEST'", img->str, problem);
		return;
	}
	long day;
	if (!policy_parse_date(conf->str, &day)) {
		diag_error(c->d, conf->pos, "'%s' is not a date; write YYYY-MM-DD (e.g. 2026-11-28)", conf->str);
		return;
	}
	LockEntry *dup = lock_find(c->l, c->a, ref);
	if (dup) {
		diag_error(c->d, img->pos, "'%s' is locked twice, here and at line %d (both are %s); keep one entry",
			   ref, dup->pos.line, image_normalise(c->a, ref));
		return;
	}
	LockEntry *e = entry_new(c->l, c->a);
	e->ref = ref;
	e->norm = image_normalise(c->a, ref);
	e->digest = at + 1;
	e->confirmed = conf->str;
	e->confirmed_day = day;
	e->pos = img->pos;
}

static bool version_word(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == strlen(s);
}

static void read_templates(LCtx *c, const YNode *v)
{
	if (!want(c, v, "templates", YNODE_MAP, "a mapping of languages to {default_version: VERSION}"))
		return;
	static const char *const keys[] = {"default_version"};
	for (size_t i = 0; i < v->n; i++) {
		const YNode *k = v->pairs[i].key, *t = v->pairs[i].value;
		const char *path = arena_printf(c->a, "templates.%s", k->str);
		if (!version_word(k->str)) {
			diag_error(c->d, k->pos, "'%s' is not a language name; use the name of a template "
						 "(e.g. python)", k->str);
			continue;
		}
		if (!want(c, t, path, YNODE_MAP, "a mapping ({default_version: VERSION})"))
			continue;
		const YNode *dv = NULL;
		for (size_t j = 0; j < t->n; j++)
			if (known(c, t->pairs[j].key, path, keys, COUNT(keys)))
				dv = t->pairs[j].value;
		if (!dv) {
			if (t->n == 0)
				diag_error(c->d, t->pos, "'%s' has no 'default_version'; give the version to freeze "
							 "(e.g. {default_version: \"3.11\"})", path);
			continue;
		}
		const char *sub = arena_printf(c->a, "%s.default_version", path);
		if (!want(c, dv, sub, YNODE_SCALAR, "a version (e.g. \"3.11\")"))
			continue;
		if (!version_word(dv->str)) {
			diag_error(c->d, dv->pos, "'%s' is not a version; use letters, digits, '.', '-' and '_' "
						  "(e.g. \"3.11\")", dv->str);
			continue;
		}
		lock_set_template(c->l, c->a, k->str, dv->str);
		c->l->templates[c->l->ntemplates - 1].pos = dv->pos;
	}
}

static const char *const top_keys[] = {"images", "templates", "version"};

Lock *lock_parse(Arena *a, const SourceFile *f, Diags *d)
{
	int before = d->errors;
	YNode *root = yaml_load(a, f, d);
	if (!root)
		return NULL;
	LCtx ctx = {a, d, lock_new(a)}, *c = &ctx;
	c->l->file = f;
	char hex[65];
	sha256_of(f->text, f->len, hex);
	snprintf(c->l->hash, sizeof(c->l->hash), "sha256:%s", hex);
	if (root->kind != YNODE_MAP) {
		diag_error(d, root->pos, "a lock file must be a mapping (version, images, templates), not %s; "
					 "write it with 'stagec lock'", ynode_kind_name(root->kind));
		return NULL;
	}
	const YNode *version = NULL;
	for (size_t i = 0; i < root->n; i++) {
		const YNode *k = root->pairs[i].key, *v = root->pairs[i].value;
		if (!known(c, k, "", top_keys, COUNT(top_keys)))
			continue;
		if (strcmp(k->str, "version") == 0) {
			version = v;
			if (v->kind != YNODE_SCALAR || strcmp(v->str, "1") != 0)
				diag_error(d, v->pos, "this stagec reads lock files of version 1, not '%s'; write "
						      "'version: 1' or regenerate the file with 'stagec lock --update'",
					   v->kind == YNODE_SCALAR ? v->str : ynode_kind_name(v->kind));
		} else if (strcmp(k->str, "images") == 0) {
			if (v->kind == YNODE_SCALAR && v->is_null)
				continue; /* "images:" with nothing locked yet */
			if (want(c, v, "images", YNODE_SEQ, "a list of entries (image, confirmed)"))
				for (size_t j = 0; j < v->n; j++)
					read_entry(c, v->items[j], j);
		} else if (!(v->kind == YNODE_SCALAR && v->is_null)) {
			read_templates(c, v);
		}
	}
	if (!version)
		diag_error(d, root->pos, "the lock file has no 'version'; add 'version: 1' at the top");
	return d->errors > before ? NULL : c->l;
}

Lock *lock_load(Arena *a, const char *path, const char *display, Diags *d)
{
	const SourceFile *f = source_read(a, path, display, d);
	return f ? lock_parse(a, f, d) : NULL;
}

Lock *lock_new(Arena *a)
{
	Lock *l = arena_alloc(a, sizeof(*l));
	snprintf(l->hash, sizeof(l->hash), "none");
	return l;
}

/* ---- entries ------------------------------------------------------------------ */

LockEntry *lock_find(const Lock *l, Arena *a, const char *ref)
{
	if (!l)
		return NULL;
	const char *norm = image_normalise(a, ref);
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->entries[i].norm, norm) == 0)
			return &l->entries[i];
	return NULL;
}

LockEntry *lock_set(Lock *l, Arena *a, const char *ref, const char *digest, const char *date)
{
	LockEntry *e = lock_find(l, a, ref);
	if (!e) {
		e = entry_new(l, a);
		e->ref = arena_strdup(a, ref);
		e->norm = image_normalise(a, ref);
	}
	e->digest = arena_strdup(a, digest);
	e->confirmed = arena_strdup(a, date);
	policy_parse_date(date, &e->confirmed_day);
	e->drop = false;
	return e;
}

const char *lock_default_version(const Lock *l, const char *language)
{
	for (size_t i = 0; l && language && i < l->ntemplates; i++)
		if (strcmp(l->templates[i].language, language) == 0)
			return l->templates[i].default_version;
	return NULL;
}

void lock_set_template(Lock *l, Arena *a, const char *language, const char *version)
{
	for (size_t i = 0; i < l->ntemplates; i++)
		if (strcmp(l->templates[i].language, language) == 0) {
			l->templates[i].default_version = arena_strdup(a, version);
			l->templates[i].drop = false;
			return;
		}
	if (l->ntemplates == l->tcap) {
		l->tcap = l->tcap ? l->tcap * 2 : 8;
		LockTemplate *v = arena_alloc(a, l->tcap * sizeof(*v));
		if (l->ntemplates)
			memcpy(v, l->templates, l->ntemplates * sizeof(*v));
		l->templates = v;
	}
	l->templates[l->ntemplates++] = (LockTemplate){arena_strdup(a, language), arena_strdup(a, version), {0}, false};
}

/* ---- writing ------------------------------------------------------------------ */

static int cmp_entry(const void *x, const void *y)
{
	const LockEntry *const *a = x, *const *b = y;
	int c = strcmp((*a)->ref, (*b)->ref);
	return c ? c : strcmp((*a)->norm, (*b)->norm);
}

static int cmp_template(const void *x, const void *y)
{
	const LockTemplate *const *a = x, *const *b = y;
	return strcmp((*a)->language, (*b)->language);
}

void lock_write(const Lock *l, Strbuf *out)
{
	strbuf_adds(out, STAGEC_HEADER_MARK " " STAGEC_VERSION " (stagec lock): base images pinned by digest.\n"
			 "# Commit it.  Change it with 'stagec lock' (--update, --set, --prune); specs/lock.md.\n"
			 "version: 1\n");
	const LockEntry **es = malloc((l->n + 1) * sizeof(*es));
	const LockTemplate **ts = malloc((l->ntemplates + 1) * sizeof(*ts));
	if (!es || !ts)
		abort(); /* as the arena does: a compiler that cannot allocate cannot go on */
	size_t n = 0, nt = 0;
	for (size_t i = 0; i < l->n; i++)
		if (!l->entries[i].drop)
			es[n++] = &l->entries[i];
	for (size_t i = 0; i < l->ntemplates; i++)
		if (!l->templates[i].drop)
			ts[nt++] = &l->templates[i];
	qsort(es, n, sizeof(*es), cmp_entry);
	qsort(ts, nt, sizeof(*ts), cmp_template);
	strbuf_adds(out, n ? "images:\n" : "images: []\n");
	for (size_t i = 0; i < n; i++)
		strbuf_addf(out, "  - image: %s@%s\n    confirmed: %s\n", es[i]->ref, es[i]->digest, es[i]->confirmed);
	strbuf_adds(out, nt ? "templates:\n" : "templates: {}\n");
	for (size_t i = 0; i < nt; i++)
		strbuf_addf(out, "  %s: {default_version: \"%s\"}\n", ts[i]->language, ts[i]->default_version);
	free(es);
	free(ts);
}

/* ---- pinning -------------------------------------------------------------------- */

SrcPos lock_image_pos(const Spec *s, const char *image)
{
	if (s->image_run.s && strcmp(s->image_run.s, image) == 0)
		return s->image_run.pos;
	if (s->image_build.s && strcmp(s->image_build.s, image) == 0)
		return s->image_build.pos;
	if (s->version.s && s->version.pos.file)
		return s->version.pos;
	return s->language.pos;
}

static void use(Arena *a, LockUses *u, const char *ref, const char *digest, const LockEntry *e)
{
	for (size_t i = 0; i < u->n; i++)
		if (strcmp(u->v[i].ref, ref) == 0)
			return;
	if (u->n == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 4;
		LockUse *v = arena_alloc(a, u->cap * sizeof(*v));
		if (u->n)
			memcpy(v, u->v, u->n * sizeof(*v));
		u->v = v;
	}
	u->v[u->n++] = (LockUse){ref, digest, e};
}

/* The base-image labels, in the final stage's LABEL step (a key the spec
 * set too gets the pinned value) or in a new one before USER. */
static void add_base_labels(Arena *a, Ir *ir, const char *ref, const char *digest)
{
	Stage *fin = ir->last;
	const char *keys[] = {LABEL_BASE_NAME, LABEL_BASE_DIGEST};
	const char *values[] = {image_normalise(a, ref), digest};
	Step *label = NULL, *before = NULL;
	for (Step *st = fin->first; st; st = st->next) {
		if (st->kind == STEP_LABEL)
			label = st;
		if (!before && (st->kind == STEP_USER || st->kind == STEP_EXPOSE || st->kind == STEP_HEALTHCHECK ||
				st->kind == STEP_ENTRYPOINT || st->kind == STEP_CMD))
			before = st;
	}
	if (!label) {
		label = ir_step_new(ir, STEP_LABEL, ROLE_RUNTIME, (SrcPos){0}, "the pinned base image (stagec.lock)");
		ir_step_insert_before(fin, before, label);
	}
	for (size_t k = 0; k < 2; k++) {
		size_t i;
		for (i = 0; i < label->keys.n; i++)
			if (strcmp(label->keys.v[i], keys[k]) == 0)
				break;
		if (i < label->keys.n)
			label->values.v[i] = values[k];
		else {
			strlist_push(a, &label->keys, keys[k]);
			strlist_push(a, &label->values, values[k]);
		}
	}
}

bool lock_pin(Arena *a, const Lock *lock, StagecLockMode mode, bool report, Ir *ir, const Spec *spec,
	      Diags *d, LockUses *uses)
{
	bool ok = true;
	const char *where = lock && lock->file ? lock->file->path : NULL;
	for (Stage *st = ir->first; st; st = st->next) {
		if (strcmp(st->image, "scratch") == 0 || st->from_stage)
			continue;
		const char *at = strchr(st->image, '@');
		if (at) { /* pinned in the spec itself */
			use(a, uses, arena_strndup(a, st->image, (size_t)(at - st->image)), at + 1, NULL);
			continue;
		}
		const LockEntry *e = mode == STAGEC_LOCK_OFF ? NULL : lock_find(lock, a, st->image);
		if (e) {
			use(a, uses, st->image, e->digest, e);
			st->image = arena_printf(a, "%s@%s", st->image, e->digest);
			continue;
		}
		bool seen = false;
		for (size_t i = 0; i < uses->n && !seen; i++)
			seen = strcmp(uses->v[i].ref, st->image) == 0;
		use(a, uses, st->image, NULL, NULL);
		if (seen)
			continue;
		SrcPos pos = lock_image_pos(spec, st->image);
		if (mode == STAGEC_LOCK_FROZEN) {
			ok = false;
			if (where)
				diag_error(d, pos, "the image '%s' is not in the lock file %s, and a frozen lock (--lock=frozen, "
						   "stagec all --check) must have every image; run 'stagec lock' to add it",
					   st->image, where);
			else
				diag_error(d, pos, "the image '%s' is not locked: no stagec.lock was found from the spec's "
						   "folder up to the repository's root, and --lock=frozen requires one; run "
						   "'stagec lock'", st->image);
		} else if (mode == STAGEC_LOCK_PINNED && where && report) {
			diag_warning(d, pos, "the image '%s' is not in the lock file %s, so it stays a tag that may "
					     "move; run 'stagec lock' to pin it", st->image, where);
		}
	}
	Stage *fin = ir->last;
	const char *at = fin ? strchr(fin->image, '@') : NULL;
	if (at)
		add_base_labels(a, ir, arena_strndup(a, fin->image, (size_t)(at - fin->image)), at + 1);
	return ok;
}

/* ---- discovery and the public check ------------------------------------------------ */

char *stagec_lock_find(const char *spec_path)
{
	return discover_upward(spec_path, LOCK_FILE_NAME);
}

bool stagec_lock_check(const char *path, char **ret_diagnostics)
{
	Arena *a = arena_new();
	Diags d;
	diags_init(&d, a, 0, false);
	bool ok = lock_load(a, path, NULL, &d) != NULL && d.errors == 0;
	if (ret_diagnostics)
		*ret_diagnostics = diags_render_text(&d);
	arena_free(a);
	return ok;
}
