"""What an aggregation run answers for: every trade acknowledged before it was requested, or it
fails saying why; never a succeeded run over less. And late trades: an eod run that misses
trades committed after it read the lake is stale, says how many it misses, and the scheduler
runs the date again as a new version.

The case that started it: 3,001 trades of a closed date, acknowledged, then at once an eod run,
with the lake on its default flush interval. The run must wait for the lake (asking the exporter
to export now) and aggregate all 3,001, or fail with "lake behind"; its reconciliation compares
with the store's trades up to the request, so a trade missing from the lake is a difference.
"""
from __future__ import annotations

import datetime as dt
import time

import duckdb

from conftest import Calendar, TradeFactory, UserFactory
from test_exposures import cli, run_to_end, wait_run
from test_lake import catalog, wait_for_lake

CALENDAR = Calendar()  # the servers' defaults: London, 17:30
N_TRADES = 3001


def closed_date() -> dt.date:
    """The business date before the current one: closed, its cut-off passed."""
    previous = CALENDAR.current() - dt.timedelta(days=1)
    while not CALENDAR.is_business_day(previous):
        previous -= dt.timedelta(days=1)
    return previous


def trades_of(date: dt.date, n: int, factory: TradeFactory, participant: str = "CMPA") -> list[dict]:
    """n trades whose business date is `date` (trade times on its morning, London time)."""
    base = dt.datetime.combine(date, dt.time(9, 0), tzinfo=CALENDAR.zone)
    return [factory.new(participant if i % 3 else "CMPB", counterparty="CMPC",
                        trade_time=(base + dt.timedelta(seconds=i)).isoformat())
            for i in range(n)]


def submit_all(admin, trades: list[dict], batch: int = 1000) -> None:
    for i in range(0, len(trades), batch):
        r = admin.submit(trades[i:i + batch])
        assert r.status_code == 201, r.text


def participant_trade_count(admin, run_id: int) -> int:
    body = admin.get("/v1/exposures", params={"run": run_id, "level": "participant"}).json()
    return sum(row["trade_count"] for row in body["exposures"])


def no_scheduler(**env) -> dict:
    return {"TRADEAGG_INTRADAY_INTERVAL_SECONDS": "0", "TRADEAGG_EOD_ENABLED": "false", **env}


def lake_server(server_factory, name: str, fault_injection: bool = False):
    """A server without scheduled runs whose lake flushes every 100 ms, and its admin client."""
    server = server_factory(name, fault_injection=fault_injection,
                            env=no_scheduler(TRADEAGG_LAKE_FLUSH_INTERVAL_MS="100"))
    return server, server.client("admin")


def current_snapshot_id(server) -> int:
    return catalog(server).load_table("tradeagg.trades").current_snapshot().snapshot_id


def assert_answers_for_all(run: dict, n: int, request_seq: int) -> None:
    assert run["status"] == "succeeded", run
    answers = run["answers_for"]
    assert answers["basis"] == "request"
    assert answers["request_seq"] == request_seq
    assert answers["watermark"] >= request_seq and run["watermark"] == answers["watermark"]
    assert answers["store_trades"] == n and answers["lake_trades"] == n and run["trades"] == n
    assert (run["reconciliation"]["status"], run["reconciliation"]["differences"]) == ("matched", 0)
    assert run["stale"] is False and run["missing_trades"] == 0


def test_a_run_at_once_after_the_trades_aggregates_every_acknowledged_trade(server_factory):
    server = server_factory("complete", env=no_scheduler())  # the lake's default flush interval
    admin = server.client("admin")
    date = closed_date()
    submit_all(admin, trades_of(date, N_TRADES, TradeFactory("complete")))
    run = run_to_end(admin, {"business_date": date.isoformat(), "kind": "eod"})
    assert_answers_for_all(run, N_TRADES, N_TRADES)
    assert run["data_files"] >= 1
    assert participant_trade_count(admin, run["run_id"]) == N_TRADES
    assert run["trades_tag"] == f"eod-{date.isoformat()}-v1"  # the snapshot read is kept for repeats


