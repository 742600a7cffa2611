"""An edge that holds against hostile and careless clients (issue 9).

Costs are measured from the server's own /proc accounting (CPU time), as bounds relative to a
baseline measured in the same test, never as wall-clock timings.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import stat

import pytest

import store_backend

from conftest import ISINS, TradeFactory, UserFactory, assert_problem, make_isin, unique
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
    # The token signing key lives in the store (shared by every instance on it), not in a file.
    stored = {"tradeagg.db", "tradeagg.db-wal"} if store_backend.BACKEND == "sqlite" else set()
    assert {"catalog.db", *stored} <= names and "token.key" not in names
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
                  f"SELECT * FROM read_text('{server.data_dir}/catalog.db')",
                  "SELECT * FROM read_parquet('https://127.0.0.1:9/x.parquet')",
                  "SELECT * FROM iceberg_scan('/tmp/x')"):  # an extension it would otherwise fetch
        refused = cli(server, "sql", query)
        assert refused.returncode != 0, (query, refused.stdout)
        assert "root:" not in refused.stdout


# -- strict input (docs/api.md, "Strict input") -----------------------------------------------

JSON = "application/json"


def raw_trade(t: dict, **raw) -> str:
    """The trade as JSON text with the given fields as raw, unquoted JSON (not always valid JSON)."""
    body = json.dumps({k: v for k, v in t.items() if k not in raw})[:-1]
    return body + "".join(f', "{k}": {v}' for k, v in raw.items()) + "}"


def assert_415(r, sent: str):
    problem = assert_problem(r, 415, "unsupported-media-type")
    assert sent in problem["detail"] and "application/" in problem["detail"], problem["detail"]


@pytest.mark.parametrize("headers,sent", [({}, "no Content-Type"),
                                          ({"Content-Type": "application/json; charset=latin1"}, "charset=latin1"),
                                          ({"Content-Type": "text/plain"}, "text/plain"),
                                          ({"Content-Type": "application/json; charset=utf-8; v=2"}, "v=2")])
def test_a_json_body_without_its_content_type_is_415_on_every_route_and_nothing_happens(
        server, admin, signup_server, trades, participant, headers, sent):
    t = trades.new(participant)
    # data= sends no Content-Type of its own: only what `headers` says.
    assert_415(admin.post("/v1/trades", data=json.dumps(t).encode(), headers=headers), sent)
    assert admin.get(f"/v1/trades/{participant}/{t['trade_id']}").status_code == 404
    poc = {"TradeId": unique("POC-", 64), "Trader": participant, "Counterparty": unique("CP"), "ISIN": ISINS[0],
           "TradeType": "BUY", "Quantity": 100, "Notional": 1234.5, "Ccy": "GBP"}
    r = admin.post("/submit_trade", data=json.dumps(poc).encode(), headers=headers)
    assert r.status_code == 415 and sent in r.json()["detail"], r.text
    assert admin.get(f"/v1/trades/{participant}/{poc['TradeId']}").status_code == 404
    bodies = [("POST", "/v1/aggregations", {"business_date": "2025-11-20", "kind": "eod"}),
              ("PUT", "/v1/fx-rates/2024-02-29", {"rates": {"EUR": "1.1"}}),
              ("POST", "/v1/users", {"username": unique("strict"), "password": "correct-horse-1", "role": "risk"}),
              ("POST", "/v1/auth/token", {"username": "admin", "password": server.admin_password})]
    for method, path, body in bodies:
        assert_415(admin.request(method, path, data=json.dumps(body).encode(), headers=headers), sent)
    assert bodies[2][2]["username"] not in {u["username"] for u in admin.get("/v1/users").json()["users"]}
    assert "EUR" not in admin.get("/v1/fx-rates/2024-02-29").json()["rates"]
    signup = {"username": unique("su"), "password": "correct-horse-1"}
    assert_415(signup_server.anonymous().post("/signup", data=json.dumps(signup).encode(), headers=headers), sent)
    # The form of the proof of concept's /token is a form, not JSON.
    form = f"username=admin&password={server.admin_password}"
    if headers:
        assert_415(server.anonymous().post("/token", data=form, headers=headers), sent)
    assert_415(server.anonymous().post("/token", data=form.encode()), "no Content-Type")


def test_faults_are_armed_only_from_a_json_body(server_factory):
    server = server_factory("strict-faults", fault_injection=True)
    admin = server.client("admin")
    body = json.dumps({"point": "store.append.before_commit", "count": 1}).encode()
    assert_415(admin.post("/v1/admin/faults", data=body), "no Content-Type")
    assert admin.submit(TradeFactory("strictfaults").new("SFP", counterparty="SFC")).status_code == 201  # none armed
    assert admin.post("/v1/admin/faults", data=body, headers={"Content-Type": JSON}).status_code == 204


def test_the_media_type_is_read_in_any_case_with_a_utf8_charset(server, admin, trades, participant):
    for ctype in ("APPLICATION/JSON", "application/json;charset=UTF-8", 'application/json; charset="utf-8"'):
        t = trades.new(participant)
        r = admin.post("/v1/trades", data=json.dumps(t).encode(), headers={"Content-Type": ctype})
        assert r.status_code == 201, (ctype, r.text)
    lines = json.dumps(trades.new(participant)) + "\n"
    r = admin.post("/v1/trades", data=lines, headers={"Content-Type": "application/x-ndjson; charset=utf-8"})
    assert r.status_code == 201, r.text
    form = {"username": "admin", "password": server.admin_password}
    r = server.anonymous().post("/token", data=form, headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("field,raw,quoted", [
    ("price", "1.", True), ("price", ".5", True), ("price", "01.5", True), ("price", "+1.5", True),
    ("notional", "01.5", True), ("notional", "1.", True),
    ("quantity", "0100", True), ("quantity", "00", True),
    ("price", "1.", False), ("price", "01.5", False), ("price", "-0", False), ("quantity", "0100", False),
])
def test_numbers_that_are_not_plain_decimal_text_are_422_naming_the_field(admin, trades, participant, field, raw,
                                                                           quoted):
    t = trades.new(participant, quantity=10, price="2.5")
    if field == "notional":
        del t["price"]
    t.pop(field, None)
    body = raw_trade(t, **{field: json.dumps(raw) if quoted else raw})
    problem = assert_problem(admin.post("/v1/trades", data=body, headers={"Content-Type": JSON}), 422, "validation")
    assert [(e["index"], e["field"]) for e in problem["errors"]] == [(0, field)], problem
    assert admin.get(f"/v1/trades/{participant}/{t['trade_id']}").status_code == 404


def test_plain_decimal_text_is_still_fine(admin, trades, participant):
    for price in ("0.5", "1.50", "10", "0.00000001"):
        t = trades.new(participant, price=price, quantity=100)
        assert admin.submit(t).status_code == 201, price
    t = trades.new(participant)
    t["price"], t["quantity"] = "@p", "@q"
    body = json.dumps(t).replace('"@p"', "0.5").replace('"@q"', "100")
    assert admin.post("/v1/trades", data=body, headers={"Content-Type": JSON}).status_code == 201


def test_proof_of_concept_prices_and_fx_rates_follow_the_same_grammar(admin, participant):
    poc = {"TradeId": unique("POC-", 64), "Trader": participant, "Counterparty": unique("CP"), "ISIN": ISINS[0],
           "TradeType": "BUY", "Quantity": 100, "Notional": "01.5", "Ccy": "GBP"}
    r = admin.post("/submit_trade", json=poc)
    assert r.status_code == 422 and [e["loc"] for e in r.json()["detail"]] == [["body", "Notional"]], r.text
    r = admin.post("/submit_trade", json=dict(poc, Notional="1.5", Quantity="0100"))
    assert r.status_code == 422 and [e["loc"] for e in r.json()["detail"]] == [["body", "Quantity"]], r.text
    body = raw_trade(dict(poc, Notional="1.5"), Quantity="100.")
    r = admin.post("/submit_trade", data=body, headers={"Content-Type": JSON})
    assert r.status_code == 422 and [e["loc"] for e in r.json()["detail"]] == [["body", "Quantity"]], r.text
    problem = assert_problem(admin.request("PUT", "/v1/fx-rates/2025-11-03",
                                           json={"rates": {"EUR": "01.08", "GBP": ".9", "CHF": "1."}}),
                             422, "validation")
    assert {e["field"] for e in problem["errors"]} >= {"rates.EUR", "rates.GBP"}, problem


def test_an_isin_whose_prefix_is_no_country_is_422_and_xs_and_eu_pass(admin, trades, participant):
    for prefix in ("XX", "ZZ", "QS", "AA"):
        isin = make_isin(prefix + "000000017")
        t = trades.new(participant, instrument=isin)
        problem = assert_problem(admin.submit(t), 422, "validation")
        assert [e["field"] for e in problem["errors"]] == ["instrument"], problem
        assert f"'{prefix}'" in problem["errors"][0]["message"] and "ISO 3166" in problem["errors"][0]["message"]
    for isin in ("XS2021471433", make_isin("EU000A1G0AA"), make_isin("XA000000017"), make_isin("EZ000000017")):
        assert admin.submit(trades.new(participant, instrument=isin)).status_code == 201, isin


BAD_VALUES = [("participant", "not a member!"), ("participant", ""), ("participant", "x" * 33),
              ("instrument", "XX0000000001"), ("instrument", "US0378331006"), ("business_date", "2025-13-01"),
              ("limit", "010")]
READ_ROUTES = {"/v1/exposures": {"participant", "business_date"},
               "/v1/exposures/history": {"participant", "business_date"},
               "/v1/positions": {"participant", "instrument", "business_date"},
               "/v1/trades": {"participant", "instrument", "business_date", "limit"},
               "/v1/aggregations": {"business_date", "limit"}}


@pytest.mark.parametrize("route", sorted(READ_ROUTES))
def test_an_invalid_query_value_is_422_naming_the_parameter_never_an_empty_200(admin, users, route):
    risk = users.risk()
    for name, value in BAD_VALUES:
        if name not in READ_ROUTES[route]:
            continue
        for client in (admin, risk):
            problem = assert_problem(client.get(route, params={name: value}), 422, "validation")
            assert [e["field"] for e in problem["errors"]] == [name], (route, name, value, problem)


def test_a_member_asking_for_an_invalid_participant_is_told_it_is_invalid(users, participant):
    member = users.member(participant)
    for route in ("/v1/exposures", "/v1/exposures/history", "/v1/positions", "/v1/trades"):
        problem = assert_problem(member.get(route, params={"participant": "bad id"}), 422, "validation")
        assert problem["errors"][0]["field"] == "participant"
        assert_problem(member.get(route, params={"participant": "SOMEONE_ELSE"}), 403, "forbidden")


def test_an_unknown_query_parameter_is_400_naming_it_on_every_v1_route(server, admin, trades, participant):
    t = trades.new(participant)
    assert admin.submit(t).status_code == 201
    gets = ["/v1/exposures", "/v1/exposures/history", "/v1/positions", "/v1/trades", "/v1/aggregations",
            "/v1/aggregations/1", f"/v1/trades/{participant}/{t['trade_id']}", "/v1/lake", "/v1/fx-rates/2025-11-20",
            "/v1/users"]
    for path in gets:
        problem = assert_problem(admin.get(path, params={"partcipant": participant}), 400, "malformed")
        assert "'partcipant'" in problem["detail"], (path, problem)
        assert [e["field"] for e in problem["errors"]] == ["partcipant"], (path, problem)
    problem = assert_problem(admin.get("/v1/exposures", params={"partcipant": participant, "level": "x"}), 400,
                             "malformed")
    assert "this route takes business_date, participant, level, kind, run" in problem["detail"], problem
    other = trades.new(participant)
    assert_problem(admin.post("/v1/trades", params={"dry_run": "1"}, json=other), 400, "malformed")
    assert admin.get(f"/v1/trades/{participant}/{other['trade_id']}").status_code == 404
    assert_problem(admin.post("/v1/auth/token", params={"x": "1"},
                              json={"username": "admin", "password": server.admin_password}), 400, "malformed")
    # The proof of concept's routes and the health check ignore them, as the proof of concept did.
    assert server.anonymous().get("/healthz", params={"x": "1"}).status_code == 200
    poc = {"TradeId": unique("POC-", 64), "Trader": participant, "Counterparty": unique("CP"), "ISIN": ISINS[0],
           "TradeType": "BUY", "Quantity": 100, "Notional": 1234.5, "Ccy": "GBP"}
    assert admin.post("/submit_trade", params={"x": "1"}, json=poc).status_code == 200
