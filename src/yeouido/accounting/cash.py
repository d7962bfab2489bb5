"""Cash with T+2 settlement: the deposit (예수금), what settles on later days, reservations.

A fill moves cash on its settlement day, the second trading day after the trade
(:func:`settlement_day`). :class:`CashLedger` keeps the deposit settled so far and the
amounts still to settle, by due day: the deposit on a later day is the settled cash plus
everything due by then, and the deposit once everything settled (the D+2 예수금, as a
trade settles at most two trading days later) is :attr:`CashLedger.total`. Buying power
(주문가능금액) is that total less what open buy orders reserve.

Due days are anything ordered: trading-day indices in a backtest, dates for the paper
broker.
"""

from __future__ import annotations

import bisect
from collections import deque
from datetime import date, datetime
from typing import Generic, TypeVar

from yeouido.krx.calendar import next_trading_day
from yeouido.model.account import Balance
from yeouido.model.enums import Side

SETTLEMENT_DAYS = 2
"""Trading days from trade to settlement (T+2)."""

Day = TypeVar("Day", int, date)


def settlement_day(trade_day: date, days: int = SETTLEMENT_DAYS) -> date:
    """The KRX trading day ``days`` trading days after ``trade_day`` (T+2 by default)."""
    day = trade_day
    for _ in range(days):
        day = next_trading_day(day)
    return day


def net_cash(side: Side, amount: int, costs: int) -> int:
    """Cash a fill of ``amount`` KRW (price × quantity) with ``costs`` moves: negative for a
    buy (paid), positive for a sell (received)."""
    return -(amount + costs) if side is Side.BUY else amount - costs


def _due(item: tuple[Day, int]) -> Day:
    return item[0]


class CashLedger(Generic[Day]):
    """Settled cash plus the amounts still to settle, by due day.

    ``settled`` is the deposit after every settlement so far; ``total`` the deposit once
    everything booked has settled; ``reserved`` what open buy orders hold back.
    """

    __slots__ = ("pending", "reserved", "settled", "total")

    def __init__(self, settled: int, reserved: int = 0) -> None:
        self.settled = settled
        self.total = settled
        self.reserved = reserved
        self.pending: deque[tuple[Day, int]] = deque()

    def book(self, due: Day, amount: int) -> None:
        """Add ``amount`` (signed) settling on ``due``."""
        self.total += amount
        pending = self.pending
        if pending and due < pending[-1][0]:
            bisect.insort_right(pending, (due, amount), key=_due)
        else:
            pending.append((due, amount))

    def settle(self, through: Day) -> None:
        """Move every amount due on or before ``through`` into the settled cash."""
        pending = self.pending
        while pending and pending[0][0] <= through:
            self.settled += pending.popleft()[1]

    def due_by(self, through: Day) -> int:
        """The deposit on ``through``: settled cash plus what settles by then."""
        return self.settled + sum(amount for due, amount in self.pending if due <= through)

    @property
    def buying_power(self) -> int:
        """What a new buy can use: every booked amount settled, less the reservations."""
        return self.total - self.reserved

    def available(self, through: Day) -> int:
        """Buying power counting only what settles by ``through`` (the second trading day
        from the day asked about, which may be earlier than some booked trade)."""
        return min(self.due_by(through), self.total) - self.reserved

    def balance(
        self, today: Day, next_day: Day, second_day: Day, time: datetime | None = None
    ) -> Balance:
        """The balance on ``today``: the deposit (예수금) then, on the next trading day (D+1)
        and on the second (D+2); buying power as of ``today``, never negative."""
        second = self.due_by(second_day)
        return Balance(
            cash=self.due_by(today),
            settlement_d1=self.due_by(next_day),
            settlement_d2=second,
            buying_power=max(min(second, self.total) - self.reserved, 0),
            time=time,
        )
