"""The KIS sandbox's request log: every /uapi request as received, refused ones included."""

from __future__ import annotations

import asyncio

import aiohttp

from yeouido.sandbox.kis import KisSandbox, SandboxConfig


def test_every_request_is_logged_before_any_check() -> None:
    async def scenario() -> None:
        async with KisSandbox(SandboxConfig(port=0, ws_port=0)) as sandbox:
            assert sandbox.requests() == []
            async with aiohttp.ClientSession() as http:
                url = sandbox.rest_url + "/uapi/domestic-stock/v1/trading/order-cash"
                async with http.post(url, json={}, headers={"tr_id": "TTTC0012U"}) as answer:
                    body = await answer.json(content_type=None)
                    assert body["rt_cd"] != "0"  # no token: refused
                price = sandbox.rest_url + "/uapi/domestic-stock/v1/quotations/inquire-price"
                async with http.get(price) as answer:
                    await answer.read()
            [order] = sandbox.requests("order-cash")
            assert (order.method, order.tr_id, order.endpoint) == (
                "POST",
                "TTTC0012U",
                "order-cash",
            )
            assert [r.endpoint for r in sandbox.requests()] == ["order-cash", "inquire-price"]

    asyncio.run(scenario())
