"""Durability: injected store failures (503, nothing stored, retry succeeds), a SIGTERM restart,
and kill -9 in the middle of a concurrent load (nothing acknowledged is lost or doubled)."""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import (ISINS, Calendar, Client, TradeFactory, assert_positions, assert_problem,
                      assert_stored_matches, parse_ts, stored_view, unique)
from trade_load import start_workers

CALENDAR = Calendar()  # the server's defaults
FAULT = {"point": "store.append.before_commit", "count": 1}


@pytest.fixture(scope="module")
def fault_server(server_factory):
    s = server_factory("faults", fault_injection=True)
    yield s
    if s.running:
        s.stop()


@pytest.fixture(scope="module")
def fault_admin(fault_server):
    return fault_server.client("admin")


def arm(admin, count=1):
    r = admin.post("/v1/admin/faults", json=dict(FAULT, count=count))
    assert r.status_code == 204, r.text


def trade_count(admin, participant, business_date):
    body = admin.positions(business_date=business_date, participant=participant)
    return sum(p["trade_count"] for p in body["positions"])


def test_store_failure_is_503_and_retry_succeeds(fault_admin, trades, participant):
    admin = fault_admin
    t = trades.new(participant, trade_time="2025-11-20T10:00:00Z")
    arm(admin)
    assert_problem(admin.submit(t), 503, "unavailable")
    assert admin.get_trade(participant, t["trade_id"]).status_code == 404
    assert trade_count(admin, participant, "2025-11-20") == 0
    r = admin.submit(t)
    assert r.status_code == 201, r.text
    assert r.json()["trades"][0]["status"] == "accepted"
    assert_stored_matches(admin.get_trade(participant, t["trade_id"]).json(), t)
    assert trade_count(admin, participant, "2025-11-20") == 1


def test_store_failure_in_a_batch_stores_nothing(fault_admin, trades, participant):
    admin = fault_admin
    batch = [trades.new(participant, trade_time="2025-11-20T11:00:00Z") for _ in range(3)]
    arm(admin, count=2)
    assert_problem(admin.submit(batch), 503, "unavailable")
    assert_problem(admin.submit_ndjson(batch), 503, "unavailable")
    for t in batch:
        assert admin.get_trade(participant, t["trade_id"]).status_code == 404
    assert admin.list_trades(participant=participant) == []
    r = admin.submit(batch)
    assert r.status_code == 201 and r.json()["accepted"] == 3, r.text
    assert trade_count(admin, participant, "2025-11-20") == 3
    # A failure after a success: the stored trades are untouched, the retry is a duplicate.
    arm(admin)
    assert_problem(admin.submit(batch + [trades.new(participant)]), 503, "unavailable")
    assert trade_count(admin, participant, "2025-11-20") == 3
    r = admin.submit(batch)
    assert r.status_code == 200 and r.json()["duplicates"] == 3, r.text


def test_store_failure_on_the_compat_route(fault_admin, participant):
    admin = fault_admin
    t = {"TradeId": unique("F-"), "Trader": participant, "Counterparty": unique("CP"),
         "ISIN": ISINS[0], "TradeType": "BUY", "Quantity": 5, "Notional": "50", "Ccy": "USD",
         "DateTime": "2025-11-20T12:00:00"}
    arm(admin)
    r = admin.post("/submit_trade", json=t)
    assert r.status_code == 503, r.text
    assert admin.get_trade(participant, t["TradeId"]).status_code == 404
    r = admin.post("/submit_trade", json=t)
    assert r.status_code == 200 and r.json()["status"] == "accepted", r.text


def test_only_admins_arm_faults(fault_server, fault_admin):
    name, part = unique("fm"), unique("P")
    r = fault_admin.post("/v1/users", json={"username": name, "password": "member-pw-1",
                                            "role": "member", "participant": part})
    assert r.status_code == 201, r.text
    member = fault_server.client(name, "member-pw-1")
    assert_problem(member.post("/v1/admin/faults", json=FAULT), 403, "forbidden")


# -- restarts ---------------------------------------------------------------------------------


def test_sigterm_restart_keeps_everything(server_factory, trades):
    s = server_factory("sigterm")
    admin = s.client("admin")
    p = unique("P")
    batch = [trades.new(p, trade_time="2025-11-21T09:00:00Z") for _ in range(200)]
    r = admin.submit(batch)
    assert r.status_code == 201, r.text
    seqs = {t["trade_id"]: i["seq"] for t, i in zip(batch, r.json()["trades"])}
    before = admin.positions(business_date="2025-11-21")
    assert s.stop() == 0, "SIGTERM should be a clean exit"
    s.start()
    admin.relogin()
    listed = admin.list_trades(participant=p)
    assert {t["trade_id"]: t["seq"] for t in listed} == seqs
    after = admin.positions(business_date="2025-11-21")
    assert after == before
    s.stop()


