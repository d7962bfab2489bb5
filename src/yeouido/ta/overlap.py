"""Overlap studies with TA-Lib's names, parameters, defaults and numbers.

Every function here equals the ``talib`` function of the same (upper-case) name: the same
warm-up (NaN) positions, the same arithmetic in the same order, so values agree to the last bit
or within rounding. Like the ``talib`` wrapper, leading NaNs are skipped: the output is NaN up to
the first bar where every input is a number plus the indicator's lookback. A NaN later in the
input propagates as it does in TA-Lib. ``inf`` and non-numeric input raise
:class:`~yeouido.model.errors.IndicatorError`.

The numeric kernels (``_name`` functions) take the index ``start`` where the data begins, so the
composite indicators (DEMA, MACD, STOCH …) can chain them exactly as TA-Lib chains its
functions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from yeouido.model.errors import IndicatorError
from yeouido.ta._core import (
    ArrayLike,
    FloatArray,
    check_number,
    check_period,
    check_same_length,
    ieee_jit,
    index_of,
    jit,
    wrap,
)
from yeouido.ta._core import as_float_array as _checked_float_array
from yeouido.ta.volatility import fused_multiply_add

MAXIMUM_PERIOD = 100_000

SMA_TYPE = 0
EMA_TYPE = 1
WMA_TYPE = 2
DEMA_TYPE = 3
TEMA_TYPE = 4
TRIMA_TYPE = 5
KAMA_TYPE = 6
SUPPORTED_MA_TYPES = {
    SMA_TYPE: "SMA",
    EMA_TYPE: "EMA",
    WMA_TYPE: "WMA",
    DEMA_TYPE: "DEMA",
    TEMA_TYPE: "TEMA",
    TRIMA_TYPE: "TRIMA",
    KAMA_TYPE: "KAMA",
}

# TA-Lib's TA_IS_ZERO / TA_IS_ZERO_OR_NEG threshold.
ZERO_THRESHOLD = 0.00000001

FLAT_RANGE_RELATIVE = 1e-14
"""A window's range (highest - lowest) is flat when it is within this fraction of
``|highest| + |lowest|``: rounding noise, not movement. The stochastics (%K, Williams' %R,
STOCHRSI) then give TA-Lib's flat answer, 0; the installed TA-Lib draws the line at the same
place (measured: ranges up to about 1e-14 of ``|highest| + |lowest|`` count as flat). A
RSI standing still through a trading halt differs from one window to the next in its last bits
only; without this, those bits decided between 0 and 100."""


# -- parameter checks ----------------------------------------------------------------------


def checked_period(name: str, value: int, minimum: int) -> int:
    """An integer period within TA-Lib's range ``minimum..100000``, else IndicatorError."""
    period = check_period(name, value, minimum)
    if period > MAXIMUM_PERIOD:
        raise IndicatorError.for_field(name, value, f"must be <= {MAXIMUM_PERIOD}")
    return period


