"""Strategies: the :class:`Strategy` base class, the :class:`Context` every runtime gives it,
signal strategies that also run vectorized, scheduling and the loader for strategy files.

The live runtime (``yeouido run``) is :mod:`yeouido.strategy.runtime`; the backtest engine is
:mod:`yeouido.backtest`.
"""

from yeouido.strategy.base import INTERVALS, Params, Strategy
from yeouido.strategy.context import Context
from yeouido.strategy.loader import load_strategy
from yeouido.strategy.schedule import Job
from yeouido.strategy.signal import SeriesBars, SignalStrategy

__all__ = [
    "INTERVALS",
    "Context",
    "Job",
    "Params",
    "SeriesBars",
    "SignalStrategy",
    "Strategy",
    "load_strategy",
]
