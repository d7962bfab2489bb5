"""``yeouido demo``: a trading day of the simulated market at high speed, with a live view and
a summary at the end. Ends by itself, or on Ctrl-C (the summary still prints)."""

from __future__ import annotations

import time as wall
from datetime import datetime, time

import typer
from rich.live import Live

from yeouido.cli.market_view import DayLog, live_view, summary_table
from yeouido.cli.output import console, reported_errors
from yeouido.exchange.clock import NANOS, SimulationClock
from yeouido.exchange.events import datetime_to_ts
from yeouido.exchange.simulation import MarketSimulation
from yeouido.model import SEOUL, InvalidInput

BOOK_CODES = ("005930", "000660", "069500")
STEP_SECONDS = 20


def _parse_clock(text: str, field: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise InvalidInput.for_field(field, text, "use HH:MM or HH:MM:SS") from None


def demo(
    seed: int = typer.Option(0, "--seed", help="Seed of the simulated market."),
    speed: float = typer.Option(
        0, "--speed", help="Simulated seconds per wall second (0: as fast as possible)."
    ),
    until: str = typer.Option("15:31", "--until", help="Simulated time to stop at (HH:MM)."),
    live: bool = typer.Option(True, "--live/--no-live", help="Show the live view."),
) -> None:
    """Run a simulated KRX trading day with a live view, then print its summary."""
    with reported_errors():
        end_clock = _parse_clock(until, "--until")
        started = wall.perf_counter()
        simulation = MarketSimulation(seed=seed)
        end = datetime.combine(simulation.day, end_clock, tzinfo=SEOUL)
        log = DayLog()
        simulation.exchange.subscribe(log.on_event)
        codes = [code for code in BOOK_CODES if code in simulation.instruments]
        clock = SimulationClock(speed or None)
        console.print(
            f"[bold]yeouido demo[/]: {len(simulation.instruments)} instruments on "
            f"{simulation.day} (seed {seed}); ready in {wall.perf_counter() - started:.1f} s"
        )
        interrupted = False
        try:
            if live:
                with Live(
                    live_view(simulation, log, codes),
                    console=console,
                    refresh_per_second=8,
                    transient=False,
                ) as screen:
                    _run(
                        simulation,
                        clock,
                        end,
                        lambda: screen.update(live_view(simulation, log, codes)),
                    )
            else:
                _run(simulation, clock, end, lambda: None)
        except KeyboardInterrupt:
            interrupted = True
        console.print(summary_table(simulation))
        note = " (interrupted)" if interrupted else ""
        console.print(
            f"{simulation.now:%H:%M:%S}{note}: {log.trades:,} trades, "
            f"{log.volume:,} shares, {log.vi_count} VI, "
            f"{simulation.counts['order_accepted']:,} orders; "
            f"{wall.perf_counter() - started:.1f} s"
        )


def _run(
    simulation: MarketSimulation,
    clock: SimulationClock,
    end: datetime,
    refresh: object,
) -> None:
    end_ts = datetime_to_ts(end)
    step = STEP_SECONDS * NANOS
    assert callable(refresh)
    while simulation.now_ts < end_ts:
        target = min(simulation.now_ts + step, end_ts)
        simulation.run_until(target)
        clock.pace(target)
        refresh()
