#!/usr/bin/env bash
# selftest.sh — proves buildtruth.sh can fail: runs it on examples/python-cext (official flavour)
# with the deliberately wrong Dockerfiles in tests/e2e/broken/ and expects it to exit 1 with
# `not ok` for the equivalence config (User differs), split (compiler, -dev packages, headers,
# root user) and caching (pip install re-run after a source edit) checks, while `runs` still passes.
# Assumes what buildtruth.sh assumes (engine running, base images built).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$HERE/buildtruth.sh" --dockerfiles "$HERE/broken" --flavours official "$HERE/../../examples/python-cext" >"$out" 2>&1
rc=$?
pass=0 fail=0
expect() { # expect REGEX DESCRIPTION
  if grep -Eq "$1" "$out"; then pass=$((pass + 1)); echo "ok - selftest $2"
  else fail=$((fail + 1)); echo "not ok - selftest $2 : no line matching /$1/"; fi
}
[ $rc -eq 1 ] && { pass=$((pass + 1)); echo "ok - selftest buildtruth exits 1"; } \
  || { fail=$((fail + 1)); echo "not ok - selftest buildtruth exits 1 : exit $rc"; }
expect '^ok - python-cext official runs' 'runs still passes'
expect '^not ok - python-cext official equivalence config : .*User' 'User difference caught'
expect '^not ok - python-cext official split : .*compiler/linker present' 'compiler caught'
expect '^not ok - python-cext official split : .*-dev packages installed' '-dev packages caught'
expect '^not ok - python-cext official split : .*runs as root' 'root user caught'
expect '^not ok - python-cext official caching : .*dependency step\(s\) re-run: .*pip install' 'cache miss caught'
expect '^e2e: [0-9]+ passed, [1-9][0-9]* failed$' 'summary line'
if [ $fail -gt 0 ]; then echo "# buildtruth output:"; sed 's/^/#   /' "$out"; fi
echo "selftest: $pass passed, $fail failed"
[ $fail -eq 0 ]
