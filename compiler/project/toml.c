/*
 * toml.c - a TOML 1.0 reader that keeps positions.
 *
 * Debian 12 has no C TOML library, and a line-based reader gets names
 * wrong (a multi-line string holding `name = "x"`, a line longer than its
 * buffer).  This one follows the grammar: comments, [tables],
 * [[arrays of tables]], dotted and quoted keys, basic and literal strings
 * including multi-line ones with their escapes, integers (decimal, hex,
 * octal, binary), booleans, arrays over several lines and inline tables.
 * Floats and date-times are recognised loosely and kept as their text.
 * Every value keeps the SrcPos where it starts.  The first syntax error
 * stops the reader with a positioned diagnostic: after one, the rest of a
 * TOML file cannot be read reliably.  Nesting is bounded, and large tables
 * are hashed, so a hostile file costs linear time.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "project.h"

enum { HOW_IMPLICIT, HOW_HEADER, HOW_DOTTED, HOW_INLINE };
#define TOML_MAX_DEPTH 64
#define TOML_MAX_KEYS 32

typedef struct TP {
	Arena *a;
	Diags *d;
	const SourceFile *f;
	const char *p, *end, *bol;
	int line;
	bool failed;
	int depth;
} TP;

static SrcPos here(const TP *t)
{
	return (SrcPos){t->f, t->line, (int)(t->p - t->bol) + 1};
}

static void fail(TP *t, SrcPos pos, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void fail(TP *t, SrcPos pos, const char *fmt, ...)
{
	if (t->failed)
		return;
	t->failed = true;
	va_list ap;
	va_start(ap, fmt);
	const char *msg = arena_vprintf(t->a, fmt, ap);
	va_end(ap);
	diag_error(t->d, pos, "%s", msg);
}

static bool at_end(const TP *t)
{
	return t->failed || t->p >= t->end;
}

/* ---- tables ---------------------------------------------------------- */

