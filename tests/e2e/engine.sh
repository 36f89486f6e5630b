#!/usr/bin/env bash
# engine.sh start|stop|status — run a real Docker engine on this machine for the e2e tests.
#
# start: installs docker.io, debootstrap and curl with apt-get if they are missing (waits up to
#        600 s for the dpkg lock), starts /usr/sbin/dockerd in the background, writes its PID to
#        $STAGEC_E2E_STATE/dockerd.pid (default /tmp/stagec-e2e) and its log to dockerd.log there,
#        then waits until `docker info` answers (timeout $ENGINE_TIMEOUT s, default 60).
#        If a daemon already answers, it is left alone and nothing is started.
# stop:  kills exactly the PID written by `start` and waits for it to exit; a daemon this script
#        did not start is never touched.
# Assumes: Debian 12, run as root, Debian's package mirror reachable. Always uses /usr/bin/docker
# (Debian's 20.10 client, which has BuildKit) — never /usr/local/bin/docker.
set -euo pipefail

STATE=${STAGEC_E2E_STATE:-/tmp/stagec-e2e}
PIDFILE=$STATE/dockerd.pid
LOG=$STATE/dockerd.log
TIMEOUT=${ENGINE_TIMEOUT:-60}
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1

log() { printf 'engine: %s\n' "$*" >&2; }

install_missing() {
  local need=()
  [ -x /usr/sbin/dockerd ] && [ -x "$DOCKER" ] || need+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends "${need[@]}" >/dev/null
  fi
}

start() {
  install_missing
  mkdir -p "$STATE"
  if "$DOCKER" info >/dev/null 2>&1; then
    log "a docker daemon already answers; not starting another"
    return 0
  fi
  local t0=$SECONDS
  /usr/sbin/dockerd >"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  log "dockerd started, pid $(cat "$PIDFILE"), log $LOG"
  local deadline=$((SECONDS + TIMEOUT))
  until "$DOCKER" info >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      log "FAILED: dockerd exited; last lines of $LOG:"; tail -n 30 "$LOG" >&2; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "FAILED: docker info did not answer within ${TIMEOUT}s; last lines of $LOG:"
      tail -n 30 "$LOG" >&2; exit 1
    fi
    sleep 0.5
  done
  log "ready after $((SECONDS - t0))s"
}

stop() {
  if [ ! -s "$PIDFILE" ]; then log "no pid file $PIDFILE; nothing to stop"; return 0; fi
  local pid; pid=$(cat "$PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "dockerd $pid still running after 30s"; exit 1; fi
    log "dockerd $pid stopped"
  else
    log "dockerd $pid was not running"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) "$DOCKER" info --format '{{.ServerVersion}} {{.Driver}}' ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
