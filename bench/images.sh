#!/usr/bin/env bash
# images.sh — run by hand: image figures for stagec's output against hand-written baselines.
#
# Usage: bench/images.sh [--stagec PATH | --dockerfiles DIR] [--flavours "official"] [EXAMPLE...]
# Examples default to python-cext node go (examples/<name>). For each example and flavour it builds
# stagec's multi-stage and single-stage Dockerfiles (or DIR/<example>/<flavour>.{multi,single}.Dockerfile,
# default DIR tests/e2e/handwritten when no --stagec is given) and, once per example,
# bench/baseline/<example>/Dockerfile; each cold (--no-cache), then again after a comment is appended
# to a source file in a temporary copy (rebuild time, cache warm). Prints a Markdown table: size (MB),
# ratio to the multi-stage image of the same flavour, cold build and rebuild seconds, number of layers.
# Assumes: a running engine and base images (tests/e2e/engine.sh start; tests/e2e/base-images.sh);
# uses /usr/bin/docker with BuildKit. Takes a few minutes per example: cold builds reinstall packages.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
STAGEC=${STAGEC:-} DOCKERFILES= FLAVOURS=${FLAVOURS:-official}
EXAMPLES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --stagec) STAGEC=$2; shift 2 ;;
    --dockerfiles) DOCKERFILES=$2; shift 2 ;;
    --flavours) FLAVOURS=$2; shift 2 ;;
    -*) echo "images.sh: unknown option $1" >&2; exit 2 ;;
    *) EXAMPLES+=("$1"); shift ;;
  esac
done
[ ${#EXAMPLES[@]} -gt 0 ] || EXAMPLES=(python-cext node go)
[ -n "$STAGEC" ] || DOCKERFILES=${DOCKERFILES:-$ROOT/tests/e2e/handwritten}
SRC=stagec; [ -n "$DOCKERFILES" ] && SRC=reference
TMP=$(mktemp -d /tmp/stagec-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
size() { "$DOCKER" image inspect -f '{{.Size}}' "$1" | awk '{ printf "%.1f", $1 / 1000000 }'; }
layers() { "$DOCKER" image inspect -f '{{len .RootFS.Layers}}' "$1"; }

# measure LABEL DOCKERFILE EXAMPLE_DIR TAG -> sets COLD REBUILD; prints errors to stderr
measure() {
  local file=$2 ex=$3 tag=$4 t0 copy src
  COLD=fail REBUILD=fail
  t0=$(now)
  "$DOCKER" build --no-cache --progress=plain -t "$tag" -f "$file" "$ex" >"$TMP/cold.log" 2>&1 \
    || { echo "images.sh: cold build of $1 failed:" >&2; tail -n 20 "$TMP/cold.log" >&2; return 1; }
  COLD=$(secs "$t0")
  copy="$TMP/copy"; rm -rf "$copy"; mkdir -p "$copy"; cp -a "$ex/." "$copy/"
  # the first source file of the app (not a manifest, not a vendored package)
  src=$(cd "$copy" && find . -type f \( -name '*.go' -o -name '*.py' -o -name '*.js' -o -name '*.ts' \
    -o -name '*.rs' -o -name '*.c' -o -name '*.cpp' -o -name '*.java' -o -name '*.rb' -o -name '*.php' \) \
    -not -path './node_modules/*' -not -path './vendor/*' -not -path './lib/*' -not -path './tools/*' | sort | head -n 1)
  [ -n "$src" ] || { echo "images.sh: no source file to edit in $ex" >&2; return 1; }
  case "$src" in *.py|*.rb) echo "# bench $(date +%s%N)" >>"$copy/$src" ;; *) echo "// bench $(date +%s%N)" >>"$copy/$src" ;; esac
  t0=$(now)
  "$DOCKER" build --progress=plain -t "$tag-rebuild" -f "$file" "$copy" >"$TMP/re.log" 2>&1 \
    || { echo "images.sh: rebuild of $1 failed:" >&2; tail -n 20 "$TMP/re.log" >&2; return 1; }
  REBUILD=$(secs "$t0")
  "$DOCKER" rmi "$tag-rebuild" >/dev/null 2>&1
}

rows=()
for name in "${EXAMPLES[@]}"; do
  ex="$ROOT/examples/$name"
  for fl in $FLAVOURS; do
    for v in multi single; do
      f="$TMP/$name-$fl-$v.Dockerfile"
      if [ -n "$DOCKERFILES" ]; then cp "$DOCKERFILES/$name/$fl.$v.Dockerfile" "$f"
      elif [ $v = multi ]; then "$STAGEC" --base "$fl" "$ex/app.yaml" >"$f"
      else "$STAGEC" --single-stage --base "$fl" "$ex/app.yaml" >"$f"; fi || { echo "images.sh: no $v Dockerfile for $name $fl" >&2; continue; }
      tag="stagec-bench/$name:$fl-$v"
      echo "images.sh: $name $fl $v ..." >&2
      if measure "$name $fl $v" "$f" "$ex" "$tag"; then
        rows+=("$name|$fl|$SRC $v|$(size "$tag")|$COLD|$REBUILD|$(layers "$tag")|$tag")
      fi
    done
  done
  if [ -f "$ROOT/bench/baseline/$name/Dockerfile" ]; then
    tag="stagec-bench/$name:baseline"
    echo "images.sh: $name baseline ..." >&2
    if measure "$name baseline" "$ROOT/bench/baseline/$name/Dockerfile" "$ex" "$tag"; then
      rows+=("$name|official|baseline (hand-written)|$(size "$tag")|$COLD|$REBUILD|$(layers "$tag")|$tag")
    fi
  fi
done

echo
echo "| example | flavour | image | size MB | × multi | cold build s | rebuild s | layers |"
echo "|---|---|---|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
  IFS='|' read -r name fl what sz cold re ly tag <<<"$r"
  ref=$(printf '%s\n' "${rows[@]}" | awk -F'|' -v n="$name" -v f="$fl" -v s="$SRC" '$1==n && $2==f && $3==s" multi" { print $4; exit }')
  ratio=$(awk -v a="$sz" -v b="${ref:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
  echo "| $name | $fl | $what | $sz | $ratio | $cold | $re | $ly |"
done
