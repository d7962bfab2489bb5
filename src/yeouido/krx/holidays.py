"""KRX closures that ``exchange_calendars``' XKRX lacks, and how far our calendar reaches.

``exchange_calendars`` computes XKRX holidays from rules; days decided later (an election, a
holiday restored by law, a new substitute-holiday rule) reach it only with a release. This module
is the one place where such days are kept: :data:`KRX_EXTRA_HOLIDAYS` (reviewed facts, shipped)
and :func:`add_holiday` (a user's own, at run time, through :func:`yeouido.krx.add_holiday`).

KRX announces a year's closures in December of the year before. :data:`LAST_COVERED_DAY` is the
last day the calendar answers for; a later day is a :class:`~yeouido.model.errors.CalendarError`
naming it. Extending the calendar by a year means: check KRX's announcement (or, before it, the
public-holiday law) against what XKRX computes for that year, add the days XKRX lacks here, and
move :data:`LAST_COVERED_DAY`.

Facts found in a single source only carry ``(unconfirmed)`` in their constant's name and reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LAST_COVERED_DAY = date(2027, 12, 31)
"""The last day the calendar covers. KRX's 2027 closures are not announced yet (December 2026):
2027 follows the public-holiday law as of 2026 (lunar dates from the KASI tables that
``korean_lunar_calendar`` ships), cross-checked with XKRX."""

UNCONFIRMED = "(unconfirmed)"
"""The mark of a fact found in a single source."""


@dataclass(frozen=True, slots=True)
class Holiday:
    """A weekday on which KRX does not trade, and why."""

    day: date
    reason: str

    @property
    def confirmed(self) -> bool:
        """False for a day known from a single source only."""
        return UNCONFIRMED not in self.reason


LOCAL_ELECTION_2026 = Holiday(date(2026, 6, 3), "전국동시지방선거 (local elections)")
"""The 9th local elections: election days are public holidays, and KRX closes."""

CONSTITUTION_DAY_2026 = Holiday(date(2026, 7, 17), "제헌절 (Constitution Day)")
"""제헌절 is a public holiday again from 2026 (공휴일에 관한 법률, amended 2026-02-10)."""

LABOR_DAY_SUBSTITUTE_2027_UNCONFIRMED = Holiday(
    date(2027, 5, 3), f"노동절 대체공휴일 (Labor Day substitute) {UNCONFIRMED}"
)
"""May 1 2027 is a Saturday. 노동절 became a public holiday in 2026; that its substitute-holiday
rule applies is found in one kind of source only (holiday-library changes), not from KRX."""

CONSTITUTION_DAY_SUBSTITUTE_2027_UNCONFIRMED = Holiday(
    date(2027, 7, 19), f"제헌절 대체공휴일 (Constitution Day substitute) {UNCONFIRMED}"
)
"""July 17 2027 is a Saturday; that the restored 제헌절 takes a substitute day is found in one kind
of source only (holiday-library changes), not from KRX."""

KRX_EXTRA_HOLIDAYS: tuple[Holiday, ...] = (
    LOCAL_ELECTION_2026,
    CONSTITUTION_DAY_2026,
    LABOR_DAY_SUBSTITUTE_2027_UNCONFIRMED,
    CONSTITUTION_DAY_SUBSTITUTE_2027_UNCONFIRMED,
)
"""Weekday KRX closures that XKRX (exchange_calendars 4.13) treats as trading days."""

_added_holidays: dict[date, Holiday] = {}


def register_holiday(day: date, reason: str) -> Holiday:
    """Record a user's holiday (use :func:`yeouido.krx.add_holiday`, which also refreshes the
    calendar's caches)."""
    holiday = Holiday(day, reason)
    _added_holidays[day] = holiday
    return holiday


def extra_holidays() -> dict[date, Holiday]:
    """Every closure kept here, shipped and user-added (a user's entry wins on the same day)."""
    table = {holiday.day: holiday for holiday in KRX_EXTRA_HOLIDAYS}
    table.update(_added_holidays)
    return table
