"""Tick sizes (호가가격단위), price rounding and daily price limits (가격제한폭).

The three public functions :func:`tick_size`, :func:`round_price` and :func:`price_limits` take
a ``kind`` naming the tick table:

=========================  ===================================================================
``"stock"``                KOSPI, KOSDAQ and KONEX shares (one table since 2023-01-25)
``"etf"``, ``"etn"``       1 KRW below 2,000, 5 KRW from 2,000
``"elw"``                  5 KRW everywhere
``"kospi200_future"``      0.05 pt (``"future"`` is an alias)
``"mini_kospi200_future"`` 0.02 pt
``"kosdaq150_future"``     0.1 pt
``"kospi200_option"``      0.01 pt below 10 pt, 0.05 pt from 10 pt (``"option"`` is an alias)
=========================  ===================================================================

Securities prices are whole KRW (``int``); derivative prices are index points (``Decimal``).
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Literal

from yeouido.model.enums import InstrumentKind, Market
from yeouido.model.errors import InvalidInput, InvalidPrice
from yeouido.model.instrument import Price

Direction = Literal["down", "up", "nearest"]

_STOCK_BANDS: tuple[tuple[int, int], ...] = (
    (2_000, 1),
    (5_000, 5),
    (20_000, 10),
    (50_000, 50),
    (200_000, 100),
    (500_000, 500),
)
_STOCK_TOP_TICK = 1_000

_SECURITY_KINDS = ("stock", "etf", "etn", "elw")
_DERIVATIVE_TICKS: dict[str, tuple[tuple[Decimal, Decimal], ...]] = {
    # (upper bound of the band, tick); the last band has no upper bound.
    "kospi200_future": ((Decimal("Infinity"), Decimal("0.05")),),
    "mini_kospi200_future": ((Decimal("Infinity"), Decimal("0.02")),),
    "kosdaq150_future": ((Decimal("Infinity"), Decimal("0.1")),),
    "kospi200_option": ((Decimal(10), Decimal("0.01")), (Decimal("Infinity"), Decimal("0.05"))),
}
_ALIASES = {"future": "kospi200_future", "option": "kospi200_option"}

_LIMIT_PERCENT = {Market.KOSPI: 30, Market.KOSDAQ: 30, Market.KONEX: 15}
_FUTURE_LIMIT_PERCENT = (8, 15, 20)
"""Index futures' tiered daily limits: stage 1, 2 and 3."""

TICK_KINDS = (*_SECURITY_KINDS, *_DERIVATIVE_TICKS)
"""Every tick-table name :func:`tick_size` accepts (besides the aliases)."""


def normalize_kind(kind: str | InstrumentKind) -> str:
    """The tick-table name for ``kind`` (accepts :class:`InstrumentKind` and aliases)."""
    name = kind.value if isinstance(kind, InstrumentKind) else str(kind).lower()
    name = _ALIASES.get(name, name)
    if name not in TICK_KINDS:
        raise InvalidInput.for_field("kind", kind, f"must be one of {', '.join(TICK_KINDS)}")
    return name


def tick_size(price: float | Price, kind: str | InstrumentKind = "stock") -> Price:
    """The tick size at ``price`` for instruments of ``kind``.

    >>> tick_size(9_980), tick_size(20_000), tick_size(2_500, "etf")
    (10, 50, 5)
    """
    if type(price) is int and price > 0 and kind in _FAST_KINDS:
        # Hot path (the matching engine): a positive whole-won price and a plain kind name.
        if kind == "stock":
            return _stock_tick(price)
        if kind == "elw":
            return 5
        return 1 if price < 2_000 else 5
    table = normalize_kind(kind)
    _require_positive("price", price)
    if table == "stock":
        return _stock_tick(price)
    if table in ("etf", "etn"):
        return 1 if price < 2_000 else 5
    if table == "elw":
        return 5
    value = Decimal(str(price)) if isinstance(price, float) else Decimal(price)
    for bound, tick in _DERIVATIVE_TICKS[table]:
        if value < bound:
            return tick
    raise AssertionError("unreachable: the last band has no bound")


def _stock_tick(price: float | Price) -> int:
    for bound, tick in _STOCK_BANDS:
        if price < bound:
            return tick
    return _STOCK_TOP_TICK


def is_on_tick(price: Price, kind: str | InstrumentKind = "stock") -> bool:
    """Whether ``price`` is a valid quote price (a positive multiple of its band's tick)."""
    if price <= 0:
        return False
    return price % tick_size(price, kind) == 0


_FAST_KINDS = frozenset({"stock", "etf", "etn", "elw"})


def round_price(
    price: float | Price,
    kind: str | InstrumentKind = "stock",
    direction: Direction = "down",
) -> Price:
    """Round ``price`` to a valid tick: ``"down"``, ``"up"`` or to the ``"nearest"`` (a tie
    goes up). Floats are accepted here, as the way in from computed values; the result is an
    ``int`` for securities and a ``Decimal`` for derivatives.

    Idempotent (a price on its tick is returned unchanged) and monotone.

    >>> round_price(10_003), round_price(19_996, direction="up"), round_price(20_020)
    (10000, 20000, 20000)
    """
    table = normalize_kind(kind)
    _require_positive("price", price)
    if direction not in ("down", "up", "nearest"):
        raise InvalidInput.for_field("direction", direction, "must be down, up or nearest")
    if table in _SECURITY_KINDS:
        return _round_security(price, table, direction)
    return _round_derivative(price, table, direction)