static size_t hash(const char *s)
{
	size_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void reindex(Arena *a, TomlValue *tab)
{
	size_t cap = 16;
	while (cap < tab->n * 4)
		cap *= 2;
	tab->index = arena_alloc(a, cap * sizeof(*tab->index));
	tab->index_cap = cap;
	for (size_t i = 0; i < tab->n; i++) {
		size_t h = hash(tab->pairs[i].key) & (cap - 1);
		while (tab->index[h])
			h = (h + 1) & (cap - 1);
		tab->index[h] = i + 1;
	}
}

static TomlValue *lookup(const TomlValue *tab, const char *key)
{
	if (!tab || tab->kind != TOML_TABLE)
		return NULL;
	if (tab->index) {
		for (size_t h = hash(key) & (tab->index_cap - 1); tab->index[h]; h = (h + 1) & (tab->index_cap - 1))
			if (strcmp(tab->pairs[tab->index[h] - 1].key, key) == 0)
				return tab->pairs[tab->index[h] - 1].value;
		return NULL;
	}
	for (size_t i = 0; i < tab->n; i++)
		if (strcmp(tab->pairs[i].key, key) == 0)
			return tab->pairs[i].value;
	return NULL;
}

const TomlValue *toml_get(const TomlValue *tab, const char *key)
{
	return lookup(tab, key);
}

const TomlValue *toml_path(const TomlValue *root, const char *dotted)
{
	const TomlValue *v = root;
	const char *p = dotted;
	char key[256];
	while (v && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		v = toml_get(v, key);
		p += n + (dot ? 1 : 0);
	}
	return v;
}

static TomlValue *new_value(TP *t, TomlKind kind, SrcPos pos)
{
	TomlValue *v = arena_alloc(t->a, sizeof(*v));
	v->kind = kind;
	v->pos = pos;
	return v;
}

static void table_add(TP *t, TomlValue *tab, const char *key, SrcPos pos, TomlValue *v)
{
	if (tab->n == tab->cap) {
		size_t cap = tab->cap ? tab->cap * 2 : 8;
		TomlPair *pairs = arena_alloc(t->a, cap * sizeof(*pairs));
		if (tab->n)
			memcpy(pairs, tab->pairs, tab->n * sizeof(*pairs));
		tab->pairs = pairs;
		tab->cap = cap;
	}
	tab->pairs[tab->n++] = (TomlPair){key, pos, v};
	if (tab->n >= 8 && tab->n * 2 > tab->index_cap)
		reindex(t->a, tab);
	else if (tab->index) {
		size_t h = hash(key) & (tab->index_cap - 1);
		while (tab->index[h])
			h = (h + 1) & (tab->index_cap - 1);
		tab->index[h] = tab->n;
	}
}

static void array_add(TP *t, TomlValue *arr, TomlValue *v)
{
	if (arr->n == arr->cap) {
		size_t cap = arr->cap ? arr->cap * 2 : 8;
		TomlValue **items = arena_alloc(t->a, cap * sizeof(*items));
		if (arr->n)
			memcpy(items, arr->items, arr->n * sizeof(*items));
		arr->items = items;
		arr->cap = cap;
	}
	arr->items[arr->n++] = v;
}

/* ---- lexical pieces ------------------------------------------------- */

static void skip_ws(TP *t)
{
	while (t->p < t->end && (*t->p == ' ' || *t->p == '\t'))
		t->p++;
}

/* Consumes one end of line (\n or \r\n); false when there is none. */
static bool newline(TP *t)
{
	if (t->p < t->end && *t->p == '\n') {
		t->p++;
	} else if (t->end - t->p >= 2 && t->p[0] == '\r' && t->p[1] == '\n') {
		t->p += 2;
	} else {
		return false;
	}
	t->line++;
	t->bol = t->p;
	return true;
}

static bool is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static void skip_comment(TP *t)
{
	if (t->p >= t->end || *t->p != '#')
		return;
	while (t->p < t->end && *t->p != '\n') {
		if (is_control((unsigned char)*t->p) && !(*t->p == '\r' && t->p + 1 < t->end && t->p[1] == '\n')) {
			fail(t, here(t), "a control character in a comment; remove it");
			return;
		}
		t->p++;
	}
}

/* Blanks, comments and line ends (inside arrays). */
static void skip_space(TP *t)
{
	for (;;) {
		skip_ws(t);
		skip_comment(t);
		if (t->failed || !newline(t))
			return;
	}
}

static void add_utf8(Strbuf *sb, unsigned long c)
{
	if (c < 0x80) {
		strbuf_addc(sb, (char)c);
	} else if (c < 0x800) {
		strbuf_addc(sb, (char)(0xc0 | (c >> 6)));
		strbuf_addc(sb, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		strbuf_addc(sb, (char)(0xe0 | (c >> 12)));
		strbuf_addc(sb, (char)(0x80 | ((c >> 6) & 0x3f)));
		strbuf_addc(sb, (char)(0x80 | (c & 0x3f)));
	} else {
		strbuf_addc(sb, (char)(0xf0 | (c >> 18)));
		strbuf_addc(sb, (char)(0x80 | ((c >> 12) & 0x3f)));
		strbuf_addc(sb, (char)(0x80 | ((c >> 6) & 0x3f)));
		strbuf_addc(sb, (char)(0x80 | (c & 0x3f)));
	}
}

static bool escape(TP *t, Strbuf *sb)
{
	SrcPos pos = here(t);
	t->p++; /* the backslash */
	if (t->p >= t->end) {
		fail(t, pos, "a string ends in a backslash; close it with '\"'");
		return false;
	}
	char c = *t->p++;
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	const char *k = strchr(from, c);
	if (c && k) {
		strbuf_addc(sb, to[k - from]);
		return true;
	}
	if (c == 'u' || c == 'U') {
		int n = c == 'u' ? 4 : 8;
		unsigned long v = 0;
		for (int i = 0; i < n; i++, t->p++) {
			if (t->p >= t->end || !strchr("0123456789abcdefABCDEF", *t->p) || !*t->p) {
				fail(t, pos, "'\\%c' needs %d hex digits", c, n);
				return false;
			}
			char h = *t->p;
			v = v * 16 + (unsigned long)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
		}
		if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
			fail(t, pos, "'\\%c' names no Unicode character; fix the escape", c);
			return false;
		}
		add_utf8(sb, v);
		return true;
	}
	fail(t, pos, "unknown escape '\\%c' in a string; write '\\\\' for a backslash", c ? c : '0');
	return false;
}

/* A string at t->p (", ', """ or ''').  multi: multi-line forms allowed. */
static bool parse_string(TP *t, bool multi_ok, const char **out, size_t *out_len)
{
	SrcPos start = here(t);
	char q = *t->p;
	bool literal = q == '\'';
	bool multi = t->end - t->p >= 3 && t->p[1] == q && t->p[2] == q;
	if (multi && !multi_ok) {
		fail(t, start, "a key cannot be a multi-line string");
		return false;
	}
	t->p += multi ? 3 : 1;
	if (multi)
		newline(t); /* a line end right after the opening quotes is trimmed */
	Strbuf sb = STRBUF_INIT;
	for (;;) {
		if (t->p >= t->end) {
			fail(t, start, "this string is never closed; end it with %s", multi ? (literal ? "'''" : "\"\"\"")
											   : (literal ? "'" : "'\"'"));
			break;
		}
		char c = *t->p;
		if (c == q) {
			if (!multi) {
				t->p++;
				break;
			}
			if (t->end - t->p >= 3 && t->p[1] == q && t->p[2] == q) {
				/* up to two more quotes belong to the string */
				int extra = 0;
				while (extra < 2 && t->end - t->p > 3 && t->p[3] == q) {
					strbuf_addc(&sb, q);
					t->p++;
					extra++;
				}
				t->p += 3;
				break;
			}
			strbuf_addc(&sb, c);
			t->p++;
			continue;
		}
		if (c == '\n' || c == '\r') {
			if (!multi) {
				fail(t, start, "this string is never closed on its line; end it with %s, or use %s for "
					       "several lines", literal ? "'" : "'\"'", literal ? "'''" : "\"\"\"");
				break;
			}
			if (!newline(t)) {
				fail(t, here(t), "a carriage return without a line feed; save the file with \\n or \\r\\n "
						 "line ends");
				break;
			}
			strbuf_addc(&sb, '\n');
			continue;
		}
		if (c == '\\' && !literal) {
			const char *q2 = t->p + 1;
			while (multi && q2 < t->end && (*q2 == ' ' || *q2 == '\t'))
				q2++;
			if (multi && q2 < t->end && (*q2 == '\n' || *q2 == '\r')) {
				/* a line-ending backslash: trim up to the next non-blank */
				t->p = q2;
				for (;;) {
					skip_ws(t);
					if (!newline(t))
						break;
				}
				continue;
			}
			if (!escape(t, &sb))
				break;
			continue;
		}
		if (is_control((unsigned char)c)) {
			fail(t, here(t), "a control character in a string; write it as an escape (\\u00XX)");
			break;
		}
		strbuf_addc(&sb, c);
		t->p++;
	}
	*out_len = sb.len;
	*out = arena_strndup(t->a, strbuf_str(&sb), sb.len);
	strbuf_release(&sb);
	return !t->failed;
}

static bool bare_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* key ( '.' key )*: fills keys and their positions; returns how many. */
static int parse_key(TP *t, const char **keys, SrcPos *pos)
{
	int n = 0;
	for (;;) {
		skip_ws(t);
		if (n == TOML_MAX_KEYS) {
			fail(t, here(t), "a key with more than %d parts; shorten it", TOML_MAX_KEYS);
			return 0;
		}
		pos[n] = here(t);
		if (t->p < t->end && (*t->p == '"' || *t->p == '\'')) {
			size_t len;
			if (!parse_string(t, false, &keys[n], &len))
				return 0;
			if (strlen(keys[n]) != len) {
				fail(t, pos[n], "a key holds a NUL character; rename it");
				return 0;
			}
		} else {
			const char *s = t->p;
			while (t->p < t->end && bare_key_char(*t->p))
				t->p++;
			if (t->p == s) {
				if (t->p < t->end && *t->p == '=')
					fail(t, pos[n], "a key is missing before '='");
				else
					fail(t, pos[n], "expected a key (letters, digits, '_', '-', or a quoted string)");
				return 0;
			}
			keys[n] = arena_strndup(t->a, s, (size_t)(t->p - s));
		}
		n++;
		skip_ws(t);
		if (t->p >= t->end || *t->p != '.')
			return n;
		t->p++;
	}
}

/* ---- values ---------------------------------------------------------- */

static TomlValue *parse_value(TP *t);
static bool parse_keyval(TP *t, TomlValue *tab, bool in_inline);

static bool all_digits(const char *s, size_t n, const char *digits)
{
	if (!n || s[0] == '_' || s[n - 1] == '_')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_' && i + 1 < n && s[i + 1] != '_')
			continue;
		if (!strchr(digits, s[i]) || !s[i])
			return false;
	}
	return true;
}

