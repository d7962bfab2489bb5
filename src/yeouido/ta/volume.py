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
)

__all__ = ["ad", "adosc", "mfi", "obv"]


@ieee_jit
def _obv_kernel(close: FloatArray, volume: FloatArray) -> tuple[FloatArray, bool]:
    length = len(close)
    start = first_complete_row(close, volume, close, volume)
    output = output_array(length, start)
    if start >= length:
        return output, rows_have_inf(close, volume, close, volume, 0, length)
    balance = volume[start]
    previous = close[start]
    probe = 0.0
    # Views from ``start`` index from 0, which spares the compiler negative-index checks.
    prices = close[start:]
    amounts = volume[start:]
    balances = output[start:]
    # The change is picked from a small table instead of by branches (price moves are a coin
    # toss, so branches would mispredict half the time). Adding -0.0 leaves every value as it
    # is (even -0.0 and NaN), and ``balance + (-amount)`` is ``balance - amount`` exactly.
    changes = np.empty(3)
    changes[0] = -0.0
    for position in range(length - start):
        price = prices[position]
        amount = amounts[position]
        probe += price + amount
        changes[1] = amount
        changes[2] = -amount
        balance += changes[int(price > previous) + 2 * int(price < previous)]
        balances[position] = balance
        previous = price
    return output, not_finite(probe) or rows_have_inf(close, volume, close, volume, 0, start)


def obv(real: ArrayLike, volume: ArrayLike) -> FloatArray:
    """On-balance volume (TA-Lib ``OBV``).

    Starts at the first complete bar's volume, then adds the volume on bars where ``real``
    rose, subtracts it where it fell, keeps it where unchanged. No warm-up."""
    index = index_of(real, volume)
    real_values, volume_values = float_inputs(real=real, volume=volume)
    output, found = _obv_kernel(real_values, volume_values)
    if found:
        raise_if_inf(real=real_values, volume=volume_values)
    result: FloatArray = wrap(output, index)
    return result


@ieee_jit
def money_flow_volume(high: float, low: float, close: float, volume: float) -> float:
    """One bar's accumulation/distribution increment, ``((close - low) - (high - close)) /
    (high - low) * volume``, or 0 when ``high - low`` is not positive."""
    spread = high - low
    if spread > 0.0:
        return (((close - low) - (high - close)) / spread) * volume
    return 0.0


@ieee_jit
def _ad_kernel(
    high: FloatArray, low: FloatArray, close: FloatArray, volume: FloatArray
) -> tuple[FloatArray, bool]:
    length = len(high)
    start = first_complete_row(high, low, close, volume)
    output = output_array(length, start)
    line = 0.0
    probe = 0.0
    highs = high[start:]
    lows = low[start:]
    closes = close[start:]
    volumes = volume[start:]
    lines = output[start:]
    for position in range(length - start):
        bar_high = highs[position]
        bar_low = lows[position]
        bar_close = closes[position]
        bar_volume = volumes[position]
        probe += (bar_high + bar_low) + (bar_close + bar_volume)
        line += money_flow_volume(bar_high, bar_low, bar_close, bar_volume)
        lines[position] = line
    return output, not_finite(probe) or rows_have_inf(high, low, close, volume, 0, start)


def ad(high: ArrayLike, low: ArrayLike, close: ArrayLike, volume: ArrayLike) -> FloatArray:
    """Chaikin accumulation/distribution line (TA-Lib ``AD``): the running sum of
    ``((close - low) - (high - close)) / (high - low) * volume`` (bars with ``high <= low`` add
    0). No warm-up."""
    index = index_of(high, low, close, volume)
    arrays = _four(high, low, close, volume)
    output, found = _ad_kernel(*arrays)
    if found:
        _raise_if_inf(arrays)
    result: FloatArray = wrap(output, index)
    return result


