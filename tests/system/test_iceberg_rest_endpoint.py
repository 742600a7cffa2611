"""The lake through tradeagg's Iceberg REST catalog endpoint (/iceberg/v1, read-only).

Readers we did not write attach to the venue's lake through tradeagg alone, with the API's
bearer tokens: PyIceberg's RestCatalog and DuckDB's iceberg ATTACH list and read
tradeagg.trades and tradeagg.exposures, and must see exactly what the API shows. Strangers are
401, members 403, writes 403 "read-only", all in the protocol's ErrorModel. Runs on the local
warehouse and on S3 (TRADEAGG_SYSTEM_LAKE=s3): there the readers bring only their S3
credentials; where the files are (endpoint, region, addressing) comes from GET /iceberg/v1/config.
"""
from __future__ import annotations

import json
import time
from decimal import Decimal

import duckdb
import pytest
import requests
from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.exceptions import (ForbiddenError, NoSuchNamespaceError, NoSuchTableError, OAuthError,
                                  UnauthorizedError)

import lake_backend
from conftest import DEFAULT_PASSWORD, HTTP_TIMEOUT, TradeFactory, UserFactory, parse_ts
from lake_readers import DUCKDB_EXTENSIONS, pyiceberg_catalog
from test_lake import wait_for_lake

