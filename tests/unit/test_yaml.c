/*
 * test_yaml.c - yaml.c: the node tree, its positions, and what the reader
 * refuses.  Errors are checked as the user sees them, through
 * diags_render().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "internal.h"

typedef struct T {
	Arena *a;
	Diags d;
	Strbuf out;
} T;

static int setup(void **state)
{
	T *t = calloc(1, sizeof(*t));
	t->a = arena_new();
	diags_init(&t->d, t->a, 20, false);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	T *t = *state;
	strbuf_release(&t->out);
	arena_free(t->a);
	free(t);
	return 0;
}

static YNode *load_n(T *t, const char *text, size_t len)
{
	SourceFile *f = source_from_string(t->a, "app.yaml", text, len);
	return yaml_load(t->a, f, &t->d);
}

static YNode *load(T *t, const char *text)
{
	return load_n(t, text, strlen(text));
}

static const char *rendered(T *t)
{
	strbuf_reset(&t->out);
	diags_sort(&t->d);
	diags_render(&t->d, &t->out);
	return strbuf_str(&t->out);
}

static void assert_pos(const YNode *n, int line, int col)
{
	assert_non_null(n);
	assert_int_equal(n->pos.line, line);
	assert_int_equal(n->pos.col, col);
}

static void test_positions(void **state)
{
	T *t = *state;
	YNode *r = load(t, "name: app\n"
			   "run:\n"
			   "  command: [gunicorn, app:app]\n"
			   "  env:\n"
			   "    A: 1\n"
			   "list:\n"
			   "  - one\n"
			   "  -   two\n");
	assert_non_null(r);
	assert_int_equal(t->d.errors, 0);
	assert_int_equal(r->kind, YNODE_MAP);
	assert_int_equal(r->n, 3);
	assert_pos(r, 1, 1);
	assert_pos(r->pairs[0].key, 1, 1);
	assert_pos(r->pairs[0].value, 1, 7);
	assert_string_equal(r->pairs[0].value->str, "app");
	YNode *run = ynode_get(r, "run");
	assert_pos(run, 3, 3);
	YNode *cmd = ynode_get(run, "command");
	assert_int_equal(cmd->kind, YNODE_SEQ);
	assert_int_equal(cmd->n, 2);
	assert_pos(cmd, 3, 12);
	assert_pos(cmd->items[0], 3, 13);
	assert_pos(cmd->items[1], 3, 23);
	assert_string_equal(cmd->items[1]->str, "app:app");
	YNode *a = ynode_get(ynode_get(run, "env"), "A");
	assert_pos(a, 5, 8);
	YNode *list = ynode_get(r, "list");
	assert_pos(list->items[0], 7, 5);
	assert_pos(list->items[1], 8, 7);
	assert_string_equal(list->items[1]->str, "two");
	/* the source file is recorded */
	assert_string_equal(a->pos.file->path, "app.yaml");
}

static void test_mapping_keeps_order(void **state)
{
	T *t = *state;
	YNode *r = load(t, "z: 1\na: 2\nm: 3\n");
	assert_non_null(r);
	assert_string_equal(r->pairs[0].key->str, "z");
	assert_string_equal(r->pairs[1].key->str, "a");
	assert_string_equal(r->pairs[2].key->str, "m");
	assert_null(ynode_get(r, "nope"));
	assert_null(ynode_get(NULL, "z"));
	assert_null(ynode_get(r->pairs[0].value, "z")); /* not a mapping */
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(ynode_kind_name(YNODE_SCALAR), "a string");
	assert_string_equal(ynode_kind_name(YNODE_SEQ), "a list");
	assert_string_equal(ynode_kind_name(YNODE_MAP), "a mapping");
}

static void test_duplicate_keys(void **state)
{
	T *t = *state;
	assert_null(load(t, "name: a\nlanguage: python\nname: b\n"));
	assert_int_equal(t->d.errors, 1);
	assert_string_equal(rendered(t),
			    "app.yaml:3:1: error: duplicate key 'name'; each key may appear once\n"
			    "    3 | name: b\n"
			    "      | ^\n"
			    "app.yaml:1:1: note: 'name' first appears here\n"
			    "    1 | name: a\n"
			    "      | ^\n");
}

