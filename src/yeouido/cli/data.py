"""``yeouido data``: the bar store (Parquet files under the user data directory).

yeouido data fetch CODE... [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--source pykrx|fdr]
                  [--raw] [--json]    (daily bars from pykrx or FinanceDataReader)
yeouido data import DIR [--raw]       (a directory of daily CSV files)
yeouido data list [--json]            (what is stored: one row per code and interval)
yeouido data show CODE [--interval 1d] [--start YYYY-MM-DD] [--end YYYY-MM-DD]
                       [--tail N] [--raw] [--json]
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer

from yeouido.cli.output import compact_table, console, print_json, reported_errors, won
from yeouido.model.errors import InvalidInput

app = typer.Typer(
    help="The bar store: import daily bars, list and show what is stored.",
    no_args_is_help=True,
)

JsonOption = typer.Option(False, "--json", help="Print JSON (see docs/json.md).")
RawOption = typer.Option(False, "--raw", help="Raw (unadjusted) prices instead of adjusted.")


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.for_field(option, text, "must be a date YYYY-MM-DD") from None


def _stamp(value: Any, interval: str) -> str:
    """A bar time as text: the date of a daily bar; the Korea-time minute of a minute bar,
    ISO-8601 with its offset."""
    import pandas as pd

    from yeouido.model.time import SEOUL

    moment = pd.Timestamp(value)
    if interval == "1d":
        return moment.strftime("%Y-%m-%d")
    if moment.tzinfo is None:
        moment = moment.tz_localize(SEOUL)
    return moment.tz_convert(SEOUL).isoformat()


@app.command("import")
def import_command(
    directory: Path = typer.Argument(
        ...,
        help="Directory of daily CSV files, one per code (CODE.csv): date,open,high,low,"
        "close,volume; Date,Open,High,Low,Close,Volume; or 날짜,시가,고가,저가,종가,거래량.",
    ),
    raw: bool = typer.Option(
        False, "--raw", help="The files hold raw prices (default: split-adjusted)."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Import a directory of daily CSV files into the bar store.

    One file per code (the code is the file name).
    """
    from yeouido.data import BarStore, import_csv_dir

    with reported_errors(as_json):
        store = BarStore()
        codes = import_csv_dir(store, directory, adjusted=not raw)
        adjustment = "raw" if raw else "adjusted"
        if as_json:
            print_json({"codes": codes, "adjustment": adjustment, "root": str(store.root)})
            return
        console.print(
            f"imported {len(codes)} codes ({adjustment}, 1d) into {store.root}", highlight=False
        )


