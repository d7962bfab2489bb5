"""The broker registry: ``yeouido.connect(name, **options)`` and ``connect_async``.

Brokers are found through the ``yeouido.brokers`` entry-point group, so an adapter can live in
another package::

    [project.entry-points."yeouido.brokers"]
    mybroker = "mypackage.adapter:create_broker"

The value names a factory ``create_broker(**options) -> AsyncBroker``. yeouido declares its own
(``paper``, ``kis``) the same way and also knows them without installed metadata (a source
checkout on ``PYTHONPATH``). A factory's module is imported only when that broker is
connected, so importing yeouido does not import every adapter. :func:`register` adds a factory
at run time (tests, notebooks).
"""

from __future__ import annotations

import importlib.metadata
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from yeouido.model.errors import InvalidInput, YeouidoError

if TYPE_CHECKING:
    from yeouido.brokers.base import AsyncBroker

log = logging.getLogger(__name__)

BrokerFactory = Callable[..., "AsyncBroker"]

ENTRY_POINT_GROUP: Final = "yeouido.brokers"
BUILT_IN: Final[dict[str, str]] = {
    "paper": "yeouido.brokers.paper.broker:create_paper_broker",
    "kis": "yeouido.brokers.kis.broker:create_kis_broker",
    "remote": "yeouido.brokers.remote.client:create_remote_broker",
}
"""yeouido's own adapters (also declared as entry points in its ``pyproject.toml``)."""

_FACTORIES: dict[str, BrokerFactory] = {}


def register(name: str, factory: BrokerFactory) -> None:
    """Register (or replace) the factory of broker ``name`` in this process."""
    _FACTORIES[name.lower()] = factory


def installed() -> dict[str, importlib.metadata.EntryPoint]:
    """The brokers' entry points by lower-case name: the built-in ones, then those of every
    installed distribution in the ``yeouido.brokers`` group (which win on a clash)."""
    found = {
        name: importlib.metadata.EntryPoint(name, value, ENTRY_POINT_GROUP)
        for name, value in BUILT_IN.items()
    }
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        found[entry_point.name.lower()] = entry_point
    return found


def available() -> list[str]:
    """Names that :func:`connect` accepts: installed adapters and registered factories."""
    return sorted({*_FACTORIES, *installed()})


def factory(name: str) -> BrokerFactory:
    """The factory of broker ``name``; raises :class:`InvalidInput` listing what is installed."""
    key = name.lower()
    found = _FACTORIES.get(key)
    if found is not None:
        return found
    entry_points = installed()
    entry_point = entry_points.get(key)
    if entry_point is None:
        raise InvalidInput.for_field(
            "name",
            name,
            f"unknown broker; installed: {', '.join(sorted({*_FACTORIES, *entry_points}))}",
        )
    try:
        loaded = entry_point.load()
    except (ImportError, AttributeError) as error:
        raise YeouidoError(
            f"the {key} broker is installed ({entry_point.value}) but cannot be loaded: {error}",
            field="name",
            value=name,
            code="BROKER_NOT_LOADABLE",
        ) from error
    if not callable(loaded):
        raise YeouidoError(
            f"the {key} broker's entry point {entry_point.value} is not a factory",
            field="name",
            value=name,
            code="BROKER_NOT_LOADABLE",
        )
    created: BrokerFactory = loaded
    _FACTORIES[key] = created
    return created


async def connect_async(name: str = "paper", **options: Any) -> AsyncBroker:
    """Create broker ``name`` with ``options``, connect it and reconcile; asyncio interface.

    ``bridge=URL`` attaches to broker ``name`` served by ``yeouido serve`` at ``URL``
    (the venue service protocol; ``token=``, ``fingerprint=`` as for ``"remote"``)."""
    bridge = options.pop("bridge", None)
    if bridge:
        factory(name)  # an unknown broker name is refused here
        options.update(url=str(bridge), venue=name.lower())
        name = "remote"
    broker = factory(name)(**options)
    try:
        await broker.start()
    except BaseException:
        await broker.close()
        raise
    return broker
