"""Scheduled strategy work: "at 15:10 every trading day", "at the open each month"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from yeouido.model.errors import InvalidInput

EVERY = ("day", "week", "month")
OPEN_TIME = dt.time(9, 0)
CLOSE_TIME = dt.time(15, 30)
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(slots=True)
class Job:
    """One scheduled callback: its Seoul time of day and how often."""

    callback: Callable[[Any], None]
    at: dt.time
    every: str
    last_run: dt.date | None = field(default=None)
    cancelled: bool = False

    def due_on(self, day: dt.date, previous_trading_day: dt.date | None) -> bool:
        """Whether the job runs on trading day ``day`` (the day after ``previous_trading_day``
        in the calendar being used). Weekly and monthly jobs run on the first trading day of
        each week or month, and on the first day of a run (``previous_trading_day`` is
        ``None``): a strategy started mid-month rebalances at once, in a backtest and live."""
        if self.cancelled or self.last_run == day:
            return False
        if self.every == "day" or previous_trading_day is None:
            return True
        if self.every == "week":
            return day.isocalendar()[:2] != previous_trading_day.isocalendar()[:2]
        return (day.year, day.month) != (previous_trading_day.year, previous_trading_day.month)

    def cancel(self) -> None:
        """Stop running this job."""
        self.cancelled = True


def parse_time(at: str) -> dt.time:
    """``"HH:MM"``, ``"open"`` (09:00) or ``"close"`` (15:30) as a time of day."""
    text = str(at).strip().lower()
    if text == "open":
        return OPEN_TIME
    if text == "close":
        return CLOSE_TIME
    match = _CLOCK.match(text)
    if match is None:
        raise InvalidInput.for_field("at", at, "must be HH:MM (24-hour, Seoul), 'open' or 'close'")
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_job(callback: Callable[[Any], None], at: str, every: str) -> Job:
    """A :class:`Job`, with the arguments checked."""
    if not callable(callback):
        raise InvalidInput.for_field("callback", repr(callback), "must be callable")
    if every not in EVERY:
        raise InvalidInput.for_field("every", every, f"must be one of {', '.join(EVERY)}")
    return Job(callback=callback, at=parse_time(at), every=every)
