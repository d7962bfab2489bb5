"""The venue service protocol: frames, versions, methods (see ``docs/venue-protocol.md``).

One websocket carries everything, as JSON text frames (objects with a ``type``):

- ``hello`` (client, first frame) → ``welcome`` (server): protocol version, token, resume
  point; the server answers with the chosen version, the venue's name, account and
  capabilities, its session id and last event sequence number.
- ``request`` ``{id, method, params}`` → ``response`` ``{id, result}`` or ``{id, error}``.
- ``event`` ``{session, seq, kind, data}`` (server): account events, numbered per server
  session so a client that reconnects asks for what it missed.
- ``market`` ``{kind, data}`` (server): trades and books of the connection's subscription,
  not numbered and not replayed.
- ``error`` ``{error}`` (server): a frame that could not be taken (malformed, unauthenticated,
  unknown type); nothing was done.

This module holds the names and the checking of frames shared by the server and the client.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from yeouido.model.errors import InvalidInput, ProtocolError, YeouidoError

PROTOCOL_VERSION = 1
"""The version this build speaks (a client offers the versions it speaks in ``hello``)."""
SUPPORTED_VERSIONS = (1,)
PATH = "/venue"
"""The websocket's path on the server."""
ENCODING = "json"
MAX_FRAME_BYTES = 1 << 20
MAX_ID_LENGTH = 64

FRAME_TYPES = frozenset({"hello", "request"})
"""What a client may send."""
EVENT_KINDS = ("update", "fill")
MARKET_KINDS = ("trade", "book")

METHODS = (
    "status",
    "instrument",
    "quote",
    "orderbook",
    "bars",
    "subscribe",
    "positions",
    "balance",
    "fills",
    "buying_power",
    "submit",
    "modify",
    "cancel",
    "order",
    "orders",
    "snapshot",
)
"""Every request method of version 1."""


@dataclass(frozen=True, slots=True)
class Welcome:
    """The server's answer to ``hello``."""

    protocol: int
    venue: str
    account: str
    session: str
    seq: int
    resumed: bool
    capabilities: dict[str, Any]
    replay_from: int


def dumps(frame: dict[str, Any]) -> str:
    """A frame as JSON text (UTF-8, no ASCII escaping)."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def parse_frame(text: str | bytes) -> dict[str, Any]:
    """A received frame as a JSON object with a string ``type``; raises :class:`ProtocolError`."""
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError.for_field("frame", _preview(text), "must be JSON") from None
    if not isinstance(frame, dict):
        raise ProtocolError.for_field("frame", _preview(text), "must be a JSON object")
    kind = frame.get("type")
    if not isinstance(kind, str):
        raise ProtocolError.for_field("type", _preview(kind), "a frame needs a string type")
    return frame


def error_frame(error: YeouidoError, request_id: int | str | None = None) -> dict[str, Any]:
    """An ``error`` frame, or a failed ``response`` when ``request_id`` is known."""
    if request_id is None:
        return {"type": "error", "error": error.to_dict()}
    return {"type": "response", "id": request_id, "error": error.to_dict()}


def request_id(frame: dict[str, Any]) -> int | str:
    """The ``id`` of a request: an int or a short string."""
    value = frame.get("id")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ProtocolError.for_field("id", _preview(value), "a request needs an int or string id")
    if isinstance(value, str) and not 0 < len(value) <= MAX_ID_LENGTH:
        raise ProtocolError.for_field("id", _preview(value), f"1 to {MAX_ID_LENGTH} characters")
    return value


def choose_version(offered: Any) -> int:
    """The highest version both sides speak; ``offered`` is an int or a list of ints."""
    versions = offered if isinstance(offered, list) else [offered]
    common = [
        version
        for version in versions
        if isinstance(version, int)
        and not isinstance(version, bool)
        and version in SUPPORTED_VERSIONS
    ]
    if not common:
        supported = ", ".join(str(version) for version in SUPPORTED_VERSIONS)
        raise ProtocolError.for_field(
            "protocol", _preview(offered), f"this server speaks version {supported}"
        )
    return max(common)


# -- parameters --------------------------------------------------------------------------
def params_of(frame: dict[str, Any]) -> dict[str, Any]:
    """A request's ``params`` (an object; absent means empty)."""
    params = frame.get("params", {})
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise ProtocolError.for_field("params", _preview(params), "must be a JSON object")
    return params


def text(params: dict[str, Any], name: str, *, required: bool = True) -> str:
    """A string parameter."""
    value = params.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value or len(value) > 200:
        raise InvalidInput.for_field(name, _preview(value), "a non-empty string is required")
    return value


def whole(params: dict[str, Any], name: str) -> int | None:
    """An optional whole-number parameter."""
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput.for_field(name, _preview(value), "must be a whole number")
    return value


def flag(params: dict[str, Any], name: str) -> bool:
    """An optional boolean parameter (false when absent)."""
    value = params.get(name, False)
    if not isinstance(value, bool):
        raise InvalidInput.for_field(name, _preview(value), "must be true or false")
    return value


def price(params: dict[str, Any], name: str) -> int | Decimal | None:
    """An optional price: a whole KRW number, or ``{"decimal": "…"}`` for points."""
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"decimal"} and isinstance(value["decimal"], str):
        try:
            number = Decimal(value["decimal"])
        except ArithmeticError:
            number = Decimal("NaN")
        if number.is_finite():
            return number
    elif isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InvalidInput.for_field(name, _preview(value), "a whole KRW amount or {decimal: text}")


def moment(params: dict[str, Any], name: str) -> datetime | None:
    """An optional ISO 8601 time with a UTC offset."""
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput.for_field(name, _preview(value), "ISO 8601 text with an offset")
    try:
        result = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput.for_field(name, _preview(value), "ISO 8601 with an offset") from None
    if result.tzinfo is None:
        raise InvalidInput.for_field(name, value, "must carry a UTC offset")
    return result


def strings(params: dict[str, Any], name: str, default: tuple[str, ...]) -> list[str]:
    """An optional list of strings."""
    value = params.get(name)
    if value is None:
        return list(default)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput.for_field(name, _preview(value), "a list of strings")
    if len(value) > 1000:
        raise InvalidInput.for_field(name, len(value), "at most 1000 items")
    return list(value)


# -- addresses -----------------------------------------------------------------------------
def websocket_url(url: str) -> str:
    """The websocket address of a server given as ``ws(s)://`` or ``http(s)://`` (host and
    port; the path defaults to :data:`PATH`)."""
    parts = urlsplit(url.strip())
    scheme = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}.get(parts.scheme.lower())
    if scheme is None or not parts.netloc:
        raise InvalidInput.for_field("url", url, "use ws://HOST:PORT or wss://HOST:PORT")
    path = parts.path if parts.path not in ("", "/") else PATH
    return urlunsplit((scheme, parts.netloc, path, "", ""))


def _preview(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."
