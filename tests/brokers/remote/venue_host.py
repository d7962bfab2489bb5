"""A paper venue server in this process (its own event loop thread), moved by the test."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiohttp import web

from yeouido.brokers.paper.back_office import PaperBackOffice, PaperOptions
from yeouido.brokers.paper.service import PaperService
from yeouido.brokers.sync import LoopThread

SAMSUNG = "005930"
TOKEN = "a-test-token-of-enough-length"


class VenueHost:
    """``PaperService`` on 127.0.0.1 (a free port); the market moves only by :meth:`advance`."""

    def __init__(
        self,
        root: Path,
        *,
        token: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        require_auth: bool = False,
        replay_limit: int | None = None,
        speed: float | None = None,
    ) -> None:
        self.loop = LoopThread()
        self.root = root
        self.options: dict[str, Any] = {
            "token": token,
            "ssl_context": ssl_context,
            "require_auth": require_auth,
        }
        self.replay_limit = replay_limit
        self.speed = speed
        self.server: PaperService | None = None
        self.runner: web.AppRunner | None = None

    def start(self, port: int = 0) -> str:
        async def start() -> tuple[PaperService, web.AppRunner]:
            options = PaperOptions.create(speed=self.speed, seed=4, codes=[SAMSUNG, "000660"])
            office = PaperBackOffice(self.root, "default", options)
            server = PaperService(office, **self.options)
            if self.replay_limit is not None:
                server.events = type(server.events)(maxlen=self.replay_limit)
            runner = await server.start("127.0.0.1", port)
            return server, runner

        self.server, self.runner = self.loop.run(start())
        return self.server.url

    @property
    def office(self) -> PaperBackOffice:
        assert self.server is not None
        return self.server.office

    def call(self, function: Any) -> Any:
        """Run a plain function on the server's loop thread."""

        async def run() -> Any:
            return function()

        return self.loop.run(run())

    def advance(self, seconds: float) -> None:
        """Move the simulated market and deliver what it pushed."""

        async def advance() -> None:
            self.office.market.advance(seconds)
            await self.office.client.drain()

        self.loop.run(advance())

    def drop_connections(self) -> None:
        assert self.server is not None
        self.loop.run(self.server.drop_connections())

    def stop(self) -> None:
        if self.server is None or self.runner is None:
            return
        server, runner = self.server, self.runner
        self.server = self.runner = None

        async def stop() -> None:
            await runner.cleanup()
            await server.venue.close()

        self.loop.run(stop())

    def close(self) -> None:
        self.stop()
        self.loop.stop()


@contextmanager
def venue_host(root: Path, **options: Any) -> Iterator[VenueHost]:
    host = VenueHost(root, **options)
    try:
        host.start()
        yield host
    finally:
        host.close()
