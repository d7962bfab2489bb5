"""The execution-client contract (:class:`~yeouido.oms.execution.ExecutionClient`) over KIS.

KIS knows orders by its own order number (``ODNO``); a modify or cancel gets a new number
whose ``ORGN_ODNO``/``OODER_NO`` points at the original. The order manager owns the orders:
this client keeps only the map from every number to the client order id, with the few facts
KIS needs to address an order again (its branch ``KRX_FWDG_ORD_ORGNO``, the division and
price last sent) — :class:`KisOrderRef`. Quantities, fills and statuses are read from the
order manager's orders (:class:`~yeouido.oms.execution.KnownOrders`, bound on start); after a
restart the map is rebuilt from those orders' venue order ids and the day's
``inquire-daily-ccld`` rows.

KIS fill notices carry no execution id, so a fill's ``trade_id`` is
``<YYYYMMDD>-<client order id>-<cumulative filled quantity>`` (an orphan fill uses the
ODNO): unique per broker across days, and the same whether the fill came from a websocket
notice or from the REST catch-up that runs after every reconnect (:meth:`catch_up`), which
turns each order's filled quantity the client has not seen into one fill at the average
price of the missing part.

A new order is retried only on ``EGW00201`` (refused before it ran); a timeout or 5xx is an
unknown outcome (``ConnectionFailed``), settled later by :meth:`order_status`, which
matches the day's unclaimed order numbers with the order manager's orders still waiting for
their first answer, by code, side, quantity and price.

Also the account: positions, balance and buying power (``inquire-balance``,
``inquire-psbl-order``).
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

from yeouido.brokers.base import BuyingPower
from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.parsing import (
    CcldRow,
    Notice,
    parse_balance,
    parse_ccld_row,
    parse_positions,
    to_int,
)
from yeouido.brokers.kis.rest import KisRest
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.enums import OrderStatus, Side, Venue
from yeouido.model.errors import ConnectionFailed, NotSupported, OrderNotOpen
from yeouido.model.instrument import Price
from yeouido.model.orders import Order, OrderRequest
from yeouido.model.time import SEOUL, now_seoul
from yeouido.oms.execution import (
    AccountSnapshot,
    FillHandler,
    KnownOrders,
    UpdateHandler,
    VenueOrder,
    VenueOrderUpdate,
)

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
class KisOrderRef:
    """How KIS knows one of our orders: its order numbers and what a change must repeat."""

    client_order_id: str
    odno: str = ""
    """The latest order number (the ``ORGN_ODNO`` of the next modify or cancel)."""
    orgno: str = ""
    """The branch that took the order (``KRX_FWDG_ORD_ORGNO``)."""
    division: str = ""
    """The ``ORD_DVSN`` last sent ("" until known: then derived from the request)."""
    price: Price | None = None
    """The unit price last sent (``None`` for a market-like division)."""
    odnos: set[str] = field(default_factory=set)


class _NoOrders:
    """The view used before the order manager binds its own: no orders, no fills."""

    def find(self, order_id: str) -> Order | None:
        return None

    def orders(self, open_only: bool = False) -> list[Order]:
        return []

    def fills(self, start: datetime | None = None, end: datetime | None = None) -> list[Fill]:
        return []


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


def _open_quantity(order: Order) -> int:
    return 0 if order.status.is_terminal else max(0, order.remaining_quantity)


def _venue_order(
    client_order_id: str,
    odno: str,
    code: str,
    *,
    quantity: int,
    filled: int,
    price: Price | None,
    status: OrderStatus,
    at: datetime,
    reason: str = "",
) -> VenueOrder:
    """A :class:`VenueOrder`; a live ``status`` is refined by the filled quantity."""
    if not status.is_terminal:
        status = S.PARTIALLY_FILLED if filled else S.ACCEPTED
        if filled >= quantity > 0:
            status = S.FILLED
    open_quantity = 0 if status.is_terminal else max(0, quantity - filled)
    return VenueOrder(
        client_order_id=client_order_id,
        venue_order_id=odno,
        code=code,
        status=status,
        quantity=quantity,
        filled_quantity=filled,
        open_quantity=open_quantity,
        price=price,
        reason=reason,
        updated_at=at,
    )


class KisExecutionClient:
    """Orders and fills over KIS REST and the websocket notices, and the account."""

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
        self._orders: KnownOrders = _NoOrders()
        self.refs: dict[str, KisOrderRef] = {}
        """What KIS needs per client order id (the only per-order state kept here)."""
        self._by_odno: dict[str, str] = {}
        self._buffer: list[Notice] = []
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self.catch_ups = 0

    # -- the contract --------------------------------------------------------------------
    def set_handlers(self, on_update: UpdateHandler, on_fill: FillHandler) -> None:
        """Where pushed updates and fills go; notices that arrived before, of orders the
        order manager has bound, are applied now."""
        self._on_update, self._on_fill = on_update, on_fill
        known = [
            n for n in self._buffer if n.odno in self._by_odno or n.original_odno in self._by_odno
        ]
        if known:
            self._buffer = [n for n in self._buffer if n not in known]
            for notice in known:
                self.handle_notice(notice)

    def bind_orders(self, orders: KnownOrders) -> None:
        """Read the orders from the order manager; map the order numbers it knows."""
        self._orders = orders
        for order in orders.orders():
            if order.venue_order_id:
                self._map(self._ref(order.order_id), order.venue_order_id)

    async def send_order(self, client_order_id: str, request: OrderRequest) -> VenueOrder:
        """``order-cash``; idempotent per client order id."""
        known = self.refs.get(client_order_id)
        if known is not None and known.odno:
            return self._answer(client_order_id, known, request, self._clock())
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
        ref = KisOrderRef(client_order_id, division=division, price=price)
        self.refs[client_order_id] = ref
        try:
            response = await self.rest.call(
                "order-cash",
                body=body,
                tr_id=p.order_tr_id(self.rest.config.env, request.side),
                order=True,
            )
        except BaseException as error:
            if not isinstance(error, ConnectionFailed | TimeoutError) and not ref.odno:
                self.refs.pop(client_order_id, None)  # refused: KIS has no such order
            raise
        output = response.output("output")
        ref.orgno = str(output.get("KRX_FWDG_ORD_ORGNO") or output.get("krx_fwdg_ord_orgno") or "")
        self._map(ref, str(output.get("ODNO") or output.get("odno") or "").strip())
        self._replay(ref.odno)
        return self._answer(client_order_id, ref, request, self._ack_time(output))

    async def send_modify(
        self, client_order_id: str, price: Price | None, quantity: int | None
    ) -> VenueOrder:
        """``order-rvsecncl`` 01: a new price and/or open quantity (no increase)."""
        order, ref = self._open(client_order_id)
        open_quantity = _open_quantity(order)
        if quantity is not None and quantity > open_quantity:
            raise NotSupported(
                "KIS cannot increase an order's quantity by modifying it "
                f"(open {open_quantity}, asked {quantity}); place a new order",
                field="quantity",
                value=quantity,
            )
        division = self._division(order, ref)
        if price is not None and not p.ORD_DVSN[division].needs_price:
            division = "00"
        new_price = price if price is not None else ref.price
        body = self._change_body(order, ref, p.RVSE_CNCL_MODIFY, division, new_price, quantity)
        response = await self.rest.call("order-rvsecncl", body=body, order=True)
        output = response.output("output")
        self._map(ref, str(output.get("ODNO") or output.get("odno") or "").strip())
        ref.division, ref.price = division, new_price
        total = order.request.quantity if quantity is None else order.filled_quantity + quantity
        return _venue_order(
            client_order_id,
            ref.odno,
            order.code,
            quantity=total,
            filled=order.filled_quantity,
            price=new_price,
            status=S.ACCEPTED,
            at=self._ack_time(output),
        )

    async def send_cancel(self, client_order_id: str, quantity: int | None = None) -> VenueOrder:
        """``order-rvsecncl`` 02: cancel all, or ``quantity`` of the open part."""
        order, ref = self._open(client_order_id)
        division = self._division(order, ref)
        body = self._change_body(order, ref, p.RVSE_CNCL_CANCEL, division, ref.price, quantity)
        response = await self.rest.call("order-rvsecncl", body=body, order=True)
        output = response.output("output")
        self._map(ref, str(output.get("ODNO") or output.get("odno") or "").strip())
        total, status = order.request.quantity, S.ACCEPTED
        if quantity is None or quantity >= _open_quantity(order):
            status = S.CANCELED
        else:
            total -= quantity
        return _venue_order(
            client_order_id,
            ref.odno,
            order.code,
            quantity=total,
            filled=order.filled_quantity,
            price=ref.price,
            status=status,
            at=self._ack_time(output),
        )

    async def snapshot(self, since: datetime) -> AccountSnapshot:
        """Today's open orders and fills (from ``inquire-daily-ccld``: the fills the order
        manager has, and those it is missing) and the positions."""
        aggregates = await self._aggregates(since)
        missing = self._missing_fills(aggregates)
        open_orders: list[VenueOrder] = []
        for key, aggregate in aggregates.items():
            order = self._orders.find(key)
            if order is None:
                open_orders.extend(self._orphan_orders(key, aggregate))
                continue
            view = self._venue_view(order, aggregate)
            if view.open_quantity > 0:
                open_orders.append(view)
        positions = await self.positions()
        known = self._orders.fills(start=since)
        known_ids = {fill.trade_id for fill in known}
        fills = [*known, *(fill for fill in missing if fill.trade_id not in known_ids)]
        return AccountSnapshot(open_orders=open_orders, fills=fills, positions=positions)

    async def order_status(self, client_order_id: str) -> VenueOrder | None:
        """The venue's view of one order, or ``None`` when KIS never received it."""
        start = datetime.combine(self._day(), datetime.min.time(), SEOUL)
        aggregates = await self._aggregates(start - timedelta(days=1))
        order = self._orders.find(client_order_id)
        aggregate = aggregates.get(client_order_id)
        if order is None or aggregate is None or not aggregate.rows:
            return None
        return self._venue_view(order, aggregate)

    # -- the account -----------------------------------------------------------------------
    async def positions(self) -> list[Position]:
        """Holdings (every page of ``inquire-balance``)."""
        rows, _ = await self.rest.rows("inquire-balance", balance_query(self.rest))
        return parse_positions(rows)

    async def balance(self) -> Balance:
        """Deposit, D+1, D+2 (``inquire-balance`` output2)."""
        _, last = await self.rest.rows("inquire-balance", balance_query(self.rest))
        totals = last.get("output2") or {}
        if isinstance(totals, list):
            totals = totals[0] if totals else {}
        return parse_balance(totals, now_seoul())

    async def buying_power(self, code: str, price: Price) -> BuyingPower:
        """``inquire-psbl-order``: the cash and the quantity it buys at ``price``."""
        response = await self.rest.call(
            "inquire-psbl-order",
            params={
                **self.rest.account_fields(),
                "PDNO": code,
                "ORD_UNPR": str(int(price)),
                "ORD_DVSN": "00",
                "CMA_EVLU_AMT_ICLD_YN": "N",
                "OVRS_ICLD_YN": "N",
            },
        )
        output = response.output("output")
        return BuyingPower(
            code,
            price,
            to_int(output.get("nrcvb_buy_amt") or output.get("ord_psbl_cash")),
            to_int(output.get("nrcvb_buy_qty") or output.get("max_buy_qty")),
        )

    # -- notices ----------------------------------------------------------------------------
    def handle_notice(self, notice: Notice) -> None:
        """Apply one H0STCNI0 notice (buffered until its order number is known)."""
        key = self._by_odno.get(notice.odno) or self._by_odno.get(notice.original_odno)
        if key is None:
            if len(self._buffer) < MAX_BUFFERED_NOTICES:
                self._buffer.append(notice)
            return
        order = self._orders.find(key)
        if order is None:
            log.warning("KIS notice for %s, an order the order manager does not hold", key)
            return
        if notice.is_fill:
            self._notice_fill(order, notice)
            return
        status: OrderStatus | None = None
        if notice.refused and notice.change == p.RCTF_NEW:
            status = S.REJECTED
        elif notice.change == p.RCTF_CANCEL and (
            notice.accepted == "3" or order.status is S.CANCELED
        ):
            status = S.EXPIRED if notice.accepted == "3" else S.CANCELED
        elif notice.change == p.RCTF_CANCEL and notice.quantity >= _open_quantity(order):
            status = S.CANCELED
        if status is None:
            return
        self._emit_update(
            VenueOrderUpdate(
                key, self.refs[key].odno, status, notice.time, open_quantity=0, reason=status.value
            )
        )

    def _notice_fill(self, order: Order, notice: Notice) -> None:
        if notice.quantity <= 0:
            return
        cumulative = order.filled_quantity + notice.quantity
        if cumulative > order.request.quantity:
            log.info(
                "KIS fill notice for %s beyond its quantity (already caught up); ignored",
                order.order_id,
            )
            return
        self._emit_fill(
            Fill(
                order_id=order.order_id,
                trade_id=trade_id(notice.time.date(), order.order_id, cumulative),
                code=order.code,
                side=order.side,
                quantity=notice.quantity,
                price=notice.price,
                time=notice.time,
                venue=order.request.venue,
            )
        )

    async def catch_up(self) -> list[Fill]:
        """Fetch today's orders over REST and push every fill the order manager does not
        have, and every final status it has not seen (after a reconnect: no fill is missed
        while the socket was down)."""
        async with self._lock:
            since = datetime.combine(self._day(), datetime.min.time(), SEOUL)
            aggregates = await self._aggregates(since)
            missing = self._missing_fills(aggregates)
            for fill in missing:
                self._emit_fill(fill)
            for key, aggregate in aggregates.items():
                order = self._orders.find(key)
                if order is None or order.status.is_terminal:
                    continue
                view = self._venue_view(order, aggregate)
                if view.status.is_terminal:
                    self._emit_update(
                        VenueOrderUpdate(
                            key, view.venue_order_id, view.status, self._clock(), open_quantity=0
                        )
                    )
            self.catch_ups += 1
            return missing

    # -- helpers ----------------------------------------------------------------------------
    def _ref(self, client_order_id: str) -> KisOrderRef:
        ref = self.refs.get(client_order_id)
        if ref is None:
            ref = self.refs[client_order_id] = KisOrderRef(client_order_id)
        return ref

    def _map(self, ref: KisOrderRef, odno: str) -> None:
        if not odno:
            return
        ref.odno = odno
        ref.odnos.add(odno)
        self._by_odno[odno] = ref.client_order_id

    def _answer(
        self, client_order_id: str, ref: KisOrderRef, request: OrderRequest, at: datetime
    ) -> VenueOrder:
        """The acknowledgement of a new order (its fills as the order manager has them)."""
        order = self._orders.find(client_order_id)
        return _venue_order(
            client_order_id,
            ref.odno,
            request.code,
            quantity=request.quantity,
            filled=0 if order is None else order.filled_quantity,
            price=ref.price,
            status=S.ACCEPTED if order is None or not order.status.is_terminal else order.status,
            at=at,
        )

    def _division(self, order: Order, ref: KisOrderRef) -> str:
        if not ref.division:
            request = order.request
            ref.division = p.ord_dvsn(request.order_type, request.tif, request.session)
            if ref.price is None and p.ORD_DVSN[ref.division].needs_price:
                ref.price = request.price
        return ref.division

    def _replay(self, odno: str) -> None:
        waiting = [n for n in self._buffer if odno in (n.odno, n.original_odno)]
        if waiting:
            self._buffer = [n for n in self._buffer if n not in waiting]
            for notice in waiting:
                self.handle_notice(notice)

    def _open(self, client_order_id: str) -> tuple[Order, KisOrderRef]:
        order = self._orders.find(client_order_id)
        ref = self.refs.get(client_order_id)
        if order is None or ref is None or not ref.odno or _open_quantity(order) <= 0:
            raise OrderNotOpen.for_field(
                "order_id", client_order_id, "no open KIS order with this id"
            )
        return order, ref

    def _change_body(
        self,
        order: Order,
        ref: KisOrderRef,
        kind: str,
        division: str,
        price: Price | None,
        quantity: int | None,
    ) -> dict[str, str]:
        return {
            **self.rest.account_fields(),
            "KRX_FWDG_ORD_ORGNO": ref.orgno,
            "ORGN_ODNO": ref.odno,
            "ORD_DVSN": division,
            "RVSE_CNCL_DVSN_CD": kind,
            "ORD_QTY": "0" if quantity is None else str(quantity),
            "ORD_UNPR": str(int(price)) if price is not None and division != "01" else "0",
            "QTY_ALL_ORD_YN": "Y" if quantity is None else "N",
            "EXCG_ID_DVSN_CD": order.request.venue.value,
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
                ref = self._ref(key)
                if row.odno not in ref.odnos:
                    ref.odnos.add(row.odno)
                    self._by_odno[row.odno] = key
            groups.setdefault(key, _Aggregate()).rows.append(row)
        return groups

    def _claim(self, row: CcldRow) -> str | None:
        """Match an order number nobody knows to an order still waiting for its first
        answer (a send whose outcome was unknown, here or before a restart)."""
        for order in self._orders.orders(open_only=True):
            ref = self.refs.get(order.order_id)
            if order.status is not S.SUBMITTED or order.venue_order_id or (ref and ref.odno):
                continue
            request = order.request
            if (
                request.code == row.code
                and request.side is row.side
                and request.quantity == row.quantity
                and (request.price is None or int(request.price) == row.price)
            ):
                ref = self._ref(order.order_id)
                ref.division = ref.division or row.division
                self._map(ref, row.odno)
                return order.order_id
        return None

    def _venue_view(self, order: Order, aggregate: _Aggregate) -> VenueOrder:
        """The venue's view of ``order`` from its ``inquire-daily-ccld`` rows (a final
        status of ours is kept)."""
        ref = self._ref(order.order_id)
        filled = max(order.filled_quantity, aggregate.filled)
        quantity, status = order.request.quantity, order.status
        if not status.is_terminal:
            status = S.ACCEPTED
            rejected = any(row.rejected for row in aggregate.rows if not row.is_change)
            canceled = any(row.canceled for row in aggregate.rows)
            if rejected and aggregate.filled == 0:
                status = S.REJECTED
            elif aggregate.open == 0 and canceled:
                status = S.CANCELED
            elif aggregate.open > 0:
                quantity = filled + aggregate.open
        return _venue_order(
            order.order_id,
            ref.odno,
            order.code,
            quantity=quantity,
            filled=filled,
            price=ref.price if ref.price is not None else order.request.price,
            status=status,
            at=self._clock(),
        )

    def _missing_fills(self, aggregates: dict[str, _Aggregate]) -> list[Fill]:
        """For each order, the filled quantity KIS reports beyond what the order manager
        has, as one fill at the average price of the missing part."""
        fills = []
        for key, aggregate in aggregates.items():
            total = aggregate.filled
            if total <= 0:
                continue
            first = aggregate.rows[0]
            order = self._orders.find(key)
            if order is not None:
                known, amount = order.filled_quantity, aggregate.amount - int(order.filled_value)
            else:
                known = sum(f.quantity for f in self._orders.fills() if f.order_id == key)
                amount = aggregate.amount
            if total <= known:
                continue
            quantity = total - known
            price = _price(max(amount, 0), quantity) if amount > 0 else first.price
            last_time = max(row.time for row in aggregate.rows)
            order_key = key if order is not None else key[len(ORPHAN_PREFIX) :]
            fills.append(
                Fill(
                    order_id=key,
                    trade_id=trade_id(last_time.date(), order_key, total),
                    code=first.code,
                    side=first.side,
                    quantity=quantity,
                    price=price,
                    time=last_time,
                    venue=order.request.venue if order is not None else Venue.KRX,
                )
            )
        return fills

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


__all__ = ["KisExecutionClient", "KisOrderRef", "balance_query", "trade_id"]
