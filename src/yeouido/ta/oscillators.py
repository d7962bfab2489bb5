"""Oscillators with TA-Lib's names, parameters and results: ``ultosc`` and ``bop``.

Inputs are numpy arrays, pandas Series or sequences of numbers; the output has the same kind.
Leading bars where any input is NaN are skipped as the ``talib`` wrapper does; later NaN
propagates. ``inf``, mismatched lengths and bad periods raise
:class:`~yeouido.model.errors.IndicatorError`.
"""

from __future__ import annotations

import numpy as np

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
from yeouido.ta.volatility import ZERO_EPSILON, first_complete_row, true_range_of

__all__ = ["bop", "sorted_periods", "ultosc"]


@jit
def _bop_kernel(
    open_: FloatArray, high: FloatArray, low: FloatArray, close: FloatArray
) -> FloatArray:
    length = len(open_)
    output = np.full(length, np.nan)
    start = first_complete_row(open_, high, low, close)
    for today in range(start, length):
        spread = high[today] - low[today]
        if spread < ZERO_EPSILON:
            output[today] = 0.0
        else:
            output[today] = (close[today] - open_[today]) / spread
    return output


def bop(open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike) -> FloatArray:
    """Balance of power (TA-Lib ``BOP``): ``(close - open) / (high - low)``, 0 when ``high -
    low < 1e-14``. No warm-up."""
    index = index_of(open, high, low, close)
    open_values = as_float_array(open, "open")
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    close_values = as_float_array(close, "close")
    check_same_length(open=open_values, high=high_values, low=low_values, close=close_values)
    output = _bop_kernel(open_values, high_values, low_values, close_values)
    result: FloatArray = wrap(output, index)
    return result


def sorted_periods(first: int, second: int, third: int) -> tuple[int, int, int]:
    """The three ULTOSC periods shortest first, as TA-Lib reorders them before weighting."""
    ordered = sorted((first, second, third))
    return ordered[0], ordered[1], ordered[2]


@jit
def buying_pressure_of(low: float, close: float, previous_close: float) -> float:
    """``close - min(low, previous_close)``, the ULTOSC buying pressure of one bar."""
    true_low = low if low < previous_close else previous_close
    return close - true_low


@jit
def _ultosc_kernel(
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    short: int,
    middle: int,
    long: int,
) -> FloatArray:
    length = len(high)
    output = np.full(length, np.nan)
    start = first_complete_row(high, low, close, close)
    first_output = start + long
    if first_output >= length:
        return output
    pressure = np.empty(length)
    ranges = np.empty(length)
    for today in range(start + 1, length):
        pressure[today] = buying_pressure_of(low[today], close[today], close[today - 1])
        ranges[today] = true_range_of(high[today], low[today], close[today - 1])
    short_pressure = 0.0
    short_range = 0.0
    middle_pressure = 0.0
    middle_range = 0.0
    long_pressure = 0.0
    long_range = 0.0
    for today in range(first_output - short + 1, first_output):
        short_pressure += pressure[today]
        short_range += ranges[today]
    for today in range(first_output - middle + 1, first_output):
        middle_pressure += pressure[today]
        middle_range += ranges[today]
    for today in range(first_output - long + 1, first_output):
        long_pressure += pressure[today]
        long_range += ranges[today]
    for today in range(first_output, length):
        short_pressure += pressure[today]
        middle_pressure += pressure[today]
        long_pressure += pressure[today]
        short_range += ranges[today]
        middle_range += ranges[today]
        long_range += ranges[today]
        value = 0.0
        if not (-ZERO_EPSILON < short_range < ZERO_EPSILON):
            value += 4.0 * (short_pressure / short_range)
        if not (-ZERO_EPSILON < middle_range < ZERO_EPSILON):
            value += 2.0 * (middle_pressure / middle_range)
        if not (-ZERO_EPSILON < long_range < ZERO_EPSILON):
            value += long_pressure / long_range
        short_pressure -= pressure[today - short + 1]
        short_range -= ranges[today - short + 1]
        middle_pressure -= pressure[today - middle + 1]
        middle_range -= ranges[today - middle + 1]
        long_pressure -= pressure[today - long + 1]
        long_range -= ranges[today - long + 1]
        output[today] = 100.0 * (value / 7.0)
    return output


def ultosc(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    timeperiod1: int = 7,
    timeperiod2: int = 14,
    timeperiod3: int = 28,
) -> FloatArray:
    """Ultimate oscillator (TA-Lib ``ULTOSC``).

    With buying pressure ``close - min(low, previous close)`` and the true range, ``ultosc =
    100 * (4 * avg_short + 2 * avg_middle + avg_long) / 7`` where each ``avg`` is the ratio of
    the two sums over that many bars (a ratio is left out when its range sum is near zero).
    As in TA-Lib the periods are sorted first, so the shortest always gets weight 4. Each
    period ``>= 1``; the first ``max(periods)`` bars are NaN."""
    index = index_of(high, low, close)
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    close_values = as_float_array(close, "close")
    check_same_length(high=high_values, low=low_values, close=close_values)
    short, middle, long = sorted_periods(
        check_period("timeperiod1", timeperiod1, 1),
        check_period("timeperiod2", timeperiod2, 1),
        check_period("timeperiod3", timeperiod3, 1),
    )
    output = _ultosc_kernel(high_values, low_values, close_values, short, middle, long)
    result: FloatArray = wrap(output, index)
    return result
