"""Streaming forms of :mod:`yeouido.ta.oscillators`: ``ULTOSC`` and ``BOP``.

Constructor parameters are the batch function's; inputs are fed in the batch function's order.
Committed outputs equal the batch values bit for bit, and ``update_last`` previews the forming
bar without committing it. Bars with a NaN input before the first complete bar are skipped.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from yeouido.ta._core import NAN, check_period
from yeouido.ta.oscillators import sorted_periods
from yeouido.ta.stream_volatility import FastStreamingIndicator, HighLowCloseIndicator, has_nan
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


class ULTOSC(HighLowCloseIndicator):
    """Streaming :func:`yeouido.ta.oscillators.ultosc`; inputs ``(high, low, close)``.

    The last committed buying pressures and true ranges sit in two deques and the six running
    sums in slots, updated in place by :meth:`update`; :meth:`update_last` computes from them
    into locals and commits nothing (``_step`` keeps the base contract on a copy)."""

    __slots__ = (
        "_age",
        "_long_pressure",
        "_long_range",
        "_middle_pressure",
        "_middle_range",
        "_periods",
        "_pressures",
        "_previous_close",
        "_ranges",
        "_short_pressure",
        "_short_range",
        "timeperiod1",
        "timeperiod2",
        "timeperiod3",
    )
    inputs = ("high", "low", "close")

    def __init__(self, timeperiod1: int = 7, timeperiod2: int = 14, timeperiod3: int = 28) -> None:
        self.timeperiod1 = check_period("timeperiod1", timeperiod1, 1)
        self.timeperiod2 = check_period("timeperiod2", timeperiod2, 1)
        self.timeperiod3 = check_period("timeperiod3", timeperiod3, 1)
        self._periods = sorted_periods(self.timeperiod1, self.timeperiod2, self.timeperiod3)
        super().__init__()

    def _initial_state(self) -> Any:
        # The committed values a window can still need: up to ``long - 1`` bars back.
        kept = max(self._periods[2] - 1, 1)
        self._age = -1
        self._previous_close = NAN
        self._pressures: deque[float] = deque(maxlen=kept)
        self._ranges: deque[float] = deque(maxlen=kept)
        self._short_pressure = 0.0
        self._short_range = 0.0
        self._middle_pressure = 0.0
        self._middle_range = 0.0
        self._long_pressure = 0.0
        self._long_range = 0.0
        return None

    def _advance(self, high: float, low: float, close: float, commit: bool) -> float:
        """The output for one bar (true range inlined); the state advances only when
        ``commit`` is true. Each sum gains today's value, gives the output, then loses the
        oldest value of its window: the batch kernel's operations in its order."""
        age = self._age
        if age < 0:
            if commit and high == high and low == low and close == close:
                self._age = 0
                self._previous_close = close
            return NAN
        age += 1
        previous_close = self._previous_close
        true_low = low if low < previous_close else previous_close
        pressure = close - true_low
        bar_range = high - low
        candidate = abs(previous_close - high)
        if candidate > bar_range:
            bar_range = candidate
        candidate = abs(previous_close - low)
        if candidate > bar_range:
            bar_range = candidate
        short, middle, long = self._periods
        output = NAN
        if age < long:
            if commit:
                if age >= long - short + 1:
                    self._short_pressure += pressure
                    self._short_range += bar_range
                if age >= long - middle + 1:
                    self._middle_pressure += pressure
                    self._middle_range += bar_range
                self._long_pressure += pressure
                self._long_range += bar_range
        else:
            short_pressure = self._short_pressure + pressure
            middle_pressure = self._middle_pressure + pressure
            long_pressure = self._long_pressure + pressure
            short_range = self._short_range + bar_range
            middle_range = self._middle_range + bar_range
            long_range = self._long_range + bar_range
            value = 0.0
            if not -ZERO_EPSILON < short_range < ZERO_EPSILON:
                value += 4.0 * (short_pressure / short_range)
            if not -ZERO_EPSILON < middle_range < ZERO_EPSILON:
                value += 2.0 * (middle_pressure / middle_range)
            if not -ZERO_EPSILON < long_range < ZERO_EPSILON:
                value += long_pressure / long_range
            output = 100.0 * (value / 7.0)
            if commit:
                # The oldest value of a window of ``n`` bars is ``n - 1`` bars back (today's
                # own when ``n`` is 1).
                pressures = self._pressures
                ranges = self._ranges
                if short > 1:
                    short_pressure -= pressures[1 - short]
                    short_range -= ranges[1 - short]
                else:
                    short_pressure -= pressure
                    short_range -= bar_range
                if middle > 1:
                    middle_pressure -= pressures[1 - middle]
                    middle_range -= ranges[1 - middle]
                else:
                    middle_pressure -= pressure
                    middle_range -= bar_range
                if long > 1:
                    long_pressure -= pressures[1 - long]
                    long_range -= ranges[1 - long]
                else:
                    long_pressure -= pressure
                    long_range -= bar_range
                self._short_pressure = short_pressure
                self._short_range = short_range
                self._middle_pressure = middle_pressure
                self._middle_range = middle_range
                self._long_pressure = long_pressure
                self._long_range = long_range
        if commit:
            self._age = age
            self._previous_close = close
            self._pressures.append(pressure)
            self._ranges.append(bar_range)
        return output
