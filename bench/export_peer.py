"""PyIceberg's path for the export benchmark: the same trades, read from tradeagg's store into
Arrow, appended with PyIceberg's table.append to a table of the same schema and partitioning in
a SqlCatalog of its own. Prints one JSON line with the timings.

Usage: export_peer.py STORE_DB WORK_DIR MAX_SEQ   (the trades with seq <= MAX_SEQ, as tradeagg exported)
"""
import datetime as dt
import json
import sqlite3
import sys
import time
from decimal import Decimal

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import DateType, DecimalType, LongType, NestedField, StringType, TimestamptzType

store_db, work, max_seq = sys.argv[1], sys.argv[2], int(sys.argv[3])

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

t0 = time.perf_counter()
con = sqlite3.connect(f"file:{store_db}?mode=ro", uri=True)
rows = con.execute("SELECT trade_id, participant, counterparty, instrument, side, quantity, price, notional, "
                   "currency, trade_time, received_at, business_date, seq FROM trades WHERE seq <= ? ORDER BY seq",
                   (max_seq,)).fetchall()
epoch = dt.date(1970, 1, 1)
utc = dt.timezone.utc
cols = list(zip(*rows))
table = pa.Table.from_arrays([
    pa.array(cols[0]), pa.array(cols[1]), pa.array(cols[2]), pa.array(cols[3]),
    pa.array(["BUY" if s == 0 else "SELL" for s in cols[4]]), pa.array(cols[5], pa.int64()),
    pa.array([Decimal(p) for p in cols[6]], pa.decimal128(18, 8)),
    pa.array([Decimal(n) for n in cols[7]], pa.decimal128(38, 8)),
    pa.array(cols[8]), pa.array(cols[9], pa.int64()).cast(pa.timestamp("us", "UTC")),
    pa.array(cols[10], pa.int64()).cast(pa.timestamp("us", "UTC")),
    pa.array(cols[11], pa.int32()).cast(pa.date32()), pa.array(cols[12], pa.int64()),
], schema=ARROW)
t1 = time.perf_counter()

catalog = SqlCatalog("peer", uri=f"sqlite:///{work}/peer-catalog.db", warehouse=f"file://{work}/peer-warehouse")
catalog.create_namespace("tradeagg")
iceberg_table = catalog.create_table("tradeagg.trades", schema=SCHEMA, partition_spec=SPEC)
t2 = time.perf_counter()
iceberg_table.append(table)
t3 = time.perf_counter()
print(json.dumps({"trades": table.num_rows, "read_s": t1 - t0, "append_s": t3 - t2}))
