"""REST handlers of ``/uapi/domestic-stock/v1/quotations/*`` on the simulated market."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from yeouido.brokers.kis.protocol import FID_COND_MRKT_DIV_CODE, INVALID_INPUT
from yeouido.model.errors import YeouidoError
from yeouido.model.market_data import Bar
from yeouido.sandbox.kis.account import KisAccount
from yeouido.sandbox.kis.context import Call, Handler, Reply
from yeouido.sandbox.kis.envelope import KisFailure, num, rate, sign
from yeouido.sandbox.kis.paging import paginate


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


class Snapshot:
    """Today's figures of one code as KIS reports them."""

    def __init__(self, account: KisAccount, code: str) -> None:
        office = account.office
        self.code = code
        self.instrument = office.instrument(code)
        reference = office.exchange.references[code]
        self.base = int(reference.base_price)
        lower, upper = reference.limits or (0, 0)
        self.lower, self.upper = int(lower), int(upper)
        self.quote = office.quote(code)
        bars = office.bars(code, "1d")
        self.bar: Bar | None = bars[-1] if bars else None
        self.price = int(self.quote.last) if self.quote.last is not None else self.base
        self.change = self.price - self.base
        self.stats = account.stats.get(code)
        self.now = office.market.now
        self.day = office.market.day

    @property
    def change_rate(self) -> str:
        """Change against the base price, percent."""
        return rate(self.change * 100 / self.base if self.base else 0)

    @property
    def sign(self) -> str:
        """PRDY_VRSS_SIGN."""
        return sign(self.change, self.price >= self.upper > 0, 0 < self.price <= self.lower)

    @property
    def volume(self) -> int:
        """Accumulated volume."""
        return int(self.quote.volume)

    @property
    def value(self) -> int:
        """Accumulated traded value (KRW)."""
        if self.bar is not None and self.bar.value:
            return int(self.bar.value)
        if self.stats is not None and self.stats.value:
            return self.stats.value
        return self.volume * self.price

    def ohlc(self) -> tuple[int, int, int]:
        """Open, high, low (the base price before any trade)."""
        if self.bar is None:
            return self.base, self.base, self.base
        return int(self.bar.open), int(self.bar.high), int(self.bar.low)


async def inquire_price(call: Call) -> Reply:
    """FHKST01010100: current price."""
    s = Snapshot(call.account, _code(call))
    open_, high, low = s.ohlc()
    output = {
        "iscd_stat_cls_code": "55",
        "marg_rate": "20.00",
        "rprs_mrkt_kor_name": s.instrument.market.value,
        "bstp_kor_isnm": s.instrument.kind.value,
        "temp_stop_yn": "N",
        "stck_shrn_iscd": s.code,
        "hts_kor_isnm": s.instrument.name,
        "stck_prpr": num(s.price),
        "prdy_vrss": num(s.change),
        "prdy_vrss_sign": s.sign,
        "prdy_ctrt": s.change_rate,
        "acml_tr_pbmn": num(s.value),
        "acml_vol": num(s.volume),
        "prdy_vrss_vol_rate": "0.00",
        "stck_oprc": num(open_),
        "stck_hgpr": num(high),
        "stck_lwpr": num(low),
        "stck_mxpr": num(s.upper),
        "stck_llam": num(s.lower),
        "stck_sdpr": num(s.base),
        "wghn_avrg_stck_prc": num(s.value // s.volume if s.volume else s.price),
        "askp": num(s.quote.ask),
        "bidp": num(s.quote.bid),
        "aspr_unit": num(_tick(call.account, s.code, s.price)),
        "vi_cls_code": "N",
        "ovtm_vi_cls_code": "N",
        "last_ssts_cntg_qty": "0",
    }
    return Reply(call.ok(output=output))


def _tick(account: KisAccount, code: str, price: int) -> int:
    book = account.office.exchange.regular_book(code)
    bids, asks = book.depth(2)
    levels = sorted({p for p, _, _ in bids} | {p for p, _, _ in asks})
    gaps = [int(b - a) for a, b in itertools.pairwise(levels) if b > a]
    return min(gaps) if gaps else 1


async def inquire_asking_price(call: Call) -> Reply:
    """FHKST01010200: ten levels a side and the expected auction price."""
    code = _code(call)
    s = Snapshot(call.account, code)
    book = call.account.office.orderbook(code)
    open_, high, low = s.ohlc()
    output1: dict[str, str] = {
        "aspr_acpt_hour": book.time.strftime("%H%M%S"),
    }
    for i in range(10):
        ask = book.asks[i] if i < len(book.asks) else None
        bid = book.bids[i] if i < len(book.bids) else None
        output1[f"askp{i + 1}"] = num(ask.price) if ask else "0"
        output1[f"bidp{i + 1}"] = num(bid.price) if bid else "0"
        output1[f"askp_rsqn{i + 1}"] = num(ask.quantity) if ask else "0"
        output1[f"bidp_rsqn{i + 1}"] = num(bid.quantity) if bid else "0"
        output1[f"askp_rsqn_icdc{i + 1}"] = "0"
        output1[f"bidp_rsqn_icdc{i + 1}"] = "0"
    output1["total_askp_rsqn"] = num(sum(level.quantity for level in book.asks))
    output1["total_bidp_rsqn"] = num(sum(level.quantity for level in book.bids))
    output1["total_askp_rsqn_icdc"] = "0"
    output1["total_bidp_rsqn_icdc"] = "0"
    output1["ovtm_total_askp_rsqn"] = "0"
    output1["ovtm_total_bidp_rsqn"] = "0"
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
        "vi_cls_code": "N",
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
