"""KIS reservation orders (예약주문) for the adapter: ``order-resv`` (CTSC0008U),
``order-resv-rvsecncl`` (CTSC0009U cancel) and ``order-resv-ccnl`` (CTSC0004R).

KIS offers them in the real environment only (모의투자 미지원): on mock every call raises
:class:`~yeouido.model.errors.NotSupported` before anything is sent. KIS takes reservations
from 15:40 to 07:30 of the next trading day and sends them before that day's open; a
reservation becomes an ordinary KIS order then, which the order notices report like any
order placed outside this process. Reservation ids are KIS's ``RSVN_ORD_SEQ``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Final

from yeouido.brokers.base import Reservation
from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.rest import KisRest
from yeouido.krx.ticks import is_on_tick
from yeouido.model.enums import OrderType, Session, Side, TimeInForce
from yeouido.model.errors import InvalidInput, InvalidPrice, NotSupported, YeouidoError
from yeouido.model.instrument import Price
from yeouido.model.orders import OrderRequest, order_type_for
from yeouido.model.time import now_seoul

CASH: Final = "10"
"""``ORD_OBJT_CBLC_DVSN_CD`` of a cash order."""
STATUS_BY_RESULT: Final = {
    "미처리": "waiting",
    "처리": "sent",
    "취소": "canceled",
    "거부": "rejected",
}
"""Our status by KIS's ``prcs_rslt`` (an unknown text with an order number counts as sent)."""
MAX_PAGES: Final = 100
LISTING_DAYS: Final = 40
"""Default listing window: today and the next 40 days (a period reservation's span)."""


def _day_text(day: date) -> str:
    return day.strftime("%Y%m%d")


def _parse_day(text: Any) -> date | None:
    value = str(text or "").strip()
    if len(value) != 8 or not value.isdigit():
        return None
    return date(int(value[:4]), int(value[4:6]), int(value[6:]))


def _int(value: Any) -> int:
    text = str(value or "").strip()
    try:
        return int(float(text)) if text else 0
    except ValueError:
        return 0


