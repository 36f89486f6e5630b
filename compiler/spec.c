/*
 * spec.c - the YAML node tree -> a typed Spec.
 *
 * Each mapping is read through a table of the keys valid at its level, in
 * source order, so diagnostics come out in the order of the file.  The
 * reader never stops at the first problem: it reports each one at the node
 * it is about (the key for an unknown key, the value otherwise) and carries
 * on, then returns NULL if it added any error.  Every message says what is
 * wrong first, then what to do; the wording lives in the msg_* helpers so
 * that the same problem reads the same everywhere.
 *
 * A key whose value is null ("build:" with nothing after it) counts as
 * absent, except inside run.env and labels, where a null value is an
 * error.  Defaults that need no template are filled in here: name (the
 * folder's name), base ("official") and source ("."), with no position.
 * The rest (version, workdir, user, manifests...) stay absent for the
 * template to fill.  Nothing here touches the filesystem.
 */
#include <string.h>

#include "internal.h"

typedef struct Ctx {
	Arena *a;
	Diags *d;
	Spec *spec;
} Ctx;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define SHOW_MAX 60

/* ---- messages -------------------------------------------------------- */

/* A user's value fit for a one-line message: control characters written
 * as escapes, long values cut short. */
static const char *show(Ctx *c, const char *s)
{
	Strbuf sb = STRBUF_INIT;
	size_t n = 0;
	for (; *s; s++, n++) {
		unsigned char ch = (unsigned char)*s;
		if (n == SHOW_MAX) {
			strbuf_adds(&sb, "...");
			break;
		}
		if (ch == '\n')
			strbuf_adds(&sb, "\\n");
		else if (ch == '\t')
			strbuf_adds(&sb, "\\t");
		else if (ch == '\r')
			strbuf_adds(&sb, "\\r");
		else if (ch < 0x20 || ch == 0x7f)
			strbuf_addf(&sb, "\\x%02x", ch);
		else
			strbuf_addc(&sb, (char)ch);
	}
	char *r = arena_strdup(c->a, strbuf_str(&sb));
	strbuf_release(&sb);
	return r;
}

/* "a list of strings" given a string: show how to write it as a list. */
static const char *list_hint(Ctx *c, const char *s)
{
	Strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, " (write it as [");
	int words = 0;
	const char *p = s;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		if (words == 2) {
			strbuf_adds(&sb, ", ...");
			break;
		}
		if (words)
			strbuf_adds(&sb, ", ");
		strbuf_adds(&sb, show(c, arena_strndup(c->a, w, (size_t)(p - w))));
		words++;
	}
	if (!words)
		strbuf_adds(&sb, "...");
	strbuf_adds(&sb, "])");
	char *r = arena_strdup(c->a, strbuf_str(&sb));
	strbuf_release(&sb);
	return r;
}

static void msg_wrong_type(Ctx *c, const YNode *v, const char *path, const char *expected)
{
	const char *hint = "";
	if (v->kind == YNODE_SCALAR && strcmp(expected, "a list of strings") == 0)
		hint = list_hint(c, v->str);
	diag_error(c->d, v->pos, "expected %s for '%s', not %s%s", expected, path,
		   ynode_kind_name(v->kind), hint);
}

static void msg_wrong_item(Ctx *c, const YNode *v, const char *path)
{
	diag_error(c->d, v->pos, "expected a string in '%s', not %s", path, ynode_kind_name(v->kind));
}

static void msg_empty_item(Ctx *c, const YNode *v, const char *path)
{
	diag_error(c->d, v->pos, "empty item in '%s'; remove it, or quote it if it is meant as text", path);
}

static void msg_no_value(Ctx *c, const YNode *v, const char *key, const char *path)
{
	diag_error(c->d, v->pos, "'%s' in '%s' has no value; give one, or write \"\" for an empty value",
		   show(c, key), path);
}

static void msg_control(Ctx *c, const YNode *v, const char *what)
{
	diag_error(c->d, v->pos, "%s contains a control character (a newline, tab...); write it on one line",
		   what);
}

/* A grammar from validate.c and what to say when a value fails it. */
typedef struct Grammar {
	bool (*ok)(const char *s);
	const char *is_not; /* "'x' is not ..." */
	const char *hint;
} Grammar;

static const Grammar g_package = {valid_package_name, "a Debian package name",
	"names use lowercase letters, digits, '+', '-' and '.', optionally with '=version' "
	"(e.g. 'libpq-dev')"};
static const Grammar g_env = {valid_env_name, "an environment variable name",
	"use letters, digits and '_', not starting with a digit (e.g. 'APP_MODE')"};
static const Grammar g_user = {valid_user_name, "a user name",
	"use a lowercase name (e.g. 'app') or a uid, optionally followed by ':group'"};
static const Grammar g_duration = {valid_duration, "a duration",
	"use whole numbers with a unit ns, us, ms, s, m or h (e.g. '30s', '1m30s')"};
static const Grammar g_image = {valid_image_ref, "an image reference",
	"use name[:tag][@sha256:digest] in lowercase (e.g. 'python:3.11-slim')"};
static const Grammar g_app_name = {valid_app_name, "a valid app name",
	"use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. 'my-app')"};
