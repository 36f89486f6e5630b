/*
 * test_init_version.c - version ranges as package managers write them
 * (compiler/init/version.c): which known version each allows, the highest
 * one, plain versions, and ranges that cannot be read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "init/init.h"

static void test_operators(void **state)
{
	(void)state;
	assert_int_equal(init_range_allows(">=3.9", "3.13", RANGE_PEP440), 1);
	assert_int_equal(init_range_allows(">=3.9", "3.8", RANGE_PEP440), 0);
	assert_int_equal(init_range_allows(">=3.10,<3.13", "3.12", RANGE_PEP440), 1);
	assert_int_equal(init_range_allows(">=3.10,<3.13", "3.13", RANGE_PEP440), 0);
	/* a known version is its newest patch: 3.11 (3.11.x, newest) passes >=3.11.4, fails <3.11.4 */
	assert_int_equal(init_range_allows(">=3.11.4", "3.11", RANGE_PEP440), 1);
	assert_int_equal(init_range_allows("<3.11.4", "3.11", RANGE_PEP440), 0);
	assert_int_equal(init_range_allows("==3.12.*", "3.12", RANGE_PEP440), 1);
	assert_int_equal(init_range_allows("==3.12.*", "3.11", RANGE_PEP440), 0);
	assert_int_equal(init_range_allows("!=3.12", "3.12", RANGE_PEP440), 0);
	assert_int_equal(init_range_allows("~=3.10", "3.13", RANGE_PEP440), 1);   /* >=3.10, <4 */
	assert_int_equal(init_range_allows("~=3.10.2", "3.11", RANGE_PEP440), 0); /* >=3.10.2, <3.11 */
}

static void test_npm(void **state)
{
	(void)state;
	assert_int_equal(init_range_allows("18", "18", RANGE_NPM), 1); /* 18.x */
	assert_int_equal(init_range_allows("18", "20", RANGE_NPM), 0);
	assert_int_equal(init_range_allows("^18.2.0", "18", RANGE_NPM), 1);
	assert_int_equal(init_range_allows("^18.2.0", "20", RANGE_NPM), 0);
	assert_int_equal(init_range_allows("~20.1", "20", RANGE_NPM), 0); /* >=20.1, <20.2: the newest 20 is later */
	assert_int_equal(init_range_allows(">=18 <21", "20", RANGE_NPM), 1);
	assert_int_equal(init_range_allows(">=18 <21", "22", RANGE_NPM), 0);
	assert_int_equal(init_range_allows("^16 || ^22", "22", RANGE_NPM), 1);
	assert_int_equal(init_range_allows("^16 || ^22", "20", RANGE_NPM), 0);
	assert_int_equal(init_range_allows("16 - 20", "20", RANGE_NPM), 1);
	assert_int_equal(init_range_allows("16 - 20", "22", RANGE_NPM), 0);
	assert_int_equal(init_range_allows("20.x", "20", RANGE_NPM), 1);
	assert_int_equal(init_range_allows("*", "22", RANGE_NPM), 1);
	assert_int_equal(init_range_allows("^0.2.3", "0.3", RANGE_NPM), 0); /* ^0.2 stays below 0.3 */
}

static void test_composer_and_gems(void **state)
{
	(void)state;
	assert_int_equal(init_range_allows("^8.1", "8.3", RANGE_COMPOSER), 1);
	assert_int_equal(init_range_allows("~8.1", "8.3", RANGE_COMPOSER), 1);   /* Composer: >=8.1, <9 */
	assert_int_equal(init_range_allows("~8.1.0", "8.2", RANGE_COMPOSER), 0); /* >=8.1.0, <8.2 */
	assert_int_equal(init_range_allows("^7.4 | ^8.0", "8.2", RANGE_COMPOSER), 1);
	assert_int_equal(init_range_allows("~> 3.2", "3.3", RANGE_GEM), 1);
	assert_int_equal(init_range_allows("~> 3.2.0", "3.3", RANGE_GEM), 0);
	assert_int_equal(init_range_allows(">= 3.1, < 3.3", "3.2", RANGE_GEM), 1);
}

static void test_best_and_bad(void **state)
{
	(void)state;
	StrList known = {0};
	Arena *a = arena_new();
	const char *v[] = {"18", "20", "22", "lts"};
	for (size_t i = 0; i < 4; i++)
		strlist_push(a, &known, v[i]);
	bool bad;
	assert_string_equal(init_range_best(">=18", &known, RANGE_NPM, &bad), "22");
	assert_string_equal(init_range_best("^18 || ^20", &known, RANGE_NPM, &bad), "20");
	assert_null(init_range_best(">=24", &known, RANGE_NPM, &bad));
	assert_false(bad);
	assert_null(init_range_best(">=eighteen", &known, RANGE_NPM, &bad));
	assert_true(bad);
	assert_int_equal(init_range_allows("", "18", RANGE_NPM), -1);
	assert_int_equal(init_range_allows(">=18 ||", "18", RANGE_NPM), -1);
	assert_int_equal(init_range_allows(">=18 | <20", "18", RANGE_NPM), -1); /* one bar is Composer's */
	assert_true(init_version_plain("17"));
	assert_true(init_version_plain("3.11.6"));
	assert_true(init_version_plain("v20.1.0"));
	assert_false(init_version_plain(">=17"));
	assert_false(init_version_plain("3.11."));
	assert_false(init_version_plain("lts"));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_npm),
		cmocka_unit_test(test_composer_and_gems),
		cmocka_unit_test(test_best_and_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
