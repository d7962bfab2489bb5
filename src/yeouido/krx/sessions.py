"""The day's trading phases on KRX and Nextrade (NXT), in Seoul time.

:func:`schedule` gives a day's phases; :func:`phase_at` the main phase at a moment;
:func:`phases_at` every phase open at a moment (08:30–08:40 KRX runs the pre-open
closing-price session and collects the opening auction at once).

KRX (regular day)::

    08:30–08:40  pre-open closing-price trade (장전 시간외종가), at the previous close
    08:30–09:00  opening auction (orders collected; uncross at 09:00 + random end)
    09:00–15:20  continuous trading
    15:20–15:30  closing auction
    15:30–16:00  after-hours closing-price trade (장후 시간외종가): orders from 15:30,
                 matching 15:40–16:00 at the day's close
    16:00–18:00  after-hours single price (시간외 단일가): an auction every 10 minutes

NXT: pre-market 08:00–08:50, main market 09:00:30–15:20, after-market 15:30–20:00, continuous
only, halted in between. Special days (see :mod:`yeouido.krx.calendar`) shift the opening
part and the closing part of both venues (NXT's 20:00 end stays).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from yeouido.krx.calendar import is_trading_day, special_day
from yeouido.model.enums import Session, Venue
from yeouido.model.errors import InvalidInput
from yeouido.model.time import SEOUL, require_aware


class Phase(StrEnum):
    """A trading phase of one venue."""

    CLOSED = "closed"
    PRE_OPEN_CLOSE = "pre_open_close"
    OPENING_AUCTION = "opening_auction"
    CONTINUOUS = "continuous"
    CLOSING_AUCTION = "closing_auction"
    AFTER_HOURS_CLOSE = "after_hours_close"
    AFTER_HOURS_SINGLE = "after_hours_single"
    NXT_PRE_MARKET = "nxt_pre_market"
    NXT_MAIN_MARKET = "nxt_main_market"
    NXT_AFTER_MARKET = "nxt_after_market"
    NXT_HALT = "nxt_halt"

    @property
    def label(self) -> str:
        """A short human label with the Korean name."""
        return _LABELS[self]


_LABELS = {
    Phase.CLOSED: "closed (장종료)",
    Phase.PRE_OPEN_CLOSE: "pre-open closing-price (장전 시간외종가)",
    Phase.OPENING_AUCTION: "opening auction (장전 동시호가)",
    Phase.CONTINUOUS: "continuous (정규장 접속매매)",
    Phase.CLOSING_AUCTION: "closing auction (장마감 동시호가)",
    Phase.AFTER_HOURS_CLOSE: "after-hours closing-price (장후 시간외종가)",
    Phase.AFTER_HOURS_SINGLE: "after-hours single price (시간외 단일가)",
    Phase.NXT_PRE_MARKET: "NXT pre-market (프리마켓)",
    Phase.NXT_MAIN_MARKET: "NXT main market (메인마켓)",
    Phase.NXT_AFTER_MARKET: "NXT after-market (애프터마켓)",
    Phase.NXT_HALT: "NXT halt",
}

PHASE_SESSION: dict[Phase, Session] = {
    Phase.PRE_OPEN_CLOSE: Session.PRE_OPEN_CLOSE,
    Phase.OPENING_AUCTION: Session.REGULAR,
    Phase.CONTINUOUS: Session.REGULAR,
    Phase.CLOSING_AUCTION: Session.REGULAR,
    Phase.AFTER_HOURS_CLOSE: Session.AFTER_HOURS_CLOSE,
    Phase.AFTER_HOURS_SINGLE: Session.AFTER_HOURS_SINGLE,
    Phase.NXT_PRE_MARKET: Session.REGULAR,
    Phase.NXT_MAIN_MARKET: Session.REGULAR,
    Phase.NXT_AFTER_MARKET: Session.REGULAR,
}
"""Which order session each phase accepts orders for (halts and CLOSED accept none)."""

AUCTION_PHASES = frozenset({Phase.OPENING_AUCTION, Phase.CLOSING_AUCTION, Phase.AFTER_HOURS_SINGLE})
"""Phases that collect orders for a call auction."""

NXT_MAIN_START = time(9, 0, 30)
"""NXT's main market opens 30 seconds after KRX (some sources say 09:00; change it here)."""


@dataclass(frozen=True, slots=True)
class PhaseWindow:
    """One phase of one day: ``[start, end)`` in Seoul time.

    ``uncross_times`` are the scheduled auction times of an auction phase (each may end up
    to 30 s later at random); ``matching_start`` is when matching begins in a phase that
    collects orders before it matches (after-hours closing price: 15:40).
    """

    phase: Phase
    start: datetime
    end: datetime
    uncross_times: tuple[datetime, ...] = ()
    matching_start: datetime | None = None

    def contains(self, moment: datetime) -> bool:
        """Whether ``moment`` falls in ``[start, end)``."""
        return self.start <= moment < self.end

    @property
    def session(self) -> Session | None:
        """The order session this phase accepts, if any."""
        return PHASE_SESSION.get(self.phase)


