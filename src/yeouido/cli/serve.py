"""``yeouido serve BROKER``: a broker's market data and account behind the venue protocol.

Clients attach with ``yeouido.connect("remote", url=..., token=...)`` or
``yeouido.connect(BROKER, bridge=URL, token=...)`` and keep the order manager and journal in
their own process (``docs/venue-protocol.md``). Loopback by default; any other address needs
a token and TLS (a self-signed certificate made on first run, pinned by its fingerprint).
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import typer

from yeouido.cli.output import console, reported_errors

SERVABLE = ("paper",)


def serve(
    broker: str = typer.Argument(
        ..., metavar="BROKER", help=f"The broker to serve ({', '.join(SERVABLE)})."
    ),
    listen: str = typer.Option(
        "127.0.0.1:8765", "--listen", help="HOST:PORT; a non-loopback host needs a token + TLS."
    ),
    token_file: Path | None = typer.Option(
        None,
        "--token-file",
        help="File (mode 0600) holding the token; default $YEOUIDO_VENUE_TOKEN or "
        "<config>/venue/venue-token.",
    ),
    new_token: bool = typer.Option(
        False, "--new-token", help="Write a fresh random token to the token file first."
    ),
    tls: bool | None = typer.Option(
        None, "--tls/--no-tls", help="TLS with a self-signed certificate (default: off loopback)."
    ),
    require_auth: bool = typer.Option(
        False, "--require-auth", help="Demand the token and TLS even on loopback."
    ),
    cert_dir: Path | None = typer.Option(
        None, "--cert-dir", help="Where the certificate lives (default <config>/venue/tls)."
    ),
    account: str = typer.Option("default", "--account", help="paper: account name."),
    cash: int = typer.Option(100_000_000, "--cash", help="paper: starting cash (KRW)."),
    speed: float = typer.Option(1.0, "--speed", help="paper: simulated seconds per second."),
    seed: int = typer.Option(0, "--seed", help="paper: seed of the simulated market."),
    market_data: Path | None = typer.Option(
        None, "--market-data", help="paper: directory of daily-bar CSVs for base prices."
    ),
    reset: bool = typer.Option(False, "--reset", help="paper: start the account again."),
) -> None:
    """Serve a broker to clients over the venue protocol.

    BROKER's market data and account stay in this process until Ctrl-C; clients keep
    their order manager and journal (docs/venue-protocol.md)."""
    from yeouido.brokers.remote import security
    from yeouido.model.errors import InvalidInput
    from yeouido.net.listen import check_free

    with reported_errors():
        name = broker.lower()
        if name not in SERVABLE:
            raise InvalidInput.for_field("broker", broker, f"servable: {', '.join(SERVABLE)}")
        host, port = security.parse_listen(listen)
        secure = tls if tls is not None else (require_auth or not security.is_loopback(host))
        if require_auth and not secure:
            raise InvalidInput.for_field("tls", False, "--require-auth needs TLS")
        if new_token:
            written = security.new_token(token_file)
            console.print(f"wrote a new token to {written} (mode 0600); copy it to the clients")
            token_file = written
        token = security.read_token(token_file)
        if require_auth and token is None:
            raise InvalidInput.for_field(
                "token", None, f"--require-auth needs a token ({security.TOKEN_ENV} or a file)"
            )
        security.check_listen_policy(host, token, secure)
        check_free(host, port, what="venue server", option="--listen")
        certificate = security.ensure_certificate(cert_dir, (host,)) if secure else None

        async def main() -> None:
            from yeouido.brokers.paper.back_office import PaperBackOffice, PaperOptions
            from yeouido.brokers.paper.broker import account_root
            from yeouido.brokers.paper.service import PaperService, run_until_cancelled

            options = PaperOptions.create(
                cash=cash, speed=speed, seed=seed, market_data=market_data, reset=reset
            )
            office = PaperBackOffice(account_root(account, None, "paper"), account, options)
            server = PaperService(
                office,
                token=token,
                ssl_context=None if certificate is None else certificate.server_context(),
                require_auth=require_auth,
            )
            try:
                runner = await server.start(host, port)
            except BaseException:
                await office.close()
                raise
            console.print(
                f"serving {name} (account {account!r}) with protocol version 1; "
                f"token {'required' if token else 'not required (loopback)'}"
            )
            if certificate is not None:
                # Plain output: no wrapping, and rich would turn ":CD:" into an emoji.
                typer.echo(f"certificate SHA-256 fingerprint: {certificate.fingerprint}")
            await run_until_cancelled(
                server, runner, lambda url: console.print(f"listening on {url}")
            )

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main())
