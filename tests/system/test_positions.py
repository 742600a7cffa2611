"""/v1/positions against an independent computation (Python decimal) over a realistic workload."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from conftest import (CURRENCIES, ISINS, UTC, Calendar, TradeFactory, UserFactory,
                      assert_positions, assert_problem, dec, expected_positions, parse_ts,
                      stored_view, unique)

PAST_DATE = "2025-11-20"  # a Thursday; trades with explicit times land there
CALENDAR = Calendar()  # the server's defaults: Europe/London, 17:30, no holidays


class Workload:
    """Four members (mostly long, mostly short, mixed, flat), five instruments, three
    currencies, two business dates; singles, arrays, NDJSON, admin back-loading, retries."""

    def __init__(self, server, seed=20261124):
        self.server = server
        self.rng = random.Random(seed)
        self.factory = TradeFactory(str(seed))
        self.admin = server.client("admin", role="admin")
        self.users = UserFactory(server, self.admin)
        self.participants = [unique("LONG"), unique("SHORT"), unique("MIX"), unique("FLAT")]
        self.bias = dict(zip(self.participants, (0.8, 0.2, 0.5, 0.5)))
        self.members = {p: self.users.member(p) for p in self.participants}
        self.risk = self.users.risk()
        self.instruments = ISINS[:5]
        self.accepted: list[dict] = []  # stored views of every accepted trade, with seq
        self.sent_by: dict = {p: [] for p in self.participants}

    def trade(self, participant, explicit_time: bool, omit_participant: bool = False):
        rng = self.rng
        t = self.factory.new(
            participant,
            counterparty=rng.choice([p for p in self.participants if p != participant]),
            instrument=rng.choice(self.instruments),
            side="BUY" if rng.random() < self.bias[participant] else "SELL",
            currency=rng.choice(CURRENCIES))
        if rng.random() < 0.05:
            # Big quantities; notional = quantity x price stays below 10^15.
            t["quantity"] = rng.randint(10**10, 10**11)
            t["price"] = dec(Decimal(rng.randint(1, 99_990_000)).scaleb(-4))
        else:
            t["quantity"] = rng.randint(1, 1_000_000)
            t["price"] = dec(Decimal(rng.randint(1, 10**9)).scaleb(-rng.choice([2, 4, 6, 8])))
        style = rng.random()
        if style < 0.25:  # notional only: the server derives the price
            notional = Decimal(rng.randint(1, 10**14)).scaleb(-rng.choice([0, 2, 5, 8]))
            if notional / t["quantity"] < Decimal("0.00000001"):
                notional = Decimal(t["quantity"])
            t["notional"] = dec(notional)
            del t["price"]
        elif style < 0.4:  # both, agreeing
            t["notional"] = dec(Decimal(t["price"]) * t["quantity"])
        if rng.random() < 0.3:
            t["quantity"] = str(t["quantity"])  # a string of digits is fine too
        if explicit_time:
            t["trade_time"] = (f"{PAST_DATE}T{rng.randint(8, 16):02d}:{rng.randint(0, 59):02d}:"
                               f"{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d}Z")
        if omit_participant:
            del t["participant"]
        return t

    def send(self, client, batch, ndjson=False):
        before = dt.datetime.now(UTC)
        r = client.submit_ndjson(batch) if ndjson else client.submit(batch)
        after = dt.datetime.now(UTC)
        assert r.status_code in (200, 201), r.text[:2000]
        items = r.json()["trades"]
        batch = batch if isinstance(batch, list) else [batch]
        assert len(items) == len(batch)
        for sent, item in zip(batch, items):
            if item["status"] != "accepted":
                continue
            sent = dict(sent, participant=item["participant"])
            if "trade_time" in sent:
                assert item["business_date"] == str(
                    CALENDAR.business_date_of(parse_ts(sent["trade_time"])))
            else:
                assert item["business_date"] in {str(CALENDAR.business_date_of(before)),
                                                  str(CALENDAR.business_date_of(after))}
            view = stored_view(sent, item["business_date"])
            view["seq"] = item["seq"]
            self.accepted.append(view)
        return r

    def run(self):
        rng = self.rng
        for round_no in range(24):
            for p in self.participants[:3]:
                n = rng.choice([1, 5, 12, 30])
                batch = [self.trade(p, rng.random() < 0.3, omit_participant=rng.random() < 0.5)
                         for _ in range(n)]
                mode = round_no % 3
                if mode == 0 and n == 1:
                    self.send(self.members[p], batch[0])
                else:
                    self.send(self.members[p], batch, ndjson=(mode == 1))
                self.sent_by[p] += batch
        # Back-loading by an admin.
        backload = [self.trade(p, True) for p in self.participants[:3] for _ in range(20)]
        self.send(self.admin, backload)
        # FLAT: equal buys and sells of one instrument today, and one-sided positions.
        isin, cps = self.instruments[0], self.participants
        self.send(self.members[cps[3]], [
            self.factory.new(None, instrument=isin, side="BUY", quantity=100, price="10.5",
                             currency="GBP", counterparty=cps[0]),
            self.factory.new(None, instrument=isin, side="SELL", quantity=60, price="11",
                             currency="GBP", counterparty=cps[1]),
            self.factory.new(None, instrument=isin, side="SELL", quantity=40,
                             notional="440.00000004", price=None, currency="GBP",
                             counterparty=cps[1]),
            self.factory.new(None, instrument=self.instruments[1], side="BUY", quantity=3,
                             notional="10", price=None, currency="USD", counterparty=cps[2]),
            self.factory.new(None, instrument=self.instruments[2], side="SELL", quantity=7,
                             price="0.00000001", currency="EUR", counterparty=cps[2]),
        ])
        # Retries: duplicates are acknowledged and not counted again.
        p0 = self.participants[0]
        retry = rng.sample(self.sent_by[p0], 10)
        r = self.send(self.members[p0], retry)
        assert r.status_code == 200 and r.json()["duplicates"] == 10, r.text[:1000]
        r = self.send(self.admin, backload[:3] + [self.trade(p0, True)])
        assert r.status_code == 201 and r.json()["duplicates"] == 3, r.text[:1000]
        # Rejected requests change nothing.
        bad = self.trade(p0, True)
        bad["quantity"] = 0
        assert_problem(self.members[p0].submit([self.trade(p0, True), bad]), 422, "validation")
        conflicting = dict(backload[0], quantity=int(backload[0]["quantity"]) + 1)
        assert_problem(self.admin.submit([self.trade(p0, True), conflicting]), 409, "conflict")
        return self


@pytest.fixture(scope="module")
def workload(server_factory):
    s = server_factory("positions")
    w = Workload(s).run()
    yield w
    if s.running:
        s.stop()


def dates(w):
    return sorted({v["business_date"] for v in w.accepted})


def test_workload_is_realistic(workload):
    w = workload
    assert len(w.accepted) > 500
    # Mostly buying and mostly selling members (counted in trades: shares of different
    # instruments do not add up).
    buys_minus_sells = {}
    for v in w.accepted:
        sign = 1 if v["side"] == "BUY" else -1
        buys_minus_sells[v["participant"]] = buys_minus_sells.get(v["participant"], 0) + sign
    assert buys_minus_sells[w.participants[0]] > 0 and buys_minus_sells[w.participants[1]] < 0
    assert {v["currency"] for v in w.accepted} == set(CURRENCIES)
    assert len(dates(w)) >= 2


def test_positions_match_independent_computation(workload):
    w = workload
    for d in dates(w):
        for client in (w.risk, w.admin):
            body = client.positions(business_date=d)
            assert body["business_date"] == d
            assert_positions(body, w.accepted)
            assert body["watermark"] == max(v["seq"] for v in w.accepted)
    # The FLAT participant's hand-made rows.
    today = str(CALENDAR.current())
    body = w.risk.positions(business_date=today, participant=w.participants[3])
    rows = {(r["instrument"], r["currency"]): r for r in body["positions"]}
    flat = rows[(w.instruments[0], "GBP")]
    assert flat["direction"] == "FLAT" and flat["net_quantity"] == 0
    assert Decimal(flat["buy_vwap"]) == Decimal("10.5")
    assert Decimal(flat["sell_vwap"]) == Decimal("11.00000000")  # 1100.00000004 / 100
    assert Decimal(flat["net_notional"]) == Decimal("-50.00000004")
    long_only = rows[(w.instruments[1], "USD")]
    assert long_only["sell_vwap"] is None and long_only["direction"] == "LONG"
    assert Decimal(long_only["buy_vwap"]) == Decimal("3.33333333")
    short_only = rows[(w.instruments[2], "EUR")]
    assert short_only["buy_vwap"] is None and short_only["direction"] == "SHORT"
    assert Decimal(short_only["sell_notional"]) == Decimal("0.00000007")


def test_positions_filters(workload):
    w = workload
    for d in dates(w):
        for p in w.participants:
            body = w.risk.positions(business_date=d, participant=p)
            assert {r["participant"] for r in body["positions"] + body["totals"]} <= {p}
            assert_positions(body, w.accepted, participants={p})
        # Instrument filter: the position rows of that instrument (what totals mean under an
        # instrument filter is not specified, so they are not checked here).
        isin = w.instruments[1]
        body = w.risk.positions(business_date=d, instrument=isin)
        assert body["positions"] and {r["instrument"] for r in body["positions"]} == {isin}
        exp, _ = expected_positions(v for v in w.accepted
                                    if v["instrument"] == isin and v["business_date"] == d)
        got = {(r["business_date"], r["participant"], r["instrument"], r["currency"]): r
               for r in body["positions"]}
        assert set(got) == set(exp)
        for k in got:
            assert got[k]["trade_count"] == exp[k]["trade_count"], k
            assert got[k]["net_quantity"] == exp[k]["net_quantity"], k
            assert Decimal(got[k]["gross_notional"]) == exp[k]["gross_notional"], k


def test_a_total_long_in_shares_but_short_in_money_reads_short(server_factory):
    """The issue's case: 1000 shares of a cheap stock bought, 10 of a dear one sold. Each
    position has its direction by quantity; the total, over both instruments, has no quantity and
    is SHORT by its net notional (1000 - 5000), never LONG by 990 "shares"."""
    server = server_factory("positions-spanning")
    admin = server.client("admin", role="admin")
    factory = TradeFactory("spanning")
    cheap, dear = ISINS[0], ISINS[1]
    when = f"{PAST_DATE}T10:00:00Z"
    common = dict(counterparty="CP1", currency="GBP", trade_time=when)
    participant = unique("SPAN", 12)
    sent = [factory.new(participant, instrument=cheap, side="BUY", quantity=1000, price="1", **common),
            factory.new(participant, instrument=dear, side="SELL", quantity=6, price="500", **common),
            factory.new(participant, instrument=dear, side="SELL", quantity=4, notional="2000", price=None, **common)]
    r = admin.submit(sent)
    assert r.status_code == 201, r.text
    body = admin.positions(business_date=PAST_DATE, participant=participant)
    assert_positions(body, [stored_view(t, PAST_DATE) for t in sent])
    positions = {p["instrument"]: p for p in body["positions"]}
    assert (positions[cheap]["net_quantity"], positions[cheap]["direction"]) == (1000, "LONG")
    assert (positions[dear]["net_quantity"], positions[dear]["direction"]) == (-10, "SHORT")
    assert (positions[dear]["buy_trades"], positions[dear]["sell_trades"]) == (0, 2)
    (total,) = body["totals"]
    assert total["direction"] == "SHORT" and Decimal(total["net_notional"]) == Decimal("-4000")
    assert Decimal(total["gross_notional"]) == Decimal("6000")
    assert (total["trade_count"], total["buy_trades"], total["sell_trades"]) == (3, 1, 2)
    assert not {"buy_quantity", "sell_quantity", "net_quantity", "buy_vwap", "sell_vwap"} & set(total), total


def test_members_see_only_their_own(workload):
    w = workload
    today = str(CALENDAR.current())
    for p in w.participants:
        m = w.members[p]
        for d in dates(w):
            body = m.positions(business_date=d)
            assert {r["participant"] for r in body["positions"] + body["totals"]} <= {p}
            assert_positions(body, w.accepted, participants={p})
        body = m.positions(participant=p)
        assert body["business_date"] == today
        assert_positions(body, w.accepted, participants={p})
        other = next(q for q in w.participants if q != p)
        assert_problem(m.get("/v1/positions", params={"participant": other}), 403, "forbidden")


def test_default_business_date(workload):
    w = workload
    before = str(CALENDAR.current())
    body = w.risk.positions()
    after = str(CALENDAR.current())
    assert body["business_date"] in {before, after}
    assert_positions(body, w.accepted)
    assert body["positions"], "the workload traded today"


def snapshot(w):
    return {d: w.risk.positions(business_date=d) for d in dates(w)}


def test_positions_survive_restart(workload):
    w = workload
    before = snapshot(w)
    w.server.restart()
    for c in [w.admin, w.risk, *w.members.values()]:
        c.relogin()
    after = snapshot(w)
    for d in before:
        assert_positions(after[d], w.accepted)
        assert after[d]["watermark"] == before[d]["watermark"]
    # And after a crash.
    w.server.restart(graceful=False)
    for c in [w.admin, w.risk, *w.members.values()]:
        c.relogin()
    for d, body in snapshot(w).items():
        assert_positions(body, w.accepted)
    # New trades after the restart land on top of the rebuilt book.
    old_watermark = max(v["seq"] for v in w.accepted)
    p = w.participants[2]
    w.send(w.members[p], [w.trade(p, True) for _ in range(5)])
    assert min(v["seq"] for v in w.accepted[-5:]) > old_watermark
    body = w.risk.positions(business_date=PAST_DATE)
    assert_positions(body, w.accepted)
    assert body["watermark"] == max(v["seq"] for v in w.accepted)