@ieee_jit
def _adosc_kernel(
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    volume: FloatArray,
    fast_period: int,
    slow_period: int,
) -> tuple[FloatArray, bool]:
    length = len(high)
    start = first_complete_row(high, low, close, volume)
    slowest = fast_period if fast_period > slow_period else slow_period
    first_output = start + slowest - 1
    output = output_array(length, first_output)
    if start >= length:
        return output, rows_have_inf(high, low, close, volume, 0, length)
    fast_k = 2.0 / (fast_period + 1.0)
    fast_rest = 1.0 - fast_k
    slow_k = 2.0 / (slow_period + 1.0)
    slow_rest = 1.0 - slow_k
    line = 0.0
    line += money_flow_volume(high[start], low[start], close[start], volume[start])
    fast_average = line
    slow_average = line
    probe = (high[start] + low[start]) + (close[start] + volume[start])
    highs = high[start:]
    lows = low[start:]
    closes = close[start:]
    volumes = volume[start:]
    outputs = output[start:]
    first_position = slowest - 1
    for position in range(1, length - start):
        bar_high = highs[position]
        bar_low = lows[position]
        bar_close = closes[position]
        bar_volume = volumes[position]
        probe += (bar_high + bar_low) + (bar_close + bar_volume)
        line += money_flow_volume(bar_high, bar_low, bar_close, bar_volume)
        fast_average = fused_multiply_add(fast_average, fast_rest, fast_k * line)
        slow_average = fused_multiply_add(slow_average, slow_rest, slow_k * line)
        if position >= first_position:
            outputs[position] = fast_average - slow_average
    return output, not_finite(probe) or rows_have_inf(high, low, close, volume, 0, start)


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
    with inf_reported_first(**_named(arrays)):
        fast = check_period("fastperiod", fastperiod, 2)
        slow = check_period("slowperiod", slowperiod, 2)
    output, found = _adosc_kernel(*arrays, fast, slow)
    if found:
        _raise_if_inf(arrays)
    result: FloatArray = wrap(output, index)
    return result


@ieee_jit
def _mfi_kernel(
    high: FloatArray, low: FloatArray, close: FloatArray, volume: FloatArray, period: int
) -> tuple[FloatArray, bool]:
    length = len(high)
    start = first_complete_row(high, low, close, volume)
    output = output_array(length, start + period)
    if start >= length:
        return output, rows_have_inf(high, low, close, volume, 0, length)
    positive = np.zeros(period)
    negative = np.zeros(period)
    slot = 0
    positive_sum = 0.0
    negative_sum = 0.0
    quiet_run = 0
    previous = (high[start] + low[start] + close[start]) / 3.0
    probe = previous + volume[start]
    for today in range(start + 1, length):
        if today - start > period:
            positive_sum -= positive[slot]
            negative_sum -= negative[slot]
        bar_volume = volume[today]
        typical = (high[today] + low[today] + close[today]) / 3.0
        probe += typical + bar_volume
        positive_flow, negative_flow = money_flow_split(typical, previous, bar_volume)
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
    # ``typical`` is NaN or inf whenever one of high, low, close is inf.
    return output, not_finite(probe) or rows_have_inf(high, low, close, volume, 0, start)


@ieee_jit
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


@ieee_jit
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
    with inf_reported_first(**_named(arrays)):
        period = check_period("timeperiod", timeperiod, 2)
    output, found = _mfi_kernel(*arrays, period)
    if found:
        _raise_if_inf(arrays)
    result: FloatArray = wrap(output, index)
    return result


def _four(
    high: ArrayLike, low: ArrayLike, close: ArrayLike, volume: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    high_values, low_values, close_values, volume_values = float_inputs(
        high=high, low=low, close=close, volume=volume
    )
    return high_values, low_values, close_values, volume_values


def _named(arrays: tuple[FloatArray, FloatArray, FloatArray, FloatArray]) -> dict[str, FloatArray]:
    return dict(zip(("high", "low", "close", "volume"), arrays, strict=True))


def _raise_if_inf(arrays: tuple[FloatArray, FloatArray, FloatArray, FloatArray]) -> None:
    raise_if_inf(**_named(arrays))
