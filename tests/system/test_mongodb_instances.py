"""Two tradeagg instances on one MongoDB database (FerretDB), as behind a load balancer.

They share the store and one lake (lake.warehouse, lake.catalog_uri). Checked: a token of one
is accepted by the other, users created on one are known to the other, trades sent to both
(some to both at once) are stored once, each instance's /v1/positions covers every trade within
the poll interval, exactly one instance exports (a lease in the database), and when it dies the
other takes over and the lake holds every trade exactly once (read by PyIceberg and by pymongo's
view of the store, not by tradeagg). Runs live in the database: one instance serves another's.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pymongo
import pytest
from pyiceberg.catalog.sql import SqlCatalog

import store_backend
from conftest import Calendar, Client, TradeFactory, assert_positions, unique
from test_exposures import assert_reconciled, wait_run

pytestmark = pytest.mark.skipif(store_backend.BACKEND != "mongodb",
                                reason="MongoDB backend only (TRADEAGG_SYSTEM_STORE=mongodb)")

POLL_MS = 100
LEASE_TAKEOVER_S = 10 + 2 + 3  # the lease's time, a check interval, slack


@pytest.fixture
def pair(server_factory, tmp_path):
    lake = tmp_path / "shared-lake"
    lake.mkdir()
    env = {"TRADEAGG_LAKE_WAREHOUSE": str(lake / "warehouse"),
           "TRADEAGG_LAKE_CATALOG_URI": f"sqlite:///{lake}/catalog.db",
           "TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "200",
           "TRADEAGG_STORE_POLL_INTERVAL_MS": str(POLL_MS),
           "TRADEAGG_SCHEDULER_ENABLED": "false"}
    a = server_factory("instance-a", env=env)
    b = server_factory("instance-b", env=dict(env, TRADEAGG_STORE_URI=a.store_uri))
    yield a, b, lake
    for s in (a, b):
        if s.running:
            s.kill()


def eventually(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not within {timeout} s")
            time.sleep(0.05)


def database(server):
    return pymongo.MongoClient(server.store_uri, serverSelectionTimeoutMS=5000).get_default_database()


def test_a_token_from_one_instance_is_accepted_by_the_other_and_users_are_shared(pair):
    a, b, _ = pair
    admin_a = a.client("admin")
    on_b = Client(b, admin_a.token)
    assert on_b.get("/v1/users").status_code == 200  # one signing key, in the database

    participant = unique("P")
    username = unique("um", 64)
    r = admin_a.post("/v1/users", json={"username": username, "password": "member-password",
                                        "role": "member", "participant": participant})
    assert r.status_code == 201, r.text
    member_b = b.client(username, "member-password")  # a login B's cache lacked asks the store
    member_token_a = a.login(username, "member-password")

    def b_accepts_a_token():
        assert Client(b, member_token_a).get("/v1/positions").status_code == 200
    eventually(b_accepts_a_token, 2.0, "B accepting a token A issued for a user A created")

    assert admin_a.delete(f"/v1/users/{username}").status_code == 204

    def b_revokes():
        assert member_b.get("/v1/positions").status_code == 401
    eventually(b_revokes, 2.0, "B refusing a user deleted on A")


def test_trades_sent_to_both_are_stored_once_and_every_instance_sees_every_trade(pair):
    a, b, lake = pair
    admin_a, admin_b = a.client("admin"), b.client("admin")
    factory = TradeFactory("two-instances")
    participants = [unique("P"), unique("P")]
    batches = [factory.many(5, participants[i % 2], counterparty="CPTWO") for i in range(40)]
    both = batches[::4]  # sent to both instances at once: acknowledged twice, stored once

    def send(client, body):
        r = client.submit(body)
        assert r.status_code in (200, 201), r.text  # 200: all of it stored already, by the other
        return r.json()

    jobs = []
    with ThreadPoolExecutor(8) as pool:
        for i, body in enumerate(batches):
            jobs.append(pool.submit(send, admin_a if i % 2 else admin_b, body))
            if body in both:
                jobs.append(pool.submit(send, admin_b if i % 2 else admin_a, body))
        for job in jobs:
            job.result()

    sent = {(t["participant"], t["trade_id"]) for body in batches for t in body}
    docs = list(database(a).trades.find({"participant": {"$in": participants}}))
    assert len(docs) == len(sent) == 200
    assert {(d["participant"], d["trade_id"]) for d in docs} == sent
    assert len({d["seq"] for d in docs}) == len(docs)

    stored = [{**d, "quantity": int(d["quantity"])} for d in docs]
    for admin in (admin_a, admin_b):
        def covers_every_trade(admin=admin):
            assert_positions(admin.positions(), stored, participants)
        eventually(covers_every_trade, 2.0, f"{admin.server.name}'s positions covering both instances' trades")

    # One exporter: both report the same lake, holding each trade once.
    def lake_caught_up():
        for admin in (admin_a, admin_b):
            body = admin.get("/v1/lake").json()
            assert body["lag_trades"] == 0 and body["store_last_seq"] > 0, body
    eventually(lake_caught_up, 20.0, "the shared lake catching up")
    holders = {d["holder"] for d in database(a).leases.find({"name": "lake-export"})}
    assert len(holders) == 1, holders
    assert_lake_holds_once(lake, sent)


def test_when_the_exporting_instance_dies_the_other_takes_over_exactly_once(pair):
    a, b, lake = pair
    admin_a, admin_b = a.client("admin"), b.client("admin")
    factory = TradeFactory("takeover")
    participant = unique("P")
    first = factory.many(20, participant, counterparty="CPTAKE")
    assert admin_a.submit(first).status_code == 201

    def exported(admin):
        body = admin.get("/v1/lake").json()
        assert body["lag_trades"] == 0 and body["store_last_seq"] > 0, body
    eventually(lambda: exported(admin_b), 20.0, "the first trades exported")
    leases = database(a).leases
    holder = max(leases.find({"name": "lake-export"}), key=lambda d: d["term"])["holder"]
    instance_ids = {s: (s.data_dir / "instance.id").read_text().strip() for s in (a, b)}
    dying = a if instance_ids[a] == holder else b
    survivor = b if dying is a else a
    survivor_admin = admin_b if survivor is b else admin_a

    dying.kill()
    second = factory.many(20, participant, counterparty="CPTAKE")
    assert survivor_admin.submit(second).status_code == 201
    eventually(lambda: exported(survivor_admin), LEASE_TAKEOVER_S + 10, "the survivor exporting after the takeover")
    current = max(leases.find({"name": "lake-export"}), key=lambda d: d["term"])
    assert current["holder"] == instance_ids[survivor]

    sent = {(participant, t["trade_id"]) for t in first + second}
    assert_lake_holds_once(lake, sent)


def test_a_run_made_on_one_instance_is_served_by_the_other(pair):
    a, b, _ = pair
    admin_a, admin_b = a.client("admin"), b.client("admin")
    participant = unique("P")
    body = TradeFactory("shared-runs").many(10, participant, counterparty="CPRUN")
    assert admin_a.submit(body).status_code == 201
    date = Calendar().current().isoformat()
    r = admin_a.post("/v1/aggregations", json={"business_date": date, "kind": "intraday"})
    assert r.status_code == 202, r.text
    run = wait_run(admin_b, r.json()["run_id"])  # asked on A, followed on B
    assert_reconciled(run)
    served = admin_b.get("/v1/exposures", params={"business_date": date, "participant": participant})
    assert served.status_code == 200, served.text


def assert_lake_holds_once(lake, sent: set) -> None:
    """PyIceberg (not tradeagg) reads tradeagg.trades of the shared lake: every trade once."""
    catalog = SqlCatalog("tradeagg", uri=f"sqlite:///{lake}/catalog.db", warehouse=f"file://{lake}/warehouse")
    table = catalog.load_table("tradeagg.trades").scan(selected_fields=("participant", "trade_id")).to_arrow()
    rows = list(zip(table.column("participant").to_pylist(), table.column("trade_id").to_pylist()))
    mine = [row for row in rows if row in sent]
    assert len(mine) == len(sent), f"{len(mine)} of {len(sent)} trades in the lake"
    assert len(set(mine)) == len(mine), "a trade is in the lake twice"
