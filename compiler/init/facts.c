/*
 * facts.c - the small readers every language reader of compiler/init/
 * shares: a file's first meaningful line, the rest of a line after a word,
 * a quoted string, version files (.nvmrc, .python-version, .tool-versions),
 * libxml2 element helpers, and the values a reader sets (a list, a
 * commented line, a port found in the sources).  Each value keeps the file
 * and line it came from (init_from, detect.c).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "xmllib.h" /* libxml2, loaded when XML is first read */

#include "init/init.h"

const char *init_shown(Init *in)
{
	return in->p.display_dir;
}

StrList init_words(Arena *a, const char *first, ...)
{
	StrList l = {0};
	va_list ap;
	va_start(ap, first);
	for (const char *w = first; w; w = va_arg(ap, const char *))
		strlist_push(a, &l, w);
	va_end(ap);
	return l;
}

void init_set_list(Init *in, InitValue *v, StrList l, const char *from)
{
	init_set(v, init_yaml_list(in->a, &l), from);
}

/* A commented line: what the template would do, and why nothing is written. */
void init_set_comment(InitValue *v, const char *yaml, const char *why)
{
	if (v->yaml && !v->commented)
		return;
	v->yaml = yaml;
	v->from = why;
	v->commented = true;
}

void init_no_port(Init *in)
{
	init_set_comment(&in->s->port, "", "nothing in the project names a port");
}


/* The port a listen call in the sources names, else a commented line. */
void init_port_from_sources(Init *in, const char *dir, const char *const *exts, const char *const *needles)
{
	const char *from;
	int port = init_scan_tree(in, dir, exts, needles, "the listen address", &from);
	if (port)
		init_set(&in->s->port, arena_printf(in->a, "%d", port), from);
	else
		init_no_port(in);
}

const char *init_trim(Arena *a, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

/* The first line of f that is not blank or a comment (#); *ret_line its number. */
const char *init_first_line(Init *in, const SourceFile *f, int *ret_line)
{
	int line = 1;
	for (const char *p = f->text; *p; line++) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *t = init_trim(in->a, p, n);
		if (*t && *t != '#') {
			*ret_line = line;
			return t;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return NULL;
}

/* The rest of the first line of f that starts with word (after blanks); *ret_line. */
const char *init_line_after(Init *in, const SourceFile *f, const char *word, int *ret_line)
{
	size_t wn = strlen(word);
	int line = 1;
	for (const char *p = f->text; *p; line++) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *q = p;
		while (q < p + n && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(p + n - q) >= wn && strncmp(q, word, wn) == 0) {
			*ret_line = line;
			return init_trim(in->a, q + wn, (size_t)(p + n - q - wn));
		}
		if (!e)
			break;
		p = e + 1;
	}
	return NULL;
}

/* The quoted string after at in f ("..." or '...'), or NULL. */
const char *init_quoted_after(Init *in, const char *at)
{
	const char *q = at;
	while (*q && *q != '"' && *q != '\'' && *q != '\n')
		q++;
	if (*q != '"' && *q != '\'')
		return NULL;
	const char *e = strchr(q + 1, *q);
	return e ? arena_strndup(in->a, q + 1, (size_t)(e - q - 1)) : NULL;
}

/* .tool-versions: "nodejs 20.1.0" */
bool init_tool_versions(Init *in, const char *tool, const char *what)
{
	const SourceFile *f = init_has(in, ".tool-versions") ? init_read(in, ".tool-versions", PROJECT_TEXT) : NULL;
	int line;
	const char *v = f ? init_line_after(in, f, arena_printf(in->a, "%s ", tool), &line) : NULL;
	if (!v)
		return false;
	const char *sp = strchr(v, ' ');
	return init_set_version(in, sp ? arena_strndup(in->a, v, (size_t)(sp - v)) : v, (SrcPos){f, line, 1}, what,
				RANGE_NPM);
}

/* A file holding only a version (.nvmrc, .python-version, .ruby-version). */
bool init_version_file(Init *in, const char *rel, const char *strip, InitRangeStyle style)
{
	if (!init_has(in, rel))
		return false;
	const SourceFile *f = init_read(in, rel, PROJECT_TEXT);
	int line = 1;
	const char *v = f ? init_first_line(in, f, &line) : NULL;
	if (!v)
		return f == NULL;
	if (strip && strncmp(v, strip, strlen(strip)) == 0)
		v += strlen(strip);
	return init_set_version(in, v, (SrcPos){f, line, 1}, rel, style);
}

const char *init_file_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot ? dot : "";
}

bool init_is_test_name(const char *s)
{
	for (const char *p = s; *p; p++)
		if (strncasecmp(p, "test", 4) == 0)
			return true;
	return false;
}

/* A folder not searched for a project file: the walks' list, and .NET's output folders. */
bool init_skipped(const char *name)
{
	if (name[0] == '.' || strcmp(name, "bin") == 0 || strcmp(name, "obj") == 0)
		return true;
	for (const char *const *s = project_skipped_dirs; *s; s++)
		if (strcmp(*s, name) == 0)
			return true;
	return false;
}

/* ---- XML (pom.xml, .csproj) --------------------------------------------------- */

xmlNode *init_xchild(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

const char *init_xtext(Init *in, xmlNode *n)
{
	if (!n)
		return NULL;
	xmlChar *t = xmlNodeGetContent(n);
	if (!t)
		return NULL;
	const char *s = init_trim(in->a, (const char *)t, strlen((const char *)t));
	xmlFree(t);
	return *s ? s : NULL;
}

const char *init_xfrom(Init *in, const SourceFile *f, xmlNode *n, const char *what)
{
	return init_from(in, f, (int)xmlGetLineNo(n), what);
}
