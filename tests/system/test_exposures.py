"""Intraday and end-of-day net exposures: runs over the Iceberg lake, stored, served and reconciled.

Expected exposures are computed here in Python, from the trades the tests sent and the business
date rule written again (conftest.Calendar), and compared with the API digit for digit: across
the cut-off, a weekend and a holiday, several currencies with FX rates (and a missing one), and
members who are both long and short. Readers we did not write check the lake side: DuckDB's
iceberg_scan aggregates tradeagg.trades on its own, and PyIceberg reads tradeagg.exposures.
Every run must reconcile with the position book with zero differences.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import time
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest

import store_backend

from conftest import (ISINS, NOT_IN_TOTALS, Calendar, TradeFactory, _Acc, assert_problem, binary_path,
                      check_position, check_total, error_fields, expected_price_notional, parse_ts,
                      round_half_even_8, sign_direction, unique)
from lake_readers import duckdb_iceberg, pyiceberg_catalog
from test_lake import wait_for_lake

HOLIDAY = "2026-11-26"  # a Thursday: trades of the evening before roll over it to Friday
CURRENCIES = ("GBP", "USD", "EUR", "CHF")
ENV = {
    "TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "100",
    "TRADEAGG_HOLIDAYS": HOLIDAY,
    "TRADEAGG_CURRENCIES": ",".join(CURRENCIES),
    "TRADEAGG_INTRADAY_INTERVAL_SECONDS": "0",  # runs only when asked, so the tests know them all
}
CALENDAR = Calendar(holidays=(HOLIDAY,))
# Trade times around the boundaries (London is on GMT in November):
TIMES = [
    "2026-11-20T10:00:00Z",        # Friday -> Friday 2026-11-20
    "2026-11-20T17:29:59.999999Z", # just before the cut-off -> Friday
    "2026-11-20T17:30:00Z",        # the cut-off -> Monday 2026-11-23
    "2026-11-21T12:00:00Z",        # Saturday -> Monday
    "2026-11-25T18:00:00Z",        # Wednesday evening, Thursday a holiday -> Friday 2026-11-27
    "2026-11-26T09:00:00Z",        # the holiday -> Friday
]
DATES = ["2026-11-20", "2026-11-23", "2026-11-27"]
RATES = {"2026-11-20": {"EUR": "1.05831", "GBP": "1.26492", "CHF": "1.13"},
         "2026-11-23": {"EUR": "1.04999999", "GBP": "1.25", "CHF": "1.12345678"},
         "2026-11-27": {"EUR": "1.0577", "GBP": "1.2698"}}  # no CHF: reported missing
REPORTING = "USD"
MEMBERS = ["EXPA", "EXPB", "EXPC"]


# ------------------------------------------------------------------------------------------
# The expected results, from the trades sent
# ------------------------------------------------------------------------------------------


def stored(trade: dict) -> dict:
    """The fields aggregation needs, as the server must have stored them."""
    _, notional = expected_price_notional(trade)
    return {"participant": trade["participant"], "instrument": trade["instrument"],
            "counterparty": trade["counterparty"], "currency": trade["currency"], "side": trade["side"],
            "quantity": int(trade["quantity"]), "notional": notional,
            "business_date": CALENDAR.business_date_of(parse_ts(trade["trade_time"])).isoformat()}


def expected_levels(trades: list[dict], date: str) -> dict:
    """{level: {key: fields}} for one business date; keys as the API rows give them. Instrument
    rows are positions; the counterparty and participant levels span instruments (totals)."""
    acc = {"instrument": defaultdict(_Acc), "counterparty": defaultdict(_Acc), "participant": defaultdict(_Acc)}
    for t in trades:
        if t["business_date"] != date:
            continue
        acc["instrument"][(t["participant"], t["instrument"], t["currency"])].add(t["side"], t["quantity"], t["notional"])
        acc["counterparty"][(t["participant"], t["counterparty"], t["currency"])].add(t["side"], t["quantity"], t["notional"])
        acc["participant"][(t["participant"], "", t["currency"])].add(t["side"], t["quantity"], t["notional"])
    return {level: {k: a.fields() if level == "instrument" else a.total() for k, a in rows.items()}
            for level, rows in acc.items()}


def expected_reporting(trades: list[dict], date: str, rates: dict) -> dict:
    """Per participant in USD: each currency's total converted (exact product, rounded half to
    even at 8 places), then summed; a currency without a rate makes the notionals unknown."""
    out = {}
    for (participant, _, currency), f in expected_levels(trades, date)["participant"].items():
        row = out.setdefault(participant, {"trade_count": 0, "buy_trades": 0, "sell_trades": 0,
                                           "buy_notional": Decimal(0), "sell_notional": Decimal(0), "missing": []})
        for count in ("trade_count", "buy_trades", "sell_trades"):
            row[count] += f[count]
        rate = Decimal(1) if currency == REPORTING else (Decimal(rates[currency]) if currency in rates else None)
        if rate is None:
            row["missing"].append(currency)
            continue
        row["buy_notional"] += round_half_even_8(Fraction(f["buy_notional"]) * Fraction(rate))
        row["sell_notional"] += round_half_even_8(Fraction(f["sell_notional"]) * Fraction(rate))
    return out


def rows_by_key(body: dict, level: str) -> dict:
    key = {"instrument": "instrument", "counterparty": "counterparty"}.get(level)
    return {(r["participant"], r[key] if key else "", r["currency"]): r for r in body["exposures"]}


def assert_level(body: dict, want: dict, level: str, date: str) -> None:
    got = rows_by_key(body, level)
    assert len(got) == len(body["exposures"]), "duplicate rows"
    assert set(got) == set(want), f"{level} keys: extra {set(got) - set(want)}, missing {set(want) - set(got)}"
    errors = []
    check = check_position if level == "instrument" else check_total
    for k, row in got.items():
        assert row["business_date"] == date
        errors += check(row, want[k], f"{level}{k}")
    assert not errors, "\n".join(errors[:30])


def assert_reporting(body: dict, want: dict) -> None:
    got = {r["participant"]: r for r in body["reporting"]}
    assert set(got) == set(want)
    for participant, row in got.items():
        w = want[participant]
        assert row["currency"] == REPORTING
        assert (row["trade_count"], row["buy_trades"], row["sell_trades"]) == \
            (w["trade_count"], w["buy_trades"], w["sell_trades"]), participant
        assert not set(NOT_IN_TOTALS) & set(row), f"{participant}: a reporting row spans instruments"
        assert row["missing_rates"] == sorted(w["missing"]), participant
        if w["missing"]:
            assert row["buy_notional"] is None and row["net_notional"] is None and row["gross_notional"] is None
            assert row["direction"] is None, participant
        else:
            assert row["direction"] == sign_direction(w["buy_notional"] - w["sell_notional"]), participant
            assert Decimal(row["buy_notional"]) == w["buy_notional"], participant
            assert Decimal(row["sell_notional"]) == w["sell_notional"], participant
            assert Decimal(row["net_notional"]) == w["buy_notional"] - w["sell_notional"], participant
            assert Decimal(row["gross_notional"]) == w["buy_notional"] + w["sell_notional"], participant


# ------------------------------------------------------------------------------------------
# Helpers and fixtures
# ------------------------------------------------------------------------------------------


def run_to_end(client, body: dict, timeout: float = 60) -> dict:
    r = client.post("/v1/aggregations", json=body)
    assert r.status_code == 202, r.text
    assert r.headers["Location"] == f"/v1/aggregations/{r.json()['run_id']}"
    return wait_run(client, r.json()["run_id"], timeout)


def wait_run(client, run_id: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/v1/aggregations/{run_id}").json()
        if run["status"] in ("succeeded", "failed"):
            return run
        assert time.monotonic() < deadline, f"run {run_id} still {run['status']}"
        time.sleep(0.05)


def assert_reconciled(run: dict) -> None:
    assert run["status"] == "succeeded", run
    assert run["reconciliation"]["status"] == "matched", run["reconciliation"]
    assert run["reconciliation"]["differences"] == 0


def exposures(client, **params) -> dict:
    r = client.get("/v1/exposures", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def make_trades(factory: TradeFactory, n_per_time: int) -> list[dict]:
    """Every member both buys and sells, in every currency, against each other and outsiders."""
    out = []
    for when in TIMES:
        for i in range(n_per_time):
            participant = MEMBERS[i % len(MEMBERS)]
            counterparty = MEMBERS[(i + 1) % len(MEMBERS)] if i % 4 else "OUTSIDER1"
            t = factory.new(participant, counterparty=counterparty, trade_time=when,
                            currency=CURRENCIES[i % len(CURRENCIES)], side="BUY" if (i // 3) % 2 else "SELL")
            if i % 7 == 0:  # a notional instead of a price: the price is derived, the notional exact
                t.pop("price")
                t["notional"] = "123456.78901234"
            out.append(t)
    return out


@pytest.fixture(scope="module")
def exp_server(server_factory):
    return server_factory("exposures", env=ENV)


@pytest.fixture(scope="module")
def workload(exp_server):
    """Trades over three business dates, FX rates for each, all in the lake."""
    admin = exp_server.client("admin")
    sent = load_workload(admin, TradeFactory("exposures"), 18)
    return admin, [stored(t) for t in sent]


def load_workload(admin, factory: TradeFactory, n: int) -> list[dict]:
    """Submits the trades of make_trades(factory, n) and the FX rates of every date, and waits
    until the lake holds them; returns the trades sent."""
    sent = make_trades(factory, n)
    r = admin.submit(sent)
    assert r.status_code == 201, r.text
    for date, rates in RATES.items():
        r = admin.request("PUT", f"/v1/fx-rates/{date}", json={"rates": rates})
        assert r.status_code == 200, r.text
    wait_for_lake(admin)
    return sent


def catalog(server):
    return pyiceberg_catalog(server.data_dir)


# ------------------------------------------------------------------------------------------
# The results, digit for digit
# ------------------------------------------------------------------------------------------


def test_the_business_dates_are_the_expected_ones(workload):
    _, trades = workload
    assert sorted({t["business_date"] for t in trades}) == DATES


@pytest.mark.parametrize("date", DATES)
def test_eod_run_matches_an_independent_computation_at_every_level(exp_server, workload, date):
    admin, trades = workload
    run = run_to_end(admin, {"business_date": date, "kind": "eod"})
    assert_reconciled(run)
    assert run["kind"] == "eod" and run["business_date"] == date
    assert run["trades"] == sum(1 for t in trades if t["business_date"] == date)
    assert run["watermark"] == admin.get("/v1/lake").json()["watermark"]
    assert run["data_files"] >= 1 and run["data_files_pruned"] >= 1  # the other dates' files
    want = expected_levels(trades, date)
    for level in ("participant", "instrument", "counterparty"):
        body = exposures(admin, business_date=date, level=level, kind="eod")
        assert body["run"]["run_id"] == run["run_id"]
        assert_level(body, want[level], level, date)
    assert_reporting(exposures(admin, business_date=date), expected_reporting(trades, date, RATES[date]))
    assert sorted(run["missing_rates"]) == (["CHF"] if date == "2026-11-27" else [])
    # Members are long in some rows and short in others.
    directions = {r["direction"] for r in exposures(admin, business_date=date, level="instrument")["exposures"]}
    assert {"LONG", "SHORT"} <= directions


def test_duckdb_iceberg_scan_agrees_with_the_stored_results(exp_server, workload):
    """DuckDB's own Iceberg reader aggregates tradeagg.trades without our planner."""
    admin, _ = workload
    metadata = catalog(exp_server).load_table("tradeagg.trades").metadata_location
    con = duckdb_iceberg()
    for date in DATES:
        run = run_to_end(admin, {"business_date": date, "kind": "intraday"})
        assert_reconciled(run)
        theirs = {(p, "", c): (bn, sn, buys, sells) for p, c, bn, sn, buys, sells in con.execute(
            f"""SELECT participant, currency,
                   sum(notional) FILTER (side = 'BUY'), sum(notional) FILTER (side = 'SELL'),
                   count(*) FILTER (side = 'BUY'), count(*) FILTER (side = 'SELL')
                FROM iceberg_scan('{metadata}') WHERE business_date = DATE '{date}' GROUP BY ALL""").fetchall()}
        ours = rows_by_key(exposures(admin, business_date=date, run=run["run_id"]), "participant")
        assert set(ours) == set(theirs)
        for k, (bn, sn, buys, sells) in theirs.items():
            row = ours[k]
            assert Decimal(row["buy_notional"]) == (bn or 0) and Decimal(row["sell_notional"]) == (sn or 0), k
            assert (row["buy_trades"], row["sell_trades"], row["trade_count"]) == (buys, sells, buys + sells), k
            assert row["direction"] == sign_direction((bn or 0) - (sn or 0)), k


