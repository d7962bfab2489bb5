"""``yeouido.backtest(...)``: one call from a strategy and data to a :class:`Result`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from yeouido.backtest.data import DataSource, load_bars, parse_day, parse_symbols
from yeouido.backtest.engine import BacktestEngine, Progress
from yeouido.backtest.fills import FillModel
from yeouido.backtest.result import Result
from yeouido.krx.costs import CostModel
from yeouido.model.errors import InvalidInput
from yeouido.strategy.base import INTERVALS, Strategy
from yeouido.strategy.loader import load_strategy
from yeouido.strategy.signal import SignalStrategy

MODES = ("event", "vectorized")
StrategySpec = type[Strategy] | Strategy | str | Path


def resolve_strategy(strategy: StrategySpec, params: Mapping[str, Any] | None) -> Strategy:
    """A strategy instance from a class, an instance or a ``.py`` file, with ``params``."""
    if isinstance(strategy, str | Path):
        strategy = load_strategy(strategy)
    if isinstance(strategy, Strategy):
        if params:
            return type(strategy)(**{**strategy.params, **params})
        return strategy
    if isinstance(strategy, type) and issubclass(strategy, Strategy):
        return strategy(**dict(params or {}))
    raise InvalidInput.for_field(
        "strategy", repr(strategy), "must be a Strategy subclass, an instance or a .py file"
    )


def cost_model_from(commission: Decimal | str | CostModel | None) -> CostModel:
    """A :class:`CostModel` from a commission rate (``"0.00015"``) or a model."""
    if commission is None:
        return CostModel()
    if isinstance(commission, CostModel):
        return commission
    try:
        rate = Decimal(str(commission))
    except ArithmeticError:
        raise InvalidInput.for_field(
            "commission", commission, "must be a rate like 0.00015"
        ) from None
    return CostModel(commission_rate=rate)


def run_backtest(
    strategy: StrategySpec,
    data: DataSource = None,
    symbols: str | Iterable[str] | None = None,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    cash: int = 10_000_000,
    params: Mapping[str, Any] | None = None,
    interval: str | None = None,
    commission: Decimal | str | CostModel | None = None,
    fill_model: FillModel | None = None,
    mode: str = "event",
    progress: Progress | None = None,
) -> Result:
    """Backtest ``strategy`` on ``symbols`` from ``start`` to ``end`` with ``cash`` KRW.

    ``data``: a directory of KRX daily CSV files, a mapping of code → DataFrame, a
    :class:`~yeouido.data.BarStore`, or ``None`` for the default bar store. ``mode``:
    ``"event"`` (the event-driven engine, any strategy) or ``"vectorized"`` (signal
    strategies: their :meth:`~yeouido.strategy.SignalStrategy.signals`). ``interval``
    overrides the strategy's bar interval.
    """
    instance = resolve_strategy(strategy, params)
    chosen_interval = interval or type(instance).interval
    if chosen_interval not in INTERVALS:
        raise InvalidInput.for_field("interval", chosen_interval, f"must be one of {INTERVALS}")
    if mode not in MODES:
        raise InvalidInput.for_field("mode", mode, f"must be one of {', '.join(MODES)}")
    if symbols is None:
        if type(instance).symbols:
            symbols = type(instance).symbols
        elif isinstance(data, Mapping):
            symbols = tuple(data)
        else:
            raise InvalidInput.for_field("symbols", None, "name the codes to trade")
    codes = parse_symbols(symbols)
    frames = load_bars(
        data, codes, parse_day(start, "start"), parse_day(end, "end"), chosen_interval
    )
    costs = cost_model_from(commission)
    if mode == "vectorized":
        if not isinstance(instance, SignalStrategy):
            raise InvalidInput.for_field(
                "mode", mode, f"{type(instance).__name__} is not a SignalStrategy"
            )
        from yeouido.backtest.vectorized import run_vectorized

        return run_vectorized(instance, frames, cash, costs, fill_model, chosen_interval)
    engine = BacktestEngine(instance, frames, cash, costs, fill_model, chosen_interval, progress)
    return engine.run()
