#!/bin/sh
# selftest.sh: tests of the Dockerfile checker itself, so it cannot silently
# pass everything. Every cases/good/*.Dockerfile must pass check.js alone;
# every cases/bad/*.Dockerfile must fail, and its leading `# expect: TEXT`
# lines say what: each TEXT must appear in the output, and the number of
# problems reported must equal the number of expect lines (so a bad case
# that trips an unrelated rule is caught too). It also checks that every
# rule is exercised by some bad case, a real top-of-file `# syntax=`
# directive, a mixed multi-file run, bad usage, a missing file, and that
# instructions.js prints cases/good/NAME.instructions for NAME.Dockerfile.
# Prints `lint-selftest: N passed, N failed` last; exits 1 on any failure.
# Assumes: POSIX sh, node on PATH, and `npm ci --prefix tests/lint` done.
set -u
cd "$(dirname "$0")" || exit 1

pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); echo "ok   $1"; }
no() {
    fail=$((fail + 1)); echo "FAIL $1"
    if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/     | /'; fi
}

if [ ! -d node_modules/dockerfile-utils ] || [ ! -d node_modules/dockerfile-ast ]; then
    no "dependencies installed" "run: npm ci --prefix tests/lint"
    echo "lint-selftest: $pass passed, $fail failed"
    exit 1
fi

# good cases pass, one at a time
for f in cases/good/*.Dockerfile; do
    out=$(node check.js "$f" 2>&1); rc=$?
    last=$(printf '%s\n' "$out" | tail -n 1)
    if [ "$rc" -eq 0 ] && [ "$last" = "lint: 1 passed, 0 failed" ]; then
        ok "good $f"
    else
        no "good $f (exit $rc)" "$out"
    fi
done

# bad cases fail with exactly the expected problems
: > "$tmp/all-bad-output"
for f in cases/bad/*.Dockerfile; do
    out=$(node check.js "$f" 2>&1); rc=$?
    printf '%s\n' "$out" >> "$tmp/all-bad-output"
    sed -n 's/^# expect: //p' "$f" > "$tmp/expect"
    want=$(wc -l < "$tmp/expect")
    got=$(printf '%s\n' "$out" | grep "^$f:[0-9]*:[0-9]*: " | grep -c -v "^$f:[0-9]*:[0-9]*: note: ")
    last=$(printf '%s\n' "$out" | tail -n 1)
    why=""
    [ "$want" -gt 0 ] || why="no '# expect:' line in the case; "
    [ "$rc" -eq 1 ] || why="${why}exit $rc, not 1; "
    [ "$last" = "lint: 0 passed, 1 failed" ] || why="${why}last line is '$last'; "
    [ "$got" -eq "$want" ] || why="${why}$got problem(s) reported, $want expected; "
    while IFS= read -r e; do
        printf '%s\n' "$out" | grep -F -q -- "$e" || why="${why}missing '$e'; "
    done < "$tmp/expect"
    if [ -z "$why" ]; then ok "bad $f"; else no "bad $f: $why" "$out"; fi
done

# every rule is exercised by at least one bad case
for tag in house:from-tag house:workdir house:apt house:pip house:add \
    house:exec-form house:no-cd house:user house:stage-ref house:syntax house:pipefail \
    "dockerfile-utils error" "dockerfile-utils warning"; do
    if grep -F -q "[$tag" "$tmp/all-bad-output"; then ok "rule covered: $tag"; else no "rule covered: $tag"; fi
done

# a real parser directive (first line of the file) is caught as well
f=cases/bad/syntax-directive.Dockerfile
{ grep '^# syntax=' "$f"; grep -v '^# syntax=' "$f"; } > "$tmp/directive-first.Dockerfile"
out=$(node check.js "$tmp/directive-first.Dockerfile" 2>&1); rc=$?
if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -q "directive-first.Dockerfile:1:1: syntax directive"; then
    ok "syntax directive on line 1"
else
    no "syntax directive on line 1 (exit $rc)" "$out"
fi

# several files at once: counts per file, non-zero exit if any fails
set -- cases/good/*.Dockerfile
ngood=$#
out=$(node check.js "$@" cases/bad/add-local.Dockerfile 2>&1); rc=$?
last=$(printf '%s\n' "$out" | tail -n 1)
if [ "$rc" -eq 1 ] && [ "$last" = "lint: $ngood passed, 1 failed" ]; then
    ok "multi-file run"
else
    no "multi-file run (exit $rc, last line '$last')" "$out"
fi
out=$(node check.js "$@" 2>&1); rc=$?
last=$(printf '%s\n' "$out" | tail -n 1)
if [ "$rc" -eq 0 ] && [ "$last" = "lint: $ngood passed, 0 failed" ]; then
    ok "multi-file run, all good"
else
    no "multi-file run, all good (exit $rc, last line '$last')" "$out"
fi

# usage errors and unreadable files
node check.js > /dev/null 2>&1; rc=$?
if [ "$rc" -eq 2 ]; then ok "no arguments: exit 2"; else no "no arguments: exit $rc, not 2"; fi
out=$(node check.js "$tmp/does-not-exist.Dockerfile" 2>&1); rc=$?
if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -q "cannot read file"; then
    ok "missing file fails"
else
    no "missing file fails (exit $rc)" "$out"
fi

# instructions.js against the reviewed expected listings
for exp in cases/good/*.instructions; do
    f=${exp%.instructions}.Dockerfile
    if node instructions.js "$f" > "$tmp/got" 2> "$tmp/err" && diff -u "$exp" "$tmp/got" > "$tmp/diff"; then
        ok "instructions $f"
    else
        no "instructions $f" "$(cat "$tmp/err" "$tmp/diff")"
    fi
done
n=$(ls cases/good/*.instructions 2>/dev/null | wc -l)
if [ "$n" -gt 0 ]; then ok "instructions listings present ($n)"; else no "no cases/good/*.instructions"; fi

echo "lint-selftest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
