"""Indicators of Korean HTS (Kiwoom 영웅문, CYBOS, …) that TA-Lib lacks.

Same conventions as the TA-Lib-style functions: lower-case names, numpy arrays / pandas Series
/ sequences in, the same kind out (Series in gives Series on the same index), leading bars with
a NaN input skipped, ``inf`` / mismatched lengths / bad parameters raising
:class:`~yeouido.model.errors.IndicatorError`. Multi-output functions return tuples in the
documented order. The moving average inside :func:`disparity` and :func:`envelope` is
:func:`yeouido.ta.overlap.sma` (TA-Lib's SMA).

==================  =================================================================
function            formula (defaults as in Kiwoom/CYBOS)
==================  =================================================================
``disparity``       이격도 ``close / SMA(close, 20) * 100``
``psy``             투자심리선 ``100 * (up days in the last 10) / 10``
``vr``              ``(U + E / 2) / (D + E / 2) * 100`` over 20 bars (volume of up,
                    down and unchanged days)
``envelope``        ``SMA(20) * (1 ± 6 / 100)`` as ``(upper, middle, lower)``
``price_channel``   highest high / lowest low of the 20 bars BEFORE the current one
``ichimoku``        일목균형표 9 / 26 / 52, spans shifted 26
``pivot_points``    classic pivots from the previous bar
``vwap``            intraday VWAP restarting every session
``adr``             등락비율 ``sum(advances, 20) / sum(declines, 20) * 100``
==================  =================================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from yeouido.model.errors import IndicatorError
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
from yeouido.ta.overlap import sma
from yeouido.ta.volatility import first_complete_row

__all__ = [
    "adr",
    "advance_decline_counts",
    "disparity",
    "envelope",
    "envelope_factors",
    "ichimoku",
    "pivot_levels",
    "pivot_points",
    "price_channel",
    "psy",
    "session_codes",
    "vr",
    "vwap",
]


def disparity(close: ArrayLike, timeperiod: int = 20) -> Any:
    """이격도 (disparity): ``close / SMA(close, timeperiod) * 100`` (computed as
    ``(close / sma) * 100``).

    100 means the close sits on its moving average. ``timeperiod >= 1``; the first
    ``timeperiod - 1`` bars after any leading NaN are NaN."""
    index = index_of(close)
    values = as_float_array(close, "close")
    period = check_period("timeperiod", timeperiod, 1)
    average = np.asarray(sma(values, timeperiod=period), dtype=np.float64)
    return wrap(values / average * 100.0, index)


def envelope(close: ArrayLike, timeperiod: int = 20, percent: float = 6.0) -> tuple[Any, Any, Any]:
    """Envelope: ``(upper, middle, lower)`` with ``middle = SMA(close, timeperiod)``,
    ``upper = middle * (1 + percent / 100)``, ``lower = middle * (1 - percent / 100)``.

    ``timeperiod >= 1``, ``0 <= percent``; warm-up as the SMA."""
    index = index_of(close)
    values = as_float_array(close, "close")
    period = check_period("timeperiod", timeperiod, 1)
    width = check_number("percent", percent, minimum=0.0)
    middle = np.asarray(sma(values, timeperiod=period), dtype=np.float64)
    upper_factor, lower_factor = envelope_factors(width)
    return (
        wrap(middle * upper_factor, index, "upper"),
        wrap(middle, index, "middle"),
        wrap(middle * lower_factor, index, "lower"),
    )


def envelope_factors(percent: float) -> tuple[float, float]:
    """``(1 + percent / 100, 1 - percent / 100)``, the band multipliers of :func:`envelope`."""
    return 1.0 + percent / 100.0, 1.0 - percent / 100.0


@jit
def _psy_kernel(close: FloatArray, period: int) -> FloatArray:
    length = len(close)
    output = np.full(length, np.nan)
    start = first_complete_row(close, close, close, close)
    rises = np.zeros(length, dtype=np.int64)
    count = 0
    for today in range(start + 1, length):
        if close[today] > close[today - 1]:
            rises[today] = 1
        count += rises[today]
        if today - start > period:
            count -= rises[today - period]
        if today - start >= period:
            output[today] = 100.0 * count / period
    return output


def psy(close: ArrayLike, timeperiod: int = 10) -> Any:
    """투자심리선 (psychological line): ``100 * up days / timeperiod`` over the last
    ``timeperiod`` bars, an up day being ``close > previous close``.

    Needs ``timeperiod + 1`` closes: the first ``timeperiod`` bars after any leading NaN are
    NaN. A later NaN close makes that day (and the next) count as not up."""
    index = index_of(close)
    values = as_float_array(close, "close")
    period = check_period("timeperiod", timeperiod, 1)
    return wrap(_psy_kernel(values, period), index)


@jit
def _vr_kernel(close: FloatArray, volume: FloatArray, period: int) -> FloatArray:
    length = len(close)
    output = np.full(length, np.nan)
    start = first_complete_row(close, volume, close, volume)
    kinds = np.zeros(length, dtype=np.int64)
    up = 0.0
    down = 0.0
    unchanged = 0.0
    for today in range(start + 1, length):
        if close[today] > close[today - 1]:
            kinds[today] = 1
            up += volume[today]
        elif close[today] < close[today - 1]:
            kinds[today] = -1
            down += volume[today]
        else:
            unchanged += volume[today]
        if today - start > period:
            leaving = today - period
            if kinds[leaving] == 1:
                up -= volume[leaving]
            elif kinds[leaving] == -1:
                down -= volume[leaving]
            else:
                unchanged -= volume[leaving]
        if today - start >= period:
            denominator = down + unchanged / 2.0
            if denominator != 0.0:
                output[today] = (up + unchanged / 2.0) / denominator * 100.0
    return output


def vr(close: ArrayLike, volume: ArrayLike, timeperiod: int = 20) -> Any:
    """Volume ratio: ``(U + E / 2) / (D + E / 2) * 100`` where ``U``, ``D`` and ``E`` are the
    summed volumes of the up, down and unchanged days (close vs previous close) among the
    last ``timeperiod`` bars.

    ``timeperiod >= 1``; the first ``timeperiod`` bars after any leading NaN are NaN; NaN where
    the denominator is zero (no down or unchanged volume)."""
    index = index_of(close, volume)
    close_values = as_float_array(close, "close")
    volume_values = as_float_array(volume, "volume")
    check_same_length(close=close_values, volume=volume_values)
    period = check_period("timeperiod", timeperiod, 1)
    return wrap(_vr_kernel(close_values, volume_values, period), index)


@jit
def _window_extremes(
    high: FloatArray, low: FloatArray, first: int, last: int
) -> tuple[float, float]:
    """Highest high and lowest low over ``[first, last]``; NaN if any value there is NaN."""
    highest = high[first]
    lowest = low[first]
    for position in range(first, last + 1):
        value = high[position]
        if value != value:
            return np.nan, np.nan
        if value > highest:
            highest = value
        value = low[position]
        if value != value:
            return np.nan, np.nan
        if value < lowest:
            lowest = value
    return highest, lowest


@jit
def _price_channel_kernel(
    high: FloatArray, low: FloatArray, period: int
) -> tuple[FloatArray, FloatArray]:
    length = len(high)
    upper = np.full(length, np.nan)
    lower = np.full(length, np.nan)
    start = first_complete_row(high, low, high, low)
    for today in range(start + period, length):
        upper[today], lower[today] = _window_extremes(high, low, today - period, today - 1)
    return upper, lower


def price_channel(high: ArrayLike, low: ArrayLike, timeperiod: int = 20) -> tuple[Any, Any]:
    """Price channel ``(upper, lower)``: the highest high and lowest low of the ``timeperiod``
    bars BEFORE the current bar (the current bar is excluded, so ``close > upper`` is a
    breakout).

    ``timeperiod >= 1``; the first ``timeperiod`` bars after any leading NaN are NaN, and so is
    any bar whose window holds a NaN."""
    index = index_of(high, low)
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    check_same_length(high=high_values, low=low_values)
    period = check_period("timeperiod", timeperiod, 1)
    upper, lower = _price_channel_kernel(high_values, low_values, period)
    return wrap(upper, index, "upper"), wrap(lower, index, "lower")


@jit
def _midpoint_line(high: FloatArray, low: FloatArray, start: int, period: int) -> FloatArray:
    length = len(high)
    output = np.full(length, np.nan)
    for today in range(start + period - 1, length):
        highest, lowest = _window_extremes(high, low, today - period + 1, today)
        output[today] = (highest + lowest) / 2.0
    return output


@jit
def _ichimoku_kernel(
    high: FloatArray,
    low: FloatArray,
    close: FloatArray,
    conversion_period: int,
    base_period: int,
    leading_period: int,
    displacement: int,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    length = len(high)
    start = first_complete_row(high, low, close, close)
    conversion = _midpoint_line(high, low, start, conversion_period)
    base = _midpoint_line(high, low, start, base_period)
    leading_b_raw = _midpoint_line(high, low, start, leading_period)
    leading_a = np.full(length, np.nan)
    leading_b = np.full(length, np.nan)
    lagging = np.full(length, np.nan)
    for today in range(displacement, length):
        source = today - displacement
        leading_a[today] = (conversion[source] + base[source]) / 2.0
        leading_b[today] = leading_b_raw[source]
    for today in range(length - displacement):
        if today + displacement >= start:
            lagging[today] = close[today + displacement]
    return conversion, base, leading_a, leading_b, lagging


def ichimoku(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    conversion_period: int = 9,
    base_period: int = 26,
    leading_period: int = 52,
    displacement: int = 26,
) -> tuple[Any, Any, Any, Any, Any]:
    """일목균형표 (Ichimoku): ``(conversion, base, leading_a, leading_b, lagging)``.

    - 전환선 ``conversion = (highest high + lowest low) / 2`` over ``conversion_period`` bars
      including the current one; 기준선 ``base`` likewise over ``base_period``.
    - 선행스팬1 ``leading_a = (conversion + base) / 2`` and 선행스팬2 ``leading_b`` = the
      midpoint over ``leading_period`` bars, both shifted FORWARD ``displacement`` bars: index
      ``t`` holds the value computed at ``t - displacement``, i.e. the cloud drawn at bar ``t``.
      The last ``displacement`` computed values, which a chart draws beyond the last bar, are
      not in the arrays: call again with ``displacement=0`` to get them unshifted.
    - 후행스팬 ``lagging`` = close shifted BACK ``displacement`` bars: index ``t`` holds
      ``close[t + displacement]``; the last ``displacement`` entries are NaN.

    Periods ``>= 1``, ``displacement >= 0``; warm-up NaN as implied above."""
    index = index_of(high, low, close)
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    close_values = as_float_array(close, "close")
    check_same_length(high=high_values, low=low_values, close=close_values)
    outputs = _ichimoku_kernel(
        high_values,
        low_values,
        close_values,
        check_period("conversion_period", conversion_period, 1),
        check_period("base_period", base_period, 1),
        check_period("leading_period", leading_period, 1),
        check_period("displacement", displacement, 0),
    )
    names = ("conversion", "base", "leading_a", "leading_b", "lagging")
    conversion, base, leading_a, leading_b, lagging = (
        wrap(output, index, name) for output, name in zip(outputs, names, strict=True)
    )
    return conversion, base, leading_a, leading_b, lagging


def pivot_levels(high: Any, low: Any, close: Any) -> tuple[Any, Any, Any, Any, Any]:
    """Classic pivot levels of one bar (scalars or arrays): ``pivot = (high + low + close) /
    3``, ``r1 = 2 * pivot - low``, ``r2 = pivot + (high - low)``, ``s1 = 2 * pivot - high``,
    ``s2 = pivot - (high - low)``; returned as ``(pivot, r1, r2, s1, s2)``."""
    pivot = (high + low + close) / 3.0
    spread = high - low
    return pivot, 2.0 * pivot - low, pivot + spread, 2.0 * pivot - high, pivot - spread


def pivot_points(
    high: ArrayLike, low: ArrayLike, close: ArrayLike
) -> tuple[Any, Any, Any, Any, Any]:
    """Classic floor pivots ``(pivot, r1, r2, s1, s2)`` for each bar from the PREVIOUS bar's
    high, low and close (see :func:`pivot_levels`). The first bar is NaN; a NaN input makes the
    next bar's levels NaN."""
    index = index_of(high, low, close)
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    close_values = as_float_array(close, "close")
    length = check_same_length(high=high_values, low=low_values, close=close_values)
    levels = pivot_levels(high_values[:-1], low_values[:-1], close_values[:-1])
    names = ("pivot", "r1", "r2", "s1", "s2")
    results = []
    for level, name in zip(levels, names, strict=True):
        shifted = np.full(length, np.nan)
        shifted[1:] = level
        results.append(wrap(shifted, index, name))
    return results[0], results[1], results[2], results[3], results[4]


