"""The broker registry: ``yeouido.connect(name, **options)`` and ``connect_async``.

Each broker package registers a factory under its name (``paper`` now; ``kis`` and others
later). Factories are imported lazily, so importing yeouido does not import every adapter.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from yeouido.brokers.base import AsyncBroker
from yeouido.model.errors import InvalidInput

BrokerFactory = Callable[..., AsyncBroker]

_FACTORIES: dict[str, BrokerFactory] = {}
_LAZY: dict[str, str] = {
    "paper": "yeouido.brokers.paper.broker:create_paper_broker",
    "kis": "yeouido.brokers.kis.broker:create_kis_broker",
}


def register(name: str, factory: BrokerFactory) -> None:
    """Register (or replace) the factory of broker ``name``."""
    _FACTORIES[name.lower()] = factory


def available() -> list[str]:
    """Names that :func:`connect` accepts."""
    return sorted({*_FACTORIES, *_LAZY})


def factory(name: str) -> BrokerFactory:
    """The factory registered under ``name``; raises :class:`InvalidInput` listing the names."""
    key = name.lower()
    if key not in _FACTORIES and key in _LAZY:
        module_name, _, attribute = _LAZY[key].partition(":")
        _FACTORIES[key] = getattr(importlib.import_module(module_name), attribute)
    if key not in _FACTORIES:
        raise InvalidInput.for_field(
            "name", name, f"unknown broker; one of {', '.join(available())}"
        )
    return _FACTORIES[key]


async def connect_async(name: str = "paper", **options: Any) -> AsyncBroker:
    """Create broker ``name`` with ``options``, connect it and reconcile; asyncio interface."""
    broker = factory(name)(**options)
    try:
        await broker.start()
    except BaseException:
        await broker.close()
        raise
    return broker
