"""The execution-client contract (:class:`~yeouido.oms.execution.ExecutionClient`) over KIS.

KIS knows orders by its own order number (``ODNO``); a modify or cancel gets a new number
whose ``ORGN_ODNO``/``OODER_NO`` points at the original. The client keeps the map from
every number to the order manager's client order id (rebuilt from the journal and the
day's ``inquire-daily-ccld`` rows after a restart).

KIS fill notices carry no execution id, so a fill's ``trade_id`` is
``<YYYYMMDD>-<client order id>-<cumulative filled quantity>`` (an orphan fill uses the
ODNO): unique per broker across days, and the same whether the fill came from a websocket
notice or from the REST catch-up that runs after every reconnect (:meth:`catch_up`), which
turns each order's filled quantity the client has not seen into one fill at the average
price of the missing part.

A new order is retried only on ``EGW00201`` (refused before it ran); a timeout or 5xx is an
unknown outcome (``ConnectionFailed``), settled later by :meth:`order_status`, which
matches the day's unclaimed orders by code, side, quantity and price.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.parsing import CcldRow, Notice, parse_ccld_row, parse_positions
from yeouido.brokers.kis.rest import KisRest
from yeouido.model.account import Fill, Position
from yeouido.model.enums import OrderStatus, Side, Venue
from yeouido.model.errors import ConnectionFailed, NotSupported, OrderNotOpen
from yeouido.model.instrument import Price
from yeouido.model.orders import OrderRequest
from yeouido.model.time import SEOUL, now_seoul
from yeouido.oms.execution import (
    AccountSnapshot,
    FillHandler,
    UpdateHandler,
    VenueOrder,
    VenueOrderUpdate,
)
from yeouido.oms.journal import JournalState

log = logging.getLogger(__name__)

S = OrderStatus
ORPHAN_PREFIX: Final = "KIS-"
MAX_BUFFERED_NOTICES: Final = 10_000


def trade_id(day: date, order_key: str, cumulative: int) -> str:
    """The fill id: ``YYYYMMDD-<order>-<cumulative quantity>``."""
    return f"{day:%Y%m%d}-{order_key}-{cumulative:07d}"


def _price(amount: int, quantity: int) -> Price:
    if quantity <= 0:
        return 0
    if amount % quantity == 0:
        return amount // quantity
    return Decimal(amount) / quantity


@dataclass(slots=True)
class Tracked:
    """What the client knows of one order."""

    client_order_id: str
    code: str
    side: Side
    quantity: int
    price: Price | None
    odno: str = ""
    first_odno: str = ""
    orgno: str = ""
    division: str = "00"
    venue: Venue = Venue.KRX
    filled: int = 0
    filled_value: Price = 0
    status: OrderStatus = S.ACCEPTED
    sent_at: datetime | None = None
    odnos: set[str] = field(default_factory=set)

    @property
    def open_quantity(self) -> int:
        """What is left to fill (0 once final)."""
        if self.status.is_terminal:
            return 0
        return max(0, self.quantity - self.filled)

    def venue_order(self, at: datetime | None = None, reason: str = "") -> VenueOrder:
        """As the order manager's :class:`VenueOrder`."""
        status = self.status
        if not status.is_terminal:
            status = S.PARTIALLY_FILLED if self.filled else S.ACCEPTED
            if self.filled >= self.quantity > 0:
                status = S.FILLED
        return VenueOrder(
            client_order_id=self.client_order_id,
            venue_order_id=self.odno,
            code=self.code,
            status=status,
            quantity=self.quantity,
            filled_quantity=self.filled,
            open_quantity=self.open_quantity if status is not S.FILLED else 0,
            price=self.price,
            reason=reason,
            updated_at=at,
        )


@dataclass(slots=True)
class _Aggregate:
    rows: list[CcldRow] = field(default_factory=list)

    @property
    def filled(self) -> int:
        return sum(row.filled_quantity for row in self.rows)

    @property
    def amount(self) -> int:
        return sum(row.filled_amount for row in self.rows)

    @property
    def open(self) -> int:
        return sum(row.remaining for row in self.rows if not row.canceled)


