#!/usr/bin/env bash
# secrets.sh — build secrets on a real engine: a spec's secret reaches the install and no image.
#
# Usage: tests/e2e/secrets.sh --stagec PATH [EXAMPLE_DIR]   (default examples/node-private)
# The example names one secret, npmrc, and its package.json's preinstall fails the install unless
# the user .npmrc npm reads holds a 64-hex-digit token for npm.example.com.  With a fresh random
# token, in a file outside the context, passed as `docker build --secret id=npmrc,src=FILE`:
#   build     both variants build (--no-cache: the install runs, reading the secret);
#   absent    the value (as written, in upper case and in base64) is in none of: `docker save` of
#             the image (every layer's files, names and headers, the config, the manifest),
#             `docker history --no-trunc`, `docker inspect`, and the build's own log
#             (secretscan.py, whose selftest runs first and must find planted values);
#   read      the same build with a .npmrc that has no token fails in the install with the
#             preinstall's message: the install read the mounted file, not something else;
#   required  without --secret the build fails: the mount is `required`;
#   test      the test stage (--target test) builds with the secret: its dev install mounts it too.
# Prints `ok - ...` / `not ok - ...` and `secrets: N passed, N failed`; exits 1 on a failure.
# Images: $E2E_TAG/secrets-<example>:{multi,single,test}, removed at the end; temporary files too.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
STAGEC=${STAGEC:-}
TAG=${E2E_TAG:-stagec-e2e}
EX=
while [ $# -gt 0 ]; do
  case "$1" in
    --stagec) STAGEC=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "secrets: unknown option $1" >&2; exit 2 ;;
    *) EX=$1; shift ;;
  esac
done
EX=${EX:-$HERE/../../examples/node-private}
[ -n "$STAGEC" ] || { echo "usage: $0 --stagec PATH [EXAMPLE_DIR]" >&2; exit 2; }
EX=$(cd "$EX" && pwd)
name=$(basename "$EX")
"$DOCKER" info >/dev/null 2>&1 || { echo "secrets: no docker engine answers; run tests/e2e/engine.sh start" >&2; exit 2; }

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

python3 "$HERE/secretscan.py" selftest >"$tmp/selftest" && ok "secretscan finds planted values" ||
  { bad "secretscan finds planted values"; cat "$tmp/selftest"; }

value=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
[ ${#value} -eq 64 ] || { bad "a 64-digit random token ($value)"; exit 1; }
umask 077
printf '//npm.example.com/:_authToken=%s\n' "$value" >"$tmp/npmrc"
printf '//npm.example.com/:_authToken=\n' >"$tmp/npmrc-no-token"
"$STAGEC" -o "$tmp/out" "$EX/app.yaml" || { bad "stagec -o for $name"; exit 1; }

build() { # LOG FILE TAG ARGS...: docker build of the example's context
  local log=$1 file=$2 tag=$3
  shift 3
  "$DOCKER" build --progress=plain --no-cache -f "$tmp/out/$file" -t "$tag" "$@" "$EX" >"$log" 2>&1
}

for variant in multi single; do
  file=Dockerfile
  [ $variant = single ] && file=Dockerfile.single
  img=$TAG/secrets-$name:$variant
  if build "$tmp/log" $file "$img" --secret id=npmrc,src="$tmp/npmrc"; then
    images+=("$img")
    ok "$name $variant: builds with the secret"
  else
    bad "$name $variant: builds with the secret"; tail -20 "$tmp/log"; continue
  fi
  grep -q 'preinstall' "$tmp/log" && ok "$name $variant: the install ran its preinstall check" ||
    bad "$name $variant: the install ran its preinstall check (not in the log)"
  "$DOCKER" save -o "$tmp/image.tar" "$img" && "$DOCKER" history --no-trunc "$img" >"$tmp/history" &&
    "$DOCKER" inspect "$img" >"$tmp/inspect" || { bad "$name $variant: docker save, history, inspect"; continue; }
  layers=$(tar -tf "$tmp/image.tar" | grep -c 'layer.tar$')
  if python3 "$HERE/secretscan.py" scan "$value" "$tmp/image.tar" "$tmp/history" "$tmp/inspect" "$tmp/log" >"$tmp/hits"; then
    ok "$name $variant: the secret is in none of its $layers layers, its config, history or build log"
  else
    bad "$name $variant: the secret is in the image"; cat "$tmp/hits"
  fi
  rm -f "$tmp/image.tar"
  if build "$tmp/log" $file "$img-no-token" --secret id=npmrc,src="$tmp/npmrc-no-token"; then
    images+=("$img-no-token"); bad "$name $variant: a .npmrc without the token fails the install"
  elif grep -q 'no token for npm.example.com' "$tmp/log"; then
    ok "$name $variant: a .npmrc without the token fails the install (the install read the secret)"
  else
    bad "$name $variant: a .npmrc without the token fails the install, with the preinstall's message"; tail -10 "$tmp/log"
  fi
  if build "$tmp/log" $file "$img-none"; then
    images+=("$img-none"); bad "$name $variant: without --secret the build fails"
  elif grep -q 'secret npmrc not found' "$tmp/log"; then
    ok "$name $variant: without --secret the build fails (secret npmrc not found)"
  else
    bad "$name $variant: without --secret the build fails at the mount"; tail -10 "$tmp/log"
  fi
done

if grep -q '^FROM builder AS test$' "$tmp/out/Dockerfile"; then
  img=$TAG/secrets-$name:test
  if build "$tmp/log" Dockerfile "$img" --target test --secret id=npmrc,src="$tmp/npmrc"; then
    images+=("$img"); ok "$name: the test stage builds with the secret"
    python3 "$HERE/secretscan.py" scan "$value" "$tmp/log" >/dev/null && ok "$name: the test build's log has no secret" ||
      bad "$name: the test build's log has the secret"
  else
    bad "$name: the test stage builds with the secret"; tail -20 "$tmp/log"
  fi
fi

echo "secrets: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
