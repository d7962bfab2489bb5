"""The KIS adapter on loopback against the in-process KIS sandbox.

Prints: sandbox REST requests per second through the adapter with the rate limit off (both
the sandbox's and the adapter's budget), the adapter's order round trip (submit → journal →
order-cash → acknowledgement) p50/p99 on loopback, and H0STCNT0 trade records parsed per
second (frame split + 46-field record → ``Trade``). Goals: >= 2,000 requests/s, <= 5 ms p50,
>= 200,000 records/s. Nothing leaves the machine.

    .venv/bin/python benchmarks/bench_kis.py [requests] [orders] [records]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.broker import KisBroker
from yeouido.brokers.kis.parsing import TradeParser, split_frame
from yeouido.brokers.registry import connect_async
from yeouido.net.ratelimit import reset_rate_budgets
from yeouido.sandbox.kis.config import SandboxConfig
from yeouido.sandbox.kis.server import KisSandbox


def trade_frame() -> str:
    """One realistic H0STCNT0 frame with a single record."""
    values = dict.fromkeys(p.H0STCNT0_FIELDS, "0")
    values.update(
        MKSC_SHRN_ISCD="005930", STCK_CNTG_HOUR="093015", STCK_PRPR="70100", CNTG_VOL="7",
        CCLD_DVSN="1", BSOP_DATE="20261124", ACML_VOL="123456", PRDY_CTRT="-1.63",
    )  # fmt: skip
    return p.format_data_frame(p.WS_TRADE, [[values[name] for name in p.H0STCNT0_FIELDS]])


def bench_parse(records: int, per_frame: int = 1) -> float:
    """H0STCNT0 records parsed per second (frames of ``per_frame`` records), the way the
    websocket client does it: split the frame, then each record into a ``Trade``."""
    frame = trade_frame()
    if per_frame > 1:
        _head, _, payload = frame.rpartition("|")
        frame = f"0|{p.WS_TRADE}|{per_frame:03d}|" + "^".join([payload] * per_frame)
    parser = TradeParser()
    frames = max(1, records // per_frame)
    start = time.perf_counter()
    for _ in range(frames):
        _, _, count, payload = split_frame(frame)
        parser.parse_payload(payload, count)
    return frames * per_frame / (time.perf_counter() - start)


async def bench_sandbox(requests: int, orders: int) -> tuple[float, list[float]]:
    """REST requests/s (no rate limit) and order round trips in seconds."""
    reset_rate_budgets()
    root = Path(tempfile.mkdtemp(prefix="bench-kis-"))
    config = SandboxConfig(env="real", port=0, ws_port=0, rate_limit=10**9)
    async with KisSandbox(config) as sandbox:
        c = sandbox.credentials
        broker = await connect_async(
            "kis", env="real", app_key=c.app_key, app_secret=c.app_secret, account=c.account,
            hts_id=c.hts_id, base_url=sandbox.rest_url, ws_url=sandbox.ws_url, rate=None,
            data_dir=root / "data", token_cache=root / "tokens",
            clock=lambda: sandbox.account.office.market.now,
        )  # fmt: skip
        assert isinstance(broker, KisBroker) and broker.rest is not None
        try:
            rest = broker.rest
            params = {"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": "005930"}
            semaphore = asyncio.Semaphore(32)

            async def one() -> None:
                async with semaphore:
                    await rest.call("inquire-price", params=params)

            await asyncio.gather(*(one() for _ in range(50)))  # warm up
            start = time.perf_counter()
            await asyncio.gather(*(one() for _ in range(requests)))
            rate = requests / (time.perf_counter() - start)

            quote = await broker.quote("005930")
            assert quote.bid is not None
            price = quote.bid - 5_000  # rests: no fills, the round trip alone
            times = []
            for _ in range(orders):
                begin = time.perf_counter()
                await broker.buy("005930", 1, price=price)
                times.append(time.perf_counter() - begin)
            return rate, times
        finally:
            await broker.close()


def main() -> None:
    """Run and print the three figures."""
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 4_000
    orders = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    records = int(sys.argv[3]) if len(sys.argv) > 3 else 300_000
    rate, times = asyncio.run(bench_sandbox(requests, orders))
    times.sort()
    p50 = statistics.median(times) * 1000
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000
    parsed = bench_parse(records)
    batched = bench_parse(records, per_frame=10)
    print(f"KIS sandbox REST via adapter, no rate limit: {rate:,.0f} requests/s (goal >= 2,000)")
    print(
        f"order round trip on loopback ({orders} orders): p50 {p50:.2f} ms, "
        f"p99 {p99:.2f} ms (goal p50 <= 5 ms)"
    )
    print(f"H0STCNT0 records parsed: {parsed:,.0f} records/s, one record a frame (goal >= 200,000)")
    print(f"H0STCNT0 records parsed: {batched:,.0f} records/s, ten records a frame")


if __name__ == "__main__":
    main()
