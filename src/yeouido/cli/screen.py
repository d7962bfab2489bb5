"""``yeouido screen``: scan the market with a condition, and keep saved strategies.

    yeouido screen "close > sma(close, 20) and rsi(close, 14) < 70" --data DIR
    yeouido screen save 눌림목 "close > sma(close, 60) and close < sma(close, 5)"
    yeouido screen list | show NAME | rm NAME
    yeouido screen 눌림목 --data DIR               (a saved strategy, by name)
    yeouido screen watch NAME... [--broker paper]  (entries and exits, live)

The expression comes first; options after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from yeouido.cli.output import (
    KST,
    SIMULATED_KST,
    compact_table,
    console,
    error_console,
    kst,
    kst_clock,
    print_json,
    print_json_line,
    reported_errors,
)
from yeouido.model import InvalidInput, YeouidoError

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from yeouido.brokers.base import AsyncBroker
    from yeouido.screener.panel import BarPanel
    from yeouido.screener.store import SavedStrategy
    from yeouido.screener.watch import HistoryNotice, Watch, WatchEvent

SUBCOMMANDS = ("save", "list", "show", "rm", "watch", "run")


class ScreenGroup(TyperGroup):
    """Runs ``screen EXPR`` as ``screen run EXPR`` when EXPR is not a subcommand."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands:
            args = ["run", *args]
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=ScreenGroup,
    help="Scan with a condition (종목검색), save strategies, watch them live.",
    no_args_is_help=True,
)

DataOption = typer.Option(
    None,
    "--data",
    help="Directory of daily-bar CSV files (or $YEOUIDO_BARS_DIR; default: the bar store).",
)


def _data_dir(data: Path | None) -> Path | None:
    """``--data``, else ``$YEOUIDO_BARS_DIR``, else ``None`` (the bar store)."""
    path = data
    if path is None and os.environ.get("YEOUIDO_BARS_DIR"):
        path = Path(os.environ["YEOUIDO_BARS_DIR"])
    if path is None:
        return None
    if not path.is_dir():
        raise InvalidInput.for_field("--data", str(path), "is not a directory")
    return path


def _codes(universe: str | None) -> list[str] | None:
    return None if not universe else [code.strip() for code in universe.split(",") if code.strip()]


def render_scan(frame: pd.DataFrame, title: str) -> None:
    """The matches as a table: prices and volumes as integers, percentages labelled ``%``.
    Numbers and dates are never cut: a long label folds onto more lines, names wrap, and value
    columns that do not fit the terminal are left out with a note (``--json`` has them all)."""
    units: dict[str, str] = frame.attrs.get("units", {})
    rows = [
        [_cell(value, units.get(column)) for column, value in zip(frame.columns, row, strict=True)]
        for row in frame.itertuples(index=False)
    ]
    widths = []
    for index, column in enumerate(frame.columns):
        widest = max((len(row[index]) for row in rows), default=0)
        if column in ("code", "date"):
            widths.append(max(widest, len(column)))
        elif column == "name":
            widths.append(8)
        else:
            widths.append(max(widest, min(len(str(column)) + 2, 8)))
    shown = len(widths)
    while shown > len(BASE_SCAN_COLUMNS) and sum(widths[:shown]) + 3 * shown + 1 > console.width:
        shown -= 1
    from rich.table import Table

    table = Table(title=f"{title}: {len(frame)} matches", title_justify="left")
    for index, column in enumerate(frame.columns[:shown]):
        label = f"{column} %" if units.get(column) == "%" else str(column)
        if column in ("code", "date"):
            table.add_column(label, no_wrap=True)
        elif column == "name":
            table.add_column(label, overflow="fold", ratio=1, min_width=8)
        else:
            table.add_column(label, justify="right", overflow="fold", min_width=widths[index])
    for cells in rows:
        table.add_row(*cells[:shown])
    console.print(table)
    if shown < len(frame.columns):
        left_out = ", ".join(str(column) for column in frame.columns[shown:])
        console.print(f"  not shown at this width: {left_out} (--json has every column)")


BASE_SCAN_COLUMNS = ("code", "name", "date", "close", "change")


def _cell(value: Any, unit: str | None = None) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if number != number:
            return "-"
        if unit in ("KRW", "shares"):
            return f"{round(number):,}"
        if unit == "%":
            return f"{number:+.2f}"
        return f"{value:,}" if isinstance(value, int) else f"{number:,.2f}"
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%d"))
    return str(value)


