"""The KIS REST client: headers, tokens, retries and paging over the kit's resilient session.

Every request takes a slot of the app key's shared :class:`~yeouido.net.RateBudget`, goes
through the :class:`~yeouido.net.CircuitBreaker` of the connection, and is retried with
backoff and jitter only when the error is transient (:mod:`yeouido.brokers.kis.errors`):
inquiries on ``EGW00201``, 5xx answers, timeouts and dropped connections; orders only on
``EGW00201`` (anything else has an unknown outcome, which the order manager reconciles).
A request answered "token expired" (``EGW00123``/``EGW00121``) gets a new token and is
repeated once. :meth:`KisRest.pages` follows ``tr_cont`` and ``CTX_AREA_*`` for the caller.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Final

import aiohttp

from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.auth import KisAuth
from yeouido.brokers.kis.config import KisConfig
from yeouido.brokers.kis.errors import (
    KisServerError,
    error_from_response,
    is_failure,
    is_token_error,
    retryable,
    retryable_order,
)
from yeouido.net.circuit import CircuitBreaker
from yeouido.net.http import ResilientSession
from yeouido.net.ratelimit import RateBudget, rate_budget
from yeouido.net.retry import RetryPolicy, Sleep

log = logging.getLogger(__name__)

MAX_PAGES: Final = 10_000
CTX_KEYS: Final = ("CTX_AREA_FK100", "CTX_AREA_NK100")


@dataclass(frozen=True, slots=True)
class KisResponse:
    """A successful answer: the JSON body and the ``tr_cont`` response header."""

    body: dict[str, Any]
    tr_cont: str
    tr_id: str

    @property
    def more(self) -> bool:
        """Whether more pages follow."""
        return p.has_more_pages(self.tr_cont)

    def rows(self, key: str = "output1") -> list[dict[str, Any]]:
        """``body[key]`` as a list of dicts."""
        value = self.body.get(key)
        if isinstance(value, dict):
            return [value]
        if isinstance(value, list):
            return [row for row in value if isinstance(row, dict)]
        return []

    def output(self, key: str = "output") -> dict[str, Any]:
        """``body[key]`` as one dict (the first row of a list)."""
        rows = self.rows(key)
        return rows[0] if rows else {}


class KisRest:
    """REST calls of one app key and account, over the kit's :class:`ResilientSession`."""

    def __init__(
        self,
        config: KisConfig,
        *,
        budget: RateBudget | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.config = config
        self.http = ResilientSession(
            f"KIS {config.env} REST",
            config.base_url,
            budget=budget
            or rate_budget(f"kis:{config.env}:{config.key_id}", config.rate, config.burst),
            circuit=CircuitBreaker(
                f"KIS {config.env} REST ({config.base_url})",
                config.circuit_threshold,
                config.circuit_reset,
            ),
            timeout=config.timeout,
            sleep=sleep,
            is_envelope=p.is_error_envelope,
        )
        self.auth = KisAuth(config, self._post_json, sleep=sleep)

    @property
    def session(self) -> aiohttp.ClientSession:
        """The HTTP session (created on first use); the websocket connects through it."""
        return self.http.session

    @property
    def requests(self) -> int:
        """REST exchanges attempted so far."""
        return self.http.requests

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.http.close()

    # -- transport ------------------------------------------------------------------------
    async def _post_json(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        """A plain JSON POST (token and approval endpoints), through the budget."""

        async def attempt() -> tuple[int, Any]:
            answer = await self.http.send(
                "POST", path, headers={"content-type": "application/json; charset=utf-8"}, body=body
            )
            if answer.status >= 500 and not isinstance(answer.data, dict):
                raise KisServerError(
                    f"KIS {self.config.env} {path} failed with HTTP {answer.status}",
                    field="url",
                    value=self.config.base_url,
                )
            return answer.status, answer.data

        return await self.http.retrying(attempt, self.config.retry, retryable, path)

    def _headers(self, token: str, tr_id: str, tr_cont: str) -> dict[str, str]:
        return {
            "content-type": "application/json; charset=utf-8",
            "authorization": f"Bearer {token}",
            "appkey": self.config.app_key.reveal(),
            "appsecret": self.config.app_secret.reveal(),
            "tr_id": tr_id,
            "custtype": self.config.custtype,
            "tr_cont": tr_cont,
        }

    # -- requests ---------------------------------------------------------------------------
    def account_fields(self) -> dict[str, str]:
        """``CANO`` and ``ACNT_PRDT_CD`` of the account."""
        return {"CANO": self.config.cano.reveal(), "ACNT_PRDT_CD": self.config.product_code}

    async def call(
        self,
        endpoint: str,
        *,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        tr_id: str | None = None,
        tr_cont: str = "",
        order: bool = False,
    ) -> KisResponse:
        """Call ``endpoint`` (a name of :data:`protocol.ENDPOINTS`); retries as the module
        docstring says. ``order`` marks a non-idempotent request."""
        spec = p.ENDPOINTS_BY_NAME[endpoint]
        tr = tr_id or spec.tr_id(self.config.env)
        policy: RetryPolicy = self.config.order_retry if order else self.config.retry
        classifier: Callable[[BaseException], bool] = retryable_order if order else retryable

        async def attempt() -> KisResponse:
            renewed = False
            while True:
                token = await self.auth.token()
                answer = await self.http.send(
                    spec.method,
                    spec.path,
                    headers=self._headers(token.reveal(), tr, tr_cont),
                    params=params if spec.method == "GET" else None,
                    body=body if spec.method == "POST" else None,
                )
                if not is_failure(answer.status, answer.data) and isinstance(answer.data, dict):
                    return KisResponse(answer.data, answer.headers.get("tr_cont", "").strip(), tr)
                error = error_from_response(
                    answer.status, answer.data, tr_id=tr, env=self.config.env, what=endpoint
                )
                if is_token_error(error) and not renewed:
                    log.info("KIS %s: token refused (%s), getting a new one", self.config.env, tr)
                    await self.auth.invalidate(token)
                    renewed = True
                    continue
                raise error

        return await self.http.retrying(attempt, policy, classifier, f"{endpoint} {tr}")

    async def pages(
        self,
        endpoint: str,
        params: dict[str, str],
        *,
        tr_id: str | None = None,
        max_pages: int = MAX_PAGES,
    ) -> AsyncIterator[KisResponse]:
        """Every page of a paged inquiry, following ``tr_cont`` and ``CTX_AREA_*``."""
        query = {**params}
        for key in CTX_KEYS:
            query.setdefault(key, "")
        tr_cont = ""
        for _ in range(max_pages):
            response = await self.call(endpoint, params=query, tr_id=tr_id, tr_cont=tr_cont)
            yield response
            if not response.more:
                return
            body = response.body
            for key in CTX_KEYS:
                query[key] = str(body.get(key.lower(), body.get(key, ""))).strip()
            tr_cont = p.TR_CONT_NEXT_REQUEST
        log.warning(
            "KIS %s: stopped paging %s after %d pages", self.config.env, endpoint, max_pages
        )

    async def rows(
        self, endpoint: str, params: dict[str, str], key: str = "output1", **options: Any
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Rows ``key`` of every page, and the last page's body (totals live there)."""
        rows: list[dict[str, Any]] = []
        last: dict[str, Any] = {}
        async for response in self.pages(endpoint, params, **options):
            rows.extend(response.rows(key))
            last = response.body
        return rows, last
