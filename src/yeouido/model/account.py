"""Account state: fills, positions and balances. KRW amounts are integers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from yeouido.model.enums import Side, Venue
from yeouido.model.errors import InvalidInput
from yeouido.model.instrument import Price
from yeouido.model.time import require_aware


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of one order. ``trade_id`` is the venue's id, unique per venue and day:
    the OMS applies each fill exactly once by it."""

    order_id: str
    trade_id: str
    code: str
    side: Side
    quantity: int
    price: Price
    time: datetime
    commission: int = 0
    tax: int = 0
    venue: Venue = Venue.KRX

    def __post_init__(self) -> None:
        require_aware("time", self.time)

    @property
    def gross_amount(self) -> Price:
        """Price times quantity, before costs."""
        return self.price * self.quantity

    @property
    def net_amount(self) -> Price:
        """Cash moved: negative for a buy (paid), positive for a sell (received), after costs."""
        costs = self.commission + self.tax
        if self.side is Side.BUY:
            return -(self.gross_amount + costs)
        return self.gross_amount - costs


@dataclass(frozen=True, slots=True)
class Position:
    """Holdings of one instrument. ``average_price`` is exact (``Decimal``)."""

    code: str
    quantity: int
    average_price: Decimal
    last_price: Price | None = None
    realized_pnl: int = 0
    sellable_quantity: int | None = None

    @property
    def cost_basis(self) -> Decimal:
        """Quantity times average price."""
        return self.average_price * self.quantity

    @property
    def market_value(self) -> Decimal | None:
        """Quantity times the last price, when known."""
        if self.last_price is None:
            return None
        return Decimal(self.last_price) * self.quantity

    @property
    def unrealized_pnl(self) -> Decimal | None:
        """Market value minus cost basis, before selling costs."""
        value = self.market_value
        return None if value is None else value - self.cost_basis


@dataclass(frozen=True, slots=True)
class Balance:
    """Cash of an account in KRW.

    ``cash`` is the deposit today (예수금); ``settlement_d1`` and ``settlement_d2`` are the
    deposit after the T+1 and T+2 settlements of today's and yesterday's trades (D+1, D+2
    예수금); ``buying_power`` is what a new buy can use (주문가능금액).
    """

    cash: int
    settlement_d1: int
    settlement_d2: int
    buying_power: int
    time: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("cash", "settlement_d1", "settlement_d2", "buying_power"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput.for_field(name, value, "KRW amounts are integers")
        if self.time is not None:
            require_aware("time", self.time)