static const Grammar g_label = {valid_label_key, "a label key",
	"start with a letter or digit, then use printable characters without spaces, '=', quotes, "
	"'$' or '\\' (e.g. 'org.opencontainers.image.source')"};

static bool check(Ctx *c, const YNode *v, const char *s, const Grammar *g)
{
	if (g->ok(s))
		return true;
	diag_error(c->d, v->pos, "'%s' is not %s; %s", show(c, s), g->is_not, g->hint);
	return false;
}

/* Paths: say which rule the value breaks. */
static void check_path(Ctx *c, const YNode *v, const char *s, const char *path, bool absolute)
{
	if (absolute ? valid_abs_path(s) : valid_context_path(s))
		return;
	const char *shown = show(c, s);
	if (!*s)
		diag_error(c->d, v->pos, "'%s' is empty; give a path%s", path,
			   absolute ? " starting with '/' (e.g. '/app')" : " relative to the spec's folder (e.g. '.')");
	else if (has_control_chars(s))
		msg_control(c, v, arena_printf(c->a, "the path '%s'", shown));
	else if (!absolute && *s == '/')
		diag_error(c->d, v->pos, "'%s' is an absolute path; give a path relative to the spec's folder",
			   shown);
	else if (absolute && *s != '/')
		diag_error(c->d, v->pos, "'%s' is not an absolute path; give one starting with '/' (e.g. '/app')",
			   shown);
	else if (!absolute && *s == '-')
		diag_error(c->d, v->pos, "'%s' starts with '-' and would read as an option; rename it or "
					 "write './%s'", shown, shown);
	else if (strcmp(s, "..") == 0 || strncmp(s, "../", 3) == 0 || strstr(s, "/../") ||
		 (strlen(s) >= 3 && strcmp(s + strlen(s) - 3, "/..") == 0))
		diag_error(c->d, v->pos, absolute ? "'%s' has a '..' component; give a plain absolute path "
						    "(e.g. '/app')"
						  : "'%s' leaves the build context; use a path inside the spec's folder",
			   shown);
	else
		diag_error(c->d, v->pos, "'%s' has characters a path here cannot use; use letters, digits "
					 "and '.', '_', '-', '+', '@', '/'", shown);
}

/* ---- generic readers -------------------------------------------------- */

static SStr sstr(const YNode *v)
{
	SStr s = {v->str, v->pos};
	return s;
}

/* A scalar; false when absent (null) or of the wrong type. */
static bool read_str(Ctx *c, const YNode *v, const char *path, SStr *out)
{
	if (v->kind == YNODE_SCALAR && v->is_null)
		return false;
	if (v->kind != YNODE_SCALAR) {
		msg_wrong_type(c, v, path, "a string");
		return false;
	}
	*out = sstr(v);
	return true;
}

/* A list of scalars, or (when one_ok) a single scalar taken as a list of
 * one.  Absent when null. */
static bool read_list(Ctx *c, const YNode *v, const char *path, bool one_ok, SList *out)
{
	if (v->kind == YNODE_SCALAR && v->is_null)
		return false;
	if (v->kind == YNODE_SCALAR && one_ok) {
		out->v = arena_alloc(c->a, sizeof(SStr));
		out->v[0] = sstr(v);
		out->n = 1;
		out->pos = v->pos;
		out->present = true;
		return true;
	}
	if (v->kind != YNODE_SEQ) {
		msg_wrong_type(c, v, path, one_ok ? "a string or a list of strings" : "a list of strings");
		return false;
	}
	bool ok = true;
	out->v = arena_alloc(c->a, (v->n ? v->n : 1) * sizeof(SStr));
	for (size_t i = 0; i < v->n; i++) {
		const YNode *it = v->items[i];
		if (it->kind != YNODE_SCALAR) {
			msg_wrong_item(c, it, path);
			ok = false;
		} else if (it->is_null) {
			msg_empty_item(c, it, path);
			ok = false;
		} else {
			out->v[out->n++] = sstr(it);
		}
	}
	out->pos = v->pos;
	out->present = true;
	return ok;
}

static bool read_map_value(Ctx *c, const YNode *v, const char *path)
{
	if (v->kind == YNODE_SCALAR && v->is_null)
		return false;
	if (v->kind != YNODE_MAP) {
		msg_wrong_type(c, v, path, "a mapping");
		return false;
	}
	return true;
}

/* "run.env.KEY", for a message about KEY's value: made only when there
 * is one, since a map may hold tens of thousands of keys. */
static const char *value_path(Ctx *c, const char *path, const YNode *k)
{
	return arena_printf(c->a, "%s.%s", path, show(c, k->str));
}

