"""The KIS sandbox's trading and account side as real KIS answers it: older tr_ids, the order
number a cancel reports, today's figures in the balance, the full daily-fill field list,
Korean-only rejections, and reservation orders (예약주문)."""

from __future__ import annotations

import asyncio
import re
from datetime import time, timedelta
from typing import Any

import aiohttp

from tests.sandbox.test_kis_rest import CODE, Client, T, run
from yeouido.brokers.kis import protocol as p
from yeouido.sandbox.kis import KisSandbox
from yeouido.sandbox.kis.account import BRANCH

DAILY_CCLD_OUTPUT1 = (
    "ord_dt", "ord_gno_brno", "odno", "orgn_odno", "ord_dvsn_name", "sll_buy_dvsn_cd",
    "sll_buy_dvsn_cd_name", "pdno", "prdt_name", "ord_qty", "ord_unpr", "ord_tmd",
    "tot_ccld_qty", "avg_prvs", "cncl_yn", "tot_ccld_amt", "loan_dt", "ordr_empno",
    "ord_dvsn_cd", "cnc_cfrm_qty", "rmn_qty", "rjct_qty", "ccld_cndt_name", "inqr_ip_addr",
    "cpbc_ordp_ord_rcit_dvsn_cd", "cpbc_ordp_infm_mthd_dvsn_cd", "infm_tmd", "ctac_tlno",
    "prdt_type_cd", "excg_dvsn_cd", "cpbc_ordp_mtrl_dvsn_cd", "ord_orgno", "rsvn_ord_end_dt",
    "stpm_cndt_pric", "stpm_efct_occr_dtmd",
)  # fmt: skip
"""The official output1 list (KIS sample repository, chk_inquire_daily_ccld)."""
DAILY_CCLD_OUTPUT2 = ("tot_ord_qty", "tot_ccld_qty", "tot_ccld_amt", "prsm_tlex_smtl",
                      "pchs_avg_pric")  # fmt: skip
PSBL_RVSECNCL_OUTPUT = (
    "ord_gno_brno", "odno", "orgn_odno", "ord_dvsn_name", "pdno", "prdt_name",
    "rvse_cncl_dvsn_name", "ord_qty", "ord_unpr", "ord_tmd", "tot_ccld_qty", "tot_ccld_amt",
    "psbl_qty", "sll_buy_dvsn_cd", "ord_dvsn_cd", "mgco_aptm_odno", "excg_dvsn_cd",
    "excg_id_dvsn_cd", "excg_id_dvsn_name", "stpm_cndt_pric", "stpm_efct_occr_yn",
)  # fmt: skip
BALANCE_OUTPUT1 = (
    "pdno", "prdt_name", "trad_dvsn_name", "bfdy_buy_qty", "bfdy_sll_qty", "thdt_buyqty",
    "thdt_sll_qty", "hldg_qty", "ord_psbl_qty", "pchs_avg_pric", "pchs_amt", "prpr", "evlu_amt",
    "evlu_pfls_amt", "evlu_pfls_rt", "evlu_erng_rt", "loan_dt", "loan_amt", "stln_slng_chgs",
    "expd_dt", "fltt_rt", "bfdy_cprs_icdc", "item_mgna_rt_name", "grta_rt_name", "sbst_pric",
    "stck_loan_unpr",
)  # fmt: skip
BALANCE_OUTPUT2 = (
    "dnca_tot_amt", "nxdy_excc_amt", "prvs_rcdl_excc_amt", "cma_evlu_amt", "bfdy_buy_amt",
    "thdt_buy_amt", "nxdy_auto_rdpt_amt", "bfdy_sll_amt", "thdt_sll_amt", "d2_auto_rdpt_amt",
    "bfdy_tlex_amt", "thdt_tlex_amt", "tot_loan_amt", "scts_evlu_amt", "tot_evlu_amt",
    "nass_amt", "fncg_gld_auto_rdpt_yn", "pchs_amt_smtl_amt", "evlu_amt_smtl_amt",
    "evlu_pfls_smtl_amt", "tot_stln_slng_chgs", "bfdy_tot_asst_evlu_amt", "asst_icdc_amt",
    "asst_icdc_erng_rt",
)  # fmt: skip
RESV_CCNL_OUTPUT = (
    "rsvn_ord_seq", "rsvn_ord_ord_dt", "rsvn_ord_rcit_dt", "pdno", "ord_dvsn_cd",
    "ord_rsvn_qty", "tot_ccld_qty", "cncl_ord_dt", "ord_tmd", "ctac_tlno", "rjct_rson2", "odno",
    "rsvn_ord_rcit_tmd", "kor_item_shtn_name", "sll_buy_dvsn_cd", "ord_rsvn_unpr",
    "tot_ccld_amt", "loan_dt", "cncl_rcit_tmd", "prcs_rslt", "ord_dvsn_name",
    "tmnl_mdia_kind_cd", "rsvn_end_dt",
)  # fmt: skip


