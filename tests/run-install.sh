#!/bin/sh
# run-install.sh - what `meson install` puts in place for first contact: the
# binary, the man pages stagec(1) and stagec-init(1) and the bash, zsh and
# fish completions, all from the one option table of every command
# (`stagec --list-options`), the JSON Schemas of specs/
# (share/stagec/schemas/, what `stagec schema` prints), and stagec-spec(5),
# converted from specs/schema.md.  Checks that `meson introspect
# --installed` lists them, that the man pages render with `man -l`, that
# every row of the table (each option of each command) is in that command's
# --help, its man page, and the zsh and fish completions, that an
# interactive bash completes each of them (and a global option before the
# command, and --lock=VALUE), and that stagec-spec(5) has every heading and
# every table row's key of schema.md.
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

# every option of every command, from the one table (stagec --list-options)
"$BUILD/stagec" --list-options >"$tmp/table"
for c in stagec all init lock schema; do
	grep -qE "^([a-z]+,)*$c(,[a-z]+)*	" "$tmp/table" && ok "the option table has options of $c" || bad "the option table has options of $c"
done
# each command has each name once, and fewer options than getopt's table holds (CLI_MAX_OPTIONS 64)
awk -F'\t' '{ n = split($1, c, ","); for (i = 1; i <= n; i++) print c[i], $3 }' "$tmp/table" | sort >"$tmp/pairs"
dup=$(uniq -d "$tmp/pairs")
[ -z "$dup" ] && ok "no command has an option twice" || bad "options twice: $dup"
most=$(cut -d' ' -f1 "$tmp/pairs" | uniq -c | sort -n | tail -1 | awk '{ print $1 }')
[ "$most" -lt 62 ] && ok "at most $most options a command" || bad "$most options in one command: raise CLI_MAX_OPTIONS"
if command -v man >/dev/null; then
	MANWIDTH=200 man -l "$BUILD/man/stagec-init.1" 2>"$tmp/manerr" >"$tmp/man"
	grep -q "^NAME" "$tmp/man" && [ ! -s "$tmp/manerr" ] && ok "man -l renders stagec-init.1" || { bad "man -l renders stagec-init.1"; cat "$tmp/manerr"; }
	MANWIDTH=200 man -l "$BUILD/man/stagec.1" >"$tmp/man1" 2>/dev/null
else
	cp "$BUILD/man/stagec-init.1" "$tmp/man"
	cp "$BUILD/man/stagec.1" "$tmp/man1"
fi
# per row: --help, the man page (init's own, or stagec(1)), the zsh and fish files;
# an operand row (schema's NAME) is no option
while IFS='	' read -r cmds kind o _; do
	[ "$kind" = operand ] && continue
	for c in $(echo "$cmds" | tr , ' '); do
		sub=$c; [ "$c" = stagec ] && sub=
		# shellcheck disable=SC2086 # "" is no argument: stagec's own --help
		"$BUILD/stagec" $sub --help | grep -q -- "--$o\b" && ok "stagec${sub:+ $sub} --help has --$o" || bad "stagec${sub:+ $sub} --help has --$o"
		page=$tmp/man1; [ "$c" = init ] && page=$tmp/man
		grep -q -- "--$o" "$page" && ok "the man page of $c has --$o" || bad "the man page of $c has --$o"
		grep -qE -- "--$o(\[|\}|=)" "$BUILD/man/_stagec" && ok "the zsh completion has --$o" || bad "the zsh completion has --$o"
		grep -q -- "-l $o " "$BUILD/man/stagec.fish" && ok "the fish completion has --$o" || bad "the fish completion has --$o"
	done
done <"$tmp/table"
# the bash completion completes each row's flag for each of its commands, in one shell
bash --norc --noprofile -i -c ". '$BUILD/man/stagec'
	while IFS='	' read -r cmds kind o _; do
		[ \$kind = operand ] && continue
		for c in \$(echo \"\$cmds\" | tr , ' '); do
			if [ \$c = stagec ]; then COMP_WORDS=(stagec --\$o); COMP_CWORD=1
			else COMP_WORDS=(stagec \$c --\$o); COMP_CWORD=2; fi
			_stagec
			case \" \${COMPREPLY[*]} \" in *\" --\$o \"*) echo \"ok - bash completes \$c --\$o\" ;;
			*) echo \"not ok - bash completes \$c --\$o: '\${COMPREPLY[*]}'\" ;; esac
		done
	done <'$tmp/table'" 2>/dev/null >"$tmp/bashrows"
