"""Streaming forms of :mod:`yeouido.ta.volatility`: ``TRANGE``, ``ATR``, ``NATR``.

Each class takes the batch function's parameters, is fed one bar at a time with
:meth:`~yeouido.ta._core.StreamingIndicator.update` (inputs in the batch function's order) and
previews the still-forming bar with ``update_last``. After any sequence of updates the value
equals the batch function's value at that bar bit for bit: the step performs the same
floating-point operations in the same order as the batch kernel. Bars with a NaN input before
the first complete bar are skipped (NaN output), as the batch functions skip leading NaN.

This module also holds :class:`FastStreamingIndicator`, the base of every group-B streaming
class, and the pure-Python :func:`true_range` step they share.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from yeouido.ta._core import NAN, StreamingIndicator, check_period
from yeouido.ta.volatility import ZERO_EPSILON, fused_multiply_add

__all__ = ["ATR", "NATR", "TRANGE", "FastStreamingIndicator", "has_nan", "true_range"]

_INFINITY = math.inf
_NEGATIVE_INFINITY = -math.inf


class FastStreamingIndicator(StreamingIndicator):
    """:class:`~yeouido.ta._core.StreamingIndicator` with a quicker input check.

    Same rules (the right number of inputs, no ``inf``; NaN allowed); valid input takes one
    ``tuple(map(float, ...))`` and two containment tests, and anything else falls back to the
    base class check for its error message."""

    def _check(self, values: tuple[float, ...]) -> tuple[float, ...]:
        converted = tuple(map(float, values))
        if (
            len(converted) != len(self.inputs)
            or _INFINITY in converted
            or _NEGATIVE_INFINITY in converted
        ):
            return super()._check(values)
        return converted


class HighLowCloseIndicator(FastStreamingIndicator):
    """A fast streaming indicator of (high, low, close) whose subclass implements
    ``_advance(high, low, close, commit)``: one bar's output, committing state only when
    ``commit`` is true. The input check is inlined here for speed (one place, not per class)."""

    def update(self, *values: float) -> Any:
        """Commit one finished bar (inputs in ``self.inputs`` order) and return the output."""
        try:
            high, low, close = map(float, values)
        except (TypeError, ValueError):
            high, low, close = self._check(values)
        if high - high + low - low + close - close != 0.0:  # a NaN or an inf
            high, low, close = self._check(values)
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
        return self._advance(high, low, close, False)

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        clone = copy.deepcopy(self)
        return None, clone.update(*values)

    def _advance(self, high: float, low: float, close: float, commit: bool) -> Any:
        raise NotImplementedError


def has_nan(values: tuple[float, ...]) -> bool:
    """Whether any of one bar's inputs is NaN."""
    return any(value != value for value in values)


def true_range(high: float, low: float, previous_close: float) -> float:
    """The same true range, with the same comparisons, as
    :func:`yeouido.ta.volatility.true_range_of`, in plain Python."""
    greatest = high - low
    candidate = abs(previous_close - high)
    if candidate > greatest:
        greatest = candidate
    candidate = abs(previous_close - low)
    if candidate > greatest:
        greatest = candidate
    return greatest


class TRANGE(FastStreamingIndicator):
    """Streaming :func:`yeouido.ta.volatility.trange`; inputs ``(high, low, close)``."""

    inputs = ("high", "low", "close")

    def _initial_state(self) -> Any:
        return None

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        high, low, close = values
        if state is None:
            return (None if has_nan(values) else close), NAN
        return close, true_range(high, low, state)


class ATR(HighLowCloseIndicator):
    """Streaming :func:`yeouido.ta.volatility.atr`; inputs ``(high, low, close)``.

    The state lives in slots updated in place by :meth:`update`; :meth:`update_last` computes
    from them into locals and commits nothing (``_step`` keeps the base contract on a copy).
    The true range is inlined and the smoothing is one compiled fused multiply-add per bar."""

    __slots__ = ("_age", "_average", "_decay", "_previous_close", "_weight", "timeperiod")
    inputs = ("high", "low", "close")
    _normalized = False

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = check_period("timeperiod", timeperiod, 1)
        self._decay = (self.timeperiod - 1) / self.timeperiod
        self._weight = 1.0 - self._decay
        super().__init__()

    def _initial_state(self) -> Any:
        self._age = -1
        self._previous_close = NAN
        self._average = 0.0
        return None

    def _advance(self, high: float, low: float, close: float, commit: bool) -> float:
        age = self._age
        if age < 0:
            if commit and high == high and low == low and close == close:
                self._age = 0
                self._previous_close = close
            return NAN
        previous_close = self._previous_close
        bar_range = high - low
        candidate = abs(previous_close - high)
        if candidate > bar_range:
            bar_range = candidate
        candidate = abs(previous_close - low)
        if candidate > bar_range:
            bar_range = candidate
        age += 1
        period = self.timeperiod
        average = self._average
        if period <= 1:
            output = bar_range
        elif age < period:
            average += bar_range
            output = NAN
        else:
            if age == period:
                average = (average + bar_range) / period
            else:
                average = fused_multiply_add(average, self._decay, bar_range * self._weight)
            if not self._normalized:
                output = average
            elif -ZERO_EPSILON < close < ZERO_EPSILON:
                output = 0.0
            else:
                output = (average / close) * 100.0
        if commit:
            self._age = age
            self._previous_close = close
            self._average = average
        return output


class NATR(ATR):
    """Streaming :func:`yeouido.ta.volatility.natr`; inputs ``(high, low, close)``."""

    _normalized = True
