"""Apache Iceberg's REST catalog test fixture as a real server for the system tests.

The fixture (org.apache.iceberg.rest.RESTCatalogServer from iceberg-open-api's test fixtures;
scripts/iceberg_rest_fixture.sh installs its jars) is a JdbcCatalog behind the REST protocol. Here
it keeps its catalog in a SQLite file of its own and its tables on the session's SeaweedFS
(lake_backend.server()), in a bucket of its own: `s3://<bucket>/warehouse`. It writes the
metadata files itself, so it gets the S3 credentials too.

It listens on all interfaces and has no authentication, so it runs only inside tests: on a free
port chosen here, for as long as the test keeps it. stop() and a later start() bring it back on
the same port with the same SQLite file and bucket, as a restarted catalog service would come back.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import requests

import child_process
import lake_backend

VERSION = "1.10.0"  # the one scripts/iceberg_rest_fixture.sh installs
START_TIMEOUT = 90.0  # it starts in about 2 s; a loaded machine running the unit tests beside it is slower


def fixture_lib() -> Path:
    """The directory of the fixture's jars: $TRADEAGG_ICEBERG_REST_FIXTURE, else the cache's."""
    return child_process.cached("TRADEAGG_ICEBERG_REST_FIXTURE", f"iceberg-rest-fixture-{VERSION}", "lib")


class IcebergRestFixture:
    def __init__(self):
        lib = fixture_lib()
        if not lib.is_dir():
            raise RuntimeError(f"Iceberg's REST catalog fixture not found at {lib}: run scripts/iceberg_rest_fixture.sh")
        self.lib = lib
        self.dir = Path(tempfile.mkdtemp(prefix="tradeagg-iceberg-rest-"))
        self.port = lake_backend.free_ports(1)[0]
        self.s3 = lake_backend.server()
        self.bucket = lake_backend.bucket_for(self.dir, plain=True)
        self.proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def warehouse(self) -> str:
        return f"s3://{self.bucket}/warehouse"

    def pyiceberg_properties(self) -> dict:
        """PyIceberg RestCatalog properties for this catalog and its tables' objects."""
        return {"uri": self.uri, **self.s3.file_io_properties()}

    def start(self, timeout: float = START_TIMEOUT) -> "IcebergRestFixture":
        # Its own session: stop() ends the whole process group.
        self.proc = subprocess.Popen(
            ["java", "-Xmx512m", "-cp", f"{self.lib}/*", "org.apache.iceberg.rest.RESTCatalogServer"],
            stdin=subprocess.DEVNULL, stdout=open(self.dir / "rest-fixture.log", "a"), stderr=subprocess.STDOUT,
            env=self._environment(), cwd=self.dir, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Iceberg REST fixture exited with {self.proc.returncode}: {self.log_tail()}")
            if self._answers_config():
                return self
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the Iceberg REST fixture did not answer /v1/config in {timeout} s: "
                                   f"{self.log_tail()}")
            time.sleep(0.1)

    def _environment(self) -> dict:
        """The fixture reads its catalog properties from CATALOG_* (after the prefix `__` is '-',
        `_` is '.', lowercased) and the AWS SDK its credentials from AWS_*. The credentials are not
        catalog properties because the fixture logs those at start. HOME is its own directory, so
        no ~/.aws of the user's applies."""
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.dir), "TMPDIR": tempfile.gettempdir(),
            "CATALOG_REST_PORT": str(self.port),
            "CATALOG_URI": f"jdbc:sqlite:{self.dir / 'catalog.db'}",
            "CATALOG_WAREHOUSE": self.warehouse,
            "CATALOG_IO__IMPL": "org.apache.iceberg.aws.s3.S3FileIO",
            "CATALOG_S3_ENDPOINT": self.s3.endpoint,
            "CATALOG_S3_PATH__STYLE__ACCESS": "true",
            "AWS_ACCESS_KEY_ID": lake_backend.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": lake_backend.SECRET_KEY,
            "AWS_REGION": lake_backend.REGION, "AWS_EC2_METADATA_DISABLED": "true",
        }

    def _answers_config(self) -> bool:
        try:
            return requests.get(f"{self.uri}/v1/config", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def log_tail(self, size: int = 2000) -> str:
        return (self.dir / "rest-fixture.log").read_text(errors="replace")[-size:]

    def stop(self) -> None:
        child_process.stop(self.proc, group=True)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
