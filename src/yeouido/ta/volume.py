"""Volume indicators with TA-Lib's names, parameters and results: ``obv``, ``ad``, ``adosc``,
``mfi``.

Inputs are numpy arrays, pandas Series or sequences of numbers; the output has the same kind.
Leading bars where any input is NaN are skipped as the ``talib`` wrapper does (when no bar is
complete the result is all NaN; the wrapper would compute the last bar alone); later NaN
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
from yeouido.ta.volatility import ZERO_EPSILON, first_complete_row, fused_multiply_add

__all__ = ["ad", "adosc", "mfi", "obv"]


@jit
def _obv_kernel(close: FloatArray, volume: FloatArray) -> FloatArray:
    length = len(close)
    output = np.full(length, np.nan)
    start = first_complete_row(close, volume, close, volume)
    if start >= length:
        return output
    balance = volume[start]
    previous = close[start]
    for today in range(start, length):
        price = close[today]
        if price > previous:
            balance += volume[today]
        elif price < previous:
            balance -= volume[today]
        output[today] = balance
        previous = price
    return output


def obv(real: ArrayLike, volume: ArrayLike) -> FloatArray:
    """On-balance volume (TA-Lib ``OBV``).

    Starts at the first complete bar's volume, then adds the volume on bars where ``real``
    rose, subtracts it where it fell, keeps it where unchanged. No warm-up."""
    index = index_of(real, volume)
    real_values = as_float_array(real, "real")
    volume_values = as_float_array(volume, "volume")
    check_same_length(real=real_values, volume=volume_values)
    result: FloatArray = wrap(_obv_kernel(real_values, volume_values), index)
    return result


@jit
def money_flow_volume(high: float, low: float, close: float, volume: float) -> float:
    """One bar's accumulation/distribution increment, ``((close - low) - (high - close)) /
    (high - low) * volume``, or 0 when ``high - low`` is not positive."""
    spread = high - low
    if spread > 0.0:
        return (((close - low) - (high - close)) / spread) * volume
    return 0.0


@jit
def _ad_kernel(
    high: FloatArray, low: FloatArray, close: FloatArray, volume: FloatArray
) -> FloatArray:
    length = len(high)
    output = np.full(length, np.nan)
    start = first_complete_row(high, low, close, volume)
    line = 0.0
    for today in range(start, length):
        line += money_flow_volume(high[today], low[today], close[today], volume[today])
        output[today] = line
    return output


def ad(high: ArrayLike, low: ArrayLike, close: ArrayLike, volume: ArrayLike) -> FloatArray:
    """Chaikin accumulation/distribution line (TA-Lib ``AD``): the running sum of
    ``((close - low) - (high - close)) / (high - low) * volume`` (bars with ``high <= low`` add
    0). No warm-up."""
    index = index_of(high, low, close, volume)
    arrays = _four(high, low, close, volume)
    result: FloatArray = wrap(_ad_kernel(*arrays), index)
    return result


@jit
def _adosc_kernel(
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    volume: FloatArray,
    fast_period: int,
    slow_period: int,
) -> FloatArray:
    length = len(high)
    output = np.full(length, np.nan)
    start = first_complete_row(high, low, close, volume)
    if start >= length:
        return output
    slowest = fast_period if fast_period > slow_period else slow_period
    fast_k = 2.0 / (fast_period + 1.0)
    fast_rest = 1.0 - fast_k
    slow_k = 2.0 / (slow_period + 1.0)
    slow_rest = 1.0 - slow_k
    line = 0.0
    line += money_flow_volume(high[start], low[start], close[start], volume[start])
    fast_average = line
    slow_average = line
    for today in range(start + 1, length):
        line += money_flow_volume(high[today], low[today], close[today], volume[today])
        fast_average = fused_multiply_add(fast_average, fast_rest, fast_k * line)
        slow_average = fused_multiply_add(slow_average, slow_rest, slow_k * line)
        if today - start >= slowest - 1:
            output[today] = fast_average - slow_average
    return output


def adosc(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    volume: ArrayLike,
    fastperiod: int = 3,
    slowperiod: int = 10,
) -> FloatArray:
    """Chaikin A/D oscillator (TA-Lib ``ADOSC``): EMA(fastperiod) - EMA(slowperiod) of the
    :func:`ad` line.

    Both EMAs use ``k = 2 / (period + 1)`` and are seeded with the first A/D value (not an
    SMA). Both periods ``>= 2``; the first ``max(fastperiod, slowperiod) - 1`` bars are NaN."""
    index = index_of(high, low, close, volume)
    arrays = _four(high, low, close, volume)
    fast = check_period("fastperiod", fastperiod, 2)
    slow = check_period("slowperiod", slowperiod, 2)
    result: FloatArray = wrap(_adosc_kernel(*arrays, fast, slow), index)
    return result


@jit
def _mfi_kernel(
    high: FloatArray, low: FloatArray, close: FloatArray, volume: FloatArray, period: int
) -> FloatArray:
    length = len(high)
    output = np.full(length, np.nan)
    start = first_complete_row(high, low, close, volume)
    if start >= length:
        return output
    positive = np.zeros(period)
    negative = np.zeros(period)
    slot = 0
    positive_sum = 0.0
    negative_sum = 0.0
    quiet_run = 0
    previous = (high[start] + low[start] + close[start]) / 3.0
    for today in range(start + 1, length):
        if today - start > period:
            positive_sum -= positive[slot]
            negative_sum -= negative[slot]
        typical = (high[today] + low[today] + close[today]) / 3.0
        positive_flow, negative_flow = money_flow_split(typical, previous, volume[today])
        previous = typical
        positive[slot] = positive_flow
        negative[slot] = negative_flow
        positive_sum += positive_flow
        negative_sum += negative_flow
        if positive_flow == 0.0 and negative_flow == 0.0:
            quiet_run += 1
        else:
            quiet_run = 0
        if quiet_run >= period:
            quiet_run = period
            positive_sum = 0.0
            negative_sum = 0.0
        slot += 1
        if slot == period:
            slot = 0
        if today - start >= period:
            output[today] = money_flow_ratio(positive_sum, negative_sum)
    return output


@jit
def money_flow_split(typical: float, previous: float, volume: float) -> tuple[float, float]:
    """One bar's (positive, negative) money flow: ``typical * volume`` on the side the typical
    price moved to; both 0 when the move is within TA-Lib's scaled dead zone
    ``|change| <= 1e-14 * (|typical| + |previous|)``."""
    change = typical - previous
    scale = abs(typical) + abs(previous)
    flow = typical * volume
    if abs(change) <= ZERO_EPSILON * scale:
        flow = 0.0
    if change < 0.0:
        return 0.0, flow
    return flow, 0.0


@jit
def money_flow_ratio(positive_sum: float, negative_sum: float) -> float:
    """``100 * positive / (positive + negative)`` with the positive sum clamped into
    ``[0, total]`` (running sums drift by a few ulp); 0 when the total is not positive."""
    total = positive_sum + negative_sum
    if positive_sum < 0.0:
        clamped = 0.0
    elif positive_sum > total:
        clamped = total
    else:
        clamped = positive_sum
    if total <= 0.0:
        return 0.0
    return 100.0 * (clamped / total)


def mfi(
    high: ArrayLike, low: ArrayLike, close: ArrayLike, volume: ArrayLike, timeperiod: int = 14
) -> FloatArray:
    """Money flow index (TA-Lib ``MFI``): ``100 * positive flow / (positive + negative flow)``
    over ``timeperiod`` bars.

    A bar's money flow is ``typical price * volume`` with ``typical = (high + low + close) /
    3``; it counts as positive when the typical price rose from the previous bar, negative when
    it fell, neither when unchanged (within ``1e-14`` of the prices' size). The positive sum is
    clamped into ``[0, total]``; 0 when the total is not positive; both sums restart from exact
    zero after ``timeperiod`` bars without flow (TA-Lib 0.8 rules).
    ``timeperiod >= 2``; the first ``timeperiod`` bars are NaN."""
    index = index_of(high, low, close, volume)
    arrays = _four(high, low, close, volume)
    period = check_period("timeperiod", timeperiod, 2)
    result: FloatArray = wrap(_mfi_kernel(*arrays, period), index)
    return result


def _four(
    high: ArrayLike, low: ArrayLike, close: ArrayLike, volume: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    close_values = as_float_array(close, "close")
    volume_values = as_float_array(volume, "volume")
    check_same_length(high=high_values, low=low_values, close=close_values, volume=volume_values)
    return high_values, low_values, close_values, volume_values
