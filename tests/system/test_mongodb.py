"""The MongoDB backend, checked by a client we did not write: pymongo reads the server's
database directly (document layouts: docs/architecture.md, "MongoDB backend", and
src/tradeagg/store/mongo/*_document.cc) and must find exactly what the API acknowledged.

  - trades: every trade sent once, decimals as canonical strings, seqs unique, times as BSON
    dates beside their exact microseconds; duplicates add nothing; a conflicting request adds
    none of its trades.
  - aggregation results: a run's rows in `exposures` (and the run in `aggregation_runs`, the FX
    rates in `fx_rates`) are what GET /v1/exposures serves, digit for digit.
  - FerretDB stopped under a concurrent load and started again, or frozen (SIGSTOP: it accepts
    and never answers, so only the client's timeouts end a call) and thawed: 503s with
    Retry-After while it is out, within the client's bound, nothing acknowledged lost or
    doubled, positions count every acknowledged trade once, the service recovers by itself,
    and retrying what got a 503 stores each trade exactly once.
  - a store that cannot be used at start (unreachable, a malformed connection string, wrong or
    no credentials, an index that cannot be built): the service exits non-zero, within a bound,
    with one line naming store.uri, and leaves the database as it was.

Only on the MongoDB pass (TRADEAGG_SYSTEM_STORE=mongodb); the SQLite pass skips the module.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import signal
import time
import uuid
from collections import Counter
from decimal import Decimal

import pymongo
import pytest

import store_backend
from conftest import (ISINS, PROBLEM_BASE, Calendar, TradeFactory, assert_positions, assert_problem, check_total,
                      dec, expected_price_notional, parse_ts, sign_direction, start_fails, stored_view, unique, vwap)
from test_exposures import (DATES, ENV as EXPOSURES_ENV, RATES, expected_levels, exposures, load_workload,
                            run_to_end, stored as stored_for_aggregation)
from trade_load import SubmitterLoad, keys_of

pytestmark = pytest.mark.skipif(store_backend.BACKEND != "mongodb",
                                reason="MongoDB backend only (TRADEAGG_SYSTEM_STORE=mongodb)")

CALENDAR = Calendar()  # the server's defaults
UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TRADE_FIELDS = {"_id", "seq", "participant", "trade_id", "counterparty", "instrument", "side",
                "quantity", "price", "notional", "currency", "trade_time", "trade_time_us",
                "received_at", "received_at_us", "business_date"}


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------


def mongo_client(uri: str) -> pymongo.MongoClient:
    return pymongo.MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=10_000)


def micros(t: dt.datetime) -> int:
    return (t - EPOCH) // dt.timedelta(microseconds=1)


def from_micros(us: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=us)


def canonical(value: Decimal) -> str:
    """The store's decimal text (Decimal::ToString): plain notation, no trailing zeros, no
    trailing point."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_bson_time(doc: dict, field: str, where: str) -> list[str]:
    """`field` is a BSON date holding the milliseconds (floored) of `field`_us."""
    us, date = doc.get(field + "_us"), doc.get(field)
    if not is_int(us):
        return [f"{where}.{field}_us: expected an integer, got {us!r}"]
    if not isinstance(date, dt.datetime):
        return [f"{where}.{field}: expected a BSON date, got {date!r}"]
    if micros(date) != us // 1000 * 1000:
        return [f"{where}.{field}: {date.isoformat()} is not the milliseconds of {field}_us={us}"]
    return []


def stable_point(db) -> int:
    """The reader's rule from docs/architecture.md: the lowest pending block's lo - 1, or with
    none pending the highest block's hi."""
    blocks = list(db.seq_blocks.find({}))
    pending = [b["_id"] for b in blocks if b["state"] == "pending"]
    if pending:
        return min(pending) - 1
    return max((b["hi"] for b in blocks), default=0)


def check_settled_blocks(db) -> None:
    """Nothing left half-done: no pending block, no trade document in a void block's range or
    above the stable point."""
    blocks = list(db.seq_blocks.find({}))
    assert not [b for b in blocks if b["state"] == "pending"], f"pending blocks left: {blocks}"
    stable = stable_point(db)
    above = list(db.trades.find({"seq": {"$gt": stable}}, {"_id": 1, "seq": 1}))
    assert not above, f"trade documents above the stable point {stable}: {above[:5]}"
    for b in blocks:
        if b["state"] == "void":
            inside = list(db.trades.find({"seq": {"$gte": b["_id"], "$lte": b["hi"]}}, {"_id": 1, "seq": 1}))
            assert not inside, f"trade documents in void block {b}: {inside[:5]}"


