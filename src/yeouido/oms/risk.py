"""Pre-trade risk checks and the kill switch.

:class:`RiskManager` checks an :class:`~yeouido.model.OrderRequest` before it leaves the
process. A failed check raises :class:`~yeouido.model.errors.OrderDenied` whose ``code`` names
it (``RISK_MAX_ORDER_VALUE``, ``RISK_MAX_POSITION``, ``RISK_DAILY_LOSS``, ``RISK_ORDER_RATE``,
``RISK_PRICE_DEVIATION``, ``RISK_DUPLICATE``, ``RISK_HALTED``, ``RISK_REDUCING``) and whose
message names the field, the value and the limit. A request that breaks a KRX rule raises the
specific :class:`~yeouido.model.errors.InvalidOrder` subclass from :func:`yeouido.krx.validate`.
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from yeouido.krx import (
    DaySchedule,
    InstrumentMaster,
    ReferencePrices,
    default_master,
    schedule,
    validate,
    validate_in_phase,
)
from yeouido.model.account import Position
from yeouido.model.enums import OrderType, Side, Venue
from yeouido.model.errors import InvalidInput, OrderDenied, UnknownInstrument
from yeouido.model.instrument import Instrument, Price
from yeouido.model.orders import OrderRequest
from yeouido.model.time import SEOUL, now_seoul

RISK_MAX_ORDER_VALUE = "RISK_MAX_ORDER_VALUE"
RISK_MAX_POSITION = "RISK_MAX_POSITION"
RISK_DAILY_LOSS = "RISK_DAILY_LOSS"
RISK_ORDER_RATE = "RISK_ORDER_RATE"
RISK_PRICE_DEVIATION = "RISK_PRICE_DEVIATION"
RISK_DUPLICATE = "RISK_DUPLICATE"
RISK_HALTED = "RISK_HALTED"
RISK_REDUCING = "RISK_REDUCING"


class TradingState(StrEnum):
    """The kill switch: ACTIVE (all orders), REDUCING (only orders that reduce an existing
    position), HALTED (no new orders)."""

    ACTIVE = "active"
    REDUCING = "reducing"
    HALTED = "halted"


class MarketView(Protocol):
    """What the risk checks need to know about the market (the paper broker implements it
    over the simulated exchange; :class:`StaticMarket` is a fixed one)."""

    def instrument(self, code: str) -> Instrument | None:
        """The instrument ``code``, or ``None`` when unknown."""
        ...

    def reference_prices(self, code: str) -> ReferencePrices | None:
        """Today's reference prices of ``code`` (for KRX validation), when known."""
        ...

    def last_price(self, code: str) -> Price | None:
        """The last traded price of ``code``, when known."""
        ...

    def now(self) -> datetime:
        """The current (aware) time: the market's clock (the KRX checks use it)."""
        ...


class StaticMarket:
    """A :class:`MarketView` over fixed dictionaries (tests, benchmarks, brokers without
    market data). Instruments not given are looked up in the built-in master."""

    def __init__(
        self,
        *,
        instruments: Iterable[Instrument] = (),
        references: Mapping[str, ReferencePrices] | None = None,
        last_prices: Mapping[str, Price] | None = None,
        clock: Callable[[], datetime] = now_seoul,
    ) -> None:
        self._instruments = {instrument.code: instrument for instrument in instruments}
        self.references: dict[str, ReferencePrices] = dict(references or {})
        self.last_prices: dict[str, Price] = dict(last_prices or {})
        self._clock = clock

    def instrument(self, code: str) -> Instrument | None:
        """The instrument ``code`` (given, or from the built-in master), or ``None``."""
        found = self._instruments.get(code)
        if found is not None:
            return found
        try:
            found = _built_in_master().get(code)
        except InvalidInput:
            return None
        self._instruments[code] = found
        return found

    def reference_prices(self, code: str) -> ReferencePrices | None:
        """The reference prices set for ``code``, if any."""
        return self.references.get(code)

    def last_price(self, code: str) -> Price | None:
        """The last price set for ``code``, or the reference's last price, if any."""
        price = self.last_prices.get(code)
        if price is None:
            reference = self.references.get(code)
            if reference is not None:
                return reference.last_price
        return price

    def now(self) -> datetime:
        """The clock's time."""
        return self._clock()


@functools.cache
def _built_in_master() -> InstrumentMaster:
    return default_master()


