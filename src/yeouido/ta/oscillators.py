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
    check_period,
    float_inputs,
    ieee_jit,
    index_of,
    inf_reported_first,
    raise_if_inf,
    wrap,
)
from yeouido.ta.volatility import (
    ZERO_EPSILON,
    any_inf,
    first_complete_row,
    not_finite,
    output_array,
    rows_have_inf,
    true_range_of,
)

__all__ = ["bop", "sorted_periods", "ultosc"]


@ieee_jit
def _bop_kernel(
    open_: FloatArray, high: FloatArray, low: FloatArray, close: FloatArray
) -> tuple[FloatArray, bool]:
    length = len(open_)
    start = first_complete_row(open_, high, low, close)
    output = output_array(length, start)
    found = rows_have_inf(open_, high, low, close, 0, start)
    # Unit-stride views from 0 let the compiler vectorise the loop.
    opens = open_[start:]
    highs = high[start:]
    lows = low[start:]
    closes = close[start:]
    balances = output[start:]
    for position in range(length - start):
        bar_open = opens[position]
        bar_high = highs[position]
        bar_low = lows[position]
        bar_close = closes[position]
        found |= any_inf(bar_open, bar_high, bar_low, bar_close)
        spread = bar_high - bar_low
        ratio = (bar_close - bar_open) / spread
        balances[position] = 0.0 if spread < ZERO_EPSILON else ratio
    return output, found


def bop(open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike) -> FloatArray:
    """Balance of power (TA-Lib ``BOP``): ``(close - open) / (high - low)``, 0 when ``high -
    low < 1e-14``. No warm-up."""
    index = index_of(open, high, low, close)
    arrays = float_inputs(open=open, high=high, low=low, close=close)
    output, found = _bop_kernel(arrays[0], arrays[1], arrays[2], arrays[3])
    if found:
        raise_if_inf(open=arrays[0], high=arrays[1], low=arrays[2], close=arrays[3])
    result: FloatArray = wrap(output, index)
    return result


def sorted_periods(first: int, second: int, third: int) -> tuple[int, int, int]:
    """The three ULTOSC periods shortest first, as TA-Lib reorders them before weighting."""
    ordered = sorted((first, second, third))
    return ordered[0], ordered[1], ordered[2]


@ieee_jit
def buying_pressure_of(low: float, close: float, previous_close: float) -> float:
    """``close - min(low, previous_close)``, the ULTOSC buying pressure of one bar."""
    true_low = low if low < previous_close else previous_close
    return close - true_low


@ieee_jit
def _ultosc_terms(
    high: FloatArray, low: FloatArray, close: FloatArray, today: int
) -> tuple[float, float]:
    """Bar ``today``'s buying pressure and true range (TA-Lib's ``CALC_TERMS``)."""
    previous_close = close[today - 1]
    bar_low = low[today]
    pressure = buying_pressure_of(bar_low, close[today], previous_close)
    return pressure, true_range_of(high[today], bar_low, previous_close)


@ieee_jit
def _ultosc_kernel(
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    short: int,
    middle: int,
    long: int,
) -> tuple[FloatArray, bool]:
    length = len(high)
    start = first_complete_row(high, low, close, close)
    first_output = start + long
    output = output_array(length, first_output)
    if first_output >= length:
        return output, rows_have_inf(high, low, close, close, 0, length)
    # Each bar's terms are computed once and kept in a ring of the last ``long`` bars, from
    # which the trailing bars' terms are subtracted (TA-Lib recomputes them: same values).
    pressures = np.empty(long)
    ranges = np.empty(long)
    short_pressure = 0.0
    short_range = 0.0
    middle_pressure = 0.0
    middle_range = 0.0
    long_pressure = 0.0
    long_range = 0.0
    for slot in range(long - 1):
        pressure, bar_range = _ultosc_terms(high, low, close, start + 1 + slot)
        pressures[slot] = pressure
        ranges[slot] = bar_range
        if slot >= long - short:
            short_pressure += pressure
            short_range += bar_range
        if slot >= long - middle:
            middle_pressure += pressure
            middle_range += bar_range
        long_pressure += pressure
        long_range += bar_range
    newest = long - 1
    short_slot = long - short
    middle_slot = long - middle
    long_slot = 0
    highs = high[first_output:]
    lows = low[first_output:]
    closes = close[first_output:]
    previous_closes = close[first_output - 1 : length - 1]
    outputs = output[first_output:]
    for position in range(length - first_output):
        previous_close = previous_closes[position]
        bar_low = lows[position]
        pressure = buying_pressure_of(bar_low, closes[position], previous_close)
        bar_range = true_range_of(highs[position], bar_low, previous_close)
        pressures[newest] = pressure
        ranges[newest] = bar_range
        short_pressure += pressure
        middle_pressure += pressure
        long_pressure += pressure
        short_range += bar_range
        middle_range += bar_range
        long_range += bar_range
        value = 0.0
        if not (-ZERO_EPSILON < short_range < ZERO_EPSILON):
            value += 4.0 * (short_pressure / short_range)
        if not (-ZERO_EPSILON < middle_range < ZERO_EPSILON):
            value += 2.0 * (middle_pressure / middle_range)
        if not (-ZERO_EPSILON < long_range < ZERO_EPSILON):
            value += long_pressure / long_range
        short_pressure -= pressures[short_slot]
        short_range -= ranges[short_slot]
        middle_pressure -= pressures[middle_slot]
        middle_range -= ranges[middle_slot]
        long_pressure -= pressures[long_slot]
        long_range -= ranges[long_slot]
        outputs[position] = 100.0 * (value / 7.0)
        newest = newest + 1 if newest + 1 < long else 0
        short_slot = short_slot + 1 if short_slot + 1 < long else 0
        middle_slot = middle_slot + 1 if middle_slot + 1 < long else 0
        long_slot = long_slot + 1 if long_slot + 1 < long else 0
    # The long sums saw every bar from start + 1 (a true range or buying pressure is not
    # finite when one of its inputs is inf); bar ``start`` gave only its close.
    found = (
        not_finite(long_range)
        or not_finite(long_pressure)
        or rows_have_inf(high, low, close, close, 0, start + 1)
    )
    return output, found


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
    high_values, low_values, close_values = float_inputs(high=high, low=low, close=close)
    with inf_reported_first(high=high_values, low=low_values, close=close_values):
        short, middle, long = sorted_periods(
            check_period("timeperiod1", timeperiod1, 1),
            check_period("timeperiod2", timeperiod2, 1),
            check_period("timeperiod3", timeperiod3, 1),
        )
    output, found = _ultosc_kernel(high_values, low_values, close_values, short, middle, long)
    if found:
        raise_if_inf(high=high_values, low=low_values, close=close_values)
    result: FloatArray = wrap(output, index)
    return result
