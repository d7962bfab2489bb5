"""Trading costs in KRW: broker commission, exchange fee, and the sell-side transaction tax.

All amounts are whole won, truncated (원 미만 절사). Rates are ``Decimal`` multiples of 10⁻⁹,
computed in fixed point (:data:`RATE_SCALE`) by plain integer functions that the
vectorized backtest compiles as they are.

The securities transaction tax (증권거래세, for KOSPI including the rural special tax 농특세)
by market and date, sell side only; ETFs, ETNs and ELWs pay none on sale:

==============  =======  =======  =======
from            KOSPI    KOSDAQ   KONEX
==============  =======  =======  =======
(before)        0.30%    0.30%    0.30%
2019-06-03      0.25%    0.25%    0.10%
2021-01-01      0.23%    0.23%    0.10%
2023-01-01      0.20%    0.20%    0.10%
2024-01-01      0.18%    0.18%    0.10%
2025-01-01      0.15%    0.15%    0.10%
2026-01-01      0.20%    0.20%    0.10%
==============  =======  =======  =======
"""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from yeouido.model.enums import InstrumentKind, Market, Side
from yeouido.model.errors import InvalidInput
from yeouido.model.instrument import Instrument

_TAX_TABLE: tuple[tuple[date, dict[Market, Decimal]], ...] = (
    (
        date(1900, 1, 1),
        {
            Market.KOSPI: Decimal("0.0030"),
            Market.KOSDAQ: Decimal("0.0030"),
            Market.KONEX: Decimal("0.0030"),
        },
    ),
    (
        date(2019, 6, 3),
        {
            Market.KOSPI: Decimal("0.0025"),
            Market.KOSDAQ: Decimal("0.0025"),
            Market.KONEX: Decimal("0.0010"),
        },
    ),
    (
        date(2021, 1, 1),
        {
            Market.KOSPI: Decimal("0.0023"),
            Market.KOSDAQ: Decimal("0.0023"),
            Market.KONEX: Decimal("0.0010"),
        },
    ),
    (
        date(2023, 1, 1),
        {
            Market.KOSPI: Decimal("0.0020"),
            Market.KOSDAQ: Decimal("0.0020"),
            Market.KONEX: Decimal("0.0010"),
        },
    ),
    (
        date(2024, 1, 1),
        {
            Market.KOSPI: Decimal("0.0018"),
            Market.KOSDAQ: Decimal("0.0018"),
            Market.KONEX: Decimal("0.0010"),
        },
    ),
    (
        date(2025, 1, 1),
        {
            Market.KOSPI: Decimal("0.0015"),
            Market.KOSDAQ: Decimal("0.0015"),
            Market.KONEX: Decimal("0.0010"),
        },
    ),
    (
        date(2026, 1, 1),
        {
            Market.KOSPI: Decimal("0.0020"),
            Market.KOSDAQ: Decimal("0.0020"),
            Market.KONEX: Decimal("0.0010"),
        },
    ),
)
_TAX_DATES = [start for start, _ in _TAX_TABLE]

TAX_FREE_KINDS = frozenset({InstrumentKind.ETF, InstrumentKind.ETN, InstrumentKind.ELW})
"""Kinds whose sale pays no securities transaction tax."""

DEFAULT_COMMISSION_RATE = Decimal("0.00015")
"""0.015% a side: a common online-broker rate."""

DEFAULT_EXCHANGE_FEE_RATE = Decimal("0.000023")
"""About 0.0023% a side: exchange and depository fees (유관기관 제비용)."""


def transaction_tax_rate(market: Market | str, kind: InstrumentKind | str, on: date) -> Decimal:
    """The sell-side transaction tax rate for a sale on ``on`` (0 for ETF/ETN/ELW)."""
    kind = InstrumentKind(kind)
    if kind in TAX_FREE_KINDS or kind in (InstrumentKind.FUTURE, InstrumentKind.OPTION):
        return Decimal(0)
    try:
        market = Market(str(market).upper())
        rates = _TAX_TABLE[bisect.bisect_right(_TAX_DATES, on) - 1][1]
        return rates[market]
    except (ValueError, KeyError):
        raise InvalidInput.for_field("market", market, "must be KOSPI, KOSDAQ or KONEX") from None


RATE_SCALE = 1_000_000_000
"""Rates in fixed point: an integer number of 10⁻⁹ (every KRX rate and every broker rate
quoted to 0.0000001% is a whole number of them)."""


def scaled_rate(field: str, rate: Decimal) -> int:
    """``rate`` × :data:`RATE_SCALE` as an exact integer (refused when it is not whole)."""
    scaled = rate * RATE_SCALE
    if scaled != scaled.to_integral_value():
        raise InvalidInput.for_field(field, str(rate), "rates are multiples of 1e-9")
    return int(scaled)


@functools.lru_cache(maxsize=64)
def _scaled_tax(rate: Decimal) -> int:
    return scaled_rate("tax_rate", rate)


def scaled_tax_rate(market: Market | str, kind: InstrumentKind | str, on: date) -> int:
    """:func:`transaction_tax_rate` × :data:`RATE_SCALE` (an exact integer)."""
    return _scaled_tax(transaction_tax_rate(market, kind, on))


# The integer arithmetic of costs. Rates are fixed point (:data:`RATE_SCALE`), every amount
# is rounded down to the won (원 미만 절사). These functions are the only place costs are
# computed: :class:`CostModel` calls them, and the vectorized backtest compiles these very
# functions with numba (so they use integers and call nothing).


