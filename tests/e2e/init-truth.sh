#!/usr/bin/env bash
# init-truth.sh — build truth for `stagec init`: what init writes must build and run.
#
# Usage: tests/e2e/init-truth.sh --stagec PATH [--flavours "official"] [FIXTURE_DIR...]
# For each fixture (default: every folder of tests/init/build, project layouts shaped like public
# ones whose dependencies are all local, so that they build with Debian's mirror alone), it copies
# the folder to a temporary one, runs `stagec init` there (it must exit 0 and write app.yaml: a
# fixture holds no app.yaml of its own), then hands the copies to buildtruth.sh, which compiles the
# spec init wrote and builds, runs, stops and checks both variants on the real engine (its header
# says what each check asserts).  Only the official flavour by default: a handful of builds.
# Images are tagged ${E2E_TAG:-stagec-e2e-init}/<fixture>:<flavour>-{multi,single}.
# Prints `ok - ...` / `not ok - ...` and buildtruth's summary; exits 1 if anything failed.
# Assumes what buildtruth.sh assumes: a running engine and the base images.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
STAGEC=${STAGEC:-}
FLAVOURS=official
FIXTURES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --stagec) STAGEC=$2; shift 2 ;;
    --flavours) FLAVOURS=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "init-truth: unknown option $1" >&2; exit 2 ;;
    *) FIXTURES+=("$1"); shift ;;
  esac
done
[ -n "$STAGEC" ] || { echo "usage: $0 --stagec PATH/TO/stagec [FIXTURE_DIR...]" >&2; exit 2; }
case "$STAGEC" in */*) STAGEC=$(cd "$(dirname "$STAGEC")" && pwd)/$(basename "$STAGEC") ;; esac
if [ ${#FIXTURES[@]} -eq 0 ]; then
  for d in "$HERE"/../init/build/*/; do FIXTURES+=("${d%/}"); done
fi

TMP=$(mktemp -d /tmp/stagec-init-truth.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

FAIL=0
COPIES=()
for f in "${FIXTURES[@]}"; do
  name=$(basename "$f")
  if [ -e "$f/app.yaml" ]; then
    echo "not ok - init $name : the fixture has an app.yaml; init must write it"; FAIL=1; continue
  fi
  cp -r "$f" "$TMP/$name"
  if "$STAGEC" init "$TMP/$name" 2>"$TMP/$name.err" && [ -f "$TMP/$name/app.yaml" ]; then
    echo "ok - init $name ($(tail -n 1 "$TMP/$name.err"))"
    sed -n '/^[a-z]/,$p' "$TMP/$name/app.yaml" | sed 's/^/#   /'
    COPIES+=("$TMP/$name")
  else
    echo "not ok - init $name : stagec init failed:"; sed 's/^/#   /' "$TMP/$name.err"; FAIL=1
  fi
done
[ ${#COPIES[@]} -gt 0 ] || exit 1
E2E_TAG=${E2E_TAG:-stagec-e2e-init} FLAVOURS="$FLAVOURS" \
  bash "$HERE/buildtruth.sh" --stagec "$STAGEC" "${COPIES[@]}" || FAIL=1
exit $FAIL
