/*
 * yaml.c - libyaml events -> a tree of YNodes with source positions.
 *
 * This is the only file that talks to libyaml.  It copies every scalar into
 * the arena and deletes each event at once.  It refuses what a spec never
 * needs and what could hurt a tool that reads untrusted files:
 *   - NUL bytes, invalid UTF-8 and everything else libyaml rejects;
 *   - an empty stream, or more than one document;
 *   - duplicate keys (libyaml accepts them; the last would silently win);
 *   - keys that are not strings;
 *   - nesting deeper than YAML_MAX_DEPTH;
 *   - documents whose expansion would exceed YAML_MAX_NODES nodes or
 *     YAML_MAX_EXPANDED bytes of text (a "billion laughs" file fails at
 *     once: aliases share the node they name, and only weights are summed),
 *     so that no spec under the size limit can ask for gigabytes of output;
 *   - scalars longer than YAML_MAX_SCALAR.
 * Anchors are found through a hash table and duplicate keys by sorting, so
 * the cost grows about linearly with the file.
 * Positions are 1-based; libyaml's marks are 0-based.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "internal.h"

/* The size of a subtree with its aliases expanded. */
typedef struct Weight {
	size_t nodes, bytes;
} Weight;

typedef struct Frame {
	YNode *node;
	size_t cap;
	Weight weight;        /* below this node, aliases expanded */
	YNode *pending_key;   /* a mapping's key waiting for its value */
	const char *anchor;   /* to register once the collection is complete */
} Frame;

typedef struct Anchor {
	const char *name;
	YNode *node;
	Weight weight;
} Anchor;

typedef struct Loader {
	Arena *a;
	const SourceFile *f;
	Diags *d;
	Frame stack[YAML_MAX_DEPTH + 1];
	int depth;
	Anchor *anchors; /* open addressing, a power of two in size */
	size_t nanchors, anchors_cap;
	bool aliased;    /* an alias was expanded */
	YNode *root;
} Loader;

static SrcPos mark_pos(const Loader *L, yaml_mark_t m)
{
	SrcPos p = {L->f, (int)m.line + 1, (int)m.column + 1};
	return p;
}

/* Line and column (in characters) of a byte offset, for reader errors,
 * which libyaml reports as an offset only. */
static SrcPos offset_pos(const Loader *L, size_t offset)
{
	SrcPos p = {L->f, 1, 1};
	const char *t = L->f->text;
	if (offset > L->f->len)
		offset = L->f->len;
	for (size_t i = 0; i < offset;) {
		size_t n = source_break_len(t + i, t + L->f->len);
		if (n) {
			p.line++;
			p.col = 1;
			i += n;
			continue;
		}
		if (((unsigned char)t[i] & 0xc0) != 0x80)
			p.col++;
		i++;
	}
	return p;
}

const char *ynode_kind_name(YNodeKind k)
{
	switch (k) {
	case YNODE_SCALAR:
		return "a string";
	case YNODE_SEQ:
		return "a list";
	case YNODE_MAP:
		return "a mapping";
	}
	return "a value";
}

YNode *ynode_get(const YNode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->pairs[i].key->str, key) == 0)
			return map->pairs[i].value;
	return NULL;
}

static void report_libyaml_error(Loader *L, const yaml_parser_t *p)
{
	SrcPos pos;
	const char *problem = p->problem ? p->problem : "malformed input";
	if (p->error == YAML_READER_ERROR) {
		pos = offset_pos(L, p->problem_offset);
		if (strstr(problem, "control characters"))
			diag_error(L->d, pos, "invalid YAML: control characters are not allowed; remove them");
		else
			diag_error(L->d, pos, "invalid YAML: %s; save the file as UTF-8", problem);
		return;
	}
	pos = mark_pos(L, p->problem_mark);
	size_t off = p->problem_mark.index;
	bool tab = off < L->f->len && L->f->text[off] == '\t';
	if (tab) {
		diag_error(L->d, pos, "invalid YAML: a tab character where indentation is expected; "
				      "indent with spaces");
	} else if (p->context) {
		diag_error(L->d, pos, "invalid YAML: %s %s", problem, p->context);
		if (p->context_mark.line != p->problem_mark.line ||
		    p->context_mark.column != p->problem_mark.column)
			diag_note(L->d, mark_pos(L, p->context_mark), "the construct started here");
	} else {
		diag_error(L->d, pos, "invalid YAML: %s", problem);
	}
}

static bool reject_nul(Loader *L)
{
	const char *nul = memchr(L->f->text, '\0', L->f->len);
	if (!nul)
		return true;
	diag_error(L->d, offset_pos(L, (size_t)(nul - L->f->text)),
		   "the file contains a NUL byte; a spec is a UTF-8 text file");
	return false;
}

