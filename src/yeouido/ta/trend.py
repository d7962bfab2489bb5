"""Trend indicators with TA-Lib's names, parameters and results: the directional movement family
(``plus_di``, ``minus_di``, ``dx``, ``adx``, ``adxr``), parabolic ``sar`` and ``aroon``.

Inputs are numpy arrays, pandas Series or sequences of numbers; the output has the same kind.
Leading bars where any input is NaN are skipped as the ``talib`` wrapper does; later NaN
propagates. ``inf``, mismatched lengths and bad parameters raise
:class:`~yeouido.model.errors.IndicatorError`.

Directional movement, as TA-Lib computes it: for each bar ``up = high - previous high`` and
``down = previous low - low``; ``+DM = up`` when ``up > 0`` and ``up > down`` (else 0), ``-DM =
down`` when ``down > 0`` and ``down > up`` (else 0). The first ``timeperiod - 1`` bars after the
first complete bar are summed, then every bar applies Wilder's smoothing ``s = s - s / n + x``
to +DM, -DM and the true range, so the first value appears at bar ``timeperiod``.
"""

from __future__ import annotations

import numpy as np

from yeouido.ta._core import (
    ArrayLike,
    FloatArray,
    as_float_array,
    check_number,
    check_period,
    check_same_length,
    index_of,
    jit,
    wrap,
)
from yeouido.ta.volatility import (
    ZERO_EPSILON,
    first_complete_row,
    fused_multiply_add,
    true_range_of,
)

__all__ = ["adx", "adxr", "aroon", "dx", "minus_di", "plus_di", "sar"]

#: Which directional-movement output the shared kernel produces.
PLUS_DI, MINUS_DI, DX, ADX = 0, 1, 2, 3


@jit
def _is_zero(value: float) -> bool:
    return -ZERO_EPSILON < value < ZERO_EPSILON


@jit
def _directional_kernel(
    high: FloatArray, low: FloatArray, close: FloatArray, period: int, kind: int
) -> FloatArray:
    length = len(high)
    output = np.full(length, np.nan)
    start = first_complete_row(high, low, close, close)
    if start >= length:
        return output
    previous_high = high[start]
    previous_low = low[start]
    previous_close = close[start]
    plus_dm = 0.0
    minus_dm = 0.0
    true_range = 0.0
    sum_dx = 0.0
    average_dx = 0.0
    last_dx = 0.0
    for today in range(start + 1, length):
        age = today - start
        up_move = high[today] - previous_high
        down_move = previous_low - low[today]
        previous_high = high[today]
        previous_low = low[today]
        bar_range = true_range_of(previous_high, previous_low, previous_close)
        previous_close = close[today]
        if period <= 1:
            # TA-Lib's unsmoothed single-bar DI is a fraction, not a percentage.
            movement = 0.0
            if kind == PLUS_DI and up_move > 0 and up_move > down_move:
                movement = up_move
            elif kind == MINUS_DI and down_move > 0 and up_move < down_move:
                movement = down_move
            if movement == 0.0 or _is_zero(bar_range):
                output[today] = 0.0
            else:
                output[today] = movement / bar_range
            continue
        if age < period:
            if down_move > 0 and up_move < down_move:
                minus_dm += down_move
            elif up_move > 0 and up_move > down_move:
                plus_dm += up_move
            true_range += bar_range
            continue
        minus_dm = minus_dm - minus_dm / period
        plus_dm = plus_dm - plus_dm / period
        if down_move > 0 and up_move < down_move:
            minus_dm = minus_dm + down_move
        elif up_move > 0 and up_move > down_move:
            plus_dm = plus_dm + up_move
        true_range = true_range - true_range / period + bar_range
        if kind in (PLUS_DI, MINUS_DI):
            if _is_zero(true_range):
                output[today] = 0.0
            elif kind == PLUS_DI:
                output[today] = 100.0 * (plus_dm / true_range)
            else:
                output[today] = 100.0 * (minus_dm / true_range)
            continue
        has_dx = False
        bar_dx = 0.0
        if not _is_zero(true_range):
            minus_di = 100.0 * (minus_dm / true_range)
            plus_di = 100.0 * (plus_dm / true_range)
            di_sum = minus_di + plus_di
            if not _is_zero(di_sum):
                has_dx = True
                bar_dx = 100.0 * (abs(minus_di - plus_di) / di_sum)
        if kind == DX:
            if has_dx:
                last_dx = bar_dx
            elif age == period:
                last_dx = 0.0
            output[today] = last_dx
            continue
        if age < 2 * period - 1:
            if has_dx:
                sum_dx += bar_dx
        elif age == 2 * period - 1:
            if has_dx:
                sum_dx += bar_dx
            average_dx = sum_dx / period
            output[today] = average_dx
        else:
            if has_dx:
                average_dx = ((average_dx * (period - 1)) + bar_dx) / period
            output[today] = average_dx
    return output


