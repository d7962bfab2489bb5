"""Malformed and unauthenticated frames get a protocol error and change nothing: a
hypothesis-driven fuzz of well over 1,000 frames against one running server, over two
websockets (one greeted with the token, one never greeted)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yeouido
from yeouido.brokers.remote.protocol import METHODS
from yeouido.brokers.sync import LoopThread
from yeouido.model.enums import OrderStatus

from .venue_host import SAMSUNG, TOKEN, venue_host

EXAMPLES = 300
STATE_CHANGING = {"submit", "modify", "cancel"}

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
junk_text = st.text(max_size=12)
# Order requests that look real but always break a rule: a price far below the daily limits,
# a non-positive or non-integer quantity, a bad side, order type or code.
order_requests = st.fixed_dictionaries(
    {
        "code": st.sampled_from([SAMSUNG, SAMSUNG, SAMSUNG, "999999", ""]) | junk_text,
        "side": st.sampled_from(["buy", "sell", "buy", "sell", "hold"]) | json_values,
        "quantity": st.integers(min_value=-5, max_value=5) | json_values,
        "price": st.integers(min_value=-1000, max_value=1000) | json_values,
    },
    optional={
        "order_type": st.sampled_from(["limit", "market!", ""]) | json_values,
        "tif": junk_text,
        "stop_price": json_values,
    },
)
params = st.dictionaries(
    st.sampled_from(
        ["code", "interval", "client_order_id", "price", "quantity", "start", "end", "since",
         "codes", "kinds", "open_only", "request"]
    ) | junk_text,
    json_values,
    max_size=4,
)  # fmt: skip
requests = st.fixed_dictionaries(
    {
        "type": st.just("request"),
        "method": st.sampled_from(METHODS) | junk_text,
        "id": st.integers(min_value=0, max_value=10**9),
        "params": params,
    }
) | st.fixed_dictionaries(
    {"type": st.just("request")},
    optional={
        "method": st.sampled_from(METHODS) | json_values,
        "id": junk_text | json_values,
        "params": json_values,
    },
)
submits = st.builds(
    lambda request_id, request, order_id: {
        "type": "request",
        "id": request_id,
        "method": "submit",
        "params": {"client_order_id": order_id, "request": request},
    },
    st.integers(min_value=0, max_value=10**6),
    order_requests | json_values,
    st.sampled_from(["F1", "F2"]) | junk_text,
)
objects = st.dictionaries(
    st.sampled_from(["type", "id", "method", "params", "token", "protocol"]) | junk_text,
    json_values,
    max_size=5,
)
frames = st.one_of(
    requests,
    submits,
    submits,
    submits,
    objects,
    json_values.map(json.dumps),
    st.text(max_size=40),
    st.binary(max_size=40),
    st.fixed_dictionaries({"type": st.just("hello")}, optional={"protocol": json_values}),
)


class Fuzzer:
    """Two raw websockets to the server: ``greeted`` (after hello with the token) and
    ``stranger`` (never greeted). Each batch of frames goes to both, pipelined; the server
    answers every frame with exactly one frame, in order, and each answer is checked."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session: aiohttp.ClientSession | None = None
        self.sockets: dict[str, aiohttp.ClientWebSocketResponse] = {}
        self.sent = 0
        self.answers: Counter[str] = Counter()

    async def open(self, kind: str) -> aiohttp.ClientWebSocketResponse:
        if self.session is None:
            self.session = aiohttp.ClientSession()
        socket = await self.session.ws_connect(self.url)
        if kind == "greeted":
            await socket.send_str(json.dumps({"type": "hello", "protocol": 1, "token": TOKEN}))
            welcome = json.loads((await socket.receive(timeout=5)).data)
            assert welcome["type"] == "welcome", welcome
        self.sockets[kind] = socket
        return socket

    async def exchange(self, kind: str, batch: list[Any]) -> list[dict[str, Any]]:
        """Send ``batch``; the answers, in order. A stranger's socket closed after a refused
        hello is opened again and the frames the server did not take are sent again."""
        answers: list[dict[str, Any]] = []
        while len(answers) < len(batch):
            socket = self.sockets.get(kind)
            if socket is None or socket.closed:
                socket = await self.open(kind)
            pending = batch[len(answers) :]
            try:
                for frame in pending:
                    if isinstance(frame, bytes):
                        await socket.send_bytes(frame)
                    else:
                        text = frame if isinstance(frame, str) else json.dumps(frame)
                        await socket.send_str(text)
            except (aiohttp.ClientError, ConnectionError):
                del self.sockets[kind]
                continue
            for _ in pending:
                message = await socket.receive(timeout=30)
                if message.type is not aiohttp.WSMsgType.TEXT:
                    assert kind == "stranger", message
                    await socket.close()
                    del self.sockets[kind]
                    break
                answers.append(dict(json.loads(message.data)))
                self.sent += 1
        return answers

    async def batch(self, batch: list[Any]) -> None:
        strangers, greeted = await asyncio.gather(
            self.exchange("stranger", batch), self.exchange("greeted", batch)
        )
        for answer in strangers:
            assert answer["type"] == "error", answer
            assert answer["error"]["code"] in ("PROTOCOL_ERROR", "AUTH_ERROR"), answer
        for frame, answer in zip(batch, greeted, strict=True):
            self.answers[(answer.get("error") or {}).get("code", "ok")] += 1
            assert answer["type"] in ("error", "response"), answer
            method = frame.get("method") if isinstance(frame, dict) else None
            if not isinstance(method, str):
                method = None
            if answer["type"] == "error":
                assert answer["error"]["code"] == "PROTOCOL_ERROR", answer
            else:
                assert answer["id"] == frame["id"], (frame, answer)
                if method in STATE_CHANGING and "error" not in answer:
                    # a repeated client order id answers with the order it names: one that was
                    # refused before (the submit is idempotent); it must not be a live order
                    result = answer.get("result")
                    assert isinstance(result, dict), (frame, answer)
                    assert result.get("status") == "rejected", (frame, answer)
            if "error" in answer:
                assert answer["error"]["code"] != "INTERNAL", (frame, answer)

    async def close(self) -> None:
        for socket in self.sockets.values():
            await socket.close()
        if self.session is not None:
            await self.session.close()


