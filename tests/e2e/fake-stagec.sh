#!/usr/bin/env bash
# fake-stagec.sh — a stand-in for the stagec binary with its command line, for testing buildtruth.sh
# before (or independently of) the compiler: `fake-stagec.sh [--single-stage] [--base FLAVOUR]
# DIR/app.yaml` prints tests/e2e/handwritten/<basename DIR>/<FLAVOUR>.<multi|single>.Dockerfile.
# `-o OUT` writes OUT/Dockerfile, OUT/Dockerfile.single and, as stagec does into a folder that is not
# the spec's, OUT/Dockerfile.dockerignore and OUT/Dockerfile.single.dockerignore (the example's own).
# $FAKE_STAGEC_DIR overrides the directory of hand-written Dockerfiles. Default flavour: official.
set -euo pipefail
dir=${FAKE_STAGEC_DIR:-$(cd "$(dirname "$0")" && pwd)/handwritten}
variant=multi base=official yaml= out=
while [ $# -gt 0 ]; do
  case "$1" in
    --single-stage) variant=single; shift ;;
    --base) base=$2; shift 2 ;;
    --base=*) base=${1#*=}; shift ;;
    -o) out=$2; shift 2 ;;
    -*) echo "fake-stagec: unknown option $1" >&2; exit 2 ;;
    *) yaml=$1; shift ;;
  esac
done
[ -n "$yaml" ] || { echo "usage: fake-stagec.sh [--single-stage] [--base official|debian] app.yaml" >&2; exit 2; }
exdir=$(cd "$(dirname "$yaml")" && pwd)
example=$(basename "$exdir")
if [ -n "$out" ]; then
  cp "$dir/$example/$base.multi.Dockerfile" "$out/Dockerfile"
  cp "$dir/$example/$base.single.Dockerfile" "$out/Dockerfile.single"
  for ign in Dockerfile.dockerignore Dockerfile.single.dockerignore; do
    if [ -f "$exdir/.dockerignore" ]; then cp "$exdir/.dockerignore" "$out/$ign"; else : >"$out/$ign"; fi
  done
  exit 0
fi
f="$dir/$example/$base.$variant.Dockerfile"
[ -f "$f" ] || { echo "fake-stagec: no hand-written Dockerfile $f" >&2; exit 1; }
cat "$f"
