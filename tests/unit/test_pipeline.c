/*
 * test_pipeline.c - whole compilations through the public API.
 *
 *  - equivalence: for every example and both bases, the final stage of the
 *    multi-stage Dockerfile and the single-stage Dockerfile carry the same
 *    run-time configuration (CMD, ENTRYPOINT, ENV, USER, WORKDIR, EXPOSE,
 *    HEALTHCHECK, LABEL, in order), and every run-time package of the
 *    final stage is installed in the single stage too;
 *  - the multi-stage final stage installs no build-only package;
 *  - determinism: compiling twice gives the same bytes;
 *  - hostile values in a spec stay inside their instruction.
 * Runs from the repository root (meson sets the working directory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

static const char *const bases[] = {"official", "debian"};

/* Every folder under examples/ with an app.yaml, sorted. */
static void list_examples(Arena *a, StrList *out)
{
	DIR *d = opendir("examples");
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *spec = arena_printf(a, "examples/%s/app.yaml", e->d_name);
		if (access(spec, R_OK) == 0)
			strlist_push(a, out, arena_strdup(a, e->d_name));
	}
	closedir(d);
	strlist_sort_unique(out);
	assert_true(out->n >= 4);
}

/* An example whose template has no such base says so in its goldens. */
static bool base_refused(Arena *a, const char *example, const char *base)
{
	return strcmp(base, "debian") == 0 &&
	       access(arena_printf(a, "tests/golden/%s/debian.err", example), R_OK) == 0;
}

static char *compile(const char *spec, bool single, const char *base)
{
	StagecOptions o = {.single_stage = single, .base = base};
	StagecResult *r = stagec_compile(spec, &o);
	if (!stagec_result_ok(r))
		fail_msg("%s did not compile:\n%s", spec, stagec_result_diagnostics(r));
	char *text = strdup(stagec_result_output(r));
	stagec_result_free(r);
	return text;
}

/* The instructions of the last stage, continuation lines joined. */
static void last_stage(const char *text, StrList *out, Arena *a)
{
	const char *from = NULL;
	for (const char *p = text; (p = strstr(p, "\nFROM ")); p++)
		from = p + 1;
	assert_non_null(from);
	Strbuf line = STRBUF_INIT;
	for (const char *p = from; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		bool cont = n && p[n - 1] == '\\';
		strbuf_add(&line, p, cont ? n - 1 : n);
		if (!cont) {
			strlist_push(a, out, arena_strdup(a, strbuf_str(&line)));
			strbuf_reset(&line);
		}
		p += n + (nl ? 1 : 0);
	}
	strbuf_release(&line);
}

static bool is_runtime_config(const char *ins)
{
	static const char *const kw[] = {"CMD ", "ENTRYPOINT ", "ENV ", "USER ", "WORKDIR ", "EXPOSE ",
					 "HEALTHCHECK ", "LABEL "};
	for (size_t i = 0; i < sizeof(kw) / sizeof(*kw); i++)
		if (strncmp(ins, kw[i], strlen(kw[i])) == 0)
			return true;
	return false;
}

static void packages_of(const StrList *ins, StrList *out, Arena *a)
{
	for (size_t i = 0; i < ins->n; i++) {
		const char *p = strstr(ins->v[i], "--no-install-recommends");
		if (!p)
			continue;
		p += strlen("--no-install-recommends");
		while (*p) {
			while (*p == ' ')
				p++;
			if (*p == '&')
				break;
			const char *e = strchr(p, ' ');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			strlist_push(a, out, arena_strndup(a, p, n));
			p += n;
		}
	}
}

static void single_and_multi_are_equivalent(void **state)
{
	(void)state;
	Arena *all = arena_new();
	StrList examples = {0};
	list_examples(all, &examples);
	for (size_t e = 0; e < examples.n; e++) {
		for (size_t b = 0; b < 2; b++) {
			Arena *a = arena_new();
			if (base_refused(a, examples.v[e], bases[b])) {
				arena_free(a);
				continue;
			}
			char *spec = arena_printf(a, "examples/%s/app.yaml", examples.v[e]);
			char *multi = compile(spec, false, bases[b]);
			char *single = compile(spec, true, bases[b]);
			StrList m = {0}, s = {0}, mc = {0}, sc = {0}, mp = {0}, sp = {0};
			last_stage(multi, &m, a);
			last_stage(single, &s, a);
			for (size_t i = 0; i < m.n; i++)
				if (is_runtime_config(m.v[i]))
					strlist_push(a, &mc, m.v[i]);
			for (size_t i = 0; i < s.n; i++)
				if (is_runtime_config(s.v[i]))
					strlist_push(a, &sc, s.v[i]);
			assert_true(mc.n > 2);
			assert_int_equal(mc.n, sc.n);
			for (size_t i = 0; i < mc.n; i++)
				assert_string_equal(mc.v[i], sc.v[i]);
			packages_of(&m, &mp, a);
			packages_of(&s, &sp, a);
			for (size_t i = 0; i < mp.n; i++)
				if (!strlist_contains(&sp, mp.v[i]))
					fail_msg("%s (%s): run-time package %s missing from the single stage", spec,
						 bases[b], mp.v[i]);
			/* no toolchain in the final stage */
			for (size_t i = 0; i < mp.n; i++) {
				size_t n = strlen(mp.v[i]);
				assert_false(n > 4 && strcmp(mp.v[i] + n - 4, "-dev") == 0);
				assert_string_not_equal(mp.v[i], "build-essential");
				assert_string_not_equal(mp.v[i], "npm");
				assert_string_not_equal(mp.v[i], "golang-go");
			}
			free(multi);
			free(single);
			arena_free(a);
		}
	}
	arena_free(all);
}

