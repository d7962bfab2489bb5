"""Benchmark ``yeouido.ta`` against TA-Lib on 1,000,000 real-looking daily bars.

Engine: the batch kernels are compiled with numba (``@njit(cache=True, nogil=True)``, no
fast-math). numba was chosen because it gives C-speed loops from plain Python source, keeps the
floating-point operations exactly as written (so results can match TA-Lib and the pure-Python
streaming classes bit for bit), caches the machine code on disk and needs no compiler toolchain
at install time. Compilation is excluded here: every function is warmed up once before timing.

Goals checked:
* batch: our time <= 1.5x TA-Lib's on the same 1,000,000 bars (best of 5 runs each);
* streaming: <= 2 microseconds per ``update()`` and per ``update_last()``.

Run with ``.venv/bin/python benchmarks/bench_ta.py`` (``make bench``). Modules or functions that
do not exist yet are skipped with a note; the script always exits 0 unless it cannot find data.
"""

from __future__ import annotations

import importlib
import inspect
import math
import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from krx_data import krx_daily_dir

FloatArray = npt.NDArray[np.float64]

DATA_DIR = krx_daily_dir()
BARS = 1_000_000
STREAM_BARS = 200_000
PREVIEW_BARS = 50_000
REPEATS = 5
BATCH_GOAL = 1.5
STREAM_GOAL_US = 2.0
# Each repetition of the whole data set is scaled by this factor so repeated stretches differ.
DRIFT_PER_REPETITION = 1.03

BATCH_MODULES = (
    "overlap",
    "statistics",
    "momentum",
    "volatility",
    "trend",
    "volume",
    "oscillators",
)
STREAM_MODULES = (
    "stream_overlap",
    "stream_momentum",
    "stream_volatility",
    "stream_trend",
    "stream_volume",
    "stream_oscillators",
)
INPUT_COLUMNS = ("open", "high", "low", "close", "volume")
# Batch parameter names that are inputs (rather than parameters) and the column they take.
INPUT_ALIASES = {
    "real": "close",
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "volume": "volume",
}


def load_bars(count: int = BARS) -> dict[str, FloatArray]:
    """``count`` bars: every KRX daily file concatenated, repeated with a multiplicative drift."""
    files = sorted(DATA_DIR.glob("*.csv"))
    if not files:
        raise SystemExit(f"no KRX daily bars found in {DATA_DIR}")
    frames = [pd.read_csv(path, usecols=list(INPUT_COLUMNS)) for path in files]
    base = pd.concat(frames, ignore_index=True).dropna()
    columns = {name: base[name].to_numpy(dtype=np.float64) for name in INPUT_COLUMNS}
    repetitions = math.ceil(count / len(base))
    bars: dict[str, FloatArray] = {}
    for name, values in columns.items():
        scale = 1.0 if name == "volume" else DRIFT_PER_REPETITION
        parts = [values * scale**repetition for repetition in range(repetitions)]
        bars[name] = np.ascontiguousarray(np.concatenate(parts)[:count], dtype=np.float64)
    return bars


def best_of(function: Callable[[], Any], repeats: int = REPEATS) -> float:
    """Best wall time in seconds of ``repeats`` calls (after one untimed warm-up call)."""
    function()
    best = math.inf
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def import_optional(name: str) -> ModuleType | None:
    """``yeouido.ta.<name>``, or ``None`` (with a note) when it cannot be imported yet."""
    try:
        return importlib.import_module(f"yeouido.ta.{name}")
    except Exception as error:  # a module being written by someone else may fail to import
        print(f"  skipped module yeouido.ta.{name}: {type(error).__name__}: {error}")
        return None


def input_names(function: Callable[..., Any]) -> list[str] | None:
    """The input columns of a batch function (its parameters without defaults), or ``None``."""
    names: list[str] = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.default is not inspect.Parameter.empty:
            continue
        column = INPUT_ALIASES.get(parameter.name)
        if column is None:
            return None
        names.append(column)
    return names


def batch_functions(talib: ModuleType) -> list[tuple[str, Callable[..., Any], list[str]]]:
    """Every public batch function of the group modules that TA-Lib has under the same name."""
    found: list[tuple[str, Callable[..., Any], list[str]]] = []
    for module_name in BATCH_MODULES:
        module = import_optional(module_name)
        if module is None:
            continue
        for name, function in sorted(vars(module).items()):
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module.__name__ or not hasattr(talib, name.upper()):
                continue
            inputs = input_names(function)
            if inputs is None:
                print(f"  skipped {module_name}.{name}: inputs not recognised")
                continue
            found.append((name, function, inputs))
    return found