def checked_ma_type(name: str, value: int) -> int:
    """A moving-average type TA-Lib numbers 0..8, of which 0..6 are supported here."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise IndicatorError.for_field(name, value, "must be an integer")
    if int(value) not in SUPPORTED_MA_TYPES:
        supported = ", ".join(f"{key}={label}" for key, label in SUPPORTED_MA_TYPES.items())
        raise IndicatorError.for_field(name, value, f"unsupported; supported: {supported}")
    return int(value)


def ma_lookback(period: int, ma_type: int) -> int:
    """How many bars a TA-Lib moving average of this type needs before its first output."""
    if period == 1:
        return 0
    if ma_type == DEMA_TYPE:
        return 2 * (period - 1)
    if ma_type == TEMA_TYPE:
        return 3 * (period - 1)
    if ma_type == KAMA_TYPE:
        return period
    return period - 1


# -- input conversion ----------------------------------------------------------------------


@jit
def _has_inf(values: FloatArray) -> bool:
    """Whether any value is ±inf (a branch-free reduction the compiler vectorises)."""
    found = False
    for index in range(values.shape[0]):
        found |= abs(values[index]) == math.inf
    return found


def as_float_array(values: Any, name: str) -> FloatArray:
    """:func:`yeouido.ta._core.as_float_array` with a fast path for a contiguous 1-D
    ``float64`` array (checked for inf by one vectorised pass, not copied)."""
    if (
        type(values) is np.ndarray
        and values.dtype == np.float64
        and values.ndim == 1
        and values.flags.c_contiguous
        and not _has_inf(values)
    ):
        return values
    return _checked_float_array(values, name)


# -- kernels: shared helpers ---------------------------------------------------------------


def _empty_outputs(count: int, length: int) -> list[FloatArray]:
    """``count`` uninitialised ``float64`` outputs of ``length`` for a kernel to fill.

    Multi-output kernels take their outputs from here instead of allocating them: numpy asks
    the kernel for transparent huge pages on large arrays, so fresh 8 MB outputs cost a few
    page faults, where numba's allocator leaves them to malloc, whose heap trimming (after
    several large blocks are freed) makes every call fault its outputs in again 4 KB at a
    time. That alone made MACD and BBANDS about twice as slow as TA-Lib in a long run."""
    return [np.empty(length) for _ in range(count)]


@jit
def _output(length: int, warm_up: int) -> FloatArray:
    """An uninitialised output with its first ``warm_up`` entries set to NaN."""
    out = np.empty(length)
    for index in range(min(warm_up, length)):
        out[index] = np.nan
    return out


@jit
def _first_valid(values: FloatArray) -> int:
    for index in range(values.shape[0]):
        if not math.isnan(values[index]):
            return index
    return len(values)


@jit
def _first_valid_pair(first: FloatArray, second: FloatArray) -> int:
    for index in range(first.shape[0]):
        if not (math.isnan(first[index]) or math.isnan(second[index])):
            return index
    return len(first)


@jit
def _first_valid_triple(first: FloatArray, second: FloatArray, third: FloatArray) -> int:
    for index in range(first.shape[0]):
        if not (math.isnan(first[index]) or math.isnan(second[index]) or math.isnan(third[index])):
            return index
    return len(first)


@jit
def _copy_from(values: FloatArray, start: int) -> FloatArray:
    """Identity (TA-Lib's moving averages of period 1): NaN before ``start``."""
    out = _output(values.shape[0], start)
    for index in range(start, values.shape[0]):
        out[index] = values[index]
    return out


@jit
def _highest_since(
    values: FloatArray, trailing: int, today: int, best_index: int, best: float
) -> tuple[int, float]:
    """TA-Lib's running highest: rescan only when the best bar left the window."""
    if best_index < trailing:
        best_index = trailing
        best = values[trailing]
        for index in range(trailing + 1, today + 1):
            if values[index] > best:
                best_index = index
                best = values[index]
    elif values[today] >= best:
        best_index = today
        best = values[today]
    return best_index, best


@jit
def _lowest_since(
    values: FloatArray, trailing: int, today: int, best_index: int, best: float
) -> tuple[int, float]:
    """TA-Lib's running lowest: rescan only when the best bar left the window."""
    if best_index < trailing:
        best_index = trailing
        best = values[trailing]
        for index in range(trailing + 1, today + 1):
            if values[index] < best:
                best_index = index
                best = values[index]
    elif values[today] <= best:
        best_index = today
        best = values[today]
    return best_index, best


# -- kernels: moving averages --------------------------------------------------------------


@jit
def _sma(values: FloatArray, start: int, period: int) -> FloatArray:
    length = values.shape[0]
    first = start + period - 1
    out = _output(length, first)
    if first >= length:
        return out
    total = 0.0
    for index in range(start, first):
        total += values[index]
    for index in range(first, length):
        total += values[index]
        out[index] = total / period
        total -= values[index - period + 1]
    return out


@jit
def _ema(values: FloatArray, start: int, period: int) -> FloatArray:
    """EMA seeded with the SMA of its first ``period`` values, ``k = 2 / (period + 1)``.

    Each step is ``fma(value - previous, k, previous)``: the one rounding of TA-Lib's build
    (which contracts this multiply-add), so the results are TA-Lib's bit for bit.
    """
    length = values.shape[0]
    first = start + period - 1
    out = _output(length, first)
    if first >= length:
        return out
    factor = 2.0 / (period + 1)
    total = 0.0
    for index in range(start, first + 1):
        total += values[index]
    previous = total / period
    out[first] = previous
    # Slices keep the hot loop free of negative-index checks, so it compiles tight.
    source = values[first + 1 :]
    target = out[first + 1 :]
    for index in range(source.shape[0]):
        previous = fused_multiply_add(source[index] - previous, factor, previous)
        target[index] = previous
    return out


@jit
def _wma(values: FloatArray, start: int, period: int) -> FloatArray:
    length = values.shape[0]
    first = start + period - 1
    out = _output(length, first)
    if first >= length:
        return out
    divider = (period * (period + 1)) // 2
    weighted = 0.0
    plain = 0.0
    for offset in range(period - 1):
        value = values[start + offset]
        plain += value
        weighted += value * (offset + 1)
    leaving = 0.0
    for index in range(first, length):
        value = values[index]
        plain += value
        plain -= leaving
        weighted += value * period
        leaving = values[index - period + 1]
        out[index] = weighted / divider
        weighted -= plain
    return out


@jit
def _trima(values: FloatArray, start: int, period: int) -> FloatArray:
    """Triangular MA kept as a running numerator of two half-window sums (O(1) per bar)."""
    length = values.shape[0]
    first = start + period - 1
    out = _output(length, first)
    if first >= length:
        return out
    half = period >> 1
    odd = period % 2 == 1
    if odd:
        factor = 1.0 / ((half + 1) * (half + 1))
        middle = start + half
    else:
        factor = 1.0 / (half * (half + 1))
        middle = start + half - 1
    numerator = 0.0
    older_sum = 0.0
    for index in range(middle, start - 1, -1):
        older_sum += values[index]
        numerator += older_sum
    newer_sum = 0.0
    middle += 1
    for index in range(middle, first + 1):
        newer_sum += values[index]
        numerator += newer_sum
    trailing = start
    leaving = values[trailing]
    trailing += 1
    out[first] = numerator * factor
    for index in range(first + 1, length):
        numerator -= older_sum
        older_sum -= leaving
        crossing = values[middle]
        middle += 1
        older_sum += crossing
        if odd:
            numerator += newer_sum
            newer_sum -= crossing
        else:
            newer_sum -= crossing
            numerator += newer_sum
        value = values[index]
        newer_sum += value
        numerator += value
        leaving = values[trailing]
        trailing += 1
        out[index] = numerator * factor
    return out


@jit
def _kama(values: FloatArray, start: int, period: int) -> FloatArray:
    """Kaufman adaptive MA: efficiency ratio over ``period`` bars, fast 2 / slow 30."""
    length = values.shape[0]
    first = start + period
    out = _output(length, first)
    if first >= length:
        return out
    slowest = 2.0 / (30.0 + 1.0)
    spread = 2.0 / (2.0 + 1.0) - slowest
    volatility = 0.0
    for index in range(start, first):
        volatility += abs(values[index] - values[index + 1])
    previous = values[first - 1]
    trailing = start
    for index in range(first, length):
        value = values[index]
        oldest = values[trailing]
        if index > first:
            volatility -= abs(values[trailing - 1] - oldest)
            volatility += abs(value - values[index - 1])
        change = value - oldest
        trailing += 1
        if volatility <= change or (-ZERO_THRESHOLD < volatility < ZERO_THRESHOLD):
            ratio = 1.0
        else:
            ratio = abs(change / volatility)
        constant = ratio * spread + slowest
        constant *= constant
        previous = (value - previous) * constant + previous
        out[index] = previous
    return out


@jit
def _ema_seed(values: FloatArray, start: int, period: int) -> float:
    """The SMA of ``values[start : start + period]`` that seeds an EMA (summed in order)."""
    total = 0.0
    for index in range(start, start + period):
        total += values[index]
    return total / period


@jit
def _dema(values: FloatArray, start: int, period: int) -> FloatArray:
    """``2·EMA - EMA(EMA)`` in one pass: the same operations as chaining :func:`_ema`."""
    length = values.shape[0]
    lag = period - 1
    first = start + 2 * lag
    out = _output(length, first)
    if first >= length:
        return out
    factor = 2.0 / (period + 1)
    once = _ema_seed(values, start, period)
    total = once
    for index in range(start + period, first + 1):
        once = fused_multiply_add(values[index] - once, factor, once)
        total += once
    twice = total / period
    out[first] = 2.0 * once - twice
    source = values[first + 1 :]
    target = out[first + 1 :]
    for index in range(source.shape[0]):
        once = fused_multiply_add(source[index] - once, factor, once)
        twice = fused_multiply_add(once - twice, factor, twice)
        target[index] = 2.0 * once - twice
    return out


@jit
def _triple_ema_seed(
    values: FloatArray, start: int, period: int, factor: float
) -> tuple[float, float, float]:
    """The three EMA levels of TEMA / TRIX at ``start + 3·(period - 1)``, seeded as TA-Lib
    chains its EMAs (each seeded with the SMA of the previous level's first values)."""
    lag = period - 1
    once = _ema_seed(values, start, period)
    total = once
    for index in range(start + period, start + 2 * lag + 1):
        once = fused_multiply_add(values[index] - once, factor, once)
        total += once
    twice = total / period
    total = twice
    for index in range(start + 2 * lag + 1, start + 3 * lag + 1):
        once = fused_multiply_add(values[index] - once, factor, once)
        twice = fused_multiply_add(once - twice, factor, twice)
        total += twice
    return once, twice, total / period


@jit
def _tema(values: FloatArray, start: int, period: int) -> FloatArray:
    """``3·EMA - 3·EMA² + EMA³`` in one pass: the same operations as chaining :func:`_ema`."""
    length = values.shape[0]
    first = start + 3 * (period - 1)
    out = _output(length, first)
    if first >= length:
        return out
    factor = 2.0 / (period + 1)
    once, twice, thrice = _triple_ema_seed(values, start, period, factor)
    out[first] = 3.0 * once - 3.0 * twice + thrice
    source = values[first + 1 :]
    target = out[first + 1 :]
    for index in range(source.shape[0]):
        once = fused_multiply_add(source[index] - once, factor, once)
        twice = fused_multiply_add(once - twice, factor, twice)
        thrice = fused_multiply_add(twice - thrice, factor, thrice)
        target[index] = 3.0 * once - 3.0 * twice + thrice
    return out


@jit
def _moving_average(values: FloatArray, start: int, period: int, ma_type: int) -> FloatArray:
    """TA-Lib's ``TA_MA`` dispatch; period 1 is the identity as in TA-Lib."""
    if period == 1:
        return _copy_from(values, start)
    if ma_type == EMA_TYPE:
        return _ema(values, start, period)
    if ma_type == WMA_TYPE:
        return _wma(values, start, period)
    if ma_type == DEMA_TYPE:
        return _dema(values, start, period)
    if ma_type == TEMA_TYPE:
        return _tema(values, start, period)
    if ma_type == TRIMA_TYPE:
        return _trima(values, start, period)
    if ma_type == KAMA_TYPE:
        return _kama(values, start, period)
    return _sma(values, start, period)


@jit
def _variance(values: FloatArray, start: int, period: int) -> FloatArray:
    """Population variance as ``mean(x²) - mean(x)²`` from running sums (TA-Lib's VAR)."""
    length = values.shape[0]
    first = start + period - 1
    out = _output(length, first)
    if first >= length:
        return out
    total = 0.0
    total_squares = 0.0
    for index in range(start, first):
        value = values[index]
        total += value
        total_squares += value * value
    for index in range(first, length):
        value = values[index]
        total += value
        total_squares += value * value
        mean = total / period
        mean_squares = total_squares / period
        leaving = values[index - period + 1]
        total -= leaving
        total_squares -= leaving * leaving
        out[index] = mean_squares - mean * mean
    return out


@jit
def _bbands(
    values: FloatArray,
    start: int,
    period: int,
    deviations_up: float,
    deviations_down: float,
    ma_type: int,
    upper: FloatArray,
    middle: FloatArray,
    lower: FloatArray,
) -> None:
    """Fill the three bands (allocated by the caller, see :func:`_empty_outputs`)."""
    length = values.shape[0]
    if ma_type == SMA_TYPE:
        for index in range(min(start + period - 1, length)):
            middle[index] = np.nan
    else:
        middle[:] = _moving_average(values, start, period, ma_type)
    lookback = period - 1
    if ma_type == DEMA_TYPE:
        lookback = 2 * (period - 1)
    elif ma_type == TEMA_TYPE:
        lookback = 3 * (period - 1)
    elif ma_type == KAMA_TYPE:
        lookback = period
    first = start + lookback
    for index in range(min(first, length)):
        upper[index] = np.nan
        lower[index] = np.nan
    if first >= length:
        return
    if ma_type == SMA_TYPE:
        # Deviation from the SMA itself: mean of squares minus the squared SMA. The SMA's own
        # running sum is recomputed here with the same operations as ``_sma``, in one pass.
        total = 0.0
        total_squares = 0.0
        for index in range(start, first):
            value = values[index]
            total += value
            total_squares += value * value
        for index in range(first, length):
            value = values[index]
            total += value
            total_squares += value * value
            center = total / period
            variance = total_squares / period
            leaving = values[index - period + 1]
            total -= leaving
            total_squares -= leaving * leaving
            variance -= center * center
            deviation = 0.0 if variance < ZERO_THRESHOLD else math.sqrt(variance)
            middle[index] = center
            upper[index] = center + deviation * deviations_up
            lower[index] = center - deviation * deviations_down
    else:
        variances = _variance(values, first - (period - 1), period)
        for index in range(first, length):
            variance = variances[index]
            deviation = 0.0 if variance < ZERO_THRESHOLD else math.sqrt(variance)
            center = middle[index]
            upper[index] = center + deviation * deviations_up
            lower[index] = center - deviation * deviations_down


@jit
def _rescan_highest(values: FloatArray, trailing: int, today: int) -> tuple[int, float]:
    """Index and value of the first highest of ``values[trailing : today + 1]``, comparing
    with ``>`` from the oldest bar (TA-Lib's rescan), without branches in the loop."""
    window = values[trailing : today + 1]
    best_offset = 0
    best = window[0]
    for offset in range(1, window.shape[0]):
        candidate = window[offset]
        better = candidate > best
        best_offset = offset if better else best_offset
        best = candidate if better else best
    return trailing + best_offset, best


@jit
def _rescan_lowest(values: FloatArray, trailing: int, today: int) -> tuple[int, float]:
    """Index and value of the first lowest of ``values[trailing : today + 1]``, comparing
    with ``<`` from the oldest bar (TA-Lib's rescan), without branches in the loop."""
    window = values[trailing : today + 1]
    best_offset = 0
    best = window[0]
    for offset in range(1, window.shape[0]):
        candidate = window[offset]
        better = candidate < best
        best_offset = offset if better else best_offset
        best = candidate if better else best
    return trailing + best_offset, best


@jit
def _midprice(high: FloatArray, low: FloatArray, start: int, period: int) -> FloatArray:
    """TA-Lib's MIDPRICE with its tracked extremes inlined: keep the index of the highest high
    and lowest low, rescan the window only when that bar leaves it."""
    length = high.shape[0]
    first = start + period - 1
    out = _output(length, first)
    highest_index = -1
    highest = 0.0
    lowest_index = -1
    lowest = 0.0
    for today in range(first, length):
        trailing = today - period + 1
        value = high[today]
        if highest_index < trailing:
            highest_index, highest = _rescan_highest(high, trailing, today)
        elif value >= highest:
            highest_index = today
            highest = value
        value = low[today]
        if lowest_index < trailing:
            lowest_index, lowest = _rescan_lowest(low, trailing, today)
        elif value <= lowest:
            lowest_index = today
            lowest = value
        out[today] = (highest + lowest) / 2.0
    return out


# -- kernels: rolling highest / lowest -----------------------------------------------------

RANGE_MIDPOINT = 0
RANGE_FAST_K = 1
RANGE_WILLIAMS = 2


@ieee_jit
def _range_of_windows(
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    start: int,
    period: int,
    mode: int,
    out: FloatArray,
) -> bool:
    """Fill ``out[start + period - 1 :]`` from the highest high and lowest low of each
    ``period``-bar window: their midpoint (``RANGE_MIDPOINT``), raw %K (``RANGE_FAST_K``) or
    Williams' %R (``RANGE_WILLIAMS``); NaN before. Return whether a high or low from ``start``
    on is NaN.

    The van Herk / Gil-Werman scheme: cut the bars into blocks of ``period`` from ``start``;
    a window ending in one block starts in the block before, so its extreme is the larger of
    the running extreme from the start of its own block and the extreme of the previous block
    from the window's first bar on (kept in two small buffers). That is three compare-and-select
    steps per bar and input, without branches or rescans. The value of a maximum does not depend
    on the order its bars are compared in, so without NaN the results equal TA-Lib's tracked
    extremes; with a NaN (the return value) they may not, and the caller recomputes."""
    length = high.shape[0]
    first = start + period - 1
    for index in range(min(first, length)):
        out[index] = np.nan
    if first >= length:
        return False
    # ``tail[offset]``: extreme of the previous block from ``offset`` on; the sentinel at
    # ``period`` stands for "nothing left of it" (the window is the current block).
    high_tail = np.empty(period + 1)
    low_tail = np.empty(period + 1)
    high_tail[period] = -math.inf
    low_tail[period] = math.inf
    unordered = False
    block_start = start
    while block_start < length:
        block_end = min(block_start + period, length)
        highs = high[block_start:block_end]
        lows = low[block_start:block_end]
        closes = close[block_start:block_end]
        target = out[block_start:block_end]
        highs_tail = high_tail[1:]
        lows_tail = low_tail[1:]
        running_high = highs[0]
        running_low = lows[0]
        for offset in range(highs.shape[0]):
            upper = highs[offset]
            lower = lows[offset]
            unordered |= (upper != upper) | (lower != lower)
            running_high = upper if upper > running_high else running_high
            running_low = lower if lower < running_low else running_low
            value = highs_tail[offset]
            highest = value if value > running_high else running_high
            value = lows_tail[offset]
            lowest = value if value < running_low else running_low
            if mode == RANGE_MIDPOINT:
                target[offset] = (highest + lowest) / 2.0
            else:
                spread = highest - lowest
                if mode == RANGE_WILLIAMS:
                    result = (highest - closes[offset]) / spread * -100.0
                else:
                    result = (closes[offset] - lowest) / spread * 100.0
                flat = spread <= FLAT_RANGE_RELATIVE * (abs(highest) + abs(lowest))
                target[offset] = 0.0 if flat else result
        if block_start == start:
            # Windows ending before ``first`` would start before ``start``.
            for index in range(start, first):
                out[index] = np.nan
        if block_end - block_start == period:
            best_high = -math.inf
            best_low = math.inf
            for offset in range(period - 1, -1, -1):
                value = highs[offset]
                best_high = value if value > best_high else best_high
                high_tail[offset] = best_high
                value = lows[offset]
                best_low = value if value < best_low else best_low
                low_tail[offset] = best_low
        block_start = block_end
    return unordered


# -- public batch functions ----------------------------------------------------------------


def _single_average(real: ArrayLike, timeperiod: int, ma_type: int) -> Any:
    values = as_float_array(real, "real")
    period = checked_period("timeperiod", timeperiod, 1)
    result = _moving_average(values, _first_valid(values), period, ma_type)
    return wrap(result, index_of(real))


def sma(real: ArrayLike, timeperiod: int = 30) -> Any:
    """Simple moving average, equal to ``talib.SMA``.

    ``timeperiod`` 1..100000 (1 returns the input, as TA-Lib does). Output: NaN for the first
    ``timeperiod - 1`` bars after the first valid input, then the mean of the last
    ``timeperiod`` values. Raises IndicatorError for a bad period, non-numeric input or inf.
    """
    return _single_average(real, timeperiod, SMA_TYPE)


def ema(real: ArrayLike, timeperiod: int = 30) -> Any:
    """Exponential moving average, equal to ``talib.EMA``.

    Seeded with the SMA of the first ``timeperiod`` values, then ``k = 2 / (timeperiod + 1)``.
    ``timeperiod`` 1..100000; lookback ``timeperiod - 1``. Bad input raises IndicatorError.
    """
    return _single_average(real, timeperiod, EMA_TYPE)


def wma(real: ArrayLike, timeperiod: int = 30) -> Any:
    """Linearly weighted moving average (newest weight ``timeperiod``), equal to ``talib.WMA``.

    ``timeperiod`` 1..100000; lookback ``timeperiod - 1``. Bad input raises IndicatorError.
    """
    return _single_average(real, timeperiod, WMA_TYPE)


def dema(real: ArrayLike, timeperiod: int = 30) -> Any:
    """Double EMA ``2·EMA - EMA(EMA)``, equal to ``talib.DEMA``.

    ``timeperiod`` 1..100000; lookback ``2·(timeperiod - 1)``. Bad input raises IndicatorError.
    """
    return _single_average(real, timeperiod, DEMA_TYPE)


def tema(real: ArrayLike, timeperiod: int = 30) -> Any:
    """Triple EMA ``3·EMA - 3·EMA² + EMA³``, equal to ``talib.TEMA``.

    ``timeperiod`` 1..100000; lookback ``3·(timeperiod - 1)``. Bad input raises IndicatorError.
    """
    return _single_average(real, timeperiod, TEMA_TYPE)


def trima(real: ArrayLike, timeperiod: int = 30) -> Any:
    """Triangular moving average (an SMA of an SMA), equal to ``talib.TRIMA``.

    ``timeperiod`` 1..100000; lookback ``timeperiod - 1``. Bad input raises IndicatorError.
    """
    return _single_average(real, timeperiod, TRIMA_TYPE)


def kama(real: ArrayLike, timeperiod: int = 30) -> Any:
    """Kaufman adaptive moving average, equal to ``talib.KAMA`` (default unstable period 0).

    ``timeperiod`` 1..100000; lookback ``timeperiod``. Bad input raises IndicatorError.
    """
    return _single_average(real, timeperiod, KAMA_TYPE)


def bbands(
    real: ArrayLike,
    timeperiod: int = 20,
    nbdevup: float = 2.0,
    nbdevdn: float = 2.0,
    matype: int = 0,
) -> tuple[Any, Any, Any]:
    """Bollinger bands ``(upperband, middleband, lowerband)``, equal to ``talib.BBANDS``.

    ``middleband`` is the moving average of type ``matype`` (0 SMA, 1 EMA, 2 WMA, 3 DEMA,
    4 TEMA, 5 TRIMA, 6 KAMA; 7 MAMA and 8 T3 raise IndicatorError); the bands add and subtract
    ``nbdevup`` / ``nbdevdn`` population standard deviations over ``timeperiod`` (2..100000).
    Variances below 1e-8 count as 0, as in TA-Lib.
    """
    values = as_float_array(real, "real")
    period = checked_period("timeperiod", timeperiod, 2)
    up = check_number("nbdevup", nbdevup)
    down = check_number("nbdevdn", nbdevdn)
    ma_type = checked_ma_type("matype", matype)
    upper, middle, lower = _empty_outputs(3, values.shape[0])
    _bbands(values, _first_valid(values), period, up, down, ma_type, upper, middle, lower)
    index = index_of(real)
    return wrap(upper, index), wrap(middle, index), wrap(lower, index)


def midprice(high: ArrayLike, low: ArrayLike, timeperiod: int = 14) -> Any:
    """``(highest high + lowest low) / 2`` over ``timeperiod`` bars, equal to ``talib.MIDPRICE``.

    ``timeperiod`` 2..100000; lookback ``timeperiod - 1``. Inputs must have the same length;
    leading bars where either is NaN are skipped. Bad input raises IndicatorError.
    """
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    check_same_length(high=high_values, low=low_values)
    period = checked_period("timeperiod", timeperiod, 2)
    start = _first_valid_pair(high_values, low_values)
    result = np.empty(high_values.shape[0])
    if _range_of_windows(
        high_values, low_values, high_values, start, period, RANGE_MIDPOINT, result
    ):
        result = _midprice(high_values, low_values, start, period)
    return wrap(result, index_of(high, low))
