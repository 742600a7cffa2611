"""What the test servers started as child processes (FerretDB, SeaweedFS, Iceberg's REST
catalog fixture) share."""
from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path


def cached(override_env: str, *parts: str) -> Path:
    """A server the set-up scripts install and cache: $`override_env` if set, else
    ${TRADEAGG_CACHE:-~/.cache/tradeagg}/`parts` (scripts/*.sh put them there)."""
    if os.environ.get(override_env):
        return Path(os.environ[override_env])
    return Path(os.environ.get("TRADEAGG_CACHE", Path.home() / ".cache" / "tradeagg")).joinpath(*parts)


def stop(proc: subprocess.Popen | None, timeout: float = 10.0, group: bool = False) -> None:
    """SIGTERM, then SIGKILL after `timeout` s; returns once the process is gone. `group`: to its
    whole process group (it was started with start_new_session=True), so nothing it started stays."""
    if proc is None or proc.poll() is not None:
        return
    send = (lambda sig: os.killpg(proc.pid, sig)) if group else proc.send_signal
    send(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        proc.wait()