static void compiling_twice_gives_the_same_bytes(void **state)
{
	(void)state;
	Arena *a = arena_new();
	StrList examples = {0};
	list_examples(a, &examples);
	for (size_t e = 0; e < examples.n; e++) {
		char *spec = arena_printf(a, "examples/%s/app.yaml", examples.v[e]);
		char *x = compile(spec, false, NULL), *y = compile(spec, false, NULL);
		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	arena_free(a);
}

/* A StagecCache (cache.c) changes nothing a compilation says: every
 * example, both variants and both bases, compiled twice through one cache
 * (the second time from what the cache kept), gives the bytes and the
 * diagnostics of a compilation without one. */
static void a_cache_changes_nothing(void **state)
{
	(void)state;
	Arena *a = arena_new();
	StrList examples = {0};
	list_examples(a, &examples);
	StagecCache *cache = stagec_cache_new();
	assert_non_null(cache);
	for (int round = 0; round < 2; round++)
		for (size_t e = 0; e < examples.n; e++)
			for (int v = 0; v < 4; v++) {
				char *spec = arena_printf(a, "examples/%s/app.yaml", examples.v[e]);
				StagecOptions o = {.single_stage = v & 1, .base = bases[v >> 1]};
				StagecResult *plain = stagec_compile(spec, &o);
				o.cache = cache;
				StagecResult *cached = stagec_compile(spec, &o);
				assert_int_equal(stagec_result_status(cached), stagec_result_status(plain));
				assert_string_equal(stagec_result_output(cached), stagec_result_output(plain));
				assert_string_equal(stagec_result_dockerignore(cached), stagec_result_dockerignore(plain));
				assert_string_equal(stagec_result_diagnostics(cached), stagec_result_diagnostics(plain));
				stagec_result_free(plain);
				stagec_result_free(cached);
			}
	stagec_cache_free(cache);
	arena_free(a);
}

/* Every spec folder under dir (with an app.yaml, at any depth below
 * it: a case may keep its spec in an app's folder), as paths. */
static void list_specs(Arena *a, const char *dir, StrList *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char *sub = arena_printf(a, "%s/%s", dir, e->d_name);
		struct stat st;
		if (strcmp(e->d_name, "app.yaml") == 0)
			strlist_push(a, out, sub);
		else if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			list_specs(a, sub, out);
	}
	closedir(d);
}

/* both_variants (what `stagec all` uses) gives, for each variant, the
 * bytes and the status of a compilation of that variant alone: every
 * example and case, both bases, with and without a cache, with the
 * baseline policy and with none.  Line 2 included: the single variant
 * records what it read itself. */
