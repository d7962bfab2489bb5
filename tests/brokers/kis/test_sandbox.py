"""The KIS adapter end to end against the in-process KIS sandbox (loopback only)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import textwrap
from pathlib import Path

import pytest

from yeouido.brokers.kis.broker import KisBroker
from yeouido.brokers.kis.config import KisConfig
from yeouido.brokers.kis.rest import KisRest
from yeouido.brokers.registry import connect_async
from yeouido.model.enums import OrderStatus
from yeouido.model.errors import AuthError, InvalidInput, NotSupported, RateLimited
from yeouido.net.secrets import MASK, Secret
from yeouido.sandbox.kis.config import demo_credentials

from .conftest import broker_options, eventually, kis_session, sandbox_running

PROJECT = Path(__file__).resolve().parents[3]


def run(coroutine: object) -> None:
    asyncio.run(coroutine)  # type: ignore[arg-type]


async def marketable_buy(broker: KisBroker, code: str, quantity: int) -> str:
    quote = await broker.quote(code)
    assert quote.ask is not None
    order = await broker.buy(code, quantity, price=quote.ask)
    return order.order_id


def test_quote_orderbook_bars_and_balance(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path) as (_, broker):
            quote = await broker.quote("005930")
            assert quote.last and quote.bid and quote.ask and quote.bid < quote.ask
            book = await broker.orderbook("005930")
            assert book.best_bid is not None and book.best_ask is not None
            assert (await broker.bars("005930", "1d")).columns.tolist() == [
                "open", "high", "low", "close", "volume",
            ]  # fmt: skip
            balance = await broker.balance()
            assert balance.cash == 100_000_000

    run(scenario())


def test_order_fill_notice_updates_positions_and_balance(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path) as (_, broker):
            events = []
            broker.on_order(events.append)
            order_id = await marketable_buy(broker, "005930", 10)
            await eventually(lambda: any(e.kind == "fill" for e in events))
            order = await broker.order(order_id)
            await eventually(lambda: order.status is OrderStatus.FILLED)
            fills = [e.fill for e in events if e.fill is not None]
            assert sum(f.quantity for f in fills) == 10
            assert all(f.trade_id.startswith(f"{f.time:%Y%m%d}-") for f in fills)
            positions = await broker.positions()
            assert [(p.code, p.quantity) for p in positions] == [("005930", 10)]
            balance = await broker.balance()
            assert balance.settlement_d2 < 100_000_000

    run(scenario())


def test_modify_then_cancel(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path) as (_, broker):
            quote = await broker.quote("005930")
            assert quote.bid is not None
            low = quote.bid - 2_000
            order = await broker.buy("005930", 5, price=low)
            assert order.status is OrderStatus.ACCEPTED
            first_odno = order.venue_order_id
            modified = await broker.modify(order.order_id, price=low - 100)
            assert modified.request.price == low - 100
            assert modified.status is OrderStatus.ACCEPTED
            assert modified.venue_order_id != first_odno
            canceled = await broker.cancel(order.order_id)
            assert canceled.status is OrderStatus.CANCELED
            with pytest.raises(InvalidInput):
                await broker.cancel(order.order_id)

    run(scenario())


def test_paging_over_more_than_three_pages(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path, page_sizes={"inquire-daily-ccld": 2}) as (_, broker):
            quote = await broker.quote("005930")
            assert quote.bid is not None
            for step in range(7):
                await broker.buy("005930", 1, price=quote.bid - 1_000 - 100 * step)
            assert broker.rest is not None and broker.client is not None
            pages = 0
            rows = 0
            async for page in broker.rest.pages(
                "inquire-daily-ccld",
                {
                    **broker.rest.account_fields(),
                    "INQR_STRT_DT": "20000101",
                    "INQR_END_DT": "20991231",
                    "SLL_BUY_DVSN_CD": "00",
                    "INQR_DVSN": "00",
                    "PDNO": "",
                    "CCLD_DVSN": "00",
                    "ORD_GNO_BRNO": "",
                    "ODNO": "",
                    "INQR_DVSN_3": "00",
                    "INQR_DVSN_1": "",
                },
            ):
                pages += 1
                rows += len(page.rows("output1"))
            assert pages == 4 and rows == 7
            report = await broker._manager().reconcile()
            assert report.unknown_orders == [] and report.closed_orders == []

    run(scenario())


def test_rate_limit_conformance_no_egw00201_reaches_the_caller(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path, broker={"rate": 9}, rate_limit=10) as (sandbox, broker):
            refused = 0
            allow = sandbox.state.limiter.allow

            def counting(key: str) -> bool:
                nonlocal refused
                ok = allow(key)
                refused += not ok
                return ok

            sandbox.state.limiter.allow = counting  # type: ignore[method-assign]
            sandbox.reset_rate_limits()
            assert broker.rest is not None
            offered = 90  # ten times the one-second budget, all at once
            results = await asyncio.gather(
                *(
                    broker.rest.call(
                        "inquire-price",
                        params={"FID_COND_MRKT_DIV_CODE": "J", "FID_INPUT_ISCD": "005930"},
                    )
                    for _ in range(offered)
                ),
                return_exceptions=True,
            )
            assert not [r for r in results if isinstance(r, BaseException)]
            assert refused <= 2  # the budget keeps under the window; any slip is retried

    run(scenario())


def test_reconnect_after_drop_misses_no_fill(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path, ping_interval=0.5) as (sandbox, broker):
            assert broker.ws is not None
            connects = broker.ws.connects
            await sandbox.drop_websockets()
            order_id = await marketable_buy(broker, "005930", 3)
            await eventually(lambda: broker.ws is not None and broker.ws.connects > connects)
            order = await broker.order(order_id)
            await eventually(lambda: order.status is OrderStatus.FILLED)
            fills = [f for f in await broker.fills() if f.order_id == order_id]
            assert sum(f.quantity for f in fills) == 3
            assert len({f.trade_id for f in fills}) == len(fills)
            await eventually(lambda: broker.catch_ups >= 1)

    run(scenario())


def test_stream_trades_and_registration_cap(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path) as (_, broker):
            seen = []
            unsubscribe = broker.on_market(["005930"], seen.append, kinds=["trades", "books"])
            await asyncio.sleep(0.2)
            await marketable_buy(broker, "005930", 5)  # the sandbox prints trades of orders
            await eventually(lambda: {type(e).__name__ for e in seen} == {"Trade", "OrderBook"})
            assert all(e.code == "005930" for e in seen)
            unsubscribe()
            codes = [f"{i:06d}" for i in range(1, 42)]
            with pytest.raises(NotSupported, match="40"):
                broker.on_market(codes, seen.append, kinds=["trades"])

    run(scenario())


def test_env_mismatch_is_a_clear_auth_error(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with sandbox_running("real") as sandbox:
            mock = demo_credentials(sandbox.config.seed, "mock")
            options = broker_options(sandbox, tmp_path)
            options.update(
                env="mock", app_key=mock.app_key, app_secret=mock.app_secret,
                account=mock.account, hts_id=mock.hts_id,
            )  # fmt: skip
            with pytest.raises(AuthError) as raised:
                await connect_async("kis", **options)
            text = str(raised.value)
            assert "EGW02004" in text and "other environment" in text
            assert mock.app_key not in text and mock.app_secret not in text

    run(scenario())


FAST_REISSUE = {"token_issue_interval": 0.2}
"""The sandbox's ``allow_token_reissue`` lifts its one-a-minute rule; so does this."""


