/*
 * template.c - reading the language templates (templates/<language>.yaml).
 *
 * A template is data: images per base flavour, toolchain packages, the
 * manifests, the install and build commands, what the final stage needs.
 * The built-in copies are compiled in (embedded.c); --templates DIR reads a
 * folder instead, so a new language can be tried without rebuilding.
 * Template mistakes are reported like spec mistakes, at their position in
 * the template file.  See templates/README.md for the format.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The files of the template set that are not language templates. */
static const char *const data_files[] = {"bases.yaml", "dockerignore.yaml", "families.yaml", "runtime-libs.yaml"};

static bool is_data_file(const char *name)
{
	for (size_t i = 0; i < sizeof(data_files) / sizeof(*data_files); i++)
		if (strcmp(name, data_files[i]) == 0)
			return true;
	return false;
}

typedef struct TReader {
	Arena *a;
	Diags *d;
	bool ok;
} TReader;

static const SourceFile *embedded_source(Arena *a, const char *file, const char **ret_hash)
{
	for (size_t i = 0; i < embedded_templates_count; i++)
		if (strcmp(embedded_templates[i].name, file) == 0) {
			*ret_hash = embedded_templates[i].hash;
			return source_from_string(a, arena_printf(a, "templates/%s", file),
						  embedded_templates[i].text, embedded_templates[i].len);
		}
	return NULL;
}

/* A file of the template set: from --templates DIR when given (a read
 * error is the user's to see), else the built-in copy.  The shared data
 * files (families, bases, runtime libraries) fall back to the built-in
 * copies when DIR does not have them, so a folder holding one new
 * language template is enough to try it. */
const SourceFile *template_source(Arena *a, const Templates *t, const char *file, Diags *d)
{
	const SourceFile *f = NULL;
	const char *hash = NULL; /* a built-in file's, hashed at build time */
	bool from_dir = false;
	if (t->dir) {
		char *path = arena_printf(a, "%s/%s", t->dir, file);
		struct stat st;
		from_dir = !is_data_file(file) || stat(path, &st) == 0;
		if (from_dir)
			f = source_read(a, path, NULL, d);
	}
	if (!from_dir)
		f = embedded_source(a, file, &hash);
	/* named by its file in the set: a copy that changes nothing has the same hash */
	if (f && hash)
		inputs_add_hash(t->inputs, INPUT_TEMPLATE, file, hash);
	else if (f)
		inputs_add(t->inputs, INPUT_TEMPLATE, file, f->text, f->len);
	return f;
}

static const char *t_string(TReader *r, const YNode *n, const char *what)
{
	if (!n || n->is_null)
		return NULL;
	if (n->kind != YNODE_SCALAR) {
		diag_error(r->d, n->pos, "expected a string for '%s', not %s", what, ynode_kind_name(n->kind));
		r->ok = false;
		return NULL;
	}
	return n->str;
}

static bool t_bool(TReader *r, const YNode *n, const char *what, bool dflt)
{
	const char *s = t_string(r, n, what);
	if (!s)
		return dflt;
	if (strcmp(s, "true") == 0)
		return true;
	if (strcmp(s, "false") == 0)
		return false;
	diag_error(r->d, n->pos, "expected true or false for '%s'", what);
	r->ok = false;
	return dflt;
}

static void t_list(TReader *r, const YNode *n, const char *what, StrList *out)
{
	if (!n || n->is_null)
		return;
	if (n->kind != YNODE_SEQ) {
		diag_error(r->d, n->pos, "expected a list of strings for '%s', not %s", what,
			   ynode_kind_name(n->kind));
		r->ok = false;
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const char *s = t_string(r, n->items[i], what);
		if (s)
			strlist_push(r->a, out, s);
	}
}

static void t_map(TReader *r, const YNode *n, const char *what, StrList *names, StrList *values)
{
	if (!n || n->is_null)
		return;
	if (n->kind != YNODE_MAP) {
		diag_error(r->d, n->pos, "expected a mapping for '%s', not %s", what, ynode_kind_name(n->kind));
		r->ok = false;
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const char *v = t_string(r, n->pairs[i].value, what);
		if (!v)
			continue;
		strlist_push(r->a, names, n->pairs[i].key->str);
		strlist_push(r->a, values, v);
	}
}

/* Rejects keys a template may not have: a typo in a template must not be
 * silently ignored. */
static void t_known_keys(TReader *r, const YNode *map, const char *const *keys, size_t nkeys)
{
	if (!map || map->kind != YNODE_MAP)
		return;
	for (size_t i = 0; i < map->n; i++) {
		const YNode *k = map->pairs[i].key;
		bool known = false;
		for (size_t j = 0; j < nkeys && !known; j++)
			known = strcmp(k->str, keys[j]) == 0;
		if (!known) {
			const char *s = suggest_closest(k->str, keys, nkeys);
			if (s)
				diag_error(r->d, k->pos, "unknown template key '%s' (did you mean '%s'?)", k->str, s);
			else
				diag_error(r->d, k->pos, "unknown template key '%s'", k->str);
			r->ok = false;
		}
	}
}