def check_trade_document(doc: dict, sent: dict, business_date: str | None = None) -> list[str]:
    """Differences between a `trades` document and the trade that was sent."""
    where = f"trades[{doc.get('_id')!r}]"
    errors = []
    missing = TRADE_FIELDS - set(doc)
    if missing:
        return [f"{where}: missing fields {sorted(missing)}"]
    if doc["_id"] != f"{sent['participant']}|{sent['trade_id']}":
        errors.append(f"{where}: _id is not participant|trade_id")
    for f in ("participant", "trade_id", "counterparty", "instrument", "side", "currency"):
        if doc[f] != sent[f]:
            errors.append(f"{where}.{f}: {doc[f]!r} != sent {sent[f]!r}")
    if not is_int(doc["quantity"]) or doc["quantity"] != int(sent["quantity"]):
        errors.append(f"{where}.quantity: {doc['quantity']!r} != sent {sent['quantity']!r}")
    if not is_int(doc["seq"]) or doc["seq"] <= 0:
        errors.append(f"{where}.seq: {doc['seq']!r} is not a positive integer")
    price, notional = expected_price_notional(sent)
    for f, want in (("price", price), ("notional", notional)):
        got = doc[f]
        if not isinstance(got, str):
            errors.append(f"{where}.{f}: expected a decimal string, got {type(got).__name__} {got!r}")
        elif Decimal(got) != want or got != canonical(want):
            errors.append(f"{where}.{f}: {got!r} != expected {canonical(want)!r}")
    want_us = micros(parse_ts(sent["trade_time"]))
    if doc["trade_time_us"] != want_us:
        errors.append(f"{where}.trade_time_us: {doc['trade_time_us']!r} != sent {sent['trade_time']} ({want_us})")
    errors += check_bson_time(doc, "trade_time", where)
    errors += check_bson_time(doc, "received_at", where)
    bd = doc["business_date"]
    want_bd = str(CALENDAR.business_date_of(parse_ts(sent["trade_time"])))
    if not isinstance(bd, str) or not DATE_RE.match(bd) or bd != want_bd:
        errors.append(f"{where}.business_date: {bd!r} != expected {want_bd!r}")
    if business_date is not None and bd != business_date:
        errors.append(f"{where}.business_date: {bd!r} != acknowledged {business_date!r}")
    return errors


# ------------------------------------------------------------------------------------------
# 1. trades
# ------------------------------------------------------------------------------------------

# (price, quantities that keep the notional below 10^15)
PRICES = [("0.00000001", [1, 3, 1_000_000_000_000]), ("187.25", [1, 40, 12_345]),
          ("12345.6789", [1, 7, 99_999]), ("1.50", [2, 1_000]), ("9999999999.99999999", [1, 3, 99]),
          ("0.00012300", [5, 1_000_000]), ("100", [1, 250]), ("3.14159265", [11, 1_000_003])]
# Only a notional: the price is derived (rounded half to even at 8 places).
NOTIONALS = [("100", 3), ("0.00000003", 2), ("999999999999999.99999999", 1_000_000), ("1234567.89012345", 1_000)]
TRADE_TIMES = ["2025-11-20T10:00:00Z", "2025-11-20T10:00:00.000001Z", "2025-11-20T10:00:00.000999Z",
               "2025-11-20T17:29:59.999999Z", "2025-11-20T17:30:00Z", "2025-11-21T18:45:12.345678+01:00",
               "2025-11-22T12:00:00.500-05:00", "2025-11-19T23:59:59.999500Z", "2025-11-20T00:00:00.001+00:00"]


def varied_trades(participants: list[str], n: int) -> list[dict]:
    rng = random.Random("mongodb-trades")
    combos = [(p, q, None) for p, qs in PRICES for q in qs] + [(None, q, nt) for nt, q in NOTIONALS]
    out = []
    for i in range(n):
        price, quantity, notional = combos[i % len(combos)]
        t = {"trade_id": unique("MT-", 64), "participant": participants[i % len(participants)],
             "counterparty": unique("CP"), "instrument": ISINS[i % len(ISINS)],
             "side": "BUY" if i % 3 else "SELL", "quantity": quantity,
             "currency": ("GBP", "USD", "EUR")[i % 3], "trade_time": TRADE_TIMES[i % len(TRADE_TIMES)]}
        if price is not None:
            t["price"] = price
            if i % 5 == 0:  # both, agreeing
                t["notional"] = dec(Decimal(price) * quantity)
        else:
            t["notional"] = notional
        if i % 4 == 0:  # JSON numbers as well as strings
            t["quantity"] = str(quantity) if i % 8 else quantity
        out.append(t)
    rng.shuffle(out)
    return out


