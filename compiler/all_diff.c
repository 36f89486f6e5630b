/*
 * all_diff.c - the unified diff `stagec all --check --diff` prints: what a
 * run would change in a generated file, with 3 lines of context, by the
 * longest common subsequence of the lines (fine for files of a few
 * hundred lines; a larger pair is shown as the whole file replaced).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "all.h"

typedef struct Lines {
	const char **v;
	size_t *len;
	size_t n;
} Lines;

static Lines split_lines(const char *text)
{
	Lines l = {0};
	size_t cap = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		if (l.n == cap) {
			cap = cap ? cap * 2 : 64;
			l.v = realloc(l.v, cap * sizeof(*l.v));
			l.len = realloc(l.len, cap * sizeof(*l.len));
			if (!l.v || !l.len)
				exit(2);
		}
		l.v[l.n] = p;
		l.len[l.n++] = len;
		p += len + (p[len] == '\n');
	}
	return l;
}

static bool same_line(const Lines *a, size_t i, const Lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->v[i], b->v[j], a->len[i]) == 0;
}

void all_print_diff(FILE *out, const char *name_a, const char *old, const char *name_b, const char *new)
{
	Lines a = split_lines(old), b = split_lines(new);
	size_t w = b.n + 1;
	if ((a.n + 1) > (size_t)16 * 1024 * 1024 / w) {
		/* too large for the table: the whole file replaced */
		fprintf(out, "--- %s\n+++ %s\n@@ -1,%zu +1,%zu @@\n", name_a, name_b, a.n, b.n);
		for (size_t i = 0; i < a.n; i++)
			fprintf(out, "-%.*s\n", (int)a.len[i], a.v[i]);
		for (size_t j = 0; j < b.n; j++)
			fprintf(out, "+%.*s\n", (int)b.len[j], b.v[j]);
		free(a.v), free(a.len), free(b.v), free(b.len);
		return;
	}
	unsigned *lcs = calloc((a.n + 1) * w, sizeof(*lcs));
	if (!lcs)
		exit(2);
	for (size_t i = a.n; i-- > 0;)
		for (size_t j = b.n; j-- > 0;)
			lcs[i * w + j] = same_line(&a, i, &b, j) ? lcs[(i + 1) * w + j + 1] + 1
				: lcs[(i + 1) * w + j] > lcs[i * w + j + 1] ? lcs[(i + 1) * w + j] : lcs[i * w + j + 1];
	/* the edit script: ' ' kept, '-' old only, '+' new only */
	size_t cap = a.n + b.n + 1, n = 0;
	char *op = malloc(cap);
	size_t *ia = malloc(cap * sizeof(size_t)), *ib = malloc(cap * sizeof(size_t));
	if (!op || !ia || !ib)
		exit(2);
	size_t i = 0, j = 0;
	while (i < a.n || j < b.n) {
		if (i < a.n && j < b.n && same_line(&a, i, &b, j)) {
			op[n] = ' ', ia[n] = i++, ib[n] = j++;
		} else if (i < a.n && (j == b.n || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
			op[n] = '-', ia[n] = i++, ib[n] = j; /* removals first, as diff -u */
		} else {
			op[n] = '+', ia[n] = i, ib[n] = j++;
		}
		n++;
	}
	fprintf(out, "--- %s\n+++ %s\n", name_a, name_b);
	const size_t ctx = 3;
	for (size_t k = 0; k < n;) {
		if (op[k] == ' ') {
			k++;
			continue;
		}
		/* a hunk: from ctx before this change to ctx after the last change
		 * that is within 2*ctx of the previous one */
		size_t start = k > ctx ? k - ctx : 0, end = k;
		for (size_t m = k; m < n; m++) {
			if (op[m] != ' ')
				end = m;
			else if (m - end > 2 * ctx)
				break;
		}
		end = end + ctx + 1 < n ? end + ctx + 1 : n;
		size_t na = 0, nb = 0;
		for (size_t m = start; m < end; m++) {
			na += op[m] != '+';
			nb += op[m] != '-';
		}
		fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ia[start] + (na ? 1 : 0), na, ib[start] + (nb ? 1 : 0), nb);
		for (size_t m = start; m < end; m++) {
			const Lines *l = op[m] == '+' ? &b : &a;
			size_t at = op[m] == '+' ? ib[m] : ia[m];
			fprintf(out, "%c%.*s\n", op[m], (int)l->len[at], l->v[at]);
		}
		k = end;
	}
	free(op);
	free(ia);
	free(ib);
	free(lcs);
	free(a.v);
	free(a.len);
	free(b.v);
	free(b.len);
}

