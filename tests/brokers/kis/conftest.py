"""Fixtures of the KIS adapter tests: an in-process KIS sandbox on loopback and a broker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from yeouido.brokers.kis.broker import KisBroker
from yeouido.brokers.registry import connect_async
from yeouido.net.ratelimit import reset_rate_budgets
from yeouido.sandbox.kis.config import SandboxConfig
from yeouido.sandbox.kis.server import KisSandbox


def broker_options(sandbox: KisSandbox, tmp_path: Path, **extra: Any) -> dict[str, Any]:
    """``connect("kis", ...)`` options for the sandbox's demo credentials."""
    credentials = sandbox.credentials
    return {
        "env": credentials.env,
        "app_key": credentials.app_key,
        "app_secret": credentials.app_secret,
        "account": credentials.account,
        "hts_id": credentials.hts_id,
        "base_url": sandbox.rest_url,
        "ws_url": sandbox.ws_url,
        "data_dir": tmp_path / "data",
        "token_cache": tmp_path / "tokens",
        "clock": sandbox_clock(sandbox),
        **extra,
    }


def sandbox_clock(sandbox: KisSandbox) -> Callable[[], datetime]:
    """The sandbox's simulated market time: the KRX session checks run on it."""
    market = sandbox.account.office.market
    return lambda: market.now


@asynccontextmanager
async def sandbox_running(env: str = "real", **config: Any) -> AsyncIterator[KisSandbox]:
    """A started sandbox (free loopback ports)."""
    reset_rate_budgets()
    sandbox = KisSandbox(SandboxConfig(env=env, port=0, ws_port=0, **config))  # type: ignore[arg-type]
    await sandbox.start()
    try:
        yield sandbox
    finally:
        await sandbox.stop()


@asynccontextmanager
async def kis_session(
    tmp_path: Path, env: str = "real", broker: dict[str, Any] | None = None, **config: Any
) -> AsyncIterator[tuple[KisSandbox, KisBroker]]:
    """A sandbox and a connected KIS broker on it."""
    async with sandbox_running(env, **config) as sandbox:
        connected = await connect_async(
            "kis", **broker_options(sandbox, tmp_path, **(broker or {}))
        )
        assert isinstance(connected, KisBroker)
        try:
            yield sandbox, connected
        finally:
            await connected.close()


async def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``check()`` is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
