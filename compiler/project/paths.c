/*
 * paths.c - the local paths a dependency manifest installs from.
 *
 * `pip install -r requirements.txt` reads ./vendor/pkg, `npm ci` reads
 * file:./lib/greet, `go mod download` reads the folder a replace directive
 * names.  The install step runs before the source is copied (for caching),
 * so whatever a manifest names must be copied with the manifest.  Each
 * reader below finds those paths with their positions; add_path() checks
 * that each stays inside the app's folder (lexically, then after symlinks)
 * and exists, and refuses it at its place in the manifest otherwise.
 * Manifests: requirements*.txt and constraints*.txt (./pkg, dir/pkg,
 * -e PATH, -r/-c FILE read in turn, file: URLs), package.json (file:,
 * link: and plain relative specs in the dependency maps), go.mod
 * (replace ... => ./dir), Cargo.toml (path = ... in every dependency and
 * patch table), composer.json (repositories of type path), Gemfile
 * (path:, :path =>, path "dir" blocks).
 */
#include <errno.h>
#include <string.h>

#include "project.h"

#define REQUIREMENTS_MAX_DEPTH 4

typedef struct LP {
	Project *p;
	const SourceFile *f;
	const char *dir;  /* the manifest's folder, relative to the context ("" at the top) */
	const char *root; /* the app's folder, relative to the context ("" at the top) */
	StrList *out;
	int depth;
} LP;

static bool copy_safe(const char *s)
{
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
				  strchr("._/@+-", c)))
			return false;
	}
	return true;
}

const char *project_plain_rel(Arena *a, const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (strcmp(path, ".") == 0)
		return "";
	size_t n = strlen(path);
	while (n && path[n - 1] == '/')
		n--;
	return arena_strndup(a, path, n);
}

/* dir + "/" + path with "." and ".." resolved; NULL when ".." climbs
 * above the top. */
static char *lexical_join(Arena *a, const char *dir, const char *path)
{
	char *buf = arena_printf(a, "%s/%s", dir, path);
	size_t n = strlen(buf);
	char *out = arena_alloc(a, n + 1);
	size_t len = 0;
	for (char *seg = buf, *next; seg; seg = next) {
		next = strchr(seg, '/');
		if (next)
			*next++ = '\0';
		if (!*seg || strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			if (!len)
				return NULL;
			while (len && out[len - 1] != '/')
				len--;
			if (len)
				len--;
			out[len] = '\0';
			continue;
		}
		if (len)
			out[len++] = '/';
		memcpy(out + len, seg, strlen(seg));
		len += strlen(seg);
		out[len] = '\0';
	}
	out[len] = '\0';
	return out;
}

static const char *where(const LP *l)
{
	return *l->root ? arena_printf(l->p->a, "the app's folder '%s'", project_display(l->p, l->root))
			: "the build context";
}

/* Checks path (as the manifest writes it, relative to the manifest's
 * folder) and adds it.  Returns the path relative to the context, or NULL. */
static const char *add_path(LP *l, const char *path, SrcPos pos)
{
	Project *p = l->p;
	if (!*path)
		return NULL;
	if (path[0] == '/' || path[0] == '~') {
		diag_error(p->d, pos, "'%s' is an absolute path, outside %s; put what it names in the app's "
				      "folder (e.g. vendor/) and write a relative path ('./vendor/...')", path, where(l));
		return NULL;
	}
	if (!copy_safe(path)) {
		diag_error(p->d, pos, "'%s' has characters stagec will not put in a COPY (spaces, quotes, '$', "
				      "globs); rename the file or folder", path);
		return NULL;
	}
	char *full = lexical_join(p->a, l->dir, path);
	size_t rn = strlen(l->root);
	if (!full || (rn && (strncmp(full, l->root, rn) != 0 || (full[rn] != '/' && full[rn] != '\0')))) {
		diag_error(p->d, pos, "'%s' leads outside %s, which the install step cannot see; move what it "
				      "names inside (e.g. to vendor/) and point at it there", path, where(l));
		return NULL;
	}
	const char *rel = rn ? (full[rn] ? full + rn + 1 : "") : full;
	if (!*rel)
		return NULL; /* the app itself (`-e .`): the install then needs the whole source */
	bool is_dir;
	int err = project_resolve(p, full, &is_dir);
	if (err == ENOENT) {
		diag_error(p->d, pos, "'%s' does not exist (looked for '%s'); create it or fix the path", path,
			   project_display(p, full));
		return NULL;
	}
	if (err) {
		diag_error(p->d, pos, "'%s' leads outside the build context through a symlink; copy the files "
				      "into the spec's folder", path);
		return NULL;
	}
	const char *item = is_dir ? arena_printf(p->a, "%s/", rel) : rel;
	if (!strlist_contains(l->out, item))
		strlist_push(p->a, l->out, item);
	return full;
}