ENV = {"TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "100", "TRADEAGG_INTRADAY_INTERVAL_SECONDS": "0"}
TIMES = ["2026-11-20T10:00:00Z", "2026-11-23T11:30:00.25Z"]  # business dates 2026-11-20 and 2026-11-23
EOD_DATE = "2026-11-23"
MEMBER = "RESTM"


@pytest.fixture(scope="module")
def rest_server(server_factory):
    return server_factory("iceberg-rest", env=ENV)


@pytest.fixture(scope="module")
def people(rest_server):
    admin = rest_server.client("admin")
    factory = UserFactory(rest_server, admin)
    return {"admin": admin, "risk": factory.risk(), "member": factory.member(MEMBER)}


@pytest.fixture(scope="module")
def loaded(rest_server, people):
    """Trades over two business dates in tradeagg.trades, and an eod run's rows in
    tradeagg.exposures; returns the run."""
    admin = people["admin"]
    factory = TradeFactory("iceberg-rest")
    for i, when in enumerate(TIMES):
        batch = factory.many(30, participant=f"REST{i}", trade_time=when)
        batch += factory.many(5, participant=MEMBER, trade_time=when)
        batch[0]["price"] = "0.00000001"
        r = admin.submit(batch)
        assert r.status_code == 201, r.text
    wait_for_lake(admin)
    r = admin.post("/v1/aggregations", json={"business_date": EOD_DATE, "kind": "eod"})
    assert r.status_code == 202, r.text
    deadline = time.monotonic() + 60
    while True:
        run = admin.get(f"/v1/aggregations/{r.json()['run_id']}").json()
        if run["status"] in ("succeeded", "failed"):
            break
        assert time.monotonic() < deadline, run
        time.sleep(0.05)
    assert run["status"] == "succeeded" and run["exposures_snapshot_id"] is not None, run
    return run


def endpoint(server) -> str:
    return server.url("/iceberg")


def rest_catalog(server, **properties) -> RestCatalog:
    """PyIceberg's RestCatalog on tradeagg's endpoint, with the reader's own object-store
    credentials (none on the local warehouse) and nothing else of the lake."""
    return RestCatalog("tradeagg", uri=endpoint(server), **lake_backend.reader_credentials(), **properties)


def duckdb_attach(server, secret: str, alias: str = "lake") -> duckdb.DuckDBPyConnection:
    """DuckDB with its iceberg extension (from the venv) attached to tradeagg's endpoint;
    `secret` is the body of an iceberg secret (TOKEN or CLIENT_ID/CLIENT_SECRET)."""
    con = duckdb.connect(config={"extension_directory": DUCKDB_EXTENSIONS, "autoinstall_known_extensions": False})
    con.execute("LOAD iceberg")
    con.execute("LOAD httpfs")
    lake_backend.duckdb_setup(con)  # the reader's own object-store credentials
    con.execute(f"CREATE SECRET rest_{alias} (TYPE iceberg, {secret})")
    con.execute(f"""ATTACH 'tradeagg' AS {alias} (TYPE iceberg, ENDPOINT '{endpoint(server)}',
                    SECRET rest_{alias})""")
    return con


def api_trades(admin) -> dict:
    return {(t["participant"], t["trade_id"]): t for t in admin.list_trades()}


def api_exposures(admin, run_id: int, level: str) -> dict:
    r = admin.get("/v1/exposures", params={"run": run_id, "level": level})
    assert r.status_code == 200, r.text
    key = {"instrument": "instrument", "counterparty": "counterparty"}.get(level)
    return {(e["participant"], e[key] if key else "", e["currency"]): e for e in r.json()["exposures"]}


def error_of(r: requests.Response) -> tuple[int, str]:
    """(code, type) of an ErrorModel answer, checked to be that shape."""
    body = r.json()
    assert set(body) == {"error"} and {"message", "type", "code"} <= set(body["error"]), body
    assert body["error"]["code"] == r.status_code and body["error"]["message"], body
    return body["error"]["code"], body["error"]["type"]


# ------------------------------------------------------------------------------------------
# PyIceberg
# ------------------------------------------------------------------------------------------


def test_pyiceberg_lists_the_venues_tables(rest_server, people, loaded):
    catalog = rest_catalog(rest_server, token=people["risk"].token)
    assert catalog.list_namespaces() == [("tradeagg",)]
    assert {"trades", "exposures", "runs"} <= {name for _, name in catalog.list_tables("tradeagg")}
    assert catalog.namespace_exists("tradeagg") and not catalog.namespace_exists("nope")
    assert catalog.table_exists("tradeagg.trades") and not catalog.table_exists("tradeagg.nope")
    assert catalog.load_namespace_properties("tradeagg") is not None
    with pytest.raises(NoSuchTableError):
        catalog.load_table("tradeagg.nope")
    with pytest.raises(NoSuchNamespaceError):
        catalog.list_tables("nope")
    # The same table as tradeagg's own catalog holds, not a copy.
    ours = pyiceberg_catalog(rest_server.data_dir).load_table("tradeagg.trades")
    assert catalog.load_table("tradeagg.trades").metadata_location == ours.metadata_location


def test_pyiceberg_reads_the_trades_the_api_shows(rest_server, people, loaded):
    admin = people["admin"]
    stored = api_trades(admin)
    rows = rest_catalog(rest_server, token=people["admin"].token).load_table("tradeagg.trades").scan().to_arrow().to_pylist()
    keys = [(r["participant"], r["trade_id"]) for r in rows]
    assert len(keys) == len(set(keys)) and set(keys) == set(stored)
    for r in rows:
        s = stored[(r["participant"], r["trade_id"])]
        assert r["seq"] == s["seq"] and r["quantity"] == s["quantity"] and r["side"] == s["side"]
        assert r["price"] == Decimal(s["price"]) and r["notional"] == Decimal(s["notional"])
        assert r["counterparty"] == s["counterparty"] and r["instrument"] == s["instrument"]
        assert r["currency"] == s["currency"] and r["business_date"].isoformat() == s["business_date"]
        assert r["trade_time"] == parse_ts(s["trade_time"]) and r["received_at"] == parse_ts(s["received_at"])


def test_pyiceberg_reads_the_exposures_the_api_shows(rest_server, people, loaded):
    table = rest_catalog(rest_server, token=people["risk"].token).load_table("tradeagg.exposures")
    rows = table.scan(row_filter=f"run_id == {loaded['run_id']}").to_arrow().to_pylist()
    assert rows and all(r["business_date"].isoformat() == EOD_DATE for r in rows)
    for level in ("instrument", "counterparty", "participant"):
        api = api_exposures(people["admin"], loaded["run_id"], level)
        lake = {(r["participant"], r["instrument"] or r["counterparty"] or "", r["currency"]): r
                for r in rows if r["level"] == level}
        assert set(lake) == set(api), level
        for k, r in lake.items():
            a = api[k]
            assert r["net_notional"] == Decimal(a["net_notional"]), (level, k)
            assert r["gross_notional"] == Decimal(a["gross_notional"]), (level, k)
            assert (r["trade_count"], r["buy_trades"], r["sell_trades"]) == \
                (a["trade_count"], a["buy_trades"], a["sell_trades"]), (level, k)
            assert r["direction"] == a["direction"], (level, k)
    assert table.snapshot_by_id(loaded["exposures_snapshot_id"]) is not None


def test_pyiceberg_with_client_credentials_logs_in_as_a_user(rest_server, people, loaded):
    risk = people["risk"]
    catalog = rest_catalog(rest_server, credential=f"{risk.username}:{DEFAULT_PASSWORD}",
                           **{"oauth2-server-uri": endpoint(rest_server) + "/v1/oauth/tokens"})
    assert catalog.load_table("tradeagg.trades").scan().to_arrow().num_rows == len(api_trades(people["admin"]))
    with pytest.raises(OAuthError, match="invalid_client"):
        rest_catalog(rest_server, credential=f"{risk.username}:wrong-password",
                     **{"oauth2-server-uri": endpoint(rest_server) + "/v1/oauth/tokens"})


def test_pyiceberg_refuses_writes_the_server_does_not_offer(rest_server, people, loaded):
    """GET /config lists only the read endpoints, so PyIceberg refuses writes before sending."""
    catalog = rest_catalog(rest_server, token=people["admin"].token)
    before = catalog.load_table("tradeagg.trades").metadata_location
    with pytest.raises(NotImplementedError):
        catalog.create_namespace("mine")
    with pytest.raises(NotImplementedError):
        catalog.drop_table("tradeagg.trades")
    with pytest.raises(NotImplementedError):
        catalog.create_table("tradeagg.mine", catalog.load_table("tradeagg.trades").schema())
    assert catalog.load_table("tradeagg.trades").metadata_location == before


# ------------------------------------------------------------------------------------------
# DuckDB
# ------------------------------------------------------------------------------------------


def test_duckdb_attaches_and_reads_the_trades_the_api_shows(rest_server, people, loaded):
    stored = api_trades(people["admin"])
    con = duckdb_attach(rest_server, f"TOKEN '{people['risk'].token}'")
    tables = {row[0] for row in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'lake'").fetchall()}
    assert {"trades", "exposures", "runs"} <= tables
    by_participant = {p: (n, s, q) for p, n, s, q in con.execute(
        "SELECT participant, count(*), sum(notional), sum(quantity) FROM lake.tradeagg.trades GROUP BY ALL").fetchall()}
    want = {}
    for t in stored.values():
        n, s, q = want.get(t["participant"], (0, Decimal(0), 0))
        want[t["participant"]] = (n + 1, s + Decimal(t["notional"]), q + t["quantity"])
    assert by_participant == want
    seqs = con.execute("SELECT list(seq ORDER BY seq) FROM lake.tradeagg.trades").fetchone()[0]
    assert seqs == sorted(t["seq"] for t in stored.values())


def test_duckdb_reads_the_exposures_the_api_shows(rest_server, people, loaded):
    con = duckdb_attach(rest_server, f"TOKEN '{people['admin'].token}'")
    rows = con.execute(
        """SELECT participant, coalesce(instrument, counterparty, ''), currency, net_notional, trade_count
           FROM lake.tradeagg.exposures WHERE run_id = ? AND level = 'participant'""",
        [loaded["run_id"]]).fetchall()
    api = api_exposures(people["admin"], loaded["run_id"], "participant")
    assert {(p, k, c): (n, count) for p, k, c, n, count in rows} == \
        {k: (Decimal(a["net_notional"]), a["trade_count"]) for k, a in api.items()}


def test_duckdb_with_client_credentials_logs_in_as_a_user(rest_server, people, loaded):
    risk = people["risk"]
    con = duckdb_attach(rest_server, f"""CLIENT_ID '{risk.username}', CLIENT_SECRET '{DEFAULT_PASSWORD}',
                        OAUTH2_SERVER_URI '{endpoint(rest_server)}/v1/oauth/tokens'""")
    assert con.execute("SELECT count(*) FROM lake.tradeagg.trades").fetchone()[0] == len(api_trades(people["admin"]))


# ------------------------------------------------------------------------------------------
# The protocol's edges: who may read, what the config says, writes
# ------------------------------------------------------------------------------------------


READ_PATHS = ["/iceberg/v1/config", "/iceberg/v1/namespaces", "/iceberg/v1/namespaces/tradeagg",
              "/iceberg/v1/namespaces/tradeagg/tables", "/iceberg/v1/namespaces/tradeagg/tables/trades"]


def test_strangers_are_401_and_members_403_in_the_error_model(rest_server, people, loaded):
    for path in READ_PATHS:
        r = requests.get(rest_server.url(path), timeout=HTTP_TIMEOUT)
        assert error_of(r) == (401, "NotAuthorizedException"), path
        assert r.headers["WWW-Authenticate"] == "Bearer"
        r = requests.get(rest_server.url(path), headers={"Authorization": "Bearer not.a.token"}, timeout=HTTP_TIMEOUT)
        assert error_of(r) == (401, "NotAuthorizedException"), path
        r = people["member"].get(path)
        assert error_of(r) == (403, "ForbiddenException"), path
        assert people["risk"].get(path).status_code == 200, path
    # HEAD answers carry no body, whatever the answer.
    for who, status in ((people["risk"], 204), (people["member"], 403), (rest_server.anonymous(), 401)):
        r = who.request("HEAD", "/iceberg/v1/namespaces/tradeagg/tables/trades")
        assert r.status_code == status and r.content == b"", (who.username, r.status_code)
    # What clients make of it.
    with pytest.raises(ForbiddenError):
        rest_catalog(rest_server, token=people["member"].token)
    with pytest.raises(UnauthorizedError):
        rest_catalog(rest_server, token="not.a.token")
    with pytest.raises(duckdb.Error, match="403|Forbidden|read the lake"):
        duckdb_attach(rest_server, f"TOKEN '{people['member'].token}'").execute(
            "SELECT count(*) FROM lake.tradeagg.trades").fetchall()


def test_the_config_says_where_the_files_are_never_the_credentials(rest_server, people, loaded):
    r = people["risk"].get("/iceberg/v1/config", params={"warehouse": "tradeagg"})
    assert r.status_code == 200, r.text
    config = r.json()
    assert config["overrides"] == {}
    if lake_backend.BACKEND == "s3":
        assert config["defaults"] == {"s3.endpoint": lake_backend.server().endpoint, "s3.region": lake_backend.REGION,
                                      "client.region": lake_backend.REGION, "s3.path-style-access": "true"}
    else:
        assert config["defaults"] == {}
    assert lake_backend.SECRET_KEY not in r.text and lake_backend.ACCESS_KEY not in r.text
    assert not any("secret" in k or "access-key" in k or "token" in k for k in config["defaults"])
    assert all(e.startswith(("GET ", "HEAD ")) for e in config["endpoints"]), config["endpoints"]
    loaded_table = people["risk"].get("/iceberg/v1/namespaces/tradeagg/tables/trades")
    assert lake_backend.SECRET_KEY not in loaded_table.text and lake_backend.ACCESS_KEY not in loaded_table.text


def test_writes_are_403_read_only(rest_server, people, loaded):
    admin = people["admin"]
    before = admin.get("/iceberg/v1/namespaces/tradeagg/tables/trades").json()["metadata-location"]
    writes = [("POST", "/iceberg/v1/namespaces", {"namespace": ["mine"]}),
              ("DELETE", "/iceberg/v1/namespaces/tradeagg", None),
              ("POST", "/iceberg/v1/namespaces/tradeagg/properties", {"updates": {"owner": "me"}}),
              ("POST", "/iceberg/v1/namespaces/tradeagg/tables", {"name": "mine", "schema": {}}),
              ("POST", "/iceberg/v1/namespaces/tradeagg/register", {"name": "mine", "metadata-location": before}),
              ("POST", "/iceberg/v1/namespaces/tradeagg/tables/trades", {"requirements": [], "updates": []}),
              ("DELETE", "/iceberg/v1/namespaces/tradeagg/tables/trades", None),
              ("POST", "/iceberg/v1/tables/rename", {}),
              ("POST", "/iceberg/v1/transactions/commit", {"table-changes": []})]
    for method, path, body in writes:
        r = admin.request(method, path, json=body)
        assert error_of(r) == (403, "ForbiddenException"), (method, path, r.text)
        assert "read-only" in r.json()["error"]["message"]
        assert rest_server.anonymous().request(method, path, json=body).status_code == 401
    after = admin.get("/iceberg/v1/namespaces/tradeagg/tables/trades").json()["metadata-location"]
    assert after == before
    assert json.loads(admin.get("/iceberg/v1/namespaces").text) == {"namespaces": [["tradeagg"]]}