pass=$((pass + $(grep -c '^ok' "$tmp/bashrows"))); fail=$((fail + $(grep -c '^not ok' "$tmp/bashrows")))
grep '^not ok' "$tmp/bashrows"
[ -s "$tmp/bashrows" ] || bad "bash completes the table's flags: no output"
# global options before the command, and a glued --lock=VALUE
got=$(bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec --no-policy all --ch); COMP_CWORD=3; _stagec; echo \"\${COMPREPLY[*]}\"" 2>/dev/null)
[ "$got" = "--check --changed-files" ] && ok "bash -i completes all's options after a global one" || bad "bash -i completes 'stagec --no-policy all --ch': '$got'"
got=$(bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec all --lock = fr); COMP_CWORD=4; _stagec; echo \"\${COMPREPLY[*]}\"" 2>/dev/null)
[ "$got" = "frozen" ] && ok "bash -i completes --lock=fr" || bad "bash -i completes --lock=fr: '$got'"

got=$(bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec init --package-m); COMP_CWORD=2; _stagec; echo \"\${COMPREPLY[*]}\"" 2>/dev/null)
[ "$got" = "--package-manager" ] && ok "bash -i completes --package-m" || bad "bash -i completes --package-m: '$got'"
got=$(bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec init --language ru); COMP_CWORD=3; _stagec; echo \"\${COMPREPLY[*]}\"" 2>/dev/null)
[ "$got" = "ruby rust" ] && ok "bash -i completes --language ru" || bad "bash -i completes --language ru: '$got'"
# the commands: those that `stagec --help`'s usage lines name
"$BUILD/stagec" --help | sed -n 's/^ *\(usage:\)\{0,1\} *stagec \([a-z][a-z]*\) .*/\2/p' | sort -u >"$tmp/commands"
[ "$(wc -l <"$tmp/commands")" -ge 4 ] && ok "stagec --help names the commands" || bad "stagec --help names the commands"
got=$(bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec ''); COMP_CWORD=1; _stagec; printf '%s\n' \"\${COMPREPLY[@]}\" | grep -v -- '^-' | grep -v '\\.yaml$' | sort" 2>/dev/null)
[ "$got" = "$(cat "$tmp/commands")" ] && ok "bash -i completes the commands" || bad "bash -i completes the commands: '$got'"
# schema's names: the values of its NAME row, written into the completion (no stagec on PATH)
names=$(awk -F'\t' '$1 == "schema" && $2 == "operand" { print $6 }' "$tmp/table")
[ -n "$names" ] && ok "the option table has schema's NAME row" || bad "the option table has schema's NAME row"
got=$(bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec schema ''); COMP_CWORD=2; _stagec; echo \"\${COMPREPLY[*]}\"" 2>/dev/null)
[ "$got" = "$names" ] && ok "bash -i completes schema's names" || bad "bash -i completes schema's names: '$got', not '$names'"
for n in $names; do
	grep -q "One of: .*\b$n\b" "$tmp/man1" && ok "the man page names the schema $n" || bad "the man page names the schema $n"
	grep -q "schema.*(.*\b$n\b.*)" "$BUILD/man/_stagec" && ok "the zsh completion names the schema $n" ||
		bad "the zsh completion names the schema $n"
done
got=$(PATH="$BUILD:$PATH" bash --norc --noprofile -i -c ". '$BUILD/man/stagec'; COMP_WORDS=(stagec explain --js); COMP_CWORD=2; _stagec; echo \"\${COMPREPLY[*]}\"" 2>/dev/null)
[ "$got" = "--json" ] && ok "bash -i completes explain --js" || bad "bash -i completes explain --js: '$got'"
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
	got=$(fish --no-config -c "source '$BUILD/man/stagec.fish'; complete -C 'stagec schema '" | cut -f1 | tr '\n' ' ')
	[ "$got" = "app explain lock policy " ] && ok "fish completes schema's names" || bad "fish completes schema's names: '$got'"
	got=$(fish --no-config -c "source '$BUILD/man/stagec.fish'; complete -C 'stagec explain --no-p'" | cut -f1)
	[ "$got" = "--no-policy" ] && ok "fish completes explain --no-p" || bad "fish completes explain --no-p: '$got'"
	got=$(fish --no-config -c "source '$BUILD/man/stagec.fish'; complete -C 'stagec --no-policy all --ch'" | cut -f1 | tr '\n' ' ')
	[ "$got" = "--changed-files --check " ] && ok "fish completes all's options after a global one" || bad "fish completes 'stagec --no-policy all --ch': '$got'"
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
