"""The report's HTML sections: the header, the statistics, the trades and the strategy's
messages."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from yeouido.backtest.report.formatting import (
    escape,
    format_integer,
    format_krw,
    format_percent,
    format_ratio,
    format_times,
    sign_class,
)
from yeouido.backtest.report.values import wall_seconds_each
from yeouido.backtest.result import TRADE_COLUMNS

if TYPE_CHECKING:
    from yeouido.backtest.metrics import Stats
    from yeouido.backtest.result import Result

MAX_TRADE_ROWS = 2_000
"""Trades listed at most; the report says how many were left out."""


MAX_MESSAGE_ROWS = 1_000
"""Strategy messages listed at most."""


def header_html(result: Result) -> str:
    """The page header: the strategy, its parameters, the symbols, the period and the run."""
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
        ("Initial cash", format_krw(result.initial_cash)),
        ("Run time", f"{result.elapsed:,.2f} s"),
    ]
    cells = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in rows
    )
    return (
        f'<header>\n<h1 id="strategy-name">{escape(result.strategy)}</h1>\n'
        f'<p class="sub">{escape(few or "—")} · {escape(result.interval)} · '
        f"{escape(result.mode)} · "
        f"{escape(stats.start)} → {escape(stats.end)}</p>\n"
        f'<table class="info">{cells}</table>\n</header>\n'
    )


def stat_rows(result: Result) -> list[tuple[str, str, str]]:
    """(label, formatted value, css class) of each statistic."""
    stats: Stats = result.stats
    orders = result.orders
    order_text = f"{len(orders):,}"
    if len(orders) and "status" in orders.columns:
        counts = orders["status"].astype(str).value_counts()
        order_text += " (" + ", ".join(f"{name} {int(n):,}" for name, n in counts.items()) + ")"
    return [
        ("Initial equity", format_krw(stats.initial_equity), ""),
        ("Final equity", format_krw(stats.final_equity), ""),
        ("Total return", format_percent(stats.total_return), sign_class(stats.total_return)),
        ("CAGR", format_percent(stats.cagr), sign_class(stats.cagr)),
        ("Max drawdown", format_percent(stats.max_drawdown), sign_class(stats.max_drawdown)),
        ("Max drawdown duration", f"{format_integer(stats.max_drawdown_days)} days", ""),
        ("Volatility (annual)", format_percent(stats.volatility), ""),
        ("Sharpe", format_ratio(stats.sharpe), ""),
        ("Sortino", format_ratio(stats.sortino), ""),
        ("Calmar", format_ratio(stats.calmar), ""),
        ("Trades", format_integer(stats.trades), ""),
        ("Win rate", format_percent(stats.win_rate), ""),
        ("Profit factor", format_ratio(stats.profit_factor), ""),
        (
            "Average trade return",
            format_percent(stats.average_trade_return),
            sign_class(stats.average_trade_return),
        ),
        ("Exposure", format_percent(stats.exposure), ""),
        ("Turnover", f"{format_ratio(stats.turnover)} ×/year", ""),
        ("Commission paid", format_krw(stats.commission), ""),
        ("Tax paid", format_krw(stats.tax), ""),
        ("Orders", order_text, ""),
        ("Fills", f"{len(result.fills):,}", ""),
    ]


def stats_html(result: Result) -> str:
    """The statistics section, four to a row."""
    cells = [
        f'<th>{escape(label)}</th><td class="num {css}">{escape(value)}</td>'
        for label, value, css in stat_rows(result)
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


TRADE_HEADINGS = (
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


def trades_html(result: Result, intraday: bool) -> str:
    """The trades section: at most :data:`MAX_TRADE_ROWS` round trips, each row zooming the
    charts to its trade."""
    trades = result.trades.reindex(columns=list(TRADE_COLUMNS))
    total = len(trades)
    shown = trades.iloc[:MAX_TRADE_ROWS]
    head = "".join(
        f'<th class="{"num" if numeric else ""}">{escape(title)}</th>'
        for _, title, numeric in TRADE_HEADINGS
    )
    entries = shown["entry_time"].tolist()
    exits = shown["exit_time"].tolist()
    entry_seconds = wall_seconds_each(entries)
    exit_seconds = wall_seconds_each(exits)
    entry_texts = format_times(entries, entry_seconds, intraday)
    exit_texts = format_times(exits, exit_seconds, intraday)
    rows: list[str] = []
    for number, record in enumerate(shown.to_dict("records"), start=1):
        position = number - 1
        start, end = entry_seconds[position], exit_seconds[position]
        attributes = ""
        if not math.isnan(start):
            last = start if math.isnan(end) else end
            attributes = (
                f' data-code="{escape(record["code"])}" data-t0="{int(start)}"'
                f' data-t1="{int(last)}" tabindex="0"'
            )
        pnl = record["pnl"]
        back = record["return"]
        cells = [
            f"<td>{number:,}</td>",
            f"<td>{escape(record['code'])}</td>",
            f"<td>{escape(entry_texts[position])}</td>",
            f"<td>{escape(exit_texts[position])}</td>",
            f'<td class="num">{format_integer(record["quantity"])}</td>',
            f'<td class="num">{format_integer(record["entry_price"])}</td>',
            f'<td class="num">{format_integer(record["exit_price"])}</td>',
            f'<td class="num {sign_class(pnl)}">{format_integer(pnl)}</td>',
            f'<td class="num {sign_class(back)}">{format_percent(back)}</td>',
            f'<td class="num">{format_integer(record["commission"])}</td>',
            f'<td class="num">{format_integer(record["tax"])}</td>',
            f'<td class="num">{format_integer(record["bars_held"])}</td>',
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
        f'<section>\n<h2>Trades</h2>\n<p class="note">{escape(orders)}{hint}</p>\n{note}'
        f'<div class="scroll"><table class="trades" id="trades"><thead><tr><th>#</th>{head}'
        f"</tr></thead><tbody>{body}</tbody></table></div>\n</section>\n"
    )


def messages_html(result: Result, intraday: bool) -> str:
    """The strategy's ``ctx.log`` messages (at most :data:`MAX_MESSAGE_ROWS`); empty without any."""
    messages = list(result.messages)
    if not messages:
        return ""
    shown = [item if isinstance(item, tuple) else (None, item) for item in messages]
    shown = shown[:MAX_MESSAGE_ROWS]
    times = [item[0] if len(item) > 1 else None for item in shown]
    texts = [item[-1] if item else "" for item in shown]
    stamps = format_times(times, wall_seconds_each(times), intraday)
    rows = "".join(
        f"<tr><td>{escape(stamp)}</td><td>{escape(text)}</td></tr>"
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