/* run.env and labels: string keys checked by g, scalar values on one line. */
static void read_strmap(Ctx *c, const YNode *v, const char *path, const Grammar *g, SMap *out)
{
	if (!read_map_value(c, v, path))
		return;
	out->v = arena_alloc(c->a, (v->n ? v->n : 1) * sizeof(SPair));
	out->pos = v->pos;
	out->present = true;
	for (size_t i = 0; i < v->n; i++) {
		const YNode *k = v->pairs[i].key, *val = v->pairs[i].value;
		bool ok = check(c, k, k->str, g);
		if (val->kind != YNODE_SCALAR) {
			msg_wrong_type(c, val, value_path(c, path, k), "a string");
			continue;
		}
		if (val->is_null) {
			msg_no_value(c, val, k->str, path);
			continue;
		}
		if (has_control_chars(val->str)) {
			msg_control(c, val, arena_printf(c->a, "the value of '%s'", value_path(c, path, k)));
			continue;
		}
		/* the VS Code parser (dockerfile-utils) rejects an ENV or LABEL
		 * value whose first character is a double quote, however it is
		 * escaped, though Docker reads it */
		if (val->str[0] == '"') {
			diag_error(c->d, val->pos, "the value of '%s' starts with a double quote, which common "
						   "Dockerfile tools misread; drop the quotes or start the value with "
						   "another character", value_path(c, path, k));
			continue;
		}
		if (ok) {
			out->v[out->n].key = sstr(k);
			out->v[out->n].value = sstr(val);
			out->n++;
		}
	}
}

/* ---- mappings and their keys ------------------------------------------ */

typedef void (*ReadFn)(Ctx *c, const YNode *v);

typedef struct Field {
	const char *key;
	ReadFn read;
} Field;

/* Where each key belongs, to point a key at the wrong level home.  Every
 * key of every table is here (tests/unit/test_keys.c checks it); a name
 * used at two levels is listed at each, and the first one is suggested. */
static const struct {
	const char *key, *level;
} key_homes[] = {
	{"name", ""}, {"language", ""}, {"version", ""}, {"base", ""}, {"images", ""},
	{"source", ""}, {"context", ""}, {"program", ""}, {"dependencies", ""}, {"build", ""}, {"run", ""}, {"labels", ""},
	{"dockerignore", ""}, {"caches", ""}, {"secrets", ""}, {"test", ""},
	{"manifest", "dependencies"}, {"system", "dependencies"}, {"runtime", "dependencies"},
	{"command", "run"}, {"entrypoint", "run"}, {"port", "run"}, {"user", "run"}, {"env", "run"},
	{"workdir", "run"}, {"healthcheck", "run"}, {"setup", "run"},
	{"build_family", "images"}, {"run_family", "images"},
	{"commands", "build"}, {"artifacts", "build"},
	{"interval", "run.healthcheck"}, {"timeout", "run.healthcheck"},
	{"start_period", "run.healthcheck"}, {"retries", "run.healthcheck"},
	{"build", "images"}, {"run", "images"}, {"command", "run.healthcheck"}, {"env", "build"},
};

static void msg_unknown_key(Ctx *c, const YNode *k, const char *level, const Field *fields, size_t n)
{
	const char *names[16];
	for (size_t i = 0; i < n && i < COUNT(names); i++)
		names[i] = fields[i].key;
	const char *in = *level ? arena_printf(c->a, " in '%s'", level) : "";
	const char *key = show(c, k->str);
	const char *near = suggest_closest(k->str, names, n < COUNT(names) ? n : COUNT(names));
	if (near) {
		diag_error(c->d, k->pos, "unknown key '%s'%s (did you mean '%s'?)", key, in, near);
		return;
	}
	for (size_t i = 0; i < COUNT(key_homes); i++) {
		if (strcmp(k->str, key_homes[i].key) != 0 || strcmp(level, key_homes[i].level) == 0)
			continue;
		if (*key_homes[i].level)
			diag_error(c->d, k->pos, "unknown key '%s'%s; it belongs in '%s'", key, in,
				   key_homes[i].level);
		else
			diag_error(c->d, k->pos, "unknown key '%s'%s; it belongs at the top level", key, in);
		return;
	}
	/* fields are listed in alphabetical order */
	Strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_adds(&sb, ", ");
		strbuf_adds(&sb, fields[i].key);
	}
	diag_error(c->d, k->pos, "unknown key '%s'%s; valid keys are %s", key, in, strbuf_str(&sb));
	strbuf_release(&sb);
}

static void read_fields(Ctx *c, const YNode *map, const char *level, const Field *fields, size_t n)
{
	for (size_t i = 0; i < map->n; i++) {
		const YNode *k = map->pairs[i].key;
		size_t f;
		for (f = 0; f < n; f++)
			if (strcmp(k->str, fields[f].key) == 0)
				break;
		if (f == n)
			msg_unknown_key(c, k, level, fields, n);
		else
			fields[f].read(c, map->pairs[i].value);
	}
}

/* ---- top level -------------------------------------------------------- */

static bool is_word_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '+' || ch == '-';
}

/* Languages and versions name files and image tags: a short word. */
static bool valid_word(const char *s)
{
	size_t n = 0;
	if (!is_word_char(*s) || *s == '.' || *s == '-')
		return false;
	for (; *s; s++, n++)
		if (!is_word_char(*s))
			return false;
	return n <= 64;
}

static void read_name(Ctx *c, const YNode *v)
{
	if (read_str(c, v, "name", &c->spec->name) && !check(c, v, v->str, &g_app_name))
		c->spec->name.s = NULL;
}

static void read_language(Ctx *c, const YNode *v)
{
	if (v->kind == YNODE_SCALAR && v->is_null) {
		diag_error(c->d, v->pos, "'language' has no value; name the app's language "
					 "(e.g. 'language: python')");
		c->spec->language.pos = v->pos; /* present, if empty: no second error */
		c->spec->language.s = "";
		return;
	}
	if (!read_str(c, v, "language", &c->spec->language)) {
		c->spec->language.s = "";
		return;
	}
	if (!valid_word(v->str))
		diag_error(c->d, v->pos, "'%s' is not a language name; use a single word "
					 "(e.g. 'python', 'node', 'go')", show(c, v->str));
}

