"""What a backtest returns: orders, fills, round-trip trades, the equity curve and stats."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from yeouido.backtest.metrics import Stats

ORDER_COLUMNS = (
    "order_id",
    "code",
    "side",
    "order_type",
    "quantity",
    "price",
    "status",
    "created_at",
    "updated_at",
    "filled_quantity",
    "average_price",
    "reason",
)
FILL_COLUMNS = ("time", "order_id", "code", "side", "quantity", "price", "commission", "tax")
TRADE_COLUMNS = (
    "code",
    "entry_time",
    "exit_time",
    "quantity",
    "entry_price",
    "exit_price",
    "pnl",
    "return",
    "commission",
    "tax",
    "bars_held",
)


@dataclass
class Result:
    """One backtest.

    - ``orders``: every order with its final status (one row each);
    - ``fills``: every execution (``time`` Asia/Seoul, ``price`` KRW, ``commission`` including
      exchange fees, ``tax`` the sell tax);
    - ``trades``: round trips per code (entry → flat), ``pnl`` net of every cost in KRW,
      ``entry_price``/``exit_price`` the average prices (``Decimal``), ``return`` (a float
      fraction) on the entry cost;
    - order ``price`` is nullable integer KRW (missing for market orders), ``average_price``
      a ``Decimal``;
    - ``equity``: KRW at the end of each bar step; ``drawdown``: its fall from the peak;
    - ``stats``: :class:`~yeouido.backtest.metrics.Stats`;
    - ``bars``: the price data used, per code (for reports).
    """

    strategy: str
    params: dict[str, Any]
    symbols: tuple[str, ...]
    interval: str
    mode: str
    initial_cash: int
    orders: pd.DataFrame
    fills: pd.DataFrame
    trades: pd.DataFrame
    equity: pd.Series
    drawdown: pd.Series
    stats: Stats
    bars: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    messages: list[tuple[Any, str]] = field(default_factory=list, repr=False)
    elapsed: float = 0.0

    def trade_keys(self) -> list[tuple[str, str, str, int, int]]:
        """Each fill as ``(date-time, code, side, quantity, price)``: what "the same trades"
        compares across engines."""
        fills = self.fills
        return list(
            zip(
                (str(value) for value in fills["time"]),
                (str(value) for value in fills["code"]),
                (str(value) for value in fills["side"]),
                (int(value) for value in fills["quantity"].to_numpy()),
                (int(value) for value in fills["price"].to_numpy()),
                strict=True,
            )
        )

    def summary(self) -> str:
        """The statistics as aligned text lines."""
        stats = self.stats
        lines = [
            f"{self.strategy} on {', '.join(self.symbols)} ({self.interval}, {self.mode})",
            f"period          {stats.start} → {stats.end}",
            f"equity          {stats.initial_equity:,} → {stats.final_equity:,} KRW",
            f"total return    {_percent(stats.total_return)}",
            f"CAGR            {_percent(stats.cagr)}",
            f"max drawdown    {_percent(stats.max_drawdown)} ({stats.max_drawdown_days} days)",
            f"Sharpe          {_number(stats.sharpe)}",
            f"Sortino         {_number(stats.sortino)}",
            f"Calmar          {_number(stats.calmar)}",
            f"trades          {stats.trades}",
            f"win rate        {_percent(stats.win_rate)}",
            f"profit factor   {_number(stats.profit_factor)}",
            f"exposure        {_percent(stats.exposure)}",
            f"turnover        {_number(stats.turnover)} ×/year",
            f"commission      {stats.commission:,} KRW",
            f"tax             {stats.tax:,} KRW",
        ]
        return "\n".join(lines)

    def to_html(self, path: str | Path) -> Path:
        """Write the self-contained HTML report to ``path``; returns the path."""
        from yeouido.backtest.report import write_report

        return write_report(self, path)

    def __repr__(self) -> str:
        return (
            f"<Result {self.strategy} {len(self.symbols)} codes"
            f" {self.stats.start}..{self.stats.end}"
            f" return {_percent(self.stats.total_return)} trades {self.stats.trades}>"
        )


def _percent(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value * 100:.2f}%"


def _number(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"
