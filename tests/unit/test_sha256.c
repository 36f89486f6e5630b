/*
 * test_sha256.c - sha256.c against FIPS 180-4's example digests, and its
 * two compression functions (the processor's SHA instructions where it
 * has them, the portable code) against each other: every length from 0 to
 * 300 bytes and larger ones, in one update and fed in pieces of every
 * size, so that padding and block boundaries are crossed both ways.  On a
 * processor without the instructions both runs are the portable code (the
 * known digests still check it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void hash_pieces(const unsigned char *data, size_t n, size_t piece, char out[65])
{
	Sha256 s;
	sha256_init(&s);
	for (size_t at = 0; at < n; at += piece)
		sha256_update(&s, data + at, n - at < piece ? n - at : piece);
	sha256_hex(&s, out);
}

static void known_digests(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *hex;
	} v[] = {
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	};
	for (int portable = 0; portable < 2; portable++) {
		sha256_portable(portable);
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			char hex[65];
			sha256_of(v[i].text, strlen(v[i].text), hex);
			assert_string_equal(hex, v[i].hex);
		}
		/* a million 'a' */
		unsigned char *a = malloc(1000000);
		assert_non_null(a);
		memset(a, 'a', 1000000);
		char hex[65];
		sha256_of(a, 1000000, hex);
		assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
		free(a);
	}
	sha256_portable(false);
}

static void both_ways_agree(void **state)
{
	(void)state;
	enum { MAX = 4096 };
	unsigned char *data = malloc(MAX);
	assert_non_null(data);
	uint32_t x = 2463534242u; /* xorshift: the same bytes every run */
	for (size_t i = 0; i < MAX; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		data[i] = (unsigned char)x;
	}
	static const size_t pieces[] = {1, 3, 55, 56, 63, 64, 65, 127, 200, MAX};
	for (size_t n = 0; n <= MAX; n += n < 300 ? 1 : 97)
		for (size_t p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++) {
			char fast[65], slow[65];
			sha256_portable(false);
			hash_pieces(data, n, pieces[p], fast);
			sha256_portable(true);
			hash_pieces(data, n, MAX, slow);
			if (strcmp(fast, slow) != 0)
				fail_msg("%zu bytes in pieces of %zu: %s, portable %s", n, pieces[p], fast, slow);
		}
	sha256_portable(false);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_digests),
		cmocka_unit_test(both_ways_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
