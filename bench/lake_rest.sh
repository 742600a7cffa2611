#!/usr/bin/env bash
# The lake on S3 behind an Iceberg REST catalog (issue 11), in one run on this machine, against
# SeaweedFS on loopback (its S3 and its own Iceberg REST catalog; started here):
#   (a) `tradeagg lake export` of the N stored trades as one snapshot into tradeagg.trades of a
#       table bucket, against PyIceberg appending the same trades (read from the store into Arrow
#       and appended with table.append, bench/lake_rest_peer.py) to a table of the same schema in
#       namespace `peer` of the same table bucket, through the same catalog: in batches of
#       100,000 trades, one append (snapshot) each, as a Python exporter with tradeagg's flush
#       size would, and all at once into peer2.trades, one snapshot as tradeagg's (PEER_BATCHES,
#       a table each: peer, peer2, ...; 0 is all at once).
#       Trades/s each and the ratios. Measured ROUNDS times, a new table bucket each round,
#       alternating which goes first.
#   (b) one snapshot commit through the catalog: COMMITS exports of COMMIT_TRADES trades each by
#       tradeagg (`lake export` with lake.max_snapshot_trades = COMMIT_TRADES, one process each)
#       and as many appends of as many trades by PyIceberg, with logging proxies
#       (bench/lib/http_log_proxy.py) in front of the catalog and of S3: the requests each commit
#       takes, by kind, and the server's time for them.
# Usage: bench/lake_rest.sh
# Environment: TRADES=1000000 ROUNDS=2 PEER_BATCHES="100000 0" COMMITS=20 COMMIT_TRADES=1000
#              TRADEAGG=build/tradeagg VENV=.venv
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRADES="${TRADES:-1000000}"
ROUNDS="${ROUNDS:-2}"
PEER_BATCHES="${PEER_BATCHES:-100000 0}"
COMMITS="${COMMITS:-20}"
COMMIT_TRADES="${COMMIT_TRADES:-1000}"
TRADEAGG="${TRADEAGG:-$ROOT/build/tradeagg}"
PY="${VENV:-$ROOT/.venv}/bin/python"
WORK="$(mktemp -d)"
PIDS=()
source "$ROOT/bench/lib/servers.sh"
source "$ROOT/bench/lib/lake.sh"
export TRADEAGG_ADMIN_PASSWORD="bench-$RANDOM$RANDOM"

load_store "$WORK/store"
start_seaweedfs

# (a) one round: tradeagg's export and PyIceberg's appends (one table per PEER_BATCHES entry:
# peer.trades, peer2.trades, ...) into one new table bucket, tradeagg first or last; each
# appends a line to $WORK/rounds.
export_round() {
  local round=$1 first=$2 lake=() ns=peer n=0 batch
  new_lake table-bucket lake
  log "round $round ($first first): table bucket $BUCKET"
  cp -r "$WORK/store" "$WORK/tradeagg-$round"
  [[ "$first" == tradeagg ]] && tradeagg_export "$round" "$first" "${lake[@]}"
  for batch in $PEER_BATCHES; do
    n=$((n + 1)); ((n > 1)) && ns="peer$n"
    echo "PyIceberg $round $first $batch $("$PY" "$ROOT/bench/lake_rest_peer.py" append "$WORK/store/tradeagg.db" \
      "$LOADED" "$batch" "$S3_PORT" "$REST_PORT" "$BUCKET" "$ns")" | tee -a "$WORK/rounds" >&2
  done
  [[ "$first" == PyIceberg ]] && tradeagg_export "$round" "$first" "${lake[@]}"
  rm -rf "$WORK/tradeagg-$round"
}
tradeagg_export() {  # ROUND FIRST ENV...
  echo "tradeagg $1 $2 $(export_store "$WORK/tradeagg-$1" "${@:3}")" | tee -a "$WORK/rounds" >&2
}
for round in $(seq "$ROUNDS"); do
  if (( round % 2 )); then export_round "$round" tradeagg; else export_round "$round" PyIceberg; fi
done

