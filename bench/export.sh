#!/usr/bin/env bash
# Lake export benchmark (issue 3), measured in one run on this machine:
#   (e) tradeagg: `tradeagg lake export` of N stored trades into tradeagg.trades (one snapshot):
#       trades/s from store to committed snapshot, and the commit step's latency;
#   (f) PyIceberg: the same trades, read from the store into Arrow, then table.append to a table
#       of the same schema and partitioning (bench/export_peer.py);
#   (g) lag: the server exporting in the background under a steady load of RATE trades/s: how long
#       after its acknowledgement a trade is in a committed snapshot (sampled from GET /v1/lake).
# Usage: bench/export.sh   (uses build/tradeagg; scripts/build.sh builds it)
# Environment: TRADES=1000000 (about; loaded for TRADES/100,000 s) RATE=50000 LAG_SECONDS=20 TRADEAGG=build/tradeagg VENV=.venv
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRADES="${TRADES:-1000000}"
RATE="${RATE:-50000}"
LAG_SECONDS="${LAG_SECONDS:-20}"
TRADEAGG="${TRADEAGG:-$ROOT/build/tradeagg}"
PY="${VENV:-$ROOT/.venv}/bin/python"
WORK="$(mktemp -d)"
PASSWORD="bench-$RANDOM$RANDOM"
export TRADEAGG_ADMIN_PASSWORD="$PASSWORD"
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_server() {  # data-dir, extra env
  local port; port=$(free_port)
  env "${@:2}" "$TRADEAGG" serve --data-dir "$1" --listen "127.0.0.1:$port" >"$WORK/server.log" 2>&1 &
  server=$!
  URL="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -fs "$URL/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$WORK/server.log" >&2; exit 1
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

echo "== loading $TRADES trades (lake off) ==" >&2
start_server "$WORK/data" TRADEAGG_LAKE_ENABLED=false
# Batched submission runs at roughly 100,000 trades/s here; load for about that long.
duration=$(( (TRADES + 99999) / 100000 ))
"$TRADEAGG" loadgen --url "$URL" --batch 1000 --connections 4 --duration "$duration" --warmup 0 --quiet \
  >/dev/null 2>&1 || true
stop_server
loaded=$("$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from trades').fetchone()[0])" "$WORK/data/tradeagg.db")
echo "   $loaded trades in the store" >&2

echo "== (e) tradeagg lake export ==" >&2
start=$(date +%s.%N)
export_line=$(TRADEAGG_LAKE_ENABLED=true "$TRADEAGG" lake export --data-dir "$WORK/data")
end=$(date +%s.%N)
echo "   $export_line" >&2
e_seconds=$(echo "$end - $start" | bc -l)

echo "== (f) PyIceberg table.append ==" >&2
exported=$(echo "$export_line" | sed -E 's/^exported ([0-9]+) trades.*/\1/')
peer=$("$PY" "$ROOT/bench/export_peer.py" "$WORK/data/tradeagg.db" "$WORK" "$exported")
echo "   $peer" >&2

echo "== (g) lag under $RATE trades/s for $LAG_SECONDS s ==" >&2
start_server "$WORK/lagdata" TRADEAGG_LAKE_ENABLED=true
"$PY" "$ROOT/bench/lake_lag.py" "$URL" "$PASSWORD" "$LAG_SECONDS" > "$WORK/lag.json" &
sampler=$!
"$TRADEAGG" loadgen --url "$URL" --batch 100 --connections 8 --rate "$RATE" --duration "$LAG_SECONDS" --warmup 0 \
  --quiet > "$WORK/lag-load.txt" 2>&1 || true
wait "$sampler"
stop_server

"$PY" - "$exported" "$e_seconds" "$export_line" "$peer" "$WORK/lag.json" "$RATE" "$WORK/lag-load.txt" <<'PYEOF'
import json, re, sys
exported, e_s, line, peer, lag_path, rate, load_path = sys.argv[1:]
exported, e_s = int(exported), float(e_s)
commit_ms = int(re.search(r"commit (\d+) ms", line).group(1))
peer = json.loads(peer)
lag = json.load(open(lag_path))
achieved = re.search(r"trades/s\s+([\d.]+)", open(load_path).read())
ours = exported / e_s
assert peer["trades"] == exported, "both paths must write the same trades"
theirs = peer["trades"] / peer["append_s"]
theirs_total = peer["trades"] / (peer["append_s"] + peer["read_s"])
print(f"\nLake export benchmark, {exported:,} trades\n")
print("| measurement | result | target | |\n| --- | --- | --- | --- |")
print(f"| (e) tradeagg `lake export` (store → committed snapshot, whole process) | {ours:,.0f} trades/s ({e_s:.2f} s), commit step {commit_ms} ms | | |")
print(f"| (f) PyIceberg `table.append` of the same trades (Arrow in memory) | {theirs:,.0f} trades/s ({peer['append_s']:.2f} s) | | |")
print(f"| (f') PyIceberg, reading the store into Arrow included | {theirs_total:,.0f} trades/s ({peer['read_s'] + peer['append_s']:.2f} s) | | |")
print(f"| (e) / (f'): the same job, store → committed snapshot | {ours / theirs_total:.1f}× | ≥ 5× | {'PASS' if ours / theirs_total >= 5 else 'FAIL'} |")
print(f"| (e) / (f): against PyIceberg's append alone, its input already in memory | {ours / theirs:.1f}× | ≥ 5× | {'PASS' if ours / theirs >= 5 else 'FAIL'} |")
print(f"| (g) lag at {float(achieved.group(1)) if achieved else 0:,.0f} trades/s achieved ({rate} offered): acknowledged → in a committed snapshot | max {lag['max_delay_s']:.2f} s, p50 {lag['p50_delay_s']:.2f} s over {lag['samples']} samples | ≤ 5 s | {'PASS' if lag['max_delay_s'] <= 5 else 'FAIL'} |")
PYEOF
