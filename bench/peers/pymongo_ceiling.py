"""The MongoDB server's own ceiling for bench/mongo_ingest.sh: how many trade documents per second
it takes through pymongo `insert_many(ordered=False)` in batches, with nothing in front of it.

The documents are tradeagg's (built by fastapi_mongo.trade_document from trades validated by
fastapi_validator's models, so the layout is the peer's by construction), the indexes are
tradeagg's (fastapi_mongo.ensure_indexes) and the write concern is the same (majority,
journaled; --write-concern <n> for a number of members). Trades look like `tradeagg loadgen`'s:
members M001..M020, 50 instruments with valid ISINs, quantity 1..10,000, prices on a 2-4 decimal
tick within 2 % of a base price, trade_time omitted (the receive time).

To keep the client's CPU out of the figure on a small machine, a pool of distinct trades is
validated once; each batch copies documents from it and gives them a fresh _id, trade_id, seq
and received_at. seq: one counter in this process, from 1 (a fresh database is expected).

Each run inserts for --warmup seconds (not counted), then for --duration seconds, counting the
documents of the batches acknowledged in that window; --clients threads insert concurrently,
each with its own batches. Prints one line per run and, with --report-json, writes
{"docs_per_s": best, "median_docs_per_s", "runs": [...], ...}.

--commit-write adds, after each batch, one journaled single-document write (an update of a
marker document in `commit_markers`): the least any writer does per group that makes a group
visible all at once without a multi-document transaction (insert the group, then mark it
committed). Its rate bounds every such writer at that batch size from above.

Run: .venv/bin/python bench/peers/pymongo_ceiling.py --uri mongodb://127.0.0.1:27017/ceiling --duration 10
"""

import argparse
import datetime as dt
import itertools
import json
import os
import random
import statistics
import sys
import threading
import time

from pymongo import MongoClient

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fastapi_mongo import micros, bson_date, ensure_indexes, trade_document, trades_collection  # noqa: E402
from fastapi_validator import TradeIn, business_date, isin_check_digit  # noqa: E402

POOL = 10_000


def make_pool(seed: int, participants: int = 20, instruments: int = 50) -> list:
    rnd = random.Random(seed)
    members = [f"M{i:03d}" for i in range(1, participants + 1)]
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    countries = {"GBP": ["GB"], "USD": ["US"], "EUR": ["DE", "FR", "NL", "IE", "IT", "ES"]}
    universe = []
    for i in range(instruments):
        currency = ["GBP", "USD", "EUR"][i % 3]
        first11 = rnd.choice(countries[currency]) + "".join(rnd.choice(alphabet) for _ in range(9))
        decimals = rnd.randint(2, 4)
        universe.append((first11 + str(isin_check_digit(first11)), currency, decimals,
                         rnd.randint(10**decimals, 2000 * 10**decimals)))
    received = dt.datetime.now(dt.timezone.utc)
    pool = []
    for n in range(POOL):
        participant, counterparty = rnd.sample(members, 2)
        isin, currency, decimals, base = rnd.choice(universe)
        band = base // 50
        ticks = max(1, base + rnd.randint(-band, band))
        price = f"{ticks // 10**decimals}.{ticks % 10**decimals:0{decimals}d}"
        trade = TradeIn.model_validate({
            "trade_id": f"pool-{n}", "participant": participant, "counterparty": counterparty,
            "instrument": isin, "side": rnd.choice(["BUY", "SELL"]), "quantity": rnd.randint(1, 10_000),
            "price": price, "currency": currency})
        pool.append(trade_document(trade, 0, received))
    return pool


