/*
 * test_project.c - the project readers (compiler/project/): the safe
 * reader (symlinks, FIFOs, devices, folders, size caps), the TOML reader,
 * the local paths manifests name, and which program a project builds.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>

#include "fixture.h"

static const SrcPos nopos = {0};

static ProjectStatus rd(Fx *t, const char *rel, ProjectKind kind, const SourceFile **f)
{
	return project_read(&t->p, rel, kind, nopos, f);
}

/* ---- the safe reader ------------------------------------------------- */

static void reads_a_file_with_the_display_path(void **state)
{
	Fx *t = *state;
	fx_write(t, "sub/Cargo.toml", "[package]\n");
	const SourceFile *f;
	assert_int_equal(rd(t, "./sub/Cargo.toml", PROJECT_TOML, &f), PROJECT_OK);
	assert_string_equal(f->path, "ctx/sub/Cargo.toml");
	assert_string_equal(f->text, "[package]\n");
	assert_int_equal(rd(t, "nope.toml", PROJECT_TOML, &f), PROJECT_MISSING);
	assert_null(f);
	assert_int_equal(t->d.errors, 0);
}

static void a_symlink_out_of_the_context_is_refused(void **state)
{
	Fx *t = *state;
	assert_int_equal(symlink("/etc/passwd", fx_path(t, "Cargo.toml")), 0);
	assert_int_equal(symlink("/dev/zero", fx_path(t, "zero.toml")), 0);
	assert_int_equal(symlink("/etc", fx_path(t, "etc")), 0);
	const SourceFile *f;
	assert_int_equal(rd(t, "Cargo.toml", PROJECT_TOML, &f), PROJECT_FAILED);
	assert_true(fx_error_has(t, "'ctx/Cargo.toml' leads outside the build context (through a symlink or '..')"));
	assert_int_equal(rd(t, "zero.toml", PROJECT_TOML, &f), PROJECT_FAILED);
	assert_int_equal(rd(t, "etc/passwd", PROJECT_TEXT, &f), PROJECT_FAILED);
	assert_int_equal(rd(t, "../x", PROJECT_TEXT, &f), PROJECT_FAILED);
	assert_int_equal(rd(t, "a/../../x", PROJECT_TEXT, &f), PROJECT_FAILED);
	assert_int_equal(rd(t, "a/../x", PROJECT_TEXT, &f), PROJECT_MISSING);
	assert_int_equal(t->d.errors, 5);
}

static void a_symlink_inside_the_context_is_read(void **state)
{
	Fx *t = *state;
	fx_write(t, "real/package.json", "{}\n");
	assert_int_equal(symlink("real/package.json", fx_path(t, "package.json")), 0);
	assert_int_equal(symlink("real", fx_path(t, "alias")), 0);
	const SourceFile *f;
	assert_int_equal(rd(t, "package.json", PROJECT_JSON, &f), PROJECT_OK);
	assert_string_equal(f->text, "{}\n");
	assert_int_equal(rd(t, "alias/package.json", PROJECT_JSON, &f), PROJECT_OK);
	assert_int_equal(t->d.errors, 0);
}

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("reading a FIFO blocked");
}

static void a_fifo_does_not_block(void **state)
{
	Fx *t = *state;
	assert_int_equal(mkfifo(fx_path(t, "requirements.txt"), 0644), 0);
	signal(SIGALRM, on_alarm);
	alarm(5);
	const SourceFile *f;
	assert_int_equal(rd(t, "requirements.txt", PROJECT_TEXT, &f), PROJECT_FAILED);
	alarm(0);
	assert_true(fx_error_has(t, "'ctx/requirements.txt' is a FIFO (named pipe), not a regular file"));
}

static void devices_and_folders_are_refused(void **state)
{
	Fx *t = *state;
	Project dev;
	assert_true(project_init(&dev, t->a, &t->d, "/dev", "/dev"));
	const SourceFile *f;
	assert_int_equal(project_read(&dev, "zero", PROJECT_TOML, nopos, &f), PROJECT_FAILED);
	assert_true(fx_error_has(t, "'/dev/zero' is a character device, not a regular file"));
	fx_write(t, "dir/x", "");
	assert_int_equal(rd(t, "dir", PROJECT_TEXT, &f), PROJECT_FAILED);
	assert_string_equal(t->d.tail->msg, "'ctx/dir' is a folder, not a regular file; stagec reads project files "
					    "only when they are plain files: replace it with the file itself");
}

