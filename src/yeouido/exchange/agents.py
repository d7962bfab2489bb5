"""Agents that make the simulated market move by itself, and the fair values they trade on.

An agent is a plain object trading one instrument through the exchange's public methods
(``submit``, ``cancel``, ``modify``, ``orders``, ``regular_book``) under its own ``owner``
name. The driver (:class:`yeouido.exchange.simulation.MarketSimulation`) calls

- ``agent.first_wake(market) -> int | None`` once, for the first wake-up time (ns), and
- ``agent.wake(market) -> int | None`` at each wake-up, after moving the exchange clock to
  that time; the agent acts and returns when it wants to wake next (ns since the epoch), or
  ``None`` when it is done for the day.

``market`` is anything with the :class:`Market` attributes: the exchange, the day's
:class:`DayTimes`, a :class:`FairValueModel` and ``price_bounds(code)``. Agents catch every
:class:`~yeouido.model.errors.YeouidoError` (a refused order is part of market life), keep
every price on the tick and inside the bounds, send only limit and market day orders in call
auctions (the opening auction from 08:30, a VI, the closing auction) and stop at the close.

Randomness: each agent and each instrument's fair value has its own ``random.Random`` seeded
from a string (stable across processes), so a run is reproducible from its seed.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from yeouido.exchange.events import datetime_to_ts
from yeouido.exchange.regular import RegularBook
from yeouido.exchange.venue import Exchange
from yeouido.krx.sessions import Phase, schedule
from yeouido.krx.ticks import Direction, round_price, tick_size
from yeouido.model.enums import InstrumentKind, OrderType, Side, TimeInForce, Venue
from yeouido.model.errors import YeouidoError
from yeouido.model.instrument import Instrument
from yeouido.model.orders import OrderRequest

NS = 1_000_000_000
SECONDS_PER_DAY = 23_400.0
"""Seconds of regular trading (6.5 hours) that a daily volatility or jump rate refers to."""

CLOSED, AUCTION, CONTINUOUS = "closed", "auction", "continuous"
BUY, SELL = Side.BUY, Side.SELL


# ---------------------------------------------------------------------- the day and the market
@dataclass(frozen=True, slots=True)
class DayTimes:
    """The KRX moments of one day that agents care about, in ns since the epoch."""

    opening_auction: int
    """Orders for the opening auction are taken from here (08:30)."""
    continuous: int
    """Continuous trading starts (09:00; each instrument's uncross is up to 30 s later)."""
    closing_auction: int
    """The closing auction starts (15:20)."""
    close: int
    """The regular session ends (15:30): agents stop here."""
    day_end: int
    """The last KRX phase ends (18:00)."""

    @classmethod
    def for_day(cls, day: date) -> DayTimes:
        """The times of ``day`` (a KRX trading day; special days shift them)."""
        windows = {window.phase: window for window in schedule(day, Venue.KRX).phases}

        def ts(moment: datetime) -> int:
            return datetime_to_ts(moment)

        opening = windows[Phase.OPENING_AUCTION]
        closing = windows[Phase.CLOSING_AUCTION]
        last = max(window.end for window in windows.values())
        return cls(
            opening_auction=ts(opening.start),
            continuous=ts(windows[Phase.CONTINUOUS].start),
            closing_auction=ts(closing.start),
            close=ts(closing.end),
            day_end=ts(last),
        )


class FairValueModel(Protocol):
    """Where each instrument 'should' trade: the anchor of the liquidity providers."""

    def value(self, code: str, ts: int) -> float:
        """The fair value of ``code`` at ``ts`` (times are asked in non-decreasing order)."""
        ...

    def on_trade(self, code: str, signed_notional: float) -> None:
        """An aggressive trade by a non-liquidity agent: + for buys, - for sells (KRW)."""
        ...

    def bounds(self, code: str) -> tuple[int, int] | None:
        """Extra price bounds of ``code`` (on the tick), if the model has any."""
        ...


class Market(Protocol):
    """What an agent sees: the exchange, the day's times, fair values and price bounds."""

    exchange: Exchange
    times: DayTimes
    fair: FairValueModel

    def price_bounds(self, code: str) -> tuple[int, int]:
        """The lowest and highest price (on the tick) an agent may quote for ``code``."""
        ...


def trading_mode(book: RegularBook) -> str:
    """``"continuous"``, ``"auction"`` (opening, closing or VI call auction) or ``"closed"``."""
    if book.halted:
        return CLOSED
    phase = book.phase
    if phase is Phase.CONTINUOUS:
        return AUCTION if book.auction else CONTINUOUS
    if phase is Phase.OPENING_AUCTION or phase is Phase.CLOSING_AUCTION:
        return AUCTION
    return CLOSED


def tick_up(price: int, table: str) -> int:
    """The next price on the tick above ``price``."""
    return price + int(tick_size(price, table))


def tick_down(price: int, table: str) -> int:
    """The next price on the tick below ``price`` (``price`` itself at the bottom)."""
    return int(round_price(price - 1, table, "down")) if price > 1 else price


def to_tick(value: float, table: str, direction: Direction, lower: int, upper: int) -> int:
    """``value`` rounded to the tick (``"down"``, ``"up"`` or ``"nearest"``) inside
    ``[lower, upper]`` (both on the tick)."""
    if value <= lower:
        return lower
    if value >= upper:
        return upper
    if direction == "down":
        price = math.floor(value)
        price -= price % int(tick_size(price, table))
    elif direction == "up":
        price = math.ceil(value)
        price += -price % int(tick_size(price, table))
    else:
        price = int(round_price(value, table, "nearest"))
    return min(max(price, lower), upper)


# ---------------------------------------------------------------------- fair values
@dataclass(frozen=True, slots=True)
class FairValueProfile:
    """How an instrument's fair value moves: market beta, daily idiosyncratic volatility,
    jumps per day and their mean size (fractions)."""

    beta: float
    volatility: float
    jump_rate: float
    jump_mean: float

    @classmethod
    def for_instrument(cls, instrument: Instrument) -> FairValueProfile:
        """Defaults by kind: ETFs/ETNs follow the market times their leverage; KOSPI200
        stocks move and jump less than the others."""
        if instrument.kind in (InstrumentKind.ETF, InstrumentKind.ETN):
            return cls(float(instrument.leverage), 0.0015, 0.02, 0.01)
        if instrument.kospi200:
            return cls(1.0, 0.016, 1.0, 0.03)
        return cls(1.2, 0.025, 1.0, 0.05)


class RandomWalkFairValue:
    """Fair values that follow a market factor plus an idiosyncratic random walk with
    occasional jumps (and, very rarely, a jump large enough to reach a daily limit).

    Each instrument opens with a small overnight gap from its base price. Values advance
    lazily to the asked time (times must not decrease), each instrument and the market factor
    with its own seeded generator. Aggressive trades by non-liquidity agents push the value
    by ``impact`` per 100 million KRW. Values stay inside the daily limits.
    """

    MARKET_VOLATILITY = 0.010
    MARKET_JUMP_RATE = 0.04
    MARKET_JUMP_MEAN = 0.012
    BIG_JUMP_RATE = 0.004
    GAP_VOLATILITY = 0.006

    def __init__(
        self,
        instruments: dict[str, Instrument],
        base_prices: dict[str, int],
        limits: dict[str, tuple[int, int]],
        start_ts: int,
        seed: int = 0,
        *,
        volatility: float = 1.0,
        jumps: float = 1.0,
        impact: float = 0.0015,
    ) -> None:
        self._scale = volatility
        self._jumps = jumps
        self._impact = impact / 1e8
        self._market_rng = random.Random(f"fair-market-{seed}")
        self._market_ts = start_ts
        self._market_log = 0.0
        self._limits = limits
        self._profiles: dict[str, FairValueProfile] = {}
        self._rngs: dict[str, random.Random] = {}
        self._anchor: dict[str, float] = {}
        self._idio: dict[str, float] = {}
        self._last_ts: dict[str, int] = {}
        self._seed = seed
        for code, instrument in instruments.items():
            self.add(instrument, base_prices[code], limits[code], start_ts)

    def add(
        self, instrument: Instrument, base_price: int, limits: tuple[int, int], start_ts: int
    ) -> None:
        """Follow one more instrument from ``start_ts`` on (one listed during the day)."""
        code = instrument.code
        rng = random.Random(f"fair-{self._seed}-{code}")
        self._rngs[code] = rng
        self._profiles[code] = FairValueProfile.for_instrument(instrument)
        gap = rng.gauss(0.0, self.GAP_VOLATILITY * self._scale)
        self._anchor[code] = base_price * math.exp(gap)
        self._idio[code] = 0.0
        self._last_ts[code] = start_ts
        self._limits[code] = limits

    def _advance_market(self, ts: int) -> None:
        if ts <= self._market_ts:
            return
        dt = (ts - self._market_ts) / NS
        self._market_ts = ts
        rng = self._market_rng
        sigma = self.MARKET_VOLATILITY * self._scale * math.sqrt(dt / SECONDS_PER_DAY)
        self._market_log += rng.gauss(0.0, sigma)
        if rng.random() < self.MARKET_JUMP_RATE * self._jumps * dt / SECONDS_PER_DAY:
            size = min(rng.expovariate(1.0 / self.MARKET_JUMP_MEAN), 0.05)
            self._market_log += size if rng.random() < 0.5 else -size

    def value(self, code: str, ts: int) -> float:
        """The fair value of ``code`` at ``ts``."""
        self._advance_market(ts)
        last = self._last_ts[code]
        profile = self._profiles[code]
        if ts > last:
            dt = (ts - last) / NS
            self._last_ts[code] = ts
            rng = self._rngs[code]
            fraction = dt / SECONDS_PER_DAY
            idio = self._idio[code]
            idio += rng.gauss(0.0, profile.volatility * self._scale * math.sqrt(fraction))
            if rng.random() < profile.jump_rate * self._jumps * fraction:
                size = min(rng.expovariate(1.0 / profile.jump_mean), 0.12)
                idio += size if rng.random() < 0.5 else -size
            if rng.random() < self.BIG_JUMP_RATE * self._jumps * fraction:
                size = rng.uniform(0.15, 0.32)
                idio += size if rng.random() < 0.5 else -size
            self._idio[code] = idio
        log_value = profile.beta * self._market_log + self._idio[code]
        value = self._anchor[code] * math.exp(log_value)
        lower, upper = self._limits[code]
        if value > upper or value < lower:
            # Absorb at the limit: the walk continues from there.
            value = min(max(value, float(lower)), float(upper))
            self._idio[code] = math.log(value / self._anchor[code]) - profile.beta * (
                self._market_log
            )
        return value

    def on_trade(self, code: str, signed_notional: float) -> None:
        """Push the value in the direction of an aggressive trade."""
        if code in self._idio:
            self._idio[code] += self._impact * signed_notional

    def bounds(self, code: str) -> tuple[int, int] | None:
        """No bounds besides the daily limits."""
        return None


# ---------------------------------------------------------------------- agents
class Agent:
    """Base of the agents: an owner name, one instrument, its own random generator, and
    counters of what it sent. Subclasses implement :meth:`wake`."""

    first_delay_s = 60.0
    """The first wake-up is at the opening auction's start plus up to this many seconds."""

    def __init__(self, owner: str, code: str, seed: int = 0) -> None:
        self.owner = owner
        self.code = code
        self.rng = random.Random(f"agent-{seed}-{owner}")
        self.submitted = 0
        self.rejected = 0

    def first_wake(self, market: Market) -> int | None:
        """The first wake-up: shortly after the opening auction starts taking orders."""
        return market.times.opening_auction + int(self.rng.uniform(0.0, self.first_delay_s) * NS)

    def wake(self, market: Market) -> int | None:
        """Act at the exchange's current time; return the next wake-up (ns) or ``None``."""
        raise NotImplementedError

    def submit(
        self,
        market: Market,
        side: Side,
        quantity: int,
        price: int | None = None,
        order_type: OrderType = OrderType.LIMIT,
        tif: TimeInForce = TimeInForce.DAY,
    ) -> str | None:
        """Send an order; the exchange order id, or ``None`` when it was refused."""
        self.submitted += 1
        try:
            request = OrderRequest(self.code, side, quantity, price, order_type, tif)
            return market.exchange.submit(request, self.owner)
        except YeouidoError:
            self.rejected += 1
            return None

    def quantity_for(self, notional: float, price: int, lot: int) -> int:
        """Whole lots worth about ``notional`` KRW at ``price`` (at least one lot)."""
        lots = max(1, int(notional / (price * lot)))
        return lots * lot

    def fair_value(self, market: Market) -> float:
        """The instrument's fair value now, inside its price bounds."""
        lower, upper = market.price_bounds(self.code)
        value = market.fair.value(self.code, market.exchange.now_ts)
        return min(max(value, float(lower)), float(upper))


class LiquidityProvider(Agent):
    """Quotes ``levels`` prices on each side around the fair value, moving them (modify, or
    cancel and new orders) as the fair value moves; quotes through the opening auction,
    continuous trading, VIs and the closing auction.

    Quotes are left alone while every level is still open and the fair value has moved less
    than ``requote_threshold`` (a fraction) since the last re-quote. The best bid is the fair
    value less a half spread (at least half a tick), rounded down;
    the best ask likewise, rounded up; further levels step away by a fixed number of ticks
    (about ``level_step`` of the price, at least one). The
    quotes never cross each other.
    """

    first_delay_s = 20.0

    def __init__(
        self,
        owner: str,
        code: str,
        seed: int = 0,
        *,
        levels: int = 5,
        notional: float = 30_000_000.0,
        half_spread: float = 0.0004,
        level_step: float = 0.0006,
        interval_s: tuple[float, float] = (5.0, 15.0),
        requote_threshold: float = 0.0004,
    ) -> None:
        super().__init__(owner, code, seed)
        self.levels = levels
        self.requote_threshold = requote_threshold
        self.notional = notional
        self.half_spread = half_spread
        self.level_step = level_step
        self.interval_s = interval_s
        self.quotes: dict[Side, dict[int, str]] = {BUY: {}, SELL: {}}
        """Open quotes: side → price → order id."""
        self._step_ticks = 0
        self._anchor = 0.0

    def wake(self, market: Market) -> int | None:
        """Re-quote around the fair value; stop at the close."""
        exchange = market.exchange
        now = exchange.now_ts
        if now >= market.times.close:
            self.quotes = {BUY: {}, SELL: {}}
            return None
        book = exchange.regular_book(self.code)
        mode = trading_mode(book)
        if mode != CLOSED:
            self.requote(market, book)
        low, high = self.interval_s
        if mode == AUCTION and book.phase is Phase.OPENING_AUCTION:
            low, high = low * 4, high * 4
        return now + int(self.rng.uniform(low, high) * NS)

    def targets(
        self, market: Market, book: RegularBook, fair: float
    ) -> tuple[list[int], list[int]]:
        """The bid and ask prices to quote around ``fair``, best first."""
        lower, upper = market.price_bounds(self.code)
        table = book.tick_table
        tick = float(tick_size(max(int(fair), 1), table))
        half = max(0.5 * tick, fair * self.half_spread)
        bid = to_tick(fair - half, table, "down", lower, upper)
        ask = to_tick(fair + half, table, "up", lower, upper)
        if bid >= ask:
            if ask < upper:
                ask = tick_up(bid, table)
            else:
                bid = tick_down(ask, table)
        if self._step_ticks == 0:
            self._step_ticks = max(1, round(fair * self.level_step / tick))
        bids, asks = [bid], [ask]
        while len(bids) < self.levels:
            price = bids[-1]
            for _ in range(self._step_ticks):
                price = tick_down(price, table)
            if price < lower or price >= bids[-1]:
                break
            bids.append(price)
        while len(asks) < self.levels:
            price = asks[-1]
            for _ in range(self._step_ticks):
                price = tick_up(price, table)
            if price > upper:
                break
            asks.append(price)
        return bids, asks

    def requote(self, market: Market, book: RegularBook) -> None:
        """Bring the quotes to the targets: the side moving away from the other goes first,
        so the provider never crosses its own quotes."""
        fair = self.fair_value(market)
        open_orders = market.exchange.orders
        complete = all(
            len(quotes) == self.levels
            and all(order_id in open_orders for order_id in quotes.values())
            for quotes in self.quotes.values()
        )
        if complete and abs(fair - self._anchor) < fair * self.requote_threshold:
            return
        self._anchor = fair
        bids, asks = self.targets(market, book, fair)
        own_bids = self.quotes[BUY]
        moving_up = not own_bids or bids[0] > max(own_bids)
        lot = book.instrument.lot_size
        if moving_up:
            self._reconcile(market, SELL, asks, lot)
            self._reconcile(market, BUY, bids, lot)
        else:
            self._reconcile(market, BUY, bids, lot)
            self._reconcile(market, SELL, asks, lot)

    def _size(self, level: int, price: int, lot: int) -> int:
        return self.quantity_for(self.notional * (1.0 + 0.5 * level), price, lot)

    def _reconcile(self, market: Market, side: Side, targets: list[int], lot: int) -> None:
        exchange = market.exchange
        open_orders = exchange.orders
        current = self.quotes[side]
        for price in [price for price, order_id in current.items() if order_id not in open_orders]:
            del current[price]
        wanted = set(targets)
        stale = [price for price in current if price not in wanted]
        missing = [(level, price) for level, price in enumerate(targets) if price not in current]
        for old, (level, new) in zip(stale, missing, strict=False):
            order_id = current.pop(old)
            try:
                exchange.modify(order_id, price=new, quantity=self._size(level, new, lot))
            except YeouidoError:
                self.rejected += 1
                continue
            if order_id in open_orders:
                current[new] = order_id
        for old in stale[len(missing) :]:
            order_id = current.pop(old)
            try:
                exchange.cancel(order_id)
            except YeouidoError:
                self.rejected += 1
        for level, new in missing[len(stale) :]:
            new_id = self.submit(market, side, self._size(level, new, lot), new)
            if new_id is not None and new_id in open_orders:
                current[new] = new_id


class NoiseTrader(Agent):
    """Random orders of random sizes: marketable and passive limit orders, market orders and
    cancels in continuous trading; limit (and a few market) orders near the fair value in the
    call auctions. Resting orders are canceled after a random time to live.

    Buys are a little more likely when the market is below the fair value (and sells when it
    is above), which keeps trades near the fair value.
    """

    def __init__(
        self,
        owner: str,
        code: str,
        seed: int = 0,
        *,
        mean_interval_s: float = 25.0,
        median_notional: float = 3_000_000.0,
        market_share: float = 0.15,
        auction_market_share: float = 0.05,
        ttl_s: tuple[float, float] = (60.0, 900.0),
    ) -> None:
        super().__init__(owner, code, seed)
        self.mean_interval_s = mean_interval_s
        self.median_notional = median_notional
        self.market_share = market_share
        self.auction_market_share = auction_market_share
        self.ttl_s = ttl_s
        self.resting: deque[tuple[str, int]] = deque()
        """Own orders that may rest: (order id, when to cancel it)."""

    def wake(self, market: Market) -> int | None:
        """Maybe send or cancel an order; stop at the close."""
        exchange = market.exchange
        now = exchange.now_ts
        if now >= market.times.close:
            self.resting.clear()
            return None
        book = exchange.regular_book(self.code)
        mode = trading_mode(book)
        self._tidy(market, now)
        if mode == CONTINUOUS:
            self._continuous(market, book, now)
        elif mode == AUCTION:
            self._auction(market, book, now)
        mean = self.mean_interval_s * (1.5 if mode == AUCTION else 1.0)
        return now + int(self.rng.expovariate(1.0 / mean) * NS) + 1

    def _tidy(self, market: Market, now: int) -> None:
        open_orders = market.exchange.orders
        keep: deque[tuple[str, int]] = deque()
        for order_id, expiry in self.resting:
            if order_id not in open_orders:
                continue
            if expiry <= now:
                try:
                    market.exchange.cancel(order_id)
                except YeouidoError:
                    self.rejected += 1
                continue
            keep.append((order_id, expiry))
        self.resting = keep

    def _quantity(self, price: int, lot: int) -> int:
        notional = self.median_notional * math.exp(self.rng.gauss(0.0, 0.8))
        return self.quantity_for(min(notional, self.median_notional * 20), price, lot)

    def _remember(self, order_id: str | None, market: Market, now: int) -> None:
        if order_id is not None and order_id in market.exchange.orders:
            ttl = self.rng.uniform(*self.ttl_s)
            self.resting.append((order_id, now + int(ttl * NS)))

    def _side(self, fair: float, reference: float) -> Side:
        lean = max(-0.3, min(0.3, (fair - reference) / reference * 60.0))
        return BUY if self.rng.random() < 0.5 + lean else SELL

    def _continuous(self, market: Market, book: RegularBook, now: int) -> None:
        rng = self.rng
        lower, upper = market.price_bounds(self.code)
        table = book.tick_table
        lot = book.instrument.lot_size
        fair = self.fair_value(market)
        best_bid, best_ask = book.bids.best(), book.asks.best()
        if best_bid is not None and best_ask is not None:
            reference = (int(best_bid) + int(best_ask)) / 2
        else:
            reference = float(book.last_price) if book.last_price is not None else fair
        side = self._side(fair, reference)
        opposite = best_ask if side is BUY else best_bid
        same = best_bid if side is BUY else best_ask
        quantity = self._quantity(max(int(reference), 1), lot)
        draw = rng.random()
        if draw < 0.10:
            if self.resting:
                order_id, _ = self.resting.popleft()
                try:
                    market.exchange.cancel(order_id)
                except YeouidoError:
                    self.rejected += 1
            return
        if draw < 0.10 + self.market_share and opposite is not None:
            tif = TimeInForce.IOC if rng.random() < 0.5 else TimeInForce.DAY
            self._remember(
                self.submit(market, side, quantity, None, OrderType.MARKET, tif), market, now
            )
            return
        if draw < 0.55 and opposite is not None:
            price = int(opposite)
            for _ in range(rng.randint(0, 2)):
                price = tick_up(price, table) if side is BUY else tick_down(price, table)
            price = min(max(price, lower), upper)
            tif = TimeInForce.IOC if rng.random() < 0.4 else TimeInForce.DAY
            self._remember(
                self.submit(market, side, quantity, price, OrderType.LIMIT, tif), market, now
            )
            return
        if same is not None and rng.random() < 0.7:
            price = int(same)
            for _ in range(rng.randint(0, 4)):
                price = tick_down(price, table) if side is BUY else tick_up(price, table)
        else:
            offset = fair * rng.uniform(0.0005, 0.004)
            target = fair - offset if side is BUY else fair + offset
            price = to_tick(target, table, "down" if side is BUY else "up", lower, upper)
        price = min(max(price, lower), upper)
        self._remember(self.submit(market, side, quantity, price), market, now)

    def _auction(self, market: Market, book: RegularBook, now: int) -> None:
        rng = self.rng
        lower, upper = market.price_bounds(self.code)
        fair = self.fair_value(market)
        lot = book.instrument.lot_size
        side = BUY if rng.random() < 0.5 else SELL
        quantity = self._quantity(max(int(fair), 1), lot)
        if rng.random() < self.auction_market_share:
            order_id = self.submit(market, side, quantity, None, OrderType.MARKET)
        else:
            target = fair * (1.0 + rng.gauss(0.0, 0.002))
            price = to_tick(target, book.tick_table, "nearest", lower, upper)
            order_id = self.submit(market, side, quantity, price)
        self._remember(order_id, market, now)


class MomentumTrader(Agent):
    """Buys after the last trade price rose by ``threshold`` over ``lookback_s`` seconds and
    sells after it fell, with marketable IOC limit orders (continuous trading only)."""

    first_delay_s = 120.0

    def __init__(
        self,
        owner: str,
        code: str,
        seed: int = 0,
        *,
        lookback_s: float = 300.0,
        threshold: float = 0.004,
        notional: float = 8_000_000.0,
        interval_s: tuple[float, float] = (30.0, 90.0),
        probability: float = 0.6,
    ) -> None:
        super().__init__(owner, code, seed)
        self.lookback_ns = int(lookback_s * NS)
        self.threshold = threshold
        self.notional = notional
        self.interval_s = interval_s
        self.probability = probability
        self.history: deque[tuple[int, int]] = deque()
        """Sampled last trade prices: (time, price)."""

    def first_wake(self, market: Market) -> int | None:
        """Start with continuous trading."""
        return market.times.continuous + int(self.rng.uniform(0.0, self.first_delay_s) * NS)

    def signal(self, now: int, last: int) -> int:
        """Record ``last`` and return +1 (rise), -1 (fall) or 0 over the lookback."""
        history = self.history
        history.append((now, last))
        while len(history) >= 2 and history[1][0] <= now - self.lookback_ns:
            history.popleft()
        then, old = history[0]
        if now - then < self.lookback_ns // 2:
            return 0
        change = (last - old) / old
        if change >= self.threshold:
            return 1
        if change <= -self.threshold:
            return -1
        return 0

    def wake(self, market: Market) -> int | None:
        """Check the trend; maybe trade with it; stop at the close."""
        exchange = market.exchange
        now = exchange.now_ts
        if now >= market.times.close:
            return None
        book = exchange.regular_book(self.code)
        last = book.last_price
        if trading_mode(book) == CONTINUOUS and last is not None:
            direction = self.signal(now, int(last))
            if direction and self.rng.random() < self.probability:
                self._trade(market, book, BUY if direction > 0 else SELL)
        return now + int(self.rng.uniform(*self.interval_s) * NS)

    def _trade(self, market: Market, book: RegularBook, side: Side) -> None:
        opposite = book.asks.best() if side is BUY else book.bids.best()
        if opposite is None:
            return
        lower, upper = market.price_bounds(self.code)
        table = book.tick_table
        price = tick_up(int(opposite), table) if side is BUY else tick_down(int(opposite), table)
        price = min(max(price, lower), upper)
        notional = self.notional * math.exp(self.rng.gauss(0.0, 0.5))
        quantity = self.quantity_for(notional, price, book.instrument.lot_size)
        self.submit(market, side, quantity, price, OrderType.LIMIT, TimeInForce.IOC)