static void both_variants_give_each_variants_bytes(void **state)
{
	(void)state;
	Arena *a = arena_new();
	StrList specs = {0};
	list_specs(a, "examples", &specs);
	list_specs(a, "tests/cases", &specs);
	strlist_sort_unique(&specs);
	assert_true(specs.n >= 40);
	StagecCache *cache = stagec_cache_new();
	assert_non_null(cache);
	size_t compared = 0;
	for (size_t i = 0; i < specs.n; i++)
		for (int v = 0; v < 8; v++) {
			StagecOptions o = {.base = bases[v & 1], .cache = v & 2 ? cache : NULL, .no_policy = v & 4};
			StagecResult *multi = stagec_compile(specs.v[i], &o);
			o.single_stage = true;
			o.no_rules = true;
			StagecResult *single = stagec_compile(specs.v[i], &o);
			o.single_stage = false;
			o.no_rules = false;
			o.both_variants = true;
			StagecResult *both = stagec_compile(specs.v[i], &o);
			assert_int_equal(stagec_result_status(both), stagec_result_status(multi));
			assert_string_equal(stagec_result_output(both), stagec_result_output(multi));
			assert_string_equal(stagec_result_dockerignore(both), stagec_result_dockerignore(multi));
			assert_string_equal(stagec_result_diagnostics(both), stagec_result_diagnostics(multi));
			const StagecResult *s = stagec_result_single(both);
			if (stagec_result_ok(multi)) {
				assert_non_null(s);
				if (stagec_result_status(s) != stagec_result_status(single))
					fail_msg("%s (%d): single-stage status %d alone, %d with both_variants:\n%s", specs.v[i],
						 v, stagec_result_status(single), stagec_result_status(s),
						 stagec_result_diagnostics(s));
				assert_string_equal(stagec_result_output(s), stagec_result_output(single));
				assert_string_equal(stagec_result_dockerignore(s), stagec_result_dockerignore(single));
				compared += stagec_result_ok(single);
			} else {
				assert_null(s);
			}
			stagec_result_free(multi);
			stagec_result_free(single);
			stagec_result_free(both);
		}
	assert_true(compared >= specs.n * 4); /* most compile: the comparison is not vacuous */
	stagec_cache_free(cache);
	arena_free(a);
}

/* What did not load cleanly is not kept: a policy with an error is
 * reported, at its line, by every compilation that uses it. */
