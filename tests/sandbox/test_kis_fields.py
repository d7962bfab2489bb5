"""The KIS sandbox answers with exactly the fields real KIS returns, with consistent values:
inquire-price, the order book, search-info, search-stock-info, and the H0STCNT0/H0STASP0
websocket frames."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from datetime import time as dt_time
from typing import Any

import aiohttp
import pytest

from tests.sandbox import kis_official_fields as official
from yeouido.brokers.kis import protocol as p
from yeouido.krx.master import InstrumentMaster, default_master
from yeouido.model.errors import InvalidInput
from yeouido.sandbox.kis import KisSandbox, SandboxConfig
from yeouido.sandbox.kis.fundamentals import DailyBar, daily_history, history_figures, pivots
from yeouido.sandbox.kis.info import isin

Q = p.DOMESTIC_STOCK_PREFIX + "/quotations/"
CODE = "005930"
MID_DAY = dt_time(11, 0)


def run(
    body: Callable[[KisSandbox, aiohttp.ClientSession, dict[str, str]], Awaitable[None]],
    **options: Any,
) -> None:
    """Run ``body`` with a token against a real-env sandbox of a few codes, started mid-day
    (so trades happened before the sandbox's own listeners existed)."""
    options.setdefault("codes", (CODE, "247540", "069500"))
    options.setdefault("start", MID_DAY)
    config = SandboxConfig(
        env="real", port=0, ws_port=0, speed=None, rate_limit=1000, ping_interval=60.0, **options
    )

    async def main() -> None:
        async with KisSandbox(config) as sandbox, aiohttp.ClientSession() as http:
            c = sandbox.credentials
            request = {
                "grant_type": "client_credentials",
                "appkey": c.app_key,
                "appsecret": c.app_secret,
            }
            async with http.post(sandbox.rest_url + p.TOKEN_PATH, json=request) as response:
                token = (await response.json())["access_token"]
            headers = {
                "content-type": "application/json; charset=utf-8",
                "authorization": f"Bearer {token}",
                "appkey": c.app_key,
                "appsecret": c.app_secret,
                "custtype": "P",
            }
            await asyncio.wait_for(body(sandbox, http, headers), 60)

    asyncio.run(main())


async def get(
    sandbox: KisSandbox,
    http: aiohttp.ClientSession,
    headers: dict[str, str],
    name: str,
    params: dict[str, str],
) -> dict[str, Any]:
    endpoint = p.ENDPOINTS_BY_NAME[name]
    url = sandbox.rest_url + endpoint.path
    request_headers = {**headers, "tr_id": endpoint.tr_id("real")}
    async with http.get(url, params=params, headers=request_headers) as response:
        body: dict[str, Any] = await response.json()
    assert response.status == 200 and body["rt_cd"] == "0", body
    return body


def price_params(code: str = CODE) -> dict[str, str]:
    return {"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": code}


# -- inquire-price ----------------------------------------------------------------------------
def test_inquire_price_carries_exactly_the_official_fields_with_consistent_values() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession, h: dict[str, str]) -> None:
        sandbox.account.office.market.advance(600)
        for code in (CODE, "247540", "069500"):
            out = (await get(sandbox, http, h, "inquire-price", price_params(code)))["output"]
            assert tuple(out) == official.INQUIRE_PRICE
            assert all(isinstance(value, str) for value in out.values())
            price, volume, value = (int(out[k]) for k in ("stck_prpr", "acml_vol", "acml_tr_pbmn"))
            high, low = int(out["stck_hgpr"]), int(out["stck_lwpr"])
            assert volume > 0, code
            # traded value and volume count the same trades (the whole day, auctions too)
            assert low <= value / volume <= high, (code, value, volume, low, high)
            assert low <= int(out["wghn_avrg_stck_prc"]) <= high
            shares = int(out["lstn_stcn"])
            assert int(out["hts_avls"]) == price * shares // 100_000_000
            assert out["vol_tnrt"] == f"{volume * 100 / shares:.2f}"
            assert int(out["w52_hgpr"]) >= high and int(out["w52_lwpr"]) <= low
            assert int(out["d250_hgpr"]) >= high and int(out["stck_dryy_lwpr"]) <= low
            history = daily_history(sandbox.account, code)
            window = [bar for bar in history if bar.day > history[-1].day - timedelta(weeks=52)]
            assert int(out["w52_hgpr"]) == max(bar.high for bar in window)
            assert int(out["w52_hgpr"]) >= max(bar.close for bar in window)
            assert out["bstp_kor_isnm"] not in ("", "stock")
            assert out["vi_cls_code"] in ("Y", "N") and out["stck_shrn_iscd"] == code
        samsung = (await get(sandbox, http, h, "inquire-price", price_params()))["output"]
        facts = default_master().fundamentals(CODE)
        assert facts is not None and facts.listed_shares and facts.eps and facts.bps
        assert samsung["lstn_stcn"] == str(facts.listed_shares)
        assert samsung["stck_fcam"] == "100" and samsung["bstp_kor_isnm"] == "전기·전자"
        assert samsung["cpfn"] == str(facts.listed_shares * 100 // 100_000_000)
        price = int(samsung["stck_prpr"])
        assert samsung["per"] == f"{price / facts.eps:.2f}"
        assert samsung["pbr"] == f"{price / facts.bps:.2f}"
        assert samsung["eps"] == f"{facts.eps:.2f}" and samsung["rprs_mrkt_kor_name"] == "KOSPI200"
        previous = daily_history(sandbox.account, CODE)[-2]
        assert samsung["pvt_pont_val"] == str(pivots(previous).pivot)

    run(body)


def test_history_figures_and_pivots_from_daily_bars() -> None:
    bars = [
        DailyBar(date(2025, 12, 1), 100, 120, 90, 110, 10),
        DailyBar(date(2026, 1, 5), 110, 130, 105, 125, 10),
        DailyBar(date(2026, 12, 3), 125, 126, 100, 101, 10),
        DailyBar(date(2026, 12, 4), 101, 105, 99, 104, 10),
    ]
    figures = history_figures(bars, date(2026, 12, 4))
    assert (figures.w52_high.price, figures.w52_high.day) == (130, date(2026, 1, 5))
    assert figures.w52_low.price == 99
    assert figures.d250_high.price == 130 and figures.d250_low.price == 90
    assert (figures.year_high.price, figures.year_low.price) == (130, 99)
    assert figures.previous == bars[2]
    for window in (bars[1:], bars):
        assert figures.d250_high.price >= max(bar.close for bar in window[-250:])
    levels = pivots(bars[2])
    pivot = (126 + 100 + 101) / 3
    assert levels.pivot == round(pivot)
    assert levels.first_resistance == round(2 * pivot - 100)
    assert levels.second_support == round(pivot - 26)
    # down day: DeMark X = H + 2L + C
    assert levels.demark_resistance == round((126 + 200 + 101) / 2 - 100)


# -- order book -------------------------------------------------------------------------------
def test_order_book_carries_the_official_fields_every_level_and_changes() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession, h: dict[str, str]) -> None:
        office = sandbox.account.office
        office.market.advance(60)
        params = price_params()
        answer = await get(sandbox, http, h, "inquire-asking-price-exp-ccn", params)
        first = answer["output1"]
        assert tuple(first) == official.ASKING_PRICE_OUTPUT1
        assert tuple(answer["output2"]) == official.ASKING_PRICE_OUTPUT2
        book = office.exchange.regular_book(CODE)
        asks = book.asks.depth(10)
        for i, (price, quantity, _) in enumerate(asks, start=1):
            assert (first[f"askp{i}"], first[f"askp_rsqn{i}"]) == (str(price), str(quantity))
        for i in range(len(asks) + 1, 11):
            assert first[f"askp{i}"] == "0"
        total_ask, total_bid = int(first["total_askp_rsqn"]), int(first["total_bidp_rsqn"])
        assert int(first["ntby_aspr_rsqn"]) == total_bid - total_ask
        office.market.advance(30)
        second = (await get(sandbox, http, h, "inquire-asking-price-exp-ccn", params))["output1"]
        change = int(second["total_askp_rsqn"]) - total_ask
        assert int(second["total_askp_rsqn_icdc"]) == change
        assert int(second["total_bidp_rsqn_icdc"]) == int(second["total_bidp_rsqn"]) - total_bid
        before = {first[f"askp{i}"]: int(first[f"askp_rsqn{i}"]) for i in range(1, 11)}
        for i in range(1, 11):
            if second[f"askp{i}"] != "0":
                expected = int(second[f"askp_rsqn{i}"]) - before.get(second[f"askp{i}"], 0)
                assert int(second[f"askp_rsqn_icdc{i}"]) == expected
        assert second["ovtm_total_askp_icdc"] == "0" == second["ovtm_total_askp_rsqn"]

    run(body)


