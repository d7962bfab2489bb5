"""Momentum indicators with TA-Lib's names, parameters, defaults, output order and numbers.

Like the ``talib`` wrapper, leading bars where any input is NaN are skipped (outputs are NaN up
to that bar plus the lookback); later NaNs propagate as in TA-Lib. Multi-output functions return
a tuple in TA-Lib's order. ``inf``, non-numeric input, inputs of different lengths and bad
parameters raise :class:`~yeouido.model.errors.IndicatorError`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from yeouido.ta._core import (
    ArrayLike,
    FloatArray,
    check_same_length,
    index_of,
    inf_reported_first,
    jit,
    raise_if_inf,
    to_float_array,
    wrap,
)
from yeouido.ta.overlap import (
    FLAT_RANGE_RELATIVE,
    RANGE_FAST_K,
    RANGE_WILLIAMS,
    ZERO_THRESHOLD,
    _empty_outputs,
    _first_valid,
    _first_valid_triple,
    _moving_average,
    _output,
    _range_of_windows,
    _triple_ema_seed,
    as_float_array,
    checked_ma_type,
    checked_period,
)
from yeouido.ta.volatility import fused_multiply_add

# -- kernels -------------------------------------------------------------------------------


@jit
def _is_zero(value: float) -> bool:
    """TA-Lib's ``TA_IS_ZERO``: within 1e-8 of zero."""
    return -ZERO_THRESHOLD < value < ZERO_THRESHOLD


@jit
def _wilder_oscillator(values: FloatArray, start: int, period: int, balance: bool) -> FloatArray:
    """RSI (``balance`` False) or CMO (True) from Wilder-smoothed average gains and losses.

    CMO keeps TA-Lib's ``(average · (period - 1) + change) / period`` (its output is a small
    difference of the averages, so it needs their exact rounding). RSI, a ratio of the two
    non-negative averages, uses the equivalent ``average · ((period - 1) / period) +
    change / period``: the division is off the loop-carried chain (about three times faster)
    and the results stay within a few ulps of TA-Lib's. The streaming ``WilderCell`` performs
    the same operations.
    """
    length = values.shape[0]
    first = start + period
    out = _output(length, first)
    if first >= length:
        return out
    gain = 0.0
    loss = 0.0
    previous = values[start]
    for index in range(start + 1, first + 1):
        value = values[index]
        change = value - previous
        previous = value
        if change < 0:
            loss -= change
        else:
            gain += change
    loss /= period
    gain /= period
    total = gain + loss
    if _is_zero(total):
        out[first] = 0.0
    elif balance:
        out[first] = 100.0 * ((gain - loss) / total)
    else:
        out[first] = 100.0 * (gain / total)
    source = values[first + 1 :]
    target = out[first + 1 :]
    if balance:
        for index in range(source.shape[0]):
            value = source[index]
            change = value - previous
            previous = value
            loss *= period - 1
            gain *= period - 1
            if change < 0:
                loss -= change
            else:
                gain += change
            loss /= period
            gain /= period
            total = gain + loss
            target[index] = 0.0 if _is_zero(total) else 100.0 * ((gain - loss) / total)
        return out
    retain = (period - 1) / period
    for index in range(source.shape[0]):
        value = source[index]
        step = (value - previous) / period
        previous = value
        falling = step < 0.0
        # Selects, not branches: the direction of a price change is not predictable.
        loss = loss * retain - (step if falling else 0.0)
        gain = gain * retain + (0.0 if falling else step)
        total = gain + loss
        target[index] = 0.0 if _is_zero(total) else 100.0 * (gain / total)
    return out


