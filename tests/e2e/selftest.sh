#!/usr/bin/env bash
# selftest.sh — proves buildtruth.sh can fail: runs it on examples/python-cext and examples/c
# (official flavour) with the deliberately wrong Dockerfiles in tests/e2e/broken/ and expects it to
# exit 1 with `not ok` for python-cext's equivalence config (User differs), split (compiler, -dev
# packages, headers, root user), caching (pip install re-run after a source edit) and stops (python
# as PID 1 ignores SIGTERM: exit 137) checks, while its `runs` and `elf` still pass; and for c's
# multi-stage image, whose final stage lacks libsqlite3-0, `elf` naming libsqlite3.so.0, while the
# correct single-stage image passes `elf` and `stops`.
# Assumes what buildtruth.sh assumes (engine running, base images built). Its images are named
# $E2E_TAG-broken/... (default stagec-e2e-broken), apart from those of a real run.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
E2E_TAG=${E2E_TAG:-stagec-e2e}-broken "$HERE/buildtruth.sh" --dockerfiles "$HERE/broken" --flavours official "$HERE/../../examples/python-cext" \
  "$HERE/../../examples/c" >"$out" 2>&1
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
expect '^not ok - python-cext official stops multi : killed \(exit 137\)' 'SIGTERM ignored as PID 1 caught'
expect '^ok - python-cext official elf multi ' 'elf passes where every library is there'
expect '^not ok - c official elf multi : missing: libsqlite3\.so\.0 \(needed by opt/app/bin/c-hello\)' 'missing runtime library caught'
expect '^not ok - c official runs : multi-stage container did not answer' 'the binary without its library does not start'
expect '^ok - c official elf single ' 'elf passes on the correct single-stage image'
expect '^ok - c official stops single \(exit [0-9]+' 'stops passes under tini'
expect '^e2e: [0-9]+ passed, [1-9][0-9]* failed$' 'summary line'
if [ $fail -gt 0 ]; then echo "# buildtruth output:"; sed 's/^/#   /' "$out"; fi
echo "selftest: $pass passed, $fail failed"
[ $fail -eq 0 ]
