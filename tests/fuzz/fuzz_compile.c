/*
 * fuzz_compile.c - a libFuzzer target over the whole pipeline: spec bytes
 * in, diagnostics or a Dockerfile out.
 *
 * Each input is compiled by stagec_compile_text() as "app.yaml" in one of
 * three fixed build contexts (temporary folders created once, holding the
 * manifests, lockfiles and sources the templates and examples name, plus a
 * symlink that leaves the context), so lowering reaches its filesystem
 * checks.  The context and the options come from a hash of the input:
 * single-stage or not, the base (the spec's, official or debian), an IR
 * dump (none, final, after a pass), --Werror, --max-errors 1,
 * --no-comments, and the
 * built-in templates or a copy of them with a trimmed runtime-library
 * table (see make_templates).
 * The same bytes always get the same options, so every crash reproduces.
 *
 * Besides what ASan and UBSan catch, the target aborts when an invariant
 * of the result breaks:
 *   - a compilation that succeeded has non-empty output and a non-empty
 *     .dockerignore, with no NUL and no control character except '\n';
 *   - every line of an emitted Dockerfile is empty, a comment, or starts
 *     with one of the instructions stagec emits, unless the line before
 *     ended with a backslash (as Docker reads it: '\' then only blanks);
 *     a continuation line starts with a blank (stagec's layout), and the
 *     file does not end inside one;
 *   - read again with a model of BuildKit's parser (comment and blank
 *     lines inside a continuation dropped, lines over 65,535 bytes
 *     refused, "--" words after the instruction read as flags), the
 *     Dockerfile holds exactly the instructions of stagec's layout, no
 *     flag stagec did not write (specs/emitted-flags.txt, compiled in by
 *     build.sh), and ENV/LABEL pairs one per line.
 *     So no spec value can add an instruction, swallow the next one, hide
 *     part of one or pass it a flag;
 *   - the comments: after the header (the lines before the first blank
 *     one), a comment is "# " and printable ASCII, at most
 *     EMIT_COMMENT_MAX bytes of text, not ending with a backslash, a line
 *     of its own right before a FROM or an instruction's first line;
 *     none with --no-comments; and for one input in eight, compiled
 *     again with --no-comments, the text is the same but for those
 *     comment lines and line 2 (which says no-comments);
 *   - a compilation that failed has diagnostics, and error counts that
 *     agree with the status;
 *   - diagnostics hold no NUL and no control character but '\n' and '\t'.
 * Setting STAGEC_FUZZ_VERBOSE=1 prints the options and the result of
 * every input (useful when replaying one).
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h" /* embedded_templates[], to write the trimmed copy */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char context_dir[] = "/tmp/stagec-fuzz-XXXXXX";
static char templates_dir[sizeof(context_dir) + 16];
static bool verbose;
static void load_flag_rules(void);