def session_codes(session: Any, length: int) -> npt.NDArray[np.int64]:
    """Integer codes of the trading session of each bar: equal codes for bars of the same
    session. ``session`` is a ``DatetimeIndex`` / ``datetime64`` array / Series of timestamps
    (the session is the calendar date, in the timestamps' own time zone) or any array of
    session labels (dates, ``yyyymmdd`` integers, strings)."""
    if isinstance(session, pd.Series):
        session = session.to_numpy()
    labels = pd.Index(session)
    if len(labels) != length:
        raise IndicatorError.for_field(
            "inputs",
            f"session={len(labels)}, bars={length}",
            "all input series must have the same length",
        )
    if isinstance(labels, pd.DatetimeIndex):
        if labels.tz is not None:
            labels = labels.tz_localize(None)
        labels = labels.normalize()
    if labels.hasnans:
        raise IndicatorError.for_field("session", "missing", "every bar needs a session")
    codes, _ = pd.factorize(labels)
    return np.ascontiguousarray(codes, dtype=np.int64)


@jit
def _vwap_kernel(
    codes: Any, high: FloatArray, low: FloatArray, close: FloatArray, volume: FloatArray
) -> FloatArray:
    length = len(high)
    output = np.full(length, np.nan)
    price_volume = 0.0
    total_volume = 0.0
    for today in range(length):
        if today == 0 or codes[today] != codes[today - 1]:
            price_volume = 0.0
            total_volume = 0.0
        typical = (high[today] + low[today] + close[today]) / 3.0
        price_volume += typical * volume[today]
        total_volume += volume[today]
        if total_volume > 0.0 or total_volume != total_volume:
            output[today] = price_volume / total_volume
    return output


