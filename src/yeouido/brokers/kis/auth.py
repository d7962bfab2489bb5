"""KIS access tokens and websocket approval keys.

An access token is taken from the shared :class:`~yeouido.net.tokens.TokenCache` when one
is valid for at least ``token_refresh_margin`` more; otherwise, holding the cache's
cross-process lock, a new one is issued — never sooner than ``token_issue_interval``
(one minute) after the previous issuance for the same key, whichever process made it, and
an ``EGW00133`` answer is waited out rather than repeated at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.config import KisConfig
from yeouido.brokers.kis.errors import error_from_response, is_failure
from yeouido.model.errors import AuthError, ConnectionFailed, RateLimited
from yeouido.model.time import SEOUL, now_seoul
from yeouido.net.secrets import Secret, register_secret
from yeouido.net.tokens import CachedToken, cache_key

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
MAX_ISSUE_ATTEMPTS = 3


class KisAuth:
    """Tokens and approval keys of one app key; ``post`` sends a JSON POST and returns
    ``(status, body)`` (the REST client's raw transport, so it goes through the budget)."""

    def __init__(
        self,
        config: KisConfig,
        post: Callable[[str, dict[str, Any]], Awaitable[tuple[int, Any]]],
        *,
        clock: Callable[[], datetime] = now_seoul,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.config = config
        self._post = post
        self._clock = clock
        self._sleep = sleep
        self.key = cache_key("kis", config.env, config.app_key)
        self._token: CachedToken | None = None
        self._lock = asyncio.Lock()
        self.issued = 0

    @property
    def margin(self) -> timedelta:
        """How long before expiry a token is replaced."""
        return timedelta(seconds=self.config.token_refresh_margin)

    async def token(self) -> Secret:
        """A valid access token (from memory, the shared cache, or newly issued)."""
        current = self._token
        if current is not None and current.token is not None and self._fresh(current):
            return current.token
        async with self._lock:
            current = self._token
            if current is not None and current.token is not None and self._fresh(current):
                return current.token
            async with self.config.token_cache.alock(self.key):
                entry = self.config.token_cache.load(self.key)
                if entry is not None and entry.token is not None and self._fresh(entry):
                    register_secret(entry.token)
                    self._token = entry
                    return entry.token
                fresh = await self._issue(entry)
                self.config.token_cache.store(self.key, fresh)
                self._token = fresh
                assert fresh.token is not None
                return fresh.token

    def _fresh(self, entry: CachedToken) -> bool:
        return entry.usable(self._clock(), self.margin)

    async def invalidate(self, token: Secret) -> None:
        """Forget ``token`` (the server called it expired or invalid), here and in the cache,
        unless another process already replaced it."""
        async with self._lock:
            if self._token is not None and self._token.token == token:
                self._token = None
            async with self.config.token_cache.alock(self.key):
                entry = self.config.token_cache.load(self.key)
                if entry is not None and entry.token == token:
                    self.config.token_cache.invalidate(self.key)

    async def _issue(self, previous: CachedToken | None) -> CachedToken:
        interval = self.config.token_issue_interval
        for attempt in range(MAX_ISSUE_ATTEMPTS):
            if previous is not None:
                wait = (
                    previous.issued_at + timedelta(seconds=interval) - self._clock()
                ).total_seconds()
                if wait > 0:
                    log.info(
                        "KIS %s: waiting %.1f s to issue a token (1 a minute)",
                        self.config.env,
                        wait,
                    )
                    await self._sleep(wait)
            issued_at = self._clock()
            status, body = await self._post(
                p.TOKEN_PATH,
                {
                    "grant_type": "client_credentials",
                    "appkey": self.config.app_key.reveal(),
                    "appsecret": self.config.app_secret.reveal(),
                },
            )
            if not is_failure(status, body) and isinstance(body, dict) and body.get("access_token"):
                self.issued += 1
                return self._parse_token(body, issued_at)
            error = error_from_response(status, body, env=self.config.env, what="token request")
            if isinstance(error, RateLimited) and attempt + 1 < MAX_ISSUE_ATTEMPTS:
                # EGW00133: another client issued one within the minute; wait it out.
                previous = CachedToken(None, issued_at, issued_at)
                continue
            if not isinstance(error, AuthError | RateLimited | ConnectionFailed):
                error = AuthError(error.message, field=error.field, value=error.value)
            raise error
        raise AuthError(f"KIS {self.config.env}: no token after {MAX_ISSUE_ATTEMPTS} attempts")

    def _parse_token(self, body: dict[str, Any], issued_at: datetime) -> CachedToken:
        token = Secret(str(body["access_token"]))
        register_secret(token)
        expires_at: datetime | None = None
        text = body.get("access_token_token_expired")
        if text:
            try:
                expires_at = datetime.strptime(str(text), p.TOKEN_EXPIRY_FORMAT).replace(
                    tzinfo=SEOUL
                )
            except ValueError:
                expires_at = None
        if expires_at is None:
            seconds = float(body.get("expires_in") or p.TOKEN_LIFETIME_SECONDS)
            expires_at = issued_at + timedelta(seconds=seconds)
        return CachedToken(token, expires_at, issued_at, str(body.get("token_type") or "Bearer"))

    async def approval_key(self) -> Secret:
        """A websocket approval key (``POST /oauth2/Approval``; the field is ``secretkey``)."""
        status, body = await self._post(
            p.APPROVAL_PATH,
            {
                "grant_type": "client_credentials",
                "appkey": self.config.app_key.reveal(),
                "secretkey": self.config.app_secret.reveal(),
            },
        )
        if is_failure(status, body) or not isinstance(body, dict) or not body.get("approval_key"):
            error = error_from_response(status, body, env=self.config.env, what="approval key")
            if isinstance(error, RateLimited | ConnectionFailed | AuthError):
                raise error
            raise AuthError(error.message, field=error.field, value=error.value)
        key = Secret(str(body["approval_key"]))
        register_secret(key)
        return key


def session_error(error: BaseException, url: str, what: str) -> ConnectionFailed:
    """A transport error as :class:`ConnectionFailed` naming the host (no credentials)."""
    return ConnectionFailed(
        f"KIS {what} at {url} failed ({type(error).__name__})", field="url", value=url
    )