def _daily_query(client: Client) -> dict[str, str]:
    return {
        **client.account(), "INQR_STRT_DT": "20000101", "INQR_END_DT": "20991231",
        "SLL_BUY_DVSN_CD": "00", "INQR_DVSN": "01", "PDNO": "", "CCLD_DVSN": "00",
        "ORD_GNO_BRNO": "", "ODNO": "", "INQR_DVSN_3": "00", "INQR_DVSN_1": "",
        "CTX_AREA_FK100": "", "CTX_AREA_NK100": "",
    }  # fmt: skip


def _psbl_query(client: Client) -> dict[str, str]:
    return {**client.account(), "INQR_DVSN_1": "1", "INQR_DVSN_2": "0",
            "CTX_AREA_FK100": "", "CTX_AREA_NK100": ""}  # fmt: skip


def _limits(sandbox: KisSandbox) -> tuple[int, int]:
    low, high = sandbox.account.office.exchange.references[CODE].limits  # type: ignore[misc]
    return int(low), int(high)


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


# -- 1. older tr_ids ----------------------------------------------------------------------
def test_older_tr_ids_before_the_2024_rename_are_accepted() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        low, _ = _limits(sandbox)
        _, answer, _ = await client.order(p.Side.BUY, 3, low, tr_id="TTTC0802U")
        assert answer["rt_cd"] == "0", answer
        for tr_id in ("TTTC8036R", "TTTC0084R"):
            _, rows, _ = await client.get(T + "inquire-psbl-rvsecncl", tr_id, _psbl_query(client))
            assert rows["rt_cd"] == "0", (tr_id, rows)
            assert [r["odno"] for r in rows["output"]] == [answer["output"]["ODNO"]]
            assert set(rows["output"][0]) >= set(PSBL_RVSECNCL_OUTPUT)
        for tr_id in ("TTTC8001R", "CTSC9115R", "CTSC9215R"):
            status, ccld, _ = await client.get(
                T + "inquire-daily-ccld", tr_id, _daily_query(client)
            )
            assert status == 200 and ccld["rt_cd"] == "0", (tr_id, ccld)
        assert p.endpoint_for_tr_id("VTSC9115R") == (
            p.ENDPOINTS_BY_NAME["inquire-daily-ccld"],
            "mock",
        )

    run(body, env="real")


# -- 2. cancel of a modified order ---------------------------------------------------------
def test_cancel_of_a_modified_order_names_the_modify_in_rest_and_notice() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        notices: list[list[str]] = []
        sandbox.account.notice_listeners.append(notices.append)
        low, _ = _limits(sandbox)
        _, placed, _ = await client.order(p.Side.BUY, 5, low)
        first = placed["output"]["ODNO"]
        change = {
            **client.account(), "KRX_FWDG_ORD_ORGNO": BRANCH, "ORGN_ODNO": first,
            "ORD_DVSN": "00", "RVSE_CNCL_DVSN_CD": "01", "ORD_QTY": "0",
            "ORD_UNPR": str(low), "QTY_ALL_ORD_YN": "Y",
        }  # fmt: skip
        _, modified, _ = await client.post(T + "order-rvsecncl", "TTTC0013U", change)
        assert modified["rt_cd"] == "0", modified
        second = modified["output"]["ODNO"]
        _, rows, _ = await client.get(T + "inquire-psbl-rvsecncl", "TTTC0084R", _psbl_query(client))
        assert [(r["odno"], r["orgn_odno"]) for r in rows["output"]] == [(second, first)]
        cancel = {**change, "ORGN_ODNO": second, "RVSE_CNCL_DVSN_CD": "02"}
        _, canceled, _ = await client.post(T + "order-rvsecncl", "TTTC0013U", cancel)
        assert canceled["rt_cd"] == "0", canceled
        third = canceled["output"]["ODNO"]
        _, ccld, _ = await client.get(T + "inquire-daily-ccld", "TTTC0081R", _daily_query(client))
        by_odno = {r["odno"]: r for r in ccld["output1"]}
        assert by_odno[second]["orgn_odno"] == first
        assert by_odno[third]["orgn_odno"] == second
        fields = p.H0STCNI0_FIELDS
        cancel_notices = [n for n in notices if n[fields.index("ODER_NO")] == third]
        assert cancel_notices, notices
        assert {n[fields.index("OODER_NO")] for n in cancel_notices} == {second}
        assert {n[fields.index("RCTF_CLS")] for n in cancel_notices} == {p.RCTF_CANCEL}

    run(body, env="real")


