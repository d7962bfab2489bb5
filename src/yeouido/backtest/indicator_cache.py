"""Memoized indicators for sweeps: :mod:`yeouido.ta` as a namespace whose functions remember
their results.

A vectorized sweep computes the signals of many parameter combinations on the same bars; an
SMA(20) of a code's closes is the same array for every combination that asks for it. The
sweep gives each :class:`~yeouido.strategy.SignalStrategy` it builds an
:class:`IndicatorCache`'s :attr:`~IndicatorCache.namespace` as
:attr:`SignalStrategy.ta <yeouido.strategy.SignalStrategy.ta>` (elsewhere ``self.ta`` is
plain :mod:`yeouido.ta`), so ``self.ta.sma(bars.close, 20)`` is computed once per chunk of
combinations. A strategy that calls the functions it imported from :mod:`yeouido.ta` directly
runs the same, only without the memo.

A call is memoized when its array arguments are the bars' own arrays (or results of memoized
calls) and its other arguments plain numbers, strings or ``None``. Results handed out are
read-only; :meth:`IndicatorCache.place` runs a combination that fails with the memo again
without it (a strategy writing into an indicator's result), so the memo never changes a
number. Nothing global is touched: concurrent sweeps (threads, processes) each have their
own cache.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from yeouido.backtest.vectorized import Grid, place_signals
from yeouido.strategy.signal import SeriesBars, SignalStrategy

CACHE_BYTES = 256 * 1024 * 1024
"""The memory the memoized results of one cache may take before they are dropped."""

USELESS_MISSES = 64
"""A memoized function that misses this many times without a single hit is no longer
memoized by that cache (its results are never asked for twice)."""

BAR_FIELDS = ("time", "open", "high", "low", "close", "volume")
"""The arrays of :class:`~yeouido.strategy.SeriesBars` a memoized call may be given."""

_PLAIN = frozenset({int, float, str, bool})


def is_ta_module(name: str | None) -> bool:
    """Whether ``name`` is :mod:`yeouido.ta` or one of its modules."""
    return name is not None and (name == "yeouido.ta" or name.startswith("yeouido.ta."))


class IndicatorCache:
    """The memoized results of one chunk of a sweep over ``bars``
    (:class:`~yeouido.strategy.SeriesBars` values); :attr:`namespace` is what strategies
    receive as ``self.ta``. Used by one thread at a time."""

    def __init__(self, bars: Iterable[SeriesBars]) -> None:
        import yeouido.ta

        self.base: dict[int, Any] = {}
        for series in bars:
            for name in BAR_FIELDS:
                array = getattr(series, name)
                self.base[id(array)] = array
        self.pinned: dict[int, Any] = dict(self.base)
        self.values: dict[tuple[Any, ...], Any] = {}
        self.size = 0
        self.enabled = True
        self.wrapped: dict[int, Callable[..., Any]] = {}
        self.namespace = MemoizedIndicators(yeouido.ta, self)
        """:mod:`yeouido.ta` with memoized functions."""

    def clear(self) -> None:
        """Drop every result."""
        self.values.clear()
        self.pinned = dict(self.base)
        self.size = 0

    def disable(self) -> None:
        """Stop memoizing: drop every result; strategies given a namespace from now on by
        :meth:`attach` get plain :mod:`yeouido.ta`."""
        self.enabled = False
        self.clear()

    def attach(self, strategy: SignalStrategy) -> None:
        """Give ``strategy`` the memoizing namespace (while the cache is enabled)."""
        strategy.ta = self.namespace if self.enabled else None

    def place(
        self,
        strategy: SignalStrategy,
        bars: Mapping[str, SeriesBars],
        grid: Grid,
        entries: npt.NDArray[np.bool_],
        exits: npt.NDArray[np.bool_],
    ) -> None:
        """:func:`~yeouido.backtest.vectorized.place_signals` of ``strategy`` with the memo,
        run again with plain :mod:`yeouido.ta` (and the memo off for the rest of the chunk)
        when it fails with it."""
        self.attach(strategy)
        try:
            place_signals(strategy, bars, grid, entries, exits)
        except Exception:
            if not self.enabled:
                raise
            self.disable()
            strategy.ta = None
            place_signals(strategy, bars, grid, entries, exits)

    # -- memoizing -------------------------------------------------------------------------
    def memoized(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function`` remembering its results in this cache (one wrapper per function)."""
        found = self.wrapped.get(id(function))
        if found is not None:
            return found
        tag = id(function)
        counts = [0, 0]  # misses, hits: a function whose results never come back again
        # (a crossover of two fresh averages) stops being memoized after USELESS_MISSES

        def cached(*args: Any, **kwargs: Any) -> Any:
            if not self.enabled or (counts[0] >= USELESS_MISSES and not counts[1]):
                return function(*args, **kwargs)
            key = self._key(tag, args, kwargs)
            if key is None:
                return function(*args, **kwargs)
            hit = self.values.get(key)
            if hit is not None:
                counts[1] += 1
                return hit
            counts[0] += 1
            result = function(*args, **kwargs)
            arrays = result if type(result) is tuple else (result,)
            size = 0
            for item in arrays:
                if type(item) is not np.ndarray:
                    return result
                size += item.nbytes
            if self.size + size > CACHE_BYTES:
                self.clear()
            for item in arrays:
                item.flags.writeable = False
                self.pinned[id(item)] = item
            self.values[key] = result
            self.size += size
            return result

        cached.__name__ = getattr(function, "__name__", "cached")
        cached.__qualname__ = getattr(function, "__qualname__", cached.__name__)
        cached.__doc__ = function.__doc__
        cached.__wrapped__ = function  # type: ignore[attr-defined]
        self.wrapped[tag] = cached
        return cached

    def _key(self, tag: int, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A key for the call, or ``None`` when it cannot be memoized. An array (known by
        identity) adds its ``id``; any other value adds its type, then itself, so keys
        parse one way only."""
        key: list[Any] = [tag]
        append = key.append
        pinned = self.pinned
        values: Any = args
        if kwargs:
            names = sorted(kwargs)
            values = (*args, *names, *(kwargs[name] for name in names))
            append(len(args))
        for value in values:
            kind = type(value)
            if kind is np.ndarray:
                if pinned.get(id(value)) is not value:
                    return None
                append(id(value))
            elif kind in _PLAIN or value is None:
                if kind is float and value != value:
                    return None
                append(kind)
                append(value)
            else:
                return None
        return tuple(key)


class MemoizedIndicators:
    """:mod:`yeouido.ta` (or one of its modules) with each indicator function memoized by an
    :class:`IndicatorCache`; every other name (classes, constants, the streaming forms) is
    the module's own."""

    def __init__(self, module: types.ModuleType, cache: IndicatorCache) -> None:
        self._module = module
        self._cache = cache

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._module, name)
        if isinstance(value, types.FunctionType) and is_ta_module(value.__module__):
            value = self._cache.memoized(value)
        elif isinstance(value, types.ModuleType) and is_ta_module(value.__name__):
            value = MemoizedIndicators(value, self._cache)
        setattr(self, name, value)  # found directly from now on
        return value

    def __dir__(self) -> list[str]:
        return dir(self._module)

    def __repr__(self) -> str:
        return f"<memoized {self._module.__name__}>"
