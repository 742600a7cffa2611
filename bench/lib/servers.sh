# Shared by the benchmark scripts: logging, the servers they start (kept in PIDS, all stopped
# on exit, with WORK removed), free ports and readiness waits. The caller sets WORK, PY and
# PIDS=() before sourcing this file.

log() { echo "== $*" >&2; }

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Stops one server the script started (by its pid) and forgets it.
stop_server() {
  local pid=$1 keep=() p
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [[ "$p" != "$pid" ]] && keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http PID URL SECONDS: until URL answers 2xx; fails early if the server PID has exited.
wait_http() {
  local pid=$1 url=$2 deadline=$((SECONDS + $3))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the server for $url exited"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "no answer from $url"
      return 1
    fi
    sleep 0.2
  done
}
