"""Backtests: ``yeouido.backtest(StrategyClass, data=..., symbols=..., start=..., end=...,
cash=...) -> Result``.

The module itself is callable (it is :func:`run_backtest`), so ``yeouido.backtest(...)`` runs
a backtest while ``from yeouido.backtest import Result`` still imports names from it.

- :mod:`~yeouido.backtest.engine`: the event-driven engine (any strategy, daily or minute
  bars) with the :mod:`fill model <yeouido.backtest.fills>`;
- :mod:`~yeouido.backtest.vectorized`: signal strategies as arrays, the same trades;
- :mod:`~yeouido.backtest.sweeps`: parameter sweeps (:func:`sweep`) in local processes or
  on Ray;
- :mod:`~yeouido.backtest.report`: the self-contained HTML report.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from yeouido.backtest.engine import BacktestEngine
from yeouido.backtest.fills import FillModel
from yeouido.backtest.metrics import Stats
from yeouido.backtest.result import Result
from yeouido.backtest.runner import run_backtest
from yeouido.backtest.sweeps import SweepResult, sweep

__all__ = ["BacktestEngine", "FillModel", "Result", "Stats", "SweepResult", "run_backtest", "sweep"]


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`run_backtest`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Result:
        return run_backtest(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
