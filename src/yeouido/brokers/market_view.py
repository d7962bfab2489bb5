"""The one market view of every broker: what the pre-trade checks know about the market.

:class:`BrokerMarketView` implements :class:`yeouido.oms.risk.MarketView` for any adapter.
Reference prices (base price and daily limits) come from the broker's own quote — whatever its
data client returns — fetched once per code and trading day and cached; last prices come from
the trades the broker streams (:meth:`BrokerMarketView.observe`) or from a quote. Before an
order is checked, :meth:`BrokerMarketView.prepare` makes sure today's reference prices of its
code are known (one quote request per code and day).
"""

from __future__ import annotations

import logging
import time as wall
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta

from yeouido.krx.master import default_master
from yeouido.krx.order_rules import ReferencePrices
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import Quote, Trade
from yeouido.model.time import SEOUL, now_seoul

log = logging.getLogger(__name__)

QuoteSource = Callable[[str], Awaitable[Quote]]
"""The broker's data client: a quote of one code (with base price and limits if it has them)."""
VenueClock = Callable[[], Awaitable[datetime]]
"""Asks the venue for its current time (a simulated market's clock)."""

REGULAR_CLOSE = time(15, 30)
"""After the regular close, the day's close is known: the reference is fetched once more."""


def built_in_instrument(code: str) -> Instrument | None:
    """The instrument ``code`` from the built-in KRX master, or ``None``."""
    master = default_master()
    return master.get(code) if code in master else None


class BrokerMarketView:
    """Reference prices, last prices, instruments and the venue's clock for the risk checks.

    ``quote`` is the broker's quote call; ``instruments`` looks a code up (``None``: unknown;
    default: the built-in master); ``clock`` is the venue's time (default: wall time in
    Seoul); ``venue_clock``, when given, is asked for the venue's time in :meth:`prepare`
    (a simulated market in another process), and :meth:`now` moves on from its answer.
    """

    def __init__(
        self,
        quote: QuoteSource,
        *,
        instruments: Callable[[str], Instrument | None] = built_in_instrument,
        clock: Callable[[], datetime] = now_seoul,
        venue_clock: VenueClock | None = None,
        last_trade: Callable[[str], Price | None] | None = None,
    ) -> None:
        self._quote = quote
        self._instruments = instruments
        self._clock = clock
        self._venue_clock = venue_clock
        self._venue_time: tuple[datetime, float] | None = None
        self._last_trade = last_trade
        self._references: dict[str, tuple[date, bool, ReferencePrices]] = {}
        self._last: dict[str, Price] = {}
        self.quote_requests = 0
        """How many quotes were asked for (the cache's misses)."""

    # -- the MarketView protocol ---------------------------------------------------------
    def instrument(self, code: str) -> Instrument | None:
        """The instrument ``code``, or ``None`` when the broker does not list it."""
        return self._instruments(code)

    def reference_prices(self, code: str) -> ReferencePrices | None:
        """Today's reference prices of ``code`` (with the last price seen), once prepared."""
        cached = self._references.get(code)
        if cached is None or cached[0] != self._day():
            return None
        reference = cached[2]
        last = self.last_price(code)
        if last is None or last == reference.last_price:
            return reference
        return ReferencePrices(
            reference.base_price,
            reference.previous_close,
            reference.day_close,
            last,
            reference.limits,
        )

    def last_price(self, code: str) -> Price | None:
        """The last trade price seen (streamed, or in the last quote)."""
        if self._last_trade is not None:
            price = self._last_trade(code)
            if price is not None:
                return price
        return self._last.get(code)

    def now(self) -> datetime:
        """The venue's time."""
        if self._venue_time is not None:
            answered, at = self._venue_time
            return answered + timedelta(seconds=wall.monotonic() - at)
        return self._clock()

    # -- feeding it ----------------------------------------------------------------------
    def observe(self, event: Trade | Quote) -> None:
        """Remember the last price of a streamed trade (or a quote's last price)."""
        price = event.price if isinstance(event, Trade) else event.last
        if price is not None:
            self._last[event.code] = price

    async def prepare(self, code: str) -> None:
        """Make sure today's reference prices of ``code`` are known (a quote when not).

        An unknown code is left alone (the risk check refuses it without a request). A quote
        that fails raises its error: the order is not sent.
        """
        if self._venue_clock is not None:
            self._venue_time = (await self._venue_clock(), wall.monotonic())
        if self.instrument(code) is None:
            return
        day, closed = self._day(), self._after_close()
        cached = self._references.get(code)
        if cached is not None and cached[0] == day and (cached[1] or not closed):
            return
        quote = await self._quote(code)
        self.quote_requests += 1
        self.observe(quote)
        reference = reference_from_quote(quote, closed)
        if reference is None:
            log.warning("%s: the broker's quote has no base price; limits not checked", code)
            self._references.pop(code, None)
            return
        self._references[code] = (day, closed, reference)

    def forget(self) -> None:
        """Drop every cached reference (the next :meth:`prepare` asks again)."""
        self._references.clear()

    def _day(self) -> date:
        return self.now().astimezone(SEOUL).date()

    def _after_close(self) -> bool:
        return self.now().astimezone(SEOUL).time() >= REGULAR_CLOSE


def reference_from_quote(quote: Quote, after_close: bool = False) -> ReferencePrices | None:
    """The reference prices a quote gives: base price (else the previous close), limits,
    and — after the regular close — the last price as the day's close."""
    base = quote.base_price if quote.base_price is not None else quote.previous_close
    if base is None:
        return None
    return ReferencePrices(
        base_price=base,
        previous_close=quote.previous_close if quote.previous_close is not None else base,
        day_close=quote.last if after_close else None,
        last_price=quote.last,
        limits=quote.limits,
    )


__all__ = ["BrokerMarketView", "QuoteSource", "VenueClock", "built_in_instrument"]
