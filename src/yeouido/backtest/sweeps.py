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
  for that combination. While the signals are computed, the :mod:`yeouido.ta` functions the
  strategy's module calls are memoized on the bars' own arrays (an SMA(20) of a code's closes
  is computed once for all the combinations that use it); their results are read-only, and a
  strategy that writes into one simply runs again without the cache.
- **event**: any strategy; each combination is one event-driven
  :func:`~yeouido.backtest.runner.run_backtest`.

Work is spread over local worker processes (``processes``, the fork start method on Linux;
small sweeps run in this process) or over a Ray cluster (``ray="auto"``,
``ray="127.0.0.1:6379"``, ``ray="ray://host:10001"``, or ``ray="local"`` to start a local
instance; ``pip install yeouido[ray]``). Workers receive the strategy as its file path and
class name (or its importable module) and load it again.

A combination the strategy rejects (its ``__init__`` or ``signals()`` raising, e.g.
``fast >= slow``) becomes a row with the message in the ``error`` column and the statistics
empty; the sweep goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import itertools
import math
import multiprocessing
import os
import socket
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from yeouido.backtest.data import DataSource, load_bars, parse_day, parse_symbols
from yeouido.backtest.metrics import DAY_NS, SEOUL_OFFSET_NS, TRADING_DAYS_PER_YEAR
from yeouido.backtest.runner import StrategySpec, cost_model_from, run_backtest
from yeouido.backtest.vectorized import (
    Grid,
    build_grid,
    place_signals,
    run_many,
    series_bars,
)
from yeouido.krx.costs import CostModel
from yeouido.model.errors import ConnectionFailed, InvalidInput, NotSupported
from yeouido.strategy.base import INTERVALS, Strategy
from yeouido.strategy.failure import strategy_failure
from yeouido.strategy.loader import load_strategy
from yeouido.strategy.signal import SeriesBars, SignalStrategy

__all__ = ["STAT_COLUMNS", "StrategyRef", "SweepResult", "curve_stats", "sweep"]

Progress = Callable[[int, int], None]
"""Called with (combinations done, combinations in all)."""

MODES = ("auto", "vectorized", "event")

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

SMALL_VECTORIZED_WORK = 40_000_000
"""Vectorized sweeps of at most this many bar·combinations run in this process (the kernel
already uses every core; worker processes would cost more than they save)."""

BLOCK_BYTES = 48 * 1024 * 1024
"""The memory one block of combinations may take (signals and equity curves)."""

BLOCK_COMBINATIONS = 256
"""The most combinations in one block."""

PIPELINE_BLOCKS = 5
"""In-process sweeps cut their combinations into about this many blocks, so the kernel of
one block overlaps the signals of the next."""

LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024
"""The object store of a local Ray instance started by :func:`sweep` (``ray="local"``)."""

CACHE_BYTES = 256 * 1024 * 1024
"""The memory the memoized indicator results of one chunk may take before they are dropped."""

USELESS_MISSES = 64
"""A memoized function that misses this many times without a single hit is no longer cached
in that chunk (its results are never asked for twice)."""


Row = dict[str, Any]
FloatArray = npt.NDArray[np.float64]


# -- the result ---------------------------------------------------------------------------


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


