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
#include "project/project.h"

#define DEFAULT_UID "10001"
#define DEFAULT_USER "app"

typedef struct Lower {
	Arena *a;
	Diags *d;
	const Spec *spec;
	const Template *t;
	const Templates *ts;
	const TmplFlavour *fl;     /* the base's flavour: images */
	const TmplFlavour *fl_build, *fl_run; /* whose package names fit the builder's and the run-time family */
	const Family *build_fam, *run_fam;
	const Family *rt_fam;      /* the family the run-time steps run on: the run image's, or the
				      build image's in the single-stage variant */
	bool single_stage;
	const char *base;
	const char *version;
	const char *workdir;
	StrList var_names, var_values;
	Ir *ir;
	Stage *stage;
	char *context_real; /* realpath of the build context: the spec's folder, or its context: */
	const char *context_shown; /* the context as the user names it, with context: */
	const char *app_rel;  /* with context: the spec's folder in the context ("apps/web"); else NULL */
	const char *image_root; /* with context: the folder of the image that mirrors the context */
	bool ws_root;         /* with context: its root is the language's workspace root */
	const char *app_source; /* with context: the app's folder in it (Ir.source_dir) */
	Project *project;   /* the project's files, read safely and once (LowerInput.project) */
} Lower;

/* The spec's folder as the user named it (spec->dir is its real path), or
 * with context: the context's folder. */
static const char *display_dir(const Lower *L)
{
	if (L->context_shown)
		return L->context_shown;
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
static void lower_caches(Lower *L, Step *st, const TmplInstall *rule);

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
			if (probe.fallback)
				probe.fallback = expand(L, probe.fallback);
			value = probe_read(L->project, &probe, L->ir->source_dir, L->spec->language.pos);
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
	*exists = false; /* true once it is there, even when it may not be used */
	if (!safe_path_chars(path.s)) {
		diag_error(L->d, path.pos,
			   "'%s' has characters stagec will not put in a COPY (spaces, quotes, '$', globs); "
			   "rename the file or folder", path.s);
		return false;
	}
	char *full = arena_printf(L->a, "%s/%s", L->context_real ? L->context_real : L->spec->dir, path.s);
	struct stat st;
	char resolved[PATH_MAX];
	/* one call resolves it and says what it is; the rest only tells the
	 * errors apart */
	if (L->context_real && stagec_realpath_stat(full, resolved, &st)) {
		*exists = true;
		size_t n = strlen(L->context_real);
		if (strncmp(resolved, L->context_real, n) == 0 && (resolved[n] == '/' || resolved[n] == '\0')) {
			*is_dir = S_ISDIR(st.st_mode);
			return true;
		}
		if (project_entry(L->project, path.s)->status == PROJECT_FAILED)
			return false; /* the project reader said so already */
		diag_error(L->d, path.pos, "'%s' leads outside the build context through a symlink; "
					   "copy the files into the spec's folder", path.s);
		return false;
	}
	int e = errno;
	if (lstat(full, &st) != 0) {
		if (must_exist)
			diag_error(L->d, path.pos, "'%s' does not exist in '%s'; create it or fix the path",
				   path.s, display_dir(L));
		return false;
	}
	*exists = true;
	diag_error(L->d, path.pos, "cannot resolve '%s': %s", path.s, strerror(e));
	return false;
}