def test_trades_collection_holds_exactly_the_trades_sent(server_factory):
    server = server_factory("mongodb-trades")
    admin = server.client("admin")
    participants = [unique("MG"), unique("MG")]
    sent = varied_trades(participants, 50)
    before = time.time()
    r = admin.submit(sent)
    after = time.time()
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["accepted"] == 50 and body["duplicates"] == 0, body
    acks = {(i["participant"], i["trade_id"]): i for i in body["trades"]}

    with mongo_client(server.store_uri) as client:
        db = client.get_default_database()
        docs = list(db.trades.find({}))
        keys = Counter((d.get("participant"), d.get("trade_id")) for d in docs)
        assert len(docs) == 50, f"{len(docs)} documents in trades for 50 trades sent"
        assert set(keys) == {(t["participant"], t["trade_id"]) for t in sent}
        assert max(keys.values()) == 1, [k for k, n in keys.items() if n > 1]
        seqs = [d["seq"] for d in docs]
        assert len(set(seqs)) == 50, "seqs are not unique"
        by_key = {(d["participant"], d["trade_id"]): d for d in docs}
        errors = []
        for t in sent:
            key = (t["participant"], t["trade_id"])
            doc, ack = by_key[key], acks[key]
            errors += check_trade_document(doc, t, ack["business_date"])
            if doc["seq"] != ack["seq"]:
                errors.append(f"{key}: seq {doc['seq']} != acknowledged {ack['seq']}")
            if not before - 1 <= doc["received_at_us"] / 1e6 <= after + 1:
                errors.append(f"{key}: received_at {doc['received_at']} outside the request")
        assert not errors, "\n".join(errors[:40])
        assert all(seq <= stable_point(db) for seq in seqs)
        # The API serves the very strings the document holds.
        for p in participants:
            for t in admin.list_trades(participant=p):
                doc = by_key[(p, t["trade_id"])]
                assert (t["price"], t["notional"], t["seq"]) == (doc["price"], doc["notional"], doc["seq"]), t
                assert parse_ts(t["trade_time"]) == from_micros(doc["trade_time_us"]), t

        # Sending them again adds nothing and changes nothing.
        r = admin.submit(sent)
        assert r.status_code == 200, r.text
        assert r.json()["accepted"] == 0 and r.json()["duplicates"] == 50, r.text
        assert sorted(db.trades.find({}), key=lambda d: d["_id"]) == sorted(docs, key=lambda d: d["_id"])

        # A conflict (a stored id with other content) among new trades: 409, none of them stored.
        old = next(t for t in sent if "price" in t and "notional" not in t)
        conflicting = dict(old, quantity=int(old["quantity"]) + 1)
        fresh = [dict(t, trade_id=unique("MC-", 64)) for t in sent[:2]]
        problem = assert_problem(admin.submit([fresh[0], conflicting, fresh[1]]), 409, "conflict")
        assert [e.get("index") for e in problem["errors"]] == [1], problem
        for t in fresh:
            assert db.trades.find_one({"_id": f"{t['participant']}|{t['trade_id']}"}) is None, t
            assert db.trades.count_documents({"trade_id": t["trade_id"]}) == 0, t
        assert db.trades.count_documents({}) == 50
        assert db.trades.find_one({"_id": f"{old['participant']}|{old['trade_id']}"}) == \
            by_key[(old["participant"], old["trade_id"])]
        check_settled_blocks(db)
    server.stop()


# ------------------------------------------------------------------------------------------
# 2. aggregation results
# ------------------------------------------------------------------------------------------

LEVELS = ("instrument", "counterparty", "participant", "reporting")
RUN_TIMES = ("requested_at", "started_at", "finished_at", "snapshot_committed_at")


@pytest.fixture(scope="module")
def exposures_workload(server_factory):
    server = server_factory("mongodb-exposures", env=EXPOSURES_ENV)
    admin = server.client("admin")
    sent = load_workload(admin, TradeFactory("mongodb-exposures"), 12)
    yield server, admin, [stored_for_aggregation(t) for t in sent]
    if server.running:
        server.stop()


def api_key(level: str, row: dict) -> tuple:
    key = row["instrument"] if level == "instrument" else row["counterparty"] if level == "counterparty" else ""
    return (level, row["participant"], key, row["currency"])


def doc_key(doc: dict) -> tuple:
    return (doc["level"], doc["participant"], doc["key"], doc["currency"])


def compare_exposure(doc: dict, row: dict, date: str) -> list[str]:
    """The API row against the stored document: every field the API serves that the document
    holds, and what the API derives from them (net, gross, VWAP, direction)."""
    level = doc["level"]
    where = f"exposures{doc_key(doc)}"
    errors = []
    if row["business_date"] != date:
        errors.append(f"{where}: business_date {row['business_date']} != run date {date}")
    for f in ("buy_notional", "sell_notional", "buy_quantity", "sell_quantity"):
        if not isinstance(doc.get(f), str):
            errors.append(f"{where}.{f}: the document holds {doc.get(f)!r}, not a decimal string")
    for f in ("trade_count", "buy_trades", "sell_trades"):
        if not is_int(doc.get(f)) or row.get(f) != doc[f]:
            errors.append(f"{where}.{f}: API {row.get(f)!r} != document {doc.get(f)!r}")
    if errors:
        return errors
    missing = [c for c in doc["missing_rates"].split(",") if c]
    if level == "reporting":
        if row.get("missing_rates") != missing:
            errors.append(f"{where}.missing_rates: API {row.get('missing_rates')!r} != document {missing!r}")
    elif missing:
        errors.append(f"{where}: missing_rates {missing} at the {level} level")
    buy, sell = Decimal(doc["buy_notional"]), Decimal(doc["sell_notional"])
    buy_q, sell_q = int(doc["buy_quantity"]), int(doc["sell_quantity"])
    if doc["buy_notional"] != canonical(buy) or doc["sell_notional"] != canonical(sell):
        errors.append(f"{where}: notionals not canonical: {doc['buy_notional']!r}, {doc['sell_notional']!r}")
    if missing:  # unknown without every rate: nulls, never a partial sum
        for f in ("buy_notional", "sell_notional", "net_notional", "gross_notional", "direction"):
            if row.get(f) is not None:
                errors.append(f"{where}.{f}: {row[f]!r} although rates are missing")
    else:
        for f, want in (("buy_notional", buy), ("sell_notional", sell), ("net_notional", buy - sell),
                        ("gross_notional", buy + sell)):
            got = row.get(f)
            if not isinstance(got, str) or Decimal(got) != want or got != canonical(want):
                errors.append(f"{where}.{f}: API {got!r} != {canonical(want)!r} from the document")
        want_dir = sign_direction(buy_q - sell_q) if level == "instrument" else sign_direction(buy - sell)
        if row.get("direction") != want_dir:
            errors.append(f"{where}.direction: API {row.get('direction')!r} != {want_dir} from the document")
    if level == "instrument":
        for f, want in (("buy_quantity", buy_q), ("sell_quantity", sell_q), ("net_quantity", buy_q - sell_q)):
            if row.get(f) != want:
                errors.append(f"{where}.{f}: API {row.get(f)!r} != {want} from the document")
        for f, notional, quantity in (("buy_vwap", buy, buy_q), ("sell_vwap", sell, sell_q)):
            want = vwap(notional, quantity)
            got = row.get(f)
            if (want is None) != (got is None) or (want is not None and Decimal(got) != want):
                errors.append(f"{where}.{f}: API {got!r} != {want} from the document")
    return errors


