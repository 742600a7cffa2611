"""PyIceberg's side of bench/lake_rest.sh: tradeagg's stored trades read into Arrow
(bench/lib/trades_arrow.py, as bench/export_peer.py reads them) and appended with PyIceberg's
table.append to `<namespace>.trades` (tradeagg's schema and partitioning) in SeaweedFS's Iceberg
REST catalog of a table bucket, its files on SeaweedFS's S3: the same server and catalog
tradeagg exports to. Prints one JSON line.

Usage:
  lake_rest_peer.py append STORE_DB MAX_SEQ BATCH S3_PORT REST_PORT BUCKET NAMESPACE
      the trades with seq <= MAX_SEQ, read and appended BATCH at a time (one snapshot each; 0: all
      at once) -> {"trades", "appends", "read_s", "append_s", "create_s"}
  lake_rest_peer.py commits STORE_DB COUNT TRADES S3_PORT REST_PORT BUCKET NAMESPACE
      COUNT appends of TRADES trades each (read beforehand) -> {"appends": [[start, end], ...]}
      (epoch seconds of each table.append, to match with a proxy's log)
"""
import json
import sys
import time
from pathlib import Path

from pyiceberg.catalog.rest import RestCatalog

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))
import seaweedfs  # noqa: E402
from trades_arrow import SCHEMA, SPEC, read_trades  # noqa: E402

mode, store_db = sys.argv[1], sys.argv[2]
first, second = int(sys.argv[3]), int(sys.argv[4])
s3_port, rest_port, bucket, namespace = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7], sys.argv[8]

t0 = time.perf_counter()
catalog = RestCatalog("peer", **seaweedfs.attach(s3_port, rest_port).rest_catalog_properties(bucket))
catalog.create_namespace_if_not_exists(namespace)
table = catalog.create_table(f"{namespace}.trades", schema=SCHEMA, partition_spec=SPEC)
create_s = time.perf_counter() - t0

if mode == "append":
    max_seq, batch = first, second
    read_s = append_s = 0.0
    trades = appends = 0
    batches = read_trades(store_db, max_seq, batch)
    while True:
        t1 = time.perf_counter()
        arrow = next(batches, None)
        t2 = time.perf_counter()
        read_s += t2 - t1
        if arrow is None:
            break
        table.append(arrow)
        append_s += time.perf_counter() - t2
        trades += arrow.num_rows
        appends += 1
    print(json.dumps({"trades": trades, "appends": appends, "read_s": read_s, "append_s": append_s, "create_s": create_s}))
elif mode == "commits":
    count, size = first, second
    arrows = list(read_trades(store_db, count * size, size))
    windows = []
    for arrow in arrows:
        start = time.time()
        table.append(arrow)
        windows.append([start, time.time()])
    print(json.dumps({"appends": windows, "trades": size}))
else:
    raise SystemExit(__doc__)