static void read_version(Ctx *c, const YNode *v)
{
	if (read_str(c, v, "version", &c->spec->version) && !valid_word(v->str)) {
		diag_error(c->d, v->pos, "'%s' is not a version; use digits, letters and '.', '-', '_' "
					 "(e.g. '3.11')", show(c, v->str));
		c->spec->version.s = NULL;
	}
}

/* The base's name is checked against templates/bases.yaml by the
 * pipeline, which has the template set. */
static void read_base(Ctx *c, const YNode *v)
{
	if (read_str(c, v, "base", &c->spec->base) && !valid_word(v->str)) {
		diag_error(c->d, v->pos, "'%s' is not a base name; use a single word (e.g. 'official', "
					 "'debian', 'alpine')", show(c, v->str));
		c->spec->base.s = NULL;
	}
}

static void read_image(Ctx *c, const YNode *v, const char *path, SStr *out)
{
	if (read_str(c, v, path, out) && !check(c, v, v->str, &g_image))
		out->s = NULL;
}

static void read_family(Ctx *c, const YNode *v, const char *path, SStr *out)
{
	if (read_str(c, v, path, out) && !valid_word(v->str)) {
		diag_error(c->d, v->pos, "'%s' is not a family name; use one of templates/families.yaml "
					 "(e.g. 'debian', 'alpine', 'distroless', 'scratch')", show(c, v->str));
		out->s = NULL;
	}
}

static void read_family_build(Ctx *c, const YNode *v)
{
	read_family(c, v, "images.build_family", &c->spec->family_build);
}

static void read_family_run(Ctx *c, const YNode *v)
{
	read_family(c, v, "images.run_family", &c->spec->family_run);
}

static void read_image_build(Ctx *c, const YNode *v)
{
	read_image(c, v, "images.build", &c->spec->image_build);
}

static void read_image_run(Ctx *c, const YNode *v)
{
	read_image(c, v, "images.run", &c->spec->image_run);
}

static const Field image_fields[] = {
	{"build", read_image_build},
	{"build_family", read_family_build},
	{"run", read_image_run},
	{"run_family", read_family_run},
};

static void read_images(Ctx *c, const YNode *v)
{
	if (read_map_value(c, v, "images"))
		read_fields(c, v, "images", image_fields, COUNT(image_fields));
}

static void read_source(Ctx *c, const YNode *v)
{
	if (read_str(c, v, "source", &c->spec->source))
		check_path(c, v, v->str, "source", false);
}

/* context: the build context, a folder that holds the spec's: "." or
 * ".." steps.  Whether it stays in the repository is lowering's check. */
static void read_context(Ctx *c, const YNode *v)
{
	if (!read_str(c, v, "context", &c->spec->context))
		return;
	const char *s = v->str;
	const char *shown = show(c, s);
	if (!*s) {
		diag_error(c->d, v->pos, "'context' is empty; give the folder above the spec's that holds the "
					 "whole project, as '..' steps (e.g. '../..')");
		c->spec->context.s = NULL;
		return;
	}
	if (has_control_chars(s)) {
		msg_control(c, v, arena_printf(c->a, "the path '%s'", shown));
		c->spec->context.s = NULL;
		return;
	}
	if (*s == '/') {
		diag_error(c->d, v->pos, "'%s' is an absolute path; give the context relative to the spec's "
					 "folder, as '..' steps (e.g. '../..'), so the spec works in any checkout", shown);
		c->spec->context.s = NULL;
		return;
	}
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "/");
		if (!((n == 2 && p[0] == '.' && p[1] == '.') || (n == 1 && p[0] == '.') || n == 0)) {
			diag_error(c->d, v->pos, "'%s' does not name a folder that holds the spec's; 'context' "
						 "takes '..' steps up from it (e.g. '../..'), and the app is the "
						 "spec's folder inside", shown);
			c->spec->context.s = NULL;
			return;
		}
		p += n + (p[n] == '/');
	}
}

/* program: a Go main package folder (cmd/api), a Cargo binary, a .csproj;
 * the probes check it against what the project has (project/program.c). */
static void read_program(Ctx *c, const YNode *v)
{
	if (read_str(c, v, "program", &c->spec->program))
		check_path(c, v, v->str, "program", false);
}

static void read_manifest(Ctx *c, const YNode *v)
{
	if (!read_list(c, v, "dependencies.manifest", true, &c->spec->manifests))
		return;
	size_t n = v->kind == YNODE_SEQ ? v->n : 1;
	for (size_t i = 0; i < n; i++) {
		const YNode *it = v->kind == YNODE_SEQ ? v->items[i] : v;
		if (it->kind == YNODE_SCALAR && !it->is_null)
			check_path(c, it, it->str, "dependencies.manifest", false);
	}
}

static void read_packages(Ctx *c, const YNode *v, const char *path, SList *l)
{
	if (!read_list(c, v, path, false, l))
		return;
	for (size_t i = 0; i < v->n; i++)
		if (v->items[i]->kind == YNODE_SCALAR && !v->items[i]->is_null)
			check(c, v->items[i], v->items[i]->str, &g_package);
}

