#!/bin/sh
# run-errors.sh STAGEC - golden tests for the errors stagec reports.
#
# Each case in tests/errors is NAME.yaml (a broken spec) and NAME.err (the
# exact stderr expected).  From inside tests/errors the driver runs
#   STAGEC NAME.yaml >stdout 2>actual
# and wants exit status 1 (or the number in NAME.status), stderr identical
# to NAME.err and nothing on stdout.  REGEN=1 rewrites the .err files from
# what stagec prints: review them with `git diff` before committing.
# A case that needs project files beside its spec is a folder instead:
# NAME/app.yaml, NAME/app.err (and NAME/app.status), run as
#   STAGEC NAME/app.yaml
# When NAME/setup.sh exists, the folder is copied to a scratch folder and
# setup.sh runs there first (it makes what git cannot hold, such as a
# FIFO); stagec then runs in the scratch copy with the same relative path.
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

# check NAME SPEC ERR STATUSFILE DIR: runs STAGEC SPEC inside DIR
check() {
	name=$1 spec=$2 err=$3 statusfile=$4 dir=$5
	want_status=1
	[ -f "$statusfile" ] && want_status=$(cat "$statusfile")
	(cd "$dir" && "$stagec" "$spec") >"$tmp/stdout" 2>"$tmp/actual"
	status=$?
	if [ "${REGEN:-0}" = 1 ]; then
		cp "$tmp/actual" "$err"
	fi
	problems=
	[ "$status" = "$want_status" ] || problems="$problems exit status $status, not $want_status;"
	[ -s "$tmp/stdout" ] && problems="$problems output on stdout;"
	if [ ! -f "$err" ]; then
		problems="$problems no $err;"
	elif ! cmp -s "$err" "$tmp/actual"; then
		problems="$problems stderr differs;"
	fi
	if [ -z "$problems" ]; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name:$problems"
		[ -f "$err" ] && diff -u "$err" "$tmp/actual" | sed 's/^/# /'
		[ -s "$tmp/stdout" ] && head -n 5 "$tmp/stdout" | sed 's/^/# stdout: /'
		failed=$((failed + 1))
	fi
}

for spec in *.yaml; do
	[ -e "$spec" ] || continue
	name=${spec%.yaml}
	check "$name" "$spec" "$name.err" "$name.status" .
done

for spec in */app.yaml; do
	name=${spec%/app.yaml}
	[ -f "$spec" ] && [ ! -L "$name" ] || continue
	dir=.
	if [ -f "$name/setup.sh" ]; then
		dir=$tmp/cases
		rm -rf "$dir" && mkdir -p "$dir" && cp -R "$name" "$dir/" &&
			(cd "$dir/$name" && sh ./setup.sh) || {
			echo "not ok - $name: setup.sh failed"
			failed=$((failed + 1))
			continue
		}
	fi
	check "$name" "$spec" "$here/errors/$name/app.err" "$name/app.status" "$dir"
done

echo "errors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
