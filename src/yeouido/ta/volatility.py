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

import math
from typing import Any

import llvmlite.ir as llvm_ir  # type: ignore[import-untyped]
import numpy as np
from numba.core import cgutils, types
from numba.extending import intrinsic

from yeouido.ta._core import (
    ArrayLike,
    FloatArray,
    check_period,
    float_inputs,
    ieee_jit,
    index_of,
    raise_if_inf,
    wrap,
)

__all__ = [
    "any_inf",
    "atr",
    "first_complete_row",
    "fused_multiply_add",
    "natr",
    "not_finite",
    "output_array",
    "rows_have_inf",
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


@ieee_jit
def fused_multiply_add(first: float, second: float, third: float) -> float:
    """``first * second + third`` with a single rounding (IEEE fma).

    TA-Lib 0.8's library dispatches to FMA-contracted builds of ATR, NATR, SAR and ADOSC on
    CPUs that have FMA; using the same fused operation keeps results identical to it (and the
    streaming classes call this same compiled function, so they match the batch kernels bit
    for bit). Callable from Python as well as from kernels."""
    result: float = _llvm_fma(first, second, third)
    return result


@ieee_jit
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


@ieee_jit
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


@ieee_jit
def any_inf(first: float, second: float, third: float, fourth: float) -> bool:
    """Whether any of four values is ``±inf`` (branch-free, so a kernel can fold it into its
    loop: the kernels look for inf in the same pass as their arithmetic and the wrapper
    raises with :func:`yeouido.ta._core.raise_if_inf` when they found one)."""
    return (
        (abs(first) == math.inf)
        | (abs(second) == math.inf)
        | (abs(third) == math.inf)
        | (abs(fourth) == math.inf)
    )


@ieee_jit
def rows_have_inf(
    first: FloatArray,
    second: FloatArray,
    third: FloatArray,
    fourth: FloatArray,
    begin: int,
    end: int,
) -> bool:
    """Whether any of the four inputs holds ``±inf`` in rows ``[begin, end)`` (clipped to the
    inputs' length): the rows a kernel's main loop does not visit."""
    found = False
    for position in range(max(begin, 0), min(end, len(first))):
        found |= any_inf(first[position], second[position], third[position], fourth[position])
    return found


@ieee_jit
def output_array(length: int, warm_up: int) -> FloatArray:
    """An uninitialised output of ``length`` with its first ``warm_up`` entries NaN (cheaper
    than ``np.full``: the kernel writes every later entry exactly once)."""
    output = np.empty(length)
    for position in range(min(warm_up, length)):
        output[position] = np.nan
    return output


@ieee_jit
def _trange_kernel(high: FloatArray, low: FloatArray, close: FloatArray) -> tuple[FloatArray, bool]:
    length = len(high)
    start = first_complete_row(high, low, close, close)
    output = output_array(length, start + 1)
    found = rows_have_inf(high, low, close, close, 0, start + 1)
    if start + 1 >= length:
        return output, found
    # Unit-stride views from 0 let the compiler vectorise the loop.
    highs = high[start + 1 :]
    lows = low[start + 1 :]
    closes = close[start + 1 :]
    previous_closes = close[start : length - 1]
    ranges = output[start + 1 :]
    for position in range(length - start - 1):
        bar_high = highs[position]
        bar_low = lows[position]
        previous_close = previous_closes[position]
        found |= any_inf(bar_high, bar_low, closes[position], 0.0)
        greatest = bar_high - bar_low
        candidate = abs(previous_close - bar_high)
        greatest = candidate if candidate > greatest else greatest
        candidate = abs(previous_close - bar_low)
        ranges[position] = candidate if candidate > greatest else greatest
    return output, found


@ieee_jit
def not_finite(value: float) -> bool:
    """Whether ``value`` is NaN or ``±inf``. A running sum or average that every input feeds
    ends not finite when any input was ``inf`` (inf stays inf or turns NaN, and both stick),
    so a kernel can test its final state instead of every input; a NaN input (allowed) makes
    that a false alarm, which the wrapper's full scan clears."""
    return not (abs(value) < math.inf)


@ieee_jit
def _atr_kernel(
    high: FloatArray, low: FloatArray, close: FloatArray, period: int, normalized: bool
) -> tuple[FloatArray, bool]:
    if period <= 1:
        return _trange_kernel(high, low, close)
    length = len(high)
    start = first_complete_row(high, low, close, close)
    first_output = start + period
    output = output_array(length, first_output)
    if first_output >= length:
        return output, rows_have_inf(high, low, close, close, 0, length)
    decay = (period - 1) / period
    weight = 1.0 - decay
    total = 0.0
    for today in range(start + 1, first_output + 1):
        total += true_range_of(high[today], low[today], close[today - 1])
    average = total / period
    highs = high[first_output:]
    lows = low[first_output:]
    closes = close[first_output:]
    previous_closes = close[first_output - 1 : length - 1]
    averages = output[first_output:]
    if normalized:
        averages[0] = _normalized(average, closes[0])
        for position in range(1, length - first_output):
            bar_range = true_range_of(highs[position], lows[position], previous_closes[position])
            average = fused_multiply_add(average, decay, bar_range * weight)
            averages[position] = _normalized(average, closes[position])
    else:
        averages[0] = average
        for position in range(1, length - first_output):
            bar_range = true_range_of(highs[position], lows[position], previous_closes[position])
            average = fused_multiply_add(average, decay, bar_range * weight)
            averages[position] = average
    # Every high and low from start + 1 and every close from start to the last but one fed
    # the average through its true range (non-finite whenever an input is inf).
    found = (
        not_finite(average)
        or rows_have_inf(high, low, close, close, 0, start + 1)
        or not_finite(close[length - 1])
    )
    return output, found


@ieee_jit
def _normalized(average: float, divisor: float) -> float:
    """NATR's ``average / close * 100``, 0 when ``|close| < 1e-14``."""
    if -ZERO_EPSILON < divisor < ZERO_EPSILON:
        return 0.0
    return (average / divisor) * 100.0


def trange(high: ArrayLike, low: ArrayLike, close: ArrayLike) -> FloatArray:
    """True range (TA-Lib ``TRANGE``): ``max(high - low, |high - prev close|, |low - prev
    close|)``.

    The first complete bar has no previous close and is NaN (lookback 1). Returns an array, or
    a Series when an input is a Series."""
    index = index_of(high, low, close)
    high_values, low_values, close_values = float_inputs(high=high, low=low, close=close)
    output, found = _trange_kernel(high_values, low_values, close_values)
    if found:
        raise_if_inf(high=high_values, low=low_values, close=close_values)
    result: FloatArray = wrap(output, index)
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
    high_values, low_values, close_values = float_inputs(high=high, low=low, close=close)
    period = check_period("timeperiod", timeperiod, 1)
    output, found = _atr_kernel(high_values, low_values, close_values, period, normalized)
    if found:
        raise_if_inf(high=high_values, low=low_values, close=close_values)
    result: FloatArray = wrap(output, index)
    return result
