/*
 * program.c - which program a project builds, read from its files.
 *
 *   go-main:        the main packages of a Go module: the module's folder
 *                   and each cmd/NAME folder holding a .go file (not a
 *                   _test.go) whose package clause is `package main`.
 *   cargo-bin:      Cargo.toml's [[bin]] targets by name, else [package] name.
 *   cargo-bin-path: the chosen binary's main file (its `path`, else Cargo's
 *                   default: src/main.rs, or src/bin/NAME.rs);
 *   cargo-bin-dir:  that file's folder (src, or "." at the top).
 *   dotnet-project: the .csproj files in the app's folder.
 * One candidate is built.  Several: the spec's `program:` names one (a Go
 * folder such as cmd/api, a Cargo binary name, a .csproj path); without
 * it, an error lists them.  The values reach the Dockerfile, so they are
 * checked against a plain-path grammar.
 */
#include <string.h>

#include "project.h"

static const char *join(Arena *a, const char *dir, const char *name)
{
	if (!*dir || strcmp(dir, ".") == 0)
		return name;
	size_t n = strlen(dir);
	return arena_printf(a, "%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

/* "./cmd/api/" -> "cmd/api"; "./" -> "." */
static const char *clean(Arena *a, const char *s)
{
	while (s[0] == '.' && s[1] == '/')
		s += 2;
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		n--;
	return n ? arena_strndup(a, s, n) : ".";
}

static bool plain_path(const char *s)
{
	if (!*s || *s == '-' || *s == '/' || strlen(s) > 256 || strstr(s, ".."))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("._+-/", *p)))
			return false;
	return true;
}


/* ---- Go ---------------------------------------------------------------- */

/* Whether the head of a Go file declares package main: skips blanks,
 * line and block comments (build constraints are comments). */
static bool go_package_main(const SourceFile *f)
{
	const char *p = f->text, *end = f->text + f->len;
	for (;;) {
		while (p < end && strchr(" \t\r\n", *p) && *p)
			p++;
		if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
			const char *close = NULL;
			for (const char *q = p + 2; q + 1 < end; q++)
				if (q[0] == '*' && q[1] == '/') {
					close = q;
					break;
				}
			if (!close)
				return false;
			p = close + 2;
			continue;
		}
		break;
	}
	if (end - p < 8 || memcmp(p, "package", 7) != 0 || !strchr(" \t", p[7]))
		return false;
	p += 7;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return end - p >= 4 && memcmp(p, "main", 4) == 0 &&
	       (end - p == 4 || !((p[4] >= 'a' && p[4] <= 'z') || (p[4] >= 'A' && p[4] <= 'Z') ||
				  (p[4] >= '0' && p[4] <= '9') || p[4] == '_' || (unsigned char)p[4] >= 0x80));
}

static bool folder_is_main(Project *p, const char *dir, SrcPos blame)
{
	StrList names = {0};
	if (!project_list_dir(p, dir, &names))
		return false;
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		size_t len = strlen(n);
		if (len < 4 || strcmp(n + len - 3, ".go") != 0 || (len > 8 && strcmp(n + len - 8, "_test.go") == 0))
			continue;
		const SourceFile *f;
		if (project_read(p, join(p->a, dir, n), PROJECT_HEAD, blame, &f) == PROJECT_OK && go_package_main(f))
			return true;
	}
	return false;
}

bool project_go_mains(Project *p, const char *src, SrcPos blame, StrList *ret)
{
	int errors = p->d->errors;
	if (folder_is_main(p, src, blame))
		strlist_push(p->a, ret, ".");
	StrList cmds = {0};
	const char *cmd = join(p->a, src, "cmd");
	bool is_dir;
	if (project_resolve(p, cmd, &is_dir) == 0 && is_dir && project_list_dir(p, cmd, &cmds))
		for (size_t i = 0; i < cmds.n; i++) {
			bool sub_dir;
			const char *sub = join(p->a, cmd, cmds.v[i]);
			if (project_resolve(p, sub, &sub_dir) == 0 && sub_dir && folder_is_main(p, sub, blame))
				strlist_push(p->a, ret, arena_printf(p->a, "cmd/%s", cmds.v[i]));
		}
	return p->d->errors == errors;
}

