"""A concurrent submission load, for tests that take something away under it (a stop signal,
the store) and then account for every request: submitters on keep-alive sessions of their own
send single trades and small batches with unique ids, and every request is kept with its times
and its outcome.

`SubmitterLoad(...).start(n)`, then `finish()`; `records` holds one dict per request:
  batch            the trades sent (one trade is sent as an object, more as a list)
  single           whether it was sent as one object (a retry must send the same shape)
  started, ended   time.monotonic() around the request
  status           the HTTP status, None when no answer came
  with an answer:  content_type, retry_after (the header, or None) and text
  without one:     error ("timeout", "connection": refused, reset or closed before an answer,
                   "broken": e.g. an answer cut off halfway) and detail (the exception's repr)
"""
from __future__ import annotations

import random
import threading
import time

import requests

from conftest import ISINS, TradeFactory

LOAD_DAYS = ("2025-11-20", "2025-11-21")


def start_workers(worker, count: int) -> list[threading.Thread]:
    """`count` threads running worker(n), started. Daemons: one stuck on a request the server
    never answers must not keep pytest from exiting."""
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(count)]
    for th in threads:
        th.start()
    return threads


def keys_of(batch) -> list[tuple[str, str]]:
    return [(t["participant"], t["trade_id"]) for t in batch]


class SubmitterLoad:
    """Submitters on keep-alive sessions of their own, sending single trades and small batches
    with unique ids; every request kept with its times and its outcome (the module's docstring
    lists a record's fields).

    sizes: the batch sizes drawn from (repeat one to weight it); hours: the first and last hour
    of the trade times (UTC), on `days`; client_timeout: a request unanswered after this counts
    as hung; pause: the wait after an answer other than 201, so that a server or store that is
    away is knocked at a bounded pace; bound: seconds from now after which the submitters stop
    even if the test never calls finish()."""

    def __init__(self, server, token, participants, seed, *, sizes, hours, client_timeout, pause, bound,
                 days=LOAD_DAYS):
        self.url = server.url("/v1/trades")
        self.token = token
        self.participants = participants
        self.seed = seed
        self.sizes = sizes
        self.hours = hours
        self.days = days
        self.client_timeout = client_timeout
        self.pause = pause
        self.lock = threading.Lock()
        self.records: list[dict] = []
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.deadline = time.monotonic() + bound

    def start(self, count: int) -> None:
        self.threads = start_workers(self.worker, count)

    def finish(self) -> list[threading.Thread]:
        """Stops the submitters and waits for each up to a request's bound; returns those still
        waiting for an answer."""
        self.stop.set()
        for th in self.threads:
            th.join(self.client_timeout + 5)
        return [th for th in self.threads if th.is_alive()]

    def acked_trades(self) -> int:
        with self.lock:
            return sum(len(r["batch"]) for r in self.records if r["status"] == 201)

    def worker(self, n):
        # Seeded per worker: each sends its own stream of trades, ids unique across workers.
        rng = random.Random(f"{self.seed}-{n}")
        factory = TradeFactory(f"{self.seed}-{n}")
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            rec = self.send(session, self.batch(rng, factory))
            with self.lock:
                self.records.append(rec)
            if rec["status"] != 201:
                time.sleep(self.pause)

    def batch(self, rng: random.Random, factory: TradeFactory) -> list[dict]:
        first, last = self.hours
        return [factory.new(rng.choice(self.participants), instrument=rng.choice(ISINS[:4]),
                            trade_time=f"{rng.choice(self.days)}T{rng.randint(first, last):02d}:"
                                       f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z")
                for _ in range(rng.choice(self.sizes))]

    def send(self, session: requests.Session, batch: list[dict]) -> dict:
        single = len(batch) == 1
        rec = {"batch": batch, "single": single, "started": time.monotonic(), "status": None}
        try:
            r = session.post(self.url, json=batch[0] if single else batch, timeout=self.client_timeout)
            rec.update(status=r.status_code, content_type=r.headers.get("Content-Type", ""),
                       retry_after=r.headers.get("Retry-After"), text=r.text)
        except requests.Timeout as e:
            rec.update(error="timeout", detail=repr(e))
        except requests.ConnectionError as e:  # refused, reset, closed before an answer
            rec.update(error="connection", detail=repr(e))
        except requests.RequestException as e:  # e.g. an answer cut off halfway
            rec.update(error="broken", detail=repr(e))
        rec["ended"] = time.monotonic()
        return rec
