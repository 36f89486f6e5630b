/*
 * pass_closure.c - the runtime closure of build-only packages.
 *
 * A -dev package needed to build (libpq-dev) implies a shared library the
 * app needs at run time (libpq5).  This pass looks every build-only package
 * up in the runtime-library table (templates/runtime-libs.yaml, derived
 * from Debian's own Depends lines) and adds what it implies as a run-time
 * packages step after the last packages step.  The table is Debian's: on
 * images of other families (families.yaml: runtime_libs) nothing is
 * inferred, and lowering has told the user to list the packages.
 * Assumes: lowering produced one stage.  Guarantees: every implied library
 * not already asked for is in a runtime packages step, whose reason says
 * which -dev package implies which library, and from what table.
 */
#include <string.h>

#include "internal.h"

int pass_closure(Ir *ir, PassCtx *ctx)
{
	for (Stage *s = ir->first; s; s = s->next) {
		StrList implied = {0}, implied_by = {0}; /* parallel: a library, the -dev package */
		StrList runtime = {0};
		Step *last_pkg = NULL, *first_dev = NULL;
		for (Step *st = s->first; st; st = st->next) {
			if (st->kind != STEP_PACKAGES)
				continue;
			last_pkg = st;
			if (st->role & ROLE_RUNTIME) {
				strlist_copy(ir->arena, &runtime, &st->args);
				continue;
			}
			for (size_t i = 0; i < st->args.n; i++) {
				const char *pkg = st->args.v[i];
				const char *eq = strchr(pkg, '=');
				const char *bare = eq ? arena_strndup(ir->arena, pkg, (size_t)(eq - pkg)) : pkg;
				const StrList *libs = runtime_libs_for(ctx->templates, bare);
				if (!libs)
					continue;
				if (!first_dev)
					first_dev = st;
				strlist_copy(ir->arena, &implied, libs);
				while (implied_by.n < implied.n)
					strlist_push(ir->arena, &implied_by, bare);
			}
		}
		StrList add = {0};
		Strbuf why = STRBUF_INIT; /* "libpq5 for libpq-dev, libsqlite3-0 for libsqlite3-dev" */
		const char *last_dev = NULL;
		for (size_t i = 0; i < implied.n; i++) {
			if (strlist_contains(&runtime, implied.v[i]) || strlist_contains(&add, implied.v[i]))
				continue;
			strlist_push(ir->arena, &add, implied.v[i]);
			bool same_dev = last_dev && strcmp(last_dev, implied_by.v[i]) == 0;
			if (same_dev) /* "libapr1 libaprutil1 for apache2-dev": " for" after the last */
				why.len -= strlen(" for ") + strlen(last_dev);
			strbuf_addf(&why, "%s%s for %s", !why.len ? "" : same_dev ? " " : ", ", implied.v[i],
				    implied_by.v[i]);
			last_dev = implied_by.v[i];
		}
		const char *libs_why = arena_printf(ir->arena, "%s (Debian's Depends, runtime-libs.yaml)", strbuf_str(&why));
		strbuf_release(&why);
		if (!add.n)
			continue;
		const Family *rt = ctx->single_stage ? ir->build_family : ir->run_family;
		if (!ir->build_family->runtime_libs)
			continue; /* the table is Debian's: lowering said so */
		if (!rt->install.n) {
			diag_warning(ctx->diags, first_dev->pos,
				     "the build packages imply run-time libraries (%s%s), but the run image '%s' "
				     "has no package manager; link statically or use a run image with one",
				     add.v[0], add.n > 1 ? ", ..." : "", ir->run_image);
			continue;
		}
		if (!rt->runtime_libs)
			continue; /* Debian's names mean nothing there: lowering said so */
		Step *st = ir_step_new(ir, STEP_PACKAGES, ROLE_RUNTIME, first_dev->pos, libs_why);
		st->args = add;
		ir_step_insert_before(s, last_pkg->next, st);
	}
	return 0;
}
