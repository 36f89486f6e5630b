/*
 * xml_path.c - the common XML probe without libxml2.
 *
 * Loading libxml2 costs a run about 3 M instructions (ICU and libstdc++
 * come with it: xmllib.h), ten times the rest of a compilation, to read
 * one name from a pom.xml or a .csproj.  The templates' XML probes are
 * all of one shape, an absolute path of local names:
 *   /(any element)[local-name()='project']/(any)[local-name()='artifactId']
 * (each step "/" "*" "[local-name()='NAME']"), and project files are
 * plain UTF-8 documents.  xml_path() answers that
 * case from the bytes, and declines (-1) everything else, for libxml2 to
 * answer as before: another XPath, a DOCTYPE, an encoding other than
 * UTF-8, an entity that is not predefined, a name that is not ASCII, an
 * element name with a prefix, a document nested deeper than
 * XML_PATH_DEPTH, and any mistake at all
 * (libxml2 then reports it, at its position).  So it never accepts a
 * document libxml2 refuses, and where both answer they agree:
 * tests/unit/test_probe.c runs both on the same documents.
 *
 * The answer is what libxml2's xmlNodeGetContent() and xmlGetLineNo()
 * give for the first element on the path in document order: the text
 * and CDATA below it, references decoded and line ends normalised to \n,
 * and the line of the end of its start tag.
 */
#include <string.h>

#include "project.h"

#define XML_PATH_STEPS 8
#define XML_PATH_DEPTH 200
#define XML_PATH_ATTRS 32

typedef struct Reader {
	const char *p, *end, *base;
	const char *step[XML_PATH_STEPS];
	size_t steplen[XML_PATH_STEPS];
	int nsteps;
	int capture;        /* depth of the element being captured, or -1 */
	bool found;
	const char *found_at; /* the end of its start tag */
	Strbuf text;
} Reader;

/* The path's steps, or false when xpath has another shape. */
static bool parse_xpath(Reader *r, const char *x)
{
	static const char head[] = "/*[local-name()='";
	r->nsteps = 0;
	while (*x) {
		if (strncmp(x, head, sizeof(head) - 1) != 0 || r->nsteps == XML_PATH_STEPS)
			return false;
		x += sizeof(head) - 1;
		const char *name = x;
		while ((*x >= 'a' && *x <= 'z') || (*x >= 'A' && *x <= 'Z') || (*x >= '0' && *x <= '9') ||
		       (x > name && (*x == '.' || *x == '-' || *x == '_')) || (x == name && *x == '_'))
			x++;
		if (x == name || strncmp(x, "']", 2) != 0)
			return false;
		r->step[r->nsteps] = name;
		r->steplen[r->nsteps++] = (size_t)(x - name);
		x += 2;
	}
	return r->nsteps > 0;
}

static bool at(const Reader *r, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(r->end - r->p) >= n && memcmp(r->p, s, n) == 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_space(Reader *r)
{
	while (r->p < r->end && is_space(*r->p))
		r->p++;
}

static bool name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* An ASCII name with at most one ':', neither first nor last. */
static bool read_name(Reader *r, const char **name, size_t *len)
{
	const char *s = r->p;
	if (s == r->end || !name_start(*s) || *s == ':')
		return false;
	int colons = 0;
	while (r->p < r->end && name_char(*r->p))
		colons += *r->p++ == ':';
	*name = s;
	*len = (size_t)(r->p - s);
	return colons <= 1 && s[*len - 1] != ':';
}

static void add_utf8(Strbuf *sb, unsigned long c)
{
	char b[4];
	size_t n;
	if (c < 0x80)
		b[0] = (char)c, n = 1;
	else if (c < 0x800)
		b[0] = (char)(0xc0 | c >> 6), b[1] = (char)(0x80 | (c & 0x3f)), n = 2;
	else if (c < 0x10000)
		b[0] = (char)(0xe0 | c >> 12), b[1] = (char)(0x80 | ((c >> 6) & 0x3f)), b[2] = (char)(0x80 | (c & 0x3f)),
		n = 3;
	else
		b[0] = (char)(0xf0 | c >> 18), b[1] = (char)(0x80 | ((c >> 12) & 0x3f)),
		b[2] = (char)(0x80 | ((c >> 6) & 0x3f)), b[3] = (char)(0x80 | (c & 0x3f)), n = 4;
	strbuf_add(sb, b, n);
}

static bool xml_char(unsigned long c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) ||
	       (c >= 0x10000 && c <= 0x10ffff);
}

/* One character of text at r->p (UTF-8 checked, an XML Char); false when
 * it is not one.  With keep, appends it, line ends normalised. */
