"""The Iceberg lake, checked by readers we did not write: PyIceberg, DuckDB's iceberg extension
and pyarrow. Every trade the store holds must be in tradeagg.trades exactly once, with the same
exact values, also after the server is killed at any step of an export."""
import datetime as dt
import threading
import time
from decimal import Decimal
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lake_backend
import store_backend
from conftest import parse_ts
from lake_readers import duckdb_iceberg, pyiceberg_catalog
from prometheus_metrics import scrape

LAKE_ENV = {"TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "200"}
DATES = ["2026-11-20T10:00:00Z", "2026-11-23T09:15:00.5Z", "2026-11-23T18:00:00Z"]  # Fri, Mon, Mon late


def wait_for_lake(admin, timeout=30.0) -> dict:
    """Waits until the exporter has caught up with the store; returns /v1/lake."""
    deadline = time.monotonic() + timeout
    while True:
        r = admin.get("/v1/lake")
        assert r.status_code == 200, r.text
        body = r.json()
        if body["lag_trades"] == 0 and body["store_last_seq"] > 0:
            return body
        assert time.monotonic() < deadline, f"lake still lags: {body}"
        time.sleep(0.1)


def catalog(server):
    return pyiceberg_catalog(server.data_dir)


def data_files(server) -> set[str]:
    return set(lake_backend.list_files(server.data_dir, lake_backend.table_key(server.data_dir) + "/data/", ".parquet"))


def store_rows(admin) -> dict:
    return {(t["participant"], t["trade_id"]): t for t in admin.list_trades()}


def lake_rows(server, reader=None) -> list[dict]:
    """tradeagg.trades as PyIceberg reads it through `reader` (a catalog; default the server's)."""
    return (reader or catalog(server)).load_table("tradeagg.trades").scan().to_arrow().to_pylist()


def ride_out_outage_under_load(server, trades, stop, start, errors_counted: tuple[str, ...], timeout=30.0):
    """Submits trades without pause while a dependency of the lake is down (`stop()` .. `start()`):
    ingestion must go on (every answer 201), the exporter must report the error while it lags
    and count it in /metrics (in one of `errors_counted`), and once the dependency is back the
    lake must catch up with no error left."""
    admin = server.client("admin")
    assert admin.submit(trades.many(30, participant="OUT0")).status_code == 201
    wait_for_lake(admin)
    answers, done = [], threading.Event()

    def load():
        client, i = server.client("admin"), 0
        while not done.is_set():
            answers.append(client.submit(trades.many(5, participant=f"OUT{1 + i % 3}")).status_code)
            i += 1
            time.sleep(0.02)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    try:
        time.sleep(0.5)
        errors_before = sum(scrape(server).value(name) for name in errors_counted)
        stop()
        deadline = time.monotonic() + timeout
        while True:  # the exporter fails, says so, and ingestion goes on
            status = admin.get("/v1/lake").json()
            if status["last_error"] and status["lag_trades"] > 0:
                break
            assert time.monotonic() < deadline, f"no export error reported during the outage: {status}"
            time.sleep(0.2)
        errors_after = sum(scrape(server).value(name) for name in errors_counted)
        assert errors_after > errors_before, f"the outage's failures are not in {errors_counted}"
        answered_during = len(answers)
        time.sleep(1.0)
        assert len(answers) > answered_during, "ingestion stopped while the lake's dependency was down"
    finally:
        start()
        done.set()
        worker.join(30)
    assert set(answers) == {201}, f"ingestion answered {sorted(set(answers))} during the outage"
    status = wait_for_lake(admin, timeout=90)
    assert status["last_error"] is None


def assert_lake_equals_store(server, admin, reader=None):
    stored = store_rows(admin)
    rows = lake_rows(server, reader)
    keys = [(r["participant"], r["trade_id"]) for r in rows]
    assert len(keys) == len(set(keys)), "a trade is in the lake twice"
    assert set(keys) == set(stored), "lake and store hold different trades"
    for r in rows:
        s = stored[(r["participant"], r["trade_id"])]
        assert r["seq"] == s["seq"]
        assert r["price"] == Decimal(s["price"]) and r["notional"] == Decimal(s["notional"])
        assert r["quantity"] == s["quantity"] and r["side"] == s["side"]
        assert r["counterparty"] == s["counterparty"] and r["instrument"] == s["instrument"]
        assert r["currency"] == s["currency"]
        assert r["trade_time"] == parse_ts(s["trade_time"]) and r["received_at"] == parse_ts(s["received_at"])
        assert r["business_date"].isoformat() == s["business_date"]


@pytest.fixture(scope="module")
def lake_server(server_factory):
    return server_factory("lake", env=LAKE_ENV, fault_injection=True)


@pytest.fixture(scope="module")
def loaded(lake_server, trades_module):
    admin = lake_server.client("admin")
    sent = []
    for i, when in enumerate(DATES):
        batch = trades_module.many(40, participant=f"LAKE{i}", trade_time=when)
        batch[0]["price"] = "0.00000001"
        batch[1]["price"] = "9999999999.99999999"
        batch[1]["quantity"] = 1
        r = admin.submit(batch)
        assert r.status_code == 201, r.text
        sent += batch
    wait_for_lake(admin)
    return admin, sent


@pytest.fixture(scope="module")
def trades_module():
    from conftest import TradeFactory
    return TradeFactory("lake")


def test_pyiceberg_reads_exactly_the_store(lake_server, loaded):
    admin, _ = loaded
    assert_lake_equals_store(lake_server, admin)
    table = catalog(lake_server).load_table("tradeagg.trades")
    assert [f.name for f in table.schema().fields][:3] == ["trade_id", "participant", "counterparty"]
    assert str(table.schema().find_field("notional").field_type) == "decimal(38, 8)"
    assert table.spec().fields[0].name == "business_date"
    summary = table.current_snapshot().summary
    assert int(summary["tradeagg.watermark"]) == admin.get("/v1/lake").json()["watermark"]
    assert int(summary["total-records"]) == len(store_rows(admin))


def test_a_date_filter_plans_only_that_dates_files(lake_server, loaded):
    table = catalog(lake_server).load_table("tradeagg.trades")
    all_files = list(table.scan().plan_files())
    monday = list(table.scan(row_filter="business_date == '2026-11-23'").plan_files())
    assert len(monday) >= 1 and len(monday) < len(all_files)
    assert all("business_date=2026-11-23" in task.file.file_path for task in monday)
    monday_days = (dt.date(2026, 11, 23) - dt.date(1970, 1, 1)).days  # PyIceberg keeps dates as days
    assert all(task.file.partition[0] == monday_days for task in monday)


def test_duckdb_iceberg_scan_agrees(lake_server, loaded):
    admin, _ = loaded
    table = catalog(lake_server).load_table("tradeagg.trades")
    con = duckdb_iceberg()
    count, notional = con.execute(
        f"SELECT count(*), sum(notional) FROM iceberg_scan('{table.metadata_location}')").fetchone()
    stored = store_rows(admin)
    assert count == len(stored)
    assert notional == sum(Decimal(t["notional"]) for t in stored.values())
    # The table directory alone is readable too (version-hint.text).
    directory = table.location()
    assert con.execute(f"SELECT count(*) FROM iceberg_scan('{directory}')").fetchone()[0] == count


def test_every_parquet_file_carries_field_ids(lake_server, loaded):
    files = data_files(lake_server)
    assert files
    want = {"trade_id": 1, "participant": 2, "counterparty": 3, "instrument": 4, "side": 5, "quantity": 6,
            "price": 7, "notional": 8, "currency": 9, "trade_time": 10, "received_at": 11, "business_date": 12,
            "seq": 13}
    for path in files:
        schema = pq.read_schema(pa.BufferReader(lake_backend.read_bytes(path)))
        got = {f.name: int(f.metadata[b"PARQUET:field_id"]) for f in schema}
        assert got == want, path


@pytest.mark.parametrize("point", ["lake.export.after_data_files", "lake.export.before_commit",
                                   "lake.export.after_commit"])
def test_crash_during_export_loses_and_duplicates_nothing(server_factory, trades_module, point):
    server = server_factory("lake-crash", env=LAKE_ENV, fault_injection=True)
    admin = server.client("admin")
    assert admin.submit(trades_module.many(30, participant="CRASH0")).status_code == 201
    wait_for_lake(admin)
    r = admin.post("/v1/admin/faults", json={"point": point, "count": 1})
    assert r.status_code == 204
    assert admin.submit(trades_module.many(50, participant="CRASH1")).status_code == 201
    deadline = time.monotonic() + 20
    while server.running:  # the exporter reaches the armed point and the process dies
        assert time.monotonic() < deadline, "the server did not crash at " + point
        time.sleep(0.05)
    server.start()
    admin = admin.relogin()
    wait_for_lake(admin)
    assert_lake_equals_store(server, admin)
    # Nothing left behind: every data file in the warehouse is one the table refers to.
    table = catalog(server).load_table("tradeagg.trades")
    referenced = {task.file.file_path for task in table.scan().plan_files()}
    assert data_files(server) == referenced


def test_only_the_server_sweeps_orphans(server_factory, trades_module):
    """The CLI may run beside a server, whose export in flight looks like an orphan: it must not
    delete anything. The server sweeps at its own start, before it exports."""
    import subprocess
    from conftest import binary_path
    server = server_factory("lake-sweep", env=LAKE_ENV)
    admin = server.client("admin")
    assert admin.submit(trades_module.many(10, participant="SWEEP")).status_code == 201
    wait_for_lake(admin)
    server.stop()
    stray = lake_backend.table_key(server.data_dir) + "/data/business_date=2026-11-23/stray.parquet"
    lake_backend.write_object(server.data_dir, stray, b"not referenced by any snapshot")
    for command in ("status", "snapshots", "export"):
        done = subprocess.run([str(binary_path()), "lake", command, "--data-dir", str(server.data_dir)],
                              capture_output=True, text=True, timeout=60,
                              env=store_backend.cli_env(server.data_dir))
        assert done.returncode == 0, done.stderr
        assert lake_backend.object_exists(server.data_dir, stray), \
            f"`tradeagg lake {command}` removed a file it does not own"
    server.start()
    assert not lake_backend.object_exists(server.data_dir, stray)


def test_many_exports_are_merged_and_read_back_by_pyiceberg_and_duckdb(server_factory, trades_module):
    """Past 100 manifests the exporter merges them (entries carried over as EXISTING with their
    own sequence numbers and snapshot ids); readers we did not write must still see every trade
    exactly once, and the manifest list must stay short."""
    server = server_factory("lake-merge", env={"TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "1"})
    admin = server.client("admin")
    for i in range(115):
        assert admin.submit(trades_module.many(2, participant=f"MERGE{i % 3}")).status_code == 201
        wait_for_lake(admin)
    exports = admin.get("/v1/lake").json()["snapshots_committed"]
    assert exports >= 101, f"only {exports} exports; the merge threshold is 100 manifests"
    assert_lake_equals_store(server, admin)

    table = catalog(server).load_table("tradeagg.trades")
    manifests = table.current_snapshot().manifests(table.io)
    assert len(manifests) < 100
    assert any(m.existing_files_count > 0 for m in manifests), "no manifest was merged"
    assert "manifests-replaced" in {k for s in table.snapshots() for k in s.summary.additional_properties}

    stored = store_rows(admin)
    con = duckdb_iceberg()
    count, distinct = con.execute(
        f"SELECT count(*), count(DISTINCT seq) FROM iceberg_scan('{table.metadata_location}')").fetchone()
    assert count == distinct == len(stored)