@jit
def _stochastic_range(
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    start: int,
    period: int,
    williams: bool,
) -> FloatArray:
    """Raw stochastic %K (0..100) or, with ``williams``, Williams' %R (0..-100) over ``period``
    bars, with TA-Lib's tracked extremes inlined (rescan only when the extreme leaves)."""
    length = close.shape[0]
    first = start + period - 1
    out = _output(length, first)
    highest_index = -1
    highest = 0.0
    lowest_index = -1
    lowest = 0.0
    for today in range(first, length):
        trailing = today - period + 1
        value = low[today]
        if lowest_index < trailing:
            lowest_index = trailing
            lowest = low[trailing]
            for index in range(trailing + 1, today + 1):
                if low[index] < lowest:
                    lowest_index = index
                    lowest = low[index]
        elif value <= lowest:
            lowest_index = today
            lowest = value
        value = high[today]
        if highest_index < trailing:
            highest_index = trailing
            highest = high[trailing]
            for index in range(trailing + 1, today + 1):
                if high[index] > highest:
                    highest_index = index
                    highest = high[index]
        elif value >= highest:
            highest_index = today
            highest = value
        spread = highest - lowest
        if spread <= FLAT_RANGE_RELATIVE * (abs(highest) + abs(lowest)):
            out[today] = 0.0
        elif williams:
            out[today] = (highest - close[today]) / spread * -100.0
        else:
            out[today] = (close[today] - lowest) / spread * 100.0
    return out


@jit
def _fast_k(
    high: FloatArray, low: FloatArray, close: FloatArray, start: int, period: int
) -> FloatArray:
    """Raw stochastic ``%K``: where the close sits in the ``period`` bars' range, 0..100."""
    out = np.empty(close.shape[0])
    if _range_of_windows(high, low, close, start, period, RANGE_FAST_K, out):
        return _stochastic_range(high, low, close, start, period, False)
    return out


@jit
def _willr(
    high: FloatArray, low: FloatArray, close: FloatArray, start: int, period: int
) -> FloatArray:
    out = np.empty(close.shape[0])
    if _range_of_windows(high, low, close, start, period, RANGE_WILLIAMS, out):
        return _stochastic_range(high, low, close, start, period, True)
    return out


@jit
def _cci(
    high: FloatArray, low: FloatArray, close: FloatArray, start: int, period: int
) -> FloatArray:
    """Commodity channel index; the typical prices sit in a ring summed slot 0 first."""
    length = close.shape[0]
    first = start + period - 1
    out = _output(length, first)
    if first >= length:
        return out
    ring = np.empty(period)
    for index in range(start, first):
        ring[index - start] = (high[index] + low[index] + close[index]) / 3.0
    slot = period - 1
    for index in range(first, length):
        typical = (high[index] + low[index] + close[index]) / 3.0
        ring[slot] = typical
        average = 0.0
        for position in range(period):
            average += ring[position]
        average /= period
        deviation = 0.0
        for position in range(period):
            deviation += abs(ring[position] - average)
        distance = typical - average
        if not (_is_zero(distance) or _is_zero(deviation)):
            out[index] = distance / (0.015 * (deviation / period))
        else:
            out[index] = 0.0
        slot += 1
        if slot == period:
            slot = 0
    return out


@jit
def _roc(values: FloatArray, start: int, period: int) -> FloatArray:
    length = values.shape[0]
    first = start + period
    out = _output(length, first)
    if first >= length:
        return out
    # Slices keep the loop free of negative-index checks, so it compiles tight.
    before_values = values[start : length - period]
    now_values = values[first:]
    target = out[first:]
    for index in range(target.shape[0]):
        before = before_values[index]
        target[index] = (now_values[index] / before - 1.0) * 100.0 if before != 0.0 else 0.0
    return out


@jit
def _mom(values: FloatArray, start: int, period: int, out: FloatArray) -> bool:
    """Fill ``out`` with MOM; return whether any value is ±inf (looked for in the same pass,
    so a call reads its input once)."""
    length = values.shape[0]
    first = min(start + period, length)
    found = False
    for index in range(first):
        out[index] = np.nan
        found |= abs(values[index]) == math.inf
    before_values = values[start : max(length - period, start)]
    now_values = values[first:]
    target = out[first:]
    for index in range(target.shape[0]):
        now = now_values[index]
        found |= abs(now) == math.inf
        target[index] = now - before_values[index]
    return found


