/*
 * test_emit.c - the emitter: exact text for each kind of step, and the
 * escaping that keeps every spec value inside one argument of one
 * instruction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

typedef struct T {
	Arena *a;
	Diags d;
	Templates templates;
	Ir *ir;
	Stage *stage;
	Strbuf out;
} T;

static int setup(void **state)
{
	T *t = calloc(1, sizeof(*t));
	t->a = arena_new();
	diags_init(&t->d, t->a, 20, false);
	assert_true(templates_open(t->a, &t->templates, NULL, &t->d)); /* the built-in families */
	t->ir = ir_new(t->a);
	t->stage = ir_stage_append(t->ir, NULL, "debian:bookworm-slim", family_named(&t->templates, "debian"));
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

static Step *add(T *t, StepKind k)
{
	Step *st = ir_step_new(t->ir, k, ROLE_RUNTIME, (SrcPos){0}, NULL);
	ir_step_append(t->stage, st);
	return st;
}

/* The text after the two header lines and the FROM line. */
static const char *body(T *t)
{
	EmitInfo info = {"app.yaml", "demo", false, false};
	strbuf_reset(&t->out);
	emit_dockerfile(t->ir, &info, &t->out);
	const char *p = strstr(strbuf_str(&t->out), "FROM debian:bookworm-slim\n");
	assert_non_null(p);
	return p + strlen("FROM debian:bookworm-slim\n");
}

static void run_mounts_are_flags_one_per_line(void **state)
{
	T *t = *state;
	Step *st = add(t, STEP_RUN);
	strlist_push(t->a, &st->args, "pip install -r requirements.txt");
	ir_step_add_mount(t->ir, st, &(Mount){.kind = MOUNT_CACHE, .target = "/root/.cache/pip"});
	ir_step_add_mount(t->ir, st, &(Mount){.kind = MOUNT_CACHE, .target = "/root/.cache/pip"}); /* once */
	ir_step_add_mount(t->ir, st, &(Mount){.kind = MOUNT_SECRET, .id = "pip.conf", .target = "/etc/pip.conf"});
	ir_step_add_mount(t->ir, st, &(Mount){.kind = MOUNT_CACHE, .id = "apt-lists", .target = "/var/lib/apt/lists", .locked = true});
	assert_null(ir_check(t->ir));
	assert_string_equal(body(t), "RUN --mount=type=cache,target=/root/.cache/pip \\\n"
				     "    --mount=type=secret,id=pip.conf,target=/etc/pip.conf \\\n"
				     "    --mount=type=cache,id=apt-lists,target=/var/lib/apt/lists,sharing=locked \\\n"
				     "    pip install -r requirements.txt\n");
	Step *copy = ir_step_clone(t->ir, st);
	assert_int_equal(copy->nmounts, 3);
	assert_string_equal(copy->mounts[1].id, "pip.conf");
}

static void bad_mounts_break_the_ir_check(void **state)
{
	T *t = *state;
	Step *st = add(t, STEP_RUN);
	strlist_push(t->a, &st->args, "true");
	ir_step_add_mount(t->ir, st, &(Mount){.kind = MOUNT_CACHE, .target = "/a,id=x"});
	assert_non_null(ir_check(t->ir));
	st->mounts[0].target = "relative";
	assert_non_null(ir_check(t->ir));
	st->mounts[0] = (Mount){.kind = MOUNT_SECRET, .target = "/run/secrets/x"}; /* a secret needs its id */
	assert_non_null(ir_check(t->ir));
	st->mounts[0] = (Mount){.kind = MOUNT_BIND, .target = "/src"}; /* a bind needs its source */
	assert_non_null(ir_check(t->ir));
	st->mounts[0].source = "go.mod";
	assert_null(ir_check(t->ir));
	st->kind = STEP_WORKDIR; /* only shell steps mount */
	st->value = "/app";
	assert_non_null(ir_check(t->ir));
}

/* A cache never ends up in an image: a step that makes a path inside one
 * of its cache mounts, or an artifact inside one, is a bug ir_check stops. */
