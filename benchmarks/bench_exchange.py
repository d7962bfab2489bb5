"""Matching-engine throughput, latency and memory.

A mixed stream over 100 instruments, on one core: 60% limit submits (passive, around each
instrument's price), 25% cancels of resting orders, 10% marketable orders, 5% modifies.
Prints orders per second, p50 and p99 latency per operation, and memory per resting order.
Goal (issue #3): >= 300,000 orders/s and <= 1 KiB per resting order.

Prices start at the last close of the real listings in ../shared/data/krx-daily (and the
built-in master's reference prices for the rest of the 100 instruments).
"""

from __future__ import annotations

import contextlib
import csv
import gc
import random
import statistics
import sys
import time
import tracemalloc
from datetime import date, datetime

from krx_data import krx_daily_dir

from yeouido.exchange import Exchange, ViRules
from yeouido.krx import default_master, next_trading_day, round_price
from yeouido.model import SEOUL, Instrument, OrderRequest, YeouidoError

DATA = krx_daily_dir()
OPERATIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
INSTRUMENTS = 100


def last_closes() -> dict[str, int]:
    closes: dict[str, int] = {}
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        closes[path.stem] = int(rows[-1]["close"])
    return closes


def universe() -> tuple[list[Instrument], dict[str, int]]:
    master = default_master()
    real = last_closes()
    instruments = list(master)[:INSTRUMENTS]
    prices: dict[str, int] = {}
    for instrument in instruments:
        raw = real.get(instrument.code) or master.reference_price(instrument.code) or 10_000
        prices[instrument.code] = int(round_price(raw, instrument.tick_table, "nearest"))
    return instruments, prices


def build_exchange(instruments: list[Instrument], prices: dict[str, int]) -> Exchange:
    day = next_trading_day(date(2026, 11, 20))
    venue = Exchange(instruments, prices, day, seed=1, nxt=False)
    venue.advance_to(datetime(day.year, day.month, day.day, 9, 1, tzinfo=SEOUL))
    return venue


def run_stream(venue: Exchange, instruments: list[Instrument], prices: dict[str, int]) -> list[int]:
    rng = random.Random(42)
    codes = [instrument.code for instrument in instruments]
    tables = {instrument.code: instrument.tick_table for instrument in instruments}
    resting: list[str] = []
    latencies: list[int] = []
    clock = time.perf_counter_ns
    for _ in range(OPERATIONS):
        roll = rng.random()
        code = rng.choice(codes)
        base = prices[code]
        if roll < 0.60 or (roll < 0.85 and not resting):
            side = "buy" if rng.random() < 0.5 else "sell"
            offset = rng.randint(1, 8) * (-1 if side == "buy" else 1)
            price = round_price(base * (1 + offset / 1_000), tables[code], "nearest")
            request = OrderRequest(code, side, rng.randint(1, 50), price)
            start = clock()
            order_id = venue.submit(request)
            latencies.append(clock() - start)
            resting.append(order_id)
        elif roll < 0.85:
            index = rng.randrange(len(resting))
            resting[index], resting[-1] = resting[-1], resting[index]
            order_id = resting.pop()
            if order_id not in venue.orders:
                continue
            start = clock()
            venue.cancel(order_id)
            latencies.append(clock() - start)
        elif roll < 0.95:
            side = "buy" if rng.random() < 0.5 else "sell"
            request = OrderRequest(code, side, rng.randint(1, 30), None, "market", "ioc")  # type: ignore[arg-type]
            start = clock()
            with contextlib.suppress(YeouidoError):
                venue.submit(request)
            latencies.append(clock() - start)
        elif resting:
            order_id = resting[rng.randrange(len(resting))]
            order = venue.orders.get(order_id)
            if order is None:
                continue
            start = clock()
            venue.modify(order_id, quantity=max(1, order.open_quantity - 1))
            latencies.append(clock() - start)
    return latencies


def memory_per_resting_order(instruments: list[Instrument], prices: dict[str, int]) -> float:
    venue = build_exchange(instruments, prices)
    rng = random.Random(7)
    requests = []
    for _ in range(50_000):
        instrument = rng.choice(instruments)
        base = prices[instrument.code]
        price = round_price(base * (1 - rng.randint(1, 20) / 1_000), instrument.tick_table, "down")
        requests.append(OrderRequest(instrument.code, "buy", 10, price))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for request in requests:
        venue.submit(request)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / len(requests)


def main() -> None:
    instruments, prices = universe()
    venue = build_exchange(instruments, prices)
    for (_, _), book in venue.books.items():
        book.vi_rules = ViRules(1_000, 1_000, 1_000)  # measure matching, not VI auctions
    gc.collect()
    wall_start = time.perf_counter()
    latencies = run_stream(venue, instruments, prices)
    wall = time.perf_counter() - wall_start
    busy = sum(latencies) / 1e9
    latencies.sort()
    p50 = latencies[len(latencies) // 2] / 1_000
    p99 = latencies[int(len(latencies) * 0.99)] / 1_000
    per_order = memory_per_resting_order(instruments, prices)
    resting = sum(
        len(book.bids.orders_in_priority()) + len(book.asks.orders_in_priority())
        for book in venue.books.values()
    )
    print(
        f"exchange benchmark: {len(latencies):,} operations over {len(instruments)} instruments "
        f"(python {sys.version.split()[0]}, one core)"
    )
    print(
        f"  engine time        {busy:8.3f} s   -> {len(latencies) / busy:10,.0f} orders/s "
        f"(goal 300,000)"
    )
    print(f"  wall incl. driver  {wall:8.3f} s   -> {len(latencies) / wall:10,.0f} orders/s")
    print(
        f"  latency p50        {p50:8.2f} µs   p99 {p99:8.2f} µs   "
        f"mean {statistics.fmean(latencies) / 1_000:6.2f} µs"
    )
    print(
        f"  memory             {per_order:8.0f} B per resting order (goal <= 1024); "
        f"{resting:,} resting at the end"
    )


if __name__ == "__main__":
    main()
