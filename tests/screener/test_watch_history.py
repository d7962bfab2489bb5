"""The live watch never joins history from another period to live bars."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.screener.test_watch import FakeSource, _history, _trade
from yeouido.model import InvalidInput
from yeouido.screener.panel import load_csv_dir
from yeouido.screener.watch import HistoryNotice, Watch, WatchEvent, trading_days_between

LIVE_DAY = dt.date(2026, 12, 4)  # a Friday


def test_trading_days_between_counts_krx_sessions() -> None:
    assert trading_days_between(dt.date(2026, 12, 3), LIVE_DAY) == 0
    assert trading_days_between(dt.date(2026, 12, 4), dt.date(2026, 12, 7)) == 0  # weekend
    assert trading_days_between(dt.date(2026, 6, 2), dt.date(2026, 6, 4)) == 0  # 지방선거
    assert trading_days_between(dt.date(2026, 11, 27), LIVE_DAY) == 4
    # before the calendar starts: weekdays
    assert trading_days_between(dt.date(1990, 1, 1), dt.date(1990, 1, 8)) == 4


def test_stale_history_is_left_out_before_the_start(krx_daily_dir: Path) -> None:
    panel = load_csv_dir(krx_daily_dir)  # real bars ending in December 2023
    watch = Watch(panel, live_day=LIVE_DAY)
    watch.add("trend", "sma(close, 3) > 0", ["005930", "069500"])
    assert [notice.code for notice in watch.notices] == ["005930", "069500"]
    notice = watch.notices[0]
    assert notice.last_day == dt.date(2023, 12, 22) and notice.gap > 600
    assert "not joined to live bars" in str(notice)
    events: list[WatchEvent] = []
    watch.on_event(events.append)
    source = FakeSource()
    watch.start(source)
    assert events == []  # no initial state from 2023
    assert watch.forming_bar("005930") is None
    source.send(_trade("005930", 75_000, day=LIVE_DAY))
    assert watch.forming_bar("005930") == (LIVE_DAY, (75_000.0,) * 4 + (10.0,))
    assert watch.value("trend", "005930") is False  # sma(close, 3) of one live bar is NaN
    assert events == []


def test_a_first_trade_far_after_the_history_drops_it() -> None:
    history = {"A": _history([100.0] * 30, dt.date(2023, 12, 28))}
    watch = Watch(history, instruments={"A": {"code": "A"}})
    watch.add("up", "change > 0.5", ["A"])
    notices: list[HistoryNotice] = []
    watch.on_notice(notices.append)
    events: list[WatchEvent] = []
    watch.on_event(events.append)
    source = FakeSource()
    watch.start(source)
    source.send(_trade("A", 200, day=LIVE_DAY))  # +100% on the 2023 close, if it were joined
    assert [(notice.code, notice.last_day, notice.live_day) for notice in notices] == [
        ("A", dt.date(2023, 12, 28), LIVE_DAY)
    ]
    assert watch.notices == notices
    assert events == []  # no previous close on the live side: change is NaN
    assert watch.value("up", "A") is False
    assert watch.forming_bar("A") == (LIVE_DAY, (200.0, 200.0, 200.0, 200.0, 10.0))


def test_recent_history_is_joined() -> None:
    history = {"A": _history([100.0] * 30, dt.date(2026, 11, 27))}  # 4 trading days missing
    watch = Watch(history, instruments={"A": {"code": "A"}}, live_day=LIVE_DAY)
    watch.add("up", "change > 0.5", ["A"])
    events: list[WatchEvent] = []
    watch.on_event(events.append)
    source = FakeSource()
    watch.start(source)
    source.send(_trade("A", 101, day=LIVE_DAY))
    assert watch.notices == []
    assert [event.kind for event in events] == ["entered"]
    assert events[0].values["change"] == pytest.approx(1.0)


def test_history_past_the_live_day_is_cut_at_it() -> None:
    history = {"A": _history([100.0] * 10 + [150.0] * 5, dt.date(2026, 12, 11))}
    watch = Watch(history, instruments={"A": {"code": "A"}}, live_day=LIVE_DAY)
    watch.add("high", "close > 120", ["A"])
    assert [notice.gap for notice in watch.notices] == [-1]
    assert "past the live day" in str(watch.notices[0])
    day, bar = watch.forming_bar("A") or (None, ())
    assert day == LIVE_DAY and bar[3] == 100.0  # the bars of Dec 7-11 are not read


def test_a_negative_gap_is_refused() -> None:
    with pytest.raises(InvalidInput):
        Watch(max_history_gap=-1)
