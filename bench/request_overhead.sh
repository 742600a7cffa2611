#!/usr/bin/env bash
# Request overhead benchmark (issue 12): what the operations features cost one request —
# request ids, the per-route metrics, the in-flight count for a graceful stop — measured as
# tradeagg before them (BASE_TRADEAGG, built from a revision without them) against this build,
# both serving at once, one trade per request on 64 keep-alive connections, in alternating
# rounds (and alternating who goes first) so that the machine's drift hits both alike. Prints each round and the ratio
# (this build / base) of the medians.
#
# Usage: BASE_TRADEAGG=/path/to/old/tradeagg bench/request_overhead.sh
#   e.g.  git worktree add /tmp/base f2e7272 && cmake -S /tmp/base -B /tmp/base/build -G Ninja \
#           -DCMAKE_BUILD_TYPE=RelWithDebInfo && ninja -C /tmp/base/build tradeagg
# Environment: ROUNDS=6 DURATION=5 WARMUP=1 CONNECTIONS=64 TRADEAGG=build/tradeagg
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-6}"
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-1}"
CONNECTIONS="${CONNECTIONS:-64}"
LOADGEN_THREADS="${LOADGEN_THREADS:-1}"
TRADEAGG="${TRADEAGG:-$ROOT/build/tradeagg}"
LOADGEN="${LOADGEN:-$TRADEAGG}"
BASE_TRADEAGG="${BASE_TRADEAGG:?set BASE_TRADEAGG to a tradeagg built without the operations features}"
SKIP_BUILD=1
BUILD_DIR="$ROOT/build"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tradeagg-bench.XXXXXX")"
PIDS=()

# shellcheck source=bench/lib/servers.sh
source "$ROOT/bench/lib/servers.sh"
# shellcheck source=bench/lib/measure.sh
source "$ROOT/bench/lib/measure.sh"

prepare_tradeagg
password="bench-$(date +%s)-$RANDOM$RANDOM"
export TRADEAGG_ADMIN_PASSWORD="$password"

# start NAME BINARY: a server on a fresh data directory; its URL in URL_<NAME>.
start() {
  local name=$1 binary=$2 port
  port=$(free_port)
  mkdir -p "$WORK/$name-data"
  "$binary" serve --data-dir "$WORK/$name-data" --listen "127.0.0.1:$port" >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
  wait_http "$!" "http://127.0.0.1:$port/healthz" 30 || { log "$name did not start"; exit 1; }
  printf -v "URL_$name" '%s' "http://127.0.0.1:$port"
}
start base "$BASE_TRADEAGG"
start this "$TRADEAGG"

declare -a BASE THIS
for ((round = 1; round <= ROUNDS; round++)); do
  # Who goes first alternates too: a round's second half may find the machine warmer.
  order=(base this)
  ((round % 2 == 0)) && order=(this base)
  for name in "${order[@]}"; do
    url_var="URL_$name"
    loadgen "$name-$round" "${!url_var}" --username admin --connections "$CONNECTIONS" --batch 1 >/dev/null
    rps=$(json "$WORK/$name-$round.json" 'round(d["requests_per_s"])')
    if [[ $name == base ]]; then BASE+=("$rps"); else THIS+=("$rps"); fi
  done
  log "round $round: base ${BASE[-1]} req/s, this build ${THIS[-1]} req/s"
done

"$PY" - "${BASE[*]}" "${THIS[*]}" <<'PYEOF'
import statistics, sys
base = [int(x) for x in sys.argv[1].split()]
this = [int(x) for x in sys.argv[2].split()]
print("| round | base req/s | this build req/s | this / base |")
print("| --- | --- | --- | --- |")
for i, (b, t) in enumerate(zip(base, this), 1):
    print(f"| {i} | {b:,} | {t:,} | {t / b:.2f} |")
mb, mt = statistics.median(base), statistics.median(this)
print(f"| median | {mb:,.0f} | {mt:,.0f} | {mt / mb:.2f} |")
PYEOF
