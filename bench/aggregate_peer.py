"""The reference design's path for the aggregation benchmark: PyIceberg reads one business date of
tradeagg.trades with table.scan(...).to_duckdb(), and DuckDB computes the exposure levels of an
aggregation run, on the same files tradeagg's run read:

  per participant x instrument x currency, per participant x counterparty x currency and per
  participant x currency: buy/sell quantity and notional sums and trade counts per side (net, gross and the
  VWAPs, rounded half to even at 8 places as tradeagg does, derived in Python from the sums).
  Where a level spans instruments tradeagg serves no quantities and takes the direction from the
  net notional; the check below compares what it serves.

The levels are one GROUPING SETS query (one pass over the data, what a PyIceberg user who knows
DuckDB would write); the same levels as three plain GROUP BY queries are timed as well, on the
same registered table, and the comparison uses the faster of the two.

The catalog is opened read only (SQLite mode=ro, no catalog table creation): the benchmark never
writes to tradeagg's catalog. The participant x currency totals are checked exactly (Decimal)
against the stored results of tradeagg's run (GET /v1/exposures?run=ID&level=participant).

Usage: aggregate_peer.py DATA_DIR BUSINESS_DATE URL TOKEN RUN_ID   (prints one JSON line)
"""
import json
import resource
import sys
import time
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import duckdb
import requests
from pyiceberg.catalog.sql import SqlCatalog

data, business_date, url, token, run_id = sys.argv[1:6]


def vm_rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


rss_after_imports_kib = vm_rss_kib()
COLUMNS = ("participant", "counterparty", "instrument", "side", "quantity", "notional", "currency")
SUMS = """sum(quantity) FILTER (WHERE side = 'BUY') AS buy_quantity,
          sum(quantity) FILTER (WHERE side = 'SELL') AS sell_quantity,
          sum(notional) FILTER (WHERE side = 'BUY') AS buy_notional,
          sum(notional) FILTER (WHERE side = 'SELL') AS sell_notional,
          count(*) AS trade_count,
          count(*) FILTER (WHERE side = 'BUY') AS buy_trades,
          count(*) FILTER (WHERE side = 'SELL') AS sell_trades"""
GROUPING_SETS = f"""
    SELECT participant, instrument, counterparty, currency, GROUPING(instrument, counterparty) AS level, {SUMS}
    FROM trades
    GROUP BY GROUPING SETS ((participant, instrument, currency), (participant, counterparty, currency),
                            (participant, currency))"""
# GROUPING(instrument, counterparty): 1 = instrument level (counterparty rolled up), 2 = counterparty
# level, 3 = participant totals.
LEVEL_NAMES = {1: "instrument", 2: "counterparty", 3: "participant"}
THREE_QUERIES = {
    "instrument": f"SELECT participant, instrument, currency, {SUMS} FROM trades GROUP BY participant, instrument, currency",
    "counterparty": f"SELECT participant, counterparty, currency, {SUMS} FROM trades GROUP BY participant, counterparty, currency",
    "participant": f"SELECT participant, currency, {SUMS} FROM trades GROUP BY participant, currency",
}
EIGHT_PLACES = Decimal("0.00000001")


def exposure(buy_q, sell_q, buy_n, sell_n, count, buys, sells):
    buy_q, sell_q = buy_q or 0, sell_q or 0
    buy_n, sell_n = buy_n or Decimal(0), sell_n or Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 80
        vwap = lambda n, q: (n / q).quantize(EIGHT_PLACES, rounding=ROUND_HALF_EVEN) if q else None
        return {"buy_quantity": buy_q, "sell_quantity": sell_q, "net_quantity": buy_q - sell_q,
                "buy_notional": buy_n, "sell_notional": sell_n, "net_notional": buy_n - sell_n,
                "gross_notional": buy_n + sell_n, "trade_count": count, "buy_trades": buys, "sell_trades": sells,
                "buy_vwap": vwap(buy_n, buy_q), "sell_vwap": vwap(sell_n, sell_q),
                # what a row spanning instruments shows: the sign of its net notional
                "direction": "LONG" if buy_n > sell_n else "SHORT" if buy_n < sell_n else "FLAT"}


t0 = time.perf_counter()
catalog = SqlCatalog("tradeagg", uri=f"sqlite:///file:{data}/catalog.db?mode=ro&uri=true",
                     warehouse=f"file://{data}/warehouse", init_catalog_tables="false")
table = catalog.load_table("tradeagg.trades")
con = table.scan(row_filter=f"business_date == '{business_date}'", selected_fields=COLUMNS).to_duckdb(table_name="trades")
t1 = time.perf_counter()
scanned = con.execute("SELECT count(*) FROM trades").fetchone()[0]  # not timed

t2 = time.perf_counter()
levels = {"instrument": {}, "counterparty": {}, "participant": {}}
for participant, instrument, counterparty, currency, level, *sums in con.execute(GROUPING_SETS).fetchall():
    name = LEVEL_NAMES[level]
    key = instrument if name == "instrument" else counterparty if name == "counterparty" else ""
    levels[name][(participant, key, currency)] = exposure(*sums)
t3 = time.perf_counter()

three = {"instrument": {}, "counterparty": {}, "participant": {}}
for name, sql in THREE_QUERIES.items():
    for row in con.execute(sql).fetchall():
        if name == "participant":
            participant, currency, *sums = row
            key = ""
        else:
            participant, key, currency, *sums = row
        three[name][(participant, key, currency)] = exposure(*sums)
t4 = time.perf_counter()
assert three == levels, "GROUPING SETS and the three GROUP BYs must agree"

# Check the participant x currency totals against tradeagg's stored results of the same date.
response = requests.get(f"{url}/v1/exposures", params={"business_date": business_date, "run": run_id, "level": "participant"},
                        headers={"Authorization": f"Bearer {token}"})
response.raise_for_status()
FIELDS = ("buy_notional", "sell_notional", "net_notional", "gross_notional", "trade_count", "buy_trades",
          "sell_trades", "direction")
theirs = {}
for row in response.json()["exposures"]:
    theirs[(row["participant"], "", row["currency"])] = {
        f: (Decimal(row[f]) if f.endswith("_notional") and row[f] is not None else row[f]) for f in FIELDS}
ours = {k: {f: v[f] for f in FIELDS} for k, v in levels["participant"].items()}
mismatches = sum(1 for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k))

print(json.dumps({
    "trades": scanned,
    "files": len(table.scan(row_filter=f"business_date == '{business_date}'").plan_files()),
    "rows": {name: len(rows) for name, rows in levels.items()},
    "scan_to_duckdb_s": t1 - t0,
    "grouping_sets_s": t3 - t2,
    "three_group_bys_s": t4 - t3,
    "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "rss_after_imports_kib": rss_after_imports_kib,
    "checked_rows": len(theirs),
    "mismatches": mismatches,
}))
