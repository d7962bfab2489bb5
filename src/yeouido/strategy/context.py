"""What a strategy sees and does: the :class:`Context` every runtime implements.

The backtest engine and the live runtime each provide a context; a strategy only ever talks
to this interface, so it runs unchanged in a backtest, on the paper market and against a
broker. Orders go through the runtime's order management (KRX validation, risk checks,
journal when live); positions and cash come from its account.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from yeouido.krx.costs import CostModel
from yeouido.model.account import Balance, Position
from yeouido.model.enums import OrderType, Side, TimeInForce
from yeouido.model.instrument import Instrument, Price
from yeouido.model.orders import Order, OrderRequest, order_type_for
from yeouido.strategy.indicators import IndicatorSet
from yeouido.strategy.schedule import Job, parse_job

ScheduledCallback = Callable[["Context"], None]

HISTORY_FIELDS = ("open", "high", "low", "close", "volume")


class Context(ABC):
    """The strategy's handle on the market, its orders and its account.

    ``ctx.now`` is the current time (Asia/Seoul): a bar's close time inside :meth:`on_bar`.
    ``ctx.mode`` is ``"backtest"``, ``"paper"`` or ``"live"``.
    """

    mode: str

    def __init__(self, symbols: tuple[str, ...]) -> None:
        self.symbols = symbols
        self.indicators = IndicatorSet()
        self.jobs: list[Job] = []
        self.messages: list[tuple[datetime, str]] = []

    # -- time and market ---------------------------------------------------------------
    @property
    @abstractmethod
    def now(self) -> datetime:
        """The current time (Asia/Seoul)."""

    @abstractmethod
    def instrument(self, code: str) -> Instrument:
        """The instrument with ``code``."""

    @abstractmethod
    def last_price(self, code: str) -> int | None:
        """The last known price of ``code`` (the last bar's close or the last trade)."""

    @abstractmethod
    def history(
        self, code: str, field: str = "close", count: int | None = None
    ) -> npt.NDArray[np.int64]:
        """The completed bars' ``field`` values of ``code``, oldest first (the last ``count``
        when given). Never includes a bar that has not closed."""

    def indicator(self, code: str, indicator: str | type, *args: Any, **kwargs: Any) -> Any:
        """A streaming indicator of ``code`` (a :mod:`yeouido.ta.streaming` name such as
        ``"SMA"`` or a class), fed each completed bar of ``code`` before :meth:`on_bar` runs.
        Read its ``.value``."""
        if code not in self.symbols:
            raise_unknown_symbol(code, self.symbols)
        return self.indicators.add(code, indicator, *args, **kwargs)

    def schedule(self, callback: ScheduledCallback, at: str = "15:10", every: str = "day") -> Job:
        """Run ``callback(ctx)`` at ``at`` (``"HH:MM"`` Seoul, ``"open"`` or ``"close"``) on every
        trading day (``every="day"``), the first trading day of each week (``"week"``) or
        month (``"month"``). With daily bars a time before the close runs before that day's
        bar is known, and its market orders fill at the day's close."""
        job = parse_job(callback, at, every)
        self.jobs.append(job)
        return job

    def log(self, message: str) -> None:
        """Record a message with the current time (shown by the runner; kept in results)."""
        self.messages.append((self.now, message))

    # -- orders ------------------------------------------------------------------------
    def buy(
        self,
        code: str,
        quantity: int,
        price: Price | None = None,
        order_type: str | OrderType | None = None,
        tif: str | TimeInForce = "day",
        stop_price: Price | None = None,
    ) -> Order:
        """Buy ``quantity`` of ``code``: a market order, or a limit order when ``price`` is
        given (``order_type`` names any other KRX type; ``stop_price`` is a stop-limit's
        trigger)."""
        return self.submit(_request(code, Side.BUY, quantity, price, order_type, tif, stop_price))

    def sell(
        self,
        code: str,
        quantity: int,
        price: Price | None = None,
        order_type: str | OrderType | None = None,
        tif: str | TimeInForce = "day",
        stop_price: Price | None = None,
    ) -> Order:
        """Sell ``quantity`` of ``code``: a market order, or a limit order when ``price`` is
        given."""
        return self.submit(_request(code, Side.SELL, quantity, price, order_type, tif, stop_price))

    def order_target(self, code: str, quantity: int, price: Price | None = None) -> Order | None:
        """Buy or sell the difference between the position in ``code`` (plus open orders) and
        ``quantity``; ``None`` when nothing is to be done."""
        pending = sum(
            (1 if order.side is Side.BUY else -1) * order.remaining_quantity
            for order in self.open_orders(code)
        )
        difference = quantity - self.quantity(code) - pending
        if difference > 0:
            return self.buy(code, difference, price)
        if difference < 0:
            return self.sell(code, -difference, price)
        return None

    @abstractmethod
    def submit(self, request: OrderRequest) -> Order:
        """Check and send an order; raises the specific error when it is refused."""

    @abstractmethod
    def modify(
        self, order_id: str, quantity: int | None = None, price: Price | None = None
    ) -> Order:
        """Change an open order's open quantity and/or price."""

    @abstractmethod
    def cancel(self, order_id: str) -> Order:
        """Cancel an open order."""

    @abstractmethod
    def open_orders(self, code: str | None = None) -> list[Order]:
        """The open orders (of ``code``)."""

    # -- account -----------------------------------------------------------------------
    @abstractmethod
    def quantity(self, code: str) -> int:
        """The quantity held of ``code`` (0 when none)."""

    @abstractmethod
    def positions(self) -> dict[str, Position]:
        """Every holding by code."""

    @abstractmethod
    def balance(self) -> Balance:
        """Cash: settled deposit, the D+1 and D+2 amounts and buying power."""

    @property
    @abstractmethod
    def buying_power(self) -> int:
        """What a buy can use now (the D+2 cash less open buy orders), in KRW."""

    @property
    @abstractmethod
    def equity(self) -> int:
        """The D+2 cash plus the holdings at their last prices, in KRW."""

    @property
    @abstractmethod
    def cost_model(self) -> CostModel:
        """The account's commission and fee rates."""

    def buy_reserve_price(self, code: str) -> int | None:
        """The price at which a market buy of ``code`` holds back cash until it fills: the last
        price in a backtest (its fill model's estimate); the day's upper price limit at the
        paper broker and at brokers that reserve market buys there (시장가 매수 증거금)."""
        return self.last_price(code)

    def affordable_quantity(self, budget: int, price: int) -> int:
        """The largest quantity whose cost at ``price`` (commission and fees included) fits in
        ``budget`` KRW."""
        return self.cost_model.affordable_quantity(budget, price)


def raise_unknown_symbol(code: str, symbols: tuple[str, ...]) -> None:
    """Raise the error for a code that is not one of the strategy's symbols."""
    from yeouido.model.errors import InvalidInput

    raise InvalidInput.for_field(
        "code", code, f"not one of the strategy's symbols ({', '.join(symbols)})"
    )


def _request(
    code: str,
    side: Side,
    quantity: int,
    price: Price | None,
    order_type: str | OrderType | None,
    tif: str | TimeInForce,
    stop_price: Price | None = None,
) -> OrderRequest:
    return OrderRequest.create(
        code, side, quantity, price, order_type_for(price, order_type), tif, stop_price=stop_price
    )
