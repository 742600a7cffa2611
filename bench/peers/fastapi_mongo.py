"""FastAPI + MongoDB peer for bench/mongo_ingest.sh: the reference design's own write path.

POST /v1/trades validates exactly like bench/peers/fastapi_validator.py (its pydantic models and
business-date rule are imported from there, not copied) and then stores each trade with one
pymongo `insert_one` into the collection `trades`, with write concern majority, journaled
(`WriteConcern(w="majority", j=True)`; PEER_WRITE_CONCERN=<n> for a number of members, as
tradeagg's store.write_concern). Documents have tradeagg's layout
(src/tradeagg/store/mongo/mongo_trade_document.cc):

  {_id: "<participant>|<trade_id>", seq, participant, trade_id, counterparty, instrument, side,
   quantity, price: "<decimal>", notional: "<decimal>", currency, trade_time: <date>,
   trade_time_us, received_at: <date>, received_at_us, business_date: "YYYY-MM-DD"}

with decimals as canonical strings (no trailing zeros, as tradeagg's Decimal::ToString), BSON
dates in milliseconds (floored) beside the exact microseconds, and the indexes tradeagg's
MongoTradeStore::Open creates: `trades_seq` (seq, unique), `trades_participant_business_date`
and `trades_instrument`.

seq: (worker pid << 32) | a per-process counter from 1. Unique across the concurrently running
workers (pids differ; Linux pids are < 2^22, so it fits in an int64) without a round trip to the
database; not gap-free and not ordered across workers, which the reference design's path does not
need to be. A duplicate `_id` (same participant and trade_id) answers 200 with status
"duplicate" and the stored trade's seq, as tradeagg does (the content is not compared: tradeagg
would answer 409 for a different one).

There is no authentication (as fastapi_validator.py). Answers 201 in tradeagg's shape (200 when
every trade was a duplicate).

Run: PEER_MONGO_URI=mongodb://127.0.0.1:27017/bench \
     uvicorn --app-dir bench/peers fastapi_mongo:app --port 8000 --workers 2
"""

import datetime as dt
import itertools
import os
import threading
import time
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Annotated, List, Union

from bson.datetime_ms import DatetimeMS
from fastapi import Body, FastAPI, Response
from fastapi.responses import JSONResponse
from pymongo import ASCENDING, MongoClient, WriteConcern
from pymongo.errors import DuplicateKeyError, OperationFailure, PyMongoError

from fastapi_validator import TradeIn, business_date

COLLECTION = "trades"
# The indexes of MongoTradeStore::Open, one create_index each (FerretDB 1.x fails a
# createIndexes of several indexes of which some exist).
INDEXES = [
    ("trades_seq", [("seq", ASCENDING)], True),
    ("trades_participant_business_date", [("participant", ASCENDING), ("business_date", ASCENDING)], False),
    ("trades_instrument", [("instrument", ASCENDING)], False),
]
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
ONE_MICRO = dt.timedelta(microseconds=1)


def write_concern(text: str = "majority") -> WriteConcern:
    """tradeagg's store.write_concern: "majority" or a number of members; always journaled."""
    return WriteConcern(w="majority" if text in ("", "majority") else int(text), j=True)


def trades_collection(client: MongoClient, wc_text: str = "majority"):
    """`trades` in the URI's database ("tradeagg" if the URI names none, as tradeagg)."""
    db = client.get_default_database(default="tradeagg")
    return db.get_collection(COLLECTION, write_concern=write_concern(wc_text))


def ensure_indexes(collection, attempts: int = 20) -> None:
    """Creates tradeagg's indexes unless they exist. Several processes may race at start (two
    uvicorn workers): a failed create is retried after looking again."""
    for attempt in range(attempts):
        try:
            have = collection.index_information()
            for name, keys, unique in INDEXES:
                if name not in have:
                    collection.create_index(keys, name=name, unique=unique)
            return
        except OperationFailure:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def canonical(value: Decimal) -> str:
    """tradeagg's Decimal::ToString: plain notation, no trailing zeros, no trailing point."""
    text = format(value.normalize(), "f")
    return text