# -- shipping the strategy to workers -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class StrategyRef:
    """A strategy class as workers find it again: its module and name, and the file that
    defines it (strategies loaded from a ``.py`` file live in a generated module that only
    this process knows), with the base parameters of the combinations."""

    module: str
    name: str
    file: str | None
    base: tuple[tuple[str, Any], ...] = ()
    source: str | None = None
    """The file's text, for workers on other machines where the file does not exist."""

    @classmethod
    def of(cls, strategy: StrategySpec) -> tuple[StrategyRef, type[Strategy]]:
        """The reference of ``strategy`` (a class, an instance or a ``.py`` file) and the
        class itself."""
        base: dict[str, Any] = {}
        file: str | None = None
        if isinstance(strategy, str | Path):
            file = str(Path(strategy).resolve())
            strategy = load_strategy(strategy)
        if isinstance(strategy, Strategy):
            base = dict(strategy.params)
            strategy = type(strategy)
        if not (isinstance(strategy, type) and issubclass(strategy, Strategy)):
            raise InvalidInput.for_field(
                "strategy", repr(strategy), "must be a Strategy subclass, an instance or a .py file"
            )
        if file is None:
            module = sys.modules.get(strategy.__module__)
            found = getattr(module, "__file__", None)
            file = str(Path(found).resolve()) if found else None
        source = None
        if file is not None and file.endswith(".py"):
            try:
                source = Path(file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                source = None
        reference = cls(
            strategy.__module__, strategy.__qualname__, file, tuple(base.items()), source
        )
        _LOADED[reference.key] = strategy
        return reference, strategy

    @property
    def key(self) -> tuple[str, str, str | None]:
        """What identifies the class (not the base parameters)."""
        return (self.module, self.name, self.file)

    def load(self) -> type[Strategy]:
        """The strategy class: from this process's modules, by import, or from the file."""
        found = _LOADED.get(self.key)
        if found is not None:
            return found
        strategy: Any = None
        module = sys.modules.get(self.module)
        if module is None and self.module != "__main__":
            try:
                module = importlib.import_module(self.module)
            except ImportError:
                module = None
        if module is not None:
            strategy = module
            for part in self.name.split("."):
                strategy = getattr(strategy, part, None)
        if not (isinstance(strategy, type) and issubclass(strategy, Strategy)):
            if self.file is None:
                raise InvalidInput.for_field(
                    "strategy", f"{self.module}.{self.name}", "cannot be found in this worker"
                )
            strategy = load_strategy(self._local_file(), self.name.rsplit(".", 1)[-1])
        loaded: type[Strategy] = strategy
        _LOADED[self.key] = loaded
        return loaded

    def _local_file(self) -> str:
        """The strategy's file here: the original, or (on another machine) its shipped text
        written to a temporary file of the same name."""
        assert self.file is not None
        if Path(self.file).is_file() or self.source is None:
            return self.file
        digest = hashlib.sha256(self.source.encode("utf-8")).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / f"yeouido-strategies-{digest}"
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / Path(self.file).name
        if not copy.is_file():
            copy.write_text(self.source, encoding="utf-8")
        return str(copy)


_LOADED: dict[tuple[str, str, str | None], type[Strategy]] = {}
"""Strategy classes this process has resolved."""


# -- the work -----------------------------------------------------------------------------


@dataclass
class _Job:
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
class _ChunkResult:
    rows: dict[int, Row]
    timings: dict[str, float]


def _run_chunk(
    job: _Job,
    indices: Sequence[int],
    parallel: bool,
    progress: Callable[[int], None] | None = None,
) -> _ChunkResult:
    """Run the combinations ``indices`` of ``job``."""
    strategy = job.strategy.load()
    if job.mode == "vectorized":
        return _vectorized_chunk(strategy, job, indices, parallel, progress)
    return _event_chunk(strategy, job, indices, progress)


def _params(job: _Job, index: int) -> dict[str, Any]:
    return {**dict(job.strategy.base), **job.combinations[index]}


def _describe(error: Exception) -> str:
    """The error's class and message, and where in the user's code it was raised."""
    text = f"{type(error).__name__}: {error}"
    located = strategy_failure(error)
    if located is not None and located.file is not None:
        function = f", in {located.function}" if located.function else ""
        text += f" (at {located.file}, line {located.line}{function})"
    return text


def _event_chunk(
    strategy: type[Strategy],
    job: _Job,
    indices: Sequence[int],
    progress: Callable[[int], None] | None,
) -> _ChunkResult:
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
                params=_params(job, index),
                interval=job.interval,
                commission=job.costs,
                mode="event",
            )
        except Exception as error:
            rows[index] = {"error": _describe(error)}
        else:
            rows[index] = {name: getattr(result.stats, name) for name in STAT_COLUMNS}
        if progress is not None:
            progress(done)
    return _ChunkResult(rows, {"backtests": time.perf_counter() - began})


def _vectorized_chunk(
    strategy: type[Strategy],
    job: _Job,
    indices: Sequence[int],
    parallel: bool,
    progress: Callable[[int], None] | None,
) -> _ChunkResult:
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
    shape = _CurveShape.of(grid)
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
        with _IndicatorCache(strategy, bars.values()) as cache:
            for block in blocks:
                began = time.perf_counter()
                entries, exits, weights, errors = _block_signals(strategy, job, block, cache)
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
    return _ChunkResult(rows, timings)


