"""A client of ``yeouido paper serve``: the venue protocol's client
(:class:`~yeouido.brokers.remote.client.RemoteBroker`) expecting the paper venue, with its
journal where the paper CLI keeps it (``<data dir>/paper-client/<account>``).

Requests that fail on the connection raise :class:`~yeouido.model.errors.ConnectionFailed`:
for a new order that is an unknown outcome, which the order manager leaves in flight until a
pushed update or a reconciliation settles it.
"""

from __future__ import annotations

from pathlib import Path

from yeouido.brokers.paper.broker import PAPER_CAPABILITIES, account_root
from yeouido.brokers.remote.client import RemoteBroker, RemoteExecutionClient
from yeouido.oms.risk import RiskLimits

__all__ = ["RemoteExecutionClient", "RemotePaperBroker"]


class RemotePaperBroker(RemoteBroker):
    """``connect("paper", service=URL)``: a client of ``yeouido paper serve``."""

    name = "paper"
    capabilities = PAPER_CAPABILITIES

    def __init__(
        self,
        *,
        url: str,
        account: str = "default",
        data_dir: str | Path | None = None,
        risk: RiskLimits | None = None,
        timeout: float = 10.0,
        token: str | None = None,
        token_file: str | Path | None = None,
        fingerprint: str | None = None,
        reconnect: bool = True,
    ) -> None:
        super().__init__(
            url=url,
            token=token,
            token_file=token_file,
            fingerprint=fingerprint,
            venue="paper",
            account=account,
            data_dir=account_root(account, data_dir, "paper-client"),
            risk=risk,
            timeout=timeout,
            reconnect=reconnect,
        )
        self.root = self.journal_root("paper", account)