static void test_duplicate_keys_nested(void **state)
{
	T *t = *state;
	assert_null(load(t, "run:\n  env: {A: 1, B: 2, A: 3}\n"));
	assert_string_equal(rendered(t),
			    "app.yaml:2:21: error: duplicate key 'A'; each key may appear once\n"
			    "    2 |   env: {A: 1, B: 2, A: 3}\n"
			    "      |                     ^\n"
			    "app.yaml:2:9: note: 'A' first appears here\n"
			    "    2 |   env: {A: 1, B: 2, A: 3}\n"
			    "      |         ^\n");
}

static void test_same_key_in_different_maps(void **state)
{
	T *t = *state;
	YNode *r = load(t, "a: {x: 1}\nb: {x: 2}\n");
	assert_non_null(r);
	assert_int_equal(t->d.errors, 0);
}

/* n nested flow lists: [[[...]]] */
static const char *nested(T *t, int n)
{
	char *s = arena_alloc(t->a, (size_t)n * 2 + 8);
	char *p = s;
	memcpy(p, "a: ", 3);
	p += 3;
	for (int i = 0; i < n; i++)
		*p++ = '[';
	for (int i = 0; i < n; i++)
		*p++ = ']';
	*p++ = '\n';
	*p = '\0';
	return s;
}

static void test_depth_limit(void **state)
{
	T *t = *state;
	/* the root mapping is one level */
	assert_non_null(load(t, nested(t, YAML_MAX_DEPTH - 1)));
	assert_int_equal(t->d.errors, 0);
	assert_null(load(t, nested(t, YAML_MAX_DEPTH)));
	assert_int_equal(t->d.errors, 1);
	char want[200];
	snprintf(want, sizeof(want), "app.yaml:1:%d: error: values nest deeper than %d levels; a spec needs a few\n",
		 3 + YAML_MAX_DEPTH, YAML_MAX_DEPTH);
	assert_true(strncmp(rendered(t), want, strlen(want)) == 0);
}

static void test_depth_limit_stops_huge_nesting(void **state)
{
	T *t = *state;
	assert_null(load(t, nested(t, 100000)));
	assert_int_equal(t->d.errors, 1);
}

static void test_alias_bomb(void **state)
{
	T *t = *state;
	const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
			   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
			   "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
			   "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
			   "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
	clock_t start = clock();
	assert_null(load(t, bomb));
	double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
	assert_true(secs < 1.0);
	assert_int_equal(t->d.errors, 1);
	const char *out = rendered(t);
	/* fails on line 5, where the expansion first passes the bound */
	assert_non_null(strstr(out, "app.yaml:5:44: error: "));
	assert_non_null(strstr(out, "error: aliases expand this document past 100000 nodes; "
				    "a spec needs far fewer (remove the repeated aliases)\n"));
}

/* Few aliases of one long value: few nodes, gigabytes of text. */
static void test_alias_bytes(void **state)
{
	T *t = *state;
	Strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "build: [&a \"");
	for (int i = 0; i < 60000; i++)
		strbuf_addc(&sb, 'x');
	strbuf_adds(&sb, "\"");
	for (int i = 0; i < 40; i++)
		strbuf_adds(&sb, ", *a");
	strbuf_adds(&sb, "]\n");
	assert_null(load(t, strbuf_str(&sb)));
	strbuf_release(&sb);
	const char *out = rendered(t);
	/* the 17th use passes 1 MiB: 60,000 + 17 x 60,000 > 1,048,576 */
	assert_non_null(strstr(out, "app.yaml:1:60080: error: aliases expand this document past 1048576 "
				    "bytes of text; a spec needs far less (remove the repeated aliases)\n"));
}

/* Many values without a single alias are not blamed on aliases. */
static void test_many_nodes_without_aliases(void **state)
{
	T *t = *state;
	Strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "x: [a");
	for (int i = 0; i < 100000; i++)
		strbuf_adds(&sb, ",a");
	strbuf_adds(&sb, "]\n");
	assert_null(load(t, strbuf_str(&sb)));
	strbuf_release(&sb);
	const char *out = rendered(t);
	assert_null(strstr(out, "alias"));
	assert_non_null(strstr(out, "error: this document holds more than 100000 nodes (keys and values); "
				    "a spec needs far fewer\n"));
}

/* Anchors shadow: an alias names the latest anchor of its name, also
 * through the hash table's growth. */