def _block_signals(
    strategy: type[Strategy], job: _Job, block: list[int], cache: _IndicatorCache
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
            instance = strategy(**_params(job, index))
            if not isinstance(instance, SignalStrategy):
                raise InvalidInput.for_field(
                    "mode", "vectorized", f"{strategy.__name__} is not a SignalStrategy"
                )
            cache.place(instance, bars, grid, entries[position], exits[position])
            weights[position] = instance.entry_weight(len(grid.codes))
        except Exception as error:
            errors[position] = _describe(error)
            entries[position] = False
            exits[position] = False
    return entries, exits, weights, errors


# -- memoized indicators ------------------------------------------------------------------


class _IndicatorCache:
    """Memoizes the :mod:`yeouido.ta` functions a strategy's module calls, while the block
    is active, for calls whose array arguments are the bars' own arrays (or results of
    such calls) and whose other arguments are plain numbers, strings or ``None``.

    The functions are swapped in the module's globals (names bound to a ``yeouido.ta``
    function, or to ``yeouido.ta`` or one of its modules) and restored on exit. Cached
    results are read-only; when a strategy fails with the cache on, it is switched off and
    the combination runs again without it, so the cache never changes a result.
    """

    def __init__(self, strategy: type[Strategy], bars: Any) -> None:
        signals = getattr(strategy, "signals", None)
        self.namespace: dict[str, Any] | None = getattr(signals, "__globals__", None)
        self.saved: dict[str, tuple[Any, Any]] = {}
        self.base: dict[int, Any] = {}
        for series in bars:
            for name in ("time", "open", "high", "low", "close", "volume"):
                array = getattr(series, name)
                self.base[id(array)] = array
        self.pinned: dict[int, Any] = dict(self.base)
        self.values: dict[tuple[Any, ...], Any] = {}
        self.size = 0
        self.wrapped: dict[int, Callable[..., Any]] = {}

    # -- switching ---------------------------------------------------------------------
    def __enter__(self) -> _IndicatorCache:
        namespace = self.namespace
        if namespace is None:
            return self
        for name, value in list(namespace.items()):
            replacement = self._replacement(value)
            if replacement is not None:
                self.saved[name] = (value, replacement)
                namespace[name] = replacement
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.disable()

    def disable(self) -> None:
        """Restore the module's functions (those still swapped) and drop every result."""
        if self.namespace is not None:
            for name, (value, replacement) in self.saved.items():
                if self.namespace.get(name) is replacement:
                    self.namespace[name] = value
        self.saved.clear()
        self.values.clear()
        self.pinned = dict(self.base)
        self.size = 0

    @property
    def active(self) -> bool:
        """Whether functions are swapped."""
        return bool(self.saved)

    def place(
        self,
        strategy: SignalStrategy,
        bars: Mapping[str, SeriesBars],
        grid: Grid,
        entries: npt.NDArray[np.bool_],
        exits: npt.NDArray[np.bool_],
    ) -> None:
        """:func:`~yeouido.backtest.vectorized.place_signals` with the cache, falling back
        to no cache when the strategy fails with it."""
        try:
            place_signals(strategy, bars, grid, entries, exits)
        except Exception:
            if not self.active:
                raise
            self.disable()
            place_signals(strategy, bars, grid, entries, exits)

    # -- wrapping ----------------------------------------------------------------------
    def _replacement(self, value: Any) -> Any:
        if isinstance(value, types.FunctionType) and _is_ta(value.__module__):
            return self._wrap(value)
        if isinstance(value, types.ModuleType) and _is_ta(value.__name__):
            return _ModuleProxy(value, self)
        return None

    def _wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        found = self.wrapped.get(id(function))
        if found is not None:
            return found
        tag = id(function)
        counts = [0, 0]  # misses, hits: a function whose results never come back again
        # (a crossover of two fresh averages) stops being cached after USELESS_MISSES

        def cached(*args: Any, **kwargs: Any) -> Any:
            if counts[0] >= USELESS_MISSES and not counts[1]:
                return function(*args, **kwargs)
            key = self._key(tag, args, kwargs)
            if key is None:
                return function(*args, **kwargs)
            hit = self.values.get(key)
            if hit is not None:
                counts[1] += 1
                return hit
            counts[0] += 1
            result = function(*args, **kwargs)
            arrays = result if type(result) is tuple else (result,)
            size = 0
            for item in arrays:
                if type(item) is not np.ndarray:
                    return result
                size += item.nbytes
            if self.size + size > CACHE_BYTES:
                self.values.clear()
                self.pinned = dict(self.base)
                self.size = 0
            for item in arrays:
                item.flags.writeable = False
                self.pinned[id(item)] = item
            self.values[key] = result
            self.size += size
            return result

        cached.__name__ = getattr(function, "__name__", "cached")
        cached.__doc__ = function.__doc__
        self.wrapped[id(function)] = cached
        return cached

    def _key(self, tag: int, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A key for the call, or ``None`` when it cannot be cached. An array (known by
        identity) adds its ``id``; any other value adds its type, then itself, so keys
        parse one way only."""
        key: list[Any] = [tag]
        append = key.append
        pinned = self.pinned
        values: Any = args
        if kwargs:
            names = sorted(kwargs)
            values = (*args, *names, *(kwargs[name] for name in names))
            append(len(args))
        for value in values:
            kind = type(value)
            if kind is np.ndarray:
                if pinned.get(id(value)) is not value:
                    return None
                append(id(value))
            elif kind in _PLAIN or value is None:
                if kind is float and value != value:
                    return None
                append(kind)
                append(value)
            else:
                return None
        return tuple(key)


_PLAIN = frozenset({int, float, str, bool})


def _is_ta(module: str | None) -> bool:
    return module is not None and (module == "yeouido.ta" or module.startswith("yeouido.ta."))


class _ModuleProxy:
    """Stands for ``yeouido.ta`` (or one of its modules) with memoized functions."""

    def __init__(self, module: types.ModuleType, cache: _IndicatorCache) -> None:
        self._module = module
        self._cache = cache

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._module, name)
        if isinstance(value, types.FunctionType) and _is_ta(value.__module__):
            return self._cache._wrap(value)
        return value


# -- statistics of many curves ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CurveShape:
    """What the statistics need of the grid: the step ending each trading day, the years
    between the first and the last day, the step count."""

    day_ends: npt.NDArray[np.int64]
    years: float
    steps: int

    @classmethod
    def of(cls, grid: Grid) -> _CurveShape:
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
    shape: _CurveShape,
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
    shape: _CurveShape,
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


# -- the sweep ----------------------------------------------------------------------------


def expand_grid(
    strategy: type[Strategy], grid: Mapping[str, Sequence[Any]]
) -> list[dict[str, Any]]:
    """The combinations of ``grid`` (the Cartesian product of its values, in grid order),
    checked against the strategy's parameters."""
    if not isinstance(grid, Mapping):
        raise InvalidInput.for_field("grid", type(grid).__name__, "must map names to values")
    known = dict(strategy.params)
    choices: list[list[Any]] = []
    for name, values in grid.items():
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise InvalidInput.for_field(
                f"grid.{name}", name, f"not a parameter of {strategy.__name__} ({listed})"
            )
        if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
            items = [values]
        else:
            items = [value.item() if isinstance(value, np.generic) else value for value in values]
        if not items:
            raise InvalidInput.for_field(f"grid.{name}", list(items), "give at least one value")
        choices.append(items)
    names = list(grid)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*choices)]


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
    ray_module = _import_ray(ray.strip()) if ray is not None else None
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
    prepared = _prepare(
        data, codes, parse_day(start, "start"), parse_day(end, "end"), chosen_interval
    )
    job = _Job(
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
        rows, worker_timings = _run_on_ray(job, ray_module, ray.strip(), progress)
        backend = "ray"
    else:
        small = (
            bar_count * total <= SMALL_VECTORIZED_WORK
            if chosen_mode == "vectorized"
            else total <= 1
        )
        if workers == 1 or small:
            rows, worker_timings = _run_here(job, progress)
            backend = "in-process"
        else:
            rows, worker_timings = _run_in_processes(job, workers, progress)
            backend = "processes"
    for name, value in worker_timings.items():
        timings[name] = timings.get(name, 0.0) + value
    table = _table(list(grid), combinations, rows)
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


@dataclass
class _Prepared:
    """The bars of a sweep, and (made on first use) their grid and signal arrays."""

    frames: dict[str, pd.DataFrame]
    interval: str
    _grid: Grid | None = None
    _series: dict[str, SeriesBars] | None = None

    def grid(self) -> Grid:
        """The bars on one time grid."""
        if self._grid is None:
            self._grid = build_grid(self.frames, self.interval)
        return self._grid

    def series(self) -> dict[str, SeriesBars]:
        """The bars as :meth:`SignalStrategy.signals` reads them (read-only: every
        combination, and later sweeps over the same files, read the same arrays)."""
        if self._series is None:
            self._series = {code: series_bars(code, frame) for code, frame in self.frames.items()}
            for bars in self._series.values():
                for name in ("time", "open", "high", "low", "close", "volume"):
                    getattr(bars, name).flags.writeable = False
        return self._series


_PREPARED: dict[tuple[Any, ...], _Prepared] = {}
"""The last few CSV directories read, keyed by each file's size and modification time."""

PREPARED_KEPT = 2
"""How many prepared data sets :data:`_PREPARED` keeps."""


def _prepare(
    data: DataSource,
    codes: tuple[str, ...],
    start: dt.date | None,
    end: dt.date | None,
    interval: str,
) -> _Prepared:
    """The bars of ``codes`` (:func:`~yeouido.backtest.data.load_bars`). A directory of CSV
    files read before, unchanged since (same sizes and modification times), is not read
    again: repeated sweeps over the same files skip parsing them and building the grid."""
    key: tuple[Any, ...] | None = None
    if isinstance(data, str | Path):
        directory = Path(data).resolve()
        stamps: list[tuple[str, int, int]] = []
        for code in codes:
            try:
                info = (directory / f"{code}.csv").stat()
            except OSError:
                stamps = []
                break
            stamps.append((code, info.st_size, info.st_mtime_ns))
        if stamps:
            key = (str(directory), tuple(stamps), start, end, interval)
            found = _PREPARED.get(key)
            if found is not None:
                return found
    prepared = _Prepared(load_bars(data, codes, start, end, interval), interval)
    if key is not None:
        _PREPARED[key] = prepared
        while len(_PREPARED) > PREPARED_KEPT:
            del _PREPARED[next(iter(_PREPARED))]
    return prepared


def _table(names: list[str], combinations: list[dict[str, Any]], rows: dict[int, Row]) -> Any:
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


def _merge(into: dict[str, float], timings: dict[str, float]) -> None:
    for name, value in timings.items():
        into[name] = into.get(name, 0.0) + value


def _run_here(job: _Job, progress: Progress | None) -> tuple[dict[int, Row], dict[str, float]]:
    total = len(job.combinations)
    report = None if progress is None else (lambda done: progress(done, total))
    result = _run_chunk(job, range(total), parallel=True, progress=report)
    return result.rows, result.timings


def _chunks(total: int, workers: int, mode: str) -> list[list[int]]:
    """Contiguous chunks: one combination each for event runs, a few per worker for the
    vectorized mode (neighbouring combinations share indicator values)."""
    if mode == "event":
        return [[index] for index in range(total)]
    count = min(total, workers * 2)
    size = math.ceil(total / count) if count else 0
    return [list(range(begin, min(begin + size, total))) for begin in range(0, total, size)]


# the job of this worker process (set by the pool's initializer)
_WORKER_JOB: _Job | None = None


def _init_worker(job: _Job) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _worker_chunk(indices: list[int]) -> _ChunkResult:
    assert _WORKER_JOB is not None
    return _run_chunk(_WORKER_JOB, indices, parallel=False)


def _run_in_processes(
    job: _Job, workers: int, progress: Progress | None
) -> tuple[dict[int, Row], dict[str, float]]:
    total = len(job.combinations)
    chunks = _chunks(total, workers, job.mode)
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
        pending: set[Future[_ChunkResult]] = {pool.submit(_worker_chunk, chunk) for chunk in chunks}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                result = future.result()
                rows.update(result.rows)
                _merge(timings, result.timings)
            if progress is not None:
                progress(len(rows), total)
    return rows, timings


# -- Ray ----------------------------------------------------------------------------------


def _ray_chunk(job: _Job, indices: list[int]) -> _ChunkResult:
    """A chunk in a Ray worker (the job comes from the object store, its arrays read-only:
    the kernel gets writable copies so it runs its usual compiled version)."""
    if job.grid is not None:
        grid = job.grid
        arrays = {
            item.name: np.array(value)
            for item in fields(grid)
            if isinstance(value := getattr(grid, item.name), np.ndarray)
            and not value.flags.writeable
        }
        job = replace(job, grid=replace(grid, **arrays))  # type: ignore[arg-type]
    return _run_chunk(job, indices, parallel=False)


def _import_ray(address: str) -> Any:
    """The ``ray`` module (the optional extra ``yeouido[ray]``)."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    try:
        import ray
    except ImportError:
        raise NotSupported.for_field(
            "ray", address, "Ray is not installed: pip install yeouido[ray]"
        ) from None
    return ray


RAY_CONNECT_SECONDS = 3.0
"""How long :func:`check_ray_address` waits for a Ray cluster to accept a connection."""
RAY_GCS_PORT = 6379
RAY_CLIENT_PORT = 10001


def ray_endpoint(address: str) -> tuple[str, int] | None:
    """The host and port a Ray address names (``"host:6379"``, ``"ray://host:10001"``; the
    default ports when left out), or ``None`` for ``"local"`` and ``"auto"`` without
    ``$RAY_ADDRESS``."""
    if address == "local":
        return None
    if address == "auto":
        address = os.environ.get("RAY_ADDRESS", "").strip()
        if not address or address in ("auto", "local"):
            return None
    client = address.startswith("ray://")
    rest = address.removeprefix("ray://").rstrip("/")
    host, separator, port_text = rest.rpartition(":")
    if not separator:
        host, port_text = rest, ""
    host = host.strip("[]") or "127.0.0.1"
    if not port_text:
        return host, RAY_CLIENT_PORT if client else RAY_GCS_PORT
    try:
        port = int(port_text)
    except ValueError:
        raise InvalidInput.for_field(
            "ray", address, "must be HOST:PORT, ray://HOST:PORT, auto or local"
        ) from None
    if not 0 < port < 65536:
        raise InvalidInput.for_field("ray", address, "the port must be 1-65535")
    return host, port


def check_ray_address(address: str, timeout: float = RAY_CONNECT_SECONDS) -> None:
    """Raise :class:`ConnectionFailed` within ``timeout`` seconds when nothing accepts a
    connection at the Ray address (``ray.init`` itself retries for minutes)."""
    endpoint = ray_endpoint(address)
    if endpoint is None:
        return
    host, port = endpoint
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as error:
        reason = "timed out" if isinstance(error, TimeoutError) else error.strerror or error
        raise ConnectionFailed.for_field(
            "ray",
            address,
            f"no Ray cluster answers at {host}:{port} ({reason}); start one with "
            "`ray start --head` or sweep with --ray local",
        ) from None


@contextmanager
def _ray_session(ray: Any, address: str) -> Iterator[Any]:
    """``ray`` connected to ``address`` (or to a local instance started for the sweep with
    ``"local"``: loopback only, no dashboard); shut down on exit only when this sweep started
    it. A session already initialized in this process is used as it is."""
    started = False
    if not ray.is_initialized():
        if address == "local":
            ray.init(
                num_cpus=min(os.cpu_count() or 1, 2),
                include_dashboard=False,
                log_to_driver=False,
                object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                _node_ip_address="127.0.0.1",
            )
        else:
            check_ray_address(address)
            try:
                ray.init(address=address, include_dashboard=False, log_to_driver=False)
            except (ConnectionError, TimeoutError) as error:
                raise ConnectionFailed.for_field(
                    "ray", address, f"cannot connect to the Ray cluster: {error}"
                ) from error
        started = True
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def _run_on_ray(
    job: _Job, ray_module: Any, address: str, progress: Progress | None
) -> tuple[dict[int, Row], dict[str, float]]:
    total = len(job.combinations)
    rows: dict[int, Row] = {}
    timings: dict[str, float] = {}
    with _ray_session(ray_module, address) as ray:
        cpus = int(ray.cluster_resources().get("CPU", 1)) or 1
        chunks = _chunks(total, cpus, job.mode)
        stored = ray.put(job)
        task = ray.remote(num_cpus=1)(_ray_chunk)
        pending = [task.remote(stored, chunk) for chunk in chunks]
        while pending:
            finished, pending = ray.wait(pending, num_returns=1)
            for result in ray.get(finished):
                rows.update(result.rows)
                _merge(timings, result.timings)
            if progress is not None:
                progress(len(rows), total)
    return rows, timings
