"""Hand-written, deterministic test doubles for the order manager's tests.

:class:`StubExecutionClient` is a tiny venue: it accepts orders, and can be told to reject,
fill (partially) and push the fills before the acknowledgement, fail with
:class:`ConnectionFailed` before or after "placing" an order, or forget an order.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from yeouido.krx import ReferencePrices
from yeouido.model import (
    SEOUL,
    ConnectionFailed,
    Fill,
    OrderNotOpen,
    OrderRequest,
    OrderStatus,
    Position,
    Price,
    YeouidoError,
)
from yeouido.oms import (
    AccountSnapshot,
    FillHandler,
    Journal,
    StaticMarket,
    UpdateHandler,
    VenueOrder,
    VenueOrderUpdate,
)
from yeouido.oms.positions import PositionBook

S = OrderStatus
START = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)
"""A Tuesday, during continuous trading."""
CODE = "005930"


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime = START) -> None:
        self.time = start

    def __call__(self) -> datetime:
        return self.time

    def advance(self, seconds: float) -> datetime:
        """Move on by ``seconds``; return the new time."""
        self.time += timedelta(seconds=seconds)
        return self.time


def make_market(clock: FakeClock, last_price: int = 70_000) -> StaticMarket:
    """A market where 005930 last traded at ``last_price`` with base price 70,000."""
    return StaticMarket(
        references={CODE: ReferencePrices(base_price=70_000, last_price=last_price)},
        last_prices={CODE: last_price},
        clock=clock,
    )


def buy(quantity: int = 10, price: int | None = 70_000, code: str = CODE) -> OrderRequest:
    """A limit buy request."""
    return OrderRequest(code, "buy", quantity, price)  # type: ignore[arg-type]


def sell(quantity: int = 10, price: int | None = 70_000, code: str = CODE) -> OrderRequest:
    """A limit sell request."""
    return OrderRequest(code, "sell", quantity, price)  # type: ignore[arg-type]


@dataclass
class StubBehaviour:
    """What the stub does with the next orders (reset by the test as it likes)."""

    reject_with: YeouidoError | None = None
    ack_status: OrderStatus = S.ACCEPTED
    ack_reason: str = ""
    fill_on_send: list[int] = field(default_factory=list)
    """Quantities filled (and pushed) before the acknowledgement is returned."""
    fail_before_placing: bool = False
    fail_after_placing: bool = False
    fail_modify_after: bool = False
    fail_cancel_after: bool = False
    fail_status: bool = False
    push_fills: bool = True


class StubExecutionClient:
    """A deterministic in-memory venue implementing ``ExecutionClient``."""

    name = "stub"

    def __init__(self, clock: FakeClock, journal: Journal | None = None) -> None:
        self.clock = clock
        self.journal = journal
        self.behaviour = StubBehaviour()
        self.orders: dict[str, VenueOrder] = {}
        self.requests: dict[str, OrderRequest] = {}
        self.fills: list[Fill] = []
        self.sent: list[str] = []
        self.journal_status_at_send: list[OrderStatus | None] = []
        self.book = PositionBook()
        self.on_update: UpdateHandler | None = None
        self.on_fill: FillHandler | None = None
        self._venue_ids = 0
        self._trade_ids = 0

    # -- the contract -------------------------------------------------------------------

    def set_handlers(self, on_update: UpdateHandler, on_fill: FillHandler) -> None:
        self.on_update = on_update
        self.on_fill = on_fill

    async def send_order(self, client_order_id: str, request: OrderRequest) -> VenueOrder:
        self.sent.append(client_order_id)
        if self.journal is not None:
            stored = self.journal.get_order(client_order_id)
            self.journal_status_at_send.append(None if stored is None else stored.status)
        behaviour = self.behaviour
        if behaviour.fail_before_placing:
            raise ConnectionFailed("stub: connection dropped before the order left")
        if behaviour.reject_with is not None:
            raise behaviour.reject_with
        if client_order_id in self.orders:
            return self.orders[client_order_id]
        self._venue_ids += 1
        order = VenueOrder(
            client_order_id=client_order_id,
            venue_order_id=f"V{self._venue_ids:06d}",
            code=request.code,
            status=behaviour.ack_status,
            quantity=request.quantity,
            filled_quantity=0,
            open_quantity=0 if behaviour.ack_status is S.REJECTED else request.quantity,
            price=request.price,
            reason=behaviour.ack_reason,
            updated_at=self.clock(),
        )
        self.orders[client_order_id] = order
        self.requests[client_order_id] = request
        for quantity in behaviour.fill_on_send:
            await self.fill(client_order_id, quantity)
        if behaviour.fail_after_placing:
            raise ConnectionFailed("stub: connection dropped after the order was placed")
        return self.orders[client_order_id]

    async def send_modify(
        self, client_order_id: str, price: Price | None, quantity: int | None
    ) -> VenueOrder:
        order = self._open(client_order_id)
        new_quantity = order.quantity if quantity is None else order.filled_quantity + quantity
        order = replace(
            order,
            price=order.price if price is None else price,
            quantity=new_quantity,
            open_quantity=new_quantity - order.filled_quantity,
            status=S.PARTIALLY_FILLED if order.filled_quantity else S.ACCEPTED,
            updated_at=self.clock(),
        )
        self.orders[client_order_id] = order
        if self.behaviour.fail_modify_after:
            raise ConnectionFailed("stub: connection dropped after the modify")
        return order

    async def send_cancel(self, client_order_id: str, quantity: int | None = None) -> VenueOrder:
        order = self._open(client_order_id)
        if quantity is None or quantity >= order.open_quantity:
            order = replace(order, status=S.CANCELED, open_quantity=0, updated_at=self.clock())
        else:
            order = replace(
                order,
                quantity=order.quantity - quantity,
                open_quantity=order.open_quantity - quantity,
                updated_at=self.clock(),
            )
        self.orders[client_order_id] = order
        if self.behaviour.fail_cancel_after:
            raise ConnectionFailed("stub: connection dropped after the cancel")
        return order

    async def snapshot(self, since: datetime) -> AccountSnapshot:
        return AccountSnapshot(
            open_orders=[order for order in self.orders.values() if order.status.is_open],
            fills=[fill for fill in self.fills if fill.time >= since],
            positions=list(self.book.positions().values()),
        )

    async def order_status(self, client_order_id: str) -> VenueOrder | None:
        if self.behaviour.fail_status:
            raise ConnectionFailed("stub: status query failed")
        return self.orders.get(client_order_id)

    # -- test controls ------------------------------------------------------------------

    async def fill(self, client_order_id: str, quantity: int, price: Price | None = None) -> Fill:
        """Execute ``quantity`` of an open order and push the fill (unless pushes are off)."""
        order = self.orders[client_order_id]
        request = self.requests[client_order_id]
        self._trade_ids += 1
        fill = Fill(
            order_id=client_order_id,
            trade_id=f"T{self._trade_ids:06d}",
            code=order.code,
            side=request.side,
            quantity=quantity,
            price=price if price is not None else (order.price or 70_000),
            time=self.clock(),
        )
        filled = order.filled_quantity + quantity
        self.orders[client_order_id] = replace(
            order,
            filled_quantity=filled,
            open_quantity=order.quantity - filled,
            status=S.FILLED if filled == order.quantity else S.PARTIALLY_FILLED,
        )
        self.fills.append(fill)
        self.book.apply(fill)
        if self.behaviour.push_fills:
            await self.push_fill(fill)
        return fill

    async def push_fill(self, fill: Fill) -> None:
        """Deliver ``fill`` to the order manager (again, if a test likes)."""
        assert self.on_fill is not None
        result = self.on_fill(fill)
        if inspect.isawaitable(result):
            await result

    async def push_update(
        self, client_order_id: str, status: OrderStatus, reason: str = ""
    ) -> None:
        """Change an order's status at the venue and push the update."""
        order = replace(self.orders[client_order_id], status=status, reason=reason)
        if status.is_terminal:
            order = replace(order, open_quantity=0)
        self.orders[client_order_id] = order
        assert self.on_update is not None
        update = VenueOrderUpdate(
            client_order_id=client_order_id,
            venue_order_id=order.venue_order_id,
            status=status,
            time=self.clock(),
            quantity=order.quantity,
            price=order.price,
            open_quantity=order.open_quantity,
            reason=reason,
        )
        result = self.on_update(update)
        if inspect.isawaitable(result):
            await result

    def forget(self, client_order_id: str) -> None:
        """Lose every trace of an order (a venue that never received it)."""
        self.orders.pop(client_order_id, None)
        self.requests.pop(client_order_id, None)

    def add_foreign_order(self, client_order_id: str, quantity: int = 5) -> VenueOrder:
        """An order placed at the venue by someone else (another program, the HTS)."""
        self._venue_ids += 1
        order = VenueOrder(
            client_order_id=client_order_id,
            venue_order_id=f"V{self._venue_ids:06d}",
            code=CODE,
            status=S.ACCEPTED,
            quantity=quantity,
            filled_quantity=0,
            open_quantity=quantity,
            price=69_000,
            updated_at=self.clock(),
        )
        self.orders[client_order_id] = order
        return order

    def set_positions(self, positions: list[Position]) -> None:
        """Start the venue's holdings from ``positions``."""
        self.book = PositionBook(positions)

    def _open(self, client_order_id: str) -> VenueOrder:
        order = self.orders.get(client_order_id)
        if order is None or not order.status.is_open:
            raise OrderNotOpen.for_field("client_order_id", client_order_id, "not open")
        return order