static void files_over_the_cap_are_refused(void **state)
{
	Fx *t = *state;
	FILE *fp = fopen(fx_path(t, "big.toml"), "w");
	assert_non_null(fp);
	for (int i = 0; i < PROJECT_TEXT_MAX / 16 + 1; i++)
		fputs("# 16 bytes ....\n", fp);
	fclose(fp);
	const SourceFile *f;
	assert_int_equal(rd(t, "big.toml", PROJECT_TOML, &f), PROJECT_FAILED);
	assert_true(fx_error_has(t, "more than stagec reads from a TOML project file (1024 KiB)"));
	/* the same size is fine for XML, and a Go file's head is cut, not refused */
	assert_int_equal(rd(t, "big.toml", PROJECT_XML, &f), PROJECT_FAILED); /* cached: read once */
	assert_int_equal(t->d.errors, 1);
	fx_write(t, "x.go", "package main\n");
	fp = fopen(fx_path(t, "x.go"), "a");
	for (int i = 0; i < PROJECT_HEAD_MAX / 16 + 10; i++)
		fputs("// 16 bytes ...\n", fp);
	fclose(fp);
	assert_int_equal(rd(t, "x.go", PROJECT_HEAD, &f), PROJECT_OK);
	assert_int_equal(f->len, PROJECT_HEAD_MAX);
}

/* ---- TOML -------------------------------------------------------------- */

static const TomlValue *toml(Fx *t, const char *text)
{
	SourceFile *f = source_from_string(t->a, "x.toml", text, strlen(text));
	return toml_parse(t->a, f, &t->d);
}

static const char *tstr(const TomlValue *root, const char *path)
{
	const TomlValue *v = toml_path(root, path);
	return v && v->kind == TOML_STRING ? v->str : NULL;
}

static void toml_multi_line_strings_do_not_fool_it(void **state)
{
	Fx *t = *state;
	const TomlValue *r = toml(t, "[package]\ndescription = \"\"\"\nname = \"wrong\"\n\"\"\"\n"
				     "notes = '''\n[package]\nname = 'wrong'\n'''\nname = \"right\"\n");
	assert_non_null(r);
	assert_string_equal(tstr(r, "package.name"), "right");
	assert_string_equal(tstr(r, "package.description"), "name = \"wrong\"\n");
	assert_int_equal(toml_path(r, "package.name")->pos.line, 9);
	assert_int_equal(toml_path(r, "package.name")->pos.col, 8);
}

static void toml_long_lines_are_read_whole(void **state)
{
	Fx *t = *state;
	Strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "[package]\ndescription = \"");
	for (int i = 0; i < 2000; i++)
		strbuf_addc(&sb, 'x');
	strbuf_adds(&sb, " name = \\\"wrong\\\"\"\nname = \"right\"\n");
	const TomlValue *r = toml(t, strbuf_str(&sb));
	strbuf_release(&sb);
	assert_non_null(r);
	assert_string_equal(tstr(r, "package.name"), "right");
	assert_int_equal(strlen(tstr(r, "package.description")), 2000 + 15);
}

