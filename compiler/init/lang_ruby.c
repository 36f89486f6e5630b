/*
 * lang_ruby.c - Ruby: the version from .ruby-version, the Gemfile's ruby line (a
 * RubyGems range) or Gemfile.lock; Rails (bin/rails, port 3000) or a
 * config.ru under puma (port 9292); else the port app.rb names.
 */
#include <ctype.h>
#include <string.h>

#include "init/init.h"

static const char *const RB_EXTS[] = {".rb", NULL};
static const char *const RB_PORT[] = {"\"PORT\", \"", "'PORT', '", "port: ", NULL};
/* The line of Gemfile naming gem (gem "rails"), 0 when none. */
static int gem_line(Init *in, const SourceFile *f, const char *gem)
{
	const char *pats[] = {arena_printf(in->a, "gem \"%s\"", gem), arena_printf(in->a, "gem '%s'", gem)};
	for (size_t i = 0; i < 2; i++) {
		const char *at = strstr(f->text, pats[i]);
		if (at)
			return init_line_of(f, at);
	}
	return 0;
}

bool init_read_ruby(Init *in)
{
	InitSpec *s = in->s;
	s->summary = "bundler";
	const SourceFile *g = init_read(in, "Gemfile", PROJECT_TEXT);
	if (!g)
		return false;
	int line;
	if (!init_version_file(in, ".ruby-version", "ruby-", RANGE_GEM)) {
		const char *r = init_line_after(in, g, "ruby ", &line);
		const char *v = r ? init_quoted_after(in, r) : NULL;
		bool done = v && init_set_version(in, v, (SrcPos){g, line, 1}, "ruby", RANGE_GEM);
		const SourceFile *lock = !done && init_has(in, "Gemfile.lock") ? init_read(in, "Gemfile.lock", PROJECT_TEXT) : NULL;
		const char *rv = lock ? strstr(lock->text, "RUBY VERSION\n") : NULL;
		if (rv) {
			const char *l = rv + strlen("RUBY VERSION\n");
			l += strspn(l, " ");
			if (strncmp(l, "ruby ", 5) == 0) {
				l += 5;
				size_t n = strspn(l, "0123456789.");
				init_set_version(in, arena_strndup(in->a, l, n), (SrcPos){lock, init_line_of(lock, l), 1},
						 "RUBY VERSION", RANGE_GEM);
			}
		}
	}
	int rails = gem_line(in, g, "rails");
	if (rails && init_has(in, "bin/rails")) {
		init_set_list(in, &s->command, init_words(in->a, "bin/rails", "server", "-b", "0.0.0.0", NULL),
			 init_from(in, g, rails, "gem rails"));
		init_set(&s->port, "3000", "Rails serves on 3000");
	} else if (init_has(in, "config.ru") && (line = gem_line(in, g, "puma"))) {
		init_set_list(in, &s->command, init_words(in->a, "bundle", "exec", "puma", "-b", "tcp://0.0.0.0:9292", NULL),
			 init_from(in, g, line, "gem puma, and config.ru"));
		init_set(&s->port, "9292", "from the command");
	} else {
		init_set_comment(&s->command, "[bundle, exec, ruby, app.rb]", init_has(in, "app.rb") ? "app.rb is here: the "
			    "template runs it so" : "nothing in the project names the command; this is what the template runs");
		init_port_from_sources(in, ".", RB_EXTS, RB_PORT);
	}
	return true;
}
