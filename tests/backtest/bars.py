"""Hand-made bars for the backtest tests."""

from __future__ import annotations

import pandas as pd

from yeouido.model.time import SEOUL


def daily(rows: list[tuple[int, int, int, int, int]], start: str = "2024-03-04") -> pd.DataFrame:
    """Daily bars (open, high, low, close, volume) on consecutive business days."""
    days = pd.bdate_range(start, periods=len(rows)).tz_localize(SEOUL)
    frame = pd.DataFrame(rows, columns=["open", "high", "low", "close", "volume"], index=days)
    frame.index.name = "time"
    return frame.astype("int64")


def flat(count: int, price: int = 10_000, start: str = "2024-03-04") -> pd.DataFrame:
    """``count`` daily bars that all trade between price - 100 and price + 100."""
    return daily([(price, price + 100, price - 100, price, 1_000)] * count, start)


def minutes(rows: list[tuple[int, int, int, int, int]], day: str = "2024-03-04") -> pd.DataFrame:
    """One-minute bars from 09:00 of ``day``."""
    times = pd.date_range(f"{day} 09:00", periods=len(rows), freq="1min", tz=SEOUL)
    frame = pd.DataFrame(rows, columns=["open", "high", "low", "close", "volume"], index=times)
    frame.index.name = "time"
    return frame.astype("int64")