/* The position of key's value in map, or of the map itself. */
static SrcPos t_pos(const YNode *map, const char *key)
{
	const YNode *n = ynode_get(map, key);
	return n ? n->pos : map->pos;
}

/* init: what runs as PID 1, "tini" or "none"; NULL when absent. */
static const char *t_init(TReader *r, const YNode *n)
{
	const char *s = t_string(r, n, "init");
	if (s && strcmp(s, "tini") != 0 && strcmp(s, "none") != 0) {
		diag_error(r->d, n->pos, "'init' is tini or none, not '%s'", s);
		r->ok = false;
		return NULL;
	}
	return s;
}

/* artifacts: a list of paths, or of {from: PATH, to: PATH} mappings. */
static void t_artifacts(TReader *r, const YNode *n, StrList *from, StrList *to)
{
	if (!n || n->is_null)
		return;
	if (n->kind != YNODE_SEQ) {
		diag_error(r->d, n->pos, "expected a list for 'artifacts', not %s", ynode_kind_name(n->kind));
		r->ok = false;
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		const YNode *it = n->items[i];
		const char *f = NULL, *t = NULL;
		if (it->kind == YNODE_MAP) {
			static const char *const keys[] = {"from", "to"};
			t_known_keys(r, it, keys, 2);
			f = t_string(r, ynode_get(it, "from"), "artifacts.from");
			t = t_string(r, ynode_get(it, "to"), "artifacts.to");
		} else {
			f = t = t_string(r, it, "artifacts");
		}
		if (!f || !t || (f[0] != '/' && f[0] != '{') || (t[0] != '/' && t[0] != '{')) {
			diag_error(r->d, it->pos, "an artifact is an absolute path, or {from: PATH, to: PATH}");
			r->ok = false;
			continue;
		}
		strlist_push(r->a, from, f);
		strlist_push(r->a, to, t);
	}
}

/* cross: a list of rules, {when_env: {NAME: VALUE}, build_platform: BOOL,
 * why: TEXT, env: {NAME: VALUE}}; the first whose when_env holds decides
 * (templates/README.md).  A why is one short line: the IR keeps it. */
static void read_cross(TReader *r, const YNode *n, TmplCross **ret_v, size_t *ret_n)
{
	static const char *const keys[] = {"when_env", "build_platform", "why", "env"};
	if (!n || n->is_null)
		return;
	if (n->kind != YNODE_SEQ || !n->n) {
		diag_error(r->d, n->pos, "expected a list of cross-build rules for 'cross'");
		r->ok = false;
		return;
	}
	TmplCross *v = arena_alloc(r->a, n->n * sizeof(*v));
	size_t count = 0;
	for (size_t i = 0; i < n->n; i++) {
		const YNode *rule = n->items[i];
		if (rule->kind != YNODE_MAP) {
			diag_error(r->d, rule->pos, "a cross-build rule is a mapping with 'build_platform' and 'why', "
						    "and optional 'when_env' and 'env'");
			r->ok = false;
			continue;
		}
		t_known_keys(r, rule, keys, sizeof(keys) / sizeof(*keys));
		TmplCross *c = &v[count++];
		c->pos = rule->pos;
		t_map(r, ynode_get(rule, "when_env"), "when_env", &c->when_names, &c->when_values);
		t_map(r, ynode_get(rule, "env"), "env", &c->env_names, &c->env_values);
		const YNode *bp = ynode_get(rule, "build_platform");
		c->build_platform = t_bool(r, bp, "build_platform", false);
		const YNode *why = ynode_get(rule, "why");
		c->why = t_string(r, why, "why");
		if (!bp || !c->why) {
			diag_error(r->d, rule->pos, "a cross-build rule needs 'build_platform' (true or false) and "
						    "'why' (one short sentence)");
			r->ok = false;
		} else if (!*c->why || strlen(c->why) > CROSS_WHY_MAX || has_control_chars(c->why)) {
			diag_error(r->d, why->pos, "'why' is one line of at most %d characters", CROSS_WHY_MAX);
			r->ok = false;
		}
		const YNode *maps[] = {ynode_get(rule, "when_env"), ynode_get(rule, "env")};
		for (size_t m = 0; m < 2; m++)
			for (size_t j = 0; maps[m] && maps[m]->kind == YNODE_MAP && j < maps[m]->n; j++) {
				const YNode *k = maps[m]->pairs[j].key, *val = maps[m]->pairs[j].value;
				const char *problem = m && val->kind == YNODE_SCALAR ? cross_value_problem(val->str) : NULL;
				if (!valid_env_name(k->str)) {
					diag_error(r->d, k->pos, "'%s' is not a variable name", k->str);
					r->ok = false;
				} else if (problem) {
					diag_error(r->d, val->pos, "'%s' %s", val->str, problem);
					r->ok = false;
				}
			}
		if (c->env_names.n && !c->build_platform) {
			diag_error(r->d, maps[1]->pos, "'env' is the builder's environment when it cross-builds; "
						       "a rule with build_platform: false has none");
			r->ok = false;
		}
	}
	*ret_v = v;
	*ret_n = count;
}

