"""One code's position: quantity, average price (평균단가), book cost and realized P&L.

The conventions of Korean brokers, kept in whole KRW:

- **Average price** (평균단가) is the moving average of the prices paid, *excluding* costs.
  Adding re-averages it; reducing leaves it unchanged. It is a ``Decimal`` with 40
  significant digits (exact whenever the average terminates), written without exponent.
- **Book cost** is what the held quantity cost at those prices (price × quantity, costs
  excluded), in whole won. **Open costs** are the commission, fees (and tax) paid to open the
  held quantity, not yet realized.
- **Realized P&L** of a reduction is net of *every* cost of the shares closed: proceeds minus
  their book cost (average × quantity, rounded half-even to the won and never more than the
  book cost), minus their share of the open costs (rounded half-even), minus the costs of the
  closing fill. Closing the whole position takes exactly the book cost and open costs left,
  so once flat the realized P&L is exactly the cash gained or lost.

A position may be short (negative quantity) when fills say so (the OMS applies what a venue
reports); a fill that crosses through zero closes the position and opens the rest at its
price, its costs split between the two parts by quantity.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal

from yeouido.model.enums import Side

AVERAGE_CONTEXT = decimal.Context(prec=40, rounding=decimal.ROUND_HALF_EVEN)
"""The precision of average prices."""

_ZERO = Decimal(0)


def share(total: int, part: int, whole: int) -> int:
    """``total × part / whole`` rounded half-even to an integer (all of it when
    ``part >= whole``)."""
    if part >= whole:
        return total
    quotient, remainder = divmod(total * part, whole)
    twice = 2 * remainder
    if twice > whole or (twice == whole and quotient % 2 == 1):
        quotient += 1
    return quotient


def tidy(value: Decimal) -> Decimal:
    """``value`` without exponent notation: ``70000`` rather than ``7E+4``."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize(AVERAGE_CONTEXT)


def moving_average(average: Decimal, held: int, price: int, added: int) -> Decimal:
    """The average price of ``held`` at ``average`` plus ``added`` at ``price``."""
    if held == 0:
        return Decimal(price)
    ctx = AVERAGE_CONTEXT
    total = ctx.add(ctx.multiply(average, Decimal(held)), Decimal(price * added))
    return tidy(ctx.divide(total, Decimal(held + added)))


def book_cost_of(average: Decimal, quantity: int) -> int:
    """``average × quantity`` rounded half-even to the won."""
    exact = AVERAGE_CONTEXT.multiply(average, Decimal(quantity))
    return int(exact.to_integral_value(rounding=decimal.ROUND_HALF_EVEN))


@dataclass(slots=True)
class Holding:
    """One code's position, updated fill by fill with :meth:`apply` (see the module docs).

    ``quantity`` is signed (negative: short); ``book_cost`` and ``open_costs`` are amounts of
    the held quantity, whatever its sign."""

    quantity: int = 0
    average_price: Decimal = _ZERO
    book_cost: int = 0
    open_costs: int = 0
    realized_pnl: int = 0

    @classmethod
    def from_snapshot(cls, quantity: int, average_price: Decimal, realized_pnl: int = 0) -> Holding:
        """A holding known only by its quantity and average price (a broker's balance): its
        book cost is the average times the quantity, its open costs unknown (0)."""
        size = -quantity if quantity < 0 else quantity
        return cls(
            quantity=quantity,
            average_price=average_price if quantity else _ZERO,
            book_cost=book_cost_of(average_price, size) if quantity else 0,
            open_costs=0,
            realized_pnl=realized_pnl,
        )

    def apply(self, side: Side, quantity: int, price: int, costs: int) -> int:
        """Book one fill of ``quantity`` (> 0) at ``price`` KRW that cost ``costs`` KRW
        (commission, fees and tax); returns the P&L it realized (0 when it only adds)."""
        held = self.quantity
        buying = side is Side.BUY
        if held == 0 or (held > 0) == buying:
            self._add(buying, quantity, price, costs)
            return 0
        size = held if held > 0 else -held
        closing = quantity if quantity < size else size
        closing_costs = costs if closing == quantity else share(costs, closing, quantity)
        if closing == size:
            cost_out, costs_out = self.book_cost, self.open_costs
        else:
            cost_out = min(book_cost_of(self.average_price, closing), self.book_cost)
            costs_out = share(self.open_costs, closing, size)
        gain = price * closing - cost_out
        realized = (gain if held > 0 else -gain) - costs_out - closing_costs
        self.quantity = held - closing if held > 0 else held + closing
        self.book_cost -= cost_out
        self.open_costs -= costs_out
        self.realized_pnl += realized
        if self.quantity == 0:
            self.average_price = _ZERO
            if quantity > closing:  # crossed through zero: the rest opens at the fill's price
                self._add(buying, quantity - closing, price, costs - closing_costs)
        return realized

    def _add(self, buying: bool, quantity: int, price: int, costs: int) -> None:
        held = self.quantity
        size = held if held >= 0 else -held
        self.average_price = moving_average(self.average_price, size, price, quantity)
        self.book_cost += price * quantity
        self.open_costs += costs
        self.quantity = held + quantity if buying else held - quantity
