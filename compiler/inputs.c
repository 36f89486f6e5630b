/*
 * inputs.c - line 2 of every generated file: what shaped it.
 *
 * A compilation records each input as it reads it (the spec, the policy
 * chain, each project file, each file of the template set; the lock file
 * when there is one) and inputs_stamp() writes them after line 1:
 *
 *   # stagec-inputs: stagec=VERSION options=multi spec:app.yaml=H
 *     file:package.json=H template:node.yaml=H ... out=H
 *
 * One line, tokens separated by spaces, each KIND:PATH=HASH (or NAME=VALUE
 * for the version and the options), in a fixed order: the version, the
 * options, then the inputs by kind (spec, policy, lock, file, template),
 * each kind sorted by path but the policy chain, which stays outermost
 * first.  Paths are relative to the spec's folder (templates are named by
 * their file in the template set, so a copy under --templates DIR that
 * changes nothing changes no hash); space, '%', '=', control characters
 * and bytes above 0x7e are written %XX.  A hash is the first
 * INPUT_HASH_LEN hex digits of the SHA-256 of the bytes; out= is the
 * hash of the file without line 2.  No dates, no absolute paths: the line
 * depends on the inputs' bytes and on where they sit next to the spec,
 * nothing else.
 *
 * The reading side serves `stagec all --check`: a file whose content no
 * longer matches its out= was edited by hand; otherwise the inputs whose
 * hashes differ between the recorded line and the one a run would write
 * are named ("file package.json").
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static const char *const KIND_NAMES[] = {
	[INPUT_SPEC] = "spec", [INPUT_POLICY] = "policy", [INPUT_LOCK] = "lock",
	[INPUT_FILE] = "file", [INPUT_TEMPLATE] = "template",
};

void inputs_init(Inputs *in, Arena *a, const char *spec_dir_real)
{
	*in = (Inputs){.a = a, .spec_dir = spec_dir_real};
}

static bool plain_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '%' && c != '=';
}

static const char *escape(Arena *a, const char *path)
{
	Strbuf sb = STRBUF_INIT;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (plain_char(*p))
			strbuf_addc(&sb, (char)*p);
		else
			strbuf_addf(&sb, "%%%02X", *p);
	}
	const char *out = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

void inputs_hash(const void *data, size_t len, char out[INPUT_HASH_LEN + 1])
{
	char hex[65];
	sha256_of(data, len, hex);
	memcpy(out, hex, INPUT_HASH_LEN);
	out[INPUT_HASH_LEN] = '\0';
}

void inputs_add(Inputs *in, InputKind kind, const char *path, const void *data, size_t len)
{
	if (!in)
		return;
	char hash[INPUT_HASH_LEN + 1];
	inputs_hash(data, len, hash);
	inputs_add_hash(in, kind, path, hash);
}

void inputs_add_hash(Inputs *in, InputKind kind, const char *path, const char *hash)
{
	if (!in)
		return;
	const char *name = escape(in->a, path && *path ? path : ".");
	for (size_t i = 0; i < in->n; i++)
		if (in->v[i].kind == kind && strcmp(in->v[i].path, name) == 0)
			return;
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 16;
		Input *v = arena_alloc(in->a, cap * sizeof(*v));
		if (in->n)
			memcpy(v, in->v, in->n * sizeof(*v));
		in->v = v;
		in->cap = cap;
	}
	Input *it = &in->v[in->n];
	*it = (Input){.kind = kind, .path = name, .order = in->n};
	snprintf(it->hash, sizeof(it->hash), "%s", hash);
	in->n++;
}

/* path made absolute (against the current folder) and normalised: no ".",
 * "..", or doubled slashes.  Symlinks are resolved when the file exists. */
