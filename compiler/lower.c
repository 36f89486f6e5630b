/*
 * lower.c - spec + template -> IR: one stage holding the whole program.
 *
 * Lowering writes the program the way a person would at first: install the
 * packages, copy the app, install its dependencies, build it, then set up
 * the run-time configuration.  It tags every step with its role (needed to
 * build, needed at run time, or both) and with what it reads and produces;
 * the passes use that to reorder for caching and to split the stage.
 *
 * Lowering is also where the spec meets the build context on disk: the
 * manifests must exist, and no path may leave the spec's folder (not even
 * through a symlink).  It assumes spec_parse() already checked every value
 * against its grammar.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

#define DEFAULT_UID "10001"
#define DEFAULT_USER "app"

typedef struct Lower {
	Arena *a;
	Diags *d;
	const Spec *spec;
	const Template *t;
	const TmplFlavour *fl;
	const char *base;
	const char *version;
	const char *workdir;
	StrList var_names, var_values;
	Ir *ir;
	Stage *stage;
	char *context_real; /* realpath of the spec's folder */
} Lower;

/* The spec's folder as the user named it (spec->dir is its real path). */
static const char *display_dir(const Lower *L)
{
	const char *path = L->spec->file->path;
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ".";
	return slash == path ? "/" : arena_strndup(L->a, path, (size_t)(slash - path));
}

static SrcPos tmpl_pos(const Lower *L)
{
	return L->t->pos;
}

static const char *join_path(Lower *L, const char *dir, const char *path);
static void add_var(Lower *L, const char *name, const char *value);

/* Replaces {var} with its value: built-in variables, the flavour's vars,
 * and probes of the project's files; unknown variables are template bugs. */
static const char *expand(Lower *L, const char *s)
{
	if (!strchr(s, '{') && !strchr(s, '}'))
		return s;
	Strbuf sb = STRBUF_INIT;
	for (const char *p = s; *p;) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			strbuf_addc(&sb, *p); /* {{ and }} are literal braces */
			p += 2;
			continue;
		}
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (!close) {
			strbuf_addc(&sb, *p++);
			continue;
		}
		char *name = arena_strndup(L->a, p + 1, (size_t)(close - p - 1));
		const char *value = NULL;
		for (size_t i = 0; i < L->var_names.n; i++)
			if (strcmp(L->var_names.v[i], name) == 0)
				value = L->var_values.v[i];
		for (size_t i = 0; !value && i < L->t->nprobes; i++) {
			if (strcmp(L->t->probes[i].name, name) != 0)
				continue;
			/* the file may be a variable ({manifest}: a .csproj); the
			 * probe reads as empty inside its own file name */
			TmplProbe probe = L->t->probes[i];
			add_var(L, name, "");
			probe.file = expand(L, probe.file);
			value = probe_read(L->a, &probe, join_path(L, L->spec->dir, L->ir->source_dir), L->d);
			if (!value)
				value = "";
			add_var(L, name, value); /* read each file once */
		}
		if (!value) {
			diag_error(L->d, tmpl_pos(L), "template uses an unknown variable '{%s}' in '%s'", name, s);
			value = "";
		}
		strbuf_adds(&sb, value);
		p = close + 1;
	}
	const char *out = arena_strdup(L->a, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

static void add_var(Lower *L, const char *name, const char *value)
{
	strlist_push(L->a, &L->var_names, name);
	strlist_push(L->a, &L->var_values, value);
}

static Step *add_step(Lower *L, StepKind kind, StepRole role, SrcPos pos, const char *why)
{
	Step *st = ir_step_new(L->ir, kind, role, pos, why);
	ir_step_append(L->stage, st);
	return st;
}

/* Characters stagec copies and names without quoting surprises: no
 * globbing, no variables, no quotes. */
static bool safe_path_chars(const char *s)
{
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
		    !strchr("._/@+-", c) && c < 0x80)
			return false;
	}
	return true;
}

/* A path inside the context, also after symlinks; sets *is_dir.  Returns
 * false after an error when it is missing (and must_exist) or escapes. */