class KisReservations:
    """Reservation orders of one KIS account over its REST client."""

    def __init__(self, rest: KisRest, today: Callable[[], date]) -> None:
        self.rest = rest
        self.today = today

    def _require_real(self) -> None:
        if self.rest.config.env != "real":
            raise NotSupported(
                "KIS reservation orders are real-only (모의투자 미지원)",
                field="reservations",
                value=self.rest.config.env,
                rule="env must be real",
            )

    @staticmethod
    def division(request: OrderRequest) -> p.OrderDivision:
        """The ``ORD_DVSN_CD`` of a reservation; :class:`NotSupported` for any KIS does not
        take on a reservation."""
        try:
            code = p.ord_dvsn(request.order_type, request.tif, request.session)
        except NotSupported:
            code = ""
        if code not in p.RESERVATION_ORD_DVSN:
            raise NotSupported(
                "KIS reservations take limit, market or conditional-limit orders of the "
                f"regular session, or pre-open closing-price orders (got "
                f"{request.order_type.value}/{request.session.value})",
                field="order_type",
                value=request.order_type.value,
                rule="one of limit, market, conditional_limit; or session pre_open_close",
            )
        return p.ORD_DVSN[code]

    async def reserve(
        self,
        code: str,
        side: str | Side,
        quantity: int,
        price: Price | None = None,
        order_type: str | OrderType | None = None,
        session: str | Session = "regular",
        end_day: date | None = None,
    ) -> Reservation:
        """Send a reservation (checked here first: type, quantity, tick, end day)."""
        request = OrderRequest.create(
            code,
            side,
            quantity,
            price,
            order_type_for(price, order_type),
            TimeInForce.DAY,
            session,
        )
        division = self.division(request)
        if request.price is not None and not is_on_tick(request.price):
            raise InvalidPrice.for_field("price", request.price, "must be on the KRX tick")
        today = self.today()
        if end_day is not None and not today < end_day <= today + timedelta(days=31):
            raise InvalidInput.for_field(
                "end_day", end_day.isoformat(), "must be after today and within 30 days"
            )
        self._require_real()
        body = {
            **self.rest.account_fields(),
            "PDNO": request.code,
            "ORD_QTY": str(request.quantity),
            "ORD_UNPR": str(int(request.price or 0)) if division.needs_price else "0",
            "SLL_BUY_DVSN_CD": p.SLL_BUY_DVSN_CD[request.side],
            "ORD_DVSN_CD": division.code,
            "ORD_OBJT_CBLC_DVSN_CD": CASH,
            "LOAN_DT": "",
            "RSVN_ORD_END_DT": _day_text(end_day) if end_day is not None else "",
            "LDNG_DT": "",
        }
        response = await self.rest.call("order-resv", body=body, order=True)
        output = response.output()
        seq = str(output.get("RSVN_ORD_SEQ", output.get("rsvn_ord_seq", ""))).strip()
        if not seq:
            raise YeouidoError("KIS answered a reservation without RSVN_ORD_SEQ", code="BROKER")
        found = await self._find(seq)
        if found is not None:
            return found
        return Reservation(
            seq,
            request.code,
            request.side,
            request.quantity,
            request.price,
            request.order_type,
            request.session,
            today,
            "waiting",
            end_day,
        )

    async def reservations(
        self, start: date | None = None, end: date | None = None
    ) -> list[Reservation]:
        """Reservations whose order day is in ``start``..``end`` (default: today and the next
        40 days), every page."""
        self._require_real()
        first = start or self.today()
        last = end or first + timedelta(days=LISTING_DAYS)
        return await self._rows(first, last, "")

    async def _rows(self, start: date, end: date, seq: str) -> list[Reservation]:
        query = {
            "RSVN_ORD_ORD_DT": _day_text(start),
            "RSVN_ORD_END_DT": _day_text(end),
            "RSVN_ORD_SEQ": seq,
            "TMNL_MDIA_KIND_CD": "00",
            **self.rest.account_fields(),
            "PRCS_DVSN_CD": "0",
            "CNCL_YN": "Y",
            "PDNO": "",
            "SLL_BUY_DVSN_CD": "",
            "CTX_AREA_FK200": "",
            "CTX_AREA_NK200": "",
        }
        found: list[Reservation] = []
        tr_cont = ""
        for _ in range(MAX_PAGES):
            response = await self.rest.call("order-resv-ccnl", params=query, tr_cont=tr_cont)
            found.extend(parse_reservation(row) for row in response.rows("output"))
            if not response.more:
                break
            for key in ("CTX_AREA_FK200", "CTX_AREA_NK200"):
                query[key] = str(response.body.get(key.lower(), "")).strip()
            tr_cont = p.TR_CONT_NEXT_REQUEST
        return found

    async def _find(self, seq: str) -> Reservation | None:
        today = self.today()
        rows = await self._rows(today, today + timedelta(days=LISTING_DAYS), seq)
        return next((r for r in rows if r.reservation_id == seq), None)

    async def cancel(self, reservation_id: str) -> Reservation:
        """Cancel a reservation KIS has not sent yet (``OrderNotOpen`` otherwise)."""
        seq = str(reservation_id).strip()
        if not seq.isdigit():
            raise InvalidInput.for_field("reservation_id", reservation_id, "must be digits")
        self._require_real()
        current = await self._find(seq)
        body = {
            **self.rest.account_fields(),
            "RSVN_ORD_SEQ": seq,
            "RSVN_ORD_ORGNO": "",
            "RSVN_ORD_ORD_DT": _day_text(current.order_day) if current is not None else "",
        }
        await self.rest.call("order-resv-rvsecncl", body=body, tr_id=p.RESERVE_CANCEL, order=True)
        after = await self._find(seq)
        if after is None:  # pragma: no cover - KIS lists cancelled reservations
            raise YeouidoError(f"reservation {seq} is no longer listed", code="BROKER")
        return after


def parse_reservation(row: dict[str, Any]) -> Reservation:
    """A reservation from an ``order-resv-ccnl`` row."""
    division = p.ORD_DVSN.get(str(row.get("ord_dvsn_cd", "00")).strip(), p.ORD_DVSN["00"])
    odno = str(row.get("odno", "")).strip()
    result = str(row.get("prcs_rslt", "")).strip()
    status = STATUS_BY_RESULT.get(result, "sent" if odno else "waiting")
    price = _int(row.get("ord_rsvn_unpr"))
    order_day = _parse_day(row.get("rsvn_ord_ord_dt")) or _parse_day(row.get("rsvn_ord_rcit_dt"))
    return Reservation(
        str(row.get("rsvn_ord_seq", "")).strip(),
        str(row.get("pdno", "")).strip(),
        p.SIDE_BY_CODE.get(str(row.get("sll_buy_dvsn_cd", "")).strip(), Side.BUY),
        _int(row.get("ord_rsvn_qty")),
        price if division.needs_price and price > 0 else None,
        division.order_type,
        division.session,
        order_day or now_seoul().date(),
        status,
        _parse_day(row.get("rsvn_end_dt")),
        odno or None,
        _int(row.get("tot_ccld_qty")),
        str(row.get("rjct_rson2", "")).strip(),
    )
