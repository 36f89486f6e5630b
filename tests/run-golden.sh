#!/bin/sh
# run-golden.sh - golden tests for everything stagec emits.
#
# For every examples/*/app.yaml, compiles the six variants (multi-stage and
# single-stage; official, debian and alpine bases) and the final IR dump,
# and for the flask example the IR after each pass.  The official base's
# files are compared with the ones the example carries beside its spec
# (examples/X/Dockerfile, Dockerfile.single, .dockerignore: what
# `stagec all examples/` writes, committed as a user's repository would);
# the rest with the files under tests/golden/<example>/.  An example whose language has no
# flavour for a base has, instead of its two Dockerfiles, <base>.err: the
# error.  Then the cases under tests/cases/ (see below).  Also checks that compiling twice gives
# byte-identical output and that -o writes the same files (into another
# folder: Dockerfile.dockerignore and Dockerfile.single.dockerignore).
# --no-comments: golden files for a few examples (Dockerfile.no-comments),
# and for every example that it drops the comments and nothing else.
# REGEN=1 rewrites the golden files (review them with git diff).
# Usage: tests/run-golden.sh path/to/stagec   (run from the repository root)
set -u
STAGEC=${1:?usage: run-golden.sh STAGEC}
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # name golden-file actual-file
	if [ "${REGEN:-}" = 1 ]; then
		mkdir -p "$(dirname "$2")"
		cp "$3" "$2"
	fi
	if [ -f "$2" ] && cmp -s "$2" "$3"; then
		echo "ok - $1"
		pass=$((pass + 1))
	else
		echo "not ok - $1"
		if [ -f "$2" ]; then diff -u "$2" "$3" | head -40; else echo "  missing golden file $2"; fi
		fail=$((fail + 1))
	fi
}

run() { # name golden args...
	name=$1 golden=$2
	shift 2
	if "$STAGEC" "$@" >"$tmp/out" 2>"$tmp/err"; then
		check "$name" "$golden" "$tmp/out"
		"$STAGEC" "$@" >"$tmp/again" 2>/dev/null
		if cmp -s "$tmp/out" "$tmp/again"; then
			pass=$((pass + 1)); echo "ok - $name is deterministic"
		else
			fail=$((fail + 1)); echo "not ok - $name is deterministic"
		fi
	else
		echo "not ok - $name: stagec failed"; sed 's/^/  /' "$tmp/err"
		fail=$((fail + 1))
	fi
}

# A base a language's template has no flavour for (.NET on debian), or
# whose images cannot run what the spec builds (cgo on Alpine with a
# glibc run image): stagec must refuse it with exit status 1 and the text
# in <example>/<base>.err.
no_base() { # golden-dir spec base
	[ -f "$1/$3.err" ] && return 0
	[ "${REGEN:-}" = 1 ] && { "$STAGEC" --base "$3" "$2" >/dev/null 2>&1; [ $? = 1 ]; }
}

refused() { # name golden args...
	name=$1 golden=$2
	shift 2
	"$STAGEC" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" = 1 ] && [ ! -s "$tmp/out" ]; then
		check "$name refused" "$golden" "$tmp/err"
	else
		echo "not ok - $name refused: exit status $status, not 1"
		fail=$((fail + 1))
	fi
}

