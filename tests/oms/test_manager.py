"""The order manager over the stub venue: submit, modify, cancel, fills, events, restart."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.oms.harness import run, start
from tests.oms.stubs import CODE, buy, sell
from yeouido.model import (
    InvalidPrice,
    InvalidTransition,
    OrderDenied,
    OrderNotFound,
    OrderNotOpen,
    OrderRejected,
    OrderStatus,
    Position,
)
from yeouido.oms import (
    OrderEvent,
    OrderFilled,
    OrderStatusChanged,
    RiskLimits,
    RiskManager,
    TradingState,
    parse_client_order_id,
)

S = OrderStatus


def test_submit_assigns_an_id_journals_and_applies_the_acknowledgement(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        order = await h.manager.submit(buy(10))
        assert order.status is S.ACCEPTED
        assert order.venue_order_id == "V000001"
        assert parse_client_order_id(order.order_id).counter == 1
        assert order.request.client_order_id == order.order_id
        stored = h.journal.get_order(order.order_id)
        assert stored is not None and stored.status is S.ACCEPTED
        assert [event.kind for event in h.journal.events(order.order_id)] == ["intent", "ack"]

    run(scenario())


def test_intent_is_journaled_before_send_order_is_called(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        await h.manager.submit(buy(10))
        await h.manager.submit(sell(1, 71_000))
        assert h.client.journal_status_at_send == [S.SUBMITTED, S.SUBMITTED]

    run(scenario())


def test_fill_delivered_twice_is_applied_once(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        order = await h.manager.submit(buy(10))
        fill = await h.client.fill(order.order_id, 4)
        await h.client.push_fill(fill)
        assert order.filled_quantity == 4
        assert order.status is S.PARTIALLY_FILLED
        assert len(h.manager.fills()) == 1
        assert len(h.journal.fills()) == 1
        position = h.manager.position(CODE)
        assert position is not None and position.quantity == 4

    run(scenario())


def test_fill_pushed_before_the_acknowledgement_is_kept(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        h.client.behaviour.fill_on_send = [3]
        order = await h.manager.submit(buy(10))
        assert order.status is S.PARTIALLY_FILLED
        assert order.filled_quantity == 3
        assert order.venue_order_id == "V000001"
        h.client.behaviour.fill_on_send = [10]
        filled = await h.manager.submit(buy(10, 69_900))
        assert filled.status is S.FILLED

    run(scenario())


def test_venue_rejection_marks_the_order_rejected_and_reraises(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        h.client.behaviour.reject_with = InvalidPrice.for_field("price", 70_050, "off tick")
        with pytest.raises(InvalidPrice):
            await h.manager.submit(buy(10))
        (order,) = h.manager.orders()
        assert order.status is S.REJECTED
        assert "off tick" in (order.reason or "")
        stored = h.journal.get_order(order.order_id)
        assert stored is not None and stored.status is S.REJECTED

    run(scenario())


def test_rejected_acknowledgement_raises_order_rejected(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        h.client.behaviour.ack_status = S.REJECTED
        h.client.behaviour.ack_reason = "insufficient buying power"
        with pytest.raises(OrderRejected, match="insufficient buying power"):
            await h.manager.submit(buy(10))
        assert h.manager.orders()[0].status is S.REJECTED

    run(scenario())


@pytest.mark.parametrize("placed", [True, False], ids=["placed", "never_placed"])
def test_connection_failure_leaves_the_order_submitted(tmp_path: Path, placed: bool) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        h.client.behaviour.fail_after_placing = placed
        h.client.behaviour.fail_before_placing = not placed
        order = await h.manager.submit(buy(10))
        assert order.status is S.SUBMITTED
        assert h.manager.in_flight() == [order]
        assert h.journal.events(order.order_id)[-1].kind == "send_unknown"

    run(scenario())


def test_pushed_update_settles_an_in_flight_order(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        h.client.behaviour.fail_after_placing = True
        order = await h.manager.submit(buy(10))
        await h.client.push_update(order.order_id, S.ACCEPTED)
        assert order.status is S.ACCEPTED
        assert order.venue_order_id == "V000001"

    run(scenario())


def test_denied_order_is_journaled_as_denied_and_raises(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path, risk=RiskManager(RiskLimits(max_order_value=100_000)))
        with pytest.raises(OrderDenied) as caught:
            await h.manager.submit(buy(10))
        assert caught.value.code == "RISK_MAX_ORDER_VALUE"
        (order,) = h.manager.orders()
        assert order.status is S.DENIED
        assert h.client.sent == []
        stored = h.journal.get_order(order.order_id)
        assert stored is not None and stored.status is S.DENIED
        assert "max" not in (stored.reason or "") or "100000" in (stored.reason or "")

    run(scenario())


def test_krx_rule_violation_is_denied_before_sending(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path, risk=RiskManager())
        with pytest.raises(InvalidPrice):
            await h.manager.submit(buy(10, 70_050))
        assert h.manager.orders()[0].status is S.DENIED
        assert h.client.sent == []

    run(scenario())


def test_halted_kill_switch_denies_every_order(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        h.manager.trading_state = TradingState.HALTED
        with pytest.raises(OrderDenied) as caught:
            await h.manager.submit(sell(1))
        assert caught.value.code == "RISK_HALTED"

    run(scenario())


def test_reducing_kill_switch_lets_only_reducing_sells_through(tmp_path: Path) -> None:
    async def scenario() -> None:
        held = Position(CODE, 20, Decimal(65_000))
        h = await start(tmp_path, positions=[held])
        h.manager.trading_state = TradingState.REDUCING
        with pytest.raises(OrderDenied) as caught:
            await h.manager.submit(buy(1))
        assert caught.value.code == "RISK_REDUCING"
        with pytest.raises(OrderDenied):
            await h.manager.submit(sell(21))
        order = await h.manager.submit(sell(20))
        assert order.status is S.ACCEPTED

    run(scenario())


def test_modify_goes_through_pending_modify_and_adopts_the_new_price(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        order = await h.manager.submit(buy(10))
        seen: list[OrderEvent] = []
        h.manager.subscribe(seen.append)
        modified = await h.manager.modify(order.order_id, price=69_900, quantity=8)
        assert modified.status is S.ACCEPTED
        assert modified.request.price == 69_900
        assert modified.quantity == 8
        statuses = [(e.previous, e.status) for e in seen if isinstance(e, OrderStatusChanged)]
        assert statuses == [(S.ACCEPTED, S.PENDING_MODIFY), (S.PENDING_MODIFY, S.ACCEPTED)]

    run(scenario())


def test_cancel_goes_through_pending_cancel_to_canceled(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        order = await h.manager.submit(buy(10))
        await h.client.fill(order.order_id, 4)
        canceled = await h.manager.cancel(order.order_id)
        assert canceled.status is S.CANCELED
        assert canceled.filled_quantity == 4
        assert h.manager.orders(open_only=True) == []
        with pytest.raises(OrderNotOpen):
            await h.manager.cancel(order.order_id)

    run(scenario())


def test_partial_cancel_reduces_the_quantity(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        order = await h.manager.submit(buy(10))
        await h.manager.cancel(order.order_id, quantity=4)
        assert order.status is S.ACCEPTED
        assert order.quantity == 6

    run(scenario())


def test_refused_cancel_restores_the_open_status(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        order = await h.manager.submit(buy(10))
        await h.client.push_update(order.order_id, S.ACCEPTED)
        h.client.orders[order.order_id] = h.client.orders[order.order_id].__class__(
            **{**_fields(h.client.orders[order.order_id]), "status": S.CANCELED}
        )
        with pytest.raises(OrderNotOpen):
            await h.manager.cancel(order.order_id)
        assert order.status is S.ACCEPTED

    run(scenario())


def test_cancel_with_unknown_outcome_stays_pending_cancel(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        order = await h.manager.submit(buy(10))
        h.client.behaviour.fail_cancel_after = True
        await h.manager.cancel(order.order_id)
        assert order.status is S.PENDING_CANCEL
        report = await h.manager.reconcile()
        assert order.status is S.CANCELED
        assert [d.applied_status for d in report.settled_orders] == [S.CANCELED]

    run(scenario())


def test_modifying_an_unacknowledged_order_is_an_illegal_transition(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        h.client.behaviour.fail_after_placing = True
        order = await h.manager.submit(buy(10))
        with pytest.raises(InvalidTransition):
            await h.manager.modify(order.order_id, price=69_900)
        assert order.status is S.SUBMITTED

    run(scenario())


def test_unknown_order_id_raises_order_not_found(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        with pytest.raises(OrderNotFound):
            h.manager.order("nope")

    run(scenario())


def test_subscribers_get_status_changes_and_fills_until_unsubscribed(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        seen: list[OrderEvent] = []
        unsubscribe = h.manager.subscribe(seen.append)
        order = await h.manager.submit(buy(10))
        await h.client.fill(order.order_id, 10)
        kinds = [type(event).__name__ for event in seen]
        assert kinds == [
            "OrderStatusChanged",  # INITIALIZED -> SUBMITTED
            "OrderStatusChanged",  # SUBMITTED -> ACCEPTED
            "OrderStatusChanged",  # ACCEPTED -> FILLED
            "OrderFilled",
        ]
        filled = seen[-1]
        assert isinstance(filled, OrderFilled) and filled.remaining_quantity == 0
        unsubscribe()
        await h.manager.submit(buy(1))
        assert len(seen) == 4

    run(scenario())


def test_async_subscribers_run_as_tasks(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        seen: list[OrderEvent] = []

        async def callback(event: OrderEvent) -> None:
            seen.append(event)

        h.manager.subscribe(callback)
        await h.manager.submit(buy(10))
        await __import__("asyncio").sleep(0)
        assert len(seen) == 2

    run(scenario())


def test_positions_are_the_snapshot_plus_fills_with_realized_pnl(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path, positions=[Position(CODE, 10, Decimal(60_000))])
        order = await h.manager.submit(buy(10, 70_000))
        await h.client.fill(order.order_id, 10)
        position = h.manager.position(CODE)
        assert position is not None
        assert position.quantity == 20
        assert position.average_price == Decimal(65_000)
        sold = await h.manager.submit(sell(5, 71_000))
        await h.client.fill(sold.order_id, 5)
        position = h.manager.position(CODE)
        assert position is not None and position.quantity == 15
        assert h.manager.realized_pnl == 5 * 6_000

    run(scenario())


def test_fills_filter_by_time(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        order = await h.manager.submit(buy(10))
        await h.client.fill(order.order_id, 1)
        middle = h.clock.advance(60)
        await h.client.fill(order.order_id, 1)
        assert len(h.manager.fills()) == 2
        assert len(h.manager.fills(start=middle)) == 1
        assert len(h.manager.fills(end=middle)) == 1

    run(scenario())


def test_restart_restores_orders_fills_and_ignores_replayed_fills(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        first = await h.manager.submit(buy(10))
        fill = await h.client.fill(first.order_id, 4)
        second = await h.manager.submit(sell(1, 71_000))
        await h.manager.cancel(second.order_id)
        h2 = await h.restart()
        restored = h2.manager.order(first.order_id)
        assert restored.status is S.PARTIALLY_FILLED
        assert restored.filled_quantity == 4
        assert h2.manager.order(second.order_id).status is S.CANCELED
        assert h2.report.fills_applied == []
        await h2.client.push_fill(fill)
        assert restored.filled_quantity == 4
        assert len(h2.manager.fills()) == 1
        next_order = await h2.manager.submit(buy(1))
        assert next_order.order_id > second.order_id

    run(scenario())


def _fields(order: object) -> dict[str, object]:
    from dataclasses import fields

    return {f.name: getattr(order, f.name) for f in fields(order)}  # type: ignore[arg-type]
