#!/bin/sh
# run-errors.sh STAGEC - golden tests for the errors stagec reports.
#
# Each case in tests/errors is NAME.yaml (a broken spec) and NAME.err (the
# exact stderr expected).  From inside tests/errors the driver runs
#   STAGEC NAME.yaml >stdout 2>actual
# and wants exit status 1 (or the number in NAME.status), stderr identical
# to NAME.err and nothing on stdout.  REGEN=1 rewrites the .err files from
# what stagec prints: review them with `git diff` before committing.
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 STAGEC" >&2
	exit 2
fi
case $1 in
/*) stagec=$1 ;;
*) stagec=$(pwd)/$1 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/errors" || exit 2

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
for spec in *.yaml; do
	[ -e "$spec" ] || continue
	name=${spec%.yaml}
	want_status=1
	[ -f "$name.status" ] && want_status=$(cat "$name.status")
	"$stagec" "$spec" >"$tmp/stdout" 2>"$tmp/actual"
	status=$?
	if [ "${REGEN:-0}" = 1 ]; then
		cp "$tmp/actual" "$name.err"
	fi
	problems=
	[ "$status" = "$want_status" ] || problems="$problems exit status $status, not $want_status;"
	[ -s "$tmp/stdout" ] && problems="$problems output on stdout;"
	if [ ! -f "$name.err" ]; then
		problems="$problems no $name.err;"
	elif ! cmp -s "$name.err" "$tmp/actual"; then
		problems="$problems stderr differs;"
	fi
	if [ -z "$problems" ]; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name:$problems"
		[ -f "$name.err" ] && diff -u "$name.err" "$tmp/actual" | sed 's/^/# /'
		[ -s "$tmp/stdout" ] && head -n 5 "$tmp/stdout" | sed 's/^/# stdout: /'
		failed=$((failed + 1))
	fi
done

echo "errors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
