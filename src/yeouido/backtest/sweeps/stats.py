"""Statistics of many equity curves at once: the kernel's curves of a block of combinations
as the rows of the sweep table (the numbers :func:`~yeouido.backtest.metrics.compute_stats`
gives for each)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from yeouido.backtest.metrics import DAY_NS, SEOUL_OFFSET_NS, TRADING_DAYS_PER_YEAR
from yeouido.backtest.sweeps.table import Row
from yeouido.backtest.vectorized import Grid

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class CurveShape:
    """What the statistics need of the grid: the step ending each trading day, the years
    between the first and the last day, the step count."""

    day_ends: npt.NDArray[np.int64]
    years: float
    steps: int

    @classmethod
    def of(cls, grid: Grid) -> CurveShape:
        """The shape of ``grid``'s curves."""
        steps = grid.steps
        days = grid.day_index
        unique = steps < 2 or bool((days[1:] != days[:-1]).all())
        if unique:
            day_ends = np.arange(steps, dtype=np.int64)
            span = int(grid.stamps[-1] - grid.stamps[0]) if steps else 0
        else:
            day_ends = np.flatnonzero(np.append(days[1:] != days[:-1], True)).astype(np.int64)
            local = (grid.stamps + SEOUL_OFFSET_NS) // DAY_NS
            span = int(local[-1] - local[0]) * DAY_NS
        years = max((span // DAY_NS) / 365.25, 1 / 365.25) if len(day_ends) >= 2 else math.nan
        return cls(day_ends=day_ends, years=years, steps=steps)


def curve_stats(
    equity: npt.NDArray[np.int64],
    summary: npt.NDArray[np.int64],
    shape: CurveShape,
    cash: int,
) -> list[Row]:
    """The :data:`STAT_COLUMNS` of each row of ``equity`` (combinations × steps, from
    :func:`~yeouido.backtest.vectorized.run_many`) with its kernel ``summary``: the numbers
    :func:`~yeouido.backtest.metrics.compute_stats` gives for the same curve and trades,
    computed for all rows at once."""
    count = equity.shape[0]
    if count == 0:
        return []
    if len(shape.day_ends) == equity.shape[1]:
        values = equity.astype(np.float64)
    else:
        values = np.ascontiguousarray(equity[:, shape.day_ends], dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _curve_rows(values, equity, summary, shape, cash)


def _curve_rows(
    values: FloatArray,
    equity: npt.NDArray[np.int64],
    summary: npt.NDArray[np.int64],
    shape: CurveShape,
    cash: int,
) -> list[Row]:
    count, days = values.shape
    mean = np.full(count, np.nan)
    deviation = np.full(count, np.nan)
    downside = np.full(count, np.nan)
    has_downside = np.zeros(count, dtype=np.bool_)
    if days >= 2:
        returns = np.diff(values, axis=1)
        np.divide(returns, values[:, :-1], out=returns)
        finite = np.isfinite(returns).all(axis=1)
        mean = np.mean(returns, axis=1)
        if days > 2:
            deviation = np.std(returns, ddof=1, axis=1)
        has_downside = np.asarray((returns < 0).any(axis=1), dtype=np.bool_)
        downside = np.mean(np.minimum(returns, 0.0) ** 2, axis=1)
        for bad in np.flatnonzero(~finite).tolist():
            kept = returns[bad][np.isfinite(returns[bad])]
            mean[bad] = float(np.mean(kept)) if len(kept) else math.nan
            deviation[bad] = float(np.std(kept, ddof=1)) if len(kept) > 1 else math.nan
            has_downside[bad] = bool((kept < 0).any())
            downside[bad] = float(np.mean(np.minimum(kept, 0.0) ** 2)) if len(kept) else math.nan
    if days:
        peaks = np.maximum.accumulate(values, axis=1)
        if (peaks[:, 0] > 0).all():  # peaks only grow: all positive
            # x ↦ x - 1 rounds monotonically, so min(x - 1) is min(x) - 1 exactly
            np.divide(values, peaks, out=peaks)
            worst = peaks.min(axis=1) - 1.0
        else:
            worst = np.where(peaks > 0, values / peaks - 1.0, 0.0).min(axis=1)
    else:
        worst = np.zeros(count)
    annual = math.sqrt(TRADING_DAYS_PER_YEAR)
    rows: list[Row] = []
    for row in range(count):
        final = int(equity[row, -1]) if equity.shape[1] else cash
        years = shape.years
        cagr = (
            (final / cash) ** (1.0 / years) - 1.0
            if cash and final > 0 and not math.isnan(years)
            else math.nan
        )
        average = float(mean[row])
        spread = float(deviation[row])
        below = float(math.sqrt(downside[row])) if has_downside[row] else math.nan
        max_drawdown = float(worst[row])
        trades, wins, profit, loss = (int(value) for value in summary[row, 2:6])
        rows.append(
            {
                "total_return": final / cash - 1.0 if cash else math.nan,
                "cagr": cagr,
                "max_drawdown": max_drawdown,
                "sharpe": _ratio(average * annual, spread),
                "sortino": _ratio(average * annual, below),
                "calmar": _ratio(cagr, abs(max_drawdown)),
                "trades": trades,
                "win_rate": wins / trades if trades else math.nan,
                "profit_factor": float(profit) / float(loss) if loss > 0 else math.nan,
                "exposure": int(summary[row, 1]) / shape.steps if shape.steps else 0.0,
                "final_equity": final,
                "commission": int(summary[row, 6]),
                "tax": int(summary[row, 7]),
            }
        )
    return rows


def _ratio(numerator: float, denominator: float) -> float:
    if math.isnan(numerator) or math.isnan(denominator) or denominator == 0:
        return math.nan
    return numerator / denominator