static void read_system(Ctx *c, const YNode *v)
{
	read_packages(c, v, "dependencies.system", &c->spec->system);
}

static void read_runtime(Ctx *c, const YNode *v)
{
	read_packages(c, v, "dependencies.runtime", &c->spec->runtime);
}

static const Field dependency_fields[] = {
	{"manifest", read_manifest},
	{"runtime", read_runtime},
	{"system", read_system},
};

static void read_dependencies(Ctx *c, const YNode *v)
{
	if (read_map_value(c, v, "dependencies"))
		read_fields(c, v, "dependencies", dependency_fields, COUNT(dependency_fields));
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\n\r")] == '\0';
}

/* Shell commands may span lines and hold tabs, but no other control
 * characters (a carriage return would hide text in a terminal). */
static bool odd_control_chars(const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f)
			return true;
	}
	return false;
}

/* One shell command of build or run.setup.  Line breaks and tabs are
 * fine (such a RUN is written in exec form); what Dockerfile parsers
 * misread is not. */
static void check_shell_command(Ctx *c, const YNode *it, const char *path)
{
	const char *s = it->str;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	if (blank(s))
		diag_error(c->d, it->pos, "empty command in '%s'; remove it or write a command", path);
	else if (odd_control_chars(s))
		diag_error(c->d, it->pos, "a command in '%s' contains a control character other "
					  "than a newline or tab; remove it", path);
	else if (strstr(s, "<<"))
		diag_error(c->d, it->pos, "a command in '%s' contains '<<', which Dockerfile parsers read as "
					  "the start of a heredoc that swallows the lines after it; put the script in "
					  "a file and run that", path);
	else if (s[n - 1] == '\\')
		diag_error(c->d, it->pos, "a command in '%s' ends with a backslash, which would join it to "
					  "the next Dockerfile line; remove it", path);
}

static void read_commands(Ctx *c, const YNode *v, const char *path, SList *l)
{
	if (!read_list(c, v, path, true, l))
		return;
	if (v->kind == YNODE_SEQ && v->n == 0) {
		diag_error(c->d, v->pos, "'%s' is an empty list; give at least one command, or leave "
					 "%s", path, strncmp(path, "build", 5) == 0 ?
					 "'build' out to use the language's default" : "it out");
		l->present = false;
		return;
	}
	size_t n = v->kind == YNODE_SEQ ? v->n : 1;
	for (size_t i = 0; i < n; i++) {
		const YNode *it = v->kind == YNODE_SEQ ? v->items[i] : v;
		if (it->kind == YNODE_SCALAR && !it->is_null)
			check_shell_command(c, it, path);
	}
}

static void read_build_commands(Ctx *c, const YNode *v)
{
	read_commands(c, v, "build.commands", &c->spec->build);
}

static void read_build_env(Ctx *c, const YNode *v)
{
	read_strmap(c, v, "build.env", &g_env, &c->spec->build_env);
}

/* build.artifacts: absolute paths, or {from: PATH, to: PATH}. */
static void read_artifacts(Ctx *c, const YNode *v)
{
	Spec *spec = c->spec;
	if (v->kind == YNODE_SCALAR && v->is_null)
		return;
	if (v->kind != YNODE_SEQ) {
		msg_wrong_type(c, v, "build.artifacts", "a list of paths");
		return;
	}
	spec->artifacts = arena_alloc(c->a, (v->n ? v->n : 1) * sizeof(*spec->artifacts));
	spec->artifacts_pos = v->pos;
	for (size_t i = 0; i < v->n; i++) {
		const YNode *it = v->items[i], *from = it, *to = it;
		if (it->kind == YNODE_MAP) {
			from = ynode_get(it, "from");
			to = ynode_get(it, "to");
			for (size_t k = 0; k < it->n; k++) {
				const char *key = it->pairs[k].key->str;
				if (strcmp(key, "from") != 0 && strcmp(key, "to") != 0)
					diag_error(c->d, it->pairs[k].key->pos, "unknown key '%s' in 'build.artifacts'; "
						   "valid keys are from, to", show(c, key));
			}
		}
		if (!from || !to || from->kind != YNODE_SCALAR || to->kind != YNODE_SCALAR || from->is_null ||
		    to->is_null) {
			diag_error(c->d, it->pos, "an artifact is an absolute path in the builder, or "
						  "{from: PATH, to: PATH} (e.g. '/app/bin/server')");
			continue;
		}
		check_path(c, from, from->str, "build.artifacts", true);
		check_path(c, to, to->str, "build.artifacts", true);
		spec->artifacts[spec->nartifacts++] = (SArtifact){sstr(from), sstr(to)};
	}
}

static const Field build_fields[] = {
	{"artifacts", read_artifacts},
	{"commands", read_build_commands},
	{"env", read_build_env},
};

static void read_build(Ctx *c, const YNode *v)
{
	if (v->kind == YNODE_MAP) {
		read_fields(c, v, "build", build_fields, COUNT(build_fields));
		if (c->spec->nartifacts && !c->spec->build.present)
			diag_error(c->d, v->pos, "'build.artifacts' says what a custom build leaves; give the "
						 "build's 'commands' too, or leave 'artifacts' out to use the "
						 "language's default build");
		return;
	}
	read_commands(c, v, "build", &c->spec->build);
}

