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
 * A spec's build context is its folder, and stagec has no key yet for a
 * context above it.  So a member that needs the workspace's root to build
 * (a Maven <parent>, a Cargo `workspace = true`, a workspace: dependency,
 * a Go main package under cmd/ whose go.mod is above it, a project
 * reference out of its folder) gets no spec: a note names it and why.
 * Folders that `stagec all` skips are skipped here too.
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
	StrList visited; /* Maven modules walked */
	int kinds;       /* workspace files found */
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

#define NEEDS_ROOT "it builds only with the workspace's root as its build context, and stagec has no key for a context above the spec yet"

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
	json_t *j = read_json(w, join(w, dir, "package.json"));
	if (!j)
		return;
	json_t *scripts = json_object_get(j, "scripts");
	bool start = json_object_get(scripts, "start"), build = json_object_get(scripts, "build");
	bool lib = json_object_get(j, "main") || json_object_get(j, "exports") || json_object_get(j, "bin");
	const char *needs = NULL;
	static const char *const sections[] = {"dependencies", "devDependencies"};
	for (size_t s = 0; s < 2 && !needs; s++) {
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(j, sections[s]), k, v) {
			const char *val = json_string_value(v);
			if ((val && (strncmp(val, "workspace:", 10) == 0 || strstr(val, "../"))) ||
			    strlist_contains(siblings, k)) {
				needs = arena_printf(w->a, "it depends on '%s' of the workspace; " NEEDS_ROOT, k);
				break;
			}
		}
	}
	if (!start && !(build && !lib))
		skip_note(w, dir, "a library (no start script, or a build with main, exports or bin)");
	else if (needs)
		skip_note(w, dir, needs);
	else
		add_member(w, dir);
	static const char *const locks[] = {"package-lock.json", "yarn.lock", "pnpm-lock.yaml"};
	for (size_t i = 0; i < 3 && (start || (build && !lib)) && !needs; i++)
		if (has_file(w, locks[i]) && !has_file(w, join(w, dir, locks[i])))
			diag_remark(w->d, (SrcPos){0}, "%s: its spec installs without the workspace's %s (it is above "
						       "the spec's build context): the dependencies are not locked",
				    project_display(&w->p, dir), locks[i]);
	json_decref(j);
}

static void node_workspace(Ws *w)
{
	StrList globs = {0};
	if (has_file(w, "package.json")) {
		json_t *j = read_json(w, "package.json");
		json_t *ws = json_object_get(j, "workspaces");
		if (json_is_object(ws))
			ws = json_object_get(ws, "packages");
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
		YNode *root = yaml_load(w->a, f, w->d);
		YNode *pk = root && root->kind == YNODE_MAP ? ynode_get(root, "packages") : NULL;
		for (size_t i = 0; pk && pk->kind == YNODE_SEQ && i < pk->n; i++)
			if (pk->items[i]->kind == YNODE_SCALAR)
				strlist_push(w->a, &globs, pk->items[i]->str);
	}
	if (!globs.n)
		return;
	w->kinds++;
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
						"above it; " NEEDS_ROOT);
		else
			add_member(w, dirs.v[i]);
	}
}

/* ---- Go --------------------------------------------------------------------- */

static void go_module(Ws *w, const char *dir)
{
	StrList mains = {0};
	if (!project_go_mains(&w->p, dir, (SrcPos){0}, &mains))
		return;
	const SourceFile *f;
	bool up = project_read(&w->p, join(w, dir, "go.mod"), PROJECT_TEXT, (SrcPos){0}, &f) == PROJECT_OK &&
		  strstr(f->text, "=> ../");
	if (!mains.n)
		skip_note(w, dir, "no package main (a library)");
	else if (up)
		skip_note(w, dir, "its go.mod replaces a module with a folder above it; " NEEDS_ROOT);
	else if (mains.n == 1)
		add_member(w, dir);
	for (size_t i = 0; mains.n > 1 && i < mains.n; i++)
		skip_note(w, join(w, dir, mains.v[i]), arena_printf(w->a, "a main package of the module above it; " NEEDS_ROOT
			  " (one spec for it, at the module: 'stagec init --program %s')", mains.v[i]));
}

static void go_workspace(Ws *w)
{
	const SourceFile *f;
	if (has_file(w, "go.work") && project_read(&w->p, "go.work", PROJECT_TEXT, (SrcPos){0}, &f) == PROJECT_OK) {
		w->kinds++;
		bool block = false;
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
				if (*path && is_dir(w, path[0] == '.' && path[1] == '/' ? path + 2 : path))
					go_module(w, path[0] == '.' && path[1] == '/' ? path + 2 : path);
			}
			if (!e)
				break;
			p = e + 1;
		}
	} else if (has_file(w, "go.mod")) {
		StrList mains = {0};
		if (project_go_mains(&w->p, ".", (SrcPos){0}, &mains) && mains.n > 1) {
			w->kinds++;
			go_module(w, ".");
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
			skip_note(w, dir, "its pom.xml has a <parent> in the workspace; " NEEDS_ROOT);
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
				skip_note(w, dir, "it references a project above its folder; " NEEDS_ROOT);
			else
				add_member(w, dir);
		}
	}
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

bool init_workspace(Arena *a, Diags *d, const char *dir, const char *shown, StrList *ret)
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
	if (!w.kinds)
		diag_error(d, (SrcPos){0}, "%s: no workspace here: looked for package.json workspaces, "
					   "pnpm-workspace.yaml, Cargo.toml [workspace] members, go.work or a Go module "
					   "with several cmd/NAME, pom.xml <modules>, *.sln; without --recursive, "
					   "init writes the folder's own spec", shown);
	return d->errors == errors;
}