/* caches: a list of {target: PATH, id: ID, sharing: shared|locked}; the
 * target is absolute or starts with a {variable} ({workdir}/target), and
 * what the words may hold once expanded is checked by lowering. */
static void t_caches(TReader *r, const YNode *n, TmplCaches *out)
{
	static const char *const keys[] = {"target", "id", "sharing"};
	if (!n || n->is_null)
		return;
	if (n->kind != YNODE_SEQ) {
		diag_error(r->d, n->pos, "expected a list of caches for 'caches' ({target: PATH, id: ID, "
					 "sharing: locked}), not %s", ynode_kind_name(n->kind));
		r->ok = false;
		return;
	}
	out->v = arena_alloc(r->a, (n->n + 1) * sizeof(*out->v));
	for (size_t i = 0; i < n->n; i++) {
		const YNode *it = n->items[i];
		if (it->kind != YNODE_MAP) {
			diag_error(r->d, it->pos, "a cache is a mapping: {target: PATH, id: ID, sharing: locked}");
			r->ok = false;
			continue;
		}
		t_known_keys(r, it, keys, sizeof(keys) / sizeof(*keys));
		TmplCache c = {.pos = it->pos};
		c.target = t_string(r, ynode_get(it, "target"), "caches.target");
		c.id = t_string(r, ynode_get(it, "id"), "caches.id");
		const YNode *sh = ynode_get(it, "sharing");
		const char *sharing = t_string(r, sh, "caches.sharing");
		if (!c.target || (c.target[0] != '/' && c.target[0] != '{')) {
			diag_error(r->d, c.target ? ynode_get(it, "target")->pos : it->pos,
				   "a cache needs 'target', an absolute path (or one starting with a {variable})");
			r->ok = false;
			continue;
		}
		if (c.id && !*c.id) {
			diag_error(r->d, ynode_get(it, "id")->pos, "a cache's 'id' is a word, not empty");
			r->ok = false;
			continue;
		}
		if (sharing && strcmp(sharing, "locked") != 0 && strcmp(sharing, "shared") != 0) {
			diag_error(r->d, sh->pos, "'sharing' is shared or locked, not '%s'", sharing);
			r->ok = false;
			continue;
		}
		c.locked = sharing && strcmp(sharing, "locked") == 0;
		out->v[out->n++] = c;
	}
}

static void read_flavour(TReader *r, const YNode *n, const char *name, TmplFlavour *fl)
{
	static const char *const keys[] = {"build_image", "run_image", "versions", "build_packages",
					   "runtime_packages", "artifacts", "vars", "env", "run_user",
					   "apt_setup", "init", "cross"};
	fl->name = name;
	fl->pos = n->pos;
	if (n->kind != YNODE_MAP) {
		diag_error(r->d, n->pos, "expected a mapping for flavour '%s'", name);
		r->ok = false;
		return;
	}
	t_known_keys(r, n, keys, sizeof(keys) / sizeof(*keys));
	fl->build_packages_pos = t_pos(n, "build_packages");
	fl->runtime_packages_pos = t_pos(n, "runtime_packages");
	fl->env_pos = t_pos(n, "env");
	fl->build_image_pos = t_pos(n, "build_image");
	fl->run_image_pos = t_pos(n, "run_image");
	fl->build_image = t_string(r, ynode_get(n, "build_image"), "build_image");
	fl->run_image = t_string(r, ynode_get(n, "run_image"), "run_image");
	t_list(r, ynode_get(n, "versions"), "versions", &fl->versions);
	t_list(r, ynode_get(n, "build_packages"), "build_packages", &fl->build_packages);
	t_list(r, ynode_get(n, "runtime_packages"), "runtime_packages", &fl->runtime_packages);
	t_list(r, ynode_get(n, "apt_setup"), "apt_setup", &fl->apt_setup);
	t_artifacts(r, ynode_get(n, "artifacts"), &fl->artifacts, &fl->artifact_dests);
	t_map(r, ynode_get(n, "vars"), "vars", &fl->var_names, &fl->var_values);
	t_map(r, ynode_get(n, "env"), "env", &fl->env_names, &fl->env_values);
	fl->run_user = t_string(r, ynode_get(n, "run_user"), "run_user");
	fl->init = t_init(r, ynode_get(n, "init"));
	fl->init_pos = t_pos(n, "init");
	read_cross(r, ynode_get(n, "cross"), &fl->cross, &fl->ncross);
	if (!fl->build_image || !fl->run_image) {
		diag_error(r->d, n->pos, "flavour '%s' needs build_image and run_image", name);
		r->ok = false;
	}
}

