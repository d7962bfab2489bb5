"""Order round trip through the paper service (``yeouido paper serve`` in a child process):
``connect("paper", service=...)`` submits a resting limit buy and cancels it, N times.

Prints µs per submit and per cancel (mean, p50, p99) as the client sees them: journal, the
order manager, the protocol, the service and the simulated exchange. The service's data lives
in a temporary directory.

    .venv/bin/python benchmarks/bench_venue.py [orders]
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yeouido

ORDERS = int(sys.argv[1]) if len(sys.argv) > 1 else 300
CODE = "005930"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_service(directory: Path, port: int) -> subprocess.Popen[bytes]:
    log = directory / "service.log"
    env = dict(os.environ, YEOUIDO_DATA_DIR=str(directory / "service"))
    command = [
        sys.executable, "-c", "from yeouido.cli.main import app; app()",
        "paper", "serve", "--port", str(port), "--speed", "0.01", "--seed", "1",
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while "listening on" not in (log.read_text() if log.exists() else ""):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit(f"the service did not start: {log.read_text()}")
        time.sleep(0.05)
    return process


def summary(name: str, samples: list[float]) -> str:
    micros = sorted(sample * 1e6 for sample in samples)
    p99 = micros[min(len(micros) - 1, int(len(micros) * 0.99))]
    return (
        f"{name:<7} mean {statistics.fmean(micros):8.0f} µs   p50 {statistics.median(micros):8.0f}"
        f" µs   p99 {p99:8.0f} µs"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        port = free_port()
        service = start_service(directory, port)
        try:
            url = f"http://127.0.0.1:{port}"
            with yeouido.connect("paper", service=url, data_dir=directory / "client") as broker:
                quote = broker.quote(CODE)
                assert quote.bid is not None
                price = quote.bid
                for _ in range(20):  # warm up
                    broker.cancel(broker.buy(CODE, 1, price=price).order_id)
                submits, cancels = [], []
                for _ in range(ORDERS):
                    started = time.perf_counter()
                    order = broker.buy(CODE, 1, price=price)
                    submitted = time.perf_counter()
                    broker.cancel(order.order_id)
                    submits.append(submitted - started)
                    cancels.append(time.perf_counter() - submitted)
        finally:
            service.terminate()
            service.wait(timeout=10)
    print(f"{ORDERS} orders through the paper service")
    print(summary("submit", submits))
    print(summary("cancel", cancels))


if __name__ == "__main__":
    main()
