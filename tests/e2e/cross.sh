#!/usr/bin/env bash
# cross.sh — build truth for cross-builds: a builder on $BUILDPLATFORM makes the target's binary.
#
# Usage: tests/e2e/cross.sh --stagec PATH [EXAMPLE_DIR]   (default examples/go, official base)
# On this amd64 machine, with no emulator registered (binfmt_misc), it compiles the example's
# multi-stage Dockerfile, which must run its builder `FROM --platform=$BUILDPLATFORM`, and builds it
# twice with DOCKER_BUILDKIT=1 /usr/bin/docker (Docker 20.10, no `# syntax=` line):
#   arm64   `docker build --platform linux/arm64`: the build succeeds although nothing here can run
#           an arm64 program (so every RUN ran natively, in the builder), the image says
#           linux/arm64, and the binary it holds (exported with `docker export`) is an ELF file for
#           AArch64 (e_machine 183); running it fails, as it must without an emulator;
#   amd64   a plain `docker build`: the image says linux/amd64, its binary is x86-64 (62), and the
#           container answers GET / on its port as build truth's `runs` checks.
# The builder's image (golang:1.19, a stand-in built for amd64 by base-images.sh) is taken from the
# engine's image store: `FROM --platform=$BUILDPLATFORM golang:1.19` asks for linux/amd64, which
# the local image is, so nothing is pulled.  Without the flag BuildKit would want an arm64
# golang:1.19, which is not here and not reachable: that is why the flag matters on this machine.
# Nothing is skipped: a machine that is not amd64, an emulator that is registered (it could hide a
# builder running the target's CPU), or a missing base image is a failure that says so.
# Prints `ok - ...` / `not ok - ...: reason` and `cross: N passed, N failed`; exits 1 on a failure.
# Images are tagged $E2E_TAG/<example>:cross-{arm64,amd64} and kept; containers and temporary files
# are removed on exit.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
STAGEC=${STAGEC:-}
TAG=${E2E_TAG:-stagec-e2e}
EXAMPLE=
while [ $# -gt 0 ]; do
  case "$1" in
    --stagec) STAGEC=$2; shift 2 ;;
    --stagec=*) STAGEC=${1#*=}; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    -*) echo "cross: unknown option $1" >&2; exit 2 ;;
    *) EXAMPLE=$1; shift ;;
  esac
done
EXAMPLE=${EXAMPLE:-examples/go}
[ -n "$STAGEC" ] || { echo "usage: $0 --stagec PATH/TO/stagec [EXAMPLE_DIR]" >&2; exit 2; }
case "$STAGEC" in */*) STAGEC=$(cd "$(dirname "$STAGEC")" && pwd)/$(basename "$STAGEC") ;; esac

pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }
finish() {
  echo "cross: $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit $?
}
tmp=$(mktemp -d)
containers=()
cleanup() {
  for c in "${containers[@]}"; do "$DOCKER" rm -f "$c" >/dev/null 2>&1; done
  rm -rf "$tmp"
}
trap cleanup EXIT

name=$(basename "$EXAMPLE")
arch=$(uname -m)
[ "$arch" = x86_64 ] && ok "the build machine is amd64" || { bad "the build machine is amd64: it is $arch"; finish; }
# an emulator registered with binfmt_misc would run arm64 programs, and a builder on the target's
# CPU would then pass too: the test proves nothing unless there is none
emulators=$(ls /proc/sys/fs/binfmt_misc 2>/dev/null | grep -v -x -e register -e status | tr '\n' ' ')
[ -z "$emulators" ] && ok "no emulator is registered (binfmt_misc: ${emulators:-empty or not mounted})" ||
  { bad "no emulator is registered: binfmt_misc has $emulators"; finish; }
"$DOCKER" info >/dev/null 2>&1 && ok "the engine answers" || { bad "the engine answers: run tests/e2e/engine.sh start"; finish; }

# -o into another folder: the Dockerfile and stagec's Dockerfile.dockerignore beside it, which
# BuildKit reads for `-f Dockerfile` (as build truth builds)
if ! "$STAGEC" -o "$tmp" "$EXAMPLE/app.yaml" 2>"$tmp/err"; then
  bad "stagec compiles $EXAMPLE"; sed 's/^/  /' "$tmp/err"; finish
fi
"$STAGEC" --dump-ir "$EXAMPLE/app.yaml" >"$tmp/ir" 2>/dev/null
builder=$(sed -n 's/^FROM --platform=\$BUILDPLATFORM \([^ ]*\) AS builder$/\1/p' "$tmp/Dockerfile")
if [ -n "$builder" ]; then
  ok "the builder runs FROM --platform=\$BUILDPLATFORM $builder ($(sed -n 's/^stage builder .*  # //p' "$tmp/ir"))"
else
  bad "the builder runs FROM --platform=\$BUILDPLATFORM"; grep '^FROM' "$tmp/Dockerfile"; finish
fi
# the final stage: the lines after the last FROM (a test stage may come before it)
grep -q '^RUN' <(awk '/^FROM / { n = 0; delete l; next } { l[++n] = $0 } END { for (i = 1; i <= n; i++) print l[i] }' "$tmp/Dockerfile") &&
  { bad "the final stage has no RUN (it would need an emulator)"; finish; }
have=$("$DOCKER" image inspect --format '{{.Os}}/{{.Architecture}}' "$builder" 2>/dev/null)
[ "$have" = linux/amd64 ] && ok "$builder is in the image store for linux/amd64" ||
  { bad "$builder is in the image store for linux/amd64 (it is '${have:-missing}'): run tests/e2e/base-images.sh"; finish; }
bin=$(sed -n 's/^CMD \["\([^"]*\)".*/\1/p' "$tmp/Dockerfile")
[ -n "$bin" ] || { bad "the Dockerfile's CMD names the binary"; finish; }

