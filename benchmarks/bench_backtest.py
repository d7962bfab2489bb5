"""Benchmark the backtester: event-driven against backtrader, and the vectorized sweep.

Data: the 27 real listings of ``../shared/data/krx-daily``, full history (loading excluded).

Event-driven: ``examples/golden_cross.py`` (SMA 5/20, entry weight 0.5 so cash never binds
at a gap-up open) on each listing alone, 100,000,000 KRW each: ours
(``BacktestEngine(...).run()``) beside the same strategy written for backtrader (a dev
dependency) with the same rules: the same previous/current cross test on two SMAs, the same
integer sizing (``CostModel.affordable_quantity``), market orders filled at the next open,
commission and exchange fee each floored to whole won, the sell tax by market, kind and
date, and no fill on a zero-volume bar (ours lets that day order expire; backtrader's
strategy cancels it). Both must give the same fills (date, side, quantity, price); the
script exits 1 when they do not. Times: ours = engine construction + run + result;
backtrader = cerebro construction + run (``PandasData``); best of 3. Goal: ours >= 20x
faster. For reference, backtrader once more on a feed of prepared tuples ("bt-rows", one
run): its time without ``PandasData``'s per-cell pandas reads. Also: one portfolio run of
ours over all 27 listings at once (weight 1/27), event-driven and vectorized (same trades).

Vectorized: a 100-combination golden-cross sweep (fast 3..21 step 2 x slow 20..200 step 20)
over all listings with ``yeouido.backtest.sweeps.sweep(..., mode="vectorized")``, after a
warm-up call (numba compilation excluded). Goal: >= 50 million bar × parameter-set
evaluations per second.

Run with ``.venv/bin/python benchmarks/bench_backtest.py [--quick]`` (``make bench``);
``--quick``: 5 listings, 1 repetition.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import backtrader as bt
import pandas as pd
from krx_data import krx_daily_dir

from yeouido.backtest.context import backtest_instrument
from yeouido.backtest.data import load_bars
from yeouido.backtest.engine import BacktestEngine
from yeouido.backtest.runner import run_backtest
from yeouido.krx.costs import CostModel, transaction_tax_rate
from yeouido.strategy import Strategy, load_strategy

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = krx_daily_dir()
EXAMPLE = ROOT / "examples" / "golden_cross.py"
CASH = 100_000_000
WEIGHT = 0.5
REPEATS = 3
QUICK_LISTINGS = 5
RATIO_GOAL = 20.0
SWEEP_GOAL = 50e6
SWEEP_GRID = {"fast": list(range(3, 22, 2)), "slow": list(range(20, 201, 20))}
COSTS = CostModel()

Trade = tuple[str, str, int, int]
"""One fill as compared across engines: (date, side, quantity, price)."""


# -- backtrader's side ----------------------------------------------------------------------
class KrxCommission(bt.CommInfoBase):
    """Our :class:`CostModel` in backtrader: commission and exchange fee each floored to whole
    won, plus the sell tax floored by the listing's market and kind on the execution date."""

    params = (
        ("stocklike", True),
        ("commtype", bt.CommInfoBase.COMM_FIXED),
        ("market", "KOSPI"),
        ("kind", "stock"),
    )

    data: Any = None  # the feed, set after creation: the execution date comes from it

    commission = COSTS.commission_rate.as_integer_ratio()
    fee = COSTS.exchange_fee_rate.as_integer_ratio()

    def _getcommission(self, size: float, price: float, pseudoexec: bool) -> float:
        amount = abs(size) * price
        if not amount.is_integer():
            raise AssertionError(f"backtrader traded a fractional amount: {size} x {price}")
        whole = int(amount)
        cost = whole * self.commission[0] // self.commission[1]
        cost += whole * self.fee[0] // self.fee[1]
        if size < 0:
            day = self.data.datetime.date(0)
            numerator, denominator = transaction_tax_rate(
                self.p.market, self.p.kind, day
            ).as_integer_ratio()
            cost += whole * numerator // denominator
        return float(cost)


def open_volume_filler(order: Any, price: float, ago: int) -> int:
    """Fill everything, except on a bar with zero volume (a halt): nothing, like ours."""
    return abs(order.executed.remsize) if order.data.volume[ago] > 0 else 0


