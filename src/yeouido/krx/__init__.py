"""KRX and Nextrade market rules: ticks, price limits, sessions and calendar, order-type rules,
costs, codes, and the instrument master."""

from yeouido.krx.calendar import (
    CSAT_DAYS,
    SpecialDay,
    add_holiday,
    add_special_day,
    calendar_range,
    first_trading_day,
    holiday,
    is_trading_day,
    next_trading_day,
    previous_trading_day,
    special_day,
    trading_days,
)
from yeouido.krx.codes import (
    is_etn_code,
    isin_check_digit,
    isin_from_short_code,
    short_code_from_isin,
    validate_code,
    validate_isin,
)
from yeouido.krx.costs import CostModel, TradeCost, transaction_tax_rate
from yeouido.krx.holidays import KRX_EXTRA_HOLIDAYS, LAST_COVERED_DAY, Holiday
from yeouido.krx.master import InstrumentMaster, default_master, get_instrument
from yeouido.krx.order_rules import (
    ALLOWED_ORDER_TYPES,
    ReferencePrices,
    allowed_order_types,
    validate,
    validate_in_phase,
)
from yeouido.krx.sessions import DaySchedule, Phase, PhaseWindow, phase_at, phases_at, schedule
from yeouido.krx.ticks import has_price_limits, is_on_tick, price_limits, round_price, tick_size

__all__ = [
    "ALLOWED_ORDER_TYPES",
    "CSAT_DAYS",
    "KRX_EXTRA_HOLIDAYS",
    "LAST_COVERED_DAY",
    "CostModel",
    "DaySchedule",
    "Holiday",
    "InstrumentMaster",
    "Phase",
    "PhaseWindow",
    "ReferencePrices",
    "SpecialDay",
    "TradeCost",
    "add_holiday",
    "add_special_day",
    "allowed_order_types",
    "calendar_range",
    "default_master",
    "first_trading_day",
    "get_instrument",
    "has_price_limits",
    "holiday",
    "is_etn_code",
    "is_on_tick",
    "is_trading_day",
    "isin_check_digit",
    "isin_from_short_code",
    "next_trading_day",
    "phase_at",
    "phases_at",
    "previous_trading_day",
    "price_limits",
    "round_price",
    "schedule",
    "short_code_from_isin",
    "special_day",
    "tick_size",
    "trading_days",
    "transaction_tax_rate",
    "validate",
    "validate_code",
    "validate_in_phase",
    "validate_isin",
]
