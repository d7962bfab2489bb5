"""The self-contained HTML report of a backtest.

One file holds everything: the header (strategy, parameters, symbols, period), the statistics,
interactive charts of each code's close with the fills marked, the equity and the drawdown,
the trade list and the strategy's messages. Styles, data and the chart code (plain JavaScript
drawing on canvas, no library) are inline, so the report opens offline and can be mailed as
it is.

Line series are thinned for drawing to at most ``max_points`` points per chart, keeping the
first and last point and the minimum and maximum of every bucket, so peaks and troughs survive;
fills are never dropped. Intraday time axes leave out the nights and weekends between
sessions. Colours follow the Korean convention: red for up and buys, blue for down and sells.
"""

from __future__ import annotations

import html
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from yeouido.backtest.result import FILL_COLUMNS, TRADE_COLUMNS

if TYPE_CHECKING:
    from yeouido.backtest.metrics import Stats
    from yeouido.backtest.result import Result

SEOUL = "Asia/Seoul"
MAX_POINTS = 4_000
"""Points drawn per line series at most (before zooming in the browser)."""
MAX_TRADE_ROWS = 2_000
"""Trades listed at most; the report says how many were left out."""
MAX_MESSAGE_ROWS = 1_000
"""Strategy messages listed at most."""

_DAY = 86_400
_FloatArray = npt.NDArray[np.float64]
_IntArray = npt.NDArray[np.int64]


def write_report(result: Result, path: str | Path, *, max_points: int = MAX_POINTS) -> Path:
    """Write the HTML report of ``result`` to ``path`` and return the path.

    The parent directories are created; the file is written beside its target under a
    temporary name and renamed over it, so a reader never sees half a report. ``max_points``
    bounds the points drawn per line series (at least 4).
    """
    target = Path(path)
    document = render_report(result, max_points=max_points)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(document)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def render_report(result: Result, *, max_points: int = MAX_POINTS) -> str:
    """The HTML report of ``result`` as text (what :func:`write_report` writes)."""
    if max_points < 4:
        raise ValueError(f"max_points must be at least 4, not {max_points}")
    data = report_data(result, max_points=max_points)
    title = f"{result.strategy} · {result.stats.start} → {result.stats.end}"
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        _header_html(result),
        _stats_html(result),
        _CHARTS_HTML,
        _trades_html(result, bool(data["intraday"])),
        _messages_html(result, bool(data["intraday"])),
        "<footer>Written by yeouido. Every number is from the backtest; data drawn in the "
        "charts is thinned to the extremes of each bucket.</footer>\n",
        '<script type="application/json" id="report-data">',
        _json_for_html(data),
        "</script>\n<script>",
        _JS,
        "</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def downsample_indices(
    values: npt.ArrayLike, max_points: int = MAX_POINTS, keep: npt.ArrayLike | None = None
) -> _IntArray:
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
    intraday = bool(len(stacked) and np.any(np.mod(stacked, _DAY) != 0))
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


# --- data ---------------------------------------------------------------------------------


def _wall_seconds(values: Any) -> _FloatArray:
    """Seoul wall-clock seconds since 1970 of each time (NaN for a missing one)."""
    index = pd.DatetimeIndex(pd.to_datetime(values))
    if index.tz is not None:
        index = index.tz_convert(SEOUL).tz_localize(None)
    seconds = (index - pd.Timestamp(0)).total_seconds()
    return np.floor(np.asarray(seconds, dtype=np.float64))


def _series_arrays(series: pd.Series | None) -> tuple[_FloatArray, _FloatArray]:
    """A time-indexed series as ascending (times, values) arrays, missing times dropped."""
    if series is None or len(series) == 0:
        return np.array([], dtype=np.float64), np.array([], dtype=np.float64)
    times = _wall_seconds(series.index)
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    valid = ~np.isnan(times)
    times, values = times[valid], values[valid]
    order = np.argsort(times, kind="stable")
    return times[order], values[order]


