"""Parameter sweeps: one strategy over every combination of a parameter grid.

::

    from yeouido.backtest.sweeps import sweep

    result = sweep("examples/golden_cross.py", {"fast": [5, 10, 20], "slow": [60, 120]},
                   data="../shared/data/krx-daily", symbols="005930,069500")
    result.table          # one row per combination: the parameters, then the statistics
    result.best("sharpe")  # {"fast": 10, "slow": 120}

Two modes:

- **vectorized** (:class:`~yeouido.strategy.SignalStrategy` subclasses with ``signals()``):
  the bars are put on one time grid once; each combination's entries and exits come from the
  strategy's own :meth:`~yeouido.strategy.SignalStrategy.signals`, then the compiled kernel of
  :mod:`yeouido.backtest.vectorized` runs a block of combinations at once (threads over the
  combinations, no orders recorded) and the statistics of every equity curve are computed
  with numpy. The numbers are the ones :func:`~yeouido.backtest.runner.run_backtest` reports
  for that combination. Each strategy instance gets memoized indicators as ``self.ta``
  (:mod:`yeouido.backtest.indicator_cache`): an SMA(20) of a code's closes is computed once
  for all the combinations that ask ``self.ta.sma`` for it; the results are read-only, and a
  strategy that writes into one simply runs again without the memo. Strategies calling the
  :mod:`yeouido.ta` functions they imported get the same numbers, computed every time.
- **event**: any strategy; each combination is one event-driven
  :func:`~yeouido.backtest.runner.run_backtest`.

Work is spread over local worker processes (``processes``, the fork start method on Linux;
small sweeps run in this process) or over a Ray cluster (``ray="auto"``,
``ray="127.0.0.1:6379"``, ``ray="ray://host:10001"``, or ``ray="local"`` to start a local
instance; ``pip install yeouido[ray]``). Workers receive the strategy as its file path and
class name (or its importable module) and load it again.

The parts: :mod:`~yeouido.backtest.sweeps.grid` (the combinations),
:mod:`~yeouido.backtest.sweeps.prepared` (the bars, read once),
:mod:`~yeouido.backtest.sweeps.strategy_ref` (the strategy as workers load it),
:mod:`~yeouido.backtest.sweeps.jobs` and :mod:`~yeouido.backtest.sweeps.chunks` (the work),
:mod:`~yeouido.backtest.sweeps.vectorized_chunks` (signals, kernel and statistics of blocks),
:mod:`~yeouido.backtest.sweeps.stats` (statistics of many curves),
:mod:`~yeouido.backtest.sweeps.processes` and :mod:`~yeouido.backtest.sweeps.ray_cluster`
(where chunks run), :mod:`~yeouido.backtest.sweeps.table` (the result).

A combination the strategy rejects (its ``__init__`` or ``signals()`` raising, e.g.
``fast >= slow``) becomes a row with the message in the ``error`` column and the statistics
empty; the sweep goes on.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from yeouido.backtest.data import DataSource, parse_day, parse_symbols
from yeouido.backtest.runner import StrategySpec, cost_model_from
from yeouido.backtest.sweeps.grid import expand_grid
from yeouido.backtest.sweeps.jobs import Progress, SweepJob
from yeouido.backtest.sweeps.prepared import prepare_bars
from yeouido.backtest.sweeps.processes import run_here, run_in_processes
from yeouido.backtest.sweeps.ray_cluster import (
    check_ray_address,
    import_ray,
    ray_endpoint,
    run_on_ray,
)
from yeouido.backtest.sweeps.stats import CurveShape, curve_stats
from yeouido.backtest.sweeps.strategy_ref import StrategyRef
from yeouido.backtest.sweeps.table import STAT_COLUMNS, SweepResult, sweep_table
from yeouido.krx.costs import CostModel
from yeouido.model.errors import InvalidInput
from yeouido.strategy.base import INTERVALS
from yeouido.strategy.signal import SignalStrategy

__all__ = [
    "MODES",
    "STAT_COLUMNS",
    "CurveShape",
    "StrategyRef",
    "SweepResult",
    "check_ray_address",
    "curve_stats",
    "expand_grid",
    "ray_endpoint",
    "sweep",
]

MODES = ("auto", "vectorized", "event")

SMALL_VECTORIZED_WORK = 40_000_000
"""Vectorized sweeps of at most this many bar·combinations run in this process (the kernel
already uses every core; worker processes would cost more than they save)."""


def sweep(
    strategy: StrategySpec,
    grid: Mapping[str, Sequence[Any]],
    data: DataSource = None,
    symbols: str | Sequence[str] | None = None,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    cash: int = 10_000_000,
    interval: str | None = None,
    commission: Decimal | str | CostModel | None = None,
    mode: str = "auto",
    processes: int | None = None,
    ray: str | None = None,
    progress: Progress | None = None,
) -> SweepResult:
    """Backtest ``strategy`` for every combination of ``grid`` (parameter name → values).

    ``data``, ``symbols``, ``start``, ``end``, ``cash``, ``interval`` and ``commission`` are
    those of :func:`~yeouido.backtest.runner.run_backtest`. ``mode``: ``"vectorized"``
    (signal strategies), ``"event"`` (any strategy), or ``"auto"`` (vectorized when the
    strategy is a :class:`~yeouido.strategy.SignalStrategy` with ``signals()``).
    ``processes``: local worker processes (default: the CPU count; 1 runs everything in this
    process, as do small sweeps). ``ray``: a Ray address (``"auto"``, ``"host:6379"``,
    ``"ray://host:10001"``) or ``"local"`` to start a local instance for the sweep.
    ``progress`` is called with (combinations done, combinations in all).

    Unknown parameter names raise :class:`~yeouido.model.errors.InvalidInput` before any
    work; combinations the strategy rejects become rows with an ``error``.
    """
    began = time.perf_counter()
    reference, strategy_class = StrategyRef.of(strategy)
    combinations = expand_grid(strategy_class, grid)
    chosen_interval = interval or strategy_class.interval
    if chosen_interval not in INTERVALS:
        raise InvalidInput.for_field("interval", chosen_interval, f"must be one of {INTERVALS}")
    if mode not in MODES:
        raise InvalidInput.for_field("mode", mode, f"must be one of {', '.join(MODES)}")
    vectorizable = issubclass(strategy_class, SignalStrategy) and (
        strategy_class.signals is not SignalStrategy.signals
    )
    if mode == "vectorized" and not vectorizable:
        raise InvalidInput.for_field(
            "mode", mode, f"{strategy_class.__name__} is not a SignalStrategy with signals()"
        )
    use_kernel = mode == "vectorized" or (mode == "auto" and vectorizable)
    chosen_mode = "vectorized" if use_kernel else "event"
    if isinstance(cash, bool) or not isinstance(cash, int) or cash <= 0:
        raise InvalidInput.for_field("cash", cash, "must be a positive whole KRW amount")
    workers = processes if processes is not None else (os.cpu_count() or 1)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidInput.for_field("processes", processes, "must be a positive whole number")
    if ray is not None and (not isinstance(ray, str) or not ray.strip()):
        raise InvalidInput.for_field("ray", ray, "must be a Ray address or 'local'")
    ray_module = import_ray(ray.strip()) if ray is not None else None
    if ray is not None and ray_module is not None and not ray_module.is_initialized():
        check_ray_address(ray.strip())
    if symbols is None:
        if strategy_class.symbols:
            symbols = strategy_class.symbols
        elif isinstance(data, Mapping):
            symbols = tuple(data)
        else:
            raise InvalidInput.for_field("symbols", None, "name the codes to trade")
    codes = parse_symbols(symbols)
    costs = cost_model_from(commission)
    prepared = prepare_bars(
        data, codes, parse_day(start, "start"), parse_day(end, "end"), chosen_interval
    )
    job = SweepJob(
        strategy=reference,
        mode=chosen_mode,
        combinations=combinations,
        cash=cash,
        interval=chosen_interval,
        costs=costs,
        codes=codes,
    )
    if chosen_mode == "vectorized":
        job.grid, job.bars = prepared.grid(), prepared.series()
        bar_count = job.grid.bar_count
    else:
        job.frames = prepared.frames
        bar_count = sum(len(frame) for frame in prepared.frames.values())
    timings = {"load": time.perf_counter() - began}
    total = len(combinations)
    if progress is not None:
        progress(0, total)
    if ray is not None:
        rows, worker_timings = run_on_ray(job, ray_module, ray.strip(), progress)
        backend = "ray"
    else:
        small = (
            bar_count * total <= SMALL_VECTORIZED_WORK
            if chosen_mode == "vectorized"
            else total <= 1
        )
        if workers == 1 or small:
            rows, worker_timings = run_here(job, progress)
            backend = "in-process"
        else:
            rows, worker_timings = run_in_processes(job, workers, progress)
            backend = "processes"
    for name, value in worker_timings.items():
        timings[name] = timings.get(name, 0.0) + value
    table = sweep_table(list(grid), combinations, rows)
    elapsed = time.perf_counter() - began
    timings["total"] = elapsed
    return SweepResult(
        table=table,
        params=[dict(combination) for combination in combinations],
        elapsed=elapsed,
        bars=bar_count,
        combinations=total,
        mode=chosen_mode,
        backend=backend,
        timings=timings,
    )