/* ---- run --------------------------------------------------------------- */

static void read_exec(Ctx *c, const YNode *v, const char *path, SList *l, bool empty_ok)
{
	if (!read_list(c, v, path, false, l))
		return;
	for (size_t i = 0; i < l->n; i++)
		if (has_control_chars(l->v[i].s))
			diag_error(c->d, l->v[i].pos, "an argument of '%s' contains a line break or control "
						      "character; remove it", path);
	if (!empty_ok && l->n == 0 && v->n == 0)
		diag_error(c->d, v->pos, "'%s' is an empty list; give the program and its arguments "
					 "(e.g. [gunicorn, app:app])", path);
}

static void read_command(Ctx *c, const YNode *v)
{
	read_exec(c, v, "run.command", &c->spec->command, false);
}

static void read_entrypoint(Ctx *c, const YNode *v)
{
	read_exec(c, v, "run.entrypoint", &c->spec->entrypoint, true);
}

static void check_port(Ctx *c, const SStr *p)
{
	if (valid_port(p->s))
		return;
	const char *s = p->s;
	size_t digits = strspn(s, "0123456789");
	const char *rest = s + digits;
	if (digits && (s[0] != '0' || digits == 1) &&
	    (!*rest || strcmp(rest, "/tcp") == 0 || strcmp(rest, "/udp") == 0))
		diag_error(c->d, p->pos, "port %s is out of range (1-65535)", show(c, s));
	else
		diag_error(c->d, p->pos, "'%s' is not a port; give a number from 1 to 65535, optionally "
					 "followed by /tcp or /udp (e.g. 5000)", show(c, s));
}

/* run.port: one port, or a list of them. */
static void read_port(Ctx *c, const YNode *v)
{
	SList *l = &c->spec->ports;
	if (v->kind == YNODE_MAP) {
		msg_wrong_type(c, v, "run.port", "a port or a list of ports");
		return;
	}
	if (!read_list(c, v, "run.port", true, l))
		return;
	if (l->n == 0)
		diag_error(c->d, v->pos, "'run.port' is an empty list; give a port or leave it out");
	for (size_t i = 0; i < l->n; i++)
		check_port(c, &l->v[i]);
}

static void read_setup(Ctx *c, const YNode *v)
{
	read_commands(c, v, "run.setup", &c->spec->setup);
}

static bool is_root(const char *user)
{
	size_t n = strcspn(user, ":");
	return (n == 4 && strncmp(user, "root", 4) == 0) || (n == 1 && user[0] == '0');
}

static void read_user(Ctx *c, const YNode *v)
{
	if (!read_str(c, v, "run.user", &c->spec->user) || !check(c, v, v->str, &g_user))
		return;
	if (is_root(v->str))
		diag_error(c->d, v->pos, "the app must not run as root; set 'user' to another user "
					 "(e.g. 'app') or leave it out to get a created non-root user");
}

static void read_workdir(Ctx *c, const YNode *v)
{
	if (read_str(c, v, "run.workdir", &c->spec->workdir))
		check_path(c, v, v->str, "run.workdir", true);
}

static void read_env(Ctx *c, const YNode *v)
{
	read_strmap(c, v, "run.env", &g_env, &c->spec->env);
}

static void read_hc_command(Ctx *c, const YNode *v)
{
	read_exec(c, v, "run.healthcheck.command", &c->spec->healthcheck.command, false);
}

static void read_duration(Ctx *c, const YNode *v, const char *path, SStr *out)
{
	if (read_str(c, v, path, out))
		check(c, v, v->str, &g_duration);
}

static void read_interval(Ctx *c, const YNode *v)
{
	read_duration(c, v, "run.healthcheck.interval", &c->spec->healthcheck.interval);
}

static void read_timeout(Ctx *c, const YNode *v)
{
	read_duration(c, v, "run.healthcheck.timeout", &c->spec->healthcheck.timeout);
}

static void read_start_period(Ctx *c, const YNode *v)
{
	read_duration(c, v, "run.healthcheck.start_period", &c->spec->healthcheck.start_period);
}

static void read_retries(Ctx *c, const YNode *v)
{
	if (!read_str(c, v, "run.healthcheck.retries", &c->spec->healthcheck.retries))
		return;
	const char *s = v->str;
	size_t digits = strspn(s, "0123456789");
	if (digits == 0 || digits > 9 || s[digits] != '\0' || s[0] == '0')
		diag_error(c->d, v->pos, "'%s' is not a positive whole number; give how many failed "
					 "checks mark the app unhealthy (e.g. 3)", show(c, s));
}

static const Field healthcheck_fields[] = {
	{"command", read_hc_command},
	{"interval", read_interval},
	{"retries", read_retries},
	{"start_period", read_start_period},
	{"timeout", read_timeout},
};

static void read_healthcheck(Ctx *c, const YNode *v)
{
	SpecHealthcheck *h = &c->spec->healthcheck;
	if (!read_map_value(c, v, "run.healthcheck"))
		return;
	h->present = true;
	h->pos = v->pos;
	read_fields(c, v, "run.healthcheck", healthcheck_fields, COUNT(healthcheck_fields));
	const YNode *cmd = ynode_get(v, "command");
	if (!cmd || (cmd->kind == YNODE_SCALAR && cmd->is_null))
		diag_error(c->d, v->pos, "missing required key 'command' in 'run.healthcheck' "
					 "(e.g. 'command: [curl, -f, http://127.0.0.1:8080/]')");
}

