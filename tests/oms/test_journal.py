"""The journal: durable, exact, each fill once, private file."""

from __future__ import annotations

import sqlite3
import stat
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.oms.stubs import CODE, START
from yeouido.model import Fill, Order, OrderRequest, OrderStatus, Side
from yeouido.oms import Journal

S = OrderStatus

PATHS: dict[OrderStatus, list[OrderStatus]] = {
    S.SUBMITTED: [S.SUBMITTED],
    S.DENIED: [S.DENIED],
    S.ACCEPTED: [S.SUBMITTED, S.ACCEPTED],
    S.REJECTED: [S.SUBMITTED, S.REJECTED],
    S.PARTIALLY_FILLED: [S.SUBMITTED, S.ACCEPTED],
    S.PENDING_MODIFY: [S.SUBMITTED, S.ACCEPTED, S.PENDING_MODIFY],
    S.PENDING_CANCEL: [S.SUBMITTED, S.ACCEPTED, S.PENDING_CANCEL],
    S.FILLED: [S.SUBMITTED, S.ACCEPTED],
    S.CANCELED: [S.SUBMITTED, S.ACCEPTED, S.PENDING_CANCEL, S.CANCELED],
    S.EXPIRED: [S.SUBMITTED, S.EXPIRED],
}


def make_order(order_id: str, price: int | Decimal = 70_000, quantity: int = 10) -> Order:
    request = OrderRequest(CODE, Side.BUY, quantity, price, client_order_id=order_id)
    return Order(request=request, order_id=order_id, created_at=START)


def drive(journal: Journal, order: Order, target: OrderStatus) -> None:
    """Write ``order`` through the states on the way to ``target``, as the manager would."""
    at = START
    for index, status in enumerate(PATHS[target]):
        at += timedelta(seconds=1)
        order.transition(status, at, reason="why" if status is S.REJECTED else None)
        if index == 0:
            journal.add_order(order, "paper")
        else:
            if status is S.ACCEPTED:
                order.venue_order_id = "V1"
            journal.update_order(order, status.value)
    if target in (S.PARTIALLY_FILLED, S.FILLED):
        quantity = 4 if target is S.PARTIALLY_FILLED else order.remaining_quantity
        order.apply_fill(quantity, order.request.price or 0, at + timedelta(seconds=1))
        fill = Fill(
            order.order_id,
            f"T-{order.order_id}",
            CODE,
            Side.BUY,
            quantity,
            order.request.price or 0,
            at + timedelta(seconds=1),
        )
        assert journal.record_fill(fill, "paper", order)


@pytest.mark.parametrize("target", list(PATHS), ids=[status.value for status in PATHS])
def test_every_state_survives_close_and_reopen(tmp_path: Path, target: OrderStatus) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        order = make_order("O1")
        drive(journal, order, target)
    with Journal(path) as reopened:
        state = reopened.load()
    (restored,) = state.orders
    assert restored.status is target
    assert restored.request == order.request
    assert restored.filled_quantity == order.filled_quantity
    assert restored.filled_value == order.filled_value
    assert restored.venue_order_id == order.venue_order_id
    assert restored.reason == order.reason
    assert restored.created_at == order.created_at
    assert restored.updated_at == order.updated_at
    assert restored.created_at.tzinfo is not None
    assert [status for _, status in restored.history] == [status for _, status in order.history]
    assert state.brokers == {"O1": "paper"}


def test_index_point_prices_come_back_as_exact_decimals(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        order = make_order("O1", price=Decimal("352.15"))
        order.transition(S.SUBMITTED, START)
        journal.add_order(order, "paper")
    with Journal(path) as journal:
        (restored,) = journal.load().orders
    assert restored.request.price == Decimal("352.15")
    assert isinstance(restored.request.price, Decimal)
    assert isinstance(restored.filled_value, int)


def test_record_fill_returns_whether_the_fill_was_new(tmp_path: Path) -> None:
    with Journal(tmp_path / "journal.sqlite") as journal:
        fill = Fill("O1", "T1", CODE, Side.BUY, 3, 70_000, START, commission=10)
        assert journal.record_fill(fill, "paper") is True
        assert journal.record_fill(fill, "paper") is False
        assert journal.record_fill(fill, "kis") is True
        assert journal.has_fill("paper", "T1")
        assert journal.fills("paper") == [fill]


def test_times_are_stored_in_utc(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        order = make_order("O1")
        order.transition(S.SUBMITTED, START)
        journal.add_order(order, "paper")
    with sqlite3.connect(path) as connection:
        (created,) = connection.execute("SELECT created_at FROM orders").fetchone()
    assert created == "2026-11-24T01:00:00+00:00"


def test_journal_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        order = make_order("O1")
        order.transition(S.SUBMITTED, START)
        journal.add_order(order, "paper")
        for file in tmp_path.iterdir():
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
        (mode,) = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()
        assert mode == "wal"


def test_event_log_is_append_only_history(tmp_path: Path) -> None:
    with Journal(tmp_path / "journal.sqlite") as journal:
        order = make_order("O1")
        drive(journal, order, S.CANCELED)
        journal.record_event("O1", "note", START, {"price": Decimal("1.5")})
        kinds = [event.kind for event in journal.events("O1")]
        assert kinds == ["intent", "accepted", "pending_cancel", "canceled", "note"]
        assert journal.events()[-1].detail == {"price": "1.5"}
        assert journal.count_orders() == 1 and journal.count_orders("kis") == 0