def test_recovers_from_an_expired_token(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with kis_session(tmp_path, broker=FAST_REISSUE) as (sandbox, broker):
            assert broker.rest is not None
            before = await broker.rest.auth.token()
            sandbox.expire_tokens()
            sandbox.allow_token_reissue()
            quote = await broker.quote("005930")
            assert quote.last
            assert await broker.rest.auth.token() != before

    run(scenario())


def test_token_is_reused_across_two_processes(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import asyncio, hashlib, sys
        from yeouido.brokers.kis.config import KisConfig
        from yeouido.brokers.kis.rest import KisRest
        async def main():
            config = KisConfig.create(
                env="real", app_key=sys.argv[1], app_secret=sys.argv[2], account=sys.argv[3],
                base_url=sys.argv[4], token_cache=sys.argv[5], data_dir=sys.argv[6],
            )
            rest = KisRest(config)
            token = await rest.auth.token()
            print(hashlib.sha256(token.reveal().encode()).hexdigest(), rest.auth.issued)
            await rest.close()
        asyncio.run(main())
        """
    )

    async def child(sandbox_url: str, credentials: object) -> tuple[str, int]:
        c = credentials
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, c.app_key, c.app_secret, c.account,  # type: ignore[attr-defined]
            sandbox_url, str(tmp_path / "tokens"), str(tmp_path / "data"),
            stdout=asyncio.subprocess.PIPE, env={**os.environ},
        )  # fmt: skip
        out, _ = await asyncio.wait_for(process.communicate(), 60)
        digest, issued = out.decode().split()
        return digest, int(issued)

    async def scenario() -> None:
        async with sandbox_running("real") as sandbox:
            first = await child(sandbox.rest_url, sandbox.credentials)
            second = await child(sandbox.rest_url, sandbox.credentials)
            assert first[0] == second[0]
            assert (first[1], second[1]) == (1, 0)  # the second process issued nothing

    run(scenario())


def test_no_secret_in_any_log_line_repr_or_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    async def scenario() -> list[str]:
        async with kis_session(tmp_path, broker=FAST_REISSUE) as (sandbox, broker):
            assert broker.rest is not None
            logging.getLogger("test.kis").info(
                "token is %s", (await broker.rest.auth.token()).reveal()
            )
            await marketable_buy(broker, "005930", 1)
            sandbox.expire_tokens()
            sandbox.allow_token_reissue()
            await broker.quote("005930")
            c = sandbox.credentials
            token = (await broker.rest.auth.token()).reveal()
            texts = [repr(broker), repr(broker.config), str(broker.config.app_key)]
            with pytest.raises(InvalidInput) as raised:
                KisConfig.create(env="real", app_key=c.app_key, app_secret="short", account="1")
            texts.append(str(raised.value))
            assert broker.ws is not None
            return [c.app_key, c.app_secret, c.cano, c.hts_id, token, *texts]

    secrets_and_texts = asyncio.run(scenario())
    secrets, texts = secrets_and_texts[:5], secrets_and_texts[5:]
    log_text = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert MASK in log_text
    for secret in secrets:
        assert secret not in log_text
        for text in texts:
            assert secret not in text
    assert repr(Secret("x" * 10)) == f"Secret('{MASK}')"


def test_missing_credentials_name_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("YEOUIDO_KIS_APP_KEY", "YEOUIDO_KIS_APP_SECRET", "YEOUIDO_KIS_ACCOUNT"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(InvalidInput, match="YEOUIDO_KIS_APP_KEY"):
        KisConfig.create(env="mock")


def test_credentials_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("YEOUIDO_KIS_APP_KEY", "P" * 36)
    monkeypatch.setenv("YEOUIDO_KIS_APP_SECRET", "S" * 180)
    monkeypatch.setenv("YEOUIDO_KIS_ACCOUNT", "12345678-01")
    config = KisConfig.create(env="mock", token_cache=tmp_path)
    assert config.app_key.reveal() == "P" * 36
    assert config.rate == 2 and config.base_url.startswith("https://openapivts")
    assert "P" * 36 not in repr(config) and "12345678" not in repr(config)


def test_rate_limited_class_is_what_callers_catch() -> None:
    assert issubclass(RateLimited, Exception)
    assert KisRest  # imported for the type checker