def test_a_flush_interval_longer_than_the_wait_still_answers_for_every_trade(server_factory):
    """The run asks the exporter to export now rather than waiting out its interval."""
    server = server_factory("long-flush", env=no_scheduler(TRADEAGG_LAKE_FLUSH_INTERVAL_MS="600000",
                                                           TRADEAGG_LAKE_WAIT_MS="5000"))
    admin = server.client("admin")
    date = closed_date()
    submit_all(admin, trades_of(date, N_TRADES, TradeFactory("longflush")))
    run = run_to_end(admin, {"business_date": date.isoformat(), "kind": "eod"})
    if run["status"] == "failed":  # allowed, but only for the stated reason
        assert run["error"].startswith(f"unavailable: lake behind: watermark "), run["error"]
        return
    assert_answers_for_all(run, N_TRADES, N_TRADES)


def test_a_lake_that_cannot_catch_up_fails_the_run_with_the_reason(server_factory):
    server = server_factory("lake-behind", fault_injection=True,
                            env=no_scheduler(TRADEAGG_LAKE_FLUSH_INTERVAL_MS="100", TRADEAGG_LAKE_WAIT_MS="1500"))
    admin = server.client("admin")
    date = closed_date()
    r = admin.post("/v1/admin/faults", json={"point": "lake.export.before_read", "count": 1_000_000})
    assert r.status_code == 204, r.text
    submit_all(admin, trades_of(date, N_TRADES, TradeFactory("behind")))
    run = run_to_end(admin, {"business_date": date.isoformat(), "kind": "eod"})
    assert run["status"] == "failed", run
    assert f"lake behind: watermark 0, needed {N_TRADES}" in run["error"], run["error"]
    assert run["answers_for"]["request_seq"] == N_TRADES
    r = admin.get("/v1/exposures", params={"business_date": date.isoformat(), "kind": "eod"})
    assert r.status_code == 404, r.text  # nothing of a failed run is served

    r = admin.post("/v1/admin/faults", json={"point": "lake.export.before_read", "count": 0})
    assert r.status_code == 204, r.text
    wait_for_lake(admin)  # the run's own wait is short on purpose; the export catches up first
    again = run_to_end(admin, {"business_date": date.isoformat(), "kind": "eod"})
    assert_answers_for_all(again, N_TRADES, N_TRADES)
    assert again["version"] == 2


def test_time_travel_answers_for_the_snapshot_and_says_so(server_factory):
    server, admin = lake_server(server_factory, "answers-tt")
    date = closed_date()
    factory = TradeFactory("answerstt")
    submit_all(admin, trades_of(date, 40, factory))
    wait_for_lake(admin)
    first = current_snapshot_id(server)
    submit_all(admin, trades_of(date, 25, factory))
    wait_for_lake(admin)
    run = run_to_end(admin, {"business_date": date.isoformat(), "kind": "intraday", "as_of_snapshot_id": str(first)})
    assert run["status"] == "succeeded", run
    assert run["answers_for"] == {"basis": "snapshot", "request_seq": None, "watermark": 40, "store_trades": 40,
                                  "lake_trades": 40}
    assert run["reconciliation"]["differences"] == 0 and run["reconciliation"]["book_watermark"] == 65


def test_a_late_trade_makes_the_eod_stale_with_the_count_it_misses(server_factory):
    server, admin = lake_server(server_factory, "stale")
    date = closed_date()
    factory = TradeFactory("stale")
    submit_all(admin, trades_of(date, 30, factory))
    run = run_to_end(admin, {"business_date": date.isoformat(), "kind": "eod"})
    assert run["status"] == "succeeded" and run["stale"] is False, run

    # Two late reports: trade times before the date's cut-off, which has passed.
    submit_all(admin, trades_of(date, 2, factory, participant="CMPL"))
    run = admin.get(f"/v1/aggregations/{run['run_id']}").json()
    assert run["stale"] is True and run["missing_trades"] == 2, run
    listed = admin.get("/v1/aggregations", params={"kind": "eod", "business_date": date.isoformat()}).json()["runs"]
    assert [(r["run_id"], r["stale"], r["missing_trades"]) for r in listed] == [(run["run_id"], True, 2)]
    body = admin.get("/v1/exposures", params={"business_date": date.isoformat(), "kind": "eod"}).json()
    assert body["run"]["stale"] is True and body["run"]["missing_trades"] == 2
    # A member sees that its eod is stale, not the venue-wide count.
    member = UserFactory(server, admin).member("CMPA")
    body = member.get("/v1/exposures", params={"business_date": date.isoformat(), "kind": "eod"}).json()
    assert body["run"]["stale"] is True and "missing_trades" not in body["run"]