static void toml_tables_arrays_and_inline_tables(void **state)
{
	Fx *t = *state;
	const TomlValue *r = toml(t, "title = 'x' # c\n[a.b]\nc.d = 1_000\n\"q.k\" = true\n"
				     "[[bin]]\nname = \"one\"\n[[bin]]\nname = \"two\"\npath = 'src/two.rs'\n"
				     "[deps]\nx = { path = \"../x\", version = \"1\" }\n"
				     "y = [\n  1, # one\n  2,\n]\nz = 0x1F\nf = 3.14\nd = 1979-05-27 07:32:00Z\n"
				     "esc = \"tab\\there\\u00e9\"\nml = \"\"\"\\\n   joined \\\n   line\"\"\"\n");
	assert_non_null(r);
	assert_int_equal(toml_path(r, "a.b.c.d")->integer, 1000);
	assert_true(toml_get(toml_path(r, "a.b"), "q.k")->boolean);
	const TomlValue *bins = toml_get(r, "bin");
	assert_int_equal(bins->kind, TOML_ARRAY);
	assert_int_equal(bins->n, 2);
	assert_string_equal(tstr(bins->items[1], "path"), "src/two.rs");
	assert_string_equal(tstr(r, "deps.x.path"), "../x");
	assert_int_equal(toml_path(r, "deps.y")->n, 2);
	assert_int_equal(toml_path(r, "deps.z")->integer, 31);
	assert_int_equal(toml_path(r, "deps.f")->kind, TOML_OTHER);
	assert_string_equal(toml_path(r, "deps.d")->str, "1979-05-27 07:32:00Z");
	assert_string_equal(tstr(r, "deps.esc"), "tab\there\xc3\xa9");
	assert_string_equal(tstr(r, "deps.ml"), "joined line");
	assert_int_equal(t->d.errors, 0);
}

static void toml_reads_a_pyproject(void **state)
{
	Fx *t = *state;
	const TomlValue *r = toml(t, "[build-system]\nrequires = [\"setuptools>=61\", \"wheel\"]\n"
				     "build-backend = \"setuptools.build_meta\"\n\n[project]\nname = \"demo\"\n"
				     "authors = [{name = \"A\", email = \"a@example.com\"}]\nrequires-python = \">=3.9\"\n"
				     "dependencies = [\n  \"flask>=3\",  # web\n  'local @ file:///x',\n]\n"
				     "[project.optional-dependencies]\ndev = [\"pytest\"]\n"
				     "[tool.coverage.report]\nfail_under = 90.5\nexclude_lines = [\n  \"pragma: no cover\",\n]\n"
				     "[tool.poetry.dependencies]\nmylib = { path = \"libs/mylib\", develop = true }\n");
	assert_non_null(r);
	assert_string_equal(tstr(r, "project.name"), "demo");
	assert_string_equal(tstr(toml_path(r, "project.authors")->items[0], "email"), "a@example.com");
	assert_int_equal(toml_path(r, "project.dependencies")->n, 2);
	assert_string_equal(toml_path(r, "project.dependencies")->items[1]->str, "local @ file:///x");
	assert_int_equal(toml_path(r, "tool.coverage.report.fail_under")->kind, TOML_OTHER);
	assert_true(toml_path(r, "tool.poetry.dependencies.mylib.develop")->boolean);
	assert_int_equal(t->d.errors, 0);
}

static void toml_errors_are_positioned(void **state)
{
	static const struct {
		const char *text, *msg;
		int line, col;
	} cases[] = {
		{"[package]\nname = \"broken\nversion = \"1\"\n", "this string is never closed on its line", 2, 8},
		{"a = 1\na = 2\n", "'a' is defined twice (first on line 1)", 2, 1},
		{"[t]\n[t]\n", "the table 't' is defined twice", 2, 1},
		{"name = hello\n", "'hello' is not a TOML value; put a string in quotes", 1, 8},
		{"name \"x\"\n", "expected '=' after the key 'name'", 1, 6},
		{"a = [1, 2\n", "this array is never closed", 1, 5},
		{"a = 1 b = 2\n", "expected the end of the line here", 1, 7},
		{"a = \"\\q\"\n", "unknown escape '\\q'", 1, 6},
		{"a = { b = 1\n", "expected ',' or '}' in an inline table", 1, 12},
		{"a = 99999999999999999999\n", "does not fit in 64 bits", 1, 5},
		{"a = 1\n[a.b]\n", "'a' is already a value (line 1)", 2, 2},
		{"x = \"\"\"\nnever closed\n", "this string is never closed; end it with \"\"\"", 1, 5},
	};
	Fx *t = *state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		Diags d;
		diags_init(&d, t->a, 5, false);
		SourceFile *f = source_from_string(t->a, "x.toml", cases[i].text, strlen(cases[i].text));
		assert_null(toml_parse(t->a, f, &d));
		assert_int_equal(d.errors, 1);
		if (!strstr(d.head->msg, cases[i].msg))
			fail_msg("case %zu: %s", i, d.head->msg);
		assert_int_equal(d.head->pos.line, cases[i].line);
		assert_int_equal(d.head->pos.col, cases[i].col);
	}
}

