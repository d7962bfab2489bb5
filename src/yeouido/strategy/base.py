"""The :class:`Strategy` base class: one strategy for backtests, the paper market and brokers.

A strategy is a class with callbacks. The runtime (the backtest engine or the live runtime)
creates it with its parameters, calls :meth:`Strategy.on_start` once with the
:class:`~yeouido.strategy.context.Context`, then the market and order callbacks as things
happen, and :meth:`Strategy.on_stop` at the end. Everything a strategy does to the world goes
through the context, which is why the same code runs unchanged everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from yeouido.model.errors import InvalidInput

if TYPE_CHECKING:
    from yeouido.model.account import Fill
    from yeouido.model.market_data import Bar, Trade
    from yeouido.model.orders import Order
    from yeouido.strategy.context import Context

INTERVALS = ("1d", "1m", "3m", "5m", "10m", "15m", "30m", "60m")
"""The bar intervals a strategy may ask for."""


class Params(Mapping[str, Any]):
    """A strategy's parameters: read as ``params.fast`` or ``params["fast"]``; immutable."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"no parameter {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("strategy parameters are read-only")

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        inside = ", ".join(f"{name}={value!r}" for name, value in self._values.items())
        return f"Params({inside})"


class Strategy:
    """Base class of every strategy.

    Class attributes:

    - ``params``: the parameter names and their defaults, e.g. ``{"fast": 5, "slow": 20}``;
      an instance reads them as ``self.params.fast``. ``Strategy(fast=10)`` overrides one; an
      unknown name raises :class:`~yeouido.model.errors.InvalidInput`.
    - ``interval``: the bar interval of :meth:`on_bar` (``"1d"`` or ``"1m"``, ``"5m"``, ...).
    - ``symbols``: default codes to trade when the runner is given none.

    Override the callbacks you need; each receives the context first.
    """

    params: ClassVar[Mapping[str, Any]] = {}
    interval: ClassVar[str] = "1d"
    symbols: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **overrides: Any) -> None:
        defaults = dict(type(self).params)
        unknown = sorted(set(overrides) - set(defaults))
        if unknown:
            known = ", ".join(sorted(defaults)) or "none"
            raise InvalidInput.for_field(
                "params", ", ".join(unknown), f"not a parameter of {type(self).__name__} ({known})"
            )
        defaults.update(overrides)
        self.params: Params = Params(defaults)  # type: ignore[misc]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.interval not in INTERVALS:
            raise InvalidInput.for_field(
                f"{cls.__name__}.interval", cls.interval, f"must be one of {', '.join(INTERVALS)}"
            )

    # -- callbacks ---------------------------------------------------------------------
    def on_start(self, ctx: Context) -> None:
        """Called once before any data: create indicators, schedule work."""

    def on_bar(self, ctx: Context, bar: Bar) -> None:
        """Called when a bar of one of the strategy's codes has closed."""

    def on_trade(self, ctx: Context, trade: Trade) -> None:
        """Called on every trade (tick) of the strategy's codes (live and tick replays)."""

    def on_order(self, ctx: Context, order: Order) -> None:
        """Called when one of the strategy's orders changes status."""

    def on_fill(self, ctx: Context, fill: Fill) -> None:
        """Called on each execution of one of the strategy's orders."""

    def on_stop(self, ctx: Context) -> None:
        """Called once at the end (end of data, or the live runtime stopping)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.params.items())})"
