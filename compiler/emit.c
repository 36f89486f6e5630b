/*
 * emit.c - IR -> Dockerfile text.
 *
 * The output is deterministic: the same IR gives the same bytes.  Nothing
 * a spec says can add an instruction or split an argument:
 *   - exec forms (CMD, ENTRYPOINT, HEALTHCHECK) are JSON arrays, every
 *     element a JSON string;
 *   - ENV and LABEL values are double-quoted with \, " and (for spec
 *     values) $ escaped, so they stay one word and expand nothing;
 *   - a RUN command from a spec is written in shell form only when it is
 *     plainly one line of shell (no line break, no trailing backslash, not
 *     even before blanks, no heredoc marker, not starting with '[' or '-');
 *     otherwise it is written as ["/bin/sh", "-ec", "..."], which Docker
 *     never reads further (-e: a multi-line script stops at its first
 *     failing line, as commands joined with && do);
 *   - package names, users, ports, images and paths reach this file only
 *     after their grammars were checked, and line breaks never do.
 * The header comment names the spec; its first line is fixed so that it
 * can never read as a parser directive (BuildKit looks for directives
 * only before the first line that is not one).  With EmitInfo.comments,
 * each stage and each step is preceded by a comment line of its own
 * holding its reason from the IR (Stage.why, Step.why), once for a run of
 * steps with the same reason; a comment is never inside a continued
 * instruction, and its text goes through emit_comment_text.
 */
#include <string.h>

#include "internal.h"

void emit_json_string(Strbuf *out, const char *s)
{
	strbuf_addc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			strbuf_adds(out, "\\\"");
			break;
		case '\\':
			strbuf_adds(out, "\\\\");
			break;
		case '\n':
			strbuf_adds(out, "\\n");
			break;
		case '\t':
			strbuf_adds(out, "\\t");
			break;
		case '\r':
			strbuf_adds(out, "\\r");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				strbuf_addf(out, "\\u%04x", *p);
			else
				strbuf_addc(out, (char)*p);
		}
	}
	strbuf_addc(out, '"');
}

void emit_quoted_word(Strbuf *out, const char *s, bool allow_vars)
{
	strbuf_addc(out, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\' || (*p == '$' && !allow_vars))
			strbuf_addc(out, '\\');
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			strbuf_addc(out, '?'); /* unreachable: the spec reader rejects them */
		else
			strbuf_addc(out, *p);
	}
	strbuf_addc(out, '"');
}

void emit_json_array(Strbuf *out, const StrList *l)
{
	strbuf_addc(out, '[');
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			strbuf_adds(out, ", ");
		emit_json_string(out, l->v[i]);
	}
	strbuf_addc(out, ']');
}

/* A path in a COPY: bare when it is made of plain characters, a JSON
 * string otherwise (the JSON form of COPY is then used). */
static bool plain_word(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c == 0x7f || strchr("\"'\\$`[]{}*?#;&|<>()", c))
			return false;
	}
	return true;
}

/* Docker joins a line to the next when it ends with a backslash followed
 * by nothing but blanks, so trailing blanks do not hide one. */