static TomlValue *parse_scalar(TP *t)
{
	SrcPos pos = here(t);
	const char *s = t->p;
	for (;;) {
		while (t->p < t->end && (bare_key_char(*t->p) || strchr("+.:", *t->p)) && *t->p)
			t->p++;
		/* a date and a time may be separated by a space */
		if (t->p - s == 10 && s[4] == '-' && t->end - t->p >= 2 && t->p[0] == ' ' && t->p[1] >= '0' &&
		    t->p[1] <= '9') {
			t->p++;
			continue;
		}
		break;
	}
	size_t n = (size_t)(t->p - s);
	if (!n) {
		fail(t, pos, "expected a value (a string in quotes, a number, true, false, an array or an inline "
			     "table)");
		return NULL;
	}
	char *text = arena_strndup(t->a, s, n);
	if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
		TomlValue *v = new_value(t, TOML_BOOLEAN, pos);
		v->boolean = text[0] == 't';
		return v;
	}
	const char *digits = s;
	size_t dn = n;
	int base = 10;
	if (n > 2 && s[0] == '0' && strchr("xob", s[1])) {
		base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
		digits += 2;
		dn -= 2;
	} else if (s[0] == '+' || s[0] == '-') {
		digits++;
		dn--;
	}
	const char *set = base == 16 ? "0123456789abcdefABCDEF" : base == 8 ? "01234567" : base == 2 ? "01" : "0123456789";
	if (all_digits(digits, dn, set) && !(base == 10 && dn > 1 && digits[0] == '0')) {
		char *clean = arena_alloc(t->a, n + 1), *c = clean;
		for (size_t i = 0; i < n; i++)
			if (s[i] != '_')
				*c++ = s[i];
		errno = 0;
		TomlValue *v = new_value(t, TOML_INTEGER, pos);
		v->integer = strtoll(base == 10 ? clean : clean + 2, NULL, base);
		if (errno == ERANGE) {
			fail(t, pos, "the integer '%s' does not fit in 64 bits", text);
			return NULL;
		}
		v->str = text;
		v->len = n;
		return v;
	}
	bool numberish = (s[0] >= '0' && s[0] <= '9') || s[0] == '+' || s[0] == '-' || strcmp(text, "inf") == 0 ||
			 strcmp(text, "nan") == 0;
	if (!numberish) {
		fail(t, pos, "'%s' is not a TOML value; put a string in quotes (\"%s\")", text, text);
		return NULL;
	}
	TomlValue *v = new_value(t, TOML_OTHER, pos);
	v->str = text;
	v->len = n;
	return v;
}

