#!/usr/bin/env python3
"""Writes the Iceberg golden files of tests/unit/lake/iceberg/ with PyIceberg, an Iceberg
implementation we did not write, and describes their content with fastavro, an Avro reader
we did not write either.

It creates tradeagg.trades (the real schema and partition spec) through a SqlCatalog in a
temporary directory, appends twice, and copies:
  manifest.avro       the manifest of the first append (two data files, two business dates)
  manifest-list.avro  the manifest list of the second snapshot (two manifests)
  expected.json       what fastavro reads in both, bytes as hex
PyIceberg writes them with its default Avro codec, deflate. Snapshot ids, uuids and the
temporary paths differ on every run; the tests compare against expected.json, not constants.

Run from anywhere with the project's venv (versions pinned in tests/requirements.txt):
    .venv/bin/python tests/data/iceberg/generate_golden.py
"""
import datetime
import decimal
import json
import pathlib
import shutil
import tempfile

import fastavro
import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import DateType, DecimalType, LongType, NestedField, StringType, TimestamptzType

HERE = pathlib.Path(__file__).resolve().parent

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


def trades(first_seq: int, dates: list[datetime.date]) -> pa.Table:
    n = len(dates)
    utc = datetime.timezone.utc
    rows = {
        "trade_id": [f"T-{first_seq + i}" for i in range(n)],
        "participant": ["ALPHA" if i % 2 == 0 else "BETA" for i in range(n)],
        "counterparty": ["GAMMA"] * n,
        "instrument": ["DE0001102580"] * n,
        "side": ["BUY" if i % 2 == 0 else "SELL" for i in range(n)],
        "quantity": [100 * (i + 1) for i in range(n)],
        "price": [decimal.Decimal("101.25000000") + i for i in range(n)],
        "notional": [decimal.Decimal("10125.00000000") * (i + 1) for i in range(n)],
        "currency": ["EUR"] * n,
        "trade_time": [datetime.datetime.combine(d, datetime.time(9, 30), utc) for d in dates],
        "received_at": [datetime.datetime.combine(d, datetime.time(9, 30, 1), utc) for d in dates],
        "business_date": dates,
        "seq": [first_seq + i for i in range(n)],
    }
    return pa.table(rows, schema=SCHEMA.as_arrow())


def hexed(value):
    """fastavro's records, made JSON-friendly: bytes as hex, dates as days since the epoch."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, datetime.date):
        return (value - datetime.date(1970, 1, 1)).days
    if isinstance(value, dict):
        return {k: hexed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [hexed(v) for v in value]
    return value


def describe(path: pathlib.Path) -> dict:
    with open(path, "rb") as fh:
        reader = fastavro.reader(fh)
        metadata = {k: v for k, v in reader.metadata.items() if k != "avro.schema"}
        return {"metadata": metadata, "records": [hexed(r) for r in reader]}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        catalog = SqlCatalog("tradeagg", uri=f"sqlite:///{tmp}/catalog.db", warehouse=f"file://{tmp}/warehouse")
        catalog.create_namespace("tradeagg")
        table = catalog.create_table("tradeagg.trades", schema=SCHEMA, partition_spec=SPEC)
        day1, day2 = datetime.date(2024, 1, 2), datetime.date(2024, 1, 3)
        table.append(trades(1, [day1, day1, day2]))
        table.append(trades(4, [day2]))
        table = catalog.load_table("tradeagg.trades")

        first, second = table.snapshots()
        first_manifests = first.manifests(table.io)
        assert len(first_manifests) == 1
        copies = {
            "manifest.avro": first_manifests[0].manifest_path,
            "manifest-list.avro": second.manifest_list,
        }
        expected = {}
        for name, location in copies.items():
            shutil.copyfile(location.removeprefix("file://"), HERE / name)
            expected[name] = describe(HERE / name)
            print(f"wrote {name}: {(HERE / name).stat().st_size} bytes")
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print("wrote expected.json")


if __name__ == "__main__":
    main()
