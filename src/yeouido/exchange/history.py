"""Daily history before the simulated day: a deterministic synthetic past for any instrument.

The simulated exchange trades one day. Charts and indicators need the days before it, so
:func:`synthetic_daily_bars` makes them up — deterministically: the same ``seed``, instrument,
base price and day give the same bars, byte for byte. The history obeys the rules a real KRX
history obeys:

- it ends where the simulated day begins: the last close is the day's base price (전일 종가);
- every price is on the tick grid of its price level (:func:`~yeouido.krx.ticks.round_price`);
- every day's open, high, low and close lie within that day's price limits around the
  previous close (±30%, KONEX ±15%, times the leverage of leveraged/inverse ETFs);
- volumes follow the instrument's liquidity (a daily turnover in KRW, larger on days that
  move more), and each bar carries its traded value.

Returns are drawn day by day backwards from the base price (a fat-tailed walk with a mild
pull towards the base so two years never drift to absurd levels); volatility depends on the
kind (KOSDAQ shares move more than KOSPI shares, ETFs less, leveraged ETFs by their
multiple). :func:`aggregate_bars` rolls daily bars up into weeks, months and years as chart
services report them. Futures and options get no synthetic history (their contracts expire).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Final, Literal

from yeouido.krx.calendar import calendar_range, trading_days
from yeouido.krx.ticks import has_price_limits, price_limits, round_price, tick_size
from yeouido.model.enums import InstrumentKind, Market
from yeouido.model.errors import InvalidInput
from yeouido.model.instrument import Instrument
from yeouido.model.market_data import Bar
from yeouido.model.time import SEOUL

HISTORY_SESSIONS: Final = 500
"""Trading days of synthetic history before the simulated day (about two years)."""

Period = Literal["D", "W", "M", "Y"]
PERIODS: Final[tuple[Period, ...]] = ("D", "W", "M", "Y")
"""Chart periods: day, week, month, year."""

_DEFAULT_TURNOVER: Final[dict[str, float]] = {
    "mega": 1.2e12,
    "large": 8e10,
    "mid": 2.5e10,
    "etf-leveraged": 1.5e11,
    "etf": 1e10,
    "etn": 5e9,
}
_MEGA_CAPS: Final = frozenset({"005930", "000660"})

_LIMIT_RATIO: Final = 0.29
"""The largest daily move drawn (just inside the ±30% limit; the limit check is exact)."""

_REVERSION: Final = 0.004
"""Daily pull of the log price towards the base price (keeps two years in a sane range)."""


def default_daily_turnover(instrument: Instrument) -> float:
    """A plausible daily turnover (KRW) of ``instrument`` when no real figure is known: by size
    class (the two mega caps about 1.2 T KRW, other KOSPI200 shares 80 bn, other shares 25 bn,
    leveraged/inverse ETFs 150 bn, other ETFs 10 bn, ETNs 5 bn)."""
    if instrument.kind is InstrumentKind.ETF:
        klass = "etf-leveraged" if instrument.leverage != 1 else "etf"
    elif instrument.kind is InstrumentKind.ETN:
        klass = "etn"
    elif instrument.code in _MEGA_CAPS:
        klass = "mega"
    elif instrument.kospi200 and instrument.market is Market.KOSPI:
        klass = "large"
    else:
        klass = "mid"
    return _DEFAULT_TURNOVER[klass]


def daily_volatility(instrument: Instrument) -> float:
    """The standard deviation of a day's return used for ``instrument``'s synthetic history."""
    if instrument.kind in (InstrumentKind.ETF, InstrumentKind.ETN):
        return 0.011 * abs(instrument.leverage)
    if instrument.kind is InstrumentKind.ELW:
        return 0.08
    if instrument.market is Market.KOSDAQ:
        return 0.03
    return 0.02 if instrument.kospi200 else 0.025


def history_days(day: date, sessions: int = HISTORY_SESSIONS) -> list[date]:
    """The last ``sessions`` KRX trading days before ``day`` (fewer when the calendar starts
    later), oldest first."""
    if sessions < 0:
        raise InvalidInput.for_field("sessions", sessions, "must be >= 0")
    if sessions == 0:
        return []
    first, _ = calendar_range()
    end = day - timedelta(days=1)
    if end < first:
        return []
    span = timedelta(days=sessions * 7 // 5 + 40)
    while True:
        start = max(first, end - span)
        days = trading_days(start, end)
        if len(days) >= sessions or start == first:
            return days[-sessions:]
        span *= 2


def _rng(seed: int, code: str, purpose: str) -> random.Random:
    # A string seed is hashed with SHA-512 by ``random``: stable across processes and runs.
    return random.Random(f"yeouido-history:{purpose}:{seed}:{code}")


def _draw_return(rng: random.Random, volatility: float) -> float:
    shock = rng.gauss(0.0, volatility)
    if rng.random() < 0.03:  # fat tails: news days
        shock *= 3.0
    return max(-_LIMIT_RATIO, min(_LIMIT_RATIO, shock))


class _Rules:
    """Ticks and daily limits of one instrument."""

    def __init__(self, instrument: Instrument) -> None:
        self.table = instrument.tick_table
        self.market = instrument.market
        self.leverage = instrument.leverage
        self.limited = has_price_limits(self.table)

    def tick(self, price: int) -> int:
        return int(tick_size(price, self.table))

    def round(self, price: float, direction: Literal["down", "up", "nearest"] = "nearest") -> int:
        return int(round_price(max(price, 1.0), self.table, direction))

    def limits(self, previous_close: int) -> tuple[int, int]:
        if not self.limited:
            return self.round(previous_close * 0.5, "up"), self.round(previous_close * 1.5)
        lower, upper = price_limits(previous_close, self.table, self.market, self.leverage)
        return int(lower), int(upper)


def _earlier_close(rules: _Rules, later: int, ratio: float) -> int:
    """A close the day before ``later`` such that ``later`` is within its limits."""
    earlier = rules.round(later / (1.0 + ratio))
    lower, upper = rules.limits(earlier)
    while later > upper:
        earlier = rules.round(earlier + rules.tick(earlier), "up")
        lower, upper = rules.limits(earlier)
    while later < lower and earlier > 1:
        earlier = max(1, earlier - rules.tick(max(1, earlier - 1)))
        earlier = rules.round(earlier, "down")
        lower, upper = rules.limits(earlier)
    return earlier


def synthetic_closes(
    instrument: Instrument, base_price: int, count: int, *, seed: int = 0
) -> list[int]:
    """``count + 1`` closes, oldest first, ending at ``base_price``: the first is the close
    before the history's first day. Each close is on its tick and within the daily limits of
    the one before."""
    if not isinstance(base_price, int) or base_price <= 0:
        raise InvalidInput.for_field("base_price", base_price, "must be a positive whole KRW")
    rules = _Rules(instrument)
    rng = _rng(seed, instrument.code, "closes")
    volatility = daily_volatility(instrument)
    anchor = math.log(base_price)
    closes = [base_price]
    for _ in range(count):
        later = closes[-1]
        ratio = _draw_return(rng, volatility)
        # Seen backwards, a pull towards the base: a price above it came from lower.
        ratio += _REVERSION * (math.log(later) - anchor)
        ratio = max(-_LIMIT_RATIO, min(_LIMIT_RATIO, ratio))
        closes.append(_earlier_close(rules, later, ratio))
    closes.reverse()
    return closes


def synthetic_daily_bars(
    instrument: Instrument,
    base_price: int,
    day: date,
    *,
    seed: int = 0,
    sessions: int = HISTORY_SESSIONS,
    daily_turnover: float | None = None,
) -> list[Bar]:
    """The synthetic daily bars of ``instrument`` on the ``sessions`` trading days before
    ``day`` (oldest first; each at midnight Seoul), the last close equal to ``base_price``.

    ``daily_turnover`` (KRW) sets the volume level (default :func:`default_daily_turnover`).
    Deterministic: the same arguments give the same bars. Futures and options get none."""
    if instrument.kind in (InstrumentKind.FUTURE, InstrumentKind.OPTION):
        return []
    days = history_days(day, sessions)
    if not days:
        return []
    closes = synthetic_closes(instrument, base_price, len(days), seed=seed)
    rules = _Rules(instrument)
    rng = _rng(seed, instrument.code, "bars")
    volatility = daily_volatility(instrument)
    turnover = daily_turnover if daily_turnover and daily_turnover > 0 else None
    turnover = turnover or default_daily_turnover(instrument)
    lot = max(1, instrument.lot_size)
    bars = []
    for index, session in enumerate(days):
        previous, close = closes[index], closes[index + 1]
        lower, upper = rules.limits(previous)
        open_ = rules.round(previous * (1.0 + rng.gauss(0.0, volatility * 0.4)))
        open_ = min(max(open_, lower), upper)
        spread_up = abs(rng.gauss(0.0, volatility * 0.5))
        spread_down = abs(rng.gauss(0.0, volatility * 0.5))
        high = min(upper, rules.round(max(open_, close) * (1.0 + spread_up), "up"))
        low = max(lower, rules.round(min(open_, close) * (1.0 - spread_down), "down"))
        move = abs(close - previous) / previous
        typical = (high + low + close) / 3.0
        shares = turnover / typical * math.exp(rng.gauss(-0.06, 0.35)) * (1.0 + 6.0 * move)
        volume = max(lot, int(shares) // lot * lot)
        bars.append(
            Bar(
                instrument.code,
                datetime.combine(session, time(0), tzinfo=SEOUL),
                open_,
                high,
                low,
                close,
                volume,
                "1d",
                value=round(volume * typical),
            )
        )
    return bars


def _period_key(period: Period) -> Callable[[date], tuple[int, ...]]:
    if period == "W":
        return lambda d: tuple(d.isocalendar())[:2]
    if period == "M":
        return lambda d: (d.year, d.month)
    if period == "Y":
        return lambda d: (d.year,)
    return lambda d: (d.year, d.month, d.day)


def aggregate_bars(bars: Sequence[Bar], period: Period) -> list[Bar]:
    """Daily ``bars`` (oldest first) rolled up into weeks (ISO, Monday to Sunday), months or
    years (``"D"`` returns them as they are). Each rolled-up bar is dated on its last trading
    day, opens at its first day's open, closes at its last day's close, and carries the
    highest high, lowest low and summed volume and value."""
    if period not in PERIODS:
        raise InvalidInput.for_field("period", period, f"must be one of {', '.join(PERIODS)}")
    if period == "D":
        return list(bars)
    key = _period_key(period)
    groups: list[list[Bar]] = []
    for bar in bars:
        if groups and key(groups[-1][-1].time.date()) == key(bar.time.date()):
            groups[-1].append(bar)
        else:
            groups.append([bar])
    interval = {"W": "1w", "M": "1mo", "Y": "1y"}[period]
    return [
        Bar(
            group[-1].code,
            group[-1].time,
            group[0].open,
            max(bar.high for bar in group),
            min(bar.low for bar in group),
            group[-1].close,
            sum(bar.volume for bar in group),
            interval,
            value=sum(bar.value for bar in group),
        )
        for group in groups
    ]
