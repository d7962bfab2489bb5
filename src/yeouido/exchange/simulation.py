"""A market that moves by itself: a simulated exchange for one trading day, driven by agents.

:class:`MarketSimulation` owns an :class:`~yeouido.exchange.venue.Exchange`, a set of agents
(see :mod:`yeouido.exchange.agents`: liquidity providers, noise traders and momentum traders
for each instrument) and a heap of their wake-ups. :meth:`MarketSimulation.run_until`
interleaves agent actions and the exchange's own timers strictly in time order, so the same
seed gives the same event sequence, byte for byte. A user (or a strategy) trades on
``simulation.exchange`` between calls to ``run_until``, like on a real venue.

By default the universe is about 30 instruments of the built-in master (KOSPI200 and KOSDAQ
stocks, index and leveraged/inverse ETFs) at their built-in reference prices, on the next KRX
trading day; :func:`base_prices_from_csv_dir` opens it at real last closes instead.
"""

from __future__ import annotations

import csv
import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import count
from pathlib import Path

from yeouido.exchange.agents import (
    Agent,
    DayTimes,
    FairValueModel,
    LiquidityProvider,
    MomentumTrader,
    NoiseTrader,
    RandomWalkFairValue,
)
from yeouido.exchange.events import ExchangeEvent, TradePrinted, datetime_to_ts, ts_to_datetime
from yeouido.exchange.venue import Exchange
from yeouido.krx.calendar import is_trading_day, next_trading_day
from yeouido.krx.master import InstrumentMaster, default_master
from yeouido.krx.sessions import Phase
from yeouido.krx.ticks import round_price
from yeouido.model.enums import Side, Venue
from yeouido.model.errors import InvalidInput
from yeouido.model.instrument import Instrument
from yeouido.model.time import now_seoul

DEFAULT_UNIVERSE: tuple[str, ...] = (
    # KOSPI200 stocks
    "005930",
    "000660",
    "373220",
    "207940",
    "005380",
    "000270",
    "068270",
    "105560",
    "055550",
    "035420",
    "035720",
    "005490",
    "012450",
    "042660",
    "034020",
    "015760",
    # KOSDAQ stocks
    "247540",
    "086520",
    "196170",
    "028300",
    "277810",
    "293490",
    # ETFs: index, leveraged and inverse
    "069500",
    "102110",
    "122630",
    "114800",
    "252670",
    "229200",
    "233740",
    "251340",
)
"""The default universe: 16 KOSPI200 stocks, 6 KOSDAQ stocks, 8 ETFs (incl. ±2x)."""


@dataclass(frozen=True, slots=True)
class AgentMix:
    """How many agents of each kind trade each instrument."""

    liquidity_providers: int = 1
    noise_traders: int = 2
    momentum_traders: int = 1


def default_universe(master: InstrumentMaster | None = None) -> list[Instrument]:
    """The instruments of :data:`DEFAULT_UNIVERSE` that the master lists, in that order."""
    master = master or default_master()
    return [master.get(code) for code in DEFAULT_UNIVERSE if code in master]


def default_day(today: date | None = None) -> date:
    """The next KRX trading day on or after ``today`` (default: today in Seoul)."""
    day = today or now_seoul().date()
    return day if is_trading_day(day) else next_trading_day(day)


