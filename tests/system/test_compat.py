"""The proof of concept's routes: /token (form), /signup and /submit_trade with its field names."""

from decimal import Decimal

import pytest

from conftest import (DEFAULT_PASSWORD, ISINS, Client, assert_stored_matches, parse_ts, unique,
                      with_wrong_check_digit)


def form_login(server, username, password=DEFAULT_PASSWORD) -> Client:
    r = server.anonymous().post("/token", data={"username": username, "password": password,
                                                "grant_type": "password"})
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "bearer"
    return Client(server, r.json()["access_token"], username=username)


@pytest.fixture(scope="module")
def poc_member(server, users):
    """A member logged in the proof of concept's way."""
    participant, name = unique("POC"), unique("poc")
    r = users.admin.post("/v1/users", json={"username": name, "password": DEFAULT_PASSWORD,
                                            "role": "member", "participant": participant})
    assert r.status_code == 201, r.text
    client = form_login(server, name)
    client.participant = participant
    return client


def poc_trade(trader, **fields):
    t = {"TradeId": unique("POC-", 64), "Trader": trader, "Counterparty": unique("CP"),
         "ISIN": ISINS[5], "TradeType": "buy", "Quantity": 100, "Notional": 1234.5,
         "Ccy": "GBP", "DateTime": "2025-11-20T10:00:00"}
    t.update(fields)
    return {k: v for k, v in t.items() if v is not None}


def submit(client, t):
    return client.post("/submit_trade", json=t)


def accepted(r, status="accepted"):
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["message"] == "Trade submitted successfully"
    assert body["status"] == status
    assert isinstance(body["seq"], int) and body["seq"] > 0
    return body


def test_poc_flow(poc_member, admin):
    p = poc_member.participant
    t = poc_trade(p)
    body = accepted(submit(poc_member, t))
    assert body["business_date"] == "2025-11-20"
    r = admin.get_trade(p, t["TradeId"])
    assert r.status_code == 200, r.text
    s = r.json()
    assert parse_ts(s["trade_time"]) == parse_ts("2025-11-20T10:00:00Z")  # naive is UTC
    assert s["seq"] == body["seq"]
    assert_stored_matches(s, {"trade_id": t["TradeId"], "participant": p,
                              "counterparty": t["Counterparty"], "instrument": t["ISIN"],
                              "side": "BUY", "quantity": 100, "notional": "1234.5",
                              "currency": "GBP"})
    assert Decimal(s["price"]) == Decimal("12.345")
    # The member reads it through the v1 API too.
    assert poc_member.get_trade(p, t["TradeId"]).status_code == 200

    # The same trade again: a duplicate with the same seq.
    again = accepted(submit(poc_member, t), "duplicate")
    assert again["seq"] == body["seq"]
    # Through /v1/trades it is the same trade as well.
    v1 = {"trade_id": t["TradeId"], "participant": p, "counterparty": t["Counterparty"],
          "instrument": t["ISIN"], "side": "BUY", "quantity": 100, "notional": "1234.5",
          "currency": "GBP", "trade_time": "2025-11-20T10:00:00Z"}
    r = poc_member.submit(v1)
    assert r.status_code == 200 and r.json()["trades"][0]["seq"] == body["seq"], r.text
    # Different content under the same id: a conflict, nothing changes.
    r = submit(poc_member, dict(t, Quantity=101))
    assert r.status_code == 409, r.text
    assert admin.get_trade(p, t["TradeId"]).json()["quantity"] == 100