# (b) through the logging proxies, on a table bucket of its own.
log "(b) $COMMITS commits of $COMMIT_TRADES trades each, by tradeagg and by PyIceberg, through logging proxies"
proxy() {  # proxy UPSTREAM_PORT TAG: starts one; sets PROXY_PORT
  mkfifo "$WORK/proxy-$2.ready"
  "$PY" "$ROOT/bench/lib/http_log_proxy.py" "$1" "$2" "$WORK/requests.jsonl" "$WORK/proxy-$2.ready" &
  PIDS+=($!)
  read -r PROXY_PORT < "$WORK/proxy-$2.ready"
}
proxy "$S3_PORT" s3; S3_PROXY=$PROXY_PORT
proxy "$REST_PORT" catalog; REST_PROXY=$PROXY_PORT
new_lake table-bucket lake
proxied=()
for kv in "${lake[@]}"; do
  case "$kv" in
    TRADEAGG_S3_ENDPOINT=*) proxied+=("TRADEAGG_S3_ENDPOINT=http://127.0.0.1:$S3_PROXY") ;;
    TRADEAGG_LAKE_CATALOG_URI=*) proxied+=("TRADEAGG_LAKE_CATALOG_URI=http://127.0.0.1:$REST_PROXY") ;;
    *) proxied+=("$kv") ;;
  esac
done
printf '[lake]\nmax_snapshot_trades = %d\n' "$COMMIT_TRADES" > "$WORK/commit.toml"
cp -r "$WORK/store" "$WORK/commits"
for _ in $(seq "$COMMITS"); do
  start=$(date +%s.%N)
  line=$(env "${proxied[@]}" "$TRADEAGG" lake export --config "$WORK/commit.toml" --data-dir "$WORK/commits")
  echo "$start $(date +%s.%N) $line" >> "$WORK/commits-tradeagg"
done
"$PY" "$ROOT/bench/lake_rest_peer.py" commits "$WORK/store/tradeagg.db" "$COMMITS" "$COMMIT_TRADES" \
  "$S3_PROXY" "$REST_PROXY" "$BUCKET" peer > "$WORK/commits-peer.json"

"$PY" - "$WORK" "$LOADED" "$COMMIT_TRADES" "$(nproc)" <<'PYEOF'
import collections, datetime, json, re, statistics, sys
work, loaded, commit_trades, cpus = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

print(f"\nLake on S3 behind the Iceberg REST catalog, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%dT%H:%MZ}, "
      f"{cpus} CPUs, {loaded:,} trades in the store, SeaweedFS (S3 and its Iceberg REST catalog) on loopback\n")
print("(a) store → committed snapshot(s) in one table bucket, through its REST catalog\n")
print("| round | first | writer | snapshots | s | trades/s | tradeagg ÷ this |")
print("| --- | --- | --- | --- | --- | --- | --- |")
rounds = collections.defaultdict(list)
for line in open(f"{work}/rounds"):
    writer, round_, first, rest = line.split(" ", 3)
    rounds[int(round_)].append((writer, first, rest))
ratios = collections.defaultdict(list)  # (PyIceberg batch, read included) -> tradeagg's multiples
for round_, lines in sorted(rounds.items()):
    ours = next(rest for writer, _, rest in lines if writer == "tradeagg")
    seconds, export = ours.split(" ", 1)
    seconds, exported = float(seconds), int(re.search(r"exported (\d+) trades", export).group(1))
    phases = re.search(r"read (\d+) ms, write (\d+) ms, commit (\d+) ms", export).groups()
    rate = exported / seconds
    first = lines[0][1]
    print(f"| {round_} | {first} | tradeagg `lake export`, whole process (its read {phases[0]}, write {phases[1]}, commit {phases[2]} ms) "
          f"| 1 | {seconds:.2f} | {rate:,.0f} | |")
    for writer, _, rest in lines:
        if writer != "PyIceberg":
            continue
        batch, peer = rest.split(" ", 1)
        batch, peer = int(batch), json.loads(peer)
        assert peer["trades"] == exported, f"both must write the same trades: {peer['trades']} != {exported}"
        how = "all at once" if batch == 0 else f"{batch:,} per append"
        for label, s in ((f"PyIceberg, {how}: read the store + append", peer["read_s"] + peer["append_s"]),
                         ("— its appends alone (input already in Arrow)", peer["append_s"])):
            ratios[(batch, label.startswith("PyIceberg"))].append(rate / (exported / s))
            print(f"| {round_} | {first} | {label} | {peer['appends']} | {s:.2f} | {exported / s:,.0f} | {rate / (exported / s):.1f}× |")
print()
for (batch, with_read), r in ratios.items():
    how = "all at once" if batch == 0 else f"{batch:,} per append"
    what = "read + append, the same job" if with_read else "its appends alone"
    verdict = (" — target ≥ 5×: " + ("PASS" if min(r) >= 5 else "**FAIL**")) if with_read else ""
    print(f"- tradeagg ÷ PyIceberg ({how}, {what}): {min(r):.1f}×–{max(r):.1f}×, mean {statistics.mean(r):.1f}×{verdict}")