@jit
def _trix(values: FloatArray, start: int, period: int) -> FloatArray:
    """One-bar ROC of the triple EMA in one pass (the operations of chained ``_ema``)."""
    length = values.shape[0]
    seeded = start + 3 * (period - 1)
    first = seeded + 1
    out = _output(length, first)
    if first >= length:
        return out
    factor = 2.0 / (period + 1)
    once, twice, thrice = _triple_ema_seed(values, start, period, factor)
    source = values[first:]
    target = out[first:]
    for index in range(source.shape[0]):
        before = thrice
        once = fused_multiply_add(source[index] - once, factor, once)
        twice = fused_multiply_add(once - twice, factor, twice)
        thrice = fused_multiply_add(twice - thrice, factor, thrice)
        target[index] = (thrice / before - 1.0) * 100.0 if before != 0.0 else 0.0
    return out


@jit
def _macd(
    values: FloatArray,
    start: int,
    fast: int,
    slow: int,
    signal: int,
    line: FloatArray,
    signal_line: FloatArray,
    histogram: FloatArray,
) -> None:
    """MACD in one pass with the operations of TA-Lib's chained EMAs: the fast EMA is seeded
    on the window that ends where the slow EMA starts, the signal EMA on the first ``signal``
    MACD values. Fills the three outputs (allocated by the caller, see :func:`macd`)."""
    length = values.shape[0]
    if slow < fast:
        fast, slow = slow, fast
    macd_start = start + slow - 1
    first = macd_start + signal - 1
    for index in range(min(first, length)):
        line[index] = np.nan
        signal_line[index] = np.nan
        histogram[index] = np.nan
    if first >= length:
        return
    fast_factor = 2.0 / (fast + 1)
    slow_factor = 2.0 / (slow + 1)
    signal_factor = 2.0 / (signal + 1)
    total = 0.0
    for index in range(start + slow - fast, macd_start + 1):
        total += values[index]
    fast_average = total / fast
    total = 0.0
    for index in range(start, macd_start + 1):
        total += values[index]
    slow_average = total / slow
    difference = fast_average - slow_average
    total = difference
    for index in range(macd_start + 1, first + 1):
        value = values[index]
        fast_average = fused_multiply_add(value - fast_average, fast_factor, fast_average)
        slow_average = fused_multiply_add(value - slow_average, slow_factor, slow_average)
        difference = fast_average - slow_average
        total += difference
    smoothed = total / signal
    line[first] = difference
    signal_line[first] = smoothed
    histogram[first] = difference - smoothed
    source = values[first + 1 :]
    line_out = line[first + 1 :]
    signal_out = signal_line[first + 1 :]
    histogram_out = histogram[first + 1 :]
    for index in range(source.shape[0]):
        value = source[index]
        fast_average = fused_multiply_add(value - fast_average, fast_factor, fast_average)
        slow_average = fused_multiply_add(value - slow_average, slow_factor, slow_average)
        difference = fast_average - slow_average
        smoothed = fused_multiply_add(difference - smoothed, signal_factor, smoothed)
        line_out[index] = difference
        signal_out[index] = smoothed
        histogram_out[index] = difference - smoothed


@jit
def _ema_oscillator(
    values: FloatArray, start: int, fast: int, slow: int, percent: bool
) -> FloatArray:
    """APO / PPO of two EMAs (both seeded at ``start``) in one pass, with ``_ema``'s
    operations."""
    length = values.shape[0]
    first = start + slow - 1
    out = _output(length, first)
    if first >= length:
        return out
    fast_factor = 2.0 / (fast + 1)
    slow_factor = 2.0 / (slow + 1)
    total = 0.0
    for index in range(start, start + fast):
        total += values[index]
    fast_average = total / fast
    for index in range(start + fast, first + 1):
        fast_average = fused_multiply_add(values[index] - fast_average, fast_factor, fast_average)
    total = 0.0
    for index in range(start, first + 1):
        total += values[index]
    slow_average = total / slow
    source = values[first + 1 :]
    target = out[first:]
    for index in range(target.shape[0]):
        if index > 0:
            value = source[index - 1]
            fast_average = fused_multiply_add(value - fast_average, fast_factor, fast_average)
            slow_average = fused_multiply_add(value - slow_average, slow_factor, slow_average)
        if not percent:
            target[index] = fast_average - slow_average
        elif _is_zero(slow_average):
            target[index] = 0.0
        else:
            target[index] = ((fast_average - slow_average) / slow_average) * 100.0
    return out


