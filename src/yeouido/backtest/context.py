"""The backtest's :class:`~yeouido.strategy.context.Context`: orders, account and history.

Orders are checked by the same KRX rules as everywhere (instrument, quantity and lot, order
type for the regular session, tick size, daily price limits), then by the account (no short
selling; buying power), before they are accepted. The :mod:`engine
<yeouido.backtest.engine>` fills them by the :mod:`fill model <yeouido.backtest.fills>`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from yeouido.accounting import Account
from yeouido.krx.costs import CostModel
from yeouido.krx.master import default_master
from yeouido.krx.order_rules import ReferencePrices, validate_in_phase
from yeouido.krx.sessions import Phase
from yeouido.krx.ticks import has_price_limits, price_limits
from yeouido.model.account import Balance, Position
from yeouido.model.enums import (
    InstrumentKind,
    Market,
    OrderStatus,
    OrderType,
    Session,
    Side,
    Venue,
)
from yeouido.model.errors import (
    InsufficientFunds,
    InsufficientPosition,
    InvalidInput,
    NotSupported,
    OrderNotOpen,
)
from yeouido.model.instrument import Instrument, Price
from yeouido.model.orders import Order, OrderRequest
from yeouido.strategy.context import HISTORY_FIELDS, Context, raise_unknown_symbol

MARKET_LIKE = frozenset(
    {OrderType.MARKET, OrderType.BEST_OPPOSITE, OrderType.BEST_SAME_SIDE, OrderType.MIDPOINT}
)
"""Types a bar fills at its open: a bar cannot tell the best quotes or the midpoint apart."""


class Working:
    """An open order with what the engine needs to fill it."""

    __slots__ = ("code_index", "day", "in_bar_step", "order", "reservation", "sequence", "stopped")

    def __init__(self, order: Order, code_index: int, sequence: int) -> None:
        self.order = order
        self.code_index = code_index
        self.sequence = sequence
        self.reservation = 0
        self.day: dt.date | None = None
        self.in_bar_step = -1
        self.stopped = False


def backtest_instrument(code: str) -> Instrument:
    """The instrument from the built-in master, or a KOSPI stock for an unlisted code."""
    master = default_master()
    if code in master:
        return master.get(code)
    kind = InstrumentKind.ETN if code.startswith("Q") else InstrumentKind.STOCK
    return Instrument(code=code, name=code, market=Market.KOSPI, kind=kind)


class BacktestContext(Context):
    """Market state, orders and the account of one backtest run."""

    mode = "backtest"

    def __init__(
        self,
        symbols: tuple[str, ...],
        cash: int,
        cost_model: CostModel,
        history: dict[str, dict[str, npt.NDArray[np.int64]]],
        notify: Callable[[Order], None],
    ) -> None:
        super().__init__(symbols)
        self.code_index = {code: index for index, code in enumerate(symbols)}
        self.instruments = [backtest_instrument(code) for code in symbols]
        self.account: Account[int] = Account(cash)
        self.cash_ledger = self.account.cash
        self._cost_model = cost_model
        self._history = history
        self._now = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        self.positions_row = [-1] * len(symbols)
        self.last = [0] * len(symbols)
        self.base = [0] * len(symbols)
        self.session_day: dt.date | None = None
        self.day_index = 0
        self.after_close = False
        self.in_bar_step = -1
        self.working: list[list[Working]] = [[] for _ in symbols]
        self.open_by_id: dict[str, Working] = {}
        self.orders: list[Order] = []
        self.sequence = 0
        self._notify = notify
        self._limits: dict[tuple[int, int], tuple[Price, Price]] = {}

    # -- time and market ---------------------------------------------------------------
    @property
    def now(self) -> dt.datetime:
        """The current time (Asia/Seoul): a bar's close inside ``on_bar``."""
        return self._now

    def instrument(self, code: str) -> Instrument:
        """The instrument with ``code``."""
        return self.instruments[self._index(code)]

    def last_price(self, code: str) -> int | None:
        """The last completed bar's close (``None`` before the first bar)."""
        price = self.last[self._index(code)]
        return price or None

    def history(
        self, code: str, field: str = "close", count: int | None = None
    ) -> npt.NDArray[np.int64]:
        """The completed bars' ``field`` of ``code`` (a read-only view, oldest first)."""
        index = self._index(code)
        if field not in HISTORY_FIELDS:
            raise InvalidInput.for_field("field", field, f"must be one of {HISTORY_FIELDS}")
        end = self.positions_row[index] + 1
        values = self._history[code][field]
        if count is None:
            return values[:end]
        if count < 0:
            raise InvalidInput.for_field("count", count, "must be >= 0")
        return values[max(end - count, 0) : end]

    def _index(self, code: str) -> int:
        index = self.code_index.get(code)
        if index is None:
            raise_unknown_symbol(code, self.symbols)
            raise AssertionError  # pragma: no cover - raise_unknown_symbol always raises
        return index

    # -- orders ------------------------------------------------------------------------
    def submit(self, request: OrderRequest) -> Order:
        """Check ``request`` by the KRX rules and the account, and accept it."""
        index = self._index(request.code)
        if request.session is not Session.REGULAR:
            raise NotSupported.for_field(
                "session", request.session.value, "backtests on bars trade the regular session"
            )
        if request.venue is not Venue.KRX:
            raise NotSupported.for_field("venue", request.venue.value, "backtests trade on KRX")
        instrument = self.instruments[index]
        last = self.last[index]
        if last <= 0:
            raise InvalidInput.for_field(
                "code", request.code, "has no completed bar yet: nothing to price the order by"
            )
        validate_in_phase(request, instrument, self._reference(index, request), Phase.CONTINUOUS)
        reservation = 0
        if request.side is Side.BUY:
            price = request.price if request.order_type not in MARKET_LIKE else None
            estimate = int(price) if price is not None else last
            reservation = self._cost_model.buy_cost(request.quantity, estimate)
            available = self.cash_ledger.buying_power
            if reservation > available:
                raise InsufficientFunds.for_field(
                    "quantity",
                    request.quantity,
                    f"costs about {reservation:,} KRW; buying power is {available:,} KRW",
                )
        else:
            sellable = self.account.quantity(request.code) - self._pending_sells(index)
            if request.quantity > sellable:
                raise InsufficientPosition.for_field(
                    "quantity",
                    request.quantity,
                    f"sellable quantity is {sellable} (no short sales)",
                )
        self.sequence += 1
        order_id = f"BT{self.sequence:07d}"
        order = Order(request=request, order_id=order_id, created_at=self._now)
        order.transition(OrderStatus.SUBMITTED, self._now)
        order.transition(OrderStatus.ACCEPTED, self._now)
        working = Working(order, index, self.sequence)
        working.reservation = reservation
        working.day = None if self.after_close else self.session_day
        working.in_bar_step = self.in_bar_step
        self.cash_ledger.reserved += reservation
        self.working[index].append(working)
        self.open_by_id[order_id] = working
        self.orders.append(order)
        self._notify(order)
        return order

    def _reference(self, index: int, request: OrderRequest) -> ReferencePrices:
        """The prices an order of code ``index`` is checked against: the base price of the day
        it will trade (today's, or the last close for an order placed after the close)."""
        last = self.last[index]
        base = last if self.after_close else (self.base[index] or last)
        if request.price is None and request.stop_price is None:
            return ReferencePrices(base_price=base, last_price=last)
        key = (index, base)
        limits = self._limits.get(key)
        if limits is None:
            instrument = self.instruments[index]
            if has_price_limits(instrument.tick_table):
                limits = price_limits(
                    base, instrument.tick_table, instrument.market, instrument.leverage
                )
                self._limits[key] = limits
        return ReferencePrices(base_price=base, last_price=last, limits=limits)

    def _pending_sells(self, index: int) -> int:
        return sum(
            item.order.remaining_quantity
            for item in self.working[index]
            if item.order.request.side is Side.SELL
        )

    def modify(
        self, order_id: str, quantity: int | None = None, price: Price | None = None
    ) -> Order:
        """Change an open order's open quantity and/or limit price (effective from the next
        bar; checked like a new order)."""
        working = self._open(order_id)
        order = working.order
        request = order.request
        if quantity is None and price is None:
            raise InvalidInput.for_field("modify", order_id, "give a quantity and/or a price")
        new_quantity = request.quantity if quantity is None else order.filled_quantity + quantity
        if quantity is not None and quantity <= 0:
            raise InvalidInput.for_field("quantity", quantity, "the new open quantity must be > 0")
        if price is not None and request.order_type in MARKET_LIKE:
            raise InvalidInput.for_field("price", price, "a market order has no price to change")
        changed = dataclasses.replace(
            request, quantity=new_quantity, price=request.price if price is None else price
        )
        index = working.code_index
        last = self.last[index]
        validate_in_phase(
            changed, self.instruments[index], self._reference(index, changed), Phase.CONTINUOUS
        )
        reservation = 0
        if request.side is Side.BUY:
            estimate = int(changed.price) if changed.price is not None else last
            reservation = self._cost_model.buy_cost(new_quantity - order.filled_quantity, estimate)
            available = self.cash_ledger.buying_power + working.reservation
            if reservation > available:
                raise InsufficientFunds.for_field(
                    "quantity", quantity, f"needs {reservation:,} KRW; {available:,} available"
                )
        elif quantity is not None:
            others = self._pending_sells(index) - order.remaining_quantity
            sellable = self.account.quantity(request.code) - others
            if quantity > sellable:
                raise InsufficientPosition.for_field(
                    "quantity", quantity, f"sellable quantity is {sellable}"
                )
        order.transition(OrderStatus.PENDING_MODIFY, self._now)
        order.request = changed
        self.cash_ledger.reserved += reservation - working.reservation
        working.reservation = reservation
        order.transition(
            OrderStatus.PARTIALLY_FILLED if order.filled_quantity else OrderStatus.ACCEPTED,
            self._now,
        )
        self._notify(order)
        return order

    def cancel(self, order_id: str) -> Order:
        """Cancel an open order."""
        working = self._open(order_id)
        self.close_order(working, OrderStatus.CANCELED, "canceled by the strategy")
        return working.order

    def close_order(self, working: Working, status: OrderStatus, reason: str) -> None:
        """End ``working`` with ``status`` (canceled/expired/filled), releasing its reservation."""
        order = working.order
        if status is not OrderStatus.FILLED:
            order.transition(status, self._now, reason)
        self.cash_ledger.reserved -= working.reservation
        working.reservation = 0
        self.working[working.code_index].remove(working)
        del self.open_by_id[order.order_id]
        self._notify(order)

    def _open(self, order_id: str) -> Working:
        working = self.open_by_id.get(order_id)
        if working is None:
            raise OrderNotOpen.for_field("order_id", order_id, "no open order has this id")
        return working

    def open_orders(self, code: str | None = None) -> list[Order]:
        """The open orders (of ``code``), oldest first."""
        if code is None:
            return [working.order for working in self.open_by_id.values()]
        return [working.order for working in self.working[self._index(code)]]

    # -- account -----------------------------------------------------------------------
    def quantity(self, code: str) -> int:
        """The quantity held of ``code``."""
        return self.account.quantity(code)

    def positions(self) -> dict[str, Position]:
        """Every holding, valued at the last close."""
        result = {}
        for code, holding in self.account.holdings.items():
            if holding.quantity:
                result[code] = Position(
                    code=code,
                    quantity=holding.quantity,
                    average_price=holding.average_price,
                    last_price=self.last[self.code_index[code]],
                    realized_pnl=holding.realized_pnl,
                    sellable_quantity=holding.quantity,
                )
        return result

    def balance(self) -> Balance:
        """Settled cash, the D+1 and D+2 amounts and buying power."""
        today = self.day_index
        return self.cash_ledger.balance(today, today + 1, today + 2, self._now)

    @property
    def buying_power(self) -> int:
        """The D+2 cash less what open buy orders reserve."""
        return self.cash_ledger.buying_power

    @property
    def equity(self) -> int:
        """The D+2 cash plus holdings at their last closes."""
        value = self.cash_ledger.total
        last = self.last
        index = self.code_index
        for code, holding in self.account.holdings.items():
            if holding.quantity:
                value += holding.quantity * last[index[code]]
        return value

    @property
    def cost_model(self) -> CostModel:
        """The commission and fee rates of the run."""
        return self._cost_model
