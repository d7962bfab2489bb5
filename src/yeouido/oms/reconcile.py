"""Reconciliation: compare the journal with the venue and apply what is missing.

On start and on demand, :func:`reconcile` asks the venue for today's snapshot (open orders,
fills, positions) and for the status of every in-flight order, then:

- applies fills the journal does not have (each exactly once);
- settles in-flight orders: one the venue never received becomes EXPIRED ("never reached the
  venue"); one it has takes the venue's status and quantities;
- gives journal-open orders that the venue no longer has open the venue's final status;
- lists orders the venue has that the journal does not know (they are not adopted);
- lists position differences.

Everything found and applied is in the returned :class:`ReconciliationReport`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from yeouido.model.account import Fill
from yeouido.model.enums import OrderStatus
from yeouido.model.errors import ConnectionFailed
from yeouido.model.time import SEOUL
from yeouido.oms.execution import VenueOrder

if TYPE_CHECKING:
    from yeouido.oms.manager import OrderManager

log = logging.getLogger(__name__)

S = OrderStatus
NEVER_REACHED = "never reached the venue"
UNKNOWN_AT_VENUE = "unknown to the venue"


@dataclass(frozen=True, slots=True)
class OrderDifference:
    """An order whose journal state differed from the venue's, and what was done."""

    order_id: str
    journal_status: OrderStatus
    venue_status: OrderStatus | None
    applied_status: OrderStatus
    note: str = ""

    def __str__(self) -> str:
        venue = "absent" if self.venue_status is None else self.venue_status.value
        text = (
            f"{self.order_id}: journal {self.journal_status.value}, venue {venue}"
            f" -> {self.applied_status.value}"
        )
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True, slots=True)
class PositionDifference:
    """A position whose quantity differs between the order manager and the venue."""

    code: str
    journal_quantity: int
    venue_quantity: int
    journal_average_price: Decimal | None = None
    venue_average_price: Decimal | None = None

    def __str__(self) -> str:
        return f"{self.code}: ours {self.journal_quantity}, venue {self.venue_quantity}"


@dataclass(slots=True)
class ReconciliationReport:
    """Every difference found between the journal and the venue, and what was applied."""

    broker: str
    time: datetime
    initial: bool = False
    fills_applied: list[Fill] = field(default_factory=list)
    fills_already_known: int = 0
    orphan_fills: list[Fill] = field(default_factory=list)
    """Fills of orders the journal does not know (journaled and counted in positions)."""
    settled_orders: list[OrderDifference] = field(default_factory=list)
    """In-flight orders settled by the venue's answer."""
    closed_orders: list[OrderDifference] = field(default_factory=list)
    """Orders open in the journal that the venue no longer has open."""
    unknown_orders: list[VenueOrder] = field(default_factory=list)
    """Orders the venue has that the journal does not know: listed, not adopted."""
    position_differences: list[PositionDifference] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    """Differences that could not be settled now (e.g. the venue could not be reached)."""

    @property
    def is_clean(self) -> bool:
        """Whether nothing differed."""
        return not (
            self.fills_applied
            or self.settled_orders
            or self.closed_orders
            or self.unknown_orders
            or self.position_differences
            or self.unresolved
        )

    def __str__(self) -> str:
        moment = self.time.astimezone(SEOUL)
        head = f"reconciliation with {self.broker} at {moment:%Y-%m-%d %H:%M:%S} KST"
        if self.is_clean:
            return f"{head}: no differences ({self.fills_already_known} fills already known)"
        lines = [f"{head}:"]
        if self.fills_applied:
            lines.append(f"  fills applied: {len(self.fills_applied)}")
        if self.orphan_fills:
            lines.append(f"  fills of unknown orders: {len(self.orphan_fills)}")
        lines += [f"  settled {item}" for item in self.settled_orders]
        lines += [f"  closed {item}" for item in self.closed_orders]
        lines += [
            f"  unknown at journal: {order.client_order_id} {order.code}"
            f" {order.status.value} {order.open_quantity}/{order.quantity}"
            for order in self.unknown_orders
        ]
        lines += [f"  position {item}" for item in self.position_differences]
        lines += [f"  unresolved: {item}" for item in self.unresolved]
        return "\n".join(lines)


def start_of_day(at: datetime) -> datetime:
    """Midnight in Seoul of the day of ``at``."""
    return at.astimezone(SEOUL).replace(hour=0, minute=0, second=0, microsecond=0)


