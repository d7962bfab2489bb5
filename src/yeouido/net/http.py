"""A resilient HTTP session: the transport every REST adapter shares.

One :class:`ResilientSession` per venue connection. Each exchange takes a slot of a
:class:`~yeouido.net.RateBudget` (shared per key in the process), passes the connection's
:class:`~yeouido.net.CircuitBreaker`, and ends as an :class:`HttpAnswer` (status, headers
with lower-case names, the JSON body or ``None``). A timeout or a dropped connection becomes
:class:`~yeouido.model.errors.ConnectionFailed` naming the service, never the URL's query or
any header (credentials travel in headers).

Retrying is the caller's decision, because only the venue's adapter knows which answers are
transient and whether a request is idempotent: :meth:`ResilientSession.retrying` runs an
attempt under a :class:`~yeouido.net.RetryPolicy` with the adapter's classifier.

What counts as a failure for the breaker: connection errors, and 5xx answers that are not the
venue's own error envelope (``is_envelope`` tells, per venue). A venue that answers its
business errors with a 5xx and an envelope is alive, so those close the breaker.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp

from yeouido.model.errors import ConnectionFailed
from yeouido.net.circuit import CircuitBreaker
from yeouido.net.ratelimit import RateBudget
from yeouido.net.retry import Classifier, RetryPolicy, Sleep, retry

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """One HTTP answer: status, headers (lower-case names) and the parsed JSON body."""

    status: int
    headers: dict[str, str]
    data: Any


def _never_envelope(data: Any) -> bool:
    return False


class ResilientSession:
    """HTTP exchanges with one service through a rate budget and a circuit breaker."""

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        budget: RateBudget,
        circuit: CircuitBreaker,
        timeout: float,
        sleep: Sleep = asyncio.sleep,
        is_envelope: Callable[[Any], bool] = _never_envelope,
        connections: int = 64,
    ) -> None:
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.budget = budget
        self.circuit = circuit
        self.timeout = timeout
        self.sleep = sleep
        self._is_envelope = is_envelope
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None
        self.requests = 0
        """Exchanges attempted (each retry counts)."""

    @property
    def session(self) -> aiohttp.ClientSession:
        """The underlying aiohttp session (created on first use, in the running loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                connector=aiohttp.TCPConnector(limit=self._connections),
            )
        return self._session

    async def close(self) -> None:
        """Close the underlying session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> HttpAnswer:
        """One exchange: wait for the budget, pass the breaker, send, parse the JSON."""
        self.circuit.before_call()
        await self.budget.acquire()
        self.requests += 1
        try:
            async with self.session.request(
                method,
                self.base_url + path,
                headers=headers,
                params=params,
                data=None if body is None else json.dumps(body),
            ) as response:
                text = await response.text()
                status = response.status
                answer_headers = {k.lower(): v for k, v in response.headers.items()}
        except (TimeoutError, aiohttp.ClientError) as error:
            self.circuit.record_failure()
            raise ConnectionFailed(
                f"{self.service}: {method} {path} failed ({type(error).__name__})",
                field="url",
                value=self.base_url,
            ) from None
        try:
            data: Any = json.loads(text) if text else None
        except ValueError:
            data = None
        if status >= 500 and not self._is_envelope(data):
            self.circuit.record_failure()
        else:
            self.circuit.record_success()
        return HttpAnswer(status, answer_headers, data)

    async def retrying(
        self,
        attempt: Callable[[], Awaitable[T]],
        policy: RetryPolicy,
        classifier: Classifier,
        describe: str,
    ) -> T:
        """Run ``attempt`` under ``policy``, retrying the errors ``classifier`` accepts."""
        return await retry(
            attempt, policy, retryable=classifier, sleep=self.sleep, describe=describe
        )
