"""POST /v1/trades and the trade reads: formats, validation, idempotency, conflicts, roles,
paging, exact decimals, trade times and business dates."""

import datetime as dt
import json
import socket
from decimal import Decimal

import pytest

from conftest import (ISINS, SHARED_CALENDAR, UTC, Calendar, assert_problem,
                      assert_stored_matches, error_fields, expected_price_notional, parse_ts,
                      rfc3339, unique, with_wrong_check_digit)

STORED_FIELDS = {"seq", "trade_id", "participant", "counterparty", "instrument", "side",
                 "quantity", "price", "notional", "currency", "trade_time", "received_at",
                 "business_date"}


def ok(r, accepted: int, duplicates: int = 0, status: int | None = None) -> dict:
    want = status or (201 if accepted else 200)
    assert r.status_code == want, f"expected {want}, got {r.status_code}: {r.text[:2000]}"
    body = r.json()
    assert body["accepted"] == accepted and body["duplicates"] == duplicates, body
    assert [t["index"] for t in body["trades"]] == list(range(accepted + duplicates)), body
    for t in body["trades"]:
        assert t["status"] in ("accepted", "duplicate")
        assert isinstance(t["seq"], int) and t["seq"] > 0, t
        dt.date.fromisoformat(t["business_date"])
    return body


def stored(client, t) -> dict:
    r = client.get_trade(t["participant"], t["trade_id"])
    assert r.status_code == 200, r.text
    return r.json()


def absent(client, participant, trade_id):
    r = client.get_trade(participant, trade_id)
    assert_problem(r, 404, "not-found")


def raw_json(obj, **numbers) -> str:
    """JSON text where the string placeholders "@name" become the given raw number texts."""
    text = json.dumps(obj)
    for name, number in numbers.items():
        text = text.replace(f'"@{name}"', number)
    return text


# -- formats ----------------------------------------------------------------------------------


def test_single_object(admin, trades, participant):
    t = trades.new(participant, trade_time="2025-11-20T10:00:00Z")
    body = ok(admin.submit(t), 1)
    item = body["trades"][0]
    assert item["trade_id"] == t["trade_id"] and item["participant"] == participant
    assert item["status"] == "accepted" and item["business_date"] == "2025-11-20"
    s = stored(admin, t)
    assert STORED_FIELDS <= set(s), s
    assert s["seq"] == item["seq"] and s["business_date"] == "2025-11-20"
    assert_stored_matches(s, t)
    assert isinstance(s["quantity"], int) and isinstance(s["price"], str)
    assert isinstance(s["notional"], str)
    assert s["trade_time"].endswith("Z") and parse_ts(s["received_at"]).tzinfo is not None


def test_array(admin, trades, participant):
    batch = trades.many(5, participant)
    body = ok(admin.submit(batch), 5)
    seqs = [t["seq"] for t in body["trades"]]
    assert len(set(seqs)) == 5
    for sent, item in zip(batch, body["trades"]):
        assert item["trade_id"] == sent["trade_id"] and item["status"] == "accepted"
        s = stored(admin, sent)
        assert s["seq"] == item["seq"]
        assert_stored_matches(s, sent)


def test_ndjson(admin, trades, participant):
    batch = trades.many(4, participant)
    body = ok(admin.submit_ndjson(batch), 4)
    for sent, item in zip(batch, body["trades"]):
        assert item["trade_id"] == sent["trade_id"]
        assert_stored_matches(stored(admin, sent), sent)
    # Without the trailing newline too.
    more = trades.many(2, participant)
    text = "\n".join(json.dumps(t) for t in more)
    r = admin.post("/v1/trades", data=text, headers={"Content-Type": "application/x-ndjson"})
    ok(r, 2)


def test_json_with_charset_and_unknown_fields(admin, trades, participant):
    t = trades.new(participant, comment="ignored", venue={"x": 1})
    r = admin.post("/v1/trades", data=json.dumps(t).encode(),
                   headers={"Content-Type": "application/json; charset=utf-8"})
    ok(r, 1)
    assert "comment" not in stored(admin, t)


