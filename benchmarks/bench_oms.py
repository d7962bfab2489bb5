"""Order-manager overhead per order: ids, risk checks, journal, state machine (venue excluded).

A stub venue acknowledges every order at once; the figures are what the OMS itself costs.
Prints µs per order (mean, p50, p99) and journaled orders per second for the full path, and
the journal alone (one committed intent per order). Goals (issue): <= 50 µs per order and
>= 10,000 journaled orders per second. The journal lives in a temporary directory.

    .venv/bin/python benchmarks/bench_oms.py [orders]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from yeouido.krx import ReferencePrices
from yeouido.model import SEOUL, Order, OrderRequest, OrderStatus, Side
from yeouido.oms import (
    AccountSnapshot,
    FillHandler,
    Journal,
    OrderManager,
    RiskLimits,
    RiskManager,
    StaticMarket,
    UpdateHandler,
    VenueOrder,
)

ORDERS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
CODES = ("005930", "000660", "035420", "005380", "051910")
START = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)


class InstantVenue:
    """Acknowledges every order at once; knows nothing else."""

    name = "bench"

    def __init__(self) -> None:
        self._count = 0

    def set_handlers(self, on_update: UpdateHandler, on_fill: FillHandler) -> None:
        pass

    async def send_order(self, client_order_id: str, request: OrderRequest) -> VenueOrder:
        self._count += 1
        return VenueOrder(
            client_order_id,
            f"V{self._count}",
            request.code,
            OrderStatus.ACCEPTED,
            request.quantity,
            0,
            request.quantity,
            request.price,
        )

    async def send_modify(
        self, client_order_id: str, price: object, quantity: int | None
    ) -> VenueOrder:
        raise NotImplementedError

    async def send_cancel(self, client_order_id: str, quantity: int | None = None) -> VenueOrder:
        raise NotImplementedError

    async def snapshot(self, since: datetime) -> AccountSnapshot:
        return AccountSnapshot()

    async def order_status(self, client_order_id: str) -> VenueOrder | None:
        return None


class SteppingClock:
    """Market time that moves 100 µs per reading, so rate windows see a realistic pace."""

    def __init__(self) -> None:
        self.time = START

    def __call__(self) -> datetime:
        self.time += timedelta(microseconds=100)
        return self.time


def requests(count: int) -> list[OrderRequest]:
    out = []
    for index in range(count):
        code = CODES[index % len(CODES)]
        price = 70_000 + 100 * (index % 50)
        out.append(OrderRequest(code, Side.BUY, 1 + index % 7, price))
    return out


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def bench_manager(directory: Path, count: int) -> tuple[list[float], float]:
    clock = SteppingClock()
    market = StaticMarket(
        references={code: ReferencePrices(base_price=72_000) for code in CODES},
        last_prices=dict.fromkeys(CODES, 72_000),
        clock=clock,
    )
    limits = RiskLimits(
        max_order_value=10_000_000,
        max_position_quantity=1_000_000,
        max_position_value=100_000_000_000,
        daily_loss_limit=10_000_000,
        max_orders_per_second=100_000,
        max_price_deviation_percent=10,
        duplicate_window_seconds=0.001,
    )
    journal = Journal(directory / "manager.sqlite")
    manager = OrderManager(
        InstantVenue(), journal, risk=RiskManager(limits), market=market, clock=clock
    )
    await manager.start()
    batch = requests(count)
    latencies: list[float] = []
    began = time.perf_counter()
    for request in batch:
        t0 = time.perf_counter()
        await manager.submit(request)
        latencies.append((time.perf_counter() - t0) * 1e6)
    elapsed = time.perf_counter() - began
    assert journal.count_orders() == count
    journal.close()
    return latencies, count / elapsed


def bench_journal(directory: Path, count: int) -> tuple[list[float], float]:
    journal = Journal(directory / "journal.sqlite")
    orders = []
    for index, request in enumerate(requests(count)):
        order = Order(request=request, order_id=f"O{index:08d}", created_at=START)
        order.transition(OrderStatus.SUBMITTED, START)
        orders.append(order)
    latencies: list[float] = []
    began = time.perf_counter()
    for order in orders:
        t0 = time.perf_counter()
        journal.add_order(order, "bench")
        latencies.append((time.perf_counter() - t0) * 1e6)
    elapsed = time.perf_counter() - began
    journal.close()
    return latencies, count / elapsed


def report(title: str, latencies: list[float], rate: float) -> None:
    print(
        f"{title:<42} mean {statistics.fmean(latencies):7.1f} µs  "
        f"p50 {percentile(latencies, 0.50):7.1f} µs  p99 {percentile(latencies, 0.99):7.1f} µs  "
        f"{rate:>9,.0f} orders/s"
    )


def machine_speed() -> float:
    """Nanoseconds per empty Python loop iteration (about 12-15 on a quiet modern core)."""
    began = time.perf_counter()
    for _ in range(1_000_000):
        pass
    return (time.perf_counter() - began) * 1000


def main() -> int:
    print(f"machine: {machine_speed():.0f} ns per empty loop iteration (quiet modern core: ~13)")
    print(f"OMS overhead over {ORDERS:,} orders (instant venue; journal in a temp dir, WAL/NORMAL)")
    with tempfile.TemporaryDirectory(prefix="yeouido-bench-oms-") as name:
        directory = Path(name)
        latencies, rate = asyncio.run(bench_manager(directory, ORDERS))
        report("submit: ids + risk + journal (intent, ack)", latencies, rate)
        journal_latencies, journal_rate = bench_journal(directory, ORDERS)
        report("journal alone: one committed intent", journal_latencies, journal_rate)
    mean = statistics.fmean(latencies)
    print(
        f"goals: <= 50 µs per order ({'met' if mean <= 50 else 'NOT met'}: {mean:.1f}), "
        f">= 10,000 journaled orders/s ({'met' if rate >= 10_000 else 'NOT met'}: {rate:,.0f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