/* flavours: one per base, each base named in bases.yaml. */
static void read_flavours(TReader *r, const Templates *ts, const YNode *n, Template *t)
{
	if (!n || n->kind != YNODE_MAP || n->n == 0) {
		diag_error(r->d, n ? n->pos : t->pos, "template needs 'flavours': a mapping of base name to images");
		r->ok = false;
		return;
	}
	t->flavours = arena_alloc(r->a, n->n * sizeof(*t->flavours));
	for (size_t i = 0; i < n->n; i++) {
		const YNode *k = n->pairs[i].key;
		if (!base_named(ts, k->str)) {
			diag_error(r->d, k->pos, "flavour '%s' is not a base named in bases.yaml", k->str);
			r->ok = false;
			continue;
		}
		read_flavour(r, n->pairs[i].value, k->str, &t->flavours[t->nflavours++]);
	}
}

const TmplFlavour *template_flavour(const Template *t, const char *base)
{
	for (size_t i = 0; i < t->nflavours; i++)
		if (strcmp(t->flavours[i].name, base) == 0)
			return &t->flavours[i];
	return NULL;
}

const Base *base_named(const Templates *t, const char *name)
{
	for (size_t i = 0; i < t->nbases; i++)
		if (strcmp(t->bases[i].name, name) == 0)
			return &t->bases[i];
	return NULL;
}

/* A string or a list of strings. */
static void t_words(TReader *r, const YNode *n, const char *what, StrList *out)
{
	if (n && n->kind == YNODE_SCALAR && !n->is_null)
		strlist_push(r->a, out, n->str);
	else
		t_list(r, n, what, out);
}

static void read_install(TReader *r, const YNode *n, Template *t)
{
	static const char *const keys[] = {"when", "if_build", "manifests", "run", "after_build", "build",
					   "run_cached", "caches", "test_install"};
	if (!n)
		return;
	if (n->kind != YNODE_SEQ) {
		diag_error(r->d, n->pos, "expected a list of install rules for 'install'");
		r->ok = false;
		return;
	}
	t->install = arena_alloc(r->a, (n->n + 1) * sizeof(*t->install));
	for (size_t i = 0; i < n->n; i++) {
		const YNode *rule = n->items[i];
		if (rule->kind != YNODE_MAP) {
			diag_error(r->d, rule->pos, "an install rule is a mapping with 'run' and optional "
						    "'when', 'if_build', 'manifests', 'after_build', 'build'");
			r->ok = false;
			continue;
		}
		t_known_keys(r, rule, keys, sizeof(keys) / sizeof(*keys));
		TmplInstall *in = &t->install[t->ninstall++];
		in->pos = rule->pos;
		t_words(r, ynode_get(rule, "when"), "when", &in->when);
		const YNode *ib = ynode_get(rule, "if_build");
		in->if_build = ib ? t_bool(r, ib, "if_build", false) : -1;
		t_list(r, ynode_get(rule, "manifests"), "manifests", &in->manifests);
		t_list(r, ynode_get(rule, "run"), "run", &in->commands);
		t_list(r, ynode_get(rule, "after_build"), "after_build", &in->after_build);
		t_list(r, ynode_get(rule, "build"), "build", &in->build);
		t_list(r, ynode_get(rule, "run_cached"), "run_cached", &in->run_cached);
		t_caches(r, ynode_get(rule, "caches"), &in->caches);
		if (in->run_cached.n && !in->commands.n) {
			diag_error(r->d, t_pos(rule, "run_cached"), "'run_cached' replaces 'run' when caches are "
								     "mounted; give 'run' too");
			r->ok = false;
		}
		t_list(r, ynode_get(rule, "test_install"), "test_install", &in->test_install);
	}
}