@jit
def _adxr_kernel(adx_values: FloatArray, period: int) -> FloatArray:
    length = len(adx_values)
    output = np.full(length, np.nan)
    for today in range(period - 1, length):
        current = adx_values[today]
        earlier = adx_values[today - (period - 1)]
        if current == current and earlier == earlier:
            output[today] = (current + earlier) / 2.0
    return output


def _directional(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    timeperiod: int,
    kind: int,
    minimum: int,
) -> FloatArray:
    index = index_of(high, low, close)
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    close_values = as_float_array(close, "close")
    check_same_length(high=high_values, low=low_values, close=close_values)
    period = check_period("timeperiod", timeperiod, minimum)
    output = _directional_kernel(high_values, low_values, close_values, period, kind)
    result: FloatArray = wrap(output, index)
    return result


def plus_di(high: ArrayLike, low: ArrayLike, close: ArrayLike, timeperiod: int = 14) -> FloatArray:
    """Plus directional indicator (TA-Lib ``PLUS_DI``): ``100 * smoothed +DM / smoothed TR``.

    ``timeperiod >= 1``; the first ``timeperiod`` bars are NaN; 0 where the smoothed true range
    is (near) zero. As in TA-Lib, ``timeperiod == 1`` gives the unsmoothed fraction
    ``+DM / TR`` (not multiplied by 100)."""
    return _directional(high, low, close, timeperiod, PLUS_DI, 1)


def minus_di(high: ArrayLike, low: ArrayLike, close: ArrayLike, timeperiod: int = 14) -> FloatArray:
    """Minus directional indicator (TA-Lib ``MINUS_DI``): ``100 * smoothed -DM / smoothed TR``.

    Same warm-up and special cases as :func:`plus_di`."""
    return _directional(high, low, close, timeperiod, MINUS_DI, 1)


def dx(high: ArrayLike, low: ArrayLike, close: ArrayLike, timeperiod: int = 14) -> FloatArray:
    """Directional movement index (TA-Lib ``DX``): ``100 * |+DI - -DI| / (+DI + -DI)``.

    ``timeperiod >= 2``; the first ``timeperiod`` bars are NaN. Where it is undefined (zero
    true range or zero DI sum) the first value is 0 and later values repeat the previous one."""
    return _directional(high, low, close, timeperiod, DX, 2)


def adx(high: ArrayLike, low: ArrayLike, close: ArrayLike, timeperiod: int = 14) -> FloatArray:
    """Average directional movement index (TA-Lib ``ADX``): Wilder's smoothing of :func:`dx`.

    The first value, at bar ``2 * timeperiod - 1``, is the sum of the first ``timeperiod`` DX
    values divided by ``timeperiod``; then ``adx = (previous * (n - 1) + dx) / n``. Bars where
    DX is undefined are left out (not added, ADX unchanged). ``timeperiod >= 2``."""
    return _directional(high, low, close, timeperiod, ADX, 2)


def adxr(high: ArrayLike, low: ArrayLike, close: ArrayLike, timeperiod: int = 14) -> FloatArray:
    """Average directional movement rating (TA-Lib ``ADXR``):
    ``(adx[t] + adx[t - (timeperiod - 1)]) / 2``.

    ``timeperiod >= 2``; the first ``3 * timeperiod - 2`` bars are NaN."""
    index = index_of(high, low, close)
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    close_values = as_float_array(close, "close")
    check_same_length(high=high_values, low=low_values, close=close_values)
    period = check_period("timeperiod", timeperiod, 2)
    adx_values = _directional_kernel(high_values, low_values, close_values, period, ADX)
    result: FloatArray = wrap(_adxr_kernel(adx_values, period), index)
    return result


