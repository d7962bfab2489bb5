"""Builders shared by the exchange tests."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from yeouido.exchange import Exchange, ExchangeEvent, TradePrinted
from yeouido.model import SEOUL, Instrument, InstrumentKind, Market, OrderRequest

DAY = date(2026, 11, 24)

STOCK = Instrument(
    "111110", "테스트전자", Market.KOSPI, InstrumentKind.STOCK, kospi200=True, nxt=True
)
SMALL = Instrument("222220", "테스트바이오", Market.KOSDAQ, InstrumentKind.STOCK)
ETF = Instrument("333330", "테스트 ETF", Market.KOSPI, InstrumentKind.ETF)


def at(hour: int, minute: int, second: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=SEOUL)


def exchange(
    moment: datetime | None = None, seed: int = 7, base: int = 10_000, **kwargs: Any
) -> Exchange:
    """An exchange with three test instruments, its clock moved to ``moment``."""
    venue = Exchange(
        [STOCK, SMALL, ETF],
        {STOCK.code: base, SMALL.code: base, ETF.code: base},
        DAY,
        seed=seed,
        record=True,
        **kwargs,
    )
    if moment is not None:
        venue.advance_to(moment)
    return venue


def order(
    side: str, quantity: int, price: int | None = None, code: str = STOCK.code, **kw: Any
) -> OrderRequest:
    return OrderRequest(code, side, quantity, price, **kw)  # type: ignore[arg-type]


def trades(venue: Exchange, since: int = 0) -> list[TradePrinted]:
    assert venue.events is not None
    return [e for e in venue.events if isinstance(e, TradePrinted) and e.seq > since]


def events_of(venue: Exchange, kind: type[ExchangeEvent]) -> list[Any]:
    assert venue.events is not None
    return [e for e in venue.events if isinstance(e, kind)]


def last_seq(venue: Exchange) -> int:
    assert venue.events is not None
    return venue.events[-1].seq if venue.events else 0
