"""The paper broker's data client and account client, over its back office.

The paper adapter has the same parts as every other: options (:class:`PaperOptions`), the
simulated exchange as venue and instrument provider, a data client (:class:`PaperDataClient`:
quotes, books, bars and streams of the simulated market), an execution client
(:class:`~yeouido.brokers.paper.execution.PaperExecutionClient`), an account client
(:class:`PaperAccountClient`: the ledger's positions, cash and buying power) and a factory
(:func:`~yeouido.brokers.paper.broker.create_paper_broker`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import numpy as np
import pandas as pd

from yeouido.brokers.base import BAR_INDEX_DTYPE, BuyingPower, MarketCallback, bars_window
from yeouido.brokers.paper.back_office import PaperBackOffice
from yeouido.model.account import Balance, Position
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import Bar, OrderBook, Quote


def bars_frame(rows: list[Bar]) -> pd.DataFrame:
    """Bars as a DataFrame indexed by bar start time (Seoul, also when there are none)."""
    return pd.DataFrame(
        {
            name: [getattr(bar, name) for bar in rows] if rows else np.array([], dtype=np.int64)
            for name in ("open", "high", "low", "close", "volume")
        },
        index=pd.DatetimeIndex([bar.time for bar in rows], name="time", dtype=BAR_INDEX_DTYPE),
    )


class PaperDataClient:
    """Market data of the simulated market in ``office``."""

    name = "paper"

    def __init__(self, office: PaperBackOffice) -> None:
        self.office = office

    async def start(self) -> None:
        """Start the simulated market moving (at the options' speed)."""
        self.office.market.start()

    async def close(self) -> None:
        """Nothing to release (the back office stops the market)."""

    async def instrument(self, code: str) -> Instrument:
        """The listed instrument (the exchange is the instrument provider)."""
        return self.office.instrument(code)

    async def quote(self, code: str) -> Quote:
        """Last trade, best bid and ask on KRX."""
        return self.office.quote(code)

    async def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side on KRX."""
        return self.office.orderbook(code)

    async def bars(
        self,
        code: str,
        interval: str = "1d",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> pd.DataFrame:
        """``1d``: the daily history (the bar store's, else synthetic by the market's seed)
        and the simulated day's bar; ``1m``: the simulated day's minute bars (with the
        forming one)."""
        frame = bars_frame(self.office.history_bars(code, interval))
        return bars_window(frame, start, end)

    def on_market(
        self,
        codes: Iterable[str],
        callback: MarketCallback,
        kinds: Iterable[str] = ("trades", "books"),
    ) -> Callable[[], None]:
        """Call ``callback`` with each trade and book of ``codes``."""
        return self.office.on_market(codes, callback, kinds)


class PaperAccountClient:
    """The paper account's positions, cash and buying power (its ledger)."""

    def __init__(self, office: PaperBackOffice) -> None:
        self.office = office

    async def positions(self) -> list[Position]:
        """Holdings at the last prices."""
        return self.office.positions()

    async def balance(self) -> Balance:
        """Cash on the simulated day."""
        return self.office.balance()

    async def buying_power(self, code: str, price: Price) -> BuyingPower:
        """Buying power, and the quantity it pays for at ``price`` with costs."""
        return self.office.buying_power(code, price)


__all__ = ["PaperAccountClient", "PaperDataClient", "bars_frame"]
