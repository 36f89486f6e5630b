#!/bin/sh
# run-schema.sh - `stagec schema NAME` prints specs/NAME.schema.json byte for
# byte (the copy compiled in is the one in specs/), as JSON that python3
# reads; no name prints the app schema; an unknown name or two names are
# usage errors (exit 2) that list the names, an unknown option one that
# every command gives (cli_unknown_option), and a failed write to stdout is
# an I/O error (exit 2).  The names are the option table's: the values of
# schema's NAME row (stagec --list-options), which --help shows.
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
expect_usage "two names" app lock
"$STAGEC" schema --nosuch >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "stagec: error: unknown option '--nosuch'
Try 'stagec schema --help'." ] && ok "an unknown option: exit 2, as every command says it" ||
	{ bad "an unknown option: exit $rc"; cat "$tmp/err"; }
"$STAGEC" schema --json app >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "'--json' is not an option of 'stagec schema' (only of: stagec explain)" "$tmp/err" &&
	ok "another command's option: exit 2, whose it is" || { bad "another command's option: exit $rc"; cat "$tmp/err"; }

# the names: the option table's NAME row of schema, each one that prints its file
names=$("$STAGEC" --list-options | awk -F'\t' '$1 == "schema" && $2 == "operand" && $3 == "NAME" { print $6 }')
[ "$names" = "app policy lock explain" ] && ok "the table's NAME row offers the schemas" ||
	bad "the table's NAME row offers '$names'"
for n in $names; do
	"$STAGEC" schema "$n" | cmp -s - "specs/$n.schema.json" && ok "the table's $n prints specs/$n.schema.json" ||
		bad "the table's $n prints specs/$n.schema.json"
done
"$STAGEC" schema --help >"$tmp/help"
grep -q "^  NAME  .*the schema to print" "$tmp/help" && grep -q "one of: $(echo $names | sed 's/ /, /g')\$" "$tmp/help" &&
	ok "--help shows NAME and its values from the table" || { bad "--help shows NAME"; cat "$tmp/help"; }
"$STAGEC" schema --list-options | cut -f1 | grep -qx NAME && bad "schema --list-options lists only options" ||
	ok "schema --list-options lists only options"

"$STAGEC" schema --help >"$tmp/help" && grep -q "^usage: stagec schema \[app|policy|lock|explain\]" "$tmp/help" &&
	ok "--help" || bad "--help"
if [ -w /dev/full ]; then
	"$STAGEC" schema app >/dev/full 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] && grep -q "cannot write" "$tmp/err" && ok "a failed write: exit 2" || bad "a failed write: exit $rc"
fi

echo "schema: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