@app.command("run", hidden=True)
def run_command(
    expression: str = typer.Argument(..., help="A condition, or the name of a saved strategy."),
    data: Path | None = DataOption,
    universe: str | None = typer.Option(None, "--universe", help="Codes, comma separated."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (see docs/json.md)."),
) -> None:
    """Scan: the instruments for which the condition holds on the last bar."""
    from yeouido.screener import scan

    with reported_errors(as_json):
        frame = scan(expression, data=_data_dir(data), universe=_codes(universe))
    if as_json:
        print_json(frame.to_dict(orient="records"))
    else:
        render_scan(frame, expression)


@app.command("save")
def save_command(
    name: str = typer.Argument(..., help="The strategy's name, e.g. 눌림목."),
    expression: str = typer.Argument(..., help='The condition, e.g. "close > sma(close, 20)".'),
    universe: str | None = typer.Option(None, "--universe", help="Codes, comma separated."),
    replace: bool = typer.Option(False, "--replace", help="Overwrite a strategy of that name."),
) -> None:
    """Save a strategy (the expression is checked first)."""
    from yeouido.screener.store import StrategyStore

    with reported_errors(), StrategyStore() as store:
        strategy = store.save(name, expression, _codes(universe), replace=replace)
    console.print(f"saved {strategy.name!r}: {strategy.expression}")


@app.command("list")
def list_command(
    as_json: bool = typer.Option(False, "--json", help="Print JSON (see docs/json.md)."),
) -> None:
    """Saved strategies."""
    from rich.table import Table

    from yeouido.screener.store import StrategyStore

    with reported_errors(as_json), StrategyStore() as store:
        strategies = store.list()
    if as_json:
        print_json([_strategy_dict(strategy) for strategy in strategies])
        return
    table = Table(title=f"{len(strategies)} saved strategies", title_justify="left")
    for column in ("name", "expression", "universe"):
        table.add_column(column, overflow="fold")
    for strategy in strategies:
        table.add_row(strategy.name, strategy.expression, _universe_text(strategy))
    console.print(table)


@app.command("show")
def show_command(
    name: str = typer.Argument(..., help="The saved strategy's name."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (see docs/json.md)."),
) -> None:
    """One saved strategy."""
    from yeouido.screener.store import StrategyStore

    with reported_errors(as_json), StrategyStore() as store:
        strategy = store.get(name)
    if as_json:
        print_json(_strategy_dict(strategy))
    else:
        console.print(
            f"[bold]{strategy.name}[/]\n  {strategy.expression}\n"
            f"  universe: {_universe_text(strategy)}\n"
            f"  updated {kst(strategy.updated_at)}",
            highlight=False,
        )


@app.command("rm")
def rm_command(name: str = typer.Argument(..., help="The saved strategy's name.")) -> None:
    """Delete a saved strategy."""
    from yeouido.screener.store import StrategyStore

    with reported_errors(), StrategyStore() as store:
        store.delete(name)
    console.print(f"deleted {name!r}")


def _universe_text(strategy: SavedStrategy) -> str:
    return "all" if strategy.universe is None else ", ".join(strategy.universe)


def _strategy_dict(strategy: SavedStrategy) -> dict[str, Any]:
    return {
        "name": strategy.name,
        "expression": strategy.expression,
        "universe": None if strategy.universe is None else list(strategy.universe),
        "created_at": strategy.created_at,
        "updated_at": strategy.updated_at,
    }


@app.command("watch")
def watch_command(
    names: list[str] = typer.Argument(..., help="Saved strategies to watch."),
    broker: str = typer.Option("paper", "--broker", help="Broker whose trades drive the watch."),
    service: str | None = typer.Option(None, "--service", help="Paper service URL."),
    data: Path | None = typer.Option(
        None,
        "--data",
        help="Daily-bar CSVs to warm up on (or $YEOUIDO_BARS_DIR; default: the bar store).",
    ),
    seconds: float | None = typer.Option(None, "--seconds", help="Stop after this long."),
    as_json: bool = typer.Option(False, "--json", help="One JSON line per event."),
) -> None:
    """Watch saved strategies live (Ctrl-C to stop).

    Entries and exits are shown as the broker's trades arrive.
    """
    from yeouido.screener.store import StrategyStore

    with reported_errors(as_json):
        with StrategyStore() as store:
            strategies = [store.get(name) for name in names]
        history = _watch_history(data)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_watch(strategies, broker, service, history, seconds, as_json))


NO_HISTORY = (
    "nothing to warm up on: {reason}. Conditions start from the live day's bars alone"
    " (an indicator over N bars stays empty until N days have traded). Give --data DIR, set"
    " $YEOUIDO_BARS_DIR or run `yeouido data import DIR`."
)


def _watch_history(data: Path | None) -> BarPanel | None:
    """The daily history to warm up on: ``--data``, ``$YEOUIDO_BARS_DIR`` or the bar store;
    ``None``, said on stderr, when there is none."""
    from yeouido.screener.panel import load_csv_dir

    directory = _data_dir(data)
    if directory is not None:
        panel = load_csv_dir(directory)
        if len(panel.codes) == 0:
            _note(NO_HISTORY.format(reason=f"{directory} holds no daily-bar CSV files"))
            return None
        return panel
    from yeouido.screener import store_panel

    try:
        return store_panel()
    except InvalidInput:
        _note(NO_HISTORY.format(reason="no --data, no $YEOUIDO_BARS_DIR, an empty bar store"))
        return None


def _note(text: str) -> None:
    error_console.print(f"[yellow]note[/] {text}", highlight=False)


def _report_notices(notices: list[HistoryNotice]) -> None:
    """History left out because it is from another period: a few lines, not one per code."""
    for notice in notices[:3]:
        _note(str(notice))
    if len(notices) > 3:
        _note(f"… and {len(notices) - 3} more codes whose history was left out the same way")


def _live_day(broker: AsyncBroker) -> Any:
    """The day live trades are for: the broker's (simulated) clock, else today in Seoul."""
    from yeouido.model import now_seoul
    from yeouido.model.time import SEOUL

    clock = getattr(broker, "now", None)
    moment = clock() if callable(clock) else now_seoul()
    return moment.astimezone(SEOUL).date()


async def _watch(
    strategies: list[SavedStrategy],
    broker_name: str,
    service: str | None,
    history: BarPanel | None,
    seconds: float | None,
    as_json: bool,
) -> None:
    from rich.live import Live

    from yeouido.brokers.registry import connect_async
    from yeouido.screener.watch import Watch

    options: dict[str, Any] = {}
    if broker_name == "paper":
        options["service"] = service or os.environ.get("YEOUIDO_PAPER_URL") or True
    broker = await connect_async(broker_name, **options)
    try:
        universe = await _listed_codes(broker, history)
        watch = Watch(history, live_day=_live_day(broker))
        simulated = broker_name == "paper"
        for strategy in strategies:
            codes = [code for code in (strategy.universe or universe) if code in universe]
            watch.add(strategy.name, strategy.expression, codes)
        _report_notices(watch.notices)
        watch.on_notice(lambda notice: _report_notices([notice]))
        recent: deque[WatchEvent] = deque(maxlen=20)
        watch.on_event(recent.append)
        if as_json:
            watch.on_event(lambda event: print_json_line(_event_dict(event)))
        watch.start(broker)
        deadline = None if seconds is None else asyncio.get_running_loop().time() + seconds
        if as_json:
            await _sleep_until(deadline)
            return
        with Live(
            _watch_table(watch, recent, simulated), console=console, refresh_per_second=4
        ) as screen:
            while deadline is None or asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.25)
                screen.update(_watch_table(watch, recent, simulated))
    finally:
        await broker.close()


