"""Console output shared by the command modules: rich tables for people, JSON for scripts,
one time convention (Korea time, labelled), and one way to turn a yeouido error into a clear
message and exit code.

Only light modules are imported here: every command imports this module.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from yeouido.model.errors import InvalidInput
from yeouido.model.time import SEOUL

if TYPE_CHECKING:
    from rich.table import Table

console = Console()
error_console = Console(stderr=True)

EXIT_INVALID_INPUT = 2

KST = "KST"
"""The label of every Korea-time stamp a person reads."""

SIMULATED_KST = "KST (sim)"
"""The label of a simulated market's time."""


def kst(moment: datetime, *, simulated: bool = False, seconds: bool = True) -> str:
    """``2026-11-24 09:15:03 KST``: an aware datetime in Korea time, labelled; ``KST (sim)``
    when the moment is a simulated market's time. Naive datetimes are taken as Korea time."""
    local = moment.replace(tzinfo=SEOUL) if moment.tzinfo is None else moment.astimezone(SEOUL)
    label = SIMULATED_KST if simulated else KST
    return f"{local:%Y-%m-%d %H:%M:%S} {label}" if seconds else f"{local:%Y-%m-%d %H:%M} {label}"


def kst_clock(moment: datetime, *, simulated: bool = False) -> str:
    """``09:15:03 KST``: the time of day only, for tables whose title gives the date."""
    local = moment.replace(tzinfo=SEOUL) if moment.tzinfo is None else moment.astimezone(SEOUL)
    return f"{local:%H:%M:%S} {SIMULATED_KST if simulated else KST}"


def json_ready(value: Any) -> Any:
    """A JSON-ready form of ``value`` for ``--json`` output.

    KRW amounts and counts stay JSON numbers; :class:`~decimal.Decimal` (derivative points,
    average prices) becomes a string so no digit is lost; datetimes become ISO-8601 with their
    offset (naive ones are taken as Korea time); dates ISO-8601; enums their value; dataclasses
    objects of their public fields; NaN ``null``.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if value != value or value in (float("inf"), float("-inf")) else value
    if isinstance(value, Enum):
        return json_ready(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return (value.replace(tzinfo=SEOUL) if value.tzinfo is None else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            item.name: json_ready(getattr(value, item.name))
            for item in dataclasses.fields(value)
            if not item.name.startswith("_")
        }
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_ready(item) for item in value]
    return _other(value)


def _other(value: Any) -> Any:
    """numpy and pandas scalars (without importing either): their Python value."""
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return json_ready(value.to_pydatetime())
    if hasattr(value, "item"):  # numpy scalar
        return json_ready(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json(data: Any) -> None:
    """Print ``data`` as JSON (see :func:`json_ready`; Korean unescaped)."""
    typer.echo(json.dumps(json_ready(data), ensure_ascii=False, indent=2))


def print_json_line(data: Any) -> None:
    """Print ``data`` as one line of JSON (for streams of events)."""
    typer.echo(json.dumps(json_ready(data), ensure_ascii=False))


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


def short_name(name: str, width: int) -> str:
    """``name`` in at most ``width`` terminal cells, cut from the middle so that both the
    issuer (``KODEX``) and the distinguishing tail (``200선물인버스2X``) stay readable;
    East-Asian wide characters count two cells."""
    from rich.cells import cell_len

    if cell_len(name) <= width:
        return name
    tail_width = (width - 1) // 2
    head_width = width - 1 - tail_width
    head = ""
    for char in name:
        if cell_len(head + char) > head_width:
            break
        head += char
    tail = ""
    for char in reversed(name):
        if cell_len(char + tail) > tail_width:
            break
        tail = char + tail
    return f"{head}…{tail}"


def compact_table(title: str) -> Table:
    """A table for long lists (orders, fills, positions, trades): a rule under the header, no
    frame and one space between columns, so that whole order ids, dates and numbers fit in 80
    columns."""
    from rich import box
    from rich.table import Table

    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=0,
        header_style="bold",
    )


Renderer = Callable[[], None]


def parse_clock(text: str, field: str) -> time:
    """A time of day from ``HH:MM`` or ``HH:MM:SS``; :class:`InvalidInput` naming ``field``."""
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise InvalidInput.for_field(field, text, "use HH:MM or HH:MM:SS") from None


class KoreaTimeFormatter(logging.Formatter):
    """Log records stamped in Korea time and labelled: ``2026-11-24 09:15:03 KST INFO  …``."""

    def __init__(self, fmt: str = "%(asctime)s %(levelname)-7s %(message)s") -> None:
        super().__init__(fmt)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """The record's creation time in Korea time, labelled ``KST``."""
        return kst(datetime.fromtimestamp(record.created, SEOUL))
