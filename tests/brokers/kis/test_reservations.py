"""Reservation orders (예약주문) end to end: the Broker interface → the KIS adapter → the KIS
sandbox on loopback, through release at the open and the fill; and the capability's
``NotSupported`` where a broker or environment has none."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta
from pathlib import Path

import pytest

import yeouido
from yeouido.brokers.kis.reservations import parse_reservation
from yeouido.model.enums import OrderType, Session, Side
from yeouido.model.errors import InvalidInput, InvalidPrice, NotSupported, OrderNotOpen

from .conftest import kis_session

CODE = "005930"


def test_reserve_list_cancel_then_release_and_fill_at_the_open(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path, speed=None, start=time(7, 0)) as (sandbox, broker):
            assert broker.capabilities.reservations
            market = sandbox.account.office.market
            low, high = (int(x) for x in sandbox.account.office.exchange.references[CODE].limits)  # type: ignore[union-attr]
            kept = await broker.reserve(CODE, "buy", 3, high)
            assert kept.status == "waiting" and kept.reservation_id.isdigit()
            assert (kept.code, kept.side, kept.quantity, kept.price) == (CODE, Side.BUY, 3, high)
            assert kept.order_type is OrderType.LIMIT and kept.order_day == market.day
            until = market.day + timedelta(days=3)
            period = await broker.reserve(CODE, "buy", 1, low, end_day=until)
            assert period.end_day == until
            dropped = await broker.reserve(CODE, Side.BUY, 1, None, "market")
            assert dropped.order_type is OrderType.MARKET and dropped.price is None
            canceled = await broker.cancel_reservation(dropped.reservation_id)
            assert canceled.status == "canceled"
            listed = {r.reservation_id: r.status for r in await broker.reservations()}
            assert listed == {
                kept.reservation_id: "waiting",
                period.reservation_id: "waiting",
                dropped.reservation_id: "canceled",
            }
            sent_before = len(sandbox.requests("order-resv"))
            with pytest.raises(NotSupported, match="reservations take"):
                await broker.reserve(CODE, "buy", 1, high, "best_opposite")
            with pytest.raises(InvalidPrice):
                await broker.reserve(CODE, "buy", 1, high - 1)
            with pytest.raises(InvalidInput, match="end_day"):
                await broker.reserve(CODE, "buy", 1, high, end_day=market.day)
            assert len(sandbox.requests("order-resv")) == sent_before  # refused before sending
            # the open: released at 08:30, traded in the opening auction at 09:00
            market.advance_to(market.now.replace(hour=8, minute=30, second=5))
            await asyncio.sleep(0.05)
            market.advance_to(market.now.replace(hour=9, minute=1))
            await asyncio.sleep(0.05)
            after = {r.reservation_id: r for r in await broker.reservations()}
            assert after[kept.reservation_id].status == "sent"
            assert after[kept.reservation_id].order_id
            assert after[kept.reservation_id].filled_quantity == 3
            assert after[period.reservation_id].status == "sent"
            positions = {p.code: p.quantity for p in await broker.positions()}
            assert positions.get(CODE) == 3
            with pytest.raises(OrderNotOpen):
                await broker.cancel_reservation(kept.reservation_id)

    asyncio.run(scenario())


def test_mock_environment_and_paper_raise_not_supported_naming_the_capability(
    tmp_path: Path,
) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path, env="mock", speed=None, start=time(7, 0)) as (
            sandbox,
            broker,
        ):
            with pytest.raises(NotSupported, match="real-only") as caught:
                await broker.reserve(CODE, "buy", 1, 50_000)
            assert caught.value.field == "reservations"
            with pytest.raises(NotSupported):
                await broker.reservations()
            assert sandbox.requests("order-resv") == []

    asyncio.run(scenario())
    paper = yeouido.connect("paper", data_dir=tmp_path / "paper", speed=None, seed=3)
    try:
        assert not paper.capabilities.reservations
        assert paper.capabilities.to_dict()["reservations"] is False
        with pytest.raises(NotSupported, match="reservation") as caught:
            paper.reserve(CODE, "buy", 1, 50_000)
        assert caught.value.field == "reservations"
        with pytest.raises(NotSupported):
            paper.cancel_reservation("1")
    finally:
        paper.close()


def test_reservation_rows_parse_with_kis_spellings() -> None:
    row = {
        "rsvn_ord_seq": "17", "rsvn_ord_ord_dt": "20261207", "rsvn_ord_rcit_dt": "20261204",
        "pdno": "005930", "ord_dvsn_cd": "05", "ord_rsvn_qty": "10", "tot_ccld_qty": "0",
        "odno": "", "sll_buy_dvsn_cd": "01", "ord_rsvn_unpr": "0", "prcs_rslt": "미처리",
        "rsvn_end_dt": "", "rjct_rson2": "",
    }  # fmt: skip
    parsed = parse_reservation(row)
    assert (parsed.reservation_id, parsed.side, parsed.session) == (
        "17",
        Side.SELL,
        Session.PRE_OPEN_CLOSE,
    )
    assert parsed.status == "waiting" and parsed.order_id is None and parsed.price is None
    assert parse_reservation({**row, "prcs_rslt": "거부", "odno": "1"}).status == "rejected"
