#!/bin/sh
# run-policy.sh POLICY_RUN - golden tests for the organisation policy.
#
# Each case is a folder tests/policy/NAME with an app.yaml, the project
# files its language needs, a .stagec/policy.yaml (and any policy files
# it extends), and the expected results: expected.out (stdout: the policy
# chain, one line per rule result, the Dockerfile), expected.err (the
# exact diagnostics) and expected.status (default 0).  An optional file
# `env` holds VAR=value lines set for the run (SOURCE_DATE_EPOCH pins
# "today" for expiring exceptions); an optional file `args` holds extra
# arguments.  The driver runs, from inside the case folder,
#   POLICY_RUN [ARGS] app.yaml
# which finds the policy the way every stagec command does.  REGEN=1
# rewrites the expected files: review them with `git diff`.
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 POLICY_RUN" >&2
	exit 2
fi
case $1 in
/*) run=$1 ;;
*) run=$(pwd)/$1 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
for dir in "$here"/policy/*/; do
	[ -f "$dir/app.yaml" ] || continue
	name=$(basename "$dir")
	want_status=0
	[ -f "$dir/expected.status" ] && want_status=$(cat "$dir/expected.status")
	args=
	[ -f "$dir/args" ] && args=$(cat "$dir/args")
	(
		cd "$dir" || exit 2
		unset STAGEC_POLICY SOURCE_DATE_EPOCH
		SOURCE_DATE_EPOCH=1790000000 # 2026-09-21: a fixed today for every case
		export SOURCE_DATE_EPOCH
		if [ -f env ]; then
			while IFS= read -r line; do
				case $line in '' | '#'*) continue ;; esac
				export "${line?}"
			done <env
		fi
		# shellcheck disable=SC2086
		exec "$run" $args app.yaml
	) >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "${REGEN:-0}" = 1 ]; then
		cp "$tmp/out" "$dir/expected.out"
		cp "$tmp/err" "$dir/expected.err"
	fi
	problems=
	[ "$status" = "$want_status" ] || problems="$problems exit status $status, not $want_status;"
	for f in out err; do
		if [ ! -f "$dir/expected.$f" ]; then
			problems="$problems no expected.$f;"
		elif ! cmp -s "$dir/expected.$f" "$tmp/$f"; then
			problems="$problems $f differs;"
			diff -u "$dir/expected.$f" "$tmp/$f" | sed 's/^/# /'
		fi
	done
	if [ -z "$problems" ]; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name:$problems"
		failed=$((failed + 1))
	fi
done

echo "policy: $passed passed, $failed failed"
[ "$passed" -gt 0 ] && [ "$failed" -eq 0 ]
