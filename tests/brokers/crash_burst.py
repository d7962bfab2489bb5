"""A burst of orders through ``connect("paper", service=...)``, run as a child process by the
crash test and killed with SIGKILL somewhere in the middle."""

from __future__ import annotations

import random
import sys

import yeouido
from yeouido.model import YeouidoError

CODES = ("005930", "000660", "069500")


def main(url: str, data_dir: str, seed: int) -> None:
    """Burst against the service at ``url``, or in-process when ``url`` is ``local``."""
    rng = random.Random(seed)
    if url == "local":
        broker = yeouido.connect("paper", data_dir=data_dir, speed=30, seed=seed)
    else:
        broker = yeouido.connect("paper", service=url, data_dir=data_dir, timeout=5)
    print("connected", flush=True)
    open_ids: list[str] = []
    for step in range(100_000):
        code = rng.choice(CODES)
        try:
            quote = broker.quote(code)
            roll = rng.random()
            if roll < 0.35 and quote.ask is not None:
                broker.buy(code, rng.randint(1, 5), price=quote.ask)
            elif roll < 0.6 and quote.bid is not None:
                order = broker.buy(code, rng.randint(1, 5), price=quote.bid)
                open_ids.append(order.order_id)
            elif roll < 0.8 and open_ids:
                broker.cancel(open_ids.pop(rng.randrange(len(open_ids))))
            else:
                held = {p.code: p.quantity for p in broker.positions()}
                if held.get(code, 0) > 0 and quote.bid is not None:
                    broker.sell(code, min(held[code], rng.randint(1, 3)), price=quote.bid)
        except YeouidoError:
            pass
        print(f"step {step}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