# -- 3. today's buys and sells in the balance ----------------------------------------------
def test_balance_reports_todays_bought_and_sold_quantities_and_amounts() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        office = sandbox.account.office
        _, high = _limits(sandbox)
        low, _ = _limits(sandbox)
        _, answer, _ = await client.order(p.Side.BUY, 10, high)
        assert answer["rt_cd"] == "0", answer
        office.market.advance(5)
        _, answer, _ = await client.order(p.Side.SELL, 4, low)
        assert answer["rt_cd"] == "0", answer
        office.market.advance(5)
        fills = office.fills()
        bought = [f for f in fills if f.side is p.Side.BUY]
        sold = [f for f in fills if f.side is p.Side.SELL]
        assert sum(f.quantity for f in bought) == 10 and sum(f.quantity for f in sold) == 4
        query = {**client.account(), "AFHR_FLPR_YN": "N", "OFL_YN": "", "INQR_DVSN": "02",
                 "UNPR_DVSN": "01", "FUND_STTL_ICLD_YN": "N", "FNCG_AMT_AUTO_RDPT_YN": "N",
                 "PRCS_DVSN": "00", "CTX_AREA_FK100": "", "CTX_AREA_NK100": ""}  # fmt: skip
        _, balance, _ = await client.get(T + "inquire-balance", "TTTC8434R", query)
        (row,) = balance["output1"]
        assert set(row) == set(BALANCE_OUTPUT1)
        assert set(balance["output2"][0]) == set(BALANCE_OUTPUT2)
        assert (row["thdt_buyqty"], row["thdt_sll_qty"], row["hldg_qty"]) == ("10", "4", "6")
        totals = balance["output2"][0]
        assert totals["thdt_buy_amt"] == str(sum(int(f.price) * f.quantity for f in bought))
        assert totals["thdt_sll_amt"] == str(sum(int(f.price) * f.quantity for f in sold))
        costs = sum(f.commission + f.tax for f in fills)
        assert totals["thdt_tlex_amt"] == str(costs) and costs > 0

    run(body, env="real")


# -- 4. the daily-fill field list ----------------------------------------------------------
def test_daily_fills_carry_every_official_field_with_values() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        office = sandbox.account.office
        low, high = _limits(sandbox)
        _, answer, _ = await client.order(p.Side.BUY, 2, high)
        filled = answer["output"]["ODNO"]
        quote = office.quote(CODE)
        last = int(quote.last or 0)
        tick = int((await client.get(
            p.DOMESTIC_STOCK_PREFIX + "/quotations/inquire-price", "FHKST01010100",
            {"FID_INPUT_ISCD": CODE},
        ))[1]["output"]["aspr_unit"])  # fmt: skip
        stop_order = {
            **client.account(), "PDNO": CODE, "ORD_DVSN": "22", "ORD_QTY": "1",
            "ORD_UNPR": str(last + 20 * tick), "CNDT_PRIC": str(last + 10 * tick),
            "EXCG_ID_DVSN_CD": "KRX",
        }  # fmt: skip
        _, stop, _ = await client.post(T + "order-cash", "TTTC0012U", stop_order)
        assert stop["rt_cd"] == "0", stop
        office.market.advance(5)
        _, ccld, _ = await client.get(T + "inquire-daily-ccld", "TTTC0081R", _daily_query(client))
        assert set(ccld["output2"]) >= set(DAILY_CCLD_OUTPUT2)
        rows = {r["odno"]: r for r in ccld["output1"]}
        for row in rows.values():
            assert set(row) >= set(DAILY_CCLD_OUTPUT1), set(DAILY_CCLD_OUTPUT1) - set(row)
            assert row["ord_orgno"] == BRANCH and row["ord_gno_brno"] == BRANCH
            assert row["ccld_cndt_name"] in ("없음", "IOC", "FOK")
        done = rows[filled]
        assert done["tot_ccld_qty"] == "2" and done["stpm_cndt_pric"] == "0"
        assert int(done["tot_ccld_amt"]) == 2 * int(done["avg_prvs"])
        assert done["rsvn_ord_end_dt"] == "" and done["stpm_efct_occr_dtmd"] == ""
        stop_row = rows[stop["output"]["ODNO"]]
        assert stop_row["stpm_cndt_pric"] == str(last + 10 * tick)
        assert stop_row["ord_dvsn_cd"] == "22"
        costs = sum(f.commission + f.tax for f in office.fills())
        assert ccld["output2"]["prsm_tlex_smtl"] == str(costs)
        assert low > 0

    run(body, env="real")


