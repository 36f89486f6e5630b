/*
 * sha256.c - SHA-256 (FIPS 180-4, section 6.2) for line 2 of every
 * generated file (inputs.c): hashes of the spec, the project files, the
 * policy chain, the templates and the file's own content.  One-shot and
 * incremental.
 *
 * On an x86-64 processor with the SHA extensions (most since 2017-2019:
 * AMD Zen, Intel Ice Lake), the compression function runs on them: each
 * sha256rnds2 instruction does two rounds, about ten times the speed of
 * the portable code, which every other machine runs (and which a test
 * compares it with: sha256_portable).  `stagec all` hashes every output
 * it writes, so this is a tenth of its work.
 */
#include <stdbool.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA256_X86 1
#endif

#include "internal.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void block(Sha256 *s, const unsigned char *p)
{
	uint32_t w[64];
	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 |
		       (uint32_t)p[4 * t + 3];
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = ROTR(w[t - 15], 7) ^ ROTR(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = ROTR(w[t - 2], 17) ^ ROTR(w[t - 2], 19) ^ (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
	uint32_t e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
	for (int t = 0; t < 64; t++) {
		uint32_t t1 = h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
		uint32_t t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

#ifdef SHA256_X86
/* The same compression on the SHA extensions, for nblocks blocks at p.
 * The state is kept as the instructions want it: ABEF and CDGH. */
__attribute__((target("sha,sse4.1,ssse3"))) static void blocks_x86(uint32_t h[8], const unsigned char *p,
								  size_t nblocks)
{
	/* each 32-bit word of a block is big-endian */
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i dcba = _mm_loadu_si128((const __m128i *)&h[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)&h[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
	for (; nblocks; nblocks--, p += 64) {
		__m128i abef0 = abef, cdgh0 = cdgh;
		__m128i w[4]; /* the message, four words at a time: w[j % 4] is words 4j..4j+3 */
		for (int j = 0; j < 4; j++)
			w[j] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * j)), swap);
		for (int j = 0; j < 16; j++) {
			__m128i wk = _mm_add_epi32(w[j & 3], _mm_loadu_si128((const __m128i *)&K[4 * j]));
			/* two rounds make the new ABEF, and the old ABEF is the
			 * new CDGH: after two pairs each is back in its place */
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
			if (j < 12) { /* words 4j+16..4j+19 */
				__m128i m = _mm_sha256msg1_epu32(w[j & 3], w[(j + 1) & 3]);
				m = _mm_add_epi32(m, _mm_alignr_epi8(w[(j + 3) & 3], w[(j + 2) & 3], 4));
				w[j & 3] = _mm_sha256msg2_epu32(m, w[(j + 3) & 3]);
			}
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	__m128i feba = _mm_shuffle_epi32(abef, 0x1B);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(feba, dchg, 0xF0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}
#endif

/* For a test: the portable code even where the extensions are. */
static _Thread_local bool portable_only;

void sha256_portable(bool on)
{
	portable_only = on;
}

#ifdef SHA256_X86
/* Whether the processor has the SHA extensions (CPUID leaf 7, EBX bit 29)
 * and SSSE3 and SSE4.1 (leaf 1, ECX bits 9 and 19), asked once: CPUID
 * itself, as GCC's and clang's __builtin_cpu_supports do not both know
 * "sha".  Valgrind's CPUID says no. */
static bool has_sha_x86(void)
{
	static _Atomic int known; /* 0 not asked, 1 no, 2 yes */
	int k = known;
	if (!k) {
		unsigned a, b, c, d;
		bool sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 29 & 1);
		bool sse = __get_cpuid(1, &a, &b, &c, &d) && (c >> 9 & 1) && (c >> 19 & 1);
		known = k = sha && sse ? 2 : 1;
	}
	return k == 2;
}
#endif

/* nblocks blocks at p into the state. */
static void blocks(Sha256 *s, const unsigned char *p, size_t nblocks)
{
#ifdef SHA256_X86
	if (!portable_only && has_sha_x86()) {
		blocks_x86(s->h, p, nblocks);
		return;
	}
#endif
	for (; nblocks; nblocks--, p += 64)
		block(s, p);
}

void sha256_init(Sha256 *s)
{
	static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	memcpy(s->h, H0, sizeof(H0));
	s->len = 0;
	s->used = 0;
}

void sha256_update(Sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	s->len += n;
	if (s->used) { /* a partial block first */
		size_t take = 64 - s->used < n ? 64 - s->used : n;
		memcpy(s->buf + s->used, p, take);
		s->used += take;
		p += take;
		n -= take;
		if (s->used < 64)
			return;
		blocks(s, s->buf, 1);
		s->used = 0;
	}
	if (n >= 64) { /* whole blocks straight from the input */
		blocks(s, p, n / 64);
		p += n / 64 * 64;
		n %= 64;
	}
	memcpy(s->buf, p, n);
	s->used = n;
}

/* Pads (a 1 bit, zeros, the length in bits as 64 bits) and writes 64 hex digits. */
void sha256_hex(Sha256 *s, char out[65])
{
	uint64_t bits = s->len * 8;
	unsigned char pad[72] = {0x80}; /* 0x80, zeros up to 56 mod 64, the length */
	size_t n = (s->used < 56 ? 56 : 120) - s->used;
	for (int i = 0; i < 8; i++)
		pad[n + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, pad, n + 8);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 4; j++) {
			unsigned v = (s->h[i] >> (24 - 8 * j)) & 0xff;
			out[8 * i + 2 * j] = "0123456789abcdef"[v >> 4];
			out[8 * i + 2 * j + 1] = "0123456789abcdef"[v & 15];
		}
	out[64] = '\0';
}

void sha256_of(const void *data, size_t n, char out[65])
{
	Sha256 s;
	sha256_init(&s);
	sha256_update(&s, data, n);
	sha256_hex(&s, out);
}
