"""The data the report's charts draw: line series thinned to their extremes, the fills, the
pauses between sessions, as JSON safe inside the page."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from yeouido.backtest.report.values import (
    DAY,
    FloatArray,
    IntArray,
    wall_seconds,
    wall_seconds_each,
    whole,
)
from yeouido.backtest.result import FILL_COLUMNS

if TYPE_CHECKING:
    from yeouido.backtest.result import Result

MAX_POINTS = 4_000
"""Points drawn per line series at most (before zooming in the browser)."""


def downsample_indices(
    values: npt.ArrayLike, max_points: int = MAX_POINTS, keep: npt.ArrayLike | None = None
) -> IntArray:
    """The ascending positions of the points of ``values`` to draw.

    All of them when there are at most ``max_points``; otherwise the first, the last, and the
    minimum and the maximum of each of a number of equal buckets, so every peak and trough is
    kept and at most ``max_points`` positions come back. NaN never counts as an extreme.
    The positions in ``keep`` (those of the bars with fills, say) come back too when there are
    at most a quarter of ``max_points`` of them; the buckets widen to make room.
    """
    if max_points < 4:
        raise ValueError(f"max_points must be at least 4, not {max_points}")
    array = np.asarray(values, dtype=np.float64)
    count = len(array)
    if count <= max_points:
        return np.arange(count, dtype=np.int64)
    must = np.unique(np.asarray([] if keep is None else keep, dtype=np.int64))
    must = must[(must >= 0) & (must < count)]
    buckets = (max_points - 2 - len(must)) // 2
    if len(must) > max_points // 4 or buckets < 1:
        must = np.array([], dtype=np.int64)
        buckets = (max_points - 2) // 2
    size = -(-count // buckets)
    rows = -(-count // size)
    missing = np.isnan(array)
    lows = np.full(rows * size, np.inf)
    lows[:count] = np.where(missing, np.inf, array)
    highs = np.full(rows * size, -np.inf)
    highs[:count] = np.where(missing, -np.inf, array)
    offsets = np.arange(rows, dtype=np.int64) * size
    minima = offsets + lows.reshape(rows, size).argmin(axis=1)
    maxima = offsets + highs.reshape(rows, size).argmax(axis=1)
    ends = np.array([0, count - 1], dtype=np.int64)
    chosen = np.unique(np.concatenate((ends, must, minima, maxima)))
    return chosen[chosen < count].astype(np.int64)


def report_data(result: Result, *, max_points: int = MAX_POINTS) -> dict[str, Any]:
    """The data the report's charts draw, as JSON-ready values.

    Times are Seoul wall-clock seconds since 1970 (a Seoul date-time read as if it were UTC);
    line series carry their times as differences from the previous point (``t``), their values
    (``v``, ``null`` for a missing one) and the length of the series before thinning (``n``).
    Fills are all there, with absolute times. ``gaps`` lists the pauses between sessions that
    intraday axes squeeze (starts as differences, ``d`` durations, ``keep`` the width left).
    """
    equity_times, equity_values = _series_arrays(result.equity)
    drawdown_times, drawdown_values = _series_arrays(result.drawdown)
    codes = _codes(result)
    fills = _fills_data(result.fills, codes)
    fill_times = np.asarray([t for t in fills["t"] if t is not None], dtype=np.float64)
    fill_codes = np.asarray(
        [c for t, c in zip(fills["t"], fills["c"], strict=True) if t is not None]
    )
    prices: list[dict[str, Any]] = []
    all_times = [equity_times, drawdown_times, fill_times]
    for number, code in enumerate(codes):
        bars = result.bars.get(code)
        if bars is None or len(bars) == 0 or "close" not in bars.columns:
            prices.append({"t": [], "v": [], "n": 0})
            continue
        times, values = _series_arrays(bars["close"])
        all_times.append(times)
        # the bar of each fill (the last at or before it) stays, so markers sit on the line
        own = fill_times[fill_codes == number] if len(fill_codes) else fill_times
        at_fills = np.searchsorted(times, own, side="right") - 1
        prices.append(_line(times, values, max_points, digits=None, keep=at_fills))
    timeline = equity_times if len(equity_times) else np.unique(np.concatenate(all_times))
    step = _median_step(timeline)
    stacked = np.concatenate(all_times)
    intraday = bool(len(stacked) and np.any(np.mod(stacked, DAY) != 0))
    return {
        "version": 1,
        "strategy": str(result.strategy),
        "interval": str(result.interval),
        "initial_cash": int(result.initial_cash),
        "intraday": intraday,
        "step": step,
        "gaps": _gaps(timeline, step) if intraday else {"a": [], "d": [], "keep": 0},
        "equity": _line(equity_times, equity_values, max_points, digits=None),
        "drawdown": _line(drawdown_times, drawdown_values, max_points, digits=6),
        "codes": codes,
        "prices": prices,
        "fills": fills,
    }


def _series_arrays(series: pd.Series | None) -> tuple[FloatArray, FloatArray]:
    """A time-indexed series as ascending (times, values) arrays, missing times dropped."""
    if series is None or len(series) == 0:
        return np.array([], dtype=np.float64), np.array([], dtype=np.float64)
    times = wall_seconds(series.index)
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    valid = ~np.isnan(times)
    times, values = times[valid], values[valid]
    order = np.argsort(times, kind="stable")
    return times[order], values[order]


def _line(
    times: FloatArray,
    values: FloatArray,
    max_points: int,
    digits: int | None,
    keep: IntArray | None = None,
) -> dict[str, Any]:
    """One line series, thinned (see :func:`downsample_indices`), with delta-encoded times;
    whole numbers when ``digits`` is ``None``, else values rounded to ``digits`` decimals."""
    keep = downsample_indices(values, max_points, keep)
    kept_times = times[keep].astype(np.int64)
    deltas = np.diff(kept_times, prepend=np.int64(0))
    kept = values[keep]
    finite = np.isfinite(kept)
    if digits is None:
        rounded = np.where(finite, np.round(np.where(finite, kept, 0.0)), 0.0).astype(np.int64)
        points: list[int | float | None] = [
            int(value) if ok else None for value, ok in zip(rounded.tolist(), finite, strict=True)
        ]
    else:
        points = [
            round(float(value), digits) if ok else None
            for value, ok in zip(kept.tolist(), finite, strict=True)
        ]
    return {"t": deltas.tolist(), "v": points, "n": len(values)}


def _codes(result: Result) -> list[str]:
    """The symbols, then any code only the bars or fills know, each once, in order."""
    codes: list[str] = []
    extra: Iterable[Any] = []
    if len(result.fills) and "code" in result.fills.columns:
        extra = result.fills["code"].tolist()
    for code in [*result.symbols, *result.bars.keys(), *extra]:
        text = str(code)
        if text not in codes:
            codes.append(text)
    return codes


def _fills_data(fills: pd.DataFrame, codes: Sequence[str]) -> dict[str, list[Any]]:
    """Every fill, column-wise: time, code position, side (1 buy, -1 sell, 0 other), quantity,
    price, commission, tax and order id."""
    frame = fills.reindex(columns=list(FILL_COLUMNS))
    positions = {code: number for number, code in enumerate(codes)}
    times = wall_seconds_each(frame["time"].tolist())
    sides = [str(side).strip().lower() for side in frame["side"].tolist()]
    return {
        "t": [None if math.isnan(t) else int(t) for t in times.tolist()],
        "c": [positions.get(str(code), -1) for code in frame["code"].tolist()],
        "s": [1 if side == "buy" else -1 if side == "sell" else 0 for side in sides],
        "q": [whole(value) for value in frame["quantity"].tolist()],
        "p": [whole(value) for value in frame["price"].tolist()],
        "cm": [whole(value) for value in frame["commission"].tolist()],
        "tx": [whole(value) for value in frame["tax"].tolist()],
        "id": [_identifier(value) for value in frame["order_id"].tolist()],
    }


def _identifier(value: Any) -> int | str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    return str(value)


def _median_step(times: FloatArray) -> int:
    """The usual distance between consecutive times in seconds (a day when unknown)."""
    steps = np.diff(np.unique(times))
    return int(np.median(steps)) if len(steps) else DAY


def _gaps(times: FloatArray, step: int) -> dict[str, Any]:
    """The pauses between sessions in an intraday timeline: any step longer than ten usual
    steps and an hour, to be drawn one usual step wide."""
    unique = np.unique(times).astype(np.int64)
    if len(unique) < 2:
        return {"a": [], "d": [], "keep": 0}
    steps = np.diff(unique)
    where = np.nonzero(steps > max(10 * step, 3_600))[0]
    starts = unique[where]
    return {
        "a": np.diff(starts, prepend=np.int64(0)).tolist(),
        "d": steps[where].tolist(),
        "keep": int(step),
    }


def json_for_html(data: dict[str, Any]) -> str:
    """JSON that is safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` are escaped as
    ``\\u003c``… so no text in it can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
