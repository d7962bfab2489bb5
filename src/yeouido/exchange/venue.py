"""The simulated exchange: KRX and Nextrade books for a set of instruments, driven through one
trading day by a clock.

Orders are validated with the KRX rules (:func:`yeouido.krx.validate_in_phase`) before they
touch a book; a refused order, modify or cancel emits :class:`OrderRejected` and raises the
specific error. Every state change is an event with a gapless sequence number and the exchange
timestamp; subscribe with :meth:`Exchange.subscribe`.

Time moves only through :meth:`Exchange.advance_to`, which runs the day's scheduled actions
(phase changes, auction uncrosses at their random ends, VI ends) in time order. Random ends are
drawn from the exchange's own seeded generator, so the same seed and the same inputs give the
same event sequence.
"""

from __future__ import annotations

import functools
import heapq
import random
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from itertools import count
from typing import Any

from yeouido.exchange.book import BookOrder
from yeouido.exchange.events import (
    ExchangeEvent,
    OrderRejected,
    PhaseChanged,
    ViEnded,
    ViStarted,
    datetime_to_ts,
    ts_to_datetime,
)
from yeouido.exchange.fixed_price import FixedPriceBook
from yeouido.exchange.regular import VI_DURATION_NS, RegularBook
from yeouido.krx.order_rules import SINGLE_PRICE_BAND_PERCENT, ReferencePrices, validate_in_phase
from yeouido.krx.sessions import Phase, PhaseWindow, schedule
from yeouido.krx.ticks import has_price_limits, price_limits, round_price
from yeouido.model.enums import OrderType, Session, Side, Venue
from yeouido.model.errors import (
    InvalidInput,
    InvalidPrice,
    InvalidQuantity,
    OrderNotOpen,
    OrderTypeNotAllowed,
    OutsidePriceLimits,
    TradingHalted,
    UnknownInstrument,
    YeouidoError,
)
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import BookLevel, OrderBook, Quote
from yeouido.model.orders import OrderRequest
from yeouido.model.time import SEOUL

EventCallback = Callable[[ExchangeEvent], None]
NO_LIMIT = 10**12