@dataclass(frozen=True, slots=True)
class DaySchedule:
    """A venue's phases on one day, in time order (empty on a non-trading day)."""

    day: date
    venue: Venue
    phases: tuple[PhaseWindow, ...]
    note: str = ""

    @property
    def is_trading_day(self) -> bool:
        """Whether the venue trades on this day."""
        return bool(self.phases)

    def window(self, phase: Phase) -> PhaseWindow | None:
        """The window of ``phase`` on this day, if it has one."""
        return next((window for window in self.phases if window.phase is phase), None)

    def session_windows(self, session: Session) -> tuple[PhaseWindow, ...]:
        """The windows in which orders for ``session`` are accepted."""
        return tuple(window for window in self.phases if window.session is session)


# (phase, start, end, which part of the day it belongs to: "open" or "close" or "split")
_KRX_TEMPLATE = (
    (Phase.PRE_OPEN_CLOSE, time(8, 30), time(8, 40), "open"),
    (Phase.OPENING_AUCTION, time(8, 30), time(9, 0), "open"),
    (Phase.CONTINUOUS, time(9, 0), time(15, 20), "split"),
    (Phase.CLOSING_AUCTION, time(15, 20), time(15, 30), "close"),
    (Phase.AFTER_HOURS_CLOSE, time(15, 30), time(16, 0), "close"),
    (Phase.AFTER_HOURS_SINGLE, time(16, 0), time(18, 0), "close"),
)
_NXT_TEMPLATE = (
    (Phase.NXT_PRE_MARKET, time(8, 0), time(8, 50), "open"),
    (Phase.NXT_HALT, time(8, 50), NXT_MAIN_START, "open"),
    (Phase.NXT_MAIN_MARKET, NXT_MAIN_START, time(15, 20), "split"),
    (Phase.NXT_HALT, time(15, 20), time(15, 30), "close"),
    (Phase.NXT_AFTER_MARKET, time(15, 30), time(20, 0), "close_fixed_end"),
)
AFTER_HOURS_CLOSE_MATCHING_DELAY = timedelta(minutes=10)
SINGLE_PRICE_INTERVAL = timedelta(minutes=10)


def schedule(day: date, venue: Venue | str = "KRX") -> DaySchedule:
    """The phases of ``venue`` (``"KRX"`` or ``"NXT"``) on ``day``."""
    venue = _venue(venue)
    if not is_trading_day(day):
        return DaySchedule(day, venue, (), note="not a trading day")
    special = special_day(day)
    open_shift = timedelta(minutes=special.open_shift if special else 0)
    close_shift = timedelta(minutes=special.close_shift if special else 0)
    template = _KRX_TEMPLATE if venue is Venue.KRX else _NXT_TEMPLATE
    windows = []
    for phase, start_time, end_time, part in template:
        start = _at(day, start_time)
        end = _at(day, end_time)
        if part == "open":
            start, end = start + open_shift, end + open_shift
        elif part == "split":
            start, end = start + open_shift, end + close_shift
        elif part == "close":
            start, end = start + close_shift, end + close_shift
        else:  # close_fixed_end
            start = start + close_shift
        windows.append(_window(phase, start, end))
    return DaySchedule(day, venue, tuple(windows), note=special.reason if special else "")


def _window(phase: Phase, start: datetime, end: datetime) -> PhaseWindow:
    if phase in (Phase.OPENING_AUCTION, Phase.CLOSING_AUCTION):
        return PhaseWindow(phase, start, end, uncross_times=(end,))
    if phase is Phase.AFTER_HOURS_SINGLE:
        count = (end - start) // SINGLE_PRICE_INTERVAL
        times = tuple(start + SINGLE_PRICE_INTERVAL * (index + 1) for index in range(count))
        return PhaseWindow(phase, start, end, uncross_times=times)
    if phase is Phase.AFTER_HOURS_CLOSE:
        return PhaseWindow(
            phase, start, end, matching_start=start + AFTER_HOURS_CLOSE_MATCHING_DELAY
        )
    return PhaseWindow(phase, start, end)


def phases_at(moment: datetime, venue: Venue | str = "KRX") -> tuple[Phase, ...]:
    """Every phase of ``venue`` open at ``moment`` (empty when closed)."""
    local = require_aware("moment", moment).astimezone(SEOUL)
    day_schedule = schedule(local.date(), venue)
    return tuple(window.phase for window in day_schedule.phases if window.contains(local))


def phase_at(moment: datetime, venue: Venue | str = "KRX") -> Phase:
    """The main phase of ``venue`` at ``moment``: where 08:30–08:40 KRX runs both the
    pre-open closing-price session and the opening auction, the auction is the main phase.
    ``Phase.CLOSED`` outside every phase."""
    active = phases_at(moment, venue)
    if not active:
        return Phase.CLOSED
    return active[-1]


def _venue(venue: Venue | str) -> Venue:
    try:
        parsed = Venue(str(venue).upper())
    except ValueError:
        raise InvalidInput.for_field("venue", venue, "must be KRX or NXT") from None
    if parsed is Venue.SOR:
        raise InvalidInput.for_field("venue", venue, "SOR routes to KRX or NXT: ask for one")
    return parsed


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=SEOUL)
