"""An account: positions by code and cash with T+2 settlement, booked fill by fill."""

from __future__ import annotations

from typing import Generic

from yeouido.accounting.cash import CashLedger, Day, net_cash
from yeouido.accounting.holding import Holding
from yeouido.model.enums import Side


class Account(Generic[Day]):
    """:class:`Holding` by code and a :class:`CashLedger`, in whole KRW.

    :meth:`apply` books a fill on both: the position (average price, realized P&L) and the
    cash it moves, settling on the due day given (T+2: see
    :func:`~yeouido.accounting.settlement_day`)."""

    __slots__ = ("cash", "holdings")

    def __init__(self, cash: int) -> None:
        self.cash: CashLedger[Day] = CashLedger(cash)
        self.holdings: dict[str, Holding] = {}

    def quantity(self, code: str) -> int:
        """The quantity held of ``code`` (0 when none)."""
        holding = self.holdings.get(code)
        return 0 if holding is None else holding.quantity

    def apply(
        self, code: str, side: Side, quantity: int, price: int, charges: int, tax: int, due: Day
    ) -> int:
        """Book a fill: ``charges`` is its commission and fees, ``tax`` its transaction tax,
        ``due`` its settlement day. Returns the P&L it realized."""
        holding = self.holdings.get(code)
        if holding is None:
            holding = self.holdings[code] = Holding()
        costs = charges + tax
        realized = holding.apply(side, quantity, price, costs)
        self.cash.book(due, net_cash(side, quantity * price, costs))
        return realized
