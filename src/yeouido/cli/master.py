"""``yeouido master``: the instrument master (built-in list and the downloaded KIS master).

yeouido master update [--url URL] [--json]     (download every KOSPI/KOSDAQ/KONEX listing)
yeouido master list [--market M] [--kind K] [--search TEXT] [--limit N] [--json]
yeouido master show CODE [--json]
"""

from __future__ import annotations

from typing import Any

import typer

from yeouido.cli.output import compact_table, console, print_json, reported_errors, won
from yeouido.model.errors import InvalidInput

app = typer.Typer(
    help="The instrument master: every listing, from KIS or built in.",
    no_args_is_help=True,
)

JsonOption = typer.Option(False, "--json", help="Print JSON (see docs/json.md).")


def _row(instrument: Any, price: int | None) -> dict[str, Any]:
    return {
        "code": instrument.code,
        "name": instrument.name,
        "market": instrument.market.value,
        "kind": instrument.kind.value,
        "lot_size": instrument.lot_size,
        "kospi200": instrument.kospi200,
        "leverage": instrument.leverage,
        "nxt": instrument.nxt,
        "reference_price": price,
    }


@app.command("update")
def update_command(
    url: str | None = typer.Option(
        None,
        "--url",
        help="Where the archives are (default: KIS's download server); http(s):// or file://.",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Download the full instrument master from KIS.

    Every KOSPI, KOSDAQ and KONEX listing, ETF and ETN, from the KIS master files; the
    downloaded master is used from then on, over the built-in list.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from yeouido.data.master_update import KIS_MASTER_URL, MASTER_ARCHIVES, update_master
    from yeouido.krx.master import default_master, downloaded_master_path

    with reported_errors(as_json):
        base = url or KIS_MASTER_URL
        if as_json:
            counts = update_master(base)
        else:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
            ) as progress:
                task = progress.add_task("master files", total=len(MASTER_ARCHIVES))

                def advance(archive: str, records: int) -> None:
                    progress.update(task, advance=1, description=f"{archive}: {records:,}")

                counts = update_master(base, progress=advance)
        total = len(default_master())
        path = downloaded_master_path()
        if as_json:
            print_json({"archives": counts, "instruments": total, "path": str(path)})
            return
        console.print(
            f"{sum(counts.values()):,} listings downloaded; the master now holds {total:,} "
            f"instruments ({path})",
            highlight=False,
        )


@app.command("list")
def list_command(
    market: str | None = typer.Option(None, "--market", help="KOSPI, KOSDAQ or KONEX."),
    kind: str | None = typer.Option(None, "--kind", help="stock, etf, etn or elw."),
    search: str | None = typer.Option(None, "--search", help="Part of a code or name."),
    limit: int = typer.Option(50, "--limit", help="At most this many rows (0: all)."),
    as_json: bool = JsonOption,
) -> None:
    """Instruments of the master, filtered."""
    from yeouido.krx.master import default_master

    with reported_errors(as_json):
        if limit < 0:
            raise InvalidInput.for_field("--limit", limit, "must be 0 or more")
        master = default_master()
        chosen = master.search(search) if search else list(master)
        if market:
            chosen = [i for i in chosen if i.market.value == market.strip().upper()]
        if kind:
            chosen = [i for i in chosen if i.kind.value == kind.strip().lower()]
        total = len(chosen)
        if limit:
            chosen = chosen[:limit]
        rows = [_row(i, master.reference_price(i.code)) for i in chosen]
        if as_json:
            print_json(rows)
            return
        table = compact_table(f"{total:,} instruments (showing {len(rows):,})")
        for column in ("code", "name", "market", "kind", "reference"):
            table.add_column(
                column,
                justify="right" if column == "reference" else "left",
                no_wrap=column != "name",
                overflow="fold",
            )
        for row in rows:
            table.add_row(
                row["code"], row["name"], row["market"], row["kind"], won(row["reference_price"])
            )
        console.print(table)


@app.command("show")
def show_command(
    code: str = typer.Argument(..., help="Instrument code, e.g. 003550."),
    as_json: bool = JsonOption,
) -> None:
    """One instrument of the master."""
    from yeouido.krx.master import default_master

    with reported_errors(as_json):
        master = default_master()
        instrument = master.get(code)
        row = _row(instrument, master.reference_price(instrument.code))
        if as_json:
            print_json(row)
            return
        for key, value in row.items():
            text = won(value) if key == "reference_price" else str(value)
            console.print(f"{key:>16}  {text}", highlight=False)