/* ---- line-based manifests --------------------------------------------- */

typedef struct Line {
	char *s; /* NUL-terminated copy */
	int no;
} Line;

static bool next_line(const LP *l, const char **cur, Line *line)
{
	const char *end = l->f->text + l->f->len;
	if (*cur >= end)
		return false;
	const char *nl = memchr(*cur, '\n', (size_t)(end - *cur));
	const char *e = nl ? nl : end;
	size_t n = (size_t)(e - *cur);
	if (n && (*cur)[n - 1] == '\r')
		n--;
	line->s = arena_strndup(l->p->a, *cur, n);
	line->no++;
	*cur = nl ? nl + 1 : end;
	return true;
}

static SrcPos at(const LP *l, const Line *line, const char *p)
{
	return (SrcPos){l->f, line->no, (int)(p - line->s) + 1};
}

static const char *skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *word_end(const char *p)
{
	while (*p && *p != ' ' && *p != '\t')
		p++;
	return p;
}

static void read_requirements(LP *l);

static void requirements_file(LP *l, const char *path, SrcPos pos)
{
	const char *full = add_path(l, path, pos);
	if (!full || l->depth >= REQUIREMENTS_MAX_DEPTH)
		return;
	const SourceFile *f;
	if (project_read(l->p, full, PROJECT_TEXT, pos, &f) != PROJECT_OK)
		return;
	const char *slash = strrchr(full, '/');
	LP sub = *l;
	sub.f = f;
	sub.dir = slash ? arena_strndup(l->p->a, full, (size_t)(slash - full)) : "";
	sub.depth++;
	read_requirements(&sub);
}

/* A requirement that names a local path: ./x, ../x, x/y, ".", file:... */
static void requirement_path(LP *l, const Line *line, const char *p)
{
	const char *e = word_end(p);
	char *w = arena_strndup(l->p->a, p, (size_t)(e - p));
	char *cut = strpbrk(w, ";[");
	if (cut)
		*cut = '\0';
	const char *path = w;
	if (strncmp(w, "file:", 5) == 0) {
		path = w + 5;
		if (strncmp(path, "//", 2) == 0) {
			path += 2;
			const char *slash = strchr(path, '/');
			path = slash ? slash : "/";
		}
	} else if (strstr(w, "://") || !(strchr(w, '/') || strcmp(w, ".") == 0)) {
		return; /* a URL or a package name */
	}
	add_path(l, path, at(l, line, p));
}

static void read_requirements(LP *l)
{
	const char *cur = l->f->text;
	Line line = {0};
	while (next_line(l, &cur, &line)) {
		char *s = line.s;
		for (char *h = s; (h = strchr(h, '#')); h++)
			if (h == s || h[-1] == ' ' || h[-1] == '\t') {
				*h = '\0';
				break;
			}
		const char *p = skip_blank(s);
		if (!*p)
			continue;
		static const char *const opts[] = {"--editable", "-e", "--requirement", "-r", "--constraint", "-c"};
		size_t i;
		size_t on = 0;
		for (i = 0; i < sizeof(opts) / sizeof(*opts); i++) {
			on = strlen(opts[i]);
			if (strncmp(p, opts[i], on) == 0 && (p[on] == ' ' || p[on] == '\t' || p[on] == '=' ||
							      (on == 2 && p[on] && p[on] != '-')))
				break;
		}
		if (i == sizeof(opts) / sizeof(*opts)) {
			if (*p != '-') {
				const char *atsign = strstr(p, " @ ");
				requirement_path(l, &line, atsign ? skip_blank(atsign + 3) : p);
			}
			continue;
		}
		const char *arg = p + on;
		if (*arg == '=')
			arg++;
		arg = skip_blank(arg);
		if (i < 2) {
			requirement_path(l, &line, arg);
		} else {
			const char *e = word_end(arg);
			if (e > arg)
				requirements_file(l, arena_strndup(l->p->a, arg, (size_t)(e - arg)), at(l, &line, arg));
		}
	}
}