def test_pyiceberg_reads_the_results_from_tradeagg_exposures(exp_server, workload):
    admin, _ = workload
    date = DATES[1]
    run = run_to_end(admin, {"business_date": date, "kind": "eod"})
    assert_reconciled(run)
    assert run["exposures_snapshot_id"] is not None and run["lake_error"] is None
    table = catalog(exp_server).load_table("tradeagg.exposures")
    assert table.spec().fields[0].name == "business_date"
    rows = table.scan(row_filter=f"run_id == {run['run_id']}").to_arrow().to_pylist()
    assert rows and all(r["business_date"].isoformat() == date and r["version"] == run["version"] for r in rows)
    for level in ("instrument", "counterparty", "participant"):
        api = rows_by_key(exposures(admin, run=run["run_id"], level=level), level)
        lake = {(r["participant"], r["instrument"] or r["counterparty"] or "", r["currency"]): r
                for r in rows if r["level"] == level}
        assert set(api) == set(lake), level
        for k, r in lake.items():
            a = api[k]
            for f in ("buy_quantity", "sell_quantity", "net_quantity", "buy_vwap", "sell_vwap"):
                # Quantities and VWAPs of instrument rows only: null where rows span instruments.
                want = (Decimal(a[f]) if a[f] is not None else None) if level == "instrument" else None
                assert r[f] == want, (k, f)
            assert r["net_notional"] == Decimal(a["net_notional"]) and r["gross_notional"] == Decimal(a["gross_notional"]), k
            assert (r["trade_count"], r["buy_trades"], r["sell_trades"]) == \
                (a["trade_count"], a["buy_trades"], a["sell_trades"]), k
            assert r["direction"] == a["direction"] and r["trades_snapshot_id"] == run["snapshot_id"], k
    snapshot = table.snapshot_by_id(run["exposures_snapshot_id"])
    assert snapshot.summary["tradeagg.run-id"] == str(run["run_id"])


