/*
 * lang_node.c - Node.js and static sites: the package manager by lockfile or
 * packageManager (two lockfiles: --package-manager; Bun refused), the
 * version from .nvmrc, .node-version, engines.node or .tool-versions, a
 * site (a build with a site tool, or nothing to run) as `static`, the
 * command from a start script that runs node FILE, else main, and the
 * port that file's listen call names.
 */
#include <ctype.h>
#include <string.h>

#include "init/init.h"

static const char *const NODE_PORT[] = {"listen(", "PORT || ", "PORT ?? ", "PORT||", NULL};
static const char *const SITE_TOOLS[] = {"vite", "react-scripts", "@angular/cli", "parcel", "@vue/cli-service",
					 "astro", NULL};

static bool has_dep(json_t *j, const char *name)
{
	return json_object_get(json_object_get(j, "dependencies"), name) ||
	       json_object_get(json_object_get(j, "devDependencies"), name);
}

static bool node_pm(Init *in, const SourceFile *f, json_t *j, const char **ret_pm)
{
	InitSpec *s = in->s;
	static const char *const pms[][2] = {{"npm", "package-lock.json"}, {"yarn", "yarn.lock"}, {"pnpm", "pnpm-lock.yaml"}};
	for (const char *const *b = (const char *const[]){"bun.lock", "bun.lockb", NULL}; *b; b++)
		if (init_has(in, *b) && !in->o->package_manager) {
			diag_error(in->d, NOPOS, "%s: %s is Bun's lockfile, which stagec's templates do not install from; "
						 "choose npm, yarn or pnpm with --package-manager", init_shown(in), *b);
			return false;
		}
	StrList found = {0}, names = {0};
	init_lockfiles(in, &found); /* the template's list: the rule stagec itself applies */
	for (size_t k = 0; k < found.n; k++) {
		size_t i = 0;
		while (i < 3 && strcmp(pms[i][1], found.v[k]) != 0)
			i++;
		strlist_push(in->a, &names, i < 3 ? pms[i][0] : found.v[k]);
	}
	const char *want = in->o->package_manager;
	const char *from = arena_printf(in->a, "--package-manager %s", want ? want : "");
	const char *field = json_string_value(json_object_get(j, "packageManager"));
	if (!want && field) {
		want = arena_strndup(in->a, field, strcspn(field, "@"));
		from = init_from(in, f, json_pos(f, "packageManager", field).line, "packageManager");
	}
	if (!want && found.n > 1) {
		diag_error(in->d, NOPOS, "%s: %s%s are present; choose one with --package-manager %s", init_shown(in),
			   found.n == 2 ? "both " : "", found.n == 2 ? arena_printf(in->a, "%s and %s", found.v[0], found.v[1])
								 : strlist_join(in->a, &found, ", "),
			   strlist_join(in->a, &names, "|"));
		return false;
	}
	*ret_pm = want ? want : found.n ? names.v[0] : "npm";
	size_t i = 0;
	while (i < 3 && strcmp(pms[i][0], *ret_pm) != 0)
		i++;
	if (i == 3) {
		diag_error(in->d, NOPOS, "%s: '%s' is not a package manager stagec installs with; choose npm, yarn or pnpm", from, *ret_pm);
		return false;
	}
	if (want && !init_has(in, pms[i][1]) && found.n) {
		diag_error(in->d, NOPOS, "%s: %s chooses %s, but there is no %s (only %s)", init_shown(in), from, want,
			   pms[i][1], strlist_join(in->a, &found, ", "));
		return false;
	}
	s->summary = *ret_pm;
	if (want && found.n > 1)
		init_set_list(in, &s->manifest, init_words(in->a, "package.json", pms[i][1], NULL), from);
	return true;
}