def _round_security(price: float | Price, table: str, direction: Direction) -> int:
    # Ticks are whole KRW and every band boundary is a multiple of the ticks below it, so
    # flooring (ceiling) to a whole won first and then to the tick gives the exact answer.
    if direction == "nearest":
        up = _round_security(price, table, "up")
        try:
            down = _round_security(price, table, "down")
        except InvalidPrice:
            return up
        return up if up - price <= price - down else down
    if direction == "down":
        whole = math.floor(price)
        rounded = whole - whole % int(tick_size(whole, table)) if whole >= 1 else 0
        if rounded < 1:
            raise InvalidPrice.for_field("price", price, "rounds down to 0: no valid tick below")
        return rounded
    whole = math.ceil(price)
    tick = int(tick_size(whole, table))
    return -(-whole // tick) * tick


def _round_derivative(price: float | Price, table: str, direction: Direction) -> Decimal:
    value = Decimal(str(price)) if isinstance(price, float) else Decimal(price)
    if direction == "nearest":
        up = _round_derivative(value, table, "up")
        try:
            down = _round_derivative(value, table, "down")
        except InvalidPrice:
            return up
        return up if up - value <= value - down else down
    tick = Decimal(tick_size(value, table))
    mode = ROUND_FLOOR if direction == "down" else ROUND_CEILING
    rounded = (value / tick).to_integral_value(rounding=mode) * tick
    if rounded <= 0:
        raise InvalidPrice.for_field("price", price, "rounds down to 0: no valid tick below")
    if direction == "up" and tick_size(rounded, table) != tick:
        # Crossed into a band with a larger tick (e.g. options at 10 pt): round again there.
        return _round_derivative(rounded, table, "up")
    return rounded


def has_price_limits(kind: str | InstrumentKind) -> bool:
    """Whether instruments of ``kind`` have daily price limits (ELWs have none)."""
    return normalize_kind(kind) != "elw"


def price_limits(
    base_price: Price,
    kind: str | InstrumentKind = "stock",
    market: str | Market = "KOSPI",
    leverage: int = 1,
    *,
    stage: int = 1,
) -> tuple[Price, Price]:
    """The day's lower and upper price limits (하한가, 상한가) around ``base_price``.

    Securities: the width is ``base × 30%`` (KONEX 15%; times ``|leverage|`` for leveraged and
    inverse ETFs/ETNs) truncated to a multiple of the base price's tick; the upper limit is
    ``base + width`` truncated to its own band's tick, the lower ``base − width`` rounded up to
    its own band's tick (both stay inside the band), never below the smallest tick.

    >>> price_limits(9_980)
    (6990, 12970)

    Index futures use the tiered limits (stage 1: ±8%, 2: ±15%, 3: ±20%) with the width
    truncated to the tick. ELWs have no price limit: asking raises :class:`InvalidInput`.
    """
    table = normalize_kind(kind)
    _require_positive("base_price", base_price)
    if not has_price_limits(table):
        raise InvalidInput.for_field("kind", kind, "ELWs have no daily price limit")
    if table in _SECURITY_KINDS:
        return _security_limits(base_price, table, market, leverage)
    return _derivative_limits(base_price, table, stage)


def _security_limits(
    base_price: Price, table: str, market: str | Market, leverage: int
) -> tuple[int, int]:
    if not isinstance(base_price, int) or isinstance(base_price, bool):
        raise InvalidPrice.for_field("base_price", base_price, "securities prices are whole KRW")
    try:
        percent = _LIMIT_PERCENT[Market(str(market).upper())]
    except (ValueError, KeyError):
        raise InvalidInput.for_field("market", market, "must be KOSPI, KOSDAQ or KONEX") from None
    if leverage == 0:
        raise InvalidInput.for_field("leverage", leverage, "must not be 0")
    percent *= abs(leverage)
    base_tick = int(tick_size(base_price, table))
    width = base_price * percent // 100
    width -= width % base_tick
    upper = base_price + width
    upper -= upper % int(tick_size(upper, table))
    lower = base_price - width
    if lower < 1:
        lower = 1
    else:
        lower_tick = int(tick_size(lower, table))
        lower = -(-lower // lower_tick) * lower_tick
    return lower, upper


def _derivative_limits(base_price: Price, table: str, stage: int) -> tuple[Decimal, Decimal]:
    if table.endswith("_option"):
        raise InvalidInput.for_field(
            "kind", table, "option limits depend on the underlying; not modelled"
        )
    if stage not in (1, 2, 3):
        raise InvalidInput.for_field("stage", stage, "must be 1, 2 or 3")
    base = Decimal(base_price)
    tick = Decimal(tick_size(base, table))
    width = base * _FUTURE_LIMIT_PERCENT[stage - 1] / 100
    width = (width / tick).to_integral_value(rounding=ROUND_FLOOR) * tick
    return base - width, base + width


def _require_positive(field: str, price: float | Price) -> None:
    if isinstance(price, bool) or not isinstance(price, int | float | Decimal):
        raise InvalidPrice.for_field(field, price, "must be a number")
    if isinstance(price, float) and not math.isfinite(price):
        raise InvalidPrice.for_field(field, price, "must be finite")
    if price <= 0:
        raise InvalidPrice.for_field(field, price, "must be > 0")
