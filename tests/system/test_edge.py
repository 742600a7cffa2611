"""An edge that holds against hostile and careless clients (issue 9).

Costs are measured from the server's own /proc accounting (CPU time), as bounds relative to a
baseline measured in the same test, never as wall-clock timings.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import stat

from conftest import TradeFactory, UserFactory, assert_problem
from test_exposures import cli
from test_lake import wait_for_lake

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(server) -> float:
    """User + system CPU time the server process has used so far."""
    with open(f"/proc/{server.proc.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15)


def cpu_of(server, call) -> tuple[float, object]:
    before = cpu_seconds(server)
    result = call()
    return cpu_seconds(server) - before, result


def test_a_batch_of_bad_trades_costs_no_more_than_a_good_one_and_lists_a_bounded_number_of_errors(server_factory):
    server = server_factory("bad-batch")
    admin = server.client("admin")
    n = 10_000
    good = TradeFactory("edge").many(n, "EDGEP", counterparty="EDGEC")
    good_cpu, r = cpu_of(server, lambda: admin.submit(good))
    assert r.status_code == 201, r.text

    bad_cpu, r = cpu_of(server, lambda: admin.submit([{"quantity": 0}] * n))
    problem = assert_problem(r, 422, "validation")
    errors = problem["errors"]
    assert len(errors) == 100
    assert [e["index"] for e in errors] == sorted(e["index"] for e in errors) and errors[0]["index"] == 0
    per_trade = sum(1 for e in errors if e["index"] == 0)
    assert problem["detail"] == (f"{per_trade * n} errors in {n} trades (the first 100 are listed); "
                                 "nothing was stored"), problem["detail"]
    # Linear: the bad batch (seven errors a trade) costs no more than a few good ones, which are
    # also committed; the clock-tick resolution is 10 ms.
    print(f"CPU: good batch {good_cpu:.2f} s, bad batch {bad_cpu:.2f} s")
    assert bad_cpu <= 3 * good_cpu + 0.05, (bad_cpu, good_cpu)


def test_a_key_given_twice_is_400_naming_it_and_nothing_is_stored(admin, trades, participant):
    t = trades.new(participant)
    body = json.dumps(t)[:-1] + ', "quantity": 7}'  # "last one wins" would store 7
    r = admin.post("/v1/trades", data=body, headers={"Content-Type": "application/json"})
    problem = assert_problem(r, 400, "malformed")
    assert problem["detail"] == 'item 0 has the key "quantity" twice', problem
    second = trades.new(participant)
    array = "[" + json.dumps(trades.new(participant)) + "," + json.dumps(second)[:-1] + ', "side": "SELL"}]'
    problem = assert_problem(admin.post("/v1/trades", data=array, headers={"Content-Type": "application/json"}),
                             400, "malformed")
    assert problem["detail"] == 'item 1 has the key "side" twice', problem
    assert admin.get(f"/v1/trades/{participant}/{t['trade_id']}").status_code == 404
    assert admin.get(f"/v1/trades/{participant}/{second['trade_id']}").status_code == 404
    # An unknown key given twice is refused too.
    unknown = json.dumps(trades.new(participant))[:-1] + ', "note": 1, "note": 2}'
    problem = assert_problem(admin.post("/v1/trades", data=unknown, headers={"Content-Type": "application/json"}),
                             400, "malformed")
    assert '"note"' in problem["detail"]


def test_members_learn_only_about_their_own_trades_from_the_lake_status(server_factory):
    server = server_factory("lake-member", env={"TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "600000"})
    admin = server.client("admin")
    users = UserFactory(server, admin)
    alpha, beta = users.member("LKALPHA"), users.member("LKBETA")
    factory = TradeFactory("lakemember")
    r = alpha.submit(factory.new("LKALPHA", counterparty="LKBETA"))
    assert r.status_code == 201, r.text
    mine = alpha.get("/v1/lake").json()
    assert mine == {"table": "tradeagg.trades", "participant": "LKALPHA", "up_to_date": False}
    assert beta.get("/v1/lake").json() == {"table": "tradeagg.trades", "participant": "LKBETA", "up_to_date": True}
    venue = users.risk().get("/v1/lake").json()
    assert venue["store_last_seq"] == 1 and venue["lag_trades"] == 1


def test_the_data_directory_and_its_files_are_the_services_alone_whatever_the_umask(server_factory, tmp_path):
    old = os.umask(0)  # the server inherits a umask that would make everything world-writable
    try:
        server = server_factory("private", env={"TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "100"})
    finally:
        os.umask(old)
    admin = server.client("admin")
    assert admin.submit(TradeFactory("private").new("PRIVA", counterparty="PRIVB")).status_code == 201
    wait_for_lake(admin)
    data = server.data_dir
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    checked = 0
    for path in [data, *data.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.is_dir():
            assert mode == 0o700, (path, oct(mode))
        else:
            assert mode == 0o600, (path, oct(mode))
            checked += 1
    names = {p.name for p in data.rglob("*")}
    assert {"tradeagg.db", "tradeagg.db-wal", "catalog.db", "token.key"} <= names
    assert any(n.endswith(".parquet") for n in names) and checked > 6


def test_trade_times_too_far_in_the_past_and_runs_of_future_dates_are_422(server_factory):
    server = server_factory("date-bounds", env={"TRADEAGG_MAX_PAST_DAYS": None})  # the default, 7 days
    admin = server.client("admin")
    factory = TradeFactory("datebounds")
    now = dt.datetime.now(dt.timezone.utc)
    for when in ("0001-01-01T00:00:00Z", (now - dt.timedelta(days=7, minutes=5)).isoformat()):
        problem = assert_problem(admin.submit(factory.new("DBP", counterparty="DBC", trade_time=when)), 422, "validation")
        assert [(e["field"], e["message"]) for e in problem["errors"]] == [
            ("trade_time", "must not be more than 7 days in the past (trades.max_past_days; 0 allows back-loading)")]
    recent = factory.new("DBP", counterparty="DBC", trade_time=(now - dt.timedelta(days=6)).isoformat())
    assert admin.submit(recent).status_code == 201

    r = admin.post("/v1/aggregations", json={"business_date": "2999-01-01", "kind": "eod"})
    problem = assert_problem(r, 422, "validation")
    assert [e["field"] for e in problem["errors"]] == ["business_date"]
    assert problem["errors"][0]["message"].startswith("must not be after the current business date ")


def test_tradeagg_sql_reads_the_lake_and_nothing_else_of_the_host(server_factory):
    server = server_factory("sql-confined", env={"TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "100"})
    admin = server.client("admin")
    assert admin.submit(TradeFactory("sqlconfined").many(5, "SQLP", counterparty="SQLC")).status_code == 201
    wait_for_lake(admin)
    done = cli(server, "sql", "SELECT count(*) FROM trades")
    assert done.returncode == 0 and done.stdout.splitlines()[2].strip() == "5", (done.stdout, done.stderr)
    data_file = next(server.data_dir.rglob("*.parquet"))
    done = cli(server, "sql", f"SELECT count(*) FROM read_parquet('{data_file}')")  # a lake file: allowed
    assert done.returncode == 0, done.stderr
    for query in ("SELECT * FROM read_csv('/etc/passwd', sep = ':')",
                  f"SELECT * FROM read_text('{server.data_dir}/token.key')",
                  "SELECT * FROM read_parquet('https://127.0.0.1:9/x.parquet')",
                  "SELECT * FROM iceberg_scan('/tmp/x')"):  # an extension it would otherwise fetch
        refused = cli(server, "sql", query)
        assert refused.returncode != 0, (query, refused.stdout)
        assert "root:" not in refused.stdout