static void toml_nesting_is_bounded(void **state)
{
	Fx *t = *state;
	Strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "a = ");
	for (int i = 0; i < 10000; i++)
		strbuf_addc(&sb, '[');
	assert_null(toml(t, strbuf_str(&sb)));
	strbuf_release(&sb);
	assert_true(fx_error_has(t, "nested more than 64 deep"));
}

/* ---- local paths ------------------------------------------------------- */

static void local(Fx *t, const char *manifest, StrList *out, bool want_ok)
{
	assert_int_equal(project_local_paths(&t->p, ".", manifest, nopos, out), want_ok);
}

static void requirements_paths(void **state)
{
	Fx *t = *state;
	fx_write(t, "vendor/a/setup.py", "");
	fx_write(t, "vendor/b/setup.py", "");
	fx_write(t, "libs/c/setup.py", "");
	fx_write(t, "base.txt", "./libs/c  # the c lib\n");
	fx_write(t, "requirements.txt", "flask==3.0 # a/b\n./vendor/a\n-e ./vendor/b[extra]\n-r base.txt\n"
					"pkg @ https://example.com/x/y.whl\n--index-url https://example.com/simple\n"
					"-e .\n");
	StrList out = {0};
	local(t, "requirements.txt", &out, true);
	assert_int_equal(out.n, 4);
	assert_string_equal(out.v[0], "vendor/a/");
	assert_string_equal(out.v[1], "vendor/b/");
	assert_string_equal(out.v[2], "base.txt");
	assert_string_equal(out.v[3], "libs/c/");
}

static void requirements_paths_out_of_the_context_are_refused(void **state)
{
	Fx *t = *state;
	fx_write(t, "requirements.txt", "flask\n../shared/pkg\n-e /abs/pkg\nfile:///abs/x\n./missing\n");
	StrList out = {0};
	local(t, "requirements.txt", &out, false);
	assert_int_equal(out.n, 0);
	assert_int_equal(t->d.errors, 4);
	const Diag *g = t->d.head;
	assert_string_equal(g->pos.file->path, "ctx/requirements.txt");
	assert_int_equal(g->pos.line, 2);
	assert_int_equal(g->pos.col, 1);
	assert_true(strstr(g->msg, "'../shared/pkg' leads outside the build context"));
	assert_true(strstr(g->next->msg, "'/abs/pkg' is an absolute path"));
	assert_int_equal(g->next->pos.col, 4);
	assert_true(strstr(g->next->next->msg, "'/abs/x' is an absolute path"));
	assert_true(strstr(g->next->next->next->msg, "'./missing' does not exist (looked for 'ctx/missing')"));
}

