"""The venues every broker adapter is tested against, started the same way for each.

A :class:`VenueUnderTest` holds a connected :class:`~yeouido.brokers.base.AsyncBroker` on a
loop thread, and what only the venue side can tell: how many orders it received (to prove
that a refused order never left the process), the secrets that must never be logged, and
how to cut the connection.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tests.paper_service import free_port
from yeouido.brokers.base import AsyncBroker
from yeouido.brokers.kis.broker import KisBroker
from yeouido.brokers.oms_broker import OmsBroker
from yeouido.brokers.paper.back_office import PaperBackOffice, PaperOptions
from yeouido.brokers.paper.broker import PaperBroker
from yeouido.brokers.paper.service import PaperService
from yeouido.brokers.registry import connect_async
from yeouido.brokers.sync import LoopThread
from yeouido.net.ratelimit import reset_rate_budgets
from yeouido.sandbox.kis.config import SandboxConfig
from yeouido.sandbox.kis.server import KisSandbox

T = TypeVar("T")

VENUES = ("paper", "paper-service", "kis-sandbox")
"""Every adapter (and way of reaching it) the suite runs against."""
SPEED = 20.0
"""Simulated seconds per second: the markets move by themselves, fast enough to fill."""
SEED = 7


@dataclass
class VenueUnderTest:
    """A connected broker and the venue behind it."""

    kind: str
    loop: LoopThread
    broker: OmsBroker
    received_orders: Callable[[], int]
    """How many new orders the venue has received (accepted or not)."""
    received_changes: Callable[[], int]
    """How many modify and cancel requests the venue has received."""
    secrets: list[str] = field(default_factory=list)
    """Credentials and tokens that must never appear in a log line."""
    drop_connection: Callable[[], Awaitable[None]] | None = None
    """Cut the broker's streaming connection abruptly (``None``: no such connection)."""
    _closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run ``coroutine`` on the venue's loop."""
        return self.loop.run(coroutine, timeout)

    def close(self) -> None:
        """Disconnect the broker and stop the venue."""
        try:
            for closer in reversed(self._closers):
                self.loop.run(closer(), 30)
        finally:
            self.loop.stop()


def open_venue(kind: str, root: Path, **options: Any) -> VenueUnderTest:
    """Start the venue ``kind`` (one of :data:`VENUES`) with its data under ``root``;
    ``options`` go to ``connect`` (e.g. ``risk=``)."""
    loop = LoopThread()
    try:
        return loop.run(_OPENERS[kind](loop, root, **options), 120)
    except BaseException:
        loop.stop()
        raise


async def _paper(loop: LoopThread, root: Path, **options: Any) -> VenueUnderTest:
    broker = await connect_async(
        "paper", data_dir=root / "paper", speed=SPEED, seed=SEED, **options
    )
    assert isinstance(broker, PaperBroker) and broker.office is not None
    store = broker.office.store
    venue = VenueUnderTest(
        "paper",
        loop,
        broker,
        lambda: len(store.all_orders()),
        _count_changes(broker.office.client),
    )
    venue._closers.append(broker.close)
    return venue


async def _paper_service(loop: LoopThread, root: Path, **options: Any) -> VenueUnderTest:
    office = PaperBackOffice(
        root / "service", "conformance", PaperOptions.create(speed=SPEED, seed=SEED, reset=True)
    )
    service = PaperService(office)
    port = free_port()
    runner = await service.start("127.0.0.1", port)

    async def stop_service() -> None:
        await runner.cleanup()
        await office.close()

    try:
        broker = await connect_async(
            "paper", service=f"http://127.0.0.1:{port}", data_dir=root / "client", **options
        )
    except BaseException:
        await stop_service()
        raise
    assert isinstance(broker, OmsBroker)
    venue = VenueUnderTest(
        "paper-service",
        loop,
        broker,
        lambda: len(office.store.all_orders()),
        _count_changes(office.client),
    )
    venue._closers += [stop_service, broker.close]
    venue.drop_connection = service.drop_connections  # the client reconnects and resumes
    return venue


async def _kis_sandbox(loop: LoopThread, root: Path, **options: Any) -> VenueUnderTest:
    reset_rate_budgets()
    sandbox = KisSandbox(
        SandboxConfig(env="real", port=0, ws_port=0, speed=SPEED, seed=SEED, rate_limit=10**6),
        root / "sandbox",
    )
    await sandbox.start()
    credentials = sandbox.credentials
    market = sandbox.account.office.market
    try:
        broker = await connect_async(
            "kis",
            env=credentials.env,
            app_key=credentials.app_key,
            app_secret=credentials.app_secret,
            account=credentials.account,
            hts_id=credentials.hts_id,
            base_url=sandbox.rest_url,
            ws_url=sandbox.ws_url,
            data_dir=root / "kis",
            token_cache=root / "tokens",
            rate=None,
            clock=lambda: market.now,
            **options,
        )
    except BaseException:
        await sandbox.stop()
        raise
    assert isinstance(broker, KisBroker) and broker.rest is not None
    token = (await broker.rest.auth.token()).reveal()
    venue = VenueUnderTest(
        "kis-sandbox",
        loop,
        broker,
        lambda: len(sandbox.requests("order-cash")),
        lambda: len(sandbox.requests("order-rvsecncl")),
        secrets=[
            credentials.app_key,
            credentials.app_secret,
            credentials.cano,
            credentials.hts_id,
            token,
        ],
        drop_connection=sandbox.drop_websockets,
    )
    venue._closers += [sandbox.stop, broker.close]
    return venue


def _count_changes(client: Any) -> Callable[[], int]:
    """Count the modify and cancel requests that reach a paper execution client (the venue
    side of the paper broker), by wrapping its two entry points."""
    received = [0]
    for name in ("send_modify", "send_cancel"):
        original = getattr(client, name)

        async def counted(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            received[0] += 1
            return await _original(*args, **kwargs)

        setattr(client, name, counted)
    return lambda: received[0]


_OPENERS: dict[str, Callable[..., Awaitable[VenueUnderTest]]] = {
    "paper": _paper,
    "paper-service": _paper_service,
    "kis-sandbox": _kis_sandbox,
}


async def eventually(check: Callable[[], bool], timeout: float = 15.0, what: str = "") -> None:
    """Wait until ``check()`` holds (the markets move by themselves)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout} s: {what or check}")
        await asyncio.sleep(0.02)


__all__ = ["VENUES", "AsyncBroker", "VenueUnderTest", "eventually", "open_venue"]
