"""The one resilience layer for everything that talks to a network.

- :mod:`~yeouido.net.ratelimit`: token-bucket rate budgets shared per key in the process;
- :mod:`~yeouido.net.retry`: retries with exponential backoff and full jitter;
- :mod:`~yeouido.net.circuit`: circuit breakers that fail fast with ``CircuitOpen``;
- :mod:`~yeouido.net.tokens`: a cross-process token cache (0600 file or the OS keyring);
- :mod:`~yeouido.net.secrets`: the masked :class:`Secret` and log masking;
- :mod:`~yeouido.net.http`: the resilient HTTP session every REST adapter sends through;
- :mod:`~yeouido.net.websocket`: the reconnecting websocket every streaming adapter uses.
"""

from __future__ import annotations

from yeouido.net.circuit import CircuitBreaker, CircuitState
from yeouido.net.ratelimit import RateBudget, rate_budget, reset_rate_budgets
from yeouido.net.retry import NO_RETRY, Retryable, RetryPolicy, default_retryable, retry
from yeouido.net.secrets import (
    MASK,
    Secret,
    SecretFilter,
    install_log_masking,
    mask,
    register_secret,
    register_secrets,
)
from yeouido.net.tokens import CachedToken, TokenCache, cache_key, key_hash

__all__ = [
    "MASK",
    "NO_RETRY",
    "CachedToken",
    "CircuitBreaker",
    "CircuitState",
    "RateBudget",
    "RetryPolicy",
    "Retryable",
    "Secret",
    "SecretFilter",
    "TokenCache",
    "cache_key",
    "default_retryable",
    "install_log_masking",
    "key_hash",
    "mask",
    "rate_budget",
    "register_secret",
    "register_secrets",
    "reset_rate_budgets",
    "retry",
]
