"""What only the S3 lake has (the rest of the lake suites run on it too: lake_backend.py): what
boto3 sees of the warehouse, an S3 server that goes away under load and comes back, and a
bucket or credentials that cannot be used at start. Run with TRADEAGG_SYSTEM_LAKE=s3."""
import json

import pytest

import lake_backend
from conftest import TradeFactory, start_fails
from test_lake import assert_lake_equals_store, ride_out_outage_under_load, wait_for_lake

pytestmark = pytest.mark.skipif(lake_backend.BACKEND != "s3", reason="S3 lake only (scripts/test.sh runs it so)")

LAKE_ENV = {"TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "200"}


def test_boto3_sees_the_warehouse_as_iceberg_lays_it_out(server_factory):
    server = server_factory("s3-layout", env=LAKE_ENV)
    admin = server.client("admin")
    assert admin.submit(TradeFactory("s3l").many(20, participant="S3L")).status_code == 201
    lake = wait_for_lake(admin)
    bucket = lake_backend.bucket_for(server.data_dir)
    s3 = lake_backend.server().client()
    table = lake_backend.object_key(lake_backend.table_key(server.data_dir))  # as the catalog placed it
    namespace = table.rsplit("/", 1)[0] + "/"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert all(k.startswith(namespace) for k in keys), keys
    assert any(k.startswith(f"{table}/data/business_date=") and k.endswith(".parquet") for k in keys)
    hint = s3.get_object(Bucket=bucket, Key=f"{table}/metadata/version-hint.text")["Body"].read().decode()
    current = json.loads(s3.get_object(Bucket=bucket, Key=f"{table}/metadata/{hint}.metadata.json")["Body"].read())
    assert current["location"] == f"s3://{bucket}/{table}"
    assert int(current["current-snapshot-id"]) == lake["snapshot"]["snapshot_id"]


def test_an_s3_outage_under_load_loses_nothing_and_the_lake_catches_up(server_factory):
    server = server_factory("s3-outage", env=LAKE_ENV)
    admin = server.client("admin")
    s3 = lake_backend.server()
    # With SeaweedFS's REST catalog the catalog is down too, and fails first.
    ride_out_outage_under_load(server, TradeFactory("s3o"), stop=s3.stop, start=s3.start,
                               errors_counted=("tradeagg_object_store_errors_total", "tradeagg_catalog_errors_total"))
    assert_lake_equals_store(server, admin)


def test_a_missing_bucket_stops_the_start(server_factory):
    server = server_factory("s3-no-bucket", start=False,
                            env={"TRADEAGG_LAKE_WAREHOUSE": "s3://no-such-bucket-for-tradeagg/warehouse"})
    line = start_fails(server, "lake.warehouse")
    assert "bucket 'no-such-bucket-for-tradeagg' does not exist" in line, line


def test_refused_credentials_stop_the_start_and_are_never_shown(server_factory):
    server = server_factory("s3-bad-secret", start=False, env={"AWS_SECRET_ACCESS_KEY": "wrong-s3-secret-value"})
    line = start_fails(server, "lake.warehouse")
    assert "SignatureDoesNotMatch" in line or "AccessDenied" in line or "403" in line, line
    assert "wrong-s3-secret-value" not in server.log_path.read_text(errors="replace")


def test_duckdb_reads_in_place_and_from_local_copies_give_the_same_exposures_digit_for_digit(server_factory):
    """lake.s3.duckdb_reads: in place (httpfs, the default) and from local copies are two ways
    to read the same bytes; an eod run must come out the same to the last digit either way."""
    from test_exposures import ENV, RATES, assert_reconciled, exposures, load_workload, run_to_end
    server = server_factory("s3-reads", env={**ENV, "TRADEAGG_S3_DUCKDB_READS": "in_place"})
    admin = server.client("admin")
    load_workload(admin, TradeFactory("s3reads"), 12)
    date = sorted(RATES)[1]
    in_place = run_to_end(admin, {"business_date": date, "kind": "eod"})
    assert_reconciled(in_place)
    server.stop()
    server.env["TRADEAGG_S3_DUCKDB_READS"] = "local_copies"
    server.start()
    admin = admin.relogin()
    copies = run_to_end(admin, {"business_date": date, "kind": "eod"})
    assert_reconciled(copies)
    assert copies["version"] == in_place["version"] + 1
    assert any((server.data_dir / "lake-copies").rglob("*.parquet")), "the second run read no local copies"
    for level in ("instrument", "counterparty", "participant", "reporting"):
        a = exposures(admin, run=in_place["run_id"], level=level)["exposures"]
        b = exposures(admin, run=copies["run_id"], level=level)["exposures"]
        assert a and a == b, level