static void nothing_made_inside_a_cache(void **state)
{
	T *t = *state;
	Step *st = add(t, STEP_RUN);
	strlist_push(t->a, &st->args, "cargo build --release");
	strlist_push(t->a, &st->produces, "/usr/local/bin/app");
	ir_step_add_mount(t->ir, st, &(Mount){.kind = MOUNT_CACHE, .target = "/app/target"});
	assert_null(ir_check(t->ir));
	ir_add_artifact(t->ir, "/app/target-list", "/x", false, (SrcPos){0}); /* a sibling, not inside */
	assert_null(ir_check(t->ir));
	strlist_push(t->a, &st->produces, "/app/target/release/app");
	assert_non_null(strstr(ir_check(t->ir), "inside its cache mount /app/target"));
	st->produces.n = 1;
	ir_add_artifact(t->ir, "/app/target/release/app", "/usr/local/bin/app", false, (SrcPos){0});
	assert_non_null(strstr(ir_check(t->ir), "is inside the cache mount /app/target"));
}

static void json_strings_escape_quotes_backslashes_and_controls(void **state)
{
	T *t = *state;
	emit_json_string(&t->out, "a\"b\\c\nd\te\x01");
	assert_string_equal(strbuf_str(&t->out), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
}

static void quoted_words_escape_dollar_unless_trusted(void **state)
{
	T *t = *state;
	emit_quoted_word(&t->out, "$HOME \"x\" \\", false);
	assert_string_equal(strbuf_str(&t->out), "\"\\$HOME \\\"x\\\" \\\\\"");
	strbuf_reset(&t->out);
	emit_quoted_word(&t->out, "/opt/venv/bin:$PATH", true);
	assert_string_equal(strbuf_str(&t->out), "\"/opt/venv/bin:$PATH\"");
}

static void header_is_never_a_parser_directive(void **state)
{
	T *t = *state;
	EmitInfo info = {"syntax=docker/dockerfile:1\n# escape=`", "x", true, true};
	emit_dockerfile(t->ir, &info, &t->out);
	assert_string_equal(strbuf_str(&t->out),
			    "# Generated by stagec " STAGEC_VERSION
			    ". Do not edit: change the spec and run stagec again.\n"
			    "# Spec: syntax=docker/dockerfile:1?# escape=` (x), single-stage.\n"
			    "\nFROM debian:bookworm-slim\n");
}

static void packages_are_one_apt_layer(void **state)
{
	T *t = *state;
	Step *st = add(t, STEP_PACKAGES);
	strlist_push(t->a, &st->args, "libpq5");
	strlist_push(t->a, &st->args, "zlib1g");
	assert_string_equal(body(t), "RUN apt-get update \\\n"
				     "    && apt-get install -y --no-install-recommends \\\n"
				     "        libpq5 \\\n"
				     "        zlib1g \\\n"
				     "    && rm -rf /var/lib/apt/lists/*\n");
}

static void packages_and_users_follow_the_family(void **state)
{
	T *t = *state;
	t->stage->family = family_named(&t->templates, "alpine");
	Step *st = add(t, STEP_PACKAGES);
	strlist_push(t->a, &st->args, "build-base");
	strlist_push(t->a, &st->args, "libpq");
	Step *u = add(t, STEP_ADDUSER);
	u->value = "app";
	u->uid = "10001";
	assert_string_equal(body(t), "RUN apk add --no-cache \\\n"
				     "        build-base \\\n"
				     "        libpq\n"
				     "RUN addgroup -S -g 10001 app \\\n"
				     "    && adduser -S -D -H -u 10001 -G app -h /nonexistent -s /sbin/nologin app\n");
}

static void args_and_ports(void **state)
{
	T *t = *state;
	Step *a = add(t, STEP_ARG);
	strlist_push(t->a, &a->keys, "CGO_ENABLED");
	strlist_push(t->a, &a->values, "1");
	Step *e = add(t, STEP_EXPOSE);
	strlist_push(t->a, &e->args, "3000");
	strlist_push(t->a, &e->args, "9229/tcp");
	assert_string_equal(body(t), "ARG CGO_ENABLED=\"1\"\nEXPOSE 3000 9229/tcp\n");
}

static void run_commands_join_with_and(void **state)
{
	T *t = *state;
	Step *st = add(t, STEP_RUN);
	strlist_push(t->a, &st->args, "make");
	strlist_push(t->a, &st->args, "make install");
	assert_string_equal(body(t), "RUN make \\\n    && make install\n");
}

static void run_heredoc_marker_uses_exec_form(void **state)
{
	T *t = *state;
	Step *st = add(t, STEP_RUN);
	strlist_push(t->a, &st->args, "cat <<EOF");
	assert_string_equal(body(t), "RUN [\"/bin/sh\", \"-ec\", \"cat <<EOF\"]\n");
}

static void run_starting_with_bracket_uses_exec_form(void **state)
{
	T *t = *state;
	Step *st = add(t, STEP_RUN);
	strlist_push(t->a, &st->args, "[ -f x ] && echo \"yes\"");
	assert_string_equal(body(t), "RUN [\"/bin/sh\", \"-ec\", \"[ -f x ] && echo \\\"yes\\\"\"]\n");
}

static void run_trailing_backslash_uses_exec_form(void **state)
{
	T *t = *state;
	Step *st = add(t, STEP_RUN);
	strlist_push(t->a, &st->args, "echo \\");
	assert_string_equal(body(t), "RUN [\"/bin/sh\", \"-ec\", \"echo \\\\\"]\n");
}

static void env_and_label_values_stay_one_word(void **state)
{
	T *t = *state;
	Step *e = add(t, STEP_ENV);
	strlist_push(t->a, &e->keys, "A");
	strlist_push(t->a, &e->values, "x\" \\ $(rm -rf /) `id`");
	strlist_push(t->a, &e->keys, "B");
	strlist_push(t->a, &e->values, "");
	Step *l = add(t, STEP_LABEL);
	strlist_push(t->a, &l->keys, "org.opencontainers.image.title");
	strlist_push(t->a, &l->values, "a=b; c");
	assert_string_equal(body(t), "ENV A=\"x\\\" \\\\ \\$(rm -rf /) `id`\" \\\n"
				     "    B=\"\"\n"
				     "LABEL org.opencontainers.image.title=\"a=b; c\"\n");
}

static void copy_plain_and_json_forms(void **state)
{
	T *t = *state;
	Step *a = add(t, STEP_COPY);
	strlist_push(t->a, &a->args, "package.json");
	strlist_push(t->a, &a->args, "package-lock.json");
	a->value = "./";
	Step *b = add(t, STEP_COPY);
	b->from = "builder";
	strlist_push(t->a, &b->args, "/opt/my app");
	b->value = "/opt/my app";
	assert_string_equal(body(t), "COPY package.json package-lock.json ./\n"
				     "COPY --from=builder [\"/opt/my app\", \"/opt/my app\"]\n");
}

static void exec_forms_are_json(void **state)
{
	T *t = *state;
	Step *h = add(t, STEP_HEALTHCHECK);
	strlist_push(t->a, &h->opts, "--interval=30s");
	strlist_push(t->a, &h->opts, "--retries=3");
	strlist_push(t->a, &h->args, "curl");
	strlist_push(t->a, &h->args, "-f");
	Step *e = add(t, STEP_ENTRYPOINT);
	strlist_push(t->a, &e->args, "tini");
	strlist_push(t->a, &e->args, "--");
	Step *c = add(t, STEP_CMD);
	strlist_push(t->a, &c->args, "sh");
	strlist_push(t->a, &c->args, "-c");
	strlist_push(t->a, &c->args, "echo \"$HOME\" && rm -rf /");
	assert_string_equal(body(t), "HEALTHCHECK --interval=30s --retries=3 CMD [\"curl\", \"-f\"]\n"
				     "ENTRYPOINT [\"tini\", \"--\"]\n"
				     "CMD [\"sh\", \"-c\", \"echo \\\"$HOME\\\" && rm -rf /\"]\n");
}

static void stages_are_named_and_separated(void **state)
{
	T *t = *state;
	t->stage->name = "builder";
	Stage *final = ir_stage_append(t->ir, NULL, "scratch", family_named(&t->templates, "scratch"));
	Step *u = ir_step_new(t->ir, STEP_USER, ROLE_RUNTIME, (SrcPos){0}, NULL);
	u->value = "10001:10001";
	ir_step_append(final, u);
	EmitInfo info = {"app.yaml", "demo", false, false};
	emit_dockerfile(t->ir, &info, &t->out);
	assert_non_null(strstr(strbuf_str(&t->out), "(demo), multi-stage.\n\n"
						     "FROM debian:bookworm-slim AS builder\n\n"
						     "FROM scratch\nUSER 10001:10001\n"));
}

/* A builder that cross-compiles: FROM --platform=$BUILDPLATFORM, one ARG
 * a platform variable, declared before a template value uses it; the
 * final stage never runs on the build machine, and a spec value (not
 * trusted) expands nothing, so it needs no declaration. */
static void cross_builder_declares_its_platform_args(void **state)
{
	T *t = *state;
	t->stage->name = "builder";
	t->stage->platform = CROSS_BUILD_PLATFORM;
	Stage *final = ir_stage_append(t->ir, NULL, "scratch", family_named(&t->templates, "scratch"));
	Step *env = ir_step_new(t->ir, STEP_ARG, ROLE_BUILD, (SrcPos){0}, NULL);
	env->trusted = true;
	strlist_push(t->a, &env->keys, "GOARCH");
	strlist_push(t->a, &env->values, "${TARGETARCH}");
	ir_step_append(t->stage, env);
	const char *err = ir_check(t->ir);
	assert_non_null(err); /* used before it is declared */
	assert_non_null(strstr(err, "$TARGETARCH"));
	Step *decl = ir_step_new(t->ir, STEP_ARG, ROLE_BUILD, (SrcPos){0}, NULL);
	strlist_push(t->a, &decl->keys, "TARGETARCH");
	ir_step_insert_before(t->stage, env, decl);
	assert_null(ir_check(t->ir));
	EmitInfo info = {"app.yaml", "demo", false, false};
	emit_dockerfile(t->ir, &info, &t->out);
	assert_non_null(strstr(strbuf_str(&t->out), "FROM --platform=$BUILDPLATFORM debian:bookworm-slim AS builder\n"
						     "ARG TARGETARCH\nARG GOARCH=\"${TARGETARCH}\"\n\nFROM scratch\n"));
	env->trusted = false; /* a spec's value: "\$TARGETARCH", no declaration needed */
	ir_step_unlink(t->stage, decl);
	assert_null(ir_check(t->ir));
	strlist_push(t->a, &decl->keys, "TARGETOS"); /* one name a declaration */
	ir_step_insert_before(t->stage, env, decl);
	assert_non_null(ir_check(t->ir));
	decl->keys.n = 1;
	decl->keys.v[0] = "HOME"; /* only BuildKit's platform ARGs */
	assert_non_null(ir_check(t->ir));
	decl->keys.v[0] = "TARGETOS";
	assert_null(ir_check(t->ir));
	t->stage->platform = "linux/arm64"; /* the one platform stagec writes */
	assert_non_null(ir_check(t->ir));
	t->stage->platform = NULL;
	final->platform = CROSS_BUILD_PLATFORM; /* never the final stage */
	assert_non_null(ir_check(t->ir));
}

/* The same Dockerfile with comments: each reason a line of its own,
 * before the FROM or the instruction's first line. */
static const char *commented(T *t)
{
	EmitInfo info = {"app.yaml", "demo", false, true};
	strbuf_reset(&t->out);
	emit_dockerfile(t->ir, &info, &t->out);
	const char *p = strstr(strbuf_str(&t->out), "\n\n");
	assert_non_null(p);
	return p + 2;
}

static void reasons_are_comment_lines_before_their_step(void **state)
{
	T *t = *state;
	t->stage->why = "one stage";
	Step *st = add(t, STEP_RUN);
	st->why = "make it";
	strlist_push(t->a, &st->args, "make");
	strlist_push(t->a, &st->args, "make install");
	Step *e1 = add(t, STEP_ENV), *e2 = add(t, STEP_ENV); /* a group: one reason, said once */
	e1->why = e2->why = "the environment";
	strlist_push(t->a, &e1->keys, "A");
	strlist_push(t->a, &e1->values, "1");
	strlist_push(t->a, &e2->keys, "B");
	strlist_push(t->a, &e2->values, "2");
	Step *u = add(t, STEP_USER); /* no reason: no comment */
	u->value = "10001";
	assert_string_equal(commented(t), "# one stage\n"
					  "FROM debian:bookworm-slim\n"
					  "# make it\n"
					  "RUN make \\\n    && make install\n"
					  "# the environment\n"
					  "ENV A=\"1\"\n"
					  "ENV B=\"2\"\n"
					  "USER 10001\n");
	/* --no-comments: the same instructions, no comment */
	assert_string_equal(body(t), "RUN make \\\n    && make install\nENV A=\"1\"\nENV B=\"2\"\nUSER 10001\n");
}

static void comment_text_is_one_printable_line(void **state)
{
	T *t = *state;
	Step *st = add(t, STEP_WORKDIR);
	st->value = "/app";
	/* a line break with a directive and an instruction after it, a
	 * non-ASCII byte, a control character, a trailing backslash */
	st->why = "a\n# escape=`\nRUN evil \xc3\xa9\x7f\\";
	assert_string_equal(commented(t), "FROM debian:bookworm-slim\n"
					  "# a?# escape=`?RUN evil ????\n"
					  "WORKDIR /app\n");
}

static void long_reasons_are_cut_at_a_blank(void **state)
{
	T *t = *state;
	Step *st = add(t, STEP_WORKDIR);
	st->value = "/app";
	Strbuf why = STRBUF_INIT;
	while (why.len < 3 * EMIT_COMMENT_MAX)
		strbuf_adds(&why, "word \\ ");
	st->why = strbuf_str(&why);
	const char *text = commented(t);
	const char *line = strstr(text, "\n# ") + 3, *nl = strchr(line, '\n');
	assert_true((size_t)(nl - line) <= EMIT_COMMENT_MAX);
	assert_true(nl - line > EMIT_COMMENT_MAX / 2);
	assert_memory_equal(nl - 5, " \\...", 5); /* cut at a blank, then "..." */
	assert_string_equal(nl, "\nWORKDIR /app\n");
	strbuf_release(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(json_strings_escape_quotes_backslashes_and_controls, setup, teardown),
		cmocka_unit_test_setup_teardown(run_mounts_are_flags_one_per_line, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_mounts_break_the_ir_check, setup, teardown),
		cmocka_unit_test_setup_teardown(quoted_words_escape_dollar_unless_trusted, setup, teardown),
		cmocka_unit_test_setup_teardown(header_is_never_a_parser_directive, setup, teardown),
		cmocka_unit_test_setup_teardown(packages_are_one_apt_layer, setup, teardown),
		cmocka_unit_test_setup_teardown(packages_and_users_follow_the_family, setup, teardown),
		cmocka_unit_test_setup_teardown(args_and_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(run_commands_join_with_and, setup, teardown),
		cmocka_unit_test_setup_teardown(run_heredoc_marker_uses_exec_form, setup, teardown),
		cmocka_unit_test_setup_teardown(run_starting_with_bracket_uses_exec_form, setup, teardown),
		cmocka_unit_test_setup_teardown(run_trailing_backslash_uses_exec_form, setup, teardown),
		cmocka_unit_test_setup_teardown(env_and_label_values_stay_one_word, setup, teardown),
		cmocka_unit_test_setup_teardown(copy_plain_and_json_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(exec_forms_are_json, setup, teardown),
		cmocka_unit_test_setup_teardown(stages_are_named_and_separated, setup, teardown),
		cmocka_unit_test_setup_teardown(cross_builder_declares_its_platform_args, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_made_inside_a_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(reasons_are_comment_lines_before_their_step, setup, teardown),
		cmocka_unit_test_setup_teardown(comment_text_is_one_printable_line, setup, teardown),
		cmocka_unit_test_setup_teardown(long_reasons_are_cut_at_a_blank, setup, teardown),
	};
	return cmocka_run_group_tests_name("emit", tests, NULL, NULL);
}
