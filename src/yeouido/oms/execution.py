"""What the order manager needs from a venue: the execution-client contract.

Every broker adapter (paper, KIS, …) implements :class:`ExecutionClient`; the order manager
(:mod:`yeouido.oms.manager`) is written against it and never sees a broker's field names.

Outcomes come back two ways: as the return value of ``send_*`` (the synchronous answer, when
the venue gives one) and as :class:`VenueOrderUpdate` / :class:`~yeouido.model.Fill` pushed
to the handlers registered with :meth:`ExecutionClient.set_handlers` (fill notices, later
status changes). A ``send_*`` that raises :class:`~yeouido.model.errors.ConnectionFailed` or
:class:`TimeoutError` has an *unknown* outcome: the order manager leaves the order in flight
until an update or a reconciliation settles it.

The order manager owns every order's state (with its journal). A client keeps only what it
needs to talk to its venue — the map between the venue's order numbers and the client order
ids, and the few per-order venue facts a modify or cancel needs. A client that must read an
order's quantities (e.g. to turn a venue's cumulative fill counts into fills) implements
:class:`OrderStateReader`: the order manager hands it a read-only :class:`KnownOrders` view of
itself before it reconciles.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from yeouido.model.account import Fill, Position
from yeouido.model.enums import OrderStatus
from yeouido.model.instrument import Price
from yeouido.model.orders import Order, OrderRequest


@dataclass(frozen=True, slots=True)
class VenueOrder:
    """An order as the venue sees it (for acknowledgements and reconciliation).

    ``client_order_id`` is the id the order manager sent; ``status`` uses the model's states
    (ACCEPTED, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED, REJECTED, …); ``price`` and
    ``quantity`` are the current ones after any modification; ``open_quantity`` what is left.
    """

    client_order_id: str
    venue_order_id: str
    code: str
    status: OrderStatus
    quantity: int
    filled_quantity: int
    open_quantity: int
    price: Price | None = None
    reason: str = ""
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class VenueOrderUpdate:
    """A pushed status change of one order (accepted, modified, canceled, expired, rejected).

    Fills arrive separately as :class:`~yeouido.model.Fill` (their ``order_id`` is the client
    order id). ``quantity`` and ``price`` are the order's current values after a modification.
    """

    client_order_id: str
    venue_order_id: str
    status: OrderStatus
    time: datetime
    quantity: int | None = None
    price: Price | None = None
    open_quantity: int | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """What reconciliation compares the journal with: the venue's open orders, today's fills
    and positions."""

    open_orders: list[VenueOrder] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)


UpdateHandler = Callable[[VenueOrderUpdate], Awaitable[None] | None]
FillHandler = Callable[[Fill], Awaitable[None] | None]


class ExecutionClient(Protocol):
    """A venue adapter as the order manager uses it (all methods are coroutines)."""

    name: str
    """The broker's registry name, e.g. ``"paper"`` (stored with every journaled order)."""

    def set_handlers(self, on_update: UpdateHandler, on_fill: FillHandler) -> None:
        """Register where pushed updates and fills go (called once by the order manager)."""
        ...

    async def send_order(self, client_order_id: str, request: OrderRequest) -> VenueOrder:
        """Send a new order. Returns the venue's acknowledgement (ACCEPTED, or already
        PARTIALLY_FILLED/FILLED, or REJECTED with a reason). Raises
        :class:`~yeouido.model.errors.ConnectionFailed` / :class:`TimeoutError` when the
        outcome is unknown; raises an :class:`~yeouido.model.errors.InvalidOrder` subclass
        when the venue refused it before accepting (then nothing was placed). Sending the same
        ``client_order_id`` twice must not create a second order (idempotent)."""
        ...

    async def send_modify(
        self, client_order_id: str, price: Price | None, quantity: int | None
    ) -> VenueOrder:
        """Change an open order's price and/or open quantity; returns its new state."""
        ...

    async def send_cancel(self, client_order_id: str, quantity: int | None = None) -> VenueOrder:
        """Cancel some (``quantity``) or all of an open order; returns its new state."""
        ...

    async def snapshot(self, since: datetime) -> AccountSnapshot:
        """Open orders, fills since ``since`` and positions, for reconciliation."""
        ...

    async def order_status(self, client_order_id: str) -> VenueOrder | None:
        """The venue's view of one order, or ``None`` when the venue never received it."""
        ...


class KnownOrders(Protocol):
    """The order manager's orders and fills as an execution client may read them.

    The objects are the order manager's own: a client reads them and never changes them.
    """

    def find(self, order_id: str) -> Order | None:
        """The order with client order id ``order_id``, or ``None`` when there is none."""
        ...

    def orders(self, open_only: bool = False) -> list[Order]:
        """Every order (or the open ones), oldest first."""
        ...

    def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """The fills applied (``start <= time < end``), in the order they were applied."""
        ...


@runtime_checkable
class OrderStateReader(Protocol):
    """An execution client that reads the order manager's orders instead of keeping its own."""

    def bind_orders(self, orders: KnownOrders) -> None:
        """Read order state from ``orders`` from now on (called once by the order manager,
        after it loaded the journal and before it reconciles)."""
        ...
