"""The KIS sandbox's websocket: replies and msg_cds, caps, one session per key, frames,
encrypted notices, PINGPONG and the drop hook."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from yeouido.brokers.kis import protocol as p
from yeouido.sandbox.kis import KisSandbox, SandboxConfig
from yeouido.sandbox.kis.aes import decrypt, encrypt, new_key_iv

CODE = "005930"


def run(
    body: Callable[[KisSandbox, aiohttp.ClientSession], Awaitable[None]], **options: Any
) -> None:
    """Run ``body`` against a fresh sandbox (market moved by hand)."""
    env = options.pop("env", "real")
    options.setdefault("ping_interval", 60.0)
    config = SandboxConfig(env=env, port=0, ws_port=0, speed=None, rate_limit=1000, **options)

    async def main() -> None:
        async with KisSandbox(config) as sandbox, aiohttp.ClientSession() as http:
            await asyncio.wait_for(body(sandbox, http), 30)

    asyncio.run(main())


async def approval(sandbox: KisSandbox, http: aiohttp.ClientSession) -> str:
    c = sandbox.credentials
    body = {"grant_type": "client_credentials", "appkey": c.app_key, "secretkey": c.app_secret}
    async with http.post(sandbox.rest_url + p.APPROVAL_PATH, json=body) as response:
        return str((await response.json())["approval_key"])


def command(key: str, tr_id: str, tr_key: str, tr_type: str = "1") -> str:
    return json.dumps(
        {
            "header": {
                "approval_key": key,
                "custtype": "P",
                "tr_type": tr_type,
                "content-type": "utf-8",
            },
            "body": {"input": {"tr_id": tr_id, "tr_key": tr_key}},
        }
    )


async def next_json(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    """The next JSON message that is not a PINGPONG."""
    while True:
        text = await ws.receive_str(timeout=5)
        if p.is_data_frame(text):
            continue
        data: dict[str, Any] = json.loads(text)
        if data["header"]["tr_id"] != p.WS_PINGPONG:
            return data


async def next_frame(ws: aiohttp.ClientWebSocketResponse, tr_id: str) -> p.DataFrame:
    while True:
        text = await ws.receive_str(timeout=5)
        if p.is_data_frame(text):
            frame = p.parse_data_frame(text)
            if frame.tr_id == tr_id:
                return frame


def test_subscribe_unsubscribe_replies_and_msg_cds() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        key = await approval(sandbox, http)
        async with http.ws_connect(sandbox.ws_url + "/tryitout") as ws:
            await ws.send_str(command(key, p.WS_TRADE, CODE))
            answer = await next_json(ws)
            assert answer["header"]["tr_id"] == p.WS_TRADE
            assert answer["header"]["tr_key"] == CODE
            assert answer["body"]["rt_cd"] == "0" and answer["body"]["msg_cd"] == "OPSP0000"
            assert len(answer["body"]["output"]["key"]) == 32
            assert len(answer["body"]["output"]["iv"]) == 16
            await ws.send_str(command(key, p.WS_TRADE, CODE))
            assert (await next_json(ws))["body"]["msg_cd"] == "OPSP0002"
            await ws.send_str(command(key, p.WS_TRADE, CODE, "2"))
            assert (await next_json(ws))["body"]["msg_cd"] == "OPSP0001"
            await ws.send_str(command(key, p.WS_TRADE, CODE, "2"))
            assert (await next_json(ws))["body"]["msg_cd"] == "OPSP0003"
            await ws.send_str("{not json")
            assert (await next_json(ws))["body"]["rt_cd"] != "0"
            await ws.send_str(command("bogus", p.WS_TRADE, CODE))
            assert (await next_json(ws))["body"]["rt_cd"] != "0"
            await ws.send_str(command(key, p.WS_NOTICE_MOCK, sandbox.credentials.hts_id))
            assert (await next_json(ws))["body"]["rt_cd"] != "0"

    run(body)


def test_41_registrations_cap_and_one_session_per_app_key() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        key = await approval(sandbox, http)
        codes = list(sandbox.account.office.exchange.instruments)
        async with http.ws_connect(sandbox.ws_url) as ws:
            for i in range(41):
                tr_id = p.WS_TRADE if i < len(codes) else p.WS_BOOK
                await ws.send_str(command(key, tr_id, codes[i % len(codes)]))
                assert (await next_json(ws))["body"]["msg_cd"] == "OPSP0000", i
            await ws.send_str(command(key, p.WS_BOOK, codes[-1]))
            answer = await next_json(ws)
            assert answer["body"]["msg_cd"] == "OPSP0008"
            assert answer["body"]["msg1"] == "MAX SUBSCRIBE OVER"
            async with http.ws_connect(sandbox.ws_url + "/tryitout") as second:
                await second.send_str(command(key, p.WS_TRADE, CODE))
                answer = await next_json(second)
                assert answer["body"]["msg_cd"] == "OPSP8996"
                assert answer["body"]["msg1"] == "ALREADY IN USE appkey"

    run(body)


def test_trade_and_book_frames_have_46_and_59_fields() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        key = await approval(sandbox, http)
        async with http.ws_connect(sandbox.ws_url) as ws:
            await ws.send_str(command(key, p.WS_TRADE, CODE))
            await next_json(ws)
            await ws.send_str(command(key, p.WS_BOOK, CODE))
            await next_json(ws)
            market = sandbox.account.office.market
            for _ in range(60):
                market.advance(1)
                await asyncio.sleep(0)
            trade = await next_frame(ws, p.WS_TRADE)
            assert not trade.encrypted and trade.count >= 1
            records = p.split_records(trade.payload, trade.count, len(p.H0STCNT0_FIELDS))
            assert len(records[0]) == 46
            fields = dict(zip(p.H0STCNT0_FIELDS, records[0], strict=True))
            assert fields["MKSC_SHRN_ISCD"] == CODE and int(fields["STCK_PRPR"]) > 0
            assert int(fields["ACML_VOL"]) >= int(fields["CNTG_VOL"]) > 0
            book = await next_frame(ws, p.WS_BOOK)
            fields_book = book.payload.split("^")
            assert len(fields_book) == 59
            named = dict(zip(p.H0STASP0_FIELDS, fields_book, strict=True))
            assert int(named["ASKP1"]) > int(named["BIDP1"]) > 0

    run(body)


def test_order_and_fill_notices_are_aes_encrypted() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        key = await approval(sandbox, http)
        c = sandbox.credentials
        async with http.ws_connect(sandbox.ws_url + "/tryitout") as ws:
            await ws.send_str(command(key, p.WS_NOTICE_REAL, c.hts_id))
            answer = await next_json(ws)
            assert answer["body"]["msg_cd"] == "OPSP0000"
            aes_key, aes_iv = answer["body"]["output"]["key"], answer["body"]["output"]["iv"]
            async with http.post(
                sandbox.rest_url + p.TOKEN_PATH,
                json={"grant_type": "client_credentials", "appkey": c.app_key,
                      "appsecret": c.app_secret},
            ) as response:  # fmt: skip
                token = (await response.json())["access_token"]
            headers = {
                "authorization": f"Bearer {token}",
                "appkey": c.app_key,
                "appsecret": c.app_secret,
                "tr_id": "TTTC0012U",
                "custtype": "P",
            }
            order = {"CANO": c.cano, "ACNT_PRDT_CD": c.acnt_prdt_cd, "PDNO": CODE,
                     "ORD_DVSN": "01", "ORD_QTY": "3", "ORD_UNPR": "0"}  # fmt: skip
            url = sandbox.rest_url + p.ENDPOINTS_BY_NAME["order-cash"].path
            async with http.post(url, json=order, headers=headers) as response:
                placed = await response.json()
            assert placed["rt_cd"] == "0", placed
            sandbox.account.office.market.advance(5)
            notices = []
            while not any(n["CNTG_YN"] == p.NOTICE_FILL for n in notices):
                frame = await next_frame(ws, p.WS_NOTICE_REAL)
                assert frame.encrypted
                plain = decrypt(frame.payload, aes_key, aes_iv)
                values = plain.split("^")
                assert len(values) == 26
                notices.append(dict(zip(p.H0STCNI0_FIELDS, values, strict=True)))
            fill = notices[-1]
            assert fill["ODER_NO"] == placed["output"]["ODNO"]
            assert fill["CUST_ID"] == c.hts_id and fill["STCK_SHRN_ISCD"] == CODE
            assert fill["SELN_BYOV_CLS"] == "02" and int(fill["CNTG_QTY"]) > 0

    run(body)


def test_pingpong_heartbeat_and_drop_hook() -> None:
    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        key = await approval(sandbox, http)
        async with http.ws_connect(sandbox.ws_url) as ws:
            text = await ws.receive_str(timeout=5)
            ping = json.loads(text)
            assert ping["header"]["tr_id"] == "PINGPONG"
            await ws.send_str(text)
            await ws.send_str(command(key, p.WS_TRADE, CODE))
            assert (await next_json(ws))["body"]["msg_cd"] == "OPSP0000"
            await sandbox.drop_websockets()
            message = await ws.receive(timeout=5)
            assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                                    aiohttp.WSMsgType.ERROR)  # fmt: skip
        async with http.ws_connect(sandbox.ws_url) as again:
            await again.send_str(command(key, p.WS_TRADE, CODE))
            assert (await next_json(again))["body"]["msg_cd"] == "OPSP0000"

    run(body, ping_interval=0.05)


def test_aes_round_trip_of_a_notice() -> None:
    key, iv = new_key_iv()
    assert len(key) == 32 and len(iv) == 16 and key.isascii()
    plain = "^".join(
        ["demo", "5000000001", "0000000001", "", "02", "0", "00", "0", CODE] + [""] * 17
    )
    cipher = encrypt(plain, key, iv)
    assert cipher != plain and decrypt(cipher, key, iv) == plain
    assert p.parse_data_frame(f"1|H0STCNI0|001|{cipher}").encrypted
