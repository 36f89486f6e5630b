/*
 * lang_rust.c - Rust: Cargo.toml's package name, the version from rust-toolchain(.toml)
 * or rust-version, the binary (several: --program), the port its main
 * file binds; a workspace root or a library crate is refused.
 */
#include <ctype.h>
#include <string.h>

#include "init/init.h"

static const char *const RUST_PORT[] = {"\"0.0.0.0:", "(\"0.0.0.0\", ", "[0, 0, 0, 0], ", NULL};

static bool rust_channel(Init *in, const char *rel, const TomlValue *ch)
{
	if (!ch || ch->kind != TOML_STRING)
		return false;
	if (!init_version_plain(ch->str)) {
		diag_remark(in->d, NOPOS, "%s names the channel '%s', not a version: the version is left to "
					  "--version or the template", rel, ch->str);
		return false;
	}
	return init_set_version(in, ch->str, ch->pos, "channel", RANGE_NPM);
}

bool init_read_rust(Init *in)
{
	InitSpec *s = in->s;
	s->summary = "cargo";
	const TomlValue *root;
	if (project_toml(&in->p, "Cargo.toml", NOPOS, &root) != PROJECT_OK)
		return false;
	const TomlValue *pkg = toml_get(root, "package");
	if (!pkg && toml_get(root, "workspace")) {
		diag_error(in->d, toml_get(root, "workspace")->pos,
			   "a Cargo workspace without a [package] builds no application itself; write one spec per "
			   "member with 'stagec init --recursive'");
		return false;
	}
	const TomlValue *name = toml_path(root, "package.name");
	if (name && name->kind == TOML_STRING)
		init_set_name(in, name->str, init_from(in, name->pos.file, name->pos.line, "package.name"));
	/* the version: rust-toolchain.toml, rust-toolchain, rust-version */
	bool done = false;
	const TomlValue *tc;
	if (init_has(in, "rust-toolchain.toml") && project_toml(&in->p, "rust-toolchain.toml", NOPOS, &tc) == PROJECT_OK)
		done = rust_channel(in, "rust-toolchain.toml", toml_path(tc, "toolchain.channel"));
	if (!done && init_has(in, "rust-toolchain")) {
		const SourceFile *f = init_read(in, "rust-toolchain", PROJECT_TEXT);
		int line;
		const char *v = f ? init_first_line(in, f, &line) : NULL;
		if (v && v[0] == '[' && project_toml(&in->p, "rust-toolchain", NOPOS, &tc) == PROJECT_OK)
			done = rust_channel(in, "rust-toolchain", toml_path(tc, "toolchain.channel"));
		else if (v && init_version_plain(v))
			done = init_set_version(in, v, (SrcPos){f, line, 1}, "rust-toolchain", RANGE_NPM);
	}
	const TomlValue *rv = toml_path(root, "package.rust-version");
	if (!done && rv && rv->kind == TOML_STRING)
		init_set_version(in, rv->str, rv->pos, "rust-version", RANGE_NPM);
	/* the binary */
	const TomlValue *bins = toml_get(root, "bin");
	StrList names = {0}, paths = {0};
	for (size_t i = 0; bins && bins->kind == TOML_ARRAY && i < bins->n; i++) {
		const TomlValue *bn = toml_get(bins->items[i], "name"), *bp = toml_get(bins->items[i], "path");
		if (bn && bn->kind == TOML_STRING) {
			strlist_push(in->a, &names, bn->str);
			strlist_push(in->a, &paths, bp && bp->kind == TOML_STRING ? bp->str
					: name && strcmp(name->str, bn->str) == 0 ? "src/main.rs"
					: arena_printf(in->a, "src/bin/%s.rs", bn->str));
		}
	}
	if (!names.n && name && name->kind == TOML_STRING && init_has(in, "src/main.rs")) {
		strlist_push(in->a, &names, name->str);
		strlist_push(in->a, &paths, "src/main.rs");
	}
	size_t pick = 0;
	if (!names.n) {
		diag_error(in->d, NOPOS, "%s: Cargo.toml builds no binary (no src/main.rs, no [[bin]]): a library "
					 "crate has nothing to run", init_shown(in));
		return false;
	}
	if (in->o->program) {
		for (pick = 0; pick < names.n && strcmp(names.v[pick], in->o->program) != 0; pick++)
			;
		if (pick == names.n) {
			diag_error(in->d, NOPOS, "--program '%s' is not a binary of Cargo.toml; its binaries are %s",
				   in->o->program, strlist_join(in->a, &names, ", "));
			return false;
		}
		init_set(&s->program, init_yaml_str(in->a, names.v[pick]), "--program");
	} else if (names.n > 1) {
		diag_error(in->d, NOPOS, "%s: Cargo.toml has %u binaries (%s); choose one with --program %s", init_shown(in),
			   (unsigned)names.n, strlist_join(in->a, &names, ", "), strlist_join(in->a, &names, "|"));
		return false;
	}
	const SourceFile *mf = init_has(in, paths.v[pick]) ? init_read(in, paths.v[pick], PROJECT_TEXT) : NULL;
	int line, port = mf ? init_scan_port(mf, RUST_PORT, &line) : 0;
	if (port)
		init_set(&s->port, arena_printf(in->a, "%d", port), init_from(in, mf, line, "the listen address"));
	else
		init_no_port(in);
	return true;
}
