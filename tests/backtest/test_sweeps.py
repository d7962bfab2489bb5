"""Parameter sweeps (:mod:`yeouido.backtest.sweeps`) and the vectorized kernel they run.

Everything runs on the real KRX daily bars (``krx_daily_dir``) with the example golden-cross
strategy, against :func:`run_backtest` in both of its modes.
"""

from __future__ import annotations

import math
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from yeouido import ta
from yeouido.backtest import sweeps
from yeouido.backtest.data import load_bars
from yeouido.backtest.indicator_cache import IndicatorCache
from yeouido.backtest.metrics import compute_stats
from yeouido.backtest.result import FILL_COLUMNS, TRADE_COLUMNS, Result
from yeouido.backtest.runner import run_backtest
from yeouido.backtest.sweeps import STAT_COLUMNS, SweepResult, curve_stats, strategy_ref, sweep
from yeouido.backtest.sweeps import prepared as prepared_module
from yeouido.backtest.vectorized import SUMMARY_FIELDS, build_grid, series_bars
from yeouido.model.errors import InvalidInput, NotSupported
from yeouido.model.time import SEOUL
from yeouido.strategy import SeriesBars, SignalStrategy, Strategy, load_strategy
from yeouido.ta import crossover, sma

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "golden_cross.py"
TWO = ("005930", "069500")
THREE = ("005930", "069500", "229200")
CASH = 100_000_000


def all_codes(directory: Path) -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in directory.glob("*.csv")))


GoldenCross = load_strategy(EXAMPLE)


class CheckedCross(GoldenCross):  # type: ignore[misc, valid-type]
    """The example's golden cross (both modes), rejecting ``fast >= slow`` in ``__init__``."""

    def __init__(self, **overrides: Any) -> None:
        super().__init__(**overrides)
        if self.params.fast >= self.params.slow:
            raise InvalidInput.for_field("fast", self.params.fast, "must be below slow")


class InPlaceCross(SignalStrategy):
    """Writes into its moving averages (which the sweep's memoized ``self.ta`` hands out
    read-only): the sweep must still give run_backtest's numbers."""

    params = {"fast": 5, "slow": 20}

    def signals(self, bars: SeriesBars) -> tuple[Any, Any]:
        fast = self.ta.sma(bars.close, self.params.fast)
        slow = self.ta.sma(bars.close, self.params.slow)
        fast[np.isnan(slow)] = np.nan
        cross = self.ta.crossover(fast, slow)
        return cross == 1, cross == -1


class ImportedCross(SignalStrategy):
    """Calls the functions it imported from yeouido.ta (not ``self.ta``): not memoized,
    the same numbers."""

    params = {"fast": 5, "slow": 20}

    def signals(self, bars: SeriesBars) -> tuple[Any, Any]:
        cross = crossover(sma(bars.close, self.params.fast), sma(bars.close, self.params.slow))
        return cross == 1, cross == -1


class Holder(Strategy):
    """Not a signal strategy: buys ``quantity`` of each code on its first bar."""

    params = {"quantity": 1}

    def on_bar(self, ctx: Any, bar: Any) -> None:
        if not ctx.quantity(bar.code) and not ctx.open_orders(bar.code):
            ctx.buy(bar.code, self.params.quantity)


def same(left: Any, right: Any) -> bool:
    """Equal, with NaN equal to NaN (floats compared exactly)."""
    if isinstance(left, float) and isinstance(right, float):
        return (math.isnan(left) and math.isnan(right)) or left == right
    return bool(left == right)


def assert_row_is(row: pd.Series, result: Result) -> None:
    for name in STAT_COLUMNS:
        expected = getattr(result.stats, name)
        actual = row[name]
        actual = actual.item() if isinstance(actual, np.generic) else actual
        assert same(actual, expected), (name, actual, expected)


def assert_same_run(event: Result, vectorized: Result) -> None:
    assert event.trade_keys() == vectorized.trade_keys()
    assert event.fills.equals(vectorized.fills)
    assert (event.equity.values == vectorized.equity.values).all()
    assert event.stats == vectorized.stats


# -- the two modes ----------------------------------------------------------------------


