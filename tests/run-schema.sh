#!/bin/sh
# run-schema.sh - `stagec schema NAME` prints specs/NAME.schema.json byte for
# byte (the copy compiled in is the one in specs/), as JSON that python3
# reads; no name prints the app schema; an unknown name, an unknown option
# or two names are usage errors (exit 2) that list the names, and a failed
# write to stdout is an I/O error (exit 2).
# Usage: tests/run-schema.sh STAGEC   (from the repository root)
set -u
STAGEC=${1:?usage: run-schema.sh STAGEC}
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for n in app policy lock explain; do
	"$STAGEC" schema "$n" >"$tmp/$n.json" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && ok "schema $n: exit 0, quiet" || bad "schema $n: exit $rc"
	cmp -s "$tmp/$n.json" "specs/$n.schema.json" && ok "schema $n is specs/$n.schema.json" ||
		bad "schema $n is specs/$n.schema.json"
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/$n.json" &&
		ok "schema $n is JSON" || bad "schema $n is JSON"
done
"$STAGEC" schema >"$tmp/default.json"
cmp -s "$tmp/default.json" specs/app.schema.json && ok "no name: the app schema" || bad "no name: the app schema"

expect_usage() { # what, args...
	what=$1
	shift
	"$STAGEC" schema "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "the schemas are: app, policy, lock, explain" "$tmp/err" &&
		ok "$what: exit 2, the names listed" || { bad "$what: exit $rc"; cat "$tmp/err"; }
}
expect_usage "an unknown name" nosuch
expect_usage "a name with the suffix" app.schema.json
expect_usage "an unknown option" --nosuch
expect_usage "two names" app lock

"$STAGEC" schema --help >"$tmp/help" && grep -q "^usage: stagec schema \[app|policy|lock|explain\]" "$tmp/help" &&
	ok "--help" || bad "--help"
if [ -w /dev/full ]; then
	"$STAGEC" schema app >/dev/full 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] && grep -q "cannot write" "$tmp/err" && ok "a failed write: exit 2" || bad "a failed write: exit $rc"
fi

echo "schema: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
