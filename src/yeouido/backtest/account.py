"""The backtest account: cash with T+2 settlement, positions, reservations and costs paid."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from decimal import Decimal

from yeouido.model.enums import Side


@dataclass(slots=True)
class Holding:
    """One code's position: quantity, the amount paid for it (price × quantity, costs
    excluded: the 평균단가 basis), and realized P&L net of costs."""

    quantity: int = 0
    basis: int = 0
    realized: int = 0

    @property
    def average_price(self) -> Decimal:
        """The average purchase price (0 when flat)."""
        return Decimal(self.basis) / self.quantity if self.quantity else Decimal(0)


class BacktestAccount:
    """Cash in KRW with trades settling two trading days later (T+2).

    ``cash`` is settled cash (예수금); ``d2_cash`` includes every trade not yet settled (the
    D+2 예수금); ``reserved`` is what open buy orders hold back; buying power is
    ``d2_cash - reserved``.
    """

    __slots__ = (
        "cash",
        "commission_paid",
        "d2_cash",
        "holdings",
        "pending",
        "reserved",
        "settlement_days",
        "tax_paid",
    )

    def __init__(self, cash: int, settlement_days: int = 2) -> None:
        self.cash = cash
        self.d2_cash = cash
        self.reserved = 0
        self.pending: deque[tuple[int, int]] = deque()
        self.holdings: dict[str, Holding] = {}
        self.commission_paid = 0
        self.tax_paid = 0
        self.settlement_days = settlement_days

    @property
    def buying_power(self) -> int:
        """What a new buy can use."""
        return self.d2_cash - self.reserved

    def settle(self, day_index: int) -> None:
        """Move every amount due by trading day ``day_index`` into settled cash."""
        pending = self.pending
        while pending and pending[0][0] <= day_index:
            self.cash += pending.popleft()[1]

    def due_by(self, day_index: int) -> int:
        """Settled cash plus what settles by trading day ``day_index``."""
        return self.cash + sum(amount for due, amount in self.pending if due <= day_index)

    def quantity(self, code: str) -> int:
        """Held quantity of ``code``."""
        holding = self.holdings.get(code)
        return holding.quantity if holding is not None else 0

    def apply(
        self,
        code: str,
        side: Side,
        quantity: int,
        price: int,
        commission: int,
        tax: int,
        day_index: int,
    ) -> None:
        """Book one execution traded on trading day ``day_index``."""
        amount = quantity * price
        holding = self.holdings.get(code)
        if holding is None:
            holding = self.holdings[code] = Holding()
        if side is Side.BUY:
            flow = -(amount + commission)
            holding.quantity += quantity
            holding.basis += amount
            holding.realized -= commission
        else:
            flow = amount - commission - tax
            basis = holding.basis * quantity // holding.quantity
            holding.realized += amount - basis - commission - tax
            holding.basis -= basis
            holding.quantity -= quantity
        self.commission_paid += commission
        self.tax_paid += tax
        self.d2_cash += flow
        self.pending.append((day_index + self.settlement_days, flow))
