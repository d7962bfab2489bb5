"""Websocket data records: H0STCNT0 trade ticks (46 fields) and H0STASP0 books (59 fields).

A trade record is built while the exchange announces the trade, before its book counts it:
the accumulated volume and value of the regular book are taken with the trade added, so each
frame's ``ACML_VOL`` is the sum of the trade volumes up to and including its own."""

from __future__ import annotations

from yeouido.brokers.kis.protocol import H0STASP0_FIELDS, H0STCNT0_FIELDS
from yeouido.exchange.events import TradePrinted
from yeouido.model.enums import Side
from yeouido.model.market_data import OrderBook
from yeouido.sandbox.kis.account import KisAccount, TradeStats
from yeouido.sandbox.kis.book_fields import BookMemory
from yeouido.sandbox.kis.envelope import num, rate, sign


def trade_record(account: KisAccount, event: TradePrinted) -> list[str]:
    """The 46 fields of a trade tick."""
    office = account.office
    code = event.code
    reference = office.exchange.references[code]
    base = int(reference.base_price)
    lower, upper = reference.limits or (0, 0)
    price = int(event.price)
    quote = office.quote(code)
    book = office.orderbook(code)
    stats = account.stats.get(code) or TradeStats()
    bars = office.bars(code, "1d")
    bar = bars[-1] if bars else None
    open_ = int(bar.open) if bar else price
    high = int(bar.high) if bar else price
    low = int(bar.low) if bar else price
    volume, value = accumulated(account, event)
    change = price - base
    strength = stats.buy_volume * 100 / stats.sell_volume if stats.sell_volume else 0
    total = stats.buy_volume + stats.sell_volume
    hour = event.time.strftime("%H%M%S")
    fields = [
        code,
        hour,
        num(price),
        sign(change, price >= int(upper) > 0, 0 < price <= int(lower)),
        num(change),
        rate(change * 100 / base if base else 0),
        num(value // volume if volume else price),
        num(open_),
        num(high),
        num(low),
        num(quote.ask or 0),
        num(quote.bid or 0),
        num(event.quantity),
        num(volume),
        num(value),
        num(stats.sell_count),
        num(stats.buy_count),
        num(stats.buy_count - stats.sell_count),
        rate(strength),
        num(stats.sell_volume),
        num(stats.buy_volume),
        "5" if event.aggressor is Side.SELL else ("1" if event.aggressor is Side.BUY else "3"),
        rate(stats.buy_volume * 100 / total if total else 0),
        "0.00",
        stats.open_hour or hour,
        sign(price - open_),
        num(price - open_),
        stats.high_hour or hour,
        sign(price - high),
        num(price - high),
        stats.low_hour or hour,
        sign(price - low),
        num(price - low),
        office.market.day.strftime("%Y%m%d"),
        "20",
        "N",
        num(book.asks[0].quantity if book.asks else 0),
        num(book.bids[0].quantity if book.bids else 0),
        num(sum(level.quantity for level in book.asks)),
        num(sum(level.quantity for level in book.bids)),
        "0.00",
        "0",
        "0.00",
        "0",
        "",
        num(base),
    ]
    assert len(fields) == len(H0STCNT0_FIELDS)
    return fields


def accumulated(account: KisAccount, event: TradePrinted) -> tuple[int, int]:
    """Accumulated volume and traded value (KRW) of the regular book including ``event``.

    Call it from the exchange's listener of ``event`` (as the websocket does): the exchange
    announces a trade before its book counts it. A trade of another book (an after-hours
    session) leaves the regular figures as they are."""
    book = account.office.exchange.regular_book(event.code)
    volume, value = book.volume, int(book.turnover)
    if event.session == book.session:
        volume += event.quantity
        value += int(event.price) * event.quantity
    return volume, value


def book_record(account: KisAccount, book: OrderBook, memory: BookMemory) -> list[str]:
    """The 59 fields of an orderbook frame (changes against ``memory``'s previous book)."""
    asks = [num(book.asks[i].price) if i < len(book.asks) else "0" for i in range(10)]
    bids = [num(book.bids[i].price) if i < len(book.bids) else "0" for i in range(10)]
    ask_sizes = [num(book.asks[i].quantity) if i < len(book.asks) else "0" for i in range(10)]
    bid_sizes = [num(book.bids[i].quantity) if i < len(book.bids) else "0" for i in range(10)]
    base = int(account.office.exchange.references[book.code].base_price)
    expected = int(book.expected_price) if book.expected_price is not None else 0
    volume = account.office.exchange.regular_book(book.code).volume
    extra = memory.figures(account.office.exchange, book)
    state = extra.state
    fields = [
        book.code,
        book.time.strftime("%H%M%S"),
        "0",
        *asks,
        *bids,
        *ask_sizes,
        *bid_sizes,
        num(state.total_ask),
        num(state.total_bid),
        num(state.after_hours_ask),
        num(state.after_hours_bid),
        num(expected),
        num(book.expected_quantity or 0),
        num(book.expected_quantity or 0),
        num(expected - base if expected else 0),
        sign(expected - base) if expected else "3",
        rate((expected - base) * 100 / base if expected and base else 0),
        num(volume),
        num(extra.total_ask_change),
        num(extra.total_bid_change),
        num(extra.after_hours_ask_change),
        num(extra.after_hours_bid_change),
        "0",
    ]
    assert len(fields) == len(H0STASP0_FIELDS)
    return fields