@dataclass(frozen=True, slots=True)
class RiskLimits:
    """Pre-trade limits; ``None`` switches a check off.

    - ``max_order_value``: price x quantity of one order, KRW;
    - ``max_position_quantity`` / ``max_position_value``: the holding of one instrument after
      the order fills, counting open buy orders (quantity; value at the order's price), KRW;
    - ``daily_loss_limit``: a loss in KRW (positive number) at or beyond which only reducing
      orders pass; realized P&L, plus unrealized when ``include_unrealized``;
    - ``max_orders_per_second``: a one-second sliding window over accepted checks;
    - ``max_price_deviation_percent``: the limit price's distance from the last trade;
    - ``duplicate_window_seconds``: the same code, side, quantity, price and type within this
      many seconds is denied;
    - ``validate_krx``: refuse a code the market does not list (:class:`UnknownInstrument`)
      and, when the market knows today's reference prices, apply :func:`yeouido.krx.validate`
      (lot, order type x session, tick, daily limits) at the market's clock. On by default;
      ``RiskLimits(validate_krx=False)`` is the one way to send unchecked orders.
    """

    max_order_value: int | None = None
    max_position_quantity: int | None = None
    max_position_value: int | None = None
    daily_loss_limit: int | None = None
    include_unrealized: bool = False
    max_orders_per_second: int | None = None
    max_price_deviation_percent: Decimal | float | None = None
    duplicate_window_seconds: float | None = None
    validate_krx: bool = True


@dataclass(slots=True)
class RiskContext:
    """What a check looks at besides the request: the market, the time, the positions held,
    the open buy quantity by code and today's realized P&L (KRW)."""

    market: MarketView
    now: datetime
    positions: Mapping[str, Position] = field(default_factory=dict)
    open_buy_quantity: Mapping[str, int] = field(default_factory=dict)
    """By code: what open buy orders may still add to the position."""
    realized_pnl: int = 0


