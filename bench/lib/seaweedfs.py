"""SeaweedFS for the lake benchmarks: the system tests' own (tests/system/lake_backend.py: the same
binary, flags and credentials), started once per benchmark run, and buckets in it.

Usage (bench/lib/lake.sh wraps these):
  seaweedfs.py serve READY                 starts SeaweedFS, writes "<S3 port> <Iceberg REST port>"
                                           to the file READY (a fifo), stops it on SIGTERM/SIGINT
  seaweedfs.py bucket S3_PORT REST_PORT    a new S3 bucket; prints the lake's environment for
                                           tradeagg (lake_backend.server_env, `s3://<bucket>/warehouse`)
  seaweedfs.py table-bucket S3_PORT REST_PORT
                                           a new table bucket (a catalog of SeaweedFS's Iceberg REST
                                           catalog); prints the same with TRADEAGG_LAKE_CATALOG=rest
The environment is printed as KEY=VALUE lines, the bucket's name last (BENCH_BUCKET=...). A new
bucket has been written to once (and the object deleted), so that its first writer does not pay
for SeaweedFS growing volumes for it.

In Python: attach(s3_port, rest_port) is a handle on the running server (lake_backend.SeaweedFs
without starting one), for its client() and rest_catalog_properties(bucket).
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "system"))


def _lake_backend(catalog: str = "sql"):
    # lake_backend reads its backend and catalog from the environment when first imported.
    os.environ["TRADEAGG_SYSTEM_LAKE"] = "s3"
    os.environ["TRADEAGG_SYSTEM_CATALOG"] = catalog
    import lake_backend
    return lake_backend


def attach(s3_port: int, rest_port: int):
    """The SeaweedFS already serving on these ports (S3, Iceberg REST), as a lake_backend.SeaweedFs."""
    server = object.__new__(_lake_backend().SeaweedFs)
    server.s3, server.iceberg, server.proc = int(s3_port), int(rest_port), None
    return server


def main(argv: list[str]) -> None:
    command = argv[1]
    if command == "serve":
        lake_backend = _lake_backend()
        # A handler, not sigwait: SIGTERM is fatal to a process that has not blocked it, and a
        # blocked mask would be inherited by SeaweedFS. Either way it would outlive the benchmark.
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: sys.exit(0))
        try:
            server = lake_backend.server()
            with open(argv[2], "w") as ready:
                ready.write(f"{server.s3} {server.iceberg}\n")
            while True:
                signal.pause()
        finally:
            lake_backend.shutdown()
    if command not in ("bucket", "table-bucket"):
        raise SystemExit(__doc__)
    lake_backend = _lake_backend("rest" if command == "table-bucket" else "sql")
    lake_backend._server = attach(int(argv[2]), int(argv[3]))  # server_env's buckets go to this server
    data_dir = Path(f"/nonexistent/bench-{os.getpid()}")         # server_env keys its bucket by a data dir
    env = lake_backend.server_env(data_dir)
    bucket = lake_backend.bucket_for(data_dir)
    # The first write to a new bucket makes SeaweedFS grow volumes for it (0.2-1.2 s here): paid
    # now, not by whichever writer the benchmark runs first. A table bucket takes table keys only.
    warm = "warm/warm/data/warm.parquet" if command == "table-bucket" else lake_backend.object_key("warm")
    client = lake_backend.server().client()
    client.put_object(Bucket=bucket, Key=warm, Body=b"warm")
    client.delete_object(Bucket=bucket, Key=warm)
    for key, value in env.items():
        print(f"{key}={value}")
    print(f"BENCH_BUCKET={bucket}")


if __name__ == "__main__":
    main(sys.argv)
