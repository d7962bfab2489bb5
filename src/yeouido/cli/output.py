"""Console output shared by the command modules: rich tables for people, JSON for scripts,
and one way to turn a yeouido error into a clear message and exit code."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import typer
from rich.console import Console

from yeouido.model.errors import InvalidInput

console = Console()
error_console = Console(stderr=True)

EXIT_INVALID_INPUT = 2


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(data: Any) -> None:
    """Print ``data`` as JSON (dates as ISO text, Decimals as strings, Korean unescaped)."""
    typer.echo(json.dumps(data, default=_default, ensure_ascii=False, indent=2))


def print_json_line(data: Any) -> None:
    """Print ``data`` as one line of JSON (for streams of events)."""
    typer.echo(json.dumps(data, default=_default, ensure_ascii=False))


@contextmanager
def reported_errors(as_json: bool = False) -> Iterator[None]:
    """Turn a :class:`YeouidoError` into a one-line message (or JSON) and exit code 2 (see
    :mod:`yeouido.cli.errors`: ``--debug`` adds the traceback)."""
    from yeouido.cli.errors import reported_errors as report

    with report(as_json):
        yield


def won(value: int | Decimal | None) -> str:
    """Format a price for a table: thousands separators, ``-`` for none."""
    if value is None:
        return "-"
    return f"{value:,}"


Renderer = Callable[[], None]


def parse_clock(text: str, field: str) -> time:
    """A time of day from ``HH:MM`` or ``HH:MM:SS``; :class:`InvalidInput` naming ``field``."""
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise InvalidInput.for_field(field, text, "use HH:MM or HH:MM:SS") from None
