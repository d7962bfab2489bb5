"""The venue description: one declarative dataclass per broker.

An adapter describes its venue once — environments with their URLs, which of them moves real
money, rate limits, the stream cap, capabilities, the venue's error codes mapped to our
exception classes, and the operations (REST endpoints, TRs, COM objects) it calls — and the
kit reads the description instead of each adapter repeating the same logic:

- :meth:`VenueDescription.environment` resolves an environment name, refusing unknown ones
  with the list of known ones; :attr:`VenueDescription.default_environment` is never a
  real-money one (checked when the description is built);
- :meth:`VenueDescription.error_class` maps a venue code to an exception class;
- :meth:`VenueDescription.operation` looks an operation up by name, which is how a test proves
  an adapter calls nothing the description does not list.

The description holds facts only; it performs no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from yeouido.brokers.base import Capabilities
from yeouido.model.errors import BrokerError, InvalidInput, YeouidoError

OperationKind = Literal["auth", "inquiry", "order", "stream", "market"]


@dataclass(frozen=True, slots=True)
class Environment:
    """One environment of a venue (실전 real, 모의 mock, a local sandbox …)."""

    name: str
    real_money: bool
    rest_url: str = ""
    stream_url: str = ""
    requests_per_second: float | None = None
    """The venue's documented request rate for this environment (``None``: no limit)."""
    safe_requests_per_second: float | None = None
    """The rate the adapter keeps to by default (a margin under the venue's)."""


@dataclass(frozen=True, slots=True)
class Operation:
    """One thing the adapter asks the venue for: a REST endpoint, a TR, a COM object."""

    name: str
    kind: OperationKind
    address: str
    """Where it is sent: a path, a TR code, a ProgID."""
    codes: tuple[str, ...] = ()
    """Transaction ids, where the venue has them (current first, older accepted after)."""
    description: str = ""


@dataclass(frozen=True, slots=True)
class VenueDescription:
    """Everything the kit needs to know about a broker's venue, as data."""

    name: str
    """The registry name (``yeouido.connect(name)``)."""
    title: str
    """What a person calls it (``한국투자증권 KIS Developers``)."""
    environments: Mapping[str, Environment]
    default_environment: str
    capabilities: Capabilities
    errors: Mapping[str, type[YeouidoError]] = field(default_factory=dict)
    operations: Mapping[str, Operation] = field(default_factory=dict)
    stream_cap: int | None = None
    """Real-time registrations the venue allows per session (``None``: no documented cap)."""

    def __post_init__(self) -> None:
        default = self.environments.get(self.default_environment)
        if default is None:
            raise ValueError(
                f"{self.name}: default environment {self.default_environment!r} is not described"
            )
        if default.real_money:
            raise ValueError(
                f"{self.name}: the default environment must not move real money "
                f"({self.default_environment!r} does)"
            )

    def environment(self, name: str | None = None) -> Environment:
        """The environment ``name`` (the default one when ``None``); raises
        :class:`InvalidInput` naming the known ones."""
        chosen = self.default_environment if name is None else str(name).strip().lower()
        found = self.environments.get(chosen)
        if found is None:
            known = ", ".join(self.environments)
            raise InvalidInput.for_field("env", name, f"one of {known} ({self.title})")
        return found

    def error_class(self, code: str) -> type[YeouidoError]:
        """Our exception class for a venue error ``code`` (:class:`BrokerError` if unknown)."""
        return self.errors.get(code, BrokerError)

    def operation(self, name: str) -> Operation:
        """The operation ``name``; raises :class:`KeyError` naming the venue if undescribed."""
        try:
            return self.operations[name]
        except KeyError:
            raise KeyError(f"{self.name} describes no operation {name!r}") from None

    def real_environments(self) -> tuple[str, ...]:
        """The names of the environments that move real money."""
        return tuple(name for name, env in self.environments.items() if env.real_money)
