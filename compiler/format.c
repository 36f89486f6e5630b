/*
 * format.c - printf-style formatting for strbuf_addf and arena_printf
 * without vsnprintf's cost.
 *
 * glibc's vsnprintf spends about 700 instructions on a call such as
 * " %s:%s=%s", copying each string byte by byte, and the callers ran it
 * twice (once for the length); a `stagec all` over 1,000 specs spent a
 * quarter of its instructions there.  fmt_format() does the conversions
 * stagec's own formats use, with printf's meaning: %s (a NULL pointer is
 * "(null)", as glibc prints it), %.*s, %c, %d, %ld, %lld, %u, %lu, %zu
 * and %%.  A format with anything else (flags, widths, %x ...) is not
 * touched and the caller uses vsnprintf, so every format means what C
 * says it means.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* Whether every conversion of fmt is one fmt_format() does. */
static bool supported(const char *fmt)
{
	for (const char *p = strchr(fmt, '%'); p; p = strchr(p, '%')) {
		p++;
		if (*p == '%' || *p == 's' || *p == 'c' || *p == 'd' || *p == 'u') {
			p++;
		} else if (p[0] == '.' && p[1] == '*' && p[2] == 's') {
			p += 3;
		} else if (p[0] == 'z' && p[1] == 'u') {
			p += 2;
		} else if (p[0] == 'l' && (p[1] == 'd' || p[1] == 'u')) {
			p += 2;
		} else if (p[0] == 'l' && p[1] == 'l' && p[2] == 'd') {
			p += 3;
		} else {
			return false;
		}
	}
	return true;
}

typedef struct Out {
	char *dst;
	size_t cap, len;
} Out;

static void put(Out *o, const char *s, size_t n)
{
	if (o->len < o->cap)
		memcpy(o->dst + o->len, s, n < o->cap - o->len ? n : o->cap - o->len);
	o->len += n;
}

static void put_unsigned(Out *o, uintmax_t v, bool negative)
{
	char digits[24];
	size_t i = sizeof(digits);
	do
		digits[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (negative)
		digits[--i] = '-';
	put(o, digits + i, sizeof(digits) - i);
}

static void put_signed(Out *o, intmax_t v)
{
	put_unsigned(o, v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v, v < 0);
}

int fmt_format(char *dst, size_t cap, const char *fmt, va_list ap)
{
	if (!supported(fmt))
		return -1;
	Out o = {dst, cap, 0};
	for (const char *p = fmt; *p;) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			put(&o, p, strlen(p));
			break;
		}
		put(&o, p, (size_t)(pct - p));
		p = pct + 1;
		switch (*p) {
		case '%': put(&o, "%", 1), p++; break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			put(&o, s, strlen(s));
			p++;
			break;
		}
		case '.': { /* %.*s */
			int prec = va_arg(ap, int);
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			/* printf reads no further than the precision */
			const char *end = prec < 0 ? NULL : memchr(s, '\0', (size_t)prec);
			put(&o, s, prec < 0 ? strlen(s) : end ? (size_t)(end - s) : (size_t)prec);
			p += 3;
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			put(&o, &c, 1);
			p++;
			break;
		}
		case 'd': put_signed(&o, va_arg(ap, int)), p++; break;
		case 'u': put_unsigned(&o, va_arg(ap, unsigned), false), p++; break;
		case 'z': put_unsigned(&o, va_arg(ap, size_t), false), p += 2; break;
		default: /* 'l' */
			if (p[1] == 'l')
				put_signed(&o, va_arg(ap, long long)), p += 3;
			else if (p[1] == 'd')
				put_signed(&o, va_arg(ap, long)), p += 2;
			else
				put_unsigned(&o, va_arg(ap, unsigned long), false), p += 2;
			break;
		}
	}
	if (o.len > INT32_MAX)
		return -1;
	if (cap)
		dst[o.len < cap ? o.len : cap - 1] = '\0';
	return (int)o.len;
}
