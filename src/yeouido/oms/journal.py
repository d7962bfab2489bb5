"""The order journal: a durable record of every order intent, answer and fill (SQLite, WAL).

The order manager writes (and commits) an intent *before* the order leaves the process, and
every acknowledgement, status change, modification, cancel request and fill after it. After a
restart :meth:`Journal.load` gives back the orders (status included) and the fills.

Three tables:

- ``orders``: one row per order, its current state (request fields, status, venue order id,
  filled quantity and value, reason, times);
- ``events``: an append-only log of everything that happened to each order;
- ``fills``: one row per fill, ``UNIQUE (broker, trade_id)`` so each is applied exactly once.

Money is stored exactly: KRW as integers, index points (``Decimal``) as text. Times are stored
as UTC ISO 8601 and come back timezone-aware (Seoul). The file is created with mode 0600.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

from yeouido.model.account import Fill
from yeouido.model.enums import OrderStatus, OrderType, Session, Side, TimeInForce, Venue
from yeouido.model.errors import InvalidInput
from yeouido.model.instrument import Price
from yeouido.model.orders import Order, OrderRequest
from yeouido.model.time import SEOUL

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY,
    broker TEXT NOT NULL,
    code TEXT NOT NULL,
    side TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    price,
    order_type TEXT NOT NULL,
    tif TEXT NOT NULL,
    session TEXT NOT NULL,
    venue TEXT NOT NULL,
    stop_price,
    status TEXT NOT NULL,
    venue_order_id TEXT,
    filled_quantity INTEGER NOT NULL DEFAULT 0,
    filled_value NOT NULL DEFAULT 0,
    reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS events_by_order ON events (order_id, event_id);
CREATE TABLE IF NOT EXISTS fills (
    broker TEXT NOT NULL,
    trade_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    code TEXT NOT NULL,
    side TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    price NOT NULL,
    time TEXT NOT NULL,
    commission INTEGER NOT NULL DEFAULT 0,
    tax INTEGER NOT NULL DEFAULT 0,
    venue TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (broker, trade_id)
);
CREATE INDEX IF NOT EXISTS fills_by_time ON fills (broker, time);
"""
# Columns without a declared type (price, stop_price, filled_value) have no type affinity:
# an int stays an INTEGER and a Decimal's text stays TEXT, so neither is rounded.