static char *absolute(Arena *a, const char *path)
{
	char resolved[PATH_MAX];
	if (stagec_realpath(path, resolved))
		return arena_strdup(a, resolved);
	char cwd[PATH_MAX];
	const char *full = path;
	if (path[0] != '/')
		full = arena_printf(a, "%s/%s", getcwd(cwd, sizeof(cwd)) ? cwd : "", path);
	/* lexically: a stack of components */
	char *out = arena_alloc(a, strlen(full) + 2);
	size_t o = 0;
	for (const char *p = full; *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

/* to (absolute, normalised) relative to the folder from (the same). */
static const char *relative(Arena *a, const char *from, const char *to)
{
	size_t common = 0; /* length of the shared leading components */
	for (size_t i = 0;; i++) {
		bool fend = from[i] == '\0' || from[i] == '/', tend = to[i] == '\0' || to[i] == '/';
		if (fend && tend)
			common = i;
		if (from[i] != to[i] || !from[i])
			break;
	}
	Strbuf sb = STRBUF_INIT;
	for (const char *p = from + common; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			strbuf_adds(&sb, "../");
	const char *rest = to + common;
	while (*rest == '/')
		rest++;
	strbuf_adds(&sb, rest);
	if (sb.len > 1 && sb.buf[sb.len - 1] == '/')
		sb.buf[--sb.len] = '\0';
	const char *out = arena_strdup(a, sb.len ? strbuf_str(&sb) : ".");
	strbuf_release(&sb);
	return out;
}

/* The folder holding .git above dir (policy discovery's limit), or "/". */
static const char *repository_root(Arena *a, const char *dir)
{
	char *d = arena_strdup(a, dir);
	for (;;) {
		struct stat st;
		if (lstat(arena_printf(a, "%s/.git", strcmp(d, "/") ? d : ""), &st) == 0)
			return d;
		char *slash = strrchr(d, '/');
		if (!slash || slash == d)
			return "/";
		*slash = '\0';
	}
}

static bool below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strcmp(dir, "/") == 0 || (strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0'));
}

const char *inputs_file_name(Inputs *in, const char *path)
{
	if (!in->spec_dir)
		return path;
	if (!in->spec_dir_abs)
		in->spec_dir_abs = absolute(in->a, in->spec_dir);
	const char *from = in->spec_dir_abs, *to = absolute(in->a, path);
	const char *rel = relative(in->a, from, to);
	if (strncmp(rel, "..", 2) == 0) {
		/* a file outside the spec's repository (a policy in /etc) is named
		 * by its file name: how deep the checkout sits must not show */
		if (!in->root)
			in->root = repository_root(in->a, from);
		if (!below(to, in->root))
			rel = strrchr(to, '/') + 1;
	}
	return rel;
}

void inputs_add_file(Inputs *in, InputKind kind, const char *path, const void *data, size_t len)
{
	if (in)
		inputs_add(in, kind, inputs_file_name(in, path), data, len);
}

void inputs_copy(Inputs *to, const Inputs *from)
{
	*to = *from;
	to->v = NULL;
	to->cap = 0;
	if (from->n) {
		to->v = arena_alloc(from->a, from->n * sizeof(*to->v));
		memcpy(to->v, from->v, from->n * sizeof(*to->v));
		to->cap = from->n;
	}
}

static int cmp_input(const void *x, const void *y)
{
	const Input *a = x, *b = y;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	int c = a->kind == INPUT_POLICY ? 0 : strcmp(a->path, b->path);
	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

char *inputs_stamp(const Inputs *in, const char *options, char *text)
{
	char hex[65];
	sha256_of(text, strlen(text), hex);
	Strbuf sb = STRBUF_INIT;
	const char *nl = strchr(text, '\n');
	size_t first = nl ? (size_t)(nl - text) + 1 : strlen(text);
	strbuf_add(&sb, text, first);
	if (!nl)
		strbuf_addc(&sb, '\n');
	strbuf_adds(&sb, INPUTS_MARK "stagec=" STAGEC_VERSION);
	strbuf_addf(&sb, " options=%s", options);
	size_t n = in ? in->n : 0;
	Input *sorted = n ? malloc(n * sizeof(*sorted)) : NULL;
	if (sorted) {
		memcpy(sorted, in->v, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), cmp_input);
		for (size_t i = 0; i < n; i++)
			strbuf_addf(&sb, " %s:%s=%s", KIND_NAMES[sorted[i].kind], sorted[i].path, sorted[i].hash);
	}
	free(sorted);
	strbuf_addf(&sb, " out=%.*s\n", INPUT_HASH_LEN, hex);
	strbuf_adds(&sb, text + first);
	free(text);
	return strbuf_detach(&sb);
}

/* ---- reading a line back ---------------------------------------------------- */

const char *inputs_line(const char *text)
{
	const char *nl = strchr(text, '\n');
	if (strncmp(text, STAGEC_HEADER_MARK, strlen(STAGEC_HEADER_MARK)) != 0 || !nl ||
	    strncmp(nl + 1, INPUTS_MARK, strlen(INPUTS_MARK)) != 0)
		return NULL;
	return nl + 1;
}

typedef struct Token {
	const char *key, *value;
	size_t klen, vlen;
} Token;

/* The tokens of a drift line (after the mark, up to its newline). */
static Token *tokens(const char *line, size_t *ret_n)
{
	size_t cap = 16, n = 0;
	Token *t = malloc(cap * sizeof(*t));
	const char *p = line + (strncmp(line, INPUTS_MARK, strlen(INPUTS_MARK)) == 0 ? strlen(INPUTS_MARK) : 0);
	while (t && *p && *p != '\n') {
		size_t len = strcspn(p, " \n");
		const char *eq = memchr(p, '=', len);
		if (len && eq) {
			if (n == cap) {
				cap *= 2;
				Token *bigger = realloc(t, cap * sizeof(*t));
				if (!bigger)
					break;
				t = bigger;
			}
			t[n++] = (Token){p, eq + 1, (size_t)(eq - p), len - (size_t)(eq - p) - 1};
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	*ret_n = t ? n : 0;
	return t;
}

static const Token *find(const Token *t, size_t n, const Token *key)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].klen == key->klen && memcmp(t[i].key, key->key, key->klen) == 0)
			return &t[i];
	return NULL;
}

static bool is_out(const Token *t)
{
	return t->klen == 3 && memcmp(t->key, "out", 3) == 0;
}

bool inputs_edited(const char *text, const char *line2)
{
	const char *after = line2 + strcspn(line2, "\n");
	after += *after == '\n';
	Sha256 h;
	char hex[65];
	sha256_init(&h);
	sha256_update(&h, text, (size_t)(line2 - text));
	sha256_update(&h, after, strlen(after));
	sha256_hex(&h, hex);
	size_t n = 0;
	Token *t = tokens(line2, &n);
	bool edited = true;
	for (size_t i = 0; t && i < n; i++) {
		if (!is_out(&t[i]))
			continue;
		const char *v = t[i].value;
		size_t vlen = t[i].vlen;
		if (vlen > 7 && strncmp(v, "sha256:", 7) == 0) /* the first drift lines: the whole hash */
			v += 7, vlen -= 7;
		edited = vlen < 8 || vlen > 64 || strncmp(v, hex, vlen) != 0;
	}
	free(t);
	return edited;
}

static void name_token(Strbuf *sb, const Token *t)
{
	if (sb->len)
		strbuf_adds(sb, ", ");
	const char *colon = memchr(t->key, ':', t->klen);
	if (!colon) {
		strbuf_add(sb, t->key, t->klen);
		return;
	}
	strbuf_add(sb, t->key, (size_t)(colon - t->key));
	strbuf_addc(sb, ' ');
	strbuf_add(sb, colon + 1, t->klen - (size_t)(colon - t->key) - 1);
}

const char *inputs_changed(Arena *a, const char *was, const char *now)
{
	size_t nw = 0, nn = 0;
	Token *tw = tokens(was, &nw), *tn = tokens(now, &nn);
	Strbuf sb = STRBUF_INIT;
	/* in the order of the line a run would write, then what it no longer reads */
	for (size_t i = 0; tn && i < nn; i++) {
		const Token *old = tw ? find(tw, nw, &tn[i]) : NULL;
		if (!is_out(&tn[i]) && (!old || old->vlen != tn[i].vlen || memcmp(old->value, tn[i].value, old->vlen)))
			name_token(&sb, &tn[i]);
	}
	for (size_t i = 0; tw && i < nw; i++)
		if (!is_out(&tw[i]) && !(tn && find(tn, nn, &tw[i])))
			name_token(&sb, &tw[i]);
	free(tw);
	free(tn);
	const char *out = sb.len ? arena_strdup(a, strbuf_str(&sb)) : NULL;
	strbuf_release(&sb);
	return out;
}
