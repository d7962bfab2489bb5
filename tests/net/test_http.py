"""The resilient HTTP session against a real loopback server."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from aiohttp import web

from yeouido.model.errors import CircuitOpen, ConnectionFailed, RateLimited
from yeouido.net.circuit import CircuitBreaker, CircuitState
from yeouido.net.http import ResilientSession
from yeouido.net.ratelimit import RateBudget
from yeouido.net.retry import RetryPolicy


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


def _session(url: str, threshold: int = 2, **options: Any) -> ResilientSession:
    return ResilientSession(
        "test venue",
        url,
        budget=RateBudget("test", None),
        circuit=CircuitBreaker("test venue", failure_threshold=threshold, reset_timeout=60),
        timeout=2.0,
        **options,
    )


def test_answers_parse_json_and_headers_and_count_requests() -> None:
    async def main() -> None:
        async def echo(request: web.Request) -> web.Response:
            body = await request.json() if request.can_read_body else None
            return web.json_response(
                {"query": dict(request.query), "body": body, "tr": request.headers.get("tr_id")},
                headers={"TR_CONT": "M"},
            )

        app = web.Application()
        app.router.add_route("*", "/echo", echo)
        runner, url = await _serve(app)
        http = _session(url)
        try:
            answer = await http.send("GET", "/echo", params={"a": "1"}, headers={"tr_id": "X1"})
            assert answer.status == 200 and answer.headers["tr_cont"] == "M"
            assert answer.data == {"query": {"a": "1"}, "body": None, "tr": "X1"}
            answer = await http.send("POST", "/echo", body={"k": 2})
            assert answer.data["body"] == {"k": 2}
            assert http.requests == 2
        finally:
            await http.close()
            await runner.cleanup()

    asyncio.run(main())


def test_bare_5xx_opens_the_breaker_but_the_venues_own_envelope_does_not() -> None:
    async def main() -> None:
        async def bare(request: web.Request) -> web.Response:
            return web.Response(status=502, text="bad gateway")

        async def envelope(request: web.Request) -> web.Response:
            return web.json_response({"rt_cd": "1", "msg_cd": "EGW00201"}, status=500)

        app = web.Application()
        app.router.add_get("/bare", bare)
        app.router.add_get("/envelope", envelope)
        runner, url = await _serve(app)
        http = _session(url, is_envelope=lambda data: isinstance(data, dict) and "msg_cd" in data)
        try:
            for _ in range(3):
                answer = await http.send("GET", "/envelope")
                assert answer.status == 500 and answer.data["msg_cd"] == "EGW00201"
            assert http.circuit.state is CircuitState.CLOSED
            for _ in range(2):
                assert (await http.send("GET", "/bare")).data is None
            assert http.circuit.state is CircuitState.OPEN
            with pytest.raises(CircuitOpen, match="test venue"):
                await http.send("GET", "/envelope")
        finally:
            await http.close()
            await runner.cleanup()

    asyncio.run(main())


def test_a_refused_connection_is_connection_failed_without_headers_or_query() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def main() -> None:
        http = _session(f"http://127.0.0.1:{port}")
        try:
            with pytest.raises(ConnectionFailed) as caught:
                await http.send(
                    "GET", "/x", params={"secret": "hunter2"}, headers={"appkey": "hunter2"}
                )
            assert "hunter2" not in str(caught.value)
            assert "test venue: GET /x failed" in str(caught.value)
            assert http.circuit.failures == 1
        finally:
            await http.close()

    asyncio.run(main())


def test_retrying_retries_what_the_classifier_accepts_and_nothing_else() -> None:
    async def main() -> None:
        waits: list[float] = []

        async def sleep(seconds: float) -> None:
            waits.append(seconds)

        http = _session("http://127.0.0.1:9", sleep=sleep)
        calls = 0

        async def flaky() -> str:
            nonlocal calls
            calls += 1
            if calls < 3:
                raise RateLimited("busy")
            return "ok"

        policy = RetryPolicy(attempts=4, base=1, cap=4)
        assert await http.retrying(flaky, policy, lambda e: isinstance(e, RateLimited), "q") == "ok"
        assert calls == 3 and len(waits) == 2 and all(w > 0 for w in waits)

        async def refused() -> str:
            raise ValueError("not transient")

        with pytest.raises(ValueError):
            await http.retrying(refused, policy, lambda e: isinstance(e, RateLimited), "q")
        assert len(waits) == 2
        await http.close()

    asyncio.run(main())