def compare_run(doc: dict, api: dict, rows_by_level: dict) -> list[str]:
    """An `aggregation_runs` document against GET /v1/aggregations/{id}."""
    where = f"aggregation_runs[{doc['_id']}]"
    errors = []
    pairs = [("business_date", api["business_date"]), ("kind", api["kind"]), ("version", api["version"]),
             ("status", api["status"]), ("requested_by", api["requested_by"]), ("watermark", api["watermark"]),
             ("data_files", api["data_files"]), ("data_files_pruned", api["data_files_pruned"]),
             ("trades", api["trades"]), ("reporting_currency", api["reporting_currency"]),
             ("reconciliation", api["reconciliation"]["status"]),
             ("book_watermark", api["reconciliation"]["book_watermark"]),
             ("difference_count", api["reconciliation"]["differences"]),
             ("snapshot_id", api["snapshot_id"]), ("exposures_snapshot_id", api["exposures_snapshot_id"]),
             ("request_seq", api["answers_for"]["request_seq"]),
             ("store_trades", api["answers_for"]["store_trades"]),
             ("error", api["error"] or ""), ("lake_error", api["lake_error"] or ""),
             ("trades_tag", api["trades_tag"] or "")]
    pairs += [(f"{level}_rows", api["rows"][level]) for level in LEVELS]
    pairs += [(f"{t}_ms", api["timings_ms"][t]) for t in ("plan", "query", "rollup", "reconcile", "store", "lake")]
    for f, want in pairs:
        if doc.get(f) != want:
            errors.append(f"{where}.{f}: document {doc.get(f)!r} != API {want!r}")
    if [c for c in doc.get("missing_rates", "").split(",") if c] != api["missing_rates"]:
        errors.append(f"{where}.missing_rates: document {doc.get('missing_rates')!r} != API {api['missing_rates']}")
    for f in RUN_TIMES:
        if api[f] is None:
            if f + "_us" in doc:
                errors.append(f"{where}.{f}: document has {doc[f + '_us']}, API null")
            continue
        errors += check_bson_time(doc, f, where)
        if f + "_us" in doc and from_micros(doc[f + "_us"]) != parse_ts(api[f]):
            errors.append(f"{where}.{f}_us: {doc[f + '_us']} != API {api[f]}")
    for level in LEVELS:
        if api["rows"][level] != len(rows_by_level[level]):
            errors.append(f"{where}: {len(rows_by_level[level])} {level} documents, the run says {api['rows'][level]}")
    return errors


