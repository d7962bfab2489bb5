"""The reconnecting websocket against a real loopback server that drops it."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from yeouido.net.retry import RetryPolicy
from yeouido.net.websocket import ReconnectingWebSocket


def test_reconnects_after_a_drop_and_calls_the_hooks_again() -> None:
    async def main() -> None:
        received: list[str] = []
        server_sockets: list[web.WebSocketResponse] = []

        async def handler(request: web.Request) -> web.WebSocketResponse:
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            server_sockets.append(ws)
            async for message in ws:
                if message.type is aiohttp.WSMsgType.TEXT:
                    received.append(message.data)
                    await ws.send_str(f"echo {message.data}")
            return ws

        app = web.Application()
        app.router.add_get("/ws", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        session = aiohttp.ClientSession()
        texts: list[str] = []
        events: list[str] = []

        async def on_text(_: aiohttp.ClientWebSocketResponse, text: str) -> None:
            texts.append(text)

        async def prepare() -> None:
            events.append("prepare")

        async def on_connected() -> None:
            events.append("connected")
            await socket.send_text("subscribe")

        async def on_reconnect() -> None:
            events.append("reconnect")

        socket = ReconnectingWebSocket(
            "test",
            f"ws://127.0.0.1:{port}/ws",
            lambda: session,
            on_text=on_text,
            backoff=RetryPolicy(base=0.01, cap=0.05, floor=0.01),
            prepare=prepare,
            on_connected=on_connected,
            on_reconnect=on_reconnect,
        )
        try:
            await socket.start()
            assert socket.connected and socket.connects == 1
            assert await socket.send_text("hello")
            for _ in range(100):
                if "echo hello" in texts:
                    break
                await asyncio.sleep(0.01)
            await server_sockets[-1].close()  # the server drops the connection
            for _ in range(200):
                if socket.connects == 2 and "reconnect" in events:
                    break
                await asyncio.sleep(0.01)
            assert socket.connects == 2
            assert events == ["prepare", "connected", "prepare", "connected", "reconnect"]
            for _ in range(100):
                if received.count("subscribe") == 2:
                    break
                await asyncio.sleep(0.01)
            assert received.count("subscribe") == 2  # state sent again after the reconnect
        finally:
            await socket.close()
            assert not socket.connected
            assert not await socket.send_text("after close")
            await session.close()
            await runner.cleanup()

    asyncio.run(main())
