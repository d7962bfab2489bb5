"""The Broker interface, its registry, and one package per broker.

``yeouido.brokers.available()`` lists the brokers ``yeouido.connect`` accepts (see
:mod:`yeouido.brokers.registry`: adapters register through the ``yeouido.brokers``
entry-point group).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from yeouido.brokers.registry import available, register

__all__ = ["available", "register"]


def __getattr__(name: str) -> Any:
    """``available`` and ``register`` from the registry, imported on first use."""
    if name in __all__:
        return getattr(importlib.import_module("yeouido.brokers.registry"), name)
    raise AttributeError(f"module 'yeouido.brokers' has no attribute {name!r}")
