"""The regular-session book of one instrument on one venue: continuous matching, call
auctions and volatility interruptions.

Order types (orders reach this book already validated by the exchange):

- limit: matches at its price or better, the rest rests (IOC: the rest expires; FOK: all or
  nothing, checked before any trade).
- market: walks the book up to the daily limit; in continuous trading an unfilled rest becomes
  a limit order at its last execution price, or expires when nothing traded; in an auction it
  waits in the market queue, ahead of every limit order.
- 최유리 (best_opposite) and 최우선 (best_same_side): priced at the opposite / same side's best
  price at entry (rejected when that side is empty), then a limit order.
- conditional limit: a limit order until the closing auction starts, then the rest turns
  market.
- midpoint: rests in a hidden queue and trades with opposite midpoint orders at the mid of the
  best bid and ask, when the mid is a whole won (an optional limit price caps it).
- stop-limit: waits until a trade prints at or through its stop price, then enters as a limit.

Trades print at the resting order's price. Volatility interruptions: dynamic (the would-be
trade price against the last trade before the incoming order) and static (against the last
auction price) stop matching and start a 2-minute auction (+ random end); on NXT they halt
the instrument instead.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from yeouido.exchange.auction import Uncross, uncross_price
from yeouido.exchange.book import BookOrder, SideBook
from yeouido.exchange.events import (
    BookChanged,
    IndicativePrice,
    OrderAccepted,
    OrderCanceled,
    OrderExpired,
    OrderModified,
    OrderTriggered,
    TradePrinted,
    ViEnded,
    ViStarted,
)
from yeouido.krx.sessions import Phase
from yeouido.krx.ticks import round_price, tick_size
from yeouido.model.enums import OrderType, Side, TimeInForce, Venue
from yeouido.model.errors import InvalidPrice, OrderTypeNotAllowed
from yeouido.model.instrument import Instrument, Price

BUY, SELL = Side.BUY, Side.SELL
MARKET = OrderType.MARKET
LIMIT = OrderType.LIMIT
VI_DURATION_NS = 120 * 1_000_000_000


class EngineContext(Protocol):
    """What a book needs from its exchange: time, ids, events, timers and the order index."""

    now_ts: int

    def emit(self, event_type: Any, venue: Venue, code: str, *fields: Any) -> None: ...

    def next_trade_id(self) -> str: ...

    def order_done(self, order: BookOrder) -> None: ...

    def schedule(self, ts: int, action: Callable[[], None]) -> None: ...

    def random_end_ns(self) -> int: ...


@dataclass(frozen=True, slots=True)
class ViRules:
    """Volatility-interruption thresholds in percent (configurable per instrument)."""

    dynamic_continuous: int
    dynamic_closing: int
    static: int = 10

    @classmethod
    def for_instrument(cls, instrument: Instrument) -> ViRules:
        """KRX's defaults: ±3% / 2% for KOSPI200 constituents, ±6% / 4% for the rest."""
        if instrument.kospi200:
            return cls(dynamic_continuous=3, dynamic_closing=2)
        return cls(dynamic_continuous=6, dynamic_closing=4)


def _deviates(price: Price, reference: Price, percent: int) -> bool:
    difference = price - reference if price >= reference else reference - price
    return bool(difference * 100 >= reference * percent)