def micros(t: dt.datetime) -> int:
    return (t - EPOCH) // ONE_MICRO


def bson_date(us: int) -> DatetimeMS:
    return DatetimeMS(us // 1000)  # floored, as tradeagg's MillisOf (also before 1970)


def trade_document(trade: TradeIn, seq: int, received_at: dt.datetime) -> dict:
    """One validated trade as tradeagg stores it (mongo_trade_document.cc, same field order)."""
    trade_time = trade.trade_time or received_at
    trade_us = micros(trade_time)
    received_us = micros(received_at)
    return {
        "_id": f"{trade.participant}|{trade.trade_id}",
        "seq": seq,
        "participant": trade.participant,
        "trade_id": trade.trade_id,
        "counterparty": trade.counterparty,
        "instrument": trade.instrument,
        "side": trade.side.value,
        "quantity": trade.quantity,
        "price": canonical(trade.price),
        "notional": canonical(trade.notional),
        "currency": trade.currency.value,
        "trade_time": bson_date(trade_us),
        "trade_time_us": trade_us,
        "received_at": bson_date(received_us),
        "received_at_us": received_us,
        "business_date": business_date(trade_time).isoformat(),
        "writer": f"fastapi-{os.getpid()}",  # tradeagg names the instance that stored it
    }


class SeqSource:
    """(pid << 32) | n, n counting from 1 in this process; thread-safe."""

    def __init__(self, pid: int | None = None):
        self.base = (pid if pid is not None else os.getpid()) << 32
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    def next(self) -> int:
        with self.lock:
            return self.base | next(self.counter)


state: dict = {}


@asynccontextmanager
async def lifespan(_app: FastAPI):
    # Per worker process: uvicorn's workers are spawned, and a MongoClient must not cross a fork.
    client = MongoClient(os.environ.get("PEER_MONGO_URI", "mongodb://127.0.0.1:27017/tradeagg"),
                         appname="fastapi_mongo peer")
    collection = trades_collection(client, os.environ.get("PEER_WRITE_CONCERN", "majority"))
    ensure_indexes(collection)
    state.update(client=client, trades=collection, seq=SeqSource())
    yield
    client.close()


app = FastAPI(title="tradeagg benchmark peer: FastAPI + pydantic + pymongo insert_one", lifespan=lifespan)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/v1/trades", status_code=201)
def submit(body: Annotated[Union[TradeIn, List[TradeIn]], Body()], response: Response):
    trades = body if isinstance(body, list) else [body]
    received = dt.datetime.now(dt.timezone.utc)
    collection = state["trades"]
    answers = []
    accepted = duplicates = 0
    try:
        for i, t in enumerate(trades):
            doc = trade_document(t, state["seq"].next(), received)
            status = "accepted"
            try:
                collection.insert_one(doc)
                accepted += 1
            except DuplicateKeyError:
                stored = collection.find_one({"_id": doc["_id"]}, {"seq": 1, "business_date": 1})
                if stored is None:  # the seq was taken, not the key: a pid reused on this database
                    raise
                doc["seq"], doc["business_date"] = stored["seq"], stored["business_date"]
                status = "duplicate"
                duplicates += 1
            answers.append({"index": i, "trade_id": t.trade_id, "participant": t.participant, "status": status,
                            "seq": doc["seq"], "business_date": doc["business_date"]})
    except PyMongoError as e:
        # Trades before this one stay stored (no transaction): a retry finds them as duplicates.
        return JSONResponse({"detail": f"store failed: {e}"}, status_code=503)
    if accepted == 0 and duplicates > 0:
        response.status_code = 200
    return {"accepted": accepted, "duplicates": duplicates, "trades": answers}