static bool check_context_path(Lower *L, SStr path, bool must_exist, bool *is_dir, bool *exists)
{
	*is_dir = false;
	*exists = false;
	if (!safe_path_chars(path.s)) {
		diag_error(L->d, path.pos,
			   "'%s' has characters stagec will not put in a COPY (spaces, quotes, '$', globs); "
			   "rename the file or folder", path.s);
		return false;
	}
	char *full = arena_printf(L->a, "%s/%s", L->spec->dir, path.s);
	struct stat st;
	if (lstat(full, &st) != 0) {
		if (must_exist)
			diag_error(L->d, path.pos, "'%s' does not exist in '%s'; create it or fix the path",
				   path.s, display_dir(L));
		return false;
	}
	char resolved[PATH_MAX];
	if (!realpath(full, resolved) || !L->context_real) {
		diag_error(L->d, path.pos, "cannot resolve '%s': %s", path.s, strerror(errno));
		return false;
	}
	size_t n = strlen(L->context_real);
	if (strncmp(resolved, L->context_real, n) != 0 || (resolved[n] != '/' && resolved[n] != '\0')) {
		diag_error(L->d, path.pos, "'%s' leads outside the build context through a symlink; "
					   "copy the files into the spec's folder", path.s);
		return false;
	}
	if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
		*is_dir = true;
	*exists = true;
	return true;
}