static void test_anchor_shadowing(void **state)
{
	T *t = *state;
	Strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "a: [&x first");
	for (int i = 0; i < 500; i++)
		strbuf_addf(&sb, ", &y%d v%d", i, i);
	strbuf_adds(&sb, ", &x second]\nb: *x\nc: *y499\n");
	YNode *r = load(t, strbuf_str(&sb));
	strbuf_release(&sb);
	assert_non_null(r);
	assert_string_equal(ynode_get(r, "b")->str, "second");
	assert_string_equal(ynode_get(r, "c")->str, "v499");
}

/* Every duplicate of a run names the first occurrence. */
static void test_duplicate_run(void **state)
{
	T *t = *state;
	assert_null(load(t, "a: 1\nb: 2\na: 3\na: 4\n"));
	assert_string_equal(rendered(t), "app.yaml:3:1: error: duplicate key 'a'; each key may appear once\n"
					 "    3 | a: 3\n"
					 "      | ^\n"
					 "app.yaml:1:1: note: 'a' first appears here\n"
					 "    1 | a: 1\n"
					 "      | ^\n"
					 "app.yaml:4:1: error: duplicate key 'a'; each key may appear once\n"
					 "    4 | a: 4\n"
					 "      | ^\n"
					 "app.yaml:1:1: note: 'a' first appears here\n"
					 "    1 | a: 1\n"
					 "      | ^\n");
}

/* An error far along a long line shows a window of the line around the
 * column, so that 10,000 errors on a 1 MiB line stay a few megabytes. */
static void test_long_line_excerpt(void **state)
{
	T *t = *state;
	Strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "a: [");
	for (int i = 0; i < 2000; i++)
		strbuf_adds(&sb, "b, ");
	strbuf_adds(&sb, "*nope]\n");
	assert_null(load(t, strbuf_str(&sb)));
	strbuf_release(&sb);
	const char *out = rendered(t);
	/* column 6005; the window starts 80 characters before it */
	assert_non_null(strstr(out, "app.yaml:1:6005: error: alias '*nope' names no anchor defined before it\n"
				    "    1 | ..., b, b, "));
	const char *caret = strstr(out, "      | ");
	assert_non_null(caret);
	assert_int_equal(strlen(caret), strlen("      | ") + 3 + 80 + 2); /* "...", 80 blanks, "^\n" */
	assert_true(strlen(out) < 500);
}

/* Lines end in CR LF, LF, or a bare CR: positions and excerpts agree
 * with the line libyaml counts. */
static void test_bare_cr_lines(void **state)
{
	T *t = *state;
	assert_null(load(t, "a: 1\rb: 2\r\nc: \"\x01\"\rd: 4\n"));
	assert_string_equal(rendered(t), "app.yaml:3:5: error: invalid YAML: control characters are not "
					 "allowed; remove them\n"
					 "    3 | c: \"?\"\n"
					 "      |     ^\n");
}

static void test_aliases_share_nodes(void **state)
{
	T *t = *state;
	YNode *r = load(t, "x: &pkgs [libpq-dev, gcc]\ny: *pkgs\n");
	assert_non_null(r);
	assert_ptr_equal(ynode_get(r, "x"), ynode_get(r, "y"));
	assert_int_equal(ynode_get(r, "y")->n, 2);
}

static void test_unknown_alias(void **state)
{
	T *t = *state;
	assert_null(load(t, "a: *nope\n"));
	assert_string_equal(rendered(t), "app.yaml:1:4: error: alias '*nope' names no anchor defined before it\n"
					 "    1 | a: *nope\n"
					 "      |    ^\n");
}

static void test_nul_byte(void **state)
{
	T *t = *state;
	static const char text[] = "name: app\nlanguage: py\0thon\n";
	assert_null(load_n(t, text, sizeof(text) - 1));
	assert_int_equal(t->d.errors, 1);
	assert_string_equal(rendered(t),
			    "app.yaml:2:13: error: the file contains a NUL byte; a spec is a UTF-8 text file\n"
			    "    2 | language: py?thon\n"
			    "      |             ^\n");
}

