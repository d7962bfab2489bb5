"""Crash safety: a client is killed with SIGKILL at random points during a burst of orders
and restarted; after reconciliation no order and no fill is lost or duplicated.

The paper service (another process) keeps the market and the account, as a real broker
would; the client keeps the order manager's journal.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

import yeouido
from tests.paper_service import free_port, paper_service, start_paper_service, wait_for_line
from yeouido.model import OrderStatus
from yeouido.oms.execution import VenueOrder

BURST = Path(__file__).with_name("crash_burst.py")
KILL_POINTS = 10
SERVICE_KILLS = 2
NEVER_REACHED = {OrderStatus.EXPIRED, OrderStatus.DENIED, OrderStatus.REJECTED}


@pytest.fixture
def service(tmp_path: Path) -> Iterator[str]:
    with paper_service(tmp_path) as url:
        yield url


def check_nothing_lost_or_doubled(service: str, client_dir: Path) -> dict[str, VenueOrder]:
    """Connect a fresh client (it reconciles) and compare its journal with the service's
    account: each fill exactly once, every placed order known with its outcome, positions
    equal. Returns the orders the service received."""
    with yeouido.connect("paper", service=service, data_dir=client_dir) as broker:
        remote = broker.async_broker
        oms = remote.oms  # type: ignore[attr-defined]
        # Fills: each exactly once in the journal, and exactly the broker's.
        journal_fills = oms.fills()
        journal_ids = Counter(fill.trade_id for fill in journal_fills)
        assert all(count == 1 for count in journal_ids.values()), "a fill was applied twice"
        broker_fills = broker.fills()
        assert sorted(journal_ids) == sorted(fill.trade_id for fill in broker_fills)
        # Orders: every order that reached the broker is in the journal, with its outcome.
        rows = broker.run(remote.venue_orders())  # type: ignore[attr-defined]
        placed = {row.client_order_id: row for row in rows}
        journal = {order.order_id: order for order in oms.orders()}
        assert set(placed) <= set(journal), "the broker has orders the journal lost"
        for order_id, order in journal.items():
            venue = placed.get(order_id)
            if venue is None:
                assert order.status in NEVER_REACHED, (order_id, order.status)
                assert order.filled_quantity == 0
                continue
            assert order.filled_quantity == venue.filled_quantity, order_id
            if venue.status.is_terminal:
                assert order.status is venue.status, (order_id, order.status, venue.status)
            else:
                assert order.is_open, (order_id, order.status)
        filled_by_order = Counter()
        for fill in journal_fills:
            filled_by_order[fill.order_id] += fill.quantity
        for order_id, quantity in filled_by_order.items():
            assert journal[order_id].filled_quantity == quantity
        # Positions agree.
        journal_positions = {code: p.quantity for code, p in oms.positions().items() if p.quantity}
        broker_positions = {p.code: p.quantity for p in broker.positions() if p.quantity}
        assert journal_positions == broker_positions
    return placed


def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    service: str, tmp_path: Path
) -> None:
    client_dir = tmp_path / "client"
    rng = random.Random(20261124)
    steps_at_kill = []
    for kill_point in range(KILL_POINTS):
        output = tmp_path / f"burst-{kill_point}.log"
        with output.open("w") as handle:
            process = subprocess.Popen(
                [sys.executable, str(BURST), service, str(client_dir), str(kill_point)],
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        wait_for_line(output, "connected", timeout=60)
        time.sleep(rng.uniform(0.05, 1.5))
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        steps_at_kill.append(output.read_text().count("step "))
    assert sum(steps_at_kill) > KILL_POINTS, f"the bursts barely ran: {steps_at_kill}"

    placed = check_nothing_lost_or_doubled(service, client_dir)
    assert len(placed) >= KILL_POINTS


def test_sigkill_of_an_in_process_paper_broker_keeps_journal_and_ledger_in_step(
    tmp_path: Path,
) -> None:
    """``connect("paper")`` with the market in the process: the market dies with it. After a
    restart every fill the ledger booked is in the journal exactly once, no order is left
    open, and positions agree."""
    data_dir = tmp_path / "account"
    rng = random.Random(7)
    for kill_point in range(5):
        output = tmp_path / f"local-{kill_point}.log"
        with output.open("w") as handle:
            process = subprocess.Popen(
                [sys.executable, str(BURST), "local", str(data_dir), str(kill_point)],
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        wait_for_line(output, "connected", timeout=60)
        time.sleep(rng.uniform(0.2, 1.5))
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    with yeouido.connect("paper", data_dir=data_dir, speed=None) as broker:
        oms = broker.async_broker.oms  # type: ignore[attr-defined]
        journal_fills = oms.fills()
        counts = Counter(fill.trade_id for fill in journal_fills)
        assert all(count == 1 for count in counts.values())
        assert sorted(counts) == sorted(fill.trade_id for fill in broker.fills())
        assert broker.orders(open_only=True) == []
        journal_positions = {code: p.quantity for code, p in oms.positions().items() if p.quantity}
        ledger_positions = {p.code: p.quantity for p in broker.positions() if p.quantity}
        assert journal_positions == ledger_positions
        assert len(oms.orders()) >= 5


def test_sigkill_of_the_service_mid_burst_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    """The service is killed with SIGKILL during a client's burst and started again on the
    same port and account: the client reconnects by itself (a new server session, so it
    reconciles), and in the end its journal and the account agree fill for fill."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    client_dir = tmp_path / "client"
    service = start_paper_service(tmp_path, port)
    output = tmp_path / "burst.log"
    with output.open("w") as handle:
        burst = subprocess.Popen(
            [sys.executable, str(BURST), url, str(client_dir), "3"],
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_line(output, "connected", timeout=60)
        rng = random.Random(11)
        steps = []
        for _ in range(SERVICE_KILLS):
            time.sleep(rng.uniform(0.3, 1.0))
            steps.append(output.read_text().count("step "))
            service.kill()
            service.wait(timeout=10)
            time.sleep(rng.uniform(0.0, 0.3))
            service = start_paper_service(tmp_path, port)
        time.sleep(1.0)  # the client reconnects and trades on
        steps.append(output.read_text().count("step "))
    finally:
        burst.kill()
        burst.wait(timeout=10)
    assert steps[-1] > steps[0] > 0, f"the burst did not go on after the restarts: {steps}"
    try:
        placed = check_nothing_lost_or_doubled(url, client_dir)
        assert len(placed) > SERVICE_KILLS
    finally:
        service.send_signal(signal.SIGINT)
        service.wait(timeout=10)
