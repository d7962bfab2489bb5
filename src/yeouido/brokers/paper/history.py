"""The history of a paper market: past daily bars for every instrument, then the simulated day.

For each code, the days before the simulated day come from the user's bar store
(:class:`~yeouido.data.store.BarStore`) when it holds daily bars of the code, otherwise from
the deterministic synthetic history of :func:`~yeouido.exchange.history.synthetic_daily_bars`
(by the market's seed, ending at the day's base price). The simulated day's own bar and
minute bars come from the running market. The paper broker, the paper service and the KIS
sandbox all read bars through :class:`MarketHistory`, so they agree.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd

from yeouido.data.store import BarStore
from yeouido.exchange.feed import MarketFeed
from yeouido.exchange.history import synthetic_daily_bars
from yeouido.exchange.venue import Exchange
from yeouido.model.errors import InvalidInput
from yeouido.model.market_data import Bar
from yeouido.model.time import SEOUL


def stored_daily_bars(
    store: BarStore, code: str, before: date, adjusted: bool = True
) -> list[Bar] | None:
    """The daily bars of ``code`` in ``store`` before ``before`` (oldest first), preferring
    the ``adjusted`` file and falling back to the other; ``None`` when neither holds any."""
    for choice in (adjusted, not adjusted):
        try:
            frame = store.read(code, "1d", adjusted=choice)
        except (InvalidInput, OSError):
            return None
        frame = frame[frame.index < pd.Timestamp(datetime.combine(before, time(0), SEOUL))]
        if len(frame):
            pairs = zip(frame.index, frame.itertuples(), strict=True)
            return [_bar(code, moment, row) for moment, row in pairs]
    return None


def _bar(code: str, moment: pd.Timestamp, row: object) -> Bar:
    values = [int(getattr(row, name)) for name in ("open", "high", "low", "close", "volume")]
    open_, high, low, close, volume = values
    typical = (high + low + close) / 3
    day = moment.to_pydatetime().astimezone(SEOUL).date()
    return Bar(
        code,
        datetime.combine(day, time(0), SEOUL),
        open_,
        high,
        low,
        close,
        volume,
        "1d",
        value=round(volume * typical),
    )


class MarketHistory:
    """Daily history (store or synthetic) of the codes of one simulated exchange.

    ``store`` is the user's bar store (default: :class:`BarStore` at its default place);
    ``False`` uses none (only synthetic history). Past bars are computed once per code."""

    def __init__(
        self,
        exchange: Exchange,
        feed: MarketFeed,
        *,
        seed: int = 0,
        store: BarStore | bool | None = None,
    ) -> None:
        self.exchange = exchange
        self.feed = feed
        self.seed = seed
        self.store: BarStore | None = (
            None if store is False else store if isinstance(store, BarStore) else BarStore()
        )
        self._past: dict[tuple[str, bool], tuple[list[Bar], str]] = {}

    def past(self, code: str, adjusted: bool = True) -> list[Bar]:
        """The daily bars before the simulated day, oldest first."""
        return self._load(code, adjusted)[0]

    def source(self, code: str, adjusted: bool = True) -> str:
        """Where the past bars of ``code`` come from: ``"store"`` or ``"synthetic"``."""
        return self._load(code, adjusted)[1]

    def _load(self, code: str, adjusted: bool) -> tuple[list[Bar], str]:
        key = (code, adjusted)
        if key not in self._past:
            instrument = self.exchange.instrument(code)
            day = self.exchange.day
            stored = (
                stored_daily_bars(self.store, instrument.code, day, adjusted)
                if self.store is not None
                else None
            )
            if stored:
                self._past[key] = (stored, "store")
            else:
                base = self.exchange.references[instrument.code].base_price
                bars = (
                    synthetic_daily_bars(instrument, base, day, seed=self.seed)
                    if isinstance(base, int)
                    else []
                )
                self._past[key] = (bars, "synthetic")
        return self._past[key]

    def today(self, code: str) -> Bar | None:
        """The simulated day's daily bar so far (``None`` before its first regular trade)."""
        bars = self.feed.bars(code, "1d", include_forming=True)
        return bars[-1] if bars else None

    def daily(self, code: str, days: int | None = None, adjusted: bool = True) -> list[Bar]:
        """Daily bars oldest first: the past and then the simulated day's bar when it has
        traded; only the last ``days`` of them when given."""
        if days is not None and days < 0:
            raise InvalidInput.for_field("days", days, "must be >= 0")
        bars = list(self.past(code, adjusted))
        today = self.today(code)
        if today is not None:
            bars.append(today)
        return bars if days is None else bars[len(bars) - days :] if days else []

    def minutes(self, code: str) -> list[Bar]:
        """The simulated day's minute bars (with the forming one)."""
        self.exchange.instrument(code)
        return self.feed.bars(code, "1m", include_forming=True)
