"""System-test harness: runs the real `tradeagg` binary and talks to it over HTTP.

What is here:
  - Server: starts/stops/kills/restarts `tradeagg serve` on a temporary data directory, reads the
    port it prints, waits for /healthz and keeps its output in a log file (shown on failure).
  - Client: a requests.Session bound to a server and a bearer token.
  - UserFactory: creates users through the admin API and logs them in (hashes are argon2id,
    about half a second each, so clients are cached where a test does not need a fresh user).
  - TradeFactory: valid trades with unique ids and valid ISINs.
  - An independent model of the rules the server must follow (ISIN check digit, business date,
    notional/price derivation, positions), written from docs/api.md, not from the server code.

The binary is build/tradeagg under the repository root, or $TRADEAGG_BIN.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import json
import os
import random
import re
import signal
import subprocess
import threading
import time
import uuid
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

import lake_backend
import store_backend

# Sums of up to thousands of notionals < 10^15 with 8 decimal places need more than the default
# 28 significant digits to stay exact.
decimal.getcontext().prec = 80

REPO_ROOT = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "admin-secret-pw"
DEFAULT_PASSWORD = "correct-horse-1"
LISTEN_RE = re.compile(r"listening on ([\d.]+):(\d+)")
PROBLEM_BASE = "https://tradeagg.dev/problems/"
HTTP_TIMEOUT = 60
UTC = dt.timezone.utc

# Holidays configured on the shared server (test_trades uses them for the calendar tests).
SHARED_HOLIDAYS = ("2025-12-25", "2025-12-26")

# A run prefix keeps trade ids and names unique even when the same data dir were reused.
RUN_ID = uuid.uuid4().hex[:6].upper()
_counter = itertools.count(1)


def unique(prefix: str, max_len: int = 32) -> str:
    """A fresh identifier made of [A-Za-z0-9_-], at most max_len characters."""
    return f"{prefix}{RUN_ID}{next(_counter):05d}"[:max_len]


def binary_path() -> Path:
    return Path(os.environ.get("TRADEAGG_BIN") or REPO_ROOT / "build" / "tradeagg")


# --------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------


class Server:
    """One `tradeagg serve` process on a data directory that outlives restarts."""

    registry: list["Server"] = []  # every server of the session, for failure reports

    def __init__(self, data_dir: Path, log_path: Path, *, env: dict | None = None,
                 fault_injection: bool = False, config: Path | None = None,
                 admin_password: str = ADMIN_PASSWORD, name: str = "server"):
        self.data_dir = Path(data_dir)
        self.log_path = Path(log_path)
        self.env = dict(env or {})
        self.fault_injection = fault_injection
        self.config = config
        self.admin_password = admin_password
        self.name = name
        self.proc: subprocess.Popen | None = None
        self.host = None
        self.port = None
        self.last_stopped = 0.0
        self._reader: threading.Thread | None = None
        self._listening = threading.Event()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # The store backend of this run (store_backend.py); one database per server for its life.
        self.store_uri = store_backend.store_uri_for(self.data_dir)
        Server.registry.append(self)

    # -- lifecycle ---------------------------------------------------------------------------

    def command(self) -> list[str]:
        cmd = [str(binary_path()), "serve", "--data-dir", str(self.data_dir),
               "--listen", "127.0.0.1:0"]
        if self.fault_injection:
            cmd.append("--fault-injection")
        if self.config is not None:
            cmd += ["--config", str(self.config)]
        return cmd

    def process_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEAGG_")}
        env["TRADEAGG_ADMIN_PASSWORD"] = self.admin_password
        # The suites back-load history (trade times of fixed past dates): no past bound unless a
        # test sets one; a test that needs the built-in default sets this to None.
        env["TRADEAGG_MAX_PAST_DAYS"] = "0"
        if self.store_uri is not None:
            env["TRADEAGG_STORE_URI"] = self.store_uri
        env.update(lake_backend.server_env(self.data_dir))  # the lake's object store (lake_backend.py)
        env.update(self.env)
        return {k: v for k, v in env.items() if v is not None}

    def start(self, timeout: float = 30.0) -> "Server":
        assert not self.running, "already running"
        self.port = None
        self._listening.clear()
        cmd = self.command()
        with open(self.log_path, "a") as log:
            log.write(f"=== {time.strftime('%H:%M:%S')} start: {' '.join(cmd)}\n")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=self.process_env(),
                                     cwd=self.data_dir)
        self._reader = threading.Thread(target=self._pump, args=(self.proc,), daemon=True)
        self._reader.start()
        deadline = time.monotonic() + timeout
        while not self._listening.wait(0.05):
            if self.proc.poll() is not None:
                self._reader.join(2)
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before "
                                   f"listening:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"{self.name} printed no 'listening on HOST:PORT' line within "
                                   f"{timeout}s (is stdout flushed?):\n{self.log_tail()}")
        self._wait_healthy(deadline)
        return self

    def _pump(self, proc: subprocess.Popen) -> None:
        with open(self.log_path, "a") as log:
            for raw in proc.stdout:
                line = raw.decode("utf-8", "replace")
                log.write(line)
                log.flush()
                if not self._listening.is_set():
                    m = LISTEN_RE.search(line)
                    if m:
                        self.host, self.port = m.group(1), int(m.group(2))
                        self._listening.set()
            log.write(f"=== {time.strftime('%H:%M:%S')} exited: {proc.wait()}\n")

    def _wait_healthy(self, deadline: float) -> None:
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                r = requests.get(self.url("/healthz"), timeout=2)
                if r.status_code == 200:
                    return
                last = f"{r.status_code} {r.text[:200]}"
            except requests.RequestException as e:
                last = repr(e)
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"{self.name} never became healthy (last: {last}):\n{self.log_tail()}")

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM and wait; returns the exit code. Fails the test if it does not stop."""
        if not self.running:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{self.name} did not exit within {timeout}s of SIGTERM")
        self._after_exit()
        return rc

    def kill(self) -> None:
        """SIGKILL: a crash, no chance to flush or clean up."""
        if self.running:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(20)
        self._after_exit()

    def _after_exit(self) -> None:
        if self._reader is not None:
            self._reader.join(5)
        self.last_stopped = time.time()

    def restart(self, graceful: bool = True) -> "Server":
        if graceful:
            self.stop()
        else:
            self.kill()
        return self.start()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # -- talking to it -----------------------------------------------------------------------

    def url(self, path: str) -> str:
        assert self.port is not None, f"{self.name} is not listening"
        return f"http://{self.host}:{self.port}{path}"

    def login(self, username: str, password: str) -> str:
        r = requests.post(self.url("/v1/auth/token"),
                          json={"username": username, "password": password}, timeout=HTTP_TIMEOUT)
        assert r.status_code == 200, f"login {username}: {r.status_code} {r.text}"
        return r.json()["access_token"]

    def client(self, username: str = "admin", password: str | None = None, **info) -> "Client":
        if password is None:
            password = self.admin_password if username == "admin" else DEFAULT_PASSWORD
        return Client(self, self.login(username, password), username=username,
                      password=password, **info)

    def anonymous(self) -> "Client":
        return Client(self, None)

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text[-lines:])


