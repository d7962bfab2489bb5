"""yeouido: system trading for the Korean market.

>>> import yeouido
>>> broker = yeouido.connect("paper")        # doctest: +SKIP
>>> broker.buy("005930", 10, price=70_000)   # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from yeouido.backtest import Result
    from yeouido.brokers.base import AsyncBroker
    from yeouido.brokers.registry import connect_async
    from yeouido.brokers.sync import Broker, connect
    from yeouido.strategy import Context, SignalStrategy, Strategy

_LAZY = {
    "Strategy": "yeouido.strategy",
    "SignalStrategy": "yeouido.strategy",
    "Context": "yeouido.strategy",
    "Result": "yeouido.backtest",
    "connect": "yeouido.brokers.sync",
    "Broker": "yeouido.brokers.sync",
    "connect_async": "yeouido.brokers.registry",
    "AsyncBroker": "yeouido.brokers.base",
}

__all__ = [
    "AsyncBroker",
    "Broker",
    "Context",
    "Result",
    "SignalStrategy",
    "Strategy",
    "__version__",
    "backtest",
    "connect",
    "connect_async",
]


def __getattr__(name: str) -> Any:
    """Import the broker API on first use (``import yeouido`` stays light for the CLI)."""
    if name == "backtest":
        return importlib.import_module("yeouido.backtest")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'yeouido' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
