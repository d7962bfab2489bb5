"""The self-moving market: agents, determinism, price validity, liquidity, sessions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.exchange.helpers import DAY, at
from yeouido.exchange import OrderAccepted, TradePrinted, ViStarted
from yeouido.exchange.agents import DayTimes, LiquidityProvider, to_tick, trading_mode
from yeouido.exchange.simulation import (
    AgentMix,
    MarketSimulation,
    base_prices_from_csv_dir,
    default_day,
    default_universe,
)
from yeouido.krx import default_master, is_on_tick, is_trading_day
from yeouido.krx.sessions import Phase
from yeouido.model import InstrumentKind, Market

CODES = ("005930", "247540", "122630")  # KOSPI200 stock, KOSDAQ stock, 2x ETF


def small_simulation(seed: int = 3, **kwargs: object) -> MarketSimulation:
    master = default_master()
    return MarketSimulation(
        [master.get(code) for code in CODES],
        day=DAY,
        seed=seed,
        record=True,
        **kwargs,  # type: ignore[arg-type]
    )


@dataclass
class DayRun:
    simulation: MarketSimulation
    two_sided: dict[str, float]


@pytest.fixture(scope="module")
def day_run() -> DayRun:
    """Three instruments through a whole regular session, sampling the books every 30 s."""
    simulation = small_simulation()
    samples = {code: [0, 0] for code in CODES}
    step = 30 * 1_000_000_000
    ts = simulation.times.continuous + 60 * 1_000_000_000
    while ts < simulation.times.closing_auction:
        simulation.run_until(ts)
        for code in CODES:
            book = simulation.exchange.regular_book(code)
            if book.phase is Phase.CONTINUOUS:
                samples[code][1] += 1
                if book.bids.best() is not None and book.asks.best() is not None:
                    samples[code][0] += 1
        ts += step
    simulation.run_day()
    return DayRun(simulation, {code: hit / total for code, (hit, total) in samples.items()})


def records(simulation: MarketSimulation) -> str:
    assert simulation.exchange.events is not None
    return json.dumps([event.to_record() for event in simulation.exchange.events])


def test_same_seed_same_events_byte_for_byte() -> None:
    runs = []
    for seed in (11, 11, 12):
        simulation = small_simulation(seed)
        simulation.run_until(at(9, 5))
        runs.append(records(simulation))
    first, second, other = runs
    assert first == second
    assert len(first) > 10_000
    assert first != other


def test_every_trade_on_tick_within_limits(day_run: DayRun) -> None:
    exchange = day_run.simulation.exchange
    assert exchange.events is not None
    trades = [event for event in exchange.events if isinstance(event, TradePrinted)]
    assert trades
    for trade in trades:
        book = exchange.regular_book(trade.code)
        assert isinstance(trade.price, int)
        assert is_on_tick(trade.price, book.tick_table)
        assert book.lower_limit <= trade.price <= book.upper_limit


def test_every_instrument_trades_and_opens_in_the_auction(day_run: DayRun) -> None:
    exchange = day_run.simulation.exchange
    assert exchange.events is not None
    for code in CODES:
        trades = [e for e in exchange.events if isinstance(e, TradePrinted) and e.code == code]
        assert len(trades) > 100, code
        book = exchange.regular_book(code)
        assert book.open_price is not None
        # The opening price comes from the opening auction's uncross (no aggressor).
        first = trades[0]
        assert first.aggressor is None
        assert first.price == book.open_price
        assert day_run.simulation.times.continuous <= first.ts
        assert first.ts <= day_run.simulation.times.continuous + 31 * 1_000_000_000
        assert code in exchange.day_close


def test_books_are_two_sided_most_of_continuous_trading(day_run: DayRun) -> None:
    for code, fraction in day_run.two_sided.items():
        assert fraction >= 0.8, (code, fraction)


def test_agents_stop_at_the_close(day_run: DayRun) -> None:
    simulation = day_run.simulation
    assert simulation.exchange.events is not None
    accepted = [e for e in simulation.exchange.events if isinstance(e, OrderAccepted)]
    assert all(event.ts < simulation.times.close for event in accepted)
    assert simulation.next_wake_ts is None
    submitted = sum(agent.submitted for agent in simulation.agents)
    rejected = sum(agent.rejected for agent in simulation.agents)
    assert submitted >= len(accepted) >= submitted - rejected
    owners = {agent.owner for agent in simulation.agents}
    assert {event.owner for event in accepted} <= owners
    assert any(isinstance(agent, LiquidityProvider) for agent in simulation.agents)
    assert simulation.counts["order_accepted"] == len(accepted)


def test_closing_auction_trades(day_run: DayRun) -> None:
    simulation = day_run.simulation
    assert simulation.exchange.events is not None
    closing = [
        e
        for e in simulation.exchange.events
        if isinstance(e, TradePrinted) and e.ts >= simulation.times.close
    ]
    assert {trade.code for trade in closing} == set(CODES)
    assert all(trade.aggressor is None for trade in closing)


def test_jumps_cause_volatility_interruptions() -> None:
    master = default_master()
    simulation = MarketSimulation([master.get("005930")], day=DAY, seed=2, jumps=40.0, record=True)
    simulation.run_until(at(10, 30))
    assert simulation.exchange.events is not None
    assert any(isinstance(e, ViStarted) for e in simulation.exchange.events)
    assert simulation.counts["vi_start"] >= 1


def test_progress_helpers() -> None:
    simulation = small_simulation(agents_per_instrument=AgentMix(1, 1, 0))
    assert simulation.phase is Phase.CLOSED
    simulation.run_until(at(8, 45))
    assert simulation.now == at(8, 45)
    assert simulation.phase is Phase.OPENING_AUCTION
    simulation.run_for(20 * 60)
    assert simulation.phase is Phase.CONTINUOUS
    assert len(simulation.agents) == 2 * len(CODES)
    book = simulation.exchange.regular_book(CODES[0])
    assert trading_mode(book) in ("continuous", "auction")


def test_default_universe_and_day() -> None:
    universe = default_universe()
    assert 28 <= len(universe) <= 32
    kinds = {(item.market, item.kind) for item in universe}
    assert (Market.KOSDAQ, InstrumentKind.STOCK) in kinds
    assert any(item.kospi200 for item in universe)
    assert {item.leverage for item in universe if item.kind is InstrumentKind.ETF} >= {1, 2, -1}
    assert is_trading_day(default_day())
    assert default_day(DAY) == DAY
    times = DayTimes.for_day(DAY)
    assert times.opening_auction < times.continuous < times.closing_auction < times.close


def test_to_tick_stays_inside_bounds() -> None:
    assert to_tick(97_949.0, "stock", "down", 70_000, 120_000) == 97_900
    assert to_tick(97_901.0, "stock", "up", 70_000, 120_000) == 98_000
    assert to_tick(4_998.0, "stock", "up", 1_000, 9_000) == 5_000
    assert to_tick(500_000.0, "stock", "up", 70_000, 120_000) == 120_000
    assert to_tick(1.0, "stock", "down", 70_000, 120_000) == 70_000


def test_base_prices_from_csv_dir(krx_daily_dir: Path) -> None:
    prices = base_prices_from_csv_dir(krx_daily_dir)
    assert len(prices) == 27
    assert prices["005930"] == 75_900
    master = default_master()
    for code, price in prices.items():
        assert is_on_tick(price, master.get(code).tick_table), code
    simulation = MarketSimulation(base_prices=prices, day=DAY)
    assert set(simulation.instruments) == set(prices)
    assert simulation.exchange.regular_book("005930").base_price == 75_900
