"""Access tokens, websocket approval keys and hashkeys, with KIS's issuance rules.

- A token is valid 24 hours (``token_lifetime`` overrides it for tests).
- Asking again within 6 hours of issuance returns the same token.
- At most one answer per minute per app key, else ``EGW00133`` (the auth error shape).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from yeouido.brokers.kis.protocol import (
    ENV_MISMATCH,
    EXPIRED_TOKEN,
    INVALID_APPKEY,
    INVALID_APPSECRET,
    INVALID_TOKEN,
    MOCK_ENV_MISMATCH_MESSAGE,
    TOKEN_EXPIRY_FORMAT,
    TOKEN_ISSUE_INTERVAL_SECONDS,
    TOKEN_LIFETIME_SECONDS,
    TOKEN_RATE,
    TOKEN_REUSE_SECONDS,
    Env,
)
from yeouido.sandbox.kis.config import Clock, KisCredentials
from yeouido.sandbox.kis.envelope import AuthFailure, KisFailure

KST = timezone(timedelta(hours=9))


@dataclass(slots=True)
class IssuedToken:
    """An access token and its times (epoch seconds)."""

    token: str
    app_key: str
    issued_at: float
    expires_at: float
    revoked: bool = False

    def expiry_text(self) -> str:
        """``access_token_token_expired`` (KST)."""
        moment = datetime.fromtimestamp(self.expires_at, tz=UTC).astimezone(KST)
        return moment.strftime(TOKEN_EXPIRY_FORMAT)


def env_mismatch_message(server_env: Env) -> str:
    """The ``EGW02004`` message of a server of ``server_env`` called with the other env's
    key."""
    if server_env == "real":
        return "실전투자 도메인은 모의투자 앱키로 호출하실 수 없습니다"
    return MOCK_ENV_MISMATCH_MESSAGE


class Authority:
    """Who may call: the known keys, issued tokens and approval keys."""

    def __init__(
        self,
        env: Env,
        credentials: tuple[KisCredentials, ...],
        clock: Clock,
        token_lifetime: float | None = None,
    ) -> None:
        self.env = env
        self.clock = clock
        self.token_lifetime = float(token_lifetime or TOKEN_LIFETIME_SECONDS)
        self.keys = {c.app_key: c for c in credentials}
        self._tokens: dict[str, IssuedToken] = {}
        self._latest: dict[str, IssuedToken] = {}
        self._last_answer: dict[str, float] = {}
        self._approvals: dict[str, str] = {}

    # -- keys --------------------------------------------------------------------------
    def credentials(
        self, app_key: str | None, app_secret: str | None, *, auth_shape: bool
    ) -> KisCredentials:
        """The credentials of a key of this server's environment, checking the secret."""
        failure: type[KisFailure] = AuthFailure if auth_shape else KisFailure
        known = self.keys.get(app_key or "")
        if known is None:
            raise failure(INVALID_APPKEY, status=403 if auth_shape else 500)
        if known.env != self.env:
            raise failure(ENV_MISMATCH, env_mismatch_message(self.env), 403 if auth_shape else 500)
        if not secrets.compare_digest(known.app_secret, app_secret or ""):
            raise failure(INVALID_APPSECRET, status=403 if auth_shape else 500)
        return known

    # -- tokens ------------------------------------------------------------------------
    def issue(self, credentials: KisCredentials) -> IssuedToken:
        """Answer ``/oauth2/tokenP``: the same token within 6 hours, ``EGW00133`` when asked
        again within a minute."""
        now = self.clock()
        key = credentials.app_key
        last = self._last_answer.get(key)
        if last is not None and now - last < TOKEN_ISSUE_INTERVAL_SECONDS:
            raise AuthFailure(TOKEN_RATE, status=403)
        current = self._latest.get(key)
        reuse = min(TOKEN_REUSE_SECONDS, self.token_lifetime)
        if (
            current is None
            or current.revoked
            or now - current.issued_at >= reuse
            or now >= current.expires_at
        ):
            current = IssuedToken(_new_token(key, now), key, now, now + self.token_lifetime)
            self._tokens[current.token] = current
            self._latest[key] = current
        self._last_answer[key] = now
        return current

    def check_token(self, authorization: str | None, credentials: KisCredentials) -> IssuedToken:
        """Validate ``authorization: Bearer <token>`` for this key (``EGW00121`` unknown or
        revoked or another key's, ``EGW00123`` expired)."""
        text = (authorization or "").strip()
        scheme, _, token = text.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise KisFailure(INVALID_TOKEN)
        issued = self._tokens.get(token.strip())
        if issued is None or issued.revoked or issued.app_key != credentials.app_key:
            raise KisFailure(INVALID_TOKEN)
        if self.clock() >= issued.expires_at:
            raise KisFailure(EXPIRED_TOKEN)
        return issued

    def revoke(self, credentials: KisCredentials, token: str) -> bool:
        """Revoke ``token`` of this key; ``False`` if it was not one."""
        issued = self._tokens.get(token)
        if issued is None or issued.app_key != credentials.app_key or issued.revoked:
            return False
        issued.revoked = True
        return True

    def expire_tokens(self) -> None:
        """Test hook: every token issued so far expires now."""
        now = self.clock()
        for issued in self._tokens.values():
            issued.expires_at = min(issued.expires_at, now)

    def forget_issuance_times(self) -> None:
        """Test hook: lift the one-per-minute rule for the next request of every key."""
        self._last_answer.clear()

    # -- websocket approval ------------------------------------------------------------
    def approve(self, credentials: KisCredentials) -> str:
        """A new websocket approval key for this app key."""
        approval = str(uuid.uuid4())
        self._approvals[approval] = credentials.app_key
        return approval

    def approval_owner(self, approval_key: str) -> KisCredentials | None:
        """The credentials an approval key was issued to."""
        app_key = self._approvals.get(approval_key)
        return None if app_key is None else self.keys.get(app_key)


def _new_token(app_key: str, now: float) -> str:
    """A JWT-shaped opaque token (header.payload.signature)."""
    header = _b64({"typ": "JWT", "alg": "HS512"})
    payload = _b64(
        {
            "sub": "tokenP",
            "aud": hashlib.sha256(app_key.encode()).hexdigest()[:36],
            "iss": "yeouido-kis-sandbox",
            "iat": int(now),
            "jti": secrets.token_hex(8),
        }
    )
    return f"{header}.{payload}.{secrets.token_urlsafe(64)}"


def _b64(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hashkey(body: bytes) -> str:
    """The ``HASH`` of an order body (hex SHA-256)."""
    return hashlib.sha256(body).hexdigest()
