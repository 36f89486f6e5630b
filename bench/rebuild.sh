#!/usr/bin/env bash
# rebuild.sh — run by hand: what a developer waits for, per example: the cold build, the rebuild
# after a one-line source edit, and the rebuild after adding one dependency.
#
# Usage: bench/rebuild.sh --stagec PATH [--label TEXT] [--dep PACKAGE] [EXAMPLE...]
# Examples default to go rust python-cext node (examples/<name>). For each example, in a scratch
# copy: PATH writes the Dockerfile (multi-stage, official base) beside the spec; then
#   cold     `docker builder prune -af` (ALL of the engine's build cache, cache mounts included:
#            `--no-cache` would keep the mounts), then a build;
#   edit     a comment line appended to the app's first source file, then a build;
#   dep      one more Debian package in the spec's dependencies.system (default `jq`: the language
#            registries are out of reach inside builds here), the Dockerfile written again, a build.
# Prints a Markdown row per example: seconds for each build, and the Rust crates (or the Go
# packages, with -v) compiled by the edit's rebuild. Images are tagged stagec-bench-rebuild/<ex>
# and removed at the end.
# The prune empties the build cache of everyone using the engine: run it when no one else builds
# (and say so), never in CI. Assumes a running engine and base images (tests/e2e/engine.sh start;
# tests/e2e/base-images.sh) and python3-yaml; uses /usr/bin/docker with BuildKit.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
STAGEC= LABEL= DEP=jq
EXAMPLES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --stagec) STAGEC=$2; shift 2 ;;
    --label) LABEL=$2; shift 2 ;;
    --dep) DEP=$2; shift 2 ;;
    -*) echo "rebuild.sh: unknown option $1" >&2; exit 2 ;;
    *) EXAMPLES+=("$1"); shift ;;
  esac
done
[ -n "$STAGEC" ] || { echo "usage: bench/rebuild.sh --stagec PATH [--label TEXT] [--dep PACKAGE] [EXAMPLE...]" >&2; exit 2; }
[ ${#EXAMPLES[@]} -gt 0 ] || EXAMPLES=(go rust python-cext node)
STAGEC=$(cd "$(dirname "$STAGEC")" && pwd)/$(basename "$STAGEC")
LABEL=${LABEL:-$("$STAGEC" --version 2>/dev/null | head -n 1)}
TMP=$(mktemp -d /tmp/stagec-rebuild.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# build NAME DIR LOG -> prints seconds, or "fail" (the log's tail on stderr)
build() {
  local t0
  t0=$(now)
  if "$DOCKER" build --progress=plain -t "stagec-bench-rebuild/$1" -f "$2/Dockerfile" "$2" >"$3" 2>&1; then
    secs "$t0"
  else
    echo "rebuild.sh: build of $1 failed ($3):" >&2; tail -n 15 "$3" >&2; echo fail
  fi
}

# the first source file of the app (not a manifest, not a vendored package)
source_file() {
  (cd "$1" && find . -type f \( -name '*.go' -o -name '*.py' -o -name '*.js' -o -name '*.ts' \
    -o -name '*.rs' -o -name '*.c' -o -name '*.cpp' -o -name '*.java' -o -name '*.rb' -o -name '*.php' \) \
    -not -path './node_modules/*' -not -path './vendor/*' -not -path './lib/*' -not -path './tools/*' \
    | sort | head -n 1)
}

# one more package in the spec's dependencies.system
add_dep() {
  python3 - "$1" "$2" <<'PY'
import sys, yaml
path, pkg = sys.argv[1], sys.argv[2]
with open(path) as f:
    spec = yaml.safe_load(f)
deps = spec.setdefault("dependencies", {}) or {}
spec["dependencies"] = deps
system = deps.get("system") or []
deps["system"] = (system if isinstance(system, list) else [system]) + [pkg]
with open(path, "w") as f:
    yaml.safe_dump(spec, f, sort_keys=False)
PY
}

echo "| example | stagec | cold s | edit s | dep s | compiled after the edit |"
echo "|---|---|---:|---:|---:|---|"
for ex in "${EXAMPLES[@]}"; do
  copy=$TMP/$ex
  rm -rf "$copy"; mkdir -p "$copy"; cp -a "$ROOT/examples/$ex/." "$copy/"
  if ! "$STAGEC" --force -o "$copy" "$copy/app.yaml" >"$TMP/$ex.stagec" 2>&1; then
    echo "rebuild.sh: stagec failed on $ex:" >&2; cat "$TMP/$ex.stagec" >&2; continue
  fi
  "$DOCKER" builder prune -af >/dev/null 2>&1
  cold=$(build "$ex" "$copy" "$TMP/$ex.cold.log")
  src=$(source_file "$copy")
  case "$src" in
    "") echo "rebuild.sh: no source file to edit in $ex" >&2; continue ;;
    *.py|*.rb) echo "# bench $(date +%s%N)" >>"$copy/$src" ;;
    *) echo "// bench $(date +%s%N)" >>"$copy/$src" ;;
  esac
  edit=$(build "$ex" "$copy" "$TMP/$ex.edit.log")
  compiled=$(grep -cE '^#[0-9]+ [0-9.]+ +Compiling ' "$TMP/$ex.edit.log" || true)
  case "$ex" in rust*) compiled="$compiled crate(s)" ;; *) compiled=- ;; esac
  add_dep "$copy/app.yaml" "$DEP"
  if "$STAGEC" --force -o "$copy" "$copy/app.yaml" >"$TMP/$ex.stagec" 2>&1; then
    dep=$(build "$ex" "$copy" "$TMP/$ex.dep.log")
  else
    echo "rebuild.sh: stagec failed on $ex with $DEP:" >&2; cat "$TMP/$ex.stagec" >&2; dep=fail
  fi
  echo "| $ex | $LABEL | $cold | $edit | $dep | $compiled |"
  "$DOCKER" rmi "stagec-bench-rebuild/$ex" >/dev/null 2>&1
done