static TomlValue *parse_array(TP *t)
{
	TomlValue *arr = new_value(t, TOML_ARRAY, here(t));
	t->p++; /* [ */
	for (;;) {
		skip_space(t);
		if (at_end(t)) {
			fail(t, arr->pos, "this array is never closed; end it with ']'");
			return NULL;
		}
		if (*t->p == ']') {
			t->p++;
			return arr;
		}
		TomlValue *v = parse_value(t);
		if (!v)
			return NULL;
		array_add(t, arr, v);
		skip_space(t);
		if (at_end(t)) {
			fail(t, arr->pos, "this array is never closed; end it with ']'");
			return NULL;
		}
		if (*t->p == ',') {
			t->p++;
			continue;
		}
		if (*t->p != ']') {
			fail(t, here(t), "expected ',' or ']' in an array");
			return NULL;
		}
	}
}

static TomlValue *parse_inline_table(TP *t)
{
	TomlValue *tab = new_value(t, TOML_TABLE, here(t));
	tab->how = HOW_INLINE;
	t->p++; /* { */
	skip_ws(t);
	if (t->p < t->end && *t->p == '}') {
		t->p++;
		return tab;
	}
	for (;;) {
		if (!parse_keyval(t, tab, true))
			return NULL;
		skip_ws(t);
		if (t->p < t->end && *t->p == ',') {
			t->p++;
			continue;
		}
		if (t->p < t->end && *t->p == '}') {
			t->p++;
			return tab;
		}
		fail(t, here(t), "expected ',' or '}' in an inline table (an inline table stays on one line)");
		return NULL;
	}
}

