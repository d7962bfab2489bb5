"""``yeouido backtest``: run a strategy file on history, print the stats, write the report;
with ``--sweep``, run a parameter sweep (local processes, or Ray with ``--ray``)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from yeouido.cli.errors import EXIT_STRATEGY_FAILED, reported_errors
from yeouido.cli.output import compact_table, console, error_console, print_json
from yeouido.model.errors import InvalidInput

LOG_LINES = 10
"""``ctx.log`` messages printed after a backtest without ``--log``."""


def backtest(
    strategy_file: Path = typer.Argument(..., help="A .py file defining a Strategy subclass."),
    data: str | None = typer.Option(
        None, "--data", help="A directory of KRX daily CSV files (default: the bar store)."
    ),
    symbols: str | None = typer.Option(None, "--symbols", help="Codes, e.g. 005930,069500."),
    start: str | None = typer.Option(None, "--start", help="First date, YYYY-MM-DD."),
    end: str | None = typer.Option(None, "--end", help="Last date, YYYY-MM-DD (inclusive)."),
    cash: int = typer.Option(10_000_000, "--cash", help="Starting cash in KRW."),
    strategy_name: str | None = typer.Option(
        None, "--strategy", help="The class to run when the file defines several."
    ),
    param: list[str] | None = typer.Option(None, "--param", help="NAME=VALUE (repeatable)."),
    interval: str | None = typer.Option(None, "--interval", help="Bar interval (1d, 1m, ...)."),
    mode: str | None = typer.Option(
        None,
        "--mode",
        help="event or vectorized (signal strategies); default event, for sweeps vectorized "
        "when the strategy allows.",
    ),
    commission: str | None = typer.Option(
        None, "--commission", help="Commission rate, e.g. 0.00015 (0.015%)."
    ),
    report: Path | None = typer.Option(None, "--report", help="Write the HTML report here."),
    sweep: list[str] | None = typer.Option(
        None, "--sweep", help="NAME=V1,V2,... or NAME=START:STOP:STEP (repeatable): a sweep."
    ),
    processes: int | None = typer.Option(None, "--processes", help="Sweep worker processes."),
    ray: str | None = typer.Option(None, "--ray", help="Run the sweep on this Ray cluster."),
    sort: str = typer.Option("sharpe", "--sort", help="Sweep: the statistic to rank by."),
    trades: int = typer.Option(10, "--trades", help="How many of the last trades to list."),
    log: bool = typer.Option(
        False,
        "--log",
        help=f"Print every ctx.log message (by default the last {LOG_LINES} and a count).",
    ),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (see docs/json.md)."),
) -> None:
    """Backtest a strategy with KRX rules, costs and T+2 cash.

    The strategy runs on daily (or minute) bars; with --sweep, on every combination of
    parameters.
    """
    from yeouido.backtest.runner import run_backtest
    from yeouido.strategy.loader import load_strategy, parse_grid, parse_params

    with reported_errors(as_json, strategy_file):
        if trades < 0:
            raise InvalidInput.for_field("trades", trades, "must be a whole number >= 0")
        strategy = load_strategy(strategy_file, strategy_name)
        params = parse_params(strategy, param)
        if sweep:
            _run_sweep(
                strategy,
                parse_grid(sweep, strategy=strategy),
                params,
                data,
                symbols,
                start,
                end,
                cash,
                interval,
                commission,
                mode,
                processes,
                ray,
                sort,
                quiet or as_json,
                as_json,
            )
            return
        with _ProgressBar(quiet or as_json, "backtest") as advance:
            result = run_backtest(
                strategy,
                data=data,
                symbols=symbols,
                start=start,
                end=end,
                cash=cash,
                params=params,
                interval=interval,
                commission=commission,
                mode=mode or "event",
                progress=advance,
            )
        written = result.to_html(report) if report is not None else None
    if as_json:
        print_json(
            {
                "strategy": result.strategy,
                "params": result.params,
                "symbols": list(result.symbols),
                "mode": result.mode,
                "stats": _finite(result.stats.to_dict()),
                "orders": len(result.orders),
                "fills": len(result.fills),
                "trades": result.trades.tail(trades).to_dict("records") if trades else [],
                "logs": [
                    {"time": seoul_time(moment).isoformat(), "message": text}
                    for moment, text in result.messages
                ],
                "report": str(written) if written else None,
                "elapsed": round(result.elapsed, 4),
            }
        )
        return
    console.print(result.summary(), highlight=False)
    if trades and len(result.trades):
        table = compact_table(
            f"last {min(trades, len(result.trades))} of {len(result.trades)} trades"
        )
        for column in ("code", "entry", "exit", "qty", "entry px", "exit px", "P&L (KRW)", "ret"):
            table.add_column(column, justify="right", no_wrap=True)
        for row in result.trades.tail(trades).to_dict("records"):
            table.add_row(
                str(row["code"]),
                str(row["entry_time"].date()),
                str(row["exit_time"].date()),
                f"{row['quantity']:,}",
                f"{row['entry_price']:,.0f}",
                f"{row['exit_price']:,.0f}",
                f"{row['pnl']:,}",
                f"{row['return'] * 100:.2f}%",
            )
        console.print(table)
    _print_logs(result.messages, None if log else LOG_LINES)
    console.print(
        f"{len(result.orders)} orders, {len(result.fills)} fills in {result.elapsed:.2f} s"
    )
    if written is not None:
        console.print(f"report: {written}")


def _run_sweep(
    strategy: Any,
    grid: dict[str, list[Any]],
    params: dict[str, Any],
    data: str | None,
    symbols: str | None,
    start: str | None,
    end: str | None,
    cash: int,
    interval: str | None,
    commission: str | None,
    mode: str | None,
    processes: int | None,
    ray: str | None,
    sort: str,
    quiet: bool,
    as_json: bool,
) -> None:
    from yeouido.backtest.sweeps import STAT_COLUMNS, sweep

    if params:
        fixed = {name: [value] for name, value in params.items() if name not in grid}
        grid = {**fixed, **grid}
    sortable = (*grid, *STAT_COLUMNS)
    if sort not in sortable:
        raise InvalidInput.for_field("sort", sort, f"must be one of {', '.join(sortable)}")
    with _ProgressBar(quiet, "sweep") as advance:
        outcome = sweep(
            strategy,
            grid,
            data=data,
            symbols=symbols,
            start=start,
            end=end,
            cash=cash,
            interval=interval,
            commission=commission,
            mode=mode or "auto",
            processes=processes,
            ray=ray,
            progress=advance,
        )
    table = outcome.table.sort_values(sort, ascending=False, na_position="last")
    if as_json:
        print_json(
            {
                "combinations": outcome.combinations,
                "elapsed": round(outcome.elapsed, 4),
                "throughput": outcome.throughput,
                "rows": [
                    _finite({str(key): value for key, value in row.items()})
                    for row in table.to_dict("records")
                ],
            }
        )
        return
    shown = compact_table(f"{outcome.combinations} combinations in {outcome.elapsed:.2f} s")
    columns = [*grid, *(name for name in SWEEP_COLUMNS if name in table.columns)]
    for column in columns:
        shown.add_column(SWEEP_HEADERS.get(column, column), justify="right", no_wrap=True)
    for row in table.head(20).to_dict("records"):
        shown.add_row(*(_cell(row[column], column) for column in columns))
    console.print(shown)
    console.print(f"{outcome.throughput:,.0f} bar·params/s")
    _print_sweep_errors(table, list(grid))


def _print_sweep_errors(table: Any, names: list[str]) -> None:
    """Say which combinations failed and why (each distinct error once, with its first
    combination); exit code 1 when every combination failed."""
    if "error" not in table.columns:
        return
    failed = table[table["error"].notna()]
    if not len(failed):
        return
    error_console.print(
        f"[bold red]{len(failed):,} of {len(table):,} combinations failed[/]", highlight=False
    )
    seen: set[str] = set()
    for row in failed.to_dict("records"):
        message = str(row["error"])
        if message in seen:
            continue
        seen.add(message)
        combination = ", ".join(f"{name}={row[name]}" for name in names)
        error_console.print(f"  {escape(combination)}: {escape(message)}", highlight=False)
        if len(seen) == SWEEP_ERRORS_SHOWN:
            break
    if len(failed) == len(table):
        raise typer.Exit(EXIT_STRATEGY_FAILED)


def seoul_time(moment: Any) -> Any:
    """``moment`` (a timezone-aware time) in Korea time."""
    from yeouido.model.time import SEOUL

    return moment.astimezone(SEOUL) if getattr(moment, "tzinfo", None) else moment


def _print_logs(messages: list[tuple[Any, str]], last: int | None) -> None:
    """The strategy's ``ctx.log`` messages with their Korea time (the last ``last`` of them
    and how many there were, or all)."""
    if not messages:
        return
    shown = messages if last is None or len(messages) <= last else messages[-last:]
    if len(shown) < len(messages):
        title = f"ctx.log: the last {len(shown)} of {len(messages):,} messages (all with --log)"
    else:
        title = f"ctx.log: {len(messages):,} messages"
    console.print(f"[bold]{title}[/]", highlight=False)
    for moment, text in shown:
        stamp = seoul_time(moment)
        when = f"{stamp:%Y-%m-%d %H:%M:%S} KST" if hasattr(stamp, "strftime") else str(stamp)
        console.print(f"  {when}  {escape(text)}", highlight=False)


SWEEP_ERRORS_SHOWN = 3
"""Distinct errors of failed sweep combinations printed at most."""
SWEEP_COLUMNS = ("total_return", "cagr", "max_drawdown", "sharpe", "trades", "win_rate")
SWEEP_HEADERS = {"total_return": "return", "max_drawdown": "MDD", "win_rate": "win"}
PERCENT_COLUMNS = frozenset({"total_return", "cagr", "max_drawdown", "win_rate"})


def _cell(value: Any, column: str = "") -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        return f"{value * 100:.1f}%" if column in PERCENT_COLUMNS else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _finite(values: dict[str, Any]) -> dict[str, Any]:
    """NaN as ``None`` (JSON has no NaN)."""
    return {
        key: None if isinstance(value, float) and math.isnan(value) else value
        for key, value in values.items()
    }


class _ProgressBar:
    """A transient progress bar on stderr, or nothing when quiet."""

    def __init__(self, quiet: bool, label: str) -> None:
        self.quiet = quiet
        self.label = label
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        if self.quiet:
            return None
        from rich.progress import (
            BarColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn(f"[bold]{self.label}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeRemainingColumn(),
            console=error_console,
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=None)

        def advance(done: int, total: int) -> None:
            assert self.bar is not None
            self.bar.update(self.task, completed=done, total=total)

        return advance

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.stop()