static void test_escaped_nul_in_scalar(void **state)
{
	T *t = *state;
	assert_null(load(t, "a: \"x\\0y\"\n"));
	assert_string_equal(rendered(t), "app.yaml:1:4: error: a value contains a NUL character; remove it\n"
					 "    1 | a: \"x\\0y\"\n"
					 "      |    ^\n");
}

static void test_several_documents(void **state)
{
	T *t = *state;
	assert_null(load(t, "language: python\n---\nlanguage: go\n"));
	assert_int_equal(t->d.errors, 1);
	assert_string_equal(rendered(t),
			    "app.yaml:2:1: error: a second YAML document; a spec holds exactly one "
			    "(remove the '---' and what follows, or merge it into the first)\n"
			    "    2 | ---\n"
			    "      | ^\n");
}

static void test_one_explicit_document(void **state)
{
	T *t = *state;
	assert_non_null(load(t, "---\nlanguage: python\n...\n"));
	assert_int_equal(t->d.errors, 0);
}

static void test_empty(void **state)
{
	T *t = *state;
	const char *empties[] = {"", "\n", "# only a comment\n", "~\n", "null\n", "---\n", "   \n\n"};
	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		setup(state);
		T *u = *state;
		assert_null(load(u, empties[i]));
		assert_int_equal(u->d.errors, 1);
		assert_non_null(strstr(rendered(u), "app.yaml:1:1: error: the spec is empty; it needs at least "
						     "'language' (see specs/schema.md)\n"));
		teardown(state);
	}
	*state = t;
}

static void test_tabs(void **state)
{
	T *t = *state;
	assert_null(load(t, "run:\n\tport: 80\n"));
	assert_string_equal(rendered(t),
			    "app.yaml:2:1: error: invalid YAML: a tab character where indentation is "
			    "expected; indent with spaces\n"
			    "    2 | \tport: 80\n"
			    "      | ^\n");
}

static void test_tab_inside_value_is_fine(void **state)
{
	T *t = *state;
	YNode *r = load(t, "a: \"x\ty\"\nb: x\ty\n");
	assert_non_null(r);
	assert_string_equal(ynode_get(r, "a")->str, "x\ty");
	assert_string_equal(ynode_get(r, "b")->str, "x\ty");
}

static void test_invalid_utf8(void **state)
{
	T *t = *state;
	assert_null(load(t, "name: app\nlanguage: py\xffthon\n"));
	assert_int_equal(t->d.errors, 1);
	const char *out = rendered(t);
	assert_non_null(strstr(out, "app.yaml:2:13: error: invalid YAML: invalid leading UTF-8 octet; "
				    "save the file as UTF-8\n"));
}

static void test_truncated_utf8(void **state)
{
	T *t = *state;
	assert_null(load(t, "a: caf\xc3"));
	assert_non_null(strstr(rendered(t), "save the file as UTF-8"));
}

static void test_utf8_accepted(void **state)
{
	T *t = *state;
	YNode *r = load(t, "label: café ☕\n");
	assert_non_null(r);
	assert_string_equal(ynode_get(r, "label")->str, "café ☕");
}

static void test_control_character_in_file(void **state)
{
	T *t = *state;
	assert_null(load(t, "a: x\x01y\n"));
	assert_non_null(strstr(rendered(t), "app.yaml:1:5: error: invalid YAML: control characters are "
					    "not allowed; remove them\n"));
}

static void test_bom(void **state)
{
	T *t = *state;
	YNode *r = load(t, "\xef\xbb\xbflanguage: python\nname: app\n");
	assert_non_null(r);
	assert_int_equal(t->d.errors, 0);
	assert_string_equal(r->pairs[0].key->str, "language");
	assert_pos(r->pairs[0].key, 1, 1);
	assert_pos(ynode_get(r, "name"), 2, 7);
}

static void test_crlf(void **state)
{
	T *t = *state;
	YNode *r = load(t, "language: python\r\nrun:\r\n  command:\r\n    - gunicorn\r\n    - \"app:app\"\r\n");
	assert_non_null(r);
	assert_int_equal(t->d.errors, 0);
	YNode *cmd = ynode_get(ynode_get(r, "run"), "command");
	assert_int_equal(cmd->n, 2);
	assert_string_equal(cmd->items[0]->str, "gunicorn");
	assert_pos(cmd->items[0], 4, 7);
	assert_pos(cmd->items[1], 5, 7);
	assert_string_equal(cmd->items[1]->str, "app:app");
}