static void read_probes(TReader *r, const YNode *n, Template *t)
{
	static const char *const keys[] = {"file", "toml", "xml", "program", "default"};
	if (!n || n->is_null)
		return;
	if (n->kind != YNODE_MAP) {
		diag_error(r->d, n->pos, "expected a mapping of probes for 'probes'");
		r->ok = false;
		return;
	}
	t->probes = arena_alloc(r->a, (n->n + 1) * sizeof(*t->probes));
	for (size_t i = 0; i < n->n; i++) {
		const YNode *v = n->pairs[i].value;
		if (v->kind != YNODE_MAP) {
			diag_error(r->d, v->pos, "a probe is a mapping with 'file' and 'toml' or 'xml', or 'program'");
			r->ok = false;
			continue;
		}
		t_known_keys(r, v, keys, sizeof(keys) / sizeof(*keys));
		TmplProbe *p = &t->probes[t->nprobes++];
		p->name = n->pairs[i].key->str;
		p->pos = v->pos;
		p->file = t_string(r, ynode_get(v, "file"), "file");
		p->fallback = t_string(r, ynode_get(v, "default"), "default");
		p->kind = ynode_get(v, "toml") ? "toml" : ynode_get(v, "xml") ? "xml"
			  : ynode_get(v, "program") ? "program" : NULL;
		p->key = p->kind ? t_string(r, ynode_get(v, p->kind), p->kind) : NULL;
		if (p->kind && strcmp(p->kind, "program") == 0 && !p->file)
			p->file = "."; /* a program probe reads the app's folder */
		if (!p->file || !p->kind || !p->key) {
			diag_error(r->d, v->pos, "a probe needs 'file' and one of 'toml' or 'xml', or 'program'");
			r->ok = false;
		}
	}
}

/* workspace: {root: [files], members: [files], install: bool} */
static void read_workspace(TReader *r, const YNode *n, Template *t)
{
	static const char *const keys[] = {"root", "members", "install", "install_when"};
	if (!n || n->is_null)
		return;
	if (n->kind != YNODE_MAP) {
		diag_error(r->d, n->pos, "expected a mapping for 'workspace', not %s", ynode_kind_name(n->kind));
		r->ok = false;
		return;
	}
	t_known_keys(r, n, keys, sizeof(keys) / sizeof(*keys));
	t->has_workspace = true;
	t_list(r, ynode_get(n, "root"), "root", &t->ws_root);
	t_list(r, ynode_get(n, "members"), "members", &t->ws_members);
	t->ws_install = t_bool(r, ynode_get(n, "install"), "install", true);
	t_list(r, ynode_get(n, "install_when"), "install_when", &t->ws_when);
	if (!t->ws_root.n) {
		diag_error(r->d, n->pos, "'workspace' needs 'root': the files that make a context's root a workspace");
		r->ok = false;
	}
}

/* detect: the markers that name a project of the language for stagec
 * init, besides the manifests, which are markers already (each fact once:
 * a marker repeated from manifests is an error), its rank, or another
 * language whose detection finds it (as:). */
static void read_detect(TReader *r, const Templates *ts, const YNode *n, Template *t)
{
	static const char *const keys[] = {"markers", "rank", "as"};
	static const char *const ranks[] = {"project", "tooling", "helper"};
	if (!n || n->is_null)
		return;
	if (n->kind != YNODE_MAP) {
		diag_error(r->d, n->pos, "expected a mapping for 'detect', not %s", ynode_kind_name(n->kind));
		r->ok = false;
		return;
	}
	t_known_keys(r, n, keys, sizeof(keys) / sizeof(*keys));
	t->has_detect = true;
	t->detect_pos = n->pos;
	const YNode *as = ynode_get(n, "as");
	t->detect_as = t_string(r, as, "as");
	if (t->detect_as) {
		if (ynode_get(n, "markers") || ynode_get(n, "rank")) {
			diag_error(r->d, as->pos, "'as' takes the markers and the rank of '%s'; leave out "
						  "'markers' and 'rank'", t->detect_as);
			r->ok = false;
		} else if (!strlist_contains(&ts->languages, t->detect_as)) {
			diag_error(r->d, as->pos, "'as' names '%s', which is no template's language", t->detect_as);
			r->ok = false;
		}
		return;
	}
	for (size_t i = 0; i < t->manifests.n; i++) {
		const char *m = t->manifests.v[i];
		if (!strchr(m, '{') && m[strlen(m) - 1] != '?')
			strlist_push(r->a, &t->detect_markers, m);
	}
	const YNode *markers = ynode_get(n, "markers");
	for (size_t i = 0; markers && markers->kind == YNODE_SEQ && i < markers->n; i++) {
		const char *m = t_string(r, markers->items[i], "markers");
		if (m && strlist_contains(&t->detect_markers, m)) {
			diag_error(r->d, markers->items[i]->pos, "'%s' is in 'manifests' already, and every "
								  "manifest is a marker; leave it out here", m);
			r->ok = false;
		} else if (m && *m) {
			strlist_push(r->a, &t->detect_markers, m);
		}
	}
	if (markers && markers->kind != YNODE_SEQ)
		t_list(r, markers, "markers", &t->detect_markers); /* its error */
	const YNode *rank = ynode_get(n, "rank");
	const char *rs = t_string(r, rank, "rank");
	t->detect_rank = -1;
	for (int i = 0; rs && i < 3; i++)
		if (strcmp(rs, ranks[i]) == 0)
			t->detect_rank = i;
	if (t->detect_rank < 0) {
		if (rs)
			diag_error(r->d, rank->pos, "'rank' takes project, tooling or helper, not '%s'", rs);
		else
			diag_error(r->d, n->pos, "'detect' needs 'rank': project, tooling or helper");
		r->ok = false;
	}
	if (!t->detect_markers.n) {
		diag_error(r->d, n->pos, "'detect' needs 'markers' (or 'manifests' that are neither optional nor "
					 "{variables}): the files that show a project of the language");
		r->ok = false;
	}
}

