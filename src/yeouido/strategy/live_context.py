"""The :class:`~yeouido.strategy.context.Context` of the live runtime, over a broker.

:class:`LiveContext` gives a strategy the same interface as the backtest's context, backed by
a synchronous :class:`~yeouido.brokers.sync.Broker`: orders go to the broker, whose order
manager validates them (KRX rules), risk-checks and journals them, so a refused order raises
the same exception classes (:class:`~yeouido.model.errors.InvalidOrder`,
:class:`~yeouido.model.errors.OrderDenied`, :class:`~yeouido.model.errors.OrderRejected`, …)
as in a backtest. Positions and cash are read from the broker and cached until an order is
sent or an order event (a fill, a status change) arrives. History is the warm-up bars plus the
completed live bars — never the forming bar.

The runtime owns the context: it feeds it bars, trades and order events on its one thread,
and swaps the broker after a reconnect (:meth:`LiveContext.attach`). Strategies call it only
from their callbacks, on that same thread.

The broker's order manager owns the orders. The context keeps, for the strategy's orders
only, the copy of each order as of the last event processed (what a strategy reads between
two events must not change under it). Each state of an order is copied once, on the
broker's loop where the order manager changes it: by the runtime when an event arrives, by
:meth:`LiveContext.fetch_order` and by the order calls here.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from yeouido.brokers.base import AsyncBroker, OrderEvent
from yeouido.brokers.sync import Broker
from yeouido.krx.costs import CostModel
from yeouido.krx.ticks import price_limits
from yeouido.model.account import Balance, Position
from yeouido.model.errors import InvalidInput
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import Bar, Trade
from yeouido.model.orders import Order, OrderRequest
from yeouido.strategy.context import HISTORY_FIELDS, Context, raise_unknown_symbol

MODES = ("paper", "live")


def snapshot(order: Order) -> Order:
    """A copy of ``order`` as it is now (the order manager keeps changing its own object;
    take it on the broker's loop)."""
    copied = copy.copy(order)
    copied.history = list(order.history)
    return copied


def order_version(order: Order) -> tuple[int, int]:
    """How far ``order`` has progressed: status changes made, quantity filled."""
    return len(order.history), order.filled_quantity


@dataclass(slots=True)
class _Series:
    """One code's completed bars, column by column."""

    times: list[datetime] = field(default_factory=list)
    columns: dict[str, list[int]] = field(
        default_factory=lambda: {name: [] for name in HISTORY_FIELDS}
    )

    def append(self, bar: Bar) -> None:
        self.times.append(bar.time)
        for name in HISTORY_FIELDS:
            self.columns[name].append(int(getattr(bar, name)))


class LiveContext(Context):
    """A strategy's context on the paper market or a broker (``mode`` ``"paper"`` or
    ``"live"``).

    ``clock`` gives the market's time (the simulated clock on the paper market, the Seoul wall
    clock at a broker); ``cost_model`` the account's rates (the default
    :class:`~yeouido.krx.costs.CostModel` when ``None``).
    """

    def __init__(
        self,
        broker: Broker,
        symbols: tuple[str, ...],
        *,
        mode: str,
        clock: Callable[[], datetime],
        cost_model: CostModel | None = None,
    ) -> None:
        super().__init__(tuple(symbols))
        if mode not in MODES:
            raise InvalidInput.for_field("mode", mode, f"must be one of {', '.join(MODES)}")
        self.mode = mode
        self._broker = broker
        self._clock = clock
        self._cost_model = cost_model or CostModel()
        self._history: dict[str, _Series] = {code: _Series() for code in self.symbols}
        self._last_prices: dict[str, Price] = {}
        self._instruments: dict[str, Instrument] = {}
        self._reserve_prices: dict[tuple[str, date], int] = {}
        self._orders: dict[str, Order] = {}
        self._positions: dict[str, Position] | None = None
        self._balance: Balance | None = None
        self.log_sink: Callable[[datetime, str], None] | None = None
        """Called with each :meth:`log` message as well (the runtime prints them)."""

    # -- the runtime's side -------------------------------------------------------------
    @property
    def broker(self) -> Broker:
        """The broker the context sends to."""
        return self._broker

    def attach(self, broker: Broker) -> None:
        """Use ``broker`` from now on (after a reconnect); cached account state is dropped."""
        self._broker = broker
        self.invalidate()

    def invalidate(self) -> None:
        """Read positions and cash from the broker again at the next use."""
        self._positions = None
        self._balance = None

    def add_bar(self, bar: Bar) -> None:
        """Append a completed bar of one of the symbols to the history."""
        series = self._history.get(bar.code)
        if series is None:
            return
        series.append(bar)
        self._last_prices[bar.code] = bar.close

    def note_trade(self, trade: Trade) -> None:
        """Remember the last price of ``trade``'s code."""
        self._last_prices[trade.code] = trade.price

    def note_price(self, code: str, price: Price) -> None:
        """Remember ``price`` as the last known price of ``code`` (a forming bar's close)."""
        self._last_prices[code] = price

    def bar_count(self, code: str) -> int:
        """How many completed bars of ``code`` the history holds."""
        series = self._history.get(code)
        return 0 if series is None else len(series.times)

    def last_bar_time(self, code: str) -> datetime | None:
        """The start of the last completed bar of ``code``, if any."""
        series = self._history.get(code)
        return series.times[-1] if series is not None and series.times else None

    def adopt(self, order: Order) -> bool:
        """Track ``order`` — a copy (:func:`snapshot`), which the context keeps as it is — as
        one of the strategy's, replacing an older copy; returns whether it was newer."""
        known = self._orders.get(order.order_id)
        if known is not None and order_version(order) < order_version(known):
            return False
        self._orders[order.order_id] = order
        return True

    def _copied(self, call: Callable[[AsyncBroker], Awaitable[Order]]) -> Order:
        """Run ``call`` on the broker's loop and copy the order it gives, there."""

        async def run() -> Order:
            return snapshot(await call(self._broker.async_broker))

        return self._broker.run(run())

    def fetch_order(self, order_id: str) -> Order:
        """A copy of the order manager's order ``order_id`` as it is now."""
        return self._copied(lambda broker: broker.order(order_id))

    def fetch_orders(self, open_only: bool = False) -> list[Order]:
        """Copies of the order manager's orders (the open ones) as they are now."""

        async def run() -> list[Order]:
            broker = self._broker.async_broker
            return [snapshot(order) for order in await broker.orders(open_only)]

        return self._broker.run(run())

    def owns(self, order_id: str) -> bool:
        """Whether ``order_id`` is one of the strategy's orders."""
        return order_id in self._orders

    def tracked_order(self, order_id: str) -> Order | None:
        """The strategy's order ``order_id`` as last seen."""
        return self._orders.get(order_id)

    @property
    def orders(self) -> list[Order]:
        """Every order of the strategy (as last seen), oldest first."""
        return sorted(self._orders.values(), key=lambda order: order.created_at)

    def observe(self, event: OrderEvent) -> None:
        """Apply an order event: the order's newer snapshot, and the account is re-read."""
        self.invalidate()
        if event.order is not None and event.order_id in self._orders:
            self.adopt(event.order)

    # -- time and market ---------------------------------------------------------------
    @property
    def now(self) -> datetime:
        """The market's current time (Asia/Seoul)."""
        return self._clock()

    def instrument(self, code: str) -> Instrument:
        """The instrument with ``code`` (asked of the broker once)."""
        found = self._instruments.get(code)
        if found is None:
            found = self._broker.instrument(code)
            self._instruments[code] = found
        return found

    def last_price(self, code: str) -> int | None:
        """The last trade's price of ``code`` (or the last bar's close)."""
        price = self._last_prices.get(code)
        return None if price is None else int(price)

    def buy_reserve_price(self, code: str) -> int | None:
        """The day's upper price limit of ``code`` (from the broker's previous close): what the
        paper broker and Korean brokers hold back for a market buy."""
        day = self.now.date()
        key = (code, day)
        found = self._reserve_prices.get(key)
        if found is None:
            quote = self._broker.quote(code)
            base = quote.previous_close or quote.last
            if base is None:
                return self.last_price(code)
            instrument = self.instrument(code)
            found = int(
                price_limits(base, instrument.tick_table, instrument.market, instrument.leverage)[1]
            )
            self._reserve_prices[key] = found
        return found

    def history(
        self, code: str, field: str = "close", count: int | None = None
    ) -> npt.NDArray[np.int64]:
        """The completed bars' ``field`` of ``code``, oldest first (the last ``count``)."""
        if code not in self._history:
            raise_unknown_symbol(code, self.symbols)
        if field not in HISTORY_FIELDS:
            raise InvalidInput.for_field("field", field, f"must be one of {HISTORY_FIELDS}")
        values = self._history[code].columns[field]
        if count is not None:
            if count < 0:
                raise InvalidInput.for_field("count", count, "must be >= 0")
            values = values[max(0, len(values) - count) :] if count else []
        return np.array(values, dtype=np.int64)

    def log(self, message: str) -> None:
        """Record ``message`` with the market time and hand it to the runtime's log."""
        moment = self.now
        self.messages.append((moment, message))
        if self.log_sink is not None:
            self.log_sink(moment, message)

    # -- orders ------------------------------------------------------------------------
    def submit(self, request: OrderRequest) -> Order:
        """Send ``request`` through the broker's order manager; raises the refusal's error."""
        if request.code not in self._history:
            raise_unknown_symbol(request.code, self.symbols)
        self.invalidate()
        order = self._copied(lambda broker: broker.submit(request))
        self.adopt(order)
        return self._orders[order.order_id]

    def modify(
        self, order_id: str, quantity: int | None = None, price: Price | None = None
    ) -> Order:
        """Change an open order's open quantity and/or price."""
        self.invalidate()
        order = self._copied(lambda broker: broker.modify(order_id, quantity, price))
        self.adopt(order)
        return self._orders.get(order.order_id, order)

    def cancel(self, order_id: str) -> Order:
        """Cancel an open order."""
        self.invalidate()
        order = self._copied(lambda broker: broker.cancel(order_id))
        self.adopt(order)
        return self._orders.get(order.order_id, order)

    def open_orders(self, code: str | None = None) -> list[Order]:
        """The strategy's open orders (of ``code``), as of the last event processed."""
        return [
            order for order in self.orders if order.is_open and (code is None or order.code == code)
        ]

    # -- account -----------------------------------------------------------------------
    def _positions_now(self) -> dict[str, Position]:
        if self._positions is None:
            self._positions = {
                position.code: position
                for position in self._broker.positions()
                if position.quantity != 0
            }
        return self._positions

    def quantity(self, code: str) -> int:
        """The quantity held of ``code`` (0 when none)."""
        position = self._positions_now().get(code)
        return 0 if position is None else position.quantity

    def positions(self) -> dict[str, Position]:
        """Every holding of the account by code."""
        return dict(self._positions_now())

    def balance(self) -> Balance:
        """Cash: deposit, D+1 and D+2 amounts and buying power (from the broker)."""
        if self._balance is None:
            self._balance = self._broker.balance()
        return self._balance

    @property
    def buying_power(self) -> int:
        """What a buy can use now, in KRW (open buy orders already set aside)."""
        return self.balance().buying_power

    @property
    def equity(self) -> int:
        """The D+2 cash plus the holdings at their last prices, in KRW."""
        total = Decimal(self.balance().settlement_d2)
        for code, position in self._positions_now().items():
            price: Price | Decimal | None = self._last_prices.get(code)
            if price is None:
                price = position.last_price
            if price is None:
                price = position.average_price
            total += Decimal(price) * position.quantity
        return int(total)

    @property
    def cost_model(self) -> CostModel:
        """The account's commission and fee rates."""
        return self._cost_model


__all__ = ["MODES", "LiveContext", "order_version", "snapshot"]