static void test_crlf_error_lines(void **state)
{
	T *t = *state;
	assert_null(load(t, "a: 1\r\nb: 2\r\na: 3\r\n"));
	/* the excerpt stops before the carriage return */
	assert_string_equal(rendered(t), "app.yaml:3:1: error: duplicate key 'a'; each key may appear once\n"
					 "    3 | a: 3\n"
					 "      | ^\n"
					 "app.yaml:1:1: note: 'a' first appears here\n"
					 "    1 | a: 1\n"
					 "      | ^\n");
}

static void test_syntax_error_with_note(void **state)
{
	T *t = *state;
	assert_null(load(t, "a: \"unterminated\n"));
	assert_string_equal(rendered(t),
			    "app.yaml:2:1: error: invalid YAML: found unexpected end of stream while "
			    "scanning a quoted scalar\n"
			    "    2 | \n"
			    "      | ^\n"
			    "app.yaml:1:4: note: the construct started here\n"
			    "    1 | a: \"unterminated\n"
			    "      |    ^\n");
}

static void test_syntax_error_plain(void **state)
{
	T *t = *state;
	assert_null(load(t, "a: b: c\n"));
	assert_string_equal(rendered(t), "app.yaml:1:5: error: invalid YAML: mapping values are not allowed "
					 "in this context\n"
					 "    1 | a: b: c\n"
					 "      |     ^\n");
}

static void test_non_string_key(void **state)
{
	T *t = *state;
	assert_null(load(t, "? [a, b]\n: 1\n"));
	assert_string_equal(rendered(t), "app.yaml:1:3: error: a key must be a string, not a list\n"
					 "    1 | ? [a, b]\n"
					 "      |   ^\n");
}

static void test_long_scalar(void **state)
{
	T *t = *state;
	size_t n = YAML_MAX_SCALAR + 1;
	char *text = arena_alloc(t->a, n + 8);
	memcpy(text, "a: ", 3);
	memset(text + 3, 'x', n);
	text[3 + n] = '\n';
	assert_null(load_n(t, text, n + 4));
	assert_non_null(strstr(rendered(t), "app.yaml:1:4: error: a value of 65537 bytes is longer than the "
					    "limit of 65536\n"));
	/* exactly the limit is fine */
	setup(state);
	T *u = *state;
	text[3 + YAML_MAX_SCALAR] = '\n';
	assert_non_null(load_n(u, text, YAML_MAX_SCALAR + 4));
	teardown(state);
	*state = t;
}

static void test_plain_and_quoted(void **state)
{
	T *t = *state;
	YNode *r = load(t, "a: 3.10\n"
			   "b: \"3.10\"\n"
			   "c: '3.10'\n"
			   "d: 010\n"
			   "e: yes\n"
			   "f: 1e3\n"
			   "g: true\n"
			   "h: |\n  line 1\n  line 2\n"
			   "i: >-\n  folded\n  text\n");
	assert_non_null(r);
	struct {
		const char *key, *text;
		bool plain;
	} want[] = {
		{"a", "3.10", true},  {"b", "3.10", false}, {"c", "3.10", false},
		{"d", "010", true},   {"e", "yes", true},   {"f", "1e3", true},
		{"g", "true", true},  {"h", "line 1\nline 2\n", false},
		{"i", "folded text", false},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		YNode *v = ynode_get(r, want[i].key);
		assert_non_null(v);
		assert_int_equal(v->kind, YNODE_SCALAR);
		assert_string_equal(v->str, want[i].text);
		assert_int_equal(v->len, strlen(want[i].text));
		assert_int_equal(v->plain, want[i].plain);
		assert_false(v->is_null);
	}
}