# -- 5. Korean rejection texts -------------------------------------------------------------
def test_rejections_carry_kis_korean_text_only() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        low, high = _limits(sandbox)
        answers: list[Any] = []
        answers.append((await client.order(p.Side.BUY, 1, high + 100_000))[1])  # off limits
        answers.append((await client.order(p.Side.SELL, 5, low))[1])  # no holding
        cancel = {
            **client.account(), "KRX_FWDG_ORD_ORGNO": BRANCH, "ORGN_ODNO": "0000009999",
            "ORD_DVSN": "00", "RVSE_CNCL_DVSN_CD": "02", "ORD_QTY": "0", "ORD_UNPR": "0",
            "QTY_ALL_ORD_YN": "Y",
        }  # fmt: skip
        answers.append((await client.post(T + "order-rvsecncl", "TTTC0013U", cancel))[1])
        for answer in answers:
            assert answer["rt_cd"] == "1", answer
            assert answer["msg1"] == p.ERRORS[answer["msg_cd"]].msg1, answer
            assert not re.search(r"[A-Za-z]", answer["msg1"]), answer
        async with http.get(
            sandbox.rest_url + p.DOMESTIC_STOCK_PREFIX + "/trading/no-such-thing",
            headers=client.headers("TTTC0081R"),
        ) as response:
            unknown = await response.json()
        assert unknown["msg1"] == p.ERRORS[p.UNKNOWN_TR].msg1

    run(body, env="real")


# -- 6. reservation orders -----------------------------------------------------------------
def _reserve_body(client: Client, side: str, quantity: int, price: int, **extra: str) -> Any:
    return {
        **client.account(), "PDNO": CODE, "ORD_QTY": str(quantity), "ORD_UNPR": str(price),
        "SLL_BUY_DVSN_CD": side, "ORD_DVSN_CD": "00", "ORD_OBJT_CBLC_DVSN_CD": "10",
        "LOAN_DT": "", "RSVN_ORD_END_DT": "", "LDNG_DT": "", **extra,
    }  # fmt: skip


async def _reservations(client: Client, day: str, **extra: str) -> list[dict[str, str]]:
    query = {
        "RSVN_ORD_ORD_DT": day, "RSVN_ORD_END_DT": day, "TMNL_MDIA_KIND_CD": "00",
        **client.account(), "PRCS_DVSN_CD": "0", "CNCL_YN": "Y", "RSVN_ORD_SEQ": "",
        "PDNO": "", "SLL_BUY_DVSN_CD": "", "CTX_AREA_FK200": "", "CTX_AREA_NK200": "", **extra,
    }  # fmt: skip
    _, answer, _ = await client.get(T + "order-resv-ccnl", p.RESERVATIONS, query)
    assert answer["rt_cd"] == "0", answer
    rows: list[dict[str, str]] = answer["output"]
    for row in rows:
        assert set(row) == set(RESV_CCNL_OUTPUT)
    return rows