def test_an_eod_rerun_is_a_new_version_and_the_old_one_stays(workload):
    admin, trades = workload
    date = DATES[0]
    first = run_to_end(admin, {"business_date": date, "kind": "eod"})
    second = run_to_end(admin, {"business_date": date, "kind": "eod"})
    assert second["version"] == first["version"] + 1
    assert exposures(admin, business_date=date, kind="eod")["run"]["run_id"] == second["run_id"]
    old = exposures(admin, run=first["run_id"], level="instrument")
    assert_level(old, expected_levels(trades, date)["instrument"], "instrument", date)
    runs = admin.get("/v1/aggregations", params={"business_date": date, "kind": "eod"}).json()["runs"]
    assert [r["version"] for r in runs][:2] == [second["version"], first["version"]]  # newest first


def test_a_missing_fx_rate_is_reported_never_guessed(workload):
    admin, trades = workload
    run = run_to_end(admin, {"business_date": "2026-11-27", "kind": "intraday"})
    assert run["missing_rates"] == ["CHF"]
    reporting = {r["participant"]: r for r in exposures(admin, run=run["run_id"])["reporting"]}
    chf_traders = {t["participant"] for t in trades if t["business_date"] == "2026-11-27" and t["currency"] == "CHF"}
    assert chf_traders
    for participant, row in reporting.items():
        if participant in chf_traders:
            assert row["missing_rates"] == ["CHF"] and row["net_notional"] is None and row["direction"] is None
        else:
            assert row["missing_rates"] == [] and row["net_notional"] is not None


