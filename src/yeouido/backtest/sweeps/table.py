"""The table a sweep returns: :class:`SweepResult` and its statistics columns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from yeouido.model.errors import InvalidInput

STAT_COLUMNS = (
    "total_return",
    "cagr",
    "max_drawdown",
    "sharpe",
    "sortino",
    "calmar",
    "trades",
    "win_rate",
    "profit_factor",
    "exposure",
    "final_equity",
    "commission",
    "tax",
)
"""The statistics columns of :attr:`SweepResult.table` (as in
:class:`~yeouido.backtest.metrics.Stats`)."""


INT_COLUMNS = ("trades", "final_equity", "commission", "tax")
"""Columns of whole numbers (KRW amounts and counts)."""


Row = dict[str, Any]


@dataclass
class SweepResult:
    """What :func:`sweep` returns.

    - ``table``: one row per combination, in grid order: the grid's parameters, then
      :data:`STAT_COLUMNS`, then ``error`` (``None``, or why the strategy rejected the
      combination). KRW amounts and counts are integers (pandas ``Int64`` when some rows
      failed);
    - ``params``: each row's parameters as a dict (the grid's values, as given);
    - ``elapsed``: seconds for the whole sweep; ``bars``: bars in the data;
      ``combinations``: rows; ``throughput``: bars × combinations / elapsed;
    - ``mode``: ``"vectorized"`` or ``"event"``; ``backend``: ``"in-process"``,
      ``"processes"`` or ``"ray"``; ``timings``: seconds by stage (``load``: data and grid;
      ``signals``, ``kernel``, ``stats`` in the vectorized mode, ``backtests`` in the event
      mode; the stages of workers are summed over workers).
    """

    table: pd.DataFrame
    params: list[dict[str, Any]]
    elapsed: float
    bars: int
    combinations: int
    mode: str
    backend: str
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        """Bar × parameter-set evaluations per second."""
        return self.bars * self.combinations / self.elapsed if self.elapsed > 0 else math.inf

    def best(self, metric: str = "sharpe", ascending: bool = False) -> dict[str, Any]:
        """The parameters of the combination with the highest ``metric`` (the lowest with
        ``ascending``); failed combinations and NaN values are skipped, ties go to the
        first in grid order."""
        if metric not in self.table.columns or metric == "error":
            raise InvalidInput.for_field(
                "metric", metric, f"must be a column of the table ({', '.join(STAT_COLUMNS)})"
            )
        values = pd.to_numeric(self.table[metric], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        usable = np.flatnonzero(~np.isnan(values))
        if not len(usable):
            raise InvalidInput.for_field(metric, "NaN", "no combination has a value to rank")
        chosen = values[usable]
        position = int(np.argmin(chosen) if ascending else np.argmax(chosen))
        return dict(self.params[int(usable[position])])

    def __repr__(self) -> str:
        return (
            f"<SweepResult {self.combinations} combinations × {self.bars} bars"
            f" {self.mode}/{self.backend} in {self.elapsed:.3f}s"
            f" ({self.throughput / 1e6:.1f}M bar·params/s)>"
        )


def sweep_table(names: list[str], combinations: list[dict[str, Any]], rows: dict[int, Row]) -> Any:
    """The table of :class:`SweepResult`: the combinations in grid order with their rows
    (statistics or ``error``)."""
    records = []
    failed = False
    for index, combination in enumerate(combinations):
        row = rows[index]
        error = row.get("error")
        failed = failed or error is not None
        record = dict(combination)
        for name in STAT_COLUMNS:
            record[name] = row.get(name, math.nan if name not in INT_COLUMNS else None)
        record["error"] = error
        records.append(record)
    table = pd.DataFrame.from_records(records, columns=[*names, *STAT_COLUMNS, "error"])
    for name in STAT_COLUMNS:
        if name in INT_COLUMNS:
            table[name] = table[name].astype("Int64" if failed else np.int64)
        else:
            table[name] = table[name].astype(np.float64)
    table["error"] = pd.Series(
        [record["error"] for record in records], index=table.index, dtype=object
    )
    return table
