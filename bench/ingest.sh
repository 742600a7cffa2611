#!/usr/bin/env bash
# Ingest benchmark (issue 2): tradeagg against two peers, measured in one run with `tradeagg loadgen`.
#
#   (a) tradeagg, one trade per request, keep-alive, closed loop at the maximum rate: req/s, p50, p99;
#       then the open loop at half that rate: p99 (latency from the intended send time)
#   (b) tradeagg, batches of 1000 trades on a few connections: trades/s
#   (c) nginx answering a static 200 of the same size, same loadgen settings as (a): req/s
#   (d) FastAPI + pydantic doing the same validation (no database), same settings as (a): req/s
#
# and prints a markdown table with the ratios and the targets:
#   (a) >= 0.5 x nginx, (a) >= 10 x FastAPI, p99 < 10 ms at half the maximum rate, (b) >= 300,000 trades/s.
#
# Usage: bench/ingest.sh            (from anywhere; builds build/ in Release first)
# Environment (all optional):
#   DURATION=10 WARMUP=2            seconds measured / warmed up per measurement
#   CONNECTIONS=64                  connections for (a), (c), (d)
#   BATCH=1000 BATCH_CONNECTIONS=4  batch size and connections for (b)
#   LOADGEN_THREADS=1               loadgen I/O threads
#   BUILD_DIR=build-release SKIP_BUILD=0   where tradeagg is built; SKIP_BUILD=1 uses it as it is
#   TRADEAGG=$BUILD_DIR/tradeagg    the binary under test (serve) and the load generator (loadgen)
#   LOADGEN=$TRADEAGG               a binary with the `loadgen` sub-command, if not $TRADEAGG
#   SKIP_TRADEAGG=0 SKIP_NGINX=0 SKIP_FASTAPI=0 WRK=1 (wrk cross-check against nginx, if installed)
#   VENV=.venv NGINX=/usr/sbin/nginx
# Every server the script starts is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
BATCH="${BATCH:-1000}"
BATCH_CONNECTIONS="${BATCH_CONNECTIONS:-4}"
LOADGEN_THREADS="${LOADGEN_THREADS:-1}"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-release}"
SKIP_BUILD="${SKIP_BUILD:-0}"
TRADEAGG="${TRADEAGG:-$BUILD_DIR/tradeagg}"
LOADGEN="${LOADGEN:-$TRADEAGG}"
SKIP_TRADEAGG="${SKIP_TRADEAGG:-0}"
SKIP_NGINX="${SKIP_NGINX:-0}"
SKIP_FASTAPI="${SKIP_FASTAPI:-0}"
WRK="${WRK:-1}"
VENV="${VENV:-$ROOT/.venv}"
NGINX="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
PY="$VENV/bin/python"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tradeagg-bench.XXXXXX")"
PIDS=()

# shellcheck source=bench/lib/servers.sh
source "$ROOT/bench/lib/servers.sh"

# shellcheck source=bench/lib/measure.sh
source "$ROOT/bench/lib/measure.sh"

# ---------------------------------------------------------------------------------------------
prepare_tradeagg
[[ -x "$PY" ]] || { log "no Python venv at $VENV (scripts/setup.sh makes it)"; exit 1; }

declare -A R  # results by key; absent = not measured
SINGLE_ARGS=(--connections "$CONNECTIONS" --batch 1)