@pytest.mark.parametrize("when,business_date", [
    ("2025-11-20T17:29:59", "2025-11-20"),
    ("2025-11-20T17:30:00", "2025-11-21"),
    ("2025-07-10T16:29:59", "2025-07-10"),   # naive is UTC, not London time (BST)
    ("2025-07-10T16:30:00", "2025-07-11"),
    ("2025-07-10T17:29:59+01:00", "2025-07-10"),
    ("2025-11-21T17:30:00.000001", "2025-11-24"),
    ("2025-11-20T10:00:00Z", "2025-11-20"),
])
def test_datetime_rules(poc_member, admin, when, business_date):
    t = poc_trade(poc_member.participant, DateTime=when)
    body = accepted(submit(poc_member, t))
    assert body["business_date"] == business_date
    s = admin.get_trade(poc_member.participant, t["TradeId"]).json()
    naive = "+" not in when[10:] and not when.endswith("Z")
    assert parse_ts(s["trade_time"]) == parse_ts(when + ("Z" if naive else ""))


def test_trade_type_any_case_price_and_strings(poc_member, admin):
    p = poc_member.participant
    for side, want in (("Sell", "SELL"), ("SELL", "SELL"), ("bUy", "BUY")):
        t = poc_trade(p, TradeType=side, Quantity="40", Notional="100", Price="2.5", Ccy="EUR")
        accepted(submit(poc_member, t))
        s = admin.get_trade(p, t["TradeId"]).json()
        assert s["side"] == want and s["quantity"] == 40 and s["currency"] == "EUR"
        assert Decimal(s["price"]) == Decimal("2.5") and Decimal(s["notional"]) == 100
    # Notional only: the price is derived half to even.
    t = poc_trade(p, Quantity=2, Notional="2.00000001")
    accepted(submit(poc_member, t))
    assert Decimal(admin.get_trade(p, t["TradeId"]).json()["price"]) == Decimal("1.00000000")


def fastapi_errors(r) -> dict:
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, list) and detail, r.text
    out = {}
    for e in detail:
        assert isinstance(e["loc"], list) and e["loc"][0] == "body", e
        assert isinstance(e["msg"], str) and e["msg"], e
        assert isinstance(e["type"], str) and e["type"], e
        out[e["loc"][-1]] = e
    return out


def test_validation_errors_are_fastapi_shaped(poc_member, admin):
    p = poc_member.participant
    t = poc_trade(p, Quantity=-5, ISIN=with_wrong_check_digit(ISINS[0]), TradeType="HOLD",
                  Ccy="JPY")
    errors = fastapi_errors(submit(poc_member, t))
    assert {"Quantity", "ISIN", "TradeType", "Ccy"} <= set(errors), errors
    assert admin.get_trade(p, t["TradeId"]).status_code == 404
    t = poc_trade(p, TradeId=None)
    assert "TradeId" in fastapi_errors(submit(poc_member, t))
    t = poc_trade(p, Notional=None)
    errors = fastapi_errors(submit(poc_member, t))
    assert {"Notional", "Price"} & set(errors), errors
    t = poc_trade(p, Counterparty=p)
    assert {"Counterparty", "Trader"} & set(fastapi_errors(submit(poc_member, t)))
    t = poc_trade(p, DateTime="not a date")
    assert "DateTime" in fastapi_errors(submit(poc_member, t))


def test_auth_and_roles(server, poc_member, users, admin):
    t = poc_trade(poc_member.participant)
    r = server.anonymous().post("/submit_trade", json=t)
    assert r.status_code == 401, r.text
    r = submit(poc_member, poc_trade(unique("OTHER")))
    assert r.status_code == 403, r.text
    r = submit(users.risk(), poc_trade(poc_member.participant))
    assert r.status_code == 403, r.text
    # An admin may submit for anyone (back-loading).
    accepted(submit(admin, poc_trade(unique("ADM"))))


def test_signup_then_token_then_submit(signup_server):
    name = unique("pocsu")
    r = signup_server.anonymous().post("/signup", json={"username": name,
                                                        "password": DEFAULT_PASSWORD})
    assert r.status_code == 201, r.text
    c = form_login(signup_server, name)
    t = poc_trade(name)
    body = accepted(submit(c, t))
    assert accepted(submit(c, t), "duplicate")["seq"] == body["seq"]