/* secrets: NAME: TARGET, where the language's tools read a build secret
 * (an absolute path, or one starting with a {variable}). */
static void read_secrets(TReader *r, const YNode *n, Template *t)
{
	t->secrets_pos = n ? n->pos : t->pos;
	t_map(r, n, "secrets", &t->secret_names, &t->secret_targets);
	for (size_t i = 0; n && n->kind == YNODE_MAP && i < n->n; i++) {
		const YNode *k = n->pairs[i].key, *v = n->pairs[i].value;
		if (!valid_secret_id(k->str)) {
			diag_error(r->d, k->pos, "'%s' is not a secret name (letters, digits, '.', '_', '-')", k->str);
			r->ok = false;
		}
		if (v->kind == YNODE_SCALAR && v->str[0] != '/' && v->str[0] != '{') {
			diag_error(r->d, v->pos, "a secret's target is an absolute path");
			r->ok = false;
		}
	}
}

Template *template_load(Arena *a, const Templates *ts, const char *language, Diags *d)
{
	static const char *const keys[] = {
		"language", "versions", "default_version", "workdir", "manifests", "env",
		"install", "install_produces", "build", "build_produces", "artifacts",
		"source_at_runtime", "default_command", "default_port", "dockerignore", "flavours",
		"dependencies_required", "probes", "build_env", "init", "lockfiles", "workspace", "detect",
		"cross", "caches", "secrets", "test_files"};
	if (!strlist_contains(&ts->languages, language))
		return NULL;
	const SourceFile *f = template_source(a, ts, arena_printf(a, "%s.yaml", language), d);
	if (!f)
		return NULL;
	YNode *root = template_yaml(a, f, d);
	if (!root)
		return NULL;
	TReader r = {a, d, true};
	if (root->kind != YNODE_MAP) {
		diag_error(d, root->pos, "a template is a mapping");
		return NULL;
	}
	t_known_keys(&r, root, keys, sizeof(keys) / sizeof(*keys));
	Template *t = arena_alloc(a, sizeof(*t));
	t->file = f;
	t->pos = root->pos;
	t->workdir_pos = t_pos(root, "workdir");
	t->env_pos = t_pos(root, "env");
	t->build_env_pos = t_pos(root, "build_env");
	t->build_pos = t_pos(root, "build");
	t->command_pos = t_pos(root, "default_command");
	t->port_pos = t_pos(root, "default_port");
	t->version_pos = t_pos(root, "default_version");
	t->language = t_string(&r, ynode_get(root, "language"), "language");
	t_list(&r, ynode_get(root, "versions"), "versions", &t->versions);
	t->default_version = t_string(&r, ynode_get(root, "default_version"), "default_version");
	t->workdir = t_string(&r, ynode_get(root, "workdir"), "workdir");
	t_list(&r, ynode_get(root, "manifests"), "manifests", &t->manifests);
	t_map(&r, ynode_get(root, "env"), "env", &t->env_names, &t->env_values);
	t_map(&r, ynode_get(root, "build_env"), "build_env", &t->build_env_names, &t->build_env_values);
	read_install(&r, ynode_get(root, "install"), t);
	t_list(&r, ynode_get(root, "install_produces"), "install_produces", &t->install_produces);
	t_list(&r, ynode_get(root, "lockfiles"), "lockfiles", &t->lockfiles);
	t_list(&r, ynode_get(root, "build"), "build", &t->build);
	t_list(&r, ynode_get(root, "build_produces"), "build_produces", &t->build_produces);
	t_artifacts(&r, ynode_get(root, "artifacts"), &t->artifacts, &t->artifact_dests);
	t->deps_required = t_bool(&r, ynode_get(root, "dependencies_required"), "dependencies_required", false);
	read_probes(&r, ynode_get(root, "probes"), t);
	t->source_at_runtime = t_bool(&r, ynode_get(root, "source_at_runtime"), "source_at_runtime", true);
	t_list(&r, ynode_get(root, "default_command"), "default_command", &t->default_command);
	t->default_port = t_string(&r, ynode_get(root, "default_port"), "default_port");
	t_list(&r, ynode_get(root, "dockerignore"), "dockerignore", &t->dockerignore);
	t_caches(&r, ynode_get(root, "caches"), &t->caches);
	read_secrets(&r, ynode_get(root, "secrets"), t);
	t_list(&r, ynode_get(root, "test_files"), "test_files", &t->test_files);
	t->init = t_init(&r, ynode_get(root, "init"));
	t->init_pos = t_pos(root, "init");
	read_cross(&r, ynode_get(root, "cross"), &t->cross, &t->ncross);
	read_flavours(&r, ts, ynode_get(root, "flavours"), t);
	read_workspace(&r, ynode_get(root, "workspace"), t);
	read_detect(&r, ts, ynode_get(root, "detect"), t);
	if (!t->language || strcmp(t->language, language) != 0) {
		diag_error(d, root->pos, "template for '%s' must say 'language: %s'", language, language);
		r.ok = false;
	}
	if (!t->workdir || t->workdir[0] != '/') {
		diag_error(d, root->pos, "template needs an absolute 'workdir'");
		r.ok = false;
	}
	if (!t->default_version || !strlist_contains(&t->versions, t->default_version)) {
		diag_error(d, root->pos, "template's 'default_version' must be one of its 'versions'");
		r.ok = false;
	}
	return r.ok ? t : NULL;
}

