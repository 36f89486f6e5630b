/*
 * source.c - reading a spec or template whole, and finding its lines.
 *
 * Files larger than SOURCE_MAX_BYTES are refused before they are read in
 * full, so a huge or endless file (a FIFO, /dev/zero) cannot exhaust memory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

SourceFile *source_from_string(Arena *a, const char *display_path, const char *text, size_t len)
{
	SourceFile *f = arena_alloc(a, sizeof(*f));
	f->path = arena_strdup(a, display_path);
	f->text = arena_strndup(a, text, len);
	f->len = len;
	return f;
}

SourceFile *source_read(Arena *a, const char *path, const char *display_path, Diags *d)
{
	SrcPos nopos = {0};
	const char *shown = display_path ? display_path : path;
	struct stat st;
	if (stat(path, &st) != 0) {
		diag_error(d, nopos, "cannot read '%s': %s", shown, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		diag_error(d, nopos, "'%s' is a folder; give the path of the spec file (e.g. '%s/app.yaml')",
			   shown, shown);
		return NULL;
	}
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		diag_error(d, nopos, "cannot read '%s': %s", shown, strerror(errno));
		return NULL;
	}
	char *buf = arena_alloc(a, SOURCE_MAX_BYTES + 2);
	size_t len = fread(buf, 1, SOURCE_MAX_BYTES + 1, fp);
	bool failed = ferror(fp);
	fclose(fp);
	if (failed) {
		diag_error(d, nopos, "cannot read '%s': read error", shown);
		return NULL;
	}
	if (len > SOURCE_MAX_BYTES) {
		diag_error(d, nopos, "'%s' is larger than %d bytes; a spec is a short file", shown,
			   SOURCE_MAX_BYTES);
		return NULL;
	}
	buf[len] = '\0';
	SourceFile *f = arena_alloc(a, sizeof(*f));
	f->path = arena_strdup(a, shown);
	f->text = buf;
	f->len = len;
	return f;
}

/* YAML's line breaks, as libyaml counts them for its marks: CR LF, LF,
 * a bare CR (old Mac files), NEL (U+0085), LS (U+2028) and PS (U+2029). */
size_t source_break_len(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t left = (size_t)(end - p);
	if (left == 0)
		return 0;
	if (u[0] == '\r')
		return left >= 2 && u[1] == '\n' ? 2 : 1;
	if (u[0] == '\n')
		return 1;
	if (left >= 2 && u[0] == 0xc2 && u[1] == 0x85)
		return 2;
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9))
		return 3;
	return 0;
}

const char *source_line(const SourceFile *f, int line, size_t *len)
{
	return source_line_from(f, f->text, 1, line, len);
}

const char *source_line_from(const SourceFile *f, const char *p, int l, int line, size_t *len)
{
	const char *end = f->text + f->len;
	if (l > line) {
		p = f->text;
		l = 1;
	}
	while (l < line && p < end) {
		size_t n = source_break_len(p, end);
		if (n) {
			p += n;
			l++;
		} else {
			p++;
		}
	}
	const char *e = p;
	while (e < end && !source_break_len(e, end))
		e++;
	*len = (size_t)(e - p);
	return p;
}