@jit
def _price_oscillator(
    values: FloatArray, start: int, fast: int, slow: int, ma_type: int, percent: bool
) -> FloatArray:
    """APO (``percent`` False) or PPO (True): fast MA against slow MA of one type."""
    length = values.shape[0]
    if slow < fast:
        fast, slow = slow, fast
    slow_lookback = ma_lookback_kernel(slow, ma_type)
    if ma_type == 1:
        return _ema_oscillator(values, start, fast, slow, percent)
    fast_line = _moving_average(values, start, fast, ma_type)
    slow_line = _moving_average(values, start, slow, ma_type)
    first = start + slow_lookback
    out = _output(length, first)
    for index in range(first, length):
        if percent:
            base = slow_line[index]
            if _is_zero(base):
                out[index] = 0.0
            else:
                out[index] = ((fast_line[index] - base) / base) * 100.0
        else:
            out[index] = fast_line[index] - slow_line[index]
    return out


@jit
def ma_lookback_kernel(period: int, ma_type: int) -> int:
    """:func:`yeouido.ta.overlap.ma_lookback` for use inside kernels."""
    if period == 1:
        return 0
    if ma_type == 3:
        return 2 * (period - 1)
    if ma_type == 4:
        return 3 * (period - 1)
    if ma_type == 6:
        return period
    return period - 1


@jit
def _stochastic(
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    start: int,
    fastk_period: int,
    slowk_period: int,
    slowk_ma_type: int,
    slowd_period: int,
    slowd_ma_type: int,
) -> tuple[FloatArray, FloatArray]:
    """%K smoothed once (``slowk``) and twice (``slowd``); STOCHF passes slowk_period 1."""
    raw = _fast_k(high, low, close, start, fastk_period)
    k_start = start + fastk_period - 1
    # Period 1 is the identity: smooth nothing (``raw`` is not used after this).
    if slowk_period == 1:
        smoothed = raw
    else:
        smoothed = _moving_average(raw, k_start, slowk_period, slowk_ma_type)
    d_start = k_start + ma_lookback_kernel(slowk_period, slowk_ma_type)
    signal = _moving_average(smoothed, d_start, slowd_period, slowd_ma_type)
    first = d_start + ma_lookback_kernel(slowd_period, slowd_ma_type)
    for index in range(start, min(first, close.shape[0])):
        smoothed[index] = np.nan
    return smoothed, signal


# -- public batch functions ----------------------------------------------------------------


def _one_input(real: ArrayLike) -> tuple[FloatArray, int]:
    values = as_float_array(real, "real")
    return values, _first_valid(values)


def _three_inputs(
    high: ArrayLike, low: ArrayLike, close: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, int]:
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    close_values = as_float_array(close, "close")
    check_same_length(high=high_values, low=low_values, close=close_values)
    start = _first_valid_triple(high_values, low_values, close_values)
    return high_values, low_values, close_values, start


def macd(
    real: ArrayLike, fastperiod: int = 12, slowperiod: int = 26, signalperiod: int = 9
) -> tuple[Any, Any, Any]:
    """MACD ``(macd, macdsignal, macdhist)``, equal to ``talib.MACD``.

    ``macd`` = EMA(fast) - EMA(slow) (periods 2..100000, swapped if fast > slow; the fast EMA is
    seeded where the slow one starts, as in TA-Lib), ``macdsignal`` = EMA(signalperiod, 1..100000)
    of it, ``macdhist`` their difference. All three are NaN for the first
    ``slowperiod + signalperiod - 2`` bars. Bad input raises IndicatorError.
    """
    values, start = _one_input(real)
    fast = checked_period("fastperiod", fastperiod, 2)
    slow = checked_period("slowperiod", slowperiod, 2)
    signal = checked_period("signalperiod", signalperiod, 1)
    line, signal_line, histogram = _empty_outputs(3, values.shape[0])
    _macd(values, start, fast, slow, signal, line, signal_line, histogram)
    index = index_of(real)
    return wrap(line, index), wrap(signal_line, index), wrap(histogram, index)


def rsi(real: ArrayLike, timeperiod: int = 14) -> Any:
    """Relative strength index (Wilder smoothing), equal to ``talib.RSI``.

    ``timeperiod`` 2..100000; lookback ``timeperiod``; 0 when gains plus losses are ~0.
    Bad input raises IndicatorError.
    """
    values, start = _one_input(real)
    period = checked_period("timeperiod", timeperiod, 2)
    return wrap(_wilder_oscillator(values, start, period, False), index_of(real))


