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
 * dump (none, final, after a pass), --Werror, --max-errors 1, and the
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
 *     a continuation line starts with a blank (stagec's layout), is not
 *     blank and is not a comment, and the file does not end inside one.
 *     So no spec value can add an instruction, swallow the next one or
 *     hide part of one;
 *   - a compilation that failed has diagnostics, and error counts that
 *     agree with the status;
 *   - diagnostics hold no NUL and no control character but '\n' and '\t'.
 * Setting STAGEC_FUZZ_VERBOSE=1 prints the options and the result of
 * every input (useful when replaying one).
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
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

/* Three build contexts, since a template's install rule depends on which
 * files exist: the folder itself (what the templates and the examples
 * expect, no lockfile but package-lock.json and go.sum; run-regressions.sh
 * lays out the same), locked/ (every lockfile too) and alt/ (the other
 * package managers: yarn, pnpm, poetry, Gradle's Kotlin DSL, make). */
static const char *contexts[3];

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

	static char locked[sizeof(context_dir) + 8], alt[sizeof(context_dir) + 8];
	snprintf(locked, sizeof(locked), "%s/locked", context_dir);
	snprintf(alt, sizeof(alt), "%s/alt", context_dir);
	contexts[0] = context_dir;
	contexts[1] = locked;
	contexts[2] = alt;
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
	"FROM", "RUN", "COPY", "ENV", "WORKDIR", "USER", "EXPOSE", "HEALTHCHECK", "CMD", "ENTRYPOINT", "LABEL",
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

/* Docker's line continuation: the escape character, then only blanks. */
static bool ends_with_continuation(const char *line, size_t len)
{
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	return len && line[len - 1] == '\\';
}

static bool blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return false;
	return true;
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
	bool continued = false;
	int froms = 0;
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		size_t at = (size_t)(line - text);
		size_t ws = strspn(line, " \t");
		if (continued) {
			if (blank(line, len))
				fail("a blank line inside a continued instruction", text, at);
			if (ws < len && line[ws] == '#')
				fail("a continuation line that Docker reads as a comment", text, at);
			if (ws == 0)
				fail("a continuation line that starts at column 1 (a swallowed instruction?)", text, at);
			continued = ends_with_continuation(line, len);
		} else if (len == 0) {
			/* empty */
		} else if (line[0] == '#') {
			/* a comment: Docker never continues one */
		} else if (starts_with_instruction(line, len)) {
			if (strncmp(line, "FROM ", 5) == 0)
				froms++;
			else if (froms == 0)
				fail("an instruction before the first FROM", text, at);
			continued = ends_with_continuation(line, len);
		} else {
			fail("a line that is not an instruction stagec emits, a comment or a continuation", text, at);
		}
		line += len + (nl ? 1 : 0);
	}
	if (continued)
		fail("the Dockerfile ends inside a continued instruction", text, total);
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
	*dir = contexts[(h >> 21) % 3];
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
			"fuzz_compile: context=%s single_stage=%d base=%s dump_ir=%s werror=%d max_errors=%d templates=%s -> "
			"status %d, "
			"%d errors, %d warnings\n%s%s",
			dir, opts.single_stage, opts.base ? opts.base : "(spec)",
			opts.dump_ir ? (*opts.dump_ir ? opts.dump_ir : "(final)") : "(none)", opts.werror,
			opts.max_errors, opts.templates_dir ? "trimmed" : "built-in", status, stagec_result_error_count(r), stagec_result_warning_count(r), diags,
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
		else
			check_dockerfile(out);
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