def vwap(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    volume: ArrayLike,
    session: Any = None,
) -> Any:
    """Intraday volume-weighted average price, restarting at each new trading session.

    ``vwap = sum(typical * volume) / sum(volume)`` over the bars of the session so far, with
    ``typical = (high + low + close) / 3``. ``session`` gives each bar's session (see
    :func:`session_codes`): timestamps (their calendar date is the session) or session labels;
    when omitted, the ``DatetimeIndex`` of a Series input is used. NaN until the session has
    traded volume; a NaN input makes the rest of that session NaN."""
    index = index_of(high, low, close, volume)
    high_values = as_float_array(high, "high")
    low_values = as_float_array(low, "low")
    close_values = as_float_array(close, "close")
    volume_values = as_float_array(volume, "volume")
    length = check_same_length(
        high=high_values, low=low_values, close=close_values, volume=volume_values
    )
    if session is None:
        if not isinstance(index, pd.DatetimeIndex):
            raise IndicatorError.for_field(
                "session", None, "give session dates or Series with a DatetimeIndex"
            )
        session = index
    codes = session_codes(session, length)
    output = _vwap_kernel(codes, high_values, low_values, close_values, volume_values)
    return wrap(output, index)


@jit
def _ratio_of_sums_kernel(advances: FloatArray, declines: FloatArray, period: int) -> FloatArray:
    length = len(advances)
    output = np.full(length, np.nan)
    start = first_complete_row(advances, declines, advances, declines)
    advance_sum = 0.0
    decline_sum = 0.0
    for today in range(start, length):
        advance_sum += advances[today]
        decline_sum += declines[today]
        if today - start >= period:
            advance_sum -= advances[today - period]
            decline_sum -= declines[today - period]
        if today - start >= period - 1 and decline_sum != 0.0:
            output[today] = advance_sum / decline_sum * 100.0
    return output


