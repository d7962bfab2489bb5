"""Positions derived from a starting snapshot plus fills (average-cost method)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal

from yeouido.model.account import Fill, Position
from yeouido.model.enums import Side


class PositionBook:
    """Holdings by instrument code, kept up to date fill by fill.

    Average price is exact (``Decimal``) and excludes costs; realized P&L is in KRW, net of
    every fill's commission and tax (costs count when they are paid, buys included), rounded
    down to the won when the average price is fractional.
    """

    def __init__(self, positions: Iterable[Position] = ()) -> None:
        self._positions: dict[str, Position] = {p.code: p for p in positions}

    def apply(self, fill: Fill) -> Position:
        """Apply one fill; return the instrument's new position."""
        current = self._positions.get(fill.code) or Position(fill.code, 0, Decimal(0))
        signed = fill.quantity if fill.side is Side.BUY else -fill.quantity
        price = Decimal(fill.price)
        quantity = current.quantity
        average = current.average_price
        realized = Decimal(-(fill.commission + fill.tax))
        if quantity == 0 or (quantity > 0) == (signed > 0):
            total = quantity + signed
            average = (average * abs(quantity) + price * abs(signed)) / abs(total)
        else:
            closing = min(abs(signed), abs(quantity))
            direction = 1 if quantity > 0 else -1
            realized += (price - average) * closing * direction
            total = quantity + signed
            if total == 0:
                average = Decimal(0)
            elif (total > 0) != (quantity > 0):
                average = price  # crossed through zero: the rest opens at the fill price
        sellable = current.sellable_quantity
        if sellable is not None and signed < 0:
            sellable = max(0, sellable + signed)
        position = replace(
            current,
            quantity=total,
            average_price=average,
            realized_pnl=current.realized_pnl
            + int(realized.to_integral_value(rounding="ROUND_FLOOR")),
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