def bench_batch(
    talib: ModuleType, bars: dict[str, FloatArray]
) -> tuple[list[tuple[str, float, float]], list[str]]:
    """Time ours and TA-Lib's; return ``(name, ours_s, talib_s)`` rows and the failures."""
    rows: list[tuple[str, float, float]] = []
    failures: list[str] = []
    for name, function, inputs in batch_functions(talib):
        arrays = [bars[column] for column in inputs]
        reference = getattr(talib, name.upper())
        try:
            ours = best_of(lambda function=function, arrays=arrays: function(*arrays))
            theirs = best_of(lambda reference=reference, arrays=arrays: reference(*arrays))
        except Exception as error:
            failures.append(f"{name}: {type(error).__name__}: {error}")
            continue
        rows.append((name, ours, theirs))
    return rows, failures


def streaming_classes(names: set[str]) -> list[tuple[str, type[Any]]]:
    """Streaming classes named after a benchmarked batch function (upper case)."""
    found: dict[str, type[Any]] = {}
    for module_name in STREAM_MODULES:
        module = import_optional(module_name)
        if module is None:
            continue
        for name, cls in vars(module).items():
            if name in names and inspect.isclass(cls) and name not in found:
                found[name] = cls
    return sorted(found.items())


def bench_streaming(
    classes: list[tuple[str, type[Any]]], bars: dict[str, FloatArray]
) -> tuple[list[tuple[str, float, float]], list[str]]:
    """Microseconds per ``update()`` over STREAM_BARS bars and per ``update_last()``."""
    rows: list[tuple[str, float, float]] = []
    failures: list[str] = []
    as_lists = {name: values[:STREAM_BARS].tolist() for name, values in bars.items()}
    for name, cls in classes:
        try:
            indicator = cls()
            columns = [as_lists[INPUT_ALIASES.get(field, field)] for field in cls.inputs]
            rows_in = list(zip(*columns, strict=True))
            update = indicator.update
            started = time.perf_counter()
            for row in rows_in:
                update(*row)
            per_update = (time.perf_counter() - started) / len(rows_in) * 1e6
            preview = indicator.update_last
            previews = rows_in[:PREVIEW_BARS]
            started = time.perf_counter()
            for row in previews:
                preview(*row)
            per_preview = (time.perf_counter() - started) / len(previews) * 1e6
        except Exception as error:
            failures.append(f"{name}: {type(error).__name__}: {error}")
            continue
        rows.append((name, per_update, per_preview))
    return rows, failures


def main() -> int:
    """Run both benchmarks and print the tables; always 0 (the numbers are the result)."""
    import numba
    import talib

    print(
        f"engine: numba {numba.__version__}; reference: TA-Lib {talib.__version__}; "
        f"python {sys.version.split()[0]}"
    )
    bars = load_bars()
    print(f"bars: {len(bars['close']):,} from {DATA_DIR}")
    print()
    print("batch (best of 5, compile time excluded)")
    batch_rows, batch_failures = bench_batch(talib, bars)
    print(f"  {'function':<12} {'ours ms':>9} {'TA-Lib ms':>10} {'ratio':>7}  goal<=1.5x")
    for name, ours, theirs in batch_rows:
        ratio = ours / theirs if theirs > 0 else math.inf
        verdict = "pass" if ratio <= BATCH_GOAL else "FAIL"
        print(f"  {name:<12} {ours * 1e3:>9.2f} {theirs * 1e3:>10.2f} {ratio:>7.2f}  {verdict}")
    for failure in batch_failures:
        print(f"  error {failure}")
    print()
    print(f"streaming (update over {STREAM_BARS:,} bars, update_last over {PREVIEW_BARS:,})")
    stream_rows, stream_failures = bench_streaming(
        streaming_classes({name.upper() for name, _, _ in batch_rows}), bars
    )
    print(f"  {'class':<12} {'update us':>10} {'last us':>9}  goal<=2us")
    for name, per_update, per_preview in stream_rows:
        ok = per_update <= STREAM_GOAL_US and per_preview <= STREAM_GOAL_US
        verdict = "pass" if ok else "FAIL"
        print(f"  {name:<12} {per_update:>10.2f} {per_preview:>9.2f}  {verdict}")
    for failure in stream_failures:
        print(f"  error {failure}")
    print()
    batch_pass = sum(1 for _, ours, theirs in batch_rows if ours <= BATCH_GOAL * theirs)
    stream_pass = sum(
        1 for _, up, last in stream_rows if up <= STREAM_GOAL_US and last <= STREAM_GOAL_US
    )
    print(
        f"summary: batch {batch_pass}/{len(batch_rows)} within {BATCH_GOAL}x of TA-Lib; "
        f"streaming {stream_pass}/{len(stream_rows)} within {STREAM_GOAL_US} us per update"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
