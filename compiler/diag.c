/*
 * diag.c - collecting and rendering diagnostics.
 *
 * Library code calls diag_error()/diag_warning()/diag_note(); nothing is
 * printed here.  The driver renders the list once, in source order, in the
 * form compilers use: "app.yaml:12:5: error: message", the source line, and
 * a caret under the column.  Columns are counted in characters (as libyaml
 * counts them), so the caret lines up under UTF-8 text and tabs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void diags_init(Diags *d, Arena *a, int max_errors, bool werror)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
	d->max_errors = max_errors > 0 ? max_errors : 20;
	d->werror = werror;
}

/* A message quotes spec text (a key, a value) and names the spec's path;
 * control characters in either are shown escaped, so that a message is
 * one line and cannot send escape sequences to the user's terminal.  A
 * message longer than DIAG_MSG_MAX bytes is cut short (a 64 KiB key
 * quoted 10,000 times would otherwise make gigabytes). */
static const char *visible(Arena *a, const char *msg)
{
	const char *p = msg;
	while (*p && (unsigned char)*p >= 0x20 && *p != 0x7f)
		p++;
	if (!*p && (size_t)(p - msg) <= DIAG_MSG_MAX)
		return msg;
	Strbuf sb = STRBUF_INIT;
	for (p = msg; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (sb.len >= DIAG_MSG_MAX && (c & 0xc0) != 0x80) {
			strbuf_adds(&sb, "...");
			break;
		}
		if (c == '\n')
			strbuf_adds(&sb, "\\n");
		else if (c == '\r')
			strbuf_adds(&sb, "\\r");
		else if (c == '\t')
			strbuf_adds(&sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(&sb, "\\x%02x", c);
		else
			strbuf_addc(&sb, (char)c);
	}
	const char *out = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

static void diag_vadd(Diags *d, DiagLevel level, bool alone, SrcPos pos, const char *fmt, va_list ap)
{
	if (level == DIAG_ERROR && ++d->errors > d->max_errors)
		return;
	if (level == DIAG_WARNING)
		d->warnings++;
	if (level == DIAG_NOTE && !alone && (!d->tail || d->errors > d->max_errors))
		return;
	Diag *g = arena_alloc(d->arena, sizeof(*g));
	g->level = level;
	g->alone = alone;
	g->pos = pos;
	g->msg = visible(d->arena, arena_vprintf(d->arena, fmt, ap));
	if (d->tail)
		d->tail->next = g;
	else
		d->head = g;
	d->tail = g;
}

#define DEFINE_DIAG(fn, level, alone)                                    \
	void fn(Diags *d, SrcPos pos, const char *fmt, ...)              \
	{                                                                \
		va_list ap;                                              \
		va_start(ap, fmt);                                       \
		diag_vadd(d, level, alone, pos, fmt, ap);                \
		va_end(ap);                                              \
	}
DEFINE_DIAG(diag_error, DIAG_ERROR, false)
DEFINE_DIAG(diag_warning, DIAG_WARNING, false)
DEFINE_DIAG(diag_note, DIAG_NOTE, false)
DEFINE_DIAG(diag_remark, DIAG_NOTE, true)

bool diags_failed(const Diags *d)
{
	return d->errors > 0 || (d->werror && d->warnings > 0);
}

/* A diagnostic and the notes that follow it move together. */
typedef struct Group {
	Diag *first, *last;
	size_t seq;
} Group;

static int pos_cmp(SrcPos a, SrcPos b)
{
	/* diagnostics without a position (file errors) come first */
	if (!a.file != !b.file)
		return a.file ? 1 : -1;
	if (a.file && b.file && a.file != b.file)
		return strcmp(a.file->path, b.file->path);
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	if (a.col != b.col)
		return a.col < b.col ? -1 : 1;
	return 0;
}

static int group_cmp(const void *pa, const void *pb)
{
	const Group *a = pa, *b = pb;
	int c = pos_cmp(a->first->pos, b->first->pos);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diags_sort(Diags *d)
{
	size_t n = 0;
	for (Diag *g = d->head; g; g = g->next)
		if (g->level != DIAG_NOTE || g->alone)
			n++;
	if (n < 2)
		return;
	Group *groups = calloc(n, sizeof(*groups));
	if (!groups)
		return; /* unsorted is still correct */
	size_t i = 0;
	for (Diag *g = d->head; g;) {
		groups[i].first = groups[i].last = g;
		groups[i].seq = i;
		g = g->next;
		while (g && g->level == DIAG_NOTE && !g->alone) {
			groups[i].last = g;
			g = g->next;
		}
		i++;
	}
	qsort(groups, n, sizeof(*groups), group_cmp);
	for (i = 0; i < n; i++)
		groups[i].last->next = i + 1 < n ? groups[i + 1].first : NULL;
	d->head = groups[0].first;
	d->tail = groups[n - 1].last;
	free(groups);
}

static const char *level_name(DiagLevel l)
{
	switch (l) {
	case DIAG_ERROR:
		return "error";
	case DIAG_WARNING:
		return "warning";
	case DIAG_NOTE:
		return "note";
	}
	return "error";
}

/* The length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 : (p[0] & 0xf0) == 0xe0 ? 3
		   : (p[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (len == 0 || len > n || (len == 2 && p[0] < 0xc2))
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* Writes the line with control characters and invalid UTF-8 shown as '?',
 * then a caret line padded with the same tabs and spaces as the text
 * before the column.  A byte-order mark is not part of the text. */
/* Where the last excerpt was found: diagnostics are rendered in source
 * order, so each search for a line starts there. */
typedef struct Cursor {
	const SourceFile *file;
	const char *at; /* the start of line */
	int line;
	size_t len;     /* its length, once found */
	int col;        /* a column of that line, and where it starts */
	size_t col_at;
} Cursor;

static void render_excerpt(Strbuf *out, SrcPos pos, Cursor *cur)
{
	size_t len;
	if (cur->file != pos.file) {
		cur->file = pos.file;
		cur->at = pos.file->text;
		cur->line = 1;
		cur->len = (size_t)-1;
	}
	const unsigned char *line;
	if (cur->line == pos.line && cur->len != (size_t)-1) {
		line = (const unsigned char *)cur->at;
		len = cur->len;
	} else {
		line = (const unsigned char *)source_line_from(pos.file, cur->at, cur->line, pos.line, &len);
		cur->at = (const char *)line;
		cur->line = pos.line;
		cur->len = len;
		cur->col = 1;
		cur->col_at = 0;
	}
	if (pos.line == 1 && len >= 3 && line[0] == 0xef && line[1] == 0xbb && line[2] == 0xbf) {
		line += 3;
		len -= 3;
	}
	char gutter[32];
	int w = snprintf(gutter, sizeof(gutter), "%5d", pos.line);
	strbuf_addf(out, "%s | ", gutter);
	Strbuf caret = STRBUF_INIT;
	/* a long line shows a window of EXCERPT_MAX characters around the
	 * column, with "..." for the parts left out */
	int first = pos.col > EXCERPT_MAX / 2 ? pos.col - EXCERPT_MAX / 2 : 1;
	int last = first + EXCERPT_MAX;
	if (first > 1) {
		strbuf_adds(out, "...");
		strbuf_adds(&caret, "   ");
	}
	/* skip to the window, from where the last excerpt of this line began */
	int col = 1;
	size_t i = 0;
	if (cur->col <= first) {
		col = cur->col;
		i = cur->col_at;
	}
	for (; i < len && col < first; col++) {
		size_t n = utf8_len(line + i, len - i);
		i += n ? n : 1;
	}
	cur->col = col;
	cur->col_at = i;
	for (; i < len && col < last;) {
		size_t n = utf8_len(line + i, len - i);
		bool shown = col >= first;
		bool pad = shown && col < pos.col;
		if (!shown) {
			n = n ? n : 1;
		} else if (n == 0 || (n == 1 && ((line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f))) {
			strbuf_addc(out, '?');
			n = n ? n : 1;
		} else {
			strbuf_add(out, (const char *)line + i, n);
		}
		if (pad)
			strbuf_addc(&caret, line[i] == '\t' ? '\t' : ' ');
		col++;
		i += n;
	}
	if (i < len)
		strbuf_adds(out, "...");
	strbuf_addc(out, '\n');
	for (; col < pos.col && col < last; col++)
		strbuf_addc(&caret, ' ');
	strbuf_addf(out, "%*s | %s^\n", w, "", strbuf_str(&caret));
	strbuf_release(&caret);
}

void diags_render(const Diags *d, Strbuf *out)
{
	size_t start = out->len;
	int left_out = 0;
	Cursor cur = {0};
	for (const Diag *g = d->head; g; g = g->next) {
		if (out->len - start > DIAG_RENDER_MAX) {
			left_out += g->level == DIAG_ERROR;
			continue;
		}
		if (g->pos.file)
			strbuf_addf(out, "%s:%d:%d: ", visible(d->arena, g->pos.file->path), g->pos.line, g->pos.col);
		else
			strbuf_adds(out, "stagec: ");
		const char *level = level_name(g->level);
		if (g->level == DIAG_WARNING && d->werror)
			level = "error";
		strbuf_addf(out, "%s: %s\n", level, g->msg);
		if (g->pos.file && g->pos.line > 0)
			render_excerpt(out, g->pos, &cur);
	}
	if (left_out)
		strbuf_addf(out, "stagec: note: %d more errors not shown (the messages above fill %d bytes)\n",
			    left_out, DIAG_RENDER_MAX);
	if (d->errors > d->max_errors)
		strbuf_addf(out, "stagec: note: %d more errors not shown (limit %d)\n",
			    d->errors - d->max_errors, d->max_errors);
}

/* Levenshtein distance, bounded: candidates are short keys. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = diag + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *suggest_closest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = 99;
	size_t limit = strlen(word) <= 4 ? 1 : strlen(word) <= 8 ? 2 : 3;
	for (size_t i = 0; i < n; i++) {
		size_t dist = edit_distance(word, candidates[i]);
		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

char *diags_render_text(Diags *d)
{
	diags_sort(d);
	Strbuf sb = STRBUF_INIT;
	diags_render(d, &sb);
	return strbuf_detach(&sb);
}

void diag_unknown_key(Diags *d, Arena *a, SrcPos pos, const char *key, const char *level,
		      const char *const *names, size_t n)
{
	const char *in = *level ? arena_printf(a, " in '%s'", level) : "";
	const char *near = suggest_closest(key, names, n);
	if (near) {
		diag_error(d, pos, "unknown key '%s'%s (did you mean '%s'?)", key, in, near);
		return;
	}
	Strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", names[i]);
	diag_error(d, pos, "unknown key '%s'%s; valid keys are %s", key, in, strbuf_str(&sb));
	strbuf_release(&sb);
}
