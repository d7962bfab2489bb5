"""The paper broker and the KIS sandbox list any instrument of the master (not only the
simulation's starting universe): LG 003550 from the built-in master, CJ대한통운 000120 from a
downloaded one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

import yeouido
from tests.brokers.kis.conftest import eventually, kis_session
from yeouido.brokers.sync import Broker
from yeouido.data.master_update import update_master
from yeouido.exchange.simulation import DEFAULT_UNIVERSE
from yeouido.krx.master import default_master
from yeouido.model import OrderStatus, UnknownInstrument

MASTER_FILES = Path(__file__).resolve().parents[1] / "fixtures" / "kis-master"


@pytest.fixture
def downloaded_master(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A user data directory holding the master downloaded from the recorded KIS files."""
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path / "user"))
    default_master.cache_clear()
    update_master(MASTER_FILES.as_uri() + "/")
    yield
    default_master.cache_clear()


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    connection = yeouido.connect("paper", data_dir=tmp_path / "paper", speed=None, seed=5)
    yield connection
    connection.close()


def advance(broker: Broker, seconds: float) -> None:
    broker.run(broker.async_broker.advance(seconds))  # type: ignore[attr-defined]


def _trade_a_code_outside_the_universe(broker: Broker, code: str, reference: int) -> None:
    assert code not in DEFAULT_UNIVERSE
    quote = broker.quote(code)
    assert quote.previous_close == reference
    advance(broker, 120)  # the agents the listing brought quote both sides
    quote = broker.quote(code)
    assert quote.bid is not None and quote.ask is not None
    order = broker.buy(code, 3, price=quote.ask)
    advance(broker, 1)
    assert broker.order(order.order_id).status is OrderStatus.FILLED
    assert [(p.code, p.quantity) for p in broker.positions()] == [(code, 3)]


def test_paper_quotes_and_trades_lg_from_the_builtin_master(broker: Broker) -> None:
    _trade_a_code_outside_the_universe(broker, "003550", 79_300)


def test_paper_trades_a_code_only_the_downloaded_master_has(
    downloaded_master: None, broker: Broker
) -> None:
    _trade_a_code_outside_the_universe(broker, "000120", 84_000)


def test_paper_still_refuses_a_code_no_master_lists(broker: Broker) -> None:
    with pytest.raises(UnknownInstrument):
        broker.quote("999990")
    with pytest.raises(UnknownInstrument):
        broker.buy("999990", 1, price=10_000)


def test_the_kis_sandbox_quotes_and_fills_lg(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path) as (_, kis):
            quote = await kis.quote("003550")
            assert quote.previous_close == 79_300

            async def two_sided() -> bool:
                current = await kis.quote("003550")
                return current.bid is not None and current.ask is not None

            loop = asyncio.get_running_loop()
            deadline = loop.time() + 20
            while not await two_sided():
                assert loop.time() < deadline, "no quotes for 003550"
                await asyncio.sleep(0.2)
            ask = (await kis.quote("003550")).ask
            assert ask is not None
            order = await kis.buy("003550", 2, price=ask)
            current = await kis.order(order.order_id)
            await eventually(lambda: current.status is OrderStatus.FILLED, timeout=20)

    asyncio.run(scenario())
