"""Instruments: what can be traded, and the facts about it that the rules need."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from yeouido.model.enums import InstrumentKind, Market
from yeouido.model.errors import InvalidInput

Price = int | Decimal
"""A price: whole KRW (``int``) for securities, index points (``Decimal``) for derivatives."""

DERIVATIVE_PRODUCTS = ("kospi200", "mini_kospi200", "kosdaq150")


@dataclass(frozen=True, slots=True)
class Instrument:
    """A listed instrument.

    ``leverage`` is the signed multiple of a leveraged or inverse ETF/ETN (``2``, ``-1``,
    ``-2``; ``1`` for everything else); its magnitude widens the daily price limits.
    ``product`` names the underlying of a future or option (``"kospi200"``,
    ``"mini_kospi200"``, ``"kosdaq150"``) and is empty for securities. ``nxt`` tells whether
    Nextrade lists it too.
    """

    code: str
    name: str
    market: Market
    kind: InstrumentKind
    lot_size: int = 1
    kospi200: bool = False
    leverage: int = 1
    nxt: bool = False
    product: str = ""
    _tick_table: str = field(default="", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.lot_size < 1:
            raise InvalidInput.for_field("lot_size", self.lot_size, "must be >= 1")
        if self.leverage == 0:
            raise InvalidInput.for_field("leverage", self.leverage, "must not be 0")
        is_derivative = self.kind in (InstrumentKind.FUTURE, InstrumentKind.OPTION)
        if is_derivative and self.product not in DERIVATIVE_PRODUCTS:
            raise InvalidInput.for_field(
                "product", self.product, f"a future or option needs one of {DERIVATIVE_PRODUCTS}"
            )
        if not is_derivative and self.product:
            raise InvalidInput.for_field("product", self.product, "only futures and options")
        if self.kind is InstrumentKind.FUTURE:
            table = f"{self.product}_future"
        elif self.kind is InstrumentKind.OPTION:
            table = f"{self.product}_option"
        else:
            table = self.kind.value
        object.__setattr__(self, "_tick_table", table)

    @property
    def is_derivative(self) -> bool:
        """Futures and options: prices in index points (``Decimal``)."""
        return self.kind in (InstrumentKind.FUTURE, InstrumentKind.OPTION)

    @property
    def tick_table(self) -> str:
        """The key of the tick-size table that applies (see :func:`yeouido.krx.tick_size`)."""
        return self._tick_table

    @property
    def limit_multiple(self) -> int:
        """How many times the normal price-limit width applies (2 for a ±2x product)."""
        return abs(self.leverage)
