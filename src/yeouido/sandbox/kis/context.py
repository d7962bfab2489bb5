"""What a REST handler gets (the checked request) and gives back (body and ``tr_cont``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from yeouido.brokers.kis.protocol import (
    INVALID_ACCOUNT,
    INVALID_INPUT,
    PAGE_SIZES,
    SUCCESS_INQUIRY,
    Env,
)
from yeouido.sandbox.kis.account import KisAccount
from yeouido.sandbox.kis.envelope import KisFailure, envelope


@dataclass(slots=True)
class Call:
    """A checked REST call: its account, tr_id and inputs (keys upper-cased)."""

    account: KisAccount
    env: Env
    tr_id: str
    tr_cont: str
    inputs: dict[str, str]
    page_sizes: dict[str, int] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        """An input, stripped (``default`` when absent)."""
        return self.inputs.get(name, default).strip()

    def require(self, name: str) -> str:
        """A required input (``OPSQ2000`` naming it when missing)."""
        value = self.get(name)
        if not value:
            raise KisFailure(INVALID_INPUT, f"ERROR : INPUT_FIELD_NAME {name}")
        return value

    def number(self, name: str, *, required: bool = True, default: int = 0) -> int:
        """A whole-number input (numbers travel as strings)."""
        value = self.require(name) if required else self.get(name)
        if not value:
            return default
        if not value.isdigit():
            raise KisFailure(INVALID_INPUT, f"ERROR : INPUT INVALID_CHECK {name}")
        return int(value)

    def check_account(self) -> None:
        """``CANO`` and ``ACNT_PRDT_CD`` must be the key's account."""
        credentials = self.account.credentials
        if (
            self.get("CANO") != credentials.cano
            or self.get("ACNT_PRDT_CD") != credentials.acnt_prdt_cd
        ):
            raise KisFailure(INVALID_ACCOUNT)

    def page_size(self, name: str, default: int = 50) -> int:
        """The page size of a paged function in this env (tests may override)."""
        if name in self.page_sizes:
            return self.page_sizes[name]
        return PAGE_SIZES.get(name, {}).get(self.env, default)

    def ok(self, **outputs: Any) -> dict[str, Any]:
        """A success envelope for an inquiry."""
        msg_cd, msg1 = SUCCESS_INQUIRY[self.env]
        return envelope(msg_cd, msg1, **outputs)


@dataclass(slots=True)
class Reply:
    """A handler's answer: the body and, for paged functions, the ``tr_cont`` header."""

    body: dict[str, Any]
    tr_cont: str = ""
    status: int = 200


Handler = Callable[[Call], Awaitable[Reply]]
