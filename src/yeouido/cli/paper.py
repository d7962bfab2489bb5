"""``yeouido paper serve|status|reset``: the paper market as a local service."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from pathlib import Path

import typer

from yeouido.cli.output import SIMULATED_KST, console, kst_clock, print_json, reported_errors
from yeouido.cli.trading import PAPER_SERVICE

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
    reset: bool = typer.Option(False, "--reset", help="Start the account afresh with --cash."),
) -> None:
    """Run the simulated market and the paper account until Ctrl-C.

    The account persists in the user data directory between runs, shared by every command
    that uses the service; `yeouido paper reset` starts it afresh.
    """
    from yeouido.brokers.paper.back_office import PaperBackOffice, PaperOptions
    from yeouido.brokers.paper.broker import account_root
    from yeouido.brokers.paper.service import require_loopback, serve
    from yeouido.cli.run import setup_logging
    from yeouido.net.listen import check_free

    setup_logging(False)
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
                f"{account!r}; simulated time {kst_clock(office.market.now, simulated=True)}",
                highlight=False,
                soft_wrap=True,
            )
            await serve(office, host, port, lambda url: console.print(f"listening on {url}"))

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main())


@app.command("status")
def status_command(
    service: str = typer.Option(PAPER_SERVICE, "--service", help="Paper service URL."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (see docs/json.md)."),
    wait: float = typer.Option(
        0.0, "--wait", help="Seconds to wait for a service that is still starting."
    ),
) -> None:
    """Whether a paper service answers, and its simulated time."""
    import time as wall

    from yeouido.brokers.remote.client import VenueConnection
    from yeouido.model.errors import ConnectionFailed

    async def ask() -> object:
        connection = VenueConnection(service, timeout=5.0, reconnect=False)
        try:
            await connection.open()
            return await connection.request("status")
        finally:
            await connection.close()

    with reported_errors(as_json):
        deadline = wall.monotonic() + max(0.0, wait)
        while True:
            try:
                data = asyncio.run(ask())
                break
            except ConnectionFailed:
                if wall.monotonic() >= deadline:
                    raise
                wall.sleep(0.25)
    if as_json:
        print_json(data)
    else:
        assert isinstance(data, dict)
        console.print(
            f"{service}: account {data['account']!r}, {data['day']} {data['now'][11:19]} "
            f"{SIMULATED_KST} ({data['phase']}), ×{data['speed']}",
            highlight=False,
        )


@app.command("reset")
def reset_command(
    account: str = typer.Option("default", "--account", help="Paper account name."),
    yes: bool = typer.Option(False, "--yes", help="Delete without asking first."),
) -> None:
    """Delete a paper account (ledger, orders and the CLI's journal).

    It starts again at the next `paper serve`. Stop the service first.
    """
    from yeouido.brokers.paper.back_office import check_account
    from yeouido.brokers.paper.broker import account_root

    with reported_errors():
        check_account(account)
        roots = [account_root(account, None, kind) for kind in ("paper", "paper-client")]
        if not yes and not typer.confirm(f"delete paper account {account!r}?"):
            raise typer.Exit(1)
        for root in roots:
            if root.exists():
                shutil.rmtree(root)
        console.print(f"paper account {account!r} deleted")