static bool is_language_file(const char *name, size_t *stem)
{
	size_t n = strlen(name);
	if (n < 6 || strcmp(name + n - 5, ".yaml") != 0 || is_data_file(name))
		return false;
	*stem = n - 5;
	return true;
}

/* Orders two names of length an and bn as strcmp orders them. */
static int stem_cmp(const char *x, size_t xn, const char *y, size_t yn)
{
	int c = strncmp(x, y, xn < yn ? xn : yn);
	return c ? c : (xn > yn) - (xn < yn);
}

const char *template_builtin_languages(void)
{
	static char list[512];
	if (list[0])
		return list;
	const char *name[64];
	size_t len[64], n = 0, stem;
	for (size_t i = 0; i < embedded_templates_count && n < 64; i++) {
		if (!is_language_file(embedded_templates[i].name, &stem))
			continue;
		size_t j = n++; /* insertion, in order */
		for (; j > 0 && stem_cmp(embedded_templates[i].name, stem, name[j - 1], len[j - 1]) < 0; j--) {
			name[j] = name[j - 1];
			len[j] = len[j - 1];
		}
		name[j] = embedded_templates[i].name;
		len[j] = stem;
	}
	size_t at = 0;
	for (size_t i = 0; i < n && at + len[i] + 2 <= sizeof(list); i++) {
		if (at)
			list[at++] = ' ';
		memcpy(list + at, name[i], len[i]);
		at += len[i];
		list[at] = '\0';
	}
	return list;
}

static void read_family(TReader *r, const YNode *k, const YNode *n, Family *f)
{
	static const char *const keys[] = {"match", "shell", "install", "add_user", "users", "run_user",
					   "named_users", "tagged", "libc", "runtime_libs", "init",
					   "init_static", "caches", "cached_install"};
	f->name = k->str;
	f->pos = k->pos;
	if (n->kind != YNODE_MAP) {
		diag_error(r->d, n->pos, "expected a mapping for family '%s'", k->str);
		r->ok = false;
		return;
	}
	t_known_keys(r, n, keys, sizeof(keys) / sizeof(*keys));
	t_list(r, ynode_get(n, "match"), "match", &f->match);
	f->has_shell = t_bool(r, ynode_get(n, "shell"), "shell", true);
	t_list(r, ynode_get(n, "install"), "install", &f->install);
	t_list(r, ynode_get(n, "add_user"), "add_user", &f->add_user);
	t_map(r, ynode_get(n, "users"), "users", &f->user_names, &f->user_uids);
	f->run_user = t_string(r, ynode_get(n, "run_user"), "run_user");
	f->named_users = t_bool(r, ynode_get(n, "named_users"), "named_users", true);
	f->tagged = t_bool(r, ynode_get(n, "tagged"), "tagged", true);
	f->libc = t_string(r, ynode_get(n, "libc"), "libc");
	f->runtime_libs = t_bool(r, ynode_get(n, "runtime_libs"), "runtime_libs", false);
	f->init = t_string(r, ynode_get(n, "init"), "init");
	f->init_static = t_string(r, ynode_get(n, "init_static"), "init_static");
	t_caches(r, ynode_get(n, "caches"), &f->caches);
	t_list(r, ynode_get(n, "cached_install"), "cached_install", &f->cached_install);
	for (size_t i = 0; i < f->caches.n; i++) {
		const TmplCache *c = &f->caches.v[i];
		/* a family's caches are not expanded: plain words only */
		if (!valid_mount_word(c->target) || (c->id && !valid_mount_word(c->id))) {
			diag_error(r->d, c->pos, "a family's cache target and id are plain paths and words "
						 "([A-Za-z0-9._+@/-]), with no {variables}");
			r->ok = false;
		}
	}
	if ((f->caches.n != 0) != (f->cached_install.n != 0) || (f->cached_install.n && !f->install.n)) {
		diag_error(r->d, n->pos, "family '%s': 'caches' and 'cached_install' (the install with the "
					 "caches mounted) go together, with 'install'", k->str);
		r->ok = false;
	}
	if (!f->match.n || (f->run_user && !family_user_uid(f, f->run_user)) ||
	    (!f->has_shell && (f->install.n || f->add_user.n))) {
		diag_error(r->d, n->pos, "family '%s' needs 'match'; its run_user must be one of its 'users'; "
					 "without a shell it can neither install nor add users", k->str);
		r->ok = false;
	}
}

