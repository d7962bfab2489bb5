"""Sessions, special days and the calendar."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from yeouido.krx import (
    Phase,
    add_special_day,
    first_trading_day,
    is_trading_day,
    next_trading_day,
    phase_at,
    phases_at,
    previous_trading_day,
    schedule,
    trading_days,
)
from yeouido.krx.calendar import _extra_special_days
from yeouido.model import SEOUL, CalendarError, InvalidInput

REGULAR_DAY = date(2026, 11, 24)


def at(day: date, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=SEOUL)


def test_regular_krx_day() -> None:
    day = schedule(REGULAR_DAY)
    spans = {w.phase: (w.start.time(), w.end.time()) for w in day.phases}
    assert spans == {
        Phase.PRE_OPEN_CLOSE: (time(8, 30), time(8, 40)),
        Phase.OPENING_AUCTION: (time(8, 30), time(9, 0)),
        Phase.CONTINUOUS: (time(9, 0), time(15, 20)),
        Phase.CLOSING_AUCTION: (time(15, 20), time(15, 30)),
        Phase.AFTER_HOURS_CLOSE: (time(15, 30), time(16, 0)),
        Phase.AFTER_HOURS_SINGLE: (time(16, 0), time(18, 0)),
    }
    single = day.window(Phase.AFTER_HOURS_SINGLE)
    assert single is not None
    assert [t.time() for t in single.uncross_times] == [
        time(16, 10),
        time(16, 20),
        time(16, 30),
        time(16, 40),
        time(16, 50),
        time(17, 0),
        time(17, 10),
        time(17, 20),
        time(17, 30),
        time(17, 40),
        time(17, 50),
        time(18, 0),
    ]
    close_price = day.window(Phase.AFTER_HOURS_CLOSE)
    assert close_price is not None and close_price.matching_start == at(REGULAR_DAY, 15, 40)


def test_nxt_day() -> None:
    spans = [(w.phase, w.start.time(), w.end.time()) for w in schedule(REGULAR_DAY, "NXT").phases]
    assert spans == [
        (Phase.NXT_PRE_MARKET, time(8, 0), time(8, 50)),
        (Phase.NXT_HALT, time(8, 50), time(9, 0, 30)),
        (Phase.NXT_MAIN_MARKET, time(9, 0, 30), time(15, 20)),
        (Phase.NXT_HALT, time(15, 20), time(15, 30)),
        (Phase.NXT_AFTER_MARKET, time(15, 30), time(20, 0)),
    ]


@pytest.mark.parametrize(
    ("clock", "venue", "phase"),
    [
        ((8, 29, 59), "KRX", Phase.CLOSED),
        ((8, 35), "KRX", Phase.OPENING_AUCTION),
        ((9, 0), "KRX", Phase.CONTINUOUS),
        ((15, 19, 59), "KRX", Phase.CONTINUOUS),
        ((15, 20), "KRX", Phase.CLOSING_AUCTION),
        ((15, 45), "KRX", Phase.AFTER_HOURS_CLOSE),
        ((17, 0), "KRX", Phase.AFTER_HOURS_SINGLE),
        ((18, 0), "KRX", Phase.CLOSED),
        ((8, 10), "NXT", Phase.NXT_PRE_MARKET),
        ((9, 0, 10), "NXT", Phase.NXT_HALT),
        ((19, 59), "NXT", Phase.NXT_AFTER_MARKET),
    ],
)
def test_phase_at(clock: tuple[int, ...], venue: str, phase: Phase) -> None:
    assert phase_at(at(REGULAR_DAY, *clock), venue) is phase


def test_both_pre_open_phases_are_active_at_0835() -> None:
    assert phases_at(at(REGULAR_DAY, 8, 35)) == (Phase.PRE_OPEN_CLOSE, Phase.OPENING_AUCTION)


def test_phase_at_converts_from_utc() -> None:
    from datetime import UTC

    assert phase_at(datetime(2026, 11, 24, 1, 0, tzinfo=UTC)) is Phase.CONTINUOUS


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        phase_at(datetime(2026, 11, 24, 10, 0))
    assert "timezone-aware" in str(raised.value)


def test_first_trading_day_opens_at_ten() -> None:
    assert first_trading_day(2026) == date(2026, 1, 2)
    day = schedule(date(2026, 1, 2))
    continuous = day.window(Phase.CONTINUOUS)
    assert continuous is not None
    assert (continuous.start.time(), continuous.end.time()) == (time(10, 0), time(15, 20))
    assert phase_at(at(date(2026, 1, 2), 9, 45)) is Phase.OPENING_AUCTION


def test_csat_day_shifts_everything_an_hour() -> None:
    day = schedule(date(2026, 11, 19))
    assert "CSAT" in day.note
    closing = day.window(Phase.CLOSING_AUCTION)
    assert closing is not None
    assert (closing.start.time(), closing.end.time()) == (time(16, 20), time(16, 30))
    single = day.window(Phase.AFTER_HOURS_SINGLE)
    assert single is not None and single.end.time() == time(19, 0)
    nxt_after = schedule(date(2026, 11, 19), "NXT").window(Phase.NXT_AFTER_MARKET)
    assert nxt_after is not None and nxt_after.end.time() == time(20, 0)


def test_special_days_can_be_added() -> None:
    day = date(2026, 11, 25)
    try:
        add_special_day(day, 30, 0, "test delay")
        continuous = schedule(day).window(Phase.CONTINUOUS)
        assert continuous is not None and continuous.start.time() == time(9, 30)
    finally:
        _extra_special_days.pop(day, None)
    with pytest.raises(InvalidInput):
        add_special_day(day, 500, 0, "too far")


def test_holidays_and_weekends() -> None:
    assert not is_trading_day(date(2026, 11, 22))  # Sunday
    assert not is_trading_day(date(2025, 12, 31))  # year-end closing
    assert not schedule(date(2025, 12, 31)).is_trading_day
    assert phase_at(at(date(2025, 12, 31), 10, 0)) is Phase.CLOSED
    assert next_trading_day(date(2026, 11, 20)) == date(2026, 11, 23)
    assert previous_trading_day(date(2026, 11, 23)) == date(2026, 11, 20)
    assert trading_days(date(2026, 11, 20), date(2026, 11, 24)) == [
        date(2026, 11, 20),
        date(2026, 11, 23),
        date(2026, 11, 24),
    ]


def test_dates_outside_the_calendar_raise() -> None:
    with pytest.raises(CalendarError) as raised:
        is_trading_day(date(1980, 1, 2))
    assert raised.value.field == "date"
