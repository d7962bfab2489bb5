"""Running a chunk of a sweep's combinations: vectorized (:mod:`.vectorized_chunks`) or one
event-driven backtest each."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from yeouido.backtest.runner import run_backtest
from yeouido.backtest.sweeps.jobs import ChunkResult, SweepJob, describe_error, job_params
from yeouido.backtest.sweeps.table import STAT_COLUMNS, Row
from yeouido.backtest.sweeps.vectorized_chunks import vectorized_chunk
from yeouido.strategy.base import Strategy


def run_chunk(
    job: SweepJob,
    indices: Sequence[int],
    parallel: bool,
    progress: Callable[[int], None] | None = None,
) -> ChunkResult:
    """Run the combinations ``indices`` of ``job``."""
    strategy = job.strategy.load()
    if job.mode == "vectorized":
        return vectorized_chunk(strategy, job, indices, parallel, progress)
    return event_chunk(strategy, job, indices, progress)


def event_chunk(
    strategy: type[Strategy],
    job: SweepJob,
    indices: Sequence[int],
    progress: Callable[[int], None] | None,
) -> ChunkResult:
    """The combinations ``indices`` as one event-driven backtest each."""
    rows: dict[int, Row] = {}
    began = time.perf_counter()
    assert job.frames is not None
    for done, index in enumerate(indices, 1):
        try:
            result = run_backtest(
                strategy,
                data=job.frames,
                symbols=job.codes,
                cash=job.cash,
                params=job_params(job, index),
                interval=job.interval,
                commission=job.costs,
                mode="event",
            )
        except Exception as error:
            rows[index] = {"error": describe_error(error)}
        else:
            rows[index] = {name: getattr(result.stats, name) for name in STAT_COLUMNS}
        if progress is not None:
            progress(done)
    return ChunkResult(rows, {"backtests": time.perf_counter() - began})