bool init_read_node(Init *in)
{
	InitSpec *s = in->s;
	const SourceFile *f = init_read(in, "package.json", PROJECT_JSON);
	json_t *j = f ? project_json(f, in->d) : NULL;
	if (!j)
		return false;
	bool ok = false;
	const char *pm;
	json_t *scripts = json_object_get(j, "scripts");
	const char *start = json_string_value(json_object_get(scripts, "start"));
	const char *build = json_string_value(json_object_get(scripts, "build"));
	if ((json_object_get(j, "workspaces") || init_has(in, "pnpm-workspace.yaml")) && !start) {
		diag_error(in->d, json_object_get(j, "workspaces") ? json_pos(f, "workspaces", NULL) : NOPOS,
			   "a workspace root with no start script builds no application itself; write one spec per "
			   "member with 'stagec init --recursive'");
		goto out;
	}
	if (!node_pm(in, f, j, &pm))
		goto out;
	if (!in->o->language && !start && build) {
		/* a site: a front-end build tool, or a build and nothing to run */
		const char *tool = NULL;
		for (const char *const *t = SITE_TOOLS; *t && !tool; t++)
			if (has_dep(j, *t))
				tool = *t;
		bool runnable = json_object_get(j, "main") || init_has(in, "index.js") || init_has(in, "server.js") ||
				init_has(in, "app.js");
		if (tool || !runnable) {
			s->language = "static";
			s->language_v.from = init_from(in, f, json_pos(f, "build", build).line,
						       tool ? arena_printf(in->a, "scripts.build with %s, no scripts.start", tool)
							    : "scripts.build, no scripts.start or main");
		}
	}
	const char *name = json_string_value(json_object_get(j, "name"));
	if (name)
		init_set_name(in, name, init_from(in, f, json_pos(f, "name", name).line, "name"));
	/* the version */
	bool done = false;
	const SourceFile *nv = init_has(in, ".nvmrc") ? init_read(in, ".nvmrc", PROJECT_TEXT) : NULL;
	int nvline = 1;
	const char *nvv = nv ? init_first_line(in, nv, &nvline) : NULL;
	if (nvv && strncmp(nvv, "lts/", 4) == 0 && !in->o->version) {
		/* "lts/" followed by a star is the image tag lts; a named line (lts/iron) is not a tag */
		if (strcmp(nvv, "lts/*") == 0 && strcmp(s->language, "node") == 0)
			init_set(&s->version, "lts", init_from(in, nv, nvline, ".nvmrc"));
		else
			diag_remark(in->d, NOPOS, ".nvmrc names '%s', which is no image tag; the version is left to "
						  "--version or the template", nvv);
		done = true;
	} else if (nvv) {
		done = init_set_version(in, nvv, (SrcPos){nv, nvline, 1}, ".nvmrc", RANGE_NPM);
	}
	if (!done)
		done = init_version_file(in, ".node-version", NULL, RANGE_NPM);
	const char *engine = json_string_value(json_object_get(json_object_get(j, "engines"), "node"));
	if (!done && engine)
		done = init_set_version(in, engine, json_pos(f, "node", engine), "engines.node", RANGE_NPM);
	if (!done)
		init_tool_versions(in, "nodejs", ".tool-versions");
	if (strcmp(s->language, "static") == 0) {
		ok = true;
		goto out;
	}
	if (build)
		init_set_list(in, &s->build, init_words(in->a, strcmp(pm, "yarn") == 0 ? "yarn build" : arena_printf(in->a, "%s run build", pm), NULL),
			 init_from(in, f, json_pos(f, "build", build).line, "scripts.build"));
	/* the command: a start script that runs node FILE, else main */
	const char *entry = NULL;
	if (start && strncmp(start, "node ", 5) == 0 && !strpbrk(start, "&|;<>$`'\"\\(){}*?")) {
		StrList w = {0};
		char *c = arena_strdup(in->a, start);
		for (char *t = strtok(c, " \t"); t; t = strtok(NULL, " \t"))
			strlist_push(in->a, &w, t);
		for (size_t i = 1; i < w.n && !entry; i++)
			if (w.v[i][0] != '-')
				entry = w.v[i];
		init_set_list(in, &s->command, w, init_from(in, f, json_pos(f, "start", start).line, "scripts.start"));
	} else if (start) {
		init_set_comment(&s->command, "[node, index.js]", arena_printf(in->a, "scripts.start is '%s', not 'node FILE': "
									 "write the command the image runs", start));
	} else if ((entry = json_string_value(json_object_get(j, "main")))) {
		init_set_list(in, &s->command, init_words(in->a, "node", entry, NULL),
			 init_from(in, f, json_pos(f, "main", entry).line, "main"));
	} else {
		init_set_comment(&s->command, "[node, index.js]", "no scripts.start or main: this is what the template runs");
	}
	if (entry && !init_has(in, entry) && strncmp(entry, "dist/", 5) == 0 && strcmp(init_file_ext(entry), ".js") == 0) {
		/* built from TypeScript: dist/server.js from src/server.ts */
		const char *ts = arena_printf(in->a, "src/%.*s.ts", (int)(strlen(entry) - 8), entry + 5);
		if (init_has(in, ts))
			entry = ts;
	}
	const SourceFile *ef = entry && init_has(in, entry) ? init_read(in, entry, PROJECT_TEXT) : NULL;
	int line, port = ef ? init_scan_port(ef, NODE_PORT, &line) : 0;
	if (port)
		init_set(&s->port, arena_printf(in->a, "%d", port), init_from(in, ef, line, "listen"));
	else
		init_no_port(in);
	ok = true;
out:
	json_decref(j);
	return ok;
}