@pytest.mark.parametrize("body", [b"{not json", b"42", b'"a string"', b"null", b"[1, 2]",
                                  b'[{"trade_id": "x"}, 3]', b"", b'{"trade_id": "x"} junk'])
def test_malformed_body_is_400(admin, body):
    r = admin.post("/v1/trades", data=body, headers={"Content-Type": "application/json"})
    assert_problem(r, 400, "malformed")


def test_malformed_ndjson_is_400_and_stores_nothing(admin, trades, participant):
    good = trades.new(participant)
    text = json.dumps(good) + "\n{broken\n"
    r = admin.post("/v1/trades", data=text, headers={"Content-Type": "application/x-ndjson"})
    assert_problem(r, 400, "malformed")
    text = json.dumps(good) + "\n[1, 2]\n"
    r = admin.post("/v1/trades", data=text, headers={"Content-Type": "application/x-ndjson"})
    assert_problem(r, 400, "malformed")
    absent(admin, participant, good["trade_id"])


@pytest.mark.parametrize("ctype", ["text/plain", "application/xml", "multipart/form-data",
                                   "application/x-www-form-urlencoded"])
def test_unsupported_media_type(admin, trades, participant, ctype):
    t = trades.new(participant)
    r = admin.post("/v1/trades", data=json.dumps(t), headers={"Content-Type": ctype})
    assert_problem(r, 415, "unsupported-media-type")
    absent(admin, participant, t["trade_id"])


def test_too_many_trades_is_413(admin, trades, participant):
    batch = [trades.new(participant, price="1", quantity=1) for _ in range(10_001)]
    assert_problem(admin.submit(batch), 413, "too-large")
    assert_problem(admin.submit_ndjson(batch), 413, "too-large")
    absent(admin, participant, batch[0]["trade_id"])
    absent(admin, participant, batch[-1]["trade_id"])


def test_ten_thousand_trades_is_fine(admin, trades, participant):
    batch = [trades.new(participant, price="1.5", quantity=2, side="BUY", currency="EUR",
                        instrument=ISINS[0], trade_time="2025-11-20T10:00:00Z")
             for _ in range(10_000)]
    body = ok(admin.submit(batch), 10_000)
    assert len({t["seq"] for t in body["trades"]}) == 10_000
    pos = admin.positions(business_date="2025-11-20", participant=participant)["positions"]
    assert len(pos) == 1 and pos[0]["trade_count"] == 10_000
    assert pos[0]["buy_quantity"] == 20_000 and Decimal(pos[0]["buy_notional"]) == 30_000


def test_body_over_16_mib_is_413(server, admin, trades, participant):
    t = trades.new(participant, padding="x" * (16 * 1024 * 1024 + 100))
    payload = json.dumps(t).encode()
    head = (f"POST /v1/trades HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
            f"Authorization: Bearer {admin.token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n").encode()
    # A raw socket: the server may answer before reading the whole body and close; we still
    # want to read what it said.
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        sock.sendall(head)
        try:
            for i in range(0, len(payload), 1 << 16):
                sock.sendall(payload[i:i + (1 << 16)])
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = b""
        try:
            while chunk := sock.recv(65536):
                reply += chunk
        except ConnectionResetError:
            pass
    status_line = reply.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413"), f"reply: {reply[:500]!r}"
    absent(admin, participant, t["trade_id"])


# -- validation -------------------------------------------------------------------------------

DROP = object()


def far_future():
    return rfc3339(dt.datetime.now(UTC) + dt.timedelta(minutes=10))


