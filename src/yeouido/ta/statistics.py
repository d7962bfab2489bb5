"""Statistic functions with TA-Lib's names, parameters, defaults and numbers.

Like the ``talib`` wrapper, leading NaNs are skipped (the output is NaN up to the first valid
input plus the lookback) and later NaNs propagate. ``inf``, non-numeric input and bad
parameters raise :class:`~yeouido.model.errors.IndicatorError`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from yeouido.ta._core import (
    ArrayLike,
    FloatArray,
    check_number,
    ieee_jit,
    index_of,
    inf_reported_first,
    jit,
    raise_if_inf,
    to_float_array,
    wrap,
)
from yeouido.ta.overlap import (
    ZERO_THRESHOLD,
    _first_valid,
    _output,
    as_float_array,
    checked_period,
)


@jit
def _linearreg(values: FloatArray, start: int, period: int) -> FloatArray:
    """Least-squares line over the last ``period`` bars, evaluated at the newest bar.

    O(n): ``sum_y`` and ``sum_xy`` (x = bars back from the newest) are summed once over the
    first window, then slid: every value ages by one bar, so ``sum_xy`` gains ``sum_y`` and
    loses ``period`` times the leaving value. On prices with few significant digits (such as
    KRX integer prices) the sums are exact; otherwise they agree with TA-Lib's to ~1e-13.
    The streaming ``LINEARREG`` performs the same operations.
    """
    length = values.shape[0]
    first = start + period - 1
    out = _output(length, first)
    if first >= length:
        return out
    sum_x = period * (period - 1) * 0.5
    sum_x_squared = float(period * (period - 1) * (2 * period - 1) // 6)
    divisor = sum_x * sum_x - period * sum_x_squared
    sum_xy = 0.0
    sum_y = 0.0
    for back in range(period - 1, -1, -1):
        value = values[first - back]
        sum_y += value
        sum_xy += back * value
    for index in range(first, length):
        if index > first:
            leaving = values[index - period]
            sum_xy += sum_y
            sum_xy -= period * leaving
            sum_y -= leaving
            sum_y += values[index]
        slope = (period * sum_xy - sum_x * sum_y) / divisor
        intercept = (sum_y - slope * sum_x) / period
        out[index] = intercept + slope * (period - 1)
    return out


@ieee_jit
def _stddev(
    values: FloatArray, start: int, period: int, deviations: float, out: FloatArray
) -> bool:
    """Fill ``out`` (allocated by the caller) with STDDEV: the variance from the running sums
    of :func:`yeouido.ta.overlap._variance`, then its scaled square root. Return
    whether any value is ±inf, looked for in the same pass so a call reads its input once."""
    length = values.shape[0]
    first = min(start + period - 1, length)
    found = False
    for index in range(first):
        out[index] = math.nan
    total = 0.0
    total_squares = 0.0
    for index in range(start, first):
        value = values[index]
        found |= abs(value) == math.inf
        total += value
        total_squares += value * value
    for index in range(first, length):
        value = values[index]
        found |= abs(value) == math.inf
        total += value
        total_squares += value * value
        mean = total / period
        mean_squares = total_squares / period
        leaving = values[index - period + 1]
        total -= leaving
        total_squares -= leaving * leaving
        out[index] = mean_squares - mean * mean
    _scaled_roots(out[first:], deviations)
    return found


@ieee_jit
def _scaled_roots(variances: FloatArray, deviations: float) -> None:
    """Replace each variance by its square root times ``deviations`` (0 below
    ``ZERO_THRESHOLD``), in place.

    A pass of its own over a slice, free of the running sums' dependency chain, so the
    compiler vectorises it; both arms are computed and one selected (the square root of a
    negative variance is NaN under the numpy error model and never selected). Fused into the
    sums' loop, the scalar square roots made STDDEV about 1.6 times TA-Lib's time."""
    for index in range(variances.shape[0]):
        variance = variances[index]
        scaled = math.sqrt(variance) * deviations
        variances[index] = 0.0 if variance < ZERO_THRESHOLD else scaled


def linearreg(real: ArrayLike, timeperiod: int = 14) -> Any:
    """Linear regression value at the newest bar, equal to ``talib.LINEARREG``.

    Fits a least-squares line to the last ``timeperiod`` (2..100000) values and returns its
    value at the last bar; lookback ``timeperiod - 1``. Bad input raises IndicatorError.
    """
    values = as_float_array(real, "real")
    period = checked_period("timeperiod", timeperiod, 2)
    return wrap(_linearreg(values, _first_valid(values), period), index_of(real))


def stddev(real: ArrayLike, timeperiod: int = 5, nbdev: float = 1.0) -> Any:
    """Population standard deviation times ``nbdev``, equal to ``talib.STDDEV``.

    Over ``timeperiod`` (2..100000) values, from running sums as TA-Lib does; a variance below
    1e-8 gives 0. Lookback ``timeperiod - 1``. Bad input raises IndicatorError.
    """
    values = to_float_array(real, "real")
    with inf_reported_first(real=values):
        period = checked_period("timeperiod", timeperiod, 2)
        deviations = check_number("nbdev", nbdev)
    out = np.empty(values.shape[0])
    if _stddev(values, _first_valid(values), period, deviations, out):
        raise_if_inf(real=values)
    return wrap(out, index_of(real))
