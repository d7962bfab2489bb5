"""A local server that speaks 한국투자증권 (KIS) Open API's REST and websocket protocol.

Backed by the simulated KRX market and a paper ledger per account, so any KIS client runs
against it unchanged::

    async with KisSandbox(SandboxConfig(env="mock", port=0, ws_port=0)) as sandbox:
        print(sandbox.rest_url, sandbox.ws_url, sandbox.credentials.app_key)

Modules: ``config`` (credentials, options), ``auth`` (tokens, approval keys, hashkey),
``ratelimit``, ``paging``, ``envelope`` (KIS bodies), ``quotations`` and ``trading`` (REST
handlers), ``account`` (ODNO, order records, notices), ``frames`` (websocket records),
``aes`` (notice encryption), ``websocket``, ``server`` (app factory and :class:`KisSandbox`).
"""

from yeouido.sandbox.kis.config import (
    KisCredentials,
    SandboxConfig,
    demo_credentials,
    load_credentials_file,
)
from yeouido.sandbox.kis.server import KisSandbox, SandboxState, create_app

__all__ = [
    "KisCredentials",
    "KisSandbox",
    "SandboxConfig",
    "SandboxState",
    "create_app",
    "demo_credentials",
    "load_credentials_file",
]
