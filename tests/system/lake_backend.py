"""The lake's object store the system suite runs against, chosen by TRADEAGG_SYSTEM_LAKE.

"local" (the default): every server's warehouse is its data directory's `warehouse`.
"s3": one SeaweedFS (S3 with SigV4; scripts/seaweedfs.sh builds it) for the session, on free
loopback ports, and a bucket of its own per server (`s3://<bucket>/warehouse`), kept across the
server's restarts. The lake suites run once per object store (scripts/test.sh), not copied;
what they read of the lake goes through the helpers here, so each reader (PyIceberg, DuckDB,
pyarrow, boto3) reads the backend's own way.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import child_process

BACKEND = os.environ.get("TRADEAGG_SYSTEM_LAKE", "local")
if BACKEND not in ("local", "s3"):
    raise RuntimeError(f"TRADEAGG_SYSTEM_LAKE must be local or s3, got {BACKEND!r}")
# The catalog: "sql" (the default: the data directory's SQLite file) or "rest" (SeaweedFS's own
# Iceberg REST catalog, a table bucket per server: each bucket is a catalog of its own, so the
# servers of a run never share tradeagg.trades). "rest" needs the S3 lake.
CATALOG = os.environ.get("TRADEAGG_SYSTEM_CATALOG", "sql")
if CATALOG not in ("sql", "rest") or (CATALOG == "rest" and BACKEND != "s3"):
    raise RuntimeError(f"TRADEAGG_SYSTEM_CATALOG must be sql, or rest with TRADEAGG_SYSTEM_LAKE=s3, got {CATALOG!r}")
# Where the warehouse starts in a server's bucket. A table bucket takes only the keys of its
# tables (<namespace>/<table>/...), so there the warehouse is the whole bucket.
BUCKET_PREFIX = "" if CATALOG == "rest" else "warehouse"

ACCESS_KEY = "TRADEAGGSYSTEMTEST01"
SECRET_KEY = "tradeagg+system/Secret+Key/0123456789"
REGION = "us-east-1"


def seaweedfs_binary() -> Path:
    return child_process.cached("TRADEAGG_SEAWEEDFS", "seaweedfs-v0.0.0-20261109003541-7506e5f91cd6", "bin", "weed")


def free_ports(n: int) -> list[int]:
    sockets, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


class SeaweedFs:
    """`weed mini` on temporary files: every port chosen (it opens eleven), telemetry off,
    buckets only by CreateBucket, SigV4 credentials from an identities file, and an environment
    without AWS_* (it would add those as one more identity)."""

    def __init__(self):
        binary = seaweedfs_binary()
        if not binary.is_file():
            raise RuntimeError(f"SeaweedFS not found at {binary}: run scripts/seaweedfs.sh")
        self.binary = binary
        self.dir = Path(tempfile.mkdtemp(prefix="tradeagg-seaweedfs-"))
        (self.dir / "store").mkdir()
        (self.dir / "glog").mkdir()
        (self.dir / "s3.json").write_text(json.dumps({"identities": [{
            "name": "tradeagg", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
        (self.master, self.master_grpc, self.volume, self.volume_grpc, self.filer, self.filer_grpc,
         self.s3, self.s3_grpc, self.iceberg, self.admin, self.admin_grpc) = free_ports(11)
        self.proc: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3}"

    def start(self, timeout: float = 60.0) -> "SeaweedFs":
        args = [str(self.binary), f"-logdir={self.dir / 'glog'}", "mini", f"-dir={self.dir / 'store'}",
                "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                f"-master.port={self.master}", f"-master.port.grpc={self.master_grpc}",
                f"-volume.port={self.volume}", f"-volume.port.grpc={self.volume_grpc}",
                f"-filer.port={self.filer}", f"-filer.port.grpc={self.filer_grpc}",
                f"-s3.port={self.s3}", f"-s3.port.grpc={self.s3_grpc}", f"-s3.port.iceberg={self.iceberg}",
                f"-admin.port={self.admin}", f"-admin.port.grpc={self.admin_grpc}",
                "-s3.port.lance=0", "-admin.port.legacy=0", "-webdav=false", "-admin.ui=false",
                "-master.telemetry=false", f"-s3.config={self.dir / 's3.json'}", "-s3.autoCreateBucket=false",
                "-master.volumeSizeLimitMB=64", "-volume.max=1000", "-volume.preStopSeconds=0"]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.dir), "TMPDIR": tempfile.gettempdir()}
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=open(self.dir / "weed.log", "a"),
                                     stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited with {self.proc.returncode}: "
                                   f"{(self.dir / 'weed.log').read_text()[-2000:]}")
            try:
                self.client().list_buckets()
                return self
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError("SeaweedFS did not serve S3 in time")
                time.sleep(0.2)

    def client(self, service: str = "s3"):
        """A boto3 client of the S3 port: "s3", or "s3tables" (S3 Tables, which SeaweedFS serves
        on the same port and tells apart by the service its requests are signed for)."""
        import boto3
        from botocore.config import Config
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY,
                            config=Config(retries={"max_attempts": 2}, connect_timeout=2, read_timeout=30))

    def create_table_bucket(self, name: str) -> str:
        """Creates the table bucket `name` (S3 Tables' CreateTableBucket) and returns its ARN.

        A table bucket is one catalog of the Iceberg REST catalog (its warehouse `s3://<name>/`
        and its prefix) and an S3 bucket too, which takes only what a table holds:
        `<namespace>/<table>/data/...` and flat `<namespace>/<table>/metadata/<file>`; any other key
        is refused with 403 AccessDenied. Its name may not be an S3 bucket's (409)."""
        return self.client("s3tables").create_table_bucket(name=name)["arn"]

    @property
    def iceberg_uri(self) -> str:
        """The Iceberg REST catalog: PyIceberg's `uri`, DuckDB's ATTACH ENDPOINT."""
        return f"http://127.0.0.1:{self.iceberg}"

    def file_io_properties(self) -> dict:
        """PyIceberg FileIO properties for reading and writing this server's objects."""
        return {"s3.endpoint": self.endpoint, "s3.access-key-id": ACCESS_KEY, "s3.secret-access-key": SECRET_KEY,
                "s3.region": REGION}

    def rest_catalog_properties(self, table_bucket: str) -> dict:
        """PyIceberg RestCatalog properties for the catalog of `table_bucket`.

        Requests are signed with SigV4 for the service "s3tables": for "s3" SeaweedFS takes the
        payload hash from x-amz-content-sha256 alone, which PyIceberg does not send with a body,
        so every POST would fail its signature check (403). The warehouse makes /v1/config answer
        the bucket as the prefix of every later path."""
        return {"uri": self.iceberg_uri, "warehouse": f"s3://{table_bucket}/", "rest.sigv4-enabled": "true",
                "rest.signing-name": "s3tables", "rest.signing-region": REGION, "client.access-key-id": ACCESS_KEY,
                "client.secret-access-key": SECRET_KEY, "client.region": REGION, **self.file_io_properties()}

    def java_file_io_properties(self) -> dict:
        """Iceberg Java's S3FileIO (in iceberg-aws-bundle) on this server, as catalog properties:
        Spark's, say. Path-style addressing: no bucket names in the endpoint's host."""
        return {"io-impl": "org.apache.iceberg.aws.s3.S3FileIO", "s3.endpoint": self.endpoint,
                "s3.path-style-access": "true", "s3.access-key-id": ACCESS_KEY, "s3.secret-access-key": SECRET_KEY,
                "client.region": REGION}

    def java_rest_catalog_properties(self, table_bucket: str) -> dict:
        """Iceberg Java's RESTCatalog on the catalog of `table_bucket`, reading through S3FileIO.

        It logs in with OAuth2's client credentials (`credential` is id:secret, POSTed to the
        catalog's /v1/oauth/tokens, which takes the S3 access key and secret) and sends the token
        it gets as a bearer token; the warehouse makes /v1/config answer the bucket's prefix."""
        return {"type": "rest", "uri": self.iceberg_uri, "warehouse": f"s3://{table_bucket}/",
                "credential": f"{ACCESS_KEY}:{SECRET_KEY}", **self.java_file_io_properties()}

    def stop(self) -> None:
        child_process.stop(self.proc)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


_server: SeaweedFs | None = None
_buckets: dict[Path, str] = {}


def server() -> SeaweedFs:
    global _server
    if _server is None:
        _server = SeaweedFs().start()
    return _server


def bucket_for(data_dir: Path, plain: bool = False) -> str:
    """The bucket of a server's lake: a table bucket with the REST catalog (unless `plain`)."""
    key = (Path(data_dir).resolve(), plain)
    if key not in _buckets:
        name = "t" + uuid.uuid4().hex[:20]
        if CATALOG == "rest" and not plain:
            server().create_table_bucket(name)
        else:
            server().client().create_bucket(Bucket=name)
        _buckets[key] = name
    return _buckets[key]


def object_key(key: str) -> str:
    """A key relative to the warehouse, as a key of the server's bucket."""
    return f"{BUCKET_PREFIX}/{key}" if BUCKET_PREFIX else key


def warehouse_uri(data_dir: Path) -> str:
    """The server's lake.warehouse, as the readers name it."""
    if BACKEND == "local":
        return f"file://{Path(data_dir).resolve()}/warehouse"
    return f"s3://{bucket_for(data_dir)}" + (f"/{BUCKET_PREFIX}" if BUCKET_PREFIX else "")


def server_env(data_dir: Path) -> dict:
    """The environment that puts a server's (or its CLI's) lake on this backend."""
    if BACKEND == "local":
        return {}
    env = {"TRADEAGG_LAKE_WAREHOUSE": warehouse_uri(data_dir), "TRADEAGG_S3_ENDPOINT": server().endpoint,
           "TRADEAGG_S3_REGION": REGION, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    if CATALOG == "rest":
        env.update({"TRADEAGG_LAKE_CATALOG": "rest", "TRADEAGG_LAKE_CATALOG_URI": server().iceberg_uri,
                    "TRADEAGG_LAKE_CATALOG_WAREHOUSE": f"s3://{bucket_for(data_dir)}/",
                    "TRADEAGG_LAKE_CATALOG_CREDENTIAL": f"{ACCESS_KEY}:{SECRET_KEY}"})
    return env


def pyiceberg_catalog(data_dir: Path):
    """PyIceberg on a server's catalog (its SQL catalog file, or its REST catalog), reading its
    warehouse on this run's object store."""
    data = Path(data_dir).resolve()
    if CATALOG == "rest":
        from pyiceberg.catalog.rest import RestCatalog
        return RestCatalog("tradeagg", **server().rest_catalog_properties(bucket_for(data)))
    from pyiceberg.catalog.sql import SqlCatalog
    return SqlCatalog("tradeagg", uri=f"sqlite:///{data}/catalog.db", warehouse=warehouse_uri(data),
                      **pyiceberg_properties())


def spark_catalog(data_dir: Path, catalog_db: Path) -> dict:
    """Iceberg's SparkCatalog on a server's lake, as its options (each one a
    `spark.sql.catalog.<name>.<key>`): Iceberg's JdbcCatalog on `catalog_db` (a copy of the
    server's catalog.db; JdbcCatalog keys its rows by catalog name, so the Spark catalog must be
    named tradeagg) or the server's REST catalog; on S3, the objects through S3FileIO."""
    if CATALOG == "rest":
        return server().java_rest_catalog_properties(bucket_for(data_dir))
    # A reader creates no catalog tables. Our iceberg_tables already has PyIceberg's iceberg_type
    # column, so JdbcCatalog takes it as its schema V1 and migrates nothing.
    options = {"catalog-impl": "org.apache.iceberg.jdbc.JdbcCatalog", "uri": f"jdbc:sqlite:{catalog_db}",
               "warehouse": warehouse_uri(data_dir), "jdbc.init-catalog-tables": "false"}
    return options | (server().java_file_io_properties() if BACKEND == "s3" else {})


def table_key(data_dir: Path, table: str = "trades") -> str:
    """Where a table of tradeagg's is, relative to the warehouse: where the SQL catalog puts it
    ("tradeagg.db/<table>"), or where the REST catalog chose (asked of it)."""
    if CATALOG == "sql":
        return f"tradeagg.db/{table}"
    location = pyiceberg_catalog(data_dir).load_table(f"tradeagg.{table}").location()
    return location[len(warehouse_uri(data_dir)) + 1:]


def pyiceberg_properties() -> dict:
    """PyIceberg FileIO properties for this backend's objects."""
    if BACKEND == "local":
        return {}
    return server().file_io_properties()


def reader_credentials() -> dict:
    """What a PyIceberg reader of tradeagg's Iceberg REST endpoint brings of its own: the object
    store's credentials only. Where the files are (endpoint, region, addressing) comes from the
    endpoint's GET /iceberg/v1/config."""
    if BACKEND == "local":
        return {}
    return {"s3.access-key-id": ACCESS_KEY, "s3.secret-access-key": SECRET_KEY}


def duckdb_setup(con) -> None:
    """Lets a DuckDB connection (extensions loaded by the caller) read this backend's objects."""
    if BACKEND == "local":
        return
    con.execute("LOAD httpfs")
    con.execute(f"""CREATE SECRET lake (TYPE s3, KEY_ID '{ACCESS_KEY}', SECRET '{SECRET_KEY}', REGION '{REGION}',
                    ENDPOINT '127.0.0.1:{server().s3}', URL_STYLE 'path', USE_SSL false)""")


def list_files(data_dir: Path, prefix: str, suffix: str = "") -> list[str]:
    """The URIs of the warehouse's objects under `prefix` (relative to the warehouse)."""
    if BACKEND == "local":
        root = Path(data_dir).resolve() / "warehouse"
        return sorted(f"file://{p}" for p in (root / prefix).rglob(f"*{suffix}") if p.is_file())
    bucket = bucket_for(data_dir)
    pages = server().client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=object_key(prefix))
    return sorted(f"s3://{bucket}/{o['Key']}" for page in pages for o in page.get("Contents", [])
                  if o["Key"].endswith(suffix))


def read_bytes(uri: str) -> bytes:
    if uri.startswith("file://"):
        return Path(uri[len("file://"):]).read_bytes()
    bucket, key = uri[len("s3://"):].split("/", 1)
    return server().client().get_object(Bucket=bucket, Key=key)["Body"].read()


def shutdown() -> None:
    if _server is not None:
        _server.close()


def write_object(data_dir: Path, key: str, data: bytes) -> None:
    """Writes an object into the warehouse behind the server's back (a stray file, say)."""
    if BACKEND == "local":
        path = Path(data_dir) / "warehouse" / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    server().client().put_object(Bucket=bucket_for(data_dir), Key=object_key(key), Body=data)


def object_exists(data_dir: Path, key: str) -> bool:
    if BACKEND == "local":
        return (Path(data_dir) / "warehouse" / key).exists()
    listed = server().client().list_objects_v2(Bucket=bucket_for(data_dir), Prefix=object_key(key))
    return any(o["Key"] == object_key(key) for o in listed.get("Contents", []))
