"""The KRX trading calendar: trading days from ``exchange_calendars``' XKRX, less the closures
XKRX lacks (:mod:`yeouido.krx.holidays`, extendable with :func:`add_holiday`), plus special days.

The calendar covers up to :data:`~yeouido.krx.holidays.LAST_COVERED_DAY`; asking about a later
day raises a :class:`CalendarError` naming that day.

Special days shift the schedule. They are data, extendable at run time with
:func:`add_special_day`:

- the first trading day of each year opens an hour late (10:00; the close stays);
- college entrance exam (CSAT, 수능) days shift the whole schedule by an hour.
"""

from __future__ import annotations

import functools
import os
import tempfile
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from yeouido.krx.holidays import LAST_COVERED_DAY, Holiday, extra_holidays, register_holiday
from yeouido.model.errors import CalendarError, InvalidInput
from yeouido.paths import cache_dir


@dataclass(frozen=True, slots=True)
class SpecialDay:
    """A day whose schedule moves: the opening part by ``open_shift`` minutes, the closing
    part by ``close_shift`` minutes."""

    day: date
    open_shift: int
    close_shift: int
    reason: str


CSAT_DAYS: tuple[date, ...] = (
    date(2006, 11, 16),
    date(2007, 11, 15),
    date(2008, 11, 13),
    date(2009, 11, 12),
    date(2010, 11, 18),
    date(2011, 11, 10),
    date(2012, 11, 8),
    date(2013, 11, 7),
    date(2014, 11, 13),
    date(2015, 11, 12),
    date(2016, 11, 17),
    date(2017, 11, 23),
    date(2018, 11, 15),
    date(2019, 11, 14),
    date(2020, 12, 3),
    date(2021, 11, 18),
    date(2022, 11, 17),
    date(2023, 11, 16),
    date(2024, 11, 14),
    date(2025, 11, 13),
    date(2026, 11, 19),
    date(2027, 11, 18),
)
"""수능 days: the whole KRX schedule starts and ends one hour later."""

FIRST_DAY_OPEN_SHIFT = 60
"""Minutes the opening moves on the first trading day of a year."""

_extra_special_days: dict[date, SpecialDay] = {}


def add_special_day(day: date, open_shift: int, close_shift: int, reason: str) -> SpecialDay:
    """Register (or replace) a special day, e.g. a future CSAT day::

    add_special_day(date(2027, 11, 18), 60, 60, "CSAT")
    """
    for name, value in (("open_shift", open_shift), ("close_shift", close_shift)):
        if not -180 <= value <= 180:
            raise InvalidInput.for_field(name, value, "must be between -180 and 180 minutes")
    special = SpecialDay(day, open_shift, close_shift, reason)
    _extra_special_days[day] = special
    return special


def special_day(day: date) -> SpecialDay | None:
    """The schedule shift of ``day``, if any (user-registered days take precedence)."""
    if day in _extra_special_days:
        return _extra_special_days[day]
    if day in CSAT_DAYS:
        return SpecialDay(day, 60, 60, "CSAT (college entrance exam): schedule +1 h")
    if is_trading_day(day) and day == first_trading_day(day.year):
        return SpecialDay(
            day, FIRST_DAY_OPEN_SHIFT, 0, "first trading day of the year: opens 10:00"
        )
    return None


def add_holiday(day: date, reason: str) -> Holiday:
    """Close KRX on ``day``, e.g. a temporary public holiday the government declares::

    add_holiday(date(2027, 6, 4), "임시공휴일")

    The day must lie within the calendar (see :func:`calendar_range`)."""
    _check_range(day)
    if not reason.strip():
        raise InvalidInput.for_field("reason", reason, "must say why KRX is closed")
    holiday = register_holiday(day, reason.strip())
    _sessions.cache_clear()
    first_trading_day.cache_clear()
    return holiday


def holiday(day: date) -> Holiday | None:
    """The closure :mod:`yeouido.krx.holidays` keeps for ``day`` (XKRX's own holidays are not
    named here), if any."""
    return extra_holidays().get(day)


@dataclass(frozen=True, slots=True)
class _Sessions:
    first: date
    last: date
    days: frozenset[date]


CACHE_LAYOUT = 2
"""Version of the cached session list's name and content; bump it when either changes."""