static bool read_char(Reader *r, bool keep)
{
	const unsigned char *s = (const unsigned char *)r->p;
	if (s[0] >= 0x20 && s[0] < 0x80) { /* most of a document */
		r->p++;
		if (keep)
			strbuf_addc(&r->text, (char)s[0]);
		return true;
	}
	size_t left = (size_t)(r->end - r->p), n;
	unsigned long c;
	if (s[0] < 0x80)
		c = s[0], n = 1;
	else if (s[0] >= 0xc2 && s[0] <= 0xdf)
		c = s[0] & 0x1f, n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		c = s[0] & 0x0f, n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		c = s[0] & 0x07, n = 4;
	else
		return false;
	if (n > left)
		return false;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return false;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || !xml_char(c))
		return false;
	r->p += n;
	if (keep) {
		if (c == '\r') {
			if (r->p < r->end && *r->p == '\n')
				r->p++;
			c = '\n';
		}
		add_utf8(&r->text, c);
	} else if (c == '\r' && r->p < r->end && *r->p == '\n') {
		r->p++;
	}
	return true;
}

/* A reference after '&': a predefined entity or a character reference. */
static bool read_ref(Reader *r, bool keep)
{
	static const char *const names[] = {"lt;", "gt;", "amp;", "apos;", "quot;"};
	static const char values[] = "<>&'\"";
	r->p++;
	for (int i = 0; i < 5; i++)
		if (at(r, names[i])) {
			r->p += strlen(names[i]);
			if (keep)
				strbuf_addc(&r->text, values[i]);
			return true;
		}
	if (!at(r, "#"))
		return false;
	r->p++;
	bool hex = at(r, "x");
	r->p += hex;
	unsigned long c = 0;
	int digits = 0;
	for (; r->p < r->end && *r->p != ';'; r->p++, digits++) {
		char d = *r->p;
		int v = d >= '0' && d <= '9' ? d - '0' : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10
			: hex && d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
		if (v < 0 || digits > 8)
			return false;
		c = c * (hex ? 16 : 10) + (unsigned long)v;
	}
	if (!digits || r->p == r->end || !xml_char(c))
		return false;
	r->p++;
	if (keep)
		add_utf8(&r->text, c);
	return true;
}

/* After "<!--": the comment, "--" not inside. */
static bool read_comment(Reader *r)
{
	for (;;) {
		if (r->p == r->end)
			return false;
		if (at(r, "--")) {
			r->p += 2;
			return at(r, ">") && (r->p++, true);
		}
		if (!read_char(r, false))
			return false;
	}
}

/* After "<?": a processing instruction (not an XML declaration). */
static bool read_pi(Reader *r)
{
	const char *name;
	size_t len;
	if (!read_name(r, &name, &len) ||
	    (len == 3 && (name[0] | 0x20) == 'x' && (name[1] | 0x20) == 'm' && (name[2] | 0x20) == 'l'))
		return false;
	if (at(r, "?>"))
		return r->p += 2, true;
	if (r->p == r->end || !is_space(*r->p))
		return false;
	while (!at(r, "?>"))
		if (r->p == r->end || !read_char(r, false))
			return false;
	r->p += 2;
	return true;
}

/* Comments, PIs and white space outside the root element. */
static bool read_misc(Reader *r)
{
	for (;;) {
		skip_space(r);
		if (at(r, "<!--")) {
			r->p += 4;
			if (!read_comment(r))
				return false;
		} else if (at(r, "<?")) {
			r->p += 2;
			if (!read_pi(r))
				return false;
		} else {
			return true;
		}
	}
}

/* "NAME" = 'VALUE' in the XML declaration, white space before it; the
 * value one of the given ones. */
static bool decl_field(Reader *r, const char *name, const char *const *values)
{
	const char *save = r->p;
	skip_space(r);
	if (r->p == save || !at(r, name)) {
		r->p = save;
		return false;
	}
	r->p += strlen(name);
	skip_space(r);
	if (!at(r, "="))
		return false;
	r->p++;
	skip_space(r);
	if (r->p == r->end || (*r->p != '"' && *r->p != '\''))
		return false;
	char quote = *r->p++;
	for (; *values; values++) {
		size_t n = strlen(*values);
		if ((size_t)(r->end - r->p) > n && memcmp(r->p, *values, n) == 0 && r->p[n] == quote) {
			r->p += n + 1;
			return true;
		}
	}
	return false;
}

/* The XML declaration, when there is one: version 1.0, then optionally
 * encoding UTF-8 and standalone, in that order. */
static bool read_declaration(Reader *r)
{
	static const char *const versions[] = {"1.0", NULL};
	static const char *const encodings[] = {"UTF-8", "utf-8", NULL};
	static const char *const standalone[] = {"yes", "no", NULL};
	if (!at(r, "<?xml") || r->end - r->p < 6 || !is_space(r->p[5]))
		return true;
	r->p += 5;
	if (!decl_field(r, "version", versions))
		return false;
	const char *save = r->p;
	if (!decl_field(r, "encoding", encodings) && r->p != save)
		return false;
	save = r->p;
	if (!decl_field(r, "standalone", standalone) && r->p != save)
		return false;
	skip_space(r);
	if (!at(r, "?>"))
		return false;
	r->p += 2;
	return true;
}