static const Field run_fields[] = {
	{"command", read_command},
	{"entrypoint", read_entrypoint},
	{"env", read_env},
	{"healthcheck", read_healthcheck},
	{"port", read_port},
	{"setup", read_setup},
	{"user", read_user},
	{"workdir", read_workdir},
};

static void read_run(Ctx *c, const YNode *v)
{
	if (read_map_value(c, v, "run"))
		read_fields(c, v, "run", run_fields, COUNT(run_fields));
}

static void read_labels(Ctx *c, const YNode *v)
{
	read_strmap(c, v, "labels", &g_label, &c->spec->labels);
}

/* Extra .dockerignore lines; a '!' line may bring back what the defaults
 * leave out, except the secrets, which stagec writes last. */
static void read_dockerignore(Ctx *c, const YNode *v)
{
	if (!read_list(c, v, "dockerignore", false, &c->spec->dockerignore))
		return;
	for (size_t i = 0; i < v->n; i++) {
		const YNode *it = v->items[i];
		const char *problem = it->kind == YNODE_SCALAR && !it->is_null
					      ? dockerignore_pattern_problem(it->str) : NULL;
		if (problem)
			diag_error(c->d, it->pos, "'%s' in 'dockerignore' %s", show(c, it->str), problem);
	}
}

/* caches: false turns the BuildKit cache mounts of package managers and
 * compilers off (true, the default, keeps them). */
static void read_caches(Ctx *c, const YNode *v)
{
	if (!read_str(c, v, "caches", &c->spec->caches))
		return;
	if (strcmp(v->str, "true") != 0 && strcmp(v->str, "false") != 0) {
		diag_error(c->d, v->pos, "'caches' is true or false, not '%s'", show(c, v->str));
		c->spec->caches.s = NULL;
	}
}

/* ---- secrets and test ---------------------------------------------------
 * secrets: a list of build secrets the dependency install reads.  An item
 * is a name the template knows (its target is the template's, where the
 * package manager looks) or {id: ID, target: PATH, required: BOOL}; the
 * template's names are checked by lowering, which has the template. */

static void check_secret_id(Ctx *c, const YNode *v)
{
	if (!valid_secret_id(v->str))
		diag_error(c->d, v->pos, "'%s' is not a secret id; use letters, digits, '.', '_' and '-', "
					 "starting with a letter or digit, at most 64 (e.g. 'npmrc')", show(c, v->str));
}

static void check_secret_target(Ctx *c, const YNode *v)
{
	if (!valid_abs_path(v->str))
		check_path(c, v, v->str, "secrets.target", true);
	else if (!valid_mount_word(v->str))
		diag_error(c->d, v->pos, "'%s' has characters a secret's target cannot use; use letters, "
					 "digits and '.', '_', '-', '+', '@', '/'", show(c, v->str));
}

static bool read_secret_map(Ctx *c, const YNode *it, SSecret *out)
{
	bool ok = true;
	const YNode *id = NULL;
	for (size_t k = 0; k < it->n; k++) {
		const YNode *key = it->pairs[k].key, *val = it->pairs[k].value;
		if (strcmp(key->str, "id") == 0 || strcmp(key->str, "target") == 0) {
			SStr *dst = key->str[0] == 'i' ? &out->id : &out->target;
			if (val->kind != YNODE_SCALAR || val->is_null) {
				diag_error(c->d, val->pos, "expected a string for 'secrets.%s', not %s", key->str,
					   val->is_null ? "nothing" : ynode_kind_name(val->kind));
				ok = false;
				continue;
			}
			*dst = sstr(val);
			if (key->str[0] == 'i') {
				id = val;
				check_secret_id(c, val);
			} else {
				check_secret_target(c, val);
			}
		} else if (strcmp(key->str, "required") == 0) {
			if (val->kind == YNODE_SCALAR && val->plain && strcmp(val->str, "true") == 0)
				out->required = true;
			else if (val->kind == YNODE_SCALAR && val->plain && strcmp(val->str, "false") == 0)
				out->required = false;
			else {
				diag_error(c->d, val->pos, "expected true or false for 'secrets.required'");
				ok = false;
			}
		} else {
			diag_error(c->d, key->pos, "unknown key '%s' in 'secrets'; valid keys are id, required, "
						   "target", show(c, key->str));
			ok = false;
		}
	}
	if (!id) {
		diag_error(c->d, it->pos, "a secret needs an 'id' (e.g. '{id: npmrc, target: /root/.npmrc}')");
		ok = false;
	}
	return ok;
}