def test_stored_exposures_are_what_the_api_serves(exposures_workload):
    server, admin, trades = exposures_workload
    runs = [run_to_end(admin, {"business_date": date, "kind": "eod"}) for date in DATES]
    runs.append(run_to_end(admin, {"business_date": DATES[2], "kind": "intraday"}))  # CHF missing
    runs.append(run_to_end(admin, {"business_date": DATES[0], "kind": "eod"}))      # version 2
    for run in runs:
        assert run["status"] == "succeeded" and run["reconciliation"]["differences"] == 0, run
    assert runs[-1]["version"] == runs[0]["version"] + 1

    with mongo_client(server.store_uri) as client:
        db = client.get_default_database()
        names = set(db.list_collection_names())
        assert {"aggregation_runs", "exposures", "fx_rates"} <= names, \
            f"aggregation results are not in MongoDB: collections {sorted(names)}"
        compared = Counter()
        for run in runs:
            run_id, date = run["run_id"], run["business_date"]
            run_doc = db.aggregation_runs.find_one({"_id": run_id})
            assert run_doc is not None, f"run {run_id} is not in aggregation_runs"
            token = run_doc.get("result_token")
            assert isinstance(token, str) and token, f"run {run_id} names no result_token: {run_doc}"
            docs = list(db.exposures.find({"run_id": run_id}))
            unpublished = [d["_id"] for d in docs if d.get("result_token") != token]
            assert not unpublished, f"run {run_id}: rows of unpublished attempts left: {unpublished[:5]}"
            by_level = {level: {} for level in LEVELS}
            for d in docs:
                assert doc_key(d) not in by_level[d["level"]], f"run {run_id}: two documents for {doc_key(d)}"
                by_level[d["level"]][doc_key(d)] = d
            api_run = admin.get(f"/v1/aggregations/{run_id}").json()
            errors = compare_run(run_doc, api_run, by_level)
            for level in LEVELS:
                body = exposures(admin, run=run_id, level=level)
                assert body["run"]["run_id"] == run_id
                api_rows = {api_key(level, r): r for r in body["exposures"]}
                assert len(api_rows) == len(body["exposures"]), f"duplicate {level} rows in the API"
                assert set(api_rows) == set(by_level[level]), (
                    f"run {run_id} {level}: only in the API {sorted(set(api_rows) - set(by_level[level]))[:5]}, "
                    f"only in MongoDB {sorted(set(by_level[level]) - set(api_rows))[:5]}")
                for k, d in by_level[level].items():
                    errors += compare_exposure(d, api_rows[k], date)
                    compared[level] += 1
                    compared["missing rates"] += bool(d["missing_rates"])
            # The documents are right on their own too: participant level against the trades sent.
            want = expected_levels(trades, date)["participant"]
            got = by_level["participant"]
            assert {(p, "", c) for (_, p, _, c) in got} == set(want)
            for (_, p, _, c), d in got.items():
                b, s = Decimal(d["buy_notional"]), Decimal(d["sell_notional"])
                row = {"buy_notional": d["buy_notional"], "sell_notional": d["sell_notional"],
                       "net_notional": canonical(b - s), "gross_notional": canonical(b + s),
                       "trade_count": d["trade_count"], "buy_trades": d["buy_trades"],
                       "sell_trades": d["sell_trades"], "direction": sign_direction(b - s)}
                errors += check_total(row, want[(p, "", c)], f"document participant {p} {c}")
            assert not errors, f"run {run_id}:\n" + "\n".join(errors[:40])
            assert sum(d["trade_count"] for d in got.values()) == run["trades"]

        assert all(compared[k] > 0 for k in LEVELS + ("missing rates",)), compared
        print(f"exposures: documents compared with the API: {dict(compared)}")

        # FX rates: one document per date, the rates as the API gives them.
        for date, rates in RATES.items():
            doc = db.fx_rates.find_one({"_id": date})
            assert doc is not None, f"no fx_rates document for {date}"
            stored = {r["currency"]: r["rate"] for r in doc["rates"]}
            api = admin.get(f"/v1/fx-rates/{date}").json()
            assert stored == api["rates"], (doc, api)
            assert {c: Decimal(v) for c, v in stored.items()} == {c: Decimal(v) for c, v in rates.items()}
            assert check_bson_time(doc, "updated_at", f"fx_rates[{date}]") == []
            assert from_micros(doc["updated_at_us"]) == parse_ts(api["updated_at"])


# ------------------------------------------------------------------------------------------
# 3. FerretDB stopped, or frozen, under load
# ------------------------------------------------------------------------------------------

OUTAGE_SECONDS = 3.0
OUTAGE_MAX_SECONDS = 10.0
CLIENT_TIMEOUT = 30
SELECTION_MS = 1000
SOCKET_MS = 1500
# The connection string's options per kind of outage. Server selection gives up after 1 s (the
# default is 10 s, which a 3 s outage is ridden out by waiting): requests reaching the store
# while it is down fail then. A frozen server accepts connections and reads nothing, so only
# the client's own clocks end a call: on an open connection socketTimeoutMS, on a new one (and
# the monitor's checks, which mark the server unknown so that selection fails fast)
# connectTimeoutMS.
OUTAGE_URI_OPTIONS = {
    "stopped": f"serverSelectionTimeoutMS={SELECTION_MS}",
    "frozen": f"serverSelectionTimeoutMS={SELECTION_MS}&socketTimeoutMS={SOCKET_MS}&connectTimeoutMS={SOCKET_MS}",
}
# A 503 comes within this of its request: a handful of store calls, each bounded by the
# options above, never the outage's length.
UNAVAILABLE_BOUND = 12.0


class FerretDbOutage:
    """The test's FerretDB taken away and brought back.

    stopped: SIGTERM, then started again on the same files and port; connections are refused.
    frozen: SIGSTOP, then SIGCONT; connections are accepted (by the kernel) and requests sent,
    but nothing is answered until it thaws, when it works through what it was sent meanwhile
    (also the calls the client has given up on)."""

    def __init__(self, fdb: store_backend.FerretDb, mode: str):
        self.fdb = fdb
        self.mode = mode
        self.frozen = False

    def begin(self) -> None:
        if self.mode == "stopped":
            self.fdb.stop()
        else:
            os.kill(self.fdb.proc.pid, signal.SIGSTOP)
            self.frozen = True

    def end(self) -> None:
        if self.mode == "stopped":
            self.fdb.start()
        else:
            os.kill(self.fdb.proc.pid, signal.SIGCONT)
            self.frozen = False

    def undo(self) -> None:
        """FerretDB running again, whatever happened."""
        if self.frozen:
            self.end()
        if self.fdb.proc is None or self.fdb.proc.poll() is not None:
            self.fdb.start()


@pytest.fixture
def outage(request, server_factory):
    """A FerretDB of this test's own (stopping the session's would break other servers), how it
    goes away (request.param: "stopped" or "frozen") and a server on it. FerretDB is thawed,
    and closed at the end whatever happened, after the server."""
    mode = request.param
    fdb = store_backend.FerretDb().start()
    interruption = FerretDbOutage(fdb, mode)
    server = None
    try:
        server = server_factory(f"mongodb-outage-{mode}", start=False)
        server.store_uri = fdb.uri("outage" + uuid.uuid4().hex[:12]) + "?" + OUTAGE_URI_OPTIONS[mode]
        server.start()
        yield interruption, server
    finally:
        try:
            if interruption.frozen:
                interruption.end()  # a stopped process would not even see SIGTERM
            if server is not None and server.running:
                interruption.undo()
                server.stop()
        finally:
            fdb.close()


