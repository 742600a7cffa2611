"""The lake, read by Apache Spark with the Iceberg runtime (pyspark from PyPI, the runtime jar, the
SQLite JDBC driver and Iceberg's AWS bundle from Maven Central, fetched by scripts/setup.sh): it
must find tradeagg.trades through our catalog by itself and agree with the store, to the last
decimal. On each lake backend (lake_backend.py): the SQL catalog (JdbcCatalog) on local files or
on S3, or SeaweedFS's REST catalog on S3; on S3 Spark reads the objects through S3FileIO."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

import lake_backend
from conftest import REPO_ROOT, TradeFactory
from test_lake import LAKE_ENV, wait_for_lake

SPARK_JARS = REPO_ROOT / ".deps" / "spark-jars"
HELPER = Path(__file__).with_name("spark_lake.py")
PARTICIPANTS = ["SPARKA", "SPARKB", "SPARKC", "SPARKD"]
# Friday, Monday, and Monday after the 17:30 London cutoff (so Tuesday): three business dates.
DATES = ["2026-11-20T10:00:00Z", "2026-11-23T09:15:00.5Z", "2026-11-23T18:00:00Z"]
FILTER_DATE = "2026-11-23"


def java_home() -> str:
    """Spark 3.5 runs on Java 8, 11 and 17; a newer JDK as the default would fail deep in Spark."""
    java = Path(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else shutil.which("java")
    if java is None:
        pytest.fail("no java on PATH: run scripts/setup.sh", pytrace=False)
    java = Path(java).resolve()
    out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60).stderr
    major = re.search(r'version "(?:1\.)?(\d+)', out)
    if not major or major.group(1) not in ("8", "11", "17"):
        pytest.fail(f"Spark 3.5 needs Java 8, 11 or 17; {java} says: {out.strip()}", pytrace=False)
    return str(java.parents[1])


def spark_jars() -> list[str]:
    """The jars this backend's Spark needs: JdbcCatalog's SQLite driver for the SQL catalog, the
    AWS SDK (iceberg-aws-bundle) for S3FileIO on S3."""
    wanted = ["iceberg-spark-runtime-3.5_2.12-"]
    wanted += ["sqlite-jdbc-"] if lake_backend.CATALOG == "sql" else []
    wanted += ["iceberg-aws-bundle-"] if lake_backend.BACKEND == "s3" else []
    jars = {w: sorted(str(p) for p in SPARK_JARS.glob(f"{w}*.jar")) for w in wanted}
    missing = [w for w, found in jars.items() if len(found) != 1]
    if missing:
        pytest.fail(f"Spark jars {missing} missing (or more than one) in {SPARK_JARS}: run scripts/setup.sh",
                    pytrace=False)
    return [found[0] for found in jars.values()]


def lake_files(data: Path) -> list:
    """Every file of the warehouse (and, on local files, every directory)."""
    if lake_backend.BACKEND == "local":
        return sorted(str(p) for p in (data / "warehouse").rglob("*"))
    return lake_backend.list_files(data, "")


def catalog_state(data: Path, db: Path) -> list:
    """The SQL catalog's schema and rows (in the copy `db`), or each REST catalog table's metadata."""
    if lake_backend.CATALOG == "rest":
        catalog = lake_backend.pyiceberg_catalog(data)
        return [(name, catalog.load_table(name).metadata_location)
                for ns in catalog.list_namespaces() for name in catalog.list_tables(ns)]
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return (con.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
                + con.execute("SELECT * FROM iceberg_tables ORDER BY 1, 2, 3").fetchall())
    finally:
        con.close()


@pytest.fixture(scope="module")
def spark_server(server_factory):
    return server_factory("spark", env=LAKE_ENV)


@pytest.fixture(scope="module")
def stored(spark_server) -> list[dict]:
    """Trades of several participants on three business dates, committed over several snapshots."""
    admin = spark_server.client("admin")
    trades = TradeFactory("spark")
    for when in DATES:
        for i, participant in enumerate(PARTICIPANTS):
            batch = trades.many(15 + 7 * i, participant=participant, trade_time=when)
            batch[0]["price"] = "0.00000001"
            batch[1].update(price="9999999999.99999999", quantity=1)
            r = admin.submit(batch)
            assert r.status_code == 201, r.text
        wait_for_lake(admin)
    # An eod run of the filtered date, so that tradeagg.exposures has rows for Spark to read.
    r = admin.post("/v1/aggregations", json={"business_date": FILTER_DATE, "kind": "eod"})
    assert r.status_code == 202, r.text
    run_id = r.json()["run_id"]
    for _ in range(600):
        run = admin.get(f"/v1/aggregations/{run_id}").json()
        if run["status"] in ("succeeded", "failed") and (run["status"] == "failed" or run["exposures_snapshot_id"]):
            break
        time.sleep(0.05)
    assert run["status"] == "succeeded" and run["exposures_snapshot_id"], run
    return admin.list_trades()


@pytest.fixture(scope="module")
def spark(spark_server, stored, tmp_path_factory) -> dict:
    """One Spark session for the module: what it read, and catalog and warehouse before and after.

    The server is stopped first, so that nothing moves under Spark and a changed warehouse (or
    catalog) can only be Spark's doing. With the SQL catalog Spark gets a copy of catalog.db all
    the same (SQLite's backup API, so the WAL is in it): no reader's JDBC pool should hold locks on
    the catalog the exporter uses. The REST catalog is SeaweedFS's, which Spark shares."""
    jars = spark_jars()
    spark_server.stop()
    data = spark_server.data_dir.resolve()
    copy = tmp_path_factory.mktemp("spark-catalog") / "catalog.db"
    if lake_backend.CATALOG == "sql":
        src, dst = sqlite3.connect(f"file:{data / 'catalog.db'}?mode=ro", uri=True), sqlite3.connect(copy)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
    before = catalog_state(data, copy), lake_files(data)
    env = dict(os.environ, JAVA_HOME=java_home(), SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable)
    env.pop("SPARK_HOME", None)  # the pyspark package's own Spark, not one that happens to be around
    catalog = json.dumps(lake_backend.spark_catalog(data, copy))
    done = subprocess.run([sys.executable, str(HELPER), catalog, FILTER_DATE, *jars],
                          capture_output=True, text=True, timeout=600, env=env, stdin=subprocess.DEVNULL)
    # The JVM's stack frames left out: the messages of the exception and its causes are what tells.
    said = "\n".join(line for line in done.stderr.splitlines() if not line.lstrip().startswith("at "))
    assert done.returncode == 0, f"Spark failed ({done.returncode}):\n{said[-6000:]}"
    return {"read": json.loads(done.stdout.strip().splitlines()[-1]), "before": before,
            "after": (catalog_state(data, copy), lake_files(data))}


def test_spark_finds_the_table_with_its_types(spark):
    read = spark["read"]
    assert read["spark_version"].startswith("3.5.")
    types = read["types"]  # as docs/architecture.md gives them, in Spark's names
    assert types["price"] == "decimal(18,8)" and types["notional"] == "decimal(38,8)"
    assert types["quantity"] == "bigint" and types["business_date"] == "date"
    assert types["trade_time"] == "timestamp"  # Spark's name for Iceberg's timestamptz
    # A reader: JdbcCatalog must not migrate the catalog PyIceberg and we share, nor Spark write
    # anything into the warehouse.
    assert spark["after"] == spark["before"]


def test_spark_agrees_on_counts_and_sums_per_participant(spark, stored):
    want = defaultdict(lambda: {"count": 0, "quantity": 0, "notional": Decimal(0)})
    for t in stored:
        w = want[t["participant"]]
        w["count"] += 1
        w["quantity"] += t["quantity"]
        w["notional"] += Decimal(t["notional"])
    read = spark["read"]
    assert read["total"] == len(stored)
    got = {p: {"count": v["count"], "quantity": v["quantity"], "notional": Decimal(v["notional"])}
           for p, v in read["participants"].items()}
    assert got == dict(want)
    assert set(got) == set(PARTICIPANTS)
    assert read["dates"] == sorted({t["business_date"] for t in stored})
    assert len(read["dates"]) == 3


def test_spark_date_filter_returns_exactly_that_dates_rows(spark_server, spark, stored):
    read = spark["read"]
    want = {(t["participant"], t["trade_id"]) for t in stored if t["business_date"] == FILTER_DATE}
    got = [tuple(k) for k in read["on_date"]]
    assert want and len(got) == len(set(got))
    assert set(got) == want
    assert read["on_date_files"] and all(f"/business_date={FILTER_DATE}/" in f for f in read["on_date_files"])
    # Read from this backend's warehouse (s3://<bucket>/... through S3FileIO on S3).
    warehouse = lake_backend.warehouse_uri(spark_server.data_dir).replace("file://", "file:")
    assert all(f.replace("file://", "file:").startswith(warehouse + "/") for f in read["on_date_files"]), \
        (warehouse, read["on_date_files"][:3])


def test_spark_reads_the_exposures_table_as_the_api_serves_it(spark_server, spark):
    """tradeagg.exposures has optional columns, an int and decimal(38, 0): Spark must read it too."""
    types = spark["read"]["exposure_types"]
    assert types["version"] == "int" and types["buy_quantity"] == "decimal(38,0)"
    assert types["instrument"] == "string" and types["computed_at"] == "timestamp"
    rows = spark["read"]["exposures"]
    assert rows
    spark_server.start()
    admin = spark_server.client("admin")
    for level in ("instrument", "counterparty", "participant", "reporting"):
        body = admin.get("/v1/exposures", params={"business_date": FILTER_DATE, "level": level}).json()
        run_id = body["run"]["run_id"]
        key = {"instrument": "instrument", "counterparty": "counterparty"}.get(level)
        # Quantities are in instrument rows only (null in the lake, absent in the API elsewhere).
        api = {(r["participant"], r[key] if key else "", r["currency"]):
               (str(r["buy_quantity"]) if "buy_quantity" in r else None,
                str(r["sell_quantity"]) if "sell_quantity" in r else None, r["net_notional"], r["gross_notional"],
                r["trade_count"], r["buy_trades"], r["sell_trades"], r["direction"]) for r in body["exposures"]}
        lake = {(p, k, c): rest for rid, lv, p, k, c, *rest in rows if rid == run_id and lv == level}
        assert api, level
        assert set(lake) == set(api), level
        for k, (bq, sq, nn, gn, n, bt, st, d) in lake.items():
            abq, asq, ann, agn, an, abt, ast, ad = api[k]
            assert (bq, sq, n, bt, st, d) == (abq, asq, an, abt, ast, ad), (level, k)
            assert (bq is None) == (level != "instrument"), (level, k)
            for ours, theirs in ((nn, ann), (gn, agn)):  # null when an FX rate is missing
                assert (ours is None and theirs is None) or Decimal(ours) == Decimal(theirs), (level, k)