_INSERT_ORDER = (
    "INSERT INTO orders (order_id, broker, code, side, quantity, price, order_type, tif,"
    " session, venue, stop_price, status, venue_order_id, filled_quantity, filled_value,"
    " reason, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_UPDATE_ORDER = (
    "UPDATE orders SET quantity=?, price=?, status=?, venue_order_id=?, filled_quantity=?,"
    " filled_value=?, reason=?, updated_at=? WHERE order_id=?"
)
_INSERT_EVENT = "INSERT INTO events (order_id, time, kind, status, detail) VALUES (?,?,?,?,?)"
_INSERT_FILL = (
    "INSERT OR IGNORE INTO fills (broker, trade_id, order_id, code, side, quantity, price,"
    " time, commission, tax, venue, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)


@dataclass(frozen=True, slots=True)
class JournalEvent:
    """One row of the event log."""

    event_id: int
    order_id: str
    time: datetime
    kind: str
    status: OrderStatus | None
    detail: dict[str, Any]


@dataclass(slots=True)
class JournalState:
    """What :meth:`Journal.load` restores: the orders (oldest first) and the fills (in the
    order they were recorded, so a fill's place in the list is the same in every process that
    reads the journal)."""

    orders: list[Order] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    brokers: dict[str, str] = field(default_factory=dict)
    """The broker of each order, by order id."""


class Journal:
    """The durable order journal in one SQLite file at ``path`` (created 0600 if missing).

    Every ``record_*``/``add_*``/``update_*`` method commits before it returns. Safe to use
    from one thread at a time (calls are serialised by a lock).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
        self._path.parent.mkdir(parents=True, exist_ok=True)
        _create_private(self._path)
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(
            self._path, isolation_level=None, check_same_thread=False
        )
        connection = self._connection
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA wal_autocheckpoint=4000")
        connection.execute("PRAGMA foreign_keys=OFF")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            connection.close()
            raise InvalidInput.for_field(
                "journal", str(self._path), f"schema version {version} is not {SCHEMA_VERSION}"
            )
        connection.executescript(_SCHEMA)
        connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        for suffix in ("-wal", "-shm"):
            sidecar = self._path.with_name(self._path.name + suffix)
            if sidecar.exists():
                os.chmod(sidecar, 0o600)
        self._closed = False
        self._pending: list[tuple[str, tuple[Any, ...]]] = []

    @property
    def path(self) -> Path:
        """The journal file."""
        return self._path

    def close(self) -> None:
        """Write what is deferred and close the file (idempotent)."""
        with self._lock:
            if not self._closed:
                self._write_pending()
                self._connection.close()
                self._closed = True

    def flush(self) -> None:
        """Commit the writes deferred by ``update_order(..., defer=True)``."""
        with self._lock:
            self._write_pending()

    @property
    def deferred(self) -> int:
        """How many deferred writes wait for the next commit."""
        return len(self._pending)

    def _write_pending(self) -> None:
        if not self._pending or self._closed:
            return
        connection = self._connection
        connection.execute("BEGIN")
        try:
            self._execute_pending()
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _execute_pending(self) -> None:
        pending, self._pending = self._pending, []
        for statement, parameters in pending:
            self._connection.execute(statement, parameters)

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Journal({str(self._path)!r})"

    # -- writing ------------------------------------------------------------------------

    def add_order(
        self,
        order: Order,
        broker: str,
        kind: str = "intent",
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Insert a new order (an intent, or a denial) and its first event; commit."""
        request = order.request
        row = (
            order.order_id,
            broker,
            request.code,
            request.side.value,
            request.quantity,
            _price_out(request.price),
            request.order_type.value,
            request.tif.value,
            request.session.value,
            request.venue.value,
            _price_out(request.stop_price),
            order.status.value,
            order.venue_order_id,
            order.filled_quantity,
            _price_out(order.filled_value),
            order.reason,
            _time_out(order.created_at),
            _time_out(order.updated_at),
        )
        at = order.updated_at or order.created_at
        event = (order.order_id, _time_out(at), kind, order.status.value, _detail_out(detail))
        with self._lock:
            connection = self._connection
            connection.execute("BEGIN")
            try:
                self._execute_pending()
                connection.execute(_INSERT_ORDER, row)
                connection.execute(_INSERT_EVENT, event)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def update_order(
        self,
        order: Order,
        kind: str,
        detail: Mapping[str, Any] | None = None,
        at: datetime | None = None,
        *,
        defer: bool = False,
    ) -> None:
        """Store the order's current state and append an event ``kind``; commit.

        ``defer`` queues the write for the next transaction (any other write, :meth:`flush`,
        a read or :meth:`close`) instead: for answers that reconciliation can always recover
        from the venue (an acknowledgement), never for intents.
        """
        at = at or order.updated_at or order.created_at
        event = (order.order_id, _time_out(at), kind, order.status.value, _detail_out(detail))
        with self._lock:
            if defer:
                self._pending.append((_UPDATE_ORDER, _order_row(order)))
                self._pending.append((_INSERT_EVENT, event))
                return
            connection = self._connection
            connection.execute("BEGIN")
            try:
                self._execute_pending()
                self._write_order(order)
                connection.execute(_INSERT_EVENT, event)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def record_event(
        self,
        order_id: str,
        kind: str,
        at: datetime,
        detail: Mapping[str, Any] | None = None,
        status: OrderStatus | None = None,
    ) -> None:
        """Append one event without changing the order row; commit."""
        status_text = None if status is None else status.value
        with self._lock:
            self._pending.append(
                (_INSERT_EVENT, (order_id, _time_out(at), kind, status_text, _detail_out(detail)))
            )
            self._write_pending()

    def record_fill(self, fill: Fill, broker: str, order: Order | None = None) -> bool:
        """Store ``fill`` unless a fill with its ``(broker, trade_id)`` is already stored.

        Returns whether it was new. When new and ``order`` is given (already updated with the
        fill), the order's row and a ``fill`` event are written in the same transaction.
        """
        row = (
            broker,
            fill.trade_id,
            fill.order_id,
            fill.code,
            fill.side.value,
            fill.quantity,
            _price_out(fill.price),
            _time_out(fill.time),
            fill.commission,
            fill.tax,
            fill.venue.value,
            _time_out(datetime.now(UTC)),
        )
        with self._lock:
            connection = self._connection
            connection.execute("BEGIN")
            try:
                self._execute_pending()
                cursor = connection.execute(_INSERT_FILL, row)
                if cursor.rowcount == 0:
                    connection.execute("COMMIT")  # the deferred writes, if any
                    return False
                if order is not None:
                    self._write_order(order)
                    detail = {
                        "trade_id": fill.trade_id,
                        "quantity": fill.quantity,
                        "price": str(fill.price),
                    }
                    connection.execute(
                        _INSERT_EVENT,
                        (
                            order.order_id,
                            _time_out(fill.time),
                            "fill",
                            order.status.value,
                            _detail_out(detail),
                        ),
                    )
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        return True

    def _write_order(self, order: Order) -> None:
        self._connection.execute(_UPDATE_ORDER, _order_row(order))

    # -- reading ------------------------------------------------------------------------

    def has_fill(self, broker: str, trade_id: str) -> bool:
        """Whether the fill ``(broker, trade_id)`` is stored."""
        with self._lock:
            self._write_pending()
            row = self._connection.execute(
                "SELECT 1 FROM fills WHERE broker=? AND trade_id=?", (broker, trade_id)
            ).fetchone()
        return row is not None

    def get_order(self, order_id: str) -> Order | None:
        """The stored order ``order_id`` (without its history), or ``None``."""
        with self._lock:
            self._write_pending()
            row = self._connection.execute(
                "SELECT * FROM orders WHERE order_id=?", (order_id,)
            ).fetchone()
        return None if row is None else _order_in(row)

    def count_orders(self, broker: str | None = None) -> int:
        """How many orders are stored (of ``broker``, when given)."""
        with self._lock:
            self._write_pending()
            if broker is None:
                row = self._connection.execute("SELECT COUNT(*) FROM orders").fetchone()
            else:
                row = self._connection.execute(
                    "SELECT COUNT(*) FROM orders WHERE broker=?", (broker,)
                ).fetchone()
        return int(row[0])

    def events(self, order_id: str | None = None) -> list[JournalEvent]:
        """The event log (of one order, when given), oldest first."""
        query = "SELECT event_id, order_id, time, kind, status, detail FROM events"
        with self._lock:
            self._write_pending()
            if order_id is None:
                rows = self._connection.execute(query + " ORDER BY event_id").fetchall()
            else:
                rows = self._connection.execute(
                    query + " WHERE order_id=? ORDER BY event_id", (order_id,)
                ).fetchall()
        return [
            JournalEvent(
                event_id,
                oid,
                _time_in(time),
                kind,
                None if status is None else OrderStatus(status),
                json.loads(detail) if detail else {},
            )
            for event_id, oid, time, kind, status, detail in rows
        ]

    def fills(self, broker: str | None = None) -> list[Fill]:
        """The stored fills (of ``broker``, when given), in time order."""
        return self._fills(broker, "time, rowid")

    def _fills(self, broker: str | None, order: str) -> list[Fill]:
        query = (
            "SELECT order_id, trade_id, code, side, quantity, price, time, commission, tax,"
            " venue FROM fills"
        )
        with self._lock:
            self._write_pending()
            if broker is None:
                rows = self._connection.execute(f"{query} ORDER BY {order}").fetchall()
            else:
                rows = self._connection.execute(
                    f"{query} WHERE broker=? ORDER BY {order}", (broker,)
                ).fetchall()
        return [_fill_in(row) for row in rows]

    def load(self, broker: str | None = None) -> JournalState:
        """Every stored order (with its status history) and fill, of ``broker`` if given."""
        with self._lock:
            self._write_pending()
            if broker is None:
                rows = self._connection.execute(
                    "SELECT * FROM orders ORDER BY created_at, order_id"
                ).fetchall()
            else:
                rows = self._connection.execute(
                    "SELECT * FROM orders WHERE broker=? ORDER BY created_at, order_id", (broker,)
                ).fetchall()
            history_rows = self._connection.execute(
                "SELECT order_id, time, status FROM events"
                " WHERE status IS NOT NULL ORDER BY event_id"
            ).fetchall()
        state = JournalState()
        by_id: dict[str, Order] = {}
        for row in rows:
            order = _order_in(row)
            by_id[order.order_id] = order
            state.orders.append(order)
            state.brokers[order.order_id] = row[1]
        for order_id, time, status in history_rows:
            restored = by_id.get(order_id)
            if restored is None:
                continue
            status_value = OrderStatus(status)
            if not restored.history or restored.history[-1][1] is not status_value:
                restored.history.append((_time_in(time), status_value))
        state.fills = self._fills(broker, "rowid")
        return state


def _order_row(order: Order) -> tuple[Any, ...]:
    request = order.request
    return (
        request.quantity,
        _price_out(request.price),
        order.status.value,
        order.venue_order_id,
        order.filled_quantity,
        _price_out(order.filled_value),
        order.reason,
        _time_out(order.updated_at),
        order.order_id,
    )


def _create_private(path: Path) -> None:
    """Create ``path`` with mode 0600 if missing; tighten it to 0600 if it exists."""
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(descriptor)
    os.chmod(path, 0o600)


def _price_out(value: Price | None) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value)
    return int(value)


