"""Fills exactly once across dropped connections: replayed events after a resume, a
reconciliation when the server cannot replay (too old, or a new server session)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import yeouido
from yeouido.brokers.sync import Broker
from yeouido.model import OrderStatus

from .venue_host import SAMSUNG, VenueHost, venue_host


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def rest_buys(broker: Broker, count: int) -> list[str]:
    """Take the offers at the best ask, then ``count`` small buys there: they rest at the
    front of the book and fill as sellers arrive while the market moves."""
    quote = broker.quote(SAMSUNG)
    assert quote.ask is not None
    broker.buy(SAMSUNG, quote.ask_size, price=quote.ask)
    return [broker.buy(SAMSUNG, 3, price=quote.ask).order_id for _ in range(count)]


def assert_exactly_once(broker: Broker, host: VenueHost) -> None:
    oms = broker.async_broker.oms  # type: ignore[attr-defined]
    journal = Counter(fill.trade_id for fill in oms.fills())
    assert all(count == 1 for count in journal.values()), "a fill was applied twice"
    served = host.call(lambda: host.office.fills())
    assert sorted(journal) == sorted(fill.trade_id for fill in served), "a fill was lost"
    for order in host.call(lambda: host.office.store.all_orders()):
        mine = oms.order(order.client_order_id)
        assert mine.filled_quantity == order.filled_quantity, order.client_order_id
    held = {code: p.quantity for code, p in oms.positions().items() if p.quantity}
    assert held == {p.code: p.quantity for p in broker.positions() if p.quantity}


def filled(broker: Broker) -> int:
    return len(broker.async_broker.oms.fills())  # type: ignore[attr-defined]


def test_events_pushed_while_the_connection_is_down_are_replayed_once(tmp_path: Path) -> None:
    with (
        venue_host(tmp_path / "service") as host,
        yeouido.connect("remote", url=host.server.url, data_dir=tmp_path / "c") as broker,
    ):
        connection = broker.async_broker.connection  # type: ignore[attr-defined]
        rest_buys(broker, 10)
        before = filled(broker)
        for round_ in range(1, 4):
            host.drop_connections()
            host.advance(30)  # fills happen while the client is away
            wait_until(lambda done=round_: connection.reconnects >= done, 10, "the reconnection")
            assert connection.welcome.resumed
        wait_until(lambda: filled(broker) == len(host.office.fills()), 10, "replayed fills")
        assert filled(broker) > before, "no fill happened while the client was away"
        assert connection.last_seq == host.server.seq
        assert_exactly_once(broker, host)


def test_a_gap_the_server_cannot_replay_is_reconciled_from_its_snapshot(tmp_path: Path) -> None:
    with (
        venue_host(tmp_path / "service", replay_limit=1) as host,
        yeouido.connect("remote", url=host.server.url, data_dir=tmp_path / "c") as broker,
    ):
        connection = broker.async_broker.connection  # type: ignore[attr-defined]
        rest_buys(broker, 10)
        before = filled(broker)
        host.drop_connections()
        host.advance(60)
        wait_until(lambda: connection.reconnects >= 1, 10, "the reconnection")
        assert not connection.welcome.resumed
        wait_until(lambda: filled(broker) == len(host.office.fills()), 10, "reconciled")
        assert filled(broker) > before, "no fill happened while the client was away"
        assert_exactly_once(broker, host)


def test_a_restarted_server_is_a_new_session_and_nothing_is_lost_or_doubled(
    tmp_path: Path,
) -> None:
    host = VenueHost(tmp_path / "service")
    try:
        port = int(host.start().rsplit(":", 1)[1].split("/")[0])
        with yeouido.connect("remote", url=host.server.url, data_dir=tmp_path / "c") as broker:
            connection = broker.async_broker.connection  # type: ignore[attr-defined]
            ids = rest_buys(broker, 6)
            host.advance(20)
            before = connection.session
            host.stop()  # the account survives on disk; open orders die with the market
            wait_until(lambda: not connection.connected, 10, "the drop to be seen")
            host.start(port)
            wait_until(lambda: connection.reconnects >= 1, 10, "the reconnection")
            assert connection.session != before and not connection.welcome.resumed
            oms = broker.async_broker.oms  # type: ignore[attr-defined]
            wait_until(lambda: not oms.orders(open_only=True), 10, "open orders settled")
            for order_id in ids:
                assert broker.order(order_id).status in (OrderStatus.FILLED, OrderStatus.CANCELED)
            rest_buys(broker, 3)
            host.advance(30)
            wait_until(lambda: filled(broker) == len(host.office.fills()), 10, "new fills")
            assert_exactly_once(broker, host)
    finally:
        host.close()


def test_orders_sent_as_the_connection_drops_are_placed_once(tmp_path: Path) -> None:
    with (
        venue_host(tmp_path / "service") as host,
        yeouido.connect("remote", url=host.server.url, data_dir=tmp_path / "c") as broker,
    ):
        quote = broker.quote(SAMSUNG)
        assert quote.ask is not None
        ids = []
        for _ in range(5):
            host.loop.loop.call_soon_threadsafe(
                lambda: host.loop.loop.create_task(host.server.drop_connections())
            )
            ids.append(broker.buy(SAMSUNG, 1, price=quote.ask).order_id)
        host.advance(5)
        placed = [order.client_order_id for order in host.call(host.office.store.all_orders)]
        assert sorted(placed) == sorted(ids), "an order was lost or placed twice"
        for order_id in ids:
            assert broker.order(order_id).status.is_open or broker.order(order_id).filled_quantity
        wait_until(lambda: filled(broker) == len(host.office.fills()), 10, "fills")
        assert_exactly_once(broker, host)