static void test_null_detection(void **state)
{
	T *t = *state;
	YNode *r = load(t, "a:\n"
			   "b: ~\n"
			   "c: null\n"
			   "d: Null\n"
			   "e: NULL\n"
			   "f: \"\"\n"
			   "g: 'null'\n"
			   "h: \"~\"\n"
			   "i: !!str null\n"
			   "j: nul\n"
			   "k: nULL\n"
			   "l:\n  - ~\n  -\n  - x\n");
	assert_non_null(r);
	const char *nulls = "abcde";
	for (size_t i = 0; i < r->n; i++) {
		const YNode *k = r->pairs[i].key, *v = r->pairs[i].value;
		if (v->kind != YNODE_SCALAR)
			continue;
		bool want = strchr(nulls, k->str[0]) != NULL;
		if (v->is_null != want)
			fail_msg("'%s': is_null should be %d", k->str, want);
	}
	YNode *l = ynode_get(r, "l");
	assert_int_equal(l->n, 3);
	assert_true(l->items[0]->is_null);
	assert_true(l->items[1]->is_null);
	assert_false(l->items[2]->is_null);
	/* a null keeps its text */
	assert_string_equal(ynode_get(r, "c")->str, "null");
	assert_string_equal(ynode_get(r, "a")->str, "");
}

static void test_root_kinds(void **state)
{
	T *t = *state;
	YNode *r = load(t, "- a\n- b\n");
	assert_non_null(r);
	assert_int_equal(r->kind, YNODE_SEQ);
	setup(state);
	T *u = *state;
	r = load(u, "just text\n");
	assert_non_null(r);
	assert_int_equal(r->kind, YNODE_SCALAR);
	teardown(state);
	*state = t;
}

/* Two trees alike: kinds, flags, strings, lengths, positions, children. */
static void assert_same_tree(const YNode *x, const YNode *y)
{
	assert_int_equal(x->kind, y->kind);
	assert_int_equal(x->plain, y->plain);
	assert_int_equal(x->is_null, y->is_null);
	assert_ptr_equal(x->pos.file, y->pos.file);
	assert_int_equal(x->pos.line, y->pos.line);
	assert_int_equal(x->pos.col, y->pos.col);
	assert_int_equal(x->len, y->len);
	assert_int_equal(x->n, y->n);
	assert_true((x->str == NULL) == (y->str == NULL));
	if (x->str)
		assert_memory_equal(x->str, y->str, x->len + 1);
	for (size_t i = 0; i < x->n; i++) {
		if (x->kind == YNODE_SEQ) {
			assert_same_tree(x->items[i], y->items[i]);
		} else {
			assert_same_tree(x->pairs[i].key, y->pairs[i].key);
			assert_same_tree(x->pairs[i].value, y->pairs[i].value);
		}
	}
}

/* The trees made at build time (template_tree.c) are the ones yaml_load
 * gives for every built-in template file; a file whose bytes differ from
 * the built-in ones (a --templates copy, edited) is parsed instead. */
static void test_template_trees_equal_the_yaml(void **state)
{
	(void)state;
	size_t seen = 0;
	for (size_t i = 0; i < embedded_templates_count; i++) {
		const EmbeddedFile *e = &embedded_templates[i];
		if (strcmp(e->name, "runtime-libs.yaml") == 0)
			continue; /* a C table of its own: test_runtime_libs.c */
		Arena *a = arena_new();
		Diags d;
		diags_init(&d, a, 20, false);
		const SourceFile *f = source_from_string(a, e->name, e->text, e->len);
		assert_non_null(template_tree_of(f));
		YNode *parsed = yaml_load(a, f, &d);
		YNode *built = template_yaml(a, f, &d);
		assert_non_null(parsed);
		assert_non_null(built);
		assert_int_equal(d.errors, 0);
		assert_same_tree(parsed, built);
		seen++;
		/* one byte changed: not the built-in file any more */
		char *copy = arena_strndup(a, e->text, e->len);
		copy[e->len - 1] = copy[e->len - 1] == '\n' ? ' ' : '\n';
		const SourceFile *g = source_from_string(a, e->name, copy, e->len);
		assert_null(template_tree_of(g));
		arena_free(a);
	}
	assert_int_equal(seen, embedded_trees_count);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_positions, setup, teardown),
		cmocka_unit_test(test_template_trees_equal_the_yaml),
		cmocka_unit_test_setup_teardown(test_mapping_keeps_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kind_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_keys_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_key_in_different_maps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth_limit_stops_huge_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias_bomb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aliases_share_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_alias, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escaped_nul_in_scalar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_several_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_explicit_document, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tabs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tab_inside_value_is_fine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_character_in_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf_error_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax_error_with_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax_error_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_string_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_scalar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_and_quoted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_detection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alias_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_nodes_without_aliases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_anchor_shadowing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_cr_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line_excerpt, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
