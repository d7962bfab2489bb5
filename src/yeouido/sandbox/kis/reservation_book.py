"""Reservation orders (예약주문) of one sandbox account: stored, then released as ordinary
orders when the order day's market opens for orders.

KIS takes reservations from 15:40 to 07:30 of the next trading day (not 23:40-00:10, while its
servers reset) and sends them before that day's open. The sandbox's simulated day starts at
08:00, so it takes them until 08:30 (see :data:`ACCEPT_UNTIL`) and releases them when the
KRX opening auction starts accepting orders (08:30 of the order day), so they take part in
the opening auction (``ORD_DVSN_CD`` 05: the pre-open closing-price session, 08:30-08:40)
and then trade like any order. A reservation entered after 15:40 is for the next trading day;
the sandbox simulates one day, so it stays listed (and cancellable) but is not released in
this run.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from yeouido.brokers.kis.protocol import OrderDivision
from yeouido.krx.calendar import is_trading_day, next_trading_day
from yeouido.model.enums import Side
from yeouido.model.errors import InvalidInput, OrderNotOpen, SessionClosed

ACCEPT_FROM = time(15, 40)
KIS_ACCEPT_UNTIL = time(7, 30)
"""KIS's own last minute for the order day's reservations."""
RELEASE_AT = time(8, 30)
"""When the sandbox sends the order day's reservations (the opening auction's start)."""
ACCEPT_UNTIL = RELEASE_AT
"""The sandbox takes reservations up to the release: its simulated day begins at 08:00
(there is no earlier morning to enter them in), so 07:30-08:30 is accepted here too."""
RESET_START = time(23, 40)
RESET_END = time(0, 10)
MAX_PERIOD_DAYS = 30
"""A period reservation ends at most 30 calendar days after the next trading day."""

WAITING = "waiting"
RELEASED = "sent"
CANCELED = "canceled"
REJECTED = "rejected"


@dataclass(slots=True)
class Reservation:
    """One reservation: what to order, on which day, and what became of it."""

    seq: int
    code: str
    side: Side
    division: OrderDivision
    quantity: int
    price: int
    order_day: date
    received: datetime
    end_day: date | None = None
    status: str = WAITING
    odno: str = ""
    canceled_at: datetime | None = None
    reason: str = ""

    @property
    def open(self) -> bool:
        """Whether it can still be modified or cancelled (not yet released)."""
        return self.status == WAITING


def order_day_of(moment: datetime) -> date:
    """The trading day a reservation entered at ``moment`` is sent on; :class:`SessionClosed`
    outside KIS's reservation hours."""
    clock = moment.time()
    today = moment.date()
    if clock >= RESET_START or clock < RESET_END:
        raise SessionClosed.for_field(
            "time", moment.strftime("%H:%M:%S"), "reservations pause 23:40-00:10"
        )
    if clock >= ACCEPT_FROM:
        return next_trading_day(today)
    if clock < ACCEPT_UNTIL:
        return today if is_trading_day(today) else next_trading_day(today)
    raise SessionClosed.for_field(
        "time", moment.strftime("%H:%M:%S"), "reservations are taken 15:40-08:30"
    )


class ReservationBook:
    """The reservations of one account, by sequence number (``RSVN_ORD_SEQ``)."""

    def __init__(self, first_seq: int = 1) -> None:
        self.items: dict[int, Reservation] = {}
        self._seq = itertools.count(first_seq)

    def add(
        self,
        code: str,
        side: Side,
        division: OrderDivision,
        quantity: int,
        price: int,
        now: datetime,
        end_day: date | None = None,
    ) -> Reservation:
        """Store a new reservation entered at ``now`` (checks the hours and the end day)."""
        order_day = order_day_of(now)
        self._check_end(end_day, order_day)
        item = Reservation(
            next(self._seq), code, side, division, quantity, price, order_day, now, end_day
        )
        self.items[item.seq] = item
        return item

    @staticmethod
    def _check_end(end_day: date | None, order_day: date) -> None:
        if end_day is None:
            return
        if not order_day < end_day <= order_day + timedelta(days=MAX_PERIOD_DAYS):
            raise InvalidInput.for_field(
                "RSVN_ORD_END_DT",
                end_day.strftime("%Y%m%d"),
                f"must be after the order day and within {MAX_PERIOD_DAYS} days of it",
            )

    def get(self, seq: int) -> Reservation:
        """An open reservation; :class:`OrderNotOpen` when unknown, released or cancelled."""
        item = self.items.get(seq)
        if item is None or not item.open:
            raise OrderNotOpen.for_field("RSVN_ORD_SEQ", seq, "no open reservation")
        return item

    def cancel(self, seq: int, now: datetime) -> Reservation:
        """Cancel an open reservation."""
        item = self.get(seq)
        item.status, item.canceled_at = CANCELED, now
        return item

    def modify(
        self,
        seq: int,
        division: OrderDivision,
        quantity: int,
        price: int,
        end_day: date | None,
    ) -> Reservation:
        """Change an open reservation's order (same sequence number)."""
        item = self.get(seq)
        self._check_end(end_day, item.order_day)
        item.division, item.quantity, item.price = division, quantity, price
        item.end_day = end_day
        return item

    def due(self, now: datetime) -> list[Reservation]:
        """Waiting reservations whose order day has opened for orders by ``now``."""
        return [
            item
            for item in self.items.values()
            if item.open
            and (
                item.order_day < now.date()
                or (item.order_day == now.date() and now.time() >= RELEASE_AT)
            )
        ]
