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

from yeouido.ta._core import (
    ArrayLike,
    FloatArray,
    check_number,
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
    first_complete_row,
    fused_multiply_add,
    not_finite,
    output_array,
    rows_have_inf,
    true_range_of,
)

__all__ = ["adx", "adxr", "aroon", "dx", "minus_di", "plus_di", "sar"]

#: Which directional-movement output the shared kernel produces.
PLUS_DI, MINUS_DI, DX, ADX = 0, 1, 2, 3


@ieee_jit
def _is_zero(value: float) -> bool:
    return -ZERO_EPSILON < value < ZERO_EPSILON


@ieee_jit
def _directional_kernel(
    high: FloatArray, low: FloatArray, close: FloatArray, period: int, kind: int
) -> tuple[FloatArray, bool]:
    length = len(high)
    start = first_complete_row(high, low, close, close)
    if period <= 1:
        warm_up = start + 1
    elif kind == ADX:
        warm_up = start + 2 * period - 1
    else:
        warm_up = start + period
    output = output_array(length, warm_up)
    if start >= length:
        return output, rows_have_inf(high, low, close, close, 0, length)
    previous_high = high[start]
    previous_low = low[start]
    previous_close = close[start]
    plus_dm = 0.0
    minus_dm = 0.0
    true_range = 0.0
    sum_dx = 0.0
    average_dx = 0.0
    last_dx = 0.0
    # Views from ``start`` index from 0, which spares the compiler negative-index checks.
    highs = high[start:]
    lows = low[start:]
    closes = close[start:]
    outputs = output[start:]
    for age in range(1, length - start):
        up_move = highs[age] - previous_high
        down_move = previous_low - lows[age]
        previous_high = highs[age]
        previous_low = lows[age]
        bar_range = true_range_of(previous_high, previous_low, previous_close)
        previous_close = closes[age]
        if period <= 1:
            # TA-Lib's unsmoothed single-bar DI is a fraction, not a percentage.
            movement = 0.0
            if kind == PLUS_DI and up_move > 0 and up_move > down_move:
                movement = up_move
            elif kind == MINUS_DI and down_move > 0 and up_move < down_move:
                movement = down_move
            if movement == 0.0 or _is_zero(bar_range):
                outputs[age] = 0.0
            else:
                outputs[age] = movement / bar_range
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
        if kind == PLUS_DI:
            outputs[age] = 0.0 if _is_zero(true_range) else 100.0 * (plus_dm / true_range)
            continue
        if kind == MINUS_DI:
            outputs[age] = 0.0 if _is_zero(true_range) else 100.0 * (minus_dm / true_range)
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
            outputs[age] = last_dx
            continue
        if age < 2 * period - 1:
            if has_dx:
                sum_dx += bar_dx
        elif age == 2 * period - 1:
            if has_dx:
                sum_dx += bar_dx
            average_dx = sum_dx / period
            outputs[age] = average_dx
        else:
            if has_dx:
                average_dx = ((average_dx * (period - 1)) + bar_dx) / period
            outputs[age] = average_dx
    if period <= 1:
        return output, rows_have_inf(high, low, close, close, 0, length)
    # Every high and low from start + 1 and every close but the last fed the smoothed true
    # range (a true range is not finite when one of its inputs is inf, and that sticks).
    found = (
        not_finite(true_range)
        or rows_have_inf(high, low, close, close, 0, start + 1)
        or not_finite(close[length - 1])
    )
    return output, found


@ieee_jit
def _adxr_kernel(adx_values: FloatArray, period: int) -> FloatArray:
    length = len(adx_values)
    lag = period - 1
    output = output_array(length, lag)
    if lag >= length:
        return output
    currents = adx_values[lag:]
    earliers = adx_values[: length - lag]
    ratings = output[lag:]
    for position in range(length - lag):
        current = currents[position]
        earlier = earliers[position]
        # NaN in either gives NaN, as the NaN-filled output did.
        ratings[position] = (current + earlier) / 2.0
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
    high_values, low_values, close_values = float_inputs(high=high, low=low, close=close)
    with inf_reported_first(high=high_values, low=low_values, close=close_values):
        period = check_period("timeperiod", timeperiod, minimum)
    output, found = _directional_kernel(high_values, low_values, close_values, period, kind)
    if found:
        raise_if_inf(high=high_values, low=low_values, close=close_values)
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
    high_values, low_values, close_values = float_inputs(high=high, low=low, close=close)
    with inf_reported_first(high=high_values, low=low_values, close=close_values):
        period = check_period("timeperiod", timeperiod, 2)
    adx_values, found = _directional_kernel(high_values, low_values, close_values, period, ADX)
    if found:
        raise_if_inf(high=high_values, low=low_values, close=close_values)
    result: FloatArray = wrap(_adxr_kernel(adx_values, period), index)
    return result