async def reconcile(manager: OrderManager, *, initial: bool = False) -> ReconciliationReport:
    """Reconcile ``manager`` with its venue; ``initial`` on start (the positions are then
    taken from the venue's snapshot)."""
    client = manager.client
    now = manager.now()
    report = ReconciliationReport(broker=manager.broker, time=now, initial=initial)
    snapshot = await client.snapshot(start_of_day(now))
    if initial:
        manager.reset_positions(snapshot)

    known_orders = {order.order_id for order in manager.orders()}
    in_flight = [(order, order.status) for order in manager.in_flight()]
    for fill in sorted(snapshot.fills, key=lambda item: item.time):
        if manager.knows_fill(fill.trade_id):
            report.fills_already_known += 1
            continue
        if manager.handle_fill(fill, apply_to_positions=not initial):
            report.fills_applied.append(fill)
            if fill.order_id not in known_orders:
                report.orphan_fills.append(fill)

    venue_open = {order.client_order_id: order for order in snapshot.open_orders}
    for order, before in in_flight:
        venue: VenueOrder | None = venue_open.get(order.order_id)
        if venue is None:
            try:
                venue = await client.order_status(order.order_id)
            except (ConnectionFailed, TimeoutError) as error:
                report.unresolved.append(
                    f"{order.order_id}: status unknown ({type(error).__name__})"
                )
                continue
        if venue is None and order.status.is_terminal:
            continue  # settled by a fill meanwhile
        if venue is None:
            reason = NEVER_REACHED if order.status is S.SUBMITTED else UNKNOWN_AT_VENUE
            manager.settle(order, S.EXPIRED, reason, "reconcile")
            report.settled_orders.append(
                OrderDifference(order.order_id, before, None, order.status, reason)
            )
            continue
        manager.apply_venue_order(order, venue, "reconcile")
        report.settled_orders.append(
            OrderDifference(order.order_id, before, venue.status, order.status, venue.reason)
        )
        _check_filled(order.order_id, order.filled_quantity, venue, report)

    handled = {order.order_id for order, _ in in_flight}
    for order in manager.orders(open_only=True):
        if order.order_id in handled:
            continue
        before = order.status
        venue = venue_open.get(order.order_id)
        if venue is not None:
            if manager.apply_venue_order(order, venue, "reconcile") is not None:
                report.closed_orders.append(
                    OrderDifference(order.order_id, before, venue.status, order.status)
                )
            _check_filled(order.order_id, order.filled_quantity, venue, report)
            continue
        try:
            venue = await client.order_status(order.order_id)
        except (ConnectionFailed, TimeoutError) as error:
            report.unresolved.append(f"{order.order_id}: status unknown ({type(error).__name__})")
            continue
        if venue is None:
            manager.settle(order, S.EXPIRED, UNKNOWN_AT_VENUE, "reconcile")
            report.closed_orders.append(
                OrderDifference(order.order_id, before, None, order.status, UNKNOWN_AT_VENUE)
            )
            continue
        manager.apply_venue_order(order, venue, "reconcile")
        if order.status is not before:
            report.closed_orders.append(
                OrderDifference(order.order_id, before, venue.status, order.status, venue.reason)
            )
        _check_filled(order.order_id, order.filled_quantity, venue, report)

    known_orders = {order.order_id for order in manager.orders()}
    report.unknown_orders = [
        order for order in snapshot.open_orders if order.client_order_id not in known_orders
    ]

    ours = manager.positions()
    theirs = {position.code: position for position in snapshot.positions}
    for code in sorted(set(ours) | set(theirs)):
        mine = ours.get(code)
        venue_position = theirs.get(code)
        mine_quantity = 0 if mine is None else mine.quantity
        venue_quantity = 0 if venue_position is None else venue_position.quantity
        if mine_quantity != venue_quantity:
            report.position_differences.append(
                PositionDifference(
                    code,
                    mine_quantity,
                    venue_quantity,
                    None if mine is None else mine.average_price,
                    None if venue_position is None else venue_position.average_price,
                )
            )
    if not report.is_clean:
        log.warning("%s", report)
    return report


def _check_filled(
    order_id: str, filled: int, venue: VenueOrder, report: ReconciliationReport
) -> None:
    if venue.filled_quantity != filled:
        report.unresolved.append(
            f"{order_id}: venue reports {venue.filled_quantity} filled, journal has {filled}"
            " (fills not in the snapshot)"
        )
