/*
 * arena.c - one bump allocator per compilation.
 *
 * The spec, the IR and every string they hold are allocated here and freed
 * together by arena_free().  Blocks are chained; a request larger than a
 * block gets a block of its own.  Memory comes back zeroed.  Running out of
 * memory aborts: there is nothing useful a compiler can do instead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ARENA_BLOCK (64 * 1024)

typedef struct Block {
	struct Block *next;
	size_t used, size;
	max_align_t data[];
} Block;

struct Arena {
	Block *head;
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		fputs("stagec: out of memory\n", stderr);
		abort();
	}
	return p;
}

static void *xcalloc(size_t n)
{
	void *p = calloc(1, n);
	if (!p) {
		fputs("stagec: out of memory\n", stderr);
		abort();
	}
	return p;
}

Arena *arena_new(void)
{
	return xcalloc(sizeof(Arena));
}

void arena_free(Arena *a)
{
	if (!a)
		return;
	for (Block *b = a->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *arena_alloc(Arena *a, size_t size)
{
	size_t align = sizeof(max_align_t);
	size = (size + align - 1) / align * align;
	if (size == 0)
		size = align;
	Block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		/* not zeroed here: each allocation is, below, so a compilation
		 * that uses a few KiB of a block zeroes only those */
		b = xmalloc(sizeof(Block) + cap);
		b->used = 0;
		b->size = cap;
		if (a->head && size > ARENA_BLOCK) {
			/* keep filling the current block; park the big one behind it */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(Arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(Arena *a, const char *fmt, va_list ap)
{
	/* fmt_format (format.c) into a buffer on the stack, then copied;
	 * vsnprintf for a format it leaves alone or a longer text */
	char small[256];
	va_list ap2;
	va_copy(ap2, ap);
	int n = fmt_format(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n >= 0 && (size_t)n < sizeof(small))
		return arena_strndup(a, small, (size_t)n);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
