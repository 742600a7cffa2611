"""FastAPI peer for bench/ingest.sh: the proof of concept's stack doing tradeagg's validation.

POST /v1/trades takes one trade (a JSON object) or a JSON array of trades, validates them with
pydantic v2 by the rules in docs/api.md (trade id and member id patterns, participant !=
counterparty, ISIN check digit, side, quantity 1..10^12, exact decimal price and notional > 0
with at most 8 places and notional = quantity x price, currency, optional RFC 3339 trade time
at most 5 minutes ahead), derives the business date (Europe/London, 17:30 cut-off, weekends
roll forward) and answers 201 with the same shape as tradeagg. There is no database and no
authentication: this measures the web stack plus validation only, an upper bound for the
proof of concept.

Run: uvicorn --app-dir bench/peers fastapi_validator:app --port 8000 --workers 2
"""

import datetime as dt
import itertools
from decimal import Decimal
from enum import Enum
from typing import Annotated, List, Optional, Union
from zoneinfo import ZoneInfo

from fastapi import Body, FastAPI
from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, field_validator, model_validator

TradeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]
MemberId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
Price = Annotated[Decimal, Field(gt=0, lt=Decimal(10) ** 10, decimal_places=8)]
Notional = Annotated[Decimal, Field(gt=0, lt=Decimal(10) ** 15, decimal_places=8)]
Quantity = Annotated[int, Field(ge=1, le=10**12)]

VENUE_ZONE = ZoneInfo("Europe/London")
CUTOFF = dt.time(17, 30)
MAX_FUTURE_SKEW = dt.timedelta(minutes=5)
EIGHT_PLACES = Decimal("0.00000001")


class Side(str, Enum):
    BUY = "BUY"
    SELL = "SELL"


class Currency(str, Enum):
    GBP = "GBP"
    USD = "USD"
    EUR = "EUR"


def isin_check_digit(first11: str) -> int:
    """Luhn over the letters expanded to numbers (A=10 ... Z=35)."""
    digits = "".join(str(int(c, 36)) for c in first11)
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # the digit next to the check digit is doubled
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def is_valid_isin(text: str) -> bool:
    return (
        len(text) == 12
        and text[:2].isascii()
        and text[:2].isalpha()
        and text[:2].isupper()
        and all(c.isdigit() or ("A" <= c <= "Z") for c in text[2:11])
        and text[11].isdigit()
        and isin_check_digit(text[:11]) == int(text[11])
    )


def business_date(trade_time: dt.datetime) -> dt.date:
    local = trade_time.astimezone(VENUE_ZONE)
    day = local.date()
    if local.time() >= CUTOFF:
        day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class TradeIn(BaseModel):
    trade_id: TradeId
    participant: MemberId  # this peer has no users: the admin's rule (participant required)
    counterparty: MemberId
    instrument: str
    side: Side
    quantity: Quantity
    price: Optional[Price] = None
    notional: Optional[Notional] = None
    currency: Currency
    trade_time: Optional[AwareDatetime] = None

    @field_validator("instrument")
    @classmethod
    def check_isin(cls, value: str) -> str:
        if not is_valid_isin(value):
            raise ValueError("must be an ISIN with a valid check digit")
        return value

    @model_validator(mode="after")
    def check_trade(self) -> "TradeIn":
        if self.participant == self.counterparty:
            raise ValueError("counterparty must differ from participant")
        if self.price is None and self.notional is None:
            raise ValueError("price or notional is required")
        if self.price is not None:
            notional = self.price * self.quantity
            if self.notional is not None and self.notional != notional:
                raise ValueError("notional must equal quantity x price")
            self.notional = notional
        else:
            self.price = (self.notional / self.quantity).quantize(EIGHT_PLACES)
            if self.price <= 0:
                raise ValueError("price rounds to zero")
        if self.trade_time is not None:
            if self.trade_time - dt.datetime.now(dt.timezone.utc) > MAX_FUTURE_SKEW:
                raise ValueError("trade_time is too far in the future")
        return self


app = FastAPI(title="tradeagg benchmark peer: FastAPI + pydantic validation")
_seq = itertools.count(1)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/v1/trades", status_code=201)
def submit(body: Annotated[Union[TradeIn, List[TradeIn]], Body()]):
    trades = body if isinstance(body, list) else [body]
    received = dt.datetime.now(dt.timezone.utc)
    return {
        "accepted": len(trades),
        "duplicates": 0,
        "trades": [
            {
                "index": i,
                "trade_id": t.trade_id,
                "participant": t.participant,
                "status": "accepted",
                "seq": next(_seq),
                "business_date": business_date(t.trade_time or received).isoformat(),
            }
            for i, t in enumerate(trades)
        ],
    }