def test_a_thousand_bad_frames_get_errors_and_change_nothing(tmp_path: Path) -> None:
    with venue_host(tmp_path / "service", token=TOKEN) as host:
        office = host.office

        def account() -> tuple[Any, ...]:
            return (
                office.balance().cash,
                office.positions(),
                office.fills(),
                # a refused submit is kept as a rejected record (so that repeating its client
                # order id answers the same); it holds nothing: no cash, shares or fills
                [
                    order.to_venue_order()
                    for order in office.store.all_orders()
                    if order.status is not OrderStatus.REJECTED
                ],
                office.ledger.balance(office.market.day).buying_power,
            )

        before = host.call(account)
        seq = host.server.seq
        loop = LoopThread()
        fuzzer = Fuzzer(host.server.url)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(st.lists(frames, min_size=1, max_size=8))
        def each(batch: list[Any]) -> None:
            loop.run(fuzzer.batch(batch), timeout=20)

        try:
            each()
        finally:
            loop.run(fuzzer.close())
            loop.stop()
        assert sum(fuzzer.answers.values()) >= 1000, fuzzer.answers  # to the greeted socket
        assert fuzzer.sent >= 2000  # both sockets
        # The frames reached the methods' own checks, not only the frame parser.
        assert fuzzer.answers["INVALID_INPUT"] > 0 and fuzzer.answers["PROTOCOL_ERROR"] > 0
        assert host.call(account) == before
        assert host.server.seq == seq, "an account event was published"
        with yeouido.connect(
            "remote", url=host.server.url, token=TOKEN, data_dir=tmp_path / "client"
        ) as broker:
            assert broker.quote(SAMSUNG).code == SAMSUNG
            assert broker.orders() == []
