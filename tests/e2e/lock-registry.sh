#!/usr/bin/env bash
# lock-registry.sh --stagec STAGEC — the lock's round trip through a real registry on 127.0.0.1.
#
# 1. registry.sh start: Debian's docker-registry on 127.0.0.1:$STAGEC_REGISTRY_PORT (default 5055).
# 2. The stand-in base images examples/go-distroless needs (golang:1.19, and
#    gcr.io/distroless/static-debian12:nonroot; tests/e2e/base-images.sh makes them) are pushed
#    there with skopeo, as REG/library/golang:1.19 and REG/distroless/static-debian12:nonroot;
#    skopeo's --digestfile records what each push made.
# 3. A scratch repository holds a copy of the example under a policy whose enforce names those
#    images (the registry mirror) and whose rules require digests; `stagec lock --update`
#    resolves them with skopeo (the default resolver's command, plus --tls-verify=false for a
#    registry without TLS).  The lock's digests must equal the pushes' and the registry's own
#    Docker-Content-Digest.
# 4. `stagec all` writes Dockerfiles FROM REG/...@sha256:...; `stagec all --check` is clean.
# 5. The tag golang:1.19 is pushed again with other content (debian:bookworm-slim):
#    `stagec lock --outdated` must report it (exit 1) and write nothing, while the locked
#    Dockerfile still builds (the engine pulls by digest: the old image, the only one with Go
#    in it) and its final image carries the base-image labels of the locked distroless image.
# 6. `stagec lock --update` takes the new digest, and `stagec lock --check` then finds the
#    generated Dockerfile stale.
# Only 127.0.0.1 is contacted.  Uses /usr/bin/docker with BuildKit, one build.
# Assumes: root, a running engine (engine.sh start) and the stand-ins (base-images.sh).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
STAGEC=
while [ $# -gt 0 ]; do
  case $1 in
    --stagec) STAGEC=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    *) echo "usage: $0 --stagec STAGEC" >&2; exit 2 ;;
  esac
done
[ -x "$STAGEC" ] || { echo "usage: $0 --stagec STAGEC" >&2; exit 2; }
PORT=${STAGEC_REGISTRY_PORT:-5055}
REG=127.0.0.1:$PORT
TAG=${E2E_TAG:-stagec-e2e}-lock/go-distroless:multi
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }
same() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: '$2' != '$3'"; fi; }