INVALID = [
    ({"trade_id": DROP}, "trade_id"),
    ({"trade_id": ""}, "trade_id"),
    ({"trade_id": "x" * 65}, "trade_id"),
    ({"trade_id": "has space"}, "trade_id"),
    ({"trade_id": "slash/id"}, "trade_id"),
    ({"trade_id": 12345}, "trade_id"),
    ({"counterparty": DROP}, "counterparty"),
    ({"counterparty": "bad cp!"}, "counterparty"),
    ({"counterparty": "C" * 33}, "counterparty"),
    ({"counterparty": 12345}, "counterparty"),
    ({"instrument": DROP}, "instrument"),
    ({"instrument": with_wrong_check_digit(ISINS[0])}, "instrument"),
    ({"instrument": ISINS[0][:11]}, "instrument"),
    ({"instrument": "1234567890AB"}, "instrument"),
    ({"side": DROP}, "side"),
    ({"side": "HOLD"}, "side"),
    ({"side": "buy"}, "side"),
    ({"side": 5}, "side"),
    ({"quantity": DROP}, "quantity"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": -5}, "quantity"),
    ({"quantity": 10**12 + 1}, "quantity"),
    ({"quantity": 1.5}, "quantity"),
    ({"quantity": "12a"}, "quantity"),
    ({"quantity": "-3"}, "quantity"),
    ({"quantity": True}, "quantity"),
    ({"price": "0"}, "price"),
    ({"price": "-1.5"}, "price"),
    ({"price": "0.000000001"}, "price"),
    ({"price": "10000000000"}, "price"),
    ({"price": "abc"}, "price"),
    ({"price": [1]}, "price"),
    ({"price": DROP, "notional": "0"}, "notional"),
    ({"price": DROP, "notional": "1000000000000000"}, "notional"),
    ({"price": DROP, "notional": "1.123456789"}, "notional"),
    ({"currency": DROP}, "currency"),
    ({"currency": "JPY"}, "currency"),
    ({"currency": "POUNDS"}, "currency"),
    ({"trade_time": "yesterday"}, "trade_time"),
    ({"trade_time": "2025-11-20T10:00:00"}, "trade_time"),  # RFC 3339 needs an offset
    ({"trade_time": "2025-13-20T10:00:00Z"}, "trade_time"),
    ({"trade_time": far_future}, "trade_time"),
]


@pytest.mark.parametrize("overrides,field", INVALID,
                         ids=[f"{f}-{i}" for i, (_, f) in enumerate(INVALID)])
def test_invalid_field_is_422(admin, trades, participant, overrides, field):
    t = trades.new(participant)
    for k, v in overrides.items():
        if v is DROP:
            t.pop(k, None)
        else:
            t[k] = v() if callable(v) else v
    problem = assert_problem(admin.submit([t]), 422, "validation")
    assert (0, field) in error_fields(problem), problem
    if isinstance(t.get("trade_id"), str) and t["trade_id"]:
        absent(admin, participant, t["trade_id"])


@pytest.mark.parametrize("overrides,fields", [
    ({"price": DROP}, {"price", "notional"}),                      # neither price nor notional
    ({"price": "2.5", "quantity": 4, "notional": "10.01"}, {"price", "notional"}),  # disagree
    ({"price": "1000", "quantity": 10**12}, {"notional"}),         # derived notional >= 10^15
    ({"price": DROP, "notional": "0.00000001", "quantity": 3}, {"price", "notional"}),  # -> 0
    ({"counterparty": "SAME"}, {"counterparty", "participant"}),   # counterparty == participant
    ({"participant": DROP}, {"participant"}),                      # admins must name it
    ({"participant": "bad participant"}, {"participant"}),
])
def test_invalid_combinations_are_422(admin, trades, participant, overrides, fields):
    t = trades.new(participant)
    for k, v in overrides.items():
        if v is DROP:
            t.pop(k, None)
        else:
            t[k] = participant if v == "SAME" else v
    problem = assert_problem(admin.submit(t), 422, "validation")
    got = {f for i, f in error_fields(problem) if i == 0}
    assert got & fields, problem
    absent(admin, participant, t["trade_id"])


def test_422_lists_every_error_and_stores_nothing(admin, trades, participant):
    good = trades.new(participant)
    bad1 = trades.new(participant, quantity=0, instrument=with_wrong_check_digit(ISINS[1]),
                      side="HOLD")
    bad2 = trades.new(participant, currency="JPY", price="1.000000001")
    del bad2["trade_id"]
    good2 = trades.new(participant)
    problem = assert_problem(admin.submit([good, bad1, bad2, good2]), 422, "validation")
    want = {(1, "quantity"), (1, "instrument"), (1, "side"), (2, "trade_id"), (2, "currency"),
            (2, "price")}
    assert want <= error_fields(problem), problem
    assert {i for i, _ in error_fields(problem)} == {1, 2}, problem
    for e in problem["errors"]:
        assert isinstance(e.get("message"), str) and e["message"], e
    for t in (good, bad1, good2):
        absent(admin, participant, t["trade_id"])
    assert admin.list_trades(participant=participant) == []
    # Same request as NDJSON.
    r = admin.submit_ndjson([good, bad1, bad2, good2])
    assert want <= error_fields(assert_problem(r, 422, "validation"))
    absent(admin, participant, good["trade_id"])


# -- idempotency and conflicts ----------------------------------------------------------------


def test_duplicates_are_acknowledged_and_counted_once(admin, trades, participant):
    t = trades.new(participant, trade_time="2025-11-20T11:00:00Z")
    first = ok(admin.submit(t), 1)["trades"][0]
    again = ok(admin.submit(t), 0, 1)["trades"][0]
    assert again["status"] == "duplicate" and again["seq"] == first["seq"]
    assert again["business_date"] == first["business_date"]
    ok(admin.submit_ndjson([t]), 0, 1)
    # Mixed: one duplicate and one new trade -> 201.
    u = trades.new(participant, trade_time="2025-11-20T11:00:01Z")
    body = ok(admin.submit([t, u]), 1, 1)
    assert [x["status"] for x in body["trades"]] == ["duplicate", "accepted"]
    assert body["trades"][0]["seq"] == first["seq"]
    # Numbers written differently are the same content.
    price_text = t["price"] if "." in t["price"] else t["price"] + ".00"
    t2 = dict(t, quantity=str(t["quantity"]), price=price_text)
    ok(admin.submit(t2), 0, 1)
    listed = admin.list_trades(participant=participant)
    assert sorted(x["trade_id"] for x in listed) == sorted([t["trade_id"], u["trade_id"]])
    pos = admin.positions(business_date="2025-11-20", participant=participant)
    assert sum(p["trade_count"] for p in pos["positions"]) == 2


def test_same_trade_twice_in_one_request_is_stored_once(admin, trades, participant):
    t = trades.new(participant)
    r = admin.submit([t, t])
    assert r.status_code in (200, 201), r.text
    body = r.json()
    assert body["accepted"] == 1 and body["duplicates"] == 1, body
    assert body["trades"][0]["seq"] == body["trades"][1]["seq"]
    assert [x["trade_id"] for x in admin.list_trades(participant=participant)] == [t["trade_id"]]


def test_conflict_changes_nothing(admin, trades, participant):
    t = trades.new(participant, quantity=100, price="10", trade_time="2025-11-20T12:00:00Z")
    seq = ok(admin.submit(t), 1)["trades"][0]["seq"]
    for change in ({"quantity": 101}, {"price": "10.01"}, {"side": "SELL" if t["side"] == "BUY"
                                                           else "BUY"},
                   {"counterparty": unique("CP")}, {"trade_time": "2025-11-20T12:00:01Z"},
                   {"currency": "EUR" if t["currency"] != "EUR" else "USD"},
                   {"instrument": ISINS[2] if t["instrument"] != ISINS[2] else ISINS[3]}):
        problem = assert_problem(admin.submit(dict(t, **change)), 409, "conflict")
        assert [e.get("index") for e in problem["errors"]] == [0], (change, problem)
    # In a batch with valid new trades: nothing of the request is stored.
    a, b = trades.new(participant), trades.new(participant)
    problem = assert_problem(admin.submit([a, dict(t, quantity=7), b]), 409, "conflict")
    assert [e.get("index") for e in problem["errors"]] == [1], problem
    absent(admin, participant, a["trade_id"])
    absent(admin, participant, b["trade_id"])
    s = stored(admin, t)
    assert s["seq"] == seq
    assert_stored_matches(s, t)
    pos = admin.positions(business_date="2025-11-20", participant=participant)
    assert [p["trade_count"] for p in pos["positions"]] == [1]
    assert [x["trade_id"] for x in admin.list_trades(participant=participant)] == [t["trade_id"]]


def test_same_trade_id_for_two_participants_is_not_a_conflict(admin, trades):
    p1, p2 = unique("P"), unique("P")
    t1 = trades.new(p1, trade_id="SHARED-ID-1")
    t2 = trades.new(p2, trade_id="SHARED-ID-1", quantity=t1["quantity"] + 1)
    ok(admin.submit(t1), 1)
    ok(admin.submit(t2), 1)
    assert stored(admin, t1)["quantity"] == t1["quantity"]
    assert stored(admin, t2)["quantity"] == t2["quantity"]


# -- roles ------------------------------------------------------------------------------------


def test_member_submits_and_reads_only_its_own(admin, users, trades):
    p1, p2 = unique("P"), unique("P")
    m1 = users.member(p1)
    own = trades.new(None)  # participant omitted -> its own
    body = ok(m1.submit(own), 1)
    assert body["trades"][0]["participant"] == p1
    explicit = trades.new(p1)
    ok(m1.submit(explicit), 1)
    other = trades.new(p2)
    assert_problem(m1.submit(other), 403, "forbidden")
    mixed = [trades.new(p1), trades.new(p2)]
    assert_problem(m1.submit(mixed), 403, "forbidden")
    absent(admin, p2, other["trade_id"])
    absent(admin, p1, mixed[0]["trade_id"])

    ok(admin.submit(other), 1)
    assert m1.get_trade(p1, own["trade_id"]).status_code == 200
    assert_problem(m1.get_trade(p2, other["trade_id"]), 403, "forbidden")
    assert_problem(m1.get("/v1/trades", params={"participant": p2}), 403, "forbidden")
    assert_problem(m1.get("/v1/positions", params={"participant": p2}), 403, "forbidden")
    mine = m1.list_trades()
    assert {t["participant"] for t in mine} == {p1}
    assert {t["trade_id"] for t in mine} == {own["trade_id"], explicit["trade_id"]}


def test_risk_reads_everything_and_submits_nothing(admin, users, trades, participant):
    risk = users.risk()
    t = trades.new(participant)
    assert_problem(risk.submit(t), 403, "forbidden")
    absent(admin, participant, t["trade_id"])
    ok(admin.submit(t), 1)
    assert_stored_matches(stored(risk, t), t)
    assert [x["trade_id"] for x in risk.list_trades(participant=participant)] == [t["trade_id"]]


# -- reads ------------------------------------------------------------------------------------


def test_get_unknown_trade_is_404(admin, participant):
    absent(admin, participant, "NO-SUCH-TRADE")
    absent(admin, unique("NOBODY"), "NO-SUCH-TRADE")


def test_list_filters_and_paging(admin, trades, participant):
    i1, i2 = ISINS[3], ISINS[4]
    sent = []
    for k in range(23):
        day = "2025-11-20" if k % 3 else "2025-11-21"
        sent.append(trades.new(participant, instrument=i1 if k % 2 else i2,
                               trade_time=f"{day}T09:{k:02d}:00Z"))
    ok(admin.submit(sent[:10]), 10)
    ok(admin.submit_ndjson(sent[10:]), 13)
    by_id = {t["trade_id"]: t for t in sent}

    for limit in (1, 5, 7, 23, 100, 1000):
        got = admin.list_trades(page_limit=limit, participant=participant)
        seqs = [t["seq"] for t in got]
        assert seqs == sorted(seqs) and len(set(seqs)) == 23, (limit, seqs)
        assert {t["trade_id"] for t in got} == set(by_id), limit
    for t in got:
        assert STORED_FIELDS <= set(t), t
        assert_stored_matches(t, by_id[t["trade_id"]])

    # Default limit (100) returns all 23 at once.
    r = admin.get("/v1/trades", params={"participant": participant})
    assert r.status_code == 200 and len(r.json()["trades"]) == 23
    assert r.json()["next_cursor"] is None
    # A first page of 5 says there is more.
    r = admin.get("/v1/trades", params={"participant": participant, "limit": 5})
    assert len(r.json()["trades"]) == 5 and isinstance(r.json()["next_cursor"], str)

    def ids(**f):
        return {t["trade_id"] for t in admin.list_trades(page_limit=4, participant=participant,
                                                          **f)}

    def want(day=None, isin=None):
        return {t["trade_id"] for t in sent
                if (day is None or t["trade_time"].startswith(day))
                and (isin is None or t["instrument"] == isin)}

    assert ids(instrument=i1) == want(isin=i1)
    assert ids(business_date="2025-11-21") == want(day="2025-11-21")
    assert ids(business_date="2025-11-20", instrument=i2) == want("2025-11-20", i2)
    assert ids(business_date="2025-11-19") == set()


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "abc"])
def test_list_bad_limit(admin, participant, limit):
    r = admin.get("/v1/trades", params={"participant": participant, "limit": limit})
    assert r.status_code in (400, 422), r.text


