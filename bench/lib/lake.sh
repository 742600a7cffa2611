# Shared by the lake benchmarks (lake_s3.sh, lake_rest.sh): a store of trades loaded through the
# API, SeaweedFS on loopback (bench/lib/seaweedfs.py: the system tests' own) and buckets in it,
# and `tradeagg lake export` of the whole store as one snapshot. The caller sets ROOT, PY, WORK,
# TRADEAGG, TRADES and PIDS=(), exports TRADEAGG_ADMIN_PASSWORD, and sources
# bench/lib/servers.sh first.

# seconds START: the seconds since START (a `date +%s.%N`).
seconds() { echo "$(date +%s.%N) - $1" | bc -l; }

# load_store DIR: about TRADES trades (batches of 1,000 over ceil(TRADES/100,000) s, open loop;
# fewer if the server cannot keep up) through the API into a new store in DIR, the lake off. Sets
# LOADED (the trades in the store) and BUSIEST_DATE (the business date with the most of them).
load_store() {
  local dir=$1 port duration=$(( (TRADES + 99999) / 100000 ))
  log "loading about $TRADES trades (lake off)"
  port=$(free_port)
  TRADEAGG_LAKE_ENABLED=false "$TRADEAGG" serve --data-dir "$dir" --listen "127.0.0.1:$port" >"$WORK/load-server.log" 2>&1 &
  PIDS+=($!)
  wait_http "${PIDS[-1]}" "http://127.0.0.1:$port/healthz" 30
  "$TRADEAGG" loadgen --url "http://127.0.0.1:$port" --password "$TRADEAGG_ADMIN_PASSWORD" --batch 1000 --connections 4 \
    --rate "$(( TRADES / duration ))" --duration "$duration" --warmup 0 --quiet >/dev/null 2>&1 || true
  stop_server "${PIDS[-1]}"
  read -r LOADED BUSIEST_DATE < <("$PY" -c "
import datetime, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
days = c.execute('select business_date from trades group by 1 order by count(*) desc limit 1').fetchone()[0]  # days since 1970
print(c.execute('select count(*) from trades').fetchone()[0], datetime.date(1970, 1, 1) + datetime.timedelta(days=days))
" "$dir/tradeagg.db")
  # `lake export` adds at most lake.max_snapshot_trades (1,000,000 by default) per snapshot; this
  # configuration makes it export the whole store at once.
  printf '[lake]\nmax_snapshot_trades = %d\n' "$LOADED" > "$WORK/export-all.toml"
  EXPORT_ALL=(--config "$WORK/export-all.toml")
  log "$LOADED trades in the store; busiest business date $BUSIEST_DATE"
}

# start_seaweedfs: starts SeaweedFS (scripts/seaweedfs.sh builds it), stopped on exit with the
# other servers. Sets S3_PORT, REST_PORT (its Iceberg REST catalog) and S3_ENDPOINT.
start_seaweedfs() {
  log "starting SeaweedFS"
  mkfifo "$WORK/seaweedfs.ready"
  "$PY" "$ROOT/bench/lib/seaweedfs.py" serve "$WORK/seaweedfs.ready" &
  PIDS+=($!)
  read -r S3_PORT REST_PORT < "$WORK/seaweedfs.ready"
  S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
}

# new_lake KIND ARRAY: a new bucket in SeaweedFS, KIND `bucket` (the lake at s3://<bucket>/warehouse,
# SQL catalog in the data directory) or `table-bucket` (the lake is the bucket, SeaweedFS's REST
# catalog of it the catalog); ARRAY gets tradeagg's environment for it (lake_backend.server_env)
# and BUCKET its name.
new_lake() {
  local -n lake_env_out=$2
  mapfile -t lake_env_out < <("$PY" "$ROOT/bench/lib/seaweedfs.py" "$1" "$S3_PORT" "$REST_PORT")
  BUCKET="${lake_env_out[-1]#BENCH_BUCKET=}"
  unset 'lake_env_out[-1]'
}

# export_store DIR ENV...: `tradeagg lake export` of everything in the store of DIR as one
# snapshot, with the environment ENV (new_lake's). Prints the seconds it took, then its own line.
export_store() {
  local dir=$1 start line
  shift
  start=$(date +%s.%N)
  line=$(env "$@" "$TRADEAGG" lake export "${EXPORT_ALL[@]}" --data-dir "$dir")
  echo "$(seconds "$start") $line"
}

# exported_trades LINE / exported_watermark LINE: from `lake export`'s line.
exported_trades() { sed -E 's/.*exported ([0-9]+) trades.*/\1/' <<<"$1"; }
exported_watermark() { sed -E 's/.*watermark ([0-9]+);.*/\1/' <<<"$1"; }
