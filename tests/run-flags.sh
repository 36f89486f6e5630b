#!/bin/sh
# run-flags.sh STAGEC - every flag stagec writes is in specs/emitted-flags.txt,
# the one list of them that the fuzz target, the fuzz regressions and the
# injection check read.  So a flag new in compiler/emit.c fails here until
# the list has it (and those checkers with it).
#
# Checks, with tests/flags.awk: every examples/*/app.yaml compiled in both
# variants and on each base (a base the language lacks may refuse: exit 1),
# and every Dockerfile of tests/golden (what run-golden.sh pins as stagec's
# output for each case).  First, that the checker refuses flags stagec does
# not write, on their own line or on a continuation line, so that this test
# can fail.  Run from the repository's root.
set -u
if [ $# -ne 1 ]; then
	echo "usage: $0 STAGEC" >&2
	exit 2
fi
STAGEC=$1
LIST=specs/emitted-flags.txt
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
check() { awk -v flags="$LIST" -f tests/flags.awk "$1"; }

# the checker refuses what stagec does not write
refuse() { # what, Dockerfile text
	printf '%s\n' "$2" >"$tmp/refuse"
	check "$tmp/refuse" >"$tmp/why" 2>&1
	rc=$?
	[ "$rc" -eq 1 ] && ok "refuses $1: $(cat "$tmp/why")" || bad "refuses $1: exit $rc"
}
refuse "a RUN flag" 'FROM x
RUN --network=host true'
refuse "a bind mount on a continuation line" 'FROM x
RUN --mount=type=cache,target=/a \
    --mount=type=bind,target=/b \
    true'
refuse "a cache mount with a field of its own" 'FROM x
RUN --mount=type=cache,target=/a,uid=0 true'
refuse "COPY --chown" 'FROM x
COPY --from=builder --chown=1:1 a b'
refuse "another platform" 'FROM --platform=linux/amd64 x AS builder'
refuse "a lowercase keyword's flag" 'from x
copy --link a b'
printf 'FROM x\nRUN echo --not-a-flag \\\n    --nor-this\n' >"$tmp/accept"
check "$tmp/accept" && ok "a word after the command is no flag" || bad "a word after the command is no flag"

# every example, both variants, each base
for spec in examples/*/app.yaml; do
	for variant in "" "--single-stage" "--base debian" "--base alpine" "--base debian --single-stage"; do
		# shellcheck disable=SC2086
		"$STAGEC" $variant "$spec" >"$tmp/Dockerfile" 2>"$tmp/err"
		rc=$?
		name="$spec${variant:+ $variant}"
		if [ "$rc" -eq 1 ] && [ -n "$variant" ] && [ "${variant#--single-stage}" = "$variant" ]; then
			ok "$name: refused ($(head -c 80 "$tmp/err" | head -n 1))"
			continue
		fi
		if [ "$rc" -ne 0 ]; then
			bad "$name: exit $rc"
			head -n 5 "$tmp/err"
			continue
		fi
		check "$tmp/Dockerfile" >"$tmp/why" 2>&1 && ok "$name" || bad "$name: $(cat "$tmp/why")"
	done
done

# every golden Dockerfile
n=0
for f in $(find tests/golden -type f -name 'Dockerfile*' | sort); do
	n=$((n + 1))
	check "$f" >"$tmp/why" 2>&1 || bad "$f: $(cat "$tmp/why")"
done
[ "$n" -gt 100 ] && ok "$n golden Dockerfiles checked" || bad "only $n golden Dockerfiles found"

echo "flags: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
