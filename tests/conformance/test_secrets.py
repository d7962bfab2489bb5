"""Conformance: no credential or token in any log line while the broker works."""

from __future__ import annotations

import logging

import pytest

from tests.conformance.orders import CODE, resting_buy_price
from tests.conformance.venues import VenueUnderTest


def test_no_secret_in_any_log_line(venue: VenueUnderTest, caplog: pytest.LogCaptureFixture) -> None:
    if not venue.secrets:
        pytest.skip(f"{venue.kind}: no credentials")
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="yeouido")  # a CLI test may have left it at INFO
    broker = venue.broker

    async def scenario() -> None:
        await broker.quote(CODE)
        order = await broker.buy(CODE, 1, await resting_buy_price(broker))
        await broker.cancel(order.order_id)
        await broker.balance()

    venue.run(scenario())
    text = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records, "nothing was logged: the scan would prove nothing"
    for secret in venue.secrets:
        assert secret not in text
