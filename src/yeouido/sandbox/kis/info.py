"""REST handlers of the product and stock basics (``quotations/search-info``, CTPF1604R, and
``quotations/search-stock-info``, CTPF1002R) from the instrument master.

Names, market, kind, KOSPI 200 membership, NXT listing come from the master; listed shares,
par value, sector and listing date from :func:`~yeouido.sandbox.kis.fundamentals.listing_facts`
(derived where the master lacks them). Sandbox conventions for what the master does not hold:

* ``std_pdno`` (ISIN): ``KR7`` + the short code + ``00`` + the ISIN check digit, the way KRX
  numbers common shares and ETFs (a preferred share's or ETN's real ISIN may differ);
* ``shtn_pdno``: the short code with KRX's ``A`` prefix (an ETN keeps its ``Q``);
* English names: empty (the master has none);
* codes of classifications KIS does not document (``prdt_clsf_cd``, ``stck_kind_cd``, risk
  and sale-state codes): ``0101``/``101``/``00`` for stocks, empty where they do not apply;
* dates that do not apply (delisting, other markets) are empty, as KIS sends them.
"""

from __future__ import annotations

from yeouido.brokers.kis.protocol import INVALID_INPUT
from yeouido.model.enums import InstrumentKind, Market
from yeouido.model.errors import YeouidoError
from yeouido.model.instrument import Instrument
from yeouido.sandbox.kis.context import Call, Handler, Reply
from yeouido.sandbox.kis.envelope import KisFailure, num, rate
from yeouido.sandbox.kis.fundamentals import FUNDS, ListingFacts, listing_facts

STOCK_PRODUCT_TYPE = "300"
"""``PRDT_TYPE_CD`` of stocks, ETFs, ETNs and ELWs (the only type the sandbox lists)."""

KOSPI_SECTOR_INDEX = {
    "음식료·담배": "0005",
    "섬유·의류": "0006",
    "종이·목재": "0007",
    "화학": "0008",
    "제약": "0009",
    "비금속": "0010",
    "철강·금속": "0011",
    "기계·장비": "0012",
    "전기·전자": "0013",
    "의료·정밀기기": "0014",
    "운송장비·부품": "0015",
    "유통": "0016",
    "전기·가스": "0017",
    "건설": "0018",
    "운송·창고": "0019",
    "통신": "0020",
    "금융": "0021",
    "증권": "0024",
    "보험": "0025",
    "IT 서비스": "0026",
    "일반서비스": "0026",
    "오락·문화": "0026",
}
"""KOSPI sector index codes (KIS ``FID_INPUT_ISCD`` of the sector indices)."""

MARKET_INDEX = {Market.KOSPI: ("0001", "KOSPI"), Market.KOSDAQ: ("1001", "KOSDAQ")}
MARKET_ID = {Market.KOSPI: "STK", Market.KOSDAQ: "KSQ", Market.KONEX: "KNX"}
EXCHANGE_DIVISION = {Market.KOSPI: "02", Market.KOSDAQ: "03", Market.KONEX: "06"}
SECURITY_GROUP = {InstrumentKind.ETF: "EF", InstrumentKind.ETN: "EN"}


def isin(code: str) -> str:
    """``KR7`` + ``code`` + ``00`` + the ISIN check digit (letters count 10..35, then Luhn)."""
    body = f"KR7{code[-6:]}00"
    digits = "".join(str(int(char, 36)) for char in body)
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            value = value - 9 if value > 9 else value
        total += value
    return body + str((10 - total % 10) % 10)


def _instrument(call: Call) -> tuple[Instrument, int]:
    product_type = call.require("PRDT_TYPE_CD")
    if product_type != STOCK_PRODUCT_TYPE:
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK PRDT_TYPE_CD")
    code = call.require("PDNO").strip()
    try:
        instrument = call.account.office.instrument(code)
    except YeouidoError:
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK PDNO") from None
    base = int(call.account.office.exchange.references[instrument.code].base_price)
    return instrument, base


def _short(instrument: Instrument) -> str:
    code = instrument.code
    return code if code.startswith("Q") else f"A{code}"


def _class_name(instrument: Instrument) -> str:
    return {InstrumentKind.ETF: "ETF", InstrumentKind.ETN: "ETN"}.get(instrument.kind, "주권")


def _listed(facts: ListingFacts) -> str:
    return facts.listed_on.strftime("%Y%m%d") if facts.listed_on else ""


async def search_info(call: Call) -> Reply:
    """CTPF1604R (real only): product basics of one code."""
    instrument, base = _instrument(call)
    facts = listing_facts(instrument, base)
    fund = instrument.kind in FUNDS
    output = {
        "pdno": call.require("PDNO").strip(),
        "prdt_type_cd": STOCK_PRODUCT_TYPE,
        "prdt_name": instrument.name,
        "prdt_name120": instrument.name,
        "prdt_abrv_name": instrument.name,
        "prdt_eng_name": "",
        "prdt_eng_name120": "",
        "prdt_eng_abrv_name": "",
        "std_pdno": isin(instrument.code),
        "shtn_pdno": _short(instrument),
        "prdt_sale_stat_cd": "00",
        "prdt_risk_grad_cd": "00",
        "prdt_clsf_cd": "" if fund else "0101",
        "prdt_clsf_name": _class_name(instrument),
        "sale_strt_dt": _listed(facts),
        "sale_end_dt": "",
        "wrap_asst_type_cd": "00",
        "ivst_prdt_type_cd": "01",
        "ivst_prdt_type_cd_name": "증권",
        "frst_erlm_dt": _listed(facts),
    }
    return Reply(call.ok(output=output))