class Client:
    """requests.Session bound to a Server (follows its port across restarts) and a token."""

    def __init__(self, server: Server, token: str | None, *, username: str | None = None,
                 password: str | None = None, role: str | None = None,
                 participant: str | None = None):
        self.server = server
        self.token = token
        self.username = username
        self.password = password
        self.role = role
        self.participant = participant
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def relogin(self) -> "Client":
        self.token = self.server.login(self.username, self.password)
        self.session.headers["Authorization"] = f"Bearer {self.token}"
        return self

    def request(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", HTTP_TIMEOUT)
        return self.session.request(method, self.server.url(path), **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # -- trades --------------------------------------------------------------------------------

    def submit(self, body, **kw) -> requests.Response:
        return self.post("/v1/trades", json=body, **kw)

    def submit_ndjson(self, trades, **kw) -> requests.Response:
        text = "".join(json.dumps(t) + "\n" for t in trades)
        return self.post("/v1/trades", data=text.encode(),
                         headers={"Content-Type": "application/x-ndjson"}, **kw)

    def get_trade(self, participant: str, trade_id: str) -> requests.Response:
        return self.get(f"/v1/trades/{participant}/{trade_id}")

    def list_trades(self, page_limit: int = 1000, **params) -> list[dict]:
        """Every trade matching params, following next_cursor to the end."""
        params = {k: v for k, v in params.items() if v is not None}
        params["limit"] = page_limit
        out, cursor = [], None
        for _ in range(100_000):
            if cursor is not None:
                params["cursor"] = cursor
            r = self.get("/v1/trades", params=params)
            assert r.status_code == 200, f"GET /v1/trades {params}: {r.status_code} {r.text}"
            body = r.json()
            assert len(body["trades"]) <= page_limit
            out += body["trades"]
            cursor = body["next_cursor"]
            if cursor is None:
                return out
        raise AssertionError("paging never ended")

    def positions(self, **params) -> dict:
        params = {k: v for k, v in params.items() if v is not None}
        r = self.get("/v1/positions", params=params)
        assert r.status_code == 200, f"GET /v1/positions {params}: {r.status_code} {r.text}"
        return r.json()


class UserFactory:
    """Creates users through the admin API; caches logged-in clients per role and participant."""

    def __init__(self, server: Server, admin: Client):
        self.server = server
        self.admin = admin
        self._cache: dict = {}

    def create(self, role: str = "member", participant: str | None = None,
               username: str | None = None, password: str = DEFAULT_PASSWORD) -> Client:
        username = username or unique(f"u{role[0]}", 64)
        body = {"username": username, "password": password, "role": role}
        if role == "member":
            body["participant"] = participant or unique("P")
        r = self.admin.post("/v1/users", json=body)
        assert r.status_code == 201, f"create user {body}: {r.status_code} {r.text}"
        return self.server.client(username, password, role=role,
                                  participant=body.get("participant"))

    def member(self, participant: str) -> Client:
        key = ("member", participant)
        if key not in self._cache:
            self._cache[key] = self.create("member", participant)
        return self._cache[key]

    def risk(self) -> Client:
        if "risk" not in self._cache:
            self._cache["risk"] = self.create("risk")
        return self._cache["risk"]


# --------------------------------------------------------------------------------------------
# The rules, modelled independently
# --------------------------------------------------------------------------------------------


def isin_check_digit(body: str) -> str:
    """Check digit for the first 11 characters of an ISIN (letters A=10 .. Z=35, then Luhn)."""
    assert len(body) == 11 and body.isalnum()
    digits = "".join(str(int(c, 36)) for c in body.upper())
    total = 0
    # Walking from the right, the digit next to the (future) check digit is doubled first.
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return str((10 - total % 10) % 10)


def make_isin(body: str) -> str:
    return body + isin_check_digit(body)


def is_valid_isin(isin: str) -> bool:
    return (len(isin) == 12 and isin[:2].isalpha() and isin[:2].isupper()
            and isin[2:11].isalnum() and isin[11].isdigit()
            and isin_check_digit(isin[:11]) == isin[11])


def with_wrong_check_digit(isin: str) -> str:
    return isin[:11] + str((int(isin[11]) + 1) % 10)


# Real ISINs (checked below against our own check-digit code) plus generated ones.
KNOWN_ISINS = ["US0378331005", "GB0002634946", "DE000BAY0017", "US5949181045", "AU0000XVGZA3",
               "GB00B03MLX29", "NL0000009165"]
ISINS = KNOWN_ISINS + [make_isin(f"GB00TA{n:05d}") for n in range(8)]
assert all(is_valid_isin(i) for i in ISINS), [i for i in ISINS if not is_valid_isin(i)]

CURRENCIES = ("GBP", "USD", "EUR")
EIGHT_PLACES = Decimal("0.00000001")


def dec(value) -> str:
    """Plain decimal text, never exponent notation (str(Decimal("5E-8")) would be "5E-8")."""
    return format(D(value), "f")


def D(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round_half_even_8(value: Fraction) -> Decimal:
    """Exact rounding of a rational to 8 places, half to even (Fraction.__round__ is half-even)."""
    return Decimal(round(value * 10**8)).scaleb(-8)


def vwap(notional: Decimal, quantity: int) -> Decimal | None:
    if quantity == 0:
        return None
    return round_half_even_8(Fraction(notional) / quantity)


def expected_price_notional(trade: dict) -> tuple[Decimal, Decimal]:
    """(price, notional) the server must store for a valid submitted trade."""
    q = int(trade["quantity"])
    if trade.get("price") is not None:
        price = D(trade["price"])
        return price, price * q
    notional = D(trade["notional"])
    return round_half_even_8(Fraction(notional) / q), notional


def parse_ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def rfc3339(t: dt.datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class Calendar:
    """The business-date rule from domain/business_calendar.h, written again in Python."""

    def __init__(self, tz: str = "Europe/London", cutoff: str = "17:30",
                 holidays: tuple[str, ...] = ()):
        self.zone = ZoneInfo(tz)
        h, m = cutoff.split(":")
        self.cutoff = dt.time(int(h), int(m))
        self.holidays = {dt.date.fromisoformat(d) for d in holidays}

    def is_business_day(self, d: dt.date) -> bool:
        return d.weekday() < 5 and d not in self.holidays

    def next_business_day(self, d: dt.date) -> dt.date:
        d += dt.timedelta(days=1)
        while not self.is_business_day(d):
            d += dt.timedelta(days=1)
        return d

    def business_date_of(self, t: dt.datetime) -> dt.date:
        local = t.astimezone(self.zone)
        d = local.date()
        if local.time() >= self.cutoff or not self.is_business_day(d):
            return self.next_business_day(d)
        return d

    def current(self) -> dt.date:
        return self.business_date_of(dt.datetime.now(UTC))


SHARED_CALENDAR = Calendar(holidays=SHARED_HOLIDAYS)


# -- positions --------------------------------------------------------------------------------

# A position (one instrument) has quantities, VWAPs and a direction by net quantity. A total
# spans instruments: no quantities or VWAPs (a sum of shares of different instruments is no
# position) and a direction by net notional (docs/api.md, "Positions").
QTY_FIELDS = ("buy_quantity", "sell_quantity", "net_quantity")
COUNT_FIELDS = ("trade_count", "buy_trades", "sell_trades")
DEC_FIELDS = ("buy_notional", "sell_notional", "net_notional", "gross_notional")
VWAP_FIELDS = ("buy_vwap", "sell_vwap")
POSITION_VALUES = QTY_FIELDS + DEC_FIELDS + COUNT_FIELDS + VWAP_FIELDS + ("direction",)
TOTAL_VALUES = DEC_FIELDS + COUNT_FIELDS + ("direction",)
NOT_IN_TOTALS = QTY_FIELDS + VWAP_FIELDS
POSITION_FIELDS = ("business_date", "participant", "instrument", "currency") + POSITION_VALUES
TOTAL_FIELDS = ("business_date", "participant", "currency") + TOTAL_VALUES


def sign_direction(value) -> str:
    return "LONG" if value > 0 else "SHORT" if value < 0 else "FLAT"


class _Acc:
    def __init__(self):
        self.bq = self.sq = self.buys = self.sells = 0
        self.bn = Decimal(0)
        self.sn = Decimal(0)

    def add(self, side: str, q: int, notional: Decimal):
        if side == "BUY":
            self.bq += q
            self.bn += notional
            self.buys += 1
        else:
            self.sq += q
            self.sn += notional
            self.sells += 1

    def total(self) -> dict:
        """The fields of a row spanning instruments: direction by net notional."""
        return {
            "buy_notional": self.bn, "sell_notional": self.sn, "net_notional": self.bn - self.sn,
            "gross_notional": self.bn + self.sn,
            "trade_count": self.buys + self.sells, "buy_trades": self.buys, "sell_trades": self.sells,
            "direction": sign_direction(self.bn - self.sn),
        }

    def fields(self) -> dict:
        """The fields of a position (one instrument): direction by net quantity."""
        net = self.bq - self.sq
        return dict(self.total(), buy_quantity=self.bq, sell_quantity=self.sq, net_quantity=net,
                    buy_vwap=vwap(self.bn, self.bq), sell_vwap=vwap(self.sn, self.sq),
                    direction=sign_direction(net))


def expected_positions(trades) -> tuple[dict, dict]:
    """Positions and totals from stored trades (dicts with participant, instrument, currency,
    side, quantity, notional, business_date). Keys: (date, participant, instrument, currency)
    and (date, participant, currency)."""
    pos, tot = defaultdict(_Acc), defaultdict(_Acc)
    for t in trades:
        q, n = int(t["quantity"]), D(t["notional"])
        bd = str(t["business_date"])
        pos[(bd, t["participant"], t["instrument"], t["currency"])].add(t["side"], q, n)
        tot[(bd, t["participant"], t["currency"])].add(t["side"], q, n)
    return ({k: a.fields() for k, a in pos.items()}, {k: a.total() for k, a in tot.items()})


def _check_row(row: dict, want: dict, fields, where: str, absent=()) -> list[str]:
    """Differences between an API row and the expected fields (`fields` must be there and
    equal, `absent` must not be there)."""
    errors = []
    missing = [f for f in fields if f not in row]
    if missing:
        return [f"{where}: missing fields {missing}"]
    errors += [f"{where}: unexpected field {f} = {row[f]!r}" for f in absent if f in row]
    for f in fields:
        got, exp = row[f], want.get(f)
        if f in QTY_FIELDS + COUNT_FIELDS:
            if not isinstance(got, int) or isinstance(got, bool):
                errors.append(f"{where}.{f}: expected a JSON integer, got {got!r}")
            elif got != exp:
                errors.append(f"{where}.{f}: {got} != expected {exp}")
        elif f in DEC_FIELDS + VWAP_FIELDS:
            if exp is None:
                if got is not None:
                    errors.append(f"{where}.{f}: {got!r} != expected null")
            elif not isinstance(got, str):
                errors.append(f"{where}.{f}: expected a decimal string, got {got!r}")
            elif Decimal(got) != exp:
                errors.append(f"{where}.{f}: {got} != expected {exp}")
        elif f == "direction" and got != exp:
            errors.append(f"{where}.direction: {got} != expected {exp}")
    return errors


def check_position(row: dict, want: dict, where: str) -> list[str]:
    return _check_row(row, want, POSITION_VALUES, where)


def check_total(row: dict, want: dict, where: str) -> list[str]:
    return _check_row(row, want, TOTAL_VALUES, where, absent=NOT_IN_TOTALS)


def assert_positions(body: dict, trades, participants=None) -> None:
    """Compare a /v1/positions body with the independent computation over `trades` (only rows
    of `participants` when given; every row otherwise)."""
    date = body["business_date"]
    exp_pos, exp_tot = expected_positions(t for t in trades if str(t["business_date"]) == date)
    keep = (lambda p: True) if participants is None else (lambda p: p in participants)
    exp_pos = {k: v for k, v in exp_pos.items() if keep(k[1])}
    exp_tot = {k: v for k, v in exp_tot.items() if keep(k[1])}
    got_pos = {(r["business_date"], r["participant"], r["instrument"], r["currency"]): r
               for r in body["positions"] if keep(r["participant"])}
    got_tot = {(r["business_date"], r["participant"], r["currency"]): r
               for r in body["totals"] if keep(r["participant"])}
    errors = []
    if len(got_pos) != len([r for r in body["positions"] if keep(r["participant"])]):
        errors.append("duplicate position rows")
    if len(got_tot) != len([r for r in body["totals"] if keep(r["participant"])]):
        errors.append("duplicate totals rows")
    if set(got_pos) != set(exp_pos):
        errors.append(f"position keys differ: unexpected {sorted(set(got_pos) - set(exp_pos))}, "
                      f"missing {sorted(set(exp_pos) - set(got_pos))}")
    if set(got_tot) != set(exp_tot):
        errors.append(f"totals keys differ: unexpected {sorted(set(got_tot) - set(exp_tot))}, "
                      f"missing {sorted(set(exp_tot) - set(got_tot))}")
    for k in sorted(set(got_pos) & set(exp_pos)):
        errors += check_position(got_pos[k], exp_pos[k], f"position{k}")
        errors += [f"position{k}: missing {f}" for f in POSITION_FIELDS if f not in got_pos[k]]
    for k in sorted(set(got_tot) & set(exp_tot)):
        errors += check_total(got_tot[k], exp_tot[k], f"total{k}")
        errors += [f"total{k}: missing {f}" for f in TOTAL_FIELDS if f not in got_tot[k]]
    assert not errors, "\n".join(errors[:40])


# --------------------------------------------------------------------------------------------
# Trades
# --------------------------------------------------------------------------------------------


class TradeFactory:
    """Valid trades with unique trade ids; deterministic per seed."""

    def __init__(self, seed: str = "tradeagg"):
        self.rng = random.Random(seed)

    def trade_id(self) -> str:
        return unique("T-", 64)

    def price(self) -> str:
        return dec(Decimal(self.rng.randint(1, 5_000_000)).scaleb(-self.rng.choice([0, 2, 4, 8])))

    def new(self, participant: str | None = None, **fields) -> dict:
        rng = self.rng
        t = {
            "trade_id": self.trade_id(),
            "participant": participant,
            "counterparty": None,
            "instrument": rng.choice(ISINS),
            "side": rng.choice(["BUY", "SELL"]),
            "quantity": rng.randint(1, 100_000),
            "price": self.price(),
            "currency": rng.choice(CURRENCIES),
        }
        t.update(fields)
        if t["counterparty"] is None:
            t["counterparty"] = unique("CP")
        return {k: v for k, v in t.items() if v is not None}

    def many(self, n: int, participant: str | None = None, **fields) -> list[dict]:
        return [self.new(participant, **fields) for _ in range(n)]


def stored_view(trade: dict, business_date: str | None = None) -> dict:
    """What the store must hold for a submitted valid trade (for comparisons)."""
    price, notional = expected_price_notional(trade)
    out = {"trade_id": trade["trade_id"], "participant": trade["participant"],
           "counterparty": trade["counterparty"], "instrument": trade["instrument"],
           "side": trade["side"], "quantity": int(trade["quantity"]), "price": price,
           "notional": notional, "currency": trade["currency"]}
    if business_date is not None:
        out["business_date"] = business_date
    return out


def assert_stored_matches(stored: dict, sent: dict) -> None:
    want = stored_view(sent)
    got = {k: stored.get(k) for k in want}
    got["price"] = D(got["price"]) if got["price"] is not None else None
    got["notional"] = D(got["notional"]) if got["notional"] is not None else None
    assert got == want, f"stored {stored} does not match sent {sent}"
    if "trade_time" in sent:
        assert parse_ts(stored["trade_time"]) == parse_ts(sent["trade_time"]), (stored, sent)


def assert_problem(r: requests.Response, status: int, kind: str) -> dict:
    """An RFC 7807 error of the given status and type suffix."""
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:2000]}"
    ctype = r.headers.get("Content-Type", "")
    assert ctype.startswith("application/problem+json"), f"Content-Type {ctype!r}: {r.text[:500]}"
    body = r.json()
    assert body.get("type") == PROBLEM_BASE + kind, body
    assert body.get("status") == status, body
    assert isinstance(body.get("title"), str) and body["title"], body
    return body


def error_fields(body: dict) -> set[tuple[int, str]]:
    return {(e.get("index"), e.get("field")) for e in body.get("errors", [])}


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tradeagg_bin() -> Path:
    path = binary_path()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"tradeagg binary not found at {path}; build it or set TRADEAGG_BIN",
                    pytrace=False)
    return path


START_BOUND = 30.0


def start_fails(server, setting: str) -> str:
    """Starts `server`, whose configuration is unusable: it must exit by itself, non-zero and
    without having listened, within START_BOUND s, saying what is wrong in one `tradeagg: ` line
    that names `setting`. Returns that line."""
    log_from = server.log_path.stat().st_size if server.log_path.exists() else 0
    t0 = time.monotonic()
    try:
        server.start(timeout=START_BOUND)
    except RuntimeError:
        pass  # exited before listening (or killed at the bound: the exit code says which)
    else:
        server.stop()
        pytest.fail(f"tradeagg started although {setting} is unusable:\n{server.log_tail(20)}")
    took = time.monotonic() - t0
    server.last_stopped = time.time()  # its log goes into a failure report
    output = server.log_path.read_bytes()[log_from:].decode("utf-8", "replace")
    rc = server.proc.returncode
    assert rc is not None and rc > 0, f"did not exit by itself within {START_BOUND}s (exit {rc}):\n{output[-3000:]}"
    assert took < START_BOUND, f"took {took:.1f}s to give up"
    assert not LISTEN_RE.search(output), output[-3000:]
    lines = [line for line in output.splitlines() if line.startswith("tradeagg: ")]
    assert len(lines) == 1, f"expected one 'tradeagg: ' line saying what is wrong:\n{output[-3000:]}"
    assert setting in lines[0], f"the message does not name {setting}: {lines[0]}"
    print(f"start failed (exit {rc}, {took:.2f}s): {lines[0]}")
    return lines[0]


@pytest.fixture(scope="session")
def server_factory(tmp_path_factory, tradeagg_bin):
    """make(name, **Server kwargs) -> started Server on a fresh data dir; all stopped at the end."""
    made: list[Server] = []

    def make(name: str = "server", start: bool = True, **kw) -> Server:
        root = tmp_path_factory.mktemp(name)
        s = Server(root / "data", root / "server.log", name=name, **kw)
        made.append(s)
        return s.start() if start else s

    yield make
    for s in made:
        if s.running:
            s.kill()
    store_backend.shutdown()
    lake_backend.shutdown()


@pytest.fixture(scope="session")
def server(server_factory) -> Server:
    """The shared server: default settings plus two configured holidays."""
    return server_factory("shared", env={"TRADEAGG_HOLIDAYS": ",".join(SHARED_HOLIDAYS)})


@pytest.fixture(scope="session")
def admin(server) -> Client:
    return server.client("admin", role="admin")


@pytest.fixture(scope="session")
def admin_token(admin) -> str:
    return admin.token


@pytest.fixture(scope="session")
def users(server, admin) -> UserFactory:
    return UserFactory(server, admin)


@pytest.fixture(scope="session")
def signup_server(server_factory) -> Server:
    return server_factory("signup", env={"TRADEAGG_SIGNUP_ENABLED": "true"})


@pytest.fixture
def trades(request) -> TradeFactory:
    return TradeFactory(request.node.nodeid)


@pytest.fixture
def participant() -> str:
    return unique("P")


# --------------------------------------------------------------------------------------------
# Server logs on failure
# --------------------------------------------------------------------------------------------


def pytest_runtest_setup(item):
    item._tradeagg_started = time.time()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed:
        return
    since = getattr(item, "_tradeagg_started", 0)
    for s in Server.registry:
        if s.running or s.last_stopped >= since:
            rep.sections.append((f"{s.name} log ({s.log_path})", s.log_tail(60)))
