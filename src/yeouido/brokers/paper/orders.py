"""The paper broker's own record of the orders it placed on the simulated exchange.

Kept in SQLite beside the ledger so that, when the paper market restarts (a new process, a new
simulated day), orders that were open in the previous market are settled as canceled — the
answer a real broker gives for orders that did not survive the day — instead of being lost.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from yeouido.model.enums import OrderStatus
from yeouido.model.instrument import Price
from yeouido.oms.execution import VenueOrder

_SCHEMA = """
CREATE TABLE IF NOT EXISTS paper_orders (
    client_order_id TEXT PRIMARY KEY,
    exchange_order_id TEXT NOT NULL DEFAULT '',
    market_id TEXT NOT NULL,
    code TEXT NOT NULL,
    side TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    filled_quantity INTEGER NOT NULL DEFAULT 0,
    open_quantity INTEGER NOT NULL,
    price TEXT,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
"""
OPEN_STATUSES = (
    OrderStatus.SUBMITTED.value,
    OrderStatus.ACCEPTED.value,
    OrderStatus.PARTIALLY_FILLED.value,
    OrderStatus.PENDING_MODIFY.value,
    OrderStatus.PENDING_CANCEL.value,
)


@dataclass(slots=True)
class PaperOrder:
    """One order the paper broker placed."""

    client_order_id: str
    exchange_order_id: str
    market_id: str
    code: str
    side: str
    quantity: int
    filled_quantity: int
    open_quantity: int
    price: Price | None
    status: OrderStatus
    reason: str
    updated_at: datetime

    def to_venue_order(self) -> VenueOrder:
        """As the execution-client contract reports it."""
        return VenueOrder(
            client_order_id=self.client_order_id,
            venue_order_id=self.exchange_order_id,
            code=self.code,
            status=self.status,
            quantity=self.quantity,
            filled_quantity=self.filled_quantity,
            open_quantity=self.open_quantity,
            price=self.price,
            reason=self.reason,
            updated_at=self.updated_at,
        )


class PaperOrderStore:
    """Orders by client order id, in memory and in SQLite (file mode 0600)."""

    def __init__(self, path: str | Path, market_id: str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        self._db = sqlite3.connect(self.path, isolation_level=None)
        if new:
            os.chmod(self.path, 0o600)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self.market_id = market_id
        self._orders: dict[str, PaperOrder] = {}
        for row in self._db.execute("SELECT * FROM paper_orders"):
            order = _from_row(row)
            self._orders[order.client_order_id] = order

    def stale_open_orders(self) -> list[PaperOrder]:
        """Orders left open by an earlier market (a previous process or day)."""
        return [
            order
            for order in self._orders.values()
            if order.market_id != self.market_id and order.status.value in OPEN_STATUSES
        ]

    def get(self, client_order_id: str) -> PaperOrder | None:
        """The order with this client id, if the paper broker ever received it."""
        return self._orders.get(client_order_id)

    def all_orders(self) -> list[PaperOrder]:
        """Every order the paper broker ever received for this account."""
        return list(self._orders.values())

    def open_orders(self) -> list[PaperOrder]:
        """Orders still open in the current market."""
        return [o for o in self._orders.values() if o.status.value in OPEN_STATUSES]

    def add(self, order: PaperOrder) -> None:
        """Record a new order (before it reaches the exchange)."""
        self._orders[order.client_order_id] = order
        self.save(order)

    def save(self, order: PaperOrder) -> None:
        """Write the order's current state."""
        self._db.execute(
            "INSERT OR REPLACE INTO paper_orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                order.client_order_id,
                order.exchange_order_id,
                order.market_id,
                order.code,
                order.side,
                order.quantity,
                order.filled_quantity,
                order.open_quantity,
                None if order.price is None else str(order.price),
                order.status.value,
                order.reason,
                order.updated_at.astimezone(UTC).isoformat(),
            ),
        )

    def close(self) -> None:
        """Close the database."""
        self._db.close()


def _from_row(row: tuple[object, ...]) -> PaperOrder:
    price_text = row[8]
    price: Price | None = None
    if isinstance(price_text, str):
        price = int(price_text) if price_text.lstrip("-").isdigit() else None
    return PaperOrder(
        client_order_id=str(row[0]),
        exchange_order_id=str(row[1]),
        market_id=str(row[2]),
        code=str(row[3]),
        side=str(row[4]),
        quantity=int(str(row[5])),
        filled_quantity=int(str(row[6])),
        open_quantity=int(str(row[7])),
        price=price,
        status=OrderStatus(str(row[9])),
        reason=str(row[10]),
        updated_at=datetime.fromisoformat(str(row[11])),
    )