@pytest.mark.parametrize("outage", ["stopped", "frozen"], indirect=True)
def test_ferretdb_outage_under_load(outage):
    """Stopped (refusing) or frozen (accepting, never answering: the client must time out)."""
    interruption, server = outage
    admin = server.client("admin")
    pid = server.proc.pid
    participants = [unique("OU") for _ in range(4)]
    # Trade times on both sides of the 17:30 cut-off; the store being away is knocked at every
    # 50 ms.
    load = SubmitterLoad(server, admin.token, participants, seed=unique("outage"),
                         sizes=(1, 1, 1, 2, 5, 10), hours=(8, 18), client_timeout=CLIENT_TIMEOUT,
                         pause=0.05, bound=45)
    t0 = time.monotonic()
    load.start(6)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with load.lock:
                if sum(r["status"] == 201 for r in load.records) >= 30:
                    break
            time.sleep(0.05)
        down = time.monotonic()
        outage_wall = [time.time(), None]
        interruption.begin()
        stopped = time.monotonic()
        # OUTAGE_SECONDS, longer (bounded) until a request has been answered 503 meanwhile: the
        # few submitters may all be waiting on bounded reads (the positions catching up after
        # a commit) when it begins, and so send nothing to the store for a while.
        while time.monotonic() < stopped + OUTAGE_MAX_SECONDS:
            if time.monotonic() >= stopped + OUTAGE_SECONDS:
                with load.lock:
                    if any(r["status"] == 503 and r["ended"] > stopped for r in load.records):
                        break
            time.sleep(0.05)
        interruption.end()
        outage_wall[1] = time.time()
        up = time.monotonic()
        # Recovered without restarting tradeagg: a request sent after the restart succeeds.
        deadline = time.monotonic() + 20
        recovered = None
        while recovered is None and time.monotonic() < deadline:
            with load.lock:
                recovered = next((r for r in load.records if r["started"] > up and r["status"] == 201), None)
            time.sleep(0.05)
        time.sleep(1.5)
    finally:
        stuck = load.finish()
    assert not stuck, "a submitter is still waiting for an answer"
    assert server.running and server.proc.pid == pid, "tradeagg did not survive the outage"
    records = load.records
    statuses = Counter(r["status"] for r in records)
    latencies = sorted(r["ended"] - r["started"] for r in records)
    slowest_503 = max((r["ended"] - r["started"] for r in records if r["status"] == 503), default=float("nan"))
    print(f"outage ({interruption.mode}): {len(records)} requests {dict(statuses)}, down {down - t0:.1f}s.."
          f"{up - t0:.1f}s, taking it down took {stopped - down:.2f}s, max latency {latencies[-1]:.2f}s "
          f"(of a 503: {slowest_503:.2f}s), first success "
          f"{recovered['ended'] - up if recovered else float('nan'):.2f}s after it was back")

    hung = [r for r in records if r["status"] is None]
    assert not hung, f"{len(hung)} requests got no answer: {[r['detail'] for r in hung[:3]]}"
    other_5xx = [(r["status"], r["text"][:300]) for r in records if r["status"] >= 500 and r["status"] != 503]
    assert not other_5xx, f"5xx other than 503: {other_5xx[:5]}"
    unexpected = [(r["status"], r["text"][:300]) for r in records if r["status"] not in (201, 503)]
    assert not unexpected, f"answers other than 201 and 503: {unexpected[:5]}"
    unavailable = [r for r in records if r["status"] == 503]
    assert unavailable, "no request got 503 while FerretDB was down"
    assert [r for r in unavailable if down <= r["ended"] and r["started"] <= up], \
        "no request sent while FerretDB was down got 503"
    # Answered by the client's own bound, not by FerretDB coming back: a request both sent and
    # answered 503 while it was out, and no 503 slower than a few bounded store calls.
    assert [r for r in unavailable if stopped < r["ended"] < up], \
        f"no request got its 503 while FerretDB was {interruption.mode}: they waited for it to come back"
    slow = sorted(round(r["ended"] - r["started"], 2) for r in unavailable
                  if r["ended"] - r["started"] > UNAVAILABLE_BOUND)
    assert not slow, f"503s slower than {UNAVAILABLE_BOUND}s: {slow[-5:]}"
    for r in unavailable:
        assert r["content_type"].startswith("application/problem+json"), r["content_type"]
        problem = json.loads(r["text"])
        assert problem["type"] == PROBLEM_BASE + "unavailable" and problem["status"] == 503, problem
    assert recovered is not None, "no submission succeeded within 20 s of FerretDB's restart"
    assert not [r for r in unavailable if r["started"] > recovered["ended"]], \
        "503s after the service had recovered"

    # What was acknowledged, and what may or may not have been stored.
    acked, sent = {}, {}
    for r in records:
        for t in r["batch"]:
            sent[(t["participant"], t["trade_id"])] = t
        if r["status"] == 201:
            body = json.loads(r["text"])
            assert body["accepted"] == len(r["batch"]), body
            for t, item in zip(r["batch"], body["trades"]):
                assert (item["trade_id"], item["participant"], item["status"]) == \
                    (t["trade_id"], t["participant"], "accepted"), item
                acked[(t["participant"], t["trade_id"])] = (t, item["seq"], item["business_date"])

    with mongo_client(server.store_uri) as client:
        db = client.get_default_database()
        docs = list(db.trades.find({}))
        counts = Counter((d["participant"], d["trade_id"]) for d in docs)
        assert not [k for k, n in counts.items() if n > 1], "a trade is stored twice"
        assert len({d["seq"] for d in docs}) == len(docs), "seqs are not unique"
        assert set(counts) <= set(sent), f"stored trades nobody sent: {sorted(set(counts) - set(sent))[:5]}"
        lost = set(acked) - set(counts)
        assert not lost, f"{len(lost)} acknowledged trades are not in trades: {sorted(lost)[:5]}"
        by_key = {(d["participant"], d["trade_id"]): d for d in docs}
        errors = []
        for key, (t, seq, bd) in acked.items():
            errors += check_trade_document(by_key[key], t, bd)
            if by_key[key]["seq"] != seq:
                errors.append(f"{key}: seq {by_key[key]['seq']} != acknowledged {seq}")
        assert not errors, "\n".join(errors[:40])

        # Through the API: every acknowledged trade, each request's trades all or none, and
        # positions counting what is visible exactly once.
        visible = {}
        for p in participants:
            for t in admin.list_trades(participant=p):
                visible[(t["participant"], t["trade_id"])] = t
        assert set(acked) <= set(visible)
        for r in unavailable:
            seen = [k in visible for k in keys_of(r["batch"])]
            assert all(seen) or not any(seen), f"a request answered 503 is partly visible: {r['batch']}"
        views = [stored_view(sent[k], t["business_date"]) for k, t in visible.items()]
        settle_positions(admin, views, participants)
        print(f"outage: {len(acked)} trades acknowledged, {len(sent)} sent, "
              f"{len(visible) - len(acked)} of the unacknowledged visible")

        # Retrying every request that got a 503 is accepted or duplicate; afterwards every sent
        # trade is stored exactly once.
        for r in unavailable:
            retry = admin.submit(r["batch"][0] if r["single"] else r["batch"], timeout=CLIENT_TIMEOUT)
            assert retry.status_code in (200, 201), retry.text[:1000]
            items = retry.json()["trades"]
            assert [i["status"] in ("accepted", "duplicate") for i in items] == [True] * len(r["batch"])
            assert all(i["status"] == "duplicate" for i in items) or \
                all(i["status"] == "accepted" for i in items), f"a 503'd request was half stored: {items}"
        extra = load_trade(participants[0])
        after = admin.submit(extra)  # one more append: any leftover cleanup is done before it
        assert after.status_code == 201, after.text
        sent[(extra["participant"], extra["trade_id"])] = extra
        # A write the client gave up on (its reply never came) may still be applied when
        # FerretDB is back: a read-back done before that must not have settled it. A claim left
        # pending holds every reader's stable point back until its lease runs out.
        pending = [dict(b, claimed=f"{b['claimed_us'] / 1e6 - outage_wall[0]:+.2f}s after the outage began")
                   for b in db.seq_blocks.find({"state": "pending"})]
        assert not pending, (f"seq blocks pending after the retries and one more append (the outage "
                             f"lasted {outage_wall[1] - outage_wall[0]:.2f}s): {pending[:5]}")

        docs = list(db.trades.find({}))
        counts = Counter((d["participant"], d["trade_id"]) for d in docs)
        assert set(counts) == set(sent), (f"missing {sorted(set(sent) - set(counts))[:5]}, "
                                          f"extra {sorted(set(counts) - set(sent))[:5]}")
        assert max(counts.values()) == 1, "a trade is stored twice after the retries"
        errors = []
        for d in docs:
            errors += check_trade_document(d, sent[(d["participant"], d["trade_id"])])
        assert not errors, "\n".join(errors[:40])
        check_settled_blocks(db)
        views = [stored_view(sent[(d["participant"], d["trade_id"])], d["business_date"]) for d in docs]
        settle_positions(admin, views, participants)
        totals = sum(t["trade_count"] for d in {v["business_date"] for v in views}
                     for t in admin.positions(business_date=d)["totals"] if t["participant"] in participants)
        assert totals == len(sent)

    # Last, so that everything above is checked first: the 503s say when to come back.
    no_header = [r["text"][:200] for r in unavailable if not r["retry_after"]]
    assert not no_header, f"{len(no_header)} of {len(unavailable)} 503s without Retry-After: {no_header[:2]}"


