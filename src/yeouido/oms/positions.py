"""Positions derived from a starting snapshot plus fills, kept by the account core."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal

from yeouido.accounting import Holding
from yeouido.model.account import Fill, Position
from yeouido.model.enums import Side
from yeouido.model.errors import NotSupported


class PositionBook:
    """Holdings by instrument code, kept up to date fill by fill.

    Each code's quantity, average price and realized P&L follow the account core
    (:class:`~yeouido.accounting.Holding`): the average price (평균단가) excludes costs and is
    unchanged by sales; realized P&L is net of every cost of the shares sold (their share of
    what buying them cost, and the sale's commission, fees and tax). A snapshot position
    starts with its average price as book cost and no known buying costs.
    """

    def __init__(self, positions: Iterable[Position] = ()) -> None:
        self._positions: dict[str, Position] = {}
        self._holdings: dict[str, Holding] = {}
        for position in positions:
            self._positions[position.code] = position
            self._holdings[position.code] = Holding.from_snapshot(
                position.quantity, position.average_price, position.realized_pnl
            )

    def apply(self, fill: Fill) -> Position:
        """Apply one fill; return the instrument's new position."""
        price = fill.price
        if not isinstance(price, int):
            if price != price.to_integral_value():
                raise NotSupported.for_field(
                    "price", price, "positions are kept for securities priced in whole KRW"
                )
            price = int(price)
        holding = self._holdings.get(fill.code)
        if holding is None:
            holding = self._holdings[fill.code] = Holding()
        current = self._positions.get(fill.code) or Position(fill.code, 0, Decimal(0))
        holding.apply(fill.side, fill.quantity, price, fill.commission + fill.tax)
        sellable = current.sellable_quantity
        if sellable is not None and fill.side is Side.SELL:
            sellable = max(0, sellable - fill.quantity)
        position = replace(
            current,
            quantity=holding.quantity,
            average_price=holding.average_price,
            realized_pnl=holding.realized_pnl,
            sellable_quantity=sellable,
        )
        self._positions[fill.code] = position
        return position

    def get(self, code: str) -> Position | None:
        """The position in ``code``, or ``None`` when there never was one."""
        return self._positions.get(code)

    def quantity(self, code: str) -> int:
        """The signed quantity held of ``code`` (0 when none)."""
        position = self._positions.get(code)
        return 0 if position is None else position.quantity

    def view(self) -> Mapping[str, Position]:
        """The live mapping of positions by code (flat ones included); do not modify."""
        return self._positions

    def positions(self, include_flat: bool = False) -> dict[str, Position]:
        """Positions by code (flat ones only when ``include_flat``)."""
        return {
            code: position
            for code, position in self._positions.items()
            if include_flat or position.quantity != 0
        }

    @property
    def realized_pnl(self) -> int:
        """The sum of realized P&L over every instrument, in KRW."""
        return sum(position.realized_pnl for position in self._positions.values())