def test_method_not_allowed_and_unknown_route(admin):
    refused = admin.request("PUT", "/v1/trades", json={})
    assert_problem(refused, 405, "method-not-allowed")
    assert refused.headers["Allow"] == "POST, GET"  # the methods /v1/trades has
    assert_problem(admin.get("/v1/no-such-route"), 404, "not-found")


# -- exact decimals ---------------------------------------------------------------------------


@pytest.mark.parametrize("quantity,price,notional", [
    (1, "0.00000001", "0.00000001"),
    (10**12, "0.00000001", "10000"),
    (10**12, "999.99999999", "999999999990000"),
    (999_999_999_999, "123.45678901", "123456789009876.54321099"),
    (1, "9999999999.99999999", "9999999999.99999999"),
    (3, "0.1", "0.3"),
    (7, "1234567.12345678", "8641969.86419746"),
])
def test_notional_is_exact(admin, trades, participant, quantity, price, notional):
    assert Decimal(price) * quantity == Decimal(notional)
    t = trades.new(participant, quantity=quantity, price=price)
    ok(admin.submit(t), 1)
    s = stored(admin, t)
    assert s["quantity"] == quantity
    assert Decimal(s["price"]) == Decimal(price)
    assert Decimal(s["notional"]) == Decimal(notional), s


