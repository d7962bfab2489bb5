"""Chart signals: crossovers, threshold crosses and band breaks, in batch and streaming form.

Batch functions take arrays / Series / sequences and return ``int8`` arrays (a Series of int8
on the same index for Series input): ``+1`` for an upward event (golden cross, crossing up
through a level, closing above the upper band), ``-1`` for a downward one (dead cross,
crossing down, closing below the lower band), ``0`` otherwise. Bar 0 never signals, and a
NaN among the values a bar's rule compares never signals.

A cross needs the previous bar on one side (or touching) and the current bar strictly on the
other: up at ``t`` when ``a[t-1] <= b[t-1]`` and ``a[t] > b[t]``; down when ``a[t-1] >=
b[t-1]`` and ``a[t] < b[t]``.

Streaming detectors take one bar at a time: ``update(*values, time=...)`` commits the bar and
returns a :class:`Signal` or ``None``; ``update_last(...)`` returns what ``update`` would,
without committing (the still-forming bar). Their events equal the batch signals exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from yeouido.model.errors import IndicatorError
from yeouido.ta._core import (
    ArrayLike,
    FloatArray,
    as_float_array,
    check_number,
    check_same_length,
    index_of,
    jit,
)

__all__ = [
    "BandBreakDetector",
    "BandReentryDetector",
    "CrossoverDetector",
    "Signal",
    "ThresholdCrossDetector",
    "band_break",
    "band_reentry",
    "cross_above",
    "cross_below",
    "crossover",
    "threshold_cross",
]

SignalArray = npt.NDArray[np.int8]


@dataclass(frozen=True, slots=True)
class Signal:
    """One chart event: when (any timestamp the caller passed), what (``"golden_cross"`` …)
    and which way (``"up"`` or ``"down"``)."""

    time: Any
    name: str
    direction: Literal["up", "down"]


def cross_direction(previous_a: float, previous_b: float, a: float, b: float) -> int:
    """``+1`` when ``a`` crosses above ``b`` between two bars, ``-1`` below, else ``0``
    (NaN compares false, so never signals)."""
    if previous_a <= previous_b and a > b:
        return 1
    if previous_a >= previous_b and a < b:
        return -1
    return 0


_cross_direction_kernel = jit(cross_direction)


@jit
def _crossover_kernel(first: FloatArray, second: FloatArray) -> SignalArray:
    length = len(first)
    output = np.zeros(length, dtype=np.int8)
    for today in range(1, length):
        output[today] = _cross_direction_kernel(
            first[today - 1], second[today - 1], first[today], second[today]
        )
    return output


@jit
def _band_kernel(
    close: FloatArray, upper: FloatArray, lower: FloatArray, reentry: bool
) -> SignalArray:
    length = len(close)
    output = np.zeros(length, dtype=np.int8)
    for today in range(1, length):
        output[today] = _band_direction_kernel(
            close[today - 1],
            upper[today - 1],
            lower[today - 1],
            close[today],
            upper[today],
            lower[today],
            reentry,
        )
    return output


def band_direction(
    previous_close: float,
    previous_upper: float,
    previous_lower: float,
    close: float,
    upper: float,
    lower: float,
    reentry: bool,
) -> int:
    """One bar of :func:`band_break` (``reentry=False``) or :func:`band_reentry`."""
    if reentry:
        # Back inside: from below the lower band (+1) or from above the upper band (-1).
        if previous_close < previous_lower and close >= lower:
            return 1
        if previous_close > previous_upper and close <= upper:
            return -1
        return 0
    if previous_close <= previous_upper and close > upper:
        return 1
    if previous_close >= previous_lower and close < lower:
        return -1
    return 0


_band_direction_kernel = jit(band_direction)


def _wrap_signals(result: SignalArray, index: Any) -> Any:
    if index is None:
        return result
    return pd.Series(result, index=index, dtype=np.int8)


def crossover(a: ArrayLike, b: ArrayLike) -> Any:
    """Golden (+1) and dead (-1) crosses of series ``a`` against series ``b`` (e.g. a fast and
    a slow moving average, or an indicator and its signal line)."""
    index = index_of(a, b)
    first = as_float_array(a, "a")
    second = as_float_array(b, "b")
    check_same_length(a=first, b=second)
    return _wrap_signals(_crossover_kernel(first, second), index)


def cross_above(a: ArrayLike, b: ArrayLike) -> Any:
    """Only the upward crosses of :func:`crossover` (+1), 0 elsewhere."""
    signals = crossover(a, b)
    return signals * (signals > 0).astype(np.int8)


def cross_below(a: ArrayLike, b: ArrayLike) -> Any:
    """Only the downward crosses of :func:`crossover` (-1), 0 elsewhere."""
    signals = crossover(a, b)
    return signals * (signals < 0).astype(np.int8)


def threshold_cross(series: ArrayLike, level: float) -> Any:
    """Crosses of ``series`` through a fixed ``level`` (e.g. RSI through 30 or 70): +1 when it
    rises through it, -1 when it falls through it."""
    index = index_of(series)
    values = as_float_array(series, "series")
    threshold = check_number("level", level)
    line = np.full(len(values), threshold)
    return _wrap_signals(_crossover_kernel(values, line), index)


def _band_inputs(
    close: ArrayLike, upper: ArrayLike, lower: ArrayLike
) -> tuple[Any, FloatArray, FloatArray, FloatArray]:
    index = index_of(close, upper, lower)
    close_values = as_float_array(close, "close")
    upper_values = as_float_array(upper, "upper")
    lower_values = as_float_array(lower, "lower")
    check_same_length(close=close_values, upper=upper_values, lower=lower_values)
    return index, close_values, upper_values, lower_values


def band_break(close: ArrayLike, upper: ArrayLike, lower: ArrayLike) -> Any:
    """Band breaks: +1 when the close moves above the upper band (``close[t-1] <= upper[t-1]``
    and ``close[t] > upper[t]``), -1 when it moves below the lower band."""
    index, close_values, upper_values, lower_values = _band_inputs(close, upper, lower)
    return _wrap_signals(_band_kernel(close_values, upper_values, lower_values, False), index)


def band_reentry(close: ArrayLike, upper: ArrayLike, lower: ArrayLike) -> Any:
    """Back inside the bands: +1 when a close below the lower band returns to ``>= lower``, -1
    when a close above the upper band returns to ``<= upper``."""
    index, close_values, upper_values, lower_values = _band_inputs(close, upper, lower)
    return _wrap_signals(_band_kernel(close_values, upper_values, lower_values, True), index)


class _Detector:
    """Commit / preview plumbing shared by the streaming detectors: the state is the previous
    bar's values."""

    arity = 2

    def __init__(self, up_name: str, down_name: str) -> None:
        self.up_name = up_name
        self.down_name = down_name
        self._previous: tuple[float, ...] | None = None

    def _direction(self, previous: tuple[float, ...], current: tuple[float, ...]) -> int:
        raise NotImplementedError

    def _check(self, values: tuple[float, ...]) -> tuple[float, ...]:
        if len(values) != self.arity:
            raise IndicatorError.for_field(
                "values", len(values), f"{type(self).__name__} takes {self.arity} values"
            )
        converted = tuple(float(value) for value in values)
        if any(math.isinf(value) for value in converted):
            raise IndicatorError.for_field("values", converted, "must be finite (NaN is allowed)")
        return converted

    def _event(self, current: tuple[float, ...], time: Any) -> Signal | None:
        if self._previous is None:
            return None
        direction = self._direction(self._previous, current)
        if direction > 0:
            return Signal(time, self.up_name, "up")
        if direction < 0:
            return Signal(time, self.down_name, "down")
        return None

    def update(self, *values: float, time: Any = None) -> Signal | None:
        """Commit one bar; return its event or ``None``."""
        current = self._check(values)
        event = self._event(current, time)
        self._previous = current
        return event

    def update_last(self, *values: float, time: Any = None) -> Signal | None:
        """The event the still-forming bar would give, without committing it."""
        return self._event(self._check(values), time)

    def reset(self) -> None:
        """Forget every committed bar."""
        self._previous = None


