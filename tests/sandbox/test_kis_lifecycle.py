"""The KIS sandbox's start and stop: a port taken between construction and start is refused
with PortInUse, and the sandbox's temporary directory is removed whatever happens."""

from __future__ import annotations

import asyncio
import socket

import pytest

from yeouido.model.errors import PortInUse
from yeouido.sandbox.kis.config import SandboxConfig
from yeouido.sandbox.kis.server import KisSandbox


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_port_taken_before_start_is_refused_and_cleaned_up() -> None:
    port = free_port()
    sandbox = KisSandbox(SandboxConfig(port=0, ws_port=port, codes=("005930",)))
    assert sandbox.root.exists()
    with socket.socket() as taken:  # someone takes the websocket port in between
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with pytest.raises(PortInUse, match=f"websocket: port {port} .* --ws-port"):
            asyncio.run(sandbox.start())
    assert not sandbox.root.exists()
    asyncio.run(sandbox.stop())  # a second stop is harmless


def test_a_taken_port_is_refused_before_anything_is_built() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse, match=f"REST: port {port} .* --port"):
            KisSandbox(SandboxConfig(port=port, ws_port=0))


def test_stop_removes_the_temporary_directory() -> None:
    async def cycle() -> KisSandbox:
        async with KisSandbox(SandboxConfig(port=0, ws_port=0, codes=("005930",))) as sandbox:
            assert sandbox.root.exists() and sandbox.config.env == "mock"
        return sandbox

    assert not asyncio.run(cycle()).root.exists()
