"""REST handlers of KIS reservation orders (예약주문, real environment only):
``order-resv`` (CTSC0008U), ``order-resv-rvsecncl`` (CTSC0009U cancel, CTSC0013U modify) and
``order-resv-ccnl`` (CTSC0004R, paged by ``CTX_AREA_FK200`` / ``CTX_AREA_NK200``).

The book and its release rules are in :mod:`yeouido.sandbox.kis.reservation_book`.
"""

from __future__ import annotations

from datetime import date, datetime

from yeouido.brokers.kis.protocol import (
    INVALID_INPUT,
    RESERVATION_ORD_DVSN,
    RESERVATION_RESULTS,
    RESERVE_MODIFY,
    SIDE_BY_CODE,
    SLL_BUY_DVSN_CD,
    SUCCESS_ORDER,
    OrderDivision,
    order_division,
)
from yeouido.model.enums import Side
from yeouido.model.errors import InvalidInput, NotSupported, YeouidoError
from yeouido.sandbox.kis.context import Call, Handler, Reply
from yeouido.sandbox.kis.envelope import KisFailure, envelope, num
from yeouido.sandbox.kis.paging import paginate
from yeouido.sandbox.kis.reservation_book import (
    CANCELED,
    WAITING,
    Reservation,
)
from yeouido.sandbox.kis.trading import rejection

CASH_BALANCE = "10"
"""``ORD_OBJT_CBLC_DVSN_CD`` of a cash order (12-28 are loan and lending codes)."""


def _invalid(name: str) -> KisFailure:
    return KisFailure(INVALID_INPUT, f"ERROR : INPUT INVALID_CHECK {name}")


def _day(call: Call, name: str, *, required: bool) -> date | None:
    text = call.require(name) if required else call.get(name)
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise _invalid(name) from None


def _order_inputs(call: Call) -> tuple[Side, OrderDivision, int, int]:
    """Side, division, quantity and price of a reservation (new or modify)."""
    side = SIDE_BY_CODE.get(call.require("SLL_BUY_DVSN_CD"))
    if side is None:
        raise _invalid("SLL_BUY_DVSN_CD")
    code = call.require("ORD_DVSN_CD")
    if code not in RESERVATION_ORD_DVSN:
        raise _invalid("ORD_DVSN_CD")
    try:
        division = order_division(code)
    except InvalidInput:  # pragma: no cover - RESERVATION_ORD_DVSN are all known
        raise _invalid("ORD_DVSN_CD") from None
    quantity = call.number("ORD_QTY")
    if quantity <= 0:
        raise _invalid("ORD_QTY")
    price = call.number("ORD_UNPR", required=False)
    if division.needs_price and price <= 0:
        raise _invalid("ORD_UNPR")
    balance = call.require("ORD_OBJT_CBLC_DVSN_CD")
    if balance != CASH_BALANCE:
        raise NotSupported.for_field(
            "ORD_OBJT_CBLC_DVSN_CD", balance, "the sandbox takes cash reservations (10) only"
        )
    return side, division, quantity, price if division.needs_price else 0


def _success(call: Call, output: dict[str, str]) -> Reply:
    msg_cd, msg1 = SUCCESS_ORDER[call.env]
    return Reply(envelope(msg_cd, msg1, output=output))


async def order_resv(call: Call) -> Reply:
    """CTSC0008U: store a reservation; answers its ``RSVN_ORD_SEQ``."""
    call.check_account()
    code = call.require("PDNO")
    try:
        side, division, quantity, price = _order_inputs(call)
        call.account.office.instrument(code)
        end = _day(call, "RSVN_ORD_END_DT", required=False)
        item = call.account.reservations.add(
            code, side, division, quantity, price, call.account.office.market.now, end
        )
    except YeouidoError as error:
        return rejection(error)
    return _success(call, {"RSVN_ORD_SEQ": str(item.seq)})


async def order_resv_rvsecncl(call: Call) -> Reply:
    """CTSC0009U cancel / CTSC0013U modify of a reservation not yet sent."""
    call.check_account()
    text = call.require("RSVN_ORD_SEQ")
    if not text.isdigit():
        raise _invalid("RSVN_ORD_SEQ")
    seq = int(text)
    book = call.account.reservations
    try:
        if call.tr_id == RESERVE_MODIFY:
            side, division, quantity, price = _order_inputs(call)
            item = book.get(seq)
            if call.get("PDNO") not in ("", item.code) or side is not item.side:
                raise _invalid("PDNO")
            end = _day(call, "RSVN_ORD_END_DT", required=False)
            book.modify(seq, division, quantity, price, end)
        else:
            book.cancel(seq, call.account.office.market.now)
    except YeouidoError as error:
        return rejection(error)
    return _success(call, {"nrml_prcs_yn": "Y"})


