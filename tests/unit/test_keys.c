/*
 * test_keys.c - spec.c's two key lists agree: the tables that read each
 * mapping, and key_homes[], which tells a misplaced key where it belongs.
 * A key added to one and not the other fails here; tests/docs checks the
 * same list against specs/schema.md and specs/app.schema.json.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

#define MAX 256

static bool has(const SpecKey *v, size_t n, const SpecKey *k)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].level, k->level) == 0 && strcmp(v[i].key, k->key) == 0)
			return true;
	return false;
}

static void test_tables_and_homes_agree(void **state)
{
	(void)state;
	SpecKey fields[MAX], homes[MAX];
	size_t nf = spec_keys(fields, MAX, false), nh = spec_keys(homes, MAX, true);
	assert_true(nf <= MAX && nh <= MAX);
	assert_true(nf > 20); /* the list is not empty or cut short */
	int missing = 0;
	for (size_t i = 0; i < nf; i++)
		if (!has(homes, nh, &fields[i])) {
			printf("key_homes[] lacks {\"%s\", \"%s\"}\n", fields[i].key, fields[i].level);
			missing++;
		}
	for (size_t i = 0; i < nh; i++)
		if (!has(fields, nf, &homes[i])) {
			printf("key_homes[] has {\"%s\", \"%s\"}, which no table reads\n", homes[i].key,
			       homes[i].level);
			missing++;
		}
	assert_int_equal(missing, 0);
	assert_int_equal(nf, nh);
}

/* Every mapping a table reads is a level of its own. */
static void test_levels_are_keys(void **state)
{
	(void)state;
	SpecKey k[MAX];
	size_t n = spec_keys(k, MAX, false);
	for (size_t i = 0; i < n; i++) {
		if (!*k[i].level)
			continue;
		const char *dot = strrchr(k[i].level, '.');
		SpecKey parent = {"", k[i].level};
		char buf[128];
		if (dot) {
			snprintf(buf, sizeof(buf), "%.*s", (int)(dot - k[i].level), k[i].level);
			parent = (SpecKey){buf, dot + 1};
		}
		if (!has(k, n, &parent))
			fail_msg("level '%s' is not a key of its parent", k[i].level);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_and_homes_agree),
		cmocka_unit_test(test_levels_are_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