def charges(amount: int, commission_rate: int, fee_rate: int, minimum_commission: int) -> int:
    """Commission (at least ``minimum_commission``) plus exchange fee on ``amount`` KRW."""
    commission = amount * commission_rate // RATE_SCALE
    if commission < minimum_commission:
        commission = minimum_commission
    return commission + amount * fee_rate // RATE_SCALE


def levy(amount: int, rate: int) -> int:
    """``amount`` × ``rate`` in whole won, rounded down: the exchange fee, or the sell tax."""
    return amount * rate // RATE_SCALE


def buy_cost(
    quantity: int, price: int, commission_rate: int, fee_rate: int, minimum_commission: int
) -> int:
    """What buying ``quantity`` at ``price`` takes from cash: the amount plus :func:`charges`."""
    amount = quantity * price
    commission = amount * commission_rate // RATE_SCALE
    if commission < minimum_commission:
        commission = minimum_commission
    return amount + commission + amount * fee_rate // RATE_SCALE


def affordable_quantity(
    budget: int, price: int, commission_rate: int, fee_rate: int, minimum_commission: int
) -> int:
    """The largest quantity whose :func:`buy_cost` at ``price`` fits in ``budget`` (0 when none
    does). The cost grows with the quantity, so the answer does not depend on the estimate
    the search starts from (chosen so that 64-bit integers do not overflow)."""
    if price <= 0 or budget <= 0:
        return 0
    most = budget // price
    quantity = most - most * (commission_rate + fee_rate) // (
        RATE_SCALE + commission_rate + fee_rate
    )
    while True:
        amount = (quantity + 1) * price
        commission = amount * commission_rate // RATE_SCALE
        if commission < minimum_commission:
            commission = minimum_commission
        if amount + commission + amount * fee_rate // RATE_SCALE > budget:
            break
        quantity += 1
    while quantity > 0:
        amount = quantity * price
        commission = amount * commission_rate // RATE_SCALE
        if commission < minimum_commission:
            commission = minimum_commission
        if amount + commission + amount * fee_rate // RATE_SCALE <= budget:
            break
        quantity -= 1
    return quantity


@dataclass(frozen=True, slots=True)
class TradeCost:
    """The costs of one execution, in whole KRW."""

    commission: int
    exchange_fee: int
    tax: int

    @property
    def total(self) -> int:
        """Everything paid."""
        return self.commission + self.exchange_fee + self.tax


@dataclass(frozen=True, slots=True)
class CostModel:
    """Commission and fee rates of one broker account (configurable), and the tax table."""

    commission_rate: Decimal = DEFAULT_COMMISSION_RATE
    exchange_fee_rate: Decimal = DEFAULT_EXCHANGE_FEE_RATE
    minimum_commission: int = 0

    commission_scaled: int = field(init=False, repr=False, compare=False)
    """``commission_rate`` in fixed point (:data:`RATE_SCALE`)."""
    exchange_fee_scaled: int = field(init=False, repr=False, compare=False)
    """``exchange_fee_rate`` in fixed point (:data:`RATE_SCALE`)."""

    def __post_init__(self) -> None:
        for name in ("commission_rate", "exchange_fee_rate"):
            value = getattr(self, name)
            if not isinstance(value, Decimal):
                raise InvalidInput.for_field(name, value, "rates are Decimal (e.g. '0.00015')")
            if not Decimal(0) <= value < Decimal("0.01"):
                raise InvalidInput.for_field(name, value, "must be between 0 and 1%")
            object.__setattr__(self, name.replace("_rate", "_scaled"), scaled_rate(name, value))
        minimum = self.minimum_commission
        if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
            raise InvalidInput.for_field(
                "minimum_commission", minimum, "must be a whole KRW amount >= 0"
            )

    @property
    def scaled(self) -> tuple[int, int, int]:
        """The rates as integers for compiled code: (commission rate, exchange fee rate) in
        fixed point (:data:`RATE_SCALE`) and the minimum commission in KRW, the arguments
        of :func:`charges`, :func:`buy_cost` and :func:`affordable_quantity`."""
        return self.commission_scaled, self.exchange_fee_scaled, self.minimum_commission

    def cost(
        self, instrument: Instrument, side: Side, quantity: int, price: int, on: date
    ) -> TradeCost:
        """The costs of trading ``quantity`` at ``price`` on ``on``."""
        if isinstance(price, bool) or not isinstance(price, int):
            raise InvalidInput.for_field("price", price, "KRW prices are whole won (int)")
        amount = price * quantity
        commission = charges(amount, self.commission_scaled, 0, self.minimum_commission)
        tax = 0
        if Side(side) is Side.SELL:
            tax = levy(amount, scaled_tax_rate(instrument.market, instrument.kind, on))
        return TradeCost(
            commission=commission, exchange_fee=levy(amount, self.exchange_fee_scaled), tax=tax
        )

    def buy_cost(self, quantity: int, price: int) -> int:
        """What buying ``quantity`` at ``price`` takes from cash: the amount, commission and
        fees (the same rounding as :meth:`cost`; no tax on a buy)."""
        return buy_cost(
            quantity,
            price,
            self.commission_scaled,
            self.exchange_fee_scaled,
            self.minimum_commission,
        )

    def affordable_quantity(self, budget: int, price: int) -> int:
        """The largest quantity whose :meth:`buy_cost` at ``price`` fits in ``budget`` (0 when
        none does)."""
        return affordable_quantity(
            budget,
            price,
            self.commission_scaled,
            self.exchange_fee_scaled,
            self.minimum_commission,
        )