def _row(call: Call, item: Reservation) -> dict[str, str]:
    try:
        name = call.account.office.instrument(item.code).name
    except YeouidoError:
        name = item.code
    record = call.account.by_odno.get(item.odno) if item.odno else None
    filled = amount = 0
    if record is not None:
        fills = call.account.fills_of(record.client_order_id)
        filled = sum(f.quantity for f in fills)
        amount = sum(int(f.price) * f.quantity for f in fills)
    canceled = item.canceled_at
    return {
        "rsvn_ord_seq": str(item.seq),
        "rsvn_ord_ord_dt": item.order_day.strftime("%Y%m%d"),
        "rsvn_ord_rcit_dt": item.received.strftime("%Y%m%d"),
        "pdno": item.code,
        "ord_dvsn_cd": item.division.code,
        "ord_rsvn_qty": num(item.quantity),
        "tot_ccld_qty": num(filled),
        "cncl_ord_dt": canceled.strftime("%Y%m%d") if canceled else "",
        "ord_tmd": record.ord_tmd if record is not None else "",
        "ctac_tlno": "",
        "rjct_rson2": item.reason,
        "odno": item.odno,
        "rsvn_ord_rcit_tmd": item.received.strftime("%H%M%S"),
        "kor_item_shtn_name": name,
        "sll_buy_dvsn_cd": SLL_BUY_DVSN_CD[item.side],
        "ord_rsvn_unpr": num(item.price),
        "tot_ccld_amt": num(amount),
        "loan_dt": "",
        "cncl_rcit_tmd": canceled.strftime("%H%M%S") if canceled else "",
        "prcs_rslt": RESERVATION_RESULTS[item.status],
        "ord_dvsn_name": item.division.name,
        "tmnl_mdia_kind_cd": "00",
        "rsvn_end_dt": item.end_day.strftime("%Y%m%d") if item.end_day else "",
    }


async def order_resv_ccnl(call: Call) -> Reply:
    """CTSC0004R: reservations whose order day is in ``RSVN_ORD_ORD_DT``..``RSVN_ORD_END_DT``,
    20 a page. ``PRCS_DVSN_CD`` 0 all / 1 processed / 2 not yet; ``CNCL_YN`` N leaves out
    cancelled ones."""
    call.check_account()
    await call.account.release_reservations()
    start = _day(call, "RSVN_ORD_ORD_DT", required=True)
    end = _day(call, "RSVN_ORD_END_DT", required=True)
    assert start is not None and end is not None
    processed = call.get("PRCS_DVSN_CD", "0") or "0"
    if processed not in ("0", "1", "2"):
        raise _invalid("PRCS_DVSN_CD")
    seq = call.get("RSVN_ORD_SEQ")
    code = call.get("PDNO")
    side = call.get("SLL_BUY_DVSN_CD")
    with_canceled = call.get("CNCL_YN", "Y").upper() != "N"
    items = [
        item
        for item in call.account.reservations.items.values()
        if start <= item.order_day <= end
        and (not seq or seq.lstrip("0") in ("", str(item.seq)))
        and (not code or item.code == code)
        and (side in ("", "00") or SLL_BUY_DVSN_CD[item.side] == side)
        and (with_canceled or item.status != CANCELED)
        and (
            processed == "0"
            or (processed == "1" and item.status != WAITING)
            or (processed == "2" and item.status == WAITING)
        )
    ]
    rows = [_row(call, item) for item in items]
    query = {_as_fk100(k): v for k, v in call.inputs.items()}
    page = paginate(rows, call.page_size("order-resv-ccnl", 20), query, call.tr_cont)
    body = call.ok(
        ctx_area_fk200=page.ctx_area_fk100, ctx_area_nk200=page.ctx_area_nk100, output=page.rows
    )
    return Reply(body, page.tr_cont)


def _as_fk100(key: str) -> str:
    """``CTX_AREA_FK200`` / ``NK200`` under the names :func:`paginate` reads."""
    upper = key.upper()
    return upper.replace("200", "100") if upper.startswith("CTX_AREA_") else key


HANDLERS: dict[str, Handler] = {
    "order-resv": order_resv,
    "order-resv-rvsecncl": order_resv_rvsecncl,
    "order-resv-ccnl": order_resv_ccnl,
}
"""Reservation handlers by endpoint name."""
