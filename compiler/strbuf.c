/*
 * strbuf.c - a growable string that owns its memory.
 *
 * Output text (Dockerfiles, IR dumps, rendered diagnostics) is built here.
 * The buffer is malloc'd, not arena memory, so it can outlive a
 * compilation through strbuf_detach().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void strbuf_grow(Strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	char *p = realloc(sb->buf, cap);
	if (!p) {
		fputs("stagec: out of memory\n", stderr);
		abort();
	}
	sb->buf = p;
	sb->cap = cap;
}

void strbuf_add(Strbuf *sb, const char *s, size_t n)
{
	strbuf_grow(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_adds(Strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addc(Strbuf *sb, char c)
{
	if (sb->len + 2 > sb->cap)
		strbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addf(Strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	/* fmt_format first (format.c), into what the buffer has room for */
	va_start(ap, fmt);
	size_t room = sb->cap > sb->len ? sb->cap - sb->len : 0;
	int n = fmt_format(room ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	bool fast = n >= 0;
	if (!fast) {
		va_start(ap, fmt);
		n = vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
	}
	if (n <= 0) {
		if (room)
			sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)n + 1 > room) {
		strbuf_grow(sb, (size_t)n);
		va_start(ap, fmt);
		if (fast)
			fmt_format(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
		else
			vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	} else if (!fast) {
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
}

void strbuf_reset(Strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

char *strbuf_detach(Strbuf *sb)
{
	char *p = sb->buf;
	if (!p) {
		p = malloc(1);
		if (!p)
			abort();
		p[0] = '\0';
	}
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void strbuf_release(Strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

const char *strbuf_str(const Strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}
