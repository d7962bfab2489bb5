"""Scans (종목검색): which instruments meet a condition, with the values behind it.

::

    from yeouido.screener.scan import scan
    hits = scan("close > sma(close, 20) and rsi(close, 14) < 70 sort by change limit 10",
                "data/krx-daily")

The result has one row per matching instrument and the columns ``code``, ``name``, ``date``,
``close`` (KRW, an integer), ``change`` (percent from the previous close), then one column per
value the condition compares (in source order; a literal is not a column) and the two sides of
each ``crosses_above`` / ``crosses_below``, then the sort key's column. A column is named by
the value it holds, in compact canonical text: ``sma(close,20)``, ``rsi(close,14)``,
``avg(volume,20) * 2`` (a condition written with Korean names gets the English labels). A
column whose name is already taken is not repeated. :func:`column_units` tells which columns
are prices (KRW), share counts or percentages, for display. Rows are sorted by the sort key
(``desc`` by default, NaN last; ties keep the code order) and cut at ``limit``; with no
``sort by``, rows are in code order.

Which bar is scanned:

- ``at=None``: each instrument's latest bar (data files are often refreshed at different
  times; the ``date`` column says which bar each row describes);
- ``at=some_date``: the last trading day of the data on or before ``at``; instruments with no
  bar on that day are not scanned, and nothing after it is read (no look-ahead, even for
  ``ichimoku(...).lagging``).

"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from yeouido.model.errors import InvalidInput
from yeouido.screener.functions import check, constant_value
from yeouido.screener.panel import BarPanel, load_csv_dir
from yeouido.screener.parser import parse, value_label
from yeouido.screener.syntax import (
    HELPERS,
    Boolean,
    Call,
    Compare,
    Logical,
    Lookback,
    Name,
    Node,
    Not,
    Query,
    String,
    children,
)
from yeouido.screener.vector import Evaluator

__all__ = ["BASE_COLUMNS", "Unit", "as_panel", "column_units", "result_columns", "scan"]

BASE_COLUMNS = ("code", "name", "date", "close", "change")
"""The leading columns of every scan result."""

ScanData = BarPanel | str | Path | Mapping[str, pd.DataFrame]
"""What :func:`scan` reads: a panel, a directory of daily CSV files, or DataFrames by code."""


def as_panel(data: ScanData) -> BarPanel:
    """A :class:`BarPanel` from any of the inputs :func:`scan` accepts."""
    if isinstance(data, BarPanel):
        return data
    if isinstance(data, str | Path):
        return load_csv_dir(data)
    if isinstance(data, Mapping):
        return BarPanel.from_frames(data)
    raise InvalidInput.for_field(
        "data", type(data).__name__, "must be a BarPanel, a directory path or DataFrames by code"
    )


def _values_of(node: Node) -> list[Node]:
    """The value nodes under ``node`` a result shows: both sides of every comparison and of
    every ``crosses_above`` / ``crosses_below``, in source order, literals left out."""
    found: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Compare):
            found.extend((current.left, current.right))
        elif isinstance(current, Call) and current.function in _CROSSES:
            found.extend(current.arguments[:2])
        stack.extend(reversed(children(current)))
    return [
        value
        for value in found
        if constant_value(value) is None and not isinstance(value, String | Boolean)
    ]


def _column_plan(query: Query) -> list[tuple[str, Node]]:
    """``(column name, node)`` for the value and sort-key columns, de-duplicated."""
    plan: list[tuple[str, Node]] = []
    taken = set(BASE_COLUMNS)

    def add(name: str, node: Node) -> None:
        if name not in taken:
            taken.add(name)
            plan.append((name, node))

    for value in _values_of(query.condition):
        add(value_label(value), value)
    if query.sort is not None:
        add(value_label(query.sort), query.sort)
    return plan


Unit = Literal["KRW", "shares", "%"]
"""What a result column counts: a price, a number of shares, a percentage."""

_CROSSES = ("crosses_above", "crosses_below")
_PRICE_FIELDS = ("open", "high", "low", "close")
_SAME_UNIT = frozenset(
    {
        "sma", "ema", "wma", "dema", "tema", "trima", "kama", "t3", "ma", "bbands", "midpoint",
        "highest", "lowest", "avg", "min", "max", "envelope", "price_channel",
    }
)  # fmt: skip
"""Functions whose value is in the unit of their (first) input: averages, bands, extremes."""


def _unit(node: Node) -> Unit | None:
    if isinstance(node, Name):
        if node.name in _PRICE_FIELDS:
            return "KRW"
        return {"volume": "shares", "change": "%"}.get(node.name)  # type: ignore[return-value]
    if isinstance(node, Lookback):
        return _unit(node.operand)
    if isinstance(node, Call) and node.function in _SAME_UNIT and node.arguments:
        units = {_unit(argument) for argument in node.arguments if constant_value(argument) is None}
        return units.pop() if len(units) == 1 else None
    if isinstance(node, Call) and node.function in ("midprice", "sar"):
        return "KRW"
    return None


def column_units(expression: str | Query) -> dict[str, Unit]:
    """The unit of each result column of ``expression`` that has one: ``close`` and price-valued
    columns (``sma(close,20)``, ``highest(high[1],20)``) ``"KRW"``, volumes ``"shares"``,
    ``change`` ``"%"``. Tables show KRW and shares as integers and ``%`` labelled. A scan's
    result carries the same mapping in ``frame.attrs["units"]``."""
    query, _ = _parsed(expression)
    return _units(_column_plan(query))


def _units(plan: list[tuple[str, Node]]) -> dict[str, Unit]:
    units: dict[str, Unit] = {"close": "KRW", "change": "%"}
    for name, node in plan:
        unit = _unit(node)
        if unit is not None:
            units[name] = unit
    return units


def result_columns(expression: str | Query) -> list[str]:
    """The columns :func:`scan` returns for ``expression`` (also those of an empty result)."""
    query, _ = _parsed(expression)
    return [*BASE_COLUMNS, *(name for name, _ in _column_plan(query))]


def _parsed(expression: str | Query) -> tuple[Query, str | None]:
    if isinstance(expression, Query):
        check(expression)
        return expression, None
    query = parse(expression)
    check(query, source=expression)
    return query, expression


def _pick(values: npt.NDArray[Any], columns: npt.NDArray[np.intp]) -> npt.NDArray[Any]:
    """``values[i, columns[i]]`` for every row ``i``."""
    return values[np.arange(len(columns)), columns]


def scan(
    expression: str | Query,
    data: ScanData,
    universe: Iterable[str] | None = None,
    at: dt.date | None = None,
) -> pd.DataFrame:
    """The instruments whose condition holds, one row each (see the module docstring for the
    columns, the ordering and which bar is scanned).

    ``expression`` is the condition text (with optional ``sort by`` / ``limit``) or a parsed
    :class:`~yeouido.screener.syntax.Query`; ``data`` a :class:`BarPanel`, a directory of
    daily CSV files or DataFrames by code; ``universe`` restricts the codes (codes the data
    does not hold are ignored); ``at`` scans the last trading day on or before that date.

    Raises :class:`~yeouido.model.errors.ScreenSyntaxError` /
    :class:`~yeouido.model.errors.ScreenNameError` for a bad expression (before any data is
    read)."""
    query, _ = _parsed(expression)
    plan = _column_plan(query)
    names = [*BASE_COLUMNS, *(name for name, _ in plan)]
    units = _units(plan)
    panel = as_panel(data)
    rows = np.arange(len(panel), dtype=np.intp) if universe is None else panel.rows_of(universe)
    if at is not None:
        if isinstance(at, dt.datetime):
            at = at.date()
        index = panel.date_index(at)
        if index < 0:
            return _empty(names, units)
        panel = panel.until(index)
    if len(rows) == 0 or len(panel.dates) == 0:
        return _empty(names, units)
    close = panel.close if universe is None else panel.close[rows]
    has_bar = ~np.isnan(close)
    if at is not None:
        columns = np.full(len(rows), len(panel.dates) - 1, dtype=np.intp)
    else:
        columns = (close.shape[1] - 1 - np.argmax(has_bar[:, ::-1], axis=1)).astype(np.intp)
    scanned = _pick(has_bar, columns)
    candidates, candidate_columns = rows[scanned], columns[scanned]
    holds = _holds(panel, query.condition, candidates, candidate_columns)
    selected, picked_columns = candidates[holds], candidate_columns[holds]
    if len(selected) == 0:
        return _empty(names, units)
    evaluator = Evaluator(panel, selected)

    def at_dates(node: Node) -> npt.NDArray[Any]:
        return _pick(evaluator.evaluate(node), picked_columns)

    instruments = evaluator.instruments
    result: dict[str, Any] = {
        "code": [info.code for info in instruments],
        "name": [info.name for info in instruments],
        "date": list(panel.dates[picked_columns].astype(dt.date)),
        "close": np.rint(at_dates(_CLOSE)).astype(np.int64),
        "change": at_dates(_CHANGE),
    }
    for name, node in plan:
        result[name] = at_dates(node)
    frame = pd.DataFrame(result, columns=names)
    if query.sort is not None:
        keys = np.asarray(at_dates(query.sort), dtype=np.float64)
        frame = frame.iloc[_sort_order(keys, query.descending)]
    if query.limit is not None:
        frame = frame.iloc[: query.limit]
    frame = frame.reset_index(drop=True)
    frame.attrs["units"] = units
    return frame


def _sort_order(keys: npt.NDArray[np.float64], descending: bool) -> npt.NDArray[np.intp]:
    """Stable order by ``keys`` (descending or ascending), NaN last."""
    missing = np.isnan(keys)
    sortable = np.where(missing, 0.0, -keys if descending else keys)
    order: npt.NDArray[np.intp] = np.lexsort((sortable, missing))
    return order


def _cost(node: Node) -> int:
    """A rough cost of evaluating ``node``: indicators are dear, helpers cheap, the rest free."""
    own = 0
    if isinstance(node, Call):
        own = 10 if node.function not in HELPERS else 2
    return own + sum(_cost(child) for child in children(node))


def _holds(
    panel: BarPanel,
    node: Node,
    rows: npt.NDArray[np.intp],
    columns: npt.NDArray[np.intp],
) -> npt.NDArray[np.bool_]:
    """Whether ``node`` is true for each of ``rows`` on its date column.

    ``and`` / ``or`` are evaluated operand by operand, cheapest first, each only on the rows
    still undecided (a scan's conditions usually rule most instruments out early, so the dear
    indicators run on a fraction of the market). The result equals the whole-array evaluation
    because ``and`` / ``or`` / ``not`` only combine truth values."""
    if len(rows) == 0:
        return np.zeros(0, dtype=bool)
    if isinstance(node, Logical):
        operands = sorted(node.operands, key=_cost)
        if node.operator == "and":
            result = np.ones(len(rows), dtype=bool)
            for operand in operands:
                undecided = np.flatnonzero(result)
                if len(undecided) == 0:
                    break
                result[undecided] = _holds(panel, operand, rows[undecided], columns[undecided])
        else:
            result = np.zeros(len(rows), dtype=bool)
            for operand in operands:
                undecided = np.flatnonzero(~result)
                if len(undecided) == 0:
                    break
                result[undecided] = _holds(panel, operand, rows[undecided], columns[undecided])
        return result
    if isinstance(node, Not):
        return ~_holds(panel, node.operand, rows, columns)
    whole = len(rows) == len(panel) and bool(np.all(rows == np.arange(len(panel))))
    evaluator = Evaluator(panel, None if whole else rows)
    picked = _pick(np.broadcast_to(evaluator.value(node), evaluator.shape), columns)
    if picked.dtype == object:
        raise InvalidInput.for_field("condition", "text", "a condition must be a truth value")
    with np.errstate(invalid="ignore"):
        truth: npt.NDArray[np.bool_] = (picked != 0) & (picked == picked)
    return truth


def _empty(names: list[str], units: dict[str, Unit]) -> pd.DataFrame:
    frame = pd.DataFrame({name: pd.Series([], dtype=object) for name in names}, columns=names)
    frame.attrs["units"] = units
    return frame


_CLOSE = Name(0, 5, "close")
_CHANGE = Name(0, 6, "change")
