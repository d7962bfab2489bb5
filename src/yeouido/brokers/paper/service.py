"""``yeouido paper serve``: the paper market and account as a local service.

A CLI call is a short process, so the simulated market must outlive it: this service runs one
:class:`~yeouido.brokers.paper.back_office.PaperBackOffice` behind the venue service protocol
(:mod:`yeouido.brokers.remote`, ``docs/venue-protocol.md``): one websocket per client at
``ws://HOST:PORT/venue`` carries requests, answers and the account's numbered events.
Clients (``yeouido.connect("paper", service=True)``, the CLI) keep their own order manager and
journal and talk to the service as to a broker's API.

``yeouido paper serve`` listens on loopback only; ``yeouido serve paper --listen HOST:PORT``
serves the same thing elsewhere, with a token and TLS.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable

from aiohttp import web

from yeouido.brokers.paper.back_office import PaperBackOffice
from yeouido.brokers.paper.venue import PaperVenue
from yeouido.brokers.remote.security import is_loopback
from yeouido.brokers.remote.server import VenueServer
from yeouido.model.errors import InvalidInput


def require_loopback(host: str) -> str:
    """Refuse any address that is not loopback (this command has no authentication)."""
    if not is_loopback(host):
        raise InvalidInput.for_field(
            "host",
            host,
            "the paper service listens on loopback only (127.0.0.1, ::1, localhost); "
            "use `yeouido serve paper --listen HOST:PORT` with a token and TLS elsewhere",
        )
    return host


class PaperService(VenueServer):
    """The venue server of one paper back office."""

    def __init__(
        self,
        office: PaperBackOffice,
        *,
        token: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        require_auth: bool = False,
    ) -> None:
        self.office = office
        super().__init__(
            PaperVenue(office), token=token, ssl_context=ssl_context, require_auth=require_auth
        )


async def serve(
    office: PaperBackOffice,
    host: str,
    port: int,
    ready: Callable[[str], None],
    *,
    token: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Run the service until cancelled (Ctrl-C); the office is closed however it ends (a
    taken port raises :class:`~yeouido.model.errors.PortInUse`)."""
    service = PaperService(office, token=token, ssl_context=ssl_context)
    try:
        runner = await service.start(host, port, what="paper service", option="--port")
    except BaseException:
        await office.close()
        raise
    await run_until_cancelled(service, runner, ready)


async def run_until_cancelled(
    server: VenueServer, runner: web.AppRunner, ready: Callable[[str], None]
) -> None:
    """Announce ``server``'s address, wait for cancellation, then stop it and its venue."""
    ready(server.url)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await server.venue.close()
