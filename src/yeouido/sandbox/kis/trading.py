"""REST handlers of ``/uapi/domestic-stock/v1/trading/*``: orders into the paper back office,
and the account's balance, fills and buying power."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from yeouido.brokers.kis.protocol import (
    ERRORS,
    EXCG_ID_DVSN_CD,
    INVALID_INPUT,
    OLDER_PERIOD_CCLD,
    RVSE_CNCL_CANCEL,
    RVSE_CNCL_MODIFY,
    SLL_BUY_DVSN_CD,
    SUCCESS_ORDER,
    msg_cd_for,
    order_division,
    order_side,
)
from yeouido.model.account import Fill
from yeouido.model.enums import OrderStatus, Side, TimeInForce
from yeouido.model.errors import InvalidInput, YeouidoError
from yeouido.model.orders import OrderRequest
from yeouido.model.time import SEOUL
from yeouido.sandbox.kis.account import BRANCH, KisOrder
from yeouido.sandbox.kis.context import Call, Handler, Reply
from yeouido.sandbox.kis.envelope import KisFailure, envelope, num, rate
from yeouido.sandbox.kis.paging import paginate


def rejection(error: YeouidoError) -> Reply:
    """A rule or account error as a KIS envelope: rt_cd 1, the msg_cd and KIS's Korean msg1
    for it (our English reason stays in our exception; the adapter maps the code back)."""
    msg_cd = msg_cd_for(error)
    known = ERRORS[msg_cd]
    return Reply(envelope(msg_cd, known.msg1, rt_cd="1"), status=200)


CCLD_CNDT_NAME = {TimeInForce.DAY: "없음", TimeInForce.IOC: "IOC", TimeInForce.FOK: "FOK"}
"""``ccld_cndt_name`` (체결조건명) of a time in force."""


def _today_fills(call: Call) -> list[Fill]:
    """The account's fills of the market's day."""
    day = call.account.office.market.day
    return [f for f in call.account.office.fills() if f.time.astimezone(SEOUL).date() == day]


def _order_output(record: KisOrder) -> dict[str, str]:
    return {"KRX_FWDG_ORD_ORGNO": BRANCH, "ODNO": record.odno, "ORD_TMD": record.ord_tmd}


def _success(call: Call, record: KisOrder) -> Reply:
    msg_cd, msg1 = SUCCESS_ORDER[call.env]
    if call.env == "mock" and record.side is Side.SELL and record.kind == "new":
        msg1 = msg1.replace("매수", "매도")
    elif call.env == "mock" and record.kind != "new":
        msg1 = "모의투자 정정/취소주문이 완료 되었습니다."
    return Reply(envelope(msg_cd, msg1, output=_order_output(record)))


async def order_cash(call: Call) -> Reply:
    """TTTC0011U/0012U (older 0801U/0802U), mock V…: a cash order."""
    call.check_account()
    side = order_side(call.tr_id)
    if side is None:  # pragma: no cover - routing guarantees an order tr_id
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK tr_id")
    code = call.require("PDNO")
    try:
        division = order_division(call.require("ORD_DVSN"))
    except InvalidInput:
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK ORD_DVSN") from None
    quantity = call.number("ORD_QTY")
    unit_price = call.number("ORD_UNPR", required=False)
    venue_text = call.get("EXCG_ID_DVSN_CD", "KRX").upper() or "KRX"
    venue = EXCG_ID_DVSN_CD.get(venue_text)
    if venue is None:
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK EXCG_ID_DVSN_CD")
    stop = call.number("CNDT_PRIC", required=False)
    if quantity <= 0:
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK ORD_QTY")
    try:
        request = OrderRequest(
            code,
            side,
            quantity,
            unit_price if division.needs_price and unit_price > 0 else None,
            division.order_type,
            division.tif,
            division.session,
            venue,
            None,
            stop if stop > 0 else None,
        )
        record = await call.account.place(request, division, unit_price)
    except YeouidoError as error:
        return rejection(error)
    return _success(call, record)


async def order_rvsecncl(call: Call) -> Reply:
    """TTTC0013U (older 0803U), mock V…: modify (01) or cancel (02)."""
    call.check_account()
    odno = call.require("ORGN_ODNO")
    kind = call.require("RVSE_CNCL_DVSN_CD")
    if kind not in (RVSE_CNCL_MODIFY, RVSE_CNCL_CANCEL):
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK RVSE_CNCL_DVSN_CD")
    all_quantity = call.get("QTY_ALL_ORD_YN", "Y").upper() or "Y"
    if all_quantity not in ("Y", "N"):
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK QTY_ALL_ORD_YN")
    quantity = None if all_quantity == "Y" else call.number("ORD_QTY")
    if quantity is not None and quantity <= 0:
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK ORD_QTY")
    division_code = call.get("ORD_DVSN", "00") or "00"
    try:
        division = order_division(division_code)
    except InvalidInput:
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK ORD_DVSN") from None
    price = call.number("ORD_UNPR", required=False)
    try:
        if kind == RVSE_CNCL_CANCEL:
            record = await call.account.cancel(odno, quantity)
        else:
            new_price = price if division.needs_price and price > 0 else None
            record = await call.account.modify(odno, division, new_price, quantity)
    except YeouidoError as error:
        return rejection(error)
    return _success(call, record)


def _order_rows(call: Call) -> list[dict[str, str]]:
    """Every order record of the day as inquire-daily-ccld rows (oldest first)."""
    account = call.account
    day = account.office.market.day.strftime("%Y%m%d")
    rows = []
    for record in account.records:
        state = account.order_state(record.client_order_id)
        name = _name(call, record.code)
        filled = state.filled_quantity if state is not None and record.kind == "new" else 0
        fills = account.fills_of(record.client_order_id) if record.kind == "new" else []
        filled_value = sum(int(f.price) * f.quantity for f in fills)
        if record.rejected:
            remaining, rejected = 0, record.quantity
        elif record.kind == "new":
            remaining = state.open_quantity if state is not None else 0
            rejected = 0
        else:
            remaining, rejected = 0, 0
        canceled = "Y" if record.kind == "cancel" else "N"
        if record.kind == "new" and state is not None and state.status is OrderStatus.CANCELED:
            canceled = "N"
        stop = record.stop
        triggered = account.triggered.get(state.venue_order_id, "") if stop and state else ""
        rows.append(
            {
                "ord_dt": day,
                "ord_gno_brno": BRANCH,
                "odno": record.odno,
                "orgn_odno": record.original_odno,
                "ord_dvsn_name": record.division.name,
                "sll_buy_dvsn_cd": SLL_BUY_DVSN_CD[record.side],
                "sll_buy_dvsn_cd_name": "매도" if record.side is Side.SELL else "매수",
                "pdno": record.code,
                "prdt_name": name,
                "ord_qty": num(record.quantity),
                "ord_unpr": num(record.price),
                "ord_tmd": record.ord_tmd,
                "tot_ccld_qty": num(filled),
                "avg_prvs": num(filled_value // filled if filled else 0),
                "cncl_yn": canceled,
                "tot_ccld_amt": num(filled_value),
                "loan_dt": "",
                "ordr_empno": "",
                "ord_dvsn_cd": record.division.code,
                "cnc_cfrm_qty": num(record.quantity if record.kind == "cancel" else 0),
                "rmn_qty": num(remaining),
                "rjct_qty": num(rejected),
                "ccld_cndt_name": CCLD_CNDT_NAME[record.division.tif],
                "inqr_ip_addr": "",
                "cpbc_ordp_ord_rcit_dvsn_cd": "",
                "cpbc_ordp_infm_mthd_dvsn_cd": "",
                "infm_tmd": "",
                "ctac_tlno": "",
                "prdt_type_cd": "300",
                "excg_dvsn_cd": "01",
                "cpbc_ordp_mtrl_dvsn_cd": "",
                "ord_orgno": BRANCH,
                "rsvn_ord_end_dt": record.reservation_end,
                "stpm_cndt_pric": num(stop),
                "stpm_efct_occr_dtmd": triggered,
                "excg_id_dvsn_cd": record.venue.value,
            }
        )
    return rows


def _name(call: Call, code: str) -> str:
    try:
        return call.account.office.instrument(code).name
    except YeouidoError:
        return code


def _date_range(call: Call) -> tuple[str, str]:
    start = call.require("INQR_STRT_DT")
    end = call.require("INQR_END_DT")
    for name, value in (("INQR_STRT_DT", start), ("INQR_END_DT", end)):
        if len(value) != 8 or not value.isdigit():
            raise KisFailure(INVALID_INPUT, f"ERROR : INPUT INVALID_CHECK {name}")
    return start, end


async def inquire_daily_ccld(call: Call) -> Reply:
    """TTTC0081R (older TTTC8001R; CTSC9215R older periods), mock V…: orders and fills."""
    call.check_account()
    start, end = _date_range(call)
    side = call.get("SLL_BUY_DVSN_CD", "00") or "00"
    filled_filter = call.get("CCLD_DVSN", "00") or "00"
    if side not in ("00", "01", "02") or filled_filter not in ("00", "01", "02"):
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK SLL_BUY_DVSN_CD")
    day = call.account.office.market.day.strftime("%Y%m%d")
    rows = _order_rows(call) if start <= day <= end and call.tr_id not in OLDER_PERIOD_CCLD else []
    code = call.get("PDNO")
    odno = call.get("ODNO")
    rows = [
        r
        for r in rows
        if (side == "00" or r["sll_buy_dvsn_cd"] == side)
        and (not code or r["pdno"] == code)
        and (not odno or r["odno"] == odno.zfill(10))
        and (
            filled_filter == "00"
            or (filled_filter == "01" and int(r["tot_ccld_qty"]) > 0)
            or (filled_filter == "02" and int(r["rmn_qty"]) > 0)
        )
    ]
    if (call.get("INQR_DVSN", "00") or "00") == "00":
        rows.reverse()
    page = paginate(rows, call.page_size("inquire-daily-ccld"), call.inputs, call.tr_cont)
    total_qty = sum(int(r["ord_qty"]) for r in rows if r["orgn_odno"] == "")
    total_filled = sum(int(r["tot_ccld_qty"]) for r in rows)
    total_amount = sum(int(r["tot_ccld_amt"]) for r in rows)
    listed = {r["odno"] for r in rows}
    costs = sum(f.commission + f.tax for f in _today_fills(call) if f.order_id in listed)
    output2 = {
        "tot_ord_qty": num(total_qty),
        "tot_ccld_qty": num(total_filled),
        "tot_ccld_amt": num(total_amount),
        "prsm_tlex_smtl": num(costs),
        "pchs_avg_pric": rate(total_amount / total_filled if total_filled else 0, 4),
    }
    body = call.ok(
        ctx_area_fk100=page.ctx_area_fk100,
        ctx_area_nk100=page.ctx_area_nk100,
        output1=page.rows,
        output2=output2,
    )
    return Reply(body, page.tr_cont)


async def inquire_balance(call: Call) -> Reply:
    """TTTC8434R / VTTC8434R: holdings (``output1``, paged) and totals (``output2``)."""
    call.check_account()
    office = call.account.office
    positions = [p for p in office.positions() if p.quantity > 0]
    rows: list[dict[str, str]] = []
    total_cost = Decimal(0)
    total_value = Decimal(0)
    today = _today_fills(call)
    bought: dict[str, int] = {}
    sold: dict[str, int] = {}
    for f in today:
        into = bought if f.side is Side.BUY else sold
        into[f.code] = into.get(f.code, 0) + f.quantity
    for p in positions:
        last = int(p.last_price) if p.last_price is not None else int(p.average_price)
        cost = p.cost_basis
        value = Decimal(last) * p.quantity
        pnl = value - cost
        total_cost += cost
        total_value += value
        rows.append(
            {
                "pdno": p.code,
                "prdt_name": _name(call, p.code),
                "trad_dvsn_name": "현금",
                "bfdy_buy_qty": "0",
                "bfdy_sll_qty": "0",
                "thdt_buyqty": num(bought.get(p.code, 0)),
                "thdt_sll_qty": num(sold.get(p.code, 0)),
                "hldg_qty": num(p.quantity),
                "ord_psbl_qty": num(
                    p.sellable_quantity if p.sellable_quantity is not None else p.quantity
                ),
                "pchs_avg_pric": rate(p.average_price, 4),
                "pchs_amt": num(cost),
                "prpr": num(last),
                "evlu_amt": num(value),
                "evlu_pfls_amt": num(pnl),
                "evlu_pfls_rt": rate(pnl * 100 / cost if cost else 0),
                "evlu_erng_rt": rate(pnl * 100 / cost if cost else 0, 8),
                "loan_dt": "",
                "loan_amt": "0",
                "stln_slng_chgs": "0",
                "expd_dt": "",
                "fltt_rt": "0.00",
                "bfdy_cprs_icdc": "0",
                "item_mgna_rt_name": "",
                "grta_rt_name": "",
                "sbst_pric": "0",
                "stck_loan_unpr": "0",
            }
        )
    balance = office.balance()
    securities = int(total_value)
    total = securities + balance.settlement_d2
    output2 = {
        "dnca_tot_amt": num(balance.cash),
        "nxdy_excc_amt": num(balance.settlement_d1),
        "prvs_rcdl_excc_amt": num(balance.settlement_d2),
        "cma_evlu_amt": "0",
        "bfdy_buy_amt": "0",
        "thdt_buy_amt": num(sum(int(f.gross_amount) for f in today if f.side is Side.BUY)),
        "nxdy_auto_rdpt_amt": "0",
        "bfdy_sll_amt": "0",
        "thdt_sll_amt": num(sum(int(f.gross_amount) for f in today if f.side is Side.SELL)),
        "d2_auto_rdpt_amt": "0",
        "bfdy_tlex_amt": "0",
        "thdt_tlex_amt": num(sum(f.commission + f.tax for f in today)),
        "tot_loan_amt": "0",
        "scts_evlu_amt": num(securities),
        "tot_evlu_amt": num(total),
        "nass_amt": num(total),
        "fncg_gld_auto_rdpt_yn": "N",
        "pchs_amt_smtl_amt": num(total_cost),
        "evlu_amt_smtl_amt": num(total_value),
        "evlu_pfls_smtl_amt": num(total_value - total_cost),
        "tot_stln_slng_chgs": "0",
        "bfdy_tot_asst_evlu_amt": num(office.options.cash),
        "asst_icdc_amt": num(total - office.options.cash),
        "asst_icdc_erng_rt": rate((total - office.options.cash) * 100 / office.options.cash, 8),
    }
    page = paginate(rows, call.page_size("inquire-balance"), call.inputs, call.tr_cont)
    body = call.ok(
        ctx_area_fk100=page.ctx_area_fk100,
        ctx_area_nk100=page.ctx_area_nk100,
        output1=page.rows,
        output2=[output2],
    )
    return Reply(body, page.tr_cont)


async def inquire_psbl_order(call: Call) -> Reply:
    """TTTC8908R / VTTC8908R: buying power and the quantity it buys at a price."""
    call.check_account()
    office = call.account.office
    code = call.require("PDNO")
    price = call.number("ORD_UNPR", required=False)
    try:
        if price <= 0:
            quote = office.quote(code)
            price = int(quote.ask or quote.last or office.exchange.references[code].base_price)
        power = office.buying_power(code, price)
    except YeouidoError as error:
        return rejection(error)
    output = {
        "ord_psbl_cash": num(power.amount),
        "ord_psbl_sbst": "0",
        "ruse_psbl_amt": "0",
        "fund_rpch_chgs": "0",
        "psbl_qty_calc_unpr": num(price),
        "nrcvb_buy_amt": num(power.amount),
        "nrcvb_buy_qty": num(power.quantity),
        "max_buy_amt": num(power.amount),
        "max_buy_qty": num(power.quantity),
        "cma_evlu_amt": "0",
        "ovrs_re_use_amt_wcrc": "0",
        "ord_psbl_frcr_amt_wcrc": "0",
    }
    return Reply(call.ok(output=output))


async def inquire_psbl_sell(call: Call) -> Reply:
    """TTTC8408R (real only): the sellable quantity of one holding."""
    call.check_account()
    code = call.require("PDNO")
    position = next((p for p in call.account.office.positions() if p.code == code), None)
    quantity = position.quantity if position is not None else 0
    sellable = (
        position.sellable_quantity
        if position is not None and position.sellable_quantity is not None
        else quantity
    )
    average = position.average_price if position is not None else Decimal(0)
    last = int(position.last_price or 0) if position is not None else 0
    value = last * quantity
    cost = average * quantity
    output: dict[str, Any] = {
        "pdno": code,
        "prdt_name": _name(call, code),
        "buy_qty": num(quantity),
        "sll_qty": "0",
        "cblc_qty": num(quantity),
        "nsvg_qty": "0",
        "ord_psbl_qty": num(sellable),
        "pchs_avg_pric": rate(average, 4),
        "pchs_amt": num(cost),
        "now_pric": num(last),
        "evlu_amt": num(value),
        "evlu_pfls_amt": num(value - cost),
        "evlu_pfls_rt": rate((value - cost) * 100 / cost if cost else 0),
    }
    return Reply(call.ok(output=output))


async def inquire_psbl_rvsecncl(call: Call) -> Reply:
    """TTTC0084R (real only): orders that can still be modified or cancelled, paged."""
    call.check_account()
    account = call.account
    rows = []
    for client_id, first in account.first.items():
        state = account.order_state(client_id)
        if state is None or state.status.is_terminal or state.open_quantity <= 0:
            continue
        latest = account.live(client_id)
        triggered = account.triggered.get(state.venue_order_id, "")
        rows.append(
            {
                "ord_gno_brno": BRANCH,
                "odno": latest.odno,
                "orgn_odno": latest.original_odno,
                "ord_dvsn_name": latest.division.name,
                "pdno": first.code,
                "prdt_name": _name(call, first.code),
                "rvse_cncl_dvsn_name": "정정" if latest.kind == "modify" else "",
                "ord_qty": num(state.quantity),
                "ord_unpr": num(state.price or 0),
                "ord_tmd": latest.ord_tmd,
                "tot_ccld_qty": num(state.filled_quantity),
                "tot_ccld_amt": num(
                    sum(int(f.price) * f.quantity for f in account.fills_of(client_id))
                ),
                "psbl_qty": num(state.open_quantity),
                "sll_buy_dvsn_cd": SLL_BUY_DVSN_CD[first.side],
                "ord_dvsn_cd": latest.division.code,
                "mgco_aptm_odno": "",
                "excg_dvsn_cd": "01",
                "excg_id_dvsn_cd": first.venue.value,
                "excg_id_dvsn_name": first.venue.value,
                "stpm_cndt_pric": num(first.stop),
                "stpm_efct_occr_yn": "Y" if triggered else "N",
            }
        )
    page = paginate(rows, call.page_size("inquire-psbl-rvsecncl"), call.inputs, call.tr_cont)
    body = call.ok(
        ctx_area_fk100=page.ctx_area_fk100, ctx_area_nk100=page.ctx_area_nk100, output=page.rows
    )
    return Reply(body, page.tr_cont)


HANDLERS: dict[str, Handler] = {
    "order-cash": order_cash,
    "order-rvsecncl": order_rvsecncl,
    "inquire-psbl-rvsecncl": inquire_psbl_rvsecncl,
    "inquire-balance": inquire_balance,
    "inquire-daily-ccld": inquire_daily_ccld,
    "inquire-psbl-order": inquire_psbl_order,
    "inquire-psbl-sell": inquire_psbl_sell,
}
"""Trading and account handlers by endpoint name."""
