#!/usr/bin/env bash
# The lake on S3 against the local warehouse, in one run on this machine (issue 11):
#   (x) `tradeagg lake export` of the same N stored trades into a local warehouse and into an S3
#       one (SeaweedFS on loopback, started here), trades/s each and their ratio;
#   (y) an eod aggregation of the busiest business date from each lake (`tradeagg aggregate`):
#       on S3 the first run downloads the planned files (lake/local_copy_cache.h), so a second
#       run is timed too.
# Each is measured ROUNDS times, alternating which goes first, on fresh copies of the store.
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
export TRADEAGG_ADMIN_PASSWORD="bench-$RANDOM$RANDOM"

log "loading about $TRADES trades (lake off)"
port=$(free_port)
TRADEAGG_LAKE_ENABLED=false "$TRADEAGG" serve --data-dir "$WORK/store" --listen "127.0.0.1:$port" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
wait_http "${PIDS[-1]}" "http://127.0.0.1:$port/healthz" 30
"$TRADEAGG" loadgen --url "http://127.0.0.1:$port" --password "$TRADEAGG_ADMIN_PASSWORD" --batch 1000 --connections 4 \
  --duration $(( (TRADES + 99999) / 100000 )) --warmup 0 --quiet >/dev/null 2>&1 || true
stop_server "${PIDS[-1]}"
read -r loaded date < <("$PY" -c "
import datetime, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
days = c.execute('select business_date from trades group by 1 order by count(*) desc limit 1').fetchone()[0]  # days since 1970
print(c.execute('select count(*) from trades').fetchone()[0], datetime.date(1970, 1, 1) + datetime.timedelta(days=days))
" "$WORK/store/tradeagg.db")
log "$loaded trades in the store; busiest business date $date"

log "starting SeaweedFS (scripts/seaweedfs.sh builds it)"
mkfifo "$WORK/s3.ready"
"$PY" - "$ROOT/tests/system" "$WORK/s3.ready" <<'PYEOF' &
import signal, sys
sys.path.insert(0, sys.argv[1])
import lake_backend  # the system tests' SeaweedFS, with the same flags and credentials
server = lake_backend.server()
with open(sys.argv[2], "w") as ready:
    ready.write(server.endpoint + "\n")
signal.sigwait([signal.SIGTERM, signal.SIGINT])
lake_backend.shutdown()
PYEOF
PIDS+=($!)
read -r endpoint < "$WORK/s3.ready"
S3_ENV=(TRADEAGG_S3_ENDPOINT="$endpoint" TRADEAGG_S3_REGION=us-east-1
        AWS_ACCESS_KEY_ID="$("$PY" -c "import sys; sys.path.insert(0, '$ROOT/tests/system'); import lake_backend; print(lake_backend.ACCESS_KEY)")"
        AWS_SECRET_ACCESS_KEY="$("$PY" -c "import sys; sys.path.insert(0, '$ROOT/tests/system'); import lake_backend; print(lake_backend.SECRET_KEY)")")

seconds() { local start=$1; echo "$(date +%s.%N) - $start" | bc -l; }
# run KIND ROUND: a fresh copy of the store, exported and aggregated; prints "export eod eod-again" seconds.
run() {
  local kind=$1 round=$2 dir="$WORK/$1-$2" env=() start export_s eod_s again_s
  cp -r "$WORK/store" "$dir"
  if [[ "$kind" == s3 ]]; then
    local bucket="bench-$round-$RANDOM"
    "$PY" -c "import boto3,sys; boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3]).create_bucket(Bucket=sys.argv[4])" \
      "$endpoint" "${S3_ENV[2]#*=}" "${S3_ENV[3]#*=}" "$bucket"
    env=("${S3_ENV[@]}" TRADEAGG_LAKE_WAREHOUSE="s3://$bucket/warehouse")
  fi
  start=$(date +%s.%N); env "${env[@]+"${env[@]}"}" "$TRADEAGG" lake export --data-dir "$dir" >/dev/null; export_s=$(seconds "$start")
  start=$(date +%s.%N); env "${env[@]+"${env[@]}"}" "$TRADEAGG" aggregate --data-dir "$dir" --date "$date" >/dev/null 2>&1; eod_s=$(seconds "$start")
  start=$(date +%s.%N); env "${env[@]+"${env[@]}"}" "$TRADEAGG" aggregate --data-dir "$dir" --date "$date" >/dev/null 2>&1; again_s=$(seconds "$start")
  echo "$export_s $eod_s $again_s"
}

echo
echo "Lake on S3 vs local, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $loaded trades, SeaweedFS on loopback, eod of $date"
echo
echo "| round | order | local export s | S3 export s | S3/local | local eod s (first, again) | S3 eod s (first: downloads, again) | S3/local (again) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for round in $(seq "$ROUNDS"); do
  if (( round % 2 )); then
    read -r le leod lagain < <(run local "$round"); read -r se seod sagain < <(run s3 "$round"); order="local first"
  else
    read -r se seod sagain < <(run s3 "$round"); read -r le leod lagain < <(run local "$round"); order="S3 first"
  fi
  printf "| %d | %s | %.2f (%.0f trades/s) | %.2f (%.0f trades/s) | %.2f× | %.2f, %.2f | %.2f, %.2f | %.2f× |\n" "$round" "$order" \
    "$le" "$(echo "$loaded / $le" | bc -l)" "$se" "$(echo "$loaded / $se" | bc -l)" "$(echo "$se / $le" | bc -l)" \
    "$leod" "$lagain" "$seod" "$sagain" "$(echo "$sagain / $lagain" | bc -l)"
done