static bool plain_shell_line(const char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	/* Docker trims the blanks after RUN, then reads '[' as JSON and a first
	 * word starting with "--" as a flag (--mount, --network) */
	char first = s[strspn(s, " \t")];
	if (!n || first == '[' || first == '-' || s[n - 1] == '\\' || strstr(s, "<<"))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* "RUN" and its --mount flags, one per line when there are any.  The
 * words were checked by ir_check (valid_mount_word): nothing to quote. */
static void emit_run_head(Strbuf *out, const Step *st)
{
	strbuf_adds(out, "RUN");
	for (uint32_t i = 0; i < st->nmounts; i++) {
		const Mount *m = &st->mounts[i];
		strbuf_addf(out, "%s--mount=type=%s", i ? " \\\n    " : " ", ir_mount_kind_name(m->kind));
		if (m->id)
			strbuf_addf(out, ",id=%s", m->id);
		if (m->source)
			strbuf_addf(out, ",source=%s", m->source);
		strbuf_addf(out, ",target=%s", m->target);
		if (m->locked)
			strbuf_adds(out, ",sharing=locked");
		if (m->required)
			strbuf_adds(out, ",required");
	}
	strbuf_adds(out, st->nmounts ? " \\\n    " : " ");
}

/* A RUN of several commands joined with &&, one per line; or, when any
 * of them is not plainly one line of shell, the exec form of sh -c. */
static void emit_run(Strbuf *out, const Step *st)
{
	bool plain = true;
	for (size_t i = 0; i < st->args.n; i++)
		plain = plain && plain_shell_line(st->args.v[i]);
	emit_run_head(out, st);
	if (plain) {
		for (size_t i = 0; i < st->args.n; i++) {
			if (i)
				strbuf_adds(out, " \\\n    && ");
			strbuf_adds(out, st->args.v[i]);
		}
	} else {
		Strbuf script = STRBUF_INIT;
		for (size_t i = 0; i < st->args.n; i++)
			strbuf_addf(&script, "%s%s", i ? " && " : "", st->args.v[i]);
		strbuf_adds(out, "[\"/bin/sh\", \"-ec\", ");
		emit_json_string(out, strbuf_str(&script));
		strbuf_addc(out, ']');
		strbuf_release(&script);
	}
	strbuf_addc(out, '\n');
}

static bool has_cache_mount(const Step *st)
{
	for (uint32_t i = 0; i < st->nmounts; i++)
		if (st->mounts[i].kind == MOUNT_CACHE)
			return true;
	return false;
}

/* A family's command template: {packages} becomes the list, one per
 * line; {user} and {uid} the user to create. */
static void emit_family_commands(Strbuf *out, const StrList *cmds, const Step *st)
{
	emit_run_head(out, st);
	for (size_t i = 0; i < cmds->n; i++) {
		if (i)
			strbuf_adds(out, " \\\n    && ");
		for (const char *p = cmds->v[i]; *p; p++) {
			if (strncmp(p, "{packages}", 10) == 0) {
				while (out->len && out->buf[out->len - 1] == ' ')
					out->buf[--out->len] = '\0';
				for (size_t j = 0; j < st->args.n; j++)
					strbuf_addf(out, " \\\n        %s", st->args.v[j]);
				p += 9;
			} else if (strncmp(p, "{user}", 6) == 0) {
				strbuf_adds(out, st->value);
				p += 5;
			} else if (strncmp(p, "{uid}", 5) == 0) {
				strbuf_adds(out, st->uid);
				p += 4;
			} else {
				strbuf_addc(out, *p);
			}
		}
	}
	strbuf_addc(out, '\n');
}

static void emit_copy(Strbuf *out, const Step *st)
{
	bool plain = plain_word(st->value);
	for (size_t i = 0; i < st->args.n; i++)
		plain = plain && plain_word(st->args.v[i]);
	strbuf_adds(out, "COPY ");
	if (st->from)
		strbuf_addf(out, "--from=%s ", st->from);
	if (plain) {
		for (size_t i = 0; i < st->args.n; i++)
			strbuf_addf(out, "%s ", st->args.v[i]);
		strbuf_adds(out, st->value);
	} else {
		strbuf_addc(out, '[');
		for (size_t i = 0; i < st->args.n; i++) {
			emit_json_string(out, st->args.v[i]);
			strbuf_adds(out, ", ");
		}
		emit_json_string(out, st->value);
		strbuf_addc(out, ']');
	}
	strbuf_addc(out, '\n');
}

static void emit_pairs(Strbuf *out, const char *keyword, const Step *st)
{
	strbuf_adds(out, keyword);
	if (st->kind == STEP_ARG && !st->values.n) {
		/* a declaration of a platform ARG (ir_check: one name) */
		for (size_t i = 0; i < st->keys.n; i++)
			strbuf_addf(out, " %s", st->keys.v[i]);
		strbuf_addc(out, '\n');
		return;
	}
	for (size_t i = 0; i < st->keys.n; i++) {
		strbuf_adds(out, i ? " \\\n    " : " ");
		strbuf_adds(out, st->keys.v[i]);
		strbuf_addc(out, '=');
		emit_quoted_word(out, st->values.v[i], st->trusted);
	}
	strbuf_addc(out, '\n');
}

static void emit_step(Strbuf *out, const Stage *stage, const Step *st)
{
	switch (st->kind) {
	case STEP_PACKAGES:
		/* with the family's caches mounted (pass_packages), its install
		 * that keeps the downloads there */
		emit_family_commands(out, has_cache_mount(st) && stage->family->cached_install.n
						  ? &stage->family->cached_install : &stage->family->install, st);
		break;
	case STEP_ADDUSER:
		emit_family_commands(out, &stage->family->add_user, st);
		break;
	case STEP_ARG:
		emit_pairs(out, "ARG", st);
		break;
	case STEP_COPY:
		emit_copy(out, st);
		break;
	case STEP_RUN:
		emit_run(out, st);
		break;
	case STEP_ENV:
		emit_pairs(out, "ENV", st);
		break;
	case STEP_LABEL:
		emit_pairs(out, "LABEL", st);
		break;
	case STEP_WORKDIR:
		strbuf_addf(out, "WORKDIR %s\n", st->value);
		break;
	case STEP_USER:
		strbuf_addf(out, "USER %s\n", st->value);
		break;
	case STEP_EXPOSE:
		strbuf_adds(out, "EXPOSE");
		for (size_t i = 0; i < st->args.n; i++)
			strbuf_addf(out, " %s", st->args.v[i]);
		strbuf_addc(out, '\n');
		break;
	case STEP_HEALTHCHECK:
		strbuf_adds(out, "HEALTHCHECK");
		for (size_t i = 0; i < st->opts.n; i++)
			strbuf_addf(out, " %s", st->opts.v[i]);
		strbuf_adds(out, " CMD ");
		emit_json_array(out, &st->args);
		strbuf_addc(out, '\n');
		break;
	case STEP_CMD:
		strbuf_adds(out, "CMD ");
		emit_json_array(out, &st->args);
		strbuf_addc(out, '\n');
		break;
	case STEP_ENTRYPOINT:
		strbuf_adds(out, "ENTRYPOINT ");
		emit_json_array(out, &st->args);
		strbuf_addc(out, '\n');
		break;
	}
}

/* Text in a comment, whatever it holds: printable ASCII only (a line
 * break, a control character or any byte above 0x7e becomes '?'), at
 * most max bytes (a longer text is cut at a blank and ends with "..."),
 * and never a backslash at the end, so the line can neither break in two
 * nor look like it continues. */
static void emit_comment_text(Strbuf *out, const char *s, size_t max)
{
	size_t n = strlen(s);
	bool cut = n > max;
	if (cut) {
		n = max - 3;
		while (n > max / 2 && s[n] != ' ')
			n--; /* at a blank when there is one in the second half */
		while (n && s[n - 1] == ' ')
			n--;
	}
	size_t start = out->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		strbuf_addc(out, c < 0x20 || c > 0x7e ? '?' : (char)c);
	}
	if (cut)
		strbuf_adds(out, "...");
	else if (out->len > start && out->buf[out->len - 1] == '\\')
		out->buf[out->len - 1] = '?';
}

