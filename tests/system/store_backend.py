"""The store backend the system suite runs against, chosen by TRADEAGG_SYSTEM_STORE.

"sqlite" (the default): every server on its data directory's SQLite file.
"mongodb": one FerretDB (MongoDB wire protocol; scripts/ferretdb.sh builds it) for the
session, on a free loopback port, and a database of its own per server, kept across the
server's restarts. The whole suite runs once per backend (scripts/test.sh), not copied.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import child_process

BACKEND = os.environ.get("TRADEAGG_SYSTEM_STORE", "sqlite")
if BACKEND not in ("sqlite", "mongodb"):
    raise RuntimeError(f"TRADEAGG_SYSTEM_STORE must be sqlite or mongodb, got {BACKEND!r}")


def ferretdb_binary() -> Path:
    return child_process.cached("TRADEAGG_FERRETDB", "ferretdb-v1.24.2", "bin", "ferretdb")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FerretDb:
    """A real FerretDB server on SQLite files in a temporary directory; `extra_args` are added
    to its command line (e.g. authentication and a user to set up)."""

    def __init__(self, extra_args: tuple[str, ...] = ()):
        binary = ferretdb_binary()
        if not binary.is_file():
            raise RuntimeError(f"FerretDB not found at {binary}: run scripts/ferretdb.sh")
        self.binary = binary
        self.extra_args = tuple(extra_args)
        self.dir = Path(tempfile.mkdtemp(prefix="tradeagg-ferretdb-"))
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 15.0) -> "FerretDb":
        self.proc = subprocess.Popen(
            [str(self.binary), "--handler=sqlite", f"--sqlite-url=file:{self.dir}/",
             f"--listen-addr=127.0.0.1:{self.port}", f"--state-dir={self.dir}", "--telemetry=disable",
             "--debug-addr=127.0.0.1:0", "--log-level=error", *self.extra_args],
            stdin=subprocess.DEVNULL, stdout=open(self.dir / "ferretdb.log", "a"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"FerretDB exited with {self.proc.returncode}: "
                                   f"{(self.dir / 'ferretdb.log').read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("FerretDB did not listen in time")

    def stop(self) -> None:
        child_process.stop(self.proc)

    def uri(self, database: str) -> str:
        return f"mongodb://127.0.0.1:{self.port}/{database}"

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


_server: FerretDb | None = None
_uris: dict[Path, str] = {}


def store_uri_for(data_dir: Path) -> str | None:
    """The store.uri of everything run on `data_dir` (a server, its restarts, the CLI beside
    it): None on the default backend; on MongoDB a database of the data directory's own."""
    global _server
    if BACKEND == "sqlite":
        return None
    if _server is None:
        _server = FerretDb().start()
    key = Path(data_dir).resolve()
    if key not in _uris:
        _uris[key] = _server.uri("t" + uuid.uuid4().hex[:16])
    return _uris[key]


def cli_env(data_dir: Path) -> dict:
    """The environment for a `tradeagg` command run on `data_dir`: its store and its lake."""
    import lake_backend
    env = dict(os.environ)
    uri = store_uri_for(data_dir)
    if uri is not None:
        env["TRADEAGG_STORE_URI"] = uri
    env.update(lake_backend.server_env(data_dir))
    return env


def shutdown() -> None:
    if _server is not None:
        _server.close()
