"""Streaming forms of :mod:`yeouido.ta.volume`: ``OBV``, ``AD``, ``ADOSC``, ``MFI``.

Constructor parameters are the batch function's; inputs are fed in the batch function's order.
Committed outputs equal the batch values bit for bit, and ``update_last`` previews the forming
bar without committing it. Bars with a NaN input before the first complete bar are skipped.
"""

from __future__ import annotations

from typing import Any

from yeouido.ta._core import NAN, check_period
from yeouido.ta.stream_volatility import FastStreamingIndicator, has_nan
from yeouido.ta.volatility import ZERO_EPSILON, fused_multiply_add

__all__ = ["AD", "ADOSC", "MFI", "OBV"]


def _money_flow_volume(high: float, low: float, close: float, volume: float) -> float:
    spread = high - low
    if spread > 0.0:
        return (((close - low) - (high - close)) / spread) * volume
    return 0.0


class OBV(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.volume.obv`; inputs ``(real, volume)``."""

    inputs = ("real", "volume")

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        price, volume = values
        if state is None:
            if has_nan(values):
                return None, NAN
            return (volume, price), volume
        balance, previous = state
        if price > previous:
            balance += volume
        elif price < previous:
            balance -= volume
        return (balance, price), balance


class AD(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.volume.ad`; inputs ``(high, low, close, volume)``."""

    inputs = ("high", "low", "close", "volume")

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        if state is None:
            if has_nan(values):
                return None, NAN
            state = 0.0
        line = state + _money_flow_volume(*values)
        return line, line


class ADOSC(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.volume.adosc`; inputs ``(high, low, close, volume)``."""

    inputs = ("high", "low", "close", "volume")

    def __init__(self, fastperiod: int = 3, slowperiod: int = 10) -> None:
        self.fastperiod = check_period("fastperiod", fastperiod, 2)
        self.slowperiod = check_period("slowperiod", slowperiod, 2)
        self._fast_k = 2.0 / (self.fastperiod + 1.0)
        self._fast_rest = 1.0 - self._fast_k
        self._slow_k = 2.0 / (self.slowperiod + 1.0)
        self._slow_rest = 1.0 - self._slow_k
        self._first_output = max(self.fastperiod, self.slowperiod) - 1
        super().__init__()

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        if state is None:
            if has_nan(values):
                return None, NAN
            line = 0.0 + _money_flow_volume(*values)
            return (0, line, line, line), NAN
        age, line, fast_average, slow_average = state
        age += 1
        line = line + _money_flow_volume(*values)
        fast_average = fused_multiply_add(fast_average, self._fast_rest, self._fast_k * line)
        slow_average = fused_multiply_add(slow_average, self._slow_rest, self._slow_k * line)
        output = fast_average - slow_average if age >= self._first_output else NAN
        return (age, line, fast_average, slow_average), output


class MFI(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.volume.mfi`; inputs ``(high, low, close, volume)``."""

    inputs = ("high", "low", "close", "volume")

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 2)
        super().__init__()

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        high, low, close, volume = values
        typical = (high + low + close) / 3.0
        if state is None:
            if has_nan(values):
                return None, NAN
            return (0, typical, (), (), 0.0, 0.0, 0), NAN
        age, previous, positives, negatives, positive_sum, negative_sum, quiet_run = state
        age += 1
        period = self.timeperiod
        if age > period:
            positive_sum -= positives[0]
            negative_sum -= negatives[0]
            positives = positives[1:]
            negatives = negatives[1:]
        change = typical - previous
        scale = abs(typical) + abs(previous)
        flow = typical * volume
        if abs(change) <= ZERO_EPSILON * scale:
            flow = 0.0
        if change < 0.0:
            positive_flow, negative_flow = 0.0, flow
        else:
            positive_flow, negative_flow = flow, 0.0
        positives = (*positives, positive_flow)
        negatives = (*negatives, negative_flow)
        positive_sum += positive_flow
        negative_sum += negative_flow
        if positive_flow == 0.0 and negative_flow == 0.0:
            quiet_run += 1
        else:
            quiet_run = 0
        if quiet_run >= period:
            quiet_run = period
            positive_sum = 0.0
            negative_sum = 0.0
        new_state = (age, typical, positives, negatives, positive_sum, negative_sum, quiet_run)
        if age < period:
            return new_state, NAN
        total = positive_sum + negative_sum
        if positive_sum < 0.0:
            clamped = 0.0
        elif positive_sum > total:
            clamped = total
        else:
            clamped = positive_sum
        return new_state, (0.0 if total <= 0.0 else 100.0 * (clamped / total))