# ------------------------------------------------------------------------------------------
# Totals spanning instruments: direction by net notional, no summed quantity (issue 8)
# ------------------------------------------------------------------------------------------

ISSUE_DATE = "2026-10-14"  # a Wednesday, away from the workload's dates and the scheduler's eod
CHEAP, DEAR = ISINS[0], ISINS[1]


def issue_trades(factory: TradeFactory, participant: str) -> list[dict]:
    """Long 1000 shares of a cheap stock (two buys at 1), short 10 of a dear one (one sell at
    500): 990 shares "long" if quantities were summed, 4000 short in money."""
    when = f"{ISSUE_DATE}T10:00:00Z"
    common = dict(counterparty="ISSUECP", currency="GBP", trade_time=when)
    return [factory.new(participant, instrument=CHEAP, side="BUY", quantity=400, price="1", **common),
            factory.new(participant, instrument=CHEAP, side="BUY", quantity=600, price="1", **common),
            factory.new(participant, instrument=DEAR, side="SELL", quantity=10, price="500", **common)]


def assert_issue_rows(admin, run_id: int, participant: str) -> None:
    """Every level of the issue's participant in /v1/exposures, as docs/api.md describes them."""
    instrument = rows_by_key(exposures(admin, run=run_id, level="instrument", participant=participant), "instrument")
    cheap, dear = instrument[(participant, CHEAP, "GBP")], instrument[(participant, DEAR, "GBP")]
    fields = ("net_quantity", "direction", "buy_trades", "sell_trades")
    assert tuple(cheap[f] for f in fields) == (1000, "LONG", 2, 0)
    assert tuple(dear[f] for f in fields) == (-10, "SHORT", 0, 1)
    assert Decimal(cheap["buy_vwap"]) == 1 and Decimal(dear["sell_vwap"]) == 500
    body = exposures(admin, run=run_id, level="participant", participant=participant)
    (total,) = body["exposures"]
    counterparty = exposures(admin, run=run_id, level="counterparty", participant=participant)["exposures"][0]
    (reporting,) = body["reporting"]
    for row, net in ((total, "-4000"), (counterparty, "-4000"), (reporting, "-5000")):  # GBP at 1.25
        assert row["direction"] == "SHORT", row
        assert Decimal(row["net_notional"]) == Decimal(net), row
        assert (row["trade_count"], row["buy_trades"], row["sell_trades"]) == (3, 2, 1), row
        assert not set(NOT_IN_TOTALS) & set(row), f"a row spanning instruments shows {set(NOT_IN_TOTALS) & set(row)}"


def test_a_participant_long_in_shares_but_short_in_money_reads_short_wherever_instruments_are_summed(exp_server):
    admin = exp_server.client("admin")
    participant = unique("ISSUE", 12)
    sent = issue_trades(TradeFactory("issue8"), participant)
    r = admin.submit(sent)
    assert r.status_code == 201, r.text
    assert {t["business_date"] for t in r.json()["trades"]} == {ISSUE_DATE}
    assert admin.request("PUT", f"/v1/fx-rates/{ISSUE_DATE}", json={"rates": {"GBP": "1.25"}}).status_code == 200

    # The real-time book: positions LONG and SHORT, the total SHORT without a quantity.
    book = admin.positions(business_date=ISSUE_DATE, participant=participant)
    positions = {p["instrument"]: p for p in book["positions"]}
    assert (positions[CHEAP]["direction"], positions[DEAR]["direction"]) == ("LONG", "SHORT")
    (total,) = book["totals"]
    assert total["direction"] == "SHORT" and Decimal(total["net_notional"]) == -4000
    assert (total["buy_trades"], total["sell_trades"], total["trade_count"]) == (2, 1, 3)
    assert not set(NOT_IN_TOTALS) & set(total), total

    # An aggregation run over the lake, served and in tradeagg.exposures.
    wait_for_lake(admin)
    run = run_to_end(admin, {"business_date": ISSUE_DATE, "kind": "intraday"})
    assert_reconciled(run)
    assert_issue_rows(admin, run["run_id"], participant)
    table = catalog(exp_server).load_table("tradeagg.exposures")
    lake = {(r["level"], r["instrument"] or r["counterparty"] or ""): r
            for r in table.scan(row_filter=f"run_id == {run['run_id']}").to_arrow().to_pylist()
            if r["participant"] == participant}
    assert (lake[("instrument", CHEAP)]["direction"], lake[("instrument", CHEAP)]["net_quantity"]) == ("LONG", 1000)
    assert (lake[("instrument", DEAR)]["direction"], lake[("instrument", DEAR)]["net_quantity"]) == ("SHORT", -10)
    for key in (("participant", ""), ("counterparty", "ISSUECP"), ("reporting", "")):
        row = lake[key]
        assert row["direction"] == "SHORT", key
        assert (row["buy_trades"], row["sell_trades"], row["trade_count"]) == (2, 1, 3), key
        assert all(row[f] is None for f in NOT_IN_TOTALS), (key, {f: row[f] for f in NOT_IN_TOTALS})