@pytest.mark.parametrize("which", ["all", "two"])
def test_event_and_vectorized_modes_give_the_same_trades(krx_daily_dir: Path, which: str) -> None:
    codes = all_codes(krx_daily_dir) if which == "all" else TWO
    event = run_backtest(str(EXAMPLE), data=str(krx_daily_dir), symbols=codes, cash=CASH)
    vectorized = run_backtest(
        str(EXAMPLE), data=str(krx_daily_dir), symbols=codes, cash=CASH, mode="vectorized"
    )
    assert len(event.fills) > 100
    assert_same_run(event, vectorized)


# -- the sweep table equals single runs -----------------------------------------------------


@pytest.fixture(scope="module")
def three_code_sweep(krx_daily_dir: Path) -> SweepResult:
    return sweep(
        str(EXAMPLE),
        {"fast": [3, 5, 10], "slow": [20, 60]},
        data=str(krx_daily_dir),
        symbols=THREE,
        cash=CASH,
        processes=1,
    )


def test_sweep_table_has_one_row_per_combination_in_grid_order(
    three_code_sweep: SweepResult,
) -> None:
    table = three_code_sweep.table
    assert list(table.columns) == ["fast", "slow", *STAT_COLUMNS, "error"]
    assert list(zip(table.fast, table.slow, strict=True)) == [
        (3, 20),
        (3, 60),
        (5, 20),
        (5, 60),
        (10, 20),
        (10, 60),
    ]
    assert three_code_sweep.params[1] == {"fast": 3, "slow": 60}
    assert three_code_sweep.combinations == 6
    assert three_code_sweep.mode == "vectorized"
    assert three_code_sweep.backend == "in-process"
    assert table.error.isna().all()
    for name in ("trades", "final_equity", "commission", "tax"):
        assert table[name].dtype == np.int64
    assert (table.trades > 0).all()


def test_vectorized_sweep_numbers_equal_run_backtest_in_both_modes(
    krx_daily_dir: Path, three_code_sweep: SweepResult
) -> None:
    frames = load_bars(str(krx_daily_dir), THREE, None, None)
    assert three_code_sweep.bars == sum(len(frame) for frame in frames.values())
    table = three_code_sweep.table
    for position in (0, 3, 5):
        params = three_code_sweep.params[position]
        vectorized = run_backtest(
            str(EXAMPLE), data=frames, symbols=THREE, cash=CASH, params=params, mode="vectorized"
        )
        assert_row_is(table.iloc[position], vectorized)
        if position == 3:
            event = run_backtest(str(EXAMPLE), data=frames, symbols=THREE, cash=CASH, params=params)
            assert_same_run(event, vectorized)
            assert_row_is(table.iloc[position], event)


def test_event_mode_sweep_equals_the_vectorized_sweep(
    krx_daily_dir: Path, three_code_sweep: SweepResult
) -> None:
    result = sweep(
        str(EXAMPLE),
        {"fast": [5], "slow": [20, 60]},
        data=str(krx_daily_dir),
        symbols=THREE,
        cash=CASH,
        mode="event",
        processes=2,
    )
    assert result.mode == "event"
    assert result.backend == "processes"
    expected = three_code_sweep.table.iloc[2:4].reset_index(drop=True)
    pd.testing.assert_frame_equal(result.table, expected)


def test_all_27_listings_sweep_matches_run_backtest(krx_daily_dir: Path) -> None:
    codes = all_codes(krx_daily_dir)
    result = sweep(
        str(EXAMPLE),
        {"fast": [5, 10], "slow": [20]},
        data=str(krx_daily_dir),
        symbols=codes,
        cash=CASH,
        processes=1,
    )
    assert result.bars == 81_321
    assert result.throughput > 0
    single = run_backtest(
        str(EXAMPLE),
        data=str(krx_daily_dir),
        symbols=codes,
        cash=CASH,
        params={"fast": 10, "slow": 20},
        mode="vectorized",
    )
    assert_row_is(result.table.iloc[1], single)


def test_minute_bars_sweep_matches_run_backtest() -> None:
    frames = minute_frames()
    result = sweep(
        CheckedCross,
        {"fast": [2, 3], "slow": [6, 9]},
        data=frames,
        cash=CASH,
        interval="1m",
        processes=1,
    )
    assert (result.table.trades > 0).all()
    for position in (0, 3):
        params = result.params[position]
        vectorized = run_backtest(
            CheckedCross, data=frames, cash=CASH, params=params, interval="1m", mode="vectorized"
        )
        event = run_backtest(CheckedCross, data=frames, cash=CASH, params=params, interval="1m")
        assert_same_run(event, vectorized)
        assert_row_is(result.table.iloc[position], vectorized)


