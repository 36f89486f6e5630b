/*
 * json.c - JSON project files (package.json, composer.json) with jansson.
 *
 * jansson parses from the bytes project_read() returned and reports the
 * line and column of a syntax error, which become the diagnostic's
 * position.  Duplicate keys are accepted (the last wins), as npm and
 * Composer accept them: stagec refuses no file its package manager reads.  jansson keeps no positions for values, so
 * json_pos() finds a key (and its string value) in the text to point a
 * later complaint at the right line.
 */
#include <string.h>

#include "project.h"

json_t *project_json(const SourceFile *f, Diags *d)
{
	json_error_t err;
	json_t *root = json_loadb(f->text, f->len, 0, &err);
	if (root)
		return root;
	SrcPos pos = {f, err.line > 0 ? err.line : 1, err.column > 0 ? err.column : 1};
	diag_error(d, pos, "'%s' is not valid JSON: %s; fix the file", f->path, err.text);
	return NULL;
}

static SrcPos pos_at(const SourceFile *f, const char *at)
{
	SrcPos pos = {f, 1, 1};
	const char *bol = f->text;
	for (const char *p = f->text; p < at; p++)
		if (*p == '\n') {
			pos.line++;
			bol = p + 1;
		}
	pos.col = (int)(at - bol) + 1;
	return pos;
}

/* The next occurrence of the JSON string s (quoted, unescaped) at or after from. */
static const char *find_quoted(const SourceFile *f, const char *from, const char *s)
{
	size_t n = strlen(s);
	const char *end = f->text + f->len;
	for (const char *p = from; p && p + n + 2 <= end; p++) {
		p = memchr(p, '"', (size_t)(end - p));
		if (!p || p + n + 2 > end)
			return NULL;
		if (memcmp(p + 1, s, n) == 0 && p[n + 1] == '"')
			return p;
	}
	return NULL;
}

SrcPos json_pos(const SourceFile *f, const char *key, const char *value)
{
	for (const char *k = find_quoted(f, f->text, key); k; k = find_quoted(f, k + 1, key)) {
		const char *p = k + strlen(key) + 2;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p != ':')
			continue; /* a value that looks like the key, not the key */
		if (value) {
			const char *v = find_quoted(f, p, value);
			if (v)
				return pos_at(f, v);
		}
		return pos_at(f, k);
	}
	return (SrcPos){f, 1, 1};
}
