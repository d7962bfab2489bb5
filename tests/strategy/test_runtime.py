"""The live runtime and ``yeouido run`` with real components: the in-process paper market, a
paper service that goes away and comes back, the KIS sandbox dropping its websockets, and the
command as a subprocess stopped with SIGINT."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import yeouido.ta  # noqa: F401  (loaded before a market runs at x1200: see below)
from yeouido.brokers.paper.back_office import PaperBackOffice, PaperOptions
from yeouido.brokers.paper.service import PaperService
from yeouido.brokers.sync import LoopThread, connect
from yeouido.cli.main import app
from yeouido.model import Bar, Fill, InvalidInput, Order, OrderStatus, Trade
from yeouido.model.errors import InvalidOrder
from yeouido.model.time import SEOUL
from yeouido.net.retry import RetryPolicy
from yeouido.strategy import Context, Strategy
from yeouido.strategy.runtime import LiveRuntime, MarketClock, RunSummary, parse_until, run_live

from ..paper_service import free_port

PROJECT = Path(__file__).resolve().parents[2]
SAMSUNG, KODEX = "005930", "069500"
FAST_RECONNECT = RetryPolicy(attempts=1_000, base=0.1, cap=0.3, floor=0.05)
runner = CliRunner()


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


# `yeouido.cli.main` no longer imports numba and the indicators; importing them while an
# in-process market runs at x1200 takes simulated minutes and changes what the strategy sees
# (the last buy fill's position read 0), so they are imported here, as they were before.


def paper_options(tmp_path: Path, speed: float, *codes: str, seed: int = 5) -> dict[str, Any]:
    return {"data_dir": tmp_path / "paper", "speed": speed, "seed": seed, "codes": list(codes)}


def test_market_clock_never_goes_back_and_follows_a_skewed_trade_clock() -> None:
    base = datetime(2024, 3, 4, 18, 0, tzinfo=SEOUL)
    wall = [base]
    clock = MarketClock(lambda: wall[0], follow_trades=True)
    assert clock.now() == base
    clock.observe(base.replace(hour=9))  # a sandbox 9 hours behind: adopted once
    assert clock.now() == base.replace(hour=9)
    wall[0] = base + timedelta(seconds=10)
    assert clock.now() == base.replace(hour=9) + timedelta(seconds=10)
    clock.observe(base.replace(hour=9, minute=5))  # a trade ahead of the clock moves it on
    assert clock.now() == base.replace(hour=9, minute=5)
    clock.observe(base.replace(hour=8))  # later trades never move it back
    wall[0] = base
    assert clock.now() == base.replace(hour=9, minute=5)
    fixed = MarketClock(lambda: base, follow_trades=False)
    fixed.observe(base + timedelta(hours=1))
    assert fixed.now() == base


def test_until_is_a_market_time_or_the_close() -> None:
    assert parse_until("15:10") == dt_time(15, 10)
    assert parse_until(" Close ") == "close"
    with pytest.raises(InvalidInput, match="until"):
        parse_until("soon")


# -- a strategy that buys on its first completed bar and sells a few bars later ----------
class BuyThenSell(Strategy):
    interval = "1m"
    params = {"quantity": 10, "hold": 3}

    def on_start(self, ctx: Context) -> None:
        self.starts = getattr(self, "starts", 0) + 1
        self.mode = ctx.mode
        self.code = ctx.symbols[0]
        self.sma = {code: ctx.indicator(code, "SMA", timeperiod=2) for code in ctx.symbols}
        self.history_at_start = {code: len(ctx.history(code)) for code in ctx.symbols}
        self.seen: list[tuple[Bar, datetime, int, float, float]] = []
        self.order_events: list[tuple[str, OrderStatus]] = []
        self.fills: list[tuple[Fill, int]] = []
        self.jobs: list[datetime] = []
        self.refused: list[type[BaseException]] = []
        self.buy_id: str | None = None
        self.sell_id: str | None = None
        self.bought_at = 0
        self.trades = 0
        ctx.schedule(lambda c: self.jobs.append(c.now), at="09:10")

    def on_trade(self, ctx: Context, trade: Trade) -> None:
        self.trades += 1

    def on_bar(self, ctx: Context, bar: Bar) -> None:
        closes = ctx.history(bar.code)
        expected = float(np.mean(closes[-2:])) if len(closes) >= 2 else float("nan")
        self.seen.append((bar, ctx.now, len(closes), self.sma[bar.code].value, expected))
        assert closes[-1] == bar.close
        if bar.code != self.code:
            return
        count = sum(1 for seen in self.seen if seen[0].code == self.code)
        if self.buy_id is None:
            try:
                ctx.buy(self.code, 1, price=1)  # far below the day's lower limit
            except InvalidOrder as error:
                self.refused.append(type(error))
            self.buy_id = ctx.buy(self.code, self.params.quantity).order_id
            self.bought_at = count
        elif (
            self.sell_id is None
            and ctx.quantity(self.code) > 0
            and not ctx.open_orders(self.code)
            and count - self.bought_at >= self.params.hold
        ):
            self.sell_id = ctx.sell(self.code, ctx.quantity(self.code)).order_id

    def on_order(self, ctx: Context, order: Order) -> None:
        self.order_events.append((order.order_id, order.status))

    def on_fill(self, ctx: Context, fill: Fill) -> None:
        self.fills.append((fill, ctx.quantity(fill.code)))

    def on_stop(self, ctx: Context) -> None:
        from yeouido.strategy.live_context import LiveContext

        assert isinstance(ctx, LiveContext)
        self.broker_bars = {code: ctx.broker.bars(code, "1m") for code in ctx.symbols}
        self.broker_fills = ctx.broker.fills()
        self.stopped_at = ctx.now


def test_a_strategy_trades_on_the_in_process_paper_market(tmp_path: Path) -> None:
    strategy = BuyThenSell()
    summary = run_live(
        strategy,
        "paper",
        symbols=[SAMSUNG, KODEX],
        broker_options=paper_options(tmp_path, 1200, SAMSUNG, KODEX),
        until="09:30",
        warmup=50,
        handle_signals=False,
    )
    assert summary.error is None, summary.error
    assert summary.stop_reason == "until" and summary.on_start_ran and summary.on_stop_ran
    assert summary.broker_closed and strategy.starts == 1 and strategy.mode == "paper"
    assert summary.mode == "paper" and strategy.stopped_at.time() >= dt_time(9, 30)

    # bars: built from the trades exactly as the market's own minute bars, once each, only
    # when complete, appended to the history, and fed to the indicators before on_bar
    assert len(strategy.seen) >= 20
    assert strategy.trades == summary.trades > len(strategy.seen)
    keys = [(bar.code, bar.time) for bar, *_ in strategy.seen]
    assert len(keys) == len(set(keys))
    counts = dict(strategy.history_at_start)
    for bar, now, history_length, sma, expected in strategy.seen:
        market = strategy.broker_bars[bar.code].loc[bar.time]
        assert (bar.open, bar.high, bar.low, bar.close, bar.volume) == tuple(
            int(market[name]) for name in ("open", "high", "low", "close", "volume")
        )
        assert bar.interval == "1m" and now >= bar.time + timedelta(minutes=1)
        counts[bar.code] += 1
        assert history_length == counts[bar.code]
        if not np.isnan(expected):
            assert sma == pytest.approx(expected)

    # orders: a refused one raises the specific class; the others go through the OMS and fill
    assert strategy.refused and all(issubclass(kind, InvalidOrder) for kind in strategy.refused)
    assert strategy.buy_id is not None and strategy.sell_id is not None
    mine = {strategy.buy_id, strategy.sell_id}
    fills = [fill for fill, _ in strategy.fills]
    assert len({fill.trade_id for fill in fills}) == len(fills)
    broker_fills = {f.trade_id for f in strategy.broker_fills if f.order_id in mine}
    assert {fill.trade_id for fill in fills} == broker_fills
    assert [fill.trade_id for fill in summary.fills] == [fill.trade_id for fill in fills]
    bought = sum(f.quantity for f in fills if f.order_id == strategy.buy_id)
    sold = sum(f.quantity for f in fills if f.order_id == strategy.sell_id)
    assert bought == sold == 10
    last_buy_fill = [q for f, q in strategy.fills if f.order_id == strategy.buy_id][-1]
    assert last_buy_fill == 10  # positions are read again after each fill
    assert all(position.code != SAMSUNG for position in summary.positions)
    by_order: dict[str, list[OrderStatus]] = {}
    for order_id, status in strategy.order_events:
        by_order.setdefault(order_id, []).append(status)
    for order_id in mine:
        statuses = by_order[order_id]
        assert statuses[0] is OrderStatus.SUBMITTED and statuses[-1] is OrderStatus.FILLED
        assert len(statuses) == len(set(statuses))
    assert {order.status for order in summary.orders} == {OrderStatus.FILLED}

    # the scheduled job ran once, when the market time passed 09:10
    [ran] = strategy.jobs
    assert dt_time(9, 10) <= ran.time() < dt_time(9, 30)
    assert json.loads(json.dumps(summary.to_dict()))["stop_reason"] == "until"


class Explodes(Strategy):
    interval = "1m"

    def on_start(self, ctx: Context) -> None:
        self.bars = 0
        self.after = 0
        self.stopped = False

    def on_bar(self, ctx: Context, bar: Bar) -> None:
        if self.bars > 1:
            self.after += 1
        self.bars += 1
        if self.bars == 1:
            ctx.buy(bar.code, 5)
        elif self.bars == 2:
            raise ValueError("boom")

    def on_fill(self, ctx: Context, fill: Fill) -> None:
        if self.bars > 1:
            self.after += 1

    def on_stop(self, ctx: Context) -> None:
        self.stopped = True


def test_a_strategy_error_is_logged_and_stops_cleanly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    strategy = Explodes()
    with caplog.at_level(logging.DEBUG, logger="yeouido"):
        summary = run_live(
            strategy,
            "paper",
            symbols=[SAMSUNG],
            broker_options=paper_options(tmp_path, 600, SAMSUNG),
            duration=30,
            handle_signals=False,
        )
    assert summary.stop_reason == "error" and not summary.ok
    assert summary.error is not None and "ValueError: boom" in summary.error
    assert strategy.stopped and strategy.after == 0 and summary.broker_closed
    [order] = summary.orders
    assert order.status is OrderStatus.FILLED and sum(f.quantity for f in summary.fills) == 5
    # One line naming the file, line and callback; the traceback only at the DEBUG level.
    line = Explodes.on_bar.__code__.co_firstlineno + 7
    assert f"{Path(__file__).name}, line {line}, in on_bar" in summary.error
    assert isinstance(summary.failure, ValueError)
    [failure] = [r for r in caplog.records if r.name == "yeouido.run" and r.levelname == "ERROR"]
    assert "on_bar" in failure.getMessage() and f"line {line}" in failure.getMessage()
    assert not failure.exc_info
    [traceback] = [r for r in caplog.records if r.name == "yeouido.run" and r.exc_info]
    assert traceback.levelname == "DEBUG"


# -- reconnecting -----------------------------------------------------------------------------
class Accumulate(Strategy):
    """Buys one share at market, again and again (one order at a time)."""

    interval = "1m"

    def __init__(self) -> None:
        super().__init__()
        self.starts = 0
        self.fills: list[Fill] = []
        self.sent_at = 0.0

    def on_start(self, ctx: Context) -> None:
        self.starts += 1

    def on_trade(self, ctx: Context, trade: Trade) -> None:
        if ctx.open_orders(trade.code) or time.monotonic() - self.sent_at < 0.1:
            return
        self.sent_at = time.monotonic()
        ctx.buy(trade.code, 1)

    def on_fill(self, ctx: Context, fill: Fill) -> None:
        self.fills.append(fill)


class ServiceHost:
    """``yeouido paper serve`` in this process, on a fixed port, stopped and started again."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.loop = LoopThread()
        self.stop_service: Callable[[], None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        async def start() -> Any:
            options = PaperOptions.create(speed=120, seed=4, codes=[SAMSUNG])
            office = PaperBackOffice(self.root, "default", options)
            runner = await PaperService(office).start("127.0.0.1", self.port)
            return office, runner

        office, runner = self.loop.run(start())

        async def stop() -> None:
            await runner.cleanup()
            await office.close()

        self.stop_service = lambda: self.loop.run(stop())

    def stop(self) -> None:
        if self.stop_service is not None:
            self.stop_service()
            self.stop_service = None


@contextmanager
def service_host(root: Path) -> Iterator[ServiceHost]:
    host = ServiceHost(root, free_port())
    try:
        yield host
    finally:
        host.stop()
        host.loop.stop()


def run_in_thread(runtime: LiveRuntime) -> tuple[threading.Thread, list[RunSummary]]:
    result: list[RunSummary] = []
    thread = threading.Thread(target=lambda: result.append(runtime.run()), daemon=True)
    thread.start()
    return thread, result


def test_reconnects_after_the_paper_service_restarts_without_losing_a_fill(
    tmp_path: Path,
) -> None:
    with service_host(tmp_path / "service") as service:
        service.start()
        strategy = Accumulate()
        runtime = LiveRuntime(
            strategy,
            "paper",
            symbols=[SAMSUNG],
            broker_options={"service": service.url, "data_dir": tmp_path / "client"},
            warmup=5,
            reconnect=FAST_RECONNECT,
        )
        thread, result = run_in_thread(runtime)
        try:
            wait_until(lambda: len(strategy.fills) >= 3, 20, "fills before the outage")
            service.stop()
            wait_until(lambda: runtime.reconnects >= 1, 10, "the lost connection to be seen")
            before = len(strategy.fills)
            time.sleep(0.3)
            service.start()
            wait_until(lambda: len(strategy.fills) >= before + 3, 20, "fills after reconnecting")
        finally:
            runtime.stop()
            thread.join(30)
        [summary] = result
        assert summary.error is None and summary.broker_closed
        assert strategy.starts == 1 and summary.reconnects >= 1
        ids = [fill.trade_id for fill in strategy.fills]
        assert len(ids) == len(set(ids)) and ids == [f.trade_id for f in summary.fills]
        mine = {order.order_id for order in summary.orders}
        with connect("paper", service=service.url, data_dir=tmp_path / "check") as check:
            account_fills = [fill for fill in check.fills() if fill.order_id in mine]
            held = {p.code: p.quantity for p in check.positions()}
        assert sorted(f.trade_id for f in account_fills) == sorted(ids)  # none lost, none twice
        assert held.get(SAMSUNG, 0) == sum(fill.quantity for fill in strategy.fills)


class DropThenBuy(Strategy):
    """On start: cut the websockets (through ``drop``), then buy at market."""

    interval = "1m"
    drop: Callable[[], None] = staticmethod(lambda: None)

    def __init__(self) -> None:
        super().__init__()
        self.fills: list[Fill] = []
        self.statuses: list[OrderStatus] = []

    def on_start(self, ctx: Context) -> None:
        type(self).drop()
        self.order_id = ctx.buy(SAMSUNG, 3).order_id

    def on_order(self, ctx: Context, order: Order) -> None:
        self.statuses.append(order.status)

    def on_fill(self, ctx: Context, fill: Fill) -> None:
        self.fills.append(fill)


def test_a_fill_made_while_the_kis_websocket_is_down_arrives_once(tmp_path: Path) -> None:
    from yeouido.brokers.kis.broker import KisBroker
    from yeouido.net.ratelimit import reset_rate_budgets
    from yeouido.sandbox.kis.config import SandboxConfig
    from yeouido.sandbox.kis.server import KisSandbox

    reset_rate_budgets()
    loop = LoopThread()

    async def start() -> KisSandbox:
        config = SandboxConfig(
            env="real", port=0, ws_port=0, codes=(SAMSUNG,), speed=10, ping_interval=0.5
        )
        sandbox = KisSandbox(config)
        await sandbox.start()
        return sandbox

    sandbox = loop.run(start())
    try:
        credentials = sandbox.credentials
        options = {
            "env": credentials.env,
            "app_key": credentials.app_key,
            "app_secret": credentials.app_secret,
            "account": credentials.account,
            "hts_id": credentials.hts_id,
            "base_url": sandbox.rest_url,
            "ws_url": sandbox.ws_url,
            "data_dir": tmp_path / "kis",
            "token_cache": tmp_path / "tokens",
            "clock": lambda: sandbox.account.office.market.now,
        }

        class Strategy_(DropThenBuy):
            drop = staticmethod(lambda: loop.run(sandbox.drop_websockets()))

        strategy = Strategy_()
        runtime = LiveRuntime(strategy, "kis", symbols=[SAMSUNG], broker_options=options)
        thread, result = run_in_thread(runtime)
        try:
            wait_until(lambda: sum(f.quantity for f in strategy.fills) >= 3, 15, "fill")
            broker = runtime.broker
            assert broker is not None and isinstance(broker.async_broker, KisBroker)
            wait_until(lambda: broker.async_broker.catch_ups >= 1, 10, "the REST catch-up")
            time.sleep(0.3)  # room for a duplicate to show up
        finally:
            runtime.stop()
            thread.join(30)
        [summary] = result
        assert summary.error is None and summary.mode == "live"
        ids = [fill.trade_id for fill in strategy.fills]
        assert len(ids) == len(set(ids)) and sum(f.quantity for f in strategy.fills) == 3
        assert strategy.statuses.count(OrderStatus.FILLED) == 1
        [order] = summary.orders
        assert order.status is OrderStatus.FILLED and order.filled_quantity == 3
        assert {p.code: p.quantity for p in summary.positions}[SAMSUNG] == 3
    finally:
        loop.run(sandbox.stop())
        loop.stop()


# -- the command ----------------------------------------------------------------------------
MARKER_STRATEGY = """
from pathlib import Path

from yeouido.krx.ticks import round_price
from yeouido.strategy import Strategy


class Marker(Strategy):
    interval = "1m"
    params = {"marker": "", "size": 1}

    def on_start(self, ctx):
        code = ctx.symbols[0]
        price = round_price(ctx.last_price(code) * 0.9, "stock", "down")
        self.resting = ctx.buy(code, self.params.size, price=price).order_id
        Path(self.params.marker + ".started").write_text(ctx.mode)

    def on_stop(self, ctx):
        Path(self.params.marker + ".stopped").write_text(ctx.now.isoformat())
"""


def write_strategy(tmp_path: Path, text: str = MARKER_STRATEGY) -> Path:
    path = tmp_path / "marker_strategy.py"
    path.write_text(textwrap.dedent(text))
    return path


def test_yeouido_run_stops_cleanly_on_sigint(tmp_path: Path) -> None:
    file = write_strategy(tmp_path)
    marker = tmp_path / "marker"
    command = [
        sys.executable, "-c", "from yeouido.cli.main import app; app()", "run", str(file),
        "--broker", "paper", "--symbols", SAMSUNG, "--interval", "1m", "--speed", "60",
        "--param", f"marker={marker}", "--param", "size=2", "--cancel-on-stop", "--json",
    ]  # fmt: skip
    env = dict(os.environ, YEOUIDO_DATA_DIR=str(tmp_path / "data"))
    env.pop("YEOUIDO_PAPER_URL", None)
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_until(lambda: Path(f"{marker}.started").exists() or process.poll() is not None, 60,
                   "the strategy to start")  # fmt: skip
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert Path(f"{marker}.stopped").exists()
    assert Path(f"{marker}.started").read_text() == "paper"
    assert "reconciliation with paper" in stderr and "closed the paper broker" in stderr
    summary = json.loads(stdout)
    assert summary["stop_reason"] == "signal SIGINT" and summary["broker_closed"]
    assert summary["on_stop_ran"] and summary["error"] is None
    [order] = summary["orders"]  # the resting limit buy, cancelled on the way out
    assert (order["status"], order["request"]["quantity"]) == ("canceled", 2)


def test_yeouido_run_rejects_bad_input_naming_the_field(tmp_path: Path) -> None:
    file = write_strategy(tmp_path)
    empty = tmp_path / "empty.py"
    empty.write_text("X = 1\n")
    cases = [
        (["--param", "marker"], "param"),
        (["--param", "nope=1"], "params"),
        (["--symbols", "999999"], "symbols"),
        (["--interval", "2m"], "interval"),
        (["--until", "lunch"], "until"),
        (["--speed", "0"], "speed"),
    ]
    for extra, field in cases:
        result = runner.invoke(app, ["run", str(file), "--symbols", SAMSUNG, *extra, "--json"])
        assert result.exit_code == 2, (extra, result.output)
        assert json.loads(result.stdout)["field"] == field, (extra, result.stdout)
    result = runner.invoke(app, ["run", str(empty), "--symbols", SAMSUNG, "--json"])
    assert result.exit_code == 2 and json.loads(result.stdout)["field"] == "strategy"
    result = runner.invoke(app, ["run", str(file)])  # the strategy names no symbols
    assert result.exit_code == 2 and "symbols" in result.output


def test_param_values_are_int_then_float_then_text() -> None:
    from yeouido.cli.run import parse_param

    assert parse_param("fast=5") == ("fast", 5)
    assert parse_param("k=0.5") == ("k", 0.5)
    assert parse_param("name=abc") == ("name", "abc")
    assert parse_param("x=inf") == ("x", "inf")
    with pytest.raises(InvalidInput, match="param"):
        parse_param("=3")


def test_golden_cross_example_runs_unchanged_on_the_paper_broker(tmp_path: Path) -> None:
    example = PROJECT / "examples" / "golden_cross.py"
    if not example.exists():
        pytest.skip("examples/golden_cross.py is not there yet")
    env = {"YEOUIDO_DATA_DIR": str(tmp_path / "data")}
    arguments = [
        "run", str(example), "--broker", "paper", "--symbols", "005930,069500,000660,035420",
        "--interval", "1m", "--param", "fast=2", "--param", "slow=4", "--speed", "1200",
        "--until", "09:45", "--json",
    ]  # fmt: skip
    result = runner.invoke(app, arguments, env=env)
    data = json.loads(result.stdout)
    assert data["strategy"] == "GoldenCross" and data["on_stop_ran"] and data["broker_closed"]
    assert data["fills"] and any(order["status"] == "filled" for order in data["orders"])
    # Entries are sized at the price the paper broker reserves for a market buy (the upper
    # limit), so no entry is refused and the run ends at --until.
    assert data["error"] is None, data["error"]
    assert result.exit_code == 0 and data["stop_reason"] == "until" and data["bars"] > 40


@pytest.mark.parametrize(
    ("example", "params", "trades"),
    [
        ("rsi_reversion.py", ["--param", "period=5"], True),
        ("volatility_breakout.py", [], True),
        ("momentum_rotation.py", ["--param", "lookback=10", "--param", "at=09:20"], False),
    ],
)
def test_the_other_examples_run_unchanged_on_the_paper_broker(
    example: str, params: list[str], trades: bool, tmp_path: Path
) -> None:
    env = {"YEOUIDO_DATA_DIR": str(tmp_path / "data")}
    arguments = [
        "run", str(PROJECT / "examples" / example), "--broker", "paper",
        "--symbols", "005930,069500,035420", "--interval", "1m", "--speed", "1200",
        "--until", "10:00", "--json", *params,
    ]  # fmt: skip
    result = runner.invoke(app, arguments, env=env)
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["error"] is None, data["error"]
    assert data["stop_reason"] == "until" and data["on_stop_ran"] and data["broker_closed"]
    if trades:
        assert data["fills"], "the example trades on the paper market"