class RegularBook:
    """Bids, asks and the auction state of one instrument on one venue (or of one
    after-hours single-price book, which is always in auction)."""

    def __init__(
        self,
        context: EngineContext,
        venue: Venue,
        instrument: Instrument,
        lower_limit: Price,
        upper_limit: Price,
        base_price: Price,
        session: str = "regular",
    ) -> None:
        self.context = context
        self.venue = venue
        self.instrument = instrument
        self.code = instrument.code
        self.tick_table = instrument.tick_table
        self.lower_limit = lower_limit
        self.upper_limit = upper_limit
        self.base_price = base_price
        self.session = session
        self.bids = SideBook(is_bid=True)
        self.asks = SideBook(is_bid=False)
        self.market_bids: deque[BookOrder] = deque()
        self.market_asks: deque[BookOrder] = deque()
        self.midpoint_bids: deque[BookOrder] = deque()
        self.midpoint_asks: deque[BookOrder] = deque()
        self.stops: list[BookOrder] = []
        self.phase = Phase.CLOSED
        self.auction = False
        self.halted = False
        self.vi_kind: str | None = None
        self.vi_rules = ViRules.for_instrument(instrument)
        self.last_price: Price | None = None
        self.static_reference: Price = base_price
        self.open_price: Price | None = None
        self.high_price: Price | None = None
        self.low_price: Price | None = None
        self.volume = 0
        self.turnover: Price = 0
        self._indicative: tuple[Price | None, int] = (None, 0)

    # ------------------------------------------------------------------ entry points
    def submit(self, order: BookOrder) -> None:
        """Enter an order (already validated). Raises before any event when a 최유리/최우선
        order finds its reference side empty."""
        order.book = self
        order_type = order.order_type
        if order_type is OrderType.BEST_OPPOSITE:
            order.price = self._reference_best(order, opposite=True)
        elif order_type is OrderType.BEST_SAME_SIDE:
            order.price = self._reference_best(order, opposite=False)
        self._accepted(order)
        if order_type is OrderType.STOP_LIMIT:
            self.stops.append(order)
            return
        if order_type is OrderType.MIDPOINT:
            self._submit_midpoint(order)
            return
        if order_type is MARKET:
            order.price = None
        self._enter(order)
        self._after_trading()

    def cancel(self, order: BookOrder, quantity: int | None = None) -> None:
        """Cancel ``quantity`` of the open quantity (all when ``None``)."""
        amount = order.open_quantity if quantity is None else min(quantity, order.open_quantity)
        if amount < order.open_quantity:
            self._reduce_in_place(order, amount)
            self.context.emit(
                OrderCanceled,
                self.venue,
                self.code,
                order.order_id,
                order.owner,
                amount,
                order.open_quantity,
            )
        else:
            self._take_out(order)
            order.open_quantity = 0
            self.context.emit(
                OrderCanceled, self.venue, self.code, order.order_id, order.owner, amount, 0
            )
            self.context.order_done(order)
        self._publish_indicative()

    def modify(self, order: BookOrder, price: Price | None, quantity: int | None) -> None:
        """Change the price (loses time priority; may trade at once in continuous trading)
        and/or the open quantity (a decrease keeps priority, an increase loses it)."""
        new_quantity = order.open_quantity if quantity is None else quantity
        if order.order_type is OrderType.STOP_LIMIT and order in self.stops:
            order.price = price if price is not None else order.price
            order.open_quantity = new_quantity
            self._modified(order, lost_priority=True)
            return
        if order.order_type is OrderType.MIDPOINT:
            self._modify_midpoint(order, price, new_quantity)
            return
        if price is not None and price != order.price:
            self._take_out(order)
            order.price = price
            order.open_quantity = new_quantity
            if order.order_type in (OrderType.BEST_OPPOSITE, OrderType.BEST_SAME_SIDE):
                order.order_type = LIMIT
            self._modified(order, lost_priority=True)
            self._enter(order)
            self._after_trading()
            return
        if new_quantity < order.open_quantity:
            self._reduce_in_place(order, order.open_quantity - new_quantity)
            self._modified(order, lost_priority=False)
        elif new_quantity > order.open_quantity:
            self._take_out(order)
            order.open_quantity = new_quantity
            self._modified(order, lost_priority=True)
            self._rest(order)
        self._publish_indicative()

    # ------------------------------------------------------------------ phases
    def start_auction(self, phase: Phase) -> None:
        """Collect orders for a call auction (opening, closing or single price)."""
        self.phase = phase
        self.auction = True
        if phase is Phase.CLOSING_AUCTION:
            self._expire_continuous_only("the closing auction started")
            self._conditional_to_market()
        self._publish_indicative(force=True)

    def start_continuous(self, phase: Phase) -> None:
        """Continuous trading (after an auction's uncross, or an NXT session's start)."""
        self.phase = phase
        self.auction = False
        self.halted = False

    def close(self, phase: Phase = Phase.CLOSED) -> None:
        """Stop taking orders in this book (orders stay until :meth:`expire_all`)."""
        self.phase = phase
        self.auction = False

    def auction_vi(self, price: Price, closing: bool) -> str | None:
        """The VI an auction result would trigger: ``"static"``, ``"dynamic"`` or ``None``."""
        if _deviates(price, self.static_reference, self.vi_rules.static):
            return "static"
        last = self.last_price
        if closing and last is not None and _deviates(price, last, self.vi_rules.dynamic_closing):
            return "dynamic"
        return None

    def indicative(self) -> Uncross:
        """The price and quantity an uncross would give now."""
        return uncross_price(
            self.bids.aggregated(),
            self.asks.aggregated(),
            sum(order.open_quantity for order in self.market_bids),
            sum(order.open_quantity for order in self.market_asks),
            self._auction_reference(),
            self._tick_up,
            self._tick_down,
            self.lower_limit,
            self.upper_limit,
        )

    def uncross(self, leftover_market: str) -> Price | None:
        """Execute the auction at its price. Leftover market orders become limit orders at
        the auction price (``leftover_market="limit"``) or expire (``"expire"``)."""
        result = self.indicative()
        price = result.price
        if price is not None and result.quantity > 0:
            self._allocate(price, result.quantity)
            self.static_reference = price
        for queue in (self.market_bids, self.market_asks):
            while queue:
                order = queue.popleft()
                if leftover_market == "limit" and price is not None:
                    order.price = price
                    order.order_type = LIMIT
                    self._rest(order)
                else:
                    self._expire(order, "no auction price for a market order")
        self._indicative = (None, 0)
        self._process_stops()
        return price

    def expire_all(self, reason: str) -> None:
        """Expire every open order of this book (end of its session)."""
        for order in [
            *self.market_bids,
            *self.market_asks,
            *self.bids.orders_in_priority(),
            *self.asks.orders_in_priority(),
            *self.midpoint_bids,
            *self.midpoint_asks,
            *self.stops,
        ]:
            self._take_out(order)
            self._expire(order, reason)

    # ------------------------------------------------------------------ VI
    def start_vi(self, kind: str, reference: Price, trigger_price: Price) -> None:
        """Interrupt continuous trading: a 2-minute auction on KRX, a halt on NXT."""
        self.vi_kind = kind
        until = self.context.now_ts + VI_DURATION_NS
        if self.venue is Venue.KRX:
            until += self.context.random_end_ns()
            self.auction = True
        else:
            self.halted = True
        self.context.emit(ViStarted, self.venue, self.code, kind, reference, trigger_price, until)
        self.context.schedule(until, self.end_vi)

    def end_vi(self) -> None:
        """End the interruption: uncross the VI auction (KRX) or lift the halt (NXT)."""
        if self.vi_kind is None:
            return
        kind, self.vi_kind = self.vi_kind, None
        if self.venue is Venue.KRX and self.phase is Phase.CONTINUOUS:
            self.uncross(leftover_market="limit")
            self.auction = False
        self.halted = False
        self.context.emit(ViEnded, self.venue, self.code, kind)
        self._match_midpoints()

    # ------------------------------------------------------------------ views
    def depth(
        self, count: int = 10
    ) -> tuple[list[tuple[Price, int, int]], list[tuple[Price, int, int]]]:
        """Up to ``count`` bid and ask levels, best first."""
        return self.bids.depth(count), self.asks.depth(count)

    def mid(self) -> Price | None:
        """The mid of the best bid and ask when it is a whole won."""
        bid, ask = self.bids.best(), self.asks.best()
        if bid is None or ask is None or bid >= ask:
            return None
        total = bid + ask
        if isinstance(total, int) and total % 2:
            return None
        return total // 2 if isinstance(total, int) else total / 2

    # ------------------------------------------------------------------ internals
    def _reference_best(self, order: BookOrder, opposite: bool) -> Price:
        buy = order.side is BUY
        side = (self.asks if buy else self.bids) if opposite else (self.bids if buy else self.asks)
        best = side.best()
        if best is None:
            which = "opposite" if opposite else "same"
            raise InvalidPrice.for_field(
                "order_type",
                order.order_type.value,
                f"the {which} side of {self.code} is empty: no price to take",
            )
        return best

    def _accepted(self, order: BookOrder) -> None:
        self.context.emit(
            OrderAccepted,
            self.venue,
            self.code,
            order.order_id,
            order.owner,
            order.side,
            order.order_type,
            order.price,
            order.open_quantity,
            order.session.value,
        )

    def _modified(self, order: BookOrder, lost_priority: bool) -> None:
        self.context.emit(
            OrderModified,
            self.venue,
            self.code,
            order.order_id,
            order.owner,
            order.price,
            order.open_quantity,
            lost_priority,
        )

    def _expire(self, order: BookOrder, reason: str) -> None:
        quantity = order.open_quantity
        order.open_quantity = 0
        self.context.emit(
            OrderExpired, self.venue, self.code, order.order_id, order.owner, quantity, reason
        )
        self.context.order_done(order)

    def _enter(self, order: BookOrder) -> None:
        """Put an accepted order to work: match in continuous trading, queue in an auction."""
        if self.auction:
            if order.tif is not TimeInForce.DAY:
                self._expire(order, "IOC/FOK cannot wait for an auction")
                return
            self._rest(order)
            self._publish_indicative()
            return
        if order.tif is TimeInForce.FOK and self._fillable(order) < order.open_quantity:
            self._expire(order, "FOK: the whole quantity cannot fill now")
            return
        interrupted = self._match(order)
        if order.open_quantity == 0:
            self.context.order_done(order)
            return
        if order.tif is not TimeInForce.DAY:
            self._expire(order, f"{order.tif.value.upper()} remainder")
        elif interrupted and self.venue is Venue.NXT:
            self._expire(order, "NXT volatility halt")
        elif order.price is None and not self.auction:
            if order.filled_quantity and self.last_price is not None:
                order.price = self.last_price
                order.order_type = LIMIT
                self._rest(order)
            else:
                self._expire(order, "market order found no opposite quotes")
        else:
            self._rest(order)
            if self.auction:
                self._publish_indicative()

    def _rest(self, order: BookOrder) -> None:
        if order.price is None:
            (self.market_bids if order.side is BUY else self.market_asks).append(order)
            return
        side = self.bids if order.side is BUY else self.asks
        total = side.add(order)
        self.context.emit(BookChanged, self.venue, self.code, order.side, order.price, total)

    def _take_out(self, order: BookOrder) -> None:
        """Remove an open order from wherever it waits (no event)."""
        if order.order_type is OrderType.MIDPOINT:
            queue = self.midpoint_bids if order.side is BUY else self.midpoint_asks
            if order in queue:
                queue.remove(order)
            return
        if order in self.stops:
            self.stops.remove(order)
            return
        if order.price is None:
            queue = self.market_bids if order.side is BUY else self.market_asks
            if order in queue:
                queue.remove(order)
            return
        side = self.bids if order.side is BUY else self.asks
        level = side.levels.get(order.price)
        if level is not None and order in level:
            total = side.remove(order)
            self.context.emit(BookChanged, self.venue, self.code, order.side, order.price, total)

    def _reduce_in_place(self, order: BookOrder, amount: int) -> None:
        order.open_quantity -= amount
        if order.price is None or order.order_type is OrderType.MIDPOINT or order in self.stops:
            return
        side = self.bids if order.side is BUY else self.asks
        total = side.reduce(order.price, amount)
        self.context.emit(BookChanged, self.venue, self.code, order.side, order.price, total)

    def _bound(self, order: BookOrder) -> Price:
        if order.price is not None:
            return order.price
        return self.upper_limit if order.side is BUY else self.lower_limit

    def _vi_bounds(self) -> tuple[Price | None, Price | None]:
        """The lowest and highest prices that trade without triggering a VI."""
        references = [(self.static_reference, self.vi_rules.static)]
        if self.last_price is not None:
            references.append((self.last_price, self.vi_rules.dynamic_continuous))
        low: Price | None = None
        high: Price | None = None
        for reference, percent in references:
            # Largest deviation strictly below the threshold.
            step = (reference * percent - 1) // 100 if isinstance(reference, int) else None
            if step is None:
                continue
            low = reference - step if low is None else max(low, reference - step)
            high = reference + step if high is None else min(high, reference + step)
        return low, high

    def _fillable(self, order: BookOrder) -> int:
        """Quantity an incoming order could fill now, without triggering a VI."""
        bound = self._bound(order)
        low, high = self._vi_bounds()
        if order.side is BUY:
            if high is not None:
                bound = min(bound, high)
            prices = [p for p in self.asks.prices if p <= bound]
            return sum(self.asks.sizes[p] for p in prices)
        if low is not None:
            bound = max(bound, low)
        prices = [p for p in self.bids.prices if p >= bound]
        return sum(self.bids.sizes[p] for p in prices)

    def _match(self, order: BookOrder) -> bool:
        """Match an incoming order against the book; ``True`` when a VI interrupted it."""
        buy = order.side is BUY
        opposite = self.asks if buy else self.bids
        bound = self._bound(order)
        dynamic_reference = self.last_price
        static_reference = self.static_reference
        rules = self.vi_rules
        context = self.context
        while order.open_quantity:
            best = opposite.best()
            if best is None or (best > bound if buy else best < bound):
                return False
            if dynamic_reference is not None and _deviates(
                best, dynamic_reference, rules.dynamic_continuous
            ):
                self.start_vi("dynamic", dynamic_reference, best)
                return True
            if _deviates(best, static_reference, rules.static):
                self.start_vi("static", static_reference, best)
                return True
            level = opposite.levels[best]
            traded_here = 0
            while order.open_quantity and level:
                resting = level[0]
                quantity = min(order.open_quantity, resting.open_quantity)
                if buy:
                    self._print(order, resting, best, quantity, BUY)
                else:
                    self._print(resting, order, best, quantity, SELL)
                order.open_quantity -= quantity
                resting.open_quantity -= quantity
                traded_here += quantity
                if resting.open_quantity == 0:
                    level.popleft()
                    context.order_done(resting)
            if level:
                total = opposite.reduce(best, traded_here)
            else:
                total = 0
                opposite.drop_level(best)
            context.emit(BookChanged, self.venue, self.code, opposite_side(order.side), best, total)
        return False

    def _print(
        self, buy: BookOrder, sell: BookOrder, price: Price, quantity: int, aggressor: Side | None
    ) -> None:
        buy.filled_quantity += quantity
        sell.filled_quantity += quantity
        context = self.context
        context.emit(
            TradePrinted,
            self.venue,
            self.code,
            context.next_trade_id(),
            price,
            quantity,
            buy.order_id,
            sell.order_id,
            buy.owner,
            sell.owner,
            aggressor,
            self.session,
        )
        self.last_price = price
        if self.open_price is None:
            self.open_price = price
        if self.high_price is None or price > self.high_price:
            self.high_price = price
        if self.low_price is None or price < self.low_price:
            self.low_price = price
        self.volume += quantity
        self.turnover += price * quantity

    def _after_trading(self) -> None:
        self._process_stops()
        self._match_midpoints()

    def _process_stops(self) -> None:
        last = self.last_price
        while self.stops and last is not None and not self.halted:
            triggered = next(
                (
                    order
                    for order in self.stops
                    if order.stop_price is not None
                    and (
                        last >= order.stop_price if order.side is BUY else last <= order.stop_price
                    )
                ),
                None,
            )
            if triggered is None:
                return
            self.stops.remove(triggered)
            triggered.order_type = LIMIT
            assert triggered.price is not None
            self.context.emit(
                OrderTriggered,
                self.venue,
                self.code,
                triggered.order_id,
                triggered.owner,
                triggered.price,
            )
            self._enter(triggered)
            last = self.last_price

    def _submit_midpoint(self, order: BookOrder) -> None:
        queue = self.midpoint_bids if order.side is BUY else self.midpoint_asks
        if order.tif is TimeInForce.FOK and self._midpoint_fillable(order) < order.open_quantity:
            self._expire(order, "FOK: the whole quantity cannot fill now")
            return
        queue.append(order)
        self._match_midpoints()
        if order.open_quantity and order.tif is not TimeInForce.DAY:
            queue.remove(order)
            self._expire(order, f"{order.tif.value.upper()} remainder")

    def _midpoint_fillable(self, order: BookOrder) -> int:
        mid = self.mid()
        if mid is None or not _cap_allows(order, mid):
            return 0
        opposite = self.midpoint_asks if order.side is BUY else self.midpoint_bids
        total = 0
        for resting in opposite:
            if not _cap_allows(resting, mid):
                break
            total += resting.open_quantity
        return total

    def _match_midpoints(self) -> None:
        if not (self.midpoint_bids and self.midpoint_asks) or self.auction or self.halted:
            return
        mid = self.mid()
        if mid is None:
            return
        while self.midpoint_bids and self.midpoint_asks:
            buy, sell = self.midpoint_bids[0], self.midpoint_asks[0]
            if not (_cap_allows(buy, mid) and _cap_allows(sell, mid)):
                return
            quantity = min(buy.open_quantity, sell.open_quantity)
            self._print(buy, sell, mid, quantity, None)
            buy.open_quantity -= quantity
            sell.open_quantity -= quantity
            for queue, order in ((self.midpoint_bids, buy), (self.midpoint_asks, sell)):
                if order.open_quantity == 0:
                    queue.popleft()
                    self.context.order_done(order)

    def _modify_midpoint(self, order: BookOrder, cap: Price | None, quantity: int) -> None:
        queue = self.midpoint_bids if order.side is BUY else self.midpoint_asks
        lost = quantity > order.open_quantity or (cap is not None and cap != order.price)
        if lost:
            queue.remove(order)
            queue.append(order)
        order.open_quantity = quantity
        if cap is not None:
            order.price = cap
        self._modified(order, lost_priority=lost)
        self._match_midpoints()

    def _expire_continuous_only(self, reason: str) -> None:
        for order in [*self.midpoint_bids, *self.midpoint_asks, *self.stops]:
            self._take_out(order)
            self._expire(order, reason)

    def _conditional_to_market(self) -> None:
        for side in (self.bids, self.asks):
            for order in [o for o in side.orders_in_priority() if o.conditional]:
                self._take_out(order)
                order.price = None
                order.order_type = MARKET
                (self.market_bids if order.side is BUY else self.market_asks).append(order)

    def _auction_reference(self) -> Price:
        if self.phase is Phase.OPENING_AUCTION or self.last_price is None:
            return self.base_price
        return self.last_price

    def _tick_up(self, price: Price) -> Price:
        return price + tick_size(price, self.tick_table)

    def _tick_down(self, price: Price) -> Price:
        lower = price - 1 if isinstance(price, int) else price
        return round_price(lower, self.tick_table, "down") if lower > 0 else price

    def _allocate(self, price: Price, quantity: int) -> None:
        buyers = [*self.market_bids, *_at_or_better(self.bids.orders_in_priority(), price, BUY)]
        sellers = [*self.market_asks, *_at_or_better(self.asks.orders_in_priority(), price, SELL)]
        buy_index = sell_index = 0
        remaining = quantity
        while remaining:
            buy, sell = buyers[buy_index], sellers[sell_index]
            traded = min(buy.open_quantity, sell.open_quantity, remaining)
            self._print(buy, sell, price, traded, None)
            remaining -= traded
            for order in (buy, sell):
                self._fill_in_book(order, traded)
            if buy.open_quantity == 0:
                buy_index += 1
            if sell.open_quantity == 0:
                sell_index += 1

    def _fill_in_book(self, order: BookOrder, quantity: int) -> None:
        if order.price is None:
            order.open_quantity -= quantity
            if order.open_quantity == 0:
                queue = self.market_bids if order.side is BUY else self.market_asks
                queue.remove(order)
                self.context.order_done(order)
            return
        side = self.bids if order.side is BUY else self.asks
        if order.open_quantity == quantity:
            total = side.remove(order)
            order.open_quantity = 0
            self.context.order_done(order)
        else:
            order.open_quantity -= quantity
            total = side.reduce(order.price, quantity)
        self.context.emit(BookChanged, self.venue, self.code, order.side, order.price, total)

    def _publish_indicative(self, force: bool = False) -> None:
        if not self.auction:
            return
        result = self.indicative()
        current = (result.price, result.quantity)
        if force or current != self._indicative:
            self._indicative = current
            self.context.emit(IndicativePrice, self.venue, self.code, result.price, result.quantity)


def _at_or_better(orders: list[BookOrder], price: Price, side: Side) -> list[BookOrder]:
    if side is BUY:
        return [order for order in orders if order.price is not None and order.price >= price]
    return [order for order in orders if order.price is not None and order.price <= price]


def _cap_allows(order: BookOrder, mid: Price) -> bool:
    if order.price is None:
        return True
    return mid <= order.price if order.side is BUY else mid >= order.price


def opposite_side(side: Side) -> Side:
    """The other side."""
    return SELL if side is BUY else BUY


__all__ = ["EngineContext", "OrderTypeNotAllowed", "RegularBook", "ViRules"]