def _price_in(value: int | str | None) -> Price | None:
    if value is None:
        return None
    if isinstance(value, str):
        return Decimal(value)
    return int(value)


def _time_out(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat()


def _time_in(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(SEOUL)


def _detail_out(detail: Mapping[str, Any] | None) -> str | None:
    if not detail:
        return None
    return json.dumps(detail, default=str, separators=(",", ":"), sort_keys=True)


def _order_in(row: tuple[Any, ...]) -> Order:
    (
        order_id,
        _broker,
        code,
        side,
        quantity,
        price,
        order_type,
        tif,
        session,
        venue,
        stop_price,
        status,
        venue_order_id,
        filled_quantity,
        filled_value,
        reason,
        created_at,
        updated_at,
    ) = row
    request = OrderRequest(
        code,
        Side(side),
        quantity,
        _price_in(price),
        OrderType(order_type),
        TimeInForce(tif),
        Session(session),
        Venue(venue),
        order_id,
        _price_in(stop_price),
    )
    filled = _price_in(filled_value)
    return Order(
        request=request,
        order_id=order_id,
        created_at=_time_in(created_at),
        status=OrderStatus(status),
        venue_order_id=venue_order_id,
        filled_quantity=filled_quantity,
        filled_value=0 if filled is None else filled,
        updated_at=None if updated_at is None else _time_in(updated_at),
        reason=reason,
    )


def _fill_in(row: tuple[Any, ...]) -> Fill:
    order_id, trade_id, code, side, quantity, price, time, commission, tax, venue = row
    fill_price = _price_in(price)
    assert fill_price is not None
    return Fill(
        order_id=order_id,
        trade_id=trade_id,
        code=code,
        side=Side(side),
        quantity=quantity,
        price=fill_price,
        time=_time_in(time),
        commission=commission,
        tax=tax,
        venue=Venue(venue),
    )