async def _sleep_until(deadline: float | None) -> None:
    while deadline is None or asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.25)


async def _listed_codes(broker: AsyncBroker, history: BarPanel | None) -> list[str]:
    """The codes the broker lists (from the master), or the history's codes when given."""
    from yeouido.krx import default_master

    candidates = list(history.codes) if history is not None else [i.code for i in default_master()]
    listed = []
    for code in candidates:
        try:
            await broker.instrument(code)
        except YeouidoError:
            continue
        listed.append(code)
    return listed


def _watch_table(watch: Watch, recent: deque[WatchEvent], simulated: bool = False) -> Table:
    label = SIMULATED_KST if simulated else KST
    table = compact_table(f"screen watch: entries and exits, times {label}")
    for column in ("time", "strategy", "code", "event", "values"):
        table.add_column(column, no_wrap=column in ("time", "code"), overflow="fold")
    for event in reversed(recent):
        values = ", ".join(f"{key}={value:,.2f}" for key, value in list(event.values.items())[:3])
        style = "red" if event.kind == "entered" else "blue"
        table.add_row(
            kst_clock(event.time)[:8],
            event.strategy,
            event.code,
            f"[{style}]{event.kind}[/]",
            values,
        )
    active = "; ".join(
        f"{strategy.name}: {len(watch.active(strategy.name))}" for strategy in watch.strategies
    )
    table.caption = f"now matching — {active}"
    return table


def _event_dict(event: WatchEvent) -> dict[str, Any]:
    return {
        "time": event.time,
        "strategy": event.strategy,
        "code": event.code,
        "kind": event.kind,
        "values": event.values,
    }
