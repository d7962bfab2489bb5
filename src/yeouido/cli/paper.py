"""``yeouido paper serve|status|reset``: the paper market as a local service."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from pathlib import Path

import typer

from yeouido.brokers.paper.back_office import PaperBackOffice, PaperOptions, check_account
from yeouido.brokers.paper.broker import DEFAULT_SERVICE, account_root
from yeouido.brokers.paper.service import require_loopback, serve
from yeouido.cli.output import console, print_json, reported_errors

app = typer.Typer(help="The paper market and account as a local service.", no_args_is_help=True)


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Loopback address to listen on."),
    port: int = typer.Option(8765, "--port", help="TCP port."),
    account: str = typer.Option("default", "--account", help="Paper account name."),
    cash: int = typer.Option(100_000_000, "--cash", help="Starting cash of a new account (KRW)."),
    speed: float = typer.Option(1.0, "--speed", help="Simulated seconds per wall second."),
    seed: int = typer.Option(0, "--seed", help="Seed of the simulated market."),
    market_data: Path | None = typer.Option(
        None, "--market-data", help="Directory of daily-bar CSVs: last closes become base prices."
    ),
    reset: bool = typer.Option(False, "--reset", help="Start the account again with --cash."),
) -> None:
    """Run the simulated market and the paper account until Ctrl-C."""
    from yeouido.net.listen import check_free

    with reported_errors():
        require_loopback(host)
        check_free(host, port, what="paper service", option="--port")
        options = PaperOptions.create(
            cash=cash, speed=speed, seed=seed, market_data=market_data, reset=reset
        )
        root = account_root(account, None, "paper")

        async def main() -> None:
            office = PaperBackOffice(root, account, options)
            console.print(
                f"paper market {office.market.day} (seed {seed}, ×{speed}) for account "
                f"{account!r}; simulated time {office.market.now:%H:%M:%S}"
            )
            await serve(office, host, port, lambda url: console.print(f"listening on {url}"))

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main())


@app.command("status")
def status_command(
    service: str = typer.Option(DEFAULT_SERVICE, "--service", help="Paper service URL."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Whether a paper service answers, and its simulated time."""
    from yeouido.brokers.paper.remote import ServiceConnection

    async def ask() -> object:
        connection = ServiceConnection(service, 5.0)
        try:
            return await connection.call("GET", "/v1/status")
        finally:
            await connection.close()

    with reported_errors(as_json):
        data = asyncio.run(ask())
    if as_json:
        print_json(data)
    else:
        assert isinstance(data, dict)
        console.print(
            f"{service}: account {data['account']!r}, {data['day']} {data['now'][11:19]} "
            f"({data['phase']}), ×{data['speed']}"
        )


@app.command("reset")
def reset_command(
    account: str = typer.Option("default", "--account", help="Paper account name."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask."),
) -> None:
    """Delete a paper account (ledger, orders and the CLI's journal); it starts again at the
    next `paper serve`. Stop the service first."""
    with reported_errors():
        check_account(account)
        roots = [account_root(account, None, kind) for kind in ("paper", "paper-client")]
        if not yes and not typer.confirm(f"delete paper account {account!r}?"):
            raise typer.Exit(1)
        for root in roots:
            if root.exists():
                shutil.rmtree(root)
        console.print(f"paper account {account!r} deleted")
