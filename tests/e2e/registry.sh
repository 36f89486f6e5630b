#!/usr/bin/env bash
# registry.sh start|stop|status — a local image registry for the lock tests: Debian's
# docker-registry (the CNCF distribution registry) on 127.0.0.1:$STAGEC_REGISTRY_PORT (default
# 5055), plain HTTP, its blobs under $STAGEC_E2E_STATE/registry (default /tmp/stagec-e2e).
#
# start: installs docker-registry and skopeo with apt-get if they are missing, writes a config
#        that listens on 127.0.0.1 only (never on other interfaces), starts the registry in the
#        background, writes its PID to registry.pid in the state folder and its log to
#        registry.log, and waits until GET /v2/ answers (timeout $REGISTRY_TIMEOUT s, default 30).
#        A registry that already answers there and was started by this script is reused.
# stop:  kills exactly the PID written by start, waits for it, and removes its storage.
#        A process this script did not start is never touched.
# Docker treats 127.0.0.0/8 as an insecure registry by default, so the engine pulls from it
# over HTTP; skopeo needs --tls-verify=false (the lock test passes it in its resolver).
set -euo pipefail

STATE=${STAGEC_E2E_STATE:-/tmp/stagec-e2e}
PORT=${STAGEC_REGISTRY_PORT:-5055}
PIDFILE=$STATE/registry.pid
LOG=$STATE/registry.log
DATA=$STATE/registry
TIMEOUT=${REGISTRY_TIMEOUT:-30}

log() { printf 'registry: %s\n' "$*" >&2; }

install_missing() {
  local need=()
  [ -x /usr/bin/docker-registry ] || need+=(docker-registry)
  command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends "${need[@]}" >/dev/null
  fi
}

ours() { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
answers() { curl -fsS -o /dev/null "http://127.0.0.1:$PORT/v2/" 2>/dev/null; }

start() {
  install_missing
  mkdir -p "$STATE" "$DATA"
  if ours && answers; then log "registry $(cat "$PIDFILE") already answers on 127.0.0.1:$PORT"; return 0; fi
  if answers; then log "FAILED: something not started by registry.sh answers on 127.0.0.1:$PORT"; exit 1; fi
  cat >"$STATE/registry.yml" <<CFG
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $DATA}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$PORT
CFG
  /usr/bin/docker-registry serve "$STATE/registry.yml" >"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  local deadline=$((SECONDS + TIMEOUT))
  until answers; do
    if ! ours; then log "FAILED: the registry exited; last lines of $LOG:"; tail -n 20 "$LOG" >&2; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then log "FAILED: no answer within ${TIMEOUT}s"; tail -n 20 "$LOG" >&2; exit 1; fi
    sleep 0.2
  done
  log "started, pid $(cat "$PIDFILE"), on 127.0.0.1:$PORT"
}

stop() {
  if [ ! -s "$PIDFILE" ]; then log "no pid file $PIDFILE; nothing to stop"; return 0; fi
  local pid; pid=$(cat "$PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { log "registry $pid still running after 10s"; exit 1; }
    log "registry $pid stopped"
  fi
  rm -rf "$PIDFILE" "$DATA"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if ours && answers; then echo "registry $(cat "$PIDFILE") on 127.0.0.1:$PORT"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
