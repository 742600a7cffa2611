#!/usr/bin/env python3
"""Regenerates the PyIceberg-written table metadata golden files in this directory.

Creates a SqlCatalog named "tradeagg" (SQLite) in a temporary directory, the namespace
"tradeagg" and the table "tradeagg.trades" with tradeagg's schema and partition spec, appends
two small batches (the second with a custom summary property), and copies the first and the
last metadata.json here. The temporary directory is replaced by "/warehouse" in the copies, so
the files hold no machine-specific paths. See README.md.
"""

import datetime as dt
import decimal
import json
import pathlib
import shutil
import tempfile

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import (
    DateType,
    DecimalType,
    LongType,
    NestedField,
    StringType,
    TimestamptzType,
)

HERE = pathlib.Path(__file__).resolve().parent
PLACEHOLDER = "/warehouse"

SCHEMA = Schema(
    NestedField(1, "trade_id", StringType(), required=True),
    NestedField(2, "participant", StringType(), required=True),
    NestedField(3, "counterparty", StringType(), required=True),
    NestedField(4, "instrument", StringType(), required=True),
    NestedField(5, "side", StringType(), required=True),
    NestedField(6, "quantity", LongType(), required=True),
    NestedField(7, "price", DecimalType(18, 8), required=True),
    NestedField(8, "notional", DecimalType(38, 8), required=True),
    NestedField(9, "currency", StringType(), required=True),
    NestedField(10, "trade_time", TimestamptzType(), required=True),
    NestedField(11, "received_at", TimestamptzType(), required=True),
    NestedField(12, "business_date", DateType(), required=True),
    NestedField(13, "seq", LongType(), required=True),
)
SPEC = PartitionSpec(PartitionField(source_id=12, field_id=1000, transform=IdentityTransform(), name="business_date"))


def batch(first_seq: int, dates: list[dt.date]) -> pa.Table:
    utc = dt.timezone.utc
    rows = []
    for i, day in enumerate(dates):
        seq = first_seq + i
        time = dt.datetime(day.year, day.month, day.day, 9, 30, seq % 60, tzinfo=utc)
        price = decimal.Decimal("101.25000000")
        rows.append(
            {
                "trade_id": f"T{seq}",
                "participant": "MEMBER1",
                "counterparty": "MEMBER2",
                "instrument": "US0378331005",
                "side": "BUY" if seq % 2 else "SELL",
                "quantity": 100 * seq,
                "price": price,
                "notional": price * 100 * seq,
                "currency": "USD",
                "trade_time": time,
                "received_at": time,
                "business_date": day,
                "seq": seq,
            }
        )
    return pa.Table.from_pylist(rows, schema=SCHEMA.as_arrow())


def copy_without_tmp(source: str, tmp: str, target: pathlib.Path) -> None:
    text = pathlib.Path(source.removeprefix("file://")).read_text()
    text = text.replace(tmp, PLACEHOLDER)
    # Pretty-printed so reviews can read diffs; key order is PyIceberg's.
    target.write_text(json.dumps(json.loads(text), indent=2) + "\n")


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="tradeagg-golden-")
    try:
        catalog = SqlCatalog("tradeagg", uri=f"sqlite:///{tmp}/catalog.db", warehouse=f"file://{tmp}")
        catalog.create_namespace("tradeagg")
        table = catalog.create_table(
            "tradeagg.trades", schema=SCHEMA, partition_spec=SPEC, properties={"created-by": "pyiceberg golden"}
        )
        copy_without_tmp(table.metadata_location, tmp, HERE / "pyiceberg_created.metadata.json")

        d1, d2 = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
        table.append(batch(1, [d1, d1, d2]))
        table.append(batch(4, [d2, d2]), snapshot_properties={"tradeagg.watermark": "5"})
        copy_without_tmp(table.metadata_location, tmp, HERE / "pyiceberg_two_appends.metadata.json")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
