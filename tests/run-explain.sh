#!/bin/sh
# run-explain.sh STAGEC - golden tests for `stagec explain`.
#
# Each case is a folder tests/explain/NAME holding `args`: the arguments
# after `stagec explain`, run from the repository's root (a spec of
# examples/, or one in the case folder with its own .stagec/policy.yaml),
# and the expected results of the text run and of the --json run:
# expected.txt and expected.json (stdout), expected.err (stderr, the same
# for both runs) and expected.status (default 0).  A spec with errors
# must print nothing on stdout.  REGEN=1 rewrites the expected files:
# review them with `git diff`.  tests/explain/check-schema.py validates
# the JSON files against specs/explain.schema.json.
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
root=$(cd "$here/.." && pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
for dir in "$here"/explain/*/; do
	[ -f "$dir/args" ] || continue
	name=$(basename "$dir")
	want_status=0
	[ -f "$dir/expected.status" ] && want_status=$(cat "$dir/expected.status")
	args=$(cat "$dir/args")
	problems=
	for form in txt json; do
		flag=
		[ "$form" = json ] && flag=--json
		(
			cd "$root" || exit 2
			unset STAGEC_POLICY SOURCE_DATE_EPOCH
			SOURCE_DATE_EPOCH=1790000000
			export SOURCE_DATE_EPOCH
			# shellcheck disable=SC2086
			exec "$stagec" explain $flag $args
		) >"$tmp/out" 2>"$tmp/err"
		status=$?
		if [ "${REGEN:-0}" = 1 ]; then
			if [ "$want_status" = 0 ]; then cp "$tmp/out" "$dir/expected.$form"; fi
			cp "$tmp/err" "$dir/expected.err"
		fi
		[ "$status" = "$want_status" ] || problems="$problems $form: exit status $status, not $want_status;"
		if [ "$want_status" = 0 ]; then
			cmp -s "$tmp/out" "$dir/expected.$form" ||
				problems="$problems $form: stdout differs from expected.$form;"
		elif [ -s "$tmp/out" ]; then
			problems="$problems $form: a failing run printed on stdout;"
		fi
		cmp -s "$tmp/err" "$dir/expected.err" || problems="$problems $form: stderr differs from expected.err;"
	done
	if [ -z "$problems" ]; then
		passed=$((passed + 1))
		echo "ok - $name"
	else
		failed=$((failed + 1))
		echo "not ok - $name:$problems"
	fi
done
echo "explain: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
