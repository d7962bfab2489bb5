"""Order requests, orders, and the order state machine.

The legal transitions are listed in one table, :data:`TRANSITIONS`. Anything else raises
:class:`~yeouido.model.errors.InvalidTransition`::

    INITIALIZED ─▶ SUBMITTED ─▶ ACCEPTED ─▶ PARTIALLY_FILLED ─▶ FILLED
         │             │           │  ▲            │  ▲
         ▼             ▼           ▼  │            ▼  │
       DENIED       REJECTED    PENDING_MODIFY / PENDING_CANCEL ─▶ CANCELED
                                  EXPIRED (end of session, IOC/FOK remainder)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from yeouido.model.enums import OrderStatus, OrderType, Session, Side, TimeInForce, Venue
from yeouido.model.errors import InvalidInput, InvalidPrice, InvalidQuantity, InvalidTransition
from yeouido.model.instrument import Price
from yeouido.model.time import require_aware

S = OrderStatus

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.INITIALIZED: frozenset({S.SUBMITTED, S.DENIED}),
    S.SUBMITTED: frozenset(
        {S.ACCEPTED, S.REJECTED, S.PARTIALLY_FILLED, S.FILLED, S.CANCELED, S.EXPIRED}
    ),
    S.ACCEPTED: frozenset(
        {S.PARTIALLY_FILLED, S.FILLED, S.PENDING_MODIFY, S.PENDING_CANCEL, S.CANCELED, S.EXPIRED}
    ),
    S.PARTIALLY_FILLED: frozenset(
        {S.PARTIALLY_FILLED, S.FILLED, S.PENDING_MODIFY, S.PENDING_CANCEL, S.CANCELED, S.EXPIRED}
    ),
    S.PENDING_MODIFY: frozenset(
        {S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED, S.PENDING_CANCEL, S.CANCELED, S.EXPIRED}
    ),
    S.PENDING_CANCEL: frozenset({S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED, S.CANCELED, S.EXPIRED}),
    S.DENIED: frozenset(),
    S.REJECTED: frozenset(),
    S.FILLED: frozenset(),
    S.CANCELED: frozenset(),
    S.EXPIRED: frozenset(),
}
"""Every legal status change; a status absent from a set cannot follow its key."""


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    """Whether ``current → target`` is a legal order status change."""
    return target in TRANSITIONS[current]


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """What a strategy asks for: validated against KRX rules before it goes anywhere.

    ``price`` is the limit price (``None`` for market, 최유리, 최우선 and midpoint orders and
    the closing-price sessions); ``stop_price`` is the trigger of a stop-limit order.
    Construction checks only the shape of the request (types, positive quantity); the
    exchange's rules are checked by :func:`yeouido.krx.validate`.
    """

    code: str
    side: Side
    quantity: int
    price: Price | None = None
    order_type: OrderType = OrderType.LIMIT
    tif: TimeInForce = TimeInForce.DAY
    session: Session = Session.REGULAR
    venue: Venue = Venue.KRX
    client_order_id: str | None = None
    stop_price: Price | None = None

    def __post_init__(self) -> None:
        # Accept the users' spelling ("buy", "limit", "ioc") and normalise to the enums.
        object.__setattr__(self, "side", _parse(Side, "side", self.side))
        object.__setattr__(self, "order_type", _parse(OrderType, "order_type", self.order_type))
        object.__setattr__(self, "tif", _parse(TimeInForce, "tif", self.tif))
        object.__setattr__(self, "session", _parse(Session, "session", self.session))
        venue = self.venue
        object.__setattr__(
            self,
            "venue",
            venue if type(venue) is Venue else _parse(Venue, "venue", str(venue).upper()),
        )
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise InvalidQuantity.for_field("quantity", self.quantity, "must be a whole number")
        if self.quantity <= 0:
            raise InvalidQuantity.for_field("quantity", self.quantity, "must be > 0")
        for name in ("price", "stop_price"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                raise InvalidPrice.for_field(
                    name, value, "must be an int (KRW) or a Decimal (index points), never a float"
                )
            if value <= 0:
                raise InvalidPrice.for_field(name, value, "must be > 0")

    @classmethod
    def create(
        cls,
        code: str,
        side: str | Side,
        quantity: int,
        price: Price | None = None,
        order_type: str | OrderType = OrderType.LIMIT,
        tif: str | TimeInForce = TimeInForce.DAY,
        session: str | Session = Session.REGULAR,
        venue: str | Venue = Venue.KRX,
        client_order_id: str | None = None,
        stop_price: Price | None = None,
    ) -> OrderRequest:
        """Build a request from the users' spellings (``"buy"``, ``"ioc"``, ``"nxt"``);
        a bad value raises :class:`InvalidInput` naming the field and the choices."""
        return cls(
            code,
            side,  # type: ignore[arg-type]  # parsed to the enums by __post_init__
            quantity,
            price,
            order_type,  # type: ignore[arg-type]
            tif,  # type: ignore[arg-type]
            session,  # type: ignore[arg-type]
            venue,  # type: ignore[arg-type]
            client_order_id,
            stop_price,
        )

    def with_client_order_id(self, client_order_id: str) -> OrderRequest:
        """A copy carrying ``client_order_id``."""
        return replace(self, client_order_id=client_order_id)


def order_type_for(
    price: Price | None, order_type: str | OrderType | None = None
) -> str | OrderType:
    """The one rule of every ``buy``/``sell``: ``order_type`` when given, else a limit order
    when a price is given and a market order when none is."""
    if order_type is not None:
        return order_type
    return OrderType.MARKET if price is None else OrderType.LIMIT


def _parse(enum: Any, name: str, value: Any) -> Any:
    if type(value) is enum:
        return value
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidInput.for_field(name, value, f"must be one of {allowed}") from None


@dataclass(slots=True)
class Order:
    """An order's life at a venue: its request, status, and what has filled.

    Status changes go through :meth:`transition` (or the helpers built on it), which refuses
    illegal changes. ``filled_quantity`` and ``average_fill_price`` change only through
    :meth:`apply_fill`.
    """

    request: OrderRequest
    order_id: str
    created_at: datetime
    status: OrderStatus = OrderStatus.INITIALIZED
    venue_order_id: str | None = None
    filled_quantity: int = 0
    filled_value: Price = 0
    updated_at: datetime | None = None
    reason: str | None = None
    history: list[tuple[datetime, OrderStatus]] = field(default_factory=list)

    def __post_init__(self) -> None:
        require_aware("created_at", self.created_at)

    @property
    def code(self) -> str:
        """The instrument code."""
        return self.request.code

    @property
    def side(self) -> Side:
        """Buy or sell."""
        return self.request.side

    @property
    def quantity(self) -> int:
        """The ordered quantity (after any accepted modification)."""
        return self.request.quantity

    @property
    def remaining_quantity(self) -> int:
        """What is still to fill."""
        return self.request.quantity - self.filled_quantity

    @property
    def average_fill_price(self) -> Decimal | None:
        """Volume-weighted fill price, exact (``Decimal``), or ``None`` before any fill."""
        if self.filled_quantity == 0:
            return None
        return Decimal(self.filled_value) / Decimal(self.filled_quantity)

    @property
    def is_open(self) -> bool:
        """Whether the order may still trade."""
        return self.status.is_open

    def transition(self, target: OrderStatus, at: datetime, reason: str | None = None) -> None:
        """Move to ``target``; raise :class:`InvalidTransition` if the table forbids it."""
        require_aware("at", at)
        if not can_transition(self.status, target):
            raise InvalidTransition(
                f"order {self.order_id}: status {self.status.value} cannot become {target.value}",
                field="status",
                value=target.value,
                rule=f"allowed from {self.status.value}: "
                + (", ".join(sorted(s.value for s in TRANSITIONS[self.status])) or "none"),
            )
        self.status = target
        self.updated_at = at
        if reason is not None:
            self.reason = reason
        self.history.append((at, target))

    def apply_fill(self, quantity: int, price: Price, at: datetime) -> None:
        """Record a fill and move to PARTIALLY_FILLED or FILLED."""
        if quantity <= 0 or quantity > self.remaining_quantity:
            raise InvalidQuantity.for_field(
                "fill quantity",
                quantity,
                f"must be between 1 and the remaining {self.remaining_quantity}",
            )
        target = OrderStatus.FILLED if quantity == self.remaining_quantity else S.PARTIALLY_FILLED
        self.transition(target, at)
        self.filled_quantity += quantity
        self.filled_value = self.filled_value + price * quantity