# e_machine of the file at $2 in the image $1, read from its `docker export` tar
machine() {
  local c
  c=$("$DOCKER" create "$1" x 2>/dev/null) || { echo "cannot create a container"; return; }
  # called in $(...): a subshell, whose containers+=() the cleanup would not see
  "$DOCKER" export "$c" >"$tmp/fs.tar" || { "$DOCKER" rm -f "$c" >/dev/null; echo "cannot export"; return; }
  "$DOCKER" rm -f "$c" >/dev/null
  python3 - "$tmp/fs.tar" "${2#/}" "$HERE" <<'EOF'
import sys, tarfile
sys.path.insert(0, sys.argv[3])
from elfcheck import parse_elf
with tarfile.open(sys.argv[1]) as tar:
    data = tar.extractfile(sys.argv[2]).read()
info = parse_elf(lambda off, n: data[off:off + n])
print("not an ELF file" if info is None else "%d class %d" % (info["machine"], info["class"]))
EOF
}

for platform in linux/arm64 linux/amd64; do
  a=${platform#linux/}
  image=$TAG/$name:cross-$a
  flags=()
  [ "$a" = arm64 ] && flags=(--platform "$platform")
  start=$(date +%s%N)
  if "$DOCKER" build --progress=plain "${flags[@]}" -f "$tmp/Dockerfile" -t "$image" "$EXAMPLE" >"$tmp/build-$a.log" 2>&1; then
    ok "$name builds ${flags[*]:-for the build machine} ($(( ($(date +%s%N) - start) / 1000000 )) ms)"
  else
    bad "$name builds ${flags[*]:-for the build machine}"; tail -n 25 "$tmp/build-$a.log" | sed 's/^/  /'; continue
  fi
  grep -q 'load metadata for .*golang' "$tmp/build-$a.log" && ! grep -qi 'pulling\|resolve docker.io' "$tmp/build-$a.log" &&
    ok "$a: the builder's image came from the local store (nothing pulled)" ||
    bad "$a: the builder's image came from the local store (nothing pulled)"
  got=$("$DOCKER" image inspect --format '{{.Os}}/{{.Architecture}}' "$image")
  [ "$got" = "$platform" ] && ok "$a: the image is $got" || bad "$a: the image is $platform, not $got"
  want=$([ "$a" = arm64 ] && echo "183 class 2" || echo "62 class 2")
  m=$(machine "$image" "$bin")
  [ "$m" = "$want" ] && ok "$a: $bin is ELF e_machine $m ($([ "$a" = arm64 ] && echo AArch64 || echo x86-64))" ||
    bad "$a: $bin is ELF e_machine $want, not '$m'"
done

# without an emulator the arm64 binary cannot run here: what ran in the build ran natively
# (created, then started: a container that cannot start is left by `run --rm`)
c=$("$DOCKER" create --platform linux/arm64 "$TAG/$name:cross-arm64" 2>"$tmp/run.log") && containers+=("$c")
if [ -n "$c" ] && "$DOCKER" start -a "$c" >>"$tmp/run.log" 2>&1; then
  bad "arm64: the binary cannot run here (it did: an emulator is at work)"
else
  grep -qi 'exec format error' "$tmp/run.log" && ok "arm64: the binary cannot run here (exec format error)" ||
    bad "arm64: the binary cannot run here for want of an emulator: $(head -c 300 "$tmp/run.log")"
fi

# the amd64 image runs as before: GET / answers
port=$(sed -n 's/^EXPOSE \([0-9]*\).*/\1/p' "$tmp/Dockerfile" | head -n 1)
if c=$("$DOCKER" run -d -p "127.0.0.1::${port:-8080}" "$TAG/$name:cross-amd64" 2>"$tmp/err"); then
  containers+=("$c")
  hostport=$("$DOCKER" port "$c" "${port:-8080}" | head -n 1)
  body=
  for _ in $(seq 1 50); do
    body=$(curl -fsS --max-time 2 "http://$hostport/" 2>/dev/null) && break
    sleep 0.2
  done
  [ -n "$body" ] && ok "amd64: the container answers GET / ($(printf '%s' "$body" | head -c 60))" ||
    { bad "amd64: the container answers GET /"; "$DOCKER" logs "$c" 2>&1 | tail -n 5 | sed 's/^/  /'; }
else
  bad "amd64: the container starts"; sed 's/^/  /' "$tmp/err"
fi
# the test stage of a cross-build runs on the builder's CPU, so its tests
# build for that CPU and run (a test binary for arm64 could not run here)
if grep -q '^FROM builder AS test$' "$tmp/Dockerfile"; then
  if "$DOCKER" build --progress=plain --platform linux/arm64 --target test -f "$tmp/Dockerfile" "$EXAMPLE" \
    >"$tmp/test-arm64.log" 2>&1 && grep -q 'go test' "$tmp/test-arm64.log"; then
    ok "arm64: --target test runs the tests on the build machine"
  else
    bad "arm64: --target test runs the tests on the build machine"; tail -n 15 "$tmp/test-arm64.log" | sed 's/^/  /'
  fi
else
  bad "$name has a test stage (FROM builder AS test)"
fi
finish
