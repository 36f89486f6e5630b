#!/usr/bin/env bash
# run-regressions.sh - replays every input the fuzzer ever crashed on.
#
#   tests/fuzz/run-regressions.sh [STAGEC]    (default build/stagec)
#
# Each file in tests/fuzz/regressions/ goes through
#   - the fuzz target (build-fuzz/fuzz_compile FILE: ASan, UBSan and the
#     target's invariants), built by build.sh when it is missing;
#   - the normal stagec binary, as app.yaml in a folder laid out like the
#     fuzz target's build context, in both variants, both bases and with
#     --dump-ir: the exit status must be 0 or 1 (never a crash or 2), and
#     every line of an emitted Dockerfile must be empty, a comment, an
#     instruction stagec emits, or an indented continuation of the line
#     before (which ended with a backslash as Docker reads it: '\' then
#     only blanks) that is neither blank nor a comment; and every flag is
#     one that specs/emitted-flags.txt lists (tests/flags.awk), the list
#     fuzz_compile.c checks against too.
# Prints "fuzz-regressions: N passed, N failed", one test per file.
# FUZZ_OUT=DIR takes the fuzz target from DIR instead of build-fuzz.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
STAGEC=${1:-build/stagec}
case $STAGEC in /*) ;; *) STAGEC=$ROOT/$STAGEC ;; esac
OUT=${FUZZ_OUT:-$ROOT/build-fuzz}
BIN=$OUT/fuzz_compile
pass=0
fail=0

if [ ! -x "$STAGEC" ]; then
	echo "fuzz-regressions: no stagec at $STAGEC"
	echo "fuzz-regressions: 0 passed, 1 failed"
	exit 1
fi
if [ ! -x "$BIN" ] || [ "${FUZZ_REBUILD:-0}" = 1 ]; then
	bash tests/fuzz/build.sh "$OUT" >/dev/null || {
		echo "fuzz-regressions: could not build the fuzz target"
		echo "fuzz-regressions: 0 passed, 1 failed"
		exit 1
	}
fi

ctx=$(mktemp -d /tmp/stagec-fuzz-regress.XXXXXX)
trap 'rm -rf "$ctx"' EXIT
# The fuzz target's first build context (fuzz_compile.c, make_context).
mkdir -p "$ctx/lib" "$ctx/vendor" "$ctx/src"
for f in requirements.txt package.json go.mod Cargo.toml Gemfile app.csproj composer.json pom.xml \
	CMakeLists.txt build.gradle main.c index.html; do
	printf '\n' >"$ctx/$f"
done
printf 'flask==3.0.0\n' >"$ctx/requirements.txt"
printf '{"name": "app", "version": "1.0.0"}\n' >"$ctx/package.json"
printf '{"lockfileVersion": 3}\n' >"$ctx/package-lock.json"
printf 'module example.com/app\n\ngo 1.19\n' >"$ctx/go.mod"
: >"$ctx/go.sum"
printf "print('hi')\n" >"$ctx/app.py"
printf 'package main\n\nfunc main() {}\n' >"$ctx/main.go"
printf "console.log('hi')\n" >"$ctx/server.js"
printf 'module.exports = 1\n' >"$ctx/lib/index.js"
printf '\n' >"$ctx/vendor/setup.py"
printf '\n' >"$ctx/src/app.py"
printf 'requests\n' >"$ctx/src/requirements.txt"
printf '{}\n' >"$ctx/src/package.json"
printf 'module example.com/app\n' >"$ctx/src/go.mod"
ln -s /etc "$ctx/outside"

# The Dockerfile's lines, as fuzz_compile.c checks them: the layout, then
# the flags (specs/emitted-flags.txt, the fuzz target's list).
check_lines() {
	cat >"$ctx/dockerfile" || return 1
	awk '
	BEGIN { cont = 0; bad = 0 }
	{
		if (cont) {
			if ($0 ~ /^[ \t]*$/ || $0 ~ /^[ \t]*#/ || $0 !~ /^[ \t]/) { bad = NR; exit }
		} else if ($0 == "" || $0 ~ /^#/) {
			next
		} else if ($0 !~ /^(FROM|RUN|COPY|ENV|WORKDIR|USER|EXPOSE|HEALTHCHECK|CMD|ENTRYPOINT|LABEL|ARG) /) {
			bad = NR; exit
		}
		cont = ($0 ~ /\\[ \t]*$/)
	}
	END {
		if (!bad && cont) bad = NR
		if (bad) { printf "line %d breaks the Dockerfile layout\n", bad; exit 1 }
	}' "$ctx/dockerfile" && awk -v flags="$ROOT/specs/emitted-flags.txt" -f "$ROOT/tests/flags.awk" "$ctx/dockerfile"
}

replay_cli() { # file
	local variant status
	cp "$1" "$ctx/app.yaml"
	for variant in "" "--single-stage" "--base debian" "--base official --single-stage" "--dump-ir" \
		"--dump-ir=after:split --base debian"; do
		# shellcheck disable=SC2086
		"$STAGEC" $variant "$ctx/app.yaml" >"$ctx/out" 2>"$ctx/err"
		status=$?
		if [ "$status" -gt 1 ]; then
			echo "  stagec $variant: exit $status"
			head -n 20 "$ctx/err" | sed 's/^/    /'
			return 1
		fi
		if [ "$status" -eq 0 ] && [ "${variant#--dump-ir}" = "$variant" ] && ! check_lines <"$ctx/out" >"$ctx/why"; then
			echo "  stagec $variant: $(cat "$ctx/why")"
			return 1
		fi
	done
}

for f in tests/fuzz/regressions/*; do
	[ -f "$f" ] || continue
	ok=1
	if ! "$BIN" "$f" >"$ctx/fuzz.log" 2>&1; then
		echo "  fuzz_compile: crashed"
		grep -E -A 12 'ERROR|broken invariant|runtime error' "$ctx/fuzz.log" | head -n 30 | sed 's/^/    /'
		ok=0
	fi
	replay_cli "$f" || ok=0
	if [ $ok = 1 ]; then
		echo "PASS $f"
		pass=$((pass + 1))
	else
		echo "FAIL $f"
		fail=$((fail + 1))
	fi
done
echo "fuzz-regressions: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