def cmo(real: ArrayLike, timeperiod: int = 14) -> Any:
    """Chande momentum oscillator, equal to ``talib.CMO`` (Wilder-smoothed like TA-Lib's).

    ``timeperiod`` 2..100000; lookback ``timeperiod``. Bad input raises IndicatorError.
    """
    values, start = _one_input(real)
    period = checked_period("timeperiod", timeperiod, 2)
    return wrap(_wilder_oscillator(values, start, period, True), index_of(real))


def stoch(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    fastk_period: int = 5,
    slowk_period: int = 3,
    slowk_matype: int = 0,
    slowd_period: int = 3,
    slowd_matype: int = 0,
) -> tuple[Any, Any]:
    """Slow stochastic ``(slowk, slowd)``, equal to ``talib.STOCH``.

    ``slowk`` is the moving average (``slowk_matype``) of %K over ``fastk_period`` bars,
    ``slowd`` the moving average (``slowd_matype``) of ``slowk``; periods 1..100000, MA types
    0..6 (0 SMA, 1 EMA …). Both are NaN until ``slowd`` has warmed up. Bad input raises
    IndicatorError.
    """
    high_values, low_values, close_values, start = _three_inputs(high, low, close)
    fastk = checked_period("fastk_period", fastk_period, 1)
    slowk = checked_period("slowk_period", slowk_period, 1)
    slowk_type = checked_ma_type("slowk_matype", slowk_matype)
    slowd = checked_period("slowd_period", slowd_period, 1)
    slowd_type = checked_ma_type("slowd_matype", slowd_matype)
    k, d = _stochastic(
        high_values, low_values, close_values, start, fastk, slowk, slowk_type, slowd, slowd_type
    )
    index = index_of(high, low, close)
    return wrap(k, index), wrap(d, index)


def stochf(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    fastk_period: int = 5,
    fastd_period: int = 3,
    fastd_matype: int = 0,
) -> tuple[Any, Any]:
    """Fast stochastic ``(fastk, fastd)``, equal to ``talib.STOCHF``.

    ``fastk`` is %K over ``fastk_period`` bars, ``fastd`` its moving average (``fastd_matype``
    0..6) over ``fastd_period``; periods 1..100000. Both are NaN until ``fastd`` has warmed up.
    Bad input raises IndicatorError.
    """
    high_values, low_values, close_values, start = _three_inputs(high, low, close)
    fastk = checked_period("fastk_period", fastk_period, 1)
    fastd = checked_period("fastd_period", fastd_period, 1)
    fastd_type = checked_ma_type("fastd_matype", fastd_matype)
    k, d = _stochastic(high_values, low_values, close_values, start, fastk, 1, 0, fastd, fastd_type)
    index = index_of(high, low, close)
    return wrap(k, index), wrap(d, index)


def stochrsi(
    real: ArrayLike,
    timeperiod: int = 14,
    fastk_period: int = 5,
    fastd_period: int = 3,
    fastd_matype: int = 0,
) -> tuple[Any, Any]:
    """Stochastic RSI ``(fastk, fastd)``, equal to ``talib.STOCHRSI``: STOCHF applied to RSI.

    ``timeperiod`` 2..100000 (RSI), ``fastk_period`` / ``fastd_period`` 1..100000,
    ``fastd_matype`` 0..6. Bad input raises IndicatorError.
    """
    values, start = _one_input(real)
    period = checked_period("timeperiod", timeperiod, 2)
    fastk = checked_period("fastk_period", fastk_period, 1)
    fastd = checked_period("fastd_period", fastd_period, 1)
    fastd_type = checked_ma_type("fastd_matype", fastd_matype)
    strength = _wilder_oscillator(values, start, period, False)
    k, d = _stochastic(strength, strength, strength, start + period, fastk, 1, 0, fastd, fastd_type)
    index = index_of(real)
    return wrap(k, index), wrap(d, index)


