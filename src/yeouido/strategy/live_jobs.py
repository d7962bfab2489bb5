"""The live runtime's scheduled jobs: which of a strategy's jobs are due at a market time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from yeouido.model.errors import YeouidoError
from yeouido.model.time import SEOUL
from yeouido.strategy.schedule import Job

JOB_GRACE = timedelta(minutes=1)
"""A job first seen more than this after its time today waits for its next day."""


def is_trading_day(day: date) -> bool:
    """Whether KRX trades on ``day`` (weekdays when the calendar does not cover it)."""
    from yeouido.krx.calendar import is_trading_day as calendar_says

    try:
        return calendar_says(day)
    except YeouidoError:
        return day.weekday() < 5


def previous_trading_day(day: date) -> date | None:
    """The trading day before ``day`` (``None`` when the calendar does not cover it)."""
    from yeouido.krx.calendar import previous_trading_day as calendar_says

    try:
        return calendar_says(day)
    except YeouidoError:
        return None


class JobScheduler:
    """Decides when each job runs: at its time on a trading day, once a day at most; a job
    whose time today had passed (by more than :data:`JOB_GRACE`) when it was first seen waits
    for its next day; as in a backtest, the first day of the run counts as a new week and
    month."""

    def __init__(self) -> None:
        self._seen: set[int] = set()
        self._first_day: date | None = None

    def due(self, jobs: Iterable[Job], now: datetime) -> Iterator[Job]:
        """The jobs to run at market time ``now``, one at a time (each marked as run today
        when it is given: run it before asking for the next)."""
        jobs = list(jobs)
        day = now.date()
        if not jobs or not is_trading_day(day):
            return
        for job in jobs:
            if job.cancelled:
                continue
            at = datetime.combine(day, job.at, tzinfo=SEOUL)
            if id(job) not in self._seen:
                self._seen.add(id(job))
                if now - at > JOB_GRACE:
                    job.last_run = day  # its time today passed before the run began
                    continue
            if self._first_day is None:
                self._first_day = day
            previous = None if day == self._first_day else previous_trading_day(day)
            if now < at or not job.due_on(day, previous):
                continue
            job.last_run = day
            yield job


__all__ = ["JOB_GRACE", "JobScheduler", "is_trading_day", "previous_trading_day"]