tmp=$(mktemp -d)
cleanup() { bash "$HERE/registry.sh" stop || true; "$DOCKER" image rm -f "$TAG" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
bash "$HERE/registry.sh" start
t0=$SECONDS

push() { # local-image remote-name digest-file
  skopeo copy --quiet --dest-tls-verify=false --dest-compress-level 1 --digestfile "$3" \
    "docker-daemon:$1" "docker://$REG/$2"
}
registry_digest() { # repository tag: the registry's Docker-Content-Digest for it
  curl -fsSI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    "http://$REG/v2/$1/manifests/$2" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p'
}
push golang:1.19 library/golang:1.19 "$tmp/golang.digest"
push gcr.io/distroless/static-debian12:nonroot distroless/static-debian12:nonroot "$tmp/distroless.digest"
echo "# pushed in $((SECONDS - t0)) s"

R=$tmp/repo
mkdir -p "$R/.git" "$R/.stagec"
cp -r "$ROOT/examples/go-distroless" "$R/svc"
cat >"$R/.stagec/policy.yaml" <<POL
version: 1
enforce:            # the registry mirror: every spec's images come from $REG
  images:
    build: $REG/library/golang:1.19
    run: $REG/distroless/static-debian12:nonroot
    run_family: distroless-static
rules:
  digests: required
POL
cd "$R"
RES="skopeo inspect --tls-verify=false --format '{{.Digest}}' docker://{}"
if "$STAGEC" lock --update --resolver "$RES" >"$tmp/out" 2>"$tmp/err"; then ok "stagec lock --update resolves with skopeo"; else
  bad "stagec lock --update"; cat "$tmp/err"; exit 1; fi
lock_digest() { sed -n "s|^  - image: $1@\(sha256:[0-9a-f]*\)$|\1|p" stagec.lock; }
g1=$(lock_digest "$REG/library/golang:1.19")
dl=$(lock_digest "$REG/distroless/static-debian12:nonroot")
same "golang: the lock has what the push made" "$g1" "$(cat "$tmp/golang.digest")"
same "golang: the lock has what the registry reports" "$g1" "$(registry_digest library/golang 1.19)"
same "distroless: the lock has what the push made" "$dl" "$(cat "$tmp/distroless.digest")"
same "distroless: the lock has what the registry reports" "$dl" "$(registry_digest distroless/static-debian12 nonroot)"

"$STAGEC" all . >/dev/null 2>"$tmp/err" && ok "stagec all" || { bad "stagec all"; cat "$tmp/err"; }
# the Go builder cross-compiles, so it runs FROM --platform=$BUILDPLATFORM
grep -q "^FROM --platform=\$BUILDPLATFORM $REG/library/golang:1.19@$g1 AS builder$" svc/Dockerfile && ok "FROM the registry, by digest" ||
  { bad "FROM the registry, by digest"; grep '^FROM' svc/Dockerfile; }
"$STAGEC" all --check . >/dev/null 2>&1 && ok "stagec all --check is clean" || bad "stagec all --check"
"$STAGEC" lock --check >/dev/null 2>&1 && ok "stagec lock --check is clean" || bad "stagec lock --check"

# the tag moves: other content under the same name
push debian:bookworm-slim library/golang:1.19 "$tmp/moved.digest"
g2=$(registry_digest library/golang 1.19)
[ "$g2" != "$g1" ] && same "the registry's tag moved" "$g2" "$(cat "$tmp/moved.digest")" || bad "the tag did not move"
cp stagec.lock "$tmp/lock.before"
set +e
"$STAGEC" lock --outdated --resolver "$RES" >"$tmp/out" 2>"$tmp/err"
st=$?
set -e
same "stagec lock --outdated exits 1" "$st" 1
grep -q "^$REG/library/golang:1.19: locked $g1 (confirmed [0-9-]*), the registry now has $g2$" "$tmp/out" &&
  ok "--outdated names the moved tag and both digests" || { bad "--outdated output"; cat "$tmp/out" "$tmp/err"; }
grep -q distroless "$tmp/out" && bad "--outdated names only what moved" || ok "--outdated names only what moved"
cmp -s stagec.lock "$tmp/lock.before" && ok "--outdated writes nothing" || bad "--outdated wrote the lock"

t1=$SECONDS
if "$DOCKER" build -q -t "$TAG" -f svc/Dockerfile svc >"$tmp/build" 2>&1; then
  ok "the locked Dockerfile builds: the engine pulled the old golang by digest (the new one has no Go)"
else
  bad "the locked Dockerfile builds"; tail -n 30 "$tmp/build"
fi
echo "# built in $((SECONDS - t1)) s"
# the control: the same Dockerfile by tag gets the moved image, which has no Go, and fails
sed "s|^FROM \(--platform=[^ ]* \)\{0,1\}$REG/library/golang:1.19@$g1 |FROM \1$REG/library/golang:1.19 |" svc/Dockerfile >"$tmp/Dockerfile.tag"
if "$DOCKER" build -q -f "$tmp/Dockerfile.tag" svc >"$tmp/build" 2>&1; then
  bad "by tag, the build gets the moved image and fails"
else
  grep -q "go: not found\|go: command not found\|exit code: 127" "$tmp/build" &&
    ok "by tag, the build gets the moved image and fails (no Go in it)" || { bad "the control failed otherwise"; tail -n 20 "$tmp/build"; }
fi
labels=$("$DOCKER" image inspect -f '{{index .Config.Labels "org.opencontainers.image.base.name"}} {{index .Config.Labels "org.opencontainers.image.base.digest"}}' "$TAG" 2>/dev/null || true)
same "the image's base-image labels name the locked run image" "$labels" "$REG/distroless/static-debian12:nonroot $dl"

"$STAGEC" lock --update "$REG/library/golang:1.19" --resolver "$RES" >/dev/null 2>&1 && ok "--update REF" || bad "--update REF"
same "the lock took the new digest" "$(lock_digest "$REG/library/golang:1.19")" "$g2"
set +e
"$STAGEC" lock --check >"$tmp/out" 2>"$tmp/err"
st=$?
set -e
same "stagec lock --check finds the Dockerfile stale (exit 1)" "$st" 1
grep -q "svc/Dockerfile:[0-9]*: error: FROM $REG/library/golang:1.19 uses $g1" "$tmp/err" && ok "at its FROM line" ||
  { bad "at its FROM line"; cat "$tmp/err"; }

echo "# lock round trip: $((SECONDS - t0)) s"
echo "lock-registry: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
