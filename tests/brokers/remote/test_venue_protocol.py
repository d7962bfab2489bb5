"""The venue service protocol: handshake, requests, the listening policy, token and TLS."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from typer.testing import CliRunner

import yeouido
from yeouido.brokers.paper.broker import PAPER_CAPABILITIES
from yeouido.brokers.remote import security
from yeouido.brokers.remote.security import ensure_certificate
from yeouido.brokers.remote.server import VenueServer
from yeouido.cli.main import app
from yeouido.model import OrderStatus
from yeouido.model.errors import AuthError, ConnectionFailed, InvalidInput

from .venue_host import SAMSUNG, TOKEN, venue_host


async def exchange_frames(url: str, frames: list[Any], **connect: Any) -> list[dict[str, Any]]:
    """Send raw frames on one websocket; collect one answer per frame (fewer if closed)."""
    answers: list[dict[str, Any]] = []
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url, **connect) as socket,
    ):
        for frame in frames:
            await socket.send_str(frame if isinstance(frame, str) else json.dumps(frame))
            message = await socket.receive(timeout=5)
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            answers.append(json.loads(message.data))
    return answers


def test_a_remote_client_trades_with_the_oms_and_journal_in_its_own_process(
    tmp_path: Path,
) -> None:
    with venue_host(tmp_path / "service") as host:
        client_dir = tmp_path / "client"
        with yeouido.connect("remote", url=host.server.url, data_dir=client_dir) as broker:
            assert broker.name == "paper"
            assert broker.capabilities == PAPER_CAPABILITIES
            quote = broker.quote(SAMSUNG)
            assert quote.ask is not None
            order = broker.buy(SAMSUNG, 3, price=quote.ask)
            host.advance(5)
            assert broker.order(order.order_id).status is OrderStatus.FILLED
            assert (client_dir / "journal.sqlite").exists()
            journal = broker.async_broker.oms.fills()  # type: ignore[attr-defined]
            assert [fill.trade_id for fill in journal] == [f.trade_id for f in broker.fills()]
            assert {p.code: p.quantity for p in broker.positions()} == {SAMSUNG: 3}
            status = broker.run(broker.async_broker.venue_status())  # type: ignore[attr-defined]
            assert status["venue"] == "paper" and status["seq"] >= 2


def test_connect_with_bridge_checks_which_broker_is_served(tmp_path: Path) -> None:
    with venue_host(tmp_path / "service") as host:
        url = host.server.url
        with yeouido.connect("paper", bridge=url, data_dir=tmp_path / "a") as broker:
            assert broker.quote(SAMSUNG).code == SAMSUNG
        with pytest.raises(InvalidInput, match="serves 'paper', not 'kis'"):
            yeouido.connect("kis", bridge=url, data_dir=tmp_path / "b")
        with pytest.raises(InvalidInput, match="unknown broker"):
            yeouido.connect("nobroker", bridge=url)


def test_an_unknown_protocol_version_is_refused_and_the_socket_closed(tmp_path: Path) -> None:
    with venue_host(tmp_path / "service") as host:
        answers = asyncio.run(
            exchange_frames(
                host.server.url, [{"type": "hello", "protocol": [99]}, {"type": "hello"}]
            )
        )
    assert len(answers) == 1
    assert answers[0]["type"] == "error"
    assert answers[0]["error"]["code"] == "PROTOCOL_ERROR"
    assert "version 1" in answers[0]["error"]["message"]


def test_requests_before_hello_get_a_protocol_error_and_change_nothing(tmp_path: Path) -> None:
    with venue_host(tmp_path / "service", token=TOKEN) as host:
        submit = {
            "type": "request",
            "id": 1,
            "method": "submit",
            "params": {
                "client_order_id": "X1",
                "request": {"code": SAMSUNG, "side": "buy", "quantity": 1, "order_type": "market"},
            },
        }
        answers = asyncio.run(exchange_frames(host.server.url, [submit, "{not json", [1, 2]]))
        assert [answer["type"] for answer in answers] == ["error"] * 3
        assert all(answer["error"]["code"] == "PROTOCOL_ERROR" for answer in answers)
        assert "send hello first" in answers[0]["error"]["message"]
        assert host.call(lambda: host.office.store.all_orders()) == []


def test_a_wrong_or_missing_token_is_refused(tmp_path: Path) -> None:
    with venue_host(tmp_path / "service", token=TOKEN) as host:
        url = host.server.url
        answers = asyncio.run(
            exchange_frames(url, [{"type": "hello", "protocol": 1, "token": "x" * 30}, {}])
        )
        assert [answer["error"]["code"] for answer in answers] == ["AUTH_ERROR"]
        with pytest.raises(AuthError, match="refused the token"):
            yeouido.connect("remote", url=url, token="w" * 30, data_dir=tmp_path / "c")
        with pytest.raises(AuthError):
            yeouido.connect("remote", url=url, data_dir=tmp_path / "c")
        with yeouido.connect("remote", url=url, token=TOKEN, data_dir=tmp_path / "c") as broker:
            assert broker.balance().cash > 0


def test_tls_with_a_pinned_fingerprint_and_a_token_on_loopback(tmp_path: Path) -> None:
    certificate = ensure_certificate(tmp_path / "tls")
    context = certificate.server_context()
    with venue_host(
        tmp_path / "service", token=TOKEN, ssl_context=context, require_auth=True
    ) as host:
        url = host.server.url
        assert url.startswith("wss://127.0.0.1:")
        options: dict[str, Any] = {"url": url, "token": TOKEN, "data_dir": tmp_path / "c"}
        with yeouido.connect("remote", fingerprint=certificate.fingerprint, **options) as broker:
            assert broker.quote(SAMSUNG).code == SAMSUNG
        other = ensure_certificate(tmp_path / "other-tls")
        with pytest.raises(AuthError, match="fingerprint is not the pinned one"):
            yeouido.connect("remote", fingerprint=other.fingerprint, **options)
        with pytest.raises(InvalidInput, match="pinned by its certificate"):
            yeouido.connect("remote", **options)
        wrong_token = dict(options, token="z" * 30)
        with pytest.raises(AuthError, match="refused the token"):
            yeouido.connect("remote", fingerprint=certificate.fingerprint, **wrong_token)
        plain = dict(options, url=url.replace("wss://", "ws://"))
        with pytest.raises(ConnectionFailed):
            yeouido.connect("remote", timeout=2, **plain)


def test_the_certificate_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = ensure_certificate(tmp_path / "tls", ("192.0.2.7",))
    second = ensure_certificate(tmp_path / "tls")
    assert first.fingerprint == second.fingerprint
    assert len(security.parse_fingerprint(first.fingerprint)) == 32
    for path in (first.certificate, first.key):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_listening_off_loopback_needs_a_token_and_tls(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="needs a token and TLS"):
        security.check_listen_policy("0.0.0.0", None, False)
    with pytest.raises(InvalidInput, match="needs TLS"):
        security.check_listen_policy("192.0.2.7", TOKEN, False)
    with pytest.raises(InvalidInput, match="needs a token"):
        security.check_listen_policy("0.0.0.0", None, True)
    security.check_listen_policy("0.0.0.0", TOKEN, True)
    security.check_listen_policy("::1", None, False)

    class Unused:  # never started: the policy is checked first
        name, account, capabilities = "x", "x", PAPER_CAPABILITIES

        class execution:
            @staticmethod
            def set_handlers(*handlers: object) -> None:
                pass

    server = VenueServer(Unused())  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="non-loopback"):
        asyncio.run(server.start("0.0.0.0", 0))


def test_yeouido_serve_refuses_a_public_address_without_a_token_saying_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YEOUIDO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv(security.TOKEN_ENV, raising=False)
    runner = CliRunner()

    def output(*arguments: str) -> str:
        result = runner.invoke(app, ["serve", *arguments])
        assert result.exit_code == 2
        return " ".join(result.output.split())

    said = output("paper", "--listen", "0.0.0.0:0")
    assert "needs a token (token: YEOUIDO_VENUE_TOKEN" in said and "Traceback" not in said
    assert "needs a token and TLS" in output("paper", "--listen", "0.0.0.0:0", "--no-tls")
    assert "servable: paper" in output("cybos")


def test_the_token_comes_from_a_private_file_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YEOUIDO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv(security.TOKEN_ENV, raising=False)
    assert security.read_token() is None
    written = security.new_token()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    token = security.read_token()
    assert token is not None and len(token) >= security.MIN_TOKEN_LENGTH
    assert token not in repr(written)
    shared = tmp_path / "shared-token"
    shared.write_text(TOKEN)
    os.chmod(shared, 0o644)
    with pytest.raises(InvalidInput, match="chmod 600"):
        security.read_token(shared)
    monkeypatch.setenv(security.TOKEN_ENV, "short")
    with pytest.raises(InvalidInput, match="at least 16"):
        security.read_token()
    assert security.token_matches(TOKEN, TOKEN) and not security.token_matches(TOKEN, None)
    assert not security.token_matches(TOKEN, TOKEN[:-1])