/* After the name of a start tag: attributes up to '>' or "/>". */
static bool read_attributes(Reader *r, bool *empty)
{
	const char *names[XML_PATH_ATTRS];
	size_t lens[XML_PATH_ATTRS];
	int n = 0;
	for (;;) {
		bool space = r->p < r->end && is_space(*r->p);
		skip_space(r);
		if (at(r, "/>") || at(r, ">")) {
			*empty = *r->p == '/';
			r->p += *empty ? 2 : 1;
			return true;
		}
		if (!space || n == XML_PATH_ATTRS || !read_name(r, &names[n], &lens[n]))
			return false;
		for (int i = 0; i < n; i++)
			if (lens[i] == lens[n] && memcmp(names[i], names[n], lens[n]) == 0)
				return false; /* a duplicate */
		n++;
		skip_space(r);
		if (!at(r, "="))
			return false;
		r->p++;
		skip_space(r);
		if (r->p == r->end || (*r->p != '"' && *r->p != '\''))
			return false;
		char quote = *r->p++;
		while (r->p < r->end && *r->p != quote) {
			if (*r->p == '<' || (*r->p == '&' ? !read_ref(r, false) : !read_char(r, false)))
				return false;
		}
		if (r->p == r->end)
			return false;
		r->p++;
	}
}

/* The root element and everything below it. */
static bool read_element(Reader *r)
{
	const char *open[XML_PATH_DEPTH];
	size_t openlen[XML_PATH_DEPTH];
	bool on_path[XML_PATH_DEPTH];
	int depth = 0;
	for (;;) {
		/* at '<' of a start tag */
		if (!at(r, "<") || depth == XML_PATH_DEPTH)
			return false;
		r->p++;
		/* a prefixed element name is left to libxml2: its local-name()
		 * depends on whether the prefix is declared */
		if (!read_name(r, &open[depth], &openlen[depth]) || memchr(open[depth], ':', openlen[depth]))
			return false;
		on_path[depth] = depth < r->nsteps && (depth == 0 || on_path[depth - 1]) &&
				 openlen[depth] == r->steplen[depth] && memcmp(open[depth], r->step[depth], openlen[depth]) == 0;
		bool empty;
		if (!read_attributes(r, &empty))
			return false;
		if (!r->found && r->capture < 0 && on_path[depth] && depth == r->nsteps - 1) {
			r->found = true;
			r->found_at = r->p - 1;
			r->capture = empty ? -1 : depth;
		}
		if (!empty)
			depth++;
		/* content, up to the next start tag, or end tags */
		for (;;) {
			if (depth == 0)
				return true;
			bool keep = r->capture >= 0;
			if (r->p == r->end)
				return false;
			if (*r->p != '<' && *r->p != '&') { /* text */
				if ((*r->p == ']' && at(r, "]]>")) || !read_char(r, keep))
					return false;
			} else if (at(r, "</")) {
				r->p += 2;
				const char *name;
				size_t len;
				if (!read_name(r, &name, &len) || len != openlen[depth - 1] ||
				    memcmp(name, open[depth - 1], len) != 0)
					return false;
				skip_space(r);
				if (!at(r, ">"))
					return false;
				r->p++;
				depth--;
				if (r->capture == depth)
					r->capture = -1;
			} else if (at(r, "<!--")) {
				r->p += 4;
				if (!read_comment(r))
					return false;
			} else if (at(r, "<![CDATA[")) {
				r->p += 9;
				while (!at(r, "]]>"))
					if (r->p == r->end || !read_char(r, keep))
						return false;
				r->p += 3;
			} else if (at(r, "<?")) {
				r->p += 2;
				if (!read_pi(r))
					return false;
			} else if (at(r, "<")) {
				break; /* a child element */
			} else if (!read_ref(r, keep)) { /* at '&' */
				return false;
			}
		}
	}
}

int xml_path(Arena *a, const char *text, size_t len, const char *xpath, const char **value, int *line)
{
	Reader r = {.p = text, .end = text + len, .base = text, .capture = -1};
	if (!parse_xpath(&r, xpath))
		return -1;
	if (at(&r, "\xef\xbb\xbf"))
		r.p += 3;
	bool ok = read_declaration(&r) && read_misc(&r) && read_element(&r) && read_misc(&r) && r.p == r.end;
	int result = !ok ? -1 : r.found ? 1 : 0;
	if (result == 1) {
		*value = arena_strndup(a, r.text.buf ? r.text.buf : "", r.text.len);
		int n = 1;
		for (const char *s = text; s < r.found_at; s++)
			n += *s == '\n' || (*s == '\r' && s[1] != '\n');
		*line = n;
	}
	strbuf_release(&r.text);
	return result;
}