def test_the_scheduler_runs_a_stale_eod_again_and_both_versions_are_served(server_factory):
    # The date's trades first, with the scheduler's eod off (it would run the closed date at once).
    server = server_factory("stale-rerun", env=no_scheduler(TRADEAGG_LAKE_FLUSH_INTERVAL_MS="100"))
    admin = server.client("admin")
    date = closed_date()
    factory = TradeFactory("rerun")
    submit_all(admin, trades_of(date, 20, factory))
    wait_for_lake(admin)
    server.stop()
    server.env["TRADEAGG_EOD_ENABLED"] = "true"
    server.start()
    admin = admin.relogin()

    def eod_runs() -> list[dict]:
        return admin.get("/v1/aggregations", params={"kind": "eod", "business_date": date.isoformat()}).json()["runs"]

    def wait_versions(n: int, timeout: float = 30) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            runs = eod_runs()
            if len(runs) >= n and all(r["status"] in ("succeeded", "failed") for r in runs):
                return runs
            assert time.monotonic() < deadline, runs
            time.sleep(0.1)

    first = wait_versions(1)
    assert len(first) == 1 and first[0]["status"] == "succeeded" and first[0]["trades"] == 20, first
    late = trades_of(date, 1, factory, participant="CMPL")
    submit_all(admin, late)
    runs = wait_versions(2)
    assert len(runs) == 2, runs
    v2, v1 = runs  # newest first
    assert (v1["version"], v1["status"], v1["stale"], v1["missing_trades"]) == (1, "succeeded", True, 1), v1
    assert (v2["version"], v2["status"], v2["stale"], v2["missing_trades"]) == (2, "succeeded", False, 0), v2
    assert v2["trades"] == 21 and v2["requested_by"] == "scheduler"
    assert v2["reconciliation"]["differences"] == 0
    # Both versions are served; the latest by default.
    assert participant_trade_count(admin, v1["run_id"]) == 20
    assert participant_trade_count(admin, v2["run_id"]) == 21
    latest = admin.get("/v1/exposures", params={"business_date": date.isoformat(), "kind": "eod"}).json()
    assert latest["run"]["run_id"] == v2["run_id"]
    # The lake holds both versions' rows.
    rows = catalog(server).load_table("tradeagg.exposures").scan().to_arrow().to_pylist()
    by_run = {}
    for row in rows:
        if row["level"] == "participant":
            by_run[row["run_id"]] = by_run.get(row["run_id"], 0) + row["trade_count"]
    assert by_run == {v1["run_id"]: 20, v2["run_id"]: 21}
    # ... and tradeagg.runs tells them apart: v1 stale, v2 the current eod of the date.
    runs = wait_runs_table(server, lambda t: v2["run_id"] in t and t[v1["run_id"]]["stale"])
    assert (runs[v1["run_id"]]["stale"], runs[v1["run_id"]]["missing_trades"], runs[v1["run_id"]]["latest"]) == (True, 1, False)
    assert (runs[v2["run_id"]]["stale"], runs[v2["run_id"]]["latest"], runs[v2["run_id"]]["status"]) == (False, True, "succeeded")
    # No third version: the newest is complete.
    time.sleep(2)
    assert len(eod_runs()) == 2


# ------------------------------------------------------------------------------------------
# The lake side: tags that keep an eod's snapshot, and tradeagg.runs telling results apart
# ------------------------------------------------------------------------------------------


def rows_of(admin, run_id: int) -> dict:
    """Every level's rows of a run, without what names the run."""
    out = {}
    for level in ("instrument", "counterparty", "participant", "reporting"):
        body = admin.get("/v1/exposures", params={"run": run_id, "level": level}).json()
        out[level] = body["exposures"]
        if level == "participant":
            out["reporting-of-participant"] = body["reporting"]
    return out


