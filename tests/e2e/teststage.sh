#!/usr/bin/env bash
# teststage.sh — the spec's test: stage on a real engine: it runs the tests, a failing test fails
# it, and a default build never runs it.
#
# Usage: tests/e2e/teststage.sh --stagec PATH [EXAMPLE_DIR...]   (default examples/go, python-cext)
# Each example is copied to a temporary folder with a fresh file in it (so the test step cannot be
# a cache hit), compiled with `stagec -o`, and:
#   passes    `docker build --target test` builds, and its log shows the test runner's own
#             success line (go: `ok  <module>`, Python: `Ran N tests` and `OK`);
#   fails     in a second copy whose test expects another greeting, `--target test` fails with
#             the runner's failure (go: `--- FAIL`, Python: `FAILED`);
#   off path  the default build of that failing copy succeeds and runs no step of the test stage
#             (no `[test ` line in its log): the image never waits on, or contains, the tests.
# The failing edit is per language: the expected greeting in main_test.go / test_app.py.
# Prints `ok - ...` / `not ok - ...` and `teststage: N passed, N failed`; exits 1 on a failure.
# Images: $E2E_TAG/teststage-<example>:{test,default}, removed at the end.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
STAGEC=${STAGEC:-}
TAG=${E2E_TAG:-stagec-e2e}
EXAMPLES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --stagec) STAGEC=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "teststage: unknown option $1" >&2; exit 2 ;;
    *) EXAMPLES+=("$1"); shift ;;
  esac
done
[ -n "$STAGEC" ] || { echo "usage: $0 --stagec PATH [EXAMPLE_DIR...]" >&2; exit 2; }
[ ${#EXAMPLES[@]} -gt 0 ] || EXAMPLES=("$HERE/../../examples/go" "$HERE/../../examples/python-cext")
"$DOCKER" info >/dev/null 2>&1 || { echo "teststage: no docker engine answers; run tests/e2e/engine.sh start" >&2; exit 2; }

pass=0 fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "not ok - $*"; fail=$((fail + 1)); }
tmp=$(mktemp -d)
images=()
cleanup() {
  for i in "${images[@]}"; do "$DOCKER" rmi -f "$i" >/dev/null 2>&1; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# copy EXAMPLE DIR: the example with a fresh file, compiled into DIR/out
copy() {
  rm -rf "$2" && cp -R "$1" "$2" && head -c 16 /dev/urandom | od -An -tx1 >"$2/e2e-nonce.txt" &&
    "$STAGEC" -o "$2/out" "$2/app.yaml"
}

# break DIR: make the example's test expect another greeting
break_test() {
  if [ -f "$1/main_test.go" ]; then
    sed -i 's/Hello from Go!/Goodbye from Go!/' "$1/main_test.go"
  elif [ -f "$1/test_app.py" ]; then
    sed -i 's/from a C extension!/from somewhere else!/' "$1/test_app.py"
  else
    return 1
  fi
}

build() { # LOG DIR TAG ARGS...
  local log=$1 dir=$2 tag=$3
  shift 3
  "$DOCKER" build --progress=plain -f "$dir/out/Dockerfile" -t "$tag" "$@" "$dir" >"$log" 2>&1
}

for ex in "${EXAMPLES[@]}"; do
  ex=$(cd "$ex" && pwd)
  n=$(basename "$ex")
  if ! copy "$ex" "$tmp/$n"; then bad "$n: copy and compile"; continue; fi
  grep -q '^FROM builder AS test$' "$tmp/$n/out/Dockerfile" || { bad "$n: the Dockerfile has a test stage"; continue; }
  img=$TAG/teststage-$n
  if build "$tmp/log" "$tmp/$n" "$img:test" --target test; then
    images+=("$img:test")
    if grep -Eq '^#[0-9]+ [0-9.]+ (ok  |OK$)' "$tmp/log" && ! grep -Eq '^#[0-9]+ [0-9.]+ (--- FAIL|FAIL)' "$tmp/log"; then
      ok "$n: --target test runs the tests and they pass ($(grep -Eo '(ok  .*|Ran [0-9]+ tests? in [0-9.]+s)' "$tmp/log" | head -1 | tr -s '\t ' ' '))"
    else
      bad "$n: --target test builds, but its log shows no passing test run"; grep -E '^\#[0-9]+ \[test' "$tmp/log" | head
    fi
  else
    bad "$n: --target test builds"; tail -20 "$tmp/log"
  fi
  if ! copy "$ex" "$tmp/$n-failing" || ! break_test "$tmp/$n-failing"; then bad "$n: a copy with a failing test"; continue; fi
  if build "$tmp/log" "$tmp/$n-failing" "$img:failing" --target test; then
    images+=("$img:failing"); bad "$n: a failing test fails --target test"
  elif grep -Eq -- '--- FAIL|FAILED \(failures=' "$tmp/log"; then
    ok "$n: a failing test fails --target test ($(grep -Eo -- '--- FAIL: [A-Za-z]+|FAILED \(failures=[0-9]+\)' "$tmp/log" | head -1))"
  else
    bad "$n: a failing test fails --target test with the runner's failure"; tail -15 "$tmp/log"
  fi
  if build "$tmp/log" "$tmp/$n-failing" "$img:default"; then
    images+=("$img:default")
    if grep -q '^#[0-9]* \[test ' "$tmp/log"; then
      bad "$n: the default build runs no test-stage step"; grep '^#[0-9]* \[test ' "$tmp/log" | head -3
    else
      ok "$n: the default build of the failing copy succeeds and runs no test-stage step"
    fi
  else
    bad "$n: the default build of the failing copy succeeds"; tail -15 "$tmp/log"
  fi
done

echo "teststage: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