class RiskManager:
    """Applies :class:`RiskLimits` and the kill switch to order requests.

    :meth:`check` counts every request it lets through for the rate and duplicate checks.
    """

    def __init__(
        self, limits: RiskLimits | None = None, state: TradingState = TradingState.ACTIVE
    ) -> None:
        self.limits = limits or RiskLimits()
        self.state = state
        self._recent: deque[datetime] = deque()
        self._recent_keys: dict[tuple[Any, ...], datetime] = {}
        self._schedules: dict[tuple[date, Venue], DaySchedule] = {}

    def check(self, request: OrderRequest, context: RiskContext) -> None:
        """Raise :class:`OrderDenied` (or a KRX :class:`InvalidOrder`) if ``request`` may not
        be sent now; otherwise count it and return."""
        limits = self.limits
        market = context.market
        now = context.now
        held = context.positions.get(request.code)
        held_quantity = 0 if held is None else held.quantity
        reduces = _reduces(request, held_quantity)
        if self.state is TradingState.HALTED:
            raise _deny(RISK_HALTED, "trading_state", self.state.value, "limit: no new orders")
        if self.state is TradingState.REDUCING and not reduces:
            raise _deny(
                RISK_REDUCING,
                "trading_state",
                self.state.value,
                f"limit: only orders that reduce a position ({request.code} held: {held_quantity})",
            )
        if limits.validate_krx:
            self.check_krx(request, market)
        last = market.last_price(request.code)
        deviation_limit = limits.max_price_deviation_percent
        if deviation_limit is not None and request.price is not None and last and last > 0:
            deviation = abs(Decimal(request.price) - Decimal(last)) * 100 / Decimal(last)
            limit = Decimal(str(deviation_limit))
            if deviation > limit:
                raise _deny(
                    RISK_PRICE_DEVIATION,
                    "price",
                    request.price,
                    f"{deviation:.2f}% from the last trade {last}; limit {limit}%",
                )
        price = _estimate_price(request, market, last)
        if limits.max_order_value is not None:
            if price is None:
                raise _deny(
                    RISK_MAX_ORDER_VALUE,
                    "price",
                    None,
                    f"the order's value cannot be estimated; limit {limits.max_order_value} KRW",
                )
            value = price * request.quantity
            if value > limits.max_order_value:
                raise _deny(
                    RISK_MAX_ORDER_VALUE,
                    "order_value",
                    value,
                    f"limit {limits.max_order_value} KRW",
                )
        if request.side is Side.BUY and (
            limits.max_position_quantity is not None or limits.max_position_value is not None
        ):
            pending = context.open_buy_quantity.get(request.code, 0)
            projected = held_quantity + pending + request.quantity
            if (
                limits.max_position_quantity is not None
                and projected > limits.max_position_quantity
            ):
                raise _deny(
                    RISK_MAX_POSITION,
                    "position_quantity",
                    projected,
                    f"limit {limits.max_position_quantity} for {request.code}",
                )
            if limits.max_position_value is not None:
                if price is None:
                    raise _deny(
                        RISK_MAX_POSITION,
                        "price",
                        None,
                        "the position's value cannot be estimated; "
                        f"limit {limits.max_position_value} KRW",
                    )
                projected_value = price * projected
                if projected_value > limits.max_position_value:
                    raise _deny(
                        RISK_MAX_POSITION,
                        "position_value",
                        projected_value,
                        f"limit {limits.max_position_value} KRW for {request.code}",
                    )
        if limits.daily_loss_limit is not None and not reduces:
            pnl = Decimal(context.realized_pnl)
            if limits.include_unrealized:
                pnl += _unrealized(context.positions, market)
            if -pnl >= limits.daily_loss_limit:
                raise _deny(
                    RISK_DAILY_LOSS,
                    "daily_pnl",
                    int(pnl),
                    f"loss limit {limits.daily_loss_limit} KRW reached; only reducing orders",
                )
        key: tuple[Any, ...] | None = None
        if limits.duplicate_window_seconds is not None:
            key = (request.code, request.side, request.quantity, request.price, request.order_type)
            seen = self._recent_keys.get(key)
            if seen is not None and (now - seen).total_seconds() < limits.duplicate_window_seconds:
                raise _deny(
                    RISK_DUPLICATE,
                    "order",
                    f"{request.side.value} {request.quantity} {request.code} @ {request.price}",
                    f"same order {(now - seen).total_seconds():.3f}s ago; "
                    f"limit: one per {limits.duplicate_window_seconds}s window",
                )
        if limits.max_orders_per_second is not None:
            recent = self._recent
            while recent and (now - recent[0]).total_seconds() >= 1.0:
                recent.popleft()
            if len(recent) >= limits.max_orders_per_second:
                raise _deny(
                    RISK_ORDER_RATE,
                    "orders_per_second",
                    len(recent) + 1,
                    f"limit {limits.max_orders_per_second} per second",
                )
            recent.append(now)
        if key is not None:
            self._recent_keys[key] = now
            if len(self._recent_keys) > 4096:
                self._forget_old_keys(now)

    def check_krx(self, request: OrderRequest, market: MarketView) -> None:
        """The KRX part of :meth:`check` (whatever ``validate_krx`` says): raise
        :class:`UnknownInstrument` for a code the market does not list and, when today's
        reference prices are known, the :class:`~yeouido.model.errors.InvalidOrder` of the
        first rule ``request`` breaks at the market's clock."""
        instrument = market.instrument(request.code)
        if instrument is None:
            raise UnknownInstrument.for_field("code", request.code, "no such instrument is listed")
        reference = market.reference_prices(request.code)
        if reference is not None and not instrument.is_derivative:
            self._validate(request, instrument, reference, market.now())

    def _validate(
        self,
        request: OrderRequest,
        instrument: Instrument | None,
        reference: ReferencePrices,
        at: datetime,
    ) -> None:
        """:func:`yeouido.krx.validate`, with the day's schedule looked up once per day."""
        venue = Venue.KRX if request.venue is Venue.SOR else request.venue
        local = at.astimezone(SEOUL)
        key = (local.date(), venue)
        day_schedule = self._schedules.get(key)
        if day_schedule is None:
            if len(self._schedules) > 16:
                self._schedules.clear()
            day_schedule = self._schedules[key] = schedule(local.date(), venue)
        for window in day_schedule.session_windows(request.session):
            if window.contains(local):
                validate_in_phase(request, instrument, reference, window.phase)
                return
        validate(request, instrument, reference, at)  # raises the precise SessionClosed

    def _forget_old_keys(self, now: datetime) -> None:
        window = self.limits.duplicate_window_seconds or 0.0
        self._recent_keys = {
            key: seen
            for key, seen in self._recent_keys.items()
            if (now - seen).total_seconds() < window
        }


def _deny(code: str, field_name: str, value: Any, rule: str) -> OrderDenied:
    return OrderDenied(
        f"{field_name}={value!r}: {rule}", field=field_name, value=value, rule=rule, code=code
    )


def _reduces(request: OrderRequest, held_quantity: int) -> bool:
    """Whether ``request`` only reduces the position (never opens or flips one)."""
    if request.side is Side.SELL:
        return 0 < request.quantity <= held_quantity
    return held_quantity < 0 and request.quantity <= -held_quantity


def _estimate_price(request: OrderRequest, market: MarketView, last: Price | None) -> Price | None:
    """The limit price, else the last trade, else the reference's base price (market and
    other unpriced orders)."""
    if request.price is not None and request.order_type is not OrderType.MARKET:
        return request.price
    if last is not None:
        return last
    reference = market.reference_prices(request.code)
    if reference is not None:
        if request.side is Side.BUY and reference.limits is not None:
            return reference.limits[1]
        return reference.base_price
    return request.price


def _unrealized(positions: Mapping[str, Position], market: MarketView) -> Decimal:
    total = Decimal(0)
    for position in positions.values():
        if position.quantity == 0:
            continue
        last = market.last_price(position.code)
        if last is None:
            last = position.last_price
        if last is not None:
            total += (Decimal(last) - position.average_price) * position.quantity
    return total
