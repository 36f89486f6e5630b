/*
 * lang_python.c - Python: the package manager by lockfile (the template's `lockfiles`;
 * two: --package-manager), the version from .python-version,
 * requires-python, Poetry, Pipfile, runtime.txt or .tool-versions, and the
 * command from the dependencies and the sources: Django with gunicorn,
 * FastAPI with uvicorn, Flask with gunicorn, on port 8000.
 */
#include <ctype.h>
#include <string.h>

#include "init/init.h"

static const char *const PY_EXTS[] = {".py", NULL};
static const char *const PY_PORT[] = {"(\"0.0.0.0\", ", "('0.0.0.0', ", "port=", NULL};
typedef struct Dep {
	const char *name;
	const char *from;
} Dep;

typedef struct Deps {
	Dep v[256];
	size_t n;
} Deps;

static void dep_add(Init *in, Deps *ds, const char *spec, const char *from)
{
	size_t n = strspn(spec, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
	if (!n || ds->n == sizeof(ds->v) / sizeof(ds->v[0]))
		return;
	char *name = arena_strndup(in->a, spec, n);
	for (char *p = name; *p; p++)
		*p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
	ds->v[ds->n++] = (Dep){name, from};
}

static const Dep *dep_find(const Deps *ds, const char *name)
{
	for (size_t i = 0; i < ds->n; i++)
		if (strcmp(ds->v[i].name, name) == 0)
			return &ds->v[i];
	return NULL;
}

static void deps_requirements(Init *in, Deps *ds, const char *rel)
{
	const SourceFile *f = init_read(in, rel, PROJECT_TEXT);
	int line = 1;
	for (const char *p = f ? f->text : ""; *p; line++) {
		const char *e = strchr(p, '\n');
		const char *t = p + strspn(p, " \t");
		if (*t != '-' && *t != '#')
			dep_add(in, ds, t, arena_printf(in->a, "%s:%d", rel, line));
		if (!e)
			break;
		p = e + 1;
	}
}

static void deps_table(Init *in, Deps *ds, const TomlValue *t)
{
	for (size_t i = 0; t && t->kind == TOML_TABLE && i < t->n; i++)
		dep_add(in, ds, t->pairs[i].key, init_from(in, t->pairs[i].pos.file, t->pairs[i].pos.line, NULL) + strlen("from "));
}

/* The variable and module of "NAME = Framework(" in the app's Python files. */
static bool find_app(Init *in, const char *ctor, const char *package, const char **ret_target, const char **ret_from)
{
	const char *const dirs[] = {".", "app", "src", "api", package ? package : "app", NULL};
	for (const char *const *d = dirs; *d; d++) {
		StrList names = {0};
		if (strcmp(*d, ".") != 0 && !init_has_dir(in, *d))
			continue;
		project_list_dir(&in->p, *d, &names);
		for (size_t i = 0; i < names.n; i++) {
			if (strcmp(init_file_ext(names.v[i]), ".py") != 0)
				continue;
			const char *rel = strcmp(*d, ".") == 0 ? names.v[i] : arena_printf(in->a, "%s/%s", *d, names.v[i]);
			const SourceFile *f = init_read(in, rel, PROJECT_TEXT);
			const char *at = f ? strstr(f->text, ctor) : NULL;
			if (!at)
				continue;
			const char *b = at;
			while (b > f->text && (b[-1] == ' ' || b[-1] == '='))
				b--;
			const char *e = b;
			while (b > f->text && (isalnum((unsigned char)b[-1]) || b[-1] == '_'))
				b--;
			if (b == e || (b > f->text && b[-1] != '\n'))
				continue;
			char *mod = arena_strndup(in->a, rel, strlen(rel) - 3);
			for (char *p = mod; *p; p++)
				if (*p == '/')
					*p = '.';
			*ret_target = arena_printf(in->a, "%s:%s", mod, arena_strndup(in->a, b, (size_t)(e - b)));
			*ret_from = init_from(in, f, init_line_of(f, at), NULL);
			return true;
		}
	}
	return false;
}

static bool python_pm(Init *in)
{
	InitSpec *s = in->s;
	static const struct {
		const char *pm, *lock, *manifest;
	} locks[] = {{"poetry", "poetry.lock", "pyproject.toml"}, {"uv", "uv.lock", "pyproject.toml"},
		     {"pipenv", "Pipfile.lock", "Pipfile"}, {"pip", "requirements.txt", NULL}};
	StrList found = {0}, pms = {0};
	init_lockfiles(in, &found); /* the template's list: the rule stagec itself applies */
	for (size_t f = 0; f < found.n; f++) {
		size_t i = 0;
		while (i < 3 && strcmp(locks[i].lock, found.v[f]) != 0)
			i++;
		strlist_push(in->a, &pms, i < 3 ? locks[i].pm : found.v[f]);
	}
	const char *want = in->o->package_manager;
	if (want) {
		size_t i = 0;
		while (i < 4 && strcmp(locks[i].pm, want) != 0)
			i++;
		if (i == 4) {
			diag_error(in->d, NOPOS, "--package-manager '%s': a Python project uses poetry, uv, pipenv or pip", want);
			return false;
		}
		if (!init_has(in, locks[i].lock)) {
			diag_error(in->d, NOPOS, "--package-manager %s: %s has no %s", want, init_shown(in), locks[i].lock);
			return false;
		}
		s->summary = locks[i].pm;
		StrList m = {0};
		if (locks[i].manifest)
			strlist_push(in->a, &m, locks[i].manifest);
		strlist_push(in->a, &m, locks[i].lock);
		if (found.n > 1 || (i == 3 && found.n))
			init_set_list(in, &s->manifest, m, arena_printf(in->a, "--package-manager %s", want));
		return true;
	}
	if (found.n > 1) {
		diag_error(in->d, NOPOS, "%s: several lockfiles are present: %s; choose one with --package-manager %s",
			   init_shown(in), strlist_join(in->a, &found, ", "), strlist_join(in->a, &pms, "|"));
		return false;
	}
	if (found.n) {
		s->summary = pms.v[0];
		if (strcmp(pms.v[0], "pipenv") == 0 && !init_has(in, "Pipfile")) {
			diag_error(in->d, NOPOS, "%s: Pipfile.lock without its Pipfile; add the Pipfile", init_shown(in));
			return false;
		}
		return true;
	}
	if (init_has(in, "requirements.txt")) {
		s->summary = "pip";
		return true;
	}
	diag_error(in->d, NOPOS, "%s: no lockfile and no requirements.txt: stagec installs from poetry.lock, uv.lock, "
				 "Pipfile.lock or requirements.txt; lock the dependencies (%s) first", init_shown(in),
		   init_has(in, "Pipfile") ? "pipenv lock" : "poetry lock, uv lock, or pip freeze > requirements.txt");
	return false;
}

bool init_read_python(Init *in)
{
	InitSpec *s = in->s;
	if (!python_pm(in))
		return false;
	const TomlValue *py = NULL, *pf = NULL;
	if (init_has(in, "pyproject.toml") && project_toml(&in->p, "pyproject.toml", NOPOS, &py) != PROJECT_OK)
		return false;
	if (init_has(in, "Pipfile") && project_toml(&in->p, "Pipfile", NOPOS, &pf) != PROJECT_OK)
		return false;
	const TomlValue *pn = toml_path(py, "project.name");
	if (!pn)
		pn = toml_path(py, "tool.poetry.name");
	if (pn && pn->kind == TOML_STRING)
		init_set_name(in, pn->str, init_from(in, pn->pos.file, pn->pos.line, "name"));
	/* the version */
	bool done = init_version_file(in, ".python-version", NULL, RANGE_PEP440);
	const TomlValue *v = toml_path(py, "project.requires-python");
	if (!done && v && v->kind == TOML_STRING)
		done = init_set_version(in, v->str, v->pos, "requires-python", RANGE_PEP440);
	v = toml_path(py, "tool.poetry.dependencies.python");
	if (!done && v && v->kind == TOML_STRING)
		done = init_set_version(in, v->str, v->pos, "tool.poetry.dependencies.python", RANGE_NPM);
	v = toml_path(pf, "requires.python_version");
	if (!done && v && v->kind == TOML_STRING)
		done = init_set_version(in, v->str, v->pos, "python_version", RANGE_PEP440);
	if (!done && init_has(in, "runtime.txt"))
		done = init_version_file(in, "runtime.txt", "python-", RANGE_PEP440);
	if (!done)
		init_tool_versions(in, "python", ".tool-versions");
	/* the dependencies name the framework and the server */
	Deps *ds = arena_alloc(in->a, sizeof(*ds));
	if (init_has(in, "requirements.txt"))
		deps_requirements(in, ds, "requirements.txt");
	const TomlValue *pd = toml_path(py, "project.dependencies");
	for (size_t i = 0; pd && pd->kind == TOML_ARRAY && i < pd->n; i++)
		if (pd->items[i]->kind == TOML_STRING)
			dep_add(in, ds, pd->items[i]->str,
				init_from(in, pd->items[i]->pos.file, pd->items[i]->pos.line, NULL) + strlen("from "));
	deps_table(in, ds, toml_path(py, "tool.poetry.dependencies"));
	deps_table(in, ds, toml_get(pf, "packages"));
	const Dep *gunicorn = dep_find(ds, "gunicorn"), *uvicorn = dep_find(ds, "uvicorn");
	const char *target, *where, *package = NULL;
	if (pn && pn->kind == TOML_STRING) {
		char *pk = arena_strdup(in->a, pn->str);
		for (char *p = pk; *p; p++)
			*p = *p == '-' ? '_' : (char)tolower((unsigned char)*p);
		package = pk;
	}
	if (init_has(in, "manage.py")) {
		const SourceFile *m = init_read(in, "manage.py", PROJECT_TEXT);
		const char *at = m ? strstr(m->text, "DJANGO_SETTINGS_MODULE") : NULL;
		const char *settings = at ? init_quoted_after(in, at + strlen("DJANGO_SETTINGS_MODULE") + 1) : NULL;
		const char *dot = settings ? strrchr(settings, '.') : NULL;
		if (dot && gunicorn) {
			const char *pkg = arena_strndup(in->a, settings, (size_t)(dot - settings));
			init_set_list(in, &s->command, init_words(in->a, "gunicorn", "--bind", "0.0.0.0:8000",
							arena_printf(in->a, "%s.wsgi:application", pkg), NULL),
				 arena_printf(in->a, "%s, gunicorn from %s", init_from(in, m, init_line_of(m, at), "Django settings"),
					      gunicorn->from));
			init_set(&s->port, "8000", "from the command");
			return true;
		}
		init_set_comment(&s->command, "[gunicorn, --bind, \"0.0.0.0:8000\", \"SITE.wsgi:application\"]",
			    "a Django project: add gunicorn to the dependencies");
	} else if (dep_find(ds, "fastapi") && find_app(in, "FastAPI(", package, &target, &where)) {
		if (uvicorn) {
			init_set_list(in, &s->command, init_words(in->a, "uvicorn", target, "--host", "0.0.0.0", "--port", "8000", NULL),
				 arena_printf(in->a, "%s (FastAPI()), uvicorn from %s", where, uvicorn->from));
			init_set(&s->port, "8000", "from the command");
			return true;
		}
		init_set_comment(&s->command, arena_printf(in->a, "[uvicorn, \"%s\", --host, 0.0.0.0, --port, \"8000\"]", target),
			    "a FastAPI app: add uvicorn to the dependencies");
	} else if (dep_find(ds, "flask") && find_app(in, "Flask(", package, &target, &where)) {
		if (gunicorn) {
			init_set_list(in, &s->command, init_words(in->a, "gunicorn", "--bind", "0.0.0.0:8000", target, NULL),
				 arena_printf(in->a, "%s (Flask()), gunicorn from %s", where, gunicorn->from));
			init_set(&s->port, "8000", "from the command");
			return true;
		}
		init_set_comment(&s->command, arena_printf(in->a, "[gunicorn, --bind, \"0.0.0.0:8000\", \"%s\"]", target),
			    "a Flask app: add gunicorn to the dependencies");
	}
	init_set_comment(&s->command, "[python, app.py]", init_has(in, "app.py") ? "app.py is here: the template runs "
		    "it so" : "nothing in the project names the command; this is what the template runs");
	init_port_from_sources(in, ".", PY_EXTS, PY_PORT);
	return true;
}
