"""Streaming indicators a strategy registers per code, fed by the runtime with each bar."""

from __future__ import annotations

from typing import Any

from yeouido.model.errors import InvalidInput

BAR_INPUTS = {"open": 0, "high": 1, "low": 2, "close": 3, "real": 3, "volume": 4, "session": 5}
"""Where each indicator input comes from in ``(open, high, low, close, volume, session)``
(``session`` is the bar's trading date as an ordinal, for session-anchored indicators)."""


def resolve_indicator(indicator: str | type) -> type:
    """The streaming indicator class named ``indicator`` (or ``indicator`` itself)."""
    if isinstance(indicator, type):
        return indicator
    from yeouido.ta import streaming

    found = getattr(streaming, str(indicator).upper(), None)
    if not isinstance(found, type):
        names = ", ".join(name for name in streaming.__all__ if name != "StreamingIndicator")
        raise InvalidInput.for_field("indicator", indicator, f"must be one of {names}")
    return found


class IndicatorSet:
    """The indicators of every code, with the bar fields each one reads."""

    __slots__ = ("by_code",)

    def __init__(self) -> None:
        self.by_code: dict[str, list[tuple[Any, tuple[int, ...], Any]]] = {}

    def add(self, code: str, indicator: str | type, *args: Any, **kwargs: Any) -> Any:
        """Create the indicator and register it for ``code``; returns it."""
        cls = resolve_indicator(indicator)
        instance = cls(*args, **kwargs)
        inputs = getattr(instance, "inputs", ("close",))
        unknown = [name for name in inputs if name not in BAR_INPUTS]
        if unknown:
            raise InvalidInput.for_field(
                "indicator", cls.__name__, f"reads {', '.join(unknown)}, which bars do not carry"
            )
        positions = tuple(BAR_INPUTS[name] for name in inputs)
        fast = getattr(instance, "commit_finite", None) if positions == (3,) else None
        self.by_code.setdefault(code, []).append((instance, positions, fast))
        return instance

    def feed(self, code: str, values: tuple[float, float, float, float, float, float]) -> None:
        """Commit one completed bar of ``code`` to its indicators (the values must be finite:
        runtimes check bars before feeding them)."""
        registered = self.by_code.get(code)
        if not registered:
            return
        for instance, positions, fast in registered:
            if fast is not None:
                fast(values[3])
            elif positions == (3,):
                instance.update(values[3])
            else:
                instance.update(*[values[position] for position in positions])
