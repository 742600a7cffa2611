"""Reads tradeagg.trades with Apache Spark and its Iceberg runtime; prints what it saw as JSON.

Run by test_spark.py in its own process, so that the JVM Spark starts dies with it:
    python spark_lake.py CATALOG_OPTIONS_JSON BUSINESS_DATE JAR...
Spark gets nothing but the catalog and the jars: CATALOG_OPTIONS_JSON holds the options of the
Iceberg catalog named tradeagg (lake_backend.spark_catalog: JdbcCatalog on a copy of the SQLite
catalog, or the REST catalog; HadoopFileIO on local files, S3FileIO on S3). It finds the
metadata, manifests and data files the way any Iceberg reader would.
"""
import json
import sys

from pyspark.sql import SparkSession


def text(value):
    """A decimal as exact text; None (null: not at this level, or unknown) stays None."""
    return None if value is None else str(value)


def main() -> None:
    catalog, date, *jars = sys.argv[1:]
    cat = "spark.sql.catalog.tradeagg"
    builder = (
        SparkSession.builder.master("local[2]").appName("tradeagg-lake-check")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "1g")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.jars", ",".join(jars))
        .config(cat, "org.apache.iceberg.spark.SparkCatalog")
    )
    for key, value in json.loads(catalog).items():
        builder = builder.config(f"{cat}.{key}", value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    table = "tradeagg.tradeagg.trades"
    per_participant = spark.sql(f"""
        SELECT participant, count(*) AS n, sum(quantity) AS quantity, sum(notional) AS notional
        FROM {table} GROUP BY participant""").collect()
    on_date = spark.sql(f"""
        SELECT participant, trade_id, input_file_name() AS file FROM {table}
        WHERE business_date = DATE '{date}'""").collect()
    exposures = "tradeagg.tradeagg.exposures"
    exposure_rows = spark.sql(f"""
        SELECT run_id, level, participant, coalesce(instrument, counterparty, '') AS key, currency,
               buy_quantity, sell_quantity, net_notional, gross_notional, trade_count, buy_trades, sell_trades,
               direction
        FROM {exposures} WHERE business_date = DATE '{date}'""").collect()
    out = {
        "iceberg_version": spark.sparkContext._jvm.org.apache.iceberg.IcebergBuild.version(),
        "spark_version": spark.version,
        "types": {f.name: f.dataType.simpleString() for f in spark.table(table).schema.fields},
        "total": spark.sql(f"SELECT count(*) FROM {table}").collect()[0][0],
        "dates": sorted(str(r[0]) for r in spark.sql(f"SELECT DISTINCT business_date FROM {table}").collect()),
        # Decimals come back as Python Decimals, exact; str() keeps them so through JSON.
        "participants": {r.participant: {"count": r.n, "quantity": r.quantity, "notional": str(r.notional)}
                         for r in per_participant},
        "on_date": [[r.participant, r.trade_id] for r in on_date],
        "on_date_files": sorted({r.file for r in on_date}),
        "exposure_types": {f.name: f.dataType.simpleString() for f in spark.table(exposures).schema.fields},
        # Decimals as text, exact; the row's key fields first.
        "exposures": [[r.run_id, r.level, r.participant, r.key, r.currency, text(r.buy_quantity), text(r.sell_quantity),
                       text(r.net_notional), text(r.gross_notional), r.trade_count, r.buy_trades, r.sell_trades,
                       r.direction]
                      for r in exposure_rows],
    }
    spark.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
