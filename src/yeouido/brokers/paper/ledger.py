"""The paper broker's back office: cash with T+2 settlement, positions, P&L, costs, reservations.

:class:`PaperLedger` keeps one simulated securities account in its own SQLite file (WAL,
file mode ``0600``). Every operation writes everything it changes in one transaction, so a
crash never leaves half an operation behind, and the state survives close and reopen exactly.

Conventions
-----------
- **Amounts** are whole KRW (``int``); costs come from :class:`~yeouido.krx.CostModel` on the
  trade's Seoul date (commission and exchange fee on both sides, the transaction tax on sells).
- **Settlement** is T+2: a fill's net cash (paid for a buy, received for a sell) moves the
  deposit on the second KRX trading day after the trade's Seoul date. The deposit on a day is
  the initial cash plus every net amount settling on or before it; nothing has to be "run" to
  settle, so :meth:`PaperLedger.balance` is a pure read.
- **Positions and realized P&L** follow the account core (:mod:`yeouido.accounting`,
  :class:`~yeouido.accounting.Holding`): the average price (평균단가) is the moving average
  of the *buy prices*, excluding commission and fees, as Korean brokers display it (buys
  re-average; sells leave it unchanged), a ``Decimal`` stored as text (40 significant
  digits, exact whenever the average terminates). The realized P&L of a sale is net of *all*
  costs of the shares sold: proceeds minus their book cost, minus the part of the buy
  commission and fee that bought them, minus the sale's commission, fee and tax. Each
  position's book cost and buy costs are kept as whole won (the part taken out by a partial
  sale is rounded half-even to the won; a sale that closes the position takes exactly what
  is left), so over any sequence of trades::

      final deposit == initial cash + realized P&L - (book cost + buy costs of open positions)

  holds exactly in integers, and once every position is closed the deposit is the initial
  cash plus the realized P&L.
- **Unrealized P&L** is :attr:`~yeouido.model.Position.unrealized_pnl`: market value minus
  average price times quantity, before any costs.
- **Reservations** (미체결 주문의 증거): before an order is placed, a buy reserves its price times
  quantity plus the estimated commission and fee against the buying power, a sell reserves
  its quantity against the sellable quantity. Fills and releases consume the reservation.
- **Buying power** (주문가능금액) is the D+2 deposit minus the reserved buy amounts, never
  negative (and never above the deposit after every recorded settlement, should an earlier
  day be queried).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

from yeouido.accounting import CashLedger, Holding, net_cash, settlement_day
from yeouido.krx.calendar import next_trading_day
from yeouido.krx.costs import CostModel, TradeCost
from yeouido.krx.master import get_instrument
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.enums import Side
from yeouido.model.errors import (
    InsufficientFunds,
    InsufficientPosition,
    InvalidInput,
    YeouidoError,
)
from yeouido.model.instrument import Instrument
from yeouido.model.time import SEOUL, require_aware

__all__ = ["SCHEMA_VERSION", "LedgerClosed", "PaperLedger"]

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""Version of the ledger's SQLite schema; a file of another version is refused."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fills (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    trade_id TEXT NOT NULL UNIQUE,
    order_key TEXT NOT NULL,
    code TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    price INTEGER NOT NULL CHECK (price > 0),
    time_utc TEXT NOT NULL,
    trade_date TEXT NOT NULL,
    settle_on TEXT NOT NULL,
    commission INTEGER NOT NULL,
    exchange_fee INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    net_amount INTEGER NOT NULL,
    realized_pnl INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fills_settle_on ON fills (settle_on);
CREATE INDEX IF NOT EXISTS fills_time ON fills (time_utc);
CREATE INDEX IF NOT EXISTS fills_trade_date ON fills (trade_date);
CREATE TABLE IF NOT EXISTS positions (
    code TEXT PRIMARY KEY,
    quantity INTEGER NOT NULL CHECK (quantity >= 0),
    average_price TEXT NOT NULL,
    book_cost INTEGER NOT NULL,
    buy_costs INTEGER NOT NULL,
    realized_pnl INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reservations (
    order_key TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    quantity INTEGER NOT NULL,
    price INTEGER NOT NULL,
    reserved_on TEXT NOT NULL,
    remaining INTEGER NOT NULL CHECK (remaining >= 0),
    amount INTEGER NOT NULL CHECK (amount >= 0)
);
"""