static const char *join_path(Lower *L, const char *dir, const char *path)
{
	if (strcmp(dir, ".") == 0)
		return path;
	size_t n = strlen(dir);
	return arena_printf(L->a, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", path);
}

static const char *list_text(Lower *L, const StrList *l)
{
	return strlist_join(L->a, l, ", ");
}

/* The flavour of the base, and the version: any version an image tag
 * can carry, unless the base offers exact versions (a distribution ships
 * one); one the template does not list draws a warning. */
static bool pick_flavour(Lower *L)
{
	const Spec *s = L->spec;
	SrcPos base_pos = s->base.s ? s->base.pos : s->language.pos;
	L->fl = template_flavour(L->t, L->base);
	if (!L->fl) {
		StrList names = {0};
		for (size_t i = 0; i < L->t->nflavours; i++)
			strlist_push(L->a, &names, L->t->flavours[i].name);
		diag_error(L->d, base_pos, "%s has no '%s' base in stagec's templates; use base: %s", L->t->language,
			   L->base, list_text(L, &names));
		return false;
	}
	const Base *base = base_named(L->ts, L->base);
	const StrList *versions = L->fl->versions.n ? &L->fl->versions : &L->t->versions;
	L->version = s->version.s ? s->version.s : L->t->default_version;
	if (strlist_contains(versions, L->version))
		return true;
	SrcPos pos = s->version.s ? s->version.pos : s->language.pos;
	if (base && base->exact_versions && L->fl->versions.n) {
		diag_error(L->d, pos, "base: %s offers %s %s only (%s); use another base for %s %s", L->base,
			   L->t->language, list_text(L, versions), base->about, L->t->language, L->version);
		return false;
	}
	diag_warning(L->d, pos, "%s %s is not a version stagec knows (%s); the images for it must exist",
		     L->t->language, L->version, list_text(L, versions));
	return true;
}

/* The family of an image: the one the spec names, or the first whose
 * patterns match. */
static const Family *image_family(Lower *L, const char *image, SStr named)
{
	if (named.s) {
		const Family *f = family_named(L->ts, named.s);
		if (!f) {
			StrList names = {0};
			for (size_t i = 0; i < L->ts->nfamilies; i++)
				strlist_push(L->a, &names, L->ts->families[i].name);
			diag_error(L->d, named.pos, "unknown image family '%s'; stagec knows %s", named.s,
				   list_text(L, &names));
		}
		return f;
	}
	return family_for_image(L->ts, image);
}

/* The flavour whose package names fit family fam: the base's own when
 * its images are of that family, else another flavour of the template
 * whose images are (python's alpine flavour for an Alpine image named in
 * images.build).  NULL when none is. */
static const TmplFlavour *flavour_for_family(Lower *L, const Family *fam, bool run_image)
{
	const TmplFlavour *own = L->fl;
	if (image_family(L, expand(L, run_image ? own->run_image : own->build_image), (SStr){0}) == fam)
		return own;
	for (size_t i = 0; i < L->t->nflavours; i++) {
		const TmplFlavour *f = &L->t->flavours[i];
		if (image_family(L, expand(L, run_image ? f->run_image : f->build_image), (SStr){0}) == fam)
			return f;
	}
	return NULL;
}

/* The package lists are written for the family of the flavour's own
 * images; an image of another family (named in images:) takes them from
 * the flavour of its family, or cannot have them. */
static bool pick_package_flavours(Lower *L)
{
	const Spec *s = L->spec;
	L->fl_build = L->fl_run = L->fl;
	bool build_needs = L->fl->build_packages.n || L->fl->apt_setup.n;
	if (build_needs && !(L->fl_build = flavour_for_family(L, L->build_fam, false))) {
		SStr img = s->image_build.s ? s->image_build : s->image_run;
		diag_error(L->d, img.s ? img.pos : s->language.pos,
			   "the build image '%s' is of the %s family, and stagec knows %s's toolchain packages "
			   "(%s) for the images of the '%s' base only; use an image of that family, or another base",
			   L->ir->build_image, L->build_fam->name, L->t->language,
			   list_text(L, &L->fl->build_packages), L->base);
		return false;
	}
	if (L->fl->runtime_packages.n && !L->rt_fam->install.n) {
		/* an image that cannot install packages was chosen to have them */
		diag_warning(L->d, s->image_run.s ? s->image_run.pos : s->language.pos,
			     "the run image '%s' (family %s) cannot install packages, so it must have %s's "
			     "runtime (%s) already", L->ir->run_image, L->rt_fam->name, L->t->language,
			     list_text(L, &L->fl->runtime_packages));
		static const TmplFlavour none;
		L->fl_run = &none;
		return true;
	}
	if (L->fl->runtime_packages.n &&
	    !(L->fl_run = flavour_for_family(L, L->rt_fam, !L->single_stage))) {
		diag_error(L->d, s->image_run.s ? s->image_run.pos : s->language.pos,
			   "the run image '%s' is of the %s family, and stagec knows %s's runtime packages "
			   "(%s) for the images of the '%s' base only; use an image of that family, or another base",
			   L->ir->run_image, L->rt_fam->name, L->t->language,
			   list_text(L, &L->fl->runtime_packages), L->base);
		return false;
	}
	return true;
}

static void lower_packages(Lower *L)
{
	const Spec *s = L->spec;
	if (L->fl_build->apt_setup.n) {
		Step *st = add_step(L, STEP_RUN, ROLE_BOTH, L->fl_build->pos, "what the package install needs first on this base (the template's apt_setup)");
		st->trusted = true;
		strlist_copy(L->a, &st->args, &L->fl_build->apt_setup);
	}
	if (L->fl_build->build_packages.n) {
		Step *st = add_step(L, STEP_PACKAGES, ROLE_BUILD, L->fl_build->build_packages_pos,
				    arena_printf(L->a, "%s: %s's build packages",
						 list_text(L, &L->fl_build->build_packages), L->t->language));
		strlist_copy(L->a, &st->args, &L->fl_build->build_packages);
	}
	if (s->system.n) {
		Step *st = add_step(L, STEP_PACKAGES, ROLE_BUILD, s->system.pos, NULL);
		for (size_t i = 0; i < s->system.n; i++)
			strlist_push(L->a, &st->args, s->system.v[i].s);
		st->why = arena_printf(L->a, "%s: dependencies.system", list_text(L, &st->args));
	}
	if (L->fl_run->runtime_packages.n) {
		Step *st = add_step(L, STEP_PACKAGES, ROLE_RUNTIME, L->fl_run->runtime_packages_pos,
				    arena_printf(L->a, "%s: %s's run-time packages", list_text(L, &L->fl_run->runtime_packages),
						 L->t->language));
		strlist_copy(L->a, &st->args, &L->fl_run->runtime_packages);
	}
	if (s->system.n && s->runtime.n == 0 && !L->rt_fam->runtime_libs && L->rt_fam->install.n)
		diag_warning(L->d, s->system.pos, "stagec infers the runtime libraries of -dev packages from "
			     "Debian's metadata, which does not apply to the %s family of '%s'; list the run-time "
			     "packages in dependencies.runtime",
			     L->rt_fam->name, L->single_stage ? L->ir->build_image : L->ir->run_image);
	if (s->runtime.n) {
		Step *st = add_step(L, STEP_PACKAGES, ROLE_RUNTIME, s->runtime.pos, NULL);
		for (size_t i = 0; i < s->runtime.n; i++)
			strlist_push(L->a, &st->args, s->runtime.v[i].s);
		st->why = arena_printf(L->a, "%s: dependencies.runtime", list_text(L, &st->args));
	}
}

/* A run image with no /etc/passwd (scratch) and a user the app needs by
 * name: the builder writes a passwd and a group file holding that user
 * (uid 10001), which the final stage copies.  The name passed the user
 * grammar (lowercase letters, digits, '_', '-'), so it is safe in shell. */
static void lower_passwd(Lower *L, const char *name, SrcPos pos)
{
	Step *st = add_step(L, STEP_RUN, ROLE_BUILD, pos, "a passwd holding the run user, for the final stage: the run image has none");
	st->trusted = true;
	strlist_push(L->a, &st->args, "mkdir -p /stagec/etc");
	strlist_push(L->a, &st->args, arena_printf(L->a, "echo '%s:x:" DEFAULT_UID ":" DEFAULT_UID
						      "::/nonexistent:/sbin/nologin' > /stagec/etc/passwd", name));
	strlist_push(L->a, &st->args, arena_printf(L->a, "echo '%s:x:" DEFAULT_UID ":' > /stagec/etc/group", name));
	strlist_push(L->a, &st->produces, "/stagec/etc/passwd");
	strlist_push(L->a, &st->produces, "/stagec/etc/group");
	ir_add_artifact(L->ir, "/stagec/etc/passwd", "/etc/passwd", false, pos);
	ir_add_artifact(L->ir, "/stagec/etc/group", "/etc/group", false, pos);
}

/* Whether a user is given as numbers (uid or uid:gid). */
static bool numeric_user(const char *u)
{
	size_t n = strspn(u, "0123456789");
	return n > 0 && (u[n] == '\0' || (u[n] == ':' && u[n + 1 + strspn(u + n + 1, "0123456789")] == '\0'));
}

/* The run-time user: the spec's, the images' own (the .NET images' app,
 * distroless's nonroot), or app (uid 10001), created where the image the
 * run-time steps run on can create it and does not have it.  Sets
 * *user_out to the USER value. */
static void lower_user_setup(Lower *L, const char **user_out, const char **why_out)
{
	const Spec *s = L->spec;
	const Family *rt = L->rt_fam;
	*why_out = s->user.s ? "run.user: the app runs as this user, not root"
		   : L->fl->run_user || L->run_fam->run_user ? "the image's own non-root user: the app never runs as root"
		   : rt->add_user.n ? "the non-root user created above: the app never runs as root"
				    : "a non-root uid: the app never runs as root (this image has no user names)";
	const char *name = NULL, *uid = NULL;
	if (s->user.s) {
		*user_out = s->user.s;
		if (numeric_user(s->user.s))
			return;
		if (!rt->named_users) {
			size_t n = strcspn(s->user.s, ":");
			if (s->user.s[n] && strcmp(s->user.s + n + 1, arena_strndup(L->a, s->user.s, n)) != 0) {
				diag_error(L->d, s->user.pos, "the image '%s' (family %s) has no /etc/passwd, and "
							      "stagec makes one for a user with a group of its own name "
							      "only; give 'NAME' or numbers (e.g. '10001:10001')",
					   L->ir->run_image, rt->name);
				return;
			}
			lower_passwd(L, arena_strndup(L->a, s->user.s, n), s->user.pos);
			return;
		}
		/* the spec names a user of the run image: the single-stage
		 * variant runs on the build image, which may not have it */
		size_t n = strcspn(s->user.s, ":");
		bool own_group = !s->user.s[n] || strcmp(s->user.s + n + 1, arena_strndup(L->a, s->user.s, n)) == 0;
		if (!L->single_stage || strcmp(L->ir->build_image, L->ir->run_image) == 0 || !own_group)
			return;
		name = arena_strndup(L->a, s->user.s, n);
		uid = family_user_uid(L->run_fam, name);
		if (family_user_uid(rt, name) || (L->fl->run_user && strcmp(L->fl->run_user, name) == 0))
			return;
	} else if (L->fl->run_user) {
		*user_out = L->fl->run_user; /* the images' own (.NET's app) */
		return;
	} else if (L->run_fam->run_user) {
		name = L->run_fam->run_user;
		uid = family_user_uid(L->run_fam, name);
		*user_out = arena_printf(L->a, "%s:%s", uid, uid);
		if (family_user_uid(rt, name))
			return;
	} else {
		*user_out = DEFAULT_UID ":" DEFAULT_UID;
		name = DEFAULT_USER;
	}
	if (!rt->add_user.n)
		return; /* no way to create it: the numeric user runs without a passwd entry */
	Step *st = add_step(L, STEP_ADDUSER, ROLE_RUNTIME, s->user.s ? s->user.pos : s->language.pos,
			    s->user.s ? "create run.user's user, which this image lacks"
				      : "create the non-root user the app runs as");
	st->value = name;
	st->uid = uid ? uid : DEFAULT_UID;
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
		const char *p = join_path(L, L->context_real ? L->context_real : L->spec->dir,
					  join_path(L, L->ir->source_dir, when->v[i]));
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
static bool collect_listed(Lower *L, const TmplInstall *rule, StrList *out);

/* Whether path is one of needs or inside a folder of needs. */
static bool covered(const StrList *needs, const char *path)
{
	for (size_t i = 0; i < needs->n; i++) {
		size_t n = strlen(needs->v[i]);
		if (strcmp(needs->v[i], path) == 0 || (n && needs->v[i][n - 1] == '/' && strncmp(path, needs->v[i], n) == 0))
			return true;
	}
	return false;
}

/* The manifests the install reads and the local paths they name (a
 * requirements.txt's ./pkg, package.json's file:), relative to the source
 * folder; folders end in '/'.  A path a manifest names that leaves the app's
 * folder is an error at its line in the manifest (project/paths.c). */
static bool collect_manifests(Lower *L, const TmplInstall *rule, StrList *out)
{
	if (!collect_listed(L, rule, out))
		return false;
	const char *src = L->ir->source_dir;
	if (L->app_rel) {
		/* with context: every path relative to the context, and a local
		 * path a manifest names may be anywhere inside it */
		for (size_t i = 0; i < out->n; i++)
			out->v[i] = join_path(L, src, out->v[i]);
		src = ".";
	}
	SrcPos blame = L->spec->manifests.present ? L->spec->manifests.pos : L->spec->language.pos;
	StrList local = {0};
	bool ok = true;
	size_t listed = out->n;
	for (size_t i = 0; i < listed; i++) {
		size_t n = strlen(out->v[i]);
		if (n && out->v[i][n - 1] != '/')
			ok &= project_local_paths(L->project, src, join_path(L, src, out->v[i]), blame, &local);
	}
	for (size_t i = 0; i < local.n; i++)
		if (!covered(out, local.v[i]))
			strlist_push(L->a, out, local.v[i]);
	return ok;
}

static bool collect_listed(Lower *L, const TmplInstall *rule, StrList *out)
{
	const Spec *s = L->spec;
	const char *src = L->ir->source_dir;
	bool is_dir, exists, ok = true;
	if (s->manifests.present) {
		/* the spec's paths are relative to its folder, as every path in
		 * a spec; the install reads them in the app's folder (source) */
		size_t slen = strcmp(src, ".") ? strlen(src) : 0;
		while (slen && src[slen - 1] == '/')
			slen--;
		for (size_t i = 0; i < s->manifests.n; i++) {
			SStr p = s->manifests.v[i];
			const char *rel = p.s;
			if (slen) {
				if (strncmp(p.s, src, slen) != 0 || p.s[slen] != '/' || !p.s[slen + 1]) {
					diag_error(L->d, p.pos, "'%s' is not in the app's folder '%s' (source), where the "
								"install runs; give a path inside it (e.g. '%.*s/%s')",
						   p.s, src, (int)slen, src, base_name(p.s));
					ok = false;
					continue;
				}
				rel = p.s + slen + 1;
			}
			if (!check_context_path(L, p, true, &is_dir, &exists)) {
				ok = false;
				continue;
			}
			size_t n = strlen(rel);
			strlist_push(L->a, out, is_dir && rel[n - 1] != '/' ? arena_printf(L->a, "%s/", rel) : rel);
		}
		return ok;
	}
	const StrList *wanted = rule->manifests.n ? &rule->manifests : &L->t->manifests;
	for (size_t i = 0; i < wanted->n; i++) {
		const char *m = expand(L, wanted->v[i]);
		size_t n = strlen(m);
		if (!n) {
			ok = false; /* a probe named no file, and said why */
			continue;
		}
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

/* Two lockfiles of the template's list (package-lock.json and yarn.lock)
 * and a spec that names neither: which package manager the project uses is
 * not stated, and taking the first rule would hide it.  The same rule as
 * `stagec init` (which asks for --package-manager). */
static bool check_lockfiles(Lower *L)
{
	if (L->spec->manifests.present || L->t->lockfiles.n < 2)
		return true;
	StrList found = {0};
	for (size_t i = 0; i < L->t->lockfiles.n; i++) {
		StrList one = {0};
		strlist_push(L->a, &one, L->t->lockfiles.v[i]);
		if (files_exist(L, &one))
			strlist_push(L->a, &found, L->t->lockfiles.v[i]);
	}
	if (found.n < 2)
		return true;
	StrList example = {0};
	for (size_t i = 0; i < L->t->ninstall && !example.n; i++)
		if (strlist_contains(&L->t->install[i].when, found.v[1]))
			for (size_t j = 0; j < L->t->install[i].manifests.n; j++) {
				const char *m = L->t->install[i].manifests.v[j];
				size_t n = strlen(m);
				if (n && m[n - 1] != '?')
					strlist_push(L->a, &example, m);
			}
	const char *src = L->ir->source_dir;
	diag_error(L->d, L->spec->language.pos,
		   "'%s' has %s: which package manager the project uses is not stated; name its lockfile with "
		   "dependencies.manifest (e.g. 'manifest: [%s]'), or remove the other",
		   strcmp(src, ".") ? join_path(L, display_dir(L), src) : display_dir(L),
		   strlist_join(L->a, &found, " and "), strlist_join(L->a, &example, ", "));
	return false;
}

/* At a workspace root (context:), the app's own manifests (the template's
 * workspace members) and the local paths they name join the root's. */
static void add_members(Lower *L, StrList *needs)
{
	SrcPos blame = L->spec->context.pos;
	StrList local = {0};
	for (size_t i = 0; i < L->t->ws_members.n; i++) {
		const char *m = join_path(L, L->ir->source_dir, L->t->ws_members.v[i]);
		bool is_dir, exists;
		if (!check_context_path(L, (SStr){m, blame}, false, &is_dir, &exists) || is_dir)
			continue;
		if (!strlist_contains(needs, m))
			strlist_push(L->a, needs, m);
		project_local_paths(L->project, ".", m, blame, &local);
	}
	for (size_t i = 0; i < local.n; i++)
		if (!covered(needs, local.v[i]))
			strlist_push(L->a, needs, local.v[i]);
}

/* The install rule, chosen by the files of the app's folder or, at a
 * workspace root (context:), by the root's files, where it then runs. */
static const TmplInstall *lower_install_at(Lower *L);

static const TmplInstall *lower_install(Lower *L)
{
	if (!L->ws_root)
		return lower_install_at(L);
	if (!L->t->ws_install)
		return NULL; /* the build fetches what the workspace needs */
	const char *app = L->ir->source_dir;
	L->ir->source_dir = ".";
	/* a rule stagec does not know to work at a workspace root is refused,
	 * not written into a Dockerfile that would fail */
	const TmplInstall *pick = L->t->ws_when.n ? pick_install(L, has_build(L)) : NULL;
	for (size_t i = 0; pick && i < pick->when.n; i++) {
		if (strlist_contains(&L->t->ws_when, pick->when.v[i]))
			continue;
		diag_error(L->d, L->spec->context.pos,
			   "the workspace at '%s' installs from %s, and stagec builds a %s workspace member "
			   "only from %s there; build the app from its own folder (leave 'context' out), or "
			   "use one of those",
			   display_dir(L), pick->when.v[i], L->t->language, list_text(L, &L->t->ws_when));
		L->ir->source_dir = app;
		return NULL;
	}
	const TmplInstall *rule = lower_install_at(L);
	L->ir->source_dir = app;
	return rule;
}

static const TmplInstall *lower_install_at(Lower *L)
{
	if (!check_lockfiles(L))
		return NULL;
	const TmplInstall *rule = pick_install(L, has_build(L));
	if (!rule) {
		/* say which files an install starts from, not where the rules live */
		StrList files = {0};
		for (size_t i = 0; i < L->t->ninstall; i++)
			for (size_t j = 0; j < L->t->install[i].when.n; j++)
				if (!strlist_contains(&files, L->t->install[i].when.v[j]))
					strlist_push(L->a, &files, L->t->install[i].when.v[j]);
		const char *src = L->ir->source_dir;
		const char *where = strcmp(src, ".") ? join_path(L, display_dir(L), src) : display_dir(L);
		if (L->spec->manifests.present)
			diag_error(L->d, L->spec->manifests.pos,
				   "%s installs dependencies from %s; dependencies.manifest names none of them; "
				   "name them, or leave dependencies.manifest out", L->t->language, list_text(L, &files));
		else if (L->t->deps_required)
			diag_error(L->d, L->spec->language.pos,
				   "%s installs dependencies from %s, and '%s' has none; create it (a %s project "
				   "needs one), or name the manifest with dependencies.manifest",
				   L->t->language, list_text(L, &files), where, L->t->language);
		return NULL;
	}
	StrList needs = {0};
	if (!collect_manifests(L, rule, &needs))
		return NULL;
	if (!needs.n || !rule->commands.n)
		return rule->build.n ? rule : NULL; /* a rule that only chooses the build */
	const char *app = L->ir->source_dir;
	if (L->ws_root) {
		L->ir->source_dir = L->app_source;
		add_members(L, &needs);
		L->ir->source_dir = app;
	}
	add_var(L, "manifest", needs.v[0]);
	const char *stem = base_name(needs.v[0]), *dot = strrchr(stem, '.');
	add_var(L, "manifest_stem", dot && dot != stem ? arena_strndup(L->a, stem, (size_t)(dot - stem)) : stem);
	Step *st = add_step(L, STEP_RUN, ROLE_BUILD,
			    L->spec->manifests.present ? L->spec->manifests.pos : rule->pos,
			    arena_printf(L->a, "install the %s dependencies (%s)", L->t->language,
					 strlist_join(L->a, &needs, ", ")));
	st->tag = TAG_INSTALL;
	st->trusted = true;
	const StrList *cmds = L->ir->caches && rule->run_cached.n ? &rule->run_cached : &rule->commands;
	for (size_t i = 0; i < cmds->n; i++)
		strlist_push(L->a, &st->args, expand(L, cmds->v[i]));
	st->needs = needs;
	for (size_t i = 0; i < L->t->install_produces.n; i++)
		strlist_push(L->a, &st->produces, expand(L, L->t->install_produces.v[i]));
	lower_caches(L, st, rule);
	return rule;
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
	Step *st = add_step(L, STEP_RUN, ROLE_BUILD, pos,
			    s->build.present ? "build the app: the spec's build commands"
					     : arena_printf(L->a, "build the app: the %s template's build", L->t->language));
	st->tag = TAG_BUILD;
	st->trusted = trusted && !after.n;
	st->args = cmds;
	strlist_copy(L->a, &st->args, &after);
	strlist_push(L->a, &st->needs, ".");
	if (s->build.present) /* a custom build makes what it declares */
		for (size_t i = 0; i < s->nartifacts; i++)
			strlist_push(L->a, &st->produces, s->artifacts[i].from.s);
	else
		for (size_t i = 0; i < L->t->build_produces.n; i++)
			strlist_push(L->a, &st->produces, expand(L, L->t->build_produces.v[i]));
	/* a build may change the app's files: the final stage then takes them
	 * from the builder, not from the context */
	st->rebuilds_source = L->t->source_at_runtime;
	lower_caches(L, st, rule);
}

/* The caches an install or build step mounts: the template's, then the
 * install rule's (templates' `caches:`).  A cache never ends up in an
 * image: a mount that would hide a path the step makes (a custom build's
 * artifact under Cargo's target/) is left out, so the step writes it into
 * its layer as before. */
static void lower_caches(Lower *L, Step *st, const TmplInstall *rule)
{
	if (!L->ir->caches)
		return;
	const TmplCaches *lists[2] = {&L->t->caches, rule ? &rule->caches : NULL};
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; lists[l] && i < lists[l]->n; i++) {
			const TmplCache *c = &lists[l]->v[i];
			Mount m = {.kind = MOUNT_CACHE, .locked = c->locked, .pos = c->pos};
			m.target = expand(L, c->target);
			m.id = c->id ? expand(L, c->id) : NULL;
			if (m.target[0] != '/' || !valid_mount_word(m.target) || (m.id && !valid_mount_word(m.id))) {
				diag_error(L->d, c->pos, "the cache '%s'%s%s is not a plain absolute path and id "
							 "([A-Za-z0-9._+@/-]) once its variables are expanded; set "
							 "'caches: false' in the spec, or change the template",
					   m.target, m.id ? " with id " : "", m.id ? m.id : "");
				continue;
			}
			bool hides = false;
			for (size_t k = 0; k < st->produces.n; k++)
				hides |= path_within(st->produces.v[k], m.target);
			for (size_t k = 0; k < L->ir->nartifacts; k++)
				hides |= path_within(L->ir->artifacts[k].from, m.target);
			if (!hides)
				ir_step_add_mount(L->ir, st, &m);
		}
}

static void exec_args(Lower *L, const SList *l, StrList *out)
{
	for (size_t i = 0; i < l->n; i++)
		strlist_push(L->a, out, l->v[i].s);
}

/* The builder's environment: the template's build_env with the spec's
 * build.env over it, as ARG, so that it reaches the RUN steps and never
 * the image's configuration. */
static void lower_build_env(Lower *L)
{
	const Spec *s = L->spec;
	for (size_t i = 0; i < L->t->build_env_names.n; i++) {
		const char *k = L->t->build_env_names.v[i];
		bool overridden = false;
		for (size_t j = 0; s->build_env.present && j < s->build_env.n; j++)
			overridden = overridden || strcmp(s->build_env.v[j].key.s, k) == 0;
		if (overridden)
			continue;
		Step *st = add_step(L, STEP_ARG, ROLE_BUILD, L->t->build_env_pos,
				    arena_printf(L->a, "the %s build's settings, as ARG: not in the image's ENV",
						 L->t->language));
		st->trusted = true;
		strlist_push(L->a, &st->keys, k);
		strlist_push(L->a, &st->values, expand(L, L->t->build_env_values.v[i]));
	}
	for (size_t i = 0; s->build_env.present && i < s->build_env.n; i++) {
		Step *st = add_step(L, STEP_ARG, ROLE_BUILD, s->build_env.v[i].key.pos,
				    "build.env, as ARG: not in the image's ENV");
		strlist_push(L->a, &st->keys, s->build_env.v[i].key.s);
		strlist_push(L->a, &st->values, s->build_env.v[i].value.s);
	}
}

static void lower_runtime_config(Lower *L, const char *user, const char *user_why)
{
	const Spec *s = L->spec;
	if (s->env.present) {
		for (size_t i = 0; i < s->env.n; i++) {
			Step *st = add_step(L, STEP_ENV, ROLE_RUNTIME, s->env.v[i].key.pos, "run.env: the app's environment");
			strlist_push(L->a, &st->keys, s->env.v[i].key.s);
			strlist_push(L->a, &st->values, s->env.v[i].value.s);
		}
	}
	if (s->labels.present) {
		for (size_t i = 0; i < s->labels.n; i++) {
			Step *st = add_step(L, STEP_LABEL, ROLE_RUNTIME, s->labels.v[i].key.pos, "labels: the image's metadata");
			strlist_push(L->a, &st->keys, s->labels.v[i].key.s);
			strlist_push(L->a, &st->values, s->labels.v[i].value.s);
		}
	}
	if (s->setup.present) {
		if (!L->rt_fam->has_shell)
			diag_error(L->d, s->setup.pos, "'run.setup' runs commands in the final image, and '%s' "
						       "(family %s) has no shell; do the work in 'build' and copy the "
						       "result with build.artifacts, or use a run image with a shell",
				   L->ir->run_image, L->rt_fam->name);
		Step *st = add_step(L, STEP_RUN, ROLE_RUNTIME, s->setup.pos, "run.setup: as root, before USER");
		exec_args(L, &s->setup, &st->args);
	}
	Step *u = add_step(L, STEP_USER, ROLE_RUNTIME, s->user.s ? s->user.pos : s->language.pos, user_why);
	u->value = user;
	if (s->ports.present || L->t->default_port) {
		Step *st = add_step(L, STEP_EXPOSE, ROLE_RUNTIME, s->ports.present ? s->ports.pos : L->t->port_pos,
				    s->ports.present ? "run.port: where the app listens"
						     : arena_printf(L->a, "the %s template's default port", L->t->language));
		if (s->ports.present)
			exec_args(L, &s->ports, &st->args);
		else
			strlist_push(L->a, &st->args, L->t->default_port);
	}
	if (s->healthcheck.present) {
		const SpecHealthcheck *h = &s->healthcheck;
		Step *st = add_step(L, STEP_HEALTHCHECK, ROLE_RUNTIME, h->pos, "run.healthcheck: how Docker tells the app is healthy");
		exec_args(L, &h->command, &st->args);
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
		Step *st = add_step(L, STEP_ENTRYPOINT, ROLE_RUNTIME, s->entrypoint.pos, "run.entrypoint: the program the command goes to");
		exec_args(L, &s->entrypoint, &st->args);
	}
	if (s->command.present) {
		Step *st = add_step(L, STEP_CMD, ROLE_RUNTIME, s->command.pos, "run.command: what the container runs");
		exec_args(L, &s->command, &st->args);
	} else if (L->t->default_command.n && !s->entrypoint.present) {
		/* an entrypoint alone is the whole command: the template's
		 * default would become its argument */
		Step *st = add_step(L, STEP_CMD, ROLE_RUNTIME, L->t->command_pos,
				    arena_printf(L->a, "the %s template's default command", L->t->language));
		for (size_t i = 0; i < L->t->default_command.n; i++)
			strlist_push(L->a, &st->args, expand(L, L->t->default_command.v[i]));
	}
}

/* An app with nothing to install (a Node app with no package.json, a
 * Python one with no requirements) has no node_modules or venv for the
 * final stage to copy: the artifacts the install would have made go. */
static void drop_uninstalled_artifacts(Lower *L)
{
	for (const Step *st = L->stage->first; st; st = st->next)
		if (st->tag == TAG_INSTALL)
			return;
	Ir *ir = L->ir;
	size_t kept = 0;
	for (size_t i = 0; i < ir->nartifacts; i++) {
		bool from_install = false;
		for (size_t j = 0; j < L->t->install_produces.n && !from_install; j++)
			from_install = strcmp(ir->artifacts[i].from, expand(L, L->t->install_produces.v[j])) == 0;
		if (!from_install)
			ir->artifacts[kept++] = ir->artifacts[i];
	}
	ir->nartifacts = kept;
}

/* The single-stage variant has no COPY --from: an artifact the final
 * stage would find elsewhere than the build left it (build.artifacts'
 * {from, to}) is put there by a RUN, so that the command finds it in both
 * variants.  Paths passed the spec's and the template's path grammar. */
static void lower_place_artifacts(Lower *L)
{
	const Ir *ir = L->ir;
	for (size_t i = 0; i < ir->nartifacts; i++) {
		const Artifact *art = &ir->artifacts[i];
		if (art->of_image || strcmp(art->from, art->to) == 0)
			continue;
		Step *st = add_step(L, STEP_RUN, ROLE_BUILD, art->pos,
				    "put what the build made where the multi-stage image has it (build.artifacts)");
		st->trusted = true;
		size_t n = strlen(art->to);
		const char *dir = art->to[n - 1] == '/' ? art->to : arena_strndup(L->a, art->to, (size_t)(strrchr(art->to, '/') - art->to));
		if (*dir)
			strlist_push(L->a, &st->args, arena_printf(L->a, "mkdir -p %s", dir));
		size_t fn = strlen(art->from); /* a folder's contents, not the folder inside */
		strlist_push(L->a, &st->args, arena_printf(L->a, "cp -a %s%s %s", art->from,
							   art->from[fn - 1] == '/' ? "." : "", art->to));
	}
}

/* A minimal init as PID 1, where the template says `init: tini`: an app
 * that installs no SIGTERM handler ignores SIGTERM as PID 1, so `docker
 * stop` waits its 10 s and kills it (exit 137).  tini forwards the signal
 * and exits with the app's status.  Not when the spec names its own
 * entrypoint: the spec owns PID 1 then.  The family the app runs on
 * installs the tini package and says where it is (families.yaml `init`);
 * a family without a package manager (scratch, distroless) gets the static
 * build the builder's package has (`init_static`), copied to the builder
 * family's `init` path, so both variants run the same ENTRYPOINT.  The
 * package step goes with the other packages (after the apt setup),
 * ENTRYPOINT before CMD, which stays the command. */
static void lower_init(Lower *L)
{
	const char *init = L->fl->init ? L->fl->init : L->t->init;
	if (!init || strcmp(init, "tini") != 0 || L->spec->entrypoint.present)
		return;
	SrcPos pos = L->fl->init ? L->fl->init_pos : L->t->init_pos;
	const Family *rt = L->rt_fam, *bf = L->build_fam;
	Step *pkg;
	const char *path;
	if (rt->install.n && rt->init) {
		pkg = ir_step_new(L->ir, STEP_PACKAGES, ROLE_RUNTIME, pos,
				  "tini: the app would ignore SIGTERM as PID 1");
		path = rt->init;
	} else if (bf->install.n && bf->init && bf->init_static) {
		pkg = ir_step_new(L->ir, STEP_PACKAGES, ROLE_BUILD, pos,
				  "tini's static build, for the final stage: the app would ignore SIGTERM as PID 1");
		strlist_push(L->a, &pkg->produces, bf->init_static);
		ir_add_artifact(L->ir, bf->init_static, bf->init, false, pos);
		path = bf->init;
	} else {
		diag_warning(L->d, L->spec->language.pos,
			     "%s apps ignore SIGTERM as PID 1, and stagec knows no init for '%s' (family %s) built "
			     "on '%s' (family %s), so `docker stop` will kill the app; set run.entrypoint to an "
			     "init the image has", L->t->language, L->ir->run_image, L->run_fam->name,
			     L->ir->build_image, bf->name);
		return;
	}
	strlist_push(L->a, &pkg->args, "tini");
	Step *at = L->stage->first;
	while (at && (at->kind == STEP_PACKAGES || (at->kind == STEP_RUN && at->tag == TAG_NONE)))
		at = at->next;
	ir_step_insert_before(L->stage, at, pkg);
	Step *ep = ir_step_new(L->ir, STEP_ENTRYPOINT, ROLE_RUNTIME, pos, "tini as PID 1: it runs the command as its child and passes signals on");
	strlist_push(L->a, &ep->args, path);
	strlist_push(L->a, &ep->args, "--");
	for (at = L->stage->first; at && at->kind != STEP_CMD; at = at->next)
		;
	ir_step_insert_before(L->stage, at, ep);
}

/* A spec's image without a tag, or with the moving tag latest, gets a
 * different image next month; the family knows whether a tag applies
 * (scratch has none). */
static void check_image_tag(Lower *L, SStr img, const Family *fam)
{
	if (!img.s || !fam || !fam->tagged || strchr(img.s, '@'))
		return;
	const char *bare;
	const char *tag = image_written_tag(L->a, img.s, &bare);
	if (!tag)
		diag_warning(L->d, img.pos, "image '%s' has no tag; pin a version (e.g. '%s:1.2')", img.s, img.s);
	else if (strcmp(tag, "latest") == 0)
		diag_warning(L->d, img.pos, "image '%s' uses the moving tag 'latest'; pin a version "
					    "(e.g. '%s:1.2')", img.s, bare);
}

/* What the final stage copies from the builder: the template's artifacts
 * (those of its default build replaced by build.artifacts when the spec
 * has its own build), then the files of the build image itself. */
static void collect_artifacts(Lower *L)
{
	const Spec *s = L->spec;
	Ir *ir = L->ir;
	StrList default_build = {0};
	for (size_t i = 0; i < L->t->build_produces.n; i++)
		strlist_push(L->a, &default_build, expand(L, L->t->build_produces.v[i]));
	for (size_t i = 0; i < L->t->artifacts.n; i++) {
		const char *from = expand(L, L->t->artifacts.v[i]);
		if (s->build.present && strlist_contains(&default_build, from)) {
			if (!s->nartifacts)
				diag_error(L->d, s->build.pos, "the %s template's build leaves '%s' for the final "
							       "stage, and a custom 'build' may leave it elsewhere; say "
							       "what it leaves: build: {commands: [...], artifacts: [%s]}",
					   L->t->language, from, from);
			continue;
		}
		ir_add_artifact(ir, from, expand(L, L->t->artifact_dests.v[i]), false, L->t->pos);
	}
	for (size_t i = 0; i < s->nartifacts; i++)
		ir_add_artifact(ir, s->artifacts[i].from.s, s->artifacts[i].to.s, false, s->artifacts[i].from.pos);
	for (size_t i = 0; i < L->fl->artifacts.n; i++)
		ir_add_artifact(ir, expand(L, L->fl->artifacts.v[i]), expand(L, L->fl->artifact_dests.v[i]), true,
				L->fl->pos);
}

/* context: the folder that many '..' steps above the spec's real folder
 * (whose parents are real folders too: no symlink leads out of it),
 * inside the repository (the nearest folder above the spec holding .git),
 * for a language whose template says how a workspace builds.  Sets
 * context_real, context_shown and app_rel; false after an error. */
static bool lower_context(Lower *L)
{
	const Spec *s = L->spec;
	if (!s->context.s || !L->context_real)
		return true;
	int up = 0;
	for (const char *p = s->context.s; *p;) {
		size_t n = strcspn(p, "/");
		up += n == 2;
		p += n + (p[n] == '/');
	}
	if (!up)
		return true; /* "." is the spec's folder, as without the key */
	if (!L->t->has_workspace) {
		diag_error(L->d, s->context.pos, "stagec does not know how a %s app builds from a context above "
						 "its folder (the template has no 'workspace', templates/README.md); "
						 "leave 'context' out, or copy what the app needs into its folder",
			   L->t->language);
		return false;
	}
	if (s->manifests.present) {
		diag_error(L->d, s->manifests.pos, "dependencies.manifest does not go with 'context' (the "
						   "manifests then come from the workspace's root and the app's folder); "
						   "leave it out");
		return false;
	}
	char *ctx = arena_strdup(L->a, L->context_real);
	for (int i = 0; i < up; i++) {
		char *slash = strrchr(ctx, '/');
		if (!slash || slash == ctx) {
			diag_error(L->d, s->context.pos, "'%s' climbs above the top folder; use fewer '..' steps",
				   s->context.s);
			return false;
		}
		*slash = '\0';
	}
	/* the repository: the nearest folder holding .git, from the spec's up */
	char *repo = arena_strdup(L->a, L->context_real);
	for (;;) {
		struct stat st;
		if (lstat(arena_printf(L->a, "%s/.git", repo), &st) == 0)
			break;
		char *slash = strrchr(repo, '/');
		if (!slash || slash == repo) {
			repo = NULL;
			break;
		}
		*slash = '\0';
	}
	if (repo && strlen(ctx) < strlen(repo)) {
		int depth = 0; /* the spec's folder, in folders below the repository's root */
		for (const char *p = L->context_real + strlen(repo); *p; p++)
			depth += *p == '/';
		diag_error(L->d, s->context.pos, "'%s' leaves the repository (the folder holding .git is %d "
						 "up from the spec's); use a context inside it",
			   s->context.s, depth);
		return false;
	}
	L->app_rel = arena_strdup(L->a, L->context_real + strlen(ctx) + 1);
	L->context_real = ctx;
	/* shown as the user would: the spec's folder as named, steps taken off */
	const char *shown = display_dir(L);
	char *sh = arena_strdup(L->a, shown);
	int taken = 0;
	while (taken < up) {
		char *slash = strrchr(sh, '/');
		const char *last = slash ? slash + 1 : sh;
		if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0 || !*last)
			break;
		taken++;
		if (!slash) {
			sh = arena_strdup(L->a, ".");
			break;
		}
		*slash = '\0';
	}
	L->context_shown = taken == up ? sh : join_path(L, shown, s->context.s);
	return true;
}

/* secrets: each the spec names becomes a secret mount of the dependency
 * install (and of the test stage's), at the target the template gives for
 * a name it knows or the spec's own.  The value is never an ARG, ENV or
 * file of a layer: BuildKit mounts it for that one RUN. */
static void lower_secrets(Lower *L)
{
	const Spec *s = L->spec;
	Ir *ir = L->ir;
	if (!s->nsecrets)
		return;
	ir->secrets = arena_alloc(L->a, s->nsecrets * sizeof(*ir->secrets));
	for (size_t i = 0; i < s->nsecrets; i++) {
		const SSecret *sec = &s->secrets[i];
		const char *target = sec->target.s;
		for (size_t j = 0; !target && j < L->t->secret_names.n; j++)
			if (strcmp(L->t->secret_names.v[j], sec->id.s) == 0)
				target = expand(L, L->t->secret_targets.v[j]);
		if (!target) {
			const char *known = L->t->secret_names.n ? list_text(L, &L->t->secret_names) : NULL;
			diag_error(L->d, sec->id.pos, "%s knows no build secret '%s'%s; name one it knows, or give "
						      "where the install reads it: {id: %s, target: /PATH}",
				   L->t->language, sec->id.s,
				   known ? arena_printf(L->a, " (it knows %s)", known) : " (it names none)", sec->id.s);
			continue;
		}
		if (!valid_abs_path(target) || !valid_mount_word(target)) {
			diag_error(L->d, L->t->secrets_pos, "template's secret '%s' has a bad target '%s'", sec->id.s,
				   target);
			continue;
		}
		bool dup = false;
		for (uint32_t j = 0; j < ir->nsecrets && !dup; j++)
			dup = strcmp(ir->secrets[j].target, target) == 0;
		if (dup) {
			diag_error(L->d, sec->target.s ? sec->target.pos : sec->id.pos,
				   "two secrets are mounted at '%s'; give each its own target", target);
			continue;
		}
		ir->secrets[ir->nsecrets++] = (Mount){.kind = MOUNT_SECRET, .target = target, .id = sec->id.s,
						      .required = sec->required, .pos = sec->pos};
	}
	bool used = false;
	for (Step *st = L->stage->first; st; st = st->next) {
		if (st->tag != TAG_INSTALL)
			continue;
		used = true;
		for (uint32_t j = 0; j < ir->nsecrets; j++)
			ir_step_add_mount(ir, st, &ir->secrets[j]);
	}
	if (!used && !s->test.present)
		diag_warning(L->d, s->secrets_pos, "'secrets' is not used: the app has no dependency install "
						   "step to read them; remove it");
}

/* test: the commands a test stage runs on the builder (pass_test.c makes
 * the stage); lowering keeps what the stage needs: the install rule's
 * test_install and the source COPY. */
static void lower_test(Lower *L, const TmplInstall *rule, const Step *src)
{
	const Spec *s = L->spec;
	if (!s->test.present)
		return;
	for (size_t i = 0; i < s->test.n; i++)
		strlist_push(L->a, &L->ir->test, s->test.v[i].s);
	L->ir->test_pos = s->test.pos;
	for (size_t i = 0; rule && i < rule->test_install.n; i++)
		strlist_push(L->a, &L->ir->test_install, expand(L, rule->test_install.v[i]));
	L->ir->test_source = ir_step_clone(L->ir, src);
}

bool lower_check_flavour(Arena *a, const LowerInput *in, Diags *d)
{
	Lower L = {.a = a, .d = d, .spec = in->spec, .t = in->tmpl, .ts = in->templates, .base = in->base};
	return pick_flavour(&L);
}

Ir *lower_spec(Arena *a, const LowerInput *in, Diags *d)
{
	Lower L = {.a = a, .d = d, .spec = in->spec, .t = in->tmpl, .ts = in->templates, .base = in->base,
		   .single_stage = in->single_stage};
	const Spec *s = in->spec;
	char resolved[PATH_MAX];
	if (stagec_realpath(s->dir, resolved))
		L.context_real = arena_strdup(a, resolved);
	if (!lower_context(&L))
		return NULL;
	/* the variants of one spec share its project: each file is read,
	 * hashed and parsed once, and recorded in each variant's inputs */
	Project own;
	L.project = in->project ? in->project : &own;
	if (!in->project || !in->project->a)
		project_init(L.project, a, d, L.context_real ? L.context_real : s->dir, display_dir(&L));
	L.project->d = d;
	L.project->program = s->program;
	L.project->inputs = in->inputs;
	if (!pick_flavour(&L))
		return NULL;
	L.ir = ir_new(a);
	Ir *ir = L.ir;
	ir->name = s->name.s;
	L.workdir = s->workdir.s ? s->workdir.s : L.t->workdir;
	if (s->workdir.s && !safe_path_chars(s->workdir.s)) {
		diag_error(d, s->workdir.pos, "'%s' has characters stagec will not put in a WORKDIR "
					      "(spaces, quotes, '$'); choose a plain path", s->workdir.s);
		return NULL;
	}
	add_var(&L, "version", L.version);
	add_var(&L, "name", ir->name);
	add_var(&L, "workdir", L.workdir);
	for (size_t i = 0; i < L.fl->var_names.n; i++)
		add_var(&L, L.fl->var_names.v[i], L.fl->var_values.v[i]);

	/* the images: the spec's, or the flavour's.  A template that builds
	 * on its run image (python, node, ruby, php) builds on the spec's run
	 * image too, so both variants run on the same image */
	const char *fl_build = expand(&L, L.fl->build_image), *fl_run = expand(&L, L.fl->run_image);
	ir->run_image = s->image_run.s ? s->image_run.s : fl_run;
	ir->run_image_pos = s->image_run.s ? s->image_run.pos : L.fl->run_image_pos;
	ir->version = L.version;
	ir->version_pos = s->version.s ? s->version.pos : L.t->version_pos;
	ir->run_family = L.run_fam = image_family(&L, ir->run_image, s->family_run);
	if (!L.run_fam)
		return NULL;
	bool builds_on_run_image = s->image_run.s && !s->image_build.s && strcmp(fl_build, fl_run) == 0 &&
				   L.run_fam->has_shell;
	ir->build_image = s->image_build.s ? s->image_build.s : builds_on_run_image ? s->image_run.s : fl_build;
	ir->build_image_pos = s->image_build.s ? s->image_build.pos : builds_on_run_image ? s->image_run.pos : L.fl->build_image_pos;
	ir->build_family = L.build_fam =
		image_family(&L, ir->build_image, builds_on_run_image ? s->family_run : s->family_build);
	if (!L.build_fam)
		return NULL;
	check_image_tag(&L, s->image_build, L.build_fam);
	check_image_tag(&L, s->image_run, L.run_fam);
	if (!L.build_fam->has_shell) {
		diag_error(d, s->image_build.s ? s->image_build.pos : s->language.pos,
			   "the build image '%s' (family %s) has no shell, so nothing can be built on it; "
			   "name an image with the language's toolchain", ir->build_image, L.build_fam->name);
		return NULL;
	}
	if (L.build_fam->libc && L.run_fam->libc && strcmp(L.run_fam->libc, "none") != 0 &&
	    strcmp(L.build_fam->libc, L.run_fam->libc) != 0) {
		SStr at = s->image_run.s ? s->image_run : s->image_build.s ? s->image_build : s->base;
		diag_error(d, at.s ? at.pos : s->language.pos,
			   "the builder '%s' links against %s and the run image '%s' has %s, so what is built "
			   "may not run there; use images of one family (both %s or both %s)",
			   ir->build_image, L.build_fam->libc, ir->run_image, L.run_fam->libc, L.build_fam->name,
			   L.run_fam->name);
		return NULL;
	}
	L.rt_fam = L.single_stage ? L.build_fam : L.run_fam;
	if (!pick_package_flavours(&L))
		return NULL;
	for (size_t i = 0; i < L.fl_build->var_names.n && L.fl_build != L.fl; i++)
		add_var(&L, L.fl_build->var_names.v[i], L.fl_build->var_values.v[i]);
	ir->workdir = L.workdir;
	ir->source_dir = s->source.s ? s->source.s : ".";
	if (L.app_rel) {
		/* with context: the app's folder inside it, where it builds and
		 * runs; the image's workdir holds the whole context */
		const char *src = project_plain_rel(L.a, ir->source_dir);
		ir->source_dir = L.app_source = *src ? join_path(&L, L.app_rel, src) : L.app_rel;
		ir->context = s->context.s;
		ir->image_root = L.image_root = L.workdir;
		ir->workdir = L.workdir = join_path(&L, L.workdir, ir->source_dir);
		L.ws_root = true;
		for (size_t i = 0; i < L.t->ws_root.n; i++) {
			struct stat st;
			L.ws_root &= stat(join_path(&L, L.context_real, L.t->ws_root.v[i]), &st) == 0;
		}
		add_var(&L, "workdir", L.ws_root ? L.image_root : L.workdir);
	}
	ir->source_at_runtime = L.t->source_at_runtime;
	ir->caches = !s->caches.s || strcmp(s->caches.s, "false") != 0;
	collect_artifacts(&L);

	bool is_dir, exists;
	if (s->source.s &&
	    check_context_path(&L, (SStr){ir->source_dir, s->source.pos}, true, &is_dir, &exists) && !is_dir)
		diag_error(d, s->source.pos, "'source' must name a folder, and '%s' is a file", s->source.s);

	L.stage = ir_stage_append(ir, NULL, ir->build_image, L.build_fam);
	const char *user = NULL, *user_why = NULL;
	lower_packages(&L);
	lower_user_setup(&L, &user, &user_why);
	Step *wd = add_step(&L, STEP_WORKDIR, ROLE_BOTH, s->workdir.s ? s->workdir.pos : L.t->workdir_pos,
			    s->workdir.s ? "the app's folder: run.workdir"
					 : arena_printf(a, "the app's folder: the %s template's workdir", L.t->language));
	/* at a workspace root, the install runs at the root: the app's own
	 * folder becomes the WORKDIR after the source is copied */
	bool root_install = L.ws_root && L.t->ws_install;
	wd->value = root_install ? L.image_root : L.workdir;
	if (root_install)
		wd->why = "the workspace's folder, where the install runs";
	add_env(&L, ROLE_BOTH, L.t->env_pos, arena_printf(a, "the %s template's environment", L.t->language), &L.t->env_names,
		&L.t->env_values, true);
	add_env(&L, ROLE_BOTH, L.fl->env_pos, arena_printf(a, "the %s template's environment", L.t->language),
		&L.fl->env_names, &L.fl->env_values, true);
	lower_build_env(&L);
	Step *src = add_step(&L, STEP_COPY, L.t->source_at_runtime ? ROLE_BOTH : ROLE_BUILD,
			     s->source.pos.file ? s->source.pos : s->language.pos,
			     L.t->source_at_runtime ? "the app's source, to build and run" : "the app's source, to build");
	src->tag = TAG_SOURCE;
	strlist_push(a, &src->args, L.app_rel ? "." : ir->source_dir);
	src->value = L.app_rel ? arena_printf(a, "%s/", L.image_root) : ".";
	if (root_install) {
		Step *app = add_step(&L, STEP_WORKDIR, ROLE_BOTH, s->context.pos, "the app's folder in the workspace");
		app->value = L.workdir;
	}
	const TmplInstall *rule = lower_install(&L);
	lower_secrets(&L);
	lower_test(&L, rule, src);
	drop_uninstalled_artifacts(&L);
	lower_build(&L, rule);
	if (L.single_stage)
		lower_place_artifacts(&L);
	lower_runtime_config(&L, user ? user : DEFAULT_UID ":" DEFAULT_UID, user_why);
	lower_init(&L);
	cross_lower(a, ir, L.stage, L.t, L.fl, L.single_stage);
	if (L.single_stage)
		L.stage->why = ir_why_join(ir, "one stage: build and run in one image, the build tools left in",
					   L.stage->why);
	bool reads_program = false;
	for (size_t i = 0; i < L.t->nprobes; i++)
		reads_program |= strcmp(L.t->probes[i].kind, "program") == 0;
	if (s->program.s && !reads_program)
		diag_warning(d, s->program.pos, "'program' is not used for %s (it chooses among a Go module's main "
						"packages, Cargo binaries or .NET project files); remove it",
			     L.t->language);
	if (diags_failed(d))
		return NULL;
	return ir;
}