# -- product and stock basics ----------------------------------------------------------------
def test_search_info_and_search_stock_info_from_the_master() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession, h: dict[str, str]) -> None:
        params = {"PDNO": CODE, "PRDT_TYPE_CD": "300"}
        info = (await get(sandbox, http, h, "search-info", params))["output"]
        assert set(info) == set(official.SEARCH_INFO) | set(official.SEARCH_INFO_RECORDED_EXTRA)
        assert len(info) == len(official.SEARCH_INFO) + len(official.SEARCH_INFO_RECORDED_EXTRA)
        assert info["pdno"] == CODE and info["prdt_name"] == "삼성전자"
        assert info["std_pdno"] == "KR7005930003" and info["shtn_pdno"] == "A005930"
        assert info["frst_erlm_dt"] == "19750611"
        stock = (await get(sandbox, http, h, "search-stock-info", params))["output"]
        assert tuple(stock) == official.SEARCH_STOCK_INFO
        assert stock["mket_id_cd"] == "STK" and stock["kospi200_item_yn"] == "Y"
        assert stock["lstg_stqt"] == "5919637922" and stock["papr"] == "100"
        assert stock["scts_mket_lstg_dt"] == "19750611" and stock["kosdaq_mket_lstg_dt"] == ""
        assert (
            stock["idx_bztp_mcls_cd_name"] == "전기·전자" and stock["std_pdno"] == info["std_pdno"]
        )
        kosdaq = await get(sandbox, http, h, "search-stock-info", {**params, "PDNO": "247540"})
        assert kosdaq["output"]["mket_id_cd"] == "KSQ"
        etf = (await get(sandbox, http, h, "search-info", {**params, "PDNO": "069500"}))["output"]
        assert etf["std_pdno"] == "KR7069500007" and etf["prdt_clsf_name"] == "ETF"

    run(body)


