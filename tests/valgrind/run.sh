#!/usr/bin/env bash
# run.sh - valgrind memcheck over stagec: no errors and no leaks.
#
#   tests/valgrind/run.sh [STAGEC]    (default build/stagec; run from anywhere)
#
# Runs, each under valgrind --leak-check=full --errors-for-leak-kinds=all
# --error-exitcode=99 (so even still-reachable memory counts, but for
# what ld.so keeps of the libraries libxml2 brings: dlopen.supp):
#   - every examples/*/app.yaml in both variants and both bases, with
#     --dump-ir, and with -o into a temporary folder (the four files must
#     be there);
#   - every tests/errors/*.yaml, from inside tests/errors, expecting exit
#     status 1 (or the number in NAME.status), and tests/errors/NAME/app.yaml
#     (but those that need a setup.sh; exit 1 or the number in app.status);
#   - every tests/cases/NAME/app.yaml with its options file (exit 1 when it
#     has expect-error).
# A test passes when stagec's exit status is the expected one and valgrind
# reports no error.  STAGEC must be a build without sanitizers.  Runs
# VALGRIND_JOBS tests at a time (default: the number of CPUs).  Prints
# "valgrind: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
STAGEC=${1:-build/stagec}
case $STAGEC in /*) ;; *) STAGEC=$ROOT/$STAGEC ;; esac
JOBS=${VALGRIND_JOBS:-$(nproc 2>/dev/null || echo 2)}

if ! command -v valgrind >/dev/null; then
	echo "valgrind: not installed (apt-get install valgrind)"
	echo "valgrind: 0 passed, 1 failed"
	exit 1
fi
if [ ! -x "$STAGEC" ]; then
	echo "valgrind: no stagec at $STAGEC"
	echo "valgrind: 0 passed, 1 failed"
	exit 1
fi
if nm -D "$STAGEC" 2>/dev/null | grep -q __asan_init; then
	echo "valgrind: $STAGEC is built with AddressSanitizer; give a plain build"
	echo "valgrind: 0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d /tmp/stagec-valgrind.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# One test: NAME EXPECTED-STATUS DIR ARGS...; writes $tmp/N.result.
n=0
run_one() {
	local id=$1 name=$2 want=$3 dir=$4
	shift 4
	local log=$tmp/$id.vg status problems=
	(cd "$dir" && valgrind --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
		--error-exitcode=99 --track-origins=yes --suppressions="$ROOT/tests/valgrind/dlopen.supp" --log-file="$log" \
		"$STAGEC" "$@" >"$tmp/$id.out" 2>"$tmp/$id.err")
	status=$?
	grep -q 'ERROR SUMMARY: 0 errors' "$log" || problems="$problems valgrind reported errors;"
	[ "$status" = 99 ] && problems="$problems valgrind exit status 99;"
	[ "$status" = "$want" ] || [ "$status" = 99 ] || problems="$problems exit status $status, not $want;"
	if [ -z "$problems" ]; then
		echo "ok - $name" >"$tmp/$id.result"
	else
		{
			echo "not ok - $name:$problems"
			grep -E -v '^==[0-9]+== ?$' "$log" | grep -E -A 12 '(Invalid|uninitialised|Conditional|definitely|indirectly|possibly|still reachable|Mismatched|overlap|ERROR SUMMARY)' |
				head -n 40 | sed 's/^/# /'
		} >"$tmp/$id.result"
	fi
}

start() { # NAME EXPECTED DIR ARGS...
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
	n=$((n + 1))
	run_one "$n" "$@" &
}

for spec in examples/*/app.yaml; do
	ex=$(basename "$(dirname "$spec")")
	start "$ex multi-stage" 0 "$ROOT" "$spec"
	start "$ex single-stage" 0 "$ROOT" --single-stage "$spec"
	deb=0 # 1: refused, the language has no debian base (tests/golden/<example>/debian.err)
	[ -f "tests/golden/$ex/debian.err" ] && deb=1
	start "$ex multi-stage debian" $deb "$ROOT" --base debian "$spec"
	start "$ex single-stage debian" $deb "$ROOT" --single-stage --base debian "$spec"
	start "$ex --dump-ir" 0 "$ROOT" --dump-ir "$spec"
	start "$ex --dump-ir=after:split" 0 "$ROOT" --dump-ir=after:split "$spec"
	mkdir -p "$tmp/o-$ex"
	start "$ex -o" 0 "$ROOT" -o "$tmp/o-$ex" "$spec"
done
for spec in tests/errors/*.yaml; do
	[ -f "$spec" ] || continue
	name=$(basename "$spec" .yaml)
	want=1
	[ -f "tests/errors/$name.status" ] && want=$(cat "tests/errors/$name.status")
	start "errors/$name" "$want" "$ROOT/tests/errors" "$name.yaml"
done
# the error cases with project files (tests/errors/NAME/app.yaml), and the
# golden cases: the project readers run on them
for spec in tests/errors/*/app.yaml; do
	name=${spec#tests/errors/}
	name=${name%/app.yaml}
	[ -f "$spec" ] && [ ! -L "tests/errors/$name" ] && [ ! -f "tests/errors/$name/setup.sh" ] || continue
	want=1
	[ -f "tests/errors/$name/app.status" ] && want=$(cat "tests/errors/$name/app.status")
	start "errors/$name" "$want" "$ROOT/tests/errors" "$name/app.yaml"
done
for spec in tests/cases/*/app.yaml; do
	[ -f "$spec" ] || continue
	name=$(basename "$(dirname "$spec")")
	want=0
	[ -f "tests/cases/$name/expect-error" ] && want=1
	opts=
	[ -f "tests/cases/$name/options" ] && opts=$(cat "tests/cases/$name/options")
	# shellcheck disable=SC2086
	start "cases/$name" "$want" "$ROOT" $opts "$spec"
done
wait

pass=0
fail=0
for i in $(seq 1 "$n"); do
	cat "$tmp/$i.result"
	if grep -q '^ok - ' "$tmp/$i.result"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
# -o wrote its four files (into a folder that is not the spec's)
for d in "$tmp"/o-*; do
	ex=${d##*/o-}
	if [ -s "$d/Dockerfile" ] && [ -s "$d/Dockerfile.single" ] && [ -s "$d/Dockerfile.dockerignore" ] &&
		[ -s "$d/Dockerfile.single.dockerignore" ]; then
		echo "ok - $ex -o wrote Dockerfile, Dockerfile.single and their .dockerignore files"
		pass=$((pass + 1))
	else
		echo "not ok - $ex -o did not write its four files"
		fail=$((fail + 1))
	fi
done
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
