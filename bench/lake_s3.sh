#!/usr/bin/env bash
# The lake on S3 against the local warehouse, in one run on this machine (issue 11):
#   (x) `tradeagg lake export` of the same N stored trades into a local warehouse and into an S3
#       one (SeaweedFS on loopback, started here), trades/s each and their ratio;
#   (y) an eod aggregation of the busiest business date from each lake (`tradeagg aggregate`),
#       on S3 both ways DuckDB can read it (lake.s3.duckdb_reads): in place through httpfs, and
#       from local copies, whose first run downloads the planned files (lake/local_copy_cache.h);
#       each is run twice, both timed.
# Each is measured ROUNDS times, turning which goes first, on fresh copies of the store.
# Usage: bench/lake_s3.sh   Environment: TRADES=1000000 ROUNDS=2 TRADEAGG=build/tradeagg VENV=.venv
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRADES="${TRADES:-1000000}"
ROUNDS="${ROUNDS:-2}"
TRADEAGG="${TRADEAGG:-$ROOT/build/tradeagg}"
PY="${VENV:-$ROOT/.venv}/bin/python"
WORK="$(mktemp -d)"
PIDS=()
source "$ROOT/bench/lib/servers.sh"
source "$ROOT/bench/lib/lake.sh"
export TRADEAGG_ADMIN_PASSWORD="bench-$RANDOM$RANDOM"

load_store "$WORK/store"
loaded=$LOADED date=$BUSIEST_DATE
start_seaweedfs

# run KIND ROUND: a fresh copy of the store, exported (all of it, one snapshot) and aggregated;
# prints "export eod eod-again" seconds.
run() {
  local kind=$1 round=$2 dir="$WORK/$1-$2" lake=() result start eod_s again_s
  cp -r "$WORK/store" "$dir"
  [[ "$kind" != local ]] && new_lake bucket lake
  [[ "$kind" == s3-copies ]] && lake+=(TRADEAGG_S3_DUCKDB_READS=local_copies)
  result=$(export_store "$dir" "${lake[@]}")
  [[ "$(exported_trades "$result")" == "$loaded" ]] || { log "$kind export: $result"; exit 1; }
  start=$(date +%s.%N); env "${lake[@]}" "$TRADEAGG" aggregate --data-dir "$dir" --date "$date" >/dev/null 2>&1; eod_s=$(seconds "$start")
  start=$(date +%s.%N); env "${lake[@]}" "$TRADEAGG" aggregate --data-dir "$dir" --date "$date" >/dev/null 2>&1; again_s=$(seconds "$start")
  echo "${result%% *} $eod_s $again_s"
}

ratio() { echo "$1 / $2" | bc -l; }

echo
echo "Lake on S3 vs local, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $loaded trades, SeaweedFS on loopback, eod of $date"
echo
echo "| round | order | local export s | S3 export s | S3/local | local eod s (first, again) | S3 eod in place s (first, again) | S3 eod local copies s (first: downloads, again) | in place/local (again) | copies/local (again) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for round in $(seq "$ROUNDS"); do
  # The order turns each round, so that no kind always runs first (or last).
  kinds=(local s3 s3-copies)
  shift_by=$(( (round - 1) % 3 ))
  order=("${kinds[@]:$shift_by}" "${kinds[@]:0:$shift_by}")
  for kind in "${order[@]}"; do
    case $kind in
      local) read -r le leod lagain < <(run local "$round") ;;
      s3) read -r se seod sagain < <(run s3 "$round") ;;
      s3-copies) read -r ce ceod cagain < <(run s3-copies "$round") ;;
    esac
  done
  printf "| %d | %s | %.2f (%.0f trades/s) | %.2f (%.0f trades/s) | %.2f× | %.2f, %.2f | %.2f, %.2f | %.2f, %.2f | %.2f× | %.2f× |\n" "$round" \
    "${order[*]}" "$le" "$(ratio "$loaded" "$le")" "$se" "$(ratio "$loaded" "$se")" "$(ratio "$se" "$le")" \
    "$leod" "$lagain" "$seod" "$sagain" "$ceod" "$cagain" "$(ratio "$sagain" "$lagain")" "$(ratio "$cagain" "$lagain")"
done
