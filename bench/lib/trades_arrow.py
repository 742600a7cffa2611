"""The PyIceberg peers' side of the lake benchmarks: tradeagg's trades table (schema and
partitioning, as lake/iceberg/trades_table.cc defines it) for PyIceberg, and tradeagg's stored
trades read from its SQLite store into Arrow tables of that schema, the way a Python exporter
would read them (bench/export_peer.py, bench/lake_rest_peer.py).
"""
from __future__ import annotations

import sqlite3
from decimal import Decimal
from typing import Iterator

import pyarrow as pa
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import DateType, DecimalType, LongType, NestedField, StringType, TimestamptzType

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
ARROW = pa.schema([
    pa.field("trade_id", pa.string(), False), pa.field("participant", pa.string(), False),
    pa.field("counterparty", pa.string(), False), pa.field("instrument", pa.string(), False),
    pa.field("side", pa.string(), False), pa.field("quantity", pa.int64(), False),
    pa.field("price", pa.decimal128(18, 8), False), pa.field("notional", pa.decimal128(38, 8), False),
    pa.field("currency", pa.string(), False), pa.field("trade_time", pa.timestamp("us", "UTC"), False),
    pa.field("received_at", pa.timestamp("us", "UTC"), False), pa.field("business_date", pa.date32(), False),
    pa.field("seq", pa.int64(), False),
])
QUERY = ("SELECT trade_id, participant, counterparty, instrument, side, quantity, price, notional, currency, "
         "trade_time, received_at, business_date, seq FROM trades WHERE seq > ? AND seq <= ? ORDER BY seq")


def to_arrow(rows: list[tuple]) -> pa.Table:
    """Store rows (QUERY's columns) as an Arrow table of ARROW's schema."""
    cols = list(zip(*rows))
    return pa.Table.from_arrays([
        pa.array(cols[0]), pa.array(cols[1]), pa.array(cols[2]), pa.array(cols[3]),
        pa.array(["BUY" if s == 0 else "SELL" for s in cols[4]]), pa.array(cols[5], pa.int64()),
        pa.array([Decimal(p) for p in cols[6]], pa.decimal128(18, 8)),
        pa.array([Decimal(n) for n in cols[7]], pa.decimal128(38, 8)),
        pa.array(cols[8]), pa.array(cols[9], pa.int64()).cast(pa.timestamp("us", "UTC")),
        pa.array(cols[10], pa.int64()).cast(pa.timestamp("us", "UTC")),
        pa.array(cols[11], pa.int32()).cast(pa.date32()), pa.array(cols[12], pa.int64()),
    ], schema=ARROW)


def read_trades(store_db: str, max_seq: int, batch: int = 0, after_seq: int = 0) -> Iterator[pa.Table]:
    """The stored trades with after_seq < seq <= max_seq, in seq order, as Arrow tables of `batch`
    trades each (0: one table of them all)."""
    con = sqlite3.connect(f"file:{store_db}?mode=ro", uri=True)
    try:
        cursor = con.execute(QUERY, (after_seq, max_seq))
        while rows := (cursor.fetchmany(batch) if batch else cursor.fetchall()):
            yield to_arrow(rows)
            if not batch:
                return
    finally:
        con.close()