static void write_file(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", context_dir, rel);
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

static void write_bytes(const char *rel, const char *text, size_t len)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", context_dir, rel);
	FILE *f = fopen(path, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

static void make_dir(const char *rel)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", context_dir, rel);
	if (mkdir(path, 0755) != 0) {
		perror(path);
		abort();
	}
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_context(void)
{
	nftw(context_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The manifests of every template, without lockfiles. */
static const char *const base_files[] = {
	"requirements.txt", "package.json", "go.mod", "Cargo.toml", "Gemfile", "app.csproj",
	"composer.json", "pom.xml", "CMakeLists.txt", "build.gradle", "main.c", "index.html", NULL,
};
/* Lockfiles and wrappers: which install rule a template picks depends on them. */
static const char *const locked_files[] = {
	"package-lock.json", "go.sum", "Cargo.lock", "Gemfile.lock", "composer.lock", "poetry.lock",
	"pyproject.toml", "uv.lock", "Pipfile", "Pipfile.lock", "mvnw", "gradlew", NULL,
};
static const char *const alt_files[] = {
	"requirements.txt", "pyproject.toml", "poetry.lock", "package.json", "yarn.lock", "pnpm-lock.yaml",
	"go.mod", "Cargo.toml", "Cargo.lock", "build.gradle.kts", "gradlew", "Gemfile", "composer.json",
	"app.csproj", "Makefile", "main.c", NULL,
};

static void write_list(const char *sub, const char *const *names)
{
	char rel[128];
	for (size_t i = 0; names[i]; i++) {
		snprintf(rel, sizeof(rel), "%s%s", sub, names[i]);
		write_file(rel, "\n");
	}
}

/* A folder with sources and a way out of the context. */
static void write_tree(const char *sub)
{
	char rel[128], link[256];
	snprintf(rel, sizeof(rel), "%slib", sub);
	make_dir(rel);
	snprintf(rel, sizeof(rel), "%slib/index.js", sub);
	write_file(rel, "module.exports = 1\n");
	snprintf(rel, sizeof(rel), "%ssrc", sub);
	make_dir(rel);
	snprintf(rel, sizeof(rel), "%ssrc/requirements.txt", sub);
	write_file(rel, "requests\n");
	snprintf(link, sizeof(link), "%s/%soutside", context_dir, sub);
	if (symlink("/etc", link) != 0) {
		perror(link);
		abort();
	}
}

/* Four build contexts, since a template's install rule depends on which
 * files exist: the folder itself (what the templates and the examples
 * expect, no lockfile but package-lock.json and go.sum; run-regressions.sh
 * lays out the same), locked/ (every lockfile too), alt/ (the other
 * package managers: yarn, pnpm, poetry, Gradle's Kotlin DSL, make) and
 * hostile/ (project files written to mislead their readers, see
 * write_hostile). */
static const char *contexts[4];

/* Project files that try the readers: a Cargo.toml whose name hides in a
 * multi-line string and after a line over 1,023 bytes, a pom.xml with an
 * entity expansion bomb and a DOCTYPE that names an outside file, a
 * package.json that is a FIFO and a go.mod that is a link to /dev/zero
 * (the project reader refuses both by type, before opening them). */
static void write_hostile(void)
{
	make_dir("hostile");
	write_list("hostile/", base_files);
	char *toml = malloc(4096);
	int n = snprintf(toml, 4096, "[package]\ndescription = \"\"\"\nname = \"evil; rm -rf /\"\n\"\"\"\nx = \"");
	memset(toml + n, 'a', 1100);
	snprintf(toml + n + 1100, 4096 - (size_t)n - 1100, "\" name = \"hidden\"\nname = \"--help\"\n");
	write_file("hostile/Cargo.toml", toml);
	free(toml);
	write_file("hostile/pom.xml",
		   "<?xml version=\"1.0\"?>\n<!DOCTYPE project [\n"
		   "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
		   "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		   "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		   "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		   "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		   "<!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n"
		   "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><artifactId>&e;&x;</artifactId>"
		   "<version>1</version></project>\n");
	char path[256];
	snprintf(path, sizeof(path), "%s/hostile/package.json", context_dir);
	remove(path);
	if (mkfifo(path, 0644) != 0) {
		perror(path);
		abort();
	}
	snprintf(path, sizeof(path), "%s/hostile/go.mod", context_dir);
	remove(path);
	if (symlink("/dev/zero", path) != 0) {
		perror(path);
		abort();
	}
	write_tree("hostile/");
}

static void make_context(void)
{
	if (!mkdtemp(context_dir)) {
		perror("mkdtemp");
		abort();
	}
	atexit(remove_context);
	write_list("", base_files);
	write_file("requirements.txt", "flask==3.0.0\n");
	write_file("package.json", "{\"name\": \"app\", \"version\": \"1.0.0\"}\n");
	write_file("package-lock.json", "{\"lockfileVersion\": 3}\n");
	write_file("go.mod", "module example.com/app\n\ngo 1.19\n");
	write_file("go.sum", "");
	write_file("app.py", "print('hi')\n");
	write_file("main.go", "package main\n\nfunc main() {}\n");
	write_file("server.js", "console.log('hi')\n");
	make_dir("vendor");
	write_file("vendor/setup.py", "\n");
	write_tree("");
	write_file("src/app.py", "\n");
	write_file("src/package.json", "{}\n");
	write_file("src/go.mod", "module example.com/app\n");

	make_dir("locked");
	write_list("locked/", base_files);
	write_list("locked/", locked_files);
	write_tree("locked/");
	make_dir("alt");
	write_list("alt/", alt_files);
	write_tree("alt/");
	write_hostile();

	static char locked[sizeof(context_dir) + 8], alt[sizeof(context_dir) + 8];
	static char hostile[sizeof(context_dir) + 8];
	snprintf(locked, sizeof(locked), "%s/locked", context_dir);
	snprintf(alt, sizeof(alt), "%s/alt", context_dir);
	snprintf(hostile, sizeof(hostile), "%s/hostile", context_dir);
	contexts[0] = context_dir;
	contexts[1] = locked;
	contexts[2] = alt;
	contexts[3] = hostile;
}

/* The runtime-library entries the trimmed table always keeps. */
static const char *const kept_libs[] = {
	"libpq-dev:", "libssl-dev:", "libxml2-dev:", "libffi-dev:", "libjpeg-dev:", "zlib1g-dev:",
	"libsqlite3-dev:", "libcurl4-openssl-dev:", "libyaml-dev:", "libxslt1-dev:",
};

static bool keep_line(const char *line, size_t len, size_t index)
{
	if (len < 2 || line[0] != ' ' || line[1] != ' ')
		return true; /* not an entry */
	if (index % 64 == 0)
		return true;
	for (size_t i = 0; i < sizeof(kept_libs) / sizeof(kept_libs[0]); i++)
		if (len > 2 + strlen(kept_libs[i]) && memcmp(line + 2, kept_libs[i], strlen(kept_libs[i])) == 0)
			return true;
	return false;
}

/* A copy of the built-in templates in which runtime-libs.yaml keeps one
 * entry in 64 (plus the common ones): the full table is 5,000+ entries
 * that every compilation parses, which would make fuzzing ten times
 * slower.  Most inputs use this copy (it also covers the code that reads
 * templates from a folder); the rest use the built-in templates. */
static void make_templates(void)
{
	snprintf(templates_dir, sizeof(templates_dir), "%s/.templates", context_dir);
	make_dir(".templates");
	for (size_t i = 0; i < embedded_templates_count; i++) {
		const EmbeddedFile *e = &embedded_templates[i];
		char rel[128];
		snprintf(rel, sizeof(rel), ".templates/%s", e->name);
		if (strcmp(e->name, "runtime-libs.yaml") != 0) {
			write_bytes(rel, e->text, e->len);
			continue;
		}
		char *trimmed = malloc(e->len + 1);
		size_t n = 0, entry = 0;
		for (size_t at = 0; at < e->len;) {
			const char *line = e->text + at;
			const char *nl = memchr(line, '\n', e->len - at);
			size_t len = nl ? (size_t)(nl - line) + 1 : e->len - at;
			if (keep_line(line, len, entry))
				memcpy(trimmed + n, line, len), n += len;
			if (len >= 2 && line[0] == ' ' && line[1] == ' ')
				entry++;
			at += len;
		}
		write_bytes(rel, trimmed, n);
		free(trimmed);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *v = getenv("STAGEC_FUZZ_VERBOSE");
	verbose = v && *v && strcmp(v, "0") != 0;
	load_flag_rules();
	make_context();
	make_templates();
	return 0;
}

static void fail(const char *what, const char *text, size_t at)
{
	fprintf(stderr, "fuzz_compile: broken invariant: %s\n", what);
	if (text) {
		size_t start = at > 200 ? at - 200 : 0;
		fprintf(stderr, "--- near byte %zu of the output:\n%.*s<<<HERE>>>%.200s\n---\n", at,
			(int)(at - start), text + start, text + at);
	}
	abort();
}

/* No NUL before the end and no control character other than those allowed. */
static void check_chars(const char *what, const char *text, const char *allowed)
{
	for (size_t i = 0; text[i]; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c < 0x20 && !strchr(allowed, c)) || c == 0x7f) {
			char msg[128];
			snprintf(msg, sizeof(msg), "%s holds control character 0x%02x", what, c);
			fail(msg, text, i);
		}
	}
}

static const char *const instructions[] = {
	"FROM", "RUN", "COPY", "ENV", "WORKDIR", "USER", "EXPOSE", "HEALTHCHECK", "CMD", "ENTRYPOINT", "LABEL", "ARG",
};

static bool starts_with_instruction(const char *line, size_t len)
{
	for (size_t i = 0; i < sizeof(instructions) / sizeof(instructions[0]); i++) {
		size_t n = strlen(instructions[i]);
		if (len > n && memcmp(line, instructions[i], n) == 0 && line[n] == ' ')
			return true;
	}
	return false;
}

/* ---- BuildKit's reading of a Dockerfile ------------------------------------
 * A model of moby/buildkit frontend/dockerfile/parser (Parse, processLine,
 * splitCommand, extractBuilderFlags, parseWords), written from its rules:
 *   - lines are split at '\n' (a '\r' before it is dropped); a line longer
 *     than 65,535 bytes is an error (bufio.Scanner's limit);
 *   - outside an instruction, leading white space (Go's unicode.IsSpace) is
 *     trimmed; a line that then starts with '#' is a comment, an empty one
 *     is skipped;
 *   - a line that ends with '\' and only blanks continues on the next one;
 *     inside a continuation, a line whose first non-space character is '#'
 *     is DROPPED (a comment, even there) and a blank line is skipped, so
 *     the instruction goes on with the line after;
 *   - the instruction's first word is its name; then words that start
 *     with "--" are its flags;
 *   - ENV and LABEL arguments are words split at white space outside
 *     quotes, with '\' escaping the next character (not inside '...'). */

/* The length of the Unicode space at p (Go's unicode.IsSpace), or 0. */
static size_t go_space(const char *p, size_t left)
{
	const unsigned char *u = (const unsigned char *)p;
	if (left == 0)
		return 0;
	if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r'))
		return 1;
	if (left >= 2 && u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0))
		return 2;
	if (left >= 3 && u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80)
		return 3; /* U+1680 */
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    ((u[2] >= 0x80 && u[2] <= 0x8a) || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
		return 3; /* U+2000..U+200A, U+2028, U+2029, U+202F */
	if (left >= 3 && u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f)
		return 3; /* U+205F */
	if (left >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3; /* U+3000 */
	return 0;
}

static size_t skip_go_space(const char *p, size_t len)
{
	size_t i = 0, n;
	while (i < len && (n = go_space(p + i, len - i)))
		i += n;
	return i;
}

/* Docker's line continuation: the escape character, then only blanks.
 * Returns the length without them, or len when the line does not continue. */
static size_t continuation_at(const char *line, size_t len, bool *continues)
{
	size_t n = len;
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	*continues = n && line[n - 1] == '\\';
	return *continues ? n - 1 : len;
}

/* One instruction as a reader sees it: its text, continuations joined, and
 * how many physical lines stagec wrote for it. */
typedef struct Logical {
	char *text;
	size_t len, lines, first_at;
} Logical;

typedef struct Program {
	Logical *v;
	size_t n, cap;
} Program;

static void program_push(Program *p, const char *text, size_t len, size_t lines, size_t at)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 32;
		p->v = realloc(p->v, p->cap * sizeof(*p->v));
	}
	Logical *l = &p->v[p->n++];
	l->text = malloc(len + 1);
	memcpy(l->text, text, len);
	l->text[len] = '\0';
	l->len = len;
	l->lines = lines;
	l->first_at = at;
}

static void program_free(Program *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].text);
	free(p->v);
}