static void read_secrets(Ctx *c, const YNode *v)
{
	Spec *spec = c->spec;
	if (v->kind == YNODE_SCALAR && v->is_null)
		return;
	if (v->kind != YNODE_SEQ) {
		msg_wrong_type(c, v, "secrets", "a list of secrets");
		return;
	}
	spec->secrets = arena_alloc(c->a, (v->n ? v->n : 1) * sizeof(*spec->secrets));
	spec->secrets_pos = v->pos;
	for (size_t i = 0; i < v->n; i++) {
		const YNode *it = v->items[i];
		SSecret sec = {.required = true, .pos = it->pos};
		if (it->kind == YNODE_SCALAR && !it->is_null) {
			sec.id = sstr(it);
			check_secret_id(c, it);
		} else if (it->kind == YNODE_MAP) {
			if (!read_secret_map(c, it, &sec))
				continue;
		} else {
			diag_error(c->d, it->pos, "a secret is a name the template knows (e.g. 'npmrc') or "
						  "{id: ID, target: PATH}");
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < spec->nsecrets && !dup; j++) {
			if (strcmp(spec->secrets[j].id.s, sec.id.s) != 0)
				continue;
			diag_error(c->d, sec.id.pos, "the secret '%s' is named twice (first at line %d); name "
						     "each secret once", show(c, sec.id.s), spec->secrets[j].id.pos.line);
			dup = true;
		}
		if (!dup)
			spec->secrets[spec->nsecrets++] = sec;
	}
}

static void read_test(Ctx *c, const YNode *v)
{
	read_commands(c, v, "test", &c->spec->test);
}

static const Field top_fields[] = {
	{"base", read_base},
	{"build", read_build},
	{"caches", read_caches},
	{"context", read_context},
	{"dependencies", read_dependencies},
	{"dockerignore", read_dockerignore},
	{"images", read_images},
	{"labels", read_labels},
	{"language", read_language},
	{"name", read_name},
	{"program", read_program},
	{"run", read_run},
	{"secrets", read_secrets},
	{"source", read_source},
	{"test", read_test},
	{"version", read_version},
};

/* ---- defaults ------------------------------------------------------------ */

/* The last component of dir, lowercased. */
static const char *folder_name(Ctx *c, const char *dir)
{
	size_t end = strlen(dir);
	while (end > 1 && dir[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && dir[start - 1] != '/')
		start--;
	char *name = arena_strndup(c->a, dir + start, end - start);
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return name;
}

static void default_name(Ctx *c, const YNode *root, const char *dir)
{
	SrcPos nopos = {0};
	const char *name = folder_name(c, dir ? dir : "");
	if (valid_app_name(name)) {
		c->spec->name.s = name;
		c->spec->name.pos = nopos;
		return;
	}
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "/") == 0 || strcmp(name, "..") == 0)
		diag_error(c->d, root->pos, "cannot name the app after its folder; set 'name' "
					    "(e.g. 'name: my-app')");
	else
		diag_error(c->d, root->pos, "the folder name '%s' is not a valid app name; set 'name' "
					    "(e.g. 'name: my-app')", show(c, name));
}

Spec *spec_parse(Arena *a, const YNode *root, const SourceFile *f, const char *dir, Diags *d)
{
	if (!root)
		return NULL;
	Spec *spec = arena_alloc(a, sizeof(*spec));
	Ctx c = {a, d, spec};
	spec->file = f;
	spec->dir = arena_strdup(a, dir ? dir : ".");
	if (root->kind != YNODE_MAP) {
		diag_error(d, root->pos, "the spec must be a mapping of keys (name, language, ...), not %s",
			   ynode_kind_name(root->kind));
		return NULL;
	}
	/* absent values take their parent's position */
	SStr *strs[] = {&spec->name, &spec->language, &spec->version, &spec->base,
			&spec->image_build, &spec->image_run, &spec->family_build, &spec->family_run,
			&spec->source, &spec->context, &spec->program, &spec->user, &spec->workdir};
	for (size_t i = 0; i < COUNT(strs); i++)
		strs[i]->pos = root->pos;

	read_fields(&c, root, "", top_fields, COUNT(top_fields));

	if (!ynode_get(root, "name") || (ynode_get(root, "name")->kind == YNODE_SCALAR &&
					  ynode_get(root, "name")->is_null))
		default_name(&c, root, dir);
	if (!spec->language.s)
		diag_error(d, root->pos, "missing required key 'language' (e.g. 'language: python')");
	SrcPos nopos = {0};
	if (!spec->source.s) {
		spec->source.s = ".";
		spec->source.pos = nopos;
	}
	return spec;
}

/* ---- the key list, for tests --------------------------------------------- */

static const struct {
	const char *level;
	const Field *fields;
	size_t n;
} levels[] = {
	{"", top_fields, COUNT(top_fields)},
	{"images", image_fields, COUNT(image_fields)},
	{"dependencies", dependency_fields, COUNT(dependency_fields)},
	{"build", build_fields, COUNT(build_fields)},
	{"run", run_fields, COUNT(run_fields)},
	{"run.healthcheck", healthcheck_fields, COUNT(healthcheck_fields)},
};

size_t spec_keys(SpecKey *out, size_t max, bool homes)
{
	size_t n = 0;
	if (homes) {
		for (size_t i = 0; i < COUNT(key_homes); i++, n++)
			if (n < max)
				out[n] = (SpecKey){key_homes[i].level, key_homes[i].key};
		return n;
	}
	for (size_t l = 0; l < COUNT(levels); l++)
		for (size_t i = 0; i < levels[l].n; i++, n++)
			if (n < max)
				out[n] = (SpecKey){levels[l].level, levels[l].fields[i].key};
	return n;
}
