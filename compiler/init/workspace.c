/*
 * workspace.c - the deployable members of a workspace, for `init --recursive`.
 *
 * The members are what the workspace's own file lists: package.json
 * "workspaces" or pnpm-workspace.yaml "packages" (globs), Cargo.toml
 * [workspace] members (globs), go.work `use` lines, Maven <modules>
 * (nested parents followed), the projects of a .sln, and, for a Go module
 * alone, its cmd/NAME main packages.  A member is deployable when it runs
 * something: a start script (or a site build with nothing else), a Cargo
 * binary, a Go main package, a Spring Boot plugin or a `static void main`,
 * an ASP.NET or Exe project; libraries are left out, each with a note.
 *
 * A member that needs the workspace's root to build gets `context:` up to
 * it where the compiler builds that (templates' `workspace:`): an npm
 * workspace member that depends on a sibling, a go.work module that
 * imports another one or replaces a module with a folder above it.  Its
 * comment names the workspace file and line, and the member's file and
 * line that make the root necessary.  Where the compiler refuses
 * `context:` (a Maven <parent>, a Cargo `workspace = true`, a yarn or pnpm
 * workspace, a project reference out of the folder, a Go main package
 * under cmd/ whose go.mod is above it) the member gets no spec: a note
 * names why and what would make it build on its own.  Folders that
 * `stagec all` skips are skipped here too.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xmllib.h" /* libxml2, loaded when XML is first read */

#include "init/init.h"

typedef struct Ws {
	Arena *a;
	Diags *d;
	Project p;
	StrList members;
	StrList ctx_dirs, ctx_from; /* members built from the root: the comment of their context: */
	StrList visited; /* Maven modules walked */
	int kinds;       /* workspace files found */
	const char *node_file; /* the node workspace's file ("package.json") and the line naming the members */
	int node_line;
	const char *node_not_npm; /* why the root does not install with npm (a yarn or pnpm workspace); NULL: it does */
} Ws;

static const char *join(Ws *w, const char *dir, const char *name)
{
	return !*dir || strcmp(dir, ".") == 0 ? name : arena_printf(w->a, "%s/%s", dir, name);
}

static bool is_dir(Ws *w, const char *rel)
{
	bool d;
	if (project_resolve(&w->p, rel, &d) != 0 || !d)
		return false;
	struct stat st; /* a symlinked folder is not walked, as in stagec all */
	return lstat(arena_printf(w->a, "%s/%s", w->p.context_real, rel), &st) == 0 && S_ISDIR(st.st_mode);
}

static bool has_file(Ws *w, const char *rel)
{
	bool d;
	return project_resolve(&w->p, rel, &d) == 0 && !d;
}

static bool skipped(const char *name)
{
	for (const char *const *s = project_skipped_dirs; *s; s++)
		if (strcmp(*s, name) == 0)
			return true;
	return name[0] == '.';
}

static void skip_note(Ws *w, const char *member, const char *why)
{
	diag_remark(w->d, (SrcPos){0}, "%s: no spec: %s", project_display(&w->p, member), why);
}

/* Why context: is no way out for a stack the compiler refuses it for. */
#define NO_CONTEXT(lang) "it builds only with the workspace's root as its build context, and stagec builds a " lang \
	" app only from its own folder ('context:' is for npm and Go workspaces)"

/* A member built from the workspace's root: its context: and why. */
static void add_member(Ws *w, const char *rel);
static void add_from_root(Ws *w, const char *rel, const char *from)
{
	add_member(w, rel);
	strlist_push(w->a, &w->ctx_dirs, rel);
	strlist_push(w->a, &w->ctx_from, from);
}