def test_numbers_are_read_exactly_from_json_text(admin, trades, participant):
    # JSON numbers that a double cannot hold; the server must read the text.
    cases = [("1234567.12345678", "7", "8641969.86419746"), ("0.1", "3", "0.3"),
             ("0.00000001", "1000000000000", "10000")]
    sent = []
    for price, qty, notional in cases:
        t = trades.new(participant)
        t["price"], t["quantity"] = "@p", "@q"
        sent.append((t, price, qty, notional))
    body = "[" + ",".join(raw_json(t, p=p, q=q) for t, p, q, _ in sent) + "]"
    r = admin.post("/v1/trades", data=body, headers={"Content-Type": "application/json"})
    ok(r, 3)
    for t, price, qty, notional in sent:
        s = stored(admin, t)
        assert s["quantity"] == int(qty)
        assert Decimal(s["price"]) == Decimal(price) and Decimal(s["notional"]) == Decimal(notional)
    # Notional as a JSON number, quantity as a string of digits.
    t = trades.new(participant, quantity="250")
    del t["price"]
    t["notional"] = "@n"
    r = admin.post("/v1/trades", data=raw_json(t, n="1000000.00000001"),
                   headers={"Content-Type": "application/json"})
    ok(r, 1)
    s = stored(admin, t)
    assert s["quantity"] == 250 and Decimal(s["notional"]) == Decimal("1000000.00000001")
    assert Decimal(s["price"]) == Decimal("4000.00000000")  # 4000.00000000004 -> 8 places