static const char *go_main(Project *p, const char *src, SrcPos blame)
{
	StrList mains = {0};
	if (!project_go_mains(p, src, blame, &mains))
		return NULL;
	const char *where = project_display(p, src);
	if (p->program.s) {
		const char *want = clean(p->a, p->program.s);
		if (strlist_contains(&mains, want))
			return strcmp(want, ".") == 0 ? "." : arena_printf(p->a, "./%s", want);
		diag_error(p->d, p->program.pos, "'%s' is not a main package of the Go module in '%s'; %s%s", p->program.s,
			   where, mains.n ? "its main packages are " : "it has no folder with 'package main' at its root "
								 "or under cmd/",
			   mains.n ? strlist_join(p->a, &mains, ", ") : "");
		return NULL;
	}
	if (mains.n == 1) {
		if (!plain_path(mains.v[0]) && strcmp(mains.v[0], ".") != 0) {
			diag_error(p->d, blame, "the Go main package '%s' has characters stagec will not put in a "
						"Dockerfile; rename the folder", mains.v[0]);
			return NULL;
		}
		return strcmp(mains.v[0], ".") == 0 ? "." : arena_printf(p->a, "./%s", mains.v[0]);
	}
	if (!mains.n)
		diag_error(p->d, blame, "no Go main package in '%s': no .go file there or in cmd/NAME/ says "
					"'package main'; add one, or write the build with 'build:'", where);
	else
		diag_error(p->d, blame, "the Go module in '%s' has %zu main packages (%s); name the one to build "
					"with 'program:' (e.g. 'program: %s')", where, (size_t)mains.n, strlist_join(p->a, &mains, ", "),
			   mains.v[0]);
	return NULL;
}

/* ---- Cargo ------------------------------------------------------------- */

typedef struct CargoBin {
	const char *name, *path;
	SrcPos pos;
} CargoBin;

static const CargoBin *cargo_bin_read(Project *p, const char *src, SrcPos blame);

/* The binary the spec or Cargo.toml names, chosen once; NULL after an error. */
static const CargoBin *cargo_bin(Project *p, const char *src, SrcPos blame)
{
	if (!p->cargo_done) {
		p->cargo_done = true;
		p->cargo = cargo_bin_read(p, src, blame);
	}
	return p->cargo;
}

static const CargoBin *cargo_bin_read(Project *p, const char *src, SrcPos blame)
{
	const char *rel = join(p->a, src, "Cargo.toml");
	const TomlValue *root;
	ProjectStatus st = project_toml(p, rel, blame, &root);
	if (st == PROJECT_MISSING)
		diag_error(p->d, blame, "'%s' does not exist; a Rust app needs it", project_display(p, rel));
	if (st != PROJECT_OK)
		return NULL;
	const TomlValue *pkg_name = toml_path(root, "package.name");
	const char *package = pkg_name && pkg_name->kind == TOML_STRING ? pkg_name->str : NULL;
	const TomlValue *bins = toml_get(root, "bin");
	size_t n = bins && bins->kind == TOML_ARRAY ? bins->n : 0;
	CargoBin *v = arena_alloc(p->a, (n + 1) * sizeof(*v));
	StrList names = {0};
	for (size_t i = 0; i < n; i++) {
		const TomlValue *b = bins->items[i];
		const TomlValue *name = toml_get(b, "name"), *path = toml_get(b, "path");
		if (b->kind != TOML_TABLE || !name || name->kind != TOML_STRING) {
			diag_error(p->d, b->pos, "a [[bin]] target needs a name (name = \"...\")");
			return NULL;
		}
		if (path && path->kind != TOML_STRING) {
			diag_error(p->d, path->pos, "a [[bin]] path must be a string");
			return NULL;
		}
		v[i].name = name->str;
		v[i].pos = name->pos;
		v[i].path = path ? path->str
			    : package && strcmp(package, name->str) == 0 ? "src/main.rs"
									: arena_printf(p->a, "src/bin/%s.rs", name->str);
		strlist_push(p->a, &names, name->str);
	}
	if (!n) {
		if (!package) {
			diag_error(p->d, pkg_name ? pkg_name->pos : (SrcPos){root->pos.file, 1, 1},
				   "'%s' names no binary: it has no [[bin]] target and no [package] name; add one",
				   project_display(p, rel));
			return NULL;
		}
		v[0] = (CargoBin){package, "src/main.rs", pkg_name->pos};
		strlist_push(p->a, &names, package);
		n = 1;
	}
	const CargoBin *pick = NULL;
	if (p->program.s) {
		for (size_t i = 0; i < n && !pick; i++)
			if (strcmp(v[i].name, p->program.s) == 0)
				pick = &v[i];
		if (!pick) {
			diag_error(p->d, p->program.pos, "'%s' is not a binary of '%s'; its binaries are %s",
				   p->program.s, project_display(p, rel), strlist_join(p->a, &names, ", "));
			return NULL;
		}
	} else if (n == 1) {
		pick = &v[0];
	} else {
		diag_error(p->d, v[1].pos, "'%s' has %zu binaries (%s); name the one to build with 'program:' in "
					   "the spec (e.g. 'program: %s')", project_display(p, rel), n,
			   strlist_join(p->a, &names, ", "), v[0].name);
		return NULL;
	}
	if (!plain_path(pick->name) || strchr(pick->name, '/')) {
		diag_error(p->d, pick->pos, "the binary name '%s' has characters stagec will not put in a "
					    "Dockerfile (letters, digits, '.', '_', '+', '-')", pick->name);
		return NULL;
	}
	if (!plain_path(pick->path)) {
		diag_error(p->d, pick->pos, "the path '%s' of binary '%s' is not a plain relative path inside "
					    "the project; move the file", pick->path, pick->name);
		return NULL;
	}
	return pick;
}

