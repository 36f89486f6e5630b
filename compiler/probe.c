/*
 * probe.c - reading one value from a project's own files.
 *
 * Templates need a few facts only the project knows: the name of the binary
 * cargo builds (Cargo.toml's [package] name), the jar Maven makes
 * (pom.xml's artifactId), the assembly .NET publishes.  A probe names the
 * file and the key; this file reads it.
 *   toml: "section.key" - a line-based reader for the simple form
 *         `key = "value"` under `[section]`; enough for the names templates
 *         ask for, not a TOML parser.
 *   xml:  an XPath evaluated with libxml2; the document is read with
 *         network access and entity loading off.
 * What comes back reaches the Dockerfile, so it must be a plain name
 * ([A-Za-z0-9._+-], not starting with '-'); anything else is an error.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "internal.h"

static bool plain_name(const char *s)
{
	if (!*s || *s == '-' || strlen(s) > 128)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("._+-", *p)))
			return false;
	return true;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static const char *toml_value(Arena *a, const char *path, const char *dotted)
{
	const char *dot = strrchr(dotted, '.');
	if (!dot)
		return NULL;
	char *section = arena_strndup(a, dotted, (size_t)(dot - dotted));
	const char *key = dot + 1;
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char line[1024];
	bool in_section = false;
	const char *found = NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		char *l = trim(line);
		if (l[0] == '[') {
			char *end = strchr(l, ']');
			in_section = end && (size_t)(end - l - 1) == strlen(section) &&
				     strncmp(l + 1, section, strlen(section)) == 0;
			continue;
		}
		if (!in_section || strncmp(l, key, strlen(key)) != 0)
			continue;
		char *rest = trim(l + strlen(key));
		if (*rest != '=')
			continue;
		rest = trim(rest + 1);
		if (*rest != '"' && *rest != '\'')
			continue;
		char *close = strchr(rest + 1, *rest);
		if (close)
			found = arena_strndup(a, rest + 1, (size_t)(close - rest - 1));
	}
	fclose(f);
	return found;
}

static const char *xml_value(Arena *a, const char *path, const char *xpath)
{
	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return NULL;
	const char *found = NULL;
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr obj = ctx ? xmlXPathEvalExpression((const xmlChar *)xpath, ctx) : NULL;
	if (obj && obj->type == XPATH_NODESET && obj->nodesetval && obj->nodesetval->nodeNr > 0) {
		xmlChar *text = xmlNodeGetContent(obj->nodesetval->nodeTab[0]);
		if (text) {
			found = arena_strdup(a, trim((char *)text));
			xmlFree(text);
		}
	}
	xmlXPathFreeObject(obj);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	return found;
}

const char *probe_read(Arena *a, const TmplProbe *p, const char *source_dir, Diags *d)
{
	const char *path = arena_printf(a, "%s/%s", source_dir, p->file);
	const char *value = strcmp(p->kind, "xml") == 0 ? xml_value(a, path, p->key) : toml_value(a, path, p->key);
	if (!value || !*value) {
		if (p->fallback)
			return p->fallback;
		diag_error(d, p->pos, "cannot read %s '%s' from '%s'; add it there, or set the value in the spec",
			   p->kind, p->key, p->file);
		return NULL;
	}
	if (!plain_name(value)) {
		SrcPos nopos = {0};
		diag_error(d, nopos, "'%s' in %s '%s' is not a plain name (letters, digits, '.', '_', '+', '-'); "
				     "stagec will not put it in a Dockerfile", value, p->file, p->key);
		return NULL;
	}
	return value;
}
