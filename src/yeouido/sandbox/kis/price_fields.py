"""The 82 output fields of ``inquire-price`` (FHKST01010100), in KIS's order.

Prices, volumes and limits come from the simulated exchange; listed shares, par value, EPS,
BPS and sector from :func:`~yeouido.sandbox.kis.fundamentals.listing_facts`; window extremes
and pivots from the daily history (:mod:`yeouido.sandbox.kis.fundamentals`). Units are KIS's:
``hts_avls`` (market value) and ``cpfn`` (capital = listed shares × par) in 억원 (10⁸ KRW).

What the simulated market has no notion of is reported as KIS reports it for an ordinary
listing without it: no foreign investors or program trading (``hts_frgn_ehrt`` ``0.00``,
``frgn_ntby_qty``/``frgn_hldn_qty``/``pgtr_ntby_qty`` ``0``), no credit loans
(``whol_loan_rmnd_rate`` ``0.00``), no market warnings (``mrkt_warn_cls_code`` ``00``,
``invt_caful_yn``/``short_over_yn``/``sltr_yn``/``mang_issu_cls_code`` ``N``). The margin rate
is the sandbox's policy: 20% for KOSPI 200 members and ETFs, 30% for other KOSPI stocks, 40%
on KOSDAQ, 100% for ETNs (no credit). The substitute price (대용가) is 70% of the base price
(80% for ETFs), rounded down to the won. ``vi_cls_code`` is ``Y`` while the exchange runs a
volatility interruption on the code, ``temp_stop_yn`` ``Y`` while it halts it otherwise.
"""

from __future__ import annotations

from yeouido.krx.ticks import tick_size
from yeouido.model.enums import InstrumentKind
from yeouido.sandbox.kis.account import KisAccount
from yeouido.sandbox.kis.envelope import num, rate
from yeouido.sandbox.kis.fundamentals import (
    FUNDS,
    DailyBar,
    Extreme,
    daily_history,
    history_figures,
    listing_facts,
    pivots,
)
from yeouido.sandbox.kis.snapshot import Snapshot

HUNDRED_MILLION = 100_000_000
"""억: the unit of ``hts_avls`` and ``cpfn``."""


def margin_rate(s: Snapshot) -> int:
    """The sandbox's margin rate (증거금률) in percent."""
    instrument = s.instrument
    if instrument.kind is InstrumentKind.ETN:
        return 100
    if instrument.kind is InstrumentKind.ETF or instrument.kospi200:
        return 20
    return 40 if instrument.market.value == "KOSDAQ" else 30


def _versus(price: int, extreme: Extreme) -> str:
    return rate((price - extreme.price) * 100 / extreme.price if extreme.price else 0)


def _ratio(numerator: int, denominator: int | None) -> str:
    if not denominator:
        return "0.00"
    return rate(numerator / denominator)


