"""The after-hours order variants through the KIS adapter: ``ORD_DVSN`` 06 (장후 시간외
종가) is sent as KIS expects it, and 07 (시간외 단일가) is refused before 16:00 by the
session check, before anything is sent."""

from __future__ import annotations

import asyncio
from datetime import time
from pathlib import Path

import pytest

from yeouido.model.enums import Session
from yeouido.model.errors import SessionClosed

from .conftest import kis_session

CODE = "005930"


def test_after_hours_close_order_goes_out_as_ord_dvsn_06(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path, speed=None, start=time(15, 45)) as (sandbox, broker):
            quote = await broker.quote(CODE)
            assert quote.last is not None
            order = await broker.buy(CODE, 1, price=quote.last, session="after_hours_close")
            assert order.request.session is Session.AFTER_HOURS_CLOSE
            (record,) = sandbox.account.records
            assert (record.division.code, record.division.name) == ("06", "장후 시간외")
            sent = len(sandbox.requests("order-cash"))
            with pytest.raises(SessionClosed, match="after_hours_single"):
                await broker.buy(CODE, 1, price=quote.last, session="after_hours_single")
            assert len(sandbox.requests("order-cash")) == sent

    asyncio.run(scenario())
