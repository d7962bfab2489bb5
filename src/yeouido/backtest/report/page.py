"""The report page: its parts put together (:func:`render_report`) and written atomically
(:func:`write_report`). The styles, the chart code and the charts' markup are package data
(``assets/``), inlined into every page."""

from __future__ import annotations

import functools
import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from yeouido.backtest.report.chart_data import MAX_POINTS, json_for_html, report_data
from yeouido.backtest.report.formatting import escape
from yeouido.backtest.report.sections import (
    header_html,
    messages_html,
    stats_html,
    trades_html,
)

if TYPE_CHECKING:
    from yeouido.backtest.result import Result


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
        f"<title>{escape(title)}</title>\n<style>\n{asset('report.css')}</style>\n</head>\n<body>\n",
        header_html(result),
        stats_html(result),
        asset("charts.html"),
        trades_html(result, bool(data["intraday"])),
        messages_html(result, bool(data["intraday"])),
        "<footer>Written by yeouido. Every number is from the backtest; data drawn in the "
        "charts is thinned to the extremes of each bucket.</footer>\n",
        '<script type="application/json" id="report-data">',
        json_for_html(data),
        "</script>\n<script>\n",
        asset("report.js"),
        "</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


@functools.cache
def asset(name: str) -> str:
    """The text of the package data file ``assets/<name>`` (read once)."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")
