"""Benchmark the screener: a full-market scan, and (below, by the lead) the live watch.

Data: 2,500 synthetic instruments x 500 daily bars (seeded geometric random walks with
realistic KRX prices and volumes) plus the 27 real listings of ``../shared/data/krx-daily``
cut to the same last 500 trading days, in one :class:`~yeouido.screener.panel.BarPanel`
(2,527 x 500).

Scan: a five-condition expression with three indicators (SMA, RSI, MACD with two outputs),
a rolling average and ``change``. Numba compilation is excluded: one warm-up scan runs
before timing; the figure is the best of several runs. Goal: <= 200 ms.

Run with ``.venv/bin/python benchmarks/bench_screener.py``. Exits 0.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import screener_watch  # the live-watch half, beside this script
from krx_data import krx_daily_dir

from yeouido.screener.panel import BarPanel, load_csv_dir
from yeouido.screener.parser import parse
from yeouido.screener.scan import scan
from yeouido.screener.vector import evaluate

DATA_DIR = krx_daily_dir()
SYNTHETIC = 2_500
BARS = 500
REPEATS = 7
SEED = 20231222
SCAN_GOAL_MS = 200.0
EXPRESSION = (
    "close > sma(close, 20) and rsi(close, 14) < 70 and volume > avg(volume, 20) * 1.5 "
    "and change > 0 and macd(close) > macd(close).macdsignal"
)


def synthetic_panel(real: BarPanel) -> BarPanel:
    """The real listings' last ``BARS`` days plus ``SYNTHETIC`` random walks on those days."""
    dates = real.dates[-BARS:]
    generator = np.random.default_rng(SEED)
    shape = (SYNTHETIC, BARS)
    start = np.exp(generator.uniform(np.log(1_000), np.log(500_000), SYNTHETIC))[:, None]
    returns = generator.normal(0.0003, 0.022, shape)
    close = np.round(start * np.exp(np.cumsum(returns, axis=1)))
    gap = generator.normal(0.0, 0.006, shape)
    open_ = np.round(np.concatenate([start, close[:, :-1]], axis=1) * np.exp(gap))
    spread = np.abs(generator.normal(0.0, 0.012, shape))
    high = np.maximum(open_, close) * (1.0 + spread)
    low = np.minimum(open_, close) * (1.0 - spread)
    base_volume = np.exp(generator.uniform(np.log(5_000), np.log(5_000_000), SYNTHETIC))[:, None]
    volume = np.round(base_volume * generator.lognormal(0.0, 0.6, shape))
    # Newer listings: a tenth of the synthetic instruments start part-way through.
    listed = generator.integers(0, BARS - 60, SYNTHETIC)
    late = generator.random(SYNTHETIC) < 0.1
    for row in np.flatnonzero(late):
        for array in (open_, high, low, close, volume):
            array[row, : listed[row]] = np.nan
    codes = [*real.codes, *(f"9{index:05d}" for index in range(SYNTHETIC))]
    names = {info.code: info.name for info in real.instruments}

    def stack(real_array: np.ndarray, synthetic: np.ndarray) -> np.ndarray:
        return np.concatenate([real_array[:, -BARS:], synthetic], axis=0)

    return BarPanel.from_arrays(
        codes,
        dates,
        stack(real.open, open_),
        stack(real.high, high),
        stack(real.low, low),
        stack(real.close, close),
        stack(real.volume, volume),
        names=names,
    )


def best_of(repeats: int, action: object) -> tuple[float, object]:
    """Best wall time in ms of ``repeats`` calls of ``action`` and its last result."""
    assert callable(action)
    best = float("inf")
    result: object = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = action()
        best = min(best, (time.perf_counter() - started) * 1000.0)
    return best, result


def main() -> int:
    if not DATA_DIR.is_dir():
        print(f"real KRX daily bars not found at {DATA_DIR}", file=sys.stderr)
        return 0
    load_ms, real = best_of(3, lambda: load_csv_dir(DATA_DIR))
    assert isinstance(real, BarPanel)
    print(f"load_csv_dir: {len(real.codes)} files, {len(real.dates)} dates: {load_ms:.1f} ms")
    panel = synthetic_panel(real)
    print(f"panel: {panel.shape[0]:,} instruments x {panel.shape[1]} daily bars")
    print(f"expression: {EXPRESSION}")

    scan(EXPRESSION, panel)  # warm-up: numba compiles (or loads its cache) here
    scan_ms, result = best_of(REPEATS, lambda: scan(EXPRESSION, panel))
    matches = len(result)  # type: ignore[arg-type]
    verdict = "ok" if scan_ms <= SCAN_GOAL_MS else "SLOWER THAN GOAL"
    print(
        f"scan: best of {REPEATS}: {scan_ms:.1f} ms (goal <= {SCAN_GOAL_MS:.0f} ms: {verdict}), "
        f"{matches} matches"
    )

    condition = parse(EXPRESSION)
    evaluate(condition, panel)
    whole_ms, _ = best_of(3, lambda: evaluate(condition, panel))
    print(
        f"whole-history evaluation of the condition (every instrument, every date, no pruning): "
        f"{whole_ms:.1f} ms"
    )

    # ------------------------------------------------------------------------------------------
    # Live watch: 10 strategies re-evaluated per tick (see screener_watch.py).
    print()
    screener_watch.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
