"""The work of a sweep as workers receive it: the job, a chunk's result, and each
combination's parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from yeouido.backtest.sweeps.strategy_ref import StrategyRef
from yeouido.backtest.sweeps.table import Row
from yeouido.backtest.vectorized import Grid
from yeouido.krx.costs import CostModel
from yeouido.strategy.failure import strategy_failure
from yeouido.strategy.signal import SeriesBars

Progress = Callable[[int, int], None]
"""Called with (combinations done, combinations in all)."""


@dataclass
class SweepJob:
    """Everything a worker needs for any chunk of a sweep."""

    strategy: StrategyRef
    mode: str
    combinations: list[dict[str, Any]]
    cash: int
    interval: str
    costs: CostModel
    codes: tuple[str, ...]
    grid: Grid | None = None
    bars: dict[str, SeriesBars] | None = None
    frames: dict[str, pd.DataFrame] | None = None


@dataclass
class ChunkResult:
    """The rows of a chunk of combinations (by index in the grid) and its seconds by stage."""

    rows: dict[int, Row]
    timings: dict[str, float]


def job_params(job: SweepJob, index: int) -> dict[str, Any]:
    """The parameters of combination ``index``: the base parameters, then the combination's."""
    return {**dict(job.strategy.base), **job.combinations[index]}


def describe_error(error: Exception) -> str:
    """The error's class and message, and where in the user's code it was raised."""
    text = f"{type(error).__name__}: {error}"
    located = strategy_failure(error)
    if located is not None and located.file is not None:
        function = f", in {located.function}" if located.function else ""
        text += f" (at {located.file}, line {located.line}{function})"
    return text