static void a_cache_keeps_no_broken_policy(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/stagec-test-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	char path[256];
	snprintf(path, sizeof(path), "%s/policy.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("version: 1\nrulez: {}\n", f);
	fclose(f);
	StagecCache *cache = stagec_cache_new();
	for (int i = 0; i < 2; i++) {
		StagecOptions o = {.policy_path = path, .cache = cache};
		StagecResult *r = stagec_compile("examples/go/app.yaml", &o);
		assert_int_equal(stagec_result_status(r), 2);
		assert_non_null(strstr(stagec_result_diagnostics(r), "policy.yaml:2:1: error: unknown key 'rulez'"));
		stagec_result_free(r);
	}
	stagec_cache_free(cache);
	unlink(path);
	rmdir(dir);
}

/* Writes a spec with a requirements.txt beside it into a fresh folder. */
static char *write_spec(const char *text)
{
	char tmpl[] = "/tmp/stagec-test-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	char path[256];
	snprintf(path, sizeof(path), "%s/requirements.txt", dir);
	FILE *f = fopen(path, "w");
	fclose(f);
	snprintf(path, sizeof(path), "%s/app.yaml", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return strdup(path);
}

static void remove_spec(char *path)
{
	char buf[300];
	snprintf(buf, sizeof(buf), "%s", path);
	unlink(path);
	*strrchr(buf, '/') = '\0';
	char req[320];
	snprintf(req, sizeof(req), "%s/requirements.txt", buf);
	unlink(req);
	rmdir(buf);
	free(path);
}

static void hostile_values_stay_inside_their_instruction(void **state)
{
	(void)state;
	char *spec = write_spec("language: python\n"
				"name: evil\n"
				"build:\n"
				"  - 'echo \"$(id)\" ; `id` && true # not a comment'\n"
				"run:\n"
				"  command: [sh, -c, \"echo hi\\nUSER root\"]\n"
				"  env: {A: 'x\" \\ $HOME ; RUN id', B: '# y'}\n"
				"labels: {org.example.x: '\" && USER root'}\n");
	StagecOptions o = {0};
	StagecResult *r = stagec_compile(spec, &o);
	/* the newline inside an exec argument is refused: a Dockerfile
	 * cannot hold it for every parser */
	assert_false(stagec_result_ok(r));
	assert_non_null(strstr(stagec_result_diagnostics(r), "line break"));
	stagec_result_free(r);
	remove_spec(spec);

	spec = write_spec("language: python\n"
			  "name: evil\n"
			  "build:\n"
			  "  - 'echo \"$(id)\" ; `id` && true # not a comment'\n"
			  "  - '[ -f x ] || true'\n"
			  "run:\n"
			  "  command: [sh, -c, \"echo hi; USER root\"]\n"
			  "  env: {A: 'x\" \\ $HOME ; RUN id', B: '# y'}\n"
			  "labels: {org.example.x: 'x\" && USER root'}\n");
	r = stagec_compile(spec, &o);
	if (!stagec_result_ok(r))
		fail_msg("%s", stagec_result_diagnostics(r));
	const char *out = stagec_result_output(r);
	/* a command starting with '[' forces the exec form of the whole build
	 * RUN, after its cache mount (pip's) */
	assert_non_null(strstr(out, "RUN --mount=type=cache,target=/root/.cache/pip \\\n"
				    "    [\"/bin/sh\", \"-ec\", \"echo \\\"$(id)\\\" ; `id` && true # not a "
				    "comment && [ -f x ] || true\"]\n"));
	assert_non_null(strstr(out, "ENV A=\"x\\\" \\\\ \\$HOME ; RUN id\" \\\n    B=\"# y\"\n"));
	assert_non_null(strstr(out, "LABEL org.example.x=\"x\\\" && USER root\"\n"));
	assert_non_null(strstr(out, "CMD [\"sh\", \"-c\", \"echo hi; USER root\"]\n"));
	/* no line of the output starts a USER root instruction */
	assert_null(strstr(out, "\nUSER root"));
	stagec_result_free(r);
	remove_spec(spec);
}

/* A build command starting with "--" would be a flag of RUN (--mount,
 * --network): it goes into the exec form, where Docker reads no flag. */
static void run_flags_stay_arguments(void **state)
{
	(void)state;
	/* without cache mounts no RUN has a flag at all */
	char *spec = write_spec("language: python\n"
				"name: evil\n"
				"caches: false\n"
				"build: ['--mount=type=bind,source=/,target=/h cat /h/etc/shadow', '  --network=host x']\n");
	StagecOptions o = {0};
	StagecResult *r = stagec_compile(spec, &o);
	if (!stagec_result_ok(r))
		fail_msg("%s", stagec_result_diagnostics(r));
	const char *out = stagec_result_output(r);
	assert_null(strstr(out, "RUN --"));
	assert_non_null(strstr(out, "RUN [\"/bin/sh\", \"-ec\", \"--mount=type=bind,source=/,target=/h cat "
				    "/h/etc/shadow &&   --network=host x\"]\n"));
	stagec_result_free(r);
	remove_spec(spec);
	/* with them, the build's own mount is a flag and the spec's text an
	 * argument of the exec form after it */
	spec = write_spec("language: python\n"
			  "name: evil\n"
			  "build: ['--mount=type=bind,source=/,target=/h cat /h/etc/shadow', '  --network=host x']\n");
	r = stagec_compile(spec, &o);
	if (!stagec_result_ok(r))
		fail_msg("%s", stagec_result_diagnostics(r));
	out = stagec_result_output(r);
	assert_null(strstr(out, "--mount=type=bind,source=/,target=/h \\"));
	assert_non_null(strstr(out, "RUN --mount=type=cache,target=/root/.cache/pip \\\n"
				    "    [\"/bin/sh\", \"-ec\", \"--mount=type=bind,source=/,target=/h cat "
				    "/h/etc/shadow &&   --network=host x\"]\n"));
	stagec_result_free(r);
	remove_spec(spec);
}

/* BuildKit refuses lines over 65,535 bytes: stagec says so first, at the
 * value that makes the line, even when its LABEL was merged with another. */
static void long_lines_are_refused(void **state)
{
	(void)state;
	Strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "language: python\nname: app\nlabels:\n  small: x\n  big: \"");
	for (int i = 0; i < 65529; i++)
		strbuf_addc(&sb, 'y');
	strbuf_adds(&sb, "\"\nrun:\n  command: [python, \"");
	for (int i = 0; i < 33000; i++)
		strbuf_adds(&sb, "\\\""); /* each becomes \" in JSON: 66,000 bytes */
	strbuf_adds(&sb, "\"]\n");
	char *spec = write_spec(strbuf_str(&sb));
	strbuf_release(&sb);
	for (int single = 0; single < 2; single++) {
		StagecOptions o = {.single_stage = single};
		StagecResult *r = stagec_compile(spec, &o);
		assert_false(stagec_result_ok(r));
		assert_int_equal(stagec_result_status(r), 1);
		const char *d = stagec_result_diagnostics(r);
		assert_non_null(strstr(d, ":5:8: error: 'big' makes a Dockerfile line of 65539 bytes, and Docker "
					  "refuses lines over 65535; shorten its value\n"));
		assert_non_null(strstr(d, ":7:12: error: this value makes a Dockerfile line of 66018 bytes, and "
					  "Docker refuses lines over 65535; shorten it or split it up\n"));
		stagec_result_free(r);
	}
	remove_spec(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(single_and_multi_are_equivalent),
		cmocka_unit_test(compiling_twice_gives_the_same_bytes),
		cmocka_unit_test(a_cache_changes_nothing),
		cmocka_unit_test(a_cache_keeps_no_broken_policy),
		cmocka_unit_test(both_variants_give_each_variants_bytes),
		cmocka_unit_test(hostile_values_stay_inside_their_instruction),
		cmocka_unit_test(run_flags_stay_arguments),
		cmocka_unit_test(long_lines_are_refused),
	};
	return cmocka_run_group_tests_name("pipeline", tests, NULL, NULL);
}