@pytest.mark.parametrize("quantity,notional,price", [
    (3, "100", "33.33333333"),
    (2, "2.00000001", "1.00000000"),   # 1.000000005: half to even -> down
    (2, "2.00000003", "1.00000002"),   # 1.000000015: half to even -> up
    (2, "0.00000003", "0.00000002"),   # 0.000000015 -> 0.00000002
    (2, "0.00000005", "0.00000002"),   # 0.000000025 -> 0.00000002
    (3, "2", "0.66666667"),
    (10**12, "999999999999999.99999999", "1000.00000000"),
    (7, "10", "1.42857143"),
])
def test_price_derived_from_notional_half_even(admin, trades, participant, quantity, notional,
                                               price):
    t = trades.new(participant, quantity=quantity, notional=notional)
    del t["price"]
    assert expected_price_notional(t) == (Decimal(price), Decimal(notional))
    ok(admin.submit(t), 1)
    s = stored(admin, t)
    assert Decimal(s["price"]) == Decimal(price), s
    assert Decimal(s["notional"]) == Decimal(notional), s


def test_price_and_notional_that_agree(admin, trades, participant):
    t = trades.new(participant, quantity=4, price="2.5", notional="10.00")
    ok(admin.submit(t), 1)
    s = stored(admin, t)
    assert Decimal(s["price"]) == Decimal("2.5") and Decimal(s["notional"]) == 10


