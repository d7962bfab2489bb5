"""KIS response envelopes: ``rt_cd / msg_cd / msg1`` with ``output``/``output1``/``output2``,
number formatting ("numbers travel as strings"), and the error the handlers raise."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from aiohttp import web

from yeouido.brokers.kis.protocol import ERRORS

JSON_CONTENT_TYPE = "application/json"


class KisFailure(Exception):
    """A request KIS answers with an error envelope (raised by handlers, caught once)."""

    def __init__(self, msg_cd: str, msg1: str | None = None, status: int | None = None) -> None:
        known = ERRORS.get(msg_cd)
        self.msg_cd = msg_cd
        self.msg1 = msg1 if msg1 is not None else (known.msg1 if known else "오류")
        self.status = status if status is not None else (known.http_status if known else 500)
        super().__init__(f"{self.msg_cd} {self.msg1}")


class AuthFailure(KisFailure):
    """An ``/oauth2`` error: KIS answers these as ``{"error_code", "error_description"}``."""


def dumps(data: Any) -> str:
    """JSON with Korean text kept readable."""
    return json.dumps(data, ensure_ascii=False)


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A ``application/json; charset=utf-8`` response."""
    return web.Response(
        text=dumps(body),
        status=status,
        content_type=JSON_CONTENT_TYPE,
        charset="utf-8",
        headers=headers,
    )


def envelope(msg_cd: str, msg1: str, rt_cd: str = "0", **outputs: Any) -> dict[str, Any]:
    """The KIS body: ``rt_cd``, ``msg_cd``, ``msg1`` then the outputs given."""
    body: dict[str, Any] = {"rt_cd": rt_cd, "msg_cd": msg_cd, "msg1": msg1}
    body.update(outputs)
    return body


def failure_response(failure: KisFailure, tr_id: str = "") -> web.Response:
    """The error envelope of ``failure`` (or the auth shape for :class:`AuthFailure`)."""
    if isinstance(failure, AuthFailure):
        body: dict[str, Any] = {"error_code": failure.msg_cd, "error_description": failure.msg1}
    else:
        body = envelope(failure.msg_cd, failure.msg1, rt_cd="1")
    headers = {"tr_id": tr_id} if tr_id else None
    return json_response(body, failure.status, headers)


def num(value: int | Decimal | float | None) -> str:
    """An integer amount as KIS writes it (``""`` when unknown)."""
    if value is None:
        return ""
    return str(int(value))


def rate(value: Decimal | float | None, places: int = 2) -> str:
    """A rate or ratio with fixed decimals."""
    if value is None:
        return f"{0:.{places}f}"
    return f"{float(value):.{places}f}"


def sign(change: int | Decimal, at_upper: bool = False, at_lower: bool = False) -> str:
    """``PRDY_VRSS_SIGN``: 1 upper limit, 2 up, 3 unchanged, 4 lower limit, 5 down."""
    if at_upper:
        return "1"
    if at_lower:
        return "4"
    if change > 0:
        return "2"
    if change < 0:
        return "5"
    return "3"
