#!/usr/bin/env bash
# Sets up, builds and starts tradeagg on the embedded default (SQLite in ./data), feeds it a
# short demo load, shows the resulting positions, and keeps serving until Ctrl-C.
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
curl -fs "$url/v1/positions" -H "Authorization: Bearer $token" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
print(f"business date {doc[\"business_date\"]}, watermark {doc[\"watermark\"]}")
print(f"{\"participant\":<12}{\"ccy\":<5}{\"trades\":>8}{\"net qty\":>14}{\"net notional\":>22}  direction")
for t in doc["totals"]:
    print(f"{t[\"participant\"]:<12}{t[\"currency\"]:<5}{t[\"trade_count\"]:>8}{t[\"net_quantity\"]:>14}{t[\"net_notional\"]:>22}  {t[\"direction\"]}")
'
echo
echo "tradeagg is serving on $url (admin password: $TRADEAGG_ADMIN_PASSWORD). Try:"
echo "  curl -s $url/v1/positions -H \"Authorization: Bearer $token\""
echo "Ctrl-C stops it."
wait $server