class BtGoldenCross(bt.Strategy):
    """The example's golden cross written out for backtrader (not its CrossOver: it skips
    equal values differently)."""

    params = (("fast", 5), ("slow", 20), ("weight", WEIGHT))

    def __init__(self) -> None:
        self.fast = bt.ind.SMA(self.data.close, period=self.p.fast)
        self.slow = bt.ind.SMA(self.data.close, period=self.p.slow)
        self.order: Any = None
        self.executions: list[Trade] = []
        self.problems: list[str] = []

    def notify_order(self, order: Any) -> None:
        if order.status == order.Completed:
            executed = order.executed
            day = bt.num2date(executed.dt).date().isoformat()
            side = "buy" if order.isbuy() else "sell"
            self.executions.append((day, side, int(abs(executed.size)), int(executed.price)))
        elif order.status in (order.Margin, order.Rejected):
            self.problems.append(f"{order.getstatusname()} on {self.data.datetime.date(0)}")
        if not order.alive():
            self.order = None

    def next(self) -> None:
        if self.order is not None:
            # Not filled at this open (a zero-volume bar): ours lets the day order expire and
            # ignores this bar's signal while the order is open.
            self.cancel(self.order)
            return
        fast, slow = self.fast[0], self.slow[0]
        previous_fast, previous_slow = self.fast[-1], self.slow[-1]
        if previous_fast <= previous_slow and fast > slow:
            if not self.position:
                cash = self.broker.getcash()
                value = self.broker.getvalue()
                if not (cash.is_integer() and value.is_integer()):
                    raise AssertionError(f"backtrader cash {cash} / value {value} not whole won")
                budget = min(int(cash), int(value * self.p.weight))
                quantity = COSTS.affordable_quantity(budget, int(self.data.close[0]))
                if quantity > 0:
                    self.order = self.buy(size=quantity)
        elif previous_fast >= previous_slow and fast < slow and self.position:
            self.order = self.close()


def backtrader_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns on naive dates, for ``bt.feeds.PandasData``."""
    index = pd.DatetimeIndex(frame.index).tz_localize(None).normalize()
    columns = ["open", "high", "low", "close", "volume"]
    return pd.DataFrame(frame[columns].to_numpy(dtype=float), index=index, columns=columns)


class RowFeed(bt.feed.DataBase):
    """Bars from a list of ``(date number, open, high, low, close, volume)`` tuples: the
    cheapest feed backtrader can have (``PandasData`` reads each cell through pandas)."""

    params = (("rows", ()),)

    def start(self) -> None:
        super().start()
        self._rows = iter(self.p.rows)

    def _load(self) -> bool:
        row = next(self._rows, None)
        if row is None:
            return False
        lines = self.lines
        (
            lines.datetime[0],
            lines.open[0],
            lines.high[0],
            lines.low[0],
            lines.close[0],
            lines.volume[0],
        ) = row
        lines.openinterest[0] = 0.0
        return True


def feed_rows(frame: pd.DataFrame) -> list[tuple[float, ...]]:
    """``frame`` (as from :func:`backtrader_frame`) as :class:`RowFeed` rows."""
    numbers = [bt.date2num(stamp) for stamp in pd.DatetimeIndex(frame.index).to_pydatetime()]
    return [
        (number, *values) for number, values in zip(numbers, frame.to_numpy().tolist(), strict=True)
    ]


def run_backtrader(code: str, frame: pd.DataFrame | list[tuple[float, ...]]) -> list[Trade]:
    """One listing in backtrader (a DataFrame: ``PandasData``; rows: :class:`RowFeed`); its
    executions."""
    cerebro = bt.Cerebro(stdstats=False)
    if isinstance(frame, pd.DataFrame):
        feed = bt.feeds.PandasData(dataname=frame, openinterest=None)
    else:
        feed = RowFeed(rows=frame)
    cerebro.adddata(feed, name=code)
    cerebro.addstrategy(BtGoldenCross)
    cerebro.broker.setcash(CASH)
    cerebro.broker.set_coc(False)
    cerebro.broker.set_filler(open_volume_filler)
    instrument = backtest_instrument(code)
    commission = KrxCommission(market=instrument.market.value, kind=instrument.kind.value)
    commission.data = feed
    cerebro.broker.addcommissioninfo(commission)
    (strategy,) = cerebro.run()
    if strategy.problems:
        raise AssertionError(f"backtrader {code}: {'; '.join(strategy.problems)}")
    cash = cerebro.broker.getcash()
    if not cash.is_integer():
        raise AssertionError(f"backtrader {code}: final cash {cash} is not whole won")
    return list(strategy.executions)


# -- ours --------------------------------------------------------------------------------------
def run_ours(strategy_class: type, code: str, frame: pd.DataFrame) -> list[Trade]:
    """One listing in our event-driven engine; its fills."""
    result = BacktestEngine(strategy_class(), {code: frame}, CASH).run()
    fills = result.fills
    days = [stamp.date().isoformat() for stamp in fills["time"]]
    return list(
        zip(
            days,
            (str(side) for side in fills["side"]),
            (int(value) for value in fills["quantity"].to_numpy()),
            (int(value) for value in fills["price"].to_numpy()),
            strict=True,
        )
    )


def timed_runs(
    runner: Callable[[str, Any], list[Trade]], frames: dict[str, Any]
) -> tuple[float, dict[str, list[Trade]]]:
    """Run every listing once; the wall time and each listing's trades."""
    trades: dict[str, list[Trade]] = {}
    started = time.perf_counter()
    for code, frame in frames.items():
        trades[code] = runner(code, frame)
    return time.perf_counter() - started, trades


