"""What a live run did: :class:`RunSummary`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from yeouido.model.account import Balance, Fill, Position
from yeouido.model.orders import Order


@dataclass(slots=True)
class RunSummary:
    """What a run did: its orders, fills and the account at the end."""

    strategy: str
    broker: str
    mode: str
    symbols: tuple[str, ...]
    interval: str
    started: datetime | None = None
    ended: datetime | None = None
    stop_reason: str = ""
    error: str | None = None
    on_start_ran: bool = False
    on_stop_ran: bool = False
    reconnects: int = 0
    trades: int = 0
    bars: int = 0
    late_trades: int = 0
    duplicate_fills: int = 0
    """Fill events of a closed connection that the catch-up after reconnecting had already
    delivered (skipped by their place in the order manager's fill log)."""
    recovered_fills: int = 0
    """Fills delivered by the catch-up after reconnecting."""
    orders: list[Order] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    balance: Balance | None = None
    messages: list[tuple[datetime, str]] = field(default_factory=list)
    broker_closed: bool = False
    _failure: BaseException | None = field(default=None, repr=False, compare=False)

    @property
    def failure(self) -> BaseException | None:
        """The exception the strategy raised, when it did (its traceback for ``--debug``)."""
        return self._failure

    @property
    def ok(self) -> bool:
        """Whether the run ended without a strategy error."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly description (``--json``)."""
        from yeouido.brokers.paper.wire import encode

        data: dict[str, Any] = encode(self)
        data["messages"] = [
            {"time": moment.isoformat(), "message": text} for moment, text in self.messages
        ]
        data["ok"] = self.ok
        return data


__all__ = ["RunSummary"]
