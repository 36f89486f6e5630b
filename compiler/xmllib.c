/*
 * xmllib.c - loading libxml2 on first use (see xmllib.h).
 *
 * Each function is looked up by its name with dlsym into the XmlLib field
 * of its type (the prototypes of libxml2's headers, in xmllib.h).  The
 * library stays loaded until the process ends.  RTLD_LAZY: libstdc++,
 * which comes with libxml2 (through ICU), then binds its functions when
 * first called rather than all at once (1.4 M instructions less);
 * libxml2 and ICU are linked with BIND_NOW and are bound at once anyway.
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "xmllib.h"

#define XMLLIB_DEFAULT "libxml2.so.2"

static XmlLib lib;
static void *handle;
static atomic_int state; /* 0 not tried, 1 loaded, -1 failed */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER; /* stagec all's threads */
static char error[512];

/* Each field of XmlLib and the name dlsym finds it by. */
#define FIELD(field, name) {offsetof(XmlLib, field), name}
static const struct {
	size_t offset;
	const char *name;
} symbols[] = {
	FIELD(NewParserCtxt, "xmlNewParserCtxt"),
	FIELD(CtxtReadMemory, "xmlCtxtReadMemory"),
	FIELD(FreeParserCtxt, "xmlFreeParserCtxt"),
	FIELD(CtxtGetLastError, "xmlCtxtGetLastError"),
	FIELD(FreeDoc, "xmlFreeDoc"),
	FIELD(NodeGetContent, "xmlNodeGetContent"),
	FIELD(DocGetRootElement, "xmlDocGetRootElement"),
	FIELD(GetProp, "xmlGetProp"),
	FIELD(GetLineNo, "xmlGetLineNo"),
	FIELD(BufferCreate, "xmlBufferCreate"),
	FIELD(BufferContent, "xmlBufferContent"),
	FIELD(BufferLength, "xmlBufferLength"),
	FIELD(BufferFree, "xmlBufferFree"),
	FIELD(Free, "xmlFree"),
	FIELD(XPathNewContext, "xmlXPathNewContext"),
	FIELD(XPathEvalExpression, "xmlXPathEvalExpression"),
	FIELD(XPathFreeObject, "xmlXPathFreeObject"),
	FIELD(XPathFreeContext, "xmlXPathFreeContext"),
	FIELD(NewTextWriterMemory, "xmlNewTextWriterMemory"),
	FIELD(FreeTextWriter, "xmlFreeTextWriter"),
	FIELD(TextWriterSetIndent, "xmlTextWriterSetIndent"),
	FIELD(TextWriterSetIndentString, "xmlTextWriterSetIndentString"),
	FIELD(TextWriterStartDocument, "xmlTextWriterStartDocument"),
	FIELD(TextWriterEndDocument, "xmlTextWriterEndDocument"),
	FIELD(TextWriterStartElement, "xmlTextWriterStartElement"),
	FIELD(TextWriterEndElement, "xmlTextWriterEndElement"),
	FIELD(TextWriterWriteAttribute, "xmlTextWriterWriteAttribute"),
	FIELD(TextWriterWriteString, "xmlTextWriterWriteString"),
};

static bool load(const char *path)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(error, sizeof(error), "cannot load %s (%s); install libxml2 (Debian: apt-get install libxml2)",
			 path, why ? why : "not found");
		return false;
	}
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		/* POSIX: dlsym's void * converts to the function pointer it names */
		void *p = dlsym(h, symbols[i].name);
		if (!p) {
			snprintf(error, sizeof(error), "%s has no %s; install libxml2 2.9 or later", path,
				 symbols[i].name);
			dlclose(h);
			return false;
		}
		memcpy((char *)&lib + symbols[i].offset, &p, sizeof(p));
	}
	handle = h;
	return true;
}

/* At exit: libxml2's global state freed, so that a leak checker sees
 * nothing of it left (tests/valgrind counts even memory still reachable).
 * The library stays mapped: what it still holds must stay reachable for
 * LeakSanitizer, which checks after the exit handlers. */
static void unload(void)
{
	void (*cleanup)(void);
	void *p = dlsym(handle, "xmlCleanupParser");
	memcpy(&cleanup, &p, sizeof(p));
	if (p)
		cleanup();
}

const XmlLib *xmllib(void)
{
	if (atomic_load(&state) == 0) {
		pthread_mutex_lock(&load_lock);
		if (atomic_load(&state) == 0) {
			const char *path = getenv("STAGEC_LIBXML2");
			bool ok = load(path && *path ? path : XMLLIB_DEFAULT);
			if (ok) {
				/* libxml2 sets up its globals once, before any
				 * thread uses it */
				void (*init)(void);
				void *p = dlsym(handle, "xmlInitParser");
				memcpy(&init, &p, sizeof(p));
				if (p)
					init();
				atexit(unload);
			}
			atomic_store(&state, ok ? 1 : -1);
		}
		pthread_mutex_unlock(&load_lock);
	}
	return atomic_load(&state) > 0 ? &lib : NULL;
}

const char *xmllib_error(void)
{
	return atomic_load(&state) < 0 ? error : "";
}

/* libxml2's own names for the tree functions init/ calls, on documents
 * read through xmllib (so the library is loaded when they run). */
void xmlFreeDoc(xmlDocPtr doc)
{
	if (doc && xmllib())
		xmllib()->FreeDoc(doc);
}

xmlChar *xmlNodeGetContent(const xmlNode *n)
{
	return n && xmllib() ? xmllib()->NodeGetContent(n) : NULL;
}

long xmlGetLineNo(const xmlNode *n)
{
	return n && xmllib() ? xmllib()->GetLineNo(n) : -1;
}

xmlNodePtr xmlDocGetRootElement(const xmlDoc *doc)
{
	return doc && xmllib() ? xmllib()->DocGetRootElement(doc) : NULL;
}

xmlChar *xmlGetProp(const xmlNode *n, const xmlChar *name)
{
	return n && xmllib() ? xmllib()->GetProp(n, name) : NULL;
}
