#!/usr/bin/env bash
# Ingest on MongoDB: tradeagg on the MongoDB backend against the reference design's own
# write path and against the database's ceiling, measured in one run against one FerretDB v1.24.2
# (the MongoDB wire protocol over SQLite; scripts/ferretdb.sh builds it), a fresh database for
# each measurement, with `tradeagg loadgen`:
#
#   (a)  tradeagg on MongoDB, one trade per request, closed loop, 64 connections: trades/s, p50, p99
#   (c)  FastAPI + pydantic (uvicorn, 2 workers; bench/peers/fastapi_mongo.py): the validation of
#        bench/peers/fastapi_validator.py, then one pymongo insert_one per trade into `trades`
#        (tradeagg's documents and indexes), same loadgen settings as (a), --token none
#   (a0) tradeagg on SQLite (the default store), same settings as (a)
#   (b)  tradeagg on MongoDB, batches of 1000 trades on 4 connections: trades/s
#   (d)  the server's own ceiling: pymongo insert_many(ordered=False) of the same documents in
#        batches of 1000, same indexes and write concern (bench/peers/pymongo_ceiling.py): documents/s
#   (e)  the same in batches of 64 (CONNECTIONS): the most any writer can store from single-trade
#        requests on 64 connections, which bounds (a)
#   (f)  (e) plus one journaled single-document write per batch: the least a writer does that
#        makes each group visible all at once without transactions; (f)/(c) bounds (a)/(c)
#   (b0) tradeagg on SQLite, same settings as (b)
#
# in that order (each ratio's two sides measured next to each other), and prints a markdown table
# with the ratios and targets: (a)/(c) >= 10, (b)/(d) >= 0.7; (a)/(a0) and (b)/(b0) for information.
# Every MongoDB writer uses the same write concern: WRITE_CONCERN (majority by default), journaled;
# tradeagg gets it as TRADEAGG_STORE_WRITE_CONCERN, the peers as w=..., j=True.
#
# Usage: bench/mongo_ingest.sh       (from anywhere; builds build-release/ in Release first)
#        SKIP_BUILD=1 TRADEAGG=build/tradeagg bench/mongo_ingest.sh
# Environment (all optional):
#   DURATION=10 WARMUP=2            seconds measured / warmed up per measurement (also (d)'s runs)
#   CONNECTIONS=64                  connections for (a), (a0), (c)
#   BATCH=1000 BATCH_CONNECTIONS=4  batch size and connections for (b), (b0); BATCH is (d)'s batch too
#   LOADGEN_THREADS=1               loadgen I/O threads
#   WRITE_CONCERN=majority          "majority" or a number of members, for tradeagg and both peers
#   PEER_WORKERS=2                  uvicorn workers of (c)
#   CEILING_RUNS=1 CEILING_CLIENTS=1   (d): runs (the best is the ceiling) and concurrent inserters
#   BUILD_DIR=build-release SKIP_BUILD=0   where tradeagg is built; SKIP_BUILD=1 uses it as it is
#   TRADEAGG=$BUILD_DIR/tradeagg    the binary under test (serve) and the load generator (loadgen)
#   LOADGEN=$TRADEAGG               a binary with the `loadgen` sub-command, if not $TRADEAGG
#   SKIP_SQLITE=0 SKIP_FASTAPI=0 SKIP_CEILING=0
#   COUNT_STORED=1                  log how many documents each measurement left in its database
#                                   (between measurements; FerretDB counts slowly, 0 skips it)
#   VENV=.venv                      Python with fastapi, uvicorn, pymongo (scripts/setup.sh)
#   FERRETDB=${TRADEAGG_FERRETDB:-${TRADEAGG_CACHE:-~/.cache/tradeagg}/ferretdb-v1.24.2/bin/ferretdb}
#   LAKE_ENABLED=true               tradeagg's lake exporter (its default, as in bench/ingest.sh);
#                                   false measures the store path alone (on MongoDB the exporter
#                                   reads the trades back from the same server while it ingests)
# tradeagg runs with its defaults otherwise; other TRADEAGG_* variables in the environment reach it.
# Every server the script starts (FerretDB, each tradeagg, uvicorn) is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
BATCH="${BATCH:-1000}"
BATCH_CONNECTIONS="${BATCH_CONNECTIONS:-4}"
LOADGEN_THREADS="${LOADGEN_THREADS:-1}"
WRITE_CONCERN="${WRITE_CONCERN:-majority}"
PEER_WORKERS="${PEER_WORKERS:-2}"
CEILING_RUNS="${CEILING_RUNS:-1}"
CEILING_CLIENTS="${CEILING_CLIENTS:-1}"
LAKE_ENABLED="${LAKE_ENABLED:-${TRADEAGG_LAKE_ENABLED:-true}}"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-release}"
SKIP_BUILD="${SKIP_BUILD:-0}"
TRADEAGG="${TRADEAGG:-$BUILD_DIR/tradeagg}"
LOADGEN="${LOADGEN:-$TRADEAGG}"
SKIP_SQLITE="${SKIP_SQLITE:-0}"
SKIP_FASTAPI="${SKIP_FASTAPI:-0}"
SKIP_CEILING="${SKIP_CEILING:-0}"
COUNT_STORED="${COUNT_STORED:-1}"
VENV="${VENV:-$ROOT/.venv}"
FERRETDB="${FERRETDB:-${TRADEAGG_FERRETDB:-${TRADEAGG_CACHE:-$HOME/.cache/tradeagg}/ferretdb-v1.24.2/bin/ferretdb}}"
PY="$VENV/bin/python"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tradeagg-mongo-bench.XXXXXX")"
PIDS=()

