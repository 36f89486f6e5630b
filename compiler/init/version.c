/*
 * version.c - which known version a project's version range allows.
 *
 * A range is a list of alternatives (separated by "||", or "|" in
 * Composer), each a list of comparators that must all hold (separated by
 * spaces or commas).  A comparator is an operator and a version:
 *   >= > <= < = == != and none (npm: "18" is 18.x)
 *   ^V            up to the next change of V's first non-zero part
 *   ~V            npm and Poetry: up to the next minor (next major for "~1");
 *                 Composer: as ~>
 *   ~=V  ~>V      up to the next change of V's second-to-last part
 *   3.x  3.*  *   any version with that prefix
 *   A - B         from A to B (npm)
 * A known version ("3.12") stands for its newest patch release, which is
 * what the image tag carries: its missing parts count as larger than any
 * number, and a comparator compares only the parts it names.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "init/init.h"

#define MAXPARTS 4
#define HUGE_PART 1000000000L

typedef struct Ver {
	long part[MAXPARTS];
	int n;         /* parts given */
	bool wildcard; /* "3.x": the parts after n are any */
} Ver;

/* Reads a version at *s ("v3.12.1", "3.x", "*"); advances *s. */
static bool read_ver(const char **s, Ver *v)
{
	const char *p = *s;
	*v = (Ver){0};
	if (*p == 'v' || *p == 'V')
		p++;
	for (;;) {
		if (*p == 'x' || *p == 'X' || *p == '*') {
			v->wildcard = true;
			p++;
		} else if (isdigit((unsigned char)*p)) {
			if (v->n == MAXPARTS || v->wildcard)
				return false;
			long x = 0;
			while (isdigit((unsigned char)*p) && x < HUGE_PART)
				x = x * 10 + (*p++ - '0');
			v->part[v->n++] = x;
		} else {
			return false;
		}
		if (*p != '.')
			break;
		p++;
	}
	/* a pre-release or build suffix ("-rc1", "+b2", "a1") counts as its version */
	while (*p && (isalnum((unsigned char)*p) || *p == '-' || *p == '+') && *p != ' ')
		p++;
	if (!v->n && !v->wildcard)
		return false;
	*s = p;
	return true;
}

/* Known k against c, over the parts c names: <0, 0, >0.  k's missing parts are the newest. */
static int cmp(const Ver *k, const Ver *c)
{
	for (int i = 0; i < c->n; i++) {
		long kp = i < k->n ? k->part[i] : HUGE_PART;
		if (kp != c->part[i])
			return kp < c->part[i] ? -1 : 1;
	}
	return 0;
}

/* The exclusive upper bound: c's part i raised by one, the rest dropped. */
static Ver bump(const Ver *c, int i)
{
	Ver up = *c;
	up.wildcard = false;
	if (i < 0)
		i = 0;
	if (i >= up.n) {
		up.n = i + 1;
		for (int j = c->n; j <= i; j++)
			up.part[j] = 0;
	}
	up.part[i]++;
	up.n = i + 1;
	return up;
}

static bool lower_ok(const Ver *k, const Ver *c)
{
	return cmp(k, c) >= 0;
}

static bool below(const Ver *k, const Ver *up)
{
	return cmp(k, up) < 0;
}

