/*
 * render.c - the app.yaml that `stagec init` writes.
 *
 * Keys in the order specs/schema.md lists them, only those init found or
 * was given; each with a comment saying where its value came from
 * ("# from pom.xml:28 (java.version)", "# --port").  A command or a port
 * that nothing in the project states is a commented line that says so,
 * never a guess.  Comments start at one column so they read as a table.
 */
#include <string.h>

#include "init/init.h"

#define COMMENT_COL 34

static void line(Strbuf *sb, int indent, const char *key, const InitValue *v)
{
	size_t start = sb->len;
	strbuf_addf(sb, "%*s%s%s:%s%s", indent, "", v->commented ? "# " : "", key, *v->yaml ? " " : "", v->yaml);
	size_t n = sb->len - start;
	if (v->from) {
		strbuf_addf(sb, "%*s# ", n < COMMENT_COL ? (int)(COMMENT_COL - n) : 1, "");
		/* a file name or a script is the project's text: a line break in it
		 * would end the comment and start a key */
		for (const unsigned char *p = (const unsigned char *)v->from; *p; p++)
			strbuf_addc(sb, *p < 0x20 || *p == 0x7f ? '?' : (char)*p);
	}
	strbuf_addc(sb, '\n');
}

const char *init_render(Arena *a, const InitSpec *s)
{
	Strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "# Written by 'stagec init' from the project's own files: each value says where\n"
			 "# it came from.  Edit it freely; the format is in specs/schema.md.\n");
	if (s->name.yaml)
		line(&sb, 0, "name", &s->name);
	line(&sb, 0, "language", &s->language_v);
	if (s->version.yaml)
		line(&sb, 0, "version", &s->version);
	if (s->base.yaml)
		line(&sb, 0, "base", &s->base);
	if (s->build_image.yaml) {
		strbuf_adds(&sb, "images:\n");
		line(&sb, 2, "build", &s->build_image);
	}
	if (s->source.yaml)
		line(&sb, 0, "source", &s->source);
	if (s->context.yaml)
		line(&sb, 0, "context", &s->context);
	if (s->program.yaml)
		line(&sb, 0, "program", &s->program);
	if (s->manifest.yaml) {
		strbuf_adds(&sb, "dependencies:\n");
		line(&sb, 2, "manifest", &s->manifest);
	}
	if (s->build.yaml)
		line(&sb, 0, "build", &s->build);
	if (s->command.yaml || s->port.yaml) {
		strbuf_adds(&sb, "run:\n");
		if (s->command.yaml)
			line(&sb, 2, "command", &s->command);
		if (s->port.yaml)
			line(&sb, 2, "port", &s->port);
	}
	const char *out = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}
