"""Streaming forms of :mod:`yeouido.ta.trend`: ``PLUS_DI``, ``MINUS_DI``, ``DX``, ``ADX``,
``ADXR``, ``SAR``, ``AROON``.

Constructor parameters are the batch function's; inputs are fed in the batch function's order.
Committed outputs equal the batch values bit for bit, and ``update_last`` previews the forming
bar without committing it. Bars with a NaN input before the first complete bar are skipped.
"""

from __future__ import annotations

from typing import Any

from yeouido.ta._core import NAN, check_number, check_period
from yeouido.ta.stream_volatility import FastStreamingIndicator, has_nan, true_range
from yeouido.ta.trend import ADX as ADX_KIND
from yeouido.ta.trend import DX as DX_KIND
from yeouido.ta.trend import MINUS_DI as MINUS_DI_KIND
from yeouido.ta.trend import PLUS_DI as PLUS_DI_KIND
from yeouido.ta.volatility import ZERO_EPSILON, fused_multiply_add

__all__ = ["ADX", "ADXR", "AROON", "DX", "MINUS_DI", "PLUS_DI", "SAR"]


def _is_zero(value: float) -> bool:
    return -ZERO_EPSILON < value < ZERO_EPSILON


class _Directional(FastStreamingIndicator):
    """Shared step of the directional movement family (one kernel, as in the batch code)."""

    inputs = ("high", "low", "close")
    _kind = PLUS_DI_KIND
    _minimum = 1

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, self._minimum)
        super().__init__()

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        high, low, close = values
        if state is None:
            if has_nan(values):
                return None, NAN
            return (0, high, low, close, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), NAN
        (
            age,
            previous_high,
            previous_low,
            previous_close,
            plus_dm,
            minus_dm,
            range_sum,
            sum_dx,
            average_dx,
            last_dx,
        ) = state
        age += 1
        period = self.timeperiod
        kind = self._kind
        up_move = high - previous_high
        down_move = previous_low - low
        bar_range = true_range(high, low, previous_close)
        output = NAN
        if period <= 1:
            movement = 0.0
            if kind == PLUS_DI_KIND and up_move > 0 and up_move > down_move:
                movement = up_move
            elif kind == MINUS_DI_KIND and down_move > 0 and up_move < down_move:
                movement = down_move
            output = 0.0 if movement == 0.0 or _is_zero(bar_range) else movement / bar_range
        elif age < period:
            if down_move > 0 and up_move < down_move:
                minus_dm += down_move
            elif up_move > 0 and up_move > down_move:
                plus_dm += up_move
            range_sum += bar_range
        else:
            minus_dm = minus_dm - minus_dm / period
            plus_dm = plus_dm - plus_dm / period
            if down_move > 0 and up_move < down_move:
                minus_dm = minus_dm + down_move
            elif up_move > 0 and up_move > down_move:
                plus_dm = plus_dm + up_move
            range_sum = range_sum - range_sum / period + bar_range
            if kind in (PLUS_DI_KIND, MINUS_DI_KIND):
                if _is_zero(range_sum):
                    output = 0.0
                elif kind == PLUS_DI_KIND:
                    output = 100.0 * (plus_dm / range_sum)
                else:
                    output = 100.0 * (minus_dm / range_sum)
            else:
                has_dx = False
                bar_dx = 0.0
                if not _is_zero(range_sum):
                    minus_di = 100.0 * (minus_dm / range_sum)
                    plus_di = 100.0 * (plus_dm / range_sum)
                    di_sum = minus_di + plus_di
                    if not _is_zero(di_sum):
                        has_dx = True
                        bar_dx = 100.0 * (abs(minus_di - plus_di) / di_sum)
                if kind == DX_KIND:
                    if has_dx:
                        last_dx = bar_dx
                    elif age == period:
                        last_dx = 0.0
                    output = last_dx
                elif age < 2 * period - 1:
                    if has_dx:
                        sum_dx += bar_dx
                elif age == 2 * period - 1:
                    if has_dx:
                        sum_dx += bar_dx
                    average_dx = sum_dx / period
                    output = average_dx
                else:
                    if has_dx:
                        average_dx = ((average_dx * (period - 1)) + bar_dx) / period
                    output = average_dx
        new_state = (
            age,
            high,
            low,
            close,
            plus_dm,
            minus_dm,
            range_sum,
            sum_dx,
            average_dx,
            last_dx,
        )
        return new_state, output


class PLUS_DI(_Directional):
    """Streaming :func:`yeouido.ta.trend.plus_di`; inputs ``(high, low, close)``."""

    _kind = PLUS_DI_KIND
    _minimum = 1


class MINUS_DI(_Directional):
    """Streaming :func:`yeouido.ta.trend.minus_di`; inputs ``(high, low, close)``."""

    _kind = MINUS_DI_KIND
    _minimum = 1


class DX(_Directional):
    """Streaming :func:`yeouido.ta.trend.dx`; inputs ``(high, low, close)``."""

    _kind = DX_KIND
    _minimum = 2


class ADX(_Directional):
    """Streaming :func:`yeouido.ta.trend.adx`; inputs ``(high, low, close)``."""

    _kind = ADX_KIND
    _minimum = 2