def price_output(account: KisAccount, s: Snapshot) -> dict[str, str]:
    """Every field real KIS returns for FHKST01010100, for the code of ``s``."""
    instrument = s.instrument
    facts = listing_facts(instrument, s.base)
    bars = daily_history(account, s.code)
    figures = history_figures(bars, s.day)
    previous = figures.previous
    # without an earlier day, the base price stands for the previous day's bar
    pivot_bar = previous or DailyBar(s.day, s.base, s.base, s.base, s.base, 0)
    levels = pivots(pivot_bar)
    open_, high, low = s.ohlc()
    price = s.price
    book = s.book
    fund = instrument.kind in FUNDS
    credit = instrument.kind is not InstrumentKind.ETN
    substitute = s.base * (80 if instrument.kind is InstrumentKind.ETF else 70) // 100
    previous_volume = previous.volume if previous is not None else 0
    vi = book.vi_kind is not None
    return {
        "iscd_stat_cls_code": "55" if credit else "00",
        "marg_rate": rate(margin_rate(s)),
        "rprs_mrkt_kor_name": "KOSPI200" if instrument.kospi200 else instrument.market.value,
        "new_hgpr_lwpr_cls_code": _new_high_low(price, figures.w52_high, figures.w52_low, s),
        "bstp_kor_isnm": facts.sector,
        "temp_stop_yn": "Y" if book.halted and not vi else "N",
        "oprc_rang_cont_yn": "N",
        "clpr_rang_cont_yn": "N",
        "crdt_able_yn": "Y" if credit else "N",
        "grmn_rate_cls_code": str(margin_rate(s)),
        "elw_pblc_yn": "Y" if instrument.kospi200 and not fund else "N",
        "stck_prpr": num(price),
        "prdy_vrss": num(s.change),
        "prdy_vrss_sign": s.sign,
        "prdy_ctrt": s.change_rate,
        "acml_tr_pbmn": num(s.value),
        "acml_vol": num(s.volume),
        "prdy_vrss_vol_rate": _ratio(s.volume * 100, previous_volume),
        "stck_oprc": num(open_),
        "stck_hgpr": num(high),
        "stck_lwpr": num(low),
        "stck_mxpr": num(s.upper),
        "stck_llam": num(s.lower),
        "stck_sdpr": num(s.base),
        "wghn_avrg_stck_prc": num(s.value // s.volume if s.volume else price),
        "hts_frgn_ehrt": "0.00",
        "frgn_ntby_qty": "0",
        "pgtr_ntby_qty": "0",
        "pvt_scnd_dmrs_prc": num(levels.second_resistance),
        "pvt_frst_dmrs_prc": num(levels.first_resistance),
        "pvt_pont_val": num(levels.pivot),
        "pvt_frst_dmsp_prc": num(levels.first_support),
        "pvt_scnd_dmsp_prc": num(levels.second_support),
        "dmrs_val": num(levels.demark_resistance),
        "dmsp_val": num(levels.demark_support),
        "cpfn": num(facts.listed_shares * facts.par_value // HUNDRED_MILLION),
        "rstc_wdth_prc": num(s.upper - s.base if s.upper else 0),
        "stck_fcam": num(facts.par_value),
        "stck_sspr": num(substitute),
        "aspr_unit": num(tick_size(price, instrument.tick_table)),
        "hts_deal_qty_unit_val": num(instrument.lot_size),
        "lstn_stcn": num(facts.listed_shares),
        "hts_avls": num(price * facts.listed_shares // HUNDRED_MILLION),
        "per": _ratio(price, facts.eps),
        "pbr": _ratio(price, facts.bps),
        "stac_month": f"{facts.settlement_month:02d}",
        "vol_tnrt": rate(s.volume * 100 / facts.listed_shares),
        "eps": rate(facts.eps or 0),
        "bps": rate(facts.bps or 0),
        "d250_hgpr": num(figures.d250_high.price),
        "d250_hgpr_date": figures.d250_high.day.strftime("%Y%m%d"),
        "d250_hgpr_vrss_prpr_rate": _versus(price, figures.d250_high),
        "d250_lwpr": num(figures.d250_low.price),
        "d250_lwpr_date": figures.d250_low.day.strftime("%Y%m%d"),
        "d250_lwpr_vrss_prpr_rate": _versus(price, figures.d250_low),
        "stck_dryy_hgpr": num(figures.year_high.price),
        "dryy_hgpr_vrss_prpr_rate": _versus(price, figures.year_high),
        "dryy_hgpr_date": figures.year_high.day.strftime("%Y%m%d"),
        "stck_dryy_lwpr": num(figures.year_low.price),
        "dryy_lwpr_vrss_prpr_rate": _versus(price, figures.year_low),
        "dryy_lwpr_date": figures.year_low.day.strftime("%Y%m%d"),
        "w52_hgpr": num(figures.w52_high.price),
        "w52_hgpr_vrss_prpr_ctrt": _versus(price, figures.w52_high),
        "w52_hgpr_date": figures.w52_high.day.strftime("%Y%m%d"),
        "w52_lwpr": num(figures.w52_low.price),
        "w52_lwpr_vrss_prpr_ctrt": _versus(price, figures.w52_low),
        "w52_lwpr_date": figures.w52_low.day.strftime("%Y%m%d"),
        "whol_loan_rmnd_rate": "0.00",
        "ssts_yn": "Y",
        "stck_shrn_iscd": s.code,
        "fcam_cnnm": "원",
        "cpfn_cnnm": "억",
        "apprch_rate": "0.00",
        "frgn_hldn_qty": "0",
        "vi_cls_code": "Y" if vi else "N",
        "ovtm_vi_cls_code": _after_hours_vi(account, s.code),
        "last_ssts_cntg_qty": "0",
        "invt_caful_yn": "N",
        "mrkt_warn_cls_code": "00",
        "short_over_yn": "N",
        "sltr_yn": "N",
        "mang_issu_cls_code": "N",
    }


def _new_high_low(price: int, high: Extreme, low: Extreme, s: Snapshot) -> str:
    """``1`` when today set the 52-week high, ``2`` the 52-week low, else empty (sandbox
    encoding of 신고가/신저가)."""
    if s.volume and high.day == s.day and price >= high.price:
        return "1"
    if s.volume and low.day == s.day and price <= low.price:
        return "2"
    return ""


def _after_hours_vi(account: KisAccount, code: str) -> str:
    book = account.office.exchange.single_price_books.get(code)
    return "Y" if book is not None and book.vi_kind is not None else "N"