# (a) and (b): tradeagg ------------------------------------------------------------------------
if [[ "$SKIP_TRADEAGG" != 1 ]] && has_subcommand "$TRADEAGG" serve --listen; then
  port=$(free_port)
  password="bench-$(date +%s)-$RANDOM$RANDOM"
  mkdir -p "$WORK/tradeagg-data"
  log "starting tradeagg serve on 127.0.0.1:$port"
  TRADEAGG_ADMIN_PASSWORD="$password" "$TRADEAGG" serve --data-dir "$WORK/tradeagg-data" \
    --listen "127.0.0.1:$port" >"$WORK/tradeagg.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  if wait_http "$pid" "http://127.0.0.1:$port/healthz" 30; then
    url="http://127.0.0.1:$port"
    # The load generator logs in as admin with $TRADEAGG_ADMIN_PASSWORD (kept out of the log).
    export TRADEAGG_ADMIN_PASSWORD="$password"
    auth=(--username admin)
    if loadgen tradeagg-closed "$url" "${auth[@]}" "${SINGLE_ARGS[@]}"; then
      R[a_rps]=$(json "$WORK/tradeagg-closed.json" 'd["requests_per_s"]')
      R[a_p50]=$(json "$WORK/tradeagg-closed.json" 'd["latency_ms"]["p50"]')
      R[a_p99]=$(json "$WORK/tradeagg-closed.json" 'd["latency_ms"]["p99"]')
      R[a_err]=$(json "$WORK/tradeagg-closed.json" 'd["errors"]')
      R[half]=$(json "$WORK/tradeagg-closed.json" 'max(1, int(d["requests_per_s"] / 2))')
      if loadgen tradeagg-open "$url" "${auth[@]}" "${SINGLE_ARGS[@]}" --rate "${R[half]}"; then
        R[open_rps]=$(json "$WORK/tradeagg-open.json" 'd["requests_per_s"]')
        R[open_p50]=$(json "$WORK/tradeagg-open.json" 'd["latency_ms"]["p50"]')
        R[open_p99]=$(json "$WORK/tradeagg-open.json" 'd["latency_ms"]["p99"]')
        R[open_err]=$(json "$WORK/tradeagg-open.json" 'd["errors"]')
      fi
    fi
    if loadgen tradeagg-batch "$url" "${auth[@]}" --connections "$BATCH_CONNECTIONS" --batch "$BATCH"; then
      R[b_tps]=$(json "$WORK/tradeagg-batch.json" 'd["trades_per_s"]')
      R[b_p99]=$(json "$WORK/tradeagg-batch.json" 'd["latency_ms"]["p99"]')
      R[b_err]=$(json "$WORK/tradeagg-batch.json" 'd["errors"]')
    fi
    unset TRADEAGG_ADMIN_PASSWORD
  else
    sed 's/^/   /' "$WORK/tradeagg.log" >&2
  fi
  stop_server "$pid"
else
  log "tradeagg serve not measured (SKIP_TRADEAGG=1 or $TRADEAGG has no serve sub-command)"
fi

# (c): nginx -----------------------------------------------------------------------------------
if [[ "$SKIP_NGINX" != 1 && -x "$NGINX" ]]; then
  port=$(free_port)
  mkdir -p "$WORK/nginx"
  sed -e "s#@PORT@#$port#g" -e "s#@PREFIX@#$WORK/nginx#g" "$ROOT/bench/peers/nginx.conf" >"$WORK/nginx/nginx.conf"
  log "starting nginx on 127.0.0.1:$port"
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  if wait_http "$pid" "http://127.0.0.1:$port/healthz" 10; then
    if loadgen nginx "http://127.0.0.1:$port" --token none "${SINGLE_ARGS[@]}"; then
      R[c_rps]=$(json "$WORK/nginx.json" 'd["requests_per_s"]')
      R[c_p50]=$(json "$WORK/nginx.json" 'd["latency_ms"]["p50"]')
      R[c_p99]=$(json "$WORK/nginx.json" 'd["latency_ms"]["p99"]')
      R[c_err]=$(json "$WORK/nginx.json" 'd["errors"]')
    fi
    # Cross-check that the load generator is not the bottleneck: wrk, the same body, same connections.
    if [[ "$WRK" == 1 ]] && command -v wrk >/dev/null; then
      cat >"$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"trade_id":"LGMK4Q2Z7H1C.1F3K-17-123456","participant":"M007","counterparty":"M012","instrument":"GB00B03MLX29","side":"BUY","quantity":1234,"price":"101.250","currency":"GBP"}'
wrk.headers["Content-Type"] = "application/json"
LUA
      log "nginx: wrk -t2 -c$CONNECTIONS -d${DURATION}s (cross-check)"
      wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$port/v1/trades" \
        >"$WORK/wrk.txt" 2>&1 || true
      sed 's/^/   /' "$WORK/wrk.txt" >&2
      R[wrk_rps]=$(awk '/^Requests\/sec/ {printf "%.1f", $2}' "$WORK/wrk.txt")
    fi
  else
    sed 's/^/   /' "$WORK/nginx.log" >&2
  fi
  stop_server "$pid"
else
  log "nginx not measured"
fi

