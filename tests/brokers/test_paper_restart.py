"""A paper market killed between booking a fill in the ledger and saving the order: the next
market takes the ledger's fills as the truth when it settles the orders left open."""

from __future__ import annotations

import asyncio
from pathlib import Path

from yeouido.brokers.paper.back_office import PaperBackOffice, PaperOptions
from yeouido.model import OrderRequest, OrderStatus


def test_a_fill_booked_but_not_saved_on_the_order_is_restored_on_restart(tmp_path: Path) -> None:
    options = PaperOptions.create(speed=None, seed=4, codes=["005930"])

    async def first() -> str:
        office = PaperBackOffice(tmp_path, "default", options)
        quote = office.quote("005930")
        assert quote.ask is not None
        request = OrderRequest.create("005930", "buy", 2, quote.ask)
        answer = await office.client.send_order("ORDER-1", request)
        assert answer.status is OrderStatus.FILLED
        # What a kill between the ledger's commit and the order store's save leaves behind.
        order = office.store.get("ORDER-1")
        assert order is not None
        order.filled_quantity, order.open_quantity = 0, 2
        order.status = OrderStatus.ACCEPTED
        office.store.save(order)
        await office.close()
        return order.client_order_id

    async def second(order_id: str) -> None:
        office = PaperBackOffice(tmp_path, "default", options)
        try:
            order = office.store.get(order_id)
            assert order is not None
            assert (order.status, order.filled_quantity, order.open_quantity) == (
                OrderStatus.FILLED,
                2,
                0,
            )
            assert sum(fill.quantity for fill in office.fills()) == 2
        finally:
            await office.close()

    asyncio.run(second(asyncio.run(first())))