static void package_json_composer_go_mod_cargo_gemfile(void **state)
{
	Fx *t = *state;
	fx_write(t, "lib/greet/package.json", "{}");
	fx_write(t, "lib/link/package.json", "{}");
	fx_write(t, "package.json", "{\n  \"dependencies\": {\"greet\": \"file:./lib/greet\", \"x\": \"^1.0\"},\n"
				    "  \"devDependencies\": {\"l\": \"link:lib/link\"}\n}\n");
	fx_write(t, "packages/util/composer.json", "{}");
	fx_write(t, "composer.json", "{\"repositories\": [{\"type\": \"vcs\", \"url\": \"https://x\"},\n"
				     " {\"type\": \"path\", \"url\": \"packages/util\"}]}\n");
	fx_write(t, "mods/a/go.mod", "module a\n");
	fx_write(t, "go.mod", "module m\n\nreplace example.com/a => ./mods/a // local\nreplace (\n"
			      "\texample.com/b v1.0.0 => example.com/c v1.1.0\n\texample.com/d => ../d\n)\n");
	fx_write(t, "crates/s/Cargo.toml", "[package]\n");
	fx_write(t, "Cargo.toml", "[dependencies]\ns = { path = \"crates/s\" }\nserde = \"1\"\n"
				  "[target.'cfg(unix)'.dev-dependencies.s2]\npath = \"crates/s\"\n");
	fx_write(t, "vendor/gems/g/g.gemspec", "");
	fx_write(t, "Gemfile", "gem 'g', path: 'vendor/gems/g'\ngem 'rails'\n");
	StrList out = {0};
	local(t, "package.json", &out, true);
	local(t, "composer.json", &out, true);
	local(t, "Cargo.toml", &out, true);
	local(t, "Gemfile", &out, true);
	assert_int_equal(out.n, 5);
	assert_string_equal(out.v[0], "lib/greet/");
	assert_string_equal(out.v[1], "lib/link/");
	assert_string_equal(out.v[2], "packages/util/");
	assert_string_equal(out.v[3], "crates/s/");
	assert_string_equal(out.v[4], "vendor/gems/g/");
	/* go.mod: ./mods/a is fine, ../d leaves the context: refused at its line */
	local(t, "go.mod", &out, false);
	assert_string_equal(out.v[5], "mods/a/");
	assert_int_equal(t->d.errors, 1);
	assert_int_equal(t->d.head->pos.line, 6);
	assert_true(fx_error_has(t, "'../d' leads outside the build context"));
}

static void a_path_outside_the_apps_folder_is_refused(void **state)
{
	Fx *t = *state;
	fx_write(t, "shared/x/setup.py", "");
	fx_write(t, "app/requirements.txt", "../shared/x\n");
	fx_write(t, "app/package.json", "{\"dependencies\": {\n  \"a\": \"file:../shared/x\"\n}}\n");
	StrList out = {0};
	assert_false(project_local_paths(&t->p, "app", "app/requirements.txt", nopos, &out));
	assert_true(fx_error_has(t, "leads outside the app's folder 'ctx/app'"));
	assert_false(project_local_paths(&t->p, "app", "app/package.json", nopos, &out));
	assert_int_equal(t->d.tail->pos.line, 2); /* the line of the value, found in the text */
	assert_int_equal(t->d.tail->pos.col, 8);
	fx_write(t, "app/composer.json", "{\"a\": [1,\n 2,,]}\n");
	assert_false(project_local_paths(&t->p, "app", "app/composer.json", nopos, &out));
	assert_int_equal(t->d.tail->pos.line, 2);
	assert_true(strstr(t->d.tail->msg, "is not valid JSON"));
}

/* ---- what to build ------------------------------------------------------ */

static const char *program(Fx *t, const char *which, const char *choice)
{
	bool unknown;
	t->p.program = (SStr){choice, nopos};
	t->p.cargo_done = false;
	return project_program(&t->p, ".", which, nopos, &unknown);
}

static void go_main_packages(void **state)
{
	Fx *t = *state;
	fx_write(t, "go.mod", "module m\n");
	fx_write(t, "internal/x/x.go", "package x\n");
	fx_write(t, "cmd/server/main.go", "// Copyright\n/* block\n package lib */\n//go:build linux\n\npackage main\n");
	fx_write(t, "cmd/server/main_test.go", "package main_test\n");
	fx_write(t, "cmd/tool/tool.go", "package mainly\n");
	assert_string_equal(program(t, "go-main", NULL), "./cmd/server");
	fx_write(t, "main.go", "package main // root\n");
	assert_null(program(t, "go-main", NULL));
	assert_true(fx_error_has(t, "has 2 main packages (., cmd/server); name the one to build with 'program:'"));
	assert_string_equal(program(t, "go-main", "./cmd/server/"), "./cmd/server");
	assert_string_equal(program(t, "go-main", "."), ".");
	assert_null(program(t, "go-main", "cmd/tool"));
	assert_true(strstr(t->d.tail->msg, "'cmd/tool' is not a main package"));
}