class LedgerClosed(YeouidoError):
    """An operation on a :class:`PaperLedger` after :meth:`PaperLedger.close`."""

    code = "LEDGER_CLOSED"


@dataclass(frozen=True, slots=True)
class _Reservation:
    order_key: str
    code: str
    side: Side
    quantity: int
    price: int
    reserved_on: date
    remaining: int
    amount: int


# --- validation -------------------------------------------------------------------------


def _check_int(field: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput.for_field(field, value, "must be a whole number (int)")
    if value < minimum:
        raise InvalidInput.for_field(field, value, f"must be >= {minimum}")
    return value


def _check_price(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput.for_field("price", value, "KRW prices are whole won (int)")
    if value <= 0:
        raise InvalidInput.for_field("price", value, "must be > 0")
    return value


def _check_text(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput.for_field(field, value, "must be a non-empty string")
    return value


def _check_side(value: object) -> Side:
    if isinstance(value, Side):
        return value
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return Side(value.lower())
    except ValueError:
        raise InvalidInput.for_field("side", value, "must be 'buy' or 'sell'") from None


def _check_day(field: str, value: object) -> date:
    if isinstance(value, datetime):
        return require_aware(field, value).astimezone(SEOUL).date()
    if not isinstance(value, date):
        raise InvalidInput.for_field(field, value, "must be a date")
    return value


def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


# --- the ledger -------------------------------------------------------------------------


class PaperLedger:
    """The account of the paper broker, kept in one SQLite file.

    ``path`` is opened or created (WAL journal, file mode ``0600``); a new file starts with
    ``initial_cash`` KRW settled. ``cost_model`` prices commission, fee and tax (defaults to
    :class:`~yeouido.krx.CostModel`'s defaults); ``instruments`` resolves a code to its
    :class:`~yeouido.model.Instrument` (for its market and kind, which decide the tax).

    Usable as a context manager; one ledger object may be shared between threads.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        initial_cash: int = 100_000_000,
        cost_model: CostModel | None = None,
        instruments: Callable[[str], Instrument] = get_instrument,
    ) -> None:
        _check_int("initial_cash", initial_cash, minimum=0)
        self._path = Path(path)
        self._costs = cost_model if cost_model is not None else CostModel()
        self._instruments = instruments
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = self._open(self._path, initial_cash)

    # --- opening and closing -------------------------------------------------------------

    @staticmethod
    def _open(path: Path, initial_cash: int) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Create the file ourselves so that it is never readable by others, even briefly;
        # SQLite gives its -wal and -shm files the database file's mode.
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(descriptor)
        os.chmod(path, 0o600)
        connection = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=30.0
        )
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            row = connection.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
            if row is None:
                connection.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("schema_version", str(SCHEMA_VERSION)),
                        ("initial_cash", str(initial_cash)),
                        ("created_at", _utc_text(datetime.now(UTC))),
                    ],
                )
            elif row[0] != str(SCHEMA_VERSION):
                raise YeouidoError(
                    f"the ledger file has schema version {row[0]}, this version of yeouido "
                    f"reads {SCHEMA_VERSION}",
                    field="schema_version",
                    value=row[0],
                    code="LEDGER_SCHEMA",
                )
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            connection.close()
            raise
        return connection

    def close(self) -> None:
        """Close the file; further calls raise :class:`LedgerClosed`. Closing twice is fine."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def __enter__(self) -> PaperLedger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._connection is None else "open"
        return f"PaperLedger({self._path.name!r}, {state})"

    @property
    def path(self) -> Path:
        """The SQLite file."""
        return self._path

    @property
    def cost_model(self) -> CostModel:
        """The commission and fee rates in use."""
        return self._costs

    @property
    def created_at(self) -> datetime:
        """When the ledger file was created (aware, UTC)."""
        with self._read() as connection:
            row = connection.execute("SELECT value FROM meta WHERE key = 'created_at'").fetchone()
        return datetime.fromisoformat(row[0])

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._connection is None:
                raise LedgerClosed("the paper ledger is closed")
            yield self._connection

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: everything inside commits together or not at all."""
        with self._lock:
            if self._connection is None:
                raise LedgerClosed("the paper ledger is closed")
            connection = self._connection
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    # --- helpers -------------------------------------------------------------------------

    def _instrument(self, code: str) -> Instrument:
        instrument = self._instruments(code)
        if instrument.is_derivative:
            raise InvalidInput.for_field(
                "code", code, "the paper ledger keeps securities priced in whole KRW only"
            )
        return instrument

    def _cost(self, code: str, side: Side, quantity: int, price: int, on: date) -> TradeCost:
        return self._costs.cost(self._instrument(code), side, quantity, price, on)

    def _buy_amount(self, quantity: int, price: int) -> int:
        """Price times quantity plus the estimated commission and fee of a buy."""
        return 0 if quantity == 0 else self._costs.buy_cost(quantity, price)

    @staticmethod
    def _initial_cash(connection: sqlite3.Connection) -> int:
        row = connection.execute("SELECT value FROM meta WHERE key = 'initial_cash'").fetchone()
        return int(row[0])

    @classmethod
    def _cash(cls, connection: sqlite3.Connection, today: date) -> CashLedger[date]:
        """The cash on ``today``: the initial cash plus every net amount settled by then, the
        later settlements by day, and the reserved buy amounts."""
        day = today.isoformat()
        (settled,) = connection.execute(
            "SELECT COALESCE(SUM(net_amount), 0) FROM fills WHERE settle_on <= ?", (day,)
        ).fetchone()
        cash: CashLedger[date] = CashLedger(
            cls._initial_cash(connection) + int(settled), cls._reserved_buys(connection)
        )
        for due, amount in connection.execute(
            "SELECT settle_on, SUM(net_amount) FROM fills WHERE settle_on > ? "
            "GROUP BY settle_on ORDER BY settle_on",
            (day,),
        ):
            cash.book(date.fromisoformat(due), int(amount))
        return cash

    @staticmethod
    def _reserved_buys(connection: sqlite3.Connection) -> int:
        row = connection.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM reservations WHERE side = 'buy'"
        ).fetchone()
        return int(row[0])

    @staticmethod
    def _reserved_sells(connection: sqlite3.Connection, code: str) -> int:
        row = connection.execute(
            "SELECT COALESCE(SUM(remaining), 0) FROM reservations WHERE side = 'sell' AND code = ?",
            (code,),
        ).fetchone()
        return int(row[0])

    def _available(self, connection: sqlite3.Connection, today: date) -> int:
        """Buying power before clamping at zero."""
        return self._cash(connection, today).available(settlement_day(today))

    @staticmethod
    def _book(connection: sqlite3.Connection, code: str) -> Holding | None:
        row = connection.execute(
            "SELECT quantity, average_price, book_cost, buy_costs, realized_pnl "
            "FROM positions WHERE code = ?",
            (code,),
        ).fetchone()
        if row is None:
            return None
        return Holding(row[0], Decimal(row[1]), row[2], row[3], row[4])

    @staticmethod
    def _save_book(connection: sqlite3.Connection, code: str, holding: Holding) -> None:
        connection.execute(
            "INSERT INTO positions (code, quantity, average_price, book_cost, buy_costs, "
            "realized_pnl) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
            "quantity = excluded.quantity, average_price = excluded.average_price, "
            "book_cost = excluded.book_cost, buy_costs = excluded.buy_costs, "
            "realized_pnl = excluded.realized_pnl",
            (
                code,
                holding.quantity,
                str(holding.average_price),
                holding.book_cost,
                holding.open_costs,
                holding.realized_pnl,
            ),
        )

    @staticmethod
    def _reservation(connection: sqlite3.Connection, order_key: str) -> _Reservation | None:
        row = connection.execute(
            "SELECT order_key, code, side, quantity, price, reserved_on, remaining, amount "
            "FROM reservations WHERE order_key = ?",
            (order_key,),
        ).fetchone()
        if row is None:
            return None
        return _Reservation(
            row[0], row[1], Side(row[2]), row[3], row[4], date.fromisoformat(row[5]), row[6], row[7]
        )

    def _shrink_reservation(
        self, connection: sqlite3.Connection, reservation: _Reservation, quantity: int
    ) -> int:
        """Take up to ``quantity`` off a reservation; returns how much was taken."""
        taken = min(quantity, reservation.remaining)
        if taken == 0:
            return 0
        remaining = reservation.remaining - taken
        amount = 0
        if reservation.side is Side.BUY:
            amount = self._buy_amount(remaining, reservation.price)
        connection.execute(
            "UPDATE reservations SET remaining = ?, amount = ? WHERE order_key = ?",
            (remaining, amount, reservation.order_key),
        )
        return taken

    # --- orders --------------------------------------------------------------------------

    def reserve(
        self, order_key: str, code: str, side: Side, quantity: int, price: int, on: date
    ) -> None:
        """Reserve what an order about to be placed may use.

        A buy reserves ``price * quantity`` plus the estimated commission and exchange fee
        against the buying power of ``on`` (for a market buy pass the upper price limit as
        ``price``); :class:`~yeouido.model.InsufficientFunds` names the required and the
        available amounts in KRW when it cannot. A sell reserves ``quantity`` against the
        sellable quantity (held minus other reserved sells);
        :class:`~yeouido.model.InsufficientPosition` when that is short (no short selling).

        One reservation per ``order_key``, which always names the same code and side:

        - while it is active (something left to fill), reserving the same terms again does
          nothing (idempotent), and reserving other terms amends it in place (an order
          modification: the check counts the funds or shares the old terms held, and a
          refused amendment keeps the old reservation);
        - once it is used up (filled or released), reserving again starts it afresh, e.g.
          ``release(key)`` then ``reserve(key, ...)`` with the modified price and quantity.
        """
        order_key = _check_text("order_key", order_key)
        code = _check_text("code", code)
        side = _check_side(side)
        quantity = _check_int("quantity", quantity, minimum=1)
        price = _check_price(price)
        on = _check_day("on", on)
        self._instrument(code)
        with self._write() as connection:
            existing = self._reservation(connection, order_key)
            freed_amount = freed_quantity = 0
            if existing is not None:
                if (existing.code, existing.side) != (code, side):
                    raise InvalidInput.for_field(
                        "order_key",
                        order_key,
                        f"is the key of a {existing.side} order of {existing.code}, "
                        f"not a {side} order of {code}",
                    )
                if existing.remaining > 0:
                    if (existing.quantity, existing.price) == (quantity, price):
                        return
                    freed_amount, freed_quantity = existing.amount, existing.remaining
            amount = 0
            if side is Side.BUY:
                amount = self._buy_amount(quantity, price)
                available = max(self._available(connection, on) + freed_amount, 0)
                if amount > available:
                    raise InsufficientFunds(
                        f"buying {quantity} {code} at {price:,} KRW needs {amount:,} KRW "
                        f"with estimated costs, but only {available:,} KRW is available",
                        field="buying_power",
                        value=amount,
                        rule=f"required {amount} KRW <= available {available} KRW",
                    )
            else:
                book = self._book(connection, code)
                held = 0 if book is None else book.quantity
                sellable = held - self._reserved_sells(connection, code) + freed_quantity
                if quantity > sellable:
                    raise InsufficientPosition(
                        f"selling {quantity} {code} exceeds the sellable quantity {sellable} "
                        f"(held {held}); short selling is not allowed",
                        field="quantity",
                        value=quantity,
                        rule=f"requested {quantity} <= sellable {sellable}",
                    )
            connection.execute(
                "INSERT INTO reservations (order_key, code, side, quantity, price, reserved_on, "
                "remaining, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_key) DO "
                "UPDATE SET quantity = excluded.quantity, price = excluded.price, "
                "reserved_on = excluded.reserved_on, remaining = excluded.remaining, "
                "amount = excluded.amount",
                (order_key, code, side.value, quantity, price, on.isoformat(), quantity, amount),
            )
        logger.debug("reserved %s %s %s at %s", side.value, quantity, code, price)

    def release(self, order_key: str, quantity: int | None = None) -> int:
        """Give back an order's reservation when it is canceled, expired or rejected.

        Releases everything still reserved, or at most ``quantity`` shares of it (a partial
        cancel). An unknown or exhausted ``order_key`` releases nothing. Returns the quantity
        released.
        """
        order_key = _check_text("order_key", order_key)
        if quantity is not None:
            quantity = _check_int("quantity", quantity, minimum=1)
        with self._write() as connection:
            reservation = self._reservation(connection, order_key)
            if reservation is None:
                return 0
            wanted = reservation.remaining if quantity is None else quantity
            return self._shrink_reservation(connection, reservation, wanted)

    def reserved_quantity(self, order_key: str) -> int:
        """Shares still reserved for ``order_key`` (0 when unknown)."""
        with self._read() as connection:
            reservation = self._reservation(connection, _check_text("order_key", order_key))
            return 0 if reservation is None else reservation.remaining

    # --- fills ---------------------------------------------------------------------------

    def apply_fill(
        self,
        order_key: str,
        trade_id: str,
        code: str,
        side: Side,
        quantity: int,
        price: int,
        time: datetime,
    ) -> Fill | None:
        """Book one execution, exactly once per ``trade_id`` (a duplicate returns ``None``).

        Costs come from the cost model on ``time``'s Seoul date. A buy adds to the position
        and re-averages its price (costs excluded); a sell reduces it and books the realized
        P&L (see the module docs); selling more than held raises
        :class:`~yeouido.model.InsufficientPosition`. The net cash settles on the second
        trading day after the trade (T+2). The matching part of the order's reservation is
        released. Returns the :class:`~yeouido.model.Fill` with ``order_id=order_key``,
        ``commission`` = commission + exchange fee and ``tax`` = transaction tax.

        A fill is a fact from the venue: a buy is booked even beyond the buying power (the
        order's reservation is what guards it), and a fill without a reservation is booked
        too. A reservation of ``order_key`` for another code or side is refused.
        """
        order_key = _check_text("order_key", order_key)
        trade_id = _check_text("trade_id", trade_id)
        code = _check_text("code", code)
        side = _check_side(side)
        quantity = _check_int("quantity", quantity, minimum=1)
        price = _check_price(price)
        time = require_aware("time", time).astimezone(SEOUL)
        trade_day = time.date()
        cost = self._cost(code, side, quantity, price, trade_day)
        settle_on = settlement_day(trade_day)
        gross = price * quantity
        with self._write() as connection:
            duplicate = connection.execute(
                "SELECT 1 FROM fills WHERE trade_id = ?", (trade_id,)
            ).fetchone()
            if duplicate is not None:
                logger.debug("duplicate trade id ignored")
                return None
            reservation = self._reservation(connection, order_key)
            if reservation is not None and (reservation.code, reservation.side) != (code, side):
                raise InvalidInput.for_field(
                    "order_key",
                    order_key,
                    f"reserved for {reservation.side} {reservation.code}, not {side} {code}",
                )
            holding = self._book(connection, code) or Holding()
            if side is Side.SELL and quantity > holding.quantity:
                raise InsufficientPosition(
                    f"selling {quantity} {code} exceeds the {holding.quantity} held; "
                    "short selling is not allowed",
                    field="quantity",
                    value=quantity,
                    rule=f"sold {quantity} <= held {holding.quantity}",
                )
            realized = holding.apply(side, quantity, price, cost.total)
            net = net_cash(side, gross, cost.total)
            self._save_book(connection, code, holding)
            connection.execute(
                "INSERT INTO fills (trade_id, order_key, code, side, quantity, price, time_utc, "
                "trade_date, settle_on, commission, exchange_fee, tax, net_amount, realized_pnl) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    trade_id,
                    order_key,
                    code,
                    side.value,
                    quantity,
                    price,
                    _utc_text(time),
                    trade_day.isoformat(),
                    settle_on.isoformat(),
                    cost.commission,
                    cost.exchange_fee,
                    cost.tax,
                    net,
                    realized,
                ),
            )
            if reservation is not None:
                self._shrink_reservation(connection, reservation, quantity)
        logger.debug("filled %s %s %s at %s", side.value, quantity, code, price)
        return Fill(
            order_id=order_key,
            trade_id=trade_id,
            code=code,
            side=side,
            quantity=quantity,
            price=price,
            time=time,
            commission=cost.commission + cost.exchange_fee,
            tax=cost.tax,
        )

    def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        """Fills with ``start <= time < end`` (either bound optional), oldest first, times in
        Seoul."""
        clauses: list[str] = []
        parameters: list[Any] = []
        if start is not None:
            clauses.append("time_utc >= ?")
            parameters.append(_utc_text(require_aware("start", start)))
        if end is not None:
            clauses.append("time_utc < ?")
            parameters.append(_utc_text(require_aware("end", end)))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._read() as connection:
            rows = connection.execute(
                "SELECT order_key, trade_id, code, side, quantity, price, time_utc, commission, "
                f"exchange_fee, tax FROM fills{where} ORDER BY time_utc, seq",
                parameters,
            ).fetchall()
        return [
            Fill(
                order_id=row[0],
                trade_id=row[1],
                code=row[2],
                side=Side(row[3]),
                quantity=row[4],
                price=row[5],
                time=datetime.fromisoformat(row[6]).astimezone(SEOUL),
                commission=row[7] + row[8],
                tax=row[9],
            )
            for row in rows
        ]

    # --- account state -------------------------------------------------------------------

    def balance(self, today: date) -> Balance:
        """The cash of the account on ``today``.

        ``cash`` is the deposit (예수금) after every settlement due on or before ``today``;
        ``settlement_d1`` / ``settlement_d2`` the deposit after the settlements of the next
        one / two trading days (D+1, D+2 예수금); ``buying_power`` (주문가능금액) is the D+2
        deposit minus the reserved buy amounts, never negative.
        """
        today = _check_day("today", today)
        d1_day = next_trading_day(today)
        d2_day = next_trading_day(d1_day)
        with self._read() as connection:
            return self._cash(connection, today).balance(today, d1_day, d2_day)

    def _position(
        self, connection: sqlite3.Connection, code: str, holding: Holding, last: int | None
    ) -> Position:
        return Position(
            code=code,
            quantity=holding.quantity,
            average_price=holding.average_price,
            last_price=last,
            realized_pnl=holding.realized_pnl,
            sellable_quantity=holding.quantity - self._reserved_sells(connection, code),
        )

    def positions(self, last_prices: Mapping[str, int] | None = None) -> list[Position]:
        """Open positions by code; ``last_prices`` fills in ``last_price`` (and so the market
        value and unrealized P&L) where known. ``realized_pnl`` is the code's total since the
        last reset; ``sellable_quantity`` is held minus reserved sells."""
        prices = last_prices or {}
        with self._read() as connection:
            rows = connection.execute(
                "SELECT code FROM positions WHERE quantity > 0 ORDER BY code"
            ).fetchall()
            result = []
            for (code,) in rows:
                book = self._book(connection, code)
                assert book is not None
                result.append(self._position(connection, code, book, prices.get(code)))
        return result

    def position(self, code: str, last_price: int | None = None) -> Position | None:
        """The open position in ``code``, or ``None`` when flat."""
        code = _check_text("code", code)
        with self._read() as connection:
            book = self._book(connection, code)
            if book is None or book.quantity == 0:
                return None
            return self._position(connection, code, book, last_price)

    def realized_pnl(self, on: date | None = None) -> int:
        """Realized P&L in KRW, net of all costs of the shares sold: the total since the last
        reset, or of the sales traded on ``on`` (Seoul date)."""
        with self._read() as connection:
            if on is None:
                row = connection.execute(
                    "SELECT COALESCE(SUM(realized_pnl), 0) FROM fills"
                ).fetchone()
            else:
                day = _check_day("on", on)
                row = connection.execute(
                    "SELECT COALESCE(SUM(realized_pnl), 0) FROM fills WHERE trade_date = ?",
                    (day.isoformat(),),
                ).fetchone()
        return int(row[0])

    def reset(self, cash: int | None = None) -> None:
        """Wipe fills, positions and reservations and start again with ``cash`` KRW settled
        (by default the cash the ledger last started with)."""
        if cash is not None:
            _check_int("cash", cash, minimum=0)
        with self._write() as connection:
            start = self._initial_cash(connection) if cash is None else cash
            connection.execute("DELETE FROM fills")
            connection.execute("DELETE FROM positions")
            connection.execute("DELETE FROM reservations")
            connection.execute(
                "UPDATE meta SET value = ? WHERE key = 'initial_cash'", (str(start),)
            )
        logger.info("paper ledger reset")