def load_trade(participant: str) -> dict:
    return TradeFactory(unique("after")).new(participant, trade_time="2025-11-20T12:00:00Z")


def settle_positions(admin, views, participants, timeout: float = 5.0) -> None:
    """/v1/positions of every date in `views` matches them for `participants` (waiting, bounded,
    for the book to catch up with the store)."""
    deadline = time.monotonic() + timeout
    for d in sorted({v["business_date"] for v in views}):
        while True:
            body = admin.positions(business_date=d)
            try:
                assert_positions(body, views, participants)
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


# ------------------------------------------------------------------------------------------
# 4. A store that cannot be used at start
# ------------------------------------------------------------------------------------------

AUTH_USER, AUTH_PASSWORD = "tradeagg-store", "store-secret-pw"


@pytest.mark.parametrize("uri", [
    pytest.param(None, id="unreachable"),  # a free loopback port nobody listens on
    pytest.param("mongodb://127.0.0.1:notaport/tradeagg", id="port-not-a-number"),
    pytest.param("mongodb://127.0.0.1:99999/tradeagg", id="port-out-of-range"),
    pytest.param("mongodb://", id="no-host"),
    pytest.param("mongodb://127.0.0.1/tradeagg?authMechanism=NOPE", id="unknown-auth-mechanism"),
    # The driver quotes what it cannot parse: the password must not reach the output.
    pytest.param("mongodb://ops:pa:ss-w0rd-secret@127.0.0.1/tradeagg", id="malformed-credentials"),
    pytest.param("mongdb://ops:pa-ss-w0rd-secret@127.0.0.1/tradeagg", id="mistyped-scheme"),
])
def test_unusable_store_uri_stops_the_start(server_factory, uri):
    server = server_factory("mongodb-bad-uri", start=False)
    # The client's own bound (serverSelectionTimeoutMS, 10 s unless the URI says otherwise).
    server.store_uri = uri or f"mongodb://127.0.0.1:{store_backend.free_port()}/tradeagg"
    line = start_fails(server, "store.uri")
    assert "w0rd-secret" not in server.log_path.read_text(errors="replace"), "a password reached the output"
    if uri is None:
        assert "cannot use the MongoDB server" in line, line
    elif uri.startswith("mongdb"):
        assert "must be 'sqlite' or a mongodb:// connection string, got scheme 'mongdb'" in line, line
    else:
        assert "not a MongoDB connection string" in line, line