# -- trade time and business date -------------------------------------------------------------


def test_trade_time_defaults_to_receive_time(admin, trades, participant):
    before = dt.datetime.now(UTC)
    t = trades.new(participant)
    item = ok(admin.submit(t), 1)["trades"][0]
    after = dt.datetime.now(UTC)
    s = stored(admin, t)
    tt, rt = parse_ts(s["trade_time"]), parse_ts(s["received_at"])
    assert tt == rt, s
    slack = dt.timedelta(seconds=2)
    assert before - slack <= tt <= after + slack, (before, s, after)
    assert item["business_date"] in {str(SHARED_CALENDAR.business_date_of(before)),
                                     str(SHARED_CALENDAR.business_date_of(after))}
    assert s["business_date"] == item["business_date"]
    # A retry of a trade without trade_time is still the same trade.
    again = ok(admin.submit(t), 0, 1)["trades"][0]
    assert again["seq"] == item["seq"]


def test_trade_time_offsets_are_converted_to_utc(admin, trades, participant):
    t = trades.new(participant, trade_time="2025-11-20T11:15:30.123456+02:00")
    ok(admin.submit(t), 1)
    s = stored(admin, t)
    assert parse_ts(s["trade_time"]) == dt.datetime(2025, 11, 20, 9, 15, 30, 123456, UTC)
    assert s["trade_time"].endswith("Z")


def test_future_skew(admin, trades, participant):
    soon = trades.new(participant,
                      trade_time=rfc3339(dt.datetime.now(UTC) + dt.timedelta(seconds=60)))
    ok(admin.submit(soon), 1)
    late = trades.new(participant,
                      trade_time=rfc3339(dt.datetime.now(UTC) + dt.timedelta(minutes=6)))
    problem = assert_problem(admin.submit(late), 422, "validation")
    assert (0, "trade_time") in error_fields(problem)


# Europe/London, cut-off 17:30, holidays 2025-12-25 and 2025-12-26 (the shared server).
LONDON_CASES = [
    # Thursday in winter (GMT = UTC).
    ("2025-11-20T00:00:00Z", "2025-11-20"),
    ("2025-11-20T17:29:59Z", "2025-11-20"),
    ("2025-11-20T17:29:59.999999Z", "2025-11-20"),
    ("2025-11-20T17:30:00Z", "2025-11-21"),
    ("2025-11-20T18:29:59+01:00", "2025-11-20"),
    ("2025-11-20T12:30:00-05:00", "2025-11-21"),
    # Friday evening -> Monday; the weekend -> Monday.
    ("2025-11-21T17:29:59Z", "2025-11-21"),
    ("2025-11-21T17:30:00Z", "2025-11-24"),
    ("2025-11-21T23:59:59Z", "2025-11-24"),
    ("2025-11-22T10:00:00Z", "2025-11-24"),
    ("2025-11-23T23:59:59Z", "2025-11-24"),
    ("2025-11-24T00:00:00Z", "2025-11-24"),
    # Summer (BST = UTC+1): the cut-off is 16:30 UTC.
    ("2025-07-10T16:29:59Z", "2025-07-10"),
    ("2025-07-10T16:30:00Z", "2025-07-11"),
    # Clocks go forward on Sunday 2025-03-30.
    ("2025-03-28T16:30:00Z", "2025-03-28"),
    ("2025-03-28T17:29:59Z", "2025-03-28"),
    ("2025-03-28T17:30:00Z", "2025-03-31"),
    ("2025-03-30T00:59:59Z", "2025-03-31"),
    ("2025-03-30T12:00:00Z", "2025-03-31"),
    ("2025-03-30T23:30:00Z", "2025-03-31"),
    ("2025-03-31T16:29:59Z", "2025-03-31"),
    ("2025-03-31T16:30:00Z", "2025-04-01"),
    # Clocks go back on Sunday 2025-10-26.
    ("2025-10-24T16:29:59Z", "2025-10-24"),
    ("2025-10-24T16:30:00Z", "2025-10-27"),
    ("2025-10-26T01:30:00Z", "2025-10-27"),
    ("2025-10-27T16:30:00Z", "2025-10-27"),
    ("2025-10-27T17:29:59Z", "2025-10-27"),
    ("2025-10-27T17:30:00Z", "2025-10-28"),
    # Configured holidays (Thu 25th, Fri 26th): Wednesday evening -> Monday the 29th.
    ("2025-12-23T17:30:00Z", "2025-12-24"),
    ("2025-12-24T17:29:59Z", "2025-12-24"),
    ("2025-12-24T17:30:00Z", "2025-12-29"),
    ("2025-12-25T10:00:00Z", "2025-12-29"),
    ("2025-12-26T09:00:00Z", "2025-12-29"),
]


