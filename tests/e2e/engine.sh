#!/usr/bin/env bash
# engine.sh start|stop [--force]|status — run a real Docker engine on this machine for the e2e tests.
#
# start: installs docker.io, debootstrap and curl with apt-get if they are missing (waits up to
#        600 s for the dpkg lock), starts /usr/sbin/dockerd in the background, writes its PID to
#        $STAGEC_E2E_STATE/dockerd.pid (default /tmp/stagec-e2e) and its log to dockerd.log there,
#        then waits until `docker info` answers (timeout $ENGINE_TIMEOUT s, default 60).
#        If a daemon already answers, nothing is started: when it is the one an earlier `start`
#        launched, this start is counted as one more user of it (users file in the state dir).
# stop:  drops one user; when none is left, kills exactly the PID written by `start` and waits
#        for it to exit (`stop --force` kills it regardless of users). A daemon this script did not
#        start is never touched. So nested or concurrent start/stop pairs (a developer's session
#        and a test run on the same machine) do not pull the engine from under each other.
# Assumes: Debian 12, run as root, Debian's package mirror reachable. Always uses /usr/bin/docker
# (Debian's 20.10 client, which has BuildKit) — never /usr/local/bin/docker.
set -euo pipefail

STATE=${STAGEC_E2E_STATE:-/tmp/stagec-e2e}
PIDFILE=$STATE/dockerd.pid
USERS=$STATE/dockerd.users
LOCK=$STATE/dockerd.lock
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

ours() { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
users() { if [ -s "$USERS" ]; then cat "$USERS"; elif ours; then echo 1; else echo 0; fi; }

start() {
  install_missing
  mkdir -p "$STATE"
  exec 9>"$LOCK"; flock -w 120 9 || { log "FAILED: could not lock $LOCK"; exit 1; }
  if "$DOCKER" info >/dev/null 2>&1; then
    if ours; then
      echo $(( $(users) + 1 )) >"$USERS"
      log "dockerd $(cat "$PIDFILE") (started by engine.sh) already answers; users now $(cat "$USERS")"
    else
      log "a docker daemon not started by engine.sh already answers; using it, never stopping it"
    fi
    return 0
  fi
  rm -f "$PIDFILE" "$USERS"
  local t0=$SECONDS
  /usr/sbin/dockerd >"$LOG" 2>&1 9>&- &   # 9>&-: the daemon must not keep the lock
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
  echo 1 >"$USERS"
  log "ready after $((SECONDS - t0))s"
}

stop() {
  mkdir -p "$STATE"
  exec 9>"$LOCK"; flock -w 120 9 || { log "FAILED: could not lock $LOCK"; exit 1; }
  if [ ! -s "$PIDFILE" ]; then log "no pid file $PIDFILE; nothing to stop"; return 0; fi
  local pid n; pid=$(cat "$PIDFILE")
  n=$(( $(users) - 1 ))
  if [ "${1:-}" != --force ] && [ $n -gt 0 ] && ours; then
    echo $n >"$USERS"
    log "dockerd $pid still has $n other user(s); left running (stop --force kills it)"
    return 0
  fi
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "dockerd $pid still running after 30s"; exit 1; fi
    log "dockerd $pid stopped"
  else
    log "dockerd $pid was not running"
  fi
  rm -f "$PIDFILE" "$USERS"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  status) "$DOCKER" info --format '{{.ServerVersion}} {{.Driver}}'; echo "users: $(users)" ;;
  *) echo "usage: $0 start|stop [--force]|status" >&2; exit 2 ;;
esac