def base_prices_from_csv_dir(
    path: str | Path, master: InstrumentMaster | None = None
) -> dict[str, int]:
    """The last close of every ``CODE.csv`` of daily bars in ``path`` (columns
    ``date,open,high,low,close,volume,ticker,code,name,interval``), rounded to the nearest
    tick of the instrument (historical adjusted prices may be off the tick grid).

    Codes the master does not list are rounded with the stock tick table.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise InvalidInput.for_field("path", str(path), "must be a directory of CODE.csv files")
    master = master or default_master()
    prices: dict[str, int] = {}
    for file in sorted(directory.glob("*.csv")):
        close = _last_close(file)
        if close is None:
            continue
        code = file.stem
        table = master.get(code).tick_table if code in master else "stock"
        if code in master:
            code = master.get(code).code
        prices[code] = int(round_price(close, table, "nearest"))
    return prices


def _last_close(file: Path) -> float | None:
    with file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in reversed(rows):
        text = (row.get("close") or "").strip()
        if text:
            value = float(text)
            if value > 0:
                return value
    return None


class MarketSimulation:
    """One simulated KRX trading day whose market moves by itself.

    ``instruments`` default to :func:`default_universe` (or to the codes of ``base_prices``
    when only those are given); ``base_prices`` to the master's reference prices; ``day`` to
    :func:`default_day`. ``agents_per_instrument`` sets the agent mix; ``fair_values`` replaces
    the default :class:`~yeouido.exchange.agents.RandomWalkFairValue` (``volatility`` and
    ``jumps`` scale its moves). ``nxt`` lists the NXT books too (agents trade on KRX only);
    ``record`` keeps every event in ``exchange.events``.

    Attributes: ``exchange``, ``times`` (:class:`~yeouido.exchange.agents.DayTimes`), ``fair``,
    ``agents``, ``counts`` (events by kind).
    """

    def __init__(
        self,
        instruments: Iterable[Instrument] | None = None,
        base_prices: Mapping[str, int] | None = None,
        day: date | None = None,
        seed: int = 0,
        agents_per_instrument: AgentMix | None = None,
        *,
        fair_values: FairValueModel | None = None,
        volatility: float = 1.0,
        jumps: float = 1.0,
        nxt: bool = False,
        record: bool = False,
        late_prices: Callable[[str], int | None] | None = None,
    ) -> None:
        master = default_master()
        self._late_prices = late_prices
        if instruments is None:
            if base_prices is not None:
                instruments = [master.get(code) for code in base_prices]
            else:
                instruments = default_universe(master)
        listed = {instrument.code: instrument for instrument in instruments}
        prices: dict[str, int] = {}
        for code in listed:
            price = base_prices.get(code) if base_prices is not None else None
            if price is None:
                price = master.reference_price(code) if code in master else None
            if price is None:
                raise InvalidInput.for_field("base_prices", code, "needs a base price")
            prices[code] = int(price)
        self.day = day or default_day()
        self.seed = seed
        self.mix = agents_per_instrument or AgentMix()
        self.exchange = Exchange(
            listed.values(), prices, self.day, seed=seed, nxt=nxt, record=record
        )
        self.times = DayTimes.for_day(self.day)
        self.instruments = listed
        self.base_prices = prices
        limits = {
            code: (int(book.lower_limit), int(book.upper_limit))
            for code, book in ((code, self.exchange.regular_book(code)) for code in listed)
        }
        self.fair: FairValueModel = fair_values or RandomWalkFairValue(
            listed,
            prices,
            limits,
            self.times.opening_auction,
            seed,
            volatility=volatility,
            jumps=jumps,
        )
        self._bounds: dict[str, tuple[int, int]] = {}
        for code, (lower, upper) in limits.items():
            extra = self.fair.bounds(code)
            if extra is not None:
                lower, upper = max(lower, extra[0]), min(upper, extra[1])
            self._bounds[code] = (lower, upper)
        self.agents: list[Agent] = []
        self.counts: Counter[str] = Counter()
        self._liquidity_owners: set[str] = set()
        self._wakeups: list[tuple[int, int, int]] = []
        self._order = count()
        self.exchange.subscribe(self._on_event)
        for code in listed:
            self.add_agents_for(code)
        self.exchange.lister = self.list_late

    def list_late(self, code: str) -> None:
        """List a code of the instrument master that the day started without (the exchange
        asks when the code is first quoted or ordered). Its base price is ``late_prices(code)``
        (e.g. the last close in the bar store) or the master's reference price, on the tick;
        a code with neither stays unlisted. The fair-value model follows it from now on when
        it can, and it gets the usual mix of agents."""
        master = default_master()
        if code in self.exchange.instruments or code not in master:
            return
        instrument = master.get(code)
        if instrument.code != code or instrument.is_derivative:
            return
        price = self._late_prices(code) if self._late_prices is not None else None
        if price is None:
            price = master.reference_price(code)
        if price is None or price <= 0:
            return
        price = int(round_price(price, instrument.tick_table, "nearest"))
        self.exchange.list_instrument(instrument, price)
        self.instruments[code] = instrument
        self.base_prices[code] = price
        book = self.exchange.regular_book(code)
        limits = (int(book.lower_limit), int(book.upper_limit))
        add = getattr(self.fair, "add", None)
        if add is None:
            return  # a fair-value model that cannot follow new codes: listed, no agents
        add(instrument, price, limits, self.exchange.now_ts)
        extra = self.fair.bounds(code)
        if extra is not None:
            limits = (max(limits[0], extra[0]), min(limits[1], extra[1]))
        self._bounds[code] = limits
        self.add_agents_for(code)

    # ------------------------------------------------------------------ agents
    def add_agents_for(self, code: str) -> None:
        """Create the :class:`AgentMix` of agents for ``code``."""
        mix, seed = self.mix, self.seed
        for index in range(mix.liquidity_providers):
            self.add_agent(LiquidityProvider(f"lp-{code}-{index}", code, seed))
        for index in range(mix.noise_traders):
            self.add_agent(NoiseTrader(f"noise-{code}-{index}", code, seed))
        for index in range(mix.momentum_traders):
            self.add_agent(MomentumTrader(f"momentum-{code}-{index}", code, seed))

    def add_agent(self, agent: Agent, first_wake: int | None = None) -> None:
        """Add ``agent``; it first wakes at ``first_wake`` (default: its own choice)."""
        self.agents.append(agent)
        if isinstance(agent, LiquidityProvider):
            self._liquidity_owners.add(agent.owner)
        at = first_wake if first_wake is not None else agent.first_wake(self)
        if at is not None:
            heapq.heappush(self._wakeups, (at, next(self._order), len(self.agents) - 1))

    def price_bounds(self, code: str) -> tuple[int, int]:
        """The daily limits of ``code``, narrowed by the fair-value model's bounds."""
        return self._bounds[code]

    # ------------------------------------------------------------------ running
    def run_until(self, until: int | datetime) -> None:
        """Run agents and exchange timers in time order up to ``until`` (ns or datetime)."""
        target = until if isinstance(until, int) else datetime_to_ts(until)
        heap = self._wakeups
        agents = self.agents
        exchange = self.exchange
        while heap and heap[0][0] <= target:
            at, _, index = heapq.heappop(heap)
            exchange.advance_to(at)
            following = agents[index].wake(self)
            if following is not None:
                following = max(following, exchange.now_ts + 1)
                heapq.heappush(heap, (following, next(self._order), index))
        exchange.advance_to(target)

    def run_for(self, seconds: float) -> None:
        """Run ``seconds`` of simulated time from now."""
        self.run_until(self.exchange.now_ts + int(seconds * 1_000_000_000))

    def run_day(self, until: int | datetime | None = None) -> None:
        """Run to ``until`` (default: the end of the KRX day, 18:00)."""
        self.run_until(self.times.day_end if until is None else until)

    # ------------------------------------------------------------------ progress
    @property
    def now_ts(self) -> int:
        """The exchange time in ns since the epoch."""
        return self.exchange.now_ts

    @property
    def now(self) -> datetime:
        """The exchange time (aware, Seoul)."""
        return ts_to_datetime(self.exchange.now_ts)

    @property
    def phase(self) -> Phase:
        """The KRX venue-wide phase now."""
        return self.exchange.venue_phase[Venue.KRX]

    @property
    def next_wake_ts(self) -> int | None:
        """When the next agent acts, if any agent is still active."""
        return self._wakeups[0][0] if self._wakeups else None

    def _on_event(self, event: ExchangeEvent) -> None:
        kind = event.kind
        self.counts[kind] += 1
        if kind == "trade":
            assert isinstance(event, TradePrinted)
            aggressor = event.aggressor
            if aggressor is None:
                return
            owner = event.buy_owner if aggressor is Side.BUY else event.sell_owner
            if owner in self._liquidity_owners:
                return
            notional = float(event.price * event.quantity)
            self.fair.on_trade(event.code, notional if aggressor is Side.BUY else -notional)