/* ---- .NET -------------------------------------------------------------- */

static const char *dotnet_project(Project *p, const char *src, SrcPos blame)
{
	if (p->program.s) {
		const char *want = clean(p->a, p->program.s);
		bool is_dir;
		size_t n = strlen(want);
		if (n < 8 || strcmp(want + n - 7, ".csproj") != 0 || !plain_path(want)) {
			diag_error(p->d, p->program.pos, "a .NET 'program:' names the project file, a plain path "
							 "ending in .csproj (e.g. 'program: src/Api/Api.csproj')");
			return NULL;
		}
		if (project_resolve(p, join(p->a, src, want), &is_dir) != 0 || is_dir) {
			diag_error(p->d, p->program.pos, "'%s' is not a project file in '%s'; fix the path", want,
				   project_display(p, src));
			return NULL;
		}
		return want;
	}
	StrList names = {0}, found = {0};
	project_list_dir(p, src, &names);
	for (size_t i = 0; i < names.n; i++) {
		size_t n = strlen(names.v[i]);
		if (n > 7 && strcmp(names.v[i] + n - 7, ".csproj") == 0)
			strlist_push(p->a, &found, names.v[i]);
	}
	if (found.n == 1) {
		if (!plain_path(found.v[0])) {
			diag_error(p->d, blame, "the project file '%s' has characters stagec will not put in a "
						"Dockerfile; rename it", found.v[0]);
			return NULL;
		}
		return found.v[0];
	}
	if (!found.n)
		diag_error(p->d, blame, "no .csproj file in '%s'; add the project file there, or name it with "
					"'program:' (e.g. 'program: src/Api/Api.csproj')", project_display(p, src));
	else
		diag_error(p->d, blame, "'%s' has %zu project files (%s); name the one to build with 'program:' "
					"(e.g. 'program: %s')", project_display(p, src), (size_t)found.n,
			   strlist_join(p->a, &found, ", "), found.v[0]);
	return NULL;
}

const char *project_program(Project *p, const char *src, const char *which, SrcPos blame, bool *ret_unknown)
{
	*ret_unknown = false;
	if (strcmp(which, "go-main") == 0)
		return go_main(p, src, blame);
	bool bin = strcmp(which, "cargo-bin") == 0, path = strcmp(which, "cargo-bin-path") == 0;
	if (bin || path || strcmp(which, "cargo-bin-dir") == 0) {
		const CargoBin *b = cargo_bin(p, src, blame);
		if (!b || bin || path)
			return !b ? NULL : bin ? b->name : b->path;
		const char *slash = strrchr(b->path, '/');
		return slash ? arena_strndup(p->a, b->path, (size_t)(slash - b->path)) : ".";
	}
	if (strcmp(which, "dotnet-project") == 0)
		return dotnet_project(p, src, blame);
	*ret_unknown = true;
	return NULL;
}
