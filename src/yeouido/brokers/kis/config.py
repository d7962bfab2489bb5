"""Configuration of the KIS adapter: credentials, environment, URLs and resilience settings.

Credentials come from the arguments of ``yeouido.connect("kis", ...)``, else from the
environment (``YEOUIDO_KIS_APP_KEY``, ``YEOUIDO_KIS_APP_SECRET``, ``YEOUIDO_KIS_ACCOUNT``,
``YEOUIDO_KIS_HTS_ID``), else from the OS keyring (service ``yeouido-kis-<env>``, user names
``app_key``, ``app_secret``, ``account``, ``hts_id``) when the ``keyring`` package is
installed. They are held as :class:`~yeouido.net.secrets.Secret` and registered with the log
masking: they never appear in logs, reprs or exception messages.

The environment is ``mock`` (모의투자) unless the user names the real one: ``env="real"``, or
``YEOUIDO_KIS_ENV=real`` in the environment (see :func:`resolve_env`). ``YEOUIDO_KIS_BASE_URL``
and ``YEOUIDO_KIS_WS_URL`` point the adapter elsewhere (e.g. at ``yeouido sandbox kis``) when
``base_url`` / ``ws_url`` are not given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from yeouido.brokers.kis.protocol import (
    ACNT_PRDT_CD_LENGTH,
    APP_KEY_LENGTH,
    APP_SECRET_LENGTH,
    CANO_LENGTH,
    REST_URLS,
    SAFE_RATE_LIMITS,
    TOKEN_ISSUE_INTERVAL_SECONDS,
    WS_SAFE_REGISTRATIONS,
    WS_URLS,
    Env,
)
from yeouido.model.errors import InvalidInput
from yeouido.net.retry import RetryPolicy
from yeouido.net.secrets import Secret, install_log_masking
from yeouido.net.tokens import TokenCache, key_hash
from yeouido.paths import data_dir as default_data_dir

ENV_VARIABLES: Final[dict[str, str]] = {
    "app_key": "YEOUIDO_KIS_APP_KEY",
    "app_secret": "YEOUIDO_KIS_APP_SECRET",
    "account": "YEOUIDO_KIS_ACCOUNT",
    "hts_id": "YEOUIDO_KIS_HTS_ID",
}
ENV_VARIABLE: Final = "YEOUIDO_KIS_ENV"
DEFAULT_ENV: Final[Env] = "mock"
URL_VARIABLES: Final[dict[str, str]] = {
    "base_url": "YEOUIDO_KIS_BASE_URL",
    "ws_url": "YEOUIDO_KIS_WS_URL",
}
KEYRING_SERVICE: Final = "yeouido-kis-{env}"
UNSET: Final = object()


def resolve_env(env: str | None = None) -> Env:
    """The KIS environment to use: ``env`` when given, else ``$YEOUIDO_KIS_ENV``, else
    ``mock``. Real money is used only when the user named ``real`` in one of these."""
    name = "env"
    if env is None or not env.strip():
        env = os.environ.get(ENV_VARIABLE, "").strip()
        name = ENV_VARIABLE
        if not env:
            return DEFAULT_ENV
    text = env.strip()
    if text == "real":
        return "real"
    if text == "mock":
        return "mock"
    raise InvalidInput.for_field(name, env, "must be mock (모의투자, the default) or real")


def _url(name: str, given: str | None) -> str | None:
    return given or os.environ.get(URL_VARIABLES[name], "").strip() or None


def _keyring_get(env: str, name: str) -> str | None:
    try:
        import keyring  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE.format(env=env), name)
    except Exception:
        return None
    return None if value is None else str(value)


def _credential(name: str, given: str | Secret | None, env: str) -> str | None:
    if isinstance(given, Secret):
        return given.reveal()
    if given:
        return str(given)
    from_env = os.environ.get(ENV_VARIABLES[name])
    if from_env:
        return from_env
    return _keyring_get(env, name)


def _missing(name: str) -> InvalidInput:
    return InvalidInput.for_field(
        name,
        None,
        f"is required: pass {name}=..., set {ENV_VARIABLES[name]}, or store it in the keyring",
    )


def split_account(account: str) -> tuple[str, str]:
    """``"12345678-01"`` or ``"1234567801"`` → ``("12345678", "01")``; the error message
    never quotes the number."""
    text = account.strip()
    cano, _, product = text.partition("-") if "-" in text else (text[:8], "", text[8:])
    if len(cano) != CANO_LENGTH or not cano.isdigit():
        raise InvalidInput.for_field(
            "account", "****", f"CANO must be {CANO_LENGTH} digits (as 12345678-01)"
        )
    if len(product) != ACNT_PRDT_CD_LENGTH or not product.isdigit():
        raise InvalidInput.for_field(
            "account", "****", f"ACNT_PRDT_CD must be {ACNT_PRDT_CD_LENGTH} digits (as 12345678-01)"
        )
    return cano, product


@dataclass(frozen=True, slots=True)
class KisConfig:
    """Everything the adapter needs; build it with :meth:`create`.

    ``rate`` is REST requests a second for this app key (19 real, 2 mock by default;
    ``None`` switches the budget off); ``token_refresh_margin`` how long before its expiry a
    token is replaced; ``token_issue_interval`` the least time between two issuances
    (KIS allows one a minute); ``max_registrations`` the websocket registration cap.
    """

    env: Env
    app_key: Secret
    app_secret: Secret
    cano: Secret
    product_code: str
    hts_id: Secret | None
    base_url: str
    ws_url: str
    rate: float | None
    burst: int = 1
    custtype: str = "P"
    timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    order_retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(attempts=4))
    circuit_threshold: int = 5
    circuit_reset: float = 30.0
    token_refresh_margin: float = 3600.0
    token_issue_interval: float = float(TOKEN_ISSUE_INTERVAL_SECONDS)
    max_registrations: int = WS_SAFE_REGISTRATIONS
    reconnect: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(attempts=1_000_000, base=0.5, cap=30.0)
    )
    data_dir: Path = field(default_factory=Path)
    token_cache: TokenCache = field(default_factory=TokenCache)
    check_lengths: bool = True

    @property
    def key_id(self) -> str:
        """A one-way id of the app key (for budget keys, file names and logs)."""
        return key_hash(self.app_key)

    @property
    def service(self) -> str:
        """A human name of this connection: ``KIS real REST (key 1a2b3c4d…)``."""
        return f"KIS {self.env}"

    @classmethod
    def create(
        cls,
        *,
        env: str | None = None,
        app_key: str | Secret | None = None,
        app_secret: str | Secret | None = None,
        account: str | Secret | None = None,
        hts_id: str | Secret | None = None,
        base_url: str | None = None,
        ws_url: str | None = None,
        rate: float | object | None = UNSET,
        burst: int = 1,
        data_dir: str | Path | None = None,
        token_cache: TokenCache | str | Path | None = None,
        **settings: Any,
    ) -> KisConfig:
        """Resolve the environment (``mock`` unless ``real`` is named: see
        :func:`resolve_env`) and the credentials (arguments, environment, keyring), validate
        and build."""
        checked_env = resolve_env(env)
        env = checked_env
        base_url = _url("base_url", base_url)
        ws_url = _url("ws_url", ws_url)
        install_log_masking()
        key = _credential("app_key", app_key, env)
        secret = _credential("app_secret", app_secret, env)
        account_text = _credential("account", account, env)
        hts = _credential("hts_id", hts_id, env)
        if not key:
            raise _missing("app_key")
        if not secret:
            raise _missing("app_secret")
        if not account_text:
            raise _missing("account")
        check_lengths = bool(settings.get("check_lengths", True))
        if check_lengths and len(key) != APP_KEY_LENGTH:
            raise InvalidInput.for_field(
                "app_key", f"{len(key)} characters", f"a KIS app key has {APP_KEY_LENGTH}"
            )
        if check_lengths and len(secret) != APP_SECRET_LENGTH:
            raise InvalidInput.for_field(
                "app_secret",
                f"{len(secret)} characters",
                f"a KIS app secret has {APP_SECRET_LENGTH}",
            )
        cano, product = split_account(account_text)
        if isinstance(token_cache, TokenCache):
            cache = token_cache
        else:
            cache = TokenCache(token_cache) if token_cache is not None else TokenCache()
        app_key_secret = Secret(key)
        root = (
            Path(data_dir)
            if data_dir is not None
            else default_data_dir() / "kis" / f"{checked_env}-{key_hash(key)}"
        )
        unknown = set(settings) - _SETTINGS
        if unknown:
            raise InvalidInput.for_field("options", sorted(unknown), "unknown kis broker options")
        return cls(
            env=checked_env,
            app_key=app_key_secret,
            app_secret=Secret(secret),
            cano=Secret(cano),
            product_code=product,
            hts_id=Secret(hts) if hts else None,
            base_url=(base_url or REST_URLS[checked_env]).rstrip("/"),
            ws_url=ws_url or WS_URLS[checked_env],
            rate=SAFE_RATE_LIMITS[checked_env] if rate is UNSET else rate,  # type: ignore[arg-type]
            burst=burst,
            data_dir=root,
            token_cache=cache,
            **settings,
        )

    def __repr__(self) -> str:
        return (
            f"KisConfig(env={self.env}, key={self.key_id}, account=****-{self.product_code}, "
            f"base_url={self.base_url}, ws_url={self.ws_url}, rate={self.rate})"
        )


_SETTINGS: Final = frozenset(
    {
        "custtype", "timeout", "retry", "order_retry", "circuit_threshold", "circuit_reset",
        "token_refresh_margin", "token_issue_interval", "max_registrations", "reconnect",
        "check_lengths",
    }
)  # fmt: skip
