"""The synthetic daily history: deterministic by seed, ending at the base price, on the tick
grid and inside the daily limits, with plausible volumes; weekly/monthly/yearly roll-ups."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from yeouido.exchange.history import (
    aggregate_bars,
    default_daily_turnover,
    history_days,
    synthetic_daily_bars,
)
from yeouido.krx.calendar import is_trading_day
from yeouido.krx.master import default_master
from yeouido.krx.ticks import is_on_tick, price_limits
from yeouido.model.errors import InvalidInput

DAY = date(2026, 12, 7)
CODES = ("005930", "000660", "247540", "122630", "252670", "069500", "035720")


def bars_of(code: str, seed: int = 0, sessions: int = 500):
    instrument = default_master().get(code)
    base = default_master().reference_price(code)
    assert base is not None
    return (
        instrument,
        base,
        synthetic_daily_bars(instrument, base, DAY, seed=seed, sessions=sessions),
    )


def test_same_seed_same_bars_other_seed_other_bars() -> None:
    _, _, first = bars_of("005930", seed=7)
    _, _, again = bars_of("005930", seed=7)
    _, _, other = bars_of("005930", seed=8)
    assert first == again
    assert [b.value for b in first] == [b.value for b in again]
    assert [b.close for b in first] != [b.close for b in other]
    # Codes differ too (the seed is per code).
    _, _, hynix = bars_of("000660", seed=7)
    assert [b.close / first[-1].close for b in first[-20:]] != [
        b.close / hynix[-1].close for b in hynix[-20:]
    ]


@pytest.mark.parametrize("code", CODES)
def test_history_ends_at_the_base_price_on_ticks_and_within_limits(code: str) -> None:
    instrument, base, bars = bars_of(code, seed=3)
    assert len(bars) == 500
    assert bars[-1].close == base
    days = [bar.time.date() for bar in bars]
    assert days == sorted(set(days)) and days[-1] < DAY
    assert all(is_trading_day(day) for day in days)
    assert all(bar.time.hour == 0 and bar.interval == "1d" for bar in bars)
    table = instrument.tick_table
    for previous, bar in itertools.pairwise(bars):
        for price in (bar.open, bar.high, bar.low, bar.close):
            assert isinstance(price, int) and is_on_tick(price, table), (bar, price)
        lower, upper = price_limits(previous.close, table, instrument.market, instrument.leverage)
        assert lower <= bar.low <= min(bar.open, bar.close)
        assert max(bar.open, bar.close) <= bar.high <= upper
        assert bar.volume > 0 and bar.low * bar.volume <= bar.value <= bar.high * bar.volume


def test_volumes_follow_the_instruments_liquidity() -> None:
    def mean_turnover(code: str) -> float:
        _, _, bars = bars_of(code)
        return sum(bar.value for bar in bars) / len(bars)

    samsung, etf = mean_turnover("005930"), mean_turnover("069500")
    expected = default_daily_turnover(default_master().get("005930"))
    assert 0.7 * expected < samsung < 2.0 * expected
    assert samsung > 20 * etf
    # Explicit turnover scales the volume.
    instrument = default_master().get("035720")
    low = synthetic_daily_bars(instrument, 50_000, DAY, daily_turnover=1e9, sessions=50)
    high = synthetic_daily_bars(instrument, 50_000, DAY, daily_turnover=1e11, sessions=50)
    assert sum(b.volume for b in high) > 50 * sum(b.volume for b in low)


def test_a_base_price_near_a_tick_band_stays_on_the_grid() -> None:
    instrument = default_master().get("035720")
    for base in (1_999, 2_000, 4_995, 5_000, 49_950, 50_000, 199_900, 200_000):
        bars = synthetic_daily_bars(instrument, base, DAY, seed=1, sessions=120)
        assert bars[-1].close == base
        assert all(is_on_tick(b.low, "stock") and is_on_tick(b.high, "stock") for b in bars)


def test_bad_inputs_are_refused() -> None:
    instrument = default_master().get("005930")
    with pytest.raises(InvalidInput):
        synthetic_daily_bars(instrument, 0, DAY)
    with pytest.raises(InvalidInput):
        history_days(DAY, -1)
    with pytest.raises(InvalidInput):
        aggregate_bars([], "Q")  # type: ignore[arg-type]


def test_weekly_monthly_yearly_roll_ups() -> None:
    _, _, bars = bars_of("005930", sessions=300)
    for period, key in (
        ("W", lambda d: d.isocalendar()[:2]),
        ("M", lambda d: (d.year, d.month)),
        ("Y", lambda d: d.year),
    ):
        rolled = aggregate_bars(bars, period)
        groups: dict[object, list] = {}
        for bar in bars:
            groups.setdefault(key(bar.time.date()), []).append(bar)
        assert len(rolled) == len(groups)
        for row, group in zip(rolled, groups.values(), strict=True):
            assert row.time == group[-1].time  # dated on the period's last trading day
            assert row.open == group[0].open and row.close == group[-1].close
            assert row.high == max(b.high for b in group)
            assert row.low == min(b.low for b in group)
            assert row.volume == sum(b.volume for b in group)
            assert row.value == sum(b.value for b in group)
    assert aggregate_bars(bars, "D") == bars
    assert sum(r.volume for r in aggregate_bars(bars, "M")) == sum(b.volume for b in bars)


def test_history_days_are_the_trading_days_before_the_day() -> None:
    days = history_days(DAY, 250)
    assert len(days) == 250 and days[-1] < DAY and all(is_trading_day(d) for d in days)
    assert history_days(DAY, 0) == []
