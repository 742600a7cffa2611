"""Operations: what an operator's tools see of a running tradeagg.

  - GET /metrics (Prometheus text, read by prometheus_client's own parser): after a known
    workload on a server of its own (accepted, duplicate, conflicting and invalid trades, 404s,
    one aggregation run) the counters moved by exactly what was done, the histograms are
    well formed, the lake's lag gauges come back to 0 and the run left no differences.
  - GET /healthz is 200 while the process lives; GET /readyz is 200 with its checks, and 503
    when the exporter has trades waiting longer than lake.export_stall_seconds (an injected
    export failure) or the store cannot be reached (FerretDB stopped or frozen, MongoDB pass).
  - Every response carries an X-Request-Id: the client's when it is a valid one, else a fresh
    one; with JSON logs each request's access line names it, and every log line is JSON.
  - SIGTERM or SIGINT under a concurrent load: exit 0 within a bound, no request left hanging,
    every acknowledged trade there after a restart, nothing doubled, later requests refused.
"""
from __future__ import annotations

import json
import math
import re
import signal
import socket
import subprocess
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import requests

import store_backend
from conftest import ISINS, PROBLEM_BASE, TradeFactory, unique, with_wrong_check_digit
from prometheus_metrics import Metrics, scrape
from test_durability import check_store
from trade_load import SubmitterLoad, keys_of
# The MongoDB outage fixture (a FerretDB of the test's own, stopped or frozen, and a server on
# it with client timeouts short enough to notice), shared with the outage-under-load test.
from test_mongodb import outage  # noqa: F401  (a fixture)

