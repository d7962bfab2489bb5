"""The order manager owns KIS order state: the execution client keeps only KIS's order
numbers and reads the rest from the order manager, and the journal is read once."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.orders import resting_buy_price
from yeouido.brokers.kis.broker import KisBroker
from yeouido.brokers.kis.execution import KisOrderRef
from yeouido.brokers.registry import connect_async
from yeouido.model.enums import OrderStatus
from yeouido.oms.journal import Journal, JournalState

from .conftest import broker_options, eventually, sandbox_running

CODE = "005930"


def test_the_client_keeps_order_numbers_only_and_the_journal_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str | None] = []
    load = Journal.load

    def counted(self: Journal, broker: str | None = None) -> JournalState:
        reads.append(broker)
        return load(self, broker)

    monkeypatch.setattr(Journal, "load", counted)

    async def connect(options: dict[str, Any]) -> KisBroker:
        broker = await connect_async("kis", **options)
        assert isinstance(broker, KisBroker)
        return broker

    async def scenario() -> None:
        async with sandbox_running() as sandbox:
            options = broker_options(sandbox, tmp_path)
            broker = await connect(options)
            assert reads == ["kis"]
            try:
                quote = await broker.quote(CODE)
                assert quote.ask is not None
                filled = await broker.buy(CODE, 3, price=quote.ask)
                resting = await broker.buy(CODE, 2, price=await resting_buy_price(broker))
                await eventually(lambda: filled.status is OrderStatus.FILLED)
                assert {f.name for f in dataclasses.fields(KisOrderRef)} == {
                    "client_order_id", "odno", "orgno", "division", "price", "odnos",
                }  # fmt: skip
                ref = broker.client.refs[filled.order_id]
                assert ref.odno == filled.venue_order_id and ref.odno in ref.odnos
                assert not hasattr(broker.client, "orders")
            finally:
                await broker.close()

            reads.clear()
            again = await connect(options)
            try:
                assert reads == ["kis"]  # the order manager's start, nothing else
                assert again.report is not None and not again.report.fills_applied
                # the map is rebuilt from the order manager's orders; a cancel takes the
                # order's facts from there
                assert again.client.refs[resting.order_id].odno == resting.venue_order_id
                canceled = await again.cancel(resting.order_id)
                await eventually(lambda: canceled.status is OrderStatus.CANCELED)
                fills = [f for f in await again.fills() if f.order_id == filled.order_id]
                assert sum(f.quantity for f in fills) == 3
            finally:
                await again.close()

    asyncio.run(scenario())