/* "# TEXT" on a line of its own: only ever written before a FROM or an
 * instruction's first line. */
static void emit_comment(Strbuf *out, const char *text)
{
	strbuf_adds(out, "# ");
	emit_comment_text(out, text, EMIT_COMMENT_MAX);
	strbuf_addc(out, '\n');
}

static void emit_header(Strbuf *out, const EmitInfo *info, const char *what)
{
	strbuf_adds(out, STAGEC_HEADER_MARK " " STAGEC_VERSION ". Do not edit: change the spec and run stagec again.\n");
	strbuf_adds(out, "# Spec: ");
	emit_comment_text(out, info->spec_path, EMIT_PATH_MAX);
	strbuf_adds(out, " (");
	emit_comment_text(out, info->app_name, EMIT_PATH_MAX);
	strbuf_addf(out, "), %s.\n", what);
}

/* With a context above the spec's folder: how to build. */
static void emit_context(Strbuf *out, const Ir *ir, const EmitInfo *info)
{
	if (!ir->context)
		return;
	strbuf_adds(out, "# Build context: ");
	emit_comment_text(out, ir->context, EMIT_PATH_MAX);
	strbuf_addf(out, " from the spec's folder: docker build -f %s ", info->single_stage ? "Dockerfile.single" : "Dockerfile");
	emit_comment_text(out, ir->context, EMIT_PATH_MAX);
	strbuf_adds(out, "\n");
}