def test_reservations_are_kept_released_at_0830_and_trade_like_any_order() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        office = sandbox.account.office
        day = office.market.day.strftime("%Y%m%d")
        low, high = _limits(sandbox)
        # a buy at the upper limit (fills at the opening auction), one to modify, one to cancel
        _, kept, _ = await client.post(
            T + "order-resv", p.RESERVE, _reserve_body(client, "02", 3, high)
        )
        assert kept["rt_cd"] == "0" and set(kept["output"]) == {"RSVN_ORD_SEQ"}, kept
        _, changed, _ = await client.post(
            T + "order-resv", p.RESERVE, _reserve_body(client, "02", 1, low)
        )
        _, dropped, _ = await client.post(
            T + "order-resv", p.RESERVE, _reserve_body(client, "02", 1, low)
        )
        _, unsold, _ = await client.post(
            T + "order-resv", p.RESERVE, _reserve_body(client, "01", 100, low)
        )  # nothing held: refused when it is due
        seqs = [a["output"]["RSVN_ORD_SEQ"] for a in (kept, changed, dropped, unsold)]
        until = (office.market.day + timedelta(days=5)).strftime("%Y%m%d")  # a period one
        modify = {
            **_reserve_body(client, "02", 2, low, RSVN_ORD_END_DT=until), "RSVN_ORD_SEQ": seqs[1],
            "RSVN_ORD_ORGNO": BRANCH, "RSVN_ORD_ORD_DT": day,
        }  # fmt: skip
        _, answer, _ = await client.post(T + "order-resv-rvsecncl", p.RESERVE_MODIFY, modify)
        assert answer["rt_cd"] == "0" and answer["output"] == {"nrml_prcs_yn": "Y"}, answer
        cancel = {**client.account(), "RSVN_ORD_SEQ": seqs[2], "RSVN_ORD_ORGNO": BRANCH,
                  "RSVN_ORD_ORD_DT": day}  # fmt: skip
        _, answer, _ = await client.post(T + "order-resv-rvsecncl", p.RESERVE_CANCEL, cancel)
        assert answer["rt_cd"] == "0", answer
        rows = {r["rsvn_ord_seq"]: r for r in await _reservations(client, day)}
        assert [rows[s]["prcs_rslt"] for s in seqs] == ["미처리", "미처리", "취소", "미처리"]
        assert rows[seqs[1]]["ord_rsvn_qty"] == "2" and rows[seqs[2]]["cncl_ord_dt"] == day
        assert rows[seqs[1]]["rsvn_end_dt"] == until
        assert rows[seqs[0]]["rsvn_ord_ord_dt"] == day and rows[seqs[0]]["odno"] == ""
        assert office.fills() == [] and sandbox.account.records == []
        # released when the opening auction starts taking orders, then traded at the open
        office.market.advance_to(office.market.now.replace(hour=8, minute=30, second=5))
        await _settle()
        assert len(sandbox.account.records) == 3  # sent by the phase change, before any query
        rows = {r["rsvn_ord_seq"]: r for r in await _reservations(client, day)}
        assert [rows[s]["prcs_rslt"] for s in seqs] == ["처리", "처리", "취소", "거부"]
        assert rows[seqs[3]]["rjct_rson2"] == p.ERRORS["APBK0400"].msg1
        odno = rows[seqs[0]]["odno"]
        assert odno and rows[seqs[1]]["odno"] and rows[seqs[2]]["odno"] == ""
        office.market.advance_to(office.market.now.replace(hour=9, minute=1))
        await _settle()
        rows = {r["rsvn_ord_seq"]: r for r in await _reservations(client, day)}
        assert rows[seqs[0]]["tot_ccld_qty"] == "3" and int(rows[seqs[0]]["tot_ccld_amt"]) > 0
        _, ccld, _ = await client.get(T + "inquire-daily-ccld", "TTTC0081R", _daily_query(client))
        assert {r["odno"] for r in ccld["output1"]} == {
            odno,
            rows[seqs[1]]["odno"],
            rows[seqs[3]]["odno"],
        }
        period = next(r for r in ccld["output1"] if r["odno"] == rows[seqs[1]]["odno"])
        assert period["rsvn_ord_end_dt"] == until
        refused = next(r for r in ccld["output1"] if r["odno"] == rows[seqs[3]]["odno"])
        assert refused["rjct_qty"] == "100"
        # a sent reservation is no longer cancellable; during the day none is taken
        cancel["RSVN_ORD_SEQ"] = seqs[0]
        _, answer, _ = await client.post(T + "order-resv-rvsecncl", p.RESERVE_CANCEL, cancel)
        assert answer["rt_cd"] == "1" and answer["msg_cd"] == "APBK0918", answer
        _, answer, _ = await client.post(
            T + "order-resv", p.RESERVE, _reserve_body(client, "02", 1, low)
        )
        assert answer["rt_cd"] == "1" and answer["msg_cd"] == "APBK0506", answer
        assert answer["msg1"] == p.ERRORS["APBK0506"].msg1

    run(body, env="real", start=time(7, 0))


def test_reservation_inputs_are_checked_and_mock_has_none() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        for extra in ({"ORD_DVSN_CD": "03"}, {"SLL_BUY_DVSN_CD": "09"}, {"ORD_QTY": "0"}):
            _, answer, _ = await client.post(
                T + "order-resv", p.RESERVE, {**_reserve_body(client, "02", 1, 50_000), **extra}
            )
            assert answer["rt_cd"] == "1" and answer["msg_cd"] == p.INVALID_INPUT, answer
        assert sandbox.account.reservations.items == {}

    run(body, env="real", start=time(7, 0))

    async def mock(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        _, answer, _ = await client.post(
            T + "order-resv", p.RESERVE, _reserve_body(client, "02", 1, 50_000)
        )
        assert answer["msg_cd"] == p.NOT_MOCK_TR, answer

    run(mock, env="mock", start=time(7, 0))
