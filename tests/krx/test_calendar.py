"""The KRX calendar: closures XKRX lacks, where the calendar stops, and its cached session list."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yeouido.cli.main import app
from yeouido.krx import (
    LAST_COVERED_DAY,
    add_holiday,
    calendar_range,
    first_trading_day,
    holiday,
    is_trading_day,
    next_trading_day,
    special_day,
    trading_days,
)
from yeouido.krx import calendar as krx_calendar
from yeouido.krx import holidays as krx_holidays
from yeouido.model import CalendarError, InvalidInput

runner = CliRunner()

# KRX's weekday closures as facts: 2026 as KRX announced it (17 days, with the local elections
# and the restored 제헌절); 2027 from the public-holiday law (lunar dates: Seollal 2027-02-07,
# Buddha's birthday 05-13, Chuseok 09-15), with substitute days and the year-end closing day.
CLOSED_2026 = [
    "01-01", "02-16", "02-17", "02-18", "03-02", "05-01", "05-05", "05-25", "06-03", "07-17",
    "08-17", "09-24", "09-25", "10-05", "10-09", "12-25", "12-31",
]  # fmt: skip
CLOSED_2027 = [
    "01-01", "02-08", "02-09", "03-01", "05-03", "05-05", "05-13", "07-19", "08-16", "09-14",
    "09-15", "09-16", "10-04", "10-11", "12-27", "12-31",
]  # fmt: skip


def weekday_closures(year: int) -> list[str]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    open_days = set(trading_days(start, end))
    days = (start + timedelta(days=offset) for offset in range((end - start).days + 1))
    return [f"{day:%m-%d}" for day in days if day.weekday() < 5 and day not in open_days]


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache directory, and the calendar's in-process caches dropped around the test."""
    monkeypatch.setenv("YEOUIDO_CACHE_DIR", str(tmp_path))
    krx_calendar._sessions.cache_clear()
    first_trading_day.cache_clear()
    yield tmp_path
    krx_calendar._sessions.cache_clear()
    first_trading_day.cache_clear()


def test_local_election_2026_is_closed() -> None:
    assert not is_trading_day(date(2026, 6, 3))
    assert next_trading_day(date(2026, 6, 2)) == date(2026, 6, 4)
    known = holiday(date(2026, 6, 3))
    assert known is not None and "지방선거" in known.reason and known.confirmed


def test_weekday_closures_of_the_covered_years() -> None:
    assert weekday_closures(2026) == CLOSED_2026
    assert weekday_closures(2027) == CLOSED_2027


def test_single_source_days_are_marked_unconfirmed() -> None:
    unconfirmed = [day for day in krx_holidays.KRX_EXTRA_HOLIDAYS if not day.confirmed]
    assert [day.day for day in unconfirmed] == [date(2027, 5, 3), date(2027, 7, 19)]
    assert all("(unconfirmed)" in day.reason for day in unconfirmed)


def test_csat_2027_shifts_the_schedule() -> None:
    shifted = special_day(date(2027, 11, 18))
    assert shifted is not None and shifted.open_shift == 60 and "CSAT" in shifted.reason


def test_the_calendar_reaches_the_end_of_2027() -> None:
    assert calendar_range()[1] == LAST_COVERED_DAY == date(2027, 12, 31)
    assert trading_days(date(2027, 12, 28), date(2027, 12, 31))[-1] == date(2027, 12, 30)


def test_beyond_the_end_names_the_last_covered_day() -> None:
    with pytest.raises(CalendarError) as raised:
        is_trading_day(date(2028, 1, 3))
    assert "2027-12-31" in str(raised.value)
    assert raised.value.field == "date" and raised.value.value == "2028-01-03"
    with pytest.raises(CalendarError, match="2027-12-31"):
        next_trading_day(date(2027, 12, 30))


def test_cli_month_at_the_end_and_beyond() -> None:
    result = runner.invoke(app, ["calendar", "2027-12", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["holidays"] == ["2027-12-27", "2027-12-31"]
    assert data["trading_days"][-1] == "2027-12-30"
    beyond = runner.invoke(app, ["calendar", "2028-01"])
    assert beyond.exit_code == 2
    assert "Traceback" not in beyond.output
    assert "2027-12-31" in " ".join(beyond.output.split())


def test_cli_names_the_holidays_we_keep() -> None:
    result = runner.invoke(app, ["calendar", "2027-07"])
    assert result.exit_code == 0, result.output
    assert "07-19" in result.output and "(unconfirmed)" in result.output


def test_a_stale_cached_list_neither_hides_holidays_nor_shortens_the_calendar(
    fresh_cache: Path,
) -> None:
    # The list an older release cached: XKRX up to 2027-12-03, 2026-06-03 a session.
    stale = [date(2026, 6, 1) + timedelta(days=offset) for offset in range(551)]
    stale = [day for day in stale if day.weekday() < 5]
    assert stale[-1] == date(2027, 12, 3) and date(2026, 6, 3) in stale
    path = krx_calendar._cache_path()
    assert "-v2-" in path.name and "to20271231" in path.name
    path.write_text("\n".join(day.isoformat() for day in stale))
    assert not is_trading_day(date(2026, 6, 3))
    assert not is_trading_day(date(2026, 7, 17))
    assert is_trading_day(date(2027, 12, 30))
    assert not is_trading_day(date(2027, 12, 31))
    rebuilt = path.read_text().split()
    assert rebuilt[-1] == "2027-12-30"


def test_holidays_are_taken_out_of_a_current_cached_list(fresh_cache: Path) -> None:
    # Even a cached list that reaches the end and holds our holidays as sessions cannot hide them.
    days = [date(2026, 1, 2) + timedelta(days=offset) for offset in range(729)]
    krx_calendar._cache_path().write_text(
        "\n".join(day.isoformat() for day in days if day.weekday() < 5)
    )
    assert not is_trading_day(date(2026, 6, 3))
    assert is_trading_day(date(2026, 6, 4))


def test_add_holiday_closes_the_day_at_run_time(fresh_cache: Path) -> None:
    day = date(2027, 1, 4)
    assert first_trading_day(2027) == day
    try:
        added = add_holiday(day, "임시공휴일 (test)")
        assert not is_trading_day(day)
        assert holiday(day) == added
        assert first_trading_day(2027) == date(2027, 1, 5)
    finally:
        krx_holidays._added_holidays.pop(day, None)
    with pytest.raises(CalendarError, match="2027-12-31"):
        add_holiday(date(2028, 5, 1), "too late")
    with pytest.raises(InvalidInput):
        add_holiday(date(2027, 3, 2), "  ")