def advance_decline_counts(closes: Any) -> tuple[FloatArray, FloatArray]:
    """Per-bar counts of instruments that rose / fell from the previous bar, from a 2-D array
    or DataFrame of closes (rows = bars, columns = instruments). Row 0 has no previous bar and
    is NaN; a NaN close counts as neither."""
    if isinstance(closes, pd.DataFrame):
        matrix = closes.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            matrix = np.asarray(closes, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise IndicatorError.for_field(
                "closes", type(closes).__name__, f"must be numbers ({error})"
            ) from None
    if matrix.ndim != 2:
        raise IndicatorError.for_field("closes", f"shape {matrix.shape}", "must be two-dimensional")
    if np.isinf(matrix).any():
        raise IndicatorError.for_field("closes", "inf", "values must be finite (NaN is allowed)")
    advances = np.full(matrix.shape[0], np.nan)
    declines = np.full(matrix.shape[0], np.nan)
    advances[1:] = (matrix[1:] > matrix[:-1]).sum(axis=1)
    declines[1:] = (matrix[1:] < matrix[:-1]).sum(axis=1)
    return advances, declines


def adr(advances: Any, declines: ArrayLike | None = None, timeperiod: int = 20) -> Any:
    """등락비율 (advance/decline ratio): ``sum(advances) / sum(declines) * 100`` over the last
    ``timeperiod`` bars.

    Give either per-bar advance and decline counts (two 1-D inputs), or, with ``declines``
    omitted, a 2-D array / DataFrame of closes (rows = bars, columns = instruments) from which
    the counts are taken (:func:`advance_decline_counts`; the first row has no counts). A
    DataFrame gives a Series on its index. ``timeperiod >= 1``; NaN during warm-up and where
    the decline sum is zero."""
    if declines is None:
        index = advances.index if isinstance(advances, pd.DataFrame) else None
        advance_values, decline_values = advance_decline_counts(advances)
    else:
        index = index_of(advances, declines)
        advance_values = as_float_array(advances, "advances")
        decline_values = as_float_array(declines, "declines")
        check_same_length(advances=advance_values, declines=decline_values)
    period = check_period("timeperiod", timeperiod, 1)
    return wrap(_ratio_of_sums_kernel(advance_values, decline_values, period), index)