# tradeagg.exposures as builds before per-side trade counts created it: field ids 1..24 in this
# order, quantities and direction required.
EARLIER_EXPOSURES_COLUMNS = [
    ("run_id", "long", True), ("kind", "string", True), ("version", "int", True),
    ("business_date", "date", True), ("level", "string", True), ("participant", "string", True),
    ("instrument", "string", False), ("counterparty", "string", False), ("currency", "string", True),
    ("buy_quantity", "quantity", True), ("sell_quantity", "quantity", True), ("net_quantity", "quantity", True),
    ("buy_notional", "money", False), ("sell_notional", "money", False), ("net_notional", "money", False),
    ("gross_notional", "money", False), ("trade_count", "long", True), ("buy_vwap", "money", False),
    ("sell_vwap", "money", False), ("direction", "string", True), ("missing_rates", "string", False),
    ("trades_snapshot_id", "long", False), ("watermark", "long", True), ("computed_at", "timestamptz", True),
]


def create_earlier_exposures_table(data_dir) -> None:
    """Creates tradeagg.exposures with the earlier schema through PyIceberg, with one row as an
    earlier build wrote it: the issue's total, a quantity sum and LONG."""
    import pyarrow as pa
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.transforms import IdentityTransform
    from pyiceberg.types import (DateType, DecimalType, IntegerType, LongType, NestedField, StringType,
                                 TimestamptzType)
    types = {"long": LongType(), "string": StringType(), "int": IntegerType(), "date": DateType(),
             "quantity": DecimalType(38, 0), "money": DecimalType(38, 8), "timestamptz": TimestamptzType()}
    schema = Schema(*[NestedField(field_id=i, name=name, field_type=types[kind], required=required)
                      for i, (name, kind, required) in enumerate(EARLIER_EXPOSURES_COLUMNS, start=1)])
    data = data_dir.resolve()
    (data / "warehouse").mkdir(parents=True, exist_ok=True)
    cat = pyiceberg_catalog(data)
    cat.create_namespace("tradeagg")
    table = cat.create_table(
        "tradeagg.exposures", schema,
        partition_spec=PartitionSpec(PartitionField(source_id=4, field_id=1000, transform=IdentityTransform(),
                                                    name="business_date")),
        properties={"created-by": "tradeagg"})
    assert [f.field_id for f in table.schema().fields] == list(range(1, 25)), "ids as the earlier build had them"
    old = {"run_id": 999, "kind": "eod", "version": 1, "business_date": dt.date(2026, 10, 13), "level": "participant",
           "participant": "M016", "instrument": None, "counterparty": None, "currency": "GBP",
           "buy_quantity": Decimal(24352 + 1000), "sell_quantity": Decimal(1000), "net_quantity": Decimal(24352),
           "buy_notional": Decimal("1000.00000000"), "sell_notional": Decimal("22238213.44320000"),
           "net_notional": Decimal("-22237213.44320000"), "gross_notional": Decimal("22239213.44320000"),
           "trade_count": 7, "buy_vwap": None, "sell_vwap": None, "direction": "LONG", "missing_rates": None,
           "trades_snapshot_id": None, "watermark": 7,
           "computed_at": dt.datetime(2026, 10, 13, 18, 0, tzinfo=dt.timezone.utc)}
    table.append(pa.Table.from_pylist([old], schema=table.schema().as_arrow()))


def test_a_table_of_an_earlier_build_is_evolved_and_old_and_new_rows_read_back(server_factory):
    server = server_factory("evolve", start=False, env={"TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "100",
                                                       "TRADEAGG_INTRADAY_INTERVAL_SECONDS": "0"})
    create_earlier_exposures_table(server.data_dir)
    before = catalog(server).load_table("tradeagg.exposures")
    old_ids = {f.name: f.field_id for f in before.schema().fields}
    server.start()
    admin = server.client("admin")

    # Evolved at the start, in one commit: the old schema kept, the new one current.
    table = catalog(server).load_table("tradeagg.exposures")
    assert [s.schema_id for s in table.schemas().values()] == [0, 1] and table.schema().schema_id == 1
    assert table.metadata.last_column_id == 26
    assert {f.name: f.field_id for f in table.schema().fields if f.name in old_ids} == old_ids
    assert table.schema().find_field("buy_trades").field_id == 25
    assert table.schema().find_field("sell_trades").field_id == 26
    assert not any(table.schema().find_field(f).required for f in ("buy_quantity", "net_quantity", "direction"))
    assert len(table.metadata.snapshots) == 1, "evolving adds no snapshot"

    participant = unique("EVO", 12)
    r = admin.submit(issue_trades(TradeFactory("evolve"), participant))
    assert r.status_code == 201, r.text
    assert admin.request("PUT", f"/v1/fx-rates/{ISSUE_DATE}", json={"rates": {"GBP": "1.25"}}).status_code == 200
    wait_for_lake(admin)
    run = run_to_end(admin, {"business_date": ISSUE_DATE, "kind": "intraday"})
    assert_reconciled(run)
    assert run["exposures_snapshot_id"] is not None and run["lake_error"] is None, run
    assert_issue_rows(admin, run["run_id"], participant)

    # PyIceberg reads both files: the old row as it was written, with null per-side counts.
    rows = catalog(server).load_table("tradeagg.exposures").scan().to_arrow().to_pylist()
    (old,) = [r for r in rows if r["run_id"] == 999]
    assert (old["buy_trades"], old["sell_trades"], old["net_quantity"], old["direction"]) == (None, None, 24352, "LONG")
    new = {(r["level"], r["instrument"] or r["counterparty"] or ""): r for r in rows if r["run_id"] == run["run_id"]}
    assert (new[("participant", "")]["direction"], new[("participant", "")]["net_quantity"]) == ("SHORT", None)
    assert (new[("participant", "")]["buy_trades"], new[("participant", "")]["sell_trades"]) == (2, 1)
    assert new[("instrument", CHEAP)]["net_quantity"] == 1000

    # DuckDB's iceberg reader and `tradeagg sql` (by field id) agree.
    con = duckdb_iceberg()
    metadata = catalog(server).load_table("tradeagg.exposures").metadata_location
    theirs = con.execute(f"""SELECT run_id, level, buy_trades, sell_trades, direction FROM iceberg_scan('{metadata}')
                             WHERE level = 'participant' ORDER BY run_id""").fetchall()
    assert theirs == sorted([(999, "participant", None, None, "LONG"), (run["run_id"], "participant", 2, 1, "SHORT")])
    done = cli(server, "sql", "SELECT run_id, buy_trades, sell_trades, direction FROM exposures "
                              "WHERE level = 'participant' ORDER BY run_id")
    assert done.returncode == 0, done.stderr
    cells = [[int(c) if i == 0 else c for i, c in enumerate(c.strip() for c in line.split("|"))]
             for line in done.stdout.splitlines()[2:-1]]
    assert cells == sorted([[999, "NULL", "NULL", "LONG"], [run["run_id"], "2", "1", "SHORT"]]), done.stdout