class Load:
    """Concurrent submitters; remembers what was acknowledged and what was in flight."""

    def __init__(self, server, token, participants, seed):
        self.server = server
        self.token = token
        self.participants = participants
        self.seed = seed
        self.lock = threading.Lock()
        self.acked: dict = {}      # (participant, trade_id) -> (sent trade, seq, business_date)
        self.unknown: dict = {}    # (participant, trade_id) -> sent trade (no answer)
        self.unexpected: list = []  # answers that are neither 2xx nor a dead server
        self.stop = threading.Event()

    def worker(self, n):
        rng = random.Random(f"{self.seed}-{n}")
        factory = TradeFactory(f"{self.seed}-{n}")
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        url = self.server.url("/v1/trades")
        while not self.stop.is_set():
            size = rng.choice([1, 1, 1, 5, 20, 50])
            batch = []
            for _ in range(size):
                day = rng.choice(["2025-11-20", "2025-11-21"])
                batch.append(factory.new(
                    rng.choice(self.participants), instrument=rng.choice(ISINS[:4]),
                    trade_time=f"{day}T{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:"
                               f"{rng.randint(0, 59):02d}Z"))
            try:
                r = session.post(url, json=batch if size > 1 else batch[0], timeout=30)
            except requests.RequestException:
                with self.lock:
                    for t in batch:
                        self.unknown[(t["participant"], t["trade_id"])] = t
                continue
            with self.lock:
                if r.status_code in (200, 201):
                    for t, item in zip(batch, r.json()["trades"]):
                        self.acked[(t["participant"], t["trade_id"])] = (
                            t, item["seq"], item["business_date"])
                else:
                    self.unexpected.append((r.status_code, r.text[:300]))
                    for t in batch:
                        self.unknown[(t["participant"], t["trade_id"])] = t


def fetch_all(admin, participants):
    stored = []
    for p in participants:
        stored += admin.list_trades(participant=p)
    return stored


def check_store(admin, participants, sent_by_key, acked):
    """Every acknowledged trade exactly once, nothing unknown, positions right."""
    stored = fetch_all(admin, participants)
    keys = [(t["participant"], t["trade_id"]) for t in stored]
    assert len(keys) == len(set(keys)), "a (participant, trade_id) is stored twice"
    seqs = [t["seq"] for t in stored]
    assert len(seqs) == len(set(seqs)), "seqs are not unique"
    assert set(acked) <= set(keys), f"{len(set(acked) - set(keys))} acknowledged trades lost"
    strangers = set(keys) - set(sent_by_key)
    assert not strangers, f"stored trades nobody sent: {sorted(strangers)[:5]}"
    views = []
    for t in stored:
        sent = sent_by_key[(t["participant"], t["trade_id"])]
        assert_stored_matches(t, sent)
        key = (t["participant"], t["trade_id"])
        if key in acked:
            assert t["seq"] == acked[key][1] and t["business_date"] == acked[key][2], t
        assert t["business_date"] == str(CALENDAR.business_date_of(parse_ts(sent["trade_time"])))
        views.append(stored_view(sent, t["business_date"]))
    for d in sorted({v["business_date"] for v in views}):
        body = admin.positions(business_date=d)
        assert_positions(body, views)
        assert body["watermark"] == max(seqs)
    return stored


def test_kill_9_under_load_loses_nothing_acknowledged(server_factory):
    s = server_factory("crash")
    admin = s.client("admin")
    participants = [unique("CR") for _ in range(5)]
    load = Load(s, admin.token, participants, seed=unique("seed"))
    threads = start_workers(load.worker, 6)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with load.lock:
            if len(load.acked) >= 3000:
                break
        time.sleep(0.01)
    s.kill()  # kill -9 while the submitters are still sending
    load.stop.set()
    for th in threads:
        th.join(60)
    acked, unknown = dict(load.acked), dict(load.unknown)
    assert not load.unexpected, f"non-2xx answers before the crash: {load.unexpected[:5]}"
    assert acked, "nothing was acknowledged before the crash"
    sent_by_key = {k: v[0] for k, v in acked.items()}
    sent_by_key.update(unknown)
    assert len(sent_by_key) > 1000
    print(f"crash: {len(acked)} trades acknowledged, {len(unknown)} in flight")

    s.start()
    admin.relogin()
    # Every acknowledged trade by id (in parallel: there are thousands).
    local = threading.local()

    def get_one(key):
        if not hasattr(local, "client"):
            local.client = Client(s, admin.token)
        r = local.client.get_trade(*key)
        return key, r.status_code, r.json() if r.status_code == 200 else r.text
    with ThreadPoolExecutor(4) as pool:
        for key, status, body in pool.map(get_one, list(acked)):
            assert status == 200, f"acknowledged trade {key} is gone: {body}"
            assert body["seq"] == acked[key][1]
            assert_stored_matches(body, acked[key][0])
    stored = check_store(admin, participants, sent_by_key, acked)

    # Retrying everything that got no answer is safe: afterwards every sent trade is stored once.
    pending = list(unknown.values())
    for i in range(0, len(pending), 500):
        r = admin.submit(pending[i:i + 500])
        assert r.status_code in (200, 201), r.text[:1000]
    stored_keys = {(t["participant"], t["trade_id"]) for t in stored}
    acked_after = dict(acked)
    for t in stored:
        acked_after.setdefault((t["participant"], t["trade_id"]),
                               (sent_by_key[(t["participant"], t["trade_id"])], t["seq"],
                                t["business_date"]))
    final = check_store(admin, participants, sent_by_key, acked_after)
    assert {(t["participant"], t["trade_id"]) for t in final} == set(sent_by_key)
    assert stored_keys <= set(sent_by_key)
    s.stop()
