"""``yeouido demo``: a trading day of the simulated market at high speed, with a live view,
a sample strategy trading on the paper broker, and a summary at the end. Ends by itself, or
on Ctrl-C (the summary still prints).

The demo's paper account lives in a temporary directory: it never touches your own.
"""

from __future__ import annotations

import asyncio
import tempfile
import time as wall
from collections.abc import Callable
from datetime import datetime, time
from typing import TYPE_CHECKING

import typer

from yeouido.cli.output import console, kst_clock, parse_clock, reported_errors
from yeouido.model.time import SEOUL

if TYPE_CHECKING:
    from yeouido.brokers.paper.broker import PaperBroker
    from yeouido.cli.demo_strategy import GoldenCrossDemo
    from yeouido.cli.market_view import AccountView

BOOK_CODES = ("005930", "000660", "069500")
STRATEGY_CODES = ("005930", "000660", "035420", "069500")
STEP_SECONDS = 20
INITIAL_CASH = 100_000_000


def demo(
    seed: int = typer.Option(0, "--seed", help="Seed of the simulated market."),
    speed: float = typer.Option(
        0, "--speed", help="Simulated seconds per wall second (0: as fast as possible)."
    ),
    until: str = typer.Option("15:31", "--until", help="Simulated time to stop at (HH:MM)."),
    live: bool = typer.Option(True, "--live/--no-live", help="Show the live view."),
) -> None:
    """A simulated KRX trading day, live, with a sample strategy.

    The sample strategy trades on the paper broker (in a temporary account); the day's summary
    is printed at the end, or on Ctrl-C.
    """
    with reported_errors():
        end_clock = parse_clock(until, "--until")
        with tempfile.TemporaryDirectory(prefix="yeouido-demo-") as data_dir:
            asyncio.run(_demo(seed, speed or None, end_clock, live, data_dir))


async def _demo(seed: int, speed: float | None, end_clock: time, live: bool, data_dir: str) -> None:
    from rich.console import Group
    from rich.live import Live

    from yeouido.brokers.paper.broker import PaperBroker
    from yeouido.cli.demo_strategy import GoldenCrossDemo
    from yeouido.cli.market_view import (
        AccountView,
        DayLog,
        live_view,
        strategy_table,
        summary_table,
    )

    started = wall.perf_counter()
    broker = PaperBroker(
        data_dir=data_dir, cash=INITIAL_CASH, speed=None, seed=seed, start=time(8, 29, 59)
    )
    await broker.start()
    try:
        office = broker.office
        assert office is not None
        simulation = office.market.simulation
        log = DayLog()
        simulation.exchange.subscribe(log.on_event)
        strategy = GoldenCrossDemo(
            tuple(code for code in STRATEGY_CODES if code in simulation.instruments)
        )
        account = AccountView(initial_cash=INITIAL_CASH)
        codes = [code for code in BOOK_CODES if code in simulation.instruments]
        end = datetime.combine(simulation.day, end_clock, tzinfo=SEOUL)
        console.print(
            f"[bold]yeouido demo[/]: {len(simulation.instruments)} instruments on "
            f"{simulation.day} (seed {seed}); ready in {wall.perf_counter() - started:.1f} s"
        )
        interrupted = False

        def view() -> Group:
            return live_view(simulation, log, codes, strategy, account)

        try:
            if live:
                # transient: the live view gives way to the summary, which shows the strategy
                # panel once (with the final account), not under a frozen copy of it
                with Live(view(), console=console, refresh_per_second=8, transient=True) as screen:
                    await _run(broker, strategy, account, speed, end, lambda: screen.update(view()))
            else:
                await _run(broker, strategy, account, speed, end, lambda: None)
        except (KeyboardInterrupt, asyncio.CancelledError):
            interrupted = True
        await _refresh_account(broker, account)
        console.line()
        console.print(summary_table(simulation))
        console.line()
        console.print(strategy_table(strategy, account))
        note = " (interrupted)" if interrupted else ""
        console.print(
            f"{kst_clock(simulation.now, simulated=True)}{note}: {log.trades:,} trades, "
            f"{log.volume:,} shares, {log.vi_count} VI, "
            f"{simulation.counts['order_accepted']:,} orders; "
            f"{wall.perf_counter() - started:.1f} s",
            highlight=False,
        )
    finally:
        await broker.close()


async def _refresh_account(broker: PaperBroker, account: AccountView) -> None:
    account.positions = await broker.positions()
    account.fills = await broker.fills()
    account.balance = await broker.balance()


async def _run(
    broker: PaperBroker,
    strategy: GoldenCrossDemo,
    account: AccountView,
    speed: float | None,
    end: datetime,
    refresh: Callable[[], None],
) -> None:
    from yeouido.exchange.clock import NANOS, SimulationClock
    from yeouido.exchange.events import datetime_to_ts

    clock = SimulationClock(speed)
    end_ts = datetime_to_ts(end)
    office = broker.office
    assert office is not None
    while office.market.exchange.now_ts < end_ts:
        step = min(STEP_SECONDS * NANOS, end_ts - office.market.exchange.now_ts)
        await broker.advance(step / NANOS)
        await strategy.on_step(broker)
        await _refresh_account(broker, account)
        await asyncio.sleep(clock.wait_for(office.market.exchange.now_ts))
        refresh()