def check_business_dates(client, trades, participant, cases, calendar, **fields):
    for when, want in cases:  # the table agrees with the Python model of the rule
        assert str(calendar.business_date_of(parse_ts(when))) == want, (when, want)
    batch = [trades.new(participant, trade_time=when, **fields) for when, _ in cases]
    body = ok(client.submit(batch), len(batch))
    got = [(when, item["business_date"]) for (when, _), item in zip(cases, body["trades"])]
    assert got == list(cases)
    for t, (when, want) in zip(batch, cases):
        assert stored(client, t)["business_date"] == want, when


def test_business_dates_london(admin, trades, participant):
    check_business_dates(admin, trades, participant, LONDON_CASES, SHARED_CALENDAR)


NEW_YORK_CASES = [
    # EST (UTC-5) before 2025-03-09, cut-off 16:00 local = 21:00 UTC.
    ("2025-03-07T20:59:59Z", "2025-03-07"),
    ("2025-03-07T21:00:00Z", "2025-03-10"),
    # Clocks go forward on Sunday 2025-03-09; EDT (UTC-4): cut-off = 20:00 UTC.
    ("2025-03-10T19:59:59Z", "2025-03-10"),
    ("2025-03-10T20:00:00Z", "2025-03-11"),
    # Sunday evening in New York is Monday in UTC; either way Monday.
    ("2025-03-10T01:00:00Z", "2025-03-10"),
    # Holiday Friday 2025-07-04: Thursday after the cut-off -> Monday.
    ("2025-07-03T19:59:59Z", "2025-07-03"),
    ("2025-07-03T20:00:00Z", "2025-07-07"),
]


def test_configured_calendar_currencies_and_skew(server_factory, trades):
    s = server_factory("newyork", env={
        "TRADEAGG_TIME_ZONE": "America/New_York", "TRADEAGG_CUTOFF": "16:00",
        "TRADEAGG_HOLIDAYS": "2025-07-04", "TRADEAGG_CURRENCIES": "USD,JPY",
        "TRADEAGG_MAX_FUTURE_SKEW_SECONDS": "3600"})
    try:
        admin = s.client("admin")
        participant = unique("P")
        cal = Calendar("America/New_York", "16:00", ("2025-07-04",))
        check_business_dates(admin, trades, participant, NEW_YORK_CASES, cal, currency="USD")
        ok(admin.submit(trades.new(participant, currency="JPY")), 1)
        problem = assert_problem(admin.submit(trades.new(participant, currency="GBP")), 422,
                                 "validation")
        assert (0, "currency") in error_fields(problem)
        later = rfc3339(dt.datetime.now(UTC) + dt.timedelta(minutes=30))
        ok(admin.submit(trades.new(participant, currency="USD", trade_time=later)), 1)
        too_late = rfc3339(dt.datetime.now(UTC) + dt.timedelta(minutes=70))
        problem = assert_problem(admin.submit(trades.new(participant, currency="USD",
                                                         trade_time=too_late)), 422,
                                 "validation")
        assert (0, "trade_time") in error_fields(problem)
        body = admin.positions()
        assert body["business_date"] == str(cal.current())
    finally:
        s.stop()
