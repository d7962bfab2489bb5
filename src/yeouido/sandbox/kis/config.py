"""Sandbox configuration and credentials: flags, a TOML/JSON file, or a demo set from a seed."""

from __future__ import annotations

import json
import random
import string
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from datetime import time as dt_time
from pathlib import Path
from typing import Any

from yeouido.brokers.kis.protocol import (
    ACNT_PRDT_CD_LENGTH,
    APP_KEY_LENGTH,
    APP_SECRET_LENGTH,
    CANO_LENGTH,
    ENVS,
    Env,
)
from yeouido.brokers.paper.service import require_loopback
from yeouido.model.errors import InvalidInput

Clock = Callable[[], float]
"""Wall time in epoch seconds (``time.time``); injectable for tests."""


def check_env(env: str) -> Env:
    """Validate an environment name."""
    if env == "real":
        return "real"
    if env == "mock":
        return "mock"
    raise InvalidInput.for_field("env", env, "must be real or mock")


@dataclass(frozen=True, slots=True)
class KisCredentials:
    """One KIS app key with its secret, account and HTS id, issued for one environment."""

    app_key: str
    app_secret: str
    cano: str
    acnt_prdt_cd: str
    hts_id: str
    env: Env
    account_name: str = "샌드박스"

    def __post_init__(self) -> None:
        if len(self.app_key) != APP_KEY_LENGTH:
            raise InvalidInput.for_field("app_key", "***", f"must be {APP_KEY_LENGTH} characters")
        if len(self.app_secret) != APP_SECRET_LENGTH:
            raise InvalidInput.for_field(
                "app_secret", "***", f"must be {APP_SECRET_LENGTH} characters"
            )
        if len(self.cano) != CANO_LENGTH or not self.cano.isdigit():
            raise InvalidInput.for_field("CANO", self.cano, f"must be {CANO_LENGTH} digits")
        if len(self.acnt_prdt_cd) != ACNT_PRDT_CD_LENGTH or not self.acnt_prdt_cd.isdigit():
            raise InvalidInput.for_field("ACNT_PRDT_CD", self.acnt_prdt_cd, "must be 2 digits")
        if not self.hts_id:
            raise InvalidInput.for_field("hts_id", self.hts_id, "is required")
        check_env(self.env)

    @property
    def account(self) -> str:
        """``CANO-ACNT_PRDT_CD``."""
        return f"{self.cano}-{self.acnt_prdt_cd}"

    @classmethod
    def parse(
        cls, app_key: str, app_secret: str, account: str, hts_id: str, env: str
    ) -> KisCredentials:
        """Build from an ``account`` written ``CANO-ACNT_PRDT_CD`` (or 10 digits)."""
        text = account.strip()
        if "-" in text:
            cano, _, product = text.partition("-")
        else:
            cano, product = text[:CANO_LENGTH], text[CANO_LENGTH:]
        return cls(app_key, app_secret, cano, product, hts_id, check_env(env))

    def __repr__(self) -> str:
        return (
            f"KisCredentials(app_key={self.app_key[:4]}…, account={self.account}, "
            f"hts_id={self.hts_id}, env={self.env})"
        )


_ALNUM = string.ascii_letters + string.digits


def demo_credentials(seed: int, env: Env) -> KisCredentials:
    """A deterministic demo credential set for ``env`` (different for each env and seed)."""
    rng = random.Random(f"yeouido-kis-sandbox:{seed}:{env}")
    app_key = "PS" + "".join(rng.choice(_ALNUM) for _ in range(APP_KEY_LENGTH - 2))
    secret = "".join(rng.choice(_ALNUM + "+/") for _ in range(APP_SECRET_LENGTH))
    cano = ("5" if env == "real" else "6") + "".join(rng.choice(string.digits) for _ in range(7))
    hts_id = "demo" + "".join(rng.choice(string.ascii_lowercase) for _ in range(4))
    return KisCredentials(app_key, secret, cano, "01", hts_id, env)


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """How a KIS sandbox runs.

    ``credentials`` lists every key the server knows (of both environments: a key of the
    other environment is answered with ``EGW02004``); only keys of ``env`` get an account.
    ``rate_limit`` and ``page_sizes`` override the protocol's values (tests);
    ``token_lifetime`` shortens tokens (tests); ``ping_interval`` is the PINGPONG period.
    ``env`` is ``mock`` (모의투자) unless ``real`` is asked for. ``day`` and ``start`` are the
    simulated day (default: the next trading day) and the simulated time it starts at.
    """

    env: Env = "mock"
    host: str = "127.0.0.1"
    port: int = 9443
    ws_port: int = 21000
    seed: int = 0
    credentials: tuple[KisCredentials, ...] = ()
    token_lifetime: float | None = None
    ping_interval: float = 10.0
    rate_limit: int | None = None
    page_sizes: Mapping[str, int] = field(default_factory=dict)
    speed: float | None = 1.0
    cash: int = 100_000_000
    codes: tuple[str, ...] | None = None
    data_dir: Path | None = None
    clock: Clock = time.time
    day: date | None = None
    start: dt_time = dt_time(9, 0, 30)

    def __post_init__(self) -> None:
        check_env(self.env)
        require_loopback(self.host)

    def with_demo_credentials(self) -> SandboxConfig:
        """This config, with the seed's demo credentials when none are given."""
        if self.credentials:
            return self
        return replace(self, credentials=tuple(demo_credentials(self.seed, env) for env in ENVS))

    def own_credentials(self) -> tuple[KisCredentials, ...]:
        """The credentials of the server's environment."""
        return tuple(c for c in self.credentials if c.env == self.env)


def load_credentials_file(path: Path, default_env: Env) -> tuple[KisCredentials, ...]:
    """Read credentials from TOML or JSON: either top-level keys (``app_key``,
    ``app_secret``, ``account``, ``hts_id``, ``env``) or a list ``accounts`` of such
    tables."""
    text = path.read_text(encoding="utf-8")
    try:
        data: Any = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput.for_field("config", str(path), f"cannot be parsed: {error}") from None
    if not isinstance(data, dict):
        raise InvalidInput.for_field("config", str(path), "must hold a table/object")
    entries = data.get("accounts", [data])
    if not isinstance(entries, list) or not entries:
        raise InvalidInput.for_field("accounts", str(path), "must be a non-empty list")
    result = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise InvalidInput.for_field("accounts", str(path), "entries must be tables")
        try:
            result.append(
                KisCredentials.parse(
                    str(entry["app_key"]),
                    str(entry["app_secret"]),
                    str(entry["account"]),
                    str(entry["hts_id"]),
                    str(entry.get("env", data.get("env", default_env))),
                )
            )
        except KeyError as missing:
            raise InvalidInput.for_field(
                "config", str(path), f"an account lacks {missing.args[0]}"
            ) from None
    return tuple(result)
