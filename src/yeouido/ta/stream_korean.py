"""Streaming forms of :mod:`yeouido.ta.korean`: ``DISPARITY``, ``PSY``, ``VR``, ``ENVELOPE``,
``PRICE_CHANNEL``, ``ICHIMOKU``, ``PIVOT_POINTS``, ``VWAP``, ``ADR``.

Constructor parameters are the batch function's. Committed outputs equal the batch values bit
for bit, with two documented differences of shape:

- ``ICHIMOKU``'s fifth output is the lagging span's newest point, the bar's close, which the
  batch array holds ``displacement`` bars earlier (``lagging[t - displacement]``); the
  leading spans are already the shifted values of the current bar.
- ``VWAP`` is fed ``(session, high, low, close, volume)`` where ``session`` is any label equal
  for the bars of one session (a ``datetime.date``, ``yyyymmdd`` int …); ``ADR`` is fed the
  bar's ``(advances, declines)`` counts.

The moving average in ``DISPARITY`` and ``ENVELOPE`` repeats the running-sum arithmetic of
:func:`yeouido.ta.overlap.sma` (add the new value, divide, subtract the oldest).
"""

from __future__ import annotations

import copy
import math
from collections import deque
from typing import Any

from yeouido.model.errors import IndicatorError
from yeouido.ta._core import NAN, check_number, check_period
from yeouido.ta.korean import envelope_factors, pivot_levels
from yeouido.ta.stream_volatility import FastStreamingIndicator, has_nan

__all__ = [
    "ADR",
    "DISPARITY",
    "ENVELOPE",
    "ICHIMOKU",
    "PIVOT_POINTS",
    "PRICE_CHANNEL",
    "PSY",
    "VR",
    "VWAP",
]


def _sma_step(state: Any, value: float, period: int) -> tuple[Any, float]:
    """One bar of :func:`yeouido.ta.overlap.sma`'s running sum; state ``(window, total)``."""
    if state is None:
        if value != value:
            return None, NAN
        state = ((), 0.0)
    window, total = state
    window = (*window, value)
    total += value
    if len(window) < period:
        return (window, total), NAN
    average = total / period
    total -= window[0]
    return (window[1:], total), average


class DISPARITY(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.korean.disparity`; input ``close``."""

    inputs = ("close",)

    def __init__(self, timeperiod: int = 20) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 1)
        super().__init__()

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        (close,) = values
        state, average = _sma_step(state, close, self.timeperiod)
        return state, close / average * 100.0


class ENVELOPE(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.korean.envelope`; input ``close``; output
    ``(upper, middle, lower)``."""

    inputs = ("close",)
    outputs = ("upper", "middle", "lower")

    def __init__(self, timeperiod: int = 20, percent: float = 6.0) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 1)
        self.percent = check_number("percent", percent, minimum=0.0)
        self._upper, self._lower = envelope_factors(self.percent)
        super().__init__()

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        state, middle = _sma_step(state, values[0], self.timeperiod)
        return state, (middle * self._upper, middle, middle * self._lower)


class PSY(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.korean.psy`; input ``close``."""

    inputs = ("close",)

    def __init__(self, timeperiod: int = 10) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 1)
        super().__init__()

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        (close,) = values
        if state is None:
            if close != close:
                return None, NAN
            return (0, close, (), 0), NAN
        age, previous, rises, count = state
        age += 1
        rise = 1 if close > previous else 0
        count += rise
        rises = (*rises, rise)
        period = self.timeperiod
        if len(rises) > period:
            count -= rises[0]
            rises = rises[1:]
        output = 100.0 * count / period if age >= period else NAN
        return (age, close, rises, count), output


