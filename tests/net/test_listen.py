"""Local servers on a taken port: PortInUse naming the port and the flag, nothing left running."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web

from yeouido.model.errors import PortInUse
from yeouido.net.listen import check_free, listen


def test_a_taken_port_is_refused_before_and_at_the_bind() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse) as before:
            check_free("127.0.0.1", port, what="test server", option="--port")
        assert before.value.field == "--port" and before.value.value == port
        assert f"test server: port {port} on 127.0.0.1 is already in use" in str(before.value)

        async def bind() -> None:
            await listen(web.Application(), "127.0.0.1", port, what="test server", option="--x")

        with pytest.raises(PortInUse, match="choose another port with --x"):
            asyncio.run(bind())
    check_free("127.0.0.1", port, what="test server")  # free again once it is closed


def test_a_free_or_zero_port_serves_and_reports_the_port_bound() -> None:
    async def serve() -> int:
        runner, port = await listen(web.Application(), "127.0.0.1", 0, what="test server")
        try:
            with pytest.raises(PortInUse):
                check_free("127.0.0.1", port, what="again")
        finally:
            await runner.cleanup()
        return port

    port = asyncio.run(serve())
    assert port > 0
    check_free("127.0.0.1", 0, what="test server")
