#!/bin/sh
# run-install.sh - what `meson install` puts in place for first contact: the
# binary, the bash completion and the man page stagec-init(1), all from one
# option table (and the zsh and fish completions), and the JSON Schemas of
# specs/ (share/stagec/schemas/, what `stagec schema` prints); stagec(1),
# whose option lists are parsed from the --help of stagec, stagec all and
# stagec lock, and stagec-spec(5), converted from specs/schema.md: both
# render with `man -l`, stagec(1) names every option those --help list, and
# stagec-spec(5) has every heading and every table row's key of schema.md.  Checks that `meson introspect --installed` lists them, that
# the man page renders with `man -l` and names every option of `stagec init
# --list-options`, that `stagec init --help` does too, and that the
# completion completes a flag and a flag's value in an interactive bash.
# Usage: tests/run-install.sh BUILD_DIR   (from the repository root)
set -u
BUILD=${1:?usage: run-install.sh BUILD_DIR}
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson introspect "$BUILD" --installed >"$tmp/installed" || bad "meson introspect --installed"
for f in bin/stagec share/bash-completion/completions/stagec share/zsh/vendor-completions/_stagec \
	share/fish/vendor_completions.d/stagec.fish share/man/man1/stagec-init.1 \
	share/man/man1/stagec.1 share/man/man5/stagec-spec.5 \
	share/stagec/schemas/app.schema.json share/stagec/schemas/policy.schema.json \
	share/stagec/schemas/lock.schema.json; do
	grep -q "/$f\"" "$tmp/installed" && ok "installs $f" || bad "installs $f"
done

"$BUILD/stagec" init --list-options | cut -f1 >"$tmp/options"
[ -s "$tmp/options" ] && ok "the option table lists options" || bad "the option table lists options"
"$BUILD/stagec" init --help >"$tmp/help"
if command -v man >/dev/null; then
	MANWIDTH=200 man -l "$BUILD/man/stagec-init.1" 2>"$tmp/manerr" >"$tmp/man"
	grep -q "^NAME" "$tmp/man" && [ ! -s "$tmp/manerr" ] && ok "man -l renders stagec-init.1" || { bad "man -l renders stagec-init.1"; cat "$tmp/manerr"; }
else
	cp "$BUILD/man/stagec-init.1" "$tmp/man"
fi
while read -r o; do
	grep -q -- "--$o" "$tmp/man" && ok "the man page has --$o" || bad "the man page has --$o"
	grep -q -- "--$o" "$tmp/help" && ok "--help has --$o" || bad "--help has --$o"
	grep -q -- "--$o" "$BUILD/man/stagec" && ok "the bash completion has --$o" || bad "the bash completion has --$o"
	grep -qE -- "--$o(\[|\})" "$BUILD/man/_stagec" && ok "the zsh completion has --$o" || bad "the zsh completion has --$o"
	grep -q -- "-l $o " "$BUILD/man/stagec.fish" && ok "the fish completion has --$o" || bad "the fish completion has --$o"
done <"$tmp/options"