class VR(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.korean.vr`; inputs ``(close, volume)``."""

    inputs = ("close", "volume")

    def __init__(self, timeperiod: int = 20) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 1)
        super().__init__()

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        close, volume = values
        if state is None:
            if has_nan(values):
                return None, NAN
            return (0, close, (), 0.0, 0.0, 0.0), NAN
        age, previous, history, up, down, unchanged = state
        age += 1
        if close > previous:
            kind = 1
            up += volume
        elif close < previous:
            kind = -1
            down += volume
        else:
            kind = 0
            unchanged += volume
        history = (*history, (kind, volume))
        period = self.timeperiod
        if len(history) > period:
            leaving_kind, leaving_volume = history[0]
            history = history[1:]
            if leaving_kind == 1:
                up -= leaving_volume
            elif leaving_kind == -1:
                down -= leaving_volume
            else:
                unchanged -= leaving_volume
        output = NAN
        if age >= period:
            denominator = down + unchanged / 2.0
            if denominator != 0.0:
                output = (up + unchanged / 2.0) / denominator * 100.0
        return (age, close, history, up, down, unchanged), output


class _RollingExtremes:
    """Highest high and lowest low of the last ``period`` committed bars, with the batch
    scan's rules: NaN when any bar in the window has a NaN, and among equal values the
    earliest wins (which only matters for ``0.0`` and ``-0.0``).

    Monotonic deques of ``(age, value)``: the highs decrease strictly from the front (a new
    high removes the smaller ones behind it; an equal one stays behind the earlier), and the
    lows likewise increase, so the fronts are the window's extremes."""

    __slots__ = ("highs", "last_nan", "lows", "period")

    def __init__(self, period: int) -> None:
        self.period = period
        self.highs: deque[tuple[int, float]] = deque()
        self.lows: deque[tuple[int, float]] = deque()
        self.last_nan = -(1 << 62)

    def push(self, age: int, high: float, low: float) -> None:
        """Commit bar ``age`` (ages increase by one per committed bar)."""
        oldest = age - self.period
        highs = self.highs
        lows = self.lows
        if highs and highs[0][0] <= oldest:
            highs.popleft()
        if lows and lows[0][0] <= oldest:
            lows.popleft()
        if high != high or low != low:
            self.last_nan = age
            return
        while highs and highs[-1][1] < high:
            highs.pop()
        highs.append((age, high))
        while lows and lows[-1][1] > low:
            lows.pop()
        lows.append((age, low))

    def window(self, age: int) -> tuple[float, float]:
        """Extremes of the committed bars ``(age - period, age]`` (``age`` the newest)."""
        if self.last_nan > age - self.period:
            return NAN, NAN
        return self.highs[0][1], self.lows[0][1]

    def preview(self, age: int, high: float, low: float) -> tuple[float, float]:
        """Extremes of the window ending at a new bar ``age`` with these values, without
        committing it."""
        oldest = age - self.period
        if high != high or low != low or self.last_nan > oldest:
            return NAN, NAN
        highest = high
        highs = self.highs
        if highs:
            entry = highs[0] if highs[0][0] > oldest else (highs[1] if len(highs) > 1 else None)
            if entry is not None and not high > entry[1]:
                highest = entry[1]
        lowest = low
        lows = self.lows
        if lows:
            entry = lows[0] if lows[0][0] > oldest else (lows[1] if len(lows) > 1 else None)
            if entry is not None and not low < entry[1]:
                lowest = entry[1]
        return highest, lowest


class PRICE_CHANNEL(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.korean.price_channel`; inputs ``(high, low)``; output
    ``(upper, lower)`` from the bars before the current one."""

    __slots__ = ("_age", "_extremes", "_next", "timeperiod")
    inputs = ("high", "low")
    outputs = ("upper", "lower")

    def __init__(self, timeperiod: int = 20) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 1)
        super().__init__()

    def _initial_state(self) -> Any:
        # The state lives in attributes updated in place; ``_step`` works on a copy.
        self._age = -1
        self._extremes = _RollingExtremes(self.timeperiod)
        self._next: tuple[float, float] = (NAN, NAN)
        return None

    def update(self, *values: float) -> Any:
        """Commit one finished bar (inputs in ``self.inputs`` order) and return the output."""
        high, low = self._check(values)
        output = self._next
        age = self._age
        if age >= 0 or (high == high and low == low):
            age += 1
            self._age = age
            self._extremes.push(age, high, low)
            if age + 1 >= self.timeperiod:
                self._next = self._extremes.window(age)
        self._value = output
        self._count += 1
        return output

    def update_last(self, *values: float) -> Any:
        """Output for the still-forming bar with these inputs, without committing it."""
        self._check(values)
        return self._next

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        clone = copy.deepcopy(self)
        return None, clone.update(*values)


class ICHIMOKU(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.korean.ichimoku`; inputs ``(high, low, close)``; output
    ``(conversion, base, leading_a, leading_b, lagging_point)`` where ``lagging_point`` is
    this bar's close (the batch ``lagging[t - displacement]``)."""

    __slots__ = (
        "_age",
        "_base",
        "_conversion",
        "_leading",
        "_pending",
        "base_period",
        "conversion_period",
        "displacement",
        "leading_period",
    )
    inputs = ("high", "low", "close")
    outputs = ("conversion", "base", "leading_a", "leading_b", "lagging")

    def __init__(
        self,
        conversion_period: int = 9,
        base_period: int = 26,
        leading_period: int = 52,
        displacement: int = 26,
    ) -> None:
        self.conversion_period = check_period("conversion_period", conversion_period, 1)
        self.base_period = check_period("base_period", base_period, 1)
        self.leading_period = check_period("leading_period", leading_period, 1)
        self.displacement = check_period("displacement", displacement, 0)
        super().__init__()

    def _initial_state(self) -> Any:
        # The state lives in attributes updated in place; ``_step`` works on a copy.
        self._age = -1
        self._conversion = _RollingExtremes(self.conversion_period)
        self._base = _RollingExtremes(self.base_period)
        self._leading = _RollingExtremes(self.leading_period)
        # The last ``displacement`` unshifted (leading_a, leading_b), oldest first.
        self._pending: deque[tuple[float, float]] = deque()
        return None

    def update(self, *values: float) -> Any:
        """Commit one finished bar (inputs in ``self.inputs`` order) and return the output."""
        output = self._advance(self._check(values), True)
        self._value = output
        self._count += 1
        return output

    def update_last(self, *values: float) -> Any:
        """Output for the still-forming bar with these inputs, without committing it."""
        return self._advance(self._check(values), False)

    def _midpoint(self, extremes: _RollingExtremes, age: int, high: float, low: float) -> float:
        if age + 1 < extremes.period:
            return NAN
        highest, lowest = extremes.preview(age, high, low)
        return (highest + lowest) / 2.0

    def _advance(self, values: tuple[float, ...], commit: bool) -> Any:
        high, low, close = values
        age = self._age
        if age < 0 and (high != high or low != low or close != close):
            raw = (NAN, NAN)
            conversion = base = NAN
        else:
            age += 1
            conversion = self._midpoint(self._conversion, age, high, low)
            base = self._midpoint(self._base, age, high, low)
            raw = ((conversion + base) / 2.0, self._midpoint(self._leading, age, high, low))
            if commit:
                self._age = age
                self._conversion.push(age, high, low)
                self._base.push(age, high, low)
                self._leading.push(age, high, low)
        displacement = self.displacement
        if displacement == 0:
            if age < 0:
                return (NAN, NAN, NAN, NAN, NAN)
            return (conversion, base, raw[0], raw[1], close)
        pending = self._pending
        shifted = pending[0] if len(pending) == displacement else (NAN, NAN)
        if commit:
            pending.append(raw)
            if len(pending) > displacement:
                pending.popleft()
        if age < 0:
            return (NAN, NAN, shifted[0], shifted[1], NAN)
        return (conversion, base, shifted[0], shifted[1], close)

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        clone = copy.deepcopy(self)
        return None, clone.update(*values)


class PIVOT_POINTS(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.korean.pivot_points`; inputs ``(high, low, close)``; output
    ``(pivot, r1, r2, s1, s2)`` for the current bar, from the previous bar."""

    inputs = ("high", "low", "close")
    outputs = ("pivot", "r1", "r2", "s1", "s2")

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        if state is None:
            return values, (NAN, NAN, NAN, NAN, NAN)
        return values, pivot_levels(*state)


class VWAP(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.korean.vwap`; inputs ``(session, high, low, close,
    volume)``: ``session`` is any label equal for the bars of one trading session (the batch
    function's ``session`` value for that bar, e.g. its date)."""

    inputs = ("session", "high", "low", "close", "volume")

    def _check(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(values) != len(self.inputs):
            return super()._check(values)
        numbers = tuple(map(float, values[1:]))
        for name, number in zip(self.inputs[1:], numbers, strict=True):
            if math.isinf(number):
                raise IndicatorError.for_field(name, number, "must be finite (NaN is allowed)")
        return (values[0], *numbers)

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[Any, ...]) -> tuple[Any, Any]:
        session, high, low, close, volume = values
        price_volume, total_volume = 0.0, 0.0
        if state is not None and state[0] == session:
            _, price_volume, total_volume = state
        typical = (high + low + close) / 3.0
        price_volume += typical * volume
        total_volume += volume
        output = NAN
        if total_volume > 0.0 or total_volume != total_volume:
            output = price_volume / total_volume
        return (session, price_volume, total_volume), output


class ADR(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.korean.adr`; inputs ``(advances, declines)``: the bar's
    counts of rising and falling instruments."""

    inputs = ("advances", "declines")

    def __init__(self, timeperiod: int = 20) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 1)
        super().__init__()

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        advances, declines = values
        if state is None:
            if has_nan(values):
                return None, NAN
            state = ((), 0.0, 0.0)
        history, advance_sum, decline_sum = state
        advance_sum += advances
        decline_sum += declines
        history = (*history, values)
        if len(history) > self.timeperiod:
            advance_sum -= history[0][0]
            decline_sum -= history[0][1]
            history = history[1:]
        output = NAN
        if len(history) == self.timeperiod and decline_sum != 0.0:
            output = advance_sum / decline_sum * 100.0
        return (history, advance_sum, decline_sum), output
