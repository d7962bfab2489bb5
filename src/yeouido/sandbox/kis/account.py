"""One KIS account on one paper back office: KIS order numbers (ODNO), order records, the
market statistics KIS reports (accumulated volume, trade counts), and order/fill notices."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from yeouido.brokers.kis.protocol import (
    ERRORS,
    ORD_EXG_GB,
    RCTF_CANCEL,
    RCTF_MODIFY,
    RCTF_NEW,
    SLL_BUY_DVSN_CD,
    OrderDivision,
    msg_cd_for,
)
from yeouido.brokers.paper.back_office import PaperBackOffice
from yeouido.exchange.events import ExchangeEvent, OrderTriggered, PhaseChanged, TradePrinted
from yeouido.krx.sessions import Phase
from yeouido.model.account import Fill
from yeouido.model.enums import OrderStatus, Side, Venue
from yeouido.model.errors import OrderNotOpen, YeouidoError
from yeouido.model.orders import OrderRequest
from yeouido.oms.execution import VenueOrder, VenueOrderUpdate
from yeouido.sandbox.kis.config import KisCredentials
from yeouido.sandbox.kis.reservation_book import REJECTED, RELEASED, ReservationBook

BRANCH = "91252"
"""``KRX_FWDG_ORD_ORGNO`` / ``ORD_GNO_BRNO`` of every sandbox order."""
RECENT_TRADES = 30

NoticeListener = Callable[[list[str]], None]


@dataclass(slots=True)
class KisOrder:
    """One KIS order record: a new order, or a modify/cancel of one (``original_odno``)."""

    odno: str
    client_order_id: str
    code: str
    side: Side
    division: OrderDivision
    quantity: int
    price: int
    venue: Venue
    time: datetime
    kind: str = "new"
    original_odno: str = ""
    rejected: str = ""
    reservation_end: str = ""
    """``RSVN_ORD_END_DT`` of an order released from a period reservation."""
    stop: int = 0
    """``CNDT_PRIC`` of a stop-limit order (``ORD_DVSN`` 22)."""

    @property
    def ord_tmd(self) -> str:
        """``HHMMSS``."""
        return self.time.strftime("%H%M%S")


@dataclass(slots=True)
class TradeStats:
    """Per-code counters KIS reports with each trade tick."""

    sell_count: int = 0
    buy_count: int = 0
    sell_volume: int = 0
    buy_volume: int = 0
    value: int = 0
    high_hour: str = ""
    low_hour: str = ""
    open_hour: str = ""
    high: int = 0
    low: int = 0
    recent: deque[TradePrinted] = field(default_factory=lambda: deque(maxlen=RECENT_TRADES))


class KisAccount:
    """A KIS account: credentials, back office, order records and notice listeners."""

    def __init__(self, credentials: KisCredentials, office: PaperBackOffice, seed: int) -> None:
        self.credentials = credentials
        self.office = office
        self.records: list[KisOrder] = []
        self.by_odno: dict[str, KisOrder] = {}
        self.latest: dict[str, KisOrder] = {}
        self.first: dict[str, KisOrder] = {}
        self.stats: dict[str, TradeStats] = {}
        self.notice_listeners: list[NoticeListener] = []
        self._odno = itertools.count(1 + (seed % 1000) * 10_000)
        self._pending: dict[str, KisOrder] = {}
        self.reservations = ReservationBook()
        self._release_task: asyncio.Task[None] | None = None
        self.triggered: dict[str, str] = {}
        """``HHMMSS`` a stop-limit order's stop price traded, by exchange order id."""
        office.client.set_handlers(self._on_update, self._on_fill)
        self._unlisten = office.market.listen(self._on_event)

    def close(self) -> None:
        """Stop listening to the market."""
        self._unlisten()

    @property
    def acnt_no(self) -> str:
        """The 10-digit account number of notices."""
        return self.credentials.cano + self.credentials.acnt_prdt_cd

    def next_odno(self) -> str:
        """A new 10-digit order number."""
        return f"{next(self._odno):010d}"

    # -- orders ------------------------------------------------------------------------
    async def place(
        self,
        request: OrderRequest,
        division: OrderDivision,
        price_text: int,
        reservation_end: str = "",
    ) -> KisOrder:
        """Place a new order; the record is kept even if the exchange rejects it."""
        record = self.record_order(request, division, price_text, reservation_end)
        await self.send(record, request)
        return record

    def record_order(
        self,
        request: OrderRequest,
        division: OrderDivision,
        price_text: int,
        reservation_end: str = "",
    ) -> KisOrder:
        """A new order's record under a new order number (kept, before it is sent)."""
        odno = self.next_odno()
        record = KisOrder(
            odno,
            odno,
            request.code,
            request.side,
            division,
            request.quantity,
            price_text,
            request.venue,
            self.office.market.now,
            reservation_end=reservation_end,
            stop=int(request.stop_price or 0),
        )
        self._remember(record)
        return record

    async def send(self, record: KisOrder, request: OrderRequest) -> None:
        """Send a recorded order to the back office; a refusal marks the record rejected."""
        try:
            await self.office.client.send_order(
                record.odno, request.with_client_order_id(record.odno)
            )
        except YeouidoError as error:
            record.rejected = error.message
            raise

    def order_of(self, odno: str) -> KisOrder:
        """The record of an order number (any of its modify/cancel numbers too)."""
        record = self.by_odno.get(odno.strip().zfill(10)) if odno.strip().isdigit() else None
        if record is None or record.rejected:
            raise OrderNotOpen.for_field("ORGN_ODNO", odno, "no order with this number")
        return record

    async def modify(
        self, odno: str, division: OrderDivision, price: int | None, quantity: int | None
    ) -> KisOrder:
        """Modify an open order (price, and optionally the new open quantity)."""
        original = self.order_of(odno)
        client_id = original.client_order_id
        current = await self._open(client_id)
        new = KisOrder(
            self.next_odno(),
            client_id,
            original.code,
            original.side,
            division,
            quantity if quantity is not None else current.open_quantity,
            price if price is not None else int(current.price or 0),
            original.venue,
            self.office.market.now,
            "modify",
            self.live(client_id).odno,
        )
        self._pending[client_id] = new
        try:
            await self.office.client.send_modify(client_id, price, quantity)
        except YeouidoError:
            self._pending.pop(client_id, None)
            raise
        self._remember(new)
        return new

    async def cancel(self, odno: str, quantity: int | None) -> KisOrder:
        """Cancel all (``None``) or part of an open order."""
        original = self.order_of(odno)
        client_id = original.client_order_id
        current = await self._open(client_id)
        new = KisOrder(
            self.next_odno(),
            client_id,
            original.code,
            original.side,
            original.division,
            quantity if quantity is not None else current.open_quantity,
            int(current.price or 0),
            original.venue,
            self.office.market.now,
            "cancel",
            self.live(client_id).odno,
        )
        self._pending[client_id] = new
        try:
            await self.office.client.send_cancel(client_id, quantity)
        except YeouidoError:
            self._pending.pop(client_id, None)
            raise
        self._remember(new)
        return new

    async def _open(self, client_id: str) -> VenueOrder:
        status = await self.office.client.order_status(client_id)
        if status is None or status.status.is_terminal or status.open_quantity <= 0:
            raise OrderNotOpen.for_field("ORGN_ODNO", client_id, "the order is no longer open")
        return status

    def _remember(self, record: KisOrder) -> None:
        self.records.append(record)
        self.by_odno[record.odno] = record
        self.latest[record.client_order_id] = record
        self.first.setdefault(record.client_order_id, record)

    def live(self, client_id: str) -> KisOrder:
        """The record whose number the open order goes by: the last new or modify record (a
        partial cancel leaves the rest under the number it was cancelled from)."""
        chain = [r for r in self.records if r.client_order_id == client_id and r.kind != "cancel"]
        return chain[-1] if chain else self.first[client_id]

    def order_state(self, client_id: str) -> VenueOrder | None:
        """The back office's view of an order (synchronously, from its store)."""
        stored = self.office.store.get(client_id)
        return None if stored is None else stored.to_venue_order()

    def fills_of(self, client_id: str) -> list[Fill]:
        """Fills of one order."""
        return [f for f in self.office.fills() if f.order_id == client_id]

    # -- market statistics -------------------------------------------------------------
    # -- reservations ------------------------------------------------------------------
    async def release_reservations(self) -> None:
        """Send every reservation whose order day has opened as an ordinary order; one the
        exchange or the account refuses is kept as rejected with KIS's reason."""
        for item in self.reservations.due(self.office.market.now):
            item.status = RELEASED
            try:
                request = OrderRequest(
                    item.code,
                    item.side,
                    item.quantity,
                    item.price if item.division.needs_price and item.price > 0 else None,
                    item.division.order_type,
                    item.division.tif,
                    item.division.session,
                    Venue.KRX,
                )
                end = item.end_day.strftime("%Y%m%d") if item.end_day is not None else ""
                record = self.record_order(request, item.division, item.price, end)
                item.odno = record.odno
                await self.send(record, request)
            except YeouidoError as error:
                item.status, item.reason = REJECTED, ERRORS[msg_cd_for(error)].msg1

    def _schedule_release(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # pragma: no cover - the market runs inside the server's loop
            return
        if self._release_task is None or self._release_task.done():
            self._release_task = loop.create_task(self.release_reservations())

    def _on_event(self, event: ExchangeEvent) -> None:
        if (
            isinstance(event, PhaseChanged)
            and not event.code
            and event.venue is Venue.KRX
            and event.phase == Phase.OPENING_AUCTION
        ):
            self._schedule_release()
            return
        if isinstance(event, OrderTriggered):
            self.triggered[event.order_id] = event.time.strftime("%H%M%S")
            return
        if not isinstance(event, TradePrinted) or event.venue is not Venue.KRX:
            return
        stats = self.stats.setdefault(event.code, TradeStats())
        hour = event.time.strftime("%H%M%S")
        price = int(event.price)
        if event.aggressor is Side.SELL:
            stats.sell_count += 1
            stats.sell_volume += event.quantity
        else:
            stats.buy_count += 1
            stats.buy_volume += event.quantity
        stats.value += price * event.quantity
        if not stats.open_hour:
            stats.open_hour = hour
        if price > stats.high or not stats.high:
            stats.high, stats.high_hour = price, hour
        if price < stats.low or not stats.low:
            stats.low, stats.low_hour = price, hour
        stats.recent.append(event)

    # -- notices -----------------------------------------------------------------------
    def _notice(self, fields: list[str]) -> None:
        for listener in list(self.notice_listeners):
            listener(fields)

    def _on_update(self, update: VenueOrderUpdate) -> None:
        pending = self._pending.pop(update.client_order_id, None)
        record = pending or self.latest.get(update.client_order_id)
        if record is None:
            return
        rctf = RCTF_NEW
        accepted = "1"
        if record.kind == "modify":
            rctf = RCTF_MODIFY
        elif record.kind == "cancel" or update.status in (
            OrderStatus.CANCELED,
            OrderStatus.EXPIRED,
        ):
            rctf = RCTF_CANCEL
            accepted = "3" if update.status is OrderStatus.EXPIRED else "1"
        refused = "1" if update.status is OrderStatus.REJECTED else "0"
        quantity = update.quantity if update.quantity is not None else record.quantity
        price = int(update.price) if update.price is not None else record.price
        self._notice(
            self._fields(
                record, rctf, "1", accepted, refused, quantity, price, update.time, quantity
            )
        )

    def _on_fill(self, fill: Fill) -> None:
        record = self.latest.get(fill.order_id)
        if record is None:
            return
        state = self.order_state(fill.order_id)
        order_quantity = state.quantity if state is not None else record.quantity
        self._notice(
            self._fields(
                record, RCTF_NEW, "2", "2", "0", fill.quantity, int(fill.price), fill.time,
                order_quantity,
            )
        )  # fmt: skip

    def _fields(
        self,
        record: KisOrder,
        rctf: str,
        cntg_yn: str,
        acpt_yn: str,
        rfus_yn: str,
        quantity: int,
        price: int,
        moment: datetime,
        order_quantity: int,
    ) -> list[str]:
        """The 26 H0STCNI0 fields."""
        try:
            name = self.office.instrument(record.code).name
        except YeouidoError:
            name = record.code
        return [
            self.credentials.hts_id,
            self.acnt_no,
            record.odno,
            record.original_odno,
            SLL_BUY_DVSN_CD[record.side],
            rctf,
            record.division.code,
            "0",
            record.code,
            str(quantity),
            str(price),
            moment.strftime("%H%M%S"),
            rfus_yn,
            cntg_yn,
            acpt_yn,
            BRANCH,
            str(order_quantity),
            self.credentials.account_name,
            "",
            ORD_EXG_GB.get(record.venue, "1"),
            "N",
            "",
            "10",
            "",
            name,
            str(record.price),
        ]