class KisExecutionClient:
    """Orders, their state and fills over KIS REST and the websocket notices."""

    name = "kis"

    def __init__(
        self,
        rest: KisRest,
        *,
        day: Callable[[], date],
        clock: Callable[[], datetime] = now_seoul,
    ) -> None:
        self.rest = rest
        self._day = day
        self._clock = clock
        self._on_update: UpdateHandler | None = None
        self._on_fill: FillHandler | None = None
        self.orders: dict[str, Tracked] = {}
        self._by_odno: dict[str, str] = {}
        self._unknown: dict[str, Tracked] = {}
        self._fills: dict[str, Fill] = {}
        self._buffer: list[Notice] = []
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- the contract --------------------------------------------------------------------
    def set_handlers(self, on_update: UpdateHandler, on_fill: FillHandler) -> None:
        """Where pushed updates and fills go."""
        self._on_update, self._on_fill = on_update, on_fill

    def seed(self, state: JournalState) -> None:
        """Rebuild the ODNO map and filled quantities from the journal (before reconcile)."""
        for order in state.orders:
            tracked = Tracked(
                order.order_id,
                order.code,
                order.side,
                order.request.quantity,
                order.request.price,
                odno=order.venue_order_id or "",
                first_odno=order.venue_order_id or "",
                filled=order.filled_quantity,
                filled_value=order.filled_value,
                status=order.status if order.status.is_terminal else S.ACCEPTED,
                venue=order.request.venue,
            )
            self.orders[order.order_id] = tracked
            if tracked.odno:
                self._map(tracked, tracked.odno)
        for fill in state.fills:
            self._fills[fill.trade_id] = fill

    async def send_order(self, client_order_id: str, request: OrderRequest) -> VenueOrder:
        """``order-cash``; idempotent per client order id."""
        known = self.orders.get(client_order_id)
        if known is not None and known.odno:
            return known.venue_order(self._clock())
        division = p.ord_dvsn(request.order_type, request.tif, request.session)
        price = request.price if p.ORD_DVSN[division].needs_price else None
        body = {
            **self.rest.account_fields(),
            "PDNO": request.code,
            "ORD_DVSN": division,
            "ORD_QTY": str(request.quantity),
            "ORD_UNPR": str(int(price)) if price is not None else "0",
            "EXCG_ID_DVSN_CD": request.venue.value,
            "SLL_TYPE": "01" if request.side is Side.SELL else "",
            "CNDT_PRIC": str(int(request.stop_price)) if request.stop_price is not None else "",
        }
        tracked = Tracked(
            client_order_id,
            request.code,
            request.side,
            request.quantity,
            price,
            division=division,
            venue=request.venue,
            sent_at=self._clock(),
        )
        self.orders[client_order_id] = tracked
        try:
            response = await self.rest.call(
                "order-cash",
                body=body,
                tr_id=p.order_tr_id(self.rest.config.env, request.side),
                order=True,
            )
        except BaseException as error:
            if isinstance(error, ConnectionFailed | TimeoutError):
                self._unknown[client_order_id] = tracked
            else:
                self.orders.pop(client_order_id, None)
            raise
        output = response.output("output")
        tracked.orgno = str(
            output.get("KRX_FWDG_ORD_ORGNO") or output.get("krx_fwdg_ord_orgno") or ""
        )
        odno = str(output.get("ODNO") or output.get("odno") or "").strip()
        tracked.first_odno = odno
        self._map(tracked, odno)
        self._replay(odno)
        return tracked.venue_order(self._ack_time(output))

    async def send_modify(
        self, client_order_id: str, price: Price | None, quantity: int | None
    ) -> VenueOrder:
        """``order-rvsecncl`` 01: a new price and/or open quantity (no increase)."""
        tracked = self._open(client_order_id)
        if quantity is not None and quantity > tracked.open_quantity:
            raise NotSupported(
                "KIS cannot increase an order's quantity by modifying it "
                f"(open {tracked.open_quantity}, asked {quantity}); place a new order",
                field="quantity",
                value=quantity,
            )
        division = tracked.division
        if price is not None and not p.ORD_DVSN[division].needs_price:
            division = "00"
        new_price = price if price is not None else tracked.price
        body = self._change_body(tracked, p.RVSE_CNCL_MODIFY, division, new_price, quantity)
        response = await self.rest.call("order-rvsecncl", body=body, order=True)
        output = response.output("output")
        self._map(tracked, str(output.get("ODNO") or output.get("odno") or "").strip())
        tracked.division = division
        if price is not None:
            tracked.price = price
        if quantity is not None:
            tracked.quantity = tracked.filled + quantity
        return tracked.venue_order(self._ack_time(output))

    async def send_cancel(self, client_order_id: str, quantity: int | None = None) -> VenueOrder:
        """``order-rvsecncl`` 02: cancel all, or ``quantity`` of the open part."""
        tracked = self._open(client_order_id)
        body = self._change_body(
            tracked, p.RVSE_CNCL_CANCEL, tracked.division, tracked.price, quantity
        )
        response = await self.rest.call("order-rvsecncl", body=body, order=True)
        output = response.output("output")
        self._map(tracked, str(output.get("ODNO") or output.get("odno") or "").strip())
        if quantity is None or quantity >= tracked.open_quantity:
            tracked.status = S.CANCELED
        else:
            tracked.quantity -= quantity
        return tracked.venue_order(self._ack_time(output))

    async def snapshot(self, since: datetime) -> AccountSnapshot:
        """Today's open orders and fills (from ``inquire-daily-ccld``) and the positions."""
        aggregates = await self._aggregates(since)
        missing = self._missing_fills(aggregates)
        open_orders: list[VenueOrder] = []
        for key, aggregate in aggregates.items():
            tracked = self.orders.get(key)
            if tracked is None:
                open_orders.extend(self._orphan_orders(key, aggregate))
                continue
            self._adopt(tracked, aggregate)
            if tracked.open_quantity > 0:
                open_orders.append(tracked.venue_order(self._clock()))
        positions = await self.positions()
        fills = [
            *(f for f in self._fills.values() if f.time >= since),
            *(f for f in missing if f.trade_id not in self._fills),
        ]
        for fill in missing:
            self._fills[fill.trade_id] = fill
        return AccountSnapshot(open_orders=open_orders, fills=fills, positions=positions)

    async def order_status(self, client_order_id: str) -> VenueOrder | None:
        """The venue's view of one order, or ``None`` when KIS never received it."""
        start = datetime.combine(self._day(), datetime.min.time(), SEOUL)
        aggregates = await self._aggregates(start - timedelta(days=1))
        tracked = self.orders.get(client_order_id)
        aggregate = aggregates.get(client_order_id)
        if tracked is None or aggregate is None or not aggregate.rows:
            return None
        self._adopt(tracked, aggregate)
        return tracked.venue_order(self._clock())

    # -- positions (shared with the broker) ------------------------------------------------
    async def positions(self) -> list[Position]:
        """Holdings (every page of ``inquire-balance``)."""
        rows, _ = await self.rest.rows("inquire-balance", balance_query(self.rest))
        return parse_positions(rows)

    # -- notices ----------------------------------------------------------------------------
    def handle_notice(self, notice: Notice) -> None:
        """Apply one H0STCNI0 notice (buffered until its order number is known)."""
        key = self._by_odno.get(notice.odno) or self._by_odno.get(notice.original_odno)
        if key is None:
            if len(self._buffer) < MAX_BUFFERED_NOTICES:
                self._buffer.append(notice)
            return
        tracked = self.orders[key]
        if notice.is_fill:
            self._notice_fill(tracked, notice)
            return
        status: OrderStatus | None = None
        if notice.refused and notice.change == p.RCTF_NEW:
            status = S.REJECTED
        elif notice.change == p.RCTF_CANCEL and (
            notice.accepted == "3" or tracked.status is S.CANCELED
        ):
            status = S.EXPIRED if notice.accepted == "3" else S.CANCELED
        elif notice.change == p.RCTF_CANCEL and notice.quantity >= tracked.open_quantity:
            status = S.CANCELED
        if status is None:
            return
        tracked.status = status
        self._emit_update(
            VenueOrderUpdate(
                key, tracked.odno, status, notice.time, open_quantity=0, reason=status.value
            )
        )

    def _notice_fill(self, tracked: Tracked, notice: Notice) -> None:
        if notice.quantity <= 0:
            return
        if tracked.filled + notice.quantity > tracked.quantity:
            log.info(
                "KIS fill notice for %s beyond its quantity (already caught up); ignored",
                tracked.client_order_id,
            )
            return
        tracked.filled += notice.quantity
        tracked.filled_value += notice.price * notice.quantity
        fill = Fill(
            order_id=tracked.client_order_id,
            trade_id=trade_id(notice.time.date(), tracked.client_order_id, tracked.filled),
            code=tracked.code,
            side=tracked.side,
            quantity=notice.quantity,
            price=notice.price,
            time=notice.time,
            venue=tracked.venue,
        )
        self._fills[fill.trade_id] = fill
        self._emit_fill(fill)

    async def catch_up(self) -> list[Fill]:
        """Fetch today's orders over REST and push every fill not yet seen (after a
        reconnect: no fill is missed while the socket was down)."""
        async with self._lock:
            since = datetime.combine(self._day(), datetime.min.time(), SEOUL)
            aggregates = await self._aggregates(since)
            missing = self._missing_fills(aggregates)
            for fill in missing:
                self._fills[fill.trade_id] = fill
                self._emit_fill(fill)
            for key, aggregate in aggregates.items():
                tracked = self.orders.get(key)
                if tracked is not None and not tracked.status.is_terminal:
                    before = tracked.status
                    self._adopt(tracked, aggregate)
                    if tracked.status.is_terminal and tracked.status is not before:
                        self._emit_update(
                            VenueOrderUpdate(
                                key, tracked.odno, tracked.status, self._clock(), open_quantity=0
                            )
                        )
            return missing

    # -- helpers ----------------------------------------------------------------------------
    def _map(self, tracked: Tracked, odno: str) -> None:
        if not odno:
            return
        tracked.odno = odno
        tracked.first_odno = tracked.first_odno or odno
        tracked.odnos.add(odno)
        self._by_odno[odno] = tracked.client_order_id

    def _replay(self, odno: str) -> None:
        waiting = [n for n in self._buffer if odno in (n.odno, n.original_odno)]
        if waiting:
            self._buffer = [n for n in self._buffer if n not in waiting]
            for notice in waiting:
                self.handle_notice(notice)

    def _open(self, client_order_id: str) -> Tracked:
        tracked = self.orders.get(client_order_id)
        if tracked is None or not tracked.odno or tracked.open_quantity <= 0:
            raise OrderNotOpen.for_field(
                "order_id", client_order_id, "no open KIS order with this id"
            )
        return tracked

    def _change_body(
        self,
        tracked: Tracked,
        kind: str,
        division: str,
        price: Price | None,
        quantity: int | None,
    ) -> dict[str, str]:
        return {
            **self.rest.account_fields(),
            "KRX_FWDG_ORD_ORGNO": tracked.orgno,
            "ORGN_ODNO": tracked.odno,
            "ORD_DVSN": division,
            "RVSE_CNCL_DVSN_CD": kind,
            "ORD_QTY": "0" if quantity is None else str(quantity),
            "ORD_UNPR": str(int(price)) if price is not None and division != "01" else "0",
            "QTY_ALL_ORD_YN": "Y" if quantity is None else "N",
            "EXCG_ID_DVSN_CD": tracked.venue.value,
        }

    def _ack_time(self, output: dict[str, Any]) -> datetime:
        hour = str(output.get("ORD_TMD") or output.get("ord_tmd") or "").strip()
        if len(hour) == 6 and hour.isdigit():
            day = self._day()
            return datetime(
                day.year, day.month, day.day, int(hour[:2]), int(hour[2:4]), int(hour[4:]),
                tzinfo=SEOUL,
            )  # fmt: skip
        return self._clock()

    async def _aggregates(self, since: datetime) -> dict[str, _Aggregate]:
        """The day's ``inquire-daily-ccld`` rows grouped by client order id (or orphan id)."""
        start = since.astimezone(SEOUL).date()
        end = max(self._day(), self._clock().astimezone(SEOUL).date())
        query = {
            **self.rest.account_fields(),
            "INQR_STRT_DT": f"{start:%Y%m%d}",
            "INQR_END_DT": f"{end:%Y%m%d}",
            "SLL_BUY_DVSN_CD": "00",
            "INQR_DVSN": "01",
            "PDNO": "",
            "CCLD_DVSN": "00",
            "ORD_GNO_BRNO": "",
            "ODNO": "",
            "INQR_DVSN_3": "00",
            "INQR_DVSN_1": "",
        }
        raw, _ = await self.rest.rows("inquire-daily-ccld", query)
        rows = sorted((parse_ccld_row(row) for row in raw), key=lambda r: (r.time, r.odno))
        groups: dict[str, _Aggregate] = {}
        for row in rows:
            key = self._by_odno.get(row.odno) or (
                self._by_odno.get(row.original_odno) if row.is_change else None
            )
            if key is None and not row.is_change:
                key = self._claim(row)
            if key is None:
                key = ORPHAN_PREFIX + (row.original_odno if row.is_change else row.odno)
            else:
                tracked = self.orders[key]
                if row.odno not in tracked.odnos:
                    tracked.odnos.add(row.odno)
                    self._by_odno[row.odno] = key
            groups.setdefault(key, _Aggregate()).rows.append(row)
        return groups

    def _claim(self, row: CcldRow) -> str | None:
        """Match an order number nobody knows to a send whose outcome was unknown."""
        for key, tracked in list(self._unknown.items()):
            if (
                tracked.code == row.code
                and tracked.side is row.side
                and tracked.quantity == row.quantity
                and (tracked.price is None or int(tracked.price) == row.price)
            ):
                del self._unknown[key]
                tracked.first_odno = row.odno
                self._map(tracked, row.odno)
                return key
        return None

    def _adopt(self, tracked: Tracked, aggregate: _Aggregate) -> None:
        """Take the venue's final state where it is ahead of ours."""
        if tracked.status.is_terminal:
            return
        rejected = any(row.rejected for row in aggregate.rows if not row.is_change)
        canceled = any(row.canceled for row in aggregate.rows)
        open_quantity = aggregate.open
        if rejected and aggregate.filled == 0:
            tracked.status = S.REJECTED
        elif open_quantity == 0 and canceled:
            tracked.status = S.CANCELED
        elif open_quantity > 0:
            tracked.quantity = max(tracked.filled, aggregate.filled) + open_quantity

    def _missing_fills(self, aggregates: dict[str, _Aggregate]) -> list[Fill]:
        fills = []
        for key, aggregate in aggregates.items():
            total = aggregate.filled
            if total <= 0:
                continue
            first = aggregate.rows[0]
            tracked = self.orders.get(key)
            known = tracked.filled if tracked is not None else self._orphan_filled(key)
            known_value = tracked.filled_value if tracked is not None else 0
            if total <= known:
                continue
            quantity = total - known
            amount = (
                aggregate.amount - int(known_value) if tracked is not None else aggregate.amount
            )
            if tracked is None:
                quantity = total - known
            price = _price(max(amount, 0), quantity) if amount > 0 else first.price
            last_time = max(row.time for row in aggregate.rows)
            order_key = key if tracked is not None else key[len(ORPHAN_PREFIX) :]
            fill = Fill(
                order_id=key,
                trade_id=trade_id(last_time.date(), order_key, total),
                code=first.code,
                side=first.side,
                quantity=quantity,
                price=price,
                time=last_time,
                venue=tracked.venue if tracked is not None else Venue.KRX,
            )
            if tracked is not None:
                tracked.filled = total
                tracked.filled_value = known_value + price * quantity
            fills.append(fill)
        return fills

    def _orphan_filled(self, key: str) -> int:
        return sum(f.quantity for f in self._fills.values() if f.order_id == key)

    def _orphan_orders(self, key: str, aggregate: _Aggregate) -> Iterable[VenueOrder]:
        if aggregate.open <= 0:
            return []
        first = aggregate.rows[0]
        return [
            VenueOrder(
                key,
                first.odno,
                first.code,
                S.PARTIALLY_FILLED if aggregate.filled else S.ACCEPTED,
                aggregate.filled + aggregate.open,
                aggregate.filled,
                aggregate.open,
                first.price or None,
            )
        ]

    def _emit_fill(self, fill: Fill) -> None:
        if self._on_fill is not None:
            self._spawn(self._on_fill(fill))

    def _emit_update(self, update: VenueOrderUpdate) -> None:
        if self._on_update is not None:
            self._spawn(self._on_update(update))

    def _spawn(self, result: Any) -> None:
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)


def balance_query(rest: KisRest) -> dict[str, str]:
    """The ``inquire-balance`` query of the account."""
    return {
        **rest.account_fields(),
        "AFHR_FLPR_YN": "N",
        "OFL_YN": "",
        "INQR_DVSN": "02",
        "UNPR_DVSN": "01",
        "FUND_STTL_ICLD_YN": "N",
        "FNCG_AMT_AUTO_RDPT_YN": "N",
        "PRCS_DVSN": "00",
    }


__all__ = ["KisExecutionClient", "Tracked", "balance_query", "trade_id"]
