"""Snapshot tags, overwrite snapshots and tradeagg.runs, read by PyIceberg and DuckDB's iceberg
extension. The lakes are written by build/tradeagg_lake_scenarios (the real writers, driven
directly: the server does not use these building blocks yet), one scenario per data directory."""
import json
import subprocess
from pathlib import Path

import pytest
from pyiceberg.table.refs import SnapshotRefType

from conftest import binary_path
from lake_readers import (assert_runs_table_shows, docs_sql, duckdb_iceberg, pyiceberg_catalog,
                          runs_table_rows)

WEEK_MS = 7 * 86_400_000
RUNS_FIELD_IDS = list(range(201, 221))


def records(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


@pytest.fixture(scope="session")
def scenarios_bin() -> Path:
    path = binary_path().parent / "tradeagg_lake_scenarios"
    if not path.is_file():
        pytest.fail(f"{path} not found; build the tradeagg_lake_scenarios target", pytrace=False)
    return path


@pytest.fixture(scope="module")
def scenario(scenarios_bin, tmp_path_factory):
    """scenario(name) -> (data dir, what the tool wrote); each scenario written once."""
    written = {}

    def run(name: str):
        if name not in written:
            data = tmp_path_factory.mktemp(name) / "data"
            done = subprocess.run([str(scenarios_bin), name, str(data)], capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, f"{name}: {done.stderr}"
            written[name] = (data, json.loads(done.stdout))
        return written[name]

    return run


def test_pyiceberg_sees_the_tag_and_reads_the_tagged_snapshot_after_newer_exports_and_expiry(scenario):
    data, info = scenario("tag")
    table = pyiceberg_catalog(data).load_table(info["table"])
    tag = table.refs()[info["tag"]]
    assert tag.snapshot_ref_type == SnapshotRefType.TAG
    assert tag.snapshot_id == info["tagged_snapshot_id"]
    assert tag.max_ref_age_ms == WEEK_MS
    assert table.refs()["main"].snapshot_id == info["current_snapshot_id"]
    assert table.snapshot_by_name(info["tag"]).snapshot_id == info["tagged_snapshot_id"]
    # The untagged older snapshot expired; the tagged one, older still, did not.
    assert table.snapshot_by_id(info["expired_snapshot_id"]) is None
    assert {s.snapshot_id for s in table.snapshots()} == {info["tagged_snapshot_id"], info["current_snapshot_id"]}

    tagged = table.scan(snapshot_id=info["tagged_snapshot_id"]).to_arrow()
    assert sorted(tagged.column("seq").to_pylist()) == list(range(1, info["tagged_trades"] + 1))
    assert table.scan().to_arrow().num_rows == info["current_trades"]


def test_duckdb_reads_the_tagged_snapshot(scenario):
    data, info = scenario("tag")
    metadata = pyiceberg_catalog(data).load_table(info["table"]).metadata_location
    con = duckdb_iceberg()
    count = f"SELECT count(*) FROM iceberg_scan('{metadata}'"
    assert con.execute(count + f", snapshot_from_id = {info['tagged_snapshot_id']})").fetchone()[0] == info["tagged_trades"]
    assert con.execute(count + ")").fetchone()[0] == info["current_trades"]


def test_the_runs_table_shows_only_the_last_published_list(scenario):
    data, info = scenario("runs")
    table = pyiceberg_catalog(data).load_table(info["table"])
    assert [f.field_id for f in table.schema().fields] == RUNS_FIELD_IDS
    assert table.spec().is_unpartitioned()
    assert_runs_table_shows(table, info["second_runs"])

    current = table.current_snapshot()
    assert current.snapshot_id == info["second_snapshot_id"]
    assert current.parent_snapshot_id == info["first_snapshot_id"]
    assert current.summary.operation.value == "overwrite"
    assert current.summary["deleted-records"] == str(len(info["first_runs"]))
    assert current.summary["total-records"] == str(len(info["second_runs"]))
    # PyIceberg's own reading of the manifest: the new file ADDED, the first publish's DELETED by
    # this snapshot with the sequence numbers of the snapshot that added it.
    entries = sorted((e["status"], e["snapshot_id"], e["sequence_number"], e["file_sequence_number"],
                      e["data_file"]["record_count"]) for e in table.inspect.entries().to_pylist())
    second, first = info["second_snapshot_id"], len(info["first_runs"])
    assert entries == [(1, second, 2, 2, len(info["second_runs"])), (2, second, 1, 1, first)]
    # Time travel to the first publish reads the first list.
    assert_runs_table_shows(table, info["first_runs"], snapshot_id=info["first_snapshot_id"])


def test_the_second_publish_changed_a_status_and_a_stale_flag(scenario):
    data, info = scenario("runs")
    table = pyiceberg_catalog(data).load_table(info["table"])
    before = runs_table_rows(table, info["first_snapshot_id"])
    after = runs_table_rows(table)
    assert (before[1]["stale"], after[1]["stale"]) == (False, True)
    assert (before[4]["status"], after[4]["status"]) == ("running", "succeeded")
    assert after[1]["latest"], "a stale eod run stays the latest until its re-run succeeds"
    assert after[2]["error"] == "the store commit failed" and after[3]["error"] is None
    assert after[1]["trades_tag"] == "eod-2026-11-23-v1" and after[3]["trades_tag"] is None


def test_duckdb_iceberg_scan_agrees_on_both_states(scenario):
    data, info = scenario("runs")
    metadata = pyiceberg_catalog(data).load_table(info["table"]).metadata_location
    con = duckdb_iceberg()
    now = con.execute(f"SELECT run_id, status, stale FROM iceberg_scan('{metadata}') ORDER BY run_id").fetchall()
    assert [r[0] for r in now] == [r["run_id"] for r in info["second_runs"]]
    assert (now[0][2], now[3][1]) == (True, "succeeded")
    first = con.execute(f"SELECT run_id, status, stale FROM iceberg_scan('{metadata}', "
                        f"snapshot_from_id = {info['first_snapshot_id']}) ORDER BY run_id").fetchall()
    assert [r[0] for r in first] == [r["run_id"] for r in info["first_runs"]]
    assert (first[0][2], first[3][1]) == (False, "running")


def test_the_documented_join_keeps_only_succeeded_runs_that_are_not_stale(scenario):
    data, info = scenario("runs")
    catalog = pyiceberg_catalog(data)
    con = duckdb_iceberg()
    for name in ("exposures", "runs"):
        location = catalog.load_table(f"tradeagg.{name}").metadata_location
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM iceberg_scan('{location}')")
    all_rows = {r[0] for r in con.execute("SELECT DISTINCT run_id FROM exposures").fetchall()}
    assert all_rows == {1, 2, 3, 4, 6}, "the exposures table holds every run's rows"

    # (Only some columns are fetched: DuckDB hands timestamptz to Python through pytz.)
    trusted = records(con.execute(f"SELECT run_id, participant FROM ({docs_sql('trusted exposures')})"))
    assert {r["run_id"] for r in trusted} == {3, 4, 6}, "not run 1 (stale) nor run 2 (failed)"
    assert len(trusted) == 6, "two rows per run, none twice"
    current = records(con.execute(f"SELECT run_id, participant FROM ({docs_sql('current exposures')})"))
    assert {r["run_id"] for r in current} == {4, 6}, "the latest intraday and eod runs of Tuesday"

    # The same selection with PyIceberg and plain Python.
    runs = runs_table_rows(catalog.load_table("tradeagg.runs"))
    good = {i for i, r in runs.items() if r["status"] == "succeeded" and not r["stale"]}
    exposures = catalog.load_table("tradeagg.exposures").scan().to_arrow().to_pylist()
    assert {e["run_id"] for e in exposures if e["run_id"] in good} == {3, 4, 6}


def test_an_empty_publish_is_an_empty_table_and_time_travel_still_reads_the_list(scenario):
    data, info = scenario("runs-empty")
    table = pyiceberg_catalog(data).load_table(info["table"])
    assert table.current_snapshot().snapshot_id == info["empty_snapshot_id"]
    assert table.scan().to_arrow().num_rows == 0
    assert table.current_snapshot().summary["total-records"] == "0"
    assert_runs_table_shows(table, info["first_runs"], snapshot_id=info["first_snapshot_id"])
    con = duckdb_iceberg()
    assert con.execute(f"SELECT count(*) FROM iceberg_scan('{table.metadata_location}')").fetchone()[0] == 0
