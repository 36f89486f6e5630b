/*
 * report_jansson.h - the few jansson helpers the SARIF and JSON writers share.
 *
 * Every string goes through report_clean first (jansson refuses invalid
 * UTF-8), and the first failure is remembered rather than checked at each
 * call, so a writer builds its tree straight through and looks once at the
 * end.  Output: two-space indent, keys in insertion order, a final newline.
 */
#ifndef STAGEC_REPORT_JANSSON_H
#define STAGEC_REPORT_JANSSON_H

#include <stdlib.h>

#include <jansson.h>

#include "report/report.h"

typedef struct JsonW {
	const Report *r;
	bool failed;
} JsonW;

static inline json_t *jw_str(JsonW *j, const char *s)
{
	json_t *v = json_string(report_clean(j->r->arena, s ? s : "", REPORT_CLEAN_UTF8));
	if (!v)
		j->failed = true;
	return v;
}

static inline json_t *jw_int(JsonW *j, long long n)
{
	json_t *v = json_integer(n);
	if (!v)
		j->failed = true;
	return v;
}

static inline json_t *jw_obj(JsonW *j)
{
	json_t *v = json_object();
	if (!v)
		j->failed = true;
	return v;
}

static inline json_t *jw_arr(JsonW *j)
{
	json_t *v = json_array();
	if (!v)
		j->failed = true;
	return v;
}

/* Sets obj[key] = v, taking v (NULL v: a failure already recorded). */
static inline void jw_set(JsonW *j, json_t *obj, const char *key, json_t *v)
{
	if (!obj || !v || json_object_set_new(obj, key, v) != 0) {
		j->failed = true;
		if (v && !obj)
			json_decref(v);
	}
}

static inline void jw_push(JsonW *j, json_t *arr, json_t *v)
{
	if (!arr || !v || json_array_append_new(arr, v) != 0) {
		j->failed = true;
		if (v && !arr)
			json_decref(v);
	}
}

/* Appends the document to out and frees it; -1 when anything failed. */
static inline int jw_finish(JsonW *j, json_t *root, Strbuf *out)
{
	char *text = NULL;
	if (!j->failed && root)
		text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return -1;
	strbuf_adds(out, text);
	strbuf_addc(out, '\n');
	free(text);
	return 0;
}

#endif