async def search_stock_info(call: Call) -> Reply:
    """CTPF1002R (real only): stock basics of one code."""
    instrument, base = _instrument(call)
    facts = listing_facts(instrument, base)
    office = call.account.office
    book = office.exchange.regular_book(instrument.code)
    today = office.market.day.strftime("%Y%m%d")
    fund = instrument.kind in FUNDS
    market = instrument.market
    index_code, index_name = MARKET_INDEX.get(market, ("", market.value))
    sector_code = KOSPI_SECTOR_INDEX.get(facts.sector, "") if market is Market.KOSPI else ""
    capital = facts.listed_shares * facts.par_value
    substitute = base * (80 if instrument.kind is InstrumentKind.ETF else 70) // 100
    listed = _listed(facts)
    last = int(book.last_price) if book.last_price is not None else base
    month_end = {2: 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(facts.settlement_month, 31)
    output = {
        "pdno": call.require("PDNO").strip(),
        "prdt_type_cd": STOCK_PRODUCT_TYPE,
        "prdt_name": instrument.name,
        "prdt_name120": instrument.name,
        "prdt_abrv_name": instrument.name,
        "prdt_eng_name": "",
        "prdt_eng_name120": "",
        "prdt_eng_abrv_name": "",
        "mket_id_cd": MARKET_ID.get(market, ""),
        "scty_grp_id_cd": SECURITY_GROUP.get(instrument.kind, "ST"),
        "excg_dvsn_cd": EXCHANGE_DIVISION.get(market, ""),
        "setl_mmdd": f"{facts.settlement_month:02d}{month_end:02d}",
        "lstg_stqt": num(facts.listed_shares),
        "lstg_cptl_amt": num(capital),
        "cpta": num(capital),
        "papr": num(facts.par_value),
        "issu_pric": num(facts.par_value),
        "kospi200_item_yn": "Y" if instrument.kospi200 else "N",
        "scts_mket_lstg_dt": listed if market is Market.KOSPI else "",
        "scts_mket_lstg_abol_dt": "",
        "kosdaq_mket_lstg_dt": listed if market is Market.KOSDAQ else "",
        "kosdaq_mket_lstg_abol_dt": "",
        "frbd_mket_lstg_dt": "",
        "frbd_mket_lstg_abol_dt": "",
        "reits_kind_cd": "",
        "etf_dvsn_cd": "1" if instrument.kind is InstrumentKind.ETF else "",
        "oilf_fund_yn": "N",
        "idx_bztp_lcls_cd": index_code,
        "idx_bztp_mcls_cd": sector_code,
        "idx_bztp_scls_cd": "",
        "idx_bztp_lcls_cd_name": index_name,
        "idx_bztp_mcls_cd_name": facts.sector,
        "idx_bztp_scls_cd_name": "",
        "stck_kind_cd": "" if fund else "101",
        "mfnd_opng_dt": "",
        "mfnd_end_dt": "",
        "dpsi_erlm_cncl_dt": "",
        "etf_cu_qty": "0",
        "std_pdno": isin(instrument.code),
        "dpsi_aptm_erlm_yn": "Y",
        "etf_txtn_type_cd": "",
        "etf_type_cd": "",
        "lstg_abol_dt": "",
        "nwst_odst_dvsn_cd": "",
        "sbst_pric": num(substitute),
        "thco_sbst_pric": num(substitute),
        "thco_sbst_pric_chng_dt": today,
        "tr_stop_yn": "Y" if book.halted and book.vi_kind is None else "N",
        "admn_item_yn": "N",
        "thdt_clpr": num(last),
        "bfdy_clpr": num(base),
        "clpr_chng_dt": today,
        "std_idst_clsf_cd": "",
        "std_idst_clsf_cd_name": facts.sector,
        "ocr_no": "",
        "crfd_item_yn": "N",
        "elec_scty_yn": "Y",
        "issu_istt_cd": instrument.code[-6:-1],
        "etf_chas_erng_rt_dbnb": rate(instrument.leverage if fund else 0),
        "etf_etn_ivst_heed_item_yn": "N",
        "stln_int_rt_dvsn_cd": "",
        "frnr_psnl_lmt_rt": "0.00",
        "lstg_rqsr_issu_istt_cd": "",
        "lstg_rqsr_item_cd": "",
        "trst_istt_issu_istt_cd": "",
        "cptt_trad_tr_psbl_yn": "Y" if instrument.nxt else "N",
        "nxt_tr_stop_yn": "N",
    }
    return Reply(call.ok(output=output))


HANDLERS: dict[str, Handler] = {
    "search-info": search_info,
    "search-stock-info": search_stock_info,
}
"""Product and stock basics handlers by endpoint name."""
