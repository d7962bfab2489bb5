"""Reconciliation: the journal against the venue, on start and on demand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.oms.harness import run, start
from tests.oms.stubs import CODE, buy
from yeouido.model import OrderStatus, Position
from yeouido.oms import NEVER_REACHED

S = OrderStatus


def test_clean_start_reports_no_differences(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        assert h.report.is_clean
        assert "no differences" in str(h.report)
        assert h.report.initial

    run(scenario())


def test_order_lost_before_the_venue_expires_as_never_reached(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        h.client.behaviour.fail_before_placing = True
        order = await h.manager.submit(buy(10))
        assert order.status is S.SUBMITTED
        report = await h.manager.reconcile()
        assert order.status is S.EXPIRED
        assert order.reason == NEVER_REACHED
        (difference,) = report.settled_orders
        assert (difference.journal_status, difference.venue_status) == (S.SUBMITTED, None)
        assert NEVER_REACHED in str(report)

    run(scenario())


def test_order_placed_despite_the_error_adopts_the_venue_status_and_fills(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        h.client.behaviour.fail_after_placing = True
        h.client.behaviour.push_fills = False
        h.client.behaviour.fill_on_send = [4]
        order = await h.manager.submit(buy(10))
        assert order.status is S.SUBMITTED
        assert order.filled_quantity == 0
        report = await h.manager.reconcile()
        assert order.status is S.PARTIALLY_FILLED
        assert order.filled_quantity == 4
        assert order.venue_order_id == "V000001"
        assert len(report.fills_applied) == 1
        assert report.settled_orders[0].applied_status is S.PARTIALLY_FILLED
        assert report.unresolved == []

    run(scenario())


def test_ambiguous_orders_are_settled_on_restart(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        h.client.behaviour.fail_before_placing = True
        lost = await h.manager.submit(buy(10))
        h.client.behaviour.fail_before_placing = False
        h.client.behaviour.fail_after_placing = True
        placed = await h.manager.submit(buy(5, 69_900))
        h2 = await h.restart()
        assert h2.manager.order(lost.order_id).status is S.EXPIRED
        assert h2.manager.order(placed.order_id).status is S.ACCEPTED
        assert len(h2.report.settled_orders) == 2
        assert h2.manager.in_flight() == []

    run(scenario())


def test_missing_fills_are_applied_exactly_once(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        order = await h.manager.submit(buy(10))
        h.client.behaviour.push_fills = False
        await h.client.fill(order.order_id, 3)
        await h.client.fill(order.order_id, 7)
        first = await h.manager.reconcile()
        second = await h.manager.reconcile()
        assert order.status is S.FILLED
        assert len(first.fills_applied) == 2
        assert second.fills_applied == [] and second.fills_already_known == 2
        assert second.is_clean
        position = h.manager.position(CODE)
        assert position is not None and position.quantity == 10
        assert len(h.journal.fills()) == 2

    run(scenario())


def test_order_closed_at_the_venue_without_an_update_takes_the_final_status(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        canceled = await h.manager.submit(buy(10))
        forgotten = await h.manager.submit(buy(5, 69_900))
        h.client.on_update = lambda update: None  # updates lost on the way
        await h.client.push_update(canceled.order_id, S.CANCELED)
        h.client.forget(forgotten.order_id)
        report = await h.manager.reconcile()
        assert canceled.status is S.CANCELED
        assert forgotten.status is S.EXPIRED
        closed = {d.order_id: d for d in report.closed_orders}
        assert closed[canceled.order_id].venue_status is S.CANCELED
        assert closed[forgotten.order_id].venue_status is None

    run(scenario())


def test_orders_unknown_to_the_journal_are_listed_not_adopted(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        foreign = h.client.add_foreign_order("HTS-1")
        report = await h.manager.reconcile()
        assert report.unknown_orders == [foreign]
        assert h.manager.orders() == []
        assert "HTS-1" in str(report)

    run(scenario())


def test_position_differences_are_reported(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path, positions=[Position(CODE, 10, Decimal(65_000))])
        assert h.manager.position(CODE) == Position(CODE, 10, Decimal(65_000))
        h.client.set_positions([Position(CODE, 7, Decimal(65_000))])
        report = await h.manager.reconcile()
        (difference,) = report.position_differences
        assert (difference.code, difference.journal_quantity, difference.venue_quantity) == (
            CODE,
            10,
            7,
        )
        assert "ours 10, venue 7" in str(report)

    run(scenario())


def test_unreachable_status_leaves_the_order_in_flight_and_unresolved(tmp_path: Path) -> None:
    async def scenario() -> None:
        h = await start(tmp_path)
        h.client.behaviour.fail_before_placing = True
        order = await h.manager.submit(buy(10))
        h.client.behaviour.fail_status = True
        report = await h.manager.reconcile()
        assert order.status is S.SUBMITTED
        assert report.unresolved and order.order_id in report.unresolved[0]
        assert not report.is_clean

    run(scenario())