# (d): FastAPI ---------------------------------------------------------------------------------
if [[ "$SKIP_FASTAPI" != 1 && -x "$VENV/bin/uvicorn" ]]; then
  port=$(free_port)
  log "starting FastAPI (uvicorn, 2 workers) on 127.0.0.1:$port"
  "$VENV/bin/uvicorn" --app-dir "$ROOT/bench/peers" fastapi_validator:app --host 127.0.0.1 --port "$port" \
    --workers 2 --no-access-log --log-level warning >"$WORK/fastapi.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  if wait_http "$pid" "http://127.0.0.1:$port/healthz" 30; then
    if loadgen fastapi "http://127.0.0.1:$port" --token none "${SINGLE_ARGS[@]}"; then
      R[d_rps]=$(json "$WORK/fastapi.json" 'd["requests_per_s"]')
      R[d_p50]=$(json "$WORK/fastapi.json" 'd["latency_ms"]["p50"]')
      R[d_p99]=$(json "$WORK/fastapi.json" 'd["latency_ms"]["p99"]')
      R[d_err]=$(json "$WORK/fastapi.json" 'd["errors"]')
    fi
  else
    sed 's/^/   /' "$WORK/fastapi.log" >&2
  fi
  stop_server "$pid"
else
  log "FastAPI not measured"
fi

# The table ------------------------------------------------------------------------------------
val() { echo "${R[$1]:-}"; }
# fmt NUMBER: thousands separators, no decimals ("61234.5" -> "61,235").
fmt() { "$PY" -c 'import sys; print(f"{float(sys.argv[1]):,.0f}")' "$1"; }
# check EXPRESSION: PASS / FAIL, or "–" when a figure is missing.
check() { "$PY" -c 'import sys; print("PASS" if eval(sys.argv[1]) else "FAIL")' "$1" 2>/dev/null || echo "–"; }
ratio() { "$PY" -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}x")' "$1" "$2" 2>/dev/null || echo "not measured"; }
errors() { [[ -n "$(val "$1")" && "$(val "$1")" != 0 ]] && echo " ($(val "$1") errors)" || true; }
# rate KEY PREFIX UNIT: "12,345 req/s, p50 1.2 ms, p99 3.4 ms (n errors)" from R[PREFIX_*], or "not measured".
rate() {
  local key=$1 prefix=$2 unit=$3
  if [[ -z "$(val "$key")" ]]; then echo "not measured"; return; fi
  local text
  text="$(fmt "$(val "$key")") $unit"
  [[ -n "$(val "${prefix}_p50")" ]] && text+=", p50 $(val "${prefix}_p50") ms"
  [[ -n "$(val "${prefix}_p99")" ]] && text+=", p99 $(val "${prefix}_p99") ms"
  echo "$text$(errors "${prefix}_err")"
}
open_result() {
  if [[ -z "$(val open_p99)" ]]; then echo "not measured"; return; fi
  echo "p50 $(val open_p50) ms, p99 $(val open_p99) ms$(errors open_err)"
}
half_text() { [[ -n "$(val half)" ]] && echo " ($(fmt "$(val half)") req/s)" || true; }

cpu=$(nproc 2>/dev/null || echo "?")
echo
echo "Ingest benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $cpu CPUs, loadgen ${LOADGEN_THREADS} thread(s), ${DURATION}s measured after ${WARMUP}s warm-up"
echo
echo "| measurement | result | target | |"
echo "| --- | --- | --- | --- |"
echo "| (a) tradeagg, 1 trade/request, $CONNECTIONS connections, closed loop | $(rate a_rps a req/s) | | |"
echo "| (a) tradeagg, open loop at half that rate$(half_text) | $(open_result) | p99 < 10 ms | $(check "$(val open_p99) < 10") |"
echo "| (b) tradeagg, $BATCH trades/request, $BATCH_CONNECTIONS connections | $(rate b_tps b trades/s) | ≥ 300,000 trades/s | $(check "$(val b_tps) >= 300000") |"
echo "| (c) nginx, static 200, same settings as (a) | $(rate c_rps c req/s) | | |"
if [[ -n "$(val wrk_rps)" ]]; then
  echo "| (c') nginx measured by wrk -t2 -c$CONNECTIONS (cross-check of the load generator) | $(fmt "$(val wrk_rps)") req/s | | |"
fi
echo "| (d) FastAPI + pydantic (uvicorn, 2 workers), same settings as (a) | $(rate d_rps d req/s) | | |"
echo "| (a) / (c) tradeagg vs nginx | $(ratio "$(val a_rps)" "$(val c_rps)") | ≥ 0.5x | $(check "$(val a_rps) / $(val c_rps) >= 0.5") |"
echo "| (a) / (d) tradeagg vs FastAPI | $(ratio "$(val a_rps)" "$(val d_rps)") | ≥ 10x | $(check "$(val a_rps) / $(val d_rps) >= 10") |"
