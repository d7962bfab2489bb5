"""Running a sweep's chunks in this process or in local worker processes (the fork start
method where there is one)."""

from __future__ import annotations

import math
import multiprocessing
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from yeouido.backtest.sweeps.chunks import run_chunk
from yeouido.backtest.sweeps.jobs import ChunkResult, Progress, SweepJob
from yeouido.backtest.sweeps.table import Row


def merge_timings(into: dict[str, float], timings: dict[str, float]) -> None:
    """Add ``timings`` (seconds by stage) into ``into``."""
    for name, value in timings.items():
        into[name] = into.get(name, 0.0) + value


def run_here(job: SweepJob, progress: Progress | None) -> tuple[dict[int, Row], dict[str, float]]:
    """Every combination of ``job`` in this process (the kernel's threads over the block)."""
    total = len(job.combinations)
    report = None if progress is None else (lambda done: progress(done, total))
    result = run_chunk(job, range(total), parallel=True, progress=report)
    return result.rows, result.timings


def split_chunks(total: int, workers: int, mode: str) -> list[list[int]]:
    """Contiguous chunks: one combination each for event runs, a few per worker for the
    vectorized mode (neighbouring combinations share indicator values)."""
    if mode == "event":
        return [[index] for index in range(total)]
    count = min(total, workers * 2)
    size = math.ceil(total / count) if count else 0
    return [list(range(begin, min(begin + size, total))) for begin in range(0, total, size)]


_WORKER_JOB: SweepJob | None = None


def _init_worker(job: SweepJob) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _worker_chunk(indices: list[int]) -> ChunkResult:
    assert _WORKER_JOB is not None
    return run_chunk(_WORKER_JOB, indices, parallel=False)


def run_in_processes(
    job: SweepJob, workers: int, progress: Progress | None
) -> tuple[dict[int, Row], dict[str, float]]:
    """The chunks of ``job`` in up to ``workers`` local processes, each receiving the job once
    (the pool's initializer); progress as chunks finish."""
    total = len(job.combinations)
    chunks = split_chunks(total, workers, job.mode)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    rows: dict[int, Row] = {}
    timings: dict[str, float] = {}
    with ProcessPoolExecutor(
        max_workers=min(workers, len(chunks)),
        mp_context=context,
        initializer=_init_worker,
        initargs=(job,),
    ) as pool:
        pending: set[Future[ChunkResult]] = {pool.submit(_worker_chunk, chunk) for chunk in chunks}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                result = future.result()
                rows.update(result.rows)
                merge_timings(timings, result.timings)
            if progress is not None:
                progress(len(rows), total)
    return rows, timings