@ieee_jit
def _sar_kernel(
    high: FloatArray, low: FloatArray, acceleration: float, maximum: float
) -> tuple[FloatArray, bool]:
    length = len(high)
    start = first_complete_row(high, low, high, low)
    output = output_array(length, start + 1)
    if start + 1 >= length:
        return output, rows_have_inf(high, low, high, low, 0, length)
    found = rows_have_inf(high, low, high, low, 0, start + 1)
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
    probe = 0.0
    highs = high[start + 1 :]
    lows = low[start + 1 :]
    outputs = output[start + 1 :]
    for today in range(length - start - 1):
        previous_low = new_low
        previous_high = new_high
        new_low = lows[today]
        new_high = highs[today]
        probe += new_low + new_high
        if is_long:
            if new_low <= stop:
                is_long = False
                stop = extreme
                if stop < previous_high:
                    stop = previous_high
                if stop < new_high:
                    stop = new_high
                outputs[today] = stop
                factor = acceleration
                extreme = new_low
                stop = fused_multiply_add(extreme - stop, factor, stop)
                if stop < previous_high:
                    stop = previous_high
                if stop < new_high:
                    stop = new_high
            else:
                outputs[today] = stop
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
                outputs[today] = stop
                factor = acceleration
                extreme = new_high
                stop = fused_multiply_add(extreme - stop, factor, stop)
                if stop > previous_low:
                    stop = previous_low
                if stop > new_low:
                    stop = new_low
            else:
                outputs[today] = stop
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
    return output, found or not_finite(probe)


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
    high_values, low_values = float_inputs(high=high, low=low)
    with inf_reported_first(high=high_values, low=low_values):
        step = check_number("acceleration", acceleration, minimum=0.0)
        cap = check_number("maximum", maximum, minimum=0.0)
    output, found = _sar_kernel(high_values, low_values, step, cap)
    if found:
        raise_if_inf(high=high_values, low=low_values)
    result: FloatArray = wrap(output, index)
    return result


@ieee_jit
def _aroon_kernel(
    high: FloatArray, low: FloatArray, period: int
) -> tuple[FloatArray, FloatArray, bool]:
    length = len(high)
    start = first_complete_row(high, low, high, low)
    down = output_array(length, start + period)
    up = output_array(length, start + period)
    if start + period >= length:
        return down, up, rows_have_inf(high, low, high, low, 0, length)
    # Every bar from ``start`` is read (the first window and then each new bar).
    probe = 0.0
    for today in range(start, start + period):
        probe += high[today] + low[today]
    factor = 100.0 / period
    lowest_index = -1
    highest_index = -1
    lowest = 0.0
    highest = 0.0
    for today in range(start + period, length):
        trailing = today - period
        value = low[today]
        probe += value + high[today]
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
    found = not_finite(probe) or rows_have_inf(high, low, high, low, 0, start)
    return down, up, found


def aroon(high: ArrayLike, low: ArrayLike, timeperiod: int = 14) -> tuple[FloatArray, FloatArray]:
    """Aroon (TA-Lib ``AROON``), returned as ``(aroondown, aroonup)`` in TA-Lib's order.

    Over the window of the last ``timeperiod + 1`` bars, ``aroonup = 100 / n * (n - bars since
    the highest high)`` and ``aroondown`` likewise with the lowest low; ties go to the most
    recent bar. ``timeperiod >= 2``; the first ``timeperiod`` bars are NaN."""
    index = index_of(high, low)
    high_values, low_values = float_inputs(high=high, low=low)
    with inf_reported_first(high=high_values, low=low_values):
        period = check_period("timeperiod", timeperiod, 2)
    down, up, found = _aroon_kernel(high_values, low_values, period)
    if found:
        raise_if_inf(high=high_values, low=low_values)
    return wrap(down, index, "aroondown"), wrap(up, index, "aroonup")
