/*
 * fuzz_readers.c - a libFuzzer target over the readers of files stagec
 * reads besides the spec: the lock, the policy, the project files (TOML,
 * JSON, XML) and `stagec init`, which reads a project it has never seen.
 *
 * The first byte of an input picks the reader; the rest is the file's
 * bytes.  Besides what ASan and UBSan catch, the target aborts when:
 *   - a reader's result and its diagnostics disagree (a NULL result
 *     without an error, or an error with a result where the reader
 *     promises none);
 *   - a lock that was read, written back with lock_write() and read
 *     again, does not read or does not write the same text (the lock
 *     round-trips);
 *   - init succeeded on a project file but the spec it wrote is not YAML
 *     that the spec reader takes without a syntax error: a value in a
 *     project file must never break or add to the spec init writes.
 * Inputs are written to files in a temporary folder made once (the policy
 * and init read from disk, through the same safe reader as stagec).
 */
#define _XOPEN_SOURCE 700
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "init/init.h"
#include "internal.h"
#include "lock.h"
#include "project/project.h"
#include "xmllib.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/stagec-fuzz-readers-XXXXXX";

/* The project files init may meet, one per input (its second byte). */
static const char *const init_files[] = {
	"package.json", "pyproject.toml", "pom.xml",  "go.mod",	      "Cargo.toml",	  "composer.json",
	"Gemfile",	"app.csproj",	  "build.gradle", "requirements.txt", "CMakeLists.txt", "Pipfile",
};
#define NINIT (sizeof(init_files) / sizeof(init_files[0]))

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	return 0;
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
}

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_readers: %s\n", what);
		abort();
	}
}

static void fuzz_lock(Arena *a, const SourceFile *f)
{
	Diags d;
	diags_init(&d, a, 20, false);
	Lock *l = lock_parse(a, f, &d);
	check((l == NULL) == (d.errors > 0), "lock_parse: result and errors disagree");
	if (!l)
		return;
	Strbuf once = STRBUF_INIT, twice = STRBUF_INIT;
	lock_write(l, &once);
	SourceFile *again = source_from_string(a, "stagec.lock", strbuf_str(&once), once.len);
	Diags d2;
	diags_init(&d2, a, 20, false);
	Lock *l2 = lock_parse(a, again, &d2);
	check(l2 && d2.errors == 0, "a lock stagec wrote does not read again");
	lock_write(l2, &twice);
	check(strcmp(strbuf_str(&once), strbuf_str(&twice)) == 0, "the lock does not round-trip");
	strbuf_release(&once);
	strbuf_release(&twice);
}

static void fuzz_policy(Arena *a, const uint8_t *data, size_t size)
{
	char path[sizeof(dir) + 32];
	snprintf(path, sizeof(path), "%s/policy.yaml", dir);
	write_file(path, data, size);
	Diags d;
	diags_init(&d, a, 20, false);
	Policy *p = policy_load(a, path, "policy.yaml", &d);
	check((p == NULL) == (d.errors > 0), "policy_load: result and errors disagree");
}

static void fuzz_init(Arena *a, uint8_t which, const uint8_t *data, size_t size)
{
	char proj[sizeof(dir) + 16], path[sizeof(dir) + 64];
	snprintf(proj, sizeof(proj), "%s/p", dir);
	/* a fresh project folder holding only this file */
	for (size_t i = 0; i < NINIT; i++) {
		snprintf(path, sizeof(path), "%s/%s", proj, init_files[i]);
		unlink(path);
	}
	mkdir(proj, 0755);
	snprintf(path, sizeof(path), "%s/%s", proj, init_files[which % NINIT]);
	write_file(path, data, size);
	Diags d;
	diags_init(&d, a, 20, false);
	InitSpec s;
	memset(&s, 0, sizeof(s));
	InitOptions o;
	memset(&o, 0, sizeof(o));
	if (!init_detect(a, &d, proj, "p", &o, &s)) {
		check(d.errors > 0, "init_detect failed without an error");
		return;
	}
	const char *text = init_render(a, &s);
	check(text && *text, "init wrote an empty spec");
	SourceFile *f = source_from_string(a, "app.yaml", text, strlen(text));
	Diags d2;
	diags_init(&d2, a, 20, false);
	YNode *root = yaml_load(a, f, &d2);
	if (!root || d2.errors) {
		fprintf(stderr, "init wrote:\n%s\n", text);
		check(false, "the spec init wrote is not YAML");
	}
	Spec *spec = spec_parse(a, root, f, proj, &d2);
	check(spec != NULL, "the spec init wrote is not a spec");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > (1u << 20))
		return 0;
	uint8_t kind = data[0] % 6, which = data[1];
	data += 2;
	size -= 2;
	Arena *a = arena_new();
	SourceFile *f = source_from_string(a, "file", (const char *)data, size);
	Diags d;
	diags_init(&d, a, 20, false);
	switch (kind) {
	case 0:
		fuzz_lock(a, f);
		break;
	case 1:
		fuzz_policy(a, data, size);
		break;
	case 2: {
		TomlValue *t = toml_parse(a, f, &d);
		check((t == NULL) == (d.errors > 0), "toml_parse: result and errors disagree");
		break;
	}
	case 3: {
		json_t *j = project_json(f, &d);
		check((j == NULL) == (d.errors > 0), "project_json: result and errors disagree");
		json_decref(j);
		break;
	}
	case 4: {
		struct _xmlDoc *x = project_xml(f, &d);
		check((x == NULL) == (d.errors > 0), "project_xml: result and errors disagree");
		if (x)
			xmlFreeDoc(x);
		break;
	}
	case 5:
		fuzz_init(a, which, data, size);
		break;
	}
	arena_free(a);
	return 0;
}
