/*
 * probe.c - reading one value from a project's own files.
 *
 * Templates need a few facts only the project knows: the name of the
 * binary cargo builds, the jar Maven makes (pom.xml's artifactId), the
 * assembly .NET publishes, the Go main package.  A probe names the file and
 * the key; this file reads it through the project readers
 * (compiler/project/: one safe open, positions kept):
 *   toml:    "section.key", read with the TOML reader
 *   xml:     an XPath evaluated with libxml2 (no network, no entities),
 *            loaded on the first XML file (xmllib.h)
 *   program: which program to build (project_program: go-main,
 *            cargo-bin, cargo-bin-path, dotnet-project)
 * What comes back reaches the Dockerfile, so a toml or xml value must be a
 * plain name ([A-Za-z0-9._+-], not starting with '-'); anything else is an
 * error at the value's place in the project file.
 */
#include <string.h>

#include "xmllib.h"

#include "project/project.h"

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

static const char *trim(Arena *a, const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

static ProjectStatus xml_value(Project *p, const char *path, const char *xpath, SrcPos blame,
			       const char **ret, SrcPos *ret_pos)
{
	xmlDocPtr doc;
	ProjectStatus st = project_xml_read(p, path, blame, &doc);
	if (st != PROJECT_OK)
		return st;
	const SourceFile *f = project_entry(p, path)->file;
	const XmlLib *X = xmllib(); /* loaded: the document was read with it */
	xmlXPathContextPtr ctx = X->XPathNewContext(doc);
	xmlXPathObjectPtr obj = ctx ? X->XPathEvalExpression((const xmlChar *)xpath, ctx) : NULL;
	if (obj && obj->type == XPATH_NODESET && obj->nodesetval && obj->nodesetval->nodeNr > 0) {
		xmlNodePtr node = obj->nodesetval->nodeTab[0];
		xmlChar *text = X->NodeGetContent(node);
		if (text) {
			*ret = trim(p->a, (const char *)text);
			(*X->Free)(text);
		}
		long line = X->GetLineNo(node);
		*ret_pos = (SrcPos){f, line > 0 ? (int)line : 1, 1};
	}
	X->XPathFreeObject(obj);
	X->XPathFreeContext(ctx);
	X->FreeDoc(doc);
	return PROJECT_OK;
}

const char *probe_read(Project *p, const TmplProbe *probe, const char *source_dir, SrcPos blame)
{
	if (strcmp(probe->kind, "program") == 0) {
		bool unknown;
		const char *v = project_program(p, source_dir, probe->key, blame, &unknown);
		if (unknown)
			diag_error(p->d, probe->pos, "unknown program probe '%s'; use go-main, cargo-bin, "
						     "cargo-bin-path, cargo-bin-dir or dotnet-project", probe->key);
		return v;
	}
	const char *path = strcmp(source_dir, ".") == 0 ? probe->file
							: arena_printf(p->a, "%s/%s", source_dir, probe->file);
	const char *value = NULL;
	bool has_nul = false;
	SrcPos pos = blame;
	ProjectStatus st;
	if (strcmp(probe->kind, "xml") == 0) {
		st = xml_value(p, path, probe->key, blame, &value, &pos);
	} else {
		const TomlValue *root;
		st = project_toml(p, path, blame, &root);
		const TomlValue *v = st == PROJECT_OK ? toml_path(root, probe->key) : NULL;
		if (v && v->kind == TOML_STRING) {
			value = v->str;
			has_nul = strlen(v->str) != v->len;
			pos = v->pos;
		}
	}
	if (st == PROJECT_FAILED)
		return NULL;
	if (!value || !*value) {
		if (probe->fallback)
			return probe->fallback;
		if (st == PROJECT_MISSING)
			diag_error(p->d, blame, "'%s' does not exist; stagec reads %s '%s' from it: create it",
				   project_display(p, path), probe->kind, probe->key);
		else
			diag_error(p->d, blame, "'%s' has no %s '%s'; add it there", project_display(p, path),
				   probe->kind, probe->key);
		return NULL;
	}
	if (has_nul || !plain_name(value)) {
		diag_error(p->d, pos, "'%s' (%s '%s') is not a plain name (letters, digits, '.', '_', '+', '-'); "
				      "stagec will not put it in a Dockerfile", value, probe->kind, probe->key);
		return NULL;
	}
	return value;
}