# Deterministic background: runs only when a test asks for one, and trades reach the lake fast.
QUIET_ENV = {"TRADEAGG_SCHEDULER_ENABLED": "false", "TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "200"}
TRADE_TIME = "2025-11-20T10:00:00Z"  # business date 2025-11-20 (a Thursday, before the cut-off)
BUSINESS_DATE = "2025-11-20"
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SETTLE_SECONDS = 30.0


def wait_until(probe, timeout: float, what: str, interval: float = 0.1):
    """Polls probe() until it returns something truthy; fails naming `what` and the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} within {timeout}s; last: {value!r}"
        time.sleep(interval)


# ------------------------------------------------------------------------------------------
# Prometheus text, as prometheus_client reads it
# ------------------------------------------------------------------------------------------


def deltas(before: Metrics, after: Metrics, name: str) -> dict[frozenset, float]:
    """Per label set, how much the samples called `name` moved (a set first seen after counts
    from 0)."""
    old, new = before.series(name), after.series(name)
    return {k: v - old.get(k, 0.0) for k, v in new.items() if v != old.get(k, 0.0)}


COUNTERS = ("tradeagg_http_requests", "tradeagg_trades", "tradeagg_store_errors",
            "tradeagg_lake_snapshot_commits", "tradeagg_aggregation_runs",
            "tradeagg_object_store_errors", "tradeagg_catalog_errors")
HISTOGRAMS = ("tradeagg_http_request_duration_seconds", "tradeagg_ingest_batch_trades",
              "tradeagg_ingest_commit_duration_seconds", "tradeagg_lake_snapshot_commit_duration_seconds",
              "tradeagg_aggregation_run_duration_seconds")
GAUGES = ("tradeagg_lake_export_lag_trades", "tradeagg_lake_export_lag_seconds",
          "tradeagg_aggregation_reconciliation_differences")
# Without labels these have one series from the start: a counter that appears only at its first
# error cannot be told from a metric that does not exist, and rate() over it misses that error.
UNLABELLED = ("tradeagg_store_errors_total", "tradeagg_object_store_errors_total",
              "tradeagg_catalog_errors_total", "tradeagg_lake_export_lag_trades",
              "tradeagg_lake_export_lag_seconds")


def histogram_errors(m: Metrics) -> list[str]:
    """Every histogram series: cumulative buckets in order of `le`, +Inf equal to _count,
    a non-negative _sum (all ours measure sizes and durations), and no _sum without _count."""
    errors = []
    for family in m.families.values():
        if family.type != "histogram":
            continue
        buckets, counts, sums = defaultdict(list), {}, {}
        for s in family.samples:
            key = frozenset((k, v) for k, v in s.labels.items() if k != "le")
            if s.name.endswith("_bucket"):
                buckets[key].append((float(s.labels["le"]), s.value))
            elif s.name.endswith("_count"):
                counts[key] = s.value
            elif s.name.endswith("_sum"):
                sums[key] = s.value
        for key in set(buckets) | set(counts) | set(sums):
            where = f"{family.name}{dict(key)}"
            series = sorted(buckets.get(key, []))
            bounds = [le for le, _ in series]
            if len(set(bounds)) != len(bounds):
                errors.append(f"{where}: a bucket bound given twice: {bounds}")
            values = [v for _, v in series]
            if values != sorted(values):
                errors.append(f"{where}: buckets not cumulative: {series}")
            if not series or not math.isinf(series[-1][0]):
                errors.append(f"{where}: no +Inf bucket")
            elif series[-1][1] != counts.get(key):
                errors.append(f"{where}: +Inf bucket {series[-1][1]} != _count {counts.get(key)}")
            if key not in sums or sums[key] < 0:
                errors.append(f"{where}: _sum {sums.get(key)}")
            elif counts.get(key, 0) == 0 and sums[key] != 0:
                errors.append(f"{where}: _sum {sums[key]} with _count 0")
    return errors


# ------------------------------------------------------------------------------------------
# 1. /metrics after a known workload
# ------------------------------------------------------------------------------------------


class Calls:
    """Requests made through it, counted by (method, route pattern, status) as the server must
    count them; each must get the status the workload expects of it."""

    def __init__(self):
        self.seen: Counter = Counter()

    def __call__(self, client, method: str, path: str, route: str, expect: int, **kw) -> requests.Response:
        r = client.request(method, path, **kw)
        assert r.status_code == expect, f"{method} {path}: expected {expect}, got {r.status_code}: {r.text[:1000]}"
        self.seen[(method, route, str(expect))] += 1
        return r


class Workload:
    """What was sent to the metrics server, and its scrapes before and after."""
    accepted = 10            # in accepted_requests requests: one trade, an array, NDJSON
    accepted_requests = 3
    duplicates = 1           # one trade resubmitted as it was
    conflicting = 1          # one trade id resubmitted with another quantity
    rejected = 3             # invalid trades, in two requests


@pytest.fixture(scope="module")
def metrics_run(server_factory):
    server = server_factory("metrics", env=QUIET_ENV)
    admin = server.client("admin")  # its login happens before the first scrape
    anonymous = server.anonymous()
    factory = TradeFactory("metrics")
    p = unique("MX")
    w = Workload()
    w.server, w.calls = server, Calls()
    call = w.calls
    w.before = scrape(server)

    single = factory.new(p, trade_time=TRADE_TIME)
    array = factory.many(4, p, trade_time=TRADE_TIME)
    ndjson = factory.many(5, p, trade_time=TRADE_TIME)
    call(admin, "POST", "/v1/trades", "/v1/trades", 201, json=single)
    call(admin, "POST", "/v1/trades", "/v1/trades", 201, json=array)
    text = "".join(json.dumps(t) + "\n" for t in ndjson)
    call(admin, "POST", "/v1/trades", "/v1/trades", 201, data=text.encode(),
         headers={"Content-Type": "application/x-ndjson"})
    # The duplicate and the conflict come last before the run: on MongoDB each takes a seq no
    # trade has, and the run must still succeed (not wait for a watermark the lake never reaches).
    again = call(admin, "POST", "/v1/trades", "/v1/trades", 200, json=single)
    assert again.json()["duplicates"] == 1, again.text
    call(admin, "POST", "/v1/trades", "/v1/trades", 409, json=dict(array[0], quantity=array[0]["quantity"] + 1))
    call(admin, "POST", "/v1/trades", "/v1/trades", 422, json=[factory.new(p, trade_time=TRADE_TIME, quantity=0)])
    call(admin, "POST", "/v1/trades", "/v1/trades", 422,
         json=[factory.new(p, trade_time=TRADE_TIME, quantity=0),
               factory.new(p, trade_time=TRADE_TIME, instrument=with_wrong_check_digit(ISINS[0]))])

    trade_route = "/v1/trades/{participant}/{trade_id}"
    call(admin, "GET", f"/v1/trades/{p}/{single['trade_id']}", trade_route, 200)
    call(admin, "GET", f"/v1/trades/{p}/{unique('NOPE')}", trade_route, 404)
    call(admin, "GET", "/v1/no-such-route", "unmatched", 404)
    call(anonymous, "GET", "/v1/positions", "/v1/positions", 401)  # refused from the head alone

    r = call(admin, "POST", "/v1/aggregations", "/v1/aggregations", 202,
             json={"business_date": BUSINESS_DATE, "kind": "intraday"})
    run_id = r.json()["run_id"]

    def finished():
        run = call(admin, "GET", f"/v1/aggregations/{run_id}", "/v1/aggregations/{run_id}", 200).json()
        return run if run["status"] in ("succeeded", "failed") else None
    w.run = wait_until(finished, 60, f"run {run_id} finished")
    assert w.run["status"] == "succeeded", w.run
    assert w.run["trades"] == w.accepted and w.run["reconciliation"]["differences"] == 0, w.run
    # The run is counted when it ends; its status may be readable a moment before that.
    wait_until(lambda: scrape(server).value("tradeagg_aggregation_runs_total") >
               w.before.value("tradeagg_aggregation_runs_total"), 10, "the run counted")
    w.after = scrape(server)
    return w


def test_metrics_are_public_prometheus_text(server):
    r = requests.get(server.url("/metrics"), timeout=30)  # no token
    assert r.status_code == 200, r.text[:500]
    assert r.headers.get("Content-Type", "").startswith("text/plain"), r.headers.get("Content-Type")
    assert Metrics(r.text).families, "no metric families"


def test_every_metric_is_exposed_with_its_type(metrics_run):
    families = metrics_run.after.families
    want = {**{n: "counter" for n in COUNTERS}, **{n: "histogram" for n in HISTOGRAMS},
            **{n: "gauge" for n in GAUGES}}
    got = {n: families[n].type if n in families else None for n in want}
    assert got == want, {n: (got[n], t) for n, t in want.items() if got[n] != t}
    missing = [n for n in UNLABELLED if not metrics_run.after.has(n)]
    assert not missing, f"no series for {missing}"


def test_http_requests_are_counted_by_method_route_and_status(metrics_run):
    """Exactly the workload's requests, by the router's pattern ("unmatched" for an unknown
    path). /metrics is left out: whether a scrape counts itself is not specified."""
    moved = {tuple(dict(k)[n] for n in ("method", "route", "status")): v
             for k, v in deltas(metrics_run.before, metrics_run.after, "tradeagg_http_requests_total").items()
             if dict(k).get("route") != "/metrics"}
    assert moved == dict(metrics_run.calls.seen), (
        f"unexpected: {sorted(set(moved.items()) - set(metrics_run.calls.seen.items()))}, "
        f"missing: {sorted(set(metrics_run.calls.seen.items()) - set(moved.items()))}")


def test_request_durations_count_every_request(metrics_run):
    """Each (method, route)'s duration histogram has counted what its request counter has."""
    after = metrics_run.after
    by_route = defaultdict(float)
    for s in after.samples:
        if s.name == "tradeagg_http_requests_total" and s.labels.get("route") != "/metrics":
            by_route[(s.labels["method"], s.labels["route"])] += s.value
    durations = {(s.labels["method"], s.labels["route"]): s.value for s in after.samples
                 if s.name == "tradeagg_http_request_duration_seconds_count"
                 and s.labels.get("route") != "/metrics"}
    assert durations == dict(by_route)


def test_trade_outcomes_are_counted(metrics_run):
    w = metrics_run
    moved = {dict(k)["outcome"]: v for k, v in deltas(w.before, w.after, "tradeagg_trades_total").items()}
    assert moved == {"accepted": w.accepted, "duplicate": w.duplicates, "conflicting": w.conflicting,
                     "rejected": w.rejected}
    assert deltas(w.before, w.after, "tradeagg_store_errors_total") == {}


def test_ingest_histograms_count_the_group_commits(metrics_run):
    """The submissions were sent one after another, each after the last one's answer, so each
    reaching the store was a group of its own: the accepted ones at least, plus at most the
    duplicate and the conflicting one (whether those commit a group is not specified). Invalid
    requests never reach the store."""
    w = metrics_run
    d = lambda name: w.after.value(name) - w.before.value(name)  # noqa: E731
    most = w.accepted_requests + w.duplicates + w.conflicting
    groups = d("tradeagg_ingest_batch_trades_count")
    assert w.accepted_requests <= groups <= most, groups
    trades = d("tradeagg_ingest_batch_trades_sum")
    assert w.accepted <= trades <= w.accepted + w.duplicates + w.conflicting, trades
    commits = d("tradeagg_ingest_commit_duration_seconds_count")
    assert w.accepted_requests <= commits <= most, commits
    assert d("tradeagg_ingest_commit_duration_seconds_sum") > 0  # an fsync takes time


def test_histograms_are_well_formed(metrics_run):
    errors = histogram_errors(metrics_run.before) + histogram_errors(metrics_run.after)
    assert not errors, "\n".join(errors[:40])


def test_lake_lag_gauges_return_to_zero_and_snapshots_are_counted(metrics_run):
    w = metrics_run
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        caught_up = scrape(w.server)
        lag = (caught_up.value("tradeagg_lake_export_lag_trades"),
               caught_up.value("tradeagg_lake_export_lag_seconds"))
        if lag == (0, 0):
            break
        assert time.monotonic() < deadline, f"lag (trades, seconds) still {lag} after {SETTLE_SECONDS}s"
        time.sleep(0.1)
    commits = deltas(w.before, caught_up, "tradeagg_lake_snapshot_commits_total")
    tables = Counter()
    for labels, v in commits.items():
        tables[dict(labels)["table"]] += v
    # The export of the trades and the run's rows (its exposures_snapshot_id says they went in).
    assert w.run["exposures_snapshot_id"] is not None, w.run
    assert any("trades" in t and v >= 1 for t, v in tables.items()), tables
    assert any("exposures" in t and v >= 1 for t, v in tables.items()), tables
    timed = (caught_up.value("tradeagg_lake_snapshot_commit_duration_seconds_count")
             - w.before.value("tradeagg_lake_snapshot_commit_duration_seconds_count"))
    assert timed == sum(tables.values()), f"{timed} commits timed, {tables} counted"
    for name in ("tradeagg_object_store_errors_total", "tradeagg_catalog_errors_total"):
        assert deltas(w.before, caught_up, name) == {}, name


def test_the_run_is_counted_and_left_no_differences(metrics_run):
    w = metrics_run
    moved = {(dict(k)["kind"], dict(k)["status"]): v
             for k, v in deltas(w.before, w.after, "tradeagg_aggregation_runs_total").items()}
    assert moved == {("intraday", "succeeded"): 1}
    runs = (w.after.value("tradeagg_aggregation_run_duration_seconds_count")
            - w.before.value("tradeagg_aggregation_run_duration_seconds_count"))
    assert runs == 1
    assert w.after.has("tradeagg_aggregation_reconciliation_differences")
    assert w.after.value("tradeagg_aggregation_reconciliation_differences") == 0


# ------------------------------------------------------------------------------------------
# 2. Liveness and readiness
# ------------------------------------------------------------------------------------------


def readyz(server, timeout: float = 15) -> requests.Response:
    return requests.get(server.url("/readyz"), timeout=timeout)


def readyz_until(server, status: int, timeout: float, what: str, seen: list | None = None,
                 probe_bound: float | None = None) -> requests.Response:
    """Polls /readyz until it answers `status`; each answer goes into `seen` as (monotonic
    time, response); with probe_bound, no probe may take longer (a readiness probe that hangs
    is as bad as none)."""
    deadline = time.monotonic() + timeout
    while True:
        t0 = time.monotonic()
        r = readyz(server, timeout=(probe_bound or 10) + 5)
        took = time.monotonic() - t0
        assert probe_bound is None or took <= probe_bound, f"/readyz took {took:.1f}s"
        if seen is not None:
            seen.append((time.monotonic(), r))
        if r.status_code == status:
            return r
        assert r.status_code in (200, 503), f"/readyz: {r.status_code} {r.text[:500]}"
        assert time.monotonic() < deadline, f"/readyz not {status} ({what}) within {timeout}s: {r.status_code} {r.text[:500]}"
        time.sleep(0.2)


def check_readiness(r: requests.Response, ready: bool) -> dict:
    """The body's shape; every check says ok and why; a 503 names a failing check."""
    assert r.status_code == (200 if ready else 503), f"{r.status_code}: {r.text[:1000]}"
    assert r.headers.get("Content-Type", "").startswith("application/json"), r.headers.get("Content-Type")
    body = r.json()
    assert body["status"] == ("ready" if ready else "unready"), body
    checks = body["checks"]
    assert {"store", "exporter"} <= set(checks), body
    for name, check in checks.items():
        assert isinstance(check["ok"], bool) and isinstance(check["detail"], str), (name, check)
    exporter = checks["exporter"]
    if checks["store"]["ok"] or exporter.get("lag_trades") is not None:
        # (The lag is counted in the store: with the store out it may be unknown, and left out.)
        assert isinstance(exporter["lag_trades"], int) and exporter["lag_trades"] >= 0, exporter
        assert isinstance(exporter["lag_seconds"], (int, float)) and exporter["lag_seconds"] >= 0, exporter
    assert all(c["ok"] for c in checks.values()) == ready, body
    return body


def assert_alive(server) -> None:
    r = requests.get(server.url("/healthz"), timeout=5)
    assert r.status_code == 200 and r.json() == {"status": "ok"}, r.text


def test_healthz_is_ok(server):
    assert_alive(server)


def test_readyz_is_public_and_ready(server):
    check_readiness(readyz_until(server, 200, SETTLE_SECONDS, "the shared server"), ready=True)


STALL_SECONDS = 2


def lake_caught_up(admin) -> dict:
    """Waits until the exporter holds every committed trade; returns /v1/lake."""
    return wait_until(lambda: (b := admin.get("/v1/lake").json())["lag_trades"] == 0 and b,
                      SETTLE_SECONDS, "the lake caught up")


def test_an_exporter_stalled_longer_than_the_bound_makes_it_unready(server_factory):
    """Exports fail (injected, for good: it cannot be disarmed) while trades wait. Ready while
    they have waited less than the bound, however long ago the lake's last snapshot was;
    unready after, alive throughout; the lag on /readyz and /metrics is the waiting trades.
    A restart without the fault exports them: ready again, and no lag."""
    server = server_factory("stall", fault_injection=True,
                            env=dict(QUIET_ENV, TRADEAGG_LAKE_EXPORT_STALL_SECONDS=str(STALL_SECONDS)))
    admin = server.client("admin")
    factory = TradeFactory("stall")
    p = unique("ST")
    assert admin.submit(factory.new(p, trade_time=TRADE_TIME)).status_code == 201
    lake_caught_up(admin)
    readyz_until(server, 200, SETTLE_SECONDS, "with the lake caught up")
    # A quiet spell longer than the bound (time must pass: nothing to poll for): the lake's
    # last snapshot is then older than the bound, but nothing waits, so nothing is stalled.
    time.sleep(STALL_SECONDS + 1)
    check_readiness(readyz(server), ready=True)
    r = admin.post("/v1/admin/faults", json={"point": "lake.export.before_read", "count": 100_000})
    assert r.status_code == 204, r.text
    waiting = factory.many(5, p, trade_time=TRADE_TIME)
    sent = time.monotonic()  # the trades are committed after this, so they wait less since
    assert admin.submit(waiting).status_code == 201

    answers = []  # (monotonic time answered, response)
    r = readyz_until(server, 503, STALL_SECONDS + SETTLE_SECONDS, "stalled", seen=answers)
    # A lag is not a stall: trades that have waited less than the bound (with half a second
    # for the clocks' granularity) leave it ready.
    early = [(round(t - sent, 2), a.json()["checks"]["exporter"]) for t, a in answers
             if t < sent + STALL_SECONDS - 0.5 and a.status_code != 200]
    assert not early, f"unready before the trades waited {STALL_SECONDS}s (s after the submission, exporter): {early}"
    body = check_readiness(r, ready=False)
    exporter = body["checks"]["exporter"]
    assert not exporter["ok"] and body["checks"]["store"]["ok"], body
    assert exporter["lag_trades"] == len(waiting) and exporter["lag_seconds"] >= STALL_SECONDS, exporter
    m = scrape(server)
    assert m.value("tradeagg_lake_export_lag_trades") == len(waiting)
    assert m.value("tradeagg_lake_export_lag_seconds") >= STALL_SECONDS
    assert_alive(server)

    server.stop()
    server.fault_injection = False
    server.start()
    admin.relogin()
    lake_caught_up(admin)
    body = check_readiness(readyz_until(server, 200, SETTLE_SECONDS, "after the restart"), ready=True)
    assert body["checks"]["exporter"]["lag_trades"] == 0, body


READY_PROBE_BOUND = 12.0  # a probe answers within a few client timeouts (1-1.5 s), never hangs


@pytest.mark.skipif(store_backend.BACKEND != "mongodb",
                    reason="MongoDB pass only (TRADEAGG_SYSTEM_STORE=mongodb): the embedded SQLite "
                           "store has no outage a test can cause honestly (open files survive "
                           "removal, chmod and renames; WAL readers are never locked out)")
@pytest.mark.parametrize("outage", ["stopped", "frozen"], indirect=True)
def test_an_unreachable_store_makes_it_unready_until_it_is_back(outage):
    """FerretDB stopped (refusing) or frozen (accepting, never answering): /readyz answers 503
    with the store's check failing, within a bound; /healthz stays 200; ready again when the
    store is back, without a restart."""
    interruption, server = outage
    check_readiness(readyz_until(server, 200, SETTLE_SECONDS, "at start"), ready=True)
    pid = server.proc.pid
    interruption.begin()
    try:
        r = readyz_until(server, 503, SETTLE_SECONDS, "store down", probe_bound=READY_PROBE_BOUND)
        body = check_readiness(r, ready=False)
        assert body["checks"]["store"]["ok"] is False, body
        print(f"store {interruption.mode}: {body}")
        assert_alive(server)
    finally:
        interruption.end()
    check_readiness(readyz_until(server, 200, SETTLE_SECONDS, "store back"), ready=True)
    assert server.running and server.proc.pid == pid


# ------------------------------------------------------------------------------------------
# 3. Request ids and the JSON log
# ------------------------------------------------------------------------------------------


def request_id(r: requests.Response) -> str:
    rid = r.headers.get("X-Request-Id")
    assert rid is not None, f"{r.request.method} {r.url} ({r.status_code}): no X-Request-Id"
    assert REQUEST_ID_RE.match(rid), f"X-Request-Id {rid!r} is not 1-64 of [A-Za-z0-9._-]"
    return rid


@pytest.mark.parametrize("rid", ["a", "req-1", "A.b_C-9", "x" * 64, "0123456789." * 4 + "abc_-.XYZ__.-"],
                         ids=["one", "dash", "every-kind", "64", "digits-dots"])
def test_a_valid_request_id_is_echoed(server, rid):
    assert len(rid) <= 64
    r = requests.get(server.url("/healthz"), headers={"X-Request-Id": rid}, timeout=10)
    assert request_id(r) == rid


@pytest.mark.parametrize("rid", ["", "x" * 65, "has space", "semi;colon", "slash/x", 'quo"te',
                                 "caf\u00e9", "a+b", "{x}"],
                         ids=["empty", "65", "space", "semicolon", "slash", "quote", "latin1", "plus", "braces"])
def test_an_invalid_request_id_is_replaced(server, rid):
    r = requests.get(server.url("/healthz"), headers={"X-Request-Id": rid}, timeout=10)
    assert request_id(r) != rid


def test_generated_request_ids_are_unique(server):
    session = requests.Session()  # one keep-alive connection: ids are per request, not per connection
    ids = [request_id(session.get(server.url("/healthz"), timeout=10)) for _ in range(50)]
    ids += [request_id(requests.get(server.url("/healthz"), timeout=10)) for _ in range(10)]
    assert len(set(ids)) == len(ids), Counter(ids).most_common(3)


def answer_to_head(server, head: str) -> tuple[int, dict]:
    """Sends a request head alone on a raw socket (no client sends what these send) and reads
    the answer's status and headers; the server answers such heads without a body."""
    with socket.create_connection((server.host, server.port), timeout=30) as sock:
        sock.sendall(head.encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    status_line, *lines = reply.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    headers = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
    return int(status_line.split()[1]), headers


def test_every_kind_of_answer_carries_a_request_id(server, admin, trades, participant):
    """Answers of handlers, of the router, and of the head checks that answer before a body."""
    anonymous = requests.Session()
    answers = [
        admin.submit(trades.new(participant, trade_time=TRADE_TIME)),             # 201
        admin.get("/v1/positions", params={"participant": participant}),         # 200
        anonymous.get(server.url("/metrics"), timeout=10),                        # 200, text
        anonymous.get(server.url("/v1/positions"), timeout=10),                   # 401 from the head
        admin.get("/v1/no-such-route"),                                           # 404 unmatched
        admin.request("PUT", "/v1/trades", json={}),                              # 405
        admin.submit(trades.new(participant, trade_time=TRADE_TIME, quantity=0)),  # 422
        admin.post("/v1/trades", data=b"{}", headers={"Content-Type": "text/plain"}),  # 415
    ]
    assert [r.status_code for r in answers] == [201, 200, 200, 401, 404, 405, 422, 415]
    ids = [request_id(r) for r in answers]
    host = f"Host: {server.host}:{server.port}\r\nAuthorization: Bearer {admin.token}\r\n"
    heads = {413: f"POST /v1/trades HTTP/1.1\r\n{host}Content-Type: application/json\r\n"
                  f"Content-Length: {10**9}\r\n\r\n",
             400: f"POST /v1/trades HTTP/1.1\r\n{host}Content-Type: application/json\r\n"
                  f"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"}
    for want, head in heads.items():
        status, headers = answer_to_head(server, head)
        assert status == want, (status, headers)
        rid = {k.lower(): v for k, v in headers.items()}.get("x-request-id")
        assert rid is not None and REQUEST_ID_RE.match(rid), f"{status}: X-Request-Id {rid!r}"
        ids.append(rid)
    assert len(set(ids)) == len(ids), ids


ACCESS_KEYS = {"ts", "level", "msg", "request_id", "method", "route", "status", "duration_ms"}


def json_log_server(server_factory, how: str):
    """A server logging JSON, asked by the serve flag or by the environment, with an access
    line per request (log_requests: off by default, where a line per request would cost more
    than the request)."""
    env = dict(QUIET_ENV, TRADEAGG_LOG_FORMAT="json" if how == "env" else None, TRADEAGG_LOG_REQUESTS="true")
    server = server_factory(f"jsonlog-{how}", start=False, env=env)
    if how == "flag":
        base = server.command
        server.command = lambda: base() + ["--log-format", "json"]
    return server.start()


def log_records(server) -> list[tuple[str, dict | None]]:
    """Every line tradeagg wrote (its output is merged into the log file), with its JSON object
    or None. Not its lines: the harness's own `=== ...` markers, and the `listening on` line,
    which goes to stdout for the harness to read the port."""
    out = []
    for line in server.log_path.read_text(errors="replace").splitlines():
        if line.startswith("=== ") or line.startswith("tradeagg listening on"):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            obj = None
        out.append((line, obj if isinstance(obj, dict) else None))
    return out


def access_lines(server, rid: str) -> list[dict]:
    return [obj for _, obj in log_records(server)
            if obj is not None and obj.get("request_id") == rid and "route" in obj and "status" in obj]


def dead_pid() -> int:
    """A pid no process has now (the highest pids are the last to be reused)."""
    pid_max = int(Path("/proc/sys/kernel/pid_max").read_text())
    return next(pid for pid in range(pid_max, 1, -1) if not Path(f"/proc/{pid}").exists())


def test_a_start_removes_what_killed_processes_left_of_libmongocs_counters(server_factory):
    # libmongoc, initialised at load before main, prints a plain-text warning when the file of
    # its pid exists (left by a killed process): the next start must not meet one.
    stale = Path(f"/dev/shm/mongoc-{dead_pid()}")
    stale.write_bytes(b"")
    mine = Path("/dev/shm/mongoc-not-a-pid")
    mine.write_bytes(b"")
    try:
        server_factory("counters", env=QUIET_ENV)
        assert not stale.exists(), f"{stale} is still there"
        assert mine.exists(), "a file that names no pid is not libmongoc's: it must stay"
    finally:
        stale.unlink(missing_ok=True)
        mine.unlink(missing_ok=True)


@pytest.mark.parametrize("how", ["flag", "env"])
def test_json_log_has_an_access_line_per_request_with_its_id(server_factory, trades, how):
    server = json_log_server(server_factory, how)
    token = server.login("admin", server.admin_password)
    auth = {"Authorization": f"Bearer {token}"}
    p = unique("JL")
    sent = [  # (response, method, route)
        (requests.get(server.url("/healthz"), headers={"X-Request-Id": "health.check-1"}, timeout=10),
         "GET", "/healthz"),
        (requests.post(server.url("/v1/trades"), json=trades.new(p, trade_time=TRADE_TIME),
                       headers=dict(auth, **{"X-Request-Id": unique("sub.")}), timeout=30),
         "POST", "/v1/trades"),
        (requests.get(server.url(f"/v1/trades/{p}/nope"), headers=auth, timeout=10),
         "GET", "/v1/trades/{participant}/{trade_id}"),
        (requests.get(server.url("/nowhere"), timeout=10), "GET", "unmatched"),
    ]
    assert [r.status_code for r, _, _ in sent] == [200, 201, 404, 404]
    for r, method, route in sent:
        rid = request_id(r)
        lines = wait_until(lambda: access_lines(server, rid), 10, f"an access line for {rid}")
        assert len(lines) == 1, f"{len(lines)} access lines for {rid}: {lines}"
        line = lines[0]
        assert ACCESS_KEYS <= set(line), f"missing {ACCESS_KEYS - set(line)}: {line}"
        assert (line["method"], line["route"], line["status"]) == (method, route, r.status_code), line
        assert isinstance(line["duration_ms"], (int, float)) and line["duration_ms"] >= 0, line
        assert all(isinstance(line[k], str) and line[k] for k in ("ts", "level", "msg")), line
    server.stop()  # the stop's own lines are JSON too
    records = log_records(server)
    assert records, "tradeagg wrote nothing"
    not_json = [line for line, obj in records if obj is None]
    assert not not_json, f"{len(not_json)} lines are not JSON objects: {not_json[:5]}"
    missing = [obj for _, obj in records if not {"ts", "level", "msg"} <= set(obj)]
    assert not missing, f"lines without ts, level and msg: {missing[:5]}"
    # Access lines describe requests, never their credentials (the login sent the password,
    # the others the token).
    text = server.log_path.read_text(errors="replace")
    assert server.admin_password not in text and token not in text, "a credential is in the log"


# ------------------------------------------------------------------------------------------
# 4. Graceful shutdown under load
# ------------------------------------------------------------------------------------------

SHUTDOWN_BOUND = 30.0
CLIENT_TIMEOUT = 20   # a request still unanswered after this counts as hung
REFUSAL_GRACE = 0.5   # the server's own time to see the signal: later requests must be refused


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_stop_signal_under_load_loses_nothing_acknowledged(server_factory, sig):
    server = server_factory(f"graceful-{sig.name.lower()}", env=QUIET_ENV)
    admin = server.client("admin")
    participants = [unique("GS") for _ in range(4)]
    # Trade times all before the 17:30 cut-off; the server going or gone is knocked at every
    # 20 ms, so that requests keep arriving all through the shutdown.
    load = SubmitterLoad(server, admin.token, participants, seed=unique("graceful"),
                         sizes=(1, 1, 1, 2, 5, 10, 50), hours=(8, 16), client_timeout=CLIENT_TIMEOUT,
                         pause=0.02, bound=SHUTDOWN_BOUND + 60)
    load.start(8)
    try:
        wait_until(lambda: load.acked_trades() >= 1000, 30, "1000 trades acknowledged before the signal", 0.02)
        signalled = time.monotonic()
        server.proc.send_signal(sig)
        try:
            rc = server.proc.wait(SHUTDOWN_BOUND)
        except subprocess.TimeoutExpired:
            server.kill()
            pytest.fail(f"tradeagg did not exit within {SHUTDOWN_BOUND}s of {sig.name}")
        exited = time.monotonic()
        server.kill()  # already gone: this only collects its log
        time.sleep(REFUSAL_GRACE)  # requests to the closed port, refused
    finally:
        stuck = load.finish()
    assert not stuck, "a submitter is still waiting for an answer"
    records = load.records
    outcomes = Counter(r["status"] or r["error"] for r in records)
    print(f"{sig.name}: exit {rc} after {exited - signalled:.2f}s; {len(records)} requests {dict(outcomes)}")
    assert rc == 0, f"exit code {rc} after {sig.name}"

    hung = [r["detail"] for r in records if r.get("error") == "timeout"]
    assert not hung, f"{len(hung)} requests got no answer within {CLIENT_TIMEOUT}s: {hung[:3]}"
    broken = [r["detail"] for r in records if r.get("error") == "broken"]
    assert not broken, f"{len(broken)} answers cut off: {broken[:3]}"
    unexpected = [(r["status"], r["text"][:300]) for r in records if r["status"] not in (None, 201, 503)]
    assert not unexpected, f"answers other than 201 and 503: {unexpected[:5]}"
    for r in records:
        if r["status"] == 503:
            assert r["content_type"].startswith("application/problem+json"), r["content_type"]
            assert json.loads(r["text"])["type"].startswith(PROBLEM_BASE), r["text"]
    late = [round(r["started"] - signalled, 3) for r in records
            if r["status"] == 201 and r["started"] > signalled + REFUSAL_GRACE]
    assert not late, f"requests sent {late[:5]}s after the signal were accepted"

    acked, sent = {}, {}
    for r in records:
        for t in r["batch"]:
            sent[(t["participant"], t["trade_id"])] = t
        if r["status"] == 201:
            for t, item in zip(r["batch"], json.loads(r["text"])["trades"]):
                assert item["status"] == "accepted", item  # every id is new
                acked[(t["participant"], t["trade_id"])] = (t, item["seq"], item["business_date"])

    server.start()
    admin.relogin()
    # Every acknowledged trade, each once, none nobody sent, positions counting each once.
    stored = check_store(admin, participants, sent, acked)
    visible = {(t["participant"], t["trade_id"]) for t in stored}
    for r in records:  # what got no 201 was stored whole or not at all
        seen = [k in visible for k in keys_of(r["batch"])]
        assert all(seen) or not any(seen), f"a request ({r['status'] or r['error']}) is partly stored"
    print(f"{sig.name}: {len(acked)} trades acknowledged, {len(visible) - len(acked)} of the "
          f"{len(sent) - len(acked)} unacknowledged stored")