static TomlValue *parse_value(TP *t)
{
	if (at_end(t)) {
		fail(t, here(t), "expected a value at the end of the file");
		return NULL;
	}
	if (t->depth >= TOML_MAX_DEPTH) {
		fail(t, here(t), "arrays and inline tables nested more than %d deep", TOML_MAX_DEPTH);
		return NULL;
	}
	char c = *t->p;
	if (c == '"' || c == '\'') {
		TomlValue *v = new_value(t, TOML_STRING, here(t));
		return parse_string(t, true, &v->str, &v->len) ? v : NULL;
	}
	t->depth++;
	TomlValue *v = c == '[' ? parse_array(t) : c == '{' ? parse_inline_table(t) : parse_scalar(t);
	t->depth--;
	return v;
}

/* Steps from tab into the table key names, making it when missing. */
static TomlValue *descend(TP *t, TomlValue *tab, const char *key, SrcPos pos, unsigned char how, bool header)
{
	TomlValue *v = lookup(tab, key);
	if (!v) {
		v = new_value(t, TOML_TABLE, pos);
		v->how = how;
		table_add(t, tab, key, pos, v);
		return v;
	}
	if (v->kind == TOML_ARRAY && v->array_of_tables && header)
		return v->items[v->n - 1];
	if (v->kind != TOML_TABLE || v->how == HOW_INLINE) {
		fail(t, pos, "'%s' is already a value (line %d), so it cannot hold keys; rename one of them", key,
		     v->pos.line);
		return NULL;
	}
	return v;
}

static bool parse_keyval(TP *t, TomlValue *tab, bool in_inline)
{
	const char *keys[TOML_MAX_KEYS];
	SrcPos pos[TOML_MAX_KEYS];
	int n = parse_key(t, keys, pos);
	if (!n)
		return false;
	if (t->p >= t->end || *t->p != '=') {
		fail(t, here(t), "expected '=' after the key '%s'", keys[n - 1]);
		return false;
	}
	t->p++;
	skip_ws(t);
	for (int i = 0; i < n - 1 && tab; i++)
		tab = descend(t, tab, keys[i], pos[i], HOW_DOTTED, false);
	if (!tab)
		return false;
	const TomlValue *old = toml_get(tab, keys[n - 1]);
	if (old) {
		fail(t, pos[n - 1], "'%s' is defined twice (first on line %d); remove one", keys[n - 1], old->pos.line);
		return false;
	}
	if (t->p < t->end && (*t->p == '\n' || *t->p == '\r' || *t->p == '#')) {
		fail(t, here(t), "expected a value after '%s ='", keys[n - 1]);
		return false;
	}
	TomlValue *v = parse_value(t);
	if (!v)
		return false;
	(void)in_inline;
	table_add(t, tab, keys[n - 1], pos[n - 1], v);
	return true;
}