def test_a_tagged_eod_snapshot_survives_expiry_and_the_run_repeats_from_it(server_factory):
    server, admin = lake_server(server_factory, "tags")
    date = closed_date()
    factory = TradeFactory("tags")
    submit_all(admin, trades_of(date, 15, factory))
    wait_for_lake(admin)
    untagged = current_snapshot_id(server)
    submit_all(admin, trades_of(date, 10, factory))
    v1 = run_to_end(admin, {"business_date": date.isoformat(), "kind": "eod"})
    assert v1["status"] == "succeeded" and v1["trades"] == 25, v1
    tag, tagged = v1["trades_tag"], v1["snapshot_id"]
    assert tag == f"eod-{date.isoformat()}-v1"

    # PyIceberg, another writer of the table, shortens its snapshot retention to 1 ms (the
    # property Java and PyIceberg expire by); the next export then expires what no ref keeps.
    table = catalog(server).load_table("tradeagg.trades")
    assert table.refs()[tag].snapshot_id == tagged and table.refs()[tag].snapshot_ref_type == "tag"
    with table.transaction() as tx:
        tx.set_properties({"history.expire.max-snapshot-age-ms": "1"})
    time.sleep(0.05)
    today = CALENDAR.current()
    submit_all(admin, [factory.new("CMPT", counterparty="CMPC") for _ in range(5)])  # today's trades
    wait_for_lake(admin)
    table = catalog(server).load_table("tradeagg.trades")
    kept = {s.snapshot_id for s in table.metadata.snapshots}
    assert untagged not in kept, "expiry did not run"
    assert tagged in kept and table.snapshot_by_name(tag).snapshot_id == tagged
    scanned = table.scan(snapshot_id=tagged, row_filter=f"business_date == '{date.isoformat()}'").to_arrow()
    assert scanned.num_rows == 25
    assert today != date

    # Repeating the run from the tag gives the same rows.
    again = run_to_end(admin, {"business_date": date.isoformat(), "kind": "eod", "as_of_snapshot_id": str(tagged)})
    assert again["status"] == "succeeded", again
    assert again["answers_for"]["basis"] == "snapshot" and again["trades"] == 25
    assert rows_of(admin, again["run_id"]) == rows_of(admin, v1["run_id"])


def runs_table(server) -> dict:
    """tradeagg.runs, as PyIceberg reads it: run_id -> row."""
    rows = catalog(server).load_table("tradeagg.runs").scan().to_arrow().to_pylist()
    return {row["run_id"]: row for row in rows}


def wait_runs_table(server, predicate, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        runs = runs_table(server)
        if predicate(runs):
            return runs
        assert time.monotonic() < deadline, runs
        time.sleep(0.1)


def test_readers_of_the_lake_tell_succeeded_runs_from_failed_and_stale_ones(server_factory):
    server, admin = lake_server(server_factory, "runs-table", fault_injection=True)
    date = closed_date()
    factory = TradeFactory("runstable")
    submit_all(admin, trades_of(date, 12, factory))
    good = run_to_end(admin, {"business_date": date.isoformat(), "kind": "eod"})
    assert good["status"] == "succeeded", good
    # The store fails after the rows reached tradeagg.exposures.
    r = admin.post("/v1/admin/faults", json={"point": "results.save.before_commit", "count": 1})
    assert r.status_code == 204, r.text
    bad = run_to_end(admin, {"business_date": date.isoformat(), "kind": "eod"})
    assert bad["status"] == "failed" and "tradeagg.exposures" in bad["error"], bad
    # A late trade makes the good run stale.
    submit_all(admin, trades_of(date, 1, factory, participant="CMPL"))

    runs = wait_runs_table(server, lambda t: good["run_id"] in t and bad["run_id"] in t and t[good["run_id"]]["stale"])
    assert (runs[good["run_id"]]["status"], runs[good["run_id"]]["missing_trades"]) == ("succeeded", 1)
    assert runs[bad["run_id"]]["status"] == "failed" and not runs[bad["run_id"]]["stale"]

    exposures = catalog(server).load_table("tradeagg.exposures").scan().to_arrow().to_pylist()
    assert {row["run_id"] for row in exposures} == {good["run_id"], bad["run_id"]}  # both runs' rows are there
    # ... and the join that docs/api.md gives keeps only succeeded, current results.
    con = duckdb.connect()
    con.register("exposures", catalog(server).load_table("tradeagg.exposures").scan().to_arrow())
    con.register("runs", catalog(server).load_table("tradeagg.runs").scan().to_arrow())
    kept = con.execute("SELECT DISTINCT e.run_id FROM exposures e JOIN runs r USING (run_id)"
                       " WHERE r.status = 'succeeded' AND NOT r.stale").fetchall()
    assert kept == []  # the only succeeded run is stale now
    succeeded = con.execute("SELECT DISTINCT e.run_id FROM exposures e JOIN runs r USING (run_id)"
                            " WHERE r.status = 'succeeded'").fetchall()
    assert succeeded == [(good["run_id"],)]
    # tradeagg sql has the same view of it.
    done = cli(server, "sql", "SELECT run_id, status, stale FROM runs ORDER BY run_id")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [[c.strip() for c in line.split("|")] for line in lines[2:-1]] == [
        [str(good["run_id"]), "succeeded", "true"], [str(bad["run_id"]), "failed", "false"]]