def best_of(repeats: int, action: Callable[[], Any]) -> tuple[float, Any]:
    """The best wall time of ``repeats`` calls, and the last call's value."""
    best = math.inf
    value = None
    for _ in range(repeats):
        started = time.perf_counter()
        value = action()
        best = min(best, time.perf_counter() - started)
    return best, value


def first_difference(ours: list[Trade], theirs: list[Trade]) -> str:
    """The first fill that differs, as text."""
    for index in range(max(len(ours), len(theirs))):
        mine = ours[index] if index < len(ours) else None
        other = theirs[index] if index < len(theirs) else None
        if mine != other:
            return f"fill #{index + 1}: ours {mine} vs backtrader {other}"
    return "none"


# -- the sections ------------------------------------------------------------------------------
def event_driven(
    golden_cross: type[Strategy], frames: dict[str, pd.DataFrame], repeats: int
) -> bool:
    """Ours beside backtrader, listing by listing; whether every listing traded the same."""

    class HalfWeight(golden_cross):  # type: ignore[misc, valid-type]
        weight = WEIGHT

    bt_frames = {code: backtrader_frame(frame) for code, frame in frames.items()}
    bt_rows = {code: feed_rows(frame) for code, frame in bt_frames.items()}
    bars = sum(len(frame) for frame in frames.values())
    # name → (one pass over every listing, runs, note); the last is a reference only: once.
    engines: dict[str, tuple[Callable[[], tuple[float, dict[str, list[Trade]]]], int, str]] = {
        "yeouido": (
            lambda: timed_runs(lambda code, frame: run_ours(HalfWeight, code, frame), frames),
            repeats,
            "BacktestEngine on the DataFrame",
        ),
        "backtrader": (
            lambda: timed_runs(run_backtrader, bt_frames),
            repeats,
            "bt.feeds.PandasData",
        ),
        "bt-rows": (
            lambda: timed_runs(run_backtrader, bt_rows),
            1,
            "backtrader, a feed of prepared tuples (no pandas per cell); 1 run",
        ),
    }
    best = dict.fromkeys(engines, math.inf)
    trades: dict[str, dict[str, list[Trade]]] = {}
    for repetition in range(repeats):
        for name, (action, runs, _note) in engines.items():
            if repetition < runs:
                elapsed, trades[name] = action()
                best[name] = min(best[name], elapsed)

    print(
        f"Event-driven: golden cross {golden_cross.params['fast']}/"
        f"{golden_cross.params['slow']}, weight {WEIGHT}, {len(frames)} single-listing runs "
        f"of {CASH:,} KRW, best of {repeats}"
    )
    print(f"  {'engine':<12}{'bars':>10}{'fills':>8}{'seconds':>10}{'µs/bar':>9}{'ratio':>8}")
    for name, (_action, _runs, note) in engines.items():
        seconds = best[name]
        fills = sum(len(items) for items in trades[name].values())
        print(
            f"  {name:<12}{bars:>10,}{fills:>8,}{seconds:>10.3f}{seconds / bars * 1e6:>9.2f}"
            f"{seconds / best['yeouido']:>7.1f}x  {note}"
        )
    ratio = best["backtrader"] / best["yeouido"]
    verdict = "met" if ratio >= RATIO_GOAL else "NOT met"
    print(f"  yeouido {ratio:.1f}x faster than backtrader (goal >= {RATIO_GOAL:.0f}x: {verdict})")
    ours = trades["yeouido"]
    same = True
    for name in ("backtrader", "bt-rows"):
        theirs = trades[name]
        mismatches = [code for code in frames if ours[code] != theirs[code]]
        if mismatches:
            same = False
            code = mismatches[0]
            print(
                f"  same trades as {name}: no ({len(mismatches)} of {len(frames)} listings "
                f"differ; first: {code}, {first_difference(ours[code], theirs[code])})"
            )
        else:
            fills = sum(len(items) for items in ours.values())
            print(f"  same trades as {name}: yes ({fills:,} fills)")
    return same


