"""Wiring for the order manager's tests: a started manager over the stub venue."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tests.oms.stubs import FakeClock, StubExecutionClient, make_market
from yeouido.model import Position
from yeouido.oms import Journal, OrderManager, ReconciliationReport, RiskManager, StaticMarket

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one test scenario on a fresh event loop."""
    return asyncio.run(coroutine)


@dataclass
class Harness:
    """A manager, its stub venue, journal, market and clock."""

    manager: OrderManager
    client: StubExecutionClient
    journal: Journal
    market: StaticMarket
    clock: FakeClock
    report: ReconciliationReport

    async def restart(self) -> Harness:
        """Close the journal and start a new manager over the same file and venue."""
        path = self.journal.path
        self.journal.close()
        journal = Journal(path)
        self.client.journal = journal
        manager = OrderManager(self.client, journal, market=self.market, clock=self.clock)
        report = await manager.start()
        return Harness(manager, self.client, journal, self.market, self.clock, report)


async def start(
    tmp_path: Path,
    *,
    risk: RiskManager | None = None,
    positions: list[Position] | None = None,
    client: StubExecutionClient | None = None,
    clock: FakeClock | None = None,
) -> Harness:
    """A started manager with a journal in ``tmp_path``."""
    clock = clock or FakeClock()
    journal = Journal(tmp_path / "journal.sqlite")
    client = client or StubExecutionClient(clock, journal)
    client.journal = journal
    if positions:
        client.set_positions(positions)
    market = make_market(clock)
    manager = OrderManager(client, journal, risk=risk, market=market, clock=clock)
    report = await manager.start()
    return Harness(manager, client, journal, market, clock, report)
