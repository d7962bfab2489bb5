"""A broker adapter as another package would ship it (found through an entry point)."""

from __future__ import annotations

from typing import Any

from yeouido.brokers.paper.broker import PaperBroker


class OutsideBroker(PaperBroker):
    """The paper broker under another name."""

    name = "outside"


def create_broker(**options: Any) -> OutsideBroker:
    """The factory the entry point names."""
    return OutsideBroker(**options)
