# Shared by the ingest benchmarks: reading JSON reports and one `tradeagg loadgen` measurement.
# The caller sets ROOT, PY, WORK, LOADGEN, WARMUP, DURATION, LOADGEN_THREADS, SKIP_BUILD and BUILD_DIR, and sources
# bench/lib/servers.sh (for log) first.

# json FILE EXPRESSION: a value from a JSON report (loadgen's, a peer's), e.g. json r.json 'd["latency_ms"]["p99"]'.
json() {
  "$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# loadgen NAME URL [loadgen flags...]: one measurement; the report goes to $WORK/NAME.json.
loadgen() {
  local name=$1 url=$2
  shift 2
  log "$name: loadgen --url $url $*"
  if ! "$LOADGEN" loadgen --url "$url" --warmup "$WARMUP" --duration "$DURATION" --threads "$LOADGEN_THREADS" \
      --quiet --report-json "$WORK/$name.json" "$@" >"$WORK/$name.txt"; then
    log "$name: the load generator reported no successful request"
  fi
  sed 's/^/   /' "$WORK/$name.txt" >&2
  [[ -s "$WORK/$name.json" ]]
}

# A sub-command is there when its help names one of its flags.
has_subcommand() { "$1" "$2" --help 2>&1 | grep -q -- "$3"; }

# Builds tradeagg (Release, in BUILD_DIR) unless SKIP_BUILD=1, and checks that LOADGEN has the
# loadgen sub-command.
prepare_tradeagg() {
  if [[ "$SKIP_BUILD" != 1 ]]; then
    log "building tradeagg (Release) in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    ninja -C "$BUILD_DIR" tradeagg >/dev/null
  fi
  if ! has_subcommand "$LOADGEN" loadgen --connections; then
    log "$LOADGEN has no loadgen sub-command"
    exit 1
  fi
}
