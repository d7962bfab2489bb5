"""REST handlers of ``/uapi/domestic-stock/v1/quotations/*`` on the simulated market."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from yeouido.brokers.kis.protocol import FID_COND_MRKT_DIV_CODE, INVALID_INPUT
from yeouido.model.errors import YeouidoError
from yeouido.sandbox.kis.book_fields import book_memory
from yeouido.sandbox.kis.context import Call, Handler, Reply
from yeouido.sandbox.kis.envelope import KisFailure, num, rate, sign
from yeouido.sandbox.kis.paging import paginate
from yeouido.sandbox.kis.price_fields import price_output
from yeouido.sandbox.kis.snapshot import Snapshot


def _code(call: Call) -> str:
    market = call.get("FID_COND_MRKT_DIV_CODE", "J").upper() or "J"
    if market not in FID_COND_MRKT_DIV_CODE:
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK FID_COND_MRKT_DIV_CODE")
    code = call.require("FID_INPUT_ISCD")
    try:
        call.account.office.instrument(code)
    except YeouidoError:
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK FID_INPUT_ISCD") from None
    return code


async def inquire_price(call: Call) -> Reply:
    """FHKST01010100: current price (all 82 fields, :mod:`~yeouido.sandbox.kis.price_fields`)."""
    code = _code(call)
    return Reply(call.ok(output=price_output(call.account, Snapshot(call.account, code))))


async def inquire_asking_price(call: Call) -> Reply:
    """FHKST01010200: ten levels a side and the expected auction price."""
    code = _code(call)
    s = Snapshot(call.account, code)
    book = call.account.office.orderbook(code)
    extra = book_memory(call.account).figures(call.account.office.exchange, book)
    state = extra.state
    open_, high, low = s.ohlc()
    output1: dict[str, str] = {
        "aspr_acpt_hour": book.time.strftime("%H%M%S"),
    }
    levels = {
        "askp": [num(level.price) for level in book.asks],
        "bidp": [num(level.price) for level in book.bids],
        "askp_rsqn": [num(level.quantity) for level in book.asks],
        "bidp_rsqn": [num(level.quantity) for level in book.bids],
        "askp_rsqn_icdc": [num(change) for change in extra.ask_changes],
        "bidp_rsqn_icdc": [num(change) for change in extra.bid_changes],
    }
    for prefix, values in levels.items():
        for i in range(10):
            output1[f"{prefix}{i + 1}"] = values[i] if i < len(values) else "0"
    output1["total_askp_rsqn"] = num(state.total_ask)
    output1["total_bidp_rsqn"] = num(state.total_bid)
    output1["total_askp_rsqn_icdc"] = num(extra.total_ask_change)
    output1["total_bidp_rsqn_icdc"] = num(extra.total_bid_change)
    output1["ovtm_total_askp_icdc"] = num(extra.after_hours_ask_change)
    output1["ovtm_total_bidp_icdc"] = num(extra.after_hours_bid_change)
    output1["ovtm_total_askp_rsqn"] = num(state.after_hours_ask)
    output1["ovtm_total_bidp_rsqn"] = num(state.after_hours_bid)
    output1["ntby_aspr_rsqn"] = num(extra.net_bid)
    output1["new_mkop_cls_code"] = "20"
    expected = int(book.expected_price) if book.expected_price is not None else 0
    output2 = {
        "antc_mkop_cls_code": "311" if expected else "",
        "stck_prpr": num(s.price),
        "stck_oprc": num(open_),
        "stck_hgpr": num(high),
        "stck_lwpr": num(low),
        "stck_sdpr": num(s.base),
        "antc_cnpr": num(expected),
        "antc_cntg_vrss_sign": sign(expected - s.base) if expected else "3",
        "antc_cntg_vrss": num(expected - s.base if expected else 0),
        "antc_cntg_prdy_ctrt": rate((expected - s.base) * 100 / s.base if expected else 0),
        "antc_vol": num(book.expected_quantity or 0),
        "stck_shrn_iscd": code,
        "vi_cls_code": "Y" if s.book.vi_kind is not None else "N",
    }
    return Reply(call.ok(output1=output1, output2=output2))


async def inquire_ccnl(call: Call) -> Reply:
    """FHKST01010300: the most recent trades, newest first."""
    code = _code(call)
    s = Snapshot(call.account, code)
    stats = call.account.stats.get(code)
    trades = list(reversed(stats.recent)) if stats is not None else []
    strength = rate(
        stats.buy_volume * 100 / stats.sell_volume if stats and stats.sell_volume else 0
    )
    output = [
        {
            "stck_cntg_hour": t.time.strftime("%H%M%S"),
            "stck_prpr": num(t.price),
            "prdy_vrss": num(int(t.price) - s.base),
            "prdy_vrss_sign": sign(int(t.price) - s.base),
            "cntg_vol": num(t.quantity),
            "tday_rltv": strength,
            "prdy_ctrt": rate((int(t.price) - s.base) * 100 / s.base if s.base else 0),
        }
        for t in trades
    ]
    return Reply(call.ok(output=output))


def _date(call: Call, name: str, default: date) -> date:
    text = call.get(name)
    if not text:
        return default
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise KisFailure(INVALID_INPUT, f"ERROR : INPUT INVALID_CHECK {name}") from None


async def chk_holiday(call: Call) -> Reply:
    """CTCA0903R (real only): the calendar from ``BASS_DT``, paged."""
    from yeouido.krx.calendar import is_trading_day

    start = _date(call, "BASS_DT", call.account.office.market.day)
    rows = []
    for offset in range(60):
        day = start + timedelta(days=offset)
        try:
            open_ = is_trading_day(day)
        except YeouidoError:
            open_ = day.weekday() < 5
        flag = "Y" if open_ else "N"
        rows.append(
            {
                "bass_dt": day.strftime("%Y%m%d"),
                "wday_dvsn_cd": str((day.isoweekday() % 7) + 1).zfill(2),
                "bzdy_yn": flag,
                "tr_day_yn": flag,
                "opnd_yn": flag,
                "sttl_day_yn": flag,
            }
        )
    inputs = {
        k: v for k, v in call.inputs.items() if k in ("BASS_DT", "CTX_AREA_NK", "CTX_AREA_FK")
    }
    inputs = {("CTX_AREA_NK100" if k == "CTX_AREA_NK" else k): v for k, v in inputs.items()}
    inputs = {("CTX_AREA_FK100" if k == "CTX_AREA_FK" else k): v for k, v in inputs.items()}
    page = paginate(rows, 25, inputs, call.tr_cont)
    body = call.ok(
        output=page.rows, ctx_area_fk=page.ctx_area_fk100, ctx_area_nk=page.ctx_area_nk100
    )
    return Reply(body, page.tr_cont)


async def psearch_title(call: Call) -> Reply:
    """HHKST03900300: saved condition searches (the sandbox has none)."""
    call.require("USER_ID")
    return Reply(call.ok(output2=[]))


async def psearch_result(call: Call) -> Reply:
    """HHKST03900400: results of a saved condition search (none in the sandbox)."""
    call.require("USER_ID")
    seq = call.require("SEQ")
    if not seq.isdigit():
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK SEQ")
    return Reply(call.ok(output2=[]))


HANDLERS: dict[str, Handler] = {
    "inquire-price": inquire_price,
    "inquire-asking-price-exp-ccn": inquire_asking_price,
    "inquire-ccnl": inquire_ccnl,
    "chk-holiday": chk_holiday,
    "psearch-title": psearch_title,
    "psearch-result": psearch_result,
}
"""Quotation handlers by endpoint name (the chart handlers are in :mod:`.charts`)."""