got=$(bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec init --package-m); COMP_CWORD=2; _stagec; echo \"\${COMPREPLY[*]}\"" 2>/dev/null)
[ "$got" = "--package-manager" ] && ok "bash -i completes --package-m" || bad "bash -i completes --package-m: '$got'"
got=$(bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec init --language ru); COMP_CWORD=3; _stagec; echo \"\${COMPREPLY[*]}\"" 2>/dev/null)
[ "$got" = "ruby rust" ] && ok "bash -i completes --language ru" || bad "bash -i completes --language ru: '$got'"
# the commands: those that `stagec --help`'s usage lines name
"$BUILD/stagec" --help | sed -n 's/^ *\(usage:\)\{0,1\} *stagec \([a-z][a-z]*\) .*/\2/p' | sort -u >"$tmp/commands"
[ "$(wc -l <"$tmp/commands")" -ge 4 ] && ok "stagec --help names the commands" || bad "stagec --help names the commands"
got=$(bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec ''); COMP_CWORD=1; _stagec; printf '%s\n' \"\${COMPREPLY[@]}\" | grep -v -- '^-' | grep -v '\\.yaml$' | sort" 2>/dev/null)
[ "$got" = "$(cat "$tmp/commands")" ] && ok "bash -i completes the commands" || bad "bash -i completes the commands: '$got'"
got=$(PATH="$BUILD:$PATH" bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec schema ''); COMP_CWORD=2; _stagec; echo \"\${COMPREPLY[*]}\"" 2>/dev/null)
[ "$got" = "app policy lock" ] && ok "bash -i completes schema's names" || bad "bash -i completes schema's names: '$got'"
# the languages: the built-in templates' (templates/*.yaml less the data files)
langs=$(for f in templates/*.yaml; do
	case ${f##*/} in bases.yaml | dockerignore.yaml | families.yaml | runtime-libs.yaml) ;; *) b=${f##*/} && echo "${b%.yaml}" ;; esac
done | tr '\n' ' ')
got=$(bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec init --language ''); COMP_CWORD=3; _stagec; echo \"\${COMPREPLY[*]}\"" 2>/dev/null)
[ "$got " = "$langs" ] && ok "bash -i completes every template's language" || bad "bash -i completes the languages: '$got', not '$langs'"
got=$(bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; complete -p stagec" 2>/dev/null)
[ "$got" = "complete -F _stagec stagec" ] && ok "the completion is registered" || bad "the completion is registered: '$got'"

# zsh and fish: the files parse, and fish completes (zsh needs a terminal to)
if command -v zsh >/dev/null; then
	zsh -n "$BUILD/man/_stagec" && ok "zsh -n _stagec" || bad "zsh -n _stagec"
else
	echo "ok - zsh is not installed: zsh -n skipped"
fi
if command -v fish >/dev/null; then
	got=$(fish --no-config -c "source '$BUILD/man/stagec.fish'; complete -C 'stagec init --package-m'" | cut -f1)
	[ "$got" = "--package-manager" ] && ok "fish completes --package-m" || bad "fish completes --package-m: '$got'"
	got=$(fish --no-config -c "source '$BUILD/man/stagec.fish'; complete -C 'stagec init --language ru'" | cut -f1 | tr '\n' ' ')
	[ "$got" = "ruby rust " ] && ok "fish completes --language ru" || bad "fish completes --language ru: '$got'"
else
	echo "ok - fish is not installed: its checks skipped"
fi

# stagec(1) and stagec-spec(5)
render() { # page, output
	if command -v man >/dev/null; then
		MANWIDTH=200 man -l "$1" 2>"$tmp/manerr" >"$2"
		grep -q "^NAME" "$2" && [ ! -s "$tmp/manerr" ] && ok "man -l renders ${1##*/}" ||
			{ bad "man -l renders ${1##*/}"; cat "$tmp/manerr"; }
	else
		cp "$1" "$2"
	fi
}
render "$BUILD/man/stagec.1" "$tmp/stagec.1.txt"
render "$BUILD/man/stagec-spec.5" "$tmp/spec.5.txt"
for c in "" all lock; do
	# shellcheck disable=SC2086 # "" is no argument: stagec's own --help
	"$BUILD/stagec" $c --help | grep -oE '^ +(-[a-zA-Z], )?--[a-zA-Z][-a-zA-Z]*' | sed 's/.*--//' >"$tmp/opts"
	[ -s "$tmp/opts" ] && ok "stagec${c:+ $c} --help lists options" || bad "stagec${c:+ $c} --help lists options"
	while read -r o; do
		grep -q -- "--$o" "$tmp/stagec.1.txt" && ok "stagec(1) has stagec${c:+ $c} --$o" || bad "stagec(1) has stagec${c:+ $c} --$o"
	done <"$tmp/opts"
done
grep -q "^COMMANDS" "$tmp/stagec.1.txt" && grep -q "^ *schema \[NAME\]" "$tmp/stagec.1.txt" &&
	ok "stagec(1) has the commands" || bad "stagec(1) has the commands"
awk '/^```/ { code = !code } !code && /^###? / { sub(/^#+ /, ""); gsub(/`/, ""); print }' specs/schema.md >"$tmp/headings"
[ "$(wc -l <"$tmp/headings")" -gt 10 ] && ok "schema.md has headings" || bad "schema.md has headings"
while read -r h; do
	grep -qxF -e "$h" -e "   $h" "$tmp/spec.5.txt" || { bad "stagec-spec(5) has the heading '$h'"; continue; }
	ok "stagec-spec(5) has the heading '$h'"
done <"$tmp/headings"
grep -oE '^\| `[a-z_.]+`' specs/schema.md | sed 's/^| `//; s/`$//' | sort -u >"$tmp/keys"
missing=$(while read -r k; do grep -qE "│ *$k +│" "$tmp/spec.5.txt" || echo "$k"; done <"$tmp/keys")
[ -s "$tmp/keys" ] && [ -z "$missing" ] && ok "stagec-spec(5) has the $(wc -l <"$tmp/keys") keys of schema.md's tables" ||
	bad "stagec-spec(5) lacks table keys: $missing"

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
