"""The order manager: owns order state between strategies and a venue adapter.

:class:`OrderManager` assigns client order ids, applies the risk checks, journals every intent
before it is sent, sends through an :class:`~yeouido.oms.execution.ExecutionClient`, and
applies the venue's answers, pushed updates and fills exactly once, in whatever order they
arrive (a fill may come before the acknowledgement). Status changes go through
:meth:`yeouido.model.Order.transition`, so an illegal change raises.

An outcome that is unknown (the send raised :class:`~yeouido.model.errors.ConnectionFailed`
or :class:`TimeoutError`) is never guessed: the order stays in flight (SUBMITTED,
PENDING_MODIFY or PENDING_CANCEL) until a pushed update or :meth:`OrderManager.reconcile`
settles it.

The manager is the one owner of order state on the live path: execution clients keep only
their venue's order numbers (and read the orders through
:class:`~yeouido.oms.execution.KnownOrders` when they need quantities), brokers and
strategies read the manager's orders and receive its events. Each fill is de-duplicated
here, by its trade id, against the journal, and gets a place in the manager's fill log
(:attr:`OrderFilled.sequence`), the same in every process that opens the journal: a reader
that reconnects asks for the fills after the last place it saw
(:meth:`OrderManager.fills_since`) instead of remembering trade ids.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from yeouido.model.account import Fill, Position
from yeouido.model.enums import OrderStatus, Side
from yeouido.model.errors import (
    AuthError,
    CircuitOpen,
    ConnectionFailed,
    InvalidInput,
    InvalidOrder,
    NotSupported,
    OrderDenied,
    OrderNotFound,
    OrderNotOpen,
    OrderRejected,
    RateLimited,
    YeouidoError,
)
from yeouido.model.instrument import Price
from yeouido.model.orders import Order, OrderRequest
from yeouido.oms.execution import (
    AccountSnapshot,
    ExecutionClient,
    OrderStateReader,
    VenueOrder,
    VenueOrderUpdate,
)
from yeouido.oms.ids import ClientOrderIdGenerator
from yeouido.oms.journal import Journal
from yeouido.oms.positions import PositionBook
from yeouido.oms.reconcile import ReconciliationReport, reconcile
from yeouido.oms.risk import MarketView, RiskContext, RiskLimits, RiskManager, TradingState

log = logging.getLogger(__name__)

S = OrderStatus
IN_FLIGHT = frozenset({S.SUBMITTED, S.PENDING_MODIFY, S.PENDING_CANCEL})
"""Statuses whose venue outcome is not known yet."""

_NOT_PLACED = (InvalidOrder, OrderRejected, NotSupported, RateLimited, AuthError, CircuitOpen)
"""Errors of a send that mean the venue did not take the request."""
_UNKNOWN_OUTCOME = (ConnectionFailed, TimeoutError)


@dataclass(frozen=True, slots=True)
class OrderStatusChanged:
    """An order moved from ``previous`` to ``status`` at ``time``."""

    order_id: str
    code: str
    previous: OrderStatus
    status: OrderStatus
    time: datetime
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class OrderFilled:
    """An order filled; ``order_known`` is false for a fill of an order the journal does
    not know (then ``status`` is ``None``). ``sequence`` is the fill's place in the order
    manager's fill log (1 for the first fill the journal holds; see
    :meth:`OrderManager.fills_since`)."""

    order_id: str
    fill: Fill
    status: OrderStatus | None
    filled_quantity: int
    remaining_quantity: int
    order_known: bool = True
    sequence: int = 0


OrderEvent = OrderStatusChanged | OrderFilled
"""What :meth:`OrderManager.subscribe` callbacks receive."""

OrderEventCallback = Callable[[OrderEvent], Awaitable[None] | None]
"""A subscriber: a plain function, or a coroutine function (each call runs as a task)."""


class OrderManager:
    """Order state for one venue adapter, journaled and reconciled.

    ``market`` feeds the risk checks (and the clock, unless ``clock`` is given); ``risk``
    ``None`` means the KRX rules only (``RiskLimits()``: no other limits; the kill switch still
    applies); ``ids`` makes client order ids.
    Call :meth:`start` once before anything else.
    """

    def __init__(
        self,
        client: ExecutionClient,
        journal: Journal,
        *,
        risk: RiskManager | None = None,
        market: MarketView,
        clock: Callable[[], datetime] | None = None,
        ids: ClientOrderIdGenerator | None = None,
    ) -> None:
        self._client = client
        self._journal = journal
        self._risk = risk or RiskManager(RiskLimits())
        self._market = market
        self._clock = clock or market.now
        self._ids = ids or ClientOrderIdGenerator(clock=self._clock)
        self._broker = client.name
        self._orders: dict[str, Order] = {}
        self._open: dict[str, Order] = {}
        self._open_buys: dict[str, int] = {}
        self._open_buy_of: dict[str, int] = {}
        self._fills: list[Fill] = []
        self._trade_ids: set[str] = set()
        self._book = PositionBook()
        self._book_buffer: list[Fill] | None = None
        self._subscribers: list[OrderEventCallback] = []
        self._tasks: set[asyncio.Future[Any]] = set()
        self._started = False
        self._flush_scheduled = False

    # -- life cycle ---------------------------------------------------------------------

    async def start(self) -> ReconciliationReport:
        """Load the journal (the only time it is read), give the client its read-only view of
        the orders, register the handlers on it and reconcile."""
        if self._started:
            raise InvalidInput.for_field("order manager", "started", "start() runs once")
        state = self._journal.load(self._broker)
        for order in state.orders:
            self._orders[order.order_id] = order
            self._ids.advance_past(order.order_id)
            self._track_open(order)
        self._fills = list(state.fills)
        self._trade_ids = {fill.trade_id for fill in state.fills}
        self._book_buffer = []
        if isinstance(self._client, OrderStateReader):
            self._client.bind_orders(self)
        self._client.set_handlers(self._on_update, self._on_fill)
        self._started = True
        try:
            return await reconcile(self, initial=True)
        finally:
            self._book_buffer = None

    async def reconcile(self) -> ReconciliationReport:
        """Compare with the venue now and apply what is missing (see
        :func:`yeouido.oms.reconcile.reconcile`)."""
        self._require_started()
        return await reconcile(self, initial=False)

    # -- orders -------------------------------------------------------------------------

    async def submit(self, request: OrderRequest) -> Order:
        """Check, journal and send a new order; return it with the venue's answer applied.

        Raises :class:`OrderDenied` (a risk check) or a KRX :class:`InvalidOrder` before
        anything is sent (the order is journaled as DENIED); re-raises the venue's
        :class:`InvalidOrder`/:class:`OrderRejected` (the order becomes REJECTED). When the
        outcome is unknown (:class:`ConnectionFailed`, :class:`TimeoutError`) the order is
        returned SUBMITTED: in flight until an update or :meth:`reconcile` settles it.
        """
        self._require_started()
        now = self._clock()
        order_id = request.client_order_id or self._ids.next()
        if order_id in self._orders:
            raise InvalidInput.for_field("client_order_id", order_id, "already used")
        if request.client_order_id != order_id:
            request = request.with_client_order_id(order_id)
        order = Order(request=request, order_id=order_id, created_at=now)
        try:
            self._risk.check(request, self._risk_context(now))
        except (OrderDenied, InvalidOrder) as error:
            order.transition(S.DENIED, now, reason=error.message)
            self._orders[order_id] = order
            self._journal.add_order(order, self._broker, kind="denied", detail={"code": error.code})
            self._emit(
                OrderStatusChanged(order_id, order.code, S.INITIALIZED, S.DENIED, now, order.reason)
            )
            raise
        order.transition(S.SUBMITTED, now)
        self._orders[order_id] = order
        self._track_open(order)
        self._journal.add_order(order, self._broker, kind="intent")
        self._emit(OrderStatusChanged(order_id, order.code, S.INITIALIZED, S.SUBMITTED, now))
        try:
            answer = await self._client.send_order(order_id, request)
        except _UNKNOWN_OUTCOME as error:
            self._unknown_outcome(order, "send_unknown", error)
            return order
        except _NOT_PLACED as error:
            if order.status is S.SUBMITTED:
                self._set_status(
                    order, S.REJECTED, "rejected", reason=error.message, detail={"code": error.code}
                )
            raise
        self._apply(
            order,
            "ack",
            status=answer.status,
            venue_order_id=answer.venue_order_id,
            quantity=answer.quantity,
            price=answer.price,
            reason=answer.reason,
            at=answer.updated_at,
            defer=True,
        )
        if answer.status is S.REJECTED and order.status is S.REJECTED:
            raise OrderRejected(
                f"order {order_id}: {answer.reason or 'rejected by the venue'}",
                field="order",
                value=order_id,
                rule=answer.reason or None,
            )
        return order

    async def modify(
        self, order_id: str, price: Price | None = None, quantity: int | None = None
    ) -> Order:
        """Change an open order's price and/or quantity (the venue's meaning of the quantity
        is the new open quantity). The order is PENDING_MODIFY until the venue answers; a
        refusal puts it back and re-raises; an unknown outcome leaves it pending."""
        if price is None and quantity is None:
            raise InvalidInput.for_field("modify", None, "give a price, a quantity or both")
        order = self._open_order(order_id)
        self._set_status(
            order, S.PENDING_MODIFY, "modify_request", detail={"price": price, "quantity": quantity}
        )
        try:
            answer = await self._client.send_modify(order_id, price, quantity)
        except _UNKNOWN_OUTCOME as error:
            self._unknown_outcome(order, "modify_unknown", error)
            return order
        except _NOT_PLACED as error:
            self._refused(order, S.PENDING_MODIFY, "modify_refused", error.message)
            raise
        self.apply_venue_order(order, answer, "modify_ack")
        self._raise_if_refused(order, answer, "modify")
        return order

    async def cancel(self, order_id: str, quantity: int | None = None) -> Order:
        """Cancel ``quantity`` (or all) of an open order. PENDING_CANCEL until the venue
        answers; a refusal puts it back and re-raises; an unknown outcome leaves it pending."""
        order = self._open_order(order_id)
        self._set_status(order, S.PENDING_CANCEL, "cancel_request", detail={"quantity": quantity})
        try:
            answer = await self._client.send_cancel(order_id, quantity)
        except _UNKNOWN_OUTCOME as error:
            self._unknown_outcome(order, "cancel_unknown", error)
            return order
        except _NOT_PLACED as error:
            self._refused(order, S.PENDING_CANCEL, "cancel_refused", error.message)
            raise
        self.apply_venue_order(order, answer, "cancel_ack")
        self._raise_if_refused(order, answer, "cancel")
        return order

    def order(self, order_id: str) -> Order:
        """The order ``order_id``; raises :class:`OrderNotFound`."""
        try:
            return self._orders[order_id]
        except KeyError:
            raise OrderNotFound(
                f"no order {order_id!r} in this order manager", field="order_id", value=order_id
            ) from None

    def find(self, order_id: str) -> Order | None:
        """The order ``order_id``, or ``None`` when there is none."""
        return self._orders.get(order_id)

    def orders(self, open_only: bool = False) -> list[Order]:
        """Every order (or the open ones), oldest first."""
        source = self._open if open_only else self._orders
        return list(source.values())

    def in_flight(self) -> list[Order]:
        """Orders whose venue outcome is not known yet (SUBMITTED, PENDING_*)."""
        return [order for order in self._open.values() if order.status in IN_FLIGHT]

    def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Fills with ``start <= time < end`` (each bound optional), in arrival order."""
        return [
            fill
            for fill in self._fills
            if (start is None or fill.time >= start) and (end is None or fill.time < end)
        ]

    @property
    def fill_count(self) -> int:
        """How many fills the log holds: the place of the last one (0 when none)."""
        return len(self._fills)

    def fills_since(self, sequence: int) -> list[tuple[int, Fill]]:
        """The fills after place ``sequence`` of the fill log, each with its place."""
        start = max(0, sequence)
        return [(start + offset + 1, fill) for offset, fill in enumerate(self._fills[start:])]

    def positions(self) -> dict[str, Position]:
        """Non-flat positions by code: the starting snapshot plus every fill since."""
        return self._book.positions()

    def position(self, code: str) -> Position | None:
        """The position in ``code``, or ``None``."""
        return self._book.get(code)

    @property
    def realized_pnl(self) -> int:
        """Realized P&L in KRW (the snapshot's plus fills since), net of costs."""
        return self._book.realized_pnl

    @property
    def broker(self) -> str:
        """The venue adapter's name."""
        return self._broker

    @property
    def client(self) -> ExecutionClient:
        """The venue adapter."""
        return self._client

    @property
    def journal(self) -> Journal:
        """The journal."""
        return self._journal

    @property
    def risk(self) -> RiskManager:
        """The risk manager (its limits may be changed at any time)."""
        return self._risk

    @property
    def trading_state(self) -> TradingState:
        """The kill switch: ACTIVE, REDUCING or HALTED."""
        return self._risk.state

    @trading_state.setter
    def trading_state(self, state: TradingState) -> None:
        state = TradingState(state)
        if state is not self._risk.state:
            log.warning("trading state %s -> %s", self._risk.state.value, state.value)
        self._risk.state = state

    def now(self) -> datetime:
        """The manager's clock."""
        return self._clock()

    # -- events -------------------------------------------------------------------------

    def subscribe(self, callback: OrderEventCallback) -> Callable[[], None]:
        """Call ``callback`` with every order event; returns the unsubscribe function."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def _emit(self, event: OrderEvent) -> None:
        for callback in list(self._subscribers):
            try:
                result = callback(event)
                if inspect.isawaitable(result):
                    task = asyncio.ensure_future(result)
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
            except Exception:
                log.exception("an order event subscriber failed")

    # -- applying the venue's view (answers, pushes, reconciliation) -----------------------

    def _on_update(self, update: VenueOrderUpdate) -> None:
        order = self._orders.get(update.client_order_id)
        if order is None:
            log.warning(
                "update for an order this journal does not know: %s", update.client_order_id
            )
            return
        self._apply(
            order,
            "update",
            status=update.status,
            venue_order_id=update.venue_order_id,
            quantity=update.quantity,
            price=update.price,
            reason=update.reason,
            at=update.time,
        )

    def _on_fill(self, fill: Fill) -> None:
        self.handle_fill(fill)

    def handle_fill(self, fill: Fill, apply_to_positions: bool = True) -> bool:
        """Apply ``fill`` unless its trade id was applied before; return whether it was new.

        A fill of an unknown order is still journaled and counted in the positions.
        ``apply_to_positions`` false leaves the positions alone (reconciliation on start: the
        venue's positions already include it).
        """
        if fill.trade_id in self._trade_ids:
            return False
        order = self._orders.get(fill.order_id)
        previous = None if order is None else order.status
        if order is not None:
            _add_fill(order, fill)
        if not self._journal.record_fill(fill, self._broker, order):
            log.error("fill %s was already journaled", fill.trade_id)
            self._trade_ids.add(fill.trade_id)
            return False
        self._trade_ids.add(fill.trade_id)
        self._fills.append(fill)
        sequence = len(self._fills)
        if apply_to_positions:
            if self._book_buffer is not None:
                self._book_buffer.append(fill)
            else:
                self._book.apply(fill)
        if order is None:
            log.warning("fill %s of an order this journal does not know", fill.trade_id)
            self._emit(OrderFilled(fill.order_id, fill, None, fill.quantity, 0, False, sequence))
            return True
        self._track_open(order)
        if previous is not None and previous is not order.status:
            self._emit(
                OrderStatusChanged(order.order_id, order.code, previous, order.status, fill.time)
            )
        self._emit(
            OrderFilled(
                order.order_id,
                fill,
                order.status,
                order.filled_quantity,
                order.remaining_quantity,
                sequence=sequence,
            )
        )
        return True

    def knows_fill(self, trade_id: str) -> bool:
        """Whether a fill with ``trade_id`` was applied."""
        return trade_id in self._trade_ids

    def apply_venue_order(self, order: Order, venue: VenueOrder, kind: str) -> OrderStatus | None:
        """Adopt the venue's view of ``order`` (ids, quantity, price, status) where it is
        ahead of ours; journal it as event ``kind``. Returns the previous status when the
        status changed."""
        return self._apply(
            order,
            kind,
            status=venue.status,
            venue_order_id=venue.venue_order_id,
            quantity=venue.quantity,
            price=venue.price,
            reason=venue.reason,
            at=venue.updated_at,
        )

    def settle(self, order: Order, status: OrderStatus, reason: str, kind: str) -> None:
        """Move ``order`` to ``status`` with ``reason`` and journal it (reconciliation)."""
        self._set_status(order, status, kind, reason=reason)

    def reset_positions(self, snapshot: AccountSnapshot) -> None:
        """Start the positions from ``snapshot``; fills pushed while it was taken and not in
        it are applied on top (used by :meth:`start`)."""
        self._book = PositionBook(snapshot.positions)
        in_snapshot = {fill.trade_id for fill in snapshot.fills}
        for fill in self._book_buffer or ():
            if fill.trade_id not in in_snapshot:
                self._book.apply(fill)
        self._book_buffer = None

    def _apply(
        self,
        order: Order,
        kind: str,
        *,
        status: OrderStatus,
        venue_order_id: str | None,
        quantity: int | None,
        price: Price | None,
        reason: str,
        at: datetime | None,
        defer: bool = False,
    ) -> OrderStatus | None:
        at = at or self._clock()
        changed = False
        if venue_order_id and order.venue_order_id != venue_order_id:
            order.venue_order_id = venue_order_id
            changed = True
        request = order.request
        if (
            quantity is not None
            and quantity != request.quantity
            and quantity >= (order.filled_quantity)
            and not order.status.is_terminal
        ):
            request = replace(request, quantity=quantity)
        if price is not None and request.price is not None and price != request.price:
            request = replace(request, price=price)
        if request is not order.request:
            order.request = request
            changed = True
        target = _target_status(order, status)
        previous = order.status
        if target is not None:
            order.transition(target, at, reason=reason or None)
            changed = True
        if not changed:
            return None
        if target is None:
            order.updated_at = at
        self._journal.update_order(
            order, kind, detail=_detail(status, quantity, price), at=at, defer=defer
        )
        if defer:
            self._schedule_flush()
        self._track_open(order)
        if target is None:
            return None
        self._emit(
            OrderStatusChanged(order.order_id, order.code, previous, target, at, order.reason)
        )
        return previous

    # -- helpers ------------------------------------------------------------------------

    def _schedule_flush(self) -> None:
        """Commit deferred acknowledgements once the event loop gets a turn (sooner if any
        other journal write comes first)."""
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        self._journal.flush()

    def _require_started(self) -> None:
        if not self._started:
            raise InvalidInput.for_field("order manager", "not started", "call start() first")

    def _open_order(self, order_id: str) -> Order:
        self._require_started()
        order = self.order(order_id)
        if not order.is_open:
            raise OrderNotOpen.for_field("order_id", order_id, f"the order is {order.status.value}")
        return order

    def _risk_context(self, now: datetime) -> RiskContext:
        return RiskContext(
            market=self._market,
            now=now,
            positions=self._book.view(),
            open_buy_quantity=self._open_buys,
            realized_pnl=self._book.realized_pnl,
        )

    def _set_status(
        self,
        order: Order,
        status: OrderStatus,
        kind: str,
        *,
        reason: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        at = self._clock()
        previous = order.status
        order.transition(status, at, reason=reason)
        self._journal.update_order(order, kind, detail=detail, at=at)
        self._track_open(order)
        self._emit(
            OrderStatusChanged(order.order_id, order.code, previous, status, at, order.reason)
        )

    def _refused(self, order: Order, pending: OrderStatus, kind: str, reason: str) -> None:
        if order.status is pending:
            self._set_status(order, _open_status(order), kind, reason=reason)

    def _raise_if_refused(self, order: Order, answer: VenueOrder, action: str) -> None:
        if answer.status is S.REJECTED:
            raise OrderRejected(
                f"order {order.order_id}: {action} refused: {answer.reason or 'by the venue'}",
                field="order",
                value=order.order_id,
                rule=answer.reason or None,
            )

    def _unknown_outcome(self, order: Order, kind: str, error: BaseException) -> None:
        name = type(error).__name__
        log.warning(
            "order %s: outcome unknown after %s; in flight until reconciled", order.order_id, name
        )
        detail: dict[str, Any] = {"error": name}
        if isinstance(error, YeouidoError):
            detail["code"] = error.code
        self._journal.record_event(order.order_id, kind, self._clock(), detail, order.status)

    def _track_open(self, order: Order) -> None:
        order_id = order.order_id
        if order.is_open:
            self._open[order_id] = order
        else:
            self._open.pop(order_id, None)
        if order.side is Side.BUY:
            pending = max(0, order.remaining_quantity) if order.is_open else 0
            change = pending - self._open_buy_of.get(order_id, 0)
            if change:
                self._open_buys[order.code] = self._open_buys.get(order.code, 0) + change
                if pending:
                    self._open_buy_of[order_id] = pending
                else:
                    self._open_buy_of.pop(order_id, None)


def _open_status(order: Order) -> OrderStatus:
    return S.PARTIALLY_FILLED if order.filled_quantity > 0 else S.ACCEPTED


def _target_status(order: Order, venue_status: OrderStatus) -> OrderStatus | None:
    """The status to move ``order`` to, given the venue's, or ``None`` to stay.

    Fill states come from the fills themselves (an acknowledgement saying FILLED only tells
    that the order is live); a venue's REJECTED after acceptance refuses a modify or cancel.
    """
    current = order.status
    if current.is_terminal:
        return None
    if venue_status in (S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED):
        if current in IN_FLIGHT:
            return _open_status(order)
        return None
    if venue_status is S.REJECTED:
        if current is S.SUBMITTED:
            return S.REJECTED
        if current in IN_FLIGHT:
            return _open_status(order)
        return None
    if venue_status in (S.CANCELED, S.EXPIRED):
        return venue_status
    return None


def _add_fill(order: Order, fill: Fill) -> None:
    """Apply ``fill`` to ``order``; a fill after a final status (a late fill notice) or beyond
    the remaining quantity still counts, without a status change."""
    if order.status.is_terminal or fill.quantity > order.remaining_quantity:
        log.warning(
            "order %s: late or excess fill %s recorded without a status change",
            order.order_id,
            fill.trade_id,
        )
        order.filled_quantity += fill.quantity
        order.filled_value = order.filled_value + fill.price * fill.quantity
        order.updated_at = fill.time
        return
    order.apply_fill(fill.quantity, fill.price, fill.time)


def _detail(status: OrderStatus, quantity: int | None, price: Price | None) -> dict[str, Any]:
    detail: dict[str, Any] = {"venue_status": status.value}
    if quantity is not None:
        detail["quantity"] = quantity
    if price is not None:
        detail["price"] = str(price)
    return detail
