"""What a backtest returns (:class:`Result`: orders, fills, round-trip trades, the equity
curve and stats) and how both engines build it (:func:`assemble_result`, from an orders table,
the fills and the equity curve; :func:`orders_frame`, :func:`fills_frame` and
:func:`round_trips` make the tables)."""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from yeouido.backtest.metrics import Stats, compute_stats, drawdown
from yeouido.model.account import Fill
from yeouido.model.enums import Side
from yeouido.model.orders import Order
from yeouido.model.time import SEOUL

if TYPE_CHECKING:
    from yeouido.strategy.base import Strategy

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


# -- building a result (both engines) ------------------------------------------------------


def assemble_result(
    strategy: Strategy,
    frames: dict[str, pd.DataFrame],
    interval: str,
    mode: str,
    cash: int,
    orders: pd.DataFrame,
    fills: list[Fill],
    bar_times: list[list[dt.datetime]],
    equity: pd.Series,
    exposure: float,
    elapsed: float,
    messages: list[tuple[dt.datetime, str]] | None = None,
) -> Result:
    """The :class:`Result` of a run from its orders table, fills and equity curve (the same
    for both engines: fills, round trips, drawdown and statistics derived one way)."""
    fills_table = fills_frame(fills)
    trades = round_trips(fills, bar_times, tuple(frames))
    return Result(
        strategy=type(strategy).__name__,
        params=dict(strategy.params),
        symbols=tuple(frames),
        interval=interval,
        mode=mode,
        initial_cash=cash,
        orders=orders,
        fills=fills_table,
        trades=trades,
        equity=equity,
        drawdown=drawdown(equity),
        stats=compute_stats(equity, trades, fills_table, exposure, cash),
        bars=frames,
        messages=list(messages or []),
        elapsed=elapsed,
    )


def seoul_times(values: list[dt.datetime]) -> pd.DatetimeIndex:
    """Aware datetimes as a Seoul ``DatetimeIndex`` (fast for the engine's own stamps)."""
    if not values:
        return pd.DatetimeIndex([], dtype="datetime64[ns, Asia/Seoul]")
    stamps = np.fromiter(
        (value.timestamp() * 1_000_000 for value in values), dtype=np.float64, count=len(values)
    )
    micros = np.round(stamps).astype(np.int64)
    return pd.DatetimeIndex(micros * 1000, dtype="datetime64[ns, UTC]").tz_convert(SEOUL)


def fills_frame(fills: list[Fill]) -> pd.DataFrame:
    """The fills as a DataFrame with :data:`FILL_COLUMNS`."""
    return pd.DataFrame(
        {
            "time": seoul_times([f.time for f in fills]),
            "order_id": [f.order_id for f in fills],
            "code": [f.code for f in fills],
            "side": [f.side.value for f in fills],
            "quantity": np.array([f.quantity for f in fills], dtype=np.int64),
            "price": np.array([int(f.price) for f in fills], dtype=np.int64),
            "commission": np.array([f.commission for f in fills], dtype=np.int64),
            "tax": np.array([f.tax for f in fills], dtype=np.int64),
        },
        columns=list(FILL_COLUMNS),
    )


def orders_frame(orders: list[Order]) -> pd.DataFrame:
    """The orders as a DataFrame with :data:`ORDER_COLUMNS`."""
    averages = [order.average_fill_price for order in orders]
    return pd.DataFrame(
        {
            "order_id": [order.order_id for order in orders],
            "code": [order.request.code for order in orders],
            "side": [order.request.side.value for order in orders],
            "order_type": [order.request.order_type.value for order in orders],
            "quantity": np.array([order.request.quantity for order in orders], dtype=np.int64),
            "price": pd.array(
                [
                    None if order.request.price is None else int(order.request.price)
                    for order in orders
                ],
                dtype="Int64",
            ),
            "status": [order.status.value for order in orders],
            "created_at": seoul_times([order.created_at for order in orders]),
            "updated_at": seoul_times([order.updated_at or order.created_at for order in orders]),
            "filled_quantity": np.array(
                [order.filled_quantity for order in orders], dtype=np.int64
            ),
            "average_price": averages,
            "reason": [order.reason for order in orders],
        },
        columns=list(ORDER_COLUMNS),
    )


def round_trips(
    fills: list[Fill], bar_times: list[list[dt.datetime]], symbols: tuple[str, ...]
) -> pd.DataFrame:
    """Flat-to-flat round trips per code from the fills (see :class:`Result`)."""
    index_of = {code: index for index, code in enumerate(symbols)}
    open_trips: dict[str, dict[str, Any]] = {}
    rows = []
    for fill in fills:
        trip = open_trips.get(fill.code)
        if trip is None:
            if fill.side is not Side.BUY:
                continue
            trip = open_trips[fill.code] = {
                "entry_time": fill.time,
                "held": 0,
                "bought": 0,
                "bought_quantity": 0,
                "sold": 0,
                "sold_quantity": 0,
                "commission": 0,
                "tax": 0,
            }
        if fill.side is Side.BUY:
            trip["held"] += fill.quantity
            trip["bought"] += fill.quantity * int(fill.price)
            trip["bought_quantity"] += fill.quantity
        else:
            trip["held"] -= fill.quantity
            trip["sold"] += fill.quantity * int(fill.price)
            trip["sold_quantity"] += fill.quantity
        trip["commission"] += fill.commission
        trip["tax"] += fill.tax
        if trip["held"] == 0:
            del open_trips[fill.code]
            cost = trip["bought"] + trip["commission"]
            pnl = trip["sold"] - trip["bought"] - trip["commission"] - trip["tax"]
            times = bar_times[index_of[fill.code]]
            entry_day = _bar_position(times, trip["entry_time"])
            exit_day = _bar_position(times, fill.time)
            rows.append(
                (
                    fill.code,
                    trip["entry_time"],
                    fill.time,
                    trip["bought_quantity"],
                    Decimal(trip["bought"]) / trip["bought_quantity"],
                    Decimal(trip["sold"]) / trip["sold_quantity"],
                    pnl,
                    pnl / cost if cost else 0.0,
                    trip["commission"],
                    trip["tax"],
                    exit_day - entry_day,
                )
            )
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in TRADE_COLUMNS]
    data: dict[str, Any] = dict(zip(TRADE_COLUMNS, columns, strict=True))
    data["entry_time"] = seoul_times(list(data["entry_time"]))
    data["exit_time"] = seoul_times(list(data["exit_time"]))
    for name in ("quantity", "pnl", "commission", "tax", "bars_held"):
        data[name] = np.array(data[name], dtype=np.int64)
    data["return"] = np.array(data["return"], dtype=np.float64)
    for name in ("entry_price", "exit_price"):
        data[name] = pd.array(list(data[name]), dtype=object)
    return pd.DataFrame(data, columns=list(TRADE_COLUMNS))


def _bar_position(times: list[dt.datetime], at: dt.datetime) -> int:
    return bisect.bisect_right(times, at)