# ------------------------------------------------------------------------------------------
# Time travel
# ------------------------------------------------------------------------------------------


def test_time_travel_by_snapshot_and_by_time(exp_server, workload):
    admin, trades = workload
    date = DATES[2]
    before = admin.get("/v1/lake").json()["snapshot"]
    time.sleep(0.01)
    late = [t for t in make_trades(TradeFactory("late"), 2) if stored(t)["business_date"] == date]
    assert admin.submit(late).status_code == 201
    wait_for_lake(admin)
    everything = trades + [stored(t) for t in late]

    by_id = run_to_end(admin, {"business_date": date, "kind": "intraday", "as_of_snapshot_id": before["snapshot_id"]})
    by_time = run_to_end(admin, {"business_date": date, "kind": "intraday", "as_of": before["committed_at"]})
    now = run_to_end(admin, {"business_date": date, "kind": "intraday"})
    for run, population in ((by_id, trades), (by_time, trades), (now, everything)):
        assert_reconciled(run)  # the book is taken back to each run's watermark
        body = exposures(admin, run=run["run_id"], level="instrument")
        assert_level(body, expected_levels(population, date)["instrument"], "instrument", date)
    assert by_id["snapshot_id"] == by_time["snapshot_id"] == before["snapshot_id"]
    assert by_id["as_of"]["snapshot_id"] == before["snapshot_id"]
    assert now["watermark"] > by_id["watermark"]
    # The snapshot id also works as a JSON string.
    as_text = run_to_end(admin, {"business_date": date, "kind": "intraday", "as_of_snapshot_id": str(before["snapshot_id"])})
    assert as_text["snapshot_id"] == before["snapshot_id"]


def test_time_travel_to_an_unknown_snapshot_fails_the_run_with_its_reason(workload):
    admin, _ = workload
    run = run_to_end(admin, {"business_date": DATES[0], "kind": "intraday", "as_of_snapshot_id": 12345})
    assert run["status"] == "failed" and "12345" in run["error"]
    # Nothing of a failed run is served.
    assert admin.get("/v1/exposures", params={"run": run["run_id"]}).status_code == 404


# ------------------------------------------------------------------------------------------
# Who may do what, and bad input
# ------------------------------------------------------------------------------------------


def test_members_see_only_their_own_exposures(exp_server, workload):
    admin, trades = workload
    from conftest import UserFactory
    users = UserFactory(exp_server, admin)
    member = users.member("EXPA")
    date = DATES[1]
    run_to_end(admin, {"business_date": date, "kind": "eod"})
    body = exposures(member, business_date=date, level="instrument")
    assert body["exposures"] and {r["participant"] for r in body["exposures"]} == {"EXPA"}
    # Venue-wide counts and the reconciliation of everyone are not a member's business.
    assert "trades" not in body["run"] and "reconciliation" not in body["run"] and "rows" not in body["run"]
    assert body["run"]["kind"] == "eod" and body["run"]["watermark"] > 0
    assert {r["participant"] for r in exposures(member, business_date=date)["reporting"]} == {"EXPA"}
    assert_problem(member.get("/v1/exposures", params={"business_date": date, "participant": "EXPB"}), 403, "forbidden")
    assert_problem(member.get("/v1/exposures/history", params={"participant": "EXPB"}), 403, "forbidden")
    assert_problem(member.post("/v1/aggregations", json={"business_date": date, "kind": "eod"}), 403, "forbidden")
    assert_problem(member.get("/v1/aggregations"), 403, "forbidden")
    assert_problem(member.request("PUT", f"/v1/fx-rates/{date}", json={"rates": {"EUR": "2"}}), 403, "forbidden")
    assert member.get(f"/v1/fx-rates/{date}").json()["rates"] == {k: v for k, v in RATES[date].items()}
    risk = users.risk()
    assert run_to_end(risk, {"business_date": date, "kind": "intraday"})["requested_by"] == risk.username


