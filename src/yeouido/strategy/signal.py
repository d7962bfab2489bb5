"""Signal strategies: entries and exits a strategy can give both bar by bar and as arrays.

A :class:`SignalStrategy` is a :class:`~yeouido.strategy.base.Strategy` whose trading is "go
long on an entry, flatten on an exit". Its ``on_bar`` decides with streaming indicators and
calls :meth:`SignalStrategy.enter` / :meth:`SignalStrategy.exit`; its :meth:`signals` gives
the same decisions for a whole history at once with batch indicators, which is what the
vectorized backtest and parameter sweeps run. Both paths size and fill orders by the same
rules, so they produce the same trades (the test suite checks it for the examples).

Sizing (both modes): an entry on a bar's close, when flat with no open order, buys with
``min(buying power, floor(equity × weight))`` the largest quantity whose cost at the price a
market buy reserves (:meth:`~yeouido.strategy.Context.buy_reserve_price`: that close in a
backtest, the upper limit at the paper broker) fits, commission and fees included; ``weight``
is :attr:`SignalStrategy.weight` or ``1 / len(symbols)``. An exit sells the whole position.
Both are market orders.

Indicators in :meth:`SignalStrategy.signals` come from :attr:`SignalStrategy.ta`
(``self.ta.sma(bars.close, 20)``): plain :mod:`yeouido.ta` in a backtest, the same functions
memoized across parameter combinations in a sweep (see :mod:`yeouido.backtest.indicator_cache`).
Calling the functions imported from :mod:`yeouido.ta` directly gives the same numbers, only
computed again for every combination of a sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import numpy.typing as npt

from yeouido.strategy.base import Strategy

if TYPE_CHECKING:
    from yeouido.model.orders import Order
    from yeouido.strategy.context import Context

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class SeriesBars:
    """One code's bars as arrays (oldest first), for :meth:`SignalStrategy.signals`."""

    code: str
    time: npt.NDArray[np.datetime64]
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    volume: FloatArray

    def __len__(self) -> int:
        return len(self.close)


class SignalStrategy(Strategy):
    """A long-only entry/exit strategy that also runs vectorized (see the module docs)."""

    weight: ClassVar[float | None] = None
    """The fraction of equity one entry may use; ``None``: ``1 / len(symbols)``."""

    _indicators: Any = None

    @property
    def ta(self) -> Any:
        """The indicator functions for :meth:`signals`: :mod:`yeouido.ta`, or in a parameter
        sweep a namespace with the same names whose functions remember their results across
        the combinations (those results are read-only arrays). Set by the sweep; setting
        ``None`` restores plain :mod:`yeouido.ta`."""
        if self._indicators is None:
            import yeouido.ta

            return yeouido.ta
        return self._indicators

    @ta.setter
    def ta(self, namespace: Any) -> None:
        self._indicators = namespace

    def signals(self, bars: SeriesBars) -> tuple[BoolArray, BoolArray]:
        """``(entries, exits)``: one boolean per bar of ``bars``, true where the bar's close
        triggers an entry (exit). Must use only bars up to each position (batch indicators
        are causal). Take indicators from :attr:`ta` so sweeps can memoize them."""
        raise NotImplementedError(f"{type(self).__name__} does not define signals()")

    def entry_weight(self, symbol_count: int) -> float:
        """The weight of one entry for a portfolio of ``symbol_count`` codes."""
        return self.weight if self.weight is not None else 1.0 / max(symbol_count, 1)

    def enter(self, ctx: Context, code: str) -> Order | None:
        """Buy ``code`` by the sizing rule when flat with no open order; ``None`` otherwise
        (or when the budget buys nothing)."""
        if ctx.quantity(code) or ctx.open_orders(code):
            return None
        price = ctx.buy_reserve_price(code)
        if price is None or price <= 0:
            return None
        budget = min(ctx.buying_power, int(ctx.equity * self.entry_weight(len(ctx.symbols))))
        quantity = ctx.affordable_quantity(budget, price)
        if quantity <= 0:
            return None
        return ctx.buy(code, quantity)

    def exit(self, ctx: Context, code: str) -> Order | None:
        """Sell the whole position in ``code`` when held with no open order."""
        held = ctx.quantity(code)
        if held <= 0 or ctx.open_orders(code):
            return None
        return ctx.sell(code, held)