# shellcheck source=bench/lib/servers.sh
source "$ROOT/bench/lib/servers.sh"

# wait_tcp PID PORT SECONDS: until 127.0.0.1:PORT accepts a connection.
wait_tcp() {
  local pid=$1 port=$2 deadline=$((SECONDS + $3))
  until "$PY" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2).close()' \
      "$port" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "the server on port $port exited"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "nothing listens on port $port"
      return 1
    fi
    sleep 0.1
  done
}

# shellcheck source=bench/lib/measure.sh
source "$ROOT/bench/lib/measure.sh"

# keep KEY NAME: R[KEY_tps|_p50|_p99|_err|_errs] from $WORK/NAME.json.
declare -A R  # results by key; absent = not measured
keep() {
  local key=$1 file="$WORK/$2.json"
  R[${key}_tps]=$(json "$file" 'd["trades_per_s"]')
  R[${key}_p50]=$(json "$file" 'd["latency_ms"]["p50"]')
  R[${key}_p99]=$(json "$file" 'd["latency_ms"]["p99"]')
  R[${key}_err]=$(json "$file" 'd["errors"]')
  R[${key}_errs]=$(json "$file" '", ".join(f"{k} x{v}" for k, v in d["errors_by_status"].items())')
}

# log_stored NAME DATABASE: logs how many documents DATABASE.trades holds (unless COUNT_STORED=0).
log_stored() {
  [[ "$COUNT_STORED" == 1 ]] || return 0
  local n
  n=$("$PY" -c 'import sys; from pymongo import MongoClient
c = MongoClient(sys.argv[1], serverSelectionTimeoutMS=5000)
print(c.get_default_database().trades.estimated_document_count())' "$MONGO/$2" 2>/dev/null || echo "?")
  log "$1: $n documents in $2.trades"
}

# measure_tradeagg KEY NAME STORE_URI [loadgen flags...]: a fresh `tradeagg serve` (its own data directory
# and store) measured once, then stopped; its log is shown if it logged warnings or errors.
measure_tradeagg() {
  local key=$1 name=$2 store=$3
  shift 3
  local port password pid data="$WORK/$name-data"
  port=$(free_port)
  password="bench-$(date +%s)-$RANDOM$RANDOM"
  mkdir -p "$data"
  log "$name: starting tradeagg serve on 127.0.0.1:$port, store $store"
  TRADEAGG_ADMIN_PASSWORD="$password" TRADEAGG_STORE_WRITE_CONCERN="$WRITE_CONCERN" \
    TRADEAGG_LAKE_ENABLED="$LAKE_ENABLED" "$TRADEAGG" serve --data-dir "$data" --store-uri "$store" --listen "127.0.0.1:$port" >"$WORK/$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  if wait_http "$pid" "http://127.0.0.1:$port/healthz" 60; then
    # The load generator logs in as admin with $TRADEAGG_ADMIN_PASSWORD (kept out of the log).
    if TRADEAGG_ADMIN_PASSWORD="$password" loadgen "$name" "http://127.0.0.1:$port" --username admin "$@"; then
      keep "$key" "$name"
    fi
  fi
  stop_server "$pid"
  if grep -qiE 'warn|error|fail|unavailable' "$WORK/$name.log"; then
    log "$name: the server's log has warnings or errors (first 40 lines of them):"
    grep -iE 'warn|error|fail|unavailable' "$WORK/$name.log" | head -40 | sed 's/^/   /' >&2
  fi
  if [[ "$store" == mongodb://* ]]; then
    log_stored "$name" "${store##*/}"
  fi
}

# ---------------------------------------------------------------------------------------------
prepare_tradeagg
if ! has_subcommand "$TRADEAGG" serve --store-uri; then
  log "$TRADEAGG has no serve --store-uri (no MongoDB backend)"
  exit 1
fi
[[ -x "$PY" ]] || { log "no Python venv at $VENV (scripts/setup.sh makes it)"; exit 1; }
"$PY" -c 'import pymongo, fastapi, uvicorn' 2>/dev/null || { log "$VENV lacks pymongo, fastapi or uvicorn"; exit 1; }
[[ -x "$FERRETDB" ]] || { log "no FerretDB at $FERRETDB (scripts/ferretdb.sh builds it)"; exit 1; }

SINGLE_ARGS=(--connections "$CONNECTIONS" --batch 1)
BATCH_ARGS=(--connections "$BATCH_CONNECTIONS" --batch "$BATCH")

# One FerretDB for every measurement, as tests/system/store_backend.py starts it: SQLite files in
# a directory of its own, a free loopback port, no telemetry. Each measurement gets a database.
port=$(free_port)
mkdir -p "$WORK/ferretdb"
log "starting FerretDB ($("$FERRETDB" --version 2>/dev/null | awk '/^version/ {print $2}')) on 127.0.0.1:$port"
"$FERRETDB" --handler=sqlite --sqlite-url="file:$WORK/ferretdb/" --listen-addr="127.0.0.1:$port" \
  --state-dir="$WORK/ferretdb" --telemetry=disable --debug-addr=127.0.0.1:0 --log-level=error \
  </dev/null >"$WORK/ferretdb.log" 2>&1 &
FERRETDB_PID=$!
PIDS+=("$FERRETDB_PID")
if ! wait_tcp "$FERRETDB_PID" "$port" 30; then
  sed 's/^/   /' "$WORK/ferretdb.log" >&2
  exit 1
fi
MONGO="mongodb://127.0.0.1:$port"
RUN="$(date +%s)"

# (a) tradeagg on MongoDB, one trade per request ---------------------------------------------
measure_tradeagg a tradeagg-mongo-single "$MONGO/bench_a_$RUN" "${SINGLE_ARGS[@]}"

# (c) FastAPI + pydantic + pymongo insert_one ---------------------------------------------------
if [[ "$SKIP_FASTAPI" != 1 ]]; then
  peer_port=$(free_port)
  db="bench_c_$RUN"
  log "fastapi-mongo: starting uvicorn ($PEER_WORKERS workers) on 127.0.0.1:$peer_port, database $db"
  PEER_MONGO_URI="$MONGO/$db" PEER_WRITE_CONCERN="$WRITE_CONCERN" \
    "$VENV/bin/uvicorn" --app-dir "$ROOT/bench/peers" fastapi_mongo:app --host 127.0.0.1 --port "$peer_port" \
    --workers "$PEER_WORKERS" --no-access-log --log-level warning >"$WORK/fastapi-mongo.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  if wait_http "$pid" "http://127.0.0.1:$peer_port/healthz" 60; then
    # Both workers create the indexes at start: give the second one time to be up too.
    sleep 1
    if loadgen fastapi-mongo "http://127.0.0.1:$peer_port" --token none "${SINGLE_ARGS[@]}"; then
      keep c fastapi-mongo
    fi
  fi
  stop_server "$pid"
  if [[ -s "$WORK/fastapi-mongo.log" ]]; then
    log "fastapi-mongo: uvicorn's log (last 20 lines):"
    tail -20 "$WORK/fastapi-mongo.log" | sed 's/^/   /' >&2
  fi
  log_stored fastapi-mongo "$db"
else
  log "(c) FastAPI + pymongo not measured"
fi

# (a0) tradeagg on SQLite, one trade per request ------------------------------------------------
if [[ "$SKIP_SQLITE" != 1 ]]; then
  measure_tradeagg a0 tradeagg-sqlite-single sqlite "${SINGLE_ARGS[@]}"
fi

# (b) tradeagg on MongoDB, batches ---------------------------------------------------------------
measure_tradeagg b tradeagg-mongo-batch "$MONGO/bench_b_$RUN" "${BATCH_ARGS[@]}"

# (d) the server's ceiling: pymongo insert_many; (e) the same in batches of $CONNECTIONS -----------
# (e) is the most any writer can store with single-trade requests on $CONNECTIONS connections: no
# group can hold more than one trade per connection, and FerretDB commits one write at a time.
measure_ceiling() {
  local key=$1 batch=$2 db="bench_${1}_$RUN" extra=("${@:3}")
  log "pymongo-ceiling: insert_many(ordered=False) of $batch, $CEILING_CLIENTS client(s), $CEILING_RUNS run(s), database $db"
  if "$PY" "$ROOT/bench/peers/pymongo_ceiling.py" --uri "$MONGO/$db" --duration "$DURATION" --warmup "$WARMUP" \
      --runs "$CEILING_RUNS" --batch "$batch" --clients "$CEILING_CLIENTS" --write-concern "$WRITE_CONCERN" \
      "${extra[@]}" --report-json "$WORK/ceiling-$key.json" >"$WORK/ceiling-$key.txt" 2>&1; then
    R[${key}_tps]=$(json "$WORK/ceiling-$key.json" 'd["docs_per_s"]')
    R[${key}_median]=$(json "$WORK/ceiling-$key.json" 'd["median_docs_per_s"]')
    R[${key}_p50]=$(json "$WORK/ceiling-$key.json" 'd["runs"][0]["batch_ms"]["p50"]')
    R[${key}_p99]=$(json "$WORK/ceiling-$key.json" 'd["runs"][0]["batch_ms"]["p99"]')
  fi
  sed 's/^/   /' "$WORK/ceiling-$key.txt" >&2
  log_stored pymongo-ceiling "$db"
}
if [[ "$SKIP_CEILING" != 1 ]]; then
  measure_ceiling d "$BATCH"
  measure_ceiling e "$CONNECTIONS"
  measure_ceiling f "$CONNECTIONS" --commit-write
else
  log "(d), (e) the pymongo ceilings not measured"
fi

# (b0) tradeagg on SQLite, batches ---------------------------------------------------------------
if [[ "$SKIP_SQLITE" != 1 ]]; then
  measure_tradeagg b0 tradeagg-sqlite-batch sqlite "${BATCH_ARGS[@]}"
fi

stop_server "$FERRETDB_PID"
if grep -q . "$WORK/ferretdb.log"; then
  log "FerretDB's log (last 20 lines):"
  tail -20 "$WORK/ferretdb.log" | sed 's/^/   /' >&2
fi

# The table ------------------------------------------------------------------------------------
val() { echo "${R[$1]:-}"; }
# fmt NUMBER: thousands separators, no decimals ("61234.5" -> "61,235").
fmt() { "$PY" -c 'import sys; print(f"{float(sys.argv[1]):,.0f}")' "$1"; }
# check EXPRESSION: PASS / FAIL, or "–" when a figure is missing.
check() { "$PY" -c 'import sys; print("PASS" if eval(sys.argv[1]) else "FAIL")' "$1" 2>/dev/null || echo "–"; }
ratio() { "$PY" -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}x")' "$1" "$2" 2>/dev/null || echo "not measured"; }
errors() { [[ -n "$(val "${1}_err")" && "$(val "${1}_err")" != 0 ]] && echo " ($(val "${1}_err") errors: $(val "${1}_errs"))" || true; }
# rate KEY UNIT: "12,345 trades/s, p50 1.2 ms, p99 3.4 ms (n errors: 503: n)" from R[KEY_*], or "not measured".
rate() {
  local key=$1 unit=$2
  if [[ -z "$(val "${key}_tps")" ]]; then echo "not measured"; return; fi
  local text
  text="$(fmt "$(val "${key}_tps")") $unit"
  [[ -n "$(val "${key}_p50")" ]] && text+=", p50 $(val "${key}_p50") ms"
  [[ -n "$(val "${key}_p99")" ]] && text+=", p99 $(val "${key}_p99") ms"
  echo "$text$(errors "$key")"
}
ceiling() {
  local key=$1
  if [[ -z "$(val "${key}_tps")" ]]; then echo "not measured"; return; fi
  local text
  text="$(fmt "$(val "${key}_tps")") documents/s"
  if ((CEILING_RUNS > 1)); then
    text+=" (best of $CEILING_RUNS; median $(fmt "$(val "${key}_median")"))"
  else
    text+=", batch p50 $(val "${key}_p50") ms, p99 $(val "${key}_p99") ms"
  fi
  echo "$text"
}

cpu=$(nproc 2>/dev/null || echo "?")
echo
echo "Ingest on MongoDB, $(date -u +%Y-%m-%dT%H:%MZ), $cpu CPUs, FerretDB $("$FERRETDB" --version 2>/dev/null | awk '/^version/ {print $2}') (SQLite handler), write concern w=$WRITE_CONCERN j=true, tradeagg's lake exporter $([[ "$LAKE_ENABLED" == true ]] && echo on || echo "off ($LAKE_ENABLED)"), loadgen ${LOADGEN_THREADS} thread(s), ${DURATION}s measured after ${WARMUP}s warm-up, a fresh database per measurement"
echo
echo "| measurement | result | target | |"
echo "| --- | --- | --- | --- |"
echo "| (a) tradeagg on MongoDB, 1 trade/request, $CONNECTIONS connections, closed loop | $(rate a trades/s) | | |"
echo "| (a0) tradeagg on SQLite, same settings as (a) | $(rate a0 trades/s) | | |"
echo "| (c) FastAPI + pydantic + pymongo insert_one (uvicorn, $PEER_WORKERS workers), same settings as (a) | $(rate c trades/s) | | |"
echo "| (b) tradeagg on MongoDB, $BATCH trades/request, $BATCH_CONNECTIONS connections | $(rate b trades/s) | | |"
echo "| (b0) tradeagg on SQLite, same settings as (b) | $(rate b0 trades/s) | | |"
echo "| (d) pymongo insert_many(ordered=False), $BATCH documents/batch, $CEILING_CLIENTS client(s) | $(ceiling d) | | |"
echo "| (e) the same in batches of $CONNECTIONS (the largest group (a)'s connections can form) | $(ceiling e) | | |"
echo "| (f) (e) plus one journaled commit write per batch (the least an all-or-nothing writer does) | $(ceiling f) | | |"
echo "| (a) / (c) tradeagg vs FastAPI + pymongo | $(ratio "$(val a_tps)" "$(val c_tps)") | ≥ 10x | $(check "$(val a_tps) / $(val c_tps) >= 10") |"
echo "| (b) / (d) tradeagg batches vs the server's ceiling | $(ratio "$(val b_tps)" "$(val d_tps)") | ≥ 0.7x | $(check "$(val b_tps) / $(val d_tps) >= 0.7") |"
echo "| (e) / (c) the most any writer could reach over (c) at (a)'s settings | $(ratio "$(val e_tps)" "$(val c_tps)") | (bounds (a) / (c)) | |"
echo "| (f) / (c) the most any all-or-nothing writer could reach over (c) at (a)'s settings | $(ratio "$(val f_tps)" "$(val c_tps)") | (bounds (a) / (c)) | |"
echo "| (a) / (f) tradeagg single trades vs that bound | $(ratio "$(val a_tps)" "$(val f_tps)") | (information) | |"
echo "| (a) / (a0) MongoDB vs SQLite, 1 trade/request | $(ratio "$(val a_tps)" "$(val a0_tps)") | (information) | |"
echo "| (b) / (b0) MongoDB vs SQLite, batches | $(ratio "$(val b_tps)" "$(val b0_tps)") | (information) | |"
