"""KIS errors → yeouido exceptions: one table, and what may be retried.

The class of each ``msg_cd`` comes from :data:`yeouido.brokers.kis.protocol.ERRORS` (the one
table shared with the sandbox); this module adds what the client needs on top: which codes
are transient (:data:`RETRYABLE_CODES`), which mean "get a new token"
(:data:`~yeouido.brokers.kis.protocol.EXPIRY_CODES`), and :func:`error_from_response`,
which turns a failed response (either JSON shape KIS uses) into the exception to raise.
Messages name the ``msg_cd``, the broker's message and the ``tr_id``; never a credential.
"""

from __future__ import annotations

from typing import Any, Final

from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.venue import KIS_VENUE
from yeouido.model.errors import (
    AuthError,
    BrokerError,
    ConnectionFailed,
    InvalidInput,
    RateLimited,
    YeouidoError,
)
from yeouido.net.secrets import mask

RETRYABLE_CODES: Final = frozenset({p.RATE_LIMITED})
"""``msg_cd`` codes worth retrying after a pause (the request was refused, not run)."""
TOKEN_CODES: Final = p.EXPIRY_CODES
"""Codes after which the adapter gets a new token and repeats the request once."""
ENV_MISMATCH_HINT: Final = (
    "the app key belongs to the other environment: real and mock have separate keys; "
    "check env= and the key"
)


class KisServerError(ConnectionFailed):
    """A 5xx answer without a KIS error envelope: the request's outcome is unknown."""

    code = "KIS_SERVER_ERROR"


def envelope_code(body: Any) -> tuple[str, str]:
    """``(msg_cd, msg1)`` of a failed response, from either JSON shape KIS sends
    (``rt_cd/msg_cd/msg1``, or ``error_code/error_description`` from the token endpoint)."""
    if not isinstance(body, dict):
        return "", ""
    code = body.get("msg_cd") or body.get("error_code") or ""
    message = body.get("msg1") or body.get("error_description") or ""
    return str(code).strip(), str(message).strip()


def is_failure(status: int, body: Any) -> bool:
    """Whether a response is a failure: HTTP ≥ 400, ``rt_cd`` other than ``"0"``, or the
    token endpoint's ``error_code`` shape."""
    if status >= 400:
        return True
    if not isinstance(body, dict):
        return True
    if "error_code" in body:
        return True
    return "rt_cd" in body and str(body.get("rt_cd")) != "0"


def error_from_response(
    status: int, body: Any, *, tr_id: str = "", env: str = "", what: str = "request"
) -> YeouidoError:
    """The exception for a failed KIS response (see the module docstring)."""
    msg_cd, msg1 = envelope_code(body)
    detail = mask(msg1) if msg1 else "no message"
    where = f" ({tr_id})" if tr_id else ""
    if not msg_cd:
        if status >= 500 or status == 0:
            return KisServerError(
                f"KIS {env} {what}{where} failed with HTTP {status}", field="tr_id", value=tr_id
            )
        if status in (401, 403):
            return AuthError(
                f"KIS {env} {what}{where} was refused with HTTP {status}",
                field="tr_id",
                value=tr_id,
            )
        return BrokerError(
            f"KIS {env} {what}{where} failed with HTTP {status}: {detail}",
            field="tr_id",
            value=tr_id,
        )
    cls = KIS_VENUE.error_class(msg_cd)
    message = f"KIS {env} {what}{where} failed: [{msg_cd}] {detail}"
    if msg_cd == p.ENV_MISMATCH:
        message += f" — {ENV_MISMATCH_HINT}"
    if issubclass(cls, RateLimited):
        return RateLimited(message, field="msg_cd", value=msg_cd, code=f"KIS_{msg_cd}")
    if issubclass(cls, InvalidInput):
        return cls(message, field="msg_cd", value=msg_cd, rule=detail)
    return cls(message, field="msg_cd", value=msg_cd, rule=detail)


def kis_code(error: BaseException) -> str | None:
    """The ``msg_cd`` an exception was built from (``None`` for other errors)."""
    if isinstance(error, YeouidoError) and error.field == "msg_cd" and error.value:
        return str(error.value)
    return None


def retryable(error: BaseException) -> bool:
    """For idempotent requests (inquiries): EGW00201, 5xx, timeouts, dropped connections."""
    code = kis_code(error)
    if code is not None:
        return code in RETRYABLE_CODES
    return isinstance(error, ConnectionFailed | TimeoutError)


def retryable_order(error: BaseException) -> bool:
    """For orders: only a refusal that says nothing ran (EGW00201). A timeout or a 5xx has
    an unknown outcome and is not repeated (the order manager reconciles it instead)."""
    return kis_code(error) in RETRYABLE_CODES


def counts_against_service(error: BaseException) -> bool:
    """Whether an error is the service failing (for the circuit breaker), not an answer."""
    return isinstance(error, ConnectionFailed | TimeoutError)


def is_token_error(error: BaseException) -> bool:
    """Whether the error says the access token expired or is invalid."""
    return kis_code(error) in TOKEN_CODES
