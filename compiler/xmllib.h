/*
 * xmllib.h - libxml2, loaded when XML is first read or written.
 *
 * Linking libxml2 costs every run its loading (ICU and libstdc++ come with
 * it: about 2.7 M instructions at start-up, 20 times an empty program's),
 * while only a pom.xml or .csproj probe and the JUnit report use it.  So
 * stagec is not linked with it: xmllib() opens libxml2.so.2 with dlopen
 * the first time it is called and hands out the functions stagec calls,
 * by the prototypes of libxml2's own headers.  When the library cannot be
 * loaded (or lacks a function), xmllib() returns NULL and xmllib_error()
 * says why, for a diagnostic: XML is then an error, never a crash.
 * STAGEC_LIBXML2 names another file to load (tests use it to simulate a
 * missing library).
 */
#ifndef STAGEC_XMLLIB_H
#define STAGEC_XMLLIB_H

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <libxml/xpath.h>

typedef struct XmlLib {
	/* parser.h */
	xmlParserCtxtPtr (*NewParserCtxt)(void);
	xmlDocPtr (*CtxtReadMemory)(xmlParserCtxtPtr, const char *, int, const char *, const char *, int);
	void (*FreeParserCtxt)(xmlParserCtxtPtr);
	/* xmlerror.h */
	xmlErrorPtr (*CtxtGetLastError)(void *);
	/* tree.h */
	void (*FreeDoc)(xmlDocPtr);
	xmlChar *(*NodeGetContent)(const xmlNode *);
	xmlNodePtr (*DocGetRootElement)(const xmlDoc *);
	xmlChar *(*GetProp)(const xmlNode *, const xmlChar *);
	long (*GetLineNo)(const xmlNode *);
	xmlBufferPtr (*BufferCreate)(void);
	const xmlChar *(*BufferContent)(const xmlBuffer *);
	int (*BufferLength)(const xmlBuffer *);
	void (*BufferFree)(xmlBufferPtr);
	/* globals.h: xmlFree is a variable holding the function */
	xmlFreeFunc *Free;
	/* xpath.h */
	xmlXPathContextPtr (*XPathNewContext)(xmlDocPtr);
	xmlXPathObjectPtr (*XPathEvalExpression)(const xmlChar *, xmlXPathContextPtr);
	void (*XPathFreeObject)(xmlXPathObjectPtr);
	void (*XPathFreeContext)(xmlXPathContextPtr);
	/* xmlwriter.h */
	xmlTextWriterPtr (*NewTextWriterMemory)(xmlBufferPtr, int);
	void (*FreeTextWriter)(xmlTextWriterPtr);
	int (*TextWriterSetIndent)(xmlTextWriterPtr, int);
	int (*TextWriterSetIndentString)(xmlTextWriterPtr, const xmlChar *);
	int (*TextWriterStartDocument)(xmlTextWriterPtr, const char *, const char *, const char *);
	int (*TextWriterEndDocument)(xmlTextWriterPtr);
	int (*TextWriterStartElement)(xmlTextWriterPtr, const xmlChar *);
	int (*TextWriterEndElement)(xmlTextWriterPtr);
	int (*TextWriterWriteAttribute)(xmlTextWriterPtr, const xmlChar *, const xmlChar *);
	int (*TextWriterWriteString)(xmlTextWriterPtr, const xmlChar *);
} XmlLib;

/* libxml2's functions, loaded on the first call; NULL when it cannot be. */
const XmlLib *xmllib(void);
/* Why xmllib() returned NULL: "cannot load libxml2.so.2: ...". */
const char *xmllib_error(void);

/* Code that calls libxml2 by its own names on a document read through
 * xmllib (init/): xmllib.c defines xmlFreeDoc, xmlNodeGetContent,
 * xmlGetLineNo, xmlDocGetRootElement and xmlGetProp as calls into the
 * loaded library, and xmlFree, a variable of libxml2's, is reached here. */
#define xmlFree (*xmllib()->Free)

#endif
