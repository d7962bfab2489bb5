"""The example strategies on real KRX bars: no look-ahead, both engines agree, the books
balance, the CLI and the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import yeouido
from yeouido.backtest.data import load_bars
from yeouido.backtest.engine import BacktestEngine
from yeouido.cli.main import app
from yeouido.strategy import Strategy, load_strategy

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CODES = ("005930", "069500", "114800")


@pytest.fixture(scope="module")
def frames(krx_daily_dir: Path) -> dict[str, pd.DataFrame]:
    return load_bars(krx_daily_dir, CODES, None, None)


class Recorder(Strategy):
    """Buys on every 10th bar and sells 5 bars later; records what it saw at each bar."""

    def on_start(self, ctx: Any) -> None:
        self.seen: list[tuple[str, int, int, int]] = []
        self.count = 0

    def on_bar(self, ctx: Any, bar: Any) -> None:
        history = ctx.history(bar.code)
        self.seen.append((bar.code, len(history), int(history[-1]), int(ctx.equity)))
        assert history[-1] == bar.close
        assert ctx.now > bar.time
        self.count += 1
        if self.count % 10 == 0 and not ctx.quantity(bar.code):
            ctx.buy(bar.code, 1)
        elif self.count % 10 == 5 and ctx.quantity(bar.code):
            ctx.sell(bar.code, ctx.quantity(bar.code))


def test_a_strategy_cannot_see_a_bar_before_it_closes(frames: dict[str, pd.DataFrame]) -> None:
    code = "005930"
    original = frames[code].iloc[-600:]
    cut = 300
    altered = original.copy()
    altered.iloc[cut:] = altered.iloc[cut:] * 2  # a different future from bar 300 on
    first = Recorder()
    second = Recorder()
    one = BacktestEngine(first, {code: original}, 100_000_000).run()
    two = BacktestEngine(second, {code: altered}, 100_000_000).run()
    assert first.seen[:cut] == second.seen[:cut]
    assert first.seen[cut] != second.seen[cut]
    placed_before = one.orders[one.orders.created_at < original.index[cut] + pd.Timedelta(hours=16)]
    assert len(placed_before) > 10
    assert one.orders.head(len(placed_before)).order_id.tolist() == (
        two.orders.head(len(placed_before)).order_id.tolist()
    )
    # every fill happens at a bar after the one whose close triggered the order
    created = one.orders.set_index("order_id").created_at
    assert (one.fills.time.to_numpy() > created.loc[one.fills.order_id].to_numpy()).all()
    assert len(first.seen) == len(original)
    assert [seen[1] for seen in first.seen] == list(range(1, len(original) + 1))


@pytest.mark.parametrize(
    ("example", "params"),
    [
        ("golden_cross.py", {}),
        ("rsi_reversion.py", {}),
        ("rsi_reversion.py", {"period": 2}),  # RSI often jumps from below 30 to above 70
    ],
)
def test_event_and_vectorized_modes_give_the_same_trades(
    example: str, params: dict[str, int], frames: dict[str, pd.DataFrame]
) -> None:
    event = yeouido.backtest(EXAMPLES / example, data=frames, cash=50_000_000, params=params)
    vectorized = yeouido.backtest(
        EXAMPLES / example, data=frames, cash=50_000_000, mode="vectorized", params=params
    )
    assert len(event.fills) > 20
    assert event.trade_keys() == vectorized.trade_keys()
    assert event.fills.equals(vectorized.fills)
    assert event.trades.equals(vectorized.trades)
    assert np.array_equal(event.equity.to_numpy(), vectorized.equity.to_numpy())
    assert event.stats == vectorized.stats
    assert event.orders.equals(vectorized.orders)


@pytest.mark.parametrize(
    "example",
    ["golden_cross.py", "rsi_reversion.py", "volatility_breakout.py", "momentum_rotation.py"],
)
def test_every_example_runs_and_its_books_balance(
    example: str, frames: dict[str, pd.DataFrame]
) -> None:
    result = yeouido.backtest(EXAMPLES / example, data=frames, start="2014-01-01", cash=30_000_000)
    assert len(result.fills) > 0, "the example trades"
    fills = result.fills
    signed = np.where(fills.side == "buy", 1, -1) * fills.quantity
    held = pd.Series(signed.to_numpy(), index=fills.code).groupby(level=0).sum()
    last_close = {
        code: int(frame[frame.index.year >= 2014].close.iloc[-1]) for code, frame in frames.items()
    }
    value = sum(int(quantity) * last_close[code] for code, quantity in held.items())
    flows = np.where(
        fills.side == "buy",
        -(fills.quantity * fills.price + fills.commission),
        fills.quantity * fills.price - fills.commission - fills.tax,
    ).sum()
    assert result.stats.final_equity == 30_000_000 + int(flows) + value
    assert (held >= 0).all(), "never short"
    assert result.stats.commission == int(fills.commission.sum())
    closed = result.trades
    assert (closed.exit_time >= closed.entry_time).all()


def test_the_cli_prints_json_and_writes_the_report(krx_daily_dir: Path, tmp_path: Path) -> None:
    report = tmp_path / "out" / "report.html"
    outcome = CliRunner().invoke(
        app,
        [
            "backtest",
            str(EXAMPLES / "golden_cross.py"),
            "--data",
            str(krx_daily_dir),
            "--symbols",
            "005930,069500",
            "--start",
            "2015-01-01",
            "--end",
            "2023-12-22",
            "--cash",
            "10000000",
            "--report",
            str(report),
            "--json",
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.output)
    assert data["symbols"] == ["005930", "069500"]
    assert data["stats"]["start"] == "2015-01-02"
    assert data["fills"] > 50
    text = report.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "GoldenCross" in text


def test_the_cli_names_the_bad_parameter(krx_daily_dir: Path) -> None:
    outcome = CliRunner().invoke(
        app,
        [
            "backtest",
            str(EXAMPLES / "golden_cross.py"),
            "--data",
            str(krx_daily_dir),
            "--symbols",
            "005930",
            "--param",
            "fats=3",
        ],
    )
    assert outcome.exit_code == 2
    assert "fats" in outcome.output and "fast, slow" in outcome.output


def test_loading_a_file_without_one_strategy_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "nothing.py"
    empty.write_text("x = 1\n")
    with pytest.raises(yeouido.model.errors.InvalidInput, match="exactly one Strategy"):
        load_strategy(empty)


def test_the_cli_sweeps_a_grid(krx_daily_dir: Path) -> None:
    outcome = CliRunner().invoke(
        app,
        [
            "backtest", str(EXAMPLES / "golden_cross.py"), "--data", str(krx_daily_dir),
            "--symbols", "005930,069500", "--start", "2012-01-01",
            "--sweep", "fast=3:7:2", "--sweep", "slow=20,40", "--processes", "1", "--json",
        ],
    )  # fmt: skip
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.output)
    assert data["combinations"] == 6
    rows = {(row["fast"], row["slow"]): row for row in data["rows"]}
    assert set(rows) == {(f, s) for f in (3, 5, 7) for s in (20, 40)}
    single = yeouido.backtest(
        EXAMPLES / "golden_cross.py", data=krx_daily_dir, symbols="005930,069500",
        start="2012-01-01", params={"fast": 5, "slow": 40},
    )  # fmt: skip
    assert rows[(5, 40)]["final_equity"] == single.stats.final_equity
    assert rows[(5, 40)]["trades"] == single.stats.trades


def test_without_data_the_backtest_reads_the_bar_store(
    krx_daily_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from yeouido.data import BarStore
    from yeouido.data.importers import import_csv_file

    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path))
    store = BarStore()
    for code in ("005930", "069500"):
        import_csv_file(store, krx_daily_dir / f"{code}.csv")
    arguments: dict[str, Any] = {
        "symbols": "005930,069500", "start": "2015-01-01", "end": "2023-12-22",
    }  # fmt: skip
    from_store = yeouido.backtest(EXAMPLES / "golden_cross.py", **arguments)
    from_csv = yeouido.backtest(EXAMPLES / "golden_cross.py", data=krx_daily_dir, **arguments)
    assert from_store.trade_keys() == from_csv.trade_keys()
    assert len(from_store.fills) > 50
    with pytest.raises(yeouido.model.errors.InvalidInput, match="yeouido data import"):
        yeouido.backtest(EXAMPLES / "golden_cross.py", symbols="005380")


def test_an_unknown_sweep_sort_is_refused_before_the_sweep(krx_daily_dir: Path) -> None:
    outcome = CliRunner().invoke(
        app,
        [
            "backtest", str(EXAMPLES / "golden_cross.py"), "--data", str(krx_daily_dir),
            "--symbols", "005930", "--sweep", "fast=3,5", "--sort", "sharp", "--json",
        ],
    )  # fmt: skip
    assert outcome.exit_code == 2
    error = json.loads(outcome.output)
    assert error["field"] == "sort" and "sharpe" in error["rule"]