/* "../.." from the folder rel up to the workspace's root. */
static const char *up_to_root(Ws *w, const char *rel)
{
	Strbuf sb = STRBUF_INIT;
	for (const char *p = rel; *p; p++)
		if (p == rel || (p[-1] == '/' && *p != '/'))
			strbuf_adds(&sb, sb.len ? "/.." : "..");
	const char *out = arena_strdup(w->a, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

/* The line of the first `needle` in the file rel; 0 when not there. */
static int line_in(Ws *w, const char *rel, const char *needle)
{
	const SourceFile *f;
	if (project_read(&w->p, rel, PROJECT_TEXT, (SrcPos){0}, &f) != PROJECT_OK)
		return 0;
	const char *at = strstr(f->text, needle);
	return at ? init_line_of(f, at) : 0;
}

/* The folders a glob names ("packages/STAR", "api"; ** counts as one level), below dir. */
static void expand(Ws *w, const char *dir, const char *pattern, StrList *ret)
{
	while (pattern[0] == '.' && pattern[1] == '/')
		pattern += 2;
	if (!*pattern) {
		if (is_dir(w, dir))
			strlist_push(w->a, ret, dir);
		return;
	}
	const char *slash = strchr(pattern, '/');
	const char *part = slash ? arena_strndup(w->a, pattern, (size_t)(slash - pattern)) : pattern;
	const char *rest = slash ? slash + 1 : "";
	if (strcmp(part, "..") == 0 || !*part)
		return;
	if (!strpbrk(part, "*?[")) {
		const char *sub = join(w, dir, part);
		if (is_dir(w, sub))
			expand(w, sub, rest, ret);
		return;
	}
	if (strcmp(part, "**") == 0)
		part = "*";
	StrList names = {0};
	project_list_dir(&w->p, dir, &names);
	for (size_t i = 0; i < names.n; i++)
		if (!skipped(names.v[i]) && fnmatch(part, names.v[i], 0) == 0 && is_dir(w, join(w, dir, names.v[i])))
			expand(w, join(w, dir, names.v[i]), rest, ret);
}

static void add_member(Ws *w, const char *rel)
{
	if (!strlist_contains(&w->members, rel))
		strlist_push(w->a, &w->members, rel);
}

/* ---- npm, yarn, pnpm ------------------------------------------------------- */

static json_t *read_json(Ws *w, const char *rel)
{
	const SourceFile *f;
	if (project_read(&w->p, rel, PROJECT_JSON, (SrcPos){0}, &f) != PROJECT_OK)
		return NULL;
	return project_json(f, w->d);
}

static void node_member(Ws *w, const char *dir, const StrList *siblings)
{
	const char *manifest = join(w, dir, "package.json");
	json_t *j = read_json(w, manifest);
	if (!j)
		return;
	json_t *scripts = json_object_get(j, "scripts");
	bool start = json_object_get(scripts, "start"), build = json_object_get(scripts, "build");
	bool lib = json_object_get(j, "main") || json_object_get(j, "exports") || json_object_get(j, "bin");
	bool deployable = start || (build && !lib);
	const char *dep = NULL, *dep_val = NULL;
	static const char *const sections[] = {"dependencies", "devDependencies"};
	for (size_t s = 0; s < 2 && !dep; s++) {
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(j, sections[s]), k, v) {
			const char *val = json_string_value(v);
			if ((val && (strncmp(val, "workspace:", 10) == 0 || strstr(val, "../"))) ||
			    strlist_contains(siblings, k)) {
				dep = arena_strdup(w->a, k);
				dep_val = val ? arena_strdup(w->a, val) : "";
				break;
			}
		}
	}
	json_decref(j);
	const char *up = up_to_root(w, dir);
	int dep_line = dep ? line_in(w, manifest, arena_printf(w->a, "\"%s\"", dep)) : 0;
	if (!deployable) {
		skip_note(w, dir, "a library (no start script, or a build with main, exports or bin)");
	} else if (dep && w->node_not_npm) {
		skip_note(w, dir, arena_printf(w->a, "it depends on '%s' of the workspace (%s:%d), so it builds only "
						     "from the workspace's root, and stagec builds a node workspace "
						     "member from the root (context: %s) only with npm, not %s; with a "
						     "package-lock.json at the root instead, init writes its spec",
					       dep, manifest, dep_line, up, w->node_not_npm));
	} else if (dep && strncmp(dep_val, "workspace:", 10) == 0) {
		skip_note(w, dir, arena_printf(w->a, "it depends on '%s' with the version '%s' (%s:%d), which yarn and "
						     "pnpm read and npm does not; stagec builds a node workspace "
						     "member from the root (context: %s) only with npm: write the "
						     "sibling's version instead and run init again",
					       dep, dep_val, manifest, dep_line, up));
	} else if (dep) {
		add_from_root(w, dir, arena_printf(w->a, "from %s/%s:%d (%s); it needs '%s' (package.json:%d)", up,
						   w->node_file, w->node_line, "workspaces", dep, dep_line));
	} else {
		add_member(w, dir);
	}
	static const char *const locks[] = {"package-lock.json", "yarn.lock", "pnpm-lock.yaml"};
	for (size_t i = 0; i < 3 && deployable && !dep; i++)
		if (has_file(w, locks[i]) && !has_file(w, join(w, dir, locks[i])))
			diag_remark(w->d, (SrcPos){0}, "%s: its spec installs without the workspace's %s (it is above "
						       "the spec's build context): the dependencies are not locked%s",
				    project_display(&w->p, dir), locks[i],
				    i == 0 && !w->node_not_npm
					    ? arena_printf(w->a, "; add 'context: %s' to its spec to install from the root", up)
					    : "");
}

static void node_workspace(Ws *w)
{
	StrList globs = {0};
	if (has_file(w, "package.json")) {
		json_t *j = read_json(w, "package.json");
		json_t *ws = json_object_get(j, "workspaces");
		if (json_is_object(ws))
			ws = json_object_get(ws, "packages");
		if (ws) {
			w->node_file = "package.json";
			w->node_line = line_in(w, "package.json", "\"workspaces\"");
		}
		size_t i;
		json_t *v;
		json_array_foreach(ws, i, v)
			if (json_string_value(v))
				strlist_push(w->a, &globs, arena_strdup(w->a, json_string_value(v)));
		json_decref(j);
	}
	const SourceFile *f;
	if (has_file(w, "pnpm-workspace.yaml") &&
	    project_read(&w->p, "pnpm-workspace.yaml", PROJECT_TEXT, (SrcPos){0}, &f) == PROJECT_OK) {
		w->node_file = "pnpm-workspace.yaml";
		w->node_line = line_in(w, "pnpm-workspace.yaml", "packages");
		w->node_not_npm = "pnpm (pnpm-workspace.yaml)";
		YNode *root = yaml_load(w->a, f, w->d);
		YNode *pk = root && root->kind == YNODE_MAP ? ynode_get(root, "packages") : NULL;
		for (size_t i = 0; pk && pk->kind == YNODE_SEQ && i < pk->n; i++)
			if (pk->items[i]->kind == YNODE_SCALAR)
				strlist_push(w->a, &globs, pk->items[i]->str);
	}
	if (!globs.n)
		return;
	w->kinds++;
	if (has_file(w, "pnpm-lock.yaml"))
		w->node_not_npm = "pnpm (pnpm-lock.yaml)";
	else if (has_file(w, "yarn.lock"))
		w->node_not_npm = "yarn (yarn.lock)";
	StrList dirs = {0}, names = {0};
	for (size_t i = 0; i < globs.n; i++)
		if (globs.v[i][0] != '!')
			expand(w, ".", globs.v[i], &dirs);
	for (size_t i = 0; i < dirs.n; i++) {
		json_t *j = has_file(w, join(w, dirs.v[i], "package.json")) ? read_json(w, join(w, dirs.v[i], "package.json")) : NULL;
		const char *n = json_string_value(json_object_get(j, "name"));
		if (n)
			strlist_push(w->a, &names, arena_strdup(w->a, n));
		json_decref(j);
	}
	for (size_t i = 0; i < dirs.n; i++) {
		bool excluded = false;
		for (size_t g = 0; g < globs.n; g++)
			if (globs.v[g][0] == '!' && fnmatch(globs.v[g] + 1 + (globs.v[g][1] == '.' && globs.v[g][2] == '/' ? 2 : 0),
							  dirs.v[i], 0) == 0)
				excluded = true;
		if (!excluded && has_file(w, join(w, dirs.v[i], "package.json")))
			node_member(w, dirs.v[i], &names);
	}
}

/* ---- Cargo ------------------------------------------------------------------ */

static bool inherits(const TomlValue *t, int depth)
{
	if (!t || depth > 8)
		return false;
	if (t->kind == TOML_TABLE) {
		for (size_t i = 0; i < t->n; i++) {
			const TomlValue *v = t->pairs[i].value;
			if (strcmp(t->pairs[i].key, "workspace") == 0 && v->kind == TOML_BOOLEAN && v->boolean)
				return true;
			if (strcmp(t->pairs[i].key, "path") == 0 && v->kind == TOML_STRING && strncmp(v->str, "..", 2) == 0)
				return true;
			if (inherits(v, depth + 1))
				return true;
		}
	} else if (t->kind == TOML_ARRAY) {
		for (size_t i = 0; i < t->n; i++)
			if (inherits(t->items[i], depth + 1))
				return true;
	}
	return false;
}

static void cargo_workspace(Ws *w)
{
	const TomlValue *root;
	if (!has_file(w, "Cargo.toml") || project_toml(&w->p, "Cargo.toml", (SrcPos){0}, &root) != PROJECT_OK)
		return;
	const TomlValue *members = toml_path(root, "workspace.members");
	if (!members || members->kind != TOML_ARRAY)
		return;
	w->kinds++;
	StrList dirs = {0};
	for (size_t i = 0; i < members->n; i++)
		if (members->items[i]->kind == TOML_STRING)
			expand(w, ".", members->items[i]->str, &dirs);
	for (size_t i = 0; i < dirs.n; i++) {
		const TomlValue *m;
		const char *rel = join(w, dirs.v[i], "Cargo.toml");
		if (!has_file(w, rel) || project_toml(&w->p, rel, (SrcPos){0}, &m) != PROJECT_OK)
			continue;
		if (!toml_get(m, "bin") && !has_file(w, join(w, dirs.v[i], "src/main.rs")))
			skip_note(w, dirs.v[i], "a library crate (no src/main.rs, no [[bin]])");
		else if (inherits(m, 0))
			skip_note(w, dirs.v[i], "its Cargo.toml takes values from the workspace (workspace = true) or a path "
						"above it; " NO_CONTEXT("rust") ": write the values and versions into its "
						"Cargo.toml instead and run init again");
		else
			add_member(w, dirs.v[i]);
	}
}

/* ---- Go --------------------------------------------------------------------- */

/* The module path a go.mod's `module` line names; NULL when none. */
static const char *go_module_path(Ws *w, const char *dir)
{
	const SourceFile *f;
	if (project_read(&w->p, join(w, dir, "go.mod"), PROJECT_TEXT, (SrcPos){0}, &f) != PROJECT_OK)
		return NULL;
	for (const char *p = f->text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		p += strspn(p, " \t");
		if (strncmp(p, "module", 6) == 0 && (p[6] == ' ' || p[6] == '\t')) {
			p += 6 + strspn(p + 6, " \t\"");
			size_t n = strcspn(p, " \t\r\n\"/");
			const char *end = p + strcspn(p, " \t\r\n\"");
			return n ? arena_strndup(w->a, p, (size_t)(end - p)) : NULL;
		}
	}
	return NULL;
}

/* A .go file below dir (bounded walk) that imports one of paths (as
 * "PATH" or "PATH/..."): *ret_path, and "FILE:LINE" in *ret_at. */
static bool go_imports(Ws *w, const char *dir, const StrList *paths, int depth, int *budget, const char **ret_path,
		       const char **ret_at)
{
	StrList names = {0};
	if (depth > 8 || !project_list_dir(&w->p, dir, &names))
		return false;
	for (size_t i = 0; i < names.n && *budget > 0; i++) {
		const char *rel = join(w, dir, names.v[i]);
		size_t n = strlen(names.v[i]);
		if (n > 3 && strcmp(names.v[i] + n - 3, ".go") == 0) {
			const SourceFile *f;
			(*budget)--;
			if (project_read(&w->p, rel, PROJECT_HEAD, (SrcPos){0}, &f) != PROJECT_OK)
				continue;
			for (size_t k = 0; k < paths->n; k++) {
				const char *at = strstr(f->text, arena_printf(w->a, "\"%s\"", paths->v[k]));
				if (!at)
					at = strstr(f->text, arena_printf(w->a, "\"%s/", paths->v[k]));
				if (at) {
					*ret_path = paths->v[k];
					*ret_at = arena_printf(w->a, "%s:%d", rel, init_line_of(f, at));
					return true;
				}
			}
		} else if (!skipped(names.v[i]) && is_dir(w, rel) && !has_file(w, join(w, rel, "go.mod")) &&
			   go_imports(w, rel, paths, depth + 1, budget, ret_path, ret_at)) {
			return true;
		}
	}
	return false;
}

/* A Go module: alone (dir "."), or a go.work module named at line use
 * among the workspace's module paths mods. */
static void go_module(Ws *w, const char *dir, int use, const StrList *mods)
{
	StrList mains = {0};
	if (!project_go_mains(&w->p, dir, (SrcPos){0}, &mains))
		return;
	const char *gomod = join(w, dir, "go.mod");
	int replace = line_in(w, gomod, "=> ../");
	StrList others = {0};
	const char *self = go_module_path(w, dir);
	for (size_t i = 0; mods && i < mods->n; i++)
		if (!self || strcmp(mods->v[i], self) != 0)
			strlist_push(w->a, &others, mods->v[i]);
	const char *imp = NULL, *at = NULL;
	int budget = 500;
	if (mains.n && use && !go_imports(w, dir, &others, 0, &budget, &imp, &at))
		for (size_t i = 0; i < others.n && !imp; i++) {
			int l = line_in(w, gomod, arena_printf(w->a, "%s ", others.v[i]));
			if (l) {
				imp = others.v[i];
				at = arena_printf(w->a, "go.mod:%d", l);
			}
		}
	if (at && strncmp(at, dir, strlen(dir)) == 0 && at[strlen(dir)] == '/')
		at += strlen(dir) + 1; /* relative to the member's folder, as the other comments */
	if (!mains.n) {
		skip_note(w, dir, "no package main (a library)");
	} else if (use && strcmp(dir, ".") != 0 && (replace || imp)) {
		const char *why = replace ? arena_printf(w->a, "go.mod:%d replaces a module with a folder above it", replace)
					  : arena_printf(w->a, "%s imports %s of the workspace", at, imp);
		add_from_root(w, dir, arena_printf(w->a, "from %s/go.work:%d (use); %s", up_to_root(w, dir), use, why));
	} else if (replace) {
		skip_note(w, dir, arena_printf(w->a, "its go.mod:%d replaces a module with a folder above it, so it builds "
						     "only from a folder above; add 'context:' with '..' steps up to "
						     "a folder holding both to its spec",
					       replace));
	} else if (mains.n == 1) {
		add_member(w, dir);
	}
	for (size_t i = 0; mains.n > 1 && i < mains.n; i++)
		skip_note(w, join(w, dir, mains.v[i]),
			  arena_printf(w->a, "a main package of the module at '%s', which builds from the module's "
					     "folder (a spec in %s with 'context:' would not: stagec reads a Go module only "
					     "in the spec's folder or below a go.work); one spec there builds one of them: "
					     "'stagec init --program %s %s'",
				       project_display(&w->p, dir), mains.v[i], mains.v[i], project_display(&w->p, dir)));
}

static void go_workspace(Ws *w)
{
	const SourceFile *f;
	if (has_file(w, "go.work") && project_read(&w->p, "go.work", PROJECT_TEXT, (SrcPos){0}, &f) == PROJECT_OK) {
		w->kinds++;
		bool block = false;
		StrList dirs = {0}, mods = {0};
		int lines[256];
		for (const char *p = f->text; *p;) {
			const char *e = strchr(p, '\n');
			char *line = arena_strndup(w->a, p, e ? (size_t)(e - p) : strlen(p));
			char *t = line + strspn(line, " \t");
			char *comment = strstr(t, "//");
			if (comment)
				*comment = '\0';
			if (strncmp(t, "use (", 5) == 0 || strncmp(t, "use(", 4) == 0) {
				block = true;
			} else if (block && t[0] == ')') {
				block = false;
			} else if (block || strncmp(t, "use ", 4) == 0) {
				char *path = block ? t : t + 4;
				path += strspn(path, " \t");
				path[strcspn(path, " \t\r")] = '\0';
				const char *rel = path[0] == '.' && path[1] == '/' ? path + 2 : path;
				if (*path && dirs.n < 256 && is_dir(w, rel) && !strlist_contains(&dirs, rel)) {
					lines[dirs.n] = init_line_of(f, p);
					strlist_push(w->a, &dirs, rel);
					const char *m = go_module_path(w, rel);
					if (m)
						strlist_push(w->a, &mods, m);
				}
			}
			if (!e)
				break;
			p = e + 1;
		}
		for (size_t i = 0; i < dirs.n; i++)
			go_module(w, dirs.v[i], lines[i], &mods);
	} else if (has_file(w, "go.mod")) {
		StrList mains = {0};
		if (project_go_mains(&w->p, ".", (SrcPos){0}, &mains) && mains.n > 1) {
			w->kinds++;
			go_module(w, ".", 0, NULL);
		}
	}
}

/* ---- Maven ------------------------------------------------------------------ */

static xmlNode *xchild(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* A `static void main(` in a .java file below dir (bounded walk). */
static bool has_main(Ws *w, const char *dir, int depth, int *budget)
{
	StrList names = {0};
	if (depth > 10 || !project_list_dir(&w->p, dir, &names))
		return false;
	for (size_t i = 0; i < names.n && *budget > 0; i++) {
		const char *rel = join(w, dir, names.v[i]);
		size_t n = strlen(names.v[i]);
		if (n > 5 && strcmp(names.v[i] + n - 5, ".java") == 0) {
			const SourceFile *f;
			(*budget)--;
			if (project_read(&w->p, rel, PROJECT_HEAD, (SrcPos){0}, &f) == PROJECT_OK && strstr(f->text, "static void main("))
				return true;
		} else if (names.v[i][0] != '.' && is_dir(w, rel) && has_main(w, rel, depth + 1, budget)) {
			return true;
		}
	}
	return false;
}

static void maven_modules(Ws *w, const char *dir, int depth)
{
	struct _xmlDoc *doc;
	if (depth > 8 || init_xml_read(&w->p, join(w, dir, "pom.xml"), &doc) != PROJECT_OK)
		return;
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *mods = xchild(root, "modules");
	if (depth == 0 && !mods) {
		xmlFreeDoc(doc);
		return;
	}
	if (depth == 0)
		w->kinds++;
	xmlChar *pk = xmlNodeGetContent(xchild(root, "packaging"));
	bool parent_pom = pk && strcmp((const char *)pk, "pom") == 0;
	xmlFree(pk);
	if (depth > 0 && !parent_pom) {
		int budget = 500;
		xmlChar *text = xmlNodeGetContent(xchild(root, "build"));
		bool boot = text && strstr((const char *)text, "spring-boot-maven-plugin");
		bool main_class = text && strstr((const char *)text, "mainClass");
		xmlFree(text);
		if (!boot && !main_class && !has_main(w, join(w, dir, "src/main/java"), 0, &budget))
			skip_note(w, dir, "a library (no Spring Boot plugin, no mainClass, no static void main)");
		else if (xchild(root, "parent"))
			skip_note(w, dir, arena_printf(w->a, "its pom.xml:%d has a <parent> in the workspace; " NO_CONTEXT("java")
						       ": write what it takes from the parent into its pom.xml (or "
						       "install the parent where Maven fetches it) and run init again",
						 line_in(w, join(w, dir, "pom.xml"), "<parent>")));
		else
			add_member(w, dir);
	}
	for (xmlNode *m = mods ? mods->children : NULL; m; m = m->next) {
		if (m->type != XML_ELEMENT_NODE || strcmp((const char *)m->name, "module") != 0)
			continue;
		xmlChar *t = xmlNodeGetContent(m);
		char *name = t ? arena_strdup(w->a, (const char *)t) : NULL;
		xmlFree(t);
		while (name && name[0] == '.' && name[1] == '/')
			name += 2;
		size_t n = name ? strlen(name) : 0;
		while (n && name[n - 1] == '/')
			name[--n] = '\0';
		const char *sub = n && strcmp(name, ".") != 0 ? join(w, dir, name) : NULL;
		/* each module once: <module>a</module> twice, or a cycle, is not walked again */
		if (sub && !strstr(sub, "..") && !strlist_contains(&w->visited, sub) && has_file(w, join(w, sub, "pom.xml"))) {
			strlist_push(w->a, &w->visited, sub);
			maven_modules(w, sub, depth + 1);
		}
	}
	xmlFreeDoc(doc);
}

/* ---- .NET solutions -------------------------------------------------------------- */

static void dotnet_solution(Ws *w)
{
	StrList names = {0};
	project_list_dir(&w->p, ".", &names);
	for (size_t i = 0; i < names.n; i++) {
		size_t n = strlen(names.v[i]);
		const SourceFile *f;
		if (n < 5 || strcmp(names.v[i] + n - 4, ".sln") != 0 ||
		    project_read(&w->p, names.v[i], PROJECT_TEXT, (SrcPos){0}, &f) != PROJECT_OK)
			continue;
		w->kinds++;
		/* Project("{GUID}") = "Name", "src\Name\Name.csproj", "{GUID}" */
		for (const char *p = f->text; (p = strstr(p, "Project(\"")); p++) {
			const char *q = strchr(p, '=');
			const char *a1 = q ? strchr(q, '"') : NULL, *a2 = a1 ? strchr(a1 + 1, '"') : NULL;
			const char *b1 = a2 ? strchr(a2 + 1, '"') : NULL, *b2 = b1 ? strchr(b1 + 1, '"') : NULL;
			if (!b2)
				break;
			char *path = arena_strndup(w->a, b1 + 1, (size_t)(b2 - b1 - 1));
			for (char *c = path; *c; c++)
				if (*c == '\\')
					*c = '/';
			size_t pn = strlen(path);
			if (pn < 8 || strcmp(path + pn - 7, ".csproj") != 0 || strstr(path, ".."))
				continue;
			char *slash = strrchr(path, '/');
			const char *dir = slash ? arena_strndup(w->a, path, (size_t)(slash - path)) : ".";
			struct _xmlDoc *doc;
			if (init_xml_read(&w->p, path, &doc) != PROJECT_OK)
				continue;
			xmlNode *root = xmlDocGetRootElement(doc);
			xmlChar *sdk = root ? xmlGetProp(root, (const xmlChar *)"Sdk") : NULL;
			xmlChar *all = root ? xmlNodeGetContent(root) : NULL;
			bool web = sdk && strcmp((const char *)sdk, "Microsoft.NET.Sdk.Web") == 0;
			bool exe = all && strstr((const char *)all, "Exe");
			bool up = false;
			for (xmlNode *ig = root ? root->children : NULL; ig; ig = ig->next)
				for (xmlNode *r = ig->children; r; r = r->next)
					if (r->type == XML_ELEMENT_NODE && strcmp((const char *)r->name, "ProjectReference") == 0) {
						xmlChar *inc = xmlGetProp(r, (const xmlChar *)"Include");
						up = up || (inc && strstr((const char *)inc, ".."));
						xmlFree(inc);
					}
			xmlFree(sdk);
			xmlFree(all);
			xmlFreeDoc(doc);
			if (!strcmp(dir, "."))
				continue;
			if (!web && !exe)
				skip_note(w, dir, "a library or test project (not Microsoft.NET.Sdk.Web, no <OutputType>Exe)");
			else if (up)
				skip_note(w, dir, "it references a project above its folder (<ProjectReference>); " NO_CONTEXT("dotnet")
						  ": reference a package instead and run init again");
			else
				add_member(w, dir);
		}
	}
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

bool init_workspace(Arena *a, Diags *d, const char *dir, const char *shown, StrList *ret, StrList *ret_context,
		    StrList *ret_from)
{
	Ws w = {.a = a, .d = d};
	size_t sn = strlen(shown);
	while (sn > 1 && shown[sn - 1] == '/')
		sn--;
	if (!project_init(&w.p, a, d, dir, arena_strndup(a, shown, sn))) {
		diag_error(d, (SrcPos){0}, "%s: cannot open the folder", shown);
		return false;
	}
	int errors = d->errors;
	node_workspace(&w);
	cargo_workspace(&w);
	go_workspace(&w);
	if (has_file(&w, "pom.xml"))
		maven_modules(&w, ".", 0);
	dotnet_solution(&w);
	if (w.members.n)
		qsort(w.members.v, w.members.n, sizeof(*w.members.v), cmp_str);
	strlist_copy(a, ret, &w.members);
	for (size_t i = 0; i < w.members.n; i++) {
		size_t k = 0;
		while (k < w.ctx_dirs.n && strcmp(w.ctx_dirs.v[k], w.members.v[i]) != 0)
			k++;
		strlist_push(a, ret_context, k < w.ctx_dirs.n ? up_to_root(&w, w.members.v[i]) : "");
		strlist_push(a, ret_from, k < w.ctx_dirs.n ? w.ctx_from.v[k] : "");
	}
	if (!w.kinds)
		diag_error(d, (SrcPos){0}, "%s: no workspace here: looked for package.json workspaces, "
					   "pnpm-workspace.yaml, Cargo.toml [workspace] members, go.work or a Go module "
					   "with several cmd/NAME, pom.xml <modules>, *.sln; without --recursive, "
					   "init writes the folder's own spec", shown);
	return d->errors == errors;
}