class Exchange:
    """KRX (and NXT for the instruments it lists) for one trading day.

    ``base_prices`` maps each code to its base price (기준가, the previous close). The day must
    be a KRX trading day. The clock starts at 07:59:59 KST; call :meth:`advance_to` to move it.
    """

    def __init__(
        self,
        instruments: Iterable[Instrument],
        base_prices: Mapping[str, Price],
        day: date,
        *,
        seed: int = 0,
        nxt: bool = True,
        record: bool = False,
    ) -> None:
        self.day = day
        self.seed = seed
        self._random = random.Random(f"exchange-{seed}-{day.isoformat()}")
        self.now_ts = datetime_to_ts(
            datetime(day.year, day.month, day.day, 7, 59, 59, tzinfo=SEOUL)
        )
        self._sequence = 0
        self._trade_ids = count(1)
        self._order_ids = count(1)
        self._timer_ids = count()
        self._timers: list[tuple[int, int, Callable[[], None]]] = []
        self._subscribers: list[EventCallback] = []
        self.events: list[ExchangeEvent] | None = [] if record else None
        self.instruments: dict[str, Instrument] = {}
        self.references: dict[str, ReferencePrices] = {}
        self.books: dict[tuple[Venue, str], RegularBook] = {}
        self.pre_close_books: dict[str, FixedPriceBook] = {}
        self.post_close_books: dict[str, FixedPriceBook] = {}
        self.single_price_books: dict[str, RegularBook] = {}
        self.orders: dict[str, BookOrder] = {}
        self.session_open: set[Session] = set()
        self.venue_phase: dict[Venue, Phase] = {Venue.KRX: Phase.CLOSED, Venue.NXT: Phase.CLOSED}
        self.day_close: dict[str, Price] = {}
        self.lister: Callable[[str], None] | None = None
        """Called with a code nobody listed yet, before the exchange answers "not listed";
        it may list the code with :meth:`list_instrument` (the simulation lists any code of
        the instrument master this way)."""
        for instrument in sorted(instruments, key=lambda item: item.code):
            self._list(instrument, base_prices, nxt)
        self._nxt = nxt and any(venue is Venue.NXT for venue, _ in self.books)
        self._schedule_day(nxt)

    # ------------------------------------------------------------------ set-up
    def _list(self, instrument: Instrument, base_prices: Mapping[str, Price], nxt: bool) -> None:
        code = instrument.code
        if code not in base_prices:
            raise UnknownInstrument.for_field("base_prices", code, "every instrument needs one")
        base = base_prices[code]
        if has_price_limits(instrument.tick_table):
            lower, upper = price_limits(
                base, instrument.tick_table, instrument.market, instrument.leverage
            )
        else:
            lower, upper = 1, NO_LIMIT
        self.instruments[code] = instrument
        self.references[code] = ReferencePrices(
            base_price=base, previous_close=base, limits=(lower, upper)
        )
        self.books[(Venue.KRX, code)] = RegularBook(self, Venue.KRX, instrument, lower, upper, base)
        if nxt and instrument.nxt:
            self.books[(Venue.NXT, code)] = RegularBook(
                self, Venue.NXT, instrument, lower, upper, base
            )
        self.pre_close_books[code] = FixedPriceBook(
            self, Venue.KRX, instrument, Session.PRE_OPEN_CLOSE.value
        )
        self.post_close_books[code] = FixedPriceBook(
            self, Venue.KRX, instrument, Session.AFTER_HOURS_CLOSE.value
        )

    def _schedule_day(self, nxt: bool) -> None:
        krx = schedule(self.day, Venue.KRX)
        if not krx.is_trading_day:
            raise YeouidoError(
                f"{self.day} is not a KRX trading day", field="day", value=self.day.isoformat()
            )
        for window in krx.phases:
            self._schedule_krx_window(window)
        if nxt and any(venue is Venue.NXT for venue, _ in self.books):
            for window in schedule(self.day, Venue.NXT).phases:
                self.schedule(
                    datetime_to_ts(window.start), functools.partial(self._nxt_start, window)
                )
            last = schedule(self.day, Venue.NXT).phases[-1]
            self.schedule(datetime_to_ts(last.end), self._nxt_end)

    def _schedule_krx_window(self, window: PhaseWindow) -> None:
        start, end = datetime_to_ts(window.start), datetime_to_ts(window.end)
        phase = window.phase
        if phase is Phase.PRE_OPEN_CLOSE:
            self.schedule(start, self._pre_close_start)
            self.schedule(end, self._pre_close_end)
        elif phase is Phase.OPENING_AUCTION:
            self.schedule(start, lambda: self._auction_start(Phase.OPENING_AUCTION))
            self._schedule_random_uncross(end, closing=False)
        elif phase is Phase.CONTINUOUS:
            self.schedule(start, lambda: self._venue_phase(Venue.KRX, Phase.CONTINUOUS))
        elif phase is Phase.CLOSING_AUCTION:
            self.schedule(start, lambda: self._auction_start(Phase.CLOSING_AUCTION))
            self._schedule_random_uncross(end, closing=True)
        elif phase is Phase.AFTER_HOURS_CLOSE:
            self.schedule(start, self._post_close_start)
            assert window.matching_start is not None
            self.schedule(datetime_to_ts(window.matching_start), self._post_close_matching)
            self.schedule(end, self._post_close_end)
        elif phase is Phase.AFTER_HOURS_SINGLE:
            self.schedule(start, self._single_price_start)
            last = len(window.uncross_times) - 1
            for index, moment in enumerate(window.uncross_times):
                for code in self.instruments:
                    at = datetime_to_ts(moment) + self.random_end_ns()
                    self.schedule(
                        at, functools.partial(self._single_price_uncross, code, index == last)
                    )

    def _schedule_random_uncross(self, end: int, closing: bool) -> None:
        for code in self.instruments:
            at = end + self.random_end_ns()
            self.schedule(at, functools.partial(self._auction_uncross, code, closing, True))

    # ------------------------------------------------------------------ context for books
    def emit(self, event_type: Any, venue: Venue, code: str, *fields: Any) -> None:
        """Stamp and publish one event (built only when someone records or listens)."""
        self._sequence += 1
        if self.events is None and not self._subscribers:
            return
        event = event_type(self._sequence, self.now_ts, venue, code, *fields)
        if self.events is not None:
            self.events.append(event)
        for callback in self._subscribers:
            callback(event)

    def next_trade_id(self) -> str:
        """A new trade id, unique within the day."""
        return f"T{next(self._trade_ids):08d}"

    def order_done(self, order: BookOrder) -> None:
        """Forget an order that has no open quantity left."""
        self.orders.pop(order.order_id, None)

    def schedule(self, ts: int, action: Callable[[], None]) -> None:
        """Run ``action`` when the clock reaches ``ts`` (ties run in scheduling order)."""
        heapq.heappush(self._timers, (ts, next(self._timer_ids), action))

    def random_end_ns(self) -> int:
        """A random auction end within 30 seconds, in whole milliseconds."""
        return self._random.randrange(0, 30_001) * 1_000_000

    # ------------------------------------------------------------------ clock
    @property
    def now(self) -> datetime:
        """The exchange time (aware, Seoul)."""
        return ts_to_datetime(self.now_ts)

    def next_timer_ts(self) -> int | None:
        """When the next scheduled action runs, if any is left today."""
        return self._timers[0][0] if self._timers else None

    def advance_to(self, ts: int | datetime) -> None:
        """Move the clock forward to ``ts``, running every action scheduled up to it."""
        target = ts if isinstance(ts, int) else datetime_to_ts(ts)
        while self._timers and self._timers[0][0] <= target:
            at, _, action = heapq.heappop(self._timers)
            if at > self.now_ts:
                self.now_ts = at
            action()
        if target > self.now_ts:
            self.now_ts = target

    def subscribe(self, callback: EventCallback) -> Callable[[], None]:
        """Call ``callback`` with every event; returns a function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    # ------------------------------------------------------------------ orders
    def submit(self, request: OrderRequest, owner: str = "") -> str:
        """Validate and enter an order; return its exchange order id.

        Raises the specific :class:`~yeouido.model.errors.InvalidOrder` (after emitting
        :class:`OrderRejected`) when any rule refuses it; the books are left untouched.
        """
        order_id = f"O{next(self._order_ids):08d}"
        venue = request.venue
        try:
            instrument = self.lookup(request.code)
            if instrument is None:
                raise UnknownInstrument.for_field("code", request.code, "not listed here")
            if venue is Venue.SOR:
                venue = self._route(request)
            book, phase = self._book_and_phase(request, venue)
            reference = self.references[request.code]
            if (
                request.session is Session.AFTER_HOURS_SINGLE
                or request.session is Session.AFTER_HOURS_CLOSE
            ):
                reference = self._after_hours_reference(request.code)
            validate_in_phase(request, instrument, reference, phase)
            order = BookOrder(
                order_id,
                owner,
                request.side,
                request.order_type,
                request.price,
                request.quantity,
                request.tif,
                request.session,
                request.stop_price,
            )
            self.orders[order_id] = order
            book.submit(order)
        except YeouidoError as error:
            self.orders.pop(order_id, None)
            self._reject(
                venue if venue is not Venue.SOR else Venue.KRX, request.code, order_id, owner, error
            )
            raise
        return order_id

    def cancel(self, order_id: str, quantity: int | None = None) -> None:
        """Cancel an order's open quantity (all of it when ``quantity`` is ``None``)."""
        order = self.orders.get(order_id)
        try:
            if order is None:
                raise OrderNotOpen.for_field("order_id", order_id, "no open order with this id")
            if quantity is not None and quantity <= 0:
                raise InvalidQuantity.for_field("quantity", quantity, "must be > 0")
            order.book.cancel(order, quantity)
        except YeouidoError as error:
            self._reject(
                Venue.KRX,
                order.book.code if order else "",
                order_id,
                order.owner if order else "",
                error,
            )
            raise

    def modify(
        self, order_id: str, price: Price | None = None, quantity: int | None = None
    ) -> None:
        """Change an order's price and/or open quantity (see :meth:`RegularBook.modify`)."""
        order = self.orders.get(order_id)
        try:
            if order is None:
                raise OrderNotOpen.for_field("order_id", order_id, "no open order with this id")
            self._check_modify(order, price, quantity)
            order.book.modify(order, price, quantity)
        except YeouidoError as error:
            code = order.book.code if order else ""
            self._reject(Venue.KRX, code, order_id, order.owner if order else "", error)
            raise

    def _check_modify(self, order: BookOrder, price: Price | None, quantity: int | None) -> None:
        book = order.book
        instrument = self.instruments[book.code]
        if quantity is not None:
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
                raise InvalidQuantity.for_field("quantity", quantity, "must be a whole number > 0")
            if quantity % instrument.lot_size:
                raise InvalidQuantity.for_field(
                    "quantity",
                    quantity,
                    f"must be a multiple of the lot size {instrument.lot_size}",
                )
        if price is None:
            return
        if order.order_type is OrderType.MARKET or (
            order.price is None and order.order_type is not OrderType.MIDPOINT
        ):
            raise OrderTypeNotAllowed.for_field(
                "price", price, "a market order's price cannot change"
            )
        if isinstance(book, RegularBook):
            if book.halted:
                raise TradingHalted.for_field("price", price, f"{book.code} is halted")
            if isinstance(price, bool) or not isinstance(price, int) or price <= 0:
                raise InvalidPrice.for_field("price", price, "must be a whole KRW amount > 0")
            if round_price(price, instrument.tick_table, "down") != price:
                raise InvalidPrice.for_field("price", price, "not on the tick")
            if not book.lower_limit <= price <= book.upper_limit:
                raise OutsidePriceLimits.for_field(
                    "price", price, f"must be within {book.lower_limit:,}–{book.upper_limit:,}"
                )

    def _reject(
        self, venue: Venue, code: str, order_id: str, owner: str, error: YeouidoError
    ) -> None:
        self.emit(
            OrderRejected,
            venue,
            code,
            order_id,
            owner,
            error.code,
            error.field or "",
            error.message,
        )

    def _route(self, request: OrderRequest) -> Venue:
        """SOR: the venue with the better opposite price now (KRX on a tie or when NXT cannot
        take the order)."""
        nxt = self.books.get((Venue.NXT, request.code))
        krx = self.books[(Venue.KRX, request.code)]
        if (
            nxt is None
            or nxt.halted
            or nxt.phase is not Phase.NXT_MAIN_MARKET
            or request.session is not Session.REGULAR
        ):
            return Venue.KRX
        if krx.auction or krx.phase is not Phase.CONTINUOUS:
            return Venue.NXT
        if request.side is Side.BUY:
            krx_price, nxt_price = krx.asks.best(), nxt.asks.best()
            better = nxt_price is not None and (krx_price is None or nxt_price < krx_price)
        else:
            krx_price, nxt_price = krx.bids.best(), nxt.bids.best()
            better = nxt_price is not None and (krx_price is None or nxt_price > krx_price)
        return Venue.NXT if better else Venue.KRX

    def _book_and_phase(self, request: OrderRequest, venue: Venue) -> tuple[Any, Phase]:
        code = request.code
        session = request.session
        if session is Session.REGULAR:
            book = self.books.get((venue, code))
            if book is None:
                raise OrderTypeNotAllowed.for_field(
                    "venue", venue.value, f"{code} is not listed on {venue.value}"
                )
            if book.halted:
                raise TradingHalted.for_field(
                    "code", code, f"{code} is halted on {venue.value} (VI)"
                )
            phase = Phase.OPENING_AUCTION if book.vi_kind and venue is Venue.KRX else book.phase
            return book, phase
        phase = Phase(session.value) if session in self.session_open else Phase.CLOSED
        if session is Session.PRE_OPEN_CLOSE:
            return self.pre_close_books[code], phase
        if session is Session.AFTER_HOURS_CLOSE:
            return self.post_close_books[code], phase
        book = self.single_price_books.get(code)
        if book is None:
            return self.books[(Venue.KRX, code)], Phase.CLOSED
        return book, phase

    def _after_hours_reference(self, code: str) -> ReferencePrices:
        reference = self.references[code]
        close = self.day_close.get(code)
        return ReferencePrices(
            base_price=reference.base_price,
            previous_close=reference.previous_close,
            day_close=close,
            last_price=close,
            limits=reference.limits,
        )

    # ------------------------------------------------------------------ KRX phases
    def _venue_phase(self, venue: Venue, phase: Phase) -> None:
        self.venue_phase[venue] = phase
        self.emit(PhaseChanged, venue, "", phase.value)

    def _pre_close_start(self) -> None:
        self.session_open.add(Session.PRE_OPEN_CLOSE)
        self.emit(PhaseChanged, Venue.KRX, "", Phase.PRE_OPEN_CLOSE.value)
        for code, book in self.pre_close_books.items():
            reference = self.references[code]
            book.start_matching(reference.previous_close or reference.base_price)

    def _pre_close_end(self) -> None:
        self.session_open.discard(Session.PRE_OPEN_CLOSE)
        for book in self.pre_close_books.values():
            book.expire_all("the pre-open closing-price session ended")

    def _auction_start(self, phase: Phase) -> None:
        self._venue_phase(Venue.KRX, phase)
        for (venue, _), book in self.books.items():
            if venue is Venue.KRX:
                if book.vi_kind is not None:
                    book.vi_kind = None
                book.start_auction(phase)

    def _auction_uncross(self, code: str, closing: bool, check_vi: bool) -> None:
        book = self.books[(Venue.KRX, code)]
        if check_vi:
            indicative = book.indicative()
            if indicative.price is not None:
                kind = book.auction_vi(indicative.price, closing)
                if kind is not None:
                    reference = book.static_reference if kind == "static" else book.last_price
                    assert reference is not None
                    book.vi_kind = kind
                    until = self.now_ts + VI_DURATION_NS + self.random_end_ns()
                    self.emit(ViStarted, Venue.KRX, code, kind, reference, indicative.price, until)

                    def finish() -> None:
                        book.vi_kind = None
                        self.emit(ViEnded, Venue.KRX, code, kind)
                        self._auction_uncross(code, closing, check_vi=False)

                    self.schedule(until, finish)
                    return
        book.uncross(leftover_market="expire" if closing else "limit")
        if closing:
            book.expire_all("the regular session ended")
            book.close()
            self.day_close[code] = (
                book.last_price if book.last_price is not None else book.base_price
            )
            self.emit(PhaseChanged, Venue.KRX, code, Phase.CLOSED.value)
        else:
            book.start_continuous(Phase.CONTINUOUS)
            self.emit(PhaseChanged, Venue.KRX, code, Phase.CONTINUOUS.value)

    def _post_close_start(self) -> None:
        self.session_open.add(Session.AFTER_HOURS_CLOSE)
        self._venue_phase(Venue.KRX, Phase.AFTER_HOURS_CLOSE)

    def _post_close_matching(self) -> None:
        for code, book in self.post_close_books.items():
            book.start_matching(self.day_close.get(code, self.references[code].base_price))

    def _post_close_end(self) -> None:
        self.session_open.discard(Session.AFTER_HOURS_CLOSE)
        for book in self.post_close_books.values():
            book.expire_all("the after-hours closing-price session ended")

    def _single_price_start(self) -> None:
        self.session_open.add(Session.AFTER_HOURS_SINGLE)
        self._venue_phase(Venue.KRX, Phase.AFTER_HOURS_SINGLE)
        for code in self.instruments:
            self._open_single_price_book(code)

    def _open_single_price_book(self, code: str) -> None:
        instrument = self.instruments[code]
        regular = self.books[(Venue.KRX, code)]
        close = self.day_close.get(code, regular.base_price)
        lower = round_price(
            -(-close * (100 - SINGLE_PRICE_BAND_PERCENT) // 100), instrument.tick_table, "up"
        )
        upper = round_price(
            close * (100 + SINGLE_PRICE_BAND_PERCENT) // 100, instrument.tick_table, "down"
        )
        lower, upper = max(lower, regular.lower_limit), min(upper, regular.upper_limit)
        book = RegularBook(
            self, Venue.KRX, instrument, lower, upper, close, Session.AFTER_HOURS_SINGLE.value
        )
        book.last_price = close
        book.static_reference = close
        book.start_auction(Phase.AFTER_HOURS_SINGLE)
        self.single_price_books[code] = book

    def _single_price_uncross(self, code: str, final: bool) -> None:
        book = self.single_price_books.get(code)
        if book is None:
            return
        book.uncross(leftover_market="expire")
        if final:
            book.expire_all("the after-hours single-price session ended")
            book.close()
            if Session.AFTER_HOURS_SINGLE in self.session_open:
                self.session_open.discard(Session.AFTER_HOURS_SINGLE)
                self._venue_phase(Venue.KRX, Phase.CLOSED)
        else:
            book._publish_indicative(force=True)

    # ------------------------------------------------------------------ NXT phases
    def _nxt_start(self, window: PhaseWindow) -> None:
        self._venue_phase(Venue.NXT, window.phase)
        for (venue, _), book in self.books.items():
            if venue is not Venue.NXT:
                continue
            if window.phase is Phase.NXT_HALT:
                book.close(Phase.NXT_HALT)
            else:
                book.start_continuous(window.phase)

    def _nxt_end(self) -> None:
        self._venue_phase(Venue.NXT, Phase.CLOSED)
        for (venue, _), book in self.books.items():
            if venue is Venue.NXT:
                book.expire_all("the NXT after-market ended")
                book.close()

    # ------------------------------------------------------------------ market data
    def lookup(self, code: str) -> Instrument | None:
        """The listed instrument with ``code``; a code not listed yet is offered to
        :attr:`lister` first. ``None`` when it stays unlisted."""
        instrument = self.instruments.get(code)
        if instrument is None and self.lister is not None and isinstance(code, str):
            self.lister(code)
            instrument = self.instruments.get(code)
        return instrument

    def instrument(self, code: str) -> Instrument:
        """The listed instrument with ``code`` (listed now if :attr:`lister` knows it)."""
        instrument = self.lookup(code)
        if instrument is None:
            raise UnknownInstrument.for_field("code", code, "not listed on this exchange")
        return instrument

    def list_instrument(self, instrument: Instrument, base_price: Price) -> None:
        """List ``instrument`` during the day with ``base_price`` as its 기준가: its books
        join the sessions where they are now (an auction that is collecting, the continuous
        session, a closing-price session that is matching) and the ones still to come today.
        Listing a code twice is refused."""
        code = instrument.code
        if code in self.instruments:
            raise InvalidInput.for_field("code", code, "is already listed")
        self._list(instrument, {code: base_price}, self._nxt)
        now = self.now_ts
        book = self.books[(Venue.KRX, code)]
        for window in schedule(self.day, Venue.KRX).phases:
            start, end = datetime_to_ts(window.start), datetime_to_ts(window.end)
            phase = window.phase
            if phase in (Phase.OPENING_AUCTION, Phase.CLOSING_AUCTION):
                closing = phase is Phase.CLOSING_AUCTION
                if now < end:
                    at = end + self.random_end_ns()
                    self.schedule(at, functools.partial(self._auction_uncross, code, closing, True))
                if start <= now < end:
                    book.start_auction(phase)
                if closing and now >= end:
                    self.day_close[code] = base_price
            elif phase is Phase.CONTINUOUS and start <= now < end:
                book.start_continuous(Phase.CONTINUOUS)
            elif phase is Phase.AFTER_HOURS_SINGLE:
                last = len(window.uncross_times) - 1
                for index, moment in enumerate(window.uncross_times):
                    at = datetime_to_ts(moment)
                    if at >= now:
                        self.schedule(
                            at + self.random_end_ns(),
                            functools.partial(self._single_price_uncross, code, index == last),
                        )
        reference = self.references[code]
        if Session.PRE_OPEN_CLOSE in self.session_open:
            self.pre_close_books[code].start_matching(
                reference.previous_close or reference.base_price
            )
        if Session.AFTER_HOURS_CLOSE in self.session_open:
            for window in schedule(self.day, Venue.KRX).phases:
                matching = window.matching_start
                if (
                    window.phase is Phase.AFTER_HOURS_CLOSE
                    and matching is not None
                    and now >= datetime_to_ts(matching)
                ):
                    self.post_close_books[code].start_matching(
                        self.day_close.get(code, reference.base_price)
                    )
        if Session.AFTER_HOURS_SINGLE in self.session_open:
            self._open_single_price_book(code)
        nxt_book = self.books.get((Venue.NXT, code))
        nxt_phase = self.venue_phase[Venue.NXT]
        if nxt_book is not None and nxt_phase not in (Phase.CLOSED, Phase.NXT_HALT):
            nxt_book.start_continuous(nxt_phase)

    def regular_book(self, code: str, venue: Venue = Venue.KRX) -> RegularBook:
        """The regular-session book of ``code`` on ``venue``."""
        self.instrument(code)
        book = self.books.get((venue, code))
        if book is None:
            raise UnknownInstrument.for_field("venue", venue.value, f"{code} is not listed there")
        return book

    def orderbook(self, code: str, venue: Venue = Venue.KRX, levels: int = 10) -> OrderBook:
        """A 10-level snapshot, with the expected auction result while one is collecting."""
        book = self.regular_book(code, venue)
        bids, asks = book.depth(levels)
        expected_price: Price | None = None
        expected_quantity: int | None = None
        if book.auction:
            result = book.indicative()
            expected_price, expected_quantity = result.price, result.quantity
        return OrderBook(
            code=code,
            time=self.now,
            bids=tuple(BookLevel(price, quantity, orders) for price, quantity, orders in bids),
            asks=tuple(BookLevel(price, quantity, orders) for price, quantity, orders in asks),
            expected_price=expected_price,
            expected_quantity=expected_quantity,
        )

    def quote(self, code: str, venue: Venue = Venue.KRX) -> Quote:
        """Best bid and ask, last trade, volume, previous close, base price and limits."""
        book = self.regular_book(code, venue)
        bids, asks = book.depth(1)
        reference = self.references[code]
        return Quote(
            code=code,
            time=self.now,
            last=book.last_price,
            bid=bids[0][0] if bids else None,
            ask=asks[0][0] if asks else None,
            bid_size=bids[0][1] if bids else 0,
            ask_size=asks[0][1] if asks else 0,
            volume=book.volume,
            previous_close=reference.base_price,
            base_price=reference.base_price,
            limits=reference.limits,
        )

    def advance_decline(self) -> tuple[int, int, int]:
        """How many instruments are up, down and unchanged against their base price (KRX)."""
        up = down = flat = 0
        for (venue, code), book in self.books.items():
            if venue is not Venue.KRX:
                continue
            last = book.last_price
            base = self.references[code].base_price
            if last is None or last == base:
                flat += 1
            elif last > base:
                up += 1
            else:
                down += 1
        return up, down, flat
