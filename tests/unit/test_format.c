/*
 * test_format.c - format.c: strbuf_addf and arena_printf give what
 * vsnprintf gives, for the conversions fmt_format does and for those it
 * leaves to vsnprintf (widths, %x); long texts, empty texts, NULL
 * strings, %.*s that stops at the precision; realpath.c's answers are
 * realpath's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

/* Formats with strbuf_addf (after some text) and arena_printf, and with
 * vsnprintf, and compares. */
static void check(const char *fmt, ...)
{
	char want[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);

	char got[8192];
	va_start(ap, fmt);
	assert_true(fmt_format(got, sizeof(got), fmt, ap) >= -1);
	va_end(ap);

	Arena *a = arena_new();
	va_start(ap, fmt);
	const char *viaarena = arena_vprintf(a, fmt, ap);
	va_end(ap);
	assert_string_equal(viaarena, want);
	arena_free(a);
}

static void conversions(void **state)
{
	(void)state;
	check("plain");
	check("");
	check("%s:%s=%s", "file", "package.json", "0123456789ab");
	check("%d %d %u %zu %ld %lld", -42, 0, 7u, (size_t)123456789, -9000000000L, (long long)INT64_MIN);
	check("%c%c%%", 'a', 'b');
	check("[%.*s]", 3, "abcdef");
	check("[%.*s]", 10, "abc");
	check("[%.*s]", -1, "abc");
	check("%02x %-7s|%5d", 10, "ab", 3); /* left to vsnprintf */
	char long_text[3000];
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	check("%s and %s", long_text, "more"); /* longer than arena_vprintf's stack buffer */
}

static void strbuf_growth(void **state)
{
	(void)state;
	Strbuf sb = STRBUF_INIT;
	char want[16384] = "";
	for (int i = 0; i < 300; i++) {
		strbuf_addf(&sb, "%d:%s,", i, i % 2 ? "odd" : "even");
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%d:%s,", i, i % 2 ? "odd" : "even");
	}
	strbuf_addf(&sb, "%s", ""); /* adds nothing */
	strbuf_addf(&sb, "%04x", 255u); /* vsnprintf's */
	strcat(want, "00ff");
	assert_string_equal(strbuf_str(&sb), want);
	assert_int_equal(sb.len, strlen(want));
	strbuf_release(&sb);
	/* a precision stops the reading: the bytes need no terminator */
	char raw[3] = {'a', 'b', 'c'};
	strbuf_addf(&sb, "%.*s", 3, raw);
	assert_string_equal(strbuf_str(&sb), "abc");
	strbuf_release(&sb);
}

static void realpath_same(void **state)
{
	(void)state;
	const char *paths[] = {"tests/unit/test_format.c", "./tests/unit/../unit/test_format.c", "tests/unit",
			       "tests/unit/", "tests/unit/.", "tests/unit/..", "tests/unit/missing", "/", "/etc/hostname",
			       "tests/unit/test_format.c/x", "meson.build", "tests/unit//", "tests//unit/.", "tests/unit/./.",
			       "tests/unit/test_format.c/.", "tests/unit/test_format.c/", "tests/missing/.", "./.", "tests/."};
	for (int round = 0; round < 2; round++) /* the second from what was remembered */
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			char a[PATH_MAX], b[PATH_MAX];
			char *ra = realpath(paths[i], a), *rb = stagec_realpath(paths[i], b);
			assert_true((ra == NULL) == (rb == NULL));
			if (ra)
				assert_string_equal(a, b);
			/* and with the stat of what it names */
			struct stat want, got;
			char c[PATH_MAX];
			char *rc = stagec_realpath_stat(paths[i], c, &got);
			assert_true((ra == NULL) == (rc == NULL));
			if (ra) {
				assert_string_equal(a, c);
				assert_int_equal(stat(paths[i], &want), 0);
				assert_true(want.st_ino == got.st_ino && want.st_dev == got.st_dev);
				assert_int_equal(want.st_mode, got.st_mode);
			}
		}
	/* a symlink as the last component is resolved */
	char dir[] = "/tmp/stagec-realpath-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char link[PATH_MAX], real[PATH_MAX], got[PATH_MAX];
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink("/etc", link), 0);
	assert_non_null(realpath(link, real));
	assert_non_null(stagec_realpath(link, got));
	assert_string_equal(real, got);
	struct stat st;
	assert_non_null(stagec_realpath_stat(link, got, &st));
	assert_true(S_ISDIR(st.st_mode)); /* the folder it leads to, not the link */
	/* and so is a symlink to a folder named with "/." or "/" after it */
	char dotted[PATH_MAX + 2];
	snprintf(dotted, sizeof(dotted), "%s/.", link);
	assert_non_null(stagec_realpath(dotted, got));
	assert_string_equal(real, got);
	snprintf(dotted, sizeof(dotted), "%s/", link);
	assert_non_null(stagec_realpath(dotted, got));
	assert_string_equal(real, got);
	unlink(link);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conversions),
		cmocka_unit_test(strbuf_growth),
		cmocka_unit_test(realpath_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
