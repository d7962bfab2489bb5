"""The KIS sandbox's REST side: auth rules, env rules, rate limits, paging, orders, envelopes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from yeouido.brokers.kis import protocol as p
from yeouido.model.orders import OrderRequest
from yeouido.sandbox.kis import KisSandbox, SandboxConfig, demo_credentials
from yeouido.sandbox.kis.paging import paginate

Q = p.DOMESTIC_STOCK_PREFIX + "/quotations/"
T = p.DOMESTIC_STOCK_PREFIX + "/trading/"
CODE = "005930"


class FakeClock:
    """An injectable wall clock."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def run(
    body: Callable[[KisSandbox, aiohttp.ClientSession], Awaitable[None]], **options: Any
) -> None:
    """Run ``body`` against a fresh in-process sandbox (market moved by hand)."""
    options.setdefault("rate_limit", 1000)
    env = options.pop("env", "mock")
    config = SandboxConfig(env=env, port=0, ws_port=0, speed=None, **options)

    async def main() -> None:
        async with KisSandbox(config) as sandbox, aiohttp.ClientSession() as http:
            await body(sandbox, http)

    asyncio.run(main())


class Client:
    """A minimal KIS client (what any KIS client sends)."""

    def __init__(self, sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        self.sandbox = sandbox
        self.http = http
        self.credentials = sandbox.credentials
        self.token = ""

    async def auth(self) -> None:
        c = self.credentials
        status, body, _ = await self.post_raw(
            p.TOKEN_PATH,
            {"grant_type": "client_credentials", "appkey": c.app_key, "appsecret": c.app_secret},
        )
        assert status == 200, body
        self.token = body["access_token"]

    def headers(self, tr_id: str, tr_cont: str = "") -> dict[str, str]:
        return {
            "content-type": "application/json; charset=utf-8",
            "authorization": f"Bearer {self.token}",
            "appkey": self.credentials.app_key,
            "appsecret": self.credentials.app_secret,
            "tr_id": tr_id,
            "custtype": "P",
            "tr_cont": tr_cont,
        }

    async def post_raw(
        self, path: str, body: Any, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        async with self.http.post(self.sandbox.rest_url + path, json=body, headers=headers) as r:
            return r.status, await r.json(), dict(r.headers)

    async def get(
        self, path: str, tr_id: str, params: dict[str, str], tr_cont: str = ""
    ) -> tuple[int, Any, dict[str, str]]:
        url = self.sandbox.rest_url + path
        async with self.http.get(url, params=params, headers=self.headers(tr_id, tr_cont)) as r:
            return r.status, await r.json(), dict(r.headers)

    async def post(self, path: str, tr_id: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        return await self.post_raw(path, body, self.headers(tr_id))

    def account(self) -> dict[str, str]:
        return {"CANO": self.credentials.cano, "ACNT_PRDT_CD": self.credentials.acnt_prdt_cd}

    async def order(
        self, side: p.Side, quantity: int, price: int, dvsn: str = "00", tr_id: str = ""
    ) -> tuple[int, Any, dict[str, str]]:
        tr = tr_id or p.order_tr_id(self.sandbox.config.env, side)
        body = {
            **self.account(),
            "PDNO": CODE,
            "ORD_DVSN": dvsn,
            "ORD_QTY": str(quantity),
            "ORD_UNPR": str(price),
            "EXCG_ID_DVSN_CD": "KRX",
            "SLL_TYPE": "01",
            "CNDT_PRIC": "",
        }
        return await self.post(T + "order-cash", tr, body)


def tr(env: str, name: str) -> str:
    return p.ENDPOINTS_BY_NAME[name].tr_id("real" if env == "real" else "mock")


# -- auth ---------------------------------------------------------------------------------
def test_token_is_reused_within_6_hours_and_capped_at_one_per_minute() -> None:
    clock = FakeClock()

    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        first = client.token
        c = client.credentials
        request = {
            "grant_type": "client_credentials",
            "appkey": c.app_key,
            "appsecret": c.app_secret,
        }
        clock.now += 10
        status, answer, _ = await client.post_raw(p.TOKEN_PATH, request)
        assert status == 403
        assert answer == {
            "error_code": "EGW00133",
            "error_description": "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)",
        }
        clock.now += 120
        status, answer, _ = await client.post_raw(p.TOKEN_PATH, request)
        assert status == 200 and answer["access_token"] == first
        assert answer["token_type"] == "Bearer"
        assert len(answer["access_token_token_expired"]) == 19
        clock.now += 7 * 3600
        status, answer, _ = await client.post_raw(p.TOKEN_PATH, request)
        assert status == 200 and answer["access_token"] != first
        assert answer["expires_in"] == 86_400

    run(body, clock=clock)


def test_expired_token_answers_egw00123_and_revoked_egw00121() -> None:
    clock = FakeClock()

    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        params = {"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": CODE}
        status, answer, _ = await client.get(Q + "inquire-price", "FHKST01010100", params)
        assert status == 200 and answer["rt_cd"] == "0"
        clock.now += 61
        status, answer, _ = await client.get(Q + "inquire-price", "FHKST01010100", params)
        assert answer["msg_cd"] == "EGW00123" and answer["rt_cd"] == "1"
        sandbox.allow_token_reissue()
        await client.auth()
        sandbox.expire_tokens()
        _, answer, _ = await client.get(Q + "inquire-price", "FHKST01010100", params)
        assert answer["msg_cd"] == "EGW00123"
        sandbox.allow_token_reissue()
        await client.auth()
        c = client.credentials
        status, answer, _ = await client.post_raw(
            p.REVOKE_PATH, {"appkey": c.app_key, "appsecret": c.app_secret, "token": client.token}
        )
        assert status == 200 and answer["code"] == 200
        _, answer, _ = await client.get(Q + "inquire-price", "FHKST01010100", params)
        assert answer["msg_cd"] == "EGW00121"

    run(body, clock=clock, token_lifetime=60, rate_limit=100)


def test_approval_key_uses_secretkey_and_hashkey_answers_hash() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        c = client.credentials
        status, answer, _ = await client.post_raw(
            p.APPROVAL_PATH,
            {"grant_type": "client_credentials", "appkey": c.app_key, "secretkey": c.app_secret},
        )
        assert status == 200 and len(answer["approval_key"]) == 36
        status, answer, _ = await client.post_raw(
            p.APPROVAL_PATH,
            {"grant_type": "client_credentials", "appkey": c.app_key, "appsecret": c.app_secret},
        )
        assert status == 403 and answer["error_code"] == "EGW00105"
        order = {"CANO": c.cano, "PDNO": CODE}
        status, answer, _ = await client.post_raw(
            p.HASHKEY_PATH, order, {"appkey": c.app_key, "appsecret": c.app_secret}
        )
        assert status == 200 and len(answer["HASH"]) == 64 and answer["JsonBody"] == order

    run(body)


def test_demo_credentials_are_deterministic_and_well_formed() -> None:
    a, b = demo_credentials(7, "real"), demo_credentials(7, "real")
    assert a == b and a != demo_credentials(8, "real")
    assert len(a.app_key) == 36 and len(a.app_secret) == 180 and len(a.cano) == 8
    assert demo_credentials(7, "mock").app_key != a.app_key
    assert a.app_secret not in repr(a)


# -- environment rules -------------------------------------------------------------------
@pytest.mark.parametrize("env", ["real", "mock"])
def test_key_of_the_other_env_answers_egw02004(env: str) -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        other = demo_credentials(0, "mock" if env == "real" else "real")
        status, answer, _ = await Client(sandbox, http).post_raw(
            p.TOKEN_PATH,
            {
                "grant_type": "client_credentials",
                "appkey": other.app_key,
                "appsecret": other.app_secret,
            },
        )
        assert status == 403 and answer["error_code"] == "EGW02004"
        client = Client(sandbox, http)
        await client.auth()
        client.credentials = other
        status, answer, _ = await client.get(
            Q + "inquire-price", "FHKST01010100", {"FID_INPUT_ISCD": CODE}
        )
        assert status == 500 and answer["msg_cd"] == "EGW02004" and answer["rt_cd"] == "1"

    run(body, env=env)


def test_real_only_tr_on_mock_answers_not_a_mock_tr() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        for tr_id in ("TTTC8408R", "VTTC8408R"):
            _, answer, _ = await client.get(T + "inquire-psbl-sell", tr_id, {"PDNO": CODE})
            assert answer["rt_cd"] == "1" and "모의투자 TR 이 아닙니다" in answer["msg1"]
        _, answer, _ = await client.get(T + "inquire-balance", "TTTC8434R", {**client.account()})
        assert "모의투자 TR 이 아닙니다" in answer["msg1"]
        _, answer, _ = await client.get(T + "inquire-balance", "ZZZZ0000R", client.account())
        assert answer["msg_cd"] == p.UNKNOWN_TR

    run(body)


# -- rate limit ----------------------------------------------------------------------------
@pytest.mark.parametrize(("env", "limit"), [("real", 20), ("mock", 2)])
def test_rate_limit_is_a_sliding_one_second_window(env: str, limit: int) -> None:
    clock = FakeClock()

    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        params = {"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": CODE}
        for _ in range(limit):
            status, answer, _ = await client.get(Q + "inquire-price", "FHKST01010100", params)
            assert status == 200, answer
        status, answer, _ = await client.get(Q + "inquire-price", "FHKST01010100", params)
        assert status == 500
        assert answer == {
            "rt_cd": "1",
            "msg_cd": "EGW00201",
            "msg1": "초당 거래건수를 초과하였습니다.",
        }
        clock.now += 0.5
        status, _, _ = await client.get(Q + "inquire-price", "FHKST01010100", params)
        assert status == 500
        clock.now += 0.6
        status, _, _ = await client.get(Q + "inquire-price", "FHKST01010100", params)
        assert status == 200

    run(body, env=env, clock=clock, rate_limit=None)


# -- quotations ---------------------------------------------------------------------------
QUOTATIONS: list[tuple[str, dict[str, str], tuple[str, ...]]] = [
    ("inquire-price", {}, ("output",)),
    ("inquire-asking-price-exp-ccn", {}, ("output1", "output2")),
    ("inquire-ccnl", {}, ("output",)),
    ("inquire-daily-price", {"FID_PERIOD_DIV_CODE": "D", "FID_ORG_ADJ_PRC": "1"}, ("output",)),
    (
        "inquire-daily-itemchartprice",
        {
            "FID_INPUT_DATE_1": "20000101",
            "FID_INPUT_DATE_2": "20991231",
            "FID_PERIOD_DIV_CODE": "D",
        },
        ("output1", "output2"),
    ),
    ("inquire-time-itemchartprice", {"FID_INPUT_HOUR_1": "235959"}, ("output1", "output2")),
    ("inquire-time-dailychartprice", {"FID_INPUT_HOUR_1": "235959"}, ("output1", "output2")),
]


def _all_strings(value: Any) -> bool:
    if isinstance(value, dict):
        return all(k == k.lower() and _all_strings(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_all_strings(v) for v in value)
    return isinstance(value, str)


def test_every_quotation_answers_the_kis_envelope() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        sandbox.account.office.market.advance(120)
        client = Client(sandbox, http)
        await client.auth()
        for name, extra, outputs in QUOTATIONS:
            sandbox.reset_rate_limits()
            params = {"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": CODE, **extra}
            path = p.ENDPOINTS_BY_NAME[name].path
            status, answer, headers = await client.get(path, tr("real", name), params)
            assert status == 200 and answer["rt_cd"] == "0", (name, answer)
            assert answer["msg_cd"] and answer["msg1"]
            assert headers["tr_id"] == tr("real", name)
            for output in outputs:
                assert output in answer, (name, output)
                assert _all_strings(answer[output]), name
        price = (await client.get(Q + "inquire-price", "FHKST01010100", {"FID_INPUT_ISCD": CODE}))[
            1
        ]
        assert int(price["output"]["stck_prpr"]) > 0
        assert int(price["output"]["acml_vol"]) > 0
        bars = (await client.get(
            Q + "inquire-time-itemchartprice", "FHKST03010200",
            {"FID_INPUT_ISCD": CODE, "FID_INPUT_HOUR_1": "235959"},
        ))[1]  # fmt: skip
        assert 0 < len(bars["output2"]) <= 30
        sandbox.reset_rate_limits()
        ccnl = (await client.get(Q + "inquire-ccnl", "FHKST01010300", {"FID_INPUT_ISCD": CODE}))[1]
        assert len(ccnl["output"]) > 0

    run(body, rate_limit=100)


def test_bad_quotation_inputs_answer_the_error_envelope() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        for params in ({}, {"FID_INPUT_ISCD": "999999"}, {"fid_input_iscd": CODE}):
            status, answer, _ = await client.get(Q + "inquire-price", "FHKST01010100", params)
            assert status == 500 and answer["rt_cd"] == "1" and answer["msg_cd"] == p.INVALID_INPUT

    run(body, rate_limit=100)


# -- orders -------------------------------------------------------------------------------
def test_order_fills_on_the_simulated_market_and_shows_in_balance() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        office = sandbox.account.office
        upper = int(office.exchange.references[CODE].limits[1])  # type: ignore[index]
        status, answer, _ = await client.order(p.Side.BUY, 10, 0, dvsn="01")
        assert status == 200 and answer["rt_cd"] == "0", answer
        assert set(answer["output"]) == {"KRX_FWDG_ORD_ORGNO", "ODNO", "ORD_TMD"}
        office.market.advance(5)
        await office.client.drain()
        _, balance, _ = await client.get(
            T + "inquire-balance",
            "VTTC8434R",
            {**client.account(), "AFHR_FLPR_YN": "N", "OFL_YN": "", "INQR_DVSN": "02",
             "UNPR_DVSN": "01", "FUND_STTL_ICLD_YN": "N", "FNCG_AMT_AUTO_RDPT_YN": "N",
             "PRCS_DVSN": "00", "CTX_AREA_FK100": "", "CTX_AREA_NK100": ""},
        )  # fmt: skip
        assert balance["rt_cd"] == "0"
        holding = balance["output1"][0]
        assert holding["pdno"] == CODE and holding["hldg_qty"] == "10"
        for field in ("prdt_name", "ord_psbl_qty", "pchs_avg_pric", "pchs_amt", "prpr",
                      "evlu_amt", "evlu_pfls_amt", "evlu_pfls_rt"):  # fmt: skip
            assert field in holding
        totals = balance["output2"][0]
        for field in ("dnca_tot_amt", "nxdy_excc_amt", "prvs_rcdl_excc_amt", "tot_evlu_amt",
                      "nass_amt", "evlu_pfls_smtl_amt"):  # fmt: skip
            assert totals[field].lstrip("-").isdigit()
        assert int(totals["prvs_rcdl_excc_amt"]) < 100_000_000
        _, power, _ = await client.get(
            T + "inquire-psbl-order", "VTTC8908R",
            {**client.account(), "PDNO": CODE, "ORD_UNPR": str(upper), "ORD_DVSN": "00",
             "CMA_EVLU_AMT_ICLD_YN": "N", "OVRS_ICLD_YN": "N"},
        )  # fmt: skip
        assert int(power["output"]["max_buy_qty"]) > 0 and "nrcvb_buy_amt" in power["output"]

    run(body)


def test_older_order_tr_ids_work_and_modify_cancel_round_trip() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        office = sandbox.account.office
        lower = int(office.exchange.references[CODE].limits[0])  # type: ignore[index]
        _, answer, _ = await client.order(p.Side.BUY, 5, lower, tr_id="TTTC0802U")
        assert answer["rt_cd"] == "0", answer
        odno = answer["output"]["ODNO"]
        modify = {
            **client.account(), "KRX_FWDG_ORD_ORGNO": "91252", "ORGN_ODNO": odno,
            "ORD_DVSN": "00", "RVSE_CNCL_DVSN_CD": "01", "ORD_QTY": "0",
            "ORD_UNPR": str(lower + 2 * ((lower // 1000 and 100) or 1)), "QTY_ALL_ORD_YN": "Y",
        }  # fmt: skip
        price_tick = int(
            (await client.get(Q + "inquire-price", "FHKST01010100", {"FID_INPUT_ISCD": CODE}))[1][
                "output"
            ]["aspr_unit"]
        )
        modify["ORD_UNPR"] = str(lower + price_tick)
        _, answer, _ = await client.post(T + "order-rvsecncl", "TTTC0803U", modify)
        assert answer["rt_cd"] == "0", answer
        modified = answer["output"]["ODNO"]
        assert modified != odno
        state = await office.client.order_status(odno)
        assert state is not None and int(state.price or 0) == lower + price_tick
        cancel = {**modify, "ORGN_ODNO": modified, "RVSE_CNCL_DVSN_CD": "02"}
        _, answer, _ = await client.post(T + "order-rvsecncl", "TTTC0013U", cancel)
        assert answer["rt_cd"] == "0", answer
        state = await office.client.order_status(odno)
        assert state is not None and state.status.value == "canceled"
        _, answer, _ = await client.post(T + "order-rvsecncl", "TTTC0013U", cancel)
        assert answer["rt_cd"] == "1" and answer["msg_cd"] == "APBK0918"
        _, ccld, _ = await client.get(
            T + "inquire-daily-ccld", "TTTC0081R",
            {**client.account(), "INQR_STRT_DT": "20000101", "INQR_END_DT": "20991231",
             "SLL_BUY_DVSN_CD": "00", "INQR_DVSN": "01", "PDNO": "", "CCLD_DVSN": "00",
             "ORD_GNO_BRNO": "", "ODNO": "", "INQR_DVSN_3": "00", "INQR_DVSN_1": "",
             "CTX_AREA_FK100": "", "CTX_AREA_NK100": ""},
        )  # fmt: skip
        # the cancel names the order it cancelled: the modify's number, not the first one
        assert [r["orgn_odno"] for r in ccld["output1"]] == ["", odno, modified]
        assert ccld["output1"][2]["cncl_yn"] == "Y"

    run(body, env="real")


def test_rule_errors_become_kis_envelopes_and_malformed_orders_change_nothing() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        office = sandbox.account.office
        upper = int(office.exchange.references[CODE].limits[1])  # type: ignore[index]
        _, answer, _ = await client.order(p.Side.BUY, 10, upper * 2 // 1000 * 1000)
        assert answer["rt_cd"] == "1" and answer["msg_cd"] == "APBK0919", answer
        _, answer, _ = await client.order(p.Side.SELL, 10, upper)
        assert answer["rt_cd"] == "1" and answer["msg_cd"] == "APBK0400", answer
        _, answer, _ = await client.order(p.Side.BUY, 10**7, upper)
        assert answer["rt_cd"] == "1" and answer["msg_cd"] == "APBK0952", answer
        before = len(sandbox.account.records)
        cash = office.balance()
        bad: list[Any] = [
            {**client.account(), "PDNO": CODE, "ORD_DVSN": "99", "ORD_QTY": "1", "ORD_UNPR": "0"},
            {**client.account(), "PDNO": CODE, "ORD_DVSN": "00", "ORD_QTY": 1, "ORD_UNPR": "0"},
            {**client.account(), "PDNO": CODE, "ORD_DVSN": "00", "ORD_QTY": "x", "ORD_UNPR": "0"},
            {"CANO": "00000000", "ACNT_PRDT_CD": "01", "PDNO": CODE, "ORD_DVSN": "00"},
            ["not", "an", "object"],
        ]
        for payload in bad:
            status, answer, _ = await client.post(T + "order-cash", "VTTC0802U", payload)
            assert status == 500 and answer["rt_cd"] == "1", answer
        url = sandbox.rest_url + T + "order-cash"
        async with http.post(url, data=b"{nope", headers=client.headers("VTTC0802U")) as r:
            answer = await r.json()
            assert answer["rt_cd"] == "1" and answer["msg_cd"] == p.BAD_REQUEST_BODY
        headers = client.headers("VTTC0802U")
        del headers["appsecret"]
        async with http.post(url, json=bad[0], headers=headers) as r:
            answer = await r.json()
            assert answer["msg_cd"] == p.MISSING_HEADER
        async with http.get(sandbox.rest_url + "/uapi/nowhere", headers=headers) as r:
            assert r.status == 404 and (await r.json())["rt_cd"] == "1"
        assert len(sandbox.account.records) == before
        assert office.balance().cash == cash.cash

    run(body, rate_limit=100)


# -- paging -------------------------------------------------------------------------------
def test_daily_fills_page_over_four_pages_with_mock_page_size() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        office = sandbox.account.office
        lower = int(office.exchange.references[CODE].limits[0])  # type: ignore[index]
        for _ in range(50):
            _, answer, _ = await client.order(p.Side.BUY, 1, lower)
            assert answer["rt_cd"] == "0", answer
        params = {**client.account(), "INQR_STRT_DT": "20000101", "INQR_END_DT": "20991231",
                  "SLL_BUY_DVSN_CD": "00", "INQR_DVSN": "00", "PDNO": "", "CCLD_DVSN": "00",
                  "ORD_GNO_BRNO": "", "ODNO": "", "INQR_DVSN_3": "00", "INQR_DVSN_1": "",
                  "CTX_AREA_FK100": "", "CTX_AREA_NK100": ""}  # fmt: skip
        pages: list[list[str]] = []
        conts = []
        tr_cont = ""
        while True:
            _, answer, headers = await client.get(
                T + "inquire-daily-ccld", "VTTC0081R", params, tr_cont
            )
            assert answer["rt_cd"] == "0", answer
            pages.append([r["odno"] for r in answer["output1"]])
            conts.append(headers["tr_cont"])
            if not p.has_more_pages(headers["tr_cont"]):
                break
            params["CTX_AREA_FK100"] = answer["ctx_area_fk100"]
            params["CTX_AREA_NK100"] = answer["ctx_area_nk100"]
            tr_cont = "N"
        assert [len(page) for page in pages] == [15, 15, 15, 5]
        assert conts == ["F", "M", "M", "E"]
        flat = [odno for page in pages for odno in page]
        assert len(set(flat)) == 50 and flat == sorted(flat, reverse=True)

    run(body, rate_limit=1000)


def test_balance_pages_by_tr_cont_and_ctx_keys() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        office = sandbox.account.office
        codes = list(office.exchange.instruments)[:13]
        for code in codes:
            await office.client.send_order(
                f"seed-{code}",
                OrderRequest(code, p.Side.BUY, 1, None, p.OrderType.MARKET),
            )
        office.market.advance(5)
        params = {**client.account(), "AFHR_FLPR_YN": "N", "INQR_DVSN": "02", "UNPR_DVSN": "01",
                  "FUND_STTL_ICLD_YN": "N", "FNCG_AMT_AUTO_RDPT_YN": "N", "PRCS_DVSN": "00",
                  "CTX_AREA_FK100": "", "CTX_AREA_NK100": ""}  # fmt: skip
        seen: list[str] = []
        conts = []
        tr_cont = ""
        while True:
            _, answer, headers = await client.get(
                T + "inquire-balance", "VTTC8434R", params, tr_cont
            )
            seen += [r["pdno"] for r in answer["output1"]]
            conts.append(headers["tr_cont"])
            if headers["tr_cont"] not in ("F", "M"):
                break
            params["CTX_AREA_FK100"] = answer["ctx_area_fk100"]
            params["CTX_AREA_NK100"] = answer["ctx_area_nk100"]
            tr_cont = "N"
        assert sorted(seen) == sorted(codes)
        assert conts == ["F", "M", "M", "E"]

    run(body, rate_limit=1000, page_sizes={"inquire-balance": 4})


def test_paginate_single_page_is_d_and_foreign_keys_restart() -> None:
    page = paginate(list(range(3)), 5, {"A": "1"}, "")
    assert page.tr_cont == "D" and page.rows == [0, 1, 2] and page.ctx_area_nk100 == ""
    first = paginate(list(range(12)), 5, {"A": "1"}, "")
    again = paginate(
        list(range(12)), 5, {"A": "2", "CTX_AREA_FK100": first.ctx_area_fk100,
                             "CTX_AREA_NK100": "5"}, "N",
    )  # fmt: skip
    assert again.rows == [0, 1, 2, 3, 4]


def test_config_rejects_non_loopback_hosts() -> None:
    with pytest.raises(p.InvalidInput):
        SandboxConfig(host="0.0.0.0")
    config = SandboxConfig(env="mock").with_demo_credentials()
    assert [c.env for c in config.own_credentials()] == ["mock"]
    assert replace(config, env="real").own_credentials()[0].env == "real"
