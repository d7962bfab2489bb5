"""Streaming forms of :mod:`yeouido.ta.oscillators`: ``ULTOSC`` and ``BOP``.

Constructor parameters are the batch function's; inputs are fed in the batch function's order.
Committed outputs equal the batch values bit for bit, and ``update_last`` previews the forming
bar without committing it. Bars with a NaN input before the first complete bar are skipped.
"""

from __future__ import annotations

from typing import Any

from yeouido.ta._core import NAN, check_period
from yeouido.ta.oscillators import sorted_periods
from yeouido.ta.stream_volatility import FastStreamingIndicator, has_nan, true_range
from yeouido.ta.volatility import ZERO_EPSILON

__all__ = ["BOP", "ULTOSC"]


class BOP(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.oscillators.bop`; inputs ``(open, high, low, close)``."""

    inputs = ("open", "high", "low", "close")

    def _initial_state(self) -> Any:
        return False

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        open_, high, low, close = values
        if not state and has_nan(values):
            return False, NAN
        spread = high - low
        if spread < ZERO_EPSILON:
            return True, 0.0
        return True, (close - open_) / spread


class ULTOSC(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.oscillators.ultosc`; inputs ``(high, low, close)``."""

    inputs = ("high", "low", "close")

    def __init__(self, timeperiod1: int = 7, timeperiod2: int = 14, timeperiod3: int = 28) -> None:
        self.timeperiod1 = check_period("timeperiod1", timeperiod1, 1)
        self.timeperiod2 = check_period("timeperiod2", timeperiod2, 1)
        self.timeperiod3 = check_period("timeperiod3", timeperiod3, 1)
        self._periods = sorted_periods(self.timeperiod1, self.timeperiod2, self.timeperiod3)
        super().__init__()

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        high, low, close = values
        if state is None:
            if has_nan(values):
                return None, NAN
            return (0, close, (), (), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), NAN
        (
            age,
            previous_close,
            pressures,
            ranges,
            short_pressure,
            short_range,
            middle_pressure,
            middle_range,
            long_pressure,
            long_range,
        ) = state
        age += 1
        short, middle, long = self._periods
        true_low = low if low < previous_close else previous_close
        pressure = close - true_low
        bar_range = true_range(high, low, previous_close)
        if len(pressures) == long:
            pressures = (*pressures[1:], pressure)
            ranges = (*ranges[1:], bar_range)
        else:
            pressures = (*pressures, pressure)
            ranges = (*ranges, bar_range)
        output = NAN
        if age < long:
            if age >= long - short + 1:
                short_pressure += pressure
                short_range += bar_range
            if age >= long - middle + 1:
                middle_pressure += pressure
                middle_range += bar_range
            if age >= long - long + 1:
                long_pressure += pressure
                long_range += bar_range
        else:
            short_pressure += pressure
            middle_pressure += pressure
            long_pressure += pressure
            short_range += bar_range
            middle_range += bar_range
            long_range += bar_range
            value = 0.0
            if not (-ZERO_EPSILON < short_range < ZERO_EPSILON):
                value += 4.0 * (short_pressure / short_range)
            if not (-ZERO_EPSILON < middle_range < ZERO_EPSILON):
                value += 2.0 * (middle_pressure / middle_range)
            if not (-ZERO_EPSILON < long_range < ZERO_EPSILON):
                value += long_pressure / long_range
            size = len(pressures)
            short_pressure -= pressures[size - short]
            short_range -= ranges[size - short]
            middle_pressure -= pressures[size - middle]
            middle_range -= ranges[size - middle]
            long_pressure -= pressures[size - long]
            long_range -= ranges[size - long]
            output = 100.0 * (value / 7.0)
        new_state = (
            age,
            close,
            pressures,
            ranges,
            short_pressure,
            short_range,
            middle_pressure,
            middle_range,
            long_pressure,
            long_range,
        )
        return new_state, output
