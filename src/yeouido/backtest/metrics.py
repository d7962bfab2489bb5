"""Performance statistics of a backtest: returns, risk, trade quality and costs."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

TRADING_DAYS_PER_YEAR = 252
DAY_NS = 86_400_000_000_000
"""A day in nanoseconds."""
SEOUL_OFFSET_NS = 9 * 3_600_000_000_000
"""Asia/Seoul's offset from UTC in nanoseconds (UTC+9, no daylight saving since 1988)."""


def seoul_midnights(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Each time's Seoul midnight, as ``DatetimeIndex.normalize`` in Asia/Seoul gives it, with
    integer arithmetic (Seoul has kept UTC+9 without daylight saving since 1988; pandas'
    ``normalize`` spends most of its time inferring a frequency)."""
    stamps = pd.DatetimeIndex(index).as_unit("ns").asi8
    local = stamps + SEOUL_OFFSET_NS
    midnights = local - local % DAY_NS - SEOUL_OFFSET_NS
    return pd.DatetimeIndex(midnights, dtype="datetime64[ns, UTC]").tz_convert("Asia/Seoul")


@dataclass(frozen=True, slots=True)
class Stats:
    """The summary numbers of one run. Returns and ratios are fractions (0.12 = 12%); KRW
    amounts are whole won. Ratios that cannot be computed (no trades, no variance) are NaN."""

    start: str
    end: str
    initial_equity: int
    final_equity: int
    total_return: float
    cagr: float
    max_drawdown: float
    max_drawdown_days: int
    volatility: float
    sharpe: float
    sortino: float
    calmar: float
    trades: int
    win_rate: float
    profit_factor: float
    average_trade_return: float
    exposure: float
    turnover: float
    commission: int
    tax: int

    def to_dict(self) -> dict[str, Any]:
        """The statistics as a plain dictionary."""
        return asdict(self)


def drawdown(equity: pd.Series) -> pd.Series:
    """The fall from the running peak at each point, as a fraction (0 or negative)."""
    values = equity.to_numpy(dtype=np.float64)
    if len(values) == 0:
        return pd.Series([], index=equity.index, dtype=np.float64)
    peaks = np.maximum.accumulate(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(peaks > 0, values / peaks - 1.0, 0.0)
    return pd.Series(result, index=equity.index, name="drawdown")


def daily_equity(equity: pd.Series) -> pd.Series:
    """The equity at the end of each trading day (minute curves are resampled)."""
    if len(equity) == 0:
        return equity
    index = pd.DatetimeIndex(equity.index)
    days = seoul_midnights(index)
    if days.is_unique:
        return equity
    return equity.groupby(days).last()


def compute_stats(
    equity: pd.Series,
    trades: pd.DataFrame,
    fills: pd.DataFrame,
    exposure: float,
    initial_equity: int,
) -> Stats:
    """The statistics of an equity curve (KRW at each step), its round-trip trades and fills."""
    daily = daily_equity(equity)
    values = daily.to_numpy(dtype=np.float64)
    final = int(equity.iloc[-1]) if len(equity) else initial_equity
    total_return = final / initial_equity - 1.0 if initial_equity else math.nan
    if len(daily) >= 2:
        years = max((daily.index[-1] - daily.index[0]).days / 365.25, 1 / 365.25)
    else:
        years = math.nan
    cagr = (
        (final / initial_equity) ** (1.0 / years) - 1.0
        if initial_equity and final > 0 and not math.isnan(years)
        else math.nan
    )
    returns = np.diff(values) / values[:-1] if len(values) >= 2 else np.array([])
    returns = returns[np.isfinite(returns)]
    volatility = (
        float(np.std(returns, ddof=1) * math.sqrt(TRADING_DAYS_PER_YEAR))
        if len(returns) > 1
        else math.nan
    )
    mean = float(np.mean(returns)) if len(returns) else math.nan
    deviation = float(np.std(returns, ddof=1)) if len(returns) > 1 else math.nan
    sharpe = _ratio(mean * math.sqrt(TRADING_DAYS_PER_YEAR), deviation)
    downside = returns[returns < 0]
    downside_deviation = (
        float(math.sqrt(np.mean(np.minimum(returns, 0.0) ** 2))) if len(downside) else math.nan
    )
    sortino = _ratio(mean * math.sqrt(TRADING_DAYS_PER_YEAR), downside_deviation)
    drawdowns = drawdown(daily)
    max_drawdown = float(drawdowns.min()) if len(drawdowns) else 0.0
    calmar = _ratio(cagr, abs(max_drawdown))
    pnl = trades["pnl"].to_numpy(dtype=np.float64) if len(trades) else np.array([])
    wins = pnl[pnl > 0]
    losses = pnl[pnl < 0]
    gross_loss = float(-losses.sum())
    profit_factor = float(wins.sum()) / gross_loss if gross_loss > 0 else math.nan
    traded_value = float((fills["quantity"] * fills["price"]).sum()) if len(fills) else 0.0
    average_equity = float(np.mean(values)) if len(values) else math.nan
    turnover = (
        traded_value / 2 / average_equity / years
        if average_equity and not math.isnan(years) and years > 0
        else math.nan
    )
    return Stats(
        start=str(daily.index[0].date()) if len(daily) else "",
        end=str(daily.index[-1].date()) if len(daily) else "",
        initial_equity=initial_equity,
        final_equity=final,
        total_return=total_return,
        cagr=cagr,
        max_drawdown=max_drawdown,
        max_drawdown_days=_longest_drawdown_days(drawdowns),
        volatility=volatility,
        sharpe=sharpe,
        sortino=sortino,
        calmar=calmar,
        trades=len(pnl),
        win_rate=len(wins) / len(pnl) if len(pnl) else math.nan,
        profit_factor=profit_factor,
        average_trade_return=float(trades["return"].mean()) if len(trades) else math.nan,
        exposure=exposure,
        turnover=turnover,
        commission=int(fills["commission"].sum()) if len(fills) else 0,
        tax=int(fills["tax"].sum()) if len(fills) else 0,
    )


def _ratio(numerator: float, denominator: float) -> float:
    if math.isnan(numerator) or math.isnan(denominator) or denominator == 0:
        return math.nan
    return numerator / denominator


def _longest_drawdown_days(drawdowns: pd.Series) -> int:
    """Calendar days of the longest stretch below a previous peak (to the recovery, or to the
    end of the curve when it has not recovered)."""
    if len(drawdowns) == 0:
        return 0
    days = pd.DatetimeIndex(drawdowns.index).as_unit("ns").asi8 // DAY_NS
    under = drawdowns.to_numpy() < 0
    if not under.any():
        return 0
    edges = np.diff(np.concatenate(([False], under, [False])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    ends_day = np.where(ends < len(days), days[np.minimum(ends, len(days) - 1)], days[-1])
    return int((ends_day - days[starts]).max())
