/*
 * test_validate.c - the value grammars of validate.c.
 *
 * Each grammar gets a table of values it must accept and values it must
 * refuse.  The refused ones include what an attacker would try: text that
 * ends the Dockerfile line, chains a shell command, substitutes one, or
 * reads as an option.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Values no grammar may accept. */
static const char *const hostile[] = {
	"",
	" ",
	"a b",
	"a\nb",
	"a\rb",
	"a\tb",
	"a;b",
	"a&&b",
	"a||b",
	"a|b",
	"$(id)",
	"a$(id)",
	"${HOME}",
	"`id`",
	"a`id`",
	"'a'",
	"\"a\"",
	"a\\b",
	"a\nRUN rm -rf /",
	"curl\nRUN rm -rf /",
	"a>b",
	"a<b",
	"a\x7f",
	"a\x1b[31m",
	"a b c",
	"\n",
};

static void expect(bool (*fn)(const char *), const char *name, const char *const *v, size_t n, bool want)
{
	for (size_t i = 0; i < n; i++) {
		if (fn(v[i]) != want)
			fail_msg("%s(\"%s\") should be %s", name, v[i], want ? "true" : "false");
	}
}

#define ACCEPTS(fn, ...)                                                         \
	do {                                                                     \
		static const char *const v_[] = {__VA_ARGS__};                   \
		expect(fn, #fn, v_, COUNT(v_), true);                            \
	} while (0)
#define REFUSES(fn, ...)                                                         \
	do {                                                                     \
		static const char *const v_[] = {__VA_ARGS__};                   \
		expect(fn, #fn, v_, COUNT(v_), false);                           \
	} while (0)

static void test_all_refuse_hostile(void **state)
{
	(void)state;
	bool (*fns[])(const char *) = {valid_package_name, valid_env_name, valid_user_name,
				       valid_port, valid_duration, valid_image_ref,
				       valid_app_name, valid_context_path, valid_abs_path};
	const char *names[] = {"valid_package_name", "valid_env_name", "valid_user_name",
			       "valid_port", "valid_duration", "valid_image_ref",
			       "valid_app_name", "valid_context_path", "valid_abs_path"};
	for (size_t f = 0; f < COUNT(fns); f++)
		expect(fns[f], names[f], hostile, COUNT(hostile), false);
	/* label keys are looser (printable), but not with these */
	for (size_t i = 0; i < COUNT(hostile); i++) {
		const char *s = hostile[i];
		bool has_bad = strpbrk(s, " \t\n\r'\"`$\\\x7f\x1b") != NULL || *s == '\0';
		if (has_bad && valid_label_key(s))
			fail_msg("valid_label_key(\"%s\") should be false", s);
	}
}

static void test_null_is_invalid(void **state)
{
	(void)state;
	assert_false(valid_package_name(NULL));
	assert_false(valid_env_name(NULL));
	assert_false(valid_user_name(NULL));
	assert_false(valid_port(NULL));
	assert_false(valid_duration(NULL));
	assert_false(valid_image_ref(NULL));
	assert_false(valid_app_name(NULL));
	assert_false(valid_label_key(NULL));
	assert_false(valid_context_path(NULL));
	assert_false(valid_abs_path(NULL));
}

static void test_package_name(void **state)
{
	(void)state;
	ACCEPTS(valid_package_name, "libpq-dev", "libpq5", "g++", "libstdc++6", "python3.11",
		"build-essential", "ca-certificates", "0ad", "xz-utils", "lib32z1",
		"curl=7.88.1-10+deb12u5", "libssl3=3.0.11-1~deb12u2", "tzdata=2024a-0+deb12u1",
		"dpkg=1:1.21.22", "libc6:amd64", "libc6:arm64=2.36-9", "libc6:i386");
	REFUSES(valid_package_name, "a", "Libpq", "libPQ-dev", "libpq dev", "libpq_dev", "-y",
		"--allow-unauthenticated", "-libpq", "+libpq", ".libpq", "libpq/dev", "libpq*",
		"libpq?", "libpq=", "libpq=abc", "libpq=-1", "libpq= 1", "libpq=1 2", "libpq:",
		"libpq:AMD64", "libpq:-x", "libpq=1;id", "curl;id", "curl&&id", "curl$(id)",
		"curl`id`", "curl'", "curl\"", "curl\n", "curl\nRUN rm -rf /", "curl ",
		" curl", "libpq-dev=1.0=2", "libpq-dev\\", "é");
}

static void test_env_name(void **state)
{
	(void)state;
	ACCEPTS(valid_env_name, "A", "a", "_", "_A", "PATH", "APP_MODE", "x1", "Mixed_Case_9",
		"__", "A1B2");
	REFUSES(valid_env_name, "1A", "A-B", "A B", "A=B", "A.B", "-A", "A$", "$A", "A;", "A\n",
		"A\nRUN id", "A B=1", "é", "A:B", "A/B");
}

static void test_user_name(void **state)
{
	(void)state;
	ACCEPTS(valid_user_name, "app", "_app", "app-user", "app_1", "a", "root", "0", "1000",
		"app:app", "app:1000", "1000:1000", "0:0", "nobody", "4294967294",
		"abcdefghijklmnopqrstuvwxyz012345" /* 32 */);
	REFUSES(valid_user_name, "App", "APP", "1app", "-app", "app user", "app:", ":app",
		"app:group:x", "app:App", "00", "01000", "1000:01", "4294967295",
		"99999999999", "abcdefghijklmnopqrstuvwxyz0123456" /* 33 */, "app.user",
		"app;id", "app&&id", "app$(id)", "app`id`", "app'", "app\n", "app\nUSER root",
		"app#", "app/x", "-1", "+1", "1e3");
}

static void test_port(void **state)
{
	(void)state;
	ACCEPTS(valid_port, "1", "80", "443", "5000", "8080", "65535", "53/udp", "80/tcp",
		"65535/udp");
	REFUSES(valid_port, "0", "00", "080", "65536", "70000", "99999", "100000",
		"99999999999999999999", "-1", "+80", "80/", "80/sctp", "80/TCP", "/tcp", "tcp",
		"80 ", " 80", "80;id", "80\nEXPOSE 22", "8o", "80-90", "80:80", "1.5", "0x50");
}

static void test_duration(void **state)
{
	(void)state;
	ACCEPTS(valid_duration, "30s", "1m30s", "500ms", "1h", "1ns", "10us", "2h45m",
		"0s", "1m1s1ms", "999999999s");
	REFUSES(valid_duration, "30", "s", "1", "1.5s", "-1s", "+1s", "1 s", "1S", "1d", "1sec",
		"1m30", "m30s", "30s ", " 30s", "1000000000s", "30s;id", "30s\n", "1µs");
}

static void test_image_ref(void **state)
{
	(void)state;
	ACCEPTS(valid_image_ref, "python", "python:3.11-slim", "python:3.11", "library/python",
		"docker.io/library/python:3.11", "ghcr.io/owner/repo:v1.2.3", "scratch",
		"localhost/app", "localhost:5000/app:dev", "registry.example.com:443/a/b/c:tag",
		"golang:1.22-bookworm", "debian:bookworm-slim", "my_org/my__app", "a-b--c/d.e",
		"node:20", "gcr.io/distroless/static-debian12:nonroot", "x:_tag", "x:Tag",
		"python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"python:3.11@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"x:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 128 */);
	REFUSES(valid_image_ref, "Python", "python:", ":tag", "python:3.11 slim", "python::3",
		"python:-tag", "python:.tag", "/python", "python/", "a//b", "-python", "_python",
		"python_", "python.", "a.-b", "a___b", "python@sha256:abc", "python@md5:0123",
		"python@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
		"python@", "python:3@", "Registry.io/a", "host:port/a", "host:123456/a",
		"-host.io/a", "host-.io/a", "python:3;id", "python\nRUN id", "python && id",
		"python$(id)", "python`id`", "'python'", "python:3.11\n", "--platform=linux/amd64",
		"x:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 129 */);
}

static void test_image_ref_length(void **state)
{
	(void)state;
	char name[300];
	memset(name, 'a', sizeof(name) - 1);
	name[255] = '\0';
	assert_true(valid_image_ref(name));
	name[255] = 'a';
	name[256] = '\0';
	assert_false(valid_image_ref(name));
}

static void test_app_name(void **state)
{
	(void)state;
	ACCEPTS(valid_app_name, "my-app", "app", "a", "0", "my.app", "my_app", "app2", "a-b.c_d");
	REFUSES(valid_app_name, "My-App", "-app", ".app", "_app", "my app", "my/app", "app:1",
		"app@x", "app;id", "app\n", "é");
	char name[130];
	memset(name, 'a', sizeof(name));
	name[128] = '\0';
	assert_true(valid_app_name(name));
	name[128] = 'a';
	name[129] = '\0';
	assert_false(valid_app_name(name));
}

static void test_label_key(void **state)
{
	(void)state;
	ACCEPTS(valid_label_key, "org.opencontainers.image.source", "maintainer", "a", "A-B_c.d",
		"com.example/x", "k:v", "x;y", "x&y", "x(y)");
	REFUSES(valid_label_key, "a=b", "=", "a b", "a\tb", "a\nb", "a\"b", "a'b", "a`b", "a$b",
		"$(id)", "a\\b", "é", "a\x7f", "a\x01", "#x", "#", "--network", "-a", "_a", ".a", "");
}

static void test_context_path(void **state)
{
	(void)state;
	ACCEPTS(valid_context_path, ".", "./", "src", "src/", "./src", "src/app", "requirements.txt",
		"requirements/prod.txt", "a..b", "..a", "a/..b/c", "a/b..", "...", "go.mod",
		"package-lock.json", "a+b", "a@b", "_x", "a//b", "./-x");
	REFUSES(valid_context_path, "", "/", "/etc", "/etc/passwd", "..", "../", "../x", "a/..",
		"a/../b", "a/../../b", "./..", "-x", "--from=x", "a b", "a\nb", "a\tb", "a;b",
		"a&&b", "$(id)", "a`id`", "a'b", "a\"b", "a\\b", "~/x", "a*", "a?", "a[1]",
		"a:b", "a#b", "a,b", "a=b", "é", "a\x7f");
}

static void test_abs_path(void **state)
{
	(void)state;
	ACCEPTS(valid_abs_path, "/", "/app", "/app/", "/srv/my-app", "/opt/venv", "/a..b",
		"/home/app/.cache");
	REFUSES(valid_abs_path, "", "app", "./app", "/..", "/app/..", "/app/../etc", "/../etc",
		"/a b", "/app\n", "/app;id", "/app$(id)", "/app`id`", "/app'", "~/app", "/app\\x");
}

static void test_control_chars(void **state)
{
	(void)state;
	assert_false(has_control_chars(""));
	assert_false(has_control_chars("plain text, with $ and 'quotes' and é"));
	assert_false(has_control_chars("~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"));
	assert_true(has_control_chars("a\nb"));
	assert_true(has_control_chars("a\rb"));
	assert_true(has_control_chars("a\tb"));
	assert_true(has_control_chars("\x01"));
	assert_true(has_control_chars("\x1b[2J"));
	assert_true(has_control_chars("a\x1f"));
	assert_true(has_control_chars("a\x7f"));
	assert_false(has_control_chars("\x20"));
	assert_false(has_control_chars("\x80\xff")); /* bytes of UTF-8 sequences */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_refuse_hostile),
		cmocka_unit_test(test_null_is_invalid),
		cmocka_unit_test(test_package_name),
		cmocka_unit_test(test_env_name),
		cmocka_unit_test(test_user_name),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_image_ref),
		cmocka_unit_test(test_image_ref_length),
		cmocka_unit_test(test_app_name),
		cmocka_unit_test(test_label_key),
		cmocka_unit_test(test_context_path),
		cmocka_unit_test(test_abs_path),
		cmocka_unit_test(test_control_chars),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