@jit
def _sar_kernel(
    high: FloatArray, low: FloatArray, acceleration: float, maximum: float
) -> FloatArray:
    length = len(high)
    output = np.full(length, np.nan)
    start = first_complete_row(high, low, high, low)
    if start + 1 >= length:
        return output
    if acceleration > maximum:
        acceleration = maximum
    factor = acceleration
    # Initial direction: short when the second bar's -DM is positive, long otherwise.
    up_move = high[start + 1] - high[start]
    down_move = low[start] - low[start + 1]
    is_long = not (down_move > 0 and up_move < down_move)
    if is_long:
        extreme = high[start + 1]
        stop = low[start]
    else:
        extreme = low[start + 1]
        stop = high[start]
    new_low = low[start + 1]
    new_high = high[start + 1]
    for today in range(start + 1, length):
        previous_low = new_low
        previous_high = new_high
        new_low = low[today]
        new_high = high[today]
        if is_long:
            if new_low <= stop:
                is_long = False
                stop = extreme
                if stop < previous_high:
                    stop = previous_high
                if stop < new_high:
                    stop = new_high
                output[today] = stop
                factor = acceleration
                extreme = new_low
                stop = fused_multiply_add(extreme - stop, factor, stop)
                if stop < previous_high:
                    stop = previous_high
                if stop < new_high:
                    stop = new_high
            else:
                output[today] = stop
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
                output[today] = stop
                factor = acceleration
                extreme = new_high
                stop = fused_multiply_add(extreme - stop, factor, stop)
                if stop > previous_low:
                    stop = previous_low
                if stop > new_low:
                    stop = new_low
            else:
                output[today] = stop
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
    return output


def sar(
    high: ArrayLike, low: ArrayLike, acceleration: float = 0.02, maximum: float = 0.2
) -> FloatArray:
    """Parabolic SAR (TA-Lib ``SAR``), Wilder's stop-and-reverse.

    The first complete bar only seeds the state and is NaN. The initial position is short when
    the second bar's -DM is positive (its low fell further than its high rose), long otherwise;
    the initial stop is the first bar's low (long) or high (short) and the extreme point the
    second bar's high (long) or low (short). Each bar outputs the stop computed on the previous
    bar; the stop never enters the previous or current bar's range, and on a reversal it is
    reset to the extreme point. ``acceleration`` starts and steps the factor, capped at
    ``maximum`` (an ``acceleration`` above ``maximum`` is lowered to it, as in TA-Lib). Both
    must be finite and ``>= 0``."""
    index = index_of(high, low)
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    check_same_length(high=high_values, low=low_values)
    step = check_number("acceleration", acceleration, minimum=0.0)
    cap = check_number("maximum", maximum, minimum=0.0)
    result: FloatArray = wrap(_sar_kernel(high_values, low_values, step, cap), index)
    return result


@jit
def _aroon_kernel(high: FloatArray, low: FloatArray, period: int) -> tuple[FloatArray, FloatArray]:
    length = len(high)
    down = np.full(length, np.nan)
    up = np.full(length, np.nan)
    start = first_complete_row(high, low, high, low)
    factor = 100.0 / period
    lowest_index = -1
    highest_index = -1
    lowest = 0.0
    highest = 0.0
    for today in range(start + period, length):
        trailing = today - period
        value = low[today]
        if lowest_index < trailing:
            lowest_index = trailing
            lowest = low[lowest_index]
            for position in range(lowest_index + 1, today + 1):
                value = low[position]
                if value <= lowest:
                    lowest_index = position
                    lowest = value
        elif value <= lowest:
            lowest_index = today
            lowest = value
        value = high[today]
        if highest_index < trailing:
            highest_index = trailing
            highest = high[highest_index]
            for position in range(highest_index + 1, today + 1):
                value = high[position]
                if value >= highest:
                    highest_index = position
                    highest = value
        elif value >= highest:
            highest_index = today
            highest = value
        up[today] = factor * (period - (today - highest_index))
        down[today] = factor * (period - (today - lowest_index))
    return down, up


def aroon(high: ArrayLike, low: ArrayLike, timeperiod: int = 14) -> tuple[FloatArray, FloatArray]:
    """Aroon (TA-Lib ``AROON``), returned as ``(aroondown, aroonup)`` in TA-Lib's order.

    Over the window of the last ``timeperiod + 1`` bars, ``aroonup = 100 / n * (n - bars since
    the highest high)`` and ``aroondown`` likewise with the lowest low; ties go to the most
    recent bar. ``timeperiod >= 2``; the first ``timeperiod`` bars are NaN."""
    index = index_of(high, low)
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    check_same_length(high=high_values, low=low_values)
    period = check_period("timeperiod", timeperiod, 2)
    down, up = _aroon_kernel(high_values, low_values, period)
    return wrap(down, index, "aroondown"), wrap(up, index, "aroonup")