static size_t hash_name(const char *s)
{
	size_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* The slot of name: where it is, or the empty one where it would go. */
static Anchor *anchor_slot(Anchor *table, size_t cap, const char *name)
{
	for (size_t i = hash_name(name) & (cap - 1);; i = (i + 1) & (cap - 1))
		if (!table[i].name || strcmp(table[i].name, name) == 0)
			return &table[i];
}

static void register_anchor(Loader *L, const char *name, YNode *node, Weight weight)
{
	if (2 * (L->nanchors + 1) > L->anchors_cap) {
		/* on the heap: the arena would keep every size the table had */
		size_t cap = L->anchors_cap ? 2 * L->anchors_cap : 64;
		Anchor *table = calloc(cap, sizeof(*table));
		if (!table)
			abort();
		for (size_t i = 0; i < L->anchors_cap; i++)
			if (L->anchors[i].name)
				*anchor_slot(table, cap, L->anchors[i].name) = L->anchors[i];
		free(L->anchors);
		L->anchors = table;
		L->anchors_cap = cap;
	}
	Anchor *an = anchor_slot(L->anchors, L->anchors_cap, name);
	if (!an->name)
		L->nanchors++;
	/* a later anchor of the same name shadows */
	an->name = name;
	an->node = node;
	an->weight = weight;
}

/* Adds a finished node to the collection on top of the stack, or makes it
 * the root. */
static bool attach(Loader *L, YNode *node, Weight weight, SrcPos pos)
{
	if (L->depth == 0) {
		L->root = node;
		return true;
	}
	Frame *fr = &L->stack[L->depth - 1];
	fr->weight.nodes += weight.nodes;
	fr->weight.bytes += weight.bytes;
	/* a collection's weight joins its parent's when it ends, so the
	 * root's, checked here too, bounds the whole document */
	if (fr->weight.nodes > YAML_MAX_NODES) {
		if (L->aliased)
			diag_error(L->d, pos, "aliases expand this document past %d nodes; "
					      "a spec needs far fewer (remove the repeated aliases)", YAML_MAX_NODES);
		else
			diag_error(L->d, pos, "this document holds more than %d nodes (keys and values); a spec needs far fewer",
				   YAML_MAX_NODES);
		return false;
	}
	if (fr->weight.bytes > YAML_MAX_EXPANDED) {
		diag_error(L->d, pos, "aliases expand this document past %d bytes of text; "
				      "a spec needs far less (remove the repeated aliases)", YAML_MAX_EXPANDED);
		return false;
	}
	YNode *c = fr->node;
	if (c->kind == YNODE_SEQ) {
		if (c->n == fr->cap) {
			fr->cap = fr->cap ? fr->cap * 2 : 8;
			YNode **items = arena_alloc(L->a, fr->cap * sizeof(*items));
			if (c->n)
				memcpy(items, c->items, c->n * sizeof(*items));
			c->items = items;
		}
		c->items[c->n++] = node;
		return true;
	}
	if (!fr->pending_key) {
		if (node->kind != YNODE_SCALAR) {
			diag_error(L->d, node->pos, "a key must be a string, not %s", ynode_kind_name(node->kind));
			return false;
		}
		fr->pending_key = node;
		return true;
	}
	if (c->n == fr->cap) {
		fr->cap = fr->cap ? fr->cap * 2 : 8;
		YPair *pairs = arena_alloc(L->a, fr->cap * sizeof(*pairs));
		if (c->n)
			memcpy(pairs, c->pairs, c->n * sizeof(*pairs));
		c->pairs = pairs;
	}
	c->pairs[c->n].key = fr->pending_key;
	c->pairs[c->n].value = node;
	c->n++;
	fr->pending_key = NULL;
	return true;
}

typedef struct KeyRef {
	const char *s;
	size_t i;
} KeyRef;

static int keyref_cmp(const void *pa, const void *pb)
{
	const KeyRef *a = pa, *b = pb;
	int c = strcmp(a->s, b->s);
	return c ? c : (a->i < b->i ? -1 : a->i > b->i);
}

static bool check_duplicate_keys(Loader *L, const YNode *map)
{
	if (map->n < 2)
		return true;
	KeyRef *refs = calloc(map->n, sizeof(*refs));
	if (!refs)
		abort();
	for (size_t i = 0; i < map->n; i++) {
		refs[i].s = map->pairs[i].key->str;
		refs[i].i = i;
	}
	qsort(refs, map->n, sizeof(*refs), keyref_cmp);
	bool ok = true;
	size_t first = 0; /* the first occurrence of a run sorts first */
	for (size_t i = 1; i < map->n; i++) {
		if (strcmp(refs[i].s, refs[i - 1].s) != 0) {
			first = i;
			continue;
		}
		const YNode *dup = map->pairs[refs[i].i].key;
		diag_error(L->d, dup->pos, "duplicate key '%s'; each key may appear once", dup->str);
		diag_note(L->d, map->pairs[refs[first].i].key->pos, "'%s' first appears here", dup->str);
		ok = false;
	}
	free(refs);
	return ok;
}

static YNode *node_new(Loader *L, YNodeKind kind, yaml_mark_t m)
{
	YNode *n = arena_alloc(L->a, sizeof(*n));
	n->kind = kind;
	n->pos = mark_pos(L, m);
	return n;
}

static bool on_scalar(Loader *L, const yaml_event_t *ev)
{
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	YNode *n = node_new(L, YNODE_SCALAR, ev->start_mark);
	if (len > YAML_MAX_SCALAR) {
		diag_error(L->d, n->pos, "a value of %zu bytes is longer than the limit of %d", len,
			   YAML_MAX_SCALAR);
		return false;
	}
	if (memchr(value, '\0', len)) {
		diag_error(L->d, n->pos, "a value contains a NUL character; remove it");
		return false;
	}
	n->str = arena_strndup(L->a, value, len);
	n->len = len;
	const char *tag = (const char *)ev->data.scalar.tag;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		   !(tag && strcmp(tag, YAML_STR_TAG) == 0);
	n->is_null = n->plain && (len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
				  strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
	Weight w = {1, len};
	if (ev->data.scalar.anchor)
		register_anchor(L, arena_strdup(L->a, (const char *)ev->data.scalar.anchor), n, w);
	return attach(L, n, w, n->pos);
}

static bool on_start(Loader *L, const yaml_event_t *ev, YNodeKind kind, const yaml_char_t *anchor)
{
	YNode *n = node_new(L, kind, ev->start_mark);
	if (L->depth >= YAML_MAX_DEPTH) {
		diag_error(L->d, n->pos, "values nest deeper than %d levels; a spec needs a few",
			   YAML_MAX_DEPTH);
		return false;
	}
	Frame *fr = &L->stack[L->depth++];
	memset(fr, 0, sizeof(*fr));
	fr->node = n;
	fr->weight.nodes = 1;
	fr->anchor = anchor ? arena_strdup(L->a, (const char *)anchor) : NULL;
	return true;
}

static bool on_end(Loader *L)
{
	Frame fr = L->stack[--L->depth];
	if (fr.node->kind == YNODE_MAP && !check_duplicate_keys(L, fr.node))
		return false;
	if (fr.anchor)
		register_anchor(L, fr.anchor, fr.node, fr.weight);
	return attach(L, fr.node, fr.weight, fr.node->pos);
}

static bool on_alias(Loader *L, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	if (L->anchors_cap) {
		const Anchor *an = anchor_slot(L->anchors, L->anchors_cap, name);
		if (an->name) {
			L->aliased = true;
			return attach(L, an->node, an->weight, mark_pos(L, ev->start_mark));
		}
	}
	/* libyaml reports unknown aliases only in its loader, not its parser */
	diag_error(L->d, mark_pos(L, ev->start_mark), "alias '*%s' names no anchor defined before it",
		   name);
	return false;
}

YNode *yaml_load(Arena *a, const SourceFile *f, Diags *d)
{
	Loader L = {.a = a, .f = f, .d = d};
	if (!reject_nul(&L))
		return NULL;
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)f->text, f->len);
	int documents = 0;
	bool done = false, ok = true;
	while (!done && ok) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			report_libyaml_error(&L, &parser);
			ok = false;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				diag_error(d, mark_pos(&L, ev.start_mark),
					   "a second YAML document; a spec holds exactly one (remove the '---' "
					   "and what follows, or merge it into the first)");
				ok = false;
			}
			break;
		case YAML_SCALAR_EVENT:
			ok = on_scalar(&L, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			ok = on_start(&L, &ev, YNODE_SEQ, ev.data.sequence_start.anchor);
			break;
		case YAML_MAPPING_START_EVENT:
			ok = on_start(&L, &ev, YNODE_MAP, ev.data.mapping_start.anchor);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			ok = on_end(&L);
			break;
		case YAML_ALIAS_EVENT:
			ok = on_alias(&L, &ev);
			break;
		case YAML_NO_EVENT:
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	free(L.anchors);
	if (!ok)
		return NULL;
	if (!L.root || (L.root->kind == YNODE_SCALAR && L.root->is_null)) {
		SrcPos p = {f, 1, 1};
		diag_error(d, p, "the spec is empty; it needs at least 'language' (see specs/schema.md)");
		return NULL;
	}
	return L.root;
}
