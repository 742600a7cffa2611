"""PyIceberg's path for the export benchmark: the same trades, read from tradeagg's store into
Arrow, appended with PyIceberg's table.append to a table of the same schema and partitioning in
a SqlCatalog of its own. Prints one JSON line with the timings.

Usage: export_peer.py STORE_DB WORK_DIR MAX_SEQ   (the trades with seq <= MAX_SEQ, as tradeagg exported)
"""
import json
import sys
import time
from pathlib import Path

from pyiceberg.catalog.sql import SqlCatalog

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
from trades_arrow import SCHEMA, SPEC, read_trades  # noqa: E402

store_db, work, max_seq = sys.argv[1], sys.argv[2], int(sys.argv[3])

t0 = time.perf_counter()
table = next(read_trades(store_db, max_seq))
t1 = time.perf_counter()

catalog = SqlCatalog("peer", uri=f"sqlite:///{work}/peer-catalog.db", warehouse=f"file://{work}/peer-warehouse")
catalog.create_namespace("tradeagg")
iceberg_table = catalog.create_table("tradeagg.trades", schema=SCHEMA, partition_spec=SPEC)
t2 = time.perf_counter()
iceberg_table.append(table)
t3 = time.perf_counter()
print(json.dumps({"trades": table.num_rows, "read_s": t1 - t0, "append_s": t3 - t2}))
