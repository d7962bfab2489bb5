"""Volatility indicators with TA-Lib's names, parameters and results: ``atr``, ``natr``, ``trange``.

Every function accepts numpy arrays, pandas Series or sequences of numbers and returns the same
kind (a Series input gives a Series on the same index). Like the ``talib`` wrapper, leading bars
where any input is NaN are skipped and the warm-up starts at the first complete bar; NaN after
that propagates through the arithmetic exactly as in TA-Lib. ``inf``, mismatched lengths and bad
periods raise :class:`~yeouido.model.errors.IndicatorError`.

This module also holds the two numba helpers the other TA-Lib-style modules share:
:func:`first_complete_row` and :func:`true_range_of`.
"""

from __future__ import annotations

from typing import Any

import llvmlite.ir as llvm_ir  # type: ignore[import-untyped]
import numpy as np
from numba.core import cgutils, types
from numba.extending import intrinsic

from yeouido.ta._core import (
    ArrayLike,
    FloatArray,
    as_float_array,
    check_period,
    check_same_length,
    index_of,
    jit,
    wrap,
)

__all__ = [
    "atr",
    "first_complete_row",
    "fused_multiply_add",
    "natr",
    "trange",
    "true_range_of",
]

#: TA-Lib's ``TA_EPSILON``: the band of ``TA_IS_ZERO`` and the relative band of its scaled form.
ZERO_EPSILON = 0.00000000000001


def _fma_definition(typing_context: Any, first: Any, second: Any, third: Any) -> Any:
    """numba intrinsic: ``llvm.fma.f64`` on three float64 arguments."""
    signature = types.float64(types.float64, types.float64, types.float64)

    def generate(context: Any, builder: Any, _signature: Any, arguments: Any) -> Any:
        double = llvm_ir.DoubleType()
        function_type = llvm_ir.FunctionType(double, [double, double, double])
        insert: Any = cgutils.get_or_insert_function
        function = insert(builder.module, function_type, "llvm.fma.f64")
        return builder.call(function, arguments)

    return signature, generate


_llvm_fma: Any = intrinsic(_fma_definition)


@jit
def fused_multiply_add(first: float, second: float, third: float) -> float:
    """``first * second + third`` with a single rounding (IEEE fma).

    TA-Lib 0.8's library dispatches to FMA-contracted builds of ATR, NATR, SAR and ADOSC on
    CPUs that have FMA; using the same fused operation keeps results identical to it (and the
    streaming classes call this same compiled function, so they match the batch kernels bit
    for bit). Callable from Python as well as from kernels."""
    result: float = _llvm_fma(first, second, third)
    return result


@jit
def first_complete_row(
    first: FloatArray, second: FloatArray, third: FloatArray, fourth: FloatArray
) -> int:
    """Index of the first bar where none of the four inputs is NaN (``len`` when there is none).

    Pass the same array more than once for indicators with fewer inputs."""
    length = len(first)
    for position in range(length):
        if (
            first[position] == first[position]
            and second[position] == second[position]
            and third[position] == third[position]
            and fourth[position] == fourth[position]
        ):
            return position
    return length


@jit
def true_range_of(high: float, low: float, previous_close: float) -> float:
    """Wilder's true range: the largest of ``high - low``, ``|previous_close - high|`` and
    ``|previous_close - low|`` (compared in that order, as TA-Lib does)."""
    greatest = high - low
    candidate = abs(previous_close - high)
    if candidate > greatest:
        greatest = candidate
    candidate = abs(previous_close - low)
    if candidate > greatest:
        greatest = candidate
    return greatest


@jit
def _trange_kernel(high: FloatArray, low: FloatArray, close: FloatArray) -> FloatArray:
    length = len(high)
    output = np.full(length, np.nan)
    start = first_complete_row(high, low, close, close)
    for today in range(start + 1, length):
        output[today] = true_range_of(high[today], low[today], close[today - 1])
    return output


@jit
def _atr_kernel(
    high: FloatArray, low: FloatArray, close: FloatArray, period: int, normalized: bool
) -> FloatArray:
    length = len(high)
    output = np.full(length, np.nan)
    start = first_complete_row(high, low, close, close)
    if period <= 1:
        for today in range(start + 1, length):
            output[today] = true_range_of(high[today], low[today], close[today - 1])
        return output
    first_output = start + period
    if first_output >= length:
        return output
    decay = (period - 1) / period
    weight = 1.0 - decay
    total = 0.0
    for today in range(start + 1, first_output + 1):
        total += true_range_of(high[today], low[today], close[today - 1])
    average = total / period
    for today in range(first_output, length):
        if today > first_output:
            bar_range = true_range_of(high[today], low[today], close[today - 1])
            average = fused_multiply_add(average, decay, bar_range * weight)
        if normalized:
            divisor = close[today]
            if -ZERO_EPSILON < divisor < ZERO_EPSILON:
                output[today] = 0.0
            else:
                output[today] = (average / divisor) * 100.0
        else:
            output[today] = average
    return output


def trange(high: ArrayLike, low: ArrayLike, close: ArrayLike) -> FloatArray:
    """True range (TA-Lib ``TRANGE``): ``max(high - low, |high - prev close|, |low - prev
    close|)``.

    The first complete bar has no previous close and is NaN (lookback 1). Returns an array, or
    a Series when an input is a Series."""
    index = index_of(high, low, close)
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    close_values = as_float_array(close, "close")
    check_same_length(high=high_values, low=low_values, close=close_values)
    result: FloatArray = wrap(_trange_kernel(high_values, low_values, close_values), index)
    return result


def atr(high: ArrayLike, low: ArrayLike, close: ArrayLike, timeperiod: int = 14) -> FloatArray:
    """Average true range (TA-Lib ``ATR``), Wilder's smoothing of :func:`trange`.

    The first value, at bar ``timeperiod``, is the plain mean of the first ``timeperiod`` true
    ranges; then ``atr = previous * (n - 1) / n + true_range * (1 - (n - 1) / n)`` (computed
    with TA-Lib 0.8's fused multiply-add). With
    ``timeperiod == 1`` it is the true range itself. ``timeperiod >= 1``; the first
    ``timeperiod`` bars (after any leading NaN bars) are NaN."""
    return _average_true_range(high, low, close, timeperiod, normalized=False)


def natr(high: ArrayLike, low: ArrayLike, close: ArrayLike, timeperiod: int = 14) -> FloatArray:
    """Normalized average true range (TA-Lib ``NATR``): ``atr / close * 100``.

    Zero when ``|close| < 1e-14``. As in TA-Lib, ``timeperiod == 1`` returns the raw true range
    (not normalized). ``timeperiod >= 1``; warm-up as :func:`atr`."""
    return _average_true_range(high, low, close, timeperiod, normalized=True)


def _average_true_range(
    high: ArrayLike, low: ArrayLike, close: ArrayLike, timeperiod: int, *, normalized: bool
) -> FloatArray:
    index = index_of(high, low, close)
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    close_values = as_float_array(close, "close")
    check_same_length(high=high_values, low=low_values, close=close_values)
    period = check_period("timeperiod", timeperiod, 1)
    output = _atr_kernel(high_values, low_values, close_values, period, normalized)
    result: FloatArray = wrap(output, index)
    return result
