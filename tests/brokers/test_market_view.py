"""The one market view: reference prices from the broker's quote, cached per trading day."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from yeouido.brokers.market_view import BrokerMarketView
from yeouido.model.market_data import Quote, Trade
from yeouido.model.time import SEOUL

CODE = "005930"
MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=SEOUL)


class Venue:
    """A venue's quote source whose base price changes each day."""

    def __init__(self) -> None:
        self.now = MORNING
        self.asked: list[str] = []

    def clock(self) -> datetime:
        return self.now

    async def quote(self, code: str) -> Quote:
        self.asked.append(code)
        base = 70_000 + 1_000 * (self.now.date() - MORNING.date()).days
        return Quote(
            code,
            self.now,
            base + 100,
            base,
            base + 200,
            base_price=base,
            limits=(base * 7 // 10, base * 13 // 10),
        )


def test_references_are_asked_once_a_day_and_again_the_next_day() -> None:
    venue = Venue()
    view = BrokerMarketView(venue.quote, clock=venue.clock)

    async def scenario() -> None:
        assert view.reference_prices(CODE) is None
        await view.prepare(CODE)
        await view.prepare(CODE)
        first = view.reference_prices(CODE)
        assert first is not None and first.base_price == 70_000
        assert first.limits == (49_000, 91_000) and venue.asked == [CODE]
        venue.now += timedelta(days=1)
        assert view.reference_prices(CODE) is None  # yesterday's do not count today
        await view.prepare(CODE)
        second = view.reference_prices(CODE)
        assert second is not None and second.base_price == 71_000
        assert venue.asked == [CODE, CODE] and view.quote_requests == 2

    asyncio.run(scenario())


def test_after_the_close_the_reference_is_asked_once_more_for_the_day_s_close() -> None:
    venue = Venue()
    view = BrokerMarketView(venue.quote, clock=venue.clock)

    async def scenario() -> None:
        await view.prepare(CODE)
        venue.now = MORNING.replace(hour=15, minute=45)
        await view.prepare(CODE)
        await view.prepare(CODE)
        reference = view.reference_prices(CODE)
        assert reference is not None and reference.day_close == 70_100
        assert view.quote_requests == 2

    asyncio.run(scenario())


def test_unknown_codes_cost_no_request_and_trades_set_the_last_price() -> None:
    venue = Venue()
    view = BrokerMarketView(venue.quote, clock=venue.clock)

    async def scenario() -> None:
        await view.prepare("999990")
        assert venue.asked == [] and view.instrument("999990") is None
        await view.prepare(CODE)
        view.observe(Trade(CODE, venue.now, 70_300, 5))
        assert view.last_price(CODE) == 70_300
        reference = view.reference_prices(CODE)
        assert reference is not None and reference.last_price == 70_300

    asyncio.run(scenario())


def test_a_venue_clock_is_asked_when_preparing() -> None:
    venue = Venue()
    simulated = datetime(2026, 11, 24, 9, 30, tzinfo=SEOUL)

    async def venue_time() -> datetime:
        return simulated

    view = BrokerMarketView(venue.quote, venue_clock=venue_time)

    async def scenario() -> None:
        await view.prepare(CODE)
        assert abs(view.now() - simulated) < timedelta(seconds=5)

    asyncio.run(scenario())