@pytest.fixture(scope="module")
def auth_ferretdb():
    """A FerretDB that enforces authentication (SCRAM; in 1.24 only with its experimental new
    authentication) with one user, set up in `admin`. Checked first: the user's password lets
    pymongo write, a wrong one or none does not."""
    fdb = store_backend.FerretDb(extra_args=(
        "--test-enable-new-auth", "--setup-database=admin", f"--setup-username={AUTH_USER}",
        f"--setup-password={AUTH_PASSWORD}")).start()
    try:
        base = f"127.0.0.1:{fdb.port}/authcheck?authSource=admin"
        with mongo_client(f"mongodb://{AUTH_USER}:{AUTH_PASSWORD}@{base}") as client:
            client.get_default_database().probe.insert_one({"ok": 1})
        for credentials in (f"{AUTH_USER}:not-{AUTH_PASSWORD}@", ""):
            with pymongo.MongoClient(f"mongodb://{credentials}{base}", serverSelectionTimeoutMS=5000) as client:
                with pytest.raises(pymongo.errors.OperationFailure):
                    client.get_default_database().probe.insert_one({"ok": 1})
        yield fdb
    finally:
        fdb.close()


@pytest.mark.parametrize("credentials", [
    pytest.param(f"{AUTH_USER}:wrong-store-pw@", id="wrong-password"),
    pytest.param("nobody:wrong-store-pw@", id="unknown-user"),
    pytest.param("", id="none"),
])
def test_wrong_credentials_stop_the_start(server_factory, auth_ferretdb, credentials):
    server = server_factory("mongodb-credentials", start=False)
    where = f"127.0.0.1:{auth_ferretdb.port}/creds{uuid.uuid4().hex[:12]}?authSource=admin"
    server.store_uri = f"mongodb://{credentials}{where}"
    line = start_fails(server, "store.uri")
    if credentials:
        assert "Authentication failed" in line, line
    output = server.log_path.read_text(errors="replace")
    assert "wrong-store-pw" not in output, "the password is in the service's output"
    # The same database with the right credentials: it was the credentials.
    server.store_uri = f"mongodb://{AUTH_USER}:{AUTH_PASSWORD}@{where}"
    server.start()
    r = server.client("admin").submit(TradeFactory(unique("creds")).new(unique("CR"), trade_time="2025-11-20T12:00:00Z"))
    assert r.status_code == 201, r.text
    server.stop()


def duplicate_seqs(db) -> None:
    """Two trades with one seq: the unique index on seq cannot be built."""
    db.trades.insert_many([{"_id": "P1|T1", "participant": "P1", "trade_id": "T1", "seq": 1},
                           {"_id": "P1|T2", "participant": "P1", "trade_id": "T2", "seq": 1}])


def trades_seq_on_another_key(db) -> None:
    """An index of tradeagg's name on another key."""
    db.trades.create_index([("participant", pymongo.ASCENDING)], name="trades_seq", unique=True)


def trades_seq_not_unique(db) -> None:
    """tradeagg's index on seq by its name, but not unique: seqs would not be kept unique."""
    db.trades.create_index([("seq", pymongo.ASCENDING)], name="trades_seq")


@pytest.mark.parametrize("prepare", [
    pytest.param(duplicate_seqs, id="duplicate-seqs"),
    pytest.param(trades_seq_on_another_key, id="trades_seq-on-another-key"),
    pytest.param(trades_seq_not_unique, id="trades_seq-not-unique"),
])
def test_index_that_cannot_be_ensured_stops_the_start(server_factory, prepare):
    server = server_factory("mongodb-bad-index", start=False)
    with mongo_client(server.store_uri) as client:
        db = client.get_default_database()
        prepare(db)

        def contents():
            return {name: (sorted(map(repr, db[name].find({}))), sorted(map(repr, db[name].list_indexes())))
                    for name in db.list_collection_names()}

        before = contents()
        line = start_fails(server, "store.uri")
        assert "trades_seq" in line, line
        assert contents() == before, "the database was changed by a start that failed"
