"""Streaming forms of :mod:`yeouido.ta.trend`: ``PLUS_DI``, ``MINUS_DI``, ``DX``, ``ADX``,
``ADXR``, ``SAR``, ``AROON``.

Constructor parameters are the batch function's; inputs are fed in the batch function's order.
Committed outputs equal the batch values bit for bit, and ``update_last`` previews the forming
bar without committing it. Bars with a NaN input before the first complete bar are skipped.
"""

from __future__ import annotations

import copy
import sys
from collections import deque
from typing import Any

from yeouido.ta._core import NAN, check_number, check_period
from yeouido.ta.stream_volatility import FastStreamingIndicator, has_nan
from yeouido.ta.trend import ADX as ADX_KIND
from yeouido.ta.trend import DX as DX_KIND
from yeouido.ta.trend import MINUS_DI as MINUS_DI_KIND
from yeouido.ta.trend import PLUS_DI as PLUS_DI_KIND
from yeouido.ta.volatility import ZERO_EPSILON, fused_multiply_add

__all__ = ["ADX", "ADXR", "AROON", "DX", "MINUS_DI", "PLUS_DI", "SAR"]


class _Directional(FastStreamingIndicator):
    """Shared step of the directional movement family (one kernel, as in the batch code).

    The state lives in attributes updated in place by :meth:`update` (``update_last`` computes
    on locals and commits nothing); ``_step`` keeps the base contract by working on a copy."""

    __slots__ = (
        "_age",
        "_average_dx",
        "_last_dx",
        "_minus_dm",
        "_plus_dm",
        "_previous_close",
        "_previous_high",
        "_previous_low",
        "_range_sum",
        "_steady",
        "_sum_dx",
        "timeperiod",
    )
    inputs = ("high", "low", "close")
    _kind = PLUS_DI_KIND
    _minimum = 1

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, self._minimum)
        # The committed age from which DX / ADX take their steady-state path (never for the
        # DI kinds, whose general path is short).
        self._steady = sys.maxsize
        if self._kind == DX_KIND:
            self._steady = self.timeperiod
        elif self._kind == ADX_KIND:
            self._steady = 2 * self.timeperiod - 1
        super().__init__()

    def _initial_state(self) -> Any:
        self._age = -1
        self._previous_high = NAN
        self._previous_low = NAN
        self._previous_close = NAN
        self._plus_dm = 0.0
        self._minus_dm = 0.0
        self._range_sum = 0.0
        self._sum_dx = 0.0
        self._average_dx = 0.0
        self._last_dx = 0.0
        return None

    def update(self, *values: float) -> Any:
        """Commit one finished bar (inputs in ``self.inputs`` order) and return the output."""
        try:
            high, low, close = map(float, values)
        except (TypeError, ValueError):
            high, low, close = self._check(values)
        if high - high + low - low + close - close != 0.0:  # a NaN or an inf
            high, low, close = self._check(values)
        if self._age >= self._steady:
            output = self._advance_steady(high, low, close, True)
        else:
            output = self._advance(high, low, close, True)
        self._value = output
        self._count += 1
        return output

    def update_last(self, *values: float) -> Any:
        """Output for the still-forming bar with these inputs, without committing it."""
        try:
            high, low, close = map(float, values)
        except (TypeError, ValueError):
            high, low, close = self._check(values)
        if high - high + low - low + close - close != 0.0:  # a NaN or an inf
            high, low, close = self._check(values)
        if self._age >= self._steady:
            return self._advance_steady(high, low, close, False)
        return self._advance(high, low, close, False)

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        clone = copy.deepcopy(self)
        return None, clone.update(*values)

    def _advance(self, high: float, low: float, close: float, commit: bool) -> float:
        """The output for one bar (true range and zero tests inlined); the state advances
        only when ``commit`` is true."""
        age = self._age
        if age < 0:
            if commit and high == high and low == low and close == close:
                self._age = 0
                self._previous_high = high
                self._previous_low = low
                self._previous_close = close
            return NAN
        age += 1
        previous_close = self._previous_close
        plus_dm = self._plus_dm
        minus_dm = self._minus_dm
        range_sum = self._range_sum
        sum_dx = self._sum_dx
        average_dx = self._average_dx
        last_dx = self._last_dx
        period = self.timeperiod
        kind = self._kind
        up_move = high - self._previous_high
        down_move = self._previous_low - low
        bar_range = high - low
        candidate = abs(previous_close - high)
        if candidate > bar_range:
            bar_range = candidate
        candidate = abs(previous_close - low)
        if candidate > bar_range:
            bar_range = candidate
        output = NAN
        if period <= 1:
            movement = 0.0
            if kind == PLUS_DI_KIND and up_move > 0 and up_move > down_move:
                movement = up_move
            elif kind == MINUS_DI_KIND and down_move > 0 and up_move < down_move:
                movement = down_move
            zero = -ZERO_EPSILON < bar_range < ZERO_EPSILON
            output = 0.0 if movement == 0.0 or zero else movement / bar_range
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
            zero = -ZERO_EPSILON < range_sum < ZERO_EPSILON
            if kind == PLUS_DI_KIND:
                output = 0.0 if zero else 100.0 * (plus_dm / range_sum)
            elif kind == MINUS_DI_KIND:
                output = 0.0 if zero else 100.0 * (minus_dm / range_sum)
            else:
                has_dx = False
                bar_dx = 0.0
                if not zero:
                    minus_di = 100.0 * (minus_dm / range_sum)
                    plus_di = 100.0 * (plus_dm / range_sum)
                    di_sum = minus_di + plus_di
                    if not -ZERO_EPSILON < di_sum < ZERO_EPSILON:
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
        if commit:
            self._age = age
            self._previous_high = high
            self._previous_low = low
            self._previous_close = close
            self._plus_dm = plus_dm
            self._minus_dm = minus_dm
            self._range_sum = range_sum
            self._sum_dx = sum_dx
            self._average_dx = average_dx
            self._last_dx = last_dx
        return output

    def _advance_steady(self, high: float, low: float, close: float, commit: bool) -> float:
        """:meth:`_advance` for DX / ADX once past warm-up: the same operations, reading and
        writing only the state that path uses."""
        period = self.timeperiod
        previous_close = self._previous_close
        up_move = high - self._previous_high
        down_move = self._previous_low - low
        bar_range = high - low
        candidate = abs(previous_close - high)
        if candidate > bar_range:
            bar_range = candidate
        candidate = abs(previous_close - low)
        if candidate > bar_range:
            bar_range = candidate
        minus_dm = self._minus_dm
        plus_dm = self._plus_dm
        minus_dm = minus_dm - minus_dm / period
        plus_dm = plus_dm - plus_dm / period
        if down_move > 0 and up_move < down_move:
            minus_dm = minus_dm + down_move
        elif up_move > 0 and up_move > down_move:
            plus_dm = plus_dm + up_move
        range_sum = self._range_sum
        range_sum = range_sum - range_sum / period + bar_range
        adx = self._kind == ADX_KIND
        output = self._average_dx if adx else self._last_dx
        if not -ZERO_EPSILON < range_sum < ZERO_EPSILON:
            minus_di = 100.0 * (minus_dm / range_sum)
            plus_di = 100.0 * (plus_dm / range_sum)
            di_sum = minus_di + plus_di
            if not -ZERO_EPSILON < di_sum < ZERO_EPSILON:
                bar_dx = 100.0 * (abs(minus_di - plus_di) / di_sum)
                output = ((output * (period - 1)) + bar_dx) / period if adx else bar_dx
        if commit:
            self._age += 1
            self._previous_high = high
            self._previous_low = low
            self._previous_close = close
            self._plus_dm = plus_dm
            self._minus_dm = minus_dm
            self._range_sum = range_sum
            if adx:
                self._average_dx = output
            else:
                self._last_dx = output
        return output


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

    Keeps an :class:`ADX` and the last ``timeperiod - 1`` ADX values (state updated in place
    by :meth:`update`; ``_step`` works on a copy)."""

    __slots__ = ("_adx", "_history", "_span", "timeperiod")
    inputs = ("high", "low", "close")

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 2)
        self._span = self.timeperiod - 1
        self._adx = ADX(timeperiod)
        super().__init__()

    def _initial_state(self) -> Any:
        self._adx.reset()
        self._history: deque[float] = deque()
        return None

    def update(self, *values: float) -> Any:
        """Commit one finished bar (inputs in ``self.inputs`` order) and return the output."""
        try:
            high, low, close = map(float, values)
        except (TypeError, ValueError):
            high, low, close = self._check(values)
        if high - high + low - low + close - close != 0.0:  # a NaN or an inf
            high, low, close = self._check(values)
        adx = self._adx
        if adx._age >= adx._steady:
            # Steady state: the history is full (ADX's warm-up outlasts it).
            adx_value = adx._advance_steady(high, low, close, True)
            history = self._history
            earlier = history.popleft()
            history.append(adx_value)
            output = NAN
            if adx_value == adx_value and earlier == earlier:
                output = (adx_value + earlier) / 2.0
            self._value = output
            self._count += 1
            return output
        started = adx._age >= 0
        adx_value = adx._advance(high, low, close, True)
        output = NAN
        if started or adx._age >= 0:
            history = self._history
            if len(history) == self._span:
                earlier = history.popleft()
                if adx_value == adx_value and earlier == earlier:
                    output = (adx_value + earlier) / 2.0
            history.append(adx_value)
        self._value = output
        self._count += 1
        return output

    def update_last(self, *values: float) -> Any:
        """Output for the still-forming bar with these inputs, without committing it."""
        try:
            high, low, close = map(float, values)
        except (TypeError, ValueError):
            high, low, close = self._check(values)
        if high - high + low - low + close - close != 0.0:  # a NaN or an inf
            high, low, close = self._check(values)
        adx = self._adx
        if adx._age >= adx._steady:
            adx_value = adx._advance_steady(high, low, close, False)
        else:
            adx_value = adx._advance(high, low, close, False)
        history = self._history
        if len(history) == self._span and (adx._age >= 0 or adx_value == adx_value):
            earlier = history[0]
            if adx_value == adx_value and earlier == earlier:
                return (adx_value + earlier) / 2.0
        return NAN

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        clone = copy.deepcopy(self)
        return None, clone.update(*values)


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
    ``(aroondown, aroonup)``.

    The last ``timeperiod`` committed highs and lows sit in two deques and the rest of the
    state in slots, updated in place by :meth:`update`; :meth:`update_last` computes from them
    into locals and commits nothing (``_step`` keeps the base contract on a copy)."""

    __slots__ = (
        "_age",
        "_factor",
        "_highest",
        "_highest_age",
        "_highs",
        "_lowest",
        "_lowest_age",
        "_lows",
        "timeperiod",
    )
    inputs = ("high", "low")
    outputs = ("aroondown", "aroonup")

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 2)
        self._factor = 100.0 / self.timeperiod
        super().__init__()

    def _initial_state(self) -> Any:
        self._age = -1
        self._highs: deque[float] = deque(maxlen=self.timeperiod)
        self._lows: deque[float] = deque(maxlen=self.timeperiod)
        self._highest_age = -1
        self._highest = 0.0
        self._lowest_age = -1
        self._lowest = 0.0
        return None

    def update(self, *values: float) -> Any:
        """Commit one finished bar (inputs in ``self.inputs`` order) and return the output."""
        try:
            high, low = map(float, values)
        except (TypeError, ValueError):
            high, low = self._check(values)
        if high - high + low - low != 0.0:  # a NaN or an inf
            high, low = self._check(values)
        output = self._advance(high, low, True)
        self._value = output
        self._count += 1
        return output

    def update_last(self, *values: float) -> Any:
        """Output for the still-forming bar with these inputs, without committing it."""
        try:
            high, low = map(float, values)
        except (TypeError, ValueError):
            high, low = self._check(values)
        if high - high + low - low != 0.0:  # a NaN or an inf
            high, low = self._check(values)
        return self._advance(high, low, False)

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        clone = copy.deepcopy(self)
        return None, clone.update(*values)

    def _advance(self, high: float, low: float, commit: bool) -> tuple[float, float]:
        """The output for one bar; the state advances only when ``commit`` is true. A rescan
        walks the window oldest first and keeps the newest extreme (``<=`` / ``>=``), as the
        batch kernel does."""
        age = self._age
        if age < 0 and (high != high or low != low):
            return NAN, NAN
        age += 1
        period = self.timeperiod
        if age < period:
            if commit:
                self._age = age
                self._highs.append(high)
                self._lows.append(low)
            return NAN, NAN
        trailing = age - period
        lowest_age = self._lowest_age
        lowest = self._lowest
        if lowest_age < trailing:
            lows = self._lows
            lowest_age = trailing
            lowest = lows[0]
            for offset, value in enumerate(lows):
                if value <= lowest:
                    lowest_age = trailing + offset
                    lowest = value
            if low <= lowest:
                lowest_age = age
                lowest = low
        elif low <= lowest:
            lowest_age = age
            lowest = low
        highest_age = self._highest_age
        highest = self._highest
        if highest_age < trailing:
            highs = self._highs
            highest_age = trailing
            highest = highs[0]
            for offset, value in enumerate(highs):
                if value >= highest:
                    highest_age = trailing + offset
                    highest = value
            if high >= highest:
                highest_age = age
                highest = high
        elif high >= highest:
            highest_age = age
            highest = high
        if commit:
            self._age = age
            self._highs.append(high)
            self._lows.append(low)
            self._lowest_age = lowest_age
            self._lowest = lowest
            self._highest_age = highest_age
            self._highest = highest
        factor = self._factor
        return (
            factor * (period - (age - lowest_age)),
            factor * (period - (age - highest_age)),
        )