class Inserter:
    def __init__(self, collection, pool, batch: int, run_id: str, markers=None):
        self.collection = collection
        self.markers = markers  # with --commit-write: one write after each batch
        self.pool = pool
        self.batch = batch
        self.run_id = run_id
        self.seq = itertools.count(1)  # next() is atomic under the GIL
        self.next_doc = itertools.count(0)

    def one_batch(self, client_no: int) -> int:
        now = dt.datetime.now(dt.timezone.utc)
        now_us = micros(now)
        received = bson_date(now_us)
        business = business_date(now).isoformat()
        docs = []
        for _ in range(self.batch):
            k = next(self.next_doc)
            doc = dict(self.pool[k % POOL])
            trade_id = f"{self.run_id}-{client_no}-{k}"
            doc["_id"] = f"{doc['participant']}|{trade_id}"
            doc["trade_id"] = trade_id
            doc["seq"] = next(self.seq)
            # trade_time omitted: both times are the receive time, as tradeagg stores them.
            doc["trade_time"] = doc["received_at"] = received
            doc["trade_time_us"] = doc["received_at_us"] = now_us
            doc["business_date"] = business
            docs.append(doc)
        self.collection.insert_many(docs, ordered=False)
        if self.markers is not None:
            self.markers.update_one({"_id": f"{self.run_id}-{client_no}"}, {"$set": {"committed_to": docs[-1]["seq"]}},
                                    upsert=True)
        return len(docs)

    def run(self, clients: int, warmup: float, duration: float) -> dict:
        start = time.monotonic()
        measure_from = start + warmup
        stop_at = measure_from + duration
        counted = [0] * clients
        latencies = [[] for _ in range(clients)]
        last_end = [measure_from] * clients
        errors = []

        def loop(c: int):
            try:
                while True:
                    t0 = time.monotonic()
                    if t0 >= stop_at:
                        return
                    n = self.one_batch(c)
                    t1 = time.monotonic()
                    if t0 >= measure_from and t1 <= stop_at:
                        counted[c] += n
                        latencies[c].append(t1 - t0)
                        last_end[c] = t1
                    elif t1 > stop_at:
                        return
            except Exception as e:  # reported, and the run fails
                errors.append(repr(e))

        threads = [threading.Thread(target=loop, args=(c,)) for c in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise RuntimeError("; ".join(errors))
        elapsed = max(max(last_end) - measure_from, 1e-9)
        lat = sorted(x for per in latencies for x in per)
        pct = lambda p: round(lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000, 3) if lat else None
        return {"docs": sum(counted), "seconds": round(elapsed, 3), "docs_per_s": round(sum(counted) / elapsed, 1),
                "batch_ms": {"p50": pct(50), "p99": pct(99), "max": pct(100)}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--uri", required=True, help="mongodb://host:port/database (a fresh database)")
    ap.add_argument("--duration", type=float, default=10, help="measured seconds per run")
    ap.add_argument("--warmup", type=float, default=2, help="seconds inserted before each run's measurement")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=1, help="threads inserting concurrently")
    ap.add_argument("--write-concern", default="majority", help="majority or a number of members (journaled)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--commit-write", action="store_true",
                    help="one journaled single-document write after each batch (a commit marker)")
    ap.add_argument("--report-json")
    args = ap.parse_args()

    client = MongoClient(args.uri, appname="pymongo ceiling", maxPoolSize=max(10, args.clients + 2))
    collection = trades_collection(client, args.write_concern)
    ensure_indexes(collection)
    pool = make_pool(args.seed)
    run_id = f"ceil{os.getpid()}x{int(time.time())}"
    results = []
    for r in range(args.runs):
        markers = collection.database.get_collection("commit_markers", write_concern=collection.write_concern)
        inserter = Inserter(collection, pool, args.batch, f"{run_id}r{r}", markers if args.commit_write else None)
        if r > 0:  # seqs stay unique across the runs of one database
            inserter.seq = itertools.count(1 + r * 10**12)
        result = inserter.run(args.clients, args.warmup, args.duration)
        results.append(result)
        print(f"run {r + 1}/{args.runs}: {result['docs']} documents in {result['seconds']} s = "
              f"{result['docs_per_s']:,.0f} documents/s (batch of {args.batch}: p50 {result['batch_ms']['p50']} ms, "
              f"p99 {result['batch_ms']['p99']} ms), {args.clients} client(s)", flush=True)
    rates = [r["docs_per_s"] for r in results]
    report = {"docs_per_s": max(rates), "median_docs_per_s": statistics.median(rates), "runs": results,
              "batch": args.batch, "clients": args.clients, "write_concern": args.write_concern,
              "commit_write": args.commit_write}
    print(f"best {report['docs_per_s']:,.0f} documents/s, median {report['median_docs_per_s']:,.0f}")
    if args.report_json:
        with open(args.report_json, "w") as f:
            json.dump(report, f)
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
