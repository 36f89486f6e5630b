/*
 * test_dockerignore.c - dockerignore.c: patterns matched the way Docker
 * matches them, the patterns a spec may add, and the lines stagec writes
 * (common, language, spec, then the secrets, which nothing brings back).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "stagec.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool excludes(Arena *a, const char *pattern, const char *path)
{
	StrList l = {0};
	strlist_push(a, &l, pattern);
	return dockerignore_excludes(a, &l, path);
}

static void test_matching(void **state)
{
	(void)state;
	Arena *a = arena_new();
	static const struct {
		const char *pattern, *path;
		bool out;
	} cases[] = {
		{"**/.env", ".env", true},         /* ** is zero folders too */
		{"**/.env", "a/b/.env", true},
		{"**/.env", ".env.local", false},
		{"**/.env.*", "config/.env.local", true},
		{".env", "config/.env", false},     /* no **: the root only */
		{".git", ".git/config", true},      /* a folder takes its files along */
		{"**/node_modules", "web/node_modules/x/y.js", true},
		{"build", "build", true},
		{"build", "src/build", false},
		{"*.pyc", "a.pyc", true},
		{"*.pyc", "pkg/a.pyc", false},      /* '*' stays in one folder */
		{"**/*.pyc", "pkg/sub/a.pyc", true},
		{"src/*/x", "src/a/x", true},
		{"src/*/x", "src/a/b/x", false},
		{"src/**/x", "src/a/b/x", true},
		{"./lib/", "lib/a.js", true},       /* cleaned as Docker cleans it */
		{"id_rs?", "id_rsa", true},
		{"[ab].txt", "b.txt", true},
		{"requirements.txt", "requirements.txt.bak", false},
		{"[!a]b", "cb", true},
		{"[!a]b", "ab", false},
		{"[^a-c]x", "bx", false},
		{"v[0-9].txt", "v7.txt", true},
		{"\\*.txt", "*.txt", true},
		{"\\*.txt", "a.txt", false},
		{"a/**", "a/b/c", true},
		{"**", "anything/at/all", true},
	};
	for (size_t i = 0; i < COUNT(cases); i++)
		if (excludes(a, cases[i].pattern, cases[i].path) != cases[i].out)
			fail_msg("'%s' on '%s': want %s", cases[i].pattern, cases[i].path,
				 cases[i].out ? "left out" : "kept");
	/* the last matching line decides */
	StrList l = {0};
	strlist_push(a, &l, "docs");
	strlist_push(a, &l, "!docs/keep.md");
	assert_true(dockerignore_excludes(a, &l, "docs/other.md"));
	assert_false(dockerignore_excludes(a, &l, "docs/keep.md"));
	strlist_push(a, &l, "**/*.md");
	assert_true(dockerignore_excludes(a, &l, "docs/keep.md"));
	arena_free(a);
}

/* Patterns a fuzzer would write: many `**`, many '*'.  The matcher's time
 * is the product of the lengths; a backtracking one would not finish. */
static void test_no_blowup(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Strbuf pat = STRBUF_INIT, path = STRBUF_INIT, stars = STRBUF_INIT, name = STRBUF_INIT;
	for (int i = 0; i < 1000; i++) {
		strbuf_adds(&pat, "**/a/");
		strbuf_adds(&path, "a/");
		strbuf_adds(&stars, "*a");
		strbuf_addc(&name, 'a');
	}
	strbuf_adds(&pat, "x");
	strbuf_adds(&path, "b");
	strbuf_adds(&stars, "*x");
	assert_false(excludes(a, strbuf_str(&pat), strbuf_str(&path)));
	assert_false(excludes(a, strbuf_str(&stars), strbuf_str(&name)));
	strbuf_release(&pat);
	strbuf_release(&path);
	strbuf_release(&stars);
	strbuf_release(&name);
	arena_free(a);
}

static void test_pattern_problems(void **state)
{
	(void)state;
	static const char *const good[] = {"tmp", "**/*.log", "!docs/keep.md", "a[bc]d", "x\\*y", "[]]"};
	static const char *const bad[] = {"", " ", "a\nb", "a\tb", "#note", " x", "x ", "!", "[ab", "a\\"};
	for (size_t i = 0; i < COUNT(good); i++)
		if (dockerignore_pattern_problem(good[i]))
			fail_msg("'%s' refused: %s", good[i], dockerignore_pattern_problem(good[i]));
	for (size_t i = 0; i < COUNT(bad); i++)
		if (!dockerignore_pattern_problem(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
}

static StagecResult *compile(const char *text)
{
	return stagec_compile_text("app.yaml", "examples/flask", text, strlen(text), NULL);
}

/* What stagec writes: common, language, spec, secrets, in this order. */
static void test_lines_in_order(void **state)
{
	(void)state;
	StagecResult *r = compile("language: python\ndockerignore: [notes/, \"!**/*.swp\"]\n");
	assert_true(stagec_result_ok(r));
	const char *t = stagec_result_dockerignore(r);
	const char *git = strstr(t, "\n**/.git\n"), *pyc = strstr(t, "\n**/__pycache__\n"),
		   *mine = strstr(t, "\nnotes/\n!**/*.swp\n"), *env = strstr(t, "\n**/.env\n");
	assert_non_null(git);
	assert_non_null(pyc);
	assert_non_null(mine);
	assert_non_null(env);
	assert_true(git < pyc && pyc < mine && mine < env);
	stagec_result_free(r);
}

static void test_spec_errors(void **state)
{
	(void)state;
	static const struct {
		const char *spec, *want;
	} cases[] = {
		{"language: python\ndockerignore: [\"!config/.env\"]\n",
		 "'!config/.env' would bring back a secret ('**/.env')"},
		{"language: python\ndockerignore: [requirements.txt]\n",
		 "app.yaml:2:16: error: the pattern 'requirements.txt' leaves 'requirements.txt' out"},
		{"language: python\ndockerignore: \"*.log\"\n",
		 "expected a list of strings for 'dockerignore', not a string"},
		{"language: python\ndockerignore: [\"#x\"]\n", "starts with '#'"},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		StagecResult *r = compile(cases[i].spec);
		assert_false(stagec_result_ok(r));
		if (!strstr(stagec_result_diagnostics(r), cases[i].want))
			fail_msg("for:\n%swant: %s\ngot:\n%s", cases[i].spec, cases[i].want,
				 stagec_result_diagnostics(r));
		stagec_result_free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_no_blowup),
		cmocka_unit_test(test_pattern_problems),
		cmocka_unit_test(test_lines_in_order),
		cmocka_unit_test(test_spec_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