def test_bad_requests_name_the_field(workload):
    admin, _ = workload
    body = assert_problem(admin.post("/v1/aggregations", json={"business_date": "2026-13-01", "kind": "weekly"}),
                          422, "validation")
    assert {f for _, f in error_fields(body)} == {"business_date", "kind"}
    body = assert_problem(admin.post("/v1/aggregations", json={"kind": "eod"}), 422, "validation")
    assert {f for _, f in error_fields(body)} == {"business_date"}
    body = assert_problem(admin.post("/v1/aggregations", json={"business_date": DATES[0], "kind": "eod",
                                                               "as_of_snapshot_id": -3, "as_of": "yesterday"}),
                          422, "validation")
    assert {"as_of_snapshot_id", "as_of"} <= {f for _, f in error_fields(body)}
    assert_problem(admin.post("/v1/aggregations", data=b"{nope", headers={"Content-Type": "application/json"}),
                   400, "malformed")
    body = assert_problem(admin.request("PUT", f"/v1/fx-rates/{DATES[0]}",
                                        json={"rates": {"EUR": "-1", "JPY": "0.0067", "GBP": 1.25, "USD": "2"}}),
                          422, "validation")
    assert {f for _, f in error_fields(body)} == {"rates.EUR", "rates.JPY", "rates.GBP", "rates.USD"}
    # A failed PUT changed nothing.
    assert admin.get(f"/v1/fx-rates/{DATES[0]}").json()["rates"] == RATES[DATES[0]]
    body = assert_problem(admin.get("/v1/exposures", params={"level": "desk", "business_date": "x"}), 422, "validation")
    assert {f for _, f in error_fields(body)} == {"level", "business_date"}
    assert_problem(admin.get("/v1/exposures", params={"business_date": "2001-01-01"}), 404, "not-found")
    assert_problem(admin.get("/v1/aggregations/999999"), 404, "not-found")


# ------------------------------------------------------------------------------------------
# The command line
# ------------------------------------------------------------------------------------------


def cli(server, *args, timeout=120):
    return subprocess.run([str(binary_path()), *args, "--data-dir", str(server.data_dir)],
                          capture_output=True, text=True, timeout=timeout,
                          env=store_backend.cli_env(server.data_dir))


def test_cli_aggregate_runs_beside_the_server_and_reconciles(exp_server, workload):
    admin, trades = workload
    date = DATES[0]
    done = cli(exp_server, "aggregate", "--date", date, "--kind", "eod")
    assert done.returncode == 0, done.stderr
    assert "reconciliation: matched, 0 differences" in done.stdout
    run_id = int(done.stdout.split()[1].rstrip(":"))
    run = admin.get(f"/v1/aggregations/{run_id}").json()
    assert run["requested_by"] == "cli" and run["kind"] == "eod"
    assert_level(exposures(admin, run=run_id, level="counterparty"),
                 expected_levels(trades, date)["counterparty"], "counterparty", date)
    snapshot = admin.get("/v1/lake").json()["snapshot"]["snapshot_id"]
    travelled = cli(exp_server, "aggregate", "--date", date, "--kind", "intraday", "--as-of-snapshot", str(snapshot))
    assert travelled.returncode == 0, travelled.stderr
    assert f"snapshot {snapshot}," in travelled.stdout
    both = cli(exp_server, "aggregate", "--date", date, "--as-of-snapshot", str(snapshot), "--as-of", "2026-11-20T12:00:00Z")
    assert both.returncode != 0 and "excludes" in both.stderr


def test_cli_sql_reads_the_lake_and_refuses_to_write(exp_server, workload, tmp_path):
    _, trades = workload
    date = DATES[1]
    done = cli(exp_server, "sql", f"SELECT participant, count(*) AS n, sum(notional) AS notional FROM trades "
                                  f"WHERE business_date = DATE '{date}' GROUP BY ALL ORDER BY participant;",
               "--from", date, "--to", date)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split("|")[0].strip() == "participant" and lines[-1] == f"({len(MEMBERS)} rows)"
    got = {cells[0]: (int(cells[1]), Decimal(cells[2]))
           for cells in ([c.strip() for c in line.split("|")] for line in lines[2:-1])}
    want = defaultdict(lambda: [0, Decimal(0)])
    for t in trades:
        if t["business_date"] == date:
            want[t["participant"]][0] += 1
            want[t["participant"]][1] += t["notional"]
    assert got == {p: tuple(v) for p, v in want.items()}
    exposures_sql = cli(exp_server, "sql", "SELECT count(*) FROM exposures WHERE level = 'reporting'")
    assert exposures_sql.returncode == 0 and int(exposures_sql.stdout.splitlines()[2]) > 0
    for statement in (f"COPY trades TO '{tmp_path}/x.csv'", "CREATE TABLE x AS SELECT 1", "SELECT 1; SELECT 2"):
        refused = cli(exp_server, "sql", statement)
        assert refused.returncode != 0, statement
    assert not (tmp_path / "x.csv").exists()


def test_cli_fx_sets_and_shows_rates(exp_server, workload):
    admin, _ = workload
    date = "2026-12-31"
    done = cli(exp_server, "fx", "set", "--date", date, "EUR=1.1", "GBP=1.3")
    assert done.returncode == 0, done.stderr
    assert admin.get(f"/v1/fx-rates/{date}").json()["rates"] == {"EUR": "1.1", "GBP": "1.3"}
    bad = cli(exp_server, "fx", "set", "--date", date, "EUR=abc")
    assert bad.returncode == 2