def test_search_info_refuses_an_unknown_code_or_product_type() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession, h: dict[str, str]) -> None:
        endpoint = p.ENDPOINTS_BY_NAME["search-info"]
        for params in (
            {"PDNO": "999990", "PRDT_TYPE_CD": "300"},
            {"PDNO": CODE, "PRDT_TYPE_CD": "512"},
        ):
            async with http.get(
                sandbox.rest_url + endpoint.path,
                params=params,
                headers={**h, "tr_id": endpoint.tr_id("real")},
            ) as response:
                answer = await response.json()
            assert answer["rt_cd"] == "1" and answer["msg_cd"] == p.INVALID_INPUT

    run(body)


def test_isin_check_digits() -> None:
    assert isin("005930") == "KR7005930003"
    assert isin("000660") == "KR7000660001"
    assert isin("069500") == "KR7069500007"


def test_master_fundamentals_columns_load_and_round_trip(tmp_path: Any) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "code,name,market,kind,listed_shares,par_value,eps,bps,sector,listed_on\n"
        "0001A0,새종목,KOSDAQ,stock,12000000,500,-120,8000,제약,2025-03-04\n",
        encoding="utf-8",
    )
    master = InstrumentMaster()
    assert master.load_csv(path) == 1
    facts = master.fundamentals("0001A0")
    assert facts is not None and facts.listed_shares == 12_000_000 and facts.eps == -120
    assert facts.sector == "제약" and facts.listed_on == date(2025, 3, 4)
    copy = tmp_path / "copy.csv"
    master.save_csv(copy)
    again = InstrumentMaster()
    again.load_csv(copy)
    assert again.fundamentals("0001A0") == facts
    path.write_text(
        "code,name,market,kind,listed_shares\n0001A0,새종목,KOSDAQ,stock,many\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInput, match="row 2"):
        InstrumentMaster().load_csv(path)


# -- websocket --------------------------------------------------------------------------------
def test_h0stcnt0_accumulated_volume_counts_each_frames_own_trade() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession, h: dict[str, str]) -> None:
        c = sandbox.credentials
        request = {
            "grant_type": "client_credentials",
            "appkey": c.app_key,
            "secretkey": c.app_secret,
        }
        async with http.post(sandbox.rest_url + p.APPROVAL_PATH, json=request) as response:
            key = (await response.json())["approval_key"]
        book = sandbox.account.office.exchange.regular_book(CODE)
        async with http.ws_connect(sandbox.ws_url) as ws:
            for tr_id in (p.WS_TRADE, p.WS_BOOK):
                command = {
                    "header": {"approval_key": key, "custtype": "P", "tr_type": "1"},
                    "body": {"input": {"tr_id": tr_id, "tr_key": CODE}},
                }
                await ws.send_str(json.dumps(command))
                while p.is_data_frame(reply := await ws.receive_str(timeout=5)):
                    pass
                assert json.loads(reply)["body"]["rt_cd"] == "0"
            volume_before = book.volume
            for _ in range(120):
                sandbox.account.office.market.advance(1)
                await asyncio.sleep(0)
            volume_after = book.volume
            trades: list[dict[str, str]] = []
            books: list[dict[str, str]] = []
            while True:
                try:
                    text = await ws.receive_str(timeout=0.5)
                except TimeoutError:
                    break
                if not p.is_data_frame(text):
                    continue
                frame = p.parse_data_frame(text)
                width = len(p.WS_FIELDS[frame.tr_id])
                for record in p.split_records(frame.payload, frame.count, width):
                    named = dict(zip(p.WS_FIELDS[frame.tr_id], record, strict=True))
                    (trades if frame.tr_id == p.WS_TRADE else books).append(named)
        assert len(trades) > 3 and books
        running = volume_before
        for named in trades:
            running += int(named["CNTG_VOL"])
            assert int(named["ACML_VOL"]) == running
            low, high = int(named["STCK_LWPR"]), int(named["STCK_HGPR"])
            assert low <= int(named["ACML_TR_PBMN"]) / int(named["ACML_VOL"]) <= high
            assert low <= int(named["WGHN_AVRG_STCK_PRC"]) <= high
        assert running == volume_after
        for named in books:
            assert named["OVTM_TOTAL_ASKP_RSQN"] == "0"
            assert int(named["TOTAL_ASKP_RSQN"]) == sum(
                int(named[f"ASKP_RSQN{i}"]) for i in range(1, 11)
            )

    run(body)
