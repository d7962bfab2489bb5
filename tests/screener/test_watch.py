"""The live watch: forming daily bars from trades, events on truth changes, day rollover, and
an end-to-end run on the in-process paper broker."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import yeouido
from yeouido.model import Trade
from yeouido.model.time import SEOUL
from yeouido.screener.watch import Watch, WatchEvent

DAY = dt.date(2024, 3, 4)


def _history(closes: list[float], last_day: dt.date = DAY) -> pd.DataFrame:
    dates = pd.bdate_range(end=pd.Timestamp(last_day), periods=len(closes))
    return pd.DataFrame(
        {
            "open": closes,
            "high": [c + 10 for c in closes],
            "low": [c - 10 for c in closes],
            "close": closes,
            "volume": [1000.0] * len(closes),
        },
        index=dates,
    )


def _trade(code: str, price: int, quantity: int = 10, day: dt.date = DAY, second: int = 0) -> Trade:
    moment = dt.datetime.combine(day, dt.time(9, 30, second), tzinfo=SEOUL)
    return Trade(code, moment, price, quantity)


class FakeSource:
    """A market source for unit tests: records subscriptions, replays trades."""

    def __init__(self) -> None:
        self.callbacks: list[tuple[list[str], Callable[[Any], None]]] = []

    def on_market(
        self, codes: Iterable[str], callback: Callable[[Any], None], kinds: Iterable[str] = ()
    ) -> Callable[[], None]:
        entry = (list(codes), callback)
        self.callbacks.append(entry)
        return lambda: self.callbacks.remove(entry)

    def send(self, trade: Trade) -> None:
        for codes, callback in list(self.callbacks):
            if trade.code in codes:
                callback(trade)


def test_trades_form_a_new_daily_bar_and_emit_on_changes() -> None:
    history = {"A": _history([100.0] * 5, DAY - dt.timedelta(days=1))}
    watch = Watch(history, instruments={"A": {"code": "A"}})
    watch.add("up", "change > 0.5", ["A"])
    events: list[WatchEvent] = []
    watch.on_event(events.append)
    source = FakeSource()
    watch.start(source)
    assert events == []  # the last history bar is flat
    assert source.callbacks[0][0] == ["A"]

    source.send(_trade("A", 100))
    source.send(_trade("A", 101, second=1))  # +1%
    assert [(e.kind, e.code, e.strategy) for e in events] == [("entered", "A", "up")]
    assert events[0].values == {"change": pytest.approx(1.0)}
    source.send(_trade("A", 102, second=2))  # still true: no event
    source.send(_trade("A", 100, second=3))
    assert [e.kind for e in events] == ["entered", "exited"]
    assert watch.forming_bar("A") == (DAY, (100.0, 102.0, 100.0, 100.0, 40.0))
    assert watch.evaluations("A") == 4


def test_a_new_day_commits_the_previous_bar() -> None:
    watch = Watch({"A": _history([100.0] * 3)}, instruments={"A": {}})
    watch.add("up", "change > 0.5 and close[1] > 100", ["A"])
    events: list[WatchEvent] = []
    watch.on_event(events.append)
    watch.start(FakeSource())
    watch.on_trade(_trade("A", 110))  # same day as the last history bar: it continues
    assert watch.forming_bar("A") == (DAY, (100.0, 110.0, 90.0, 110.0, 1010.0))
    assert events == []  # close[1] is 100
    tomorrow = DAY + dt.timedelta(days=1)
    watch.on_trade(_trade("A", 112, day=tomorrow))  # commits 110; change = +1.8%
    assert [e.kind for e in events] == ["entered"]
    assert watch.forming_bar("A") == (tomorrow, (112.0, 112.0, 112.0, 112.0, 10.0))
    assert watch.active("up") == ["A"]


def test_initial_state_is_entered_once_or_recorded_silently() -> None:
    history = {"A": _history([100.0, 101.0, 103.0]), "B": _history([100.0, 100.0, 99.0])}
    fields: dict[str, dict[str, object]] = {"A": {}, "B": {}}
    loud = Watch(history, instruments=fields)
    loud.add("up", "change > 0.5", ["A", "B"])
    seen: list[WatchEvent] = []
    loud.on_event(seen.append)
    loud.start(FakeSource())
    assert [(e.code, e.kind) for e in seen] == [("A", "entered")]

    quiet = Watch(history, instruments=fields)
    quiet.add("up", "change > 0.5", ["A", "B"])
    heard: list[WatchEvent] = []
    quiet.on_event(heard.append)
    initial = quiet.initialize(emit=False)
    assert [(e.code, e.kind) for e in initial] == [("A", "entered")]
    assert heard == []
    assert quiet.active("up") == ["A"]


def test_only_the_traded_instrument_is_re_evaluated() -> None:
    codes = ["A", "B", "C"]
    watch = Watch({c: _history([100.0] * 30) for c in codes}, instruments={c: {} for c in codes})
    watch.add("one", "rsi(close, 14) > 50", codes)
    watch.add("two", "close > sma(close, 5)", codes[:2])
    watch.start(FakeSource())
    for second in range(5):
        watch.on_trade(_trade("B", 100 + second, second=second))
    assert watch.evaluations("A") == 0
    assert watch.evaluations("B") == 10
    assert watch.evaluations("C") == 0
    watch.on_trade(_trade("Z", 100))  # not watched
    assert watch.evaluations("Z") == 0


def test_events_async_iterator_yields_events() -> None:
    async def run() -> list[WatchEvent]:
        watch = Watch({"A": _history([100.0] * 3)}, instruments={"A": {}})
        watch.add("up", "close > 105", ["A"])
        watch.start(FakeSource())
        received: list[WatchEvent] = []

        async def consume() -> None:
            async for event in watch.events():
                received.append(event)
                if len(received) == 2:
                    return

        task = asyncio.create_task(consume())
        await asyncio.sleep(0)
        watch.on_trade(_trade("A", 110))
        watch.on_trade(_trade("A", 100, second=1))
        await asyncio.wait_for(task, 1)
        return received

    assert [e.kind for e in asyncio.run(run())] == ["entered", "exited"]


# -- end to end on the paper broker -----------------------------------------------------------


def test_watch_on_the_paper_broker_emits_events_matching_the_formed_bar(tmp_path: Path) -> None:
    asyncio.run(_paper_watch(tmp_path))


async def _paper_watch(tmp_path: Path) -> None:
    broker: Any = await yeouido.connect_async("paper", data_dir=tmp_path, speed=None, seed=11)
    try:
        exchange = broker.office.market.simulation.exchange
        all_codes = sorted(exchange.instruments)
        codes, unwatched = all_codes[:4], all_codes[4]
        history: dict[str, pd.DataFrame] = {}
        previous_close: dict[str, float] = {}
        formed: dict[str, list[float]] = {}
        for code in codes:
            today = (await broker.bars(code, "1d")).iloc[[-1]]  # the simulated day's bar only
            row = today.iloc[-1]
            # yesterday's close puts today's prices right around +0.5%
            before = float(row["open"]) / 1.005
            previous_close[code] = before
            past = _history([before] * 20, today.index[-1].date() - dt.timedelta(days=1))
            past.index = pd.DatetimeIndex(past.index).tz_localize(SEOUL)
            history[code] = pd.concat([past, today])
            formed[code] = [float(row[name]) for name in ("open", "high", "low", "close", "volume")]

        trades: dict[str, int] = {code: 0 for code in [*codes, unwatched]}

        def track(trade: Any) -> None:  # subscribed first: runs before the watch
            if not isinstance(trade, Trade):
                return
            trades[trade.code] += 1
            if trade.code in formed:
                bar = formed[trade.code]
                price = float(trade.price)
                bar[1] = max(bar[1], price)
                bar[2] = min(bar[2], price)
                bar[3] = price
                bar[4] += trade.quantity

        broker.on_market([*codes, unwatched], track, ("trades",))
        watch = Watch(history)
        watch.add("up", "change > 0.5", codes)
        watch.add("green", "close > open", codes[1:])
        checked: list[WatchEvent] = []

        def check(event: WatchEvent) -> None:
            bar = formed[event.code]
            assert watch.forming_bar(event.code) == (event.time.date(), tuple(bar))
            if event.strategy == "up":
                truth = (bar[3] / previous_close[event.code] - 1) * 100 > 0.5
                assert event.values["change"] == pytest.approx(
                    (bar[3] / previous_close[event.code] - 1) * 100
                )
            else:
                truth = bar[3] > bar[0]
                assert event.values == {"close": bar[3], "open": bar[0]}
            assert truth is (event.kind == "entered")
            checked.append(event)

        watch.on_event(check)
        watch.start(broker, emit_initial=False)
        for _ in range(8):
            await broker.advance(15)
        kinds = {(event.strategy, event.kind) for event in checked}
        assert {("up", "entered"), ("up", "exited")} <= kinds
        assert {("green", "entered"), ("green", "exited")} <= kinds
        assert sum(trades.values()) > 0
        assert trades[unwatched] > 0
        for code in codes:
            per_trade = 1 if code == codes[0] else 2
            assert watch.evaluations(code) == per_trade * trades[code]
        assert watch.evaluations(unwatched) == 0
        assert np.isfinite(watch.forming_bar(codes[0])[1][3])  # type: ignore[index]
        watch.stop()
    finally:
        await broker.close()
