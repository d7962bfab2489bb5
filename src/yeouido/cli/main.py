"""The ``yeouido`` command: one module per command group, registered here.

Start-up matters (``yeouido version`` and ``--help`` should answer at once), so the command
modules import only typer and light parts of yeouido at their top level; each command imports
what it needs (pandas, numba, aiohttp, duckdb, the simulated exchange, ...) when it runs.
"""

from __future__ import annotations

import typer

from yeouido import __version__
from yeouido.cli import data, master, paper, sandbox, screen
from yeouido.cli.backtest import backtest
from yeouido.cli.calendar import calendar
from yeouido.cli.demo import demo
from yeouido.cli.errors import DEBUG_OPTION, set_debug
from yeouido.cli.rules import rules
from yeouido.cli.run import run
from yeouido.cli.serve import serve
from yeouido.cli.today import today
from yeouido.cli.trading import COMMAND_OPTIONS as TRADING_COMMAND_OPTIONS
from yeouido.cli.trading import COMMANDS as TRADING_COMMANDS

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="yeouido",
    help="System trading for the Korean market: KRX rules, simulation, brokers, strategies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings=CONTEXT_SETTINGS,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"yeouido {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    debug: bool = DEBUG_OPTION,
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        help="Print the installed version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    """System trading for the Korean market: KRX rules, simulation, brokers, strategies."""
    set_debug(debug)


@app.command()
def version() -> None:
    """Print the installed version."""
    typer.echo(__version__)


app.command()(rules)
app.command()(calendar)
app.command()(demo)
app.command()(today)
app.command()(run)
app.command()(backtest)
app.command()(serve)
for trading_command in TRADING_COMMANDS:
    app.command(
        name=trading_command.__name__,
        **TRADING_COMMAND_OPTIONS.get(trading_command.__name__, {}),
    )(trading_command)
app.add_typer(paper.app, name="paper")
app.add_typer(screen.app, name="screen")
app.add_typer(sandbox.app, name="sandbox")
app.add_typer(data.app, name="data")
app.add_typer(master.app, name="master")


def main() -> None:
    """Run the command line."""
    app()