static bool read_families(Arena *a, Templates *t, Diags *d)
{
	const SourceFile *f = template_source(a, t, "families.yaml", d);
	YNode *root = f ? template_yaml(a, f, d) : NULL;
	const YNode *fams = ynode_get(root, "families");
	if (!fams || fams->kind != YNODE_MAP || !fams->n) {
		if (root)
			diag_error(d, root->pos, "families.yaml needs 'families': a mapping of family names");
		return false;
	}
	TReader r = {a, d, true};
	t->families = arena_alloc(a, fams->n * sizeof(*t->families));
	for (size_t i = 0; i < fams->n; i++)
		read_family(&r, fams->pairs[i].key, fams->pairs[i].value, &t->families[t->nfamilies++]);
	return r.ok;
}

static bool read_bases(Arena *a, Templates *t, Diags *d)
{
	static const char *const keys[] = {"about", "exact_versions"};
	const SourceFile *f = template_source(a, t, "bases.yaml", d);
	YNode *root = f ? template_yaml(a, f, d) : NULL;
	const YNode *bases = ynode_get(root, "bases");
	if (!bases || bases->kind != YNODE_MAP || !bases->n) {
		if (root)
			diag_error(d, root->pos, "bases.yaml needs 'bases': a mapping of base names");
		return false;
	}
	TReader r = {a, d, true};
	t->bases = arena_alloc(a, bases->n * sizeof(*t->bases));
	for (size_t i = 0; i < bases->n; i++) {
		const YNode *v = bases->pairs[i].value;
		Base *b = &t->bases[t->nbases++];
		b->name = bases->pairs[i].key->str;
		t_known_keys(&r, v, keys, sizeof(keys) / sizeof(*keys));
		b->about = t_string(&r, ynode_get(v, "about"), "about");
		b->exact_versions = t_bool(&r, ynode_get(v, "exact_versions"), "exact_versions", false);
	}
	t->default_base = t_string(&r, ynode_get(root, "default"), "default");
	t->default_base_pos = t_pos(root, "default");
	if (!t->default_base || !base_named(t, t->default_base)) {
		diag_error(d, root->pos, "bases.yaml needs 'default': one of its bases");
		r.ok = false;
	}
	return r.ok;
}

bool templates_open(Arena *a, Templates *t, const char *dir, Diags *d)
{
	return templates_open_recording(a, t, dir, NULL, d);
}

bool templates_open_recording(Arena *a, Templates *t, const char *dir, Inputs *inputs, Diags *d)
{
	int errors = d->errors;
	memset(t, 0, sizeof(*t));
	t->dir = dir;
	t->inputs = inputs;
	size_t stem;
	if (dir) {
		DIR *dp = opendir(dir);
		if (!dp) {
			SrcPos nopos = {0};
			diag_error(d, nopos, "cannot open the templates folder '%s'", dir);
			return false;
		}
		struct dirent *de;
		while ((de = readdir(dp)))
			if (is_language_file(de->d_name, &stem))
				strlist_push(a, &t->languages, arena_strndup(a, de->d_name, stem));
		closedir(dp);
	} else {
		for (size_t i = 0; i < embedded_templates_count; i++)
			if (is_language_file(embedded_templates[i].name, &stem))
				strlist_push(a, &t->languages, arena_strndup(a, embedded_templates[i].name, stem));
	}
	strlist_sort_unique(&t->languages);
	t->arena = a;
	t->diags = d;
	t->family_memo = arena_alloc(a, sizeof(*t->family_memo));
	if (!read_families(a, t, d) || !read_bases(a, t, d))
		return false;
	return d->errors == errors;
}