static void read_go_mod(LP *l)
{
	const char *cur = l->f->text;
	Line line = {0};
	bool block = false;
	while (next_line(l, &cur, &line)) {
		char *s = line.s;
		char *c = strstr(s, "//");
		if (c)
			*c = '\0';
		const char *p = skip_blank(s);
		if (block && *p == ')') {
			block = false;
			continue;
		}
		if (!block) {
			if (strncmp(p, "replace", 7) != 0 || (p[7] != ' ' && p[7] != '\t' && p[7] != '('))
				continue;
			p = skip_blank(p + 7);
			if (*p == '(') {
				block = true;
				continue;
			}
		}
		const char *arrow = strstr(p, "=>");
		if (!arrow)
			continue;
		const char *q = skip_blank(arrow + 2);
		const char *e = word_end(q);
		char *target = arena_strndup(l->p->a, q, (size_t)(e - q));
		size_t n = strlen(target);
		if (n >= 2 && (target[0] == '"' || target[0] == '`') && target[n - 1] == target[0]) {
			target[n - 1] = '\0';
			target++;
			q++;
		}
		if (target[0] == '/' || strncmp(target, "./", 2) == 0 || strncmp(target, "../", 3) == 0 ||
		    strcmp(target, ".") == 0 || strcmp(target, "..") == 0)
			add_path(l, target, at(l, &line, q));
	}
}

/* path: "x", :path => "x", "path" => "x", and `path "x" do` blocks. */
static void read_gemfile(LP *l)
{
	const char *cur = l->f->text;
	Line line = {0};
	while (next_line(l, &cur, &line)) {
		const char *s = line.s;
		const char *p = skip_blank(s);
		if (*p == '#')
			continue;
		const char *q = NULL;
		if (strncmp(p, "path", 4) == 0 && (p[4] == ' ' || p[4] == '(')) {
			q = skip_blank(p + 5);
		} else {
			static const char *const forms[] = {"path:", ":path =>", ":path=>", "\"path\" =>", "'path' =>"};
			for (size_t i = 0; !q && i < sizeof(forms) / sizeof(*forms); i++) {
				const char *f = strstr(p, forms[i]);
				if (f && (f == p || !((f[-1] >= 'a' && f[-1] <= 'z') || f[-1] == '_')))
					q = skip_blank(f + strlen(forms[i]));
			}
		}
		if (!q || (*q != '"' && *q != '\''))
			continue;
		const char *close = strchr(q + 1, *q);
		if (!close)
			continue;
		add_path(l, arena_strndup(l->p->a, q + 1, (size_t)(close - q - 1)), at(l, &line, q + 1));
	}
}

/* ---- structured manifests -------------------------------------------- */

static void cargo_deps(LP *l, const TomlValue *deps)
{
	if (!deps || deps->kind != TOML_TABLE)
		return;
	for (size_t i = 0; i < deps->n; i++) {
		const TomlValue *path = toml_get(deps->pairs[i].value, "path");
		if (path && path->kind == TOML_STRING)
			add_path(l, path->str, path->pos);
	}
}

static void read_cargo(LP *l, const TomlValue *root)
{
	static const char *const kinds[] = {"dependencies", "dev-dependencies", "build-dependencies"};
	for (size_t k = 0; k < 3; k++) {
		cargo_deps(l, toml_get(root, kinds[k]));
		const TomlValue *target = toml_get(root, "target");
		for (size_t i = 0; target && target->kind == TOML_TABLE && i < target->n; i++)
			cargo_deps(l, toml_get(target->pairs[i].value, kinds[k]));
	}
	cargo_deps(l, toml_path(root, "workspace.dependencies"));
	const TomlValue *patch = toml_get(root, "patch");
	for (size_t i = 0; patch && patch->kind == TOML_TABLE && i < patch->n; i++)
		cargo_deps(l, patch->pairs[i].value);
}

