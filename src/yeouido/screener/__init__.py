"""The stock screener (종목검색): a safe condition language over bars and indicators, scans of
the whole market, saved strategies, and real-time watching.

    from yeouido.screener import scan
    scan("close > sma(close, 20) and rsi(close, 14) < 70 sort by change desc limit 20",
         data="path/to/daily-csv-dir")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from yeouido.data.store import BarStore
from yeouido.model.errors import InvalidInput
from yeouido.paths import data_dir
from yeouido.screener import scan as _scan
from yeouido.screener.functions import check, resolve
from yeouido.screener.panel import BarPanel, load_csv_dir
from yeouido.screener.parser import parse
from yeouido.screener.scan import ScanData
from yeouido.screener.store import SavedStrategy, StrategyStore, validate_name
from yeouido.screener.stream import StreamEvaluator
from yeouido.screener.syntax import Query
from yeouido.screener.vector import evaluate
from yeouido.screener.watch import Watch, WatchEvent

__all__ = [
    "BarPanel",
    "SavedStrategy",
    "StrategyStore",
    "StreamEvaluator",
    "Watch",
    "WatchEvent",
    "check",
    "evaluate",
    "load_csv_dir",
    "parse",
    "resolve",
    "scan",
    "store_panel",
]


def store_panel(store: BarStore | None = None) -> BarPanel:
    """Every code's adjusted daily bars from the bar store, as a panel."""
    bars = store or BarStore()
    codes = bars.codes("1d", adjusted=True)
    if not codes:
        raise InvalidInput.for_field(
            "data", str(bars.root), "the bar store has no daily bars: run `yeouido data import DIR`"
        )
    return BarPanel.from_frames({code: bars.read(code, "1d") for code in codes})


def scan(
    expression_or_name: str | Query,
    data: ScanData | None = None,
    universe: Iterable[str] | None = None,
    at: dt.date | None = None,
    *,
    store: StrategyStore | None = None,
) -> pd.DataFrame:
    """The instruments whose condition holds on the last bar (or on ``at``), one row each with
    the values that decided, ranked and limited as the expression says.

    ``expression_or_name`` is a condition or the name of a saved strategy (a saved name wins
    over an expression that is a bare word); a saved strategy brings its universe unless
    ``universe`` is given. ``data`` is a :class:`BarPanel`, a directory of daily-bar CSV files
    or a mapping of code to DataFrame; by default, the bar store (``yeouido data import``).
    """
    expression: str | Query = expression_or_name
    if isinstance(expression_or_name, str):
        saved = _saved(expression_or_name.strip(), store)
        if saved is not None:
            expression = saved.expression
            if universe is None:
                universe = saved.universe
    return _scan.scan(expression, store_panel() if data is None else data, universe, at)


def _saved(text: str, store: StrategyStore | None) -> SavedStrategy | None:
    try:
        validate_name(text)
    except InvalidInput:
        return None  # not a name: an expression
    if store is not None:
        return store.find(text)
    if not (data_dir() / "screener.sqlite").exists():
        return None
    with StrategyStore() as default:
        return default.find(text)