def willr(high: ArrayLike, low: ArrayLike, close: ArrayLike, timeperiod: int = 14) -> Any:
    """Williams' %R (0 to -100), equal to ``talib.WILLR``.

    ``timeperiod`` 2..100000; lookback ``timeperiod - 1``; 0 when the range is flat.
    Bad input raises IndicatorError.
    """
    high_values, low_values, close_values, start = _three_inputs(high, low, close)
    period = checked_period("timeperiod", timeperiod, 2)
    result = _willr(high_values, low_values, close_values, start, period)
    return wrap(result, index_of(high, low, close))


def cci(high: ArrayLike, low: ArrayLike, close: ArrayLike, timeperiod: int = 14) -> Any:
    """Commodity channel index, equal to ``talib.CCI``.

    Typical price ``(high + low + close) / 3`` against its ``timeperiod`` (2..100000) mean,
    scaled by 0.015 times the mean absolute deviation; 0 when either is 0. Lookback
    ``timeperiod - 1``. Bad input raises IndicatorError.
    """
    high_values, low_values, close_values, start = _three_inputs(high, low, close)
    period = checked_period("timeperiod", timeperiod, 2)
    result = _cci(high_values, low_values, close_values, start, period)
    return wrap(result, index_of(high, low, close))


def roc(real: ArrayLike, timeperiod: int = 10) -> Any:
    """Rate of change ``(price / price n bars ago - 1) · 100``, equal to ``talib.ROC``.

    ``timeperiod`` 1..100000; lookback ``timeperiod``; 0 where the old price is 0.
    Bad input raises IndicatorError.
    """
    values, start = _one_input(real)
    period = checked_period("timeperiod", timeperiod, 1)
    return wrap(_roc(values, start, period), index_of(real))


def mom(real: ArrayLike, timeperiod: int = 10) -> Any:
    """Momentum ``price - price n bars ago``, equal to ``talib.MOM``.

    ``timeperiod`` 1..100000; lookback ``timeperiod``. Bad input raises IndicatorError.
    """
    values = to_float_array(real, "real")
    with inf_reported_first(real=values):
        period = checked_period("timeperiod", timeperiod, 1)
    out = np.empty(values.shape[0])
    if _mom(values, _first_valid(values), period, out):
        raise_if_inf(real=values)
    return wrap(out, index_of(real))


def trix(real: ArrayLike, timeperiod: int = 30) -> Any:
    """One-bar rate of change of a triple EMA, equal to ``talib.TRIX``.

    ``timeperiod`` 1..100000; lookback ``3·(timeperiod - 1) + 1``. Bad input raises
    IndicatorError.
    """
    values, start = _one_input(real)
    period = checked_period("timeperiod", timeperiod, 1)
    return wrap(_trix(values, start, period), index_of(real))


def apo(real: ArrayLike, fastperiod: int = 12, slowperiod: int = 26, matype: int = 1) -> Any:
    """Absolute price oscillator ``MA(fast) - MA(slow)``, equal to ``talib.APO``.

    Periods 2..100000 (swapped if fast > slow), ``matype`` 0..6 (0 SMA, 1 EMA the default …).
    Lookback is the slow MA's. Bad input raises IndicatorError.
    """
    return _oscillator(real, fastperiod, slowperiod, matype, percent=False)


def ppo(real: ArrayLike, fastperiod: int = 12, slowperiod: int = 26, matype: int = 1) -> Any:
    """Percentage price oscillator ``(MA(fast) - MA(slow)) / MA(slow) · 100``, equal to
    ``talib.PPO``.

    Periods 2..100000 (swapped if fast > slow), ``matype`` 0..6 (default 1, EMA); 0 where the
    slow MA is ~0. Bad input raises IndicatorError.
    """
    return _oscillator(real, fastperiod, slowperiod, matype, percent=True)


def _oscillator(
    real: ArrayLike, fastperiod: int, slowperiod: int, matype: int, *, percent: bool
) -> Any:
    values, start = _one_input(real)
    fast = checked_period("fastperiod", fastperiod, 2)
    slow = checked_period("slowperiod", slowperiod, 2)
    ma_type = checked_ma_type("matype", matype)
    result = _price_oscillator(values, start, fast, slow, ma_type, percent)
    return wrap(result, index_of(real))