void emit_dockerfile(const Ir *ir, const EmitInfo *info, Strbuf *out)
{
	emit_header(out, info, info->single_stage ? "single-stage" : "multi-stage");
	emit_context(out, ir, info);
	for (const Stage *s = ir->first; s; s = s->next) {
		strbuf_addc(out, '\n');
		if (info->comments && s->why)
			emit_comment(out, s->why);
		strbuf_adds(out, "FROM ");
		if (s->platform) /* ir_check: CROSS_BUILD_PLATFORM */
			strbuf_addf(out, "--platform=%s ", s->platform);
		if (s->name)
			strbuf_addf(out, "%s AS %s\n", s->image, s->name);
		else
			strbuf_addf(out, "%s\n", s->image);
		for (const Step *st = s->first; st; st = st->next) {
			/* a group of steps with one reason: said once, before the first */
			if (info->comments && st->why && !(st->prev && st->prev->why && strcmp(st->prev->why, st->why) == 0))
				emit_comment(out, st->why);
			emit_step(out, s, st);
		}
	}
}

void emit_dockerignore(const Ir *ir, const EmitInfo *info, Strbuf *out)
{
	emit_header(out, info, ".dockerignore");
	for (size_t i = 0; i < ir->dockerignore.n; i++)
		strbuf_addf(out, "%s\n", ir->dockerignore.v[i]);
}

/* The longest line of text, and where it starts. */
static size_t longest_line(const char *text, size_t *at)
{
	size_t best = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > best) {
			best = len;
			*at = (size_t)(p - text);
		}
		p += len + (nl ? 1 : 0);
	}
	return best;
}

/* Where the spec gave key its value: merged steps keep only the first
 * pair's position. */
static SrcPos pair_pos(const Spec *spec, const Step *st, const char *key)
{
	const SMap *maps[] = {&spec->env, &spec->labels};
	for (size_t m = 0; m < 2; m++)
		for (size_t i = 0; maps[m]->present && i < maps[m]->n; i++)
			if (strcmp(maps[m]->v[i].key.s, key) == 0 &&
			    (maps[m] == &spec->env) == (st->kind == STEP_ENV))
				return maps[m]->v[i].value.pos;
	return st->pos;
}

bool emit_check_line_length(const Ir *ir, const Spec *spec, Diags *d)
{
	bool ok = true;
	Strbuf sb = STRBUF_INIT;
	for (const Stage *s = ir->first; s; s = s->next) {
		for (const Step *st = s->first; st; st = st->next) {
			strbuf_reset(&sb);
			emit_step(&sb, s, st);
			size_t at = 0, len = longest_line(strbuf_str(&sb), &at);
			if (len <= DOCKERFILE_LINE_MAX)
				continue;
			/* a pair (ENV, LABEL) has a line of its own: name its key */
			const char *key = NULL;
			const char *line = strbuf_str(&sb) + at;
			line += strspn(line, " ");
			if (at == 0)
				line += strcspn(line, " ") + 1; /* "ENV ", "LABEL " */
			for (size_t i = 0; i < st->keys.n && !key; i++) {
				size_t kl = strlen(st->keys.v[i]);
				if (strncmp(line, st->keys.v[i], kl) == 0 && line[kl] == '=')
					key = st->keys.v[i];
			}
			if (key)
				diag_error(d, pair_pos(spec, st, key), "'%s' makes a Dockerfile line of %zu bytes, and Docker refuses "
						       "lines over %d; shorten its value",
					   key, len, DOCKERFILE_LINE_MAX);
			else
				diag_error(d, st->pos, "this value makes a Dockerfile line of %zu bytes, and Docker "
						       "refuses lines over %d; shorten it or split it up",
					   len, DOCKERFILE_LINE_MAX);
			ok = false;
		}
	}
	strbuf_release(&sb);
	return ok;
}
