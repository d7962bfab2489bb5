"""Against a sandbox on loopback the adapter runs its session checks on the sandbox's clock."""

from __future__ import annotations

import asyncio
from datetime import time
from pathlib import Path

import pytest

from yeouido.brokers.kis.broker import KisBroker
from yeouido.brokers.kis.venue_clock import is_loopback_url
from yeouido.brokers.registry import connect_async
from yeouido.model.enums import OrderStatus

from .conftest import broker_options, sandbox_running


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:9443", True),
        ("http://127.8.0.3:9443", True),
        ("http://localhost:9443", True),
        ("http://[::1]:9443", True),
        ("https://openapi.koreainvestment.com:9443", False),
        ("https://openapivts.koreainvestment.com:29443", False),
        ("http://192.168.0.10:9443", False),
    ],
)
def test_only_loopback_urls_are_asked_for_a_sandbox_clock(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


def test_the_adapter_takes_the_sandboxs_simulated_time_without_being_told(
    tmp_path: Path,
) -> None:
    async def main() -> None:
        async with sandbox_running("mock", start=time(10, 0)) as sandbox:
            options = broker_options(sandbox, tmp_path)
            del options["clock"]  # as a user connects: no clock given
            broker = await connect_async("kis", **options)
            assert isinstance(broker, KisBroker)
            try:
                market = sandbox.account.office.market
                gap = abs((broker._clock() - market.now).total_seconds())
                assert gap < 5, (broker._clock(), market.now)
                quote = await broker.quote("005930")
                assert quote.bid is not None
                order = await broker.buy("005930", 1, price=quote.bid)
                await asyncio.sleep(0.2)
                assert (await broker.order(order.order_id)).status is not OrderStatus.REJECTED
            finally:
                await broker.close()

    asyncio.run(main())
