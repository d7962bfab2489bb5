"""Trading costs in KRW: broker commission, exchange fee, and the sell-side transaction tax.

All amounts are whole won, truncated (원 미만 절사). Rates are ``Decimal``.

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
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal

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


def _won(amount: Decimal) -> int:
    return int(amount.to_integral_value(rounding=ROUND_FLOOR))


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

    def __post_init__(self) -> None:
        for name in ("commission_rate", "exchange_fee_rate"):
            value = getattr(self, name)
            if not isinstance(value, Decimal):
                raise InvalidInput.for_field(name, value, "rates are Decimal (e.g. '0.00015')")
            if not Decimal(0) <= value < Decimal("0.01"):
                raise InvalidInput.for_field(name, value, "must be between 0 and 1%")

    def cost(
        self, instrument: Instrument, side: Side, quantity: int, price: int, on: date
    ) -> TradeCost:
        """The costs of trading ``quantity`` at ``price`` on ``on``."""
        if isinstance(price, bool) or not isinstance(price, int):
            raise InvalidInput.for_field("price", price, "KRW prices are whole won (int)")
        amount = Decimal(price) * quantity
        commission = max(_won(amount * self.commission_rate), self.minimum_commission)
        fee = _won(amount * self.exchange_fee_rate)
        tax = 0
        if Side(side) is Side.SELL:
            tax = _won(amount * transaction_tax_rate(instrument.market, instrument.kind, on))
        return TradeCost(commission=commission, exchange_fee=fee, tax=tax)

    def buy_cost(self, quantity: int, price: int) -> int:
        """What buying ``quantity`` at ``price`` takes from cash: the amount, commission and
        fees (the same rounding as :meth:`cost`; no tax on a buy)."""
        amount = quantity * price
        commission_num, commission_den = self.commission_rate.as_integer_ratio()
        fee_num, fee_den = self.exchange_fee_rate.as_integer_ratio()
        commission = max(amount * commission_num // commission_den, self.minimum_commission)
        return amount + commission + amount * fee_num // fee_den

    def affordable_quantity(self, budget: int, price: int) -> int:
        """The largest quantity whose :meth:`buy_cost` at ``price`` fits in ``budget`` (0 when
        none does)."""
        if price <= 0 or budget <= 0:
            return 0
        commission_num, commission_den = self.commission_rate.as_integer_ratio()
        fee_num, fee_den = self.exchange_fee_rate.as_integer_ratio()
        denominator = commission_den * fee_den
        numerator = denominator + commission_num * fee_den + fee_num * commission_den
        quantity = budget * denominator // (price * numerator)
        while self.buy_cost(quantity + 1, price) <= budget:
            quantity += 1
        while quantity > 0 and self.buy_cost(quantity, price) > budget:
            quantity -= 1
        return quantity