static const char *join_path(Lower *L, const char *dir, const char *path)
{
	if (strcmp(dir, ".") == 0)
		return path;
	size_t n = strlen(dir);
	return arena_printf(L->a, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", path);
}

static bool pick_flavour(Lower *L)
{
	const Spec *s = L->spec;
	L->fl = strcmp(L->base, "debian") == 0 ? &L->t->debian : &L->t->official;
	if (!L->fl->present) {
		diag_error(L->d, s->base.s ? s->base.pos : s->language.pos,
			   "%s has no '%s' base in stagec's templates; use base: %s", L->t->language, L->base,
			   strcmp(L->base, "debian") == 0 ? "official" : "debian");
		return false;
	}
	const StrList *versions = L->fl->versions.n ? &L->fl->versions : &L->t->versions;
	L->version = s->version.s ? s->version.s : L->t->default_version;
	if (!strlist_contains(versions, L->version)) {
		Strbuf list = STRBUF_INIT;
		for (size_t i = 0; i < versions->n; i++)
			strbuf_addf(&list, "%s%s", i ? ", " : "", versions->v[i]);
		SrcPos pos = s->version.s ? s->version.pos : s->language.pos;
		if (L->fl == &L->t->debian && strlist_contains(&L->t->versions, L->version))
			diag_error(L->d, pos, "base: debian offers %s %s only (Debian 12's); use base: official for %s",
				   L->t->language, strbuf_str(&list), L->version);
		else
			diag_error(L->d, pos, "%s %s is not supported; supported versions: %s", L->t->language,
				   L->version, strbuf_str(&list));
		strbuf_release(&list);
		return false;
	}
	return true;
}

static void lower_packages(Lower *L)
{
	const Spec *s = L->spec;
	if (L->fl->apt_setup.n) {
		Step *st = add_step(L, STEP_RUN, ROLE_BOTH, L->fl->pos, "what apt needs first on this base");
		st->trusted = true;
		strlist_copy(L->a, &st->args, &L->fl->apt_setup);
	}
	if (L->fl->build_packages.n) {
		Step *st = add_step(L, STEP_PACKAGES, ROLE_BUILD, L->fl->build_packages_pos,
				    arena_printf(L->a, "toolchain to build %s", L->t->language));
		strlist_copy(L->a, &st->args, &L->fl->build_packages);
	}
	if (s->system.n) {
		Step *st = add_step(L, STEP_PACKAGES, ROLE_BUILD, s->system.pos, "dependencies.system");
		for (size_t i = 0; i < s->system.n; i++)
			strlist_push(L->a, &st->args, s->system.v[i].s);
	}
	if (L->fl->runtime_packages.n) {
		Step *st = add_step(L, STEP_PACKAGES, ROLE_RUNTIME, L->fl->runtime_packages_pos,
				    arena_printf(L->a, "%s runtime", L->t->language));
		strlist_copy(L->a, &st->args, &L->fl->runtime_packages);
	}
	if (s->runtime.n) {
		Step *st = add_step(L, STEP_PACKAGES, ROLE_RUNTIME, s->runtime.pos, "dependencies.runtime");
		for (size_t i = 0; i < s->runtime.n; i++)
			strlist_push(L->a, &st->args, s->runtime.v[i].s);
	}
}

static void lower_user_setup(Lower *L)
{
	if (L->spec->user.s || L->fl->run_user)
		return; /* the user the spec or the template names must exist in the image */
	Step *st = add_step(L, STEP_RUN, ROLE_RUNTIME, L->spec->language.pos, "create the non-root run-time user");
	st->tag = TAG_USER_SETUP;
	st->trusted = true;
	strlist_push(L->a, &st->args, "groupadd --system --gid " DEFAULT_UID " " DEFAULT_USER);
	strlist_push(L->a, &st->args,
		     "useradd --system --uid " DEFAULT_UID " --gid " DEFAULT_USER
		     " --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin " DEFAULT_USER);
}

static void add_env(Lower *L, StepRole role, SrcPos pos, const char *why, const StrList *names,
		    const StrList *values, bool trusted)
{
	for (size_t i = 0; i < names->n; i++) {
		Step *st = add_step(L, STEP_ENV, role, pos, why);
		st->trusted = trusted;
		strlist_push(L->a, &st->keys, names->v[i]);
		strlist_push(L->a, &st->values, trusted ? expand(L, values->v[i]) : values->v[i]);
	}
}

static bool rule_applies(const TmplInstall *r, bool has_build)
{
	return r->if_build < 0 || (r->if_build == 1) == has_build;
}

static const char *base_name(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	const char *p = path + n;
	while (p > path && p[-1] != '/')
		p--;
	return p;
}

/* Whether the spec's manifest list names every file the rule needs. */
static bool spec_names_all(const Lower *L, const StrList *when)
{
	for (size_t i = 0; i < when->n; i++) {
		bool found = false;
		for (size_t j = 0; j < L->spec->manifests.n && !found; j++)
			found = strcmp(base_name(L->spec->manifests.v[j].s), when->v[i]) == 0;
		if (!found)
			return false;
	}
	return true;
}

static bool files_exist(Lower *L, const StrList *when)
{
	for (size_t i = 0; i < when->n; i++) {
		struct stat st;
		const char *p = join_path(L, L->spec->dir, join_path(L, L->ir->source_dir, when->v[i]));
		if (stat(p, &st) != 0)
			return false;
	}
	return true;
}

/* The install rule for this project: the first whose conditions hold
 * (its files exist, or the spec names them; the build matches). */
static const TmplInstall *pick_install(Lower *L, bool has_build)
{
	for (size_t i = 0; i < L->t->ninstall; i++) {
		const TmplInstall *r = &L->t->install[i];
		if (!rule_applies(r, has_build))
			continue;
		if (L->spec->manifests.present ? spec_names_all(L, &r->when) : files_exist(L, &r->when))
			return r;
	}
	return NULL;
}

/* The manifests the install reads, as paths relative to the source
 * folder; directories end in '/'.  Returns false when a required one is
 * missing (with an error when the template requires dependencies). */
static bool collect_manifests(Lower *L, const TmplInstall *rule, StrList *out)
{
	const Spec *s = L->spec;
	const char *src = L->ir->source_dir;
	bool is_dir, exists, ok = true;
	if (s->manifests.present) {
		for (size_t i = 0; i < s->manifests.n; i++) {
			SStr p = s->manifests.v[i];
			SStr full = {join_path(L, src, p.s), p.pos};
			if (!check_context_path(L, full, true, &is_dir, &exists)) {
				ok = false;
				continue;
			}
			size_t n = strlen(p.s);
			strlist_push(L->a, out, is_dir && p.s[n - 1] != '/' ? arena_printf(L->a, "%s/", p.s) : p.s);
		}
		return ok;
	}
	const StrList *wanted = rule->manifests.n ? &rule->manifests : &L->t->manifests;
	for (size_t i = 0; i < wanted->n; i++) {
		const char *m = wanted->v[i];
		size_t n = strlen(m);
		bool optional = n && m[n - 1] == '?';
		if (optional)
			m = arena_strndup(L->a, m, n - 1);
		SStr full = {join_path(L, src, m), s->language.pos};
		bool safe = check_context_path(L, full, false, &is_dir, &exists);
		if (!exists && !optional) {
			if (L->t->deps_required)
				diag_error(L->d, s->language.pos,
					   "%s needs '%s' in '%s' to install dependencies; create it, or name the "
					   "manifest with dependencies.manifest",
					   L->t->language, m,
					   strcmp(src, ".") ? join_path(L, display_dir(L), src) : display_dir(L));
			ok = false;
			continue;
		}
		if (safe)
			strlist_push(L->a, out, is_dir ? arena_printf(L->a, "%s/", m) : m);
	}
	return ok;
}

static bool has_build(const Lower *L)
{
	return L->spec->build.present ? L->spec->build.n > 0 : L->t->build.n > 0;
}

static const TmplInstall *lower_install(Lower *L)
{
	const TmplInstall *rule = pick_install(L, has_build(L));
	if (!rule) {
		if (L->t->deps_required || L->spec->manifests.present)
			diag_error(L->d, L->spec->manifests.present ? L->spec->manifests.pos : L->spec->language.pos,
				   "no way to install %s dependencies from these manifests; see the template's "
				   "install rules (%s)", L->t->language, L->t->file->path);
		return NULL;
	}
	StrList needs = {0};
	if (!collect_manifests(L, rule, &needs))
		return NULL;
	if (!needs.n || !rule->commands.n)
		return rule->build.n ? rule : NULL; /* a rule that only chooses the build */
	add_var(L, "manifest", needs.v[0]);
	Step *st = add_step(L, STEP_RUN, ROLE_BUILD,
			    L->spec->manifests.present ? L->spec->manifests.pos : rule->pos,
			    arena_printf(L->a, "install %s dependencies", L->t->language));
	st->tag = TAG_INSTALL;
	st->trusted = true;
	for (size_t i = 0; i < rule->commands.n; i++)
		strlist_push(L->a, &st->args, expand(L, rule->commands.v[i]));
	st->needs = needs;
	for (size_t i = 0; i < L->t->install_produces.n; i++)
		strlist_push(L->a, &st->produces, expand(L, L->t->install_produces.v[i]));
	return rule;
}

static bool check_shell_command(Lower *L, SStr cmd)
{
	if (has_control_chars(cmd.s)) {
		diag_error(L->d, cmd.pos, "a build command contains a line break or control character; "
					  "write each command as its own list item");
		return false;
	}
	if (strstr(cmd.s, "<<")) {
		diag_error(L->d, cmd.pos, "a build command contains '<<', which Dockerfile parsers read as the "
					  "start of a heredoc that swallows the lines after it; put the script in a file "
					  "and run that");
		return false;
	}
	/* Docker continues a line after a backslash followed only by blanks */
	size_t n = strlen(cmd.s);
	while (n && (cmd.s[n - 1] == ' ' || cmd.s[n - 1] == '\t'))
		n--;
	if (n && cmd.s[n - 1] == '\\') {
		diag_error(L->d, cmd.pos, "a build command ends with a backslash, which would join it to the "
					  "next Dockerfile line; remove it");
		return false;
	}
	return true;
}

static void lower_build(Lower *L, const TmplInstall *rule)
{
	const Spec *s = L->spec;
	StrList cmds = {0};
	SrcPos pos = L->t->build_pos;
	bool trusted = !s->build.present;
	if (s->build.present) {
		pos = s->build.pos;
		for (size_t i = 0; i < s->build.n; i++)
			if (check_shell_command(L, s->build.v[i]))
				strlist_push(L->a, &cmds, s->build.v[i].s);
	} else {
		const StrList *b = &L->t->build;
		if (rule && rule->build.n) {
			b = &rule->build;
			pos = rule->pos;
		}
		for (size_t i = 0; i < b->n; i++)
			strlist_push(L->a, &cmds, expand(L, b->v[i]));
	}
	if (!cmds.n)
		return;
	StrList after = {0};
	for (size_t i = 0; rule && i < rule->after_build.n; i++)
		strlist_push(L->a, &after, expand(L, rule->after_build.v[i]));
	Step *st = add_step(L, STEP_RUN, ROLE_BUILD, pos, s->build.present ? "build" : "default build");
	st->tag = TAG_BUILD;
	st->trusted = trusted && !after.n;
	st->args = cmds;
	strlist_copy(L->a, &st->args, &after);
	strlist_push(L->a, &st->needs, ".");
	for (size_t i = 0; i < L->t->build_produces.n; i++)
		strlist_push(L->a, &st->produces, expand(L, L->t->build_produces.v[i]));
	/* a build may change the app's files: the final stage then takes them
	 * from the builder, not from the context */
	if (L->t->source_at_runtime)
		strlist_push(L->a, &st->produces, L->workdir);
}

static bool exec_args(Lower *L, const SList *l, const char *what, StrList *out)
{
	bool ok = true;
	for (size_t i = 0; i < l->n; i++) {
		if (has_control_chars(l->v[i].s)) {
			diag_error(L->d, l->v[i].pos, "an argument of '%s' contains a line break or control "
						      "character; remove it", what);
			ok = false;
			continue;
		}
		strlist_push(L->a, out, l->v[i].s);
	}
	return ok;
}

/* A value Dockerfile tools misread: the VS Code parser (dockerfile-utils)
 * rejects an ENV or LABEL value whose first character is a double quote,
 * however it is escaped, though Docker reads it. */
static bool check_pair_value(Lower *L, const SPair *p, const char *what)
{
	if (p->value.s[0] != '"')
		return true;
	diag_error(L->d, p->value.pos, "the value of %s '%s' starts with a double quote, which common Dockerfile "
				       "tools misread; drop the quotes or start the value with another character",
		   what, p->key.s);
	return false;
}

static void lower_runtime_config(Lower *L)
{
	const Spec *s = L->spec;
	for (size_t i = 0; s->env.present && i < s->env.n; i++)
		check_pair_value(L, &s->env.v[i], "env");
	for (size_t i = 0; s->labels.present && i < s->labels.n; i++)
		check_pair_value(L, &s->labels.v[i], "label");
	if (s->env.present) {
		for (size_t i = 0; i < s->env.n; i++) {
			Step *st = add_step(L, STEP_ENV, ROLE_RUNTIME, s->env.v[i].key.pos, "run.env");
			strlist_push(L->a, &st->keys, s->env.v[i].key.s);
			strlist_push(L->a, &st->values, s->env.v[i].value.s);
		}
	}
	if (s->labels.present) {
		for (size_t i = 0; i < s->labels.n; i++) {
			Step *st = add_step(L, STEP_LABEL, ROLE_RUNTIME, s->labels.v[i].key.pos, "labels");
			strlist_push(L->a, &st->keys, s->labels.v[i].key.s);
			strlist_push(L->a, &st->values, s->labels.v[i].value.s);
		}
	}
	Step *user = add_step(L, STEP_USER, ROLE_RUNTIME, s->user.s ? s->user.pos : s->language.pos,
			      s->user.s ? "run.user" : "non-root by default");
	user->value = s->user.s ? s->user.s : L->fl->run_user ? L->fl->run_user : DEFAULT_UID ":" DEFAULT_UID;
	const char *port = s->port.s ? s->port.s : L->t->default_port;
	if (port) {
		Step *st = add_step(L, STEP_EXPOSE, ROLE_RUNTIME, s->port.s ? s->port.pos : L->t->port_pos, "run.port");
		st->value = port;
	}
	if (s->healthcheck.present) {
		const SpecHealthcheck *h = &s->healthcheck;
		Step *st = add_step(L, STEP_HEALTHCHECK, ROLE_RUNTIME, h->pos, "run.healthcheck");
		exec_args(L, &h->command, "run.healthcheck.command", &st->args);
		if (h->interval.s)
			strlist_push(L->a, &st->opts, arena_printf(L->a, "--interval=%s", h->interval.s));
		if (h->timeout.s)
			strlist_push(L->a, &st->opts, arena_printf(L->a, "--timeout=%s", h->timeout.s));
		if (h->start_period.s)
			strlist_push(L->a, &st->opts, arena_printf(L->a, "--start-period=%s", h->start_period.s));
		if (h->retries.s)
			strlist_push(L->a, &st->opts, arena_printf(L->a, "--retries=%s", h->retries.s));
	}
	if (s->entrypoint.present) {
		Step *st = add_step(L, STEP_ENTRYPOINT, ROLE_RUNTIME, s->entrypoint.pos, "run.entrypoint");
		exec_args(L, &s->entrypoint, "run.entrypoint", &st->args);
	}
	if (s->command.present) {
		Step *st = add_step(L, STEP_CMD, ROLE_RUNTIME, s->command.pos, "run.command");
		exec_args(L, &s->command, "run.command", &st->args);
	} else if (L->t->default_command.n) {
		Step *st = add_step(L, STEP_CMD, ROLE_RUNTIME, L->t->command_pos,
				    arena_printf(L->a, "the %s template's default command", L->t->language));
		for (size_t i = 0; i < L->t->default_command.n; i++)
			strlist_push(L->a, &st->args, expand(L, L->t->default_command.v[i]));
	}
}

static const char *default_name(Lower *L)
{
	const char *dir = L->context_real ? L->context_real : L->spec->dir;
	const char *slash = strrchr(dir, '/');
	const char *base = slash && slash[1] ? slash + 1 : dir;
	char *name = arena_strdup(L->a, base);
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (!valid_app_name(name)) {
		diag_error(L->d, L->spec->language.pos,
			   "cannot make an image name from the folder name '%s'; set 'name'", base);
		return "app";
	}
	return name;
}

Ir *lower_spec(Arena *a, const LowerInput *in, Diags *d)
{
	Lower L = {.a = a, .d = d, .spec = in->spec, .t = in->tmpl, .base = in->base};
	const Spec *s = in->spec;
	char resolved[PATH_MAX];
	if (realpath(s->dir, resolved))
		L.context_real = arena_strdup(a, resolved);
	if (!pick_flavour(&L))
		return NULL;
	L.ir = ir_new(a);
	Ir *ir = L.ir;
	const char *name = s->name.s ? s->name.s : default_name(&L);
	ir->name = name;
	L.workdir = s->workdir.s ? s->workdir.s : L.t->workdir;
	if (s->workdir.s && !safe_path_chars(s->workdir.s)) {
		diag_error(d, s->workdir.pos, "'%s' has characters stagec will not put in a WORKDIR "
					      "(spaces, quotes, '$'); choose a plain path", s->workdir.s);
		return NULL;
	}
	add_var(&L, "version", L.version);
	add_var(&L, "name", name);
	add_var(&L, "workdir", L.workdir);
	for (size_t i = 0; i < L.fl->var_names.n; i++)
		add_var(&L, L.fl->var_names.v[i], L.fl->var_values.v[i]);

	ir->build_image = s->image_build.s ? s->image_build.s : expand(&L, L.fl->build_image);
	ir->run_image = s->image_run.s ? s->image_run.s : expand(&L, L.fl->run_image);
	ir->run_has_shell = s->image_run.s ? true : L.fl->run_has_shell;
	ir->run_has_apt = s->image_run.s ? true : L.fl->run_has_apt;
	ir->workdir = L.workdir;
	ir->source_dir = s->source.s ? s->source.s : ".";
	ir->source_at_runtime = L.t->source_at_runtime;
	for (size_t i = 0; i < L.t->artifacts.n; i++) {
		strlist_push(a, &ir->artifacts, expand(&L, L.t->artifacts.v[i]));
		strlist_push(a, &ir->artifact_dests, expand(&L, L.t->artifact_dests.v[i]));
	}
	for (size_t i = 0; i < L.fl->artifacts.n; i++) {
		strlist_push(a, &ir->artifacts, expand(&L, L.fl->artifacts.v[i]));
		strlist_push(a, &ir->artifact_dests, expand(&L, L.fl->artifact_dests.v[i]));
	}
	static const char *const always_ignored[] = {".git", ".dockerignore", "Dockerfile", "Dockerfile.single"};
	for (size_t i = 0; i < sizeof(always_ignored) / sizeof(*always_ignored); i++)
		strlist_push(a, &ir->dockerignore, always_ignored[i]);
	strlist_copy(a, &ir->dockerignore, &L.t->dockerignore);

	bool is_dir, exists;
	if (s->source.s && check_context_path(&L, s->source, true, &is_dir, &exists) && !is_dir)
		diag_error(d, s->source.pos, "'source' must name a folder, and '%s' is a file", s->source.s);

	L.stage = ir_stage_append(ir, NULL, ir->build_image);
	lower_packages(&L);
	lower_user_setup(&L);
	Step *wd = add_step(&L, STEP_WORKDIR, ROLE_BOTH, s->workdir.s ? s->workdir.pos : L.t->workdir_pos,
			    s->workdir.s ? "run.workdir" : "the template's workdir");
	wd->value = L.workdir;
	add_env(&L, ROLE_BOTH, L.t->env_pos, arena_printf(a, "%s environment", L.t->language), &L.t->env_names,
		&L.t->env_values, true);
	add_env(&L, ROLE_BOTH, L.fl->env_pos, arena_printf(a, "%s environment", L.t->language),
		&L.fl->env_names, &L.fl->env_values, true);
	Step *src = add_step(&L, STEP_COPY, L.t->source_at_runtime ? ROLE_BOTH : ROLE_BUILD,
			     s->source.pos.file ? s->source.pos : s->language.pos, "the app's source");
	src->tag = TAG_SOURCE;
	strlist_push(a, &src->args, ir->source_dir);
	src->value = ".";
	const TmplInstall *rule = lower_install(&L);
	lower_build(&L, rule);
	lower_runtime_config(&L);
	if (diags_failed(d))
		return NULL;
	return ir;
}