static void read_package_json(LP *l, json_t *root)
{
	static const char *const maps[] = {"dependencies", "devDependencies", "optionalDependencies"};
	for (size_t m = 0; m < sizeof(maps) / sizeof(*maps); m++) {
		json_t *deps = json_object_get(root, maps[m]);
		const char *name;
		json_t *v;
		json_object_foreach(deps, name, v) {
			const char *spec = json_string_value(v);
			if (!spec)
				continue;
			const char *path = NULL;
			if (strncmp(spec, "file:", 5) == 0 || strncmp(spec, "link:", 5) == 0)
				path = spec + 5;
			else if (strncmp(spec, "./", 2) == 0 || strncmp(spec, "../", 3) == 0 || spec[0] == '/' ||
				 strncmp(spec, "~/", 2) == 0)
				path = spec;
			if (path)
				add_path(l, path, json_pos(l->f, name, spec));
		}
	}
}

static void read_composer(LP *l, json_t *root)
{
	json_t *repos = json_object_get(root, "repositories");
	size_t n = json_is_array(repos) ? json_array_size(repos) : json_is_object(repos) ? json_object_size(repos) : 0;
	void *iter = json_is_object(repos) ? json_object_iter(repos) : NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_is_array(repos) ? json_array_get(repos, i) : json_object_iter_value(iter);
		if (iter)
			iter = json_object_iter_next(repos, iter);
		const char *type = json_string_value(json_object_get(r, "type"));
		const char *url = json_string_value(json_object_get(r, "url"));
		if (!type || strcmp(type, "path") != 0 || !url)
			continue;
		if (strpbrk(url, "*?[{")) {
			diag_error(l->p->d, json_pos(l->f, "url", url),
				   "the path repository '%s' is a glob; list each package folder as its own "
				   "repository so stagec can copy it", url);
			continue;
		}
		add_path(l, url, json_pos(l->f, "url", url));
	}
}

static bool name_is(const char *base, const char *prefix, const char *suffix)
{
	size_t b = strlen(base), p = strlen(prefix), s = strlen(suffix);
	return b >= p + s && strncmp(base, prefix, p) == 0 && strcmp(base + b - s, suffix) == 0;
}

bool project_local_paths(Project *p, const char *root, const char *manifest, SrcPos blame, StrList *ret)
{
	int errors = p->d->errors;
	manifest = project_plain_rel(p->a, manifest);
	const char *slash = strrchr(manifest, '/');
	const char *base = slash ? slash + 1 : manifest;
	LP l = {.p = p, .dir = slash ? arena_strndup(p->a, manifest, (size_t)(slash - manifest)) : "",
		.root = project_plain_rel(p->a, root), .out = ret};
	bool reqs = name_is(base, "requirements", ".txt") || name_is(base, "constraints", ".txt");
	bool json = strcmp(base, "package.json") == 0 || strcmp(base, "composer.json") == 0;
	bool lines = reqs || strcmp(base, "go.mod") == 0 || strcmp(base, "Gemfile") == 0;
	if (strcmp(base, "Cargo.toml") == 0) {
		const TomlValue *t;
		if (project_toml(p, manifest, blame, &t) == PROJECT_OK) {
			l.f = t->pos.file;
			read_cargo(&l, t);
		}
	} else if (json || lines) {
		if (project_read(p, manifest, json ? PROJECT_JSON : PROJECT_TEXT, blame, &l.f) != PROJECT_OK)
			return p->d->errors == errors;
		if (reqs) {
			read_requirements(&l);
		} else if (strcmp(base, "go.mod") == 0) {
			read_go_mod(&l);
		} else if (strcmp(base, "Gemfile") == 0) {
			read_gemfile(&l);
		} else {
			json_t *j = project_json(l.f, p->d);
			if (j && *base == 'p')
				read_package_json(&l, j);
			else if (j)
				read_composer(&l, j);
			json_decref(j);
		}
	}
	return p->d->errors == errors;
}
