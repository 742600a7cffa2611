#!/usr/bin/env bash
# Sets up, builds and starts tradeagg on the embedded default (SQLite in ./data), feeds it a
# short demo load, shows the resulting positions and an intraday aggregation run over the lake,
# and keeps serving until Ctrl-C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
bash scripts/build.sh release >/dev/null

export TRADEAGG_ADMIN_PASSWORD=${TRADEAGG_ADMIN_PASSWORD:-demo-admin-password}
listen=${TRADEAGG_LISTEN:-127.0.0.1:8080}
url="http://$listen"
build/tradeagg serve --data-dir "${TRADEAGG_DATA_DIR:-data}" --listen "$listen" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
for _ in $(seq 50); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

echo "== demo feed: 5 seconds of trades from 20 members =="
build/tradeagg loadgen --url "$url" --password "$TRADEAGG_ADMIN_PASSWORD" --duration 5 --warmup 0 \
  --rate 2000 --connections 8 --quiet

token=$(curl -fs "$url/v1/auth/token" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$TRADEAGG_ADMIN_PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
echo "== per-participant totals (GET /v1/positions) =="
# A total spans instruments: it has no quantity (shares of different stocks do not add up) and
# its direction is that of its net notional. Quantities are per instrument, in "positions".
curl -fs "$url/v1/positions" -H "Authorization: Bearer $token" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
print("business date %s, watermark %s" % (doc["business_date"], doc["watermark"]))
row = "%-12s%-5s%22s%22s%8s%8s  %s"
print(row % ("participant", "ccy", "net notional", "gross notional", "buys", "sells", "direction"))
for t in doc["totals"]:
    print(row % (t["participant"], t["currency"], t["net_notional"], t["gross_notional"], t["buy_trades"],
                 t["sell_trades"], t["direction"]))
'

echo "== an intraday run over the Iceberg lake (POST /v1/aggregations), reconciled with the book =="
auth=(-H "Authorization: Bearer $token")
date=$(curl -fs "$url/v1/positions" "${auth[@]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["business_date"])')
# Asked for at once, with trades still on their way to the lake: the run waits for the lake to
# hold every trade acknowledged before it (or fails saying so), it never answers for fewer.
run=$(curl -fs "$url/v1/aggregations" "${auth[@]}" -H 'Content-Type: application/json' \
  -d "{\"business_date\":\"$date\",\"kind\":\"intraday\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run_id"])')
until curl -fs "$url/v1/aggregations/$run" "${auth[@]}" | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["status"] in ("queued", "running"))'; do sleep 0.1; done
curl -fs "$url/v1/aggregations/$run" "${auth[@]}" | python3 -c '
import json, sys
r = json.load(sys.stdin)
a = r["answers_for"]
print("run %s %s: answers for every trade acknowledged before it (store seq %s): %s trades in the store, %s in"
      " %s lake files at watermark %s, %s ms; reconciliation %s (%s differences)%s" % (
    r["run_id"], r["status"], a["request_seq"], a["store_trades"], a["lake_trades"], r["data_files"], a["watermark"],
    r["timings_ms"]["total"], r["reconciliation"]["status"], r["reconciliation"]["differences"],
    "" if r["status"] == "succeeded" else "; " + r["error"]))
'
echo
echo "tradeagg is serving on $url (admin password: $TRADEAGG_ADMIN_PASSWORD). Try:"
echo "  curl -s $url/v1/positions -H \"Authorization: Bearer $token\""
echo "  curl -s \"$url/v1/exposures?level=instrument\" -H \"Authorization: Bearer $token\""
echo "  build/tradeagg sql \"SELECT participant, currency, count(*), sum(notional) FROM trades GROUP BY ALL\""
echo "Ctrl-C stops it."
wait $server