print()

# (b): the proxies' log, cut into tradeagg's export processes and PyIceberg's appends.
requests = [json.loads(l) for l in open(f"{work}/requests.jsonl")]
def within(start, end):
    return [r for r in requests if start <= r["t"] <= end]
def kind(r):
    path = r["path"].split("?")[0]
    if r["tag"] == "catalog":
        if path.endswith("/v1/config"): return "catalog: GET config"
        if path.endswith("/oauth/tokens"): return "catalog: POST oauth token"
        if "/tables/" in path:
            return f"catalog: {r['method']} table" + (" (commit)" if r["method"] == "POST" else " (load)")
        return f"catalog: {r['method']} {re.sub(r'^/v1/[^/]+/', '/v1/{prefix}/', path)}"
    name = path.rstrip("/").rsplit("/", 1)[-1]
    what = ("bucket" if path.strip("/").count("/") == 0 else "data file" if name.endswith(".parquet") else "version hint" if name == "version-hint.text"
            else "manifest list" if name.startswith("snap-") else "manifest" if name.endswith(".avro")
            else "metadata" if name.endswith(".json") else "other")
    return f"S3: {r['method']} {what}"

def summarize(name, cycles):
    counts = collections.Counter()
    times = collections.defaultdict(list)
    for cycle in cycles:
        for r in cycle:
            counts[kind(r)] += 1
            times[kind(r)].append(r["ms"])
    n = len(cycles)
    total = [sum(r["ms"] for r in c) for c in cycles]
    trips = [len(c) for c in cycles]
    print(f"| {name}: requests per commit | {statistics.mean(trips):.1f} (catalog {sum(v for k, v in counts.items() if k.startswith('catalog')) / n:.1f}, "
          f"S3 {sum(v for k, v in counts.items() if k.startswith('S3')) / n:.1f}) |")
    for k in sorted(counts):
        print(f"| — {k} | {counts[k] / n:.1f} per commit, median {statistics.median(times[k]):.1f} ms, max {max(times[k]):.1f} ms |")
    print(f"| {name}: the server's time for them, summed | median {statistics.median(total):.1f} ms, max {max(total):.1f} ms |")

print(f"(b) snapshot commits of {commit_trades:,} trades each through the catalog, requests seen by the logging proxies\n")
print("| measurement | result |\n| --- | --- |")
ours = []
for line in open(f"{work}/commits-tradeagg"):
    start, end, export = line.split(" ", 2)
    window = within(float(start), float(end))
    loads = [i for i, r in enumerate(window) if kind(r) == "catalog: GET table (load)"]
    phases = [int(x) for x in re.search(r"read (\d+) ms, write (\d+) ms, commit (\d+) ms", export).groups()]
    # The export cycle starts with its own load of the table; what comes before opens the session.
    ours.append({"setup": window[:loads[-1]], "cycle": window[loads[-1]:], "wall": float(end) - float(start), "phases": phases})
summarize("tradeagg, one export cycle", [o["cycle"] for o in ours])
print(f"| tradeagg: its own timings per cycle (read, write, commit) | median {statistics.median(o['phases'][0] for o in ours)}, "
      f"{statistics.median(o['phases'][1] for o in ours)}, {statistics.median(o['phases'][2] for o in ours)} ms; "
      f"commit step max {max(o['phases'][2] for o in ours)} ms |")
# The first process also creates the namespace and the table; the others only open the catalog.
setup = collections.Counter(kind(r) for o in ours[1:] for r in o["setup"])
print(f"| tradeagg: opening the catalog, once per process, not per commit | {sum(setup.values()) / max(len(ours) - 1, 1):.0f} requests ("
      + ", ".join(f"{k}" + (f" ×{v / (len(ours) - 1):.2g}" if v != len(ours) - 1 else "") for k, v in sorted(setup.items()))
      + f"), {statistics.median(sum(r['ms'] for r in o['setup']) for o in ours[1:]):.1f} ms median |")
print(f"| tradeagg: one `lake export` process, start to exit | median {statistics.median(o['wall'] for o in ours) * 1000:.0f} ms |")
peer = json.load(open(f"{work}/commits-peer.json"))
summarize("PyIceberg, one table.append", [within(s, e) for s, e in peer["appends"]])
print(f"| PyIceberg: table.append, start to return | median {statistics.median((e - s) * 1000 for s, e in peer['appends']):.0f} ms, "
      f"max {max((e - s) * 1000 for s, e in peer['appends']):.0f} ms |")
PYEOF