def portfolio(golden_cross: type[Strategy], frames: dict[str, pd.DataFrame], repeats: int) -> None:
    """One run of ours over every listing at once (weight 1/N), event-driven and vectorized."""
    codes = tuple(frames)
    bars = sum(len(frame) for frame in frames.values())

    def event() -> Any:
        return BacktestEngine(golden_cross(), dict(frames), CASH).run()

    def vectorized() -> Any:
        return run_backtest(golden_cross, frames, codes, cash=CASH, mode="vectorized")

    event_seconds, event_result = best_of(repeats, event)
    print(f"Portfolio: all {len(codes)} listings in one run, {CASH:,} KRW, weight 1/{len(codes)}")
    print(f"  {'mode':<12}{'bars':>10}{'fills':>8}{'seconds':>10}{'µs/bar':>9}")
    rows = [("event", event_seconds, len(event_result.fills))]
    same = None
    try:
        vectorized()  # warm-up: numba compilation
        vector_seconds, vector_result = best_of(repeats, vectorized)
        rows.append(("vectorized", vector_seconds, len(vector_result.fills)))
        same = event_result.trade_keys() == vector_result.trade_keys()
    except Exception as error:  # being written by others: report, do not stop the bench
        print(f"  vectorized: failed ({type(error).__name__}: {error})")
    for name, seconds, count in rows:
        print(f"  {name:<12}{bars:>10,}{count:>8,}{seconds:>10.3f}{seconds / bars * 1e6:>9.2f}")
    if same is not None:
        print(f"  event and vectorized, same trades: {'yes' if same else 'NO'}")


def vectorized_sweep(
    golden_cross: type[Strategy], frames: dict[str, pd.DataFrame], repeats: int
) -> None:
    """The 100-combination sweep's bar × parameter-set evaluations per second."""
    try:
        from yeouido.backtest.sweeps import sweep
    except Exception as error:  # being written by others: report, do not stop the bench
        print(f"Vectorized sweep: not available yet ({type(error).__name__}: {error})")
        return
    codes = tuple(frames)
    combinations = math.prod(len(values) for values in SWEEP_GRID.values())
    bars = sum(len(frame) for frame in frames.values())

    def run(grid: dict[str, list[int]]) -> Any:
        return sweep(golden_cross, grid, data=frames, symbols=codes, cash=CASH, mode="vectorized")

    wall = math.inf
    outcomes = []
    try:
        run({"fast": [5, 7], "slow": [20, 40]})  # warm-up: numba compilation
        for _ in range(repeats):
            started = time.perf_counter()
            outcomes.append(run(SWEEP_GRID))
            wall = min(wall, time.perf_counter() - started)
    except Exception as error:  # being written by others: report, do not stop the bench
        print(f"Vectorized sweep: failed ({type(error).__name__}: {error})")
        return
    best = max(outcomes, key=lambda outcome: float(outcome.throughput))
    evaluations = bars * combinations
    reported = float(best.throughput)
    verdict = "met" if reported >= SWEEP_GOAL else "NOT met"
    print(
        f"Vectorized sweep: {combinations} combinations (fast {SWEEP_GRID['fast'][0]}.."
        f"{SWEEP_GRID['fast'][-1]} step 2 × slow {SWEEP_GRID['slow'][0]}.."
        f"{SWEEP_GRID['slow'][-1]} step 20) on {len(codes)} listings, best of {repeats}"
    )
    print(f"  bars × params    {evaluations:>13,}")
    print(f"  sweep elapsed    {float(best.elapsed):>13.3f} s (the call, wall: {wall:.3f} s)")
    stages = getattr(best, "timings", None) or {}
    if stages:
        parts = ", ".join(f"{name} {float(seconds):.3f} s" for name, seconds in stages.items())
        print(f"  stages           {parts} ({getattr(best, 'backend', '?')})")
    print(
        f"  throughput       {reported / 1e6:>13.1f} M bar·params/s "
        f"(goal >= {SWEEP_GOAL / 1e6:.0f} M: {verdict}; by the call's wall time: "
        f"{evaluations / wall / 1e6:.1f} M)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_LISTINGS} listings, 1 repetition"
    )
    options = parser.parse_args()
    files = sorted(DATA_DIR.glob("*.csv"))
    if not files:
        print(f"no KRX daily bars found in {DATA_DIR}")
        return 1
    codes = tuple(file.stem for file in files)
    repeats = REPEATS
    if options.quick:
        codes, repeats = codes[:QUICK_LISTINGS], 1
    frames = load_bars(DATA_DIR, codes, None, None)
    golden_cross = load_strategy(EXAMPLE)
    bars = sum(len(frame) for frame in frames.values())
    print(f"{len(frames)} listings, {bars:,} daily bars (full history) from {DATA_DIR}")
    print(f"backtrader {bt.__version__}, Python {sys.version.split()[0]}")
    print()
    same = event_driven(golden_cross, frames, repeats)
    print()
    portfolio(golden_cross, frames, repeats)
    print()
    vectorized_sweep(golden_cross, frames, repeats)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
