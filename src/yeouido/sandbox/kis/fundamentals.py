"""Listing facts and history figures of a code, as the KIS sandbox reports them.

Facts come from the instrument master's fundamentals columns (:mod:`yeouido.krx.fundamentals`;
the built-in master carries them for its large names, a user's CSV adds more). What the master
does not know is derived, the same way every time:

* listed shares: a market value of 10조 KRW for a KOSPI 200 member, 2조 for another KOSPI
  stock, 5,000억 for a KOSDAQ stock and 1,000억 for an ETF or ETN, divided by the master's
  reference price (else the day's base price) and rounded down to 1,000 shares;
* par value: 5,000 KRW on KOSPI, 500 KRW on KOSDAQ (the most common par values), 0 for funds;
* sector: ``ETF``/``ETN`` for funds, ``기타`` for a stock the master has no sector for;
* EPS and BPS: unknown (KIS then reports ``0.00`` for PER/PBR, as it does for funds).

52-week, 250-day and year-to-date figures and the previous day's bar come from
:func:`daily_history`, the one place that knows where daily bars come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from yeouido.krx.fundamentals import Fundamentals
from yeouido.krx.master import default_master
from yeouido.model.enums import InstrumentKind, Market
from yeouido.model.errors import YeouidoError
from yeouido.model.instrument import Instrument
from yeouido.model.time import SEOUL
from yeouido.sandbox.kis.account import KisAccount

_DERIVED_MARKET_VALUE = {
    "kospi200": 10_000_000_000_000,
    "kospi": 2_000_000_000_000,
    "kosdaq": 500_000_000_000,
    "fund": 100_000_000_000,
}
FUNDS = (InstrumentKind.ETF, InstrumentKind.ETN)


@dataclass(frozen=True, slots=True)
class ListingFacts:
    """Listed shares, par value, per-share figures and sector of one code (never unknown
    except EPS/BPS and the listing date); ``derived`` names the facts that were derived."""

    listed_shares: int
    par_value: int
    eps: int | None
    bps: int | None
    sector: str
    listed_on: date | None
    settlement_month: int
    derived: frozenset[str]


def listing_facts(instrument: Instrument, base_price: int) -> ListingFacts:
    """The facts of ``instrument``: the master's where it has them, else derived."""
    master = default_master()
    known: Fundamentals | None
    reference: int | None
    try:
        known = master.fundamentals(instrument.code)
        reference = master.reference_price(instrument.code)
    except YeouidoError:
        known, reference = None, None
    known = known or Fundamentals()
    derived: set[str] = set()
    shares = known.listed_shares
    if shares is None:
        derived.add("listed_shares")
        price = reference or base_price or 1
        shares = max(1_000, _derived_value(instrument) // price // 1_000 * 1_000)
    par = known.par_value
    if par is None:
        derived.add("par_value")
        par = 500 if instrument.market is Market.KOSDAQ else 5_000
        par = 0 if instrument.kind in FUNDS else par
    sector = known.sector
    if not sector:
        derived.add("sector")
        sector = instrument.kind.value.upper() if instrument.kind in FUNDS else "기타"
    return ListingFacts(
        listed_shares=shares,
        par_value=par,
        eps=known.eps,
        bps=known.bps,
        sector=sector,
        listed_on=known.listed_on,
        settlement_month=known.settlement_month,
        derived=frozenset(derived),
    )


def _derived_value(instrument: Instrument) -> int:
    if instrument.kind in FUNDS:
        return _DERIVED_MARKET_VALUE["fund"]
    if instrument.market is Market.KOSDAQ:
        return _DERIVED_MARKET_VALUE["kosdaq"]
    return _DERIVED_MARKET_VALUE["kospi200" if instrument.kospi200 else "kospi"]


# -- history --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DailyBar:
    """One day's open, high, low, close and volume (whole KRW)."""

    day: date
    open: int
    high: int
    low: int
    close: int
    volume: int


def daily_history(account: KisAccount, code: str) -> list[DailyBar]:
    """Every daily bar the sandbox has for ``code``, oldest first, ending with today's.

    Earlier days are the back office's history (adjusted: the user's bar store or the
    synthetic history); today's bar is the simulated day's (the base price before a trade)."""
    office = account.office
    today = office.market.day
    history: dict[date, DailyBar] = {}
    for bar in [*office.history.past(code, True), *office.bars(code, "1d")]:
        day = bar.time.astimezone(SEOUL).date()
        if day <= today:
            history[day] = DailyBar(
                day, int(bar.open), int(bar.high), int(bar.low), int(bar.close), bar.volume
            )
    if today not in history:
        history[today] = _today_from_book(account, code)
    return [history[day] for day in sorted(history)]


def _today_from_book(account: KisAccount, code: str) -> DailyBar:
    exchange = account.office.exchange
    today = account.office.market.day
    book = exchange.regular_book(code)
    if book.last_price is None:
        base = int(exchange.references[code].base_price)
        return DailyBar(today, base, base, base, base, 0)
    last = int(book.last_price)
    return DailyBar(
        today,
        int(book.open_price if book.open_price is not None else last),
        int(book.high_price if book.high_price is not None else last),
        int(book.low_price if book.low_price is not None else last),
        last,
        book.volume,
    )


@dataclass(frozen=True, slots=True)
class Extreme:
    """The highest or lowest price of a window and the day it was reached (latest day on a
    tie)."""

    price: int
    day: date


@dataclass(frozen=True, slots=True)
class HistoryFigures:
    """The window extremes KIS reports beside the current price, and the previous day."""

    w52_high: Extreme
    w52_low: Extreme
    d250_high: Extreme
    d250_low: Extreme
    year_high: Extreme
    year_low: Extreme
    previous: DailyBar | None


def _extremes(bars: list[DailyBar]) -> tuple[Extreme, Extreme]:
    high = max(bars, key=lambda bar: (bar.high, bar.day))
    low = min(bars, key=lambda bar: (bar.low, -bar.day.toordinal()))
    return Extreme(high.high, high.day), Extreme(low.low, low.day)


def history_figures(bars: list[DailyBar], today: date) -> HistoryFigures:
    """52-week (364 days back), 250-trading-day and calendar-year extremes of ``bars``
    (oldest first, ending with ``today``), and the last bar before ``today``."""
    if not bars:
        raise ValueError("history_figures needs at least today's bar")
    w52 = [bar for bar in bars if bar.day > today - timedelta(weeks=52)]
    d250 = bars[-250:]
    year = [bar for bar in bars if bar.day.year == today.year]
    earlier = [bar for bar in bars if bar.day < today]
    w52_high, w52_low = _extremes(w52 or bars[-1:])
    d250_high, d250_low = _extremes(d250)
    year_high, year_low = _extremes(year or bars[-1:])
    return HistoryFigures(
        w52_high,
        w52_low,
        d250_high,
        d250_low,
        year_high,
        year_low,
        earlier[-1] if earlier else None,
    )


# -- pivot points ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Pivots:
    """Classic floor-trader pivots and DeMark's levels from one day's bar (whole KRW)."""

    pivot: int
    first_resistance: int
    second_resistance: int
    first_support: int
    second_support: int
    demark_resistance: int
    demark_support: int


def pivots(bar: DailyBar) -> Pivots:
    """P = (H+L+C)/3; R1 = 2P−L, S1 = 2P−H, R2 = P+(H−L), S2 = P−(H−L); DeMark: X = 2H+L+C
    after an up day (C>O), H+2L+C after a down day, H+L+2C otherwise; levels X/2−L and X/2−H.
    Rounded to the nearest won."""
    high, low, close = bar.high, bar.low, bar.close
    pivot = (high + low + close) / 3
    if close > bar.open:
        x = 2 * high + low + close
    elif close < bar.open:
        x = high + 2 * low + close
    else:
        x = high + low + 2 * close
    return Pivots(
        pivot=round(pivot),
        first_resistance=round(2 * pivot - low),
        second_resistance=round(pivot + (high - low)),
        first_support=round(2 * pivot - high),
        second_support=round(pivot - (high - low)),
        demark_resistance=round(x / 2 - low),
        demark_support=round(x / 2 - high),
    )
