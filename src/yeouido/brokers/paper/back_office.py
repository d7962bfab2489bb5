"""The paper broker's back office: the simulated market, the account ledger, the order store
and the execution client, with the market-data and account views built on them.

The in-process paper broker and the ``yeouido paper serve`` service both run one of these;
only where the order manager lives differs (in the broker, or in each client of the service).
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from yeouido.brokers.base import BuyingPower, MarketCallback
from yeouido.brokers.paper.execution import PaperExecutionClient
from yeouido.brokers.paper.history import MarketHistory
from yeouido.brokers.paper.ledger import PaperLedger
from yeouido.brokers.paper.market import PaperMarket
from yeouido.brokers.paper.orders import PaperOrderStore
from yeouido.exchange.events import BookChanged, ExchangeEvent, TradePrinted
from yeouido.exchange.venue import Exchange
from yeouido.krx.costs import CostModel
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.enums import Venue
from yeouido.model.errors import InvalidInput
from yeouido.model.instrument import Instrument, Price
from yeouido.model.market_data import Bar, OrderBook, Quote, Trade
from yeouido.model.time import SEOUL

ACCOUNT_CHARACTERS = "letters, digits, - and _"


def check_account(account: str) -> str:
    """Validate a paper account name (it becomes a directory name)."""
    if not account or not account.replace("-", "").replace("_", "").isalnum():
        raise InvalidInput.for_field("account", account, f"use {ACCOUNT_CHARACTERS} only")
    return account


@dataclass(frozen=True, slots=True)
class PaperOptions:
    """How a paper market and account are set up."""

    cash: int = 100_000_000
    speed: float | None = 1.0
    seed: int = 0
    codes: tuple[str, ...] | None = None
    market_data: str | Path | None = None
    day: date | None = None
    start: time = time(9, 0, 30)
    reset: bool = False

    @classmethod
    def create(
        cls,
        cash: int = 100_000_000,
        speed: float | None = 1.0,
        seed: int = 0,
        codes: Iterable[str] | None = None,
        market_data: str | Path | None = None,
        day: date | None = None,
        start: time = time(9, 0, 30),
        reset: bool = False,
    ) -> PaperOptions:
        """Options with the codes frozen into a tuple."""
        return cls(
            cash,
            speed,
            seed,
            None if codes is None else tuple(codes),
            market_data,
            day,
            start,
            reset,
        )


logger = logging.getLogger(__name__)


def account_notice(
    account: str, ledger: PaperLedger, *, reopened: bool, now: datetime | None = None
) -> str:
    """What a person should know on opening a paper account: it persists across runs (and is
    shared with ``yeouido paper serve``), how old it is and what it holds."""
    created = ledger.created_at.astimezone(SEOUL)
    stamp = f"{created:%Y-%m-%d %H:%M} KST"
    if not reopened:
        return (
            f"new paper account {account!r} created {stamp} in {ledger.path.parent}; "
            "it persists across runs (`yeouido paper reset` starts afresh)"
        )
    days = ((now or datetime.now(UTC)) - created).days
    age = "less than a day ago" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
    held = len(ledger.positions())
    positions = "1 position" if held == 1 else f"{held} positions"
    return (
        f"paper account {account!r} (created {stamp}, {age}, {positions}) — "
        "`yeouido paper reset` starts afresh"
    )


class PaperBackOffice:
    """One paper account on one simulated market, stored under ``root``."""

    def __init__(
        self,
        root: Path,
        account: str,
        options: PaperOptions,
        cost_model: CostModel | None = None,
    ) -> None:
        self.root = root
        self.account = check_account(account)
        self.options = options
        self.cost_model = cost_model or CostModel()
        if options.reset and root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True, exist_ok=True)
        existed = (root / "ledger.sqlite").exists()
        self.ledger = PaperLedger(
            root / "ledger.sqlite", initial_cash=options.cash, cost_model=self.cost_model
        )
        self.notice = account_notice(account, self.ledger, reopened=existed)
        """One line on the account: new, or reopened with its age and positions."""
        logger.info("%s", self.notice)
        self.market = PaperMarket(
            codes=options.codes,
            data_dir=options.market_data,
            day=options.day,
            start=options.start,
            speed=options.speed,
            seed=options.seed,
        )
        self.history = MarketHistory(self.market.exchange, self.market.feed, seed=options.seed)
        """Past daily bars (bar store or synthetic by seed) and the simulated day's bars."""
        market_id = f"{self.market.day.isoformat()}-{uuid.uuid4().hex[:8]}"
        self.store = PaperOrderStore(root / "orders.sqlite", market_id)
        self.client = PaperExecutionClient(
            self.market.exchange, self.ledger, self.store, account, listen=self.market.listen
        )

    async def close(self) -> None:
        """Stop the market and close the files."""
        await self.market.stop()
        await self.client.drain()
        self.client.close()
        self.store.close()
        self.ledger.close()

    # -- market data -------------------------------------------------------------------
    @property
    def exchange(self) -> Exchange:
        """The simulated exchange."""
        return self.market.exchange

    def instrument(self, code: str) -> Instrument:
        """The listed instrument."""
        return self.exchange.instrument(code)

    def quote(self, code: str) -> Quote:
        """Last trade, best bid and ask on KRX."""
        return self.exchange.quote(code)

    def orderbook(self, code: str) -> OrderBook:
        """Ten levels a side on KRX."""
        return self.exchange.orderbook(code)

    def bars(self, code: str, interval: str) -> list[Bar]:
        """The simulated day's bars (``1m`` with the forming one, or today's ``1d``)."""
        self.exchange.instrument(code)
        return self.market.feed.bars(code, interval, include_forming=True)

    def history_bars(self, code: str, interval: str) -> list[Bar]:
        """Bars with history: ``1d`` the past days (bar store or synthetic) and the simulated
        day's bar; ``1m`` the simulated day's minute bars."""
        if interval == "1d":
            return self.history.daily(code)
        return self.bars(code, interval)

    def history_for(self, code: str, days: int | None = None, adjusted: bool = True) -> list[Bar]:
        """The last ``days`` daily bars of ``code`` (all when ``None``), oldest first, the
        simulated day's bar last once it has traded (for 52-week and 250-day figures)."""
        return self.history.daily(code, days, adjusted)

    def on_market(
        self, codes: Iterable[str], callback: MarketCallback, kinds: Iterable[str]
    ) -> Callable[[], None]:
        """Call ``callback`` with each trade and book of ``codes`` (one book per code per
        exchange instant)."""
        exchange = self.exchange
        wanted = set(codes)
        for code in wanted:
            exchange.instrument(code)
        kinds = set(kinds)
        last_book: dict[str, int] = {}

        def listen(event: ExchangeEvent) -> None:
            if event.code not in wanted:
                return
            if isinstance(event, TradePrinted) and "trades" in kinds:
                callback(
                    Trade(
                        event.code,
                        event.time,
                        event.price,
                        event.quantity,
                        event.aggressor,
                        event.trade_id,
                        event.seq,
                    )
                )
            elif (
                isinstance(event, BookChanged)
                and "books" in kinds
                and event.venue is Venue.KRX
                and last_book.get(event.code) != event.ts
            ):
                last_book[event.code] = event.ts
                callback(exchange.orderbook(event.code))

        return self.market.listen(listen)

    # -- account -----------------------------------------------------------------------
    def last_prices(self) -> dict[str, int]:
        """The last KRX trade price of every instrument that traded."""
        return {
            code: int(book.last_price)
            for (venue, code), book in self.exchange.books.items()
            if venue is Venue.KRX and book.last_price is not None
        }

    def positions(self) -> list[Position]:
        """Holdings at the last prices."""
        return self.ledger.positions(self.last_prices())

    def balance(self) -> Balance:
        """Cash on the simulated day."""
        balance = self.ledger.balance(self.market.day)
        return Balance(
            balance.cash,
            balance.settlement_d1,
            balance.settlement_d2,
            balance.buying_power,
            self.market.now,
        )

    def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Executions of the account."""
        return self.ledger.fills(start, end)

    def buying_power(self, code: str, price: Price) -> BuyingPower:
        """Buying power, and the quantity it pays for at ``price`` with costs."""
        instrument = self.exchange.instrument(code)
        if isinstance(price, bool) or not isinstance(price, int) or price <= 0:
            raise InvalidInput.for_field("price", price, "must be a whole KRW amount > 0")
        amount = self.ledger.balance(self.market.day).buying_power
        quantity = self.cost_model.affordable_quantity(amount, price)
        quantity -= quantity % instrument.lot_size
        return BuyingPower(code, price, amount, max(quantity, 0))