def minute_frames() -> dict[str, pd.DataFrame]:
    """Three days of 1-minute bars (09:00-09:59 and 15:00-15:29) for two codes: random
    walks, some bars without volume, the second code missing part of the second day."""
    generator = np.random.default_rng(7)
    minutes = [*range(0, 60), *range(360, 390)]
    days = pd.to_datetime(["2024-03-04", "2024-03-05", "2024-03-06"])
    times = pd.DatetimeIndex(
        [day + pd.Timedelta(hours=9, minutes=minute) for day in days for minute in minutes]
    ).tz_localize(SEOUL)
    frames = {}
    for number, code in enumerate(TWO):
        closes = 50_000 + np.cumsum(generator.integers(-60, 61, len(times))) * 10
        opens = np.append(closes[0], closes[:-1])
        highs = np.maximum(opens, closes) + 10
        lows = np.minimum(opens, closes) - 10
        volumes = generator.integers(0, 500, len(times))
        volumes[volumes < 40] = 0
        frame = pd.DataFrame(
            {"open": opens, "high": highs, "low": lows, "close": closes, "volume": volumes},
            index=times,
        )
        if number == 1:
            frame = frame.drop(frame.index[90:120])
        frames[code] = frame
    return frames


# -- statistics of many curves ----------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # compute_stats on zeros
def test_curve_stats_equal_compute_stats(krx_daily_dir: Path) -> None:
    frames = load_bars(str(krx_daily_dir), THREE, None, None)
    grid = build_grid(frames, "1d")
    steps = grid.steps
    base = np.linspace(CASH, CASH * 1.4, steps) + np.sin(np.arange(steps) / 17.0) * CASH * 0.05
    curves = np.vstack(
        [
            np.round(base).astype(np.int64),
            np.full(steps, CASH, dtype=np.int64),  # flat: no variance
            np.round(base[::-1]).astype(np.int64),  # falling
            np.where(np.arange(steps) % 500 == 499, 0, np.round(base)).astype(np.int64),  # zeros
        ]
    )
    summary = np.zeros((len(curves), len(SUMMARY_FIELDS)), dtype=np.int64)
    summary[:, 1] = [steps // 2, 0, steps, 7]
    summary[:, 2:8] = [[4, 1, 900, 300, 77, 55], [0] * 6, [3, 0, 0, 10, 1, 2], [1, 1, 5, 0, 0, 0]]
    shape = sweeps.CurveShape.of(grid)
    rows = curve_stats(curves, summary, shape, CASH)
    index = pd.DatetimeIndex(grid.stamps, dtype="datetime64[ns, UTC]").tz_convert(SEOUL)
    index = index + pd.Timedelta(hours=15, minutes=30)
    fills = pd.DataFrame(
        {
            "time": [index[0]] * 2,
            "order_id": ["a", "b"],
            "code": ["005930"] * 2,
            "side": ["buy", "sell"],
            "quantity": [1, 1],
            "price": [1, 1],
            "commission": [0, 0],
            "tax": [0, 0],
        },
        columns=list(FILL_COLUMNS),
    )
    for curve, counts, row in zip(curves, summary, rows, strict=True):
        trades, wins, profit, loss, commission, tax = (int(value) for value in counts[2:8])
        pnl = [profit] * wins + [-loss] * (1 if loss else 0)
        pnl += [0] * (trades - len(pnl))
        trade_table = pd.DataFrame({name: [0] * trades for name in TRADE_COLUMNS})
        trade_table["pnl"] = np.array(pnl, dtype=np.int64)
        fill_table = fills.assign(commission=[commission, 0], tax=[0, tax])
        expected = compute_stats(
            pd.Series(curve, index=index, name="equity"),
            trade_table,
            fill_table,
            int(counts[1]) / steps,
            CASH,
        )
        for name in STAT_COLUMNS:
            assert same(row[name], getattr(expected, name)), (name, row[name], expected)


def test_curve_stats_of_minute_curves_use_the_last_step_of_each_day() -> None:
    grid = build_grid(load_bars(minute_frames(), TWO, None, None, "1m"), "1m")
    generator = np.random.default_rng(3)
    curves = CASH + np.cumsum(generator.integers(-50_000, 50_001, (3, grid.steps)), axis=1)
    summary = np.zeros((3, len(SUMMARY_FIELDS)), dtype=np.int64)
    rows = curve_stats(curves, summary, sweeps.CurveShape.of(grid), CASH)
    index = pd.DatetimeIndex(grid.stamps, dtype="datetime64[ns, UTC]").tz_convert(SEOUL)
    empty_trades = pd.DataFrame({name: [] for name in TRADE_COLUMNS})
    empty_fills = pd.DataFrame({name: [] for name in FILL_COLUMNS})
    for curve, row in zip(curves, rows, strict=True):
        expected = compute_stats(
            pd.Series(curve, index=index + pd.Timedelta(minutes=1)),
            empty_trades,
            empty_fills,
            0.0,
            CASH,
        )
        for name in STAT_COLUMNS:
            assert same(row[name], getattr(expected, name)), name


# -- workers -----------------------------------------------------------------------------------


def test_two_processes_give_the_same_table_as_one(
    krx_daily_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grid = {"fast": [3, 5, 8], "slow": [3, 20, 40]}
    one = sweep(CheckedCross, grid, data=str(krx_daily_dir), symbols=THREE, cash=CASH, processes=1)
    monkeypatch.setattr(sweeps, "SMALL_VECTORIZED_WORK", 0)
    calls: list[tuple[int, int]] = []
    two = sweep(
        CheckedCross,
        grid,
        data=str(krx_daily_dir),
        symbols=THREE,
        cash=CASH,
        processes=2,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert one.backend == "in-process"
    assert two.backend == "processes"
    pd.testing.assert_frame_equal(one.table, two.table)
    assert calls[0] == (0, 9)
    assert calls[-1] == (9, 9)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_file_strategies_run_in_worker_processes(
    krx_daily_dir: Path, monkeypatch: pytest.MonkeyPatch, three_code_sweep: SweepResult
) -> None:
    monkeypatch.setattr(sweeps, "SMALL_VECTORIZED_WORK", 0)
    result = sweep(
        str(EXAMPLE),
        {"fast": [3, 5, 10], "slow": [20, 60]},
        data=str(krx_daily_dir),
        symbols=THREE,
        cash=CASH,
        processes=2,
    )
    assert result.backend == "processes"
    pd.testing.assert_frame_equal(result.table, three_code_sweep.table)


def test_strategy_reference_reloads_a_file_strategy_elsewhere() -> None:
    reference, strategy = sweeps.StrategyRef.of(str(EXAMPLE))
    assert reference.file == str(EXAMPLE)
    strategy_ref.LOADED.clear()
    saved = sys.modules.pop(reference.module)
    try:
        loaded = reference.load()
    finally:
        sys.modules[reference.module] = saved
    assert loaded is not strategy
    assert loaded.__name__ == strategy.__name__ == "GoldenCross"
    assert dict(loaded.params) == {"fast": 5, "slow": 20}


def test_strategy_reference_ships_the_source_to_machines_without_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    reference, _ = sweeps.StrategyRef.of(str(EXAMPLE))
    elsewhere = sweeps.StrategyRef(
        "yeouido_user_strategy_elsewhere",
        "GoldenCross",
        str(tmp_path / "missing" / "golden_cross.py"),
        (("fast", 7),),
        reference.source,
    )
    loaded = elsewhere.load()
    assert loaded.__name__ == "GoldenCross"
    assert loaded(fast=7).params.slow == 20
    assert list(tmp_path.glob("yeouido-strategies-*/golden_cross.py"))


def test_a_local_ray_instance_gives_the_same_table_as_processes(krx_daily_dir: Path) -> None:
    pytest.importorskip("ray")
    grid = {"fast": [3, 5], "slow": [20, 60]}
    local = sweep(str(EXAMPLE), grid, data=str(krx_daily_dir), symbols=TWO, cash=CASH, processes=1)
    calls: list[tuple[int, int]] = []
    on_ray = sweep(
        str(EXAMPLE),
        grid,
        data=str(krx_daily_dir),
        symbols=TWO,
        cash=CASH,
        ray="local",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert on_ray.backend == "ray"
    pd.testing.assert_frame_equal(local.table, on_ray.table)
    assert calls[-1] == (4, 4)
    import ray

    assert not ray.is_initialized()  # the sweep shut down the instance it started


def test_ray_missing_is_not_supported(krx_daily_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(NotSupported, match=r"pip install yeouido\[ray\]"):
        sweep(str(EXAMPLE), {"fast": [5]}, data=str(krx_daily_dir), symbols=TWO, ray="127.0.0.1:1")


# -- errors and edge cases ---------------------------------------------------------------------


def test_unknown_grid_key_fails_before_any_work(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    with pytest.raises(InvalidInput) as caught:
        sweep(
            str(EXAMPLE),
            {"fast": [5], "fastest": [3]},
            data=str(tmp_path / "no-such-directory"),
            symbols=TWO,
            progress=lambda done, total: calls.append((done, total)),
        )
    assert caught.value.field == "grid.fastest"
    assert "fast, slow" in str(caught.value)
    assert not calls


def test_empty_value_list_and_bad_arguments_are_refused(krx_daily_dir: Path) -> None:
    with pytest.raises(InvalidInput, match=r"grid\.slow"):
        sweep(str(EXAMPLE), {"slow": []}, data=str(krx_daily_dir), symbols=TWO)
    with pytest.raises(InvalidInput, match="mode"):
        sweep(str(EXAMPLE), {"slow": [20]}, data=str(krx_daily_dir), symbols=TWO, mode="fast")
    with pytest.raises(InvalidInput, match="processes"):
        sweep(str(EXAMPLE), {"slow": [20]}, data=str(krx_daily_dir), symbols=TWO, processes=0)
    with pytest.raises(InvalidInput, match="not a SignalStrategy"):
        sweep(Holder, {"quantity": [1]}, data=str(krx_daily_dir), symbols=TWO, mode="vectorized")


def test_rejected_combinations_become_error_rows(krx_daily_dir: Path) -> None:
    result = sweep(
        CheckedCross,
        {"fast": [5, 30], "slow": [20]},
        data=str(krx_daily_dir),
        symbols=TWO,
        cash=CASH,
        processes=1,
    )
    table = result.table
    assert table.error[0] is None
    assert "fast=30" in table.error[1] and "InvalidInput" in table.error[1]
    assert table.final_equity.dtype == "Int64"
    assert pd.isna(table.final_equity[1]) and math.isnan(table.sharpe[1])
    single = run_backtest(
        CheckedCross,
        data=str(krx_daily_dir),
        symbols=TWO,
        cash=CASH,
        params={"fast": 5, "slow": 20},
        mode="vectorized",
    )
    assert_row_is(table.iloc[0], single)
    assert result.best() == {"fast": 5, "slow": 20}


def test_strategy_writing_into_cached_indicators_still_matches(krx_daily_dir: Path) -> None:
    result = sweep(
        InPlaceCross,
        {"fast": [5, 10], "slow": [20, 30]},
        data=str(krx_daily_dir),
        symbols=TWO,
        cash=CASH,
        processes=1,
    )
    assert result.table.error.isna().all()
    single = run_backtest(
        InPlaceCross,
        data=str(krx_daily_dir),
        symbols=TWO,
        cash=CASH,
        params={"fast": 10, "slow": 30},
        mode="vectorized",
    )
    assert_row_is(result.table.iloc[3], single)


def test_strategies_calling_imported_indicators_run_unmemoized(krx_daily_dir: Path) -> None:
    grid = {"fast": [5, 10], "slow": [20, 30]}
    imported = sweep(
        ImportedCross, grid, data=str(krx_daily_dir), symbols=TWO, cash=CASH, processes=1
    )
    assert imported.table.error.isna().all()
    single = run_backtest(
        ImportedCross,
        data=str(krx_daily_dir),
        symbols=TWO,
        cash=CASH,
        params={"fast": 5, "slow": 30},
        mode="vectorized",
    )
    assert_row_is(imported.table.iloc[1], single)
    # nothing is swapped in the strategy's module (this one)
    assert globals()["sma"] is ta.sma and globals()["crossover"] is ta.crossover
    assert (imported.table.trades > 0).all()


def test_memoized_indicators_remember_results_on_the_bars_arrays(krx_daily_dir: Path) -> None:
    frames = load_bars(str(krx_daily_dir), TWO, None, None)
    bars = {code: series_bars(code, frame) for code, frame in frames.items()}
    cache = IndicatorCache(bars.values())
    memo = cache.namespace
    close = bars[TWO[0]].close
    first = memo.sma(close, 20)
    assert memo.sma(close, 20) is first and memo.sma(close, timeperiod=20) is not first
    assert memo.sma(close, 5) is not first
    assert not first.flags.writeable
    np.testing.assert_array_equal(first, ta.sma(close, 20))
    assert memo.crossover(first, memo.sma(close, 5)) is memo.crossover(first, memo.sma(close, 5))
    fresh = close.copy()  # not one of the bars' arrays: computed each time, writable
    assert memo.sma(fresh, 20) is not memo.sma(fresh, 20)
    assert memo.sma(fresh, 20).flags.writeable
    _, middle, _ = memo.bbands(close, 20)
    assert memo.bbands(close, 20)[1] is middle
    assert memo.overlap.sma(close, 20) is memo.overlap.sma(close, 20)
    assert memo.streaming.RSI is ta.streaming.RSI and memo.TALIB_FUNCTIONS is ta.TALIB_FUNCTIONS
    assert memo.sma.__wrapped__ is ta.sma and "sma" in dir(memo)
    strategy = InPlaceCross()
    assert strategy.ta is ta
    cache.attach(strategy)
    assert strategy.ta is memo
    cache.disable()
    assert memo.sma(close, 20) is not memo.sma(close, 20)  # off: computed every time
    cache.attach(strategy)
    assert strategy.ta is ta


def test_concurrent_sweeps_give_the_same_tables(krx_daily_dir: Path) -> None:
    grid = {"fast": [3, 5, 10], "slow": [20, 60]}

    def run(strategy: Any) -> SweepResult:
        return sweep(strategy, grid, data=str(krx_daily_dir), symbols=THREE, cash=CASH, processes=1)

    alone = [run(GoldenCross), run(InPlaceCross)]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(run, [GoldenCross, InPlaceCross, GoldenCross, InPlaceCross]))
    for position, result in enumerate(together):
        pd.testing.assert_frame_equal(result.table, alone[position % 2].table)
    prepared = next(iter(prepared_module.PREPARED.values()))
    for series in prepared.series().values():
        assert not series.close.flags.writeable and not series.time.flags.writeable


def test_auto_mode_runs_other_strategies_event_driven(krx_daily_dir: Path) -> None:
    result = sweep(
        Holder,
        {"quantity": [1, 2]},
        data=str(krx_daily_dir),
        symbols=TWO,
        start="2023-01-01",
        cash=CASH,
        processes=1,
    )
    assert result.mode == "event"
    single = run_backtest(
        Holder,
        data=str(krx_daily_dir),
        symbols=TWO,
        start="2023-01-01",
        cash=CASH,
        params={"quantity": 2},
    )
    assert_row_is(result.table.iloc[1], single)


def test_best_and_progress(krx_daily_dir: Path) -> None:
    calls: list[tuple[int, int]] = []
    result = sweep(
        str(EXAMPLE),
        {"fast": [3, 5, 10], "slow": [20, 60]},
        data=str(krx_daily_dir),
        symbols=THREE,
        cash=CASH,
        processes=1,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[0] == (0, 6) and calls[-1] == (6, 6)
    table = result.table
    top = int(table.sharpe.idxmax())
    assert result.best() == result.params[top]
    assert result.best("max_drawdown") == result.params[int(table.max_drawdown.idxmax())]
    assert result.best("tax", ascending=True) == result.params[int(table.tax.idxmin())]
    with pytest.raises(InvalidInput, match="metric"):
        result.best("nonsense")
    assert "combinations" in repr(result)


def test_changed_csv_files_are_read_again(krx_daily_dir: Path, tmp_path: Path) -> None:
    for code in TWO:
        shutil.copy(krx_daily_dir / f"{code}.csv", tmp_path / f"{code}.csv")
    grid = {"fast": [5], "slow": [20]}
    first = sweep(str(EXAMPLE), grid, data=str(tmp_path), symbols=TWO, processes=1)
    again = sweep(str(EXAMPLE), grid, data=str(tmp_path), symbols=TWO, processes=1)
    pd.testing.assert_frame_equal(first.table, again.table)
    path = tmp_path / f"{TWO[0]}.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-300]), encoding="utf-8")
    shorter = sweep(str(EXAMPLE), grid, data=str(tmp_path), symbols=TWO, processes=1)
    assert shorter.bars < first.bars
    expected = run_backtest(str(EXAMPLE), data=str(tmp_path), symbols=TWO, mode="vectorized")
    assert_row_is(shorter.table.iloc[0], expected)
