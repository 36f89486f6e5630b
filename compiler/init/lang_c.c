/*
 * lang_c.c - C and C++: CMakeLists.txt (project() names the app; LANGUAGES CXX is
 * C++) or a Makefile; .cpp/.cc sources make it C++.  The port a htons()
 * call names.
 */
#include <ctype.h>
#include <string.h>

#include "init/init.h"

static const char *const C_EXTS[] = {".c", ".cc", ".cpp", ".cxx", NULL};
static const char *const C_PORT[] = {"htons(", NULL};
static bool has_cpp_sources(Init *in, const char *dir)
{
	StrList names = {0};
	project_list_dir(&in->p, dir, &names);
	for (size_t i = 0; i < names.n; i++) {
		const char *e = init_file_ext(names.v[i]);
		if (strcmp(e, ".cpp") == 0 || strcmp(e, ".cc") == 0 || strcmp(e, ".cxx") == 0)
			return true;
	}
	return false;
}

bool init_read_c(Init *in)
{
	InitSpec *s = in->s;
	bool cpp = false;
	const char *why = NULL;
	if (init_has(in, "CMakeLists.txt")) {
		s->summary = "cmake";
		const SourceFile *f = init_read(in, "CMakeLists.txt", PROJECT_TEXT);
		if (!f)
			return false;
		const char *at = strstr(f->text, "project(");
		if (!at)
			at = strstr(f->text, "PROJECT(");
		if (at) {
			const char *b = at + 8, *e = strchr(b, ')');
			const char *args = e ? init_trim(in->a, b, (size_t)(e - b)) : "";
			size_t n = strcspn(args, " \t\n");
			init_set_name(in, arena_strndup(in->a, args, n), init_from(in, f, init_line_of(f, at), "project()"));
			if (strstr(args, "CXX")) {
				cpp = true;
				why = init_from(in, f, init_line_of(f, at), "project() LANGUAGES CXX");
			}
		}
	} else {
		s->summary = "make";
	}
	if (!cpp && (has_cpp_sources(in, ".") || has_cpp_sources(in, "src"))) {
		cpp = true;
		why = "C++ sources (.cpp, .cc)";
	}
	if (!in->o->language) {
		s->language = cpp ? "cpp" : "c";
		if (why)
			s->language_v.from = why;
	}
	init_set_comment(&s->command, "[/opt/app/bin/NAME]", "the template runs the program the install puts in "
		    "/opt/app/bin, named after the app");
	init_port_from_sources(in, ".", C_EXTS, C_PORT);
	return true;
}
