#!/usr/bin/env bash
# base-images.sh [--force] — make the base images the generated Dockerfiles name, without a registry.
#
# 1. debian:bookworm-slim: debootstrap --variant=minbase bookworm into a temporary rootfs, give it
#    apt sources for bookworm, bookworm-updates and bookworm-security, and `docker import` it with
#    ENV PATH (as the official image has) and CMD ["bash"].
# 2. Stand-ins FROM that image, tagged with the official names and built from Debian's packages:
#    python:3.11-slim, node:18-slim, golang:1.19, rust:1.63-slim, gcc:12, maven:3.9-eclipse-temurin-17,
#    eclipse-temurin:17-jre, ... (Dockerfiles in tests/e2e/standins/).
# An image that already exists is kept (cache between runs on one machine); --force rebuilds all.
# The node stand-in gets npm from `npm pack npm@$NPM_VERSION` run on the host (cached in $STAGEC_E2E_STATE).
# Assumes: root, a running engine (tests/e2e/engine.sh start), debootstrap installed, Debian's
# mirror reachable ($DEBIAN_MIRROR, default http://deb.debian.org/debian). Uses /usr/bin/docker.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

log() { printf 'base-images: %s\n' "$*" >&2; }
have() { [ $FORCE = 0 ] && "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

make_debian() {
  local tag=debian:bookworm-slim
  if have $tag; then log "$tag exists, kept"; return; fi
  local t0=$SECONDS R
  R=$(mktemp -d /tmp/stagec-rootfs.XXXXXX)
  trap 'rm -rf "$R"' RETURN
  log "debootstrap minbase bookworm into $R"
  if ! debootstrap --variant=minbase bookworm "$R" "$MIRROR" >"$R.log" 2>&1; then
    log "FAILED: debootstrap; tail of $R.log:"; tail -n 20 "$R.log" >&2; exit 1
  fi
  rm -f "$R.log"
  rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/*.bin "$R"/var/cache/apt/archives/*.deb "$R"/etc/hostname
  : >"$R/etc/resolv.conf"
  rm -f "$R/etc/apt/sources.list"
  cat >"$R/etc/apt/sources.list.d/debian.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  # Like the official image's apt/dpkg settings (written here from scratch): no binary package
  # caches or downloaded .debs left in a layer after apt-get, no translation indexes, and, as in a
  # "slim" image, no docs, man pages or locales unpacked by dpkg.
  cat >"$R/etc/apt/apt.conf.d/90stagec-image" <<'APT'
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT
  cat >"$R/etc/dpkg/dpkg.cfg.d/90stagec-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
DPKG
  # what debootstrap already unpacked: drop it too
  find "$R/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  rm -rf "$R"/usr/share/man/* "$R"/usr/share/info/* "$R"/usr/share/locale/* "$R"/usr/share/lintian/*
  tar -C "$R" -c . | "$DOCKER" import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - $tag >/dev/null
  log "$tag imported in $((SECONDS - t0))s"
}

# npm for the node stand-in, fetched once on the host (the npm registry is reachable from the host,
# not from inside containers) and kept in $STATE; $NPM_VERSION is what node 18.20.4 bundles.
fetch_npm() {
  local ver=${NPM_VERSION:-10.7.0} dir=${STAGEC_E2E_STATE:-/tmp/stagec-e2e}/npm
  if [ ! -s "$dir/npm-$ver.tgz" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack "npm@$ver" --silent >/dev/null) \
      || { log "FAILED: npm pack npm@$ver (is the npm registry reachable from the host?)"; exit 1; }
  fi
  cp "$dir/npm-$ver.tgz" "$1/npm.tgz"
}

make_standin() {
  local tag=$1 file=$2
  if have "$tag"; then log "$tag exists, kept"; return; fi
  local t0=$SECONDS out ctx
  out=$(mktemp); ctx=$(mktemp -d)
  cp "$HERE/standins/"* "$ctx/"
  case "$tag" in node:*) fetch_npm "$ctx" ;; esac
  if ! "$DOCKER" build --progress=plain -t "$tag" -f "$ctx/$file" "$ctx" >"$out" 2>&1; then
    log "FAILED: building $tag; tail of the build log:"; tail -n 30 "$out" >&2; rm -f "$out"; exit 1
  fi
  rm -rf "$out" "$ctx"
  log "$tag built in $((SECONDS - t0))s"
}

make_debian
make_standin python:3.11-slim python-3.11-slim.Dockerfile
make_standin node:18-slim node-18-slim.Dockerfile
make_standin golang:1.19 golang-1.19.Dockerfile
make_standin rust:1.63-slim rust-1.63-slim.Dockerfile
make_standin gcc:12 gcc-12.Dockerfile
make_standin maven:3.9-eclipse-temurin-17 maven-3.9-eclipse-temurin-17.Dockerfile
make_standin eclipse-temurin:17-jre eclipse-temurin-17-jre.Dockerfile
make_standin ruby:3.1-slim ruby-3.1-slim.Dockerfile
make_standin php:8.2-cli php-8.2-cli.Dockerfile
make_standin nginxinc/nginx-unprivileged:1.25 nginx-unprivileged-1.25.Dockerfile
make_standin gcr.io/distroless/static-debian12:nonroot distroless-static-debian12-nonroot.Dockerfile
"$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' \
  | grep -E '^(debian:bookworm-slim|python:3.11-slim|node:18-slim|golang:1.19|rust:1.63-slim|gcc:12|maven:3.9-eclipse-temurin-17|eclipse-temurin:17-jre|ruby:3.1-slim|php:8.2-cli|nginxinc/nginx-unprivileged:1.25) ' >&2
