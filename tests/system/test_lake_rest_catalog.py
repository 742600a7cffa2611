"""What only the lake behind an Iceberg REST catalog has (the lake suites run on it too:
lake_backend.py, TRADEAGG_SYSTEM_CATALOG=rest): a commit the catalog applied but answered 500,
a catalog service that goes away under load and comes back, DuckDB attaching to the catalog,
and a catalog that cannot be used at start. The catalogs are real: SeaweedFS's (the run's) and
Apache Iceberg's REST fixture (Java), started here; a proxy only spoils answers."""
import pytest
from pyiceberg.catalog.rest import RestCatalog

import lake_backend
from conftest import TradeFactory, start_fails
from fault_proxy import FaultProxy
from lake_readers import duckdb_iceberg
from rest_catalog_backend import IcebergRestFixture
from test_lake import assert_lake_equals_store, catalog, ride_out_outage_under_load, store_rows, wait_for_lake

pytestmark = pytest.mark.skipif(lake_backend.CATALOG != "rest", reason="REST catalog only (scripts/test.sh runs it so)")

LAKE_ENV = {"TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "200"}


def test_a_commit_answered_500_after_it_applied_is_not_committed_twice(server_factory):
    proxy = FaultProxy(lake_backend.server().iceberg_uri)
    try:
        server = server_factory("rest-500", env={**LAKE_ENV, "TRADEAGG_LAKE_CATALOG_URI": proxy.uri})
        admin = server.client("admin")
        trades = TradeFactory("r500")
        assert admin.submit(trades.many(20, participant="R500A")).status_code == 201
        wait_for_lake(admin)
        before = len(catalog(server).load_table("tradeagg.trades").snapshots())
        proxy.fail_after_forwarding("POST", "/tables/trades", 500, times=2)
        assert admin.submit(trades.many(30, participant="R500B")).status_code == 201
        wait_for_lake(admin, timeout=60)
        assert proxy.spoiled >= 1, "no commit went through the proxy"
        assert_lake_equals_store(server, admin)  # every trade once: the applied commit was not sent again
        table = catalog(server).load_table("tradeagg.trades")
        watermarks = [int(s.summary["tradeagg.watermark"]) for s in table.snapshots()[before:]]
        assert watermarks == sorted(set(watermarks)), f"a watermark was committed twice: {watermarks}"
        log = server.log_path.read_text(errors="replace")
        assert "commit outcome unknown" in log and "committed" in log, "the exporter did not settle the 500 by reading"
    finally:
        proxy.close()


def test_a_rest_catalog_outage_under_load_loses_nothing_and_the_lake_catches_up(server_factory):
    fixture = IcebergRestFixture().start()
    try:
        server = server_factory("rest-outage", env={
            **LAKE_ENV, "TRADEAGG_LAKE_WAREHOUSE": fixture.warehouse, "TRADEAGG_LAKE_CATALOG_URI": fixture.uri,
            "TRADEAGG_LAKE_CATALOG_WAREHOUSE": None, "TRADEAGG_LAKE_CATALOG_CREDENTIAL": None})
        ride_out_outage_under_load(server, TradeFactory("rout"), stop=fixture.stop, start=fixture.start,
                                   errors_counted=("tradeagg_catalog_errors_total",))
        reader = RestCatalog("fixture", **fixture.pyiceberg_properties())
        assert_lake_equals_store(server, server.client("admin"), reader)
    finally:
        fixture.close()


def test_duckdb_attaches_to_the_rest_catalog_and_reads_the_trades(server_factory):
    server = server_factory("rest-duckdb", env=LAKE_ENV)
    admin = server.client("admin")
    assert admin.submit(TradeFactory("rduck").many(25, participant="RDUCK")).status_code == 201
    wait_for_lake(admin)
    s3 = lake_backend.server()
    bucket = lake_backend.bucket_for(server.data_dir)
    con = duckdb_iceberg()  # with the S3 secret of the run's object store
    con.execute(f"""CREATE SECRET catalog (TYPE iceberg, CLIENT_ID '{lake_backend.ACCESS_KEY}',
                    CLIENT_SECRET '{lake_backend.SECRET_KEY}', OAUTH2_SERVER_URI '{s3.iceberg_uri}/v1/oauth/tokens')""")
    con.execute(f"ATTACH '{bucket}' AS lake (TYPE iceberg, ENDPOINT '{s3.iceberg_uri}', SECRET catalog)")
    count, notional = con.execute("SELECT count(*), sum(notional) FROM lake.tradeagg.trades").fetchone()
    stored = store_rows(admin)
    assert count == len(stored)
    from decimal import Decimal
    assert notional == sum(Decimal(t["notional"]) for t in stored.values())


def test_refused_catalog_credentials_stop_the_start_and_are_never_shown(server_factory):
    server = server_factory("rest-bad-credential", start=False,
                            env={"TRADEAGG_LAKE_CATALOG_CREDENTIAL": f"{lake_backend.ACCESS_KEY}:wrong-catalog-secret"})
    line = start_fails(server, "lake.catalog_uri")
    assert "401" in line or "403" in line, line
    assert "wrong-catalog-secret" not in server.log_path.read_text(errors="replace")


def test_a_catalog_that_does_not_answer_stops_the_start(server_factory):
    port = lake_backend.free_ports(1)[0]
    server = server_factory("rest-down", start=False, env={"TRADEAGG_LAKE_CATALOG_URI": f"http://127.0.0.1:{port}"})
    line = start_fails(server, "lake.catalog_uri")
    assert "Couldn't connect" in line or "refused" in line.lower(), line