static void cargo_binaries(void **state)
{
	Fx *t = *state;
	fx_write(t, "Cargo.toml", "[package]\nname = \"pkg\"\n");
	assert_string_equal(program(t, "cargo-bin", NULL), "pkg");
	assert_string_equal(program(t, "cargo-bin-path", NULL), "src/main.rs");
	fx_write(t, "b/Cargo.toml", "[package]\nname = \"pkg\"\n[[bin]]\nname = \"srv\"\n");
	bool unknown;
	t->p.program = (SStr){0};
	t->p.cargo_done = false;
	assert_string_equal(project_program(&t->p, "b", "cargo-bin", nopos, &unknown), "srv");
	t->p.cargo_done = false;
	assert_string_equal(project_program(&t->p, "b", "cargo-bin-path", nopos, &unknown), "src/bin/srv.rs");
	t->p.cargo_done = false;
	assert_string_equal(project_program(&t->p, "b", "cargo-bin-dir", nopos, &unknown), "src/bin");
	fx_write(t, "c/Cargo.toml", "[package]\nname = \"pkg\"\n[[bin]]\nname = \"a\"\npath = \"a.rs\"\n"
				    "[[bin]]\nname = \"b\"\n");
	t->p.cargo_done = false;
	assert_null(project_program(&t->p, "c", "cargo-bin", nopos, &unknown));
	assert_true(fx_error_has(t, "has 2 binaries (a, b); name the one to build with 'program:'"));
	assert_int_equal(t->d.head->pos.line, 7);
	t->p.program = (SStr){"a", nopos};
	t->p.cargo_done = false;
	assert_string_equal(project_program(&t->p, "c", "cargo-bin-path", nopos, &unknown), "a.rs");
	t->p.cargo_done = false;
	assert_string_equal(project_program(&t->p, "c", "cargo-bin-dir", nopos, &unknown), ".");
	t->p.program = (SStr){"zzz", nopos};
	t->p.cargo_done = false;
	assert_null(project_program(&t->p, "c", "cargo-bin", nopos, &unknown));
	assert_true(strstr(t->d.tail->msg, "'zzz' is not a binary of 'ctx/c/Cargo.toml'; its binaries are a, b"));
	assert_null(project_program(&t->p, ".", "nonsense", nopos, &unknown));
	assert_true(unknown);
}

static void dotnet_project_files(void **state)
{
	Fx *t = *state;
	assert_null(program(t, "dotnet-project", NULL));
	assert_true(fx_error_has(t, "no .csproj file in 'ctx'"));
	fx_write(t, "Api.csproj", "<Project/>");
	assert_string_equal(program(t, "dotnet-project", NULL), "Api.csproj");
	fx_write(t, "Worker.csproj", "<Project/>");
	assert_null(program(t, "dotnet-project", NULL));
	assert_true(strstr(t->d.tail->msg, "has 2 project files (Api.csproj, Worker.csproj)"));
	assert_string_equal(program(t, "dotnet-project", "Worker.csproj"), "Worker.csproj");
	assert_null(program(t, "dotnet-project", "Other.csproj"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FX_TEST(reads_a_file_with_the_display_path),
		FX_TEST(a_symlink_out_of_the_context_is_refused),
		FX_TEST(a_symlink_inside_the_context_is_read),
		FX_TEST(a_fifo_does_not_block),
		FX_TEST(devices_and_folders_are_refused),
		FX_TEST(files_over_the_cap_are_refused),
		FX_TEST(toml_multi_line_strings_do_not_fool_it),
		FX_TEST(toml_long_lines_are_read_whole),
		FX_TEST(toml_tables_arrays_and_inline_tables),
		FX_TEST(toml_reads_a_pyproject),
		FX_TEST(toml_errors_are_positioned),
		FX_TEST(toml_nesting_is_bounded),
		FX_TEST(requirements_paths),
		FX_TEST(requirements_paths_out_of_the_context_are_refused),
		FX_TEST(package_json_composer_go_mod_cargo_gemfile),
		FX_TEST(a_path_outside_the_apps_folder_is_refused),
		FX_TEST(go_main_packages),
		FX_TEST(cargo_binaries),
		FX_TEST(dotnet_project_files),
	};
	return cmocka_run_group_tests_name("project", tests, NULL, NULL);
}