# ------------------------------------------------------------------------------------------
# The scheduler: intraday series and the automatic end of day
# ------------------------------------------------------------------------------------------


def test_intraday_runs_form_a_series_of_the_day(server_factory):
    server = server_factory("intraday", env={"TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "100",
                                             "TRADEAGG_INTRADAY_INTERVAL_SECONDS": "1"})
    admin = server.client("admin")
    factory = TradeFactory("intraday")
    sent = []
    for i in range(3):  # three batches a bit over a second apart: at least three points
        batch = [factory.new("INTRA", counterparty="OTHER", side="BUY" if i % 2 else "SELL") for _ in range(5)]
        r = admin.submit(batch)
        assert r.status_code == 201, r.text
        sent += [dict(b, business_date=r.json()["trades"][0]["business_date"]) for b in batch]
        time.sleep(1.3)
    date = sent[0]["business_date"]
    deadline = time.monotonic() + 30
    while True:
        history = admin.get("/v1/exposures/history", params={"participant": "INTRA", "business_date": date}).json()
        points = history["points"]
        lake = admin.get("/v1/lake").json()["watermark"]
        if len(points) >= 3 and points[-1]["watermark"] >= lake and lake >= 15:
            break
        assert time.monotonic() < deadline, history
        time.sleep(0.2)
    assert all(p["kind"] == "intraday" and p["business_date"] == date for p in points)
    watermarks = [p["watermark"] for p in points]
    assert watermarks == sorted(watermarks) and watermarks[0] < watermarks[-1]
    computed = [p["computed_at"] for p in points]
    assert computed == sorted(computed)
    # The last point holds every trade; each point's totals are those of the trades it saw.
    acc = defaultdict(_Acc)
    for t in sent:
        _, notional = expected_price_notional(t)
        acc[t["currency"]].add(t["side"], int(t["quantity"]), notional)
    last = {r["currency"]: r for r in points[-1]["totals"]}
    assert set(last) == set(acc)
    for currency, a in acc.items():
        assert not check_total(last[currency], a.total(), currency)
    runs = admin.get("/v1/aggregations", params={"kind": "intraday", "business_date": date}).json()["runs"]
    assert all(r["requested_by"] == "scheduler" for r in runs)
    assert all(r["reconciliation"]["differences"] == 0 for r in runs if r["status"] == "succeeded")


def test_eod_runs_by_itself_once_the_date_is_closed_and_in_the_lake(server_factory):
    """The previous business date is closed: once the lake holds every trade committed, its eod
    run starts without being asked, exactly once."""
    server = server_factory("eod", env={"TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "100",
                                        "TRADEAGG_INTRADAY_INTERVAL_SECONDS": "0",
                                        "TRADEAGG_EOD_ENABLED": "false"})
    admin = server.client("admin")
    calendar = Calendar()
    today = calendar.current()
    previous = today - dt.timedelta(days=1)
    while not calendar.is_business_day(previous):
        previous -= dt.timedelta(days=1)
    when = dt.datetime.combine(previous, dt.time(10, 0), tzinfo=calendar.zone)
    factory = TradeFactory("eod")
    batch = [factory.new("EODP", counterparty="EODC", trade_time=when.isoformat()) for _ in range(12)]
    r = admin.submit(batch)
    assert r.status_code == 201, r.text
    assert {t["business_date"] for t in r.json()["trades"]} == {previous.isoformat()}
    wait_for_lake(admin)
    assert admin.get("/v1/aggregations", params={"kind": "eod"}).json()["runs"] == []

    server.stop()
    server.env["TRADEAGG_EOD_ENABLED"] = "true"
    server.start()
    admin = admin.relogin()
    deadline = time.monotonic() + 30
    while True:
        runs = admin.get("/v1/aggregations", params={"kind": "eod", "business_date": previous.isoformat()}).json()["runs"]
        if runs and runs[0]["status"] == "succeeded":
            break
        assert time.monotonic() < deadline, runs
        time.sleep(0.1)
    assert len(runs) == 1 and runs[0]["requested_by"] == "scheduler"
    assert runs[0]["trades"] == 12 and runs[0]["reconciliation"]["differences"] == 0
    # A restart does not run it again.
    server.stop()
    server.start()
    admin = admin.relogin()
    time.sleep(2)
    runs = admin.get("/v1/aggregations", params={"kind": "eod", "business_date": previous.isoformat()}).json()["runs"]
    assert len(runs) == 1


def test_a_run_interrupted_by_a_stop_is_marked_failed_at_the_next_start(server_factory):
    server = server_factory("interrupted", env={"TRADEAGG_INTRADAY_INTERVAL_SECONDS": "0"})
    admin = server.client("admin")
    runs = [admin.post("/v1/aggregations", json={"business_date": d, "kind": "intraday"}).json()["run_id"]
            for d in DATES * 3]
    server.kill()
    server.start()
    admin = admin.relogin()
    states = [admin.get(f"/v1/aggregations/{r}").json() for r in runs]
    assert all(s["status"] in ("succeeded", "failed") for s in states)
    assert all("interrupted" in s["error"] for s in states if s["status"] == "failed")
