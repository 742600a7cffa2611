"""Readers we did not write, pointed at a tradeagg data directory, and what they must find in
tradeagg.runs and on tagged snapshots.

  - pyiceberg_catalog / duckdb_iceberg: PyIceberg on the server's catalog and DuckDB with its
    iceberg extension (loaded from the venv, no download), as test_lake.py uses them.
  - expected_runs: an independent model of the tradeagg.runs columns derived from a run's
    fields (stale, latest), written from docs/architecture.md, not from the writer's code.
  - assert_runs_table_shows: PyIceberg's scan of tradeagg.runs (current or a snapshot) against it.
  - docs_sql: the SQL blocks of docs/architecture.md, so that the SQL readers are told to use is
    the SQL that is tested.

Used by test_lake_blocks.py on lakes written by build/tradeagg_lake_scenarios, and meant for
tests of the server once its aggregator publishes tradeagg.runs and tags eod snapshots: give
assert_runs_table_shows the runs as the API lists them (the fields named as the columns).
"""
from __future__ import annotations

from pathlib import Path

import duckdb

import lake_backend
from conftest import REPO_ROOT

DUCKDB_EXTENSIONS = str(Path(duckdb.__file__).parent.parent / "duckdb_ext" / "extensions")


def pyiceberg_catalog(data_dir: Path):
    """PyIceberg on a server's catalog (SQL or REST), reading its warehouse on this run's object store."""
    return lake_backend.pyiceberg_catalog(data_dir)


def duckdb_iceberg() -> duckdb.DuckDBPyConnection:
    """DuckDB with its iceberg extension (from PyPI), reading this run's object store."""
    con = duckdb.connect(config={"extension_directory": DUCKDB_EXTENSIONS, "autoinstall_known_extensions": False})
    con.execute("LOAD iceberg")
    lake_backend.duckdb_setup(con)
    return con


def expected_runs(runs: list[dict]) -> dict[int, dict]:
    """run_id -> the columns tradeagg.runs derives: `stale` (a succeeded eod run that misses late
    trades) and `latest` (the newest succeeded run of its kind for its business date: the
    greatest version, then run id), beside the run's own fields."""
    newest: dict[tuple, dict] = {}
    for run in runs:
        if run["status"] != "succeeded":
            continue
        key = (run["business_date"], run["kind"])
        if key not in newest or (newest[key]["version"], newest[key]["run_id"]) < (run["version"], run["run_id"]):
            newest[key] = run
    latest = {run["run_id"] for run in newest.values()}
    out = {}
    for run in runs:
        out[run["run_id"]] = {
            "run_id": run["run_id"],
            "business_date": run["business_date"],
            "kind": run["kind"],
            "version": run["version"],
            "status": run["status"],
            "missing_trades": run.get("missing_trades", 0),
            "stale": run["kind"] == "eod" and run["status"] == "succeeded" and run.get("missing_trades", 0) > 0,
            "latest": run["run_id"] in latest,
            "watermark": run["watermark"],
            "trades_tag": run.get("trades_tag") or None,
            "error": run.get("error") or None,
        }
    return out


def runs_table_rows(table, snapshot_id: int | None = None) -> dict[int, dict]:
    """run_id -> row, as PyIceberg reads tradeagg.runs (dates as ISO text)."""
    scan = table.scan(snapshot_id=snapshot_id) if snapshot_id is not None else table.scan()
    rows = {}
    for row in scan.to_arrow().to_pylist():
        row["business_date"] = row["business_date"].isoformat()
        assert row["run_id"] not in rows, f"run {row['run_id']} is in tradeagg.runs twice"
        rows[row["run_id"]] = row
    return rows


def assert_runs_table_shows(table, runs: list[dict], snapshot_id: int | None = None) -> None:
    rows = runs_table_rows(table, snapshot_id)
    want = expected_runs(runs)
    assert set(rows) == set(want), f"tradeagg.runs holds runs {sorted(rows)}, expected {sorted(want)}"
    for run_id, expected in want.items():
        got = {k: rows[run_id][k] for k in expected}
        assert got == expected, f"run {run_id}: tradeagg.runs has {got}, expected {expected}"


def docs_sql(marker: str, doc: str = "docs/architecture.md") -> str:
    """The ```sql block of `doc` whose first line is the comment `-- <marker>`."""
    text = (REPO_ROOT / doc).read_text()
    for block in text.split("```sql\n")[1:]:
        sql = block.split("```", 1)[0]
        if sql.startswith(f"-- {marker}\n"):
            return sql
    raise AssertionError(f"{doc} has no ```sql block starting with '-- {marker}'")
