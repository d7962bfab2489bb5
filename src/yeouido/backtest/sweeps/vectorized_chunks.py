"""The vectorized path of a sweep: the signals of a block of combinations (with memoized
indicators), then the compiled kernel and the statistics of the whole block."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from yeouido.backtest.indicator_cache import IndicatorCache
from yeouido.backtest.sweeps.jobs import ChunkResult, SweepJob, describe_error, job_params
from yeouido.backtest.sweeps.stats import CurveShape, FloatArray, curve_stats
from yeouido.backtest.sweeps.table import Row
from yeouido.backtest.vectorized import run_many
from yeouido.model.errors import InvalidInput
from yeouido.strategy.base import Strategy
from yeouido.strategy.signal import SignalStrategy

BLOCK_BYTES = 48 * 1024 * 1024
"""The memory one block of combinations may take (signals and equity curves)."""


BLOCK_COMBINATIONS = 256
"""The most combinations in one block."""


PIPELINE_BLOCKS = 5
"""In-process sweeps cut their combinations into about this many blocks, so the kernel of
one block overlaps the signals of the next."""


def vectorized_chunk(
    strategy: type[Strategy],
    job: SweepJob,
    indices: Sequence[int],
    parallel: bool,
    progress: Callable[[int], None] | None,
) -> ChunkResult:
    """The combinations ``indices`` in blocks: the signals of a block in this thread, then
    the kernel and the statistics. With ``parallel`` the kernel (threads over the block's
    combinations) and the statistics of one block run in a helper thread while this one
    computes the next block's signals (the kernel releases the GIL)."""
    grid, bars = job.grid, job.bars
    assert grid is not None and bars is not None
    timings = {"signals": 0.0, "kernel": 0.0, "stats": 0.0}
    rows: dict[int, Row] = {}
    per_combination = 2 * grid.bar_count + 8 * grid.steps
    size = max(1, min(BLOCK_COMBINATIONS, BLOCK_BYTES // max(per_combination, 1)))
    if parallel:
        size = max(1, min(size, math.ceil(len(indices) / PIPELINE_BLOCKS)))
    blocks = [list(indices[begin : begin + size]) for begin in range(0, len(indices), size)]
    shape = CurveShape.of(grid)
    done = 0

    def collect(block: list[int], errors: dict[int, str], computed: list[Row]) -> None:
        nonlocal done
        for position, index in enumerate(block):
            failure = errors.get(position)
            rows[index] = {"error": failure} if failure is not None else computed[position]
        done += len(block)
        if progress is not None:
            progress(done)

    def finish(
        entries: npt.NDArray[np.bool_], exits: npt.NDArray[np.bool_], weights: FloatArray
    ) -> list[Row]:
        began = time.perf_counter()
        equity, summary = run_many(
            grid, entries, exits, job.cash, weights, job.costs, parallel=parallel
        )
        middle = time.perf_counter()
        computed = curve_stats(equity, summary, shape, job.cash)
        timings["kernel"] += middle - began
        timings["stats"] += time.perf_counter() - middle
        return computed

    helper = ThreadPoolExecutor(1) if parallel and len(blocks) > 1 else None
    waiting: list[tuple[list[int], dict[int, str], Future[list[Row]]]] = []
    try:
        cache = IndicatorCache(bars.values())
        for block in blocks:
            began = time.perf_counter()
            entries, exits, weights, errors = block_signals(strategy, job, block, cache)
            timings["signals"] += time.perf_counter() - began
            if helper is None:
                collect(block, errors, finish(entries, exits, weights))
                continue
            waiting.append((block, errors, helper.submit(finish, entries, exits, weights)))
            while waiting and waiting[0][2].done():
                first, failures, future = waiting.pop(0)
                collect(first, failures, future.result())
        for block, errors, future in waiting:
            collect(block, errors, future.result())
    finally:
        if helper is not None:
            helper.shutdown(wait=True)
    return ChunkResult(rows, timings)


def block_signals(
    strategy: type[Strategy], job: SweepJob, block: list[int], cache: IndicatorCache
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], FloatArray, dict[int, str]]:
    """The entries, exits and entry weights of a block of combinations, with the errors of
    those the strategy rejects (their signals stay all false)."""
    grid, bars = job.grid, job.bars
    assert grid is not None and bars is not None
    entries = np.zeros((len(block), grid.bar_count), dtype=np.bool_)
    exits = np.zeros((len(block), grid.bar_count), dtype=np.bool_)
    weights = np.zeros(len(block), dtype=np.float64)
    errors: dict[int, str] = {}
    for position, index in enumerate(block):
        try:
            instance = strategy(**job_params(job, index))
            if not isinstance(instance, SignalStrategy):
                raise InvalidInput.for_field(
                    "mode", "vectorized", f"{strategy.__name__} is not a SignalStrategy"
                )
            cache.place(instance, bars, grid, entries[position], exits[position])
            weights[position] = instance.entry_weight(len(grid.codes))
        except Exception as error:
            errors[position] = describe_error(error)
            entries[position] = False
            exits[position] = False
    return entries, exits, weights, errors
