/*
 * spec-keys.c - prints the keys the spec reader knows, one a line as
 * LEVEL.KEY ("run.healthcheck.interval"; a top-level key alone), from
 * spec.c's own tables.  tests/docs/check-docs.py compares this list with
 * specs/schema.md and specs/app.schema.json, so neither can drift from
 * the compiler.  A test tool; never installed.
 */
#include <stdio.h>

#include "internal.h"

int main(void)
{
	SpecKey keys[512];
	size_t n = spec_keys(keys, sizeof(keys) / sizeof(keys[0]), false);
	if (n > sizeof(keys) / sizeof(keys[0])) {
		fputs("spec-keys: more keys than this tool holds\n", stderr);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s%s%s\n", keys[i].level, *keys[i].level ? "." : "", keys[i].key);
	return 0;
}