def _line(
    times: _FloatArray,
    values: _FloatArray,
    max_points: int,
    digits: int | None,
    keep: _IntArray | None = None,
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
    times = _wall_seconds_each(frame["time"].tolist())
    sides = [str(side).strip().lower() for side in frame["side"].tolist()]
    return {
        "t": [None if math.isnan(t) else int(t) for t in times.tolist()],
        "c": [positions.get(str(code), -1) for code in frame["code"].tolist()],
        "s": [1 if side == "buy" else -1 if side == "sell" else 0 for side in sides],
        "q": [_whole(value) for value in frame["quantity"].tolist()],
        "p": [_whole(value) for value in frame["price"].tolist()],
        "cm": [_whole(value) for value in frame["commission"].tolist()],
        "tx": [_whole(value) for value in frame["tax"].tolist()],
        "id": [_identifier(value) for value in frame["order_id"].tolist()],
    }


def _whole(value: Any) -> int | None:
    """A whole number (KRW, shares), or ``None`` when missing."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if not math.isfinite(number) else round(number)


def _identifier(value: Any) -> int | str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    return str(value)


def _median_step(times: _FloatArray) -> int:
    """The usual distance between consecutive times in seconds (a day when unknown)."""
    steps = np.diff(np.unique(times))
    return int(np.median(steps)) if len(steps) else _DAY


def _gaps(times: _FloatArray, step: int) -> dict[str, Any]:
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


def _json_for_html(data: dict[str, Any]) -> str:
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


# --- formatting ---------------------------------------------------------------------------


def _e(value: Any) -> str:
    """Text escaped for HTML content and quoted attributes."""
    return html.escape(str(value), quote=True)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _percent(value: Any) -> str:
    """A fraction as a percentage with two decimals; ``n/a`` when missing."""
    if _is_missing(value):
        return "n/a"
    number = float(value)
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    return f"{number * 100:,.2f}%"


def _number(value: Any, digits: int = 2) -> str:
    """A ratio with ``digits`` decimals; ``n/a`` when missing."""
    if _is_missing(value):
        return "n/a"
    number = float(value)
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    return f"{number:,.{digits}f}"


def _integer(value: Any) -> str:
    """A whole number with thousands separators (KRW, shares); ``n/a`` when missing."""
    whole = None if _is_missing(value) else _whole(value)
    return "n/a" if whole is None else f"{whole:,}"


def _krw(value: Any) -> str:
    text = _integer(value)
    return text if text == "n/a" else f"{text} KRW"


def _sign_class(value: Any) -> str:
    """``up`` for a positive number, ``down`` for a negative one."""
    if _is_missing(value):
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "up" if number > 0 else "down" if number < 0 else ""


def _wall_seconds_each(values: Sequence[Any]) -> _FloatArray:
    """Like :func:`_wall_seconds`, but a value that is not a time gives NaN instead of an
    error."""
    try:
        return _wall_seconds(list(values))
    except (TypeError, ValueError, OverflowError):
        pass
    seconds = np.full(len(values), np.nan)
    for position, value in enumerate(values):
        if _is_missing(value):
            continue
        try:
            seconds[position] = _wall_seconds([value])[0]
        except (TypeError, ValueError, OverflowError):
            continue
    return seconds


def _time_texts(values: Sequence[Any], seconds: _FloatArray, intraday: bool) -> list[str]:
    """Each time (``seconds`` from :func:`_wall_seconds_each`) as ``YYYY-MM-DD`` or
    ``YYYY-MM-DD HH:MM[:SS]`` in Seoul; ``—`` when missing, the value's text when not a time."""
    valid = ~np.isnan(seconds)
    whole = np.where(valid, seconds, 0.0).astype(np.int64)
    stamps = pd.to_datetime(whole, unit="s")
    texts = np.where(
        whole % 60 != 0,
        stamps.strftime("%Y-%m-%d %H:%M:%S"),
        np.where(
            intraday | (whole % _DAY != 0),
            stamps.strftime("%Y-%m-%d %H:%M"),
            stamps.strftime("%Y-%m-%d"),
        ),
    )
    return [
        str(text) if ok else "—" if _is_missing(value) else str(value)
        for text, ok, value in zip(texts.tolist(), valid.tolist(), values, strict=True)
    ]


# --- sections -----------------------------------------------------------------------------


def _header_html(result: Result) -> str:
    stats = result.stats
    params = ", ".join(f"{key}={value!r}" for key, value in result.params.items()) or "—"
    symbols = ", ".join(str(code) for code in result.symbols) or "—"
    few = ", ".join(str(code) for code in result.symbols[:8])
    if len(result.symbols) > 8:
        few += f" … (+{len(result.symbols) - 8})"
    rows = [
        ("Strategy", str(result.strategy)),
        ("Parameters", params),
        (f"Symbols ({len(result.symbols)})", symbols),
        ("Interval", str(result.interval)),
        ("Mode", str(result.mode)),
        ("Period", f"{stats.start} → {stats.end}"),
        ("Initial cash", _krw(result.initial_cash)),
        ("Run time", f"{result.elapsed:,.2f} s"),
    ]
    cells = "".join(f"<tr><th>{_e(label)}</th><td>{_e(value)}</td></tr>" for label, value in rows)
    return (
        f'<header>\n<h1 id="strategy-name">{_e(result.strategy)}</h1>\n'
        f'<p class="sub">{_e(few or "—")} · {_e(result.interval)} · {_e(result.mode)} · '
        f"{_e(stats.start)} → {_e(stats.end)}</p>\n"
        f'<table class="info">{cells}</table>\n</header>\n'
    )


def _stat_rows(result: Result) -> list[tuple[str, str, str]]:
    """(label, formatted value, css class) of each statistic."""
    stats: Stats = result.stats
    orders = result.orders
    order_text = f"{len(orders):,}"
    if len(orders) and "status" in orders.columns:
        counts = orders["status"].astype(str).value_counts()
        order_text += " (" + ", ".join(f"{name} {int(n):,}" for name, n in counts.items()) + ")"
    return [
        ("Initial equity", _krw(stats.initial_equity), ""),
        ("Final equity", _krw(stats.final_equity), ""),
        ("Total return", _percent(stats.total_return), _sign_class(stats.total_return)),
        ("CAGR", _percent(stats.cagr), _sign_class(stats.cagr)),
        ("Max drawdown", _percent(stats.max_drawdown), _sign_class(stats.max_drawdown)),
        ("Max drawdown duration", f"{_integer(stats.max_drawdown_days)} days", ""),
        ("Volatility (annual)", _percent(stats.volatility), ""),
        ("Sharpe", _number(stats.sharpe), ""),
        ("Sortino", _number(stats.sortino), ""),
        ("Calmar", _number(stats.calmar), ""),
        ("Trades", _integer(stats.trades), ""),
        ("Win rate", _percent(stats.win_rate), ""),
        ("Profit factor", _number(stats.profit_factor), ""),
        (
            "Average trade return",
            _percent(stats.average_trade_return),
            _sign_class(stats.average_trade_return),
        ),
        ("Exposure", _percent(stats.exposure), ""),
        ("Turnover", f"{_number(stats.turnover)} ×/year", ""),
        ("Commission paid", _krw(stats.commission), ""),
        ("Tax paid", _krw(stats.tax), ""),
        ("Orders", order_text, ""),
        ("Fills", f"{len(result.fills):,}", ""),
    ]


def _stats_html(result: Result) -> str:
    cells = [
        f'<th>{_e(label)}</th><td class="num {css}">{_e(value)}</td>'
        for label, value, css in _stat_rows(result)
    ]
    per_row = 4
    rows = "".join(
        "<tr>" + "".join(cells[start : start + per_row]) + "</tr>"
        for start in range(0, len(cells), per_row)
    )
    return (
        f'<section>\n<h2>Statistics</h2>\n<table class="stats" id="stats">{rows}</table>\n'
        "</section>\n"
    )


_TRADE_HEADINGS = (
    ("code", "Code", False),
    ("entry_time", "Entry", False),
    ("exit_time", "Exit", False),
    ("quantity", "Quantity", True),
    ("entry_price", "Entry price", True),
    ("exit_price", "Exit price", True),
    ("pnl", "P&L (KRW)", True),
    ("return", "Return", True),
    ("commission", "Commission", True),
    ("tax", "Tax", True),
    ("bars_held", "Bars held", True),
)


def _trades_html(result: Result, intraday: bool) -> str:
    trades = result.trades.reindex(columns=list(TRADE_COLUMNS))
    total = len(trades)
    shown = trades.iloc[:MAX_TRADE_ROWS]
    head = "".join(
        f'<th class="{"num" if numeric else ""}">{_e(title)}</th>'
        for _, title, numeric in _TRADE_HEADINGS
    )
    entries = shown["entry_time"].tolist()
    exits = shown["exit_time"].tolist()
    entry_seconds = _wall_seconds_each(entries)
    exit_seconds = _wall_seconds_each(exits)
    entry_texts = _time_texts(entries, entry_seconds, intraday)
    exit_texts = _time_texts(exits, exit_seconds, intraday)
    rows: list[str] = []
    for number, record in enumerate(shown.to_dict("records"), start=1):
        position = number - 1
        start, end = entry_seconds[position], exit_seconds[position]
        attributes = ""
        if not math.isnan(start):
            last = start if math.isnan(end) else end
            attributes = (
                f' data-code="{_e(record["code"])}" data-t0="{int(start)}"'
                f' data-t1="{int(last)}" tabindex="0"'
            )
        pnl = record["pnl"]
        back = record["return"]
        cells = [
            f"<td>{number:,}</td>",
            f"<td>{_e(record['code'])}</td>",
            f"<td>{_e(entry_texts[position])}</td>",
            f"<td>{_e(exit_texts[position])}</td>",
            f'<td class="num">{_integer(record["quantity"])}</td>',
            f'<td class="num">{_integer(record["entry_price"])}</td>',
            f'<td class="num">{_integer(record["exit_price"])}</td>',
            f'<td class="num {_sign_class(pnl)}">{_integer(pnl)}</td>',
            f'<td class="num {_sign_class(back)}">{_percent(back)}</td>',
            f'<td class="num">{_integer(record["commission"])}</td>',
            f'<td class="num">{_integer(record["tax"])}</td>',
            f'<td class="num">{_integer(record["bars_held"])}</td>',
        ]
        rows.append(f"<tr{attributes}>{''.join(cells)}</tr>")
    if total > len(shown):
        note = (
            f'<p class="note" id="trades-note">Showing the first {len(shown):,} of {total:,} '
            f"trades; {total - len(shown):,} left out.</p>\n"
        )
    else:
        note = ""
    orders = f"{len(result.orders):,} orders, {len(result.fills):,} fills, {total:,} trades."
    hint = " Click a trade to zoom the charts to it." if rows else ""
    body = "".join(rows) or '<tr><td colspan="12" class="empty">No trades.</td></tr>'
    return (
        f'<section>\n<h2>Trades</h2>\n<p class="note">{_e(orders)}{hint}</p>\n{note}'
        f'<div class="scroll"><table class="trades" id="trades"><thead><tr><th>#</th>{head}'
        f"</tr></thead><tbody>{body}</tbody></table></div>\n</section>\n"
    )


def _messages_html(result: Result, intraday: bool) -> str:
    messages = list(result.messages)
    if not messages:
        return ""
    shown = [item if isinstance(item, tuple) else (None, item) for item in messages]
    shown = shown[:MAX_MESSAGE_ROWS]
    times = [item[0] if len(item) > 1 else None for item in shown]
    texts = [item[-1] if item else "" for item in shown]
    stamps = _time_texts(times, _wall_seconds_each(times), intraday)
    rows = "".join(
        f"<tr><td>{_e(stamp)}</td><td>{_e(text)}</td></tr>"
        for stamp, text in zip(stamps, texts, strict=True)
    )
    left = len(messages) - len(shown)
    note = f'<p class="note">{left:,} more messages left out.</p>' if left else ""
    return (
        f"<section>\n<h2>Messages</h2>\n<details{' open' if len(messages) <= 100 else ''}>"
        f"<summary>{len(messages):,} messages from the "
        f'strategy (ctx.log)</summary>{note}<div class="scroll"><table class="messages">'
        f"<thead><tr><th>time (Korea, KST)</th><th>message</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        "</div></details>\n</section>\n"
    )


_CHARTS_HTML = """<section id="charts">
<h2>Charts</h2>
<div class="toolbar">
<label id="code-label">Code <select id="code-select"></select></label>
<span id="price-caption"></span>
<span class="spacer"></span>
<span id="zoom-range"></span>
<button id="reset-zoom" type="button">Reset zoom</button>
</div>
<p class="hint">Wheel: zoom · drag: zoom to a range · shift+wheel: pan · double-click: reset.
Hover a marker for the fill.</p>
<div class="chart" id="chart-price"><div class="chart-title">Close with fills
<span class="legend"><span class="up">▲ buy</span> <span class="down">▼ sell</span></span>
<span class="points" id="points-price"></span></div></div>
<div class="chart" id="chart-equity"><div class="chart-title">Equity (KRW)
<span class="points" id="points-equity"></span></div></div>
<div class="chart" id="chart-drawdown"><div class="chart-title">Drawdown
<span class="points" id="points-drawdown"></span></div></div>
<div id="tooltip" role="tooltip" hidden></div>
<noscript><p class="note">The charts need JavaScript.</p></noscript>
</section>
"""

_CSS = """
:root { --up: #d62728; --down: #1f5fd6; --ink: #1d2430; --muted: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1280px; padding: 16px 24px 40px; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Apple SD Gothic Neo",
  "Malgun Gothic", "Noto Sans KR", sans-serif; background: #fff; }
h1 { font-size: 22px; margin: 8px 0 2px; overflow-wrap: anywhere; }
h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; }
.sub, .note, .hint, footer { color: var(--muted); }
.hint { font-size: 12px; margin: 4px 0; }
footer { margin-top: 32px; font-size: 12px; }
table { border-collapse: collapse; }
th, td { padding: 3px 8px; text-align: left; vertical-align: top; }
.info th { color: var(--muted); font-weight: normal; white-space: nowrap; }
.info td { overflow-wrap: anywhere; }
.stats { width: 100%; }
.stats th { color: var(--muted); font-weight: normal; white-space: nowrap; }
.stats td { font-weight: 600; padding-right: 24px; }
.stats tr, .trades tbody tr { border-bottom: 1px solid var(--line); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.up { color: var(--up); }
.down { color: var(--down); }
.scroll { max-height: 600px; overflow: auto; border: 1px solid var(--line); }
.trades { width: 100%; font-size: 13px; }
.trades thead th { position: sticky; top: 0; background: #f8fafc;
  border-bottom: 1px solid var(--line); }
.trades tbody tr[data-t0] { cursor: pointer; }
.trades tbody tr:hover, .trades tbody tr.selected { background: #fff7e0; }
.messages td:first-child { white-space: nowrap; color: var(--muted); }
.toolbar { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.spacer { flex: 1; }
#zoom-range, #price-caption { color: var(--muted); font-size: 12px; }
.chart { position: relative; margin-top: 10px; user-select: none; }
.chart-title { font-size: 13px; font-weight: 600; }
.chart-title .legend, .chart-title .points { font-weight: normal; font-size: 12px;
  margin-left: 10px; }
.chart-title .points { color: var(--muted); }
.chart canvas { display: block; width: 100%; cursor: crosshair; }
#tooltip { position: fixed; z-index: 10; pointer-events: none; background: rgba(255,255,255,.97);
  border: 1px solid #cbd5e1; border-radius: 4px; padding: 6px 8px; font-size: 12px;
  box-shadow: 0 2px 8px rgba(0,0,0,.12); white-space: pre; max-width: 480px; }
#tooltip .head { font-weight: 600; }
button { font: inherit; padding: 2px 10px; }
"""

_JS = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var UP = "#d62728", DOWN = "#1f5fd6", OTHER = "#6b7280", LINE = "#1d2430";
  var GRID = "#eef0f3", AXIS = "#6b7280", DAY = 86400;
  var FONT = "11px system-ui, -apple-system, 'Segoe UI', sans-serif";
  var WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

  function cumsum(a) {
    var out = new Float64Array(a.length), acc = 0;
    for (var i = 0; i < a.length; i++) { acc += a[i]; out[i] = acc; }
    return out;
  }
  function lastLE(arr, n, x) {
    var lo = 0, hi = n - 1, k = -1;
    while (lo <= hi) {
      var m = (lo + hi) >> 1;
      if (arr[m] <= x) { k = m; lo = m + 1; } else { hi = m - 1; }
    }
    return k;
  }
  function firstGE(arr, n, x) {
    var lo = 0, hi = n - 1, k = n;
    while (lo <= hi) {
      var m = (lo + hi) >> 1;
      if (arr[m] >= x) { k = m; hi = m - 1; } else { lo = m + 1; }
    }
    return k;
  }
  function clamp(x, lo, hi) { return Math.max(lo, Math.min(hi, x)); }

  // Time axis: seconds of Seoul wall-clock time (t) map to axis units (u) in which the pauses
  // between intraday sessions shrink to one usual step.
  var GA = cumsum(D.gaps.a), GD = D.gaps.d, KEEP = D.gaps.keep, NG = GA.length;
  var GB = new Float64Array(NG), GR = new Float64Array(NG), GUA = new Float64Array(NG);
  (function () {
    var removed = 0;
    for (var i = 0; i < NG; i++) {
      GB[i] = GA[i] + GD[i]; GR[i] = removed; GUA[i] = GA[i] - removed;
      removed += GD[i] - KEEP;
    }
  })();
  function toU(t) {
    var k = lastLE(GA, NG, t);
    if (k < 0) { return t; }
    if (t >= GB[k]) { return t - GR[k] - (GD[k] - KEEP); }
    return GUA[k] + (t - GA[k]) * KEEP / GD[k];
  }
  function toT(u) {
    var k = lastLE(GUA, NG, u);
    if (k < 0) { return u; }
    if (u >= GUA[k] + KEEP) { return u + GR[k] + (GD[k] - KEEP); }
    return GA[k] + (u - GUA[k]) * GD[k] / KEEP;
  }
  function snapOutOfGap(t) {
    var k = lastLE(GA, NG, t);
    return (k >= 0 && t > GA[k] && t < GB[k]) ? GB[k] : t;
  }

  function makeSeries(s) {
    var t = cumsum(s.t), n = t.length, u = new Float64Array(n), v = new Float64Array(n);
    for (var i = 0; i < n; i++) { u[i] = toU(t[i]); v[i] = s.v[i] === null ? NaN : s.v[i]; }
    return { t: t, u: u, v: v, n: n, total: s.n };
  }
  var EQUITY = makeSeries(D.equity), DRAWDOWN = makeSeries(D.drawdown);
  var PRICES = D.prices.map(makeSeries), CODES = D.codes;
  var FILLS_BY_CODE = CODES.map(function () { return []; });
  var ALL_FILLS = [];
  (function () {
    var F = D.fills;
    for (var i = 0; i < F.t.length; i++) {
      if (F.t[i] === null) { continue; }
      var fill = { t: F.t[i], u: toU(F.t[i]), code: F.c[i], side: F.s[i], q: F.q[i],
        p: F.p[i], cm: F.cm[i], tx: F.tx[i], id: F.id[i] };
      ALL_FILLS.push(fill);
      if (fill.code >= 0 && fill.code < CODES.length) { FILLS_BY_CODE[fill.code].push(fill); }
    }
    FILLS_BY_CODE.forEach(function (list) {
      list.sort(function (a, b) { return a.u - b.u; });
      list.us = Float64Array.from(list.map(function (f) { return f.u; }));
    });
  })();

  var FULL = (function () {
    var lo = Infinity, hi = -Infinity;
    function add(s) { if (s.n) { lo = Math.min(lo, s.u[0]); hi = Math.max(hi, s.u[s.n - 1]); } }
    add(EQUITY); add(DRAWDOWN); PRICES.forEach(add);
    ALL_FILLS.forEach(function (f) { lo = Math.min(lo, f.u); hi = Math.max(hi, f.u); });
    if (!isFinite(lo)) { lo = 0; hi = DAY; }
    if (hi <= lo) { lo -= DAY / 2; hi += DAY / 2; }
    var pad = (hi - lo) * 0.01;
    return [lo - pad, hi + pad];
  })();
  var MIN_SPAN = Math.min(Math.max(60, 5 * (D.step || DAY)), FULL[1] - FULL[0]);
  var view = [FULL[0], FULL[1]];
  var hover = null, drag = null, highlight = null, current = 0, pending = false;

  function pad2(n) { return (n < 10 ? "0" : "") + n; }
  function fmtDate(t) {
    var d = new Date(Math.round(t) * 1000);
    return d.getUTCFullYear() + "-" + pad2(d.getUTCMonth() + 1) + "-" + pad2(d.getUTCDate());
  }
  function fmtClock(t, seconds) {
    var d = new Date(Math.round(t) * 1000);
    var s = pad2(d.getUTCHours()) + ":" + pad2(d.getUTCMinutes());
    return seconds ? s + ":" + pad2(d.getUTCSeconds()) : s;
  }
  function fmtStamp(t) {
    var s = fmtDate(t) + " " + WEEKDAYS[new Date(Math.round(t) * 1000).getUTCDay()];
    if (D.intraday) { s += " " + fmtClock(t, Math.round(t) % 60 !== 0); }
    return s;
  }
  function fmtInt(v) {
    if (v === null || !isFinite(v)) { return "n/a"; }
    var r = Math.round(v);
    var s = String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (r < 0 ? "-" : "") + s;
  }
  function fmtPct(v, digits) {
    if (v === null || !isFinite(v)) { return "n/a"; }
    return (v * 100).toFixed(digits) + "%";
  }

  function niceStep(raw) {
    if (!(raw > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10)), f = raw / p;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
  }
  function yTicks(lo, hi, count, integer) {
    var step = niceStep((hi - lo) / Math.max(1, count));
    if (integer && step < 1) { step = 1; }
    var out = [], k0 = Math.ceil(lo / step);
    for (var k = k0; k * step <= hi + step * 1e-9 && out.length < 50; k++) { out.push(k * step); }
    return { values: out, step: step };
  }

  var STEPS = [[1, "s"], [5, "s"], [15, "s"], [30, "s"], [60, "m"], [300, "m"], [900, "m"],
    [1800, "m"], [3600, "h"], [7200, "h"], [10800, "h"], [21600, "h"], [43200, "h"],
    [DAY, "d"], [2 * DAY, "d"], [7 * DAY, "w"], [30 * DAY, "M", 1], [91 * DAY, "M", 3],
    [182 * DAY, "M", 6], [365 * DAY, "Y", 1], [730 * DAY, "Y", 2], [1826 * DAY, "Y", 5],
    [3652 * DAY, "Y", 10], [7305 * DAY, "Y", 20], [18262 * DAY, "Y", 50]];
  function xTicks(t0, t1, count) {
    var raw = (t1 - t0) / Math.max(1, count), sd = STEPS[STEPS.length - 1];
    for (var i = 0; i < STEPS.length; i++) {
      if (STEPS[i][0] >= raw && (D.intraday || STEPS[i][0] >= DAY)) { sd = STEPS[i]; break; }
    }
    var out = [], unit = sd[1], guard = 0, t;
    if (unit === "M" || unit === "Y") {
      var d = new Date(t0 * 1000), y = d.getUTCFullYear(), m = d.getUTCMonth(), every = sd[2];
      if (unit === "Y") { y = Math.floor(y / every) * every; m = 0; }
      else { m = Math.floor(m / every) * every; }
      while (guard++ < 3000) {
        t = Date.UTC(y, m, 1) / 1000;
        if (t > t1) { break; }
        if (t >= t0) { out.push(t); }
        if (unit === "Y") { y += every; } else { m += every; y += Math.floor(m / 12); m %= 12; }
      }
    } else {
      var base = unit === "w" ? 4 * DAY : 0;
      for (t = Math.ceil((t0 - base) / sd[0]) * sd[0] + base; t <= t1 && guard++ < 3000;
        t += sd[0]) { out.push(t); }
    }
    return { values: out, unit: unit };
  }
  function xLabel(t, unit, previous) {
    if (unit === "Y") { return String(new Date(t * 1000).getUTCFullYear()); }
    if (unit === "M") { return fmtDate(t).slice(0, 7); }
    if (unit === "d" || unit === "w") { return fmtDate(t); }
    var clock = fmtClock(t, unit === "s");
    if (previous === null || fmtDate(previous) !== fmtDate(t)) {
      return fmtDate(t).slice(5) + " " + clock;
    }
    return clock;
  }

  function Chart(id, height, options) {
    this.container = document.getElementById(id);
    this.height = height;
    this.kind = options.kind;
    this.label = options.label;
    this.series = options.series;
    this.fmt = options.fmt;
    this.axisFmt = options.axisFmt;
    this.integer = options.integer;
    this.fills = options.fills || null;
    this.pointsLabel = document.getElementById(options.points);
    this.canvas = document.createElement("canvas");
    this.canvas.setAttribute("aria-label", options.label + " chart");
    this.container.appendChild(this.canvas);
    this.ctx = this.canvas.getContext("2d");
    this.l = 0; this.r = 1; this.top = 0; this.b = 1; this.y0 = 0; this.y1 = 1;
    var self = this, c = this.canvas;
    c.addEventListener("mousemove", function (e) {
      var p = self.pos(e);
      if (drag && drag.chart === self) { drag.x1 = clamp(p.x, self.l, self.r); }
      hover = { chart: self, u: self.uOf(p.x), x: p.x, y: p.y, cx: e.clientX, cy: e.clientY };
      redraw();
    });
    c.addEventListener("mouseleave", function () { hover = null; redraw(); });
    c.addEventListener("mousedown", function (e) {
      if (e.button !== 0) { return; }
      var p = self.pos(e);
      drag = { chart: self, x0: clamp(p.x, self.l, self.r), x1: clamp(p.x, self.l, self.r) };
      e.preventDefault();
    });
    c.addEventListener("dblclick", function (e) { e.preventDefault(); resetView(); });
    c.addEventListener("wheel", function (e) {
      e.preventDefault();
      var scale = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      var dx = e.deltaX * scale, dy = e.deltaY * scale, span = view[1] - view[0];
      if (e.shiftKey || Math.abs(dx) > Math.abs(dy)) {
        var shift = (Math.abs(dx) > Math.abs(dy) ? dx : dy) / Math.max(1, self.r - self.l) * span;
        setView(view[0] + shift, view[1] + shift);
      } else {
        var f = Math.exp(clamp(dy, -300, 300) * 0.002), center = self.uOf(self.pos(e).x);
        setView(center - (center - view[0]) * f, center + (view[1] - center) * f);
      }
    }, { passive: false });
  }
  Chart.prototype.pos = function (e) {
    var rect = this.canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };
  Chart.prototype.xOf = function (u) {
    return this.l + (u - view[0]) / (view[1] - view[0]) * (this.r - this.l);
  };
  Chart.prototype.uOf = function (x) {
    return view[0] + (x - this.l) / Math.max(1, this.r - this.l) * (view[1] - view[0]);
  };
  Chart.prototype.yOf = function (v) {
    return this.b - (v - this.y0) / (this.y1 - this.y0) * (this.b - this.top);
  };
  Chart.prototype.vOf = function (y) {
    return this.y0 + (this.b - y) / (this.b - this.top) * (this.y1 - this.y0);
  };
  Chart.prototype.visibleFills = function () {
    var list = this.fills ? this.fills() : [];
    if (!list.length) { return []; }
    var a = firstGE(list.us, list.length, view[0]), z = lastLE(list.us, list.length, view[1]);
    return list.slice(a, z + 1);
  };
  Chart.prototype.nearest = function (s, u) {
    if (!s.n) { return -1; }
    var k = firstGE(s.u, s.n, u);
    if (k >= s.n) { return s.n - 1; }
    if (k > 0 && u - s.u[k - 1] < s.u[k] - u) { return k - 1; }
    return k;
  };
  // Two passes so that every chart gets the same plot width: layout() finds the y range and
  // the width of its axis labels, draw(axis) paints with the widest axis of all charts.
  Chart.prototype.layout = function () {
    var w = Math.max(200, this.container.clientWidth), h = this.height;
    var ratio = window.devicePixelRatio || 1, c = this.canvas, ctx = this.ctx, i, v;
    if (c.width !== Math.round(w * ratio) || c.height !== Math.round(h * ratio)) {
      c.width = Math.round(w * ratio); c.height = Math.round(h * ratio);
      c.style.height = h + "px";
    }
    ctx.font = FONT;
    var s = this.series(), fills = this.visibleFills();
    var j0 = s.n ? firstGE(s.u, s.n, view[0]) : 0, j1 = s.n ? lastLE(s.u, s.n, view[1]) : -1;
    var i0 = Math.max(0, j0 - 1), i1 = Math.min(s.n - 1, j1 + 1);
    if (j0 > j1) { j0 = i0; j1 = i1; }
    var lo = Infinity, hi = -Infinity;
    for (i = j0; i <= j1; i++) {
      v = s.v[i];
      if (v === v) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    fills.forEach(function (f) {
      if (f.p !== null) { lo = Math.min(lo, f.p); hi = Math.max(hi, f.p); }
    });
    this.w = w; this.s = s; this.visible = fills; this.i0 = i0; this.i1 = i1;
    this.top = 8; this.b = h - 22; this.l = 8; this.empty = !isFinite(lo);
    if (this.empty) { return 0; }
    if (this.kind === "drawdown") { hi = 0; lo = Math.min(lo, -0.001); }
    if (hi === lo) { var d0 = Math.abs(lo) * 0.01 || 1; lo -= d0; hi += d0; }
    var padding = (hi - lo) * 0.06;
    this.y0 = lo - padding; this.y1 = this.kind === "drawdown" ? hi + padding / 3 : hi + padding;
    var ticks = yTicks(this.y0, this.y1, Math.max(2, Math.floor((this.b - this.top) / 40)),
      this.integer);
    this.ticks = ticks;
    this.labels = ticks.values.map(function (t) { return this.axisFmt(t, ticks.step); }, this);
    var widest = 0;
    this.labels.forEach(function (text) {
      widest = Math.max(widest, ctx.measureText(text).width);
    });
    return widest;
  };
  Chart.prototype.draw = function (axis) {
    var w = this.w, h = this.height, ratio = window.devicePixelRatio || 1, ctx = this.ctx;
    var s = this.s, fills = this.visible, i0 = this.i0, i1 = this.i1, ticks = this.ticks;
    var labels = this.labels, i, v, x, y;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = FONT;
    if (this.pointsLabel) {
      this.pointsLabel.textContent = s.total > s.n
        ? fmtInt(s.n) + " of " + fmtInt(s.total) + " points drawn (min/max of each bucket kept)"
        : (s.total ? fmtInt(s.total) + " points" : "");
    }
    this.r = w - axis - 14;
    if (this.empty) {
      ctx.fillStyle = AXIS; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText("no data in this range", w / 2, h / 2);
      return;
    }
    var l = this.l, r = this.r, top = this.top, b = this.b;
    // grid and axes
    ctx.strokeStyle = GRID; ctx.lineWidth = 1; ctx.fillStyle = AXIS;
    ctx.textAlign = "left"; ctx.textBaseline = "middle";
    ticks.values.forEach(function (t, k) {
      var ty = Math.round(this.yOf(t)) + 0.5;
      ctx.beginPath(); ctx.moveTo(l, ty); ctx.lineTo(r, ty); ctx.stroke();
      ctx.fillText(labels[k], r + 6, ty);
    }, this);
    var t0 = toT(view[0]), t1 = toT(view[1]);
    var xt = xTicks(t0, t1, Math.max(2, Math.floor((r - l) / 110)));
    var lastX = -Infinity, previous = null;
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    xt.values.forEach(function (t) {
      var snapped = snapOutOfGap(t), tx = this.xOf(toU(snapped));
      if (tx < l || tx > r) { return; }
      var text = xLabel(snapped, xt.unit, previous), half = ctx.measureText(text).width / 2;
      if (tx - half < lastX + 10) { return; }
      lastX = tx + half; previous = snapped;
      var gx = Math.round(tx) + 0.5;
      ctx.beginPath(); ctx.moveTo(gx, top); ctx.lineTo(gx, b); ctx.stroke();
      ctx.fillText(text, clamp(tx, l + half, w - half), b + 5);
    }, this);
    ctx.strokeStyle = "#cbd5e1";
    ctx.strokeRect(l + 0.5, top + 0.5, r - l, b - top);
    ctx.save();
    ctx.beginPath(); ctx.rect(l, top, r - l, b - top); ctx.clip();
    if (highlight) {
      var hx0 = this.xOf(highlight[0]), hx1 = this.xOf(highlight[1]);
      ctx.fillStyle = "rgba(255, 196, 0, 0.16)";
      ctx.fillRect(hx0, top, Math.max(2, hx1 - hx0), b - top);
    }
    if (this.kind === "equity" && D.initial_cash > this.y0 && D.initial_cash < this.y1) {
      y = Math.round(this.yOf(D.initial_cash)) + 0.5;
      ctx.setLineDash([4, 4]); ctx.strokeStyle = "#9ca3af";
      ctx.beginPath(); ctx.moveTo(l, y); ctx.lineTo(r, y); ctx.stroke(); ctx.setLineDash([]);
    }
    if (this.kind === "drawdown") {
      var zero = this.yOf(0), open = false, firstX = 0, lastPX = 0;
      ctx.fillStyle = "rgba(31, 95, 214, 0.18)";
      ctx.beginPath();
      for (i = i0; i <= i1; i++) {
        v = s.v[i];
        if (v !== v) {
          if (open) { ctx.lineTo(lastPX, zero); ctx.lineTo(firstX, zero); ctx.closePath(); }
          open = false; continue;
        }
        x = this.xOf(s.u[i]); y = this.yOf(v);
        if (!open) { ctx.moveTo(x, zero); firstX = x; open = true; }
        ctx.lineTo(x, y); lastPX = x;
      }
      if (open) { ctx.lineTo(lastPX, zero); ctx.closePath(); }
      ctx.fill();
    }
    ctx.strokeStyle = this.kind === "drawdown" ? DOWN : LINE;
    ctx.lineWidth = 1.25; ctx.lineJoin = "round";
    ctx.beginPath();
    var pen = false;
    for (i = i0; i <= i1; i++) {
      v = s.v[i];
      if (v !== v) { pen = false; continue; }
      x = this.xOf(s.u[i]); y = this.yOf(v);
      if (pen) { ctx.lineTo(x, y); } else { ctx.moveTo(x, y); pen = true; }
    }
    ctx.stroke();
    fills.forEach(function (f) {
      if (f.p === null) { return; }
      var fx = this.xOf(f.u), fy = this.yOf(f.p);
      ctx.beginPath();
      if (f.side > 0) {
        ctx.moveTo(fx, fy); ctx.lineTo(fx - 5, fy + 9); ctx.lineTo(fx + 5, fy + 9);
      } else if (f.side < 0) {
        ctx.moveTo(fx, fy); ctx.lineTo(fx - 5, fy - 9); ctx.lineTo(fx + 5, fy - 9);
      } else {
        ctx.arc(fx, fy, 4, 0, 2 * Math.PI);
      }
      ctx.closePath();
      ctx.fillStyle = f.side > 0 ? UP : f.side < 0 ? DOWN : OTHER;
      ctx.fill();
      ctx.strokeStyle = "#fff"; ctx.lineWidth = 0.75; ctx.stroke();
    }, this);
    if (drag && drag.chart === this && Math.abs(drag.x1 - drag.x0) > 1) {
      ctx.fillStyle = "rgba(100, 116, 139, 0.18)";
      ctx.fillRect(Math.min(drag.x0, drag.x1), top, Math.abs(drag.x1 - drag.x0), b - top);
    }
    if (hover) {
      x = Math.round(this.xOf(hover.u)) + 0.5;
      ctx.strokeStyle = "rgba(29, 36, 48, 0.45)"; ctx.lineWidth = 1; ctx.setLineDash([3, 3]);
      ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, b); ctx.stroke();
      if (hover.chart === this && hover.y >= top && hover.y <= b) {
        y = Math.round(hover.y) + 0.5;
        ctx.beginPath(); ctx.moveTo(l, y); ctx.lineTo(r, y); ctx.stroke();
      }
      ctx.setLineDash([]);
      var k = this.nearest(s, hover.u);
      if (k >= 0 && s.v[k] === s.v[k]) {
        ctx.fillStyle = this.kind === "drawdown" ? DOWN : LINE;
        ctx.beginPath(); ctx.arc(this.xOf(s.u[k]), this.yOf(s.v[k]), 3, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    ctx.restore();
    if (hover && hover.chart === this && hover.y >= top && hover.y <= b) {
      var text = this.axisFmt(this.vOf(hover.y), ticks.step / 10);
      var tw = ctx.measureText(text).width + 8;
      ctx.fillStyle = LINE; ctx.fillRect(r + 1, hover.y - 8, tw, 16);
      ctx.fillStyle = "#fff"; ctx.textAlign = "left"; ctx.textBaseline = "middle";
      ctx.fillText(text, r + 5, hover.y);
    }
  };
  Chart.prototype.tooltipLines = function () {
    var s = this.series(), lines = [], k = this.nearest(s, hover.u);
    if (k >= 0) {
      lines.push({ head: true, text: fmtStamp(s.t[k]) });
      lines.push({ text: this.label + "  " + this.fmt(s.v[k]) });
      if (this.kind === "equity") {
        var j = this.nearest(DRAWDOWN, s.u[k]);
        if (j >= 0) { lines.push({ text: "Drawdown  " + fmtPct(DRAWDOWN.v[j], 2) }); }
      }
    }
    var list = this.fills ? this.fills() : [];
    if (list.length) {
      var a = firstGE(list.us, list.length, this.uOf(hover.x - 7));
      var z = lastLE(list.us, list.length, this.uOf(hover.x + 7)), near = [];
      for (var i = a; i <= z; i++) {
        var f = list[i], fy = f.p === null ? hover.y : this.yOf(f.p);
        var mid = f.side > 0 ? fy + 5 : f.side < 0 ? fy - 5 : fy;
        if (Math.abs(mid - hover.y) <= 12) { near.push(f); }
      }
      near.sort(function (p, q) { return Math.abs(p.u - hover.u) - Math.abs(q.u - hover.u); });
      near.slice(0, 6).forEach(function (f) {
        var side = f.side > 0 ? "BUY" : f.side < 0 ? "SELL" : "FILL";
        lines.push({ head: true, cls: f.side > 0 ? "up" : f.side < 0 ? "down" : "",
          text: side + " " + fmtInt(f.q) + " @ " + fmtInt(f.p) + "  " + fmtStamp(f.t) });
        lines.push({ text: "  value " + fmtInt(f.q * f.p) + " · commission " + fmtInt(f.cm) +
          " · tax " + fmtInt(f.tx) + " · order " + (f.id === null ? "n/a" : String(f.id)) });
      });
      if (near.length > 6) { lines.push({ text: "+" + (near.length - 6) + " more fills here" }); }
    }
    return lines;
  };

  var tooltip = document.getElementById("tooltip");
  function updateTooltip() {
    if (!hover || drag) { tooltip.hidden = true; return; }
    var lines = hover.chart.tooltipLines();
    if (!lines.length) { tooltip.hidden = true; return; }
    while (tooltip.firstChild) { tooltip.removeChild(tooltip.firstChild); }
    lines.forEach(function (line) {
      var div = document.createElement("div");
      div.textContent = line.text;
      if (line.head) { div.className = "head"; }
      if (line.cls) { div.className += " " + line.cls; }
      tooltip.appendChild(div);
    });
    tooltip.hidden = false;
    var tw = tooltip.offsetWidth, th = tooltip.offsetHeight;
    var left = hover.cx + 16, top = hover.cy + 16;
    if (left + tw > window.innerWidth - 4) { left = hover.cx - tw - 16; }
    if (top + th > window.innerHeight - 4) { top = hover.cy - th - 16; }
    tooltip.style.left = Math.max(4, left) + "px";
    tooltip.style.top = Math.max(4, top) + "px";
  }

  function priceAxis(v) { return fmtInt(v); }
  function pctAxis(v, step) {
    var digits = step >= 0.01 ? 0 : step >= 0.001 ? 1 : 2;
    return fmtPct(v, digits);
  }
  var charts = [
    new Chart("chart-price", 340, { kind: "price", label: "Close", integer: true,
      series: function () { return PRICES[current] || EQUITY; },
      fills: function () { return FILLS_BY_CODE[current] || []; },
      fmt: fmtInt, axisFmt: priceAxis, points: "points-price" }),
    new Chart("chart-equity", 240, { kind: "equity", label: "Equity", integer: true,
      series: function () { return EQUITY; }, fmt: function (v) { return fmtInt(v) + " KRW"; },
      axisFmt: priceAxis, points: "points-equity" }),
    new Chart("chart-drawdown", 150, { kind: "drawdown", label: "Drawdown", integer: false,
      series: function () { return DRAWDOWN; }, fmt: function (v) { return fmtPct(v, 2); },
      axisFmt: pctAxis, points: "points-drawdown" })
  ];

  var zoomLabel = document.getElementById("zoom-range");
  function redraw() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      var axis = 0;
      charts.forEach(function (chart) { axis = Math.max(axis, chart.layout()); });
      charts.forEach(function (chart) { chart.draw(axis); });
      updateTooltip();
      var zoomed = view[0] > FULL[0] || view[1] < FULL[1];
      zoomLabel.textContent = (zoomed ? "zoomed: " : "") + fmtDate(toT(view[0])) + " → " +
        fmtDate(toT(view[1]));
    });
  }
  function setView(a, b) {
    var full = FULL[1] - FULL[0];
    if (!(b > a)) { return; }
    if (b - a < MIN_SPAN) { var m = (a + b) / 2; a = m - MIN_SPAN / 2; b = m + MIN_SPAN / 2; }
    if (b - a >= full) { a = FULL[0]; b = FULL[1]; }
    if (a < FULL[0]) { b += FULL[0] - a; a = FULL[0]; }
    if (b > FULL[1]) { a -= b - FULL[1]; b = FULL[1]; }
    view = [a, b];
    redraw();
  }
  function resetView() { highlight = null; setView(FULL[0], FULL[1]); }

  window.addEventListener("mouseup", function () {
    if (!drag) { return; }
    var d = drag, a = Math.min(d.x0, d.x1), b = Math.max(d.x0, d.x1);
    drag = null;
    if (b - a > 4) { setView(d.chart.uOf(a), d.chart.uOf(b)); } else { redraw(); }
  });
  window.addEventListener("resize", redraw);
  document.getElementById("reset-zoom").addEventListener("click", resetView);

  var select = document.getElementById("code-select");
  var caption = document.getElementById("price-caption");
  CODES.forEach(function (code, i) {
    var option = document.createElement("option");
    option.value = String(i);
    option.textContent = code + " (" + fmtInt(FILLS_BY_CODE[i].length) + " fills)";
    select.appendChild(option);
  });
  function showCode(i) {
    current = i;
    select.value = String(i);
    var bars = PRICES[i] ? PRICES[i].total : 0;
    caption.textContent = (CODES[i] === undefined ? "" : CODES[i] + ": ") + fmtInt(bars) +
      " bars, " + fmtInt((FILLS_BY_CODE[i] || []).length) + " fills";
    redraw();
  }
  select.addEventListener("change", function () { showCode(Number(select.value)); });
  if (CODES.length <= 1) { document.getElementById("code-label").hidden = true; }

  var rows = document.querySelectorAll("tr[data-t0]"), selectedRow = null;
  function openTrade(row) {
    var code = CODES.indexOf(row.getAttribute("data-code"));
    var u0 = toU(Number(row.getAttribute("data-t0")));
    var u1 = toU(Number(row.getAttribute("data-t1")));
    if (code >= 0) { showCode(code); }
    if (selectedRow) { selectedRow.classList.remove("selected"); }
    selectedRow = row; row.classList.add("selected");
    highlight = [u0, u1];
    var span = Math.max(u1 - u0, MIN_SPAN * 4);
    setView(u0 - span * 0.6, u1 + span * 0.6);
    document.getElementById("charts").scrollIntoView({ behavior: "smooth", block: "start" });
  }
  Array.prototype.forEach.call(rows, function (row) {
    row.addEventListener("click", function () { openTrade(row); });
    row.addEventListener("keydown", function (e) { if (e.key === "Enter") { openTrade(row); } });
  });

  showCode(0);
})();
"""