@app.command("fetch")
def fetch_command(
    codes: list[str] = typer.Argument(..., help="Instrument codes, e.g. 005930 000660."),
    start: str | None = typer.Option(
        None, "--start", help="First date, YYYY-MM-DD (default: one year before --end)."
    ),
    end: str | None = typer.Option(
        None, "--end", help="Last date, YYYY-MM-DD, inclusive (default: today in Korea)."
    ),
    source: str = typer.Option(
        "pykrx", "--source", help="Data library: pykrx or fdr (FinanceDataReader)."
    ),
    raw: bool = typer.Option(
        False,
        "--raw",
        help="Raw prices as printed on the day (pykrx only; default: split-adjusted).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Download daily bars into the bar store.

    The bars come through pykrx or FinanceDataReader; both libraries come with the optional
    extra "data" of yeouido (see docs/data.md).
    """
    from datetime import timedelta

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from yeouido.data import BarStore
    from yeouido.data.fetch import fetch_bars, library_downloader
    from yeouido.model.time import now_seoul

    with reported_errors(as_json):
        last = _date(end, "--end") or now_seoul().date()
        first = _date(start, "--start") or last - timedelta(days=365)
        download = library_downloader(source)
        store = BarStore()
        adjustment = "raw" if raw else "adjusted"
        if as_json:
            received = fetch_bars(
                store, codes, first, last, source=source, adjusted=not raw, download=download
            )
        else:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=False,
            ) as progress:
                task = progress.add_task(f"{source} {first}..{last}", total=len(codes))

                def advance(code: str, bars: int) -> None:
                    progress.update(task, advance=1, description=f"{source} {code}: {bars} bars")

                received = fetch_bars(
                    store,
                    codes,
                    first,
                    last,
                    source=source,
                    adjusted=not raw,
                    download=download,
                    progress=advance,
                )
        if as_json:
            print_json(
                {
                    "source": source,
                    "adjustment": adjustment,
                    "start": first.isoformat(),
                    "end": last.isoformat(),
                    "bars": received,
                    "root": str(store.root),
                }
            )
            return
        empty = [code for code, count in received.items() if count == 0]
        console.print(
            f"fetched {sum(received.values()):,} daily bars ({adjustment}) for "
            f"{len(received) - len(empty)} codes into {store.root}",
            highlight=False,
        )
        if empty:
            console.print(
                f"no bars from {source} between {first} and {last} for: {', '.join(empty)}",
                highlight=False,
            )


@app.command("list")
def list_command(as_json: bool = JsonOption) -> None:
    """What the store holds: one row per code, interval and adjustment."""
    from yeouido.data import BarStore

    with reported_errors(as_json):
        store = BarStore()
        summary = store.summary()
        rows: list[dict[str, Any]] = [
            {
                "code": str(record["code"]),
                "interval": str(record["interval"]),
                "adjustment": str(record["adjustment"]),
                "first": _stamp(record["first"], str(record["interval"])),
                "last": _stamp(record["last"], str(record["interval"])),
                "rows": int(record["rows"]),
                "source": str(record["source"]),
            }
            for record in summary.to_dict(orient="records")
        ]
        if as_json:
            print_json(rows)
            return
        console.print(f"bars in {store.root}", highlight=False, soft_wrap=True)
        table = compact_table(f"{len(rows)} series")
        for column in ("code", "interval", "adjustment", "first", "last", "rows", "source"):
            table.add_column(
                column,
                justify="right" if column == "rows" else "left",
                no_wrap=column != "source",
                overflow="fold",
            )
        for entry in rows:
            table.add_row(
                *(f"{value:,}" if key == "rows" else str(value) for key, value in entry.items())
            )
        console.print(table)


@app.command("show")
def show_command(
    code: str = typer.Argument(..., help="Instrument code, e.g. 005930."),
    interval: str = typer.Option("1d", "--interval", help="Bar interval: 1d or 1m."),
    start: str | None = typer.Option(None, "--start", help="First date, YYYY-MM-DD."),
    end: str | None = typer.Option(None, "--end", help="Last date, YYYY-MM-DD (inclusive)."),
    tail: int | None = typer.Option(None, "--tail", help="Only the last N bars."),
    raw: bool = RawOption,
    as_json: bool = JsonOption,
) -> None:
    """The stored bars of one code."""
    from yeouido.data import BAR_FIELDS as FIELDS
    from yeouido.data import BarStore

    with reported_errors(as_json):
        if tail is not None and tail < 1:
            raise InvalidInput.for_field("--tail", tail, "must be at least 1")
        store = BarStore()
        frame = store.read(
            code,
            interval=interval,
            start=_date(start, "--start"),
            end=_date(end, "--end"),
            adjusted=not raw,
        )
        if frame.empty and code not in store.codes(interval, adjusted=not raw):
            raise InvalidInput.for_field(
                "code",
                code,
                f"no {interval} {'raw' if raw else 'adjusted'} bars stored "
                "(see `yeouido data list`)",
            )
        if tail is not None:
            frame = frame.tail(tail)
        rows: list[dict[str, Any]] = [
            {"time": _stamp(moment, interval), **{name: int(record[name]) for name in FIELDS}}
            for moment, record in zip(frame.index, frame.to_dict(orient="records"), strict=True)
        ]
        if as_json:
            print_json(rows)
            return
        adjustment = "raw" if raw else "adjusted"
        label = "" if interval == "1d" else ", times KST"
        table = compact_table(f"{code} {interval} ({adjustment}{label}): {len(rows)} bars")
        table.add_column("time", justify="left", no_wrap=True)
        for column in FIELDS:
            table.add_column(column, justify="right", no_wrap=True)
        for entry in rows:
            table.add_row(
                str(entry["time"])[:16].replace("T", " "),
                *(won(int(entry[name])) for name in FIELDS),
            )
        console.print(table)