class CrossoverDetector(_Detector):
    """Streaming :func:`crossover`: ``update(a, b, time=...)``; events named ``up_name``
    (default ``"golden_cross"``) and ``down_name`` (``"dead_cross"``)."""

    arity = 2

    def __init__(self, up_name: str = "golden_cross", down_name: str = "dead_cross") -> None:
        super().__init__(up_name, down_name)

    def _direction(self, previous: tuple[float, ...], current: tuple[float, ...]) -> int:
        return cross_direction(previous[0], previous[1], current[0], current[1])


class ThresholdCrossDetector(_Detector):
    """Streaming :func:`threshold_cross`: ``update(value, time=...)``."""

    arity = 1

    def __init__(
        self, level: float, up_name: str = "cross_up", down_name: str = "cross_down"
    ) -> None:
        self.level = check_number("level", level)
        super().__init__(up_name, down_name)

    def _direction(self, previous: tuple[float, ...], current: tuple[float, ...]) -> int:
        return cross_direction(previous[0], self.level, current[0], self.level)


class BandBreakDetector(_Detector):
    """Streaming :func:`band_break`: ``update(close, upper, lower, time=...)``."""

    arity = 3
    _reentry = False

    def __init__(
        self, up_name: str = "upper_band_break", down_name: str = "lower_band_break"
    ) -> None:
        super().__init__(up_name, down_name)

    def _direction(self, previous: tuple[float, ...], current: tuple[float, ...]) -> int:
        return band_direction(
            previous[0], previous[1], previous[2], current[0], current[1], current[2], self._reentry
        )


class BandReentryDetector(BandBreakDetector):
    """Streaming :func:`band_reentry`: ``update(close, upper, lower, time=...)``."""

    _reentry = True

    def __init__(
        self, up_name: str = "lower_band_reentry", down_name: str = "upper_band_reentry"
    ) -> None:
        super().__init__(up_name, down_name)
