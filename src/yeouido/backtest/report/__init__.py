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

The parts: :mod:`~yeouido.backtest.report.page` (the page put together and written),
:mod:`~yeouido.backtest.report.chart_data` (the charts' data),
:mod:`~yeouido.backtest.report.sections` (header, statistics, trades, messages),
:mod:`~yeouido.backtest.report.formatting` (numbers and times as shown),
:mod:`~yeouido.backtest.report.values` (reading the result's values); the styles, the chart
script and the charts' markup are the package data files ``assets/report.css``,
``assets/report.js`` and ``assets/charts.html``.
"""

from __future__ import annotations

from yeouido.backtest.report.chart_data import MAX_POINTS, downsample_indices, report_data
from yeouido.backtest.report.page import render_report, write_report
from yeouido.backtest.report.sections import MAX_MESSAGE_ROWS, MAX_TRADE_ROWS

__all__ = [
    "MAX_MESSAGE_ROWS",
    "MAX_POINTS",
    "MAX_TRADE_ROWS",
    "downsample_indices",
    "render_report",
    "report_data",
    "write_report",
]