/* One comparator at *s; *ret is whether k satisfies it; false when unreadable. */
static bool comparator(const char **s, const Ver *k, InitRangeStyle style, bool *ret)
{
	const char *p = *s;
	char op[3] = {0};
	size_t n = 0;
	while (n < 2 && strchr("<>=!~^", *p) && *p)
		op[n++] = *p++;
	while (*p == ' ')
		p++;
	Ver c;
	if (!read_ver(&p, &c))
		return false;
	/* npm "A - B" */
	const char *q = p;
	while (*q == ' ')
		q++;
	if (!n && q[0] == '-' && q[1] == ' ') {
		q += 2;
		while (*q == ' ')
			q++;
		Ver hi;
		if (!read_ver(&q, &hi))
			return false;
		*ret = lower_ok(k, &c) && (hi.wildcard ? cmp(k, &hi) == 0 : cmp(k, &hi) <= 0);
		*s = q;
		return true;
	}
	*s = p;
	if (c.wildcard || (!n && style == RANGE_NPM)) {
		/* a prefix: "3.x", and npm's bare "18" */
		if (!n || strcmp(op, "=") == 0 || strcmp(op, "==") == 0) {
			*ret = cmp(k, &c) == 0;
			return true;
		}
		if (strcmp(op, "!=") == 0) {
			*ret = cmp(k, &c) != 0;
			return true;
		}
	}
	bool pessimistic = strcmp(op, "~=") == 0 || strcmp(op, "~>") == 0 ||
			   (strcmp(op, "~") == 0 && (style == RANGE_COMPOSER || style == RANGE_GEM));
	if (pessimistic) {
		*ret = lower_ok(k, &c) && below(k, (Ver[]){bump(&c, c.n - 2 < 0 ? 0 : c.n - 2)});
	} else if (strcmp(op, "~") == 0) {
		*ret = lower_ok(k, &c) && below(k, (Ver[]){bump(&c, c.n >= 2 ? 1 : 0)});
	} else if (strcmp(op, "^") == 0) {
		int i = 0;
		while (i < c.n - 1 && c.part[i] == 0)
			i++;
		*ret = lower_ok(k, &c) && below(k, (Ver[]){bump(&c, i)});
	} else if (strcmp(op, ">=") == 0) {
		*ret = cmp(k, &c) >= 0;
	} else if (strcmp(op, ">") == 0) {
		*ret = cmp(k, &c) > 0;
	} else if (strcmp(op, "<=") == 0) {
		*ret = cmp(k, &c) <= 0;
	} else if (strcmp(op, "<") == 0) {
		*ret = cmp(k, &c) < 0;
	} else if (!n || strcmp(op, "=") == 0 || strcmp(op, "==") == 0) {
		*ret = cmp(k, &c) == 0;
	} else if (strcmp(op, "!=") == 0) {
		*ret = cmp(k, &c) != 0;
	} else {
		return false;
	}
	return true;
}

int init_range_allows(const char *range, const char *known, InitRangeStyle style)
{
	Ver k;
	const char *kp = known;
	if (!read_ver(&kp, &k) || *kp || k.wildcard)
		return -1;
	const char *p = range;
	bool any_alt = false, ok_alt = true, empty_alt = true;
	for (;;) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p || *p == '|') {
			if (empty_alt)
				return -1; /* "" or ">=1 ||" */
			any_alt = any_alt || ok_alt;
			if (!*p)
				break;
			p += p[1] == '|' ? 2 : 1;
			if (p[-1] == '|' && p[-2] != '|' && style != RANGE_COMPOSER)
				return -1;
			ok_alt = true;
			empty_alt = true;
			continue;
		}
		bool r;
		if (!comparator(&p, &k, style, &r))
			return -1;
		ok_alt = ok_alt && r;
		empty_alt = false;
		if (*p && !strchr(" ,\t|", *p))
			return -1;
	}
	return any_alt ? 1 : 0;
}

bool init_version_plain(const char *text)
{
	const char *p = text;
	if (*p == 'v' || *p == 'V')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return false;
	return p[-1] != '.';
}

const char *init_range_best(const char *range, const StrList *known, InitRangeStyle style, bool *ret_bad)
{
	*ret_bad = false;
	const char *best = NULL;
	Ver bv = {0};
	for (size_t i = 0; i < known->n; i++) {
		Ver k;
		const char *kp = known->v[i];
		if (!read_ver(&kp, &k) || *kp)
			continue; /* "lts" */
		int r = init_range_allows(range, known->v[i], style);
		if (r < 0) {
			*ret_bad = true;
			return NULL;
		}
		if (r == 1 && (!best || cmp(&k, &bv) > 0 || (cmp(&k, &bv) == 0 && k.n > bv.n))) {
			best = known->v[i];
			bv = k;
		}
	}
	return best;
}
