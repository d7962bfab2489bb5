"""Errors as messages: a command's failure becomes one clear message on stderr and an exit code,
with the full traceback only when asked for (``yeouido --debug ...`` or ``YEOUIDO_DEBUG=1``).

- a :class:`~yeouido.model.errors.YeouidoError` (bad input, a broker that cannot be reached,
  ...): its message, exit code 2;
- a user's strategy file that does not load (syntax error, failing import) or whose code
  raises (``on_start``, ``on_bar``, ``on_fill``, ...): the file, line and error, exit code 1.

Anything else is a fault of yeouido itself and keeps its traceback.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import typer

from yeouido.model.errors import YeouidoError

T = TypeVar("T")

DEBUG_VARIABLE = "YEOUIDO_DEBUG"
EXIT_STRATEGY_FAILED = 1
EXIT_INVALID_INPUT = 2
DEBUG_HINT = "(yeouido --debug ... shows the full traceback)"

DEBUG_OPTION = typer.Option(
    False,
    "--debug",
    envvar=DEBUG_VARIABLE,
    help="Show the full traceback of an error.",
)
"""The root command's ``--debug`` option."""

_debug = [False]


def set_debug(enabled: bool) -> None:
    """Switch full tracebacks on or off for this process (the root ``--debug`` option)."""
    _debug[0] = enabled


def debug_enabled() -> bool:
    """Whether errors show their full traceback: ``--debug`` or ``YEOUIDO_DEBUG`` set to a
    true value (1, true, yes, on)."""
    if _debug[0]:
        return True
    return os.environ.get(DEBUG_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")


def print_traceback(error: BaseException) -> None:
    """The full traceback of ``error`` (and its causes) on stderr."""
    sys.stderr.write("".join(traceback.format_exception(error)))
    sys.stderr.flush()


def report_error(error: YeouidoError, as_json: bool = False) -> int:
    """Print ``error`` (JSON on stdout with ``as_json``, else a message on stderr) and, when
    debugging, the traceback of what caused it; returns the exit code."""
    from rich.markup import escape

    from yeouido.cli.output import error_console, print_json
    from yeouido.strategy.failure import StrategyCodeError

    original = error.__cause__ or error
    if debug_enabled():
        print_traceback(original)
    if as_json:
        print_json(error.to_dict())
    else:
        error_console.print(
            f"[bold red]error[/] {escape(str(error))}", highlight=False, soft_wrap=True
        )
        if isinstance(error, StrategyCodeError) and not debug_enabled():
            error_console.print(DEBUG_HINT, style="dim", highlight=False)
    return EXIT_STRATEGY_FAILED if isinstance(error, StrategyCodeError) else EXIT_INVALID_INPUT


@contextmanager
def reported_errors(
    as_json: bool = False, strategy_file: str | Path | None = None
) -> Iterator[None]:
    """Run the body of a command: a :class:`YeouidoError` or an error of the user's strategy
    code (``strategy_file``, or any code outside yeouido and the installed packages) becomes a
    message and :class:`typer.Exit` with its exit code."""
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except Exception as error:
        from yeouido.strategy.failure import strategy_failure  # numpy: only on an error

        failure = strategy_failure(error, strategy_file)
        if failure is None and not isinstance(error, YeouidoError):
            raise
        reported = failure or error
        assert isinstance(reported, YeouidoError)
        if reported is not error:
            reported.__cause__ = error
        raise typer.Exit(report_error(reported, as_json)) from None


def run_command(
    body: Callable[[], T], as_json: bool = False, strategy_file: str | Path | None = None
) -> T:
    """``body()`` with its errors reported as by :func:`reported_errors`."""
    with reported_errors(as_json, strategy_file):
        return body()


__all__ = [
    "DEBUG_OPTION",
    "DEBUG_VARIABLE",
    "EXIT_INVALID_INPUT",
    "EXIT_STRATEGY_FAILED",
    "debug_enabled",
    "print_traceback",
    "report_error",
    "reported_errors",
    "run_command",
    "set_debug",
]