class ADXR(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.trend.adxr`; inputs ``(high, low, close)``.

    Keeps an :class:`ADX` state and the last ``timeperiod - 1`` ADX values."""

    inputs = ("high", "low", "close")

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 2)
        self._adx = ADX(timeperiod)
        super().__init__()

    def _initial_state(self) -> Any:
        return (self._adx._initial_state(), ())

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        adx_state, history = state
        adx_state, adx_value = self._adx._step(adx_state, values)
        if adx_state is None:
            return (None, history), NAN
        lag = self.timeperiod - 1
        output = NAN
        if len(history) == lag:
            earlier = history[0]
            if adx_value == adx_value and earlier == earlier:
                output = (adx_value + earlier) / 2.0
            history = (*history[1:], adx_value)
        else:
            history = (*history, adx_value)
        return (adx_state, history), output


class SAR(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.trend.sar`; inputs ``(high, low)``."""

    inputs = ("high", "low")

    def __init__(self, acceleration: float = 0.02, maximum: float = 0.2) -> None:
        self.acceleration = check_number("acceleration", acceleration, minimum=0.0)
        self.maximum = check_number("maximum", maximum, minimum=0.0)
        self._step_size = min(self.acceleration, self.maximum)
        super().__init__()

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        new_high, new_low = values
        if state is None:
            if has_nan(values):
                return None, NAN
            return ("first", new_high, new_low), NAN
        acceleration = self._step_size
        maximum = self.maximum
        if state[0] == "first":
            _, first_high, first_low = state
            up_move = new_high - first_high
            down_move = first_low - new_low
            is_long = not (down_move > 0 and up_move < down_move)
            if is_long:
                extreme, stop = new_high, first_low
            else:
                extreme, stop = new_low, first_high
            factor = acceleration
            previous_high, previous_low = new_high, new_low
        else:
            _, is_long, stop, extreme, factor, previous_high, previous_low = state
        if is_long:
            if new_low <= stop:
                is_long = False
                stop = extreme
                if stop < previous_high:
                    stop = previous_high
                if stop < new_high:
                    stop = new_high
                output = stop
                factor = acceleration
                extreme = new_low
                stop = fused_multiply_add(extreme - stop, factor, stop)
                if stop < previous_high:
                    stop = previous_high
                if stop < new_high:
                    stop = new_high
            else:
                output = stop
                if new_high > extreme:
                    extreme = new_high
                    factor += acceleration
                    if factor > maximum:
                        factor = maximum
                stop = fused_multiply_add(extreme - stop, factor, stop)
                if stop > previous_low:
                    stop = previous_low
                if stop > new_low:
                    stop = new_low
        else:
            if new_high >= stop:
                is_long = True
                stop = extreme
                if stop > previous_low:
                    stop = previous_low
                if stop > new_low:
                    stop = new_low
                output = stop
                factor = acceleration
                extreme = new_high
                stop = fused_multiply_add(extreme - stop, factor, stop)
                if stop > previous_low:
                    stop = previous_low
                if stop > new_low:
                    stop = new_low
            else:
                output = stop
                if new_low < extreme:
                    extreme = new_low
                    factor += acceleration
                    if factor > maximum:
                        factor = maximum
                stop = fused_multiply_add(extreme - stop, factor, stop)
                if stop < previous_high:
                    stop = previous_high
                if stop < new_high:
                    stop = new_high
        return ("running", is_long, stop, extreme, factor, new_high, new_low), output


class AROON(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.trend.aroon`; inputs ``(high, low)``; output
    ``(aroondown, aroonup)``."""

    inputs = ("high", "low")
    outputs = ("aroondown", "aroonup")

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 2)
        self._factor = 100.0 / self.timeperiod
        super().__init__()

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        high, low = values
        if state is None:
            if has_nan(values):
                return None, (NAN, NAN)
            state = (-1, (), (), -1, 0.0, -1, 0.0)
        age, highs, lows, highest_age, highest, lowest_age, lowest = state
        age += 1
        period = self.timeperiod
        if len(highs) > period:
            highs = (*highs[1:], high)
            lows = (*lows[1:], low)
        else:
            highs = (*highs, high)
            lows = (*lows, low)
        if age < period:
            return (age, highs, lows, highest_age, highest, lowest_age, lowest), (NAN, NAN)
        trailing = age - period
        if lowest_age < trailing:
            lowest_age = trailing
            lowest = lows[0]
            for offset in range(1, period + 1):
                value = lows[offset]
                if value <= lowest:
                    lowest_age = trailing + offset
                    lowest = value
        elif low <= lowest:
            lowest_age = age
            lowest = low
        if highest_age < trailing:
            highest_age = trailing
            highest = highs[0]
            for offset in range(1, period + 1):
                value = highs[offset]
                if value >= highest:
                    highest_age = trailing + offset
                    highest = value
        elif high >= highest:
            highest_age = age
            highest = high
        factor = self._factor
        output = (
            factor * (period - (age - lowest_age)),
            factor * (period - (age - highest_age)),
        )
        return (age, highs, lows, highest_age, highest, lowest_age, lowest), output