def _load_from_exchange_calendars() -> list[date]:
    with warnings.catch_warnings():
        # exchange_calendars trips a pandas deprecation warning of its own; not ours to fix.
        warnings.simplefilter("ignore")
        import exchange_calendars

        calendar = exchange_calendars.get_calendar("XKRX", end=LAST_COVERED_DAY.isoformat())
        return [timestamp.date() for timestamp in calendar.sessions]


def _cache_path() -> Path:
    """Where the XKRX session list is cached: one file per month, layout, exchange_calendars
    version and last covered day, so a newer calendar never reads an older list."""
    from importlib.metadata import version

    today = date.today()
    return cache_dir() / (
        f"xkrx-v{CACHE_LAYOUT}-{version('exchange_calendars')}"
        f"-to{LAST_COVERED_DAY:%Y%m%d}-{today:%Y-%m}.txt"
    )


def _covers_the_end(days: list[date]) -> bool:
    """Whether a session list reaches the last covered day (within a holiday week)."""
    return bool(days) and (LAST_COVERED_DAY - days[-1]).days <= 10


@functools.cache
def _sessions() -> _Sessions:
    """KRX trading days: XKRX's sessions less :func:`~yeouido.krx.holidays.extra_holidays`.

    Building XKRX takes exchange_calendars seconds, so its list is kept in the cache directory,
    rebuilt each month, whenever exchange_calendars or the covered range changes, and when a
    cached list does not reach the end. Our own holidays are taken out after reading, so no
    cached list can hide them."""
    path = _cache_path()
    try:
        days = [date.fromisoformat(line) for line in path.read_text().split()]
    except (OSError, ValueError):
        days = []
    if not _covers_the_end(days):
        days = _load_from_exchange_calendars()
        _write_atomically(path, "\n".join(day.isoformat() for day in days))
    if not days:
        raise CalendarError("the XKRX calendar is empty", field="calendar", value="XKRX")
    closed = extra_holidays()
    return _Sessions(days[0], LAST_COVERED_DAY, frozenset(day for day in days if day not in closed))


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, delete=False, prefix=".tmp-", encoding="utf-8"
        ) as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except OSError:
        pass  # a cache we cannot write only costs time


def calendar_range() -> tuple[date, date]:
    """The first and last day the calendar knows (the last is
    :data:`~yeouido.krx.holidays.LAST_COVERED_DAY`)."""
    sessions = _sessions()
    return sessions.first, sessions.last


def _check_range(day: date) -> None:
    first, last = calendar_range()
    if day > last:
        raise CalendarError(
            f"{day.isoformat()} is beyond the KRX calendar, which covers days up to"
            f" {last.isoformat()} (KRX announces a year's holidays in December of the year"
            " before)",
            field="date",
            value=day.isoformat(),
            rule=f"on or before {last.isoformat()}",
        )
    if day < first:
        raise CalendarError(
            f"{day.isoformat()} is before the KRX calendar, which starts on {first.isoformat()}",
            field="date",
            value=day.isoformat(),
            rule=f"on or after {first.isoformat()}",
        )


def is_trading_day(day: date) -> bool:
    """Whether KRX trades on ``day``."""
    _check_range(day)
    return day in _sessions().days


def trading_days(start: date, end: date) -> list[date]:
    """Trading days from ``start`` to ``end``, both included."""
    if end < start:
        raise InvalidInput.for_field("end", end.isoformat(), f"must not be before {start}")
    _check_range(start)
    _check_range(end)
    sessions = _sessions().days
    return [
        start + timedelta(days=offset)
        for offset in range((end - start).days + 1)
        if start + timedelta(days=offset) in sessions
    ]


def next_trading_day(day: date) -> date:
    """The first trading day after ``day``."""
    candidate = day + timedelta(days=1)
    while not is_trading_day(candidate):
        candidate += timedelta(days=1)
    return candidate


def previous_trading_day(day: date) -> date:
    """The last trading day before ``day``."""
    candidate = day - timedelta(days=1)
    while not is_trading_day(candidate):
        candidate -= timedelta(days=1)
    return candidate


@functools.cache
def first_trading_day(year: int) -> date:
    """The first trading day of ``year``."""
    day = date(year, 1, 1)
    while not is_trading_day(day):
        day += timedelta(days=1)
    return day
