"""The order manager's fill log: each fill once, at a place every reader of the journal
agrees on (what the live runtime follows across reconnects instead of remembering trade
ids)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from tests.oms.harness import run, start
from tests.oms.stubs import buy
from yeouido.oms.manager import OrderEvent, OrderFilled


def test_fills_get_places_that_survive_a_restart_even_when_a_late_fill_is_older(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        events: list[OrderEvent] = []
        h.manager.subscribe(events.append)
        order = await h.manager.submit(buy(10))
        h.clock.time += timedelta(minutes=5)
        first = await h.client.fill(order.order_id, 4)
        # a fill recovered later (a catch-up) that happened before the first one
        late = replace(first, trade_id="LATE-1", quantity=1, time=first.time - timedelta(minutes=3))
        await h.client.push_fill(late)
        await h.client.push_fill(first)  # delivered again: no new place
        places = [(e.sequence, e.fill.trade_id) for e in events if isinstance(e, OrderFilled)]
        assert places == [(1, first.trade_id), (2, "LATE-1")]
        assert h.manager.fill_count == 2

        h2 = await h.restart()
        assert h2.manager.fill_count == 2
        assert h2.manager.fills_since(0) == [(1, first), (2, late)]
        assert h2.manager.fills_since(1) == [(2, late)]
        assert h2.manager.fills_since(2) == []
        later: list[OrderEvent] = []
        h2.manager.subscribe(later.append)
        third = await h2.client.fill(order.order_id, 2)
        assert [(e.sequence, e.fill) for e in later if isinstance(e, OrderFilled)] == [(3, third)]

    run(scenario())