/* A growable byte buffer for joining lines. */
typedef struct Buf {
	char *s;
	size_t n, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
}

/* The next physical line (without '\n', and without a '\r' before it as
 * bufio.ScanLines drops it); NULL at the end. */
static const char *next_line(const char *text, size_t total, size_t *at, size_t *len)
{
	if (*at >= total)
		return NULL;
	const char *line = text + *at;
	const char *nl = memchr(line, '\n', total - *at);
	size_t n = nl ? (size_t)(nl - line) : total - *at;
	*at += n + (nl ? 1 : 0);
	if (n && line[n - 1] == '\r')
		n--;
	*len = n;
	return line;
}

/* The instructions as BuildKit reads them. */
static void buildkit_read(const char *text, Program *out)
{
	size_t total = strlen(text), at = 0, len;
	const char *line;
	Buf b = {0};
	bool first = true;
	while ((line = next_line(text, total, &at, &len))) {
		size_t line_at = (size_t)(line - text);
		if (len > 65535)
			fail("a line longer than BuildKit reads (65,535 bytes)", text, line_at);
		if (first && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
			line += 3, len -= 3;
		first = false;
		size_t ws = skip_go_space(line, len);
		line += ws, len -= ws;
		if (len && line[0] == '#')
			continue; /* a comment */
		bool cont;
		size_t n = continuation_at(line, len, &cont);
		if (!cont && n == 0)
			continue; /* an empty line */
		b.n = 0;
		buf_add(&b, line, n);
		size_t lines = 1;
		while (cont && (line = next_line(text, total, &at, &len))) {
			lines++;
			if ((size_t)(line - text) + len > total || len > 65535)
				fail("a line longer than BuildKit reads (65,535 bytes)", text, (size_t)(line - text));
			ws = skip_go_space(line, len);
			if (ws < len && line[ws] == '#')
				continue; /* dropped: a comment inside a continuation */
			if (ws == len)
				continue; /* skipped: an empty continuation line */
			n = continuation_at(line, len, &cont);
			buf_add(&b, line, n);
		}
		program_push(out, b.s ? b.s : "", b.n, lines, line_at);
	}
	free(b.s);
}

/* The instructions as stagec laid them out: an instruction line and every
 * line after it while the one before ends with a continuation. */
static void stagec_layout(const char *text, Program *out)
{
	size_t total = strlen(text), at = 0, len;
	const char *line;
	Buf b = {0};
	while ((line = next_line(text, total, &at, &len))) {
		size_t line_at = (size_t)(line - text);
		if (len == 0 || line[0] == '#')
			continue;
		if (!starts_with_instruction(line, len))
			fail("a line that is not an instruction stagec emits, a comment or a continuation", text,
			     line_at);
		bool cont;
		size_t n = continuation_at(line, len, &cont);
		b.n = 0;
		buf_add(&b, line, n);
		size_t lines = 1;
		while (cont) {
			line = next_line(text, total, &at, &len);
			if (!line)
				fail("the Dockerfile ends inside a continued instruction", text, total);
			lines++;
			if (len == 0 || (line[0] != ' ' && line[0] != '\t'))
				fail("a continuation line that starts at column 1 (a swallowed instruction?)", text,
				     (size_t)(line - text));
			n = continuation_at(line, len, &cont);
			buf_add(&b, line, n);
		}
		program_push(out, b.s ? b.s : "", b.n, lines, line_at);
	}
	free(b.s);
}

/* The flags stagec writes: specs/emitted-flags.txt, compiled in by build.sh
 * (embed-templates --table=emitted_flags), one "INSTRUCTION PATTERN" a line,
 * each pattern a POSIX extended regular expression of a whole flag word.
 * The same list is read by tests/flags.awk (run-regressions.sh, run-flags.sh)
 * and tests/injection/check.js, and run-flags.sh checks it against what
 * stagec emits.  So no spec text can pass a flag, a mount of its own kind,
 * or a field in a mount, that the list does not name. */
extern const EmbeddedFile emitted_flags[];
extern const size_t emitted_flags_count;

typedef struct FlagRule {
	char instruction[16];
	regex_t re;
} FlagRule;

static FlagRule flag_rules[32];
static size_t nflag_rules;

static void load_flag_rules(void)
{
	if (emitted_flags_count != 1) {
		fprintf(stderr, "fuzz_compile: build.sh embeds one list of flags, not %zu\n", emitted_flags_count);
		abort();
	}
	const char *p = emitted_flags[0].text, *end = p + emitted_flags[0].len;
	while (p < end) {
		size_t n = strcspn(p, "\n");
		char line[512];
		if (n >= sizeof(line)) {
			fprintf(stderr, "fuzz_compile: a line of specs/emitted-flags.txt is too long\n");
			abort();
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (p + n < end);
		const char *at = line + strspn(line, " \t");
		if (*at == '\0' || *at == '#')
			continue;
		size_t kw = strcspn(at, " \t");
		const char *pat = at + kw + strspn(at + kw, " \t");
		size_t pl = strcspn(pat, " \t");
		char re[600];
		if (kw == 0 || kw >= sizeof(flag_rules[0].instruction) || pl == 0 || pat[pl + strspn(pat + pl, " \t")] ||
		    nflag_rules == sizeof(flag_rules) / sizeof(flag_rules[0])) {
			fprintf(stderr, "fuzz_compile: specs/emitted-flags.txt: not 'INSTRUCTION PATTERN': %s\n", line);
			abort();
		}
		FlagRule *r = &flag_rules[nflag_rules];
		memcpy(r->instruction, at, kw);
		r->instruction[kw] = '\0';
		snprintf(re, sizeof(re), "^(%.*s)$", (int)pl, pat);
		if (regcomp(&r->re, re, REG_EXTENDED | REG_NOSUB) != 0) {
			fprintf(stderr, "fuzz_compile: specs/emitted-flags.txt: a bad pattern: %s\n", line);
			abort();
		}
		nflag_rules++;
	}
	if (nflag_rules == 0) {
		fprintf(stderr, "fuzz_compile: specs/emitted-flags.txt has no pattern\n");
		abort();
	}
}

static bool flag_allowed(const char *instruction, const char *p, size_t wl)
{
	char word[512];
	if (wl >= sizeof(word))
		return false;
	memcpy(word, p, wl);
	word[wl] = '\0';
	for (size_t i = 0; i < nflag_rules; i++)
		if (strcmp(flag_rules[i].instruction, instruction) == 0 && regexec(&flag_rules[i].re, word, 0, NULL, 0) == 0)
			return true;
	return false;
}

/* The flags BuildKit takes from the start of an instruction's arguments
 * (words starting with "--"), checked against those stagec writes. */
static void check_flags(const char *text, const Logical *l, const char *name, const char *args)
{
	const char *p = args;
	for (;;) {
		p += skip_go_space(p, strlen(p));
		if (p[0] != '-' || p[1] != '-')
			return;
		size_t wl = strcspn(p, " \t\v\f\r");
		if (!flag_allowed(name, p, wl)) {
			char msg[160];
			snprintf(msg, sizeof(msg), "BuildKit reads a flag '%.*s' that stagec did not write in %s",
				 (int)(wl < 40 ? wl : 40), p, name);
			fail(msg, text, l->first_at);
		}
		p += wl;
	}
}

/* ENV, LABEL and ARG: stagec writes one key="value" pair per line; BuildKit
 * must read as many words, each a pair with a key.  Or an ARG that
 * declares one of BuildKit's platform ARGs: its name alone. */
static void check_pairs(const char *text, const Logical *l, const char *name, const char *args)
{
	const char *decl = args + skip_go_space(args, strlen(args));
	if (strcmp(name, "ARG") == 0 && l->lines == 1 && strchr(decl, '=') == NULL) {
		char word[32] = {0};
		size_t wl = strcspn(decl, " \t\v\f\r");
		memcpy(word, decl, wl < 31 ? wl : 31);
		if (wl >= 31 || !cross_platform_arg(word) || decl[wl + skip_go_space(decl + wl, strlen(decl + wl))])
			fail("an ARG without a value that declares no platform ARG", text, l->first_at);
		return;
	}
	size_t words = 0;
	const char *p = args, *end = args + strlen(args);
	while (p < end) {
		p += skip_go_space(p, (size_t)(end - p));
		if (p >= end)
			break;
		const char *w = p;
		bool has_eq = false, key = false;
		char quote = 0;
		while (p < end) {
			if (!quote && go_space(p, (size_t)(end - p)))
				break;
			if (!quote && *p == '=' && !has_eq) {
				has_eq = true;
				key = p > w;
			}
			if (*p == '\\' && quote != '\'' && p + 1 < end)
				p++;
			else if (!quote && (*p == '"' || *p == '\''))
				quote = *p;
			else if (quote && *p == quote)
				quote = 0;
			p++;
		}
		if (!has_eq || !key)
			fail("an ENV, LABEL or ARG word that BuildKit does not read as key=value", text, l->first_at);
		words++;
	}
	if (words != l->lines)
		fail("an ENV, LABEL or ARG whose pairs BuildKit counts differently from stagec's lines", text,
		     l->first_at);
}

/* The comment lines stagec writes after the header: "# " and printable
 * ASCII, bounded, no trailing backslash, each right before a FROM or an
 * instruction's first line (stagec_layout has made sure none is inside a
 * continuation); none at all with --no-comments. */
static void check_comments(const char *text, bool no_comments)
{
	size_t total = strlen(text), at = 0, len;
	const char *line;
	bool body = false, want_instruction = false;
	while ((line = next_line(text, total, &at, &len))) {
		size_t line_at = (size_t)(line - text);
		if (want_instruction && !starts_with_instruction(line, len))
			fail("a comment that is not right before an instruction", text, line_at);
		want_instruction = false;
		if (len == 0) {
			body = true;
			continue;
		}
		if (!body || line[0] != '#')
			continue;
		if (no_comments)
			fail("a comment after the header with --no-comments", text, line_at);
		if (len < 3 || line[1] != ' ' || len - 2 > EMIT_COMMENT_MAX || line[len - 1] == '\\')
			fail("a comment line that is not '# ' and a bounded text without a trailing backslash", text,
			     line_at);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e)
				fail("a comment with a byte that is not printable ASCII", text, line_at + i);
		want_instruction = true;
	}
	if (want_instruction)
		fail("a comment at the end of the Dockerfile", text, total);
}

/* Whether line 2 of text holds word. */
static bool line2_says(const char *text, const char *word)
{
	const char *l2 = strchr(text, '\n');
	if (!l2)
		return false;
	l2++;
	size_t n = strcspn(l2, "\n"), w = strlen(word);
	for (size_t i = 0; i + w <= n; i++)
		if (memcmp(l2 + i, word, w) == 0)
			return true;
	return false;
}

/* The text without line 2 and without the comments after the header. */
static char *without_comments(const char *text)
{
	size_t total = strlen(text), at = 0, len, n = 0, index = 0;
	char *out = malloc(total + 1);
	const char *line;
	bool body = false;
	while ((line = next_line(text, total, &at, &len))) {
		index++;
		body |= len == 0;
		if (index == 2 || (body && len && line[0] == '#'))
			continue;
		memcpy(out + n, line, len);
		n += len;
		out[n++] = '\n';
	}
	out[n] = '\0';
	return out;
}

static void check_dockerfile(const char *text)
{
	size_t total = strlen(text);
	if (total == 0)
		fail("an empty Dockerfile", NULL, 0);
	check_chars("the Dockerfile", text, "\n");
	if (strncmp(text, STAGEC_HEADER_MARK, strlen(STAGEC_HEADER_MARK)) != 0)
		fail("the Dockerfile does not start with stagec's header", text, 0);
	if (text[total - 1] != '\n')
		fail("the Dockerfile does not end with a line break", text, total);
	Program meant = {0}, read = {0};
	stagec_layout(text, &meant);
	buildkit_read(text, &read);
	/* the same instructions, or a line was dropped, added or joined */
	for (size_t i = 0; i < meant.n || i < read.n; i++) {
		if (i >= meant.n || i >= read.n)
			fail("BuildKit reads a different number of instructions than stagec wrote", text,
			     i < meant.n ? meant.v[i].first_at : read.v[i].first_at);
		if (meant.v[i].len != read.v[i].len || memcmp(meant.v[i].text, read.v[i].text, meant.v[i].len) != 0)
			fail("BuildKit reads an instruction differently (a comment or blank line inside a "
			     "continuation is dropped)",
			     text, meant.v[i].first_at);
	}
	int froms = 0;
	for (size_t i = 0; i < read.n; i++) {
		const Logical *l = &read.v[i];
		size_t nl = strcspn(l->text, " ");
		char name[16] = {0};
		memcpy(name, l->text, nl < 15 ? nl : 15);
		if (strcmp(name, "FROM") == 0)
			froms++;
		else if (froms == 0)
			fail("an instruction before the first FROM", text, l->first_at);
		const char *args = l->text + nl;
		check_flags(text, l, name, args);
		if (strcmp(name, "ENV") == 0 || strcmp(name, "LABEL") == 0 || strcmp(name, "ARG") == 0)
			check_pairs(text, l, name, args);
	}
	program_free(&meant);
	program_free(&read);
	if (froms == 0)
		fail("a Dockerfile without FROM", text, 0);
}

static uint32_t hash_bytes(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

static void pick_options(const uint8_t *data, size_t size, StagecOptions *o, const char **dir)
{
	static const char *const bases[] = {NULL, "official", "debian"};
	uint32_t h = hash_bytes(data, size);
	memset(o, 0, sizeof(*o));
	o->single_stage = h & 1;
	o->base = bases[(h >> 1) % 3];
	switch ((h >> 3) % 8) {
	case 5:
		o->dump_ir = ""; /* the final IR */
		break;
	case 6: {
		const char *const *names = stagec_pass_names();
		size_t n = 0;
		while (names[n])
			n++;
		o->dump_ir = names[(h >> 6) % n];
		break;
	}
	case 7:
		o->dump_ir = "no-such-pass";
		break;
	default:
		break; /* a Dockerfile, most of the time */
	}
	o->werror = ((h >> 10) % 4) == 0;
	o->max_errors = ((h >> 12) % 4) == 0 ? 1 : 0;
	o->templates_dir = ((h >> 14) % 128) == 0 ? NULL : templates_dir;
	o->no_comments = ((h >> 28) % 4) == 0;
	*dir = contexts[(h >> 21) % 4];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	StagecOptions opts;
	const char *dir;
	pick_options(data, size, &opts, &dir);
	StagecResult *r = stagec_compile_text("app.yaml", dir, (const char *)data, size, &opts);
	if (!r)
		fail("stagec_compile_text returned NULL", NULL, 0);
	bool ok = stagec_result_ok(r);
	int status = stagec_result_status(r);
	const char *out = stagec_result_output(r);
	const char *diags = stagec_result_diagnostics(r);
	if (verbose)
		fprintf(stderr,
			"fuzz_compile: context=%s single_stage=%d base=%s dump_ir=%s werror=%d max_errors=%d templates=%s "
			"no_comments=%d -> "
			"status %d, "
			"%d errors, %d warnings\n%s%s",
			dir, opts.single_stage, opts.base ? opts.base : "(spec)",
			opts.dump_ir ? (*opts.dump_ir ? opts.dump_ir : "(final)") : "(none)", opts.werror,
			opts.max_errors, opts.templates_dir ? "trimmed" : "built-in", opts.no_comments, status, stagec_result_error_count(r), stagec_result_warning_count(r), diags,
			out);
	check_chars("the diagnostics", diags, "\n\t");
	if (ok) {
		if (status != 0)
			fail("a successful compilation with a non-zero status", NULL, 0);
		if (stagec_result_error_count(r) != 0)
			fail("a successful compilation that counted errors", diags, 0);
		if (!*out)
			fail("a successful compilation with empty output", NULL, 0);
		if (opts.dump_ir)
			check_chars("the IR dump", out, "\n");
		else {
			check_dockerfile(out);
			check_comments(out, opts.no_comments);
		}
		if (!opts.dump_ir && !opts.no_comments && ((hash_bytes(data, size) >> 26) % 8) == 0) {
			/* the same spec without comments: nothing else changes */
			StagecOptions plain = opts;
			plain.no_comments = true;
			StagecResult *p = stagec_compile_text("app.yaml", dir, (const char *)data, size, &plain);
			if (!p || !stagec_result_ok(p))
				fail("a spec that compiles with comments and not without", NULL, 0);
			const char *pout = stagec_result_output(p);
			char *a = without_comments(out), *b = without_comments(pout);
			if (strcmp(a, b) != 0)
				fail("--no-comments changes more than the comments", pout, 0);
			if (!line2_says(pout, ",no-comments ") || line2_says(out, "no-comments"))
				fail("line 2 does not tell output with comments from output without", pout, 0);
			free(a);
			free(b);
			stagec_result_free(p);
		}
		const char *ignore = stagec_result_dockerignore(r);
		if (!*ignore)
			fail("a successful compilation with an empty .dockerignore", NULL, 0);
		check_chars("the .dockerignore", ignore, "\n");
	} else {
		if (status != 1)
			fail("a failed compilation of text with a status other than 1", diags, 0);
		if (!*diags)
			fail("a failed compilation without diagnostics", NULL, 0);
		if (stagec_result_error_count(r) == 0 && !(opts.werror && stagec_result_warning_count(r) > 0))
			fail("a failed compilation without errors", diags, 0);
		if (*out)
			fail("a failed compilation with output", out, 0);
	}
	stagec_result_free(r);
	return 0;
}
