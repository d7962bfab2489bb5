"""Bars of a strategy's interval built from hand-made trades."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from yeouido.model import Bar, InvalidInput, Trade
from yeouido.model.time import SEOUL
from yeouido.strategy.live_bars import (
    DAILY_CLOSE_GRACE,
    BarBuilder,
    aggregate,
    bar_close_time,
    bar_start,
    regular_session,
)

DAY = date(2024, 3, 4)  # a Monday, a regular trading day


def at(hour: int, minute: int, second: float = 0, day: date = DAY) -> datetime:
    whole = int(second)
    micro = round((second - whole) * 1_000_000)
    return datetime(day.year, day.month, day.day, hour, minute, whole, micro, tzinfo=SEOUL)


def trade(moment: datetime, price: int, quantity: int = 1, code: str = "005930") -> Trade:
    return Trade(code, moment, price, quantity)


def test_bar_start_aligns_on_the_clock_in_seoul() -> None:
    moment = at(9, 7, 42.5)
    assert bar_start(moment, "1m") == at(9, 7)
    assert bar_start(moment, "5m") == at(9, 5)
    assert bar_start(moment, "15m") == at(9, 0)
    assert bar_start(at(10, 59, 59), "60m") == at(10, 0)
    assert bar_start(moment, "1d") == at(0, 0)
    utc = moment.astimezone(datetime.now().astimezone().tzinfo)
    assert bar_start(utc, "3m") == at(9, 6)
    with pytest.raises(InvalidInput, match="interval"):
        bar_start(moment, "2m")


def test_one_minute_bars_close_on_a_later_trade_never_twice() -> None:
    builder = BarBuilder("1m")
    assert builder.add(trade(at(9, 0, 1), 100, 5)) == []
    assert builder.add(trade(at(9, 0, 20), 103, 2)) == []
    assert builder.add(trade(at(9, 0, 59.9), 99, 1)) == []
    assert builder.add(trade(at(9, 0, 40), 101, 3)) == []  # out of order, same bar: kept
    [bar] = builder.add(trade(at(9, 1, 0), 104, 7))
    assert bar == Bar("005930", at(9, 0), 100, 103, 99, 101, 11, "1m")
    assert bar.value == 100 * 5 + 103 * 2 + 99 + 101 * 3
    # a late trade of the emitted bar changes nothing and is counted
    assert builder.add(trade(at(9, 0, 59), 90)) == []
    assert builder.late == 1
    assert builder.forming("005930") == Bar("005930", at(9, 1), 104, 104, 104, 104, 7, "1m")
    # the timer: not before the end, then exactly once
    assert builder.advance(at(9, 1, 59.999)) == []
    [timed] = builder.advance(at(9, 2))
    assert timed.time == at(9, 1) and timed.volume == 7
    assert builder.advance(at(9, 10)) == []
    assert builder.add(trade(at(9, 1, 30), 105)) == []
    assert builder.late == 2


def test_codes_are_independent_and_the_timer_emits_oldest_first() -> None:
    builder = BarBuilder("1m")
    builder.add(trade(at(9, 3, 10), 200, code="000660"))
    builder.add(trade(at(9, 2, 10), 100, code="005930"))
    assert builder.add(trade(at(9, 4, 0), 201, code="000660"))[0].time == at(9, 3)
    # 005930's 09:02 bar is still forming: another code's trade does not close it
    assert builder.forming("005930") is not None
    bars = builder.advance(at(9, 5))
    assert [(bar.code, bar.time) for bar in bars] == [("005930", at(9, 2)), ("000660", at(9, 4))]


def test_minutes_without_trades_make_no_bar() -> None:
    builder = BarBuilder("5m")
    builder.add(trade(at(9, 1), 100))
    builder.add(trade(at(9, 4, 59), 102))
    [bar] = builder.add(trade(at(9, 21), 101))
    assert (bar.time, bar.open, bar.close, bar.interval) == (at(9, 0), 100, 102, "5m")
    assert builder.advance(at(9, 24, 59)) == []
    [bar] = builder.advance(at(9, 25))
    assert bar.time == at(9, 20)


def test_delay_postpones_the_timer() -> None:
    builder = BarBuilder("1m", delay=timedelta(seconds=2))
    builder.add(trade(at(9, 0, 30), 100))
    assert builder.advance(at(9, 1, 1)) == []
    assert len(builder.advance(at(9, 1, 2))) == 1


def test_daily_bar_is_the_regular_session_and_closes_after_the_closing_auction() -> None:
    builder = BarBuilder("1d")
    opening, closing = regular_session(DAY)
    assert (opening, closing) == (at(9, 0), at(15, 30))
    assert bar_close_time(at(0, 0), "1d") == at(15, 30) + DAILY_CLOSE_GRACE
    assert builder.add(trade(at(8, 10), 90)) == []  # NXT pre-market: not the daily bar
    assert builder.add(trade(at(8, 35), 91)) == []  # pre-open closing-price trade
    assert builder.outside == 2
    builder.add(trade(at(9, 0, 5), 100, 10))
    builder.add(trade(at(12, 0), 110, 5))
    builder.add(trade(at(15, 30, 20), 105, 50))  # the closing auction, ending late
    assert builder.add(trade(at(15, 45), 106)) == []  # after-hours: not the daily bar
    assert builder.advance(at(15, 30, 59)) == []
    [bar] = builder.advance(at(15, 31))
    assert bar == Bar("005930", at(0, 0), 100, 110, 100, 105, 65, "1d")
    assert builder.advance(at(23, 59)) == []


def test_daily_bar_closes_on_the_next_days_first_trade_too() -> None:
    builder = BarBuilder("1d")
    builder.add(trade(at(10, 0), 100))
    next_day = date(2024, 3, 5)
    [bar] = builder.add(trade(at(9, 0, 1, day=next_day), 101))
    assert bar.time == at(0, 0) and bar.close == 100


def test_special_day_opens_and_closes_late() -> None:
    # The college entrance exam day of 2023 (KRX opened and closed an hour late).
    opening, closing = regular_session(date(2023, 11, 16))
    assert opening.hour == 10 and closing.hour == 16


def test_seed_continues_a_forming_bar_and_marks_keep_history_out() -> None:
    builder = BarBuilder("1m")
    builder.mark_emitted("005930", at(9, 4))
    assert builder.add(trade(at(9, 4, 30), 100)) == []  # already in the history
    assert builder.late == 1
    builder.seed(Bar("005930", at(9, 5), 100, 104, 99, 101, 30, "1m"))
    builder.add(trade(at(9, 5, 40), 106, 2))
    [bar] = builder.advance(at(9, 6))
    assert bar == Bar("005930", at(9, 5), 100, 106, 99, 106, 32, "1m")
    builder.seed(Bar("005930", at(9, 5), 1, 1, 1, 1, 1, "1m"))  # already emitted: ignored
    assert builder.forming("005930") is None
    with pytest.raises(InvalidInput, match="interval"):
        builder.seed(Bar("005930", at(9, 7), 1, 1, 1, 1, 1, "5m"))


def test_reset_forgets_the_session() -> None:
    builder = BarBuilder("1m")
    builder.add(trade(at(10, 0), 100))
    builder.add(trade(at(10, 1), 100))
    builder.reset()
    assert builder.forming("005930") is None
    assert builder.add(trade(at(9, 0, 31), 100)) == []
    assert builder.late == 0


def test_aggregate_one_minute_bars() -> None:
    minutes = [
        Bar("005930", at(9, minute), 100 + minute, 110 + minute, 90, 101 + minute, 10, "1m")
        for minute in range(7)
    ]
    five = aggregate(minutes, "5m")
    assert [bar.time for bar in five] == [at(9, 0), at(9, 5)]
    first = five[0]
    assert (first.open, first.high, first.low, first.close, first.volume) == (
        100,
        114,
        90,
        105,
        50,
    )
    assert five[1].volume == 20 and five[1].interval == "5m"
    assert aggregate([], "5m") == []