static TomlValue *parse_header(TP *t, TomlValue *root)
{
	SrcPos start = here(t);
	bool array = t->end - t->p >= 2 && t->p[1] == '[';
	t->p += array ? 2 : 1;
	const char *keys[TOML_MAX_KEYS];
	SrcPos pos[TOML_MAX_KEYS];
	int n = parse_key(t, keys, pos);
	if (!n)
		return NULL;
	if (t->p >= t->end || *t->p != ']' || (array && (t->end - t->p < 2 || t->p[1] != ']'))) {
		fail(t, here(t), "expected '%s' to close the table header", array ? "]]" : "]");
		return NULL;
	}
	t->p += array ? 2 : 1;
	TomlValue *tab = root;
	for (int i = 0; i < n - 1 && tab; i++)
		tab = descend(t, tab, keys[i], pos[i], HOW_IMPLICIT, true);
	if (!tab)
		return NULL;
	const char *key = keys[n - 1];
	TomlValue *v = lookup(tab, key);
	if (array) {
		if (!v) {
			v = new_value(t, TOML_ARRAY, start);
			v->array_of_tables = true;
			table_add(t, tab, key, pos[n - 1], v);
		} else if (v->kind != TOML_ARRAY || !v->array_of_tables) {
			fail(t, start, "[[%s]] adds to an array of tables, but '%s' is already another value (line %d)",
			     key, key, v->pos.line);
			return NULL;
		}
		TomlValue *item = new_value(t, TOML_TABLE, start);
		item->how = HOW_HEADER;
		array_add(t, v, item);
		return item;
	}
	if (!v) {
		v = new_value(t, TOML_TABLE, start);
		v->how = HOW_HEADER;
		table_add(t, tab, key, pos[n - 1], v);
		return v;
	}
	if (v->kind == TOML_TABLE && v->how == HOW_IMPLICIT) {
		v->how = HOW_HEADER;
		v->pos = start;
		return v;
	}
	fail(t, start, "the table '%s' is defined twice (first on line %d); merge the two", key, v->pos.line);
	return NULL;
}

TomlValue *toml_parse(Arena *a, const SourceFile *f, Diags *d)
{
	TP t = {.a = a, .d = d, .f = f, .p = f->text, .end = f->text + f->len, .bol = f->text, .line = 1};
	if (t.end - t.p >= 3 && memcmp(t.p, "\xef\xbb\xbf", 3) == 0)
		t.p += 3, t.bol = t.p; /* a UTF-8 byte-order mark */
	TomlValue *root = new_value(&t, TOML_TABLE, here(&t));
	root->how = HOW_HEADER;
	TomlValue *cur = root;
	while (!at_end(&t)) {
		skip_ws(&t);
		skip_comment(&t);
		if (at_end(&t) || newline(&t))
			continue;
		if (*t.p == '[') {
			cur = parse_header(&t, root);
		} else if (!parse_keyval(&t, cur, false)) {
			break;
		}
		if (t.failed)
			break;
		skip_ws(&t);
		skip_comment(&t);
		if (!at_end(&t) && !newline(&t)) {
			if (*t.p == '\r')
				fail(&t, here(&t), "a carriage return without a line feed; save the file with \\n or "
						   "\\r\\n line ends");
			else
				fail(&t, here(&t), "expected the end of the line here; put each key on its own line");
		}
	}
	return t.failed ? NULL : root;
}