for spec in examples/*/app.yaml; do
	ex=$(basename "$(dirname "$spec")")
	g=tests/golden/$ex
	e=$(dirname "$spec")
	run "$ex multi-stage" "$e/Dockerfile" "$spec"
	run "$ex single-stage" "$e/Dockerfile.single" --single-stage "$spec"
	for base in debian alpine; do
		if no_base "$g" "$spec" $base; then
			refused "$ex multi-stage $base" "$g/$base.err" --base $base "$spec"
			refused "$ex single-stage $base" "$g/$base.err" --single-stage --base $base "$spec"
		else
			run "$ex multi-stage $base" "$g/Dockerfile.$base" --base $base "$spec"
			run "$ex single-stage $base" "$g/Dockerfile.$base.single" --single-stage --base $base "$spec"
		fi
	done
	run "$ex ir" "$g/ir.txt" --dump-ir "$spec"
	mkdir -p "$tmp/o-$ex"
	if "$STAGEC" -o "$tmp/o-$ex" "$spec" 2>"$tmp/err" &&
		cmp -s "$tmp/o-$ex/Dockerfile" "$e/Dockerfile" &&
		cmp -s "$tmp/o-$ex/Dockerfile.single" "$e/Dockerfile.single"; then
		# outside the spec's folder the ignore files go beside the Dockerfiles;
		# the single-stage one's line 2 says so, and nothing else differs
		check "$ex -o Dockerfile.dockerignore" "$e/.dockerignore" "$tmp/o-$ex/Dockerfile.dockerignore"
		sed '2s/ options=multi / options=single /' "$e/.dockerignore" >"$tmp/single-ignore"
		[ "${REGEN:-}" = 1 ] || check "$ex -o Dockerfile.single.dockerignore" "$tmp/single-ignore" \
			"$tmp/o-$ex/Dockerfile.single.dockerignore"
	else
		echo "not ok - $ex -o writes the same Dockerfiles"; cat "$tmp/err"
		fail=$((fail + 1))
	fi
done

# --no-comments: for a few examples, golden files of both variants; for
# every example and variant, the same text as with comments but for the
# comment lines after the header, and line 2 saying no-comments.
uncommented() { # the text after line 2, without the comments that follow the first blank line
	sed '1,2d' "$1" | awk 'body && /^# / { next } /^$/ { body = 1 } { print }'
}
for ex in flask go node-ts; do
	run "$ex multi-stage --no-comments" "tests/golden/$ex/Dockerfile.no-comments" --no-comments "examples/$ex/app.yaml"
	run "$ex single-stage --no-comments" "tests/golden/$ex/Dockerfile.single.no-comments" --no-comments \
		--single-stage "examples/$ex/app.yaml"
done
for spec in examples/*/app.yaml; do
	ex=$(basename "$(dirname "$spec")")
	for variant in "" --single-stage "--base debian" "--single-stage --base debian"; do
		# shellcheck disable=SC2086
		"$STAGEC" $variant "$spec" >"$tmp/with" 2>/dev/null || continue # a base the language lacks
		# shellcheck disable=SC2086
		"$STAGEC" --no-comments $variant "$spec" >"$tmp/without" 2>/dev/null
		name="$ex ${variant:-(multi-stage)} --no-comments drops the comments and nothing else"
		if [ "$(uncommented "$tmp/with")" = "$(sed '1,2d' "$tmp/without")" ] &&
			sed -n 2p "$tmp/without" | grep -q ' options=[a-z=,]*,no-comments ' &&
			! sed -n 2p "$tmp/with" | grep -q 'no-comments' &&
			[ "$(grep -c '^# ' "$tmp/with")" -gt "$(grep -c '^# ' "$tmp/without")" ]; then
			pass=$((pass + 1)); echo "ok - $name"
		else
			fail=$((fail + 1)); echo "not ok - $name"
			uncommented "$tmp/with" >"$tmp/with-body"
			sed '1,2d' "$tmp/without" | diff "$tmp/with-body" - | head -10
		fi
	done
done

# tests/cases/NAME/: a spec and the project files it needs, for what the
# examples do not show (families, versions, run keys).  Both variants are
# compared with tests/golden/case-NAME/, and so is what stagec says on
# stderr (warnings); an optional file `options` holds extra options, and
# a case with a file `expect-error` must be refused with the text in
# tests/golden/case-NAME/stderr.
# A case may hold its spec deeper (a workspace member with context:):
# tests/cases/ws/apps/web/app.yaml is case ws-apps-web.
for spec in $(find tests/cases -name app.yaml | LC_ALL=C sort); do
	[ -f "$spec" ] || continue
	dir=$(dirname "$spec")
	c=$(echo "${dir#tests/cases/}" | tr / -)
	g=tests/golden/case-$c
	opts=
	[ -f "$dir/options" ] && opts=$(cat "$dir/options")
	if [ -f "$dir/expect-error" ]; then # refused, with this text
		# shellcheck disable=SC2086
		refused "case $c" "$g/stderr" $opts "$spec"
		continue
	fi
	# shellcheck disable=SC2086
	run "case $c multi-stage" "$g/Dockerfile" $opts "$spec"
	"$STAGEC" $opts "$spec" 2>"$tmp/warn" >/dev/null
	check "case $c warnings" "$g/stderr" "$tmp/warn"
	# shellcheck disable=SC2086
	run "case $c single-stage" "$g/Dockerfile.single" --single-stage $opts "$spec"
done
# python-cext without dependencies.manifest reads requirements.txt and
# copies ./vendor/fastgreet itself: the same Dockerfile as the example,
# which names vendor/ by hand, but for the header and that one COPY line
# (and the install's comment, which names what it reads).
strip_cext() { grep -v -e '^# Spec:' -e '^# stagec-inputs:' -e '^COPY vendor/' -e '^# install the python' "$1"; }
if [ "$(strip_cext tests/golden/case-python-cext-implicit/Dockerfile)" = "$(strip_cext examples/python-cext/Dockerfile)" ] &&
	grep -q '^COPY vendor/fastgreet/ ./vendor/fastgreet/$' tests/golden/case-python-cext-implicit/Dockerfile; then
	pass=$((pass + 1)); echo "ok - python-cext needs no manifest list for its local package"
else
	fail=$((fail + 1)); echo "not ok - python-cext needs no manifest list for its local package"
fi

# the passes as the binary names them (the option table's values of
# --dump-ir, which --help prints too), so this list is never retyped
passes=$("$STAGEC" --list-options | awk -F'\t' '$3 == "dump-ir" { print $6 }')
if [ -z "$passes" ]; then
	echo "not ok - stagec --list-options names the passes"; fail=$((fail + 1))
fi
for p in $passes; do
	run "flask ir after $p" "tests/golden/flask/ir-after-$p.txt" --dump-ir=after:$p examples/flask/app.yaml
done

echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
