/*
 * lang_go.c - Go: go.mod's module (the name), toolchain or go (the version), the
 * main package (the top or cmd/NAME; several: --program), and the port
 * its listen call names.
 */
#include <ctype.h>
#include <string.h>

#include "init/init.h"

static const char *const GO_PORT[] = {"ListenAndServe(", "Addr:", "Listen(\"tcp\",", ".Run(", NULL};

static void go_port(Init *in, const char *dir)
{
	StrList names = {0};
	project_list_dir(&in->p, dir, &names);
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		if (strcmp(init_file_ext(n), ".go") != 0 || strstr(n, "_test.go"))
			continue;
		const char *rel = strcmp(dir, ".") == 0 ? n : arena_printf(in->a, "%s/%s", dir, n);
		const SourceFile *f = init_read(in, rel, PROJECT_TEXT);
		int line, port = f ? init_scan_port(f, GO_PORT, &line) : 0;
		if (port) {
			init_set(&in->s->port, arena_printf(in->a, "%d", port), init_from(in, f, line, "the listen address"));
			return;
		}
	}
	init_no_port(in);
}

bool init_read_go(Init *in)
{
	InitSpec *s = in->s;
	s->summary = "go modules";
	const SourceFile *f = init_read(in, "go.mod", PROJECT_TEXT);
	if (!f)
		return false;
	int line;
	const char *mod = init_line_after(in, f, "module ", &line);
	if (mod) {
		char *m = arena_strdup(in->a, mod);
		m[strcspn(m, " \t/")] = m[strcspn(m, " \t/")] == '/' ? '/' : '\0';
		char *last = strrchr(m, '/');
		/* example.com/app/v2: the name is app */
		if (last && last[1] == 'v' && strspn(last + 2, "0123456789") == strlen(last + 2) && last[2]) {
			*last = '\0';
			last = strrchr(m, '/');
		}
		init_set_name(in, last ? last + 1 : m, init_from(in, f, line, "module"));
	}
	const char *v = init_line_after(in, f, "toolchain go", &line);
	if (v)
		init_set_version(in, v, (SrcPos){f, line, 1}, "toolchain", RANGE_NPM);
	else if ((v = init_line_after(in, f, "go ", &line)))
		init_set_version(in, v, (SrcPos){f, line, 1}, "go", RANGE_NPM);
	StrList mains = {0};
	if (!project_go_mains(&in->p, ".", NOPOS, &mains))
		return false;
	const char *main = NULL;
	if (in->o->program) {
		if (!strlist_contains(&mains, in->o->program)) {
			diag_error(in->d, NOPOS, "--program '%s' is not a main package of %s; its main packages are %s",
				   in->o->program, init_shown(in), mains.n ? strlist_join(in->a, &mains, ", ") : "none");
			return false;
		}
		main = in->o->program;
		init_set(&s->program, init_yaml_str(in->a, main), "--program");
	} else if (mains.n == 1) {
		main = mains.v[0];
	} else if (!mains.n) {
		diag_error(in->d, NOPOS, "%s: no Go main package: no .go file at the top or in cmd/NAME/ says "
					 "'package main' (a library has nothing to run)", init_shown(in));
		return false;
	} else {
		diag_error(in->d, NOPOS, "%s: the Go module has %u main packages (%s); choose one with --program %s, "
					 "or write one spec each with --recursive", init_shown(in), (unsigned)mains.n,
			   strlist_join(in->a, &mains, ", "), strlist_join(in->a, &mains, "|"));
		return false;
	}
	go_port(in, main);
	return true;
}
