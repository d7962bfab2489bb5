"""An empty or short history is normal (minute bars before the open, on the KIS sandbox and the
paper market alike): the broker's bars are an empty Seoul-time frame, and the live runtime warms
up on what there is and says so."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from yeouido.brokers.base import BAR_INDEX_DTYPE
from yeouido.brokers.kis.parsing import parse_daily_bars, parse_minute_bars
from yeouido.brokers.paper.broker import bars_frame
from yeouido.brokers.sync import LoopThread
from yeouido.model.time import SEOUL
from yeouido.net.ratelimit import reset_rate_budgets
from yeouido.sandbox.kis.config import SandboxConfig
from yeouido.sandbox.kis.server import KisSandbox
from yeouido.strategy import Context, Strategy
from yeouido.strategy.runtime import run_live

from .conftest import broker_options, kis_session

SAMSUNG = "005930"


def test_no_rows_parse_to_an_empty_frame_comparable_with_aware_times() -> None:
    moment = datetime(2024, 3, 4, 9, 30, tzinfo=SEOUL)
    for frame in (parse_daily_bars([]), parse_minute_bars([]), bars_frame([])):
        assert frame.empty and frame.index.dtype == BAR_INDEX_DTYPE
        assert frame[frame.index >= moment].empty  # the comparison that used to raise
        assert all(dtype == "int64" for dtype in frame.dtypes)
    rows = [{"stck_bsop_date": "20240304", "stck_oprc": "100", "stck_clpr": "101"}]
    assert parse_daily_bars(rows).index.dtype == BAR_INDEX_DTYPE


def test_minute_bars_before_the_open_are_empty_not_an_error(tmp_path: Path) -> None:
    async def scenario() -> None:
        # The sandbox's simulated day, frozen at 08:40: no minute bar yet; the days before
        # it come from the synthetic history.
        config = {"start": time(8, 40), "codes": (SAMSUNG,), "speed": None}
        async with kis_session(tmp_path, **config) as (sandbox, broker):
            now = sandbox.account.office.market.now
            before = now - timedelta(days=1)
            minutes = await broker.bars(SAMSUNG, "1m", start=now - timedelta(minutes=201))
            assert minutes.empty and minutes.index.dtype == BAR_INDEX_DTYPE
            assert minutes.columns.tolist() == ["open", "high", "low", "close", "volume"]
            daily = await broker.bars(SAMSUNG, "1d", start=before - timedelta(days=300), end=before)
            assert len(daily) > 150 and daily.index.dtype == BAR_INDEX_DTYPE
            assert daily.index[-1].date() < now.date()
            today = await broker.bars(SAMSUNG, "1d", start=before)
            assert len(today) == 1 and today.index[0].date() == now.date()

    asyncio.run(scenario())


class Minutes(Strategy):
    interval = "1m"
    symbols = [SAMSUNG]

    def on_start(self, ctx: Context) -> None:
        self.history = len(ctx.history(SAMSUNG))


def test_live_runtime_warms_up_on_an_empty_kis_history(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="yeouido")
    reset_rate_budgets()
    loop = LoopThread()

    async def start() -> KisSandbox:
        config = SandboxConfig(
            env="mock",
            port=0,
            ws_port=0,
            codes=(SAMSUNG,),
            start=time(8, 40),
            speed=None,
            rate_limit=100,
        )
        sandbox = KisSandbox(config)
        await sandbox.start()
        return sandbox

    sandbox = loop.run(start())
    try:
        strategy = Minutes()
        summary = run_live(
            strategy,
            "kis",
            symbols=[SAMSUNG],
            broker_options=broker_options(sandbox, tmp_path, rate=50),
            duration=0.5,
            warmup=200,
            handle_signals=False,
        )
    finally:
        loop.run(sandbox.stop())
        loop.stop()
    assert summary.ok and summary.error is None and summary.on_start_ran
    assert strategy.history == 0
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("warm-up:")]
    assert line.startswith(f"warm-up: {SAMSUNG} 0 of 200 1m bars asked for")
    assert "warming up on what there is" in line


def test_the_paper_market_before_its_open_warms_up_on_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="yeouido")
    strategy = Minutes()
    options = {"data_dir": tmp_path, "codes": [SAMSUNG], "speed": 60, "start": time(8, 40)}
    summary = run_live(
        strategy,
        "paper",
        symbols=[SAMSUNG],
        broker_options=options,
        duration=0.5,
        warmup=50,
        handle_signals=False,
    )
    assert summary.ok and summary.error is None and strategy.history == 0
    assert any(
        r.getMessage().startswith(f"warm-up: {SAMSUNG} 0 of 50 1m bars asked for (")
        for r in caplog.records
    )


def test_the_adapter_pages_200_daily_bars_and_the_runtime_warms_up_on_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path / "user"))

    async def scenario() -> None:
        config = {"codes": (SAMSUNG,), "speed": None, "rate_limit": 1000}
        async with kis_session(tmp_path, **config) as (sandbox, broker):
            now = sandbox.account.office.market.now
            daily = await broker.bars(SAMSUNG, "1d", start=now - timedelta(days=320))
            past = sandbox.account.office.history.past(SAMSUNG)
            expected = [b for b in past if b.time >= now - timedelta(days=320)]
            assert len(daily) == len(expected) + 1 > 200  # three pages of 100 rows
            assert daily.index.is_unique and daily.index.is_monotonic_increasing
            assert daily["close"].tolist()[:-1] == [b.close for b in expected]
            assert daily.index[-1].date() == now.date()

    asyncio.run(scenario())

    caplog.set_level(logging.INFO, logger="yeouido")
    reset_rate_budgets()
    loop = LoopThread()

    async def start() -> KisSandbox:
        config = SandboxConfig(
            env="mock", port=0, ws_port=0, codes=(SAMSUNG,), speed=None, rate_limit=100
        )
        sandbox = KisSandbox(config)
        await sandbox.start()
        return sandbox

    sandbox = loop.run(start())
    try:
        strategy = Days()
        summary = run_live(
            strategy,
            "kis",
            symbols=[SAMSUNG],
            broker_options=broker_options(sandbox, tmp_path, rate=50),
            duration=0.5,
            warmup=200,
            handle_signals=False,
        )
    finally:
        loop.run(sandbox.stop())
        loop.stop()
    assert summary.ok and summary.error is None and strategy.history >= 200


class Days(Strategy):
    interval = "1d"
    symbols = [SAMSUNG]

    def on_start(self, ctx: Context) -> None:
        self.history = len(ctx.history(SAMSUNG))


def test_the_paper_broker_serves_the_same_history(tmp_path: Path) -> None:
    from yeouido.brokers.paper.broker import PaperBroker

    async def scenario() -> None:
        broker = PaperBroker(data_dir=tmp_path, codes=[SAMSUNG], speed=None, seed=9)
        await broker.start()
        try:
            office = broker._office()
            office.history.store = None  # the synthetic history, whatever the user stores
            office.history._past.clear()
            frame = await broker.bars(SAMSUNG, "1d")
            past = office.history.past(SAMSUNG)
            assert len(frame) == len(past) + 1 == 501
            assert int(frame["close"].iloc[-2]) == office.exchange.references[SAMSUNG].base_price
        finally:
            await broker.close()

    asyncio.run(scenario())
