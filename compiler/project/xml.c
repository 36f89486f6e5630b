/*
 * xml.c - XML project files (pom.xml, .csproj) with libxml2.
 *
 * The document is parsed from the bytes project_read() returned, so
 * libxml2 never opens a file or the network itself (XML_PARSE_NONET; no
 * DTD loading, no entity substitution: an external entity stays an
 * unexpanded reference).  Its own printing is off; the parser context's
 * last error becomes one diagnostic at libxml2's line and column in the
 * file, instead of the bare "I/O error" libxml2 prints on its own.
 * libxml2 is loaded here, on the first XML file (xmllib.h); when it cannot
 * be, the file gets an error saying so.
 */
#include <string.h>

#include "project.h"
#include "xmllib.h"

struct _xmlDoc *project_xml(const SourceFile *f, Diags *d)
{
	if (f->len > (size_t)0x7fffffff) {
		diag_error(d, (SrcPos){f, 1, 1}, "'%s' is too large to read as XML", f->path);
		return NULL;
	}
	const XmlLib *X = xmllib();
	if (!X) {
		diag_error(d, (SrcPos){f, 1, 1}, "cannot read '%s' as XML: %s", f->path, xmllib_error());
		return NULL;
	}
	xmlParserCtxtPtr ctxt = X->NewParserCtxt();
	if (!ctxt) {
		diag_error(d, (SrcPos){f, 1, 1}, "cannot read '%s': out of memory", f->path);
		return NULL;
	}
	xmlDocPtr doc = X->CtxtReadMemory(ctxt, f->text, (int)f->len, f->path, NULL,
					  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || !ctxt->wellFormed) {
		const xmlError *e = X->CtxtGetLastError(ctxt);
		SrcPos pos = {f, 1, 1};
		const char *what = "it is not well-formed";
		if (e) {
			if (e->line > 0)
				pos.line = e->line;
			if (e->int2 > 0)
				pos.col = e->int2;
			if (e->message) {
				char *m = arena_strdup(d->arena, e->message);
				size_t n = strlen(m);
				while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
					m[--n] = '\0';
				what = m;
			}
		}
		diag_error(d, pos, "'%s' is not well-formed XML: %s; fix the file", f->path, what);
		if (doc)
			X->FreeDoc(doc);
		doc = NULL;
	}
	X->FreeParserCtxt(ctxt);
	return doc;
}

ProjectStatus project_xml_read(Project *p, const char *rel, SrcPos blame, struct _xmlDoc **ret)
{
	*ret = NULL;
	const SourceFile *f;
	ProjectStatus st = project_read(p, rel, PROJECT_XML, blame, &f);
	if (st != PROJECT_OK)
		return st;
	ProjectEntry *e = project_entry(p, rel);
	if (e->parse_failed)
		return PROJECT_FAILED;
	*ret = project_xml(f, p->d);
	e->parse_failed = !*ret;
	return *ret ? PROJECT_OK : PROJECT_FAILED;
}
