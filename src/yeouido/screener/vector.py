"""Vectorized evaluation of a condition over whole bar histories (the scan evaluator).

:func:`evaluate` walks a syntax tree once over a :class:`~yeouido.screener.panel.BarPanel` and
returns a 2-D ``float64`` array of shape ``(instruments, dates)``: the node's value for every
instrument on every date. The definitions (the streaming evaluator,
:mod:`yeouido.screener.stream`, follows the same ones bar by bar):

- ``open high low close volume`` read the panel (NaN where an instrument has no bar);
  ``change`` is ``(close / close[1] - 1) * 100`` (NaN on the first bar and when the previous
  close is 0 or missing).
- ``x[n]`` shifts along the date axis: the value ``n`` dates earlier (NaN before the first).
- Indicators run row by row on each instrument's history, leading NaNs included (the
  :mod:`yeouido.ta` functions skip them as TA-Lib does).
- ``highest lowest sum avg (x, n)`` cover the last ``n`` bars including the current one: NaN
  until there are ``n`` values and whenever one of them is NaN. ``abs min max`` are
  element-wise (NaN in, NaN out). ``crosses_above(a, b)`` is ``a[1] <= b[1] and a > b``,
  ``crosses_below(a, b)`` is ``a[1] >= b[1] and a < b``.
- ``+ - * /`` are element-wise; division by zero gives NaN.
- Comparisons give 1.0 / 0.0; any comparison with NaN is false (``!=`` too). Text fields
  (``code name market kind``) compare with ``==`` / ``!=`` against strings, exactly.
- ``and or not`` work on truth values: a value is true when it is neither 0 nor NaN; the
  results are 1.0 / 0.0.
- Instrument fields are constant over time and broadcast along the dates: ``kospi200`` is 1.0
  or 0.0, ``leverage`` the signed multiple.

Identical sub-expressions are computed once per :class:`Evaluator` (the cache key is the
canonical text of the node, so ``sma(close,20)`` and ``sma(close, 20)`` share one array, and
all outputs of one indicator call are computed together).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from yeouido.model.errors import IndicatorError, ScreenNameError
from yeouido.screener.functions import CallSpec, batch_function, check, resolve
from yeouido.screener.panel import BarPanel, InstrumentInfo
from yeouido.screener.parser import to_text
from yeouido.screener.syntax import (
    BAR_FIELDS,
    Arithmetic,
    Boolean,
    Call,
    Compare,
    Logical,
    Lookback,
    Name,
    Negate,
    Node,
    Not,
    Number,
    Query,
    String,
)

__all__ = ["Evaluator", "evaluate", "shift", "truth"]

FloatArray = npt.NDArray[np.float64]
Value = npt.NDArray[Any]
"""An intermediate value: float64 broadcastable to ``(rows, dates)`` (``()``, ``(rows, 1)`` or
``(rows, dates)``), or an object array of text for the text fields and string literals."""


def _jit(function: Callable[..., Any]) -> Callable[..., Any]:
    compiled: Callable[..., Any] = numba.njit(cache=True, nogil=True)(function)
    return compiled


@_jit
def _rolling_extreme(
    values: FloatArray, period: int, highest: bool
) -> FloatArray:  # pragma: no cover
    rows, columns = values.shape
    output = np.full((rows, columns), np.nan)
    for row in range(rows):
        for today in range(period - 1, columns):
            best = values[row, today]
            if best != best:
                continue
            for position in range(today - period + 1, today):
                value = values[row, position]
                if value != value:
                    best = np.nan
                    break
                if (highest and value > best) or (not highest and value < best):
                    best = value
            output[row, today] = best
    return output


@_jit
def _rolling_sum(values: FloatArray, period: int, mean: bool) -> FloatArray:  # pragma: no cover
    rows, columns = values.shape
    output = np.full((rows, columns), np.nan)
    for row in range(rows):
        for today in range(period - 1, columns):
            total = 0.0
            for position in range(today - period + 1, today + 1):
                total += values[row, position]
            output[row, today] = total / period if mean else total
    return output


def shift(values: FloatArray, bars: int) -> FloatArray:
    """``values`` (2-D) shifted ``bars`` dates later along axis 1, NaN-filled at the start."""
    if bars == 0:
        return values
    output = np.full(values.shape, np.nan)
    if bars < values.shape[1]:
        output[:, bars:] = values[:, : values.shape[1] - bars]
    return output


def truth(values: Value) -> npt.NDArray[np.bool_]:
    """Truth of numeric values: neither 0 nor NaN."""
    with np.errstate(invalid="ignore"):
        result: npt.NDArray[np.bool_] = (values != 0) & (values == values)
    return result


def _as_float(values: npt.NDArray[np.bool_]) -> FloatArray:
    return values.astype(np.float64)


class Evaluator:
    """Evaluates nodes over one panel (optionally a subset of its rows), caching identical
    sub-expressions across calls."""

    def __init__(
        self, panel: BarPanel, rows: Sequence[int] | npt.NDArray[np.integer[Any]] | None = None
    ) -> None:
        self.panel = panel
        if rows is None:
            self.rows: npt.NDArray[np.intp] | None = None
            self._instruments = panel.instruments
        else:
            self.rows = np.asarray(rows, dtype=np.intp)
            self._instruments = tuple(panel.instruments[row] for row in self.rows)
        self._fields: dict[str, FloatArray] = {}
        self.shape: tuple[int, int] = (len(self._instruments), len(panel.dates))
        self._cache: dict[str, Value] = {}
        self._outputs: dict[tuple[Any, ...], tuple[FloatArray, ...]] = {}
        self._specs: dict[Call, CallSpec] = {}

    # -- public ------------------------------------------------------------------------------

    @property
    def instruments(self) -> tuple[InstrumentInfo, ...]:
        """The attributes of the evaluated rows, in row order."""
        return self._instruments

    def evaluate(self, node: Node) -> Value:
        """The node's value as a full ``(rows, dates)`` array: ``float64`` (truth values as
        1.0 / 0.0), or ``object`` (text) for a text field or string literal."""
        value = self.value(node)
        return np.broadcast_to(value, self.shape)

    def value(self, node: Node) -> Value:
        """The node's value, possibly of a smaller broadcastable shape (constants ``()``,
        instrument fields ``(rows, 1)``). Cached by the node's canonical text."""
        if isinstance(node, Query):
            node = node.condition
        key = to_text(node)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._compute(node)
            self._cache[key] = cached
        return cached

    def full(self, node: Node) -> FloatArray:
        """The node's numeric value as a C-contiguous ``(rows, dates)`` ``float64`` array."""
        value = self.value(node)
        if value.shape == self.shape and value.flags.c_contiguous:
            return value
        return np.ascontiguousarray(np.broadcast_to(value, self.shape), dtype=np.float64)

    # -- nodes -------------------------------------------------------------------------------

    def _compute(self, node: Node) -> Value:
        if isinstance(node, Number):
            return np.asarray(node.value, dtype=np.float64)
        if isinstance(node, Boolean):
            return np.asarray(1.0 if node.value else 0.0)
        if isinstance(node, String):
            return np.asarray(node.value, dtype=object)
        if isinstance(node, Name):
            return self._name(node)
        if isinstance(node, Lookback):
            if node.bars < 0:
                raise ScreenNameError(
                    f"lookback at position {node.start} must be >= 0", position=node.start
                )
            return shift(self.full(node.operand), node.bars)
        if isinstance(node, Negate):
            result: Value = -self.value(node.operand)
            return result
        if isinstance(node, Not):
            return _as_float(~truth(self.value(node.operand)))
        if isinstance(node, Arithmetic):
            return self._arithmetic(node)
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, Logical):
            combined = truth(self.value(node.operands[0]))
            for operand in node.operands[1:]:
                if node.operator == "and":
                    combined = combined & truth(self.value(operand))
                else:
                    combined = combined | truth(self.value(operand))
            return _as_float(combined)
        if isinstance(node, Call):
            return self._call(node)
        raise TypeError(f"not an expression node: {node!r}")

    def _name(self, node: Name) -> Value:
        name = node.name
        if name in BAR_FIELDS:
            return self._field(name)
        if name == "change":
            close = self._field("close")
            previous = shift(close, 1)
            with np.errstate(divide="ignore", invalid="ignore"):
                change = (close / previous - 1.0) * 100.0
            change[previous == 0] = np.nan
            return change
        if name in ("kospi200", "leverage"):
            values = [float(getattr(info, name)) for info in self._instruments]
            return np.array(values, dtype=np.float64).reshape(-1, 1)
        if name in ("code", "name", "market", "kind"):
            text = np.empty((len(self._instruments), 1), dtype=object)
            text[:, 0] = [getattr(info, name) for info in self._instruments]
            return text
        check(node)  # raises the ScreenNameError with its "did you mean"
        raise ScreenNameError(f"unknown name {name!r}", position=node.start)  # pragma: no cover

    def _field(self, name: str) -> FloatArray:
        """One bar field for the evaluated rows (selected on first use)."""
        array = self._fields.get(name)
        if array is None:
            array = self.panel.field(name)
            if self.rows is not None:
                array = array[self.rows]
            self._fields[name] = array
        return array

    def _arithmetic(self, node: Arithmetic) -> Value:
        left = self.value(node.left)
        right = self.value(node.right)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if node.operator == "+":
                result: Value = left + right
            elif node.operator == "-":
                result = left - right
            elif node.operator == "*":
                result = left * right
            else:
                result = np.where(right == 0, np.nan, left / right)
        return result

    def _compare(self, node: Compare) -> Value:
        left = self.value(node.left)
        right = self.value(node.right)
        if left.dtype == object or right.dtype == object:
            if left.dtype != right.dtype or node.operator not in ("==", "!="):
                check(node)  # raises the precise ScreenNameError
            equal = np.asarray(left == right, dtype=bool)
            return _as_float(equal if node.operator == "==" else ~equal)
        with np.errstate(invalid="ignore"):
            operator = node.operator
            if operator == "<":
                outcome = left < right
            elif operator == "<=":
                outcome = left <= right
            elif operator == ">":
                outcome = left > right
            elif operator == ">=":
                outcome = left >= right
            elif operator == "==":
                outcome = left == right
            else:
                outcome = (left != right) & (left == left) & (right == right)
        return _as_float(np.asarray(outcome))

    def _call(self, node: Call) -> Value:
        spec = self._specs.get(node)
        if spec is None:
            spec = resolve(node)
            self._specs[node] = spec
        if spec.kind == "helper":
            return self._helper(spec)
        key = (
            spec.function,
            tuple(to_text(series) for series in spec.series),
            tuple(sorted(spec.parameters.items())),
        )
        outputs = self._outputs.get(key)
        if outputs is None:
            outputs = self._indicator(spec, node)
            self._outputs[key] = outputs
        return outputs[spec.output_index]

    def _indicator(self, spec: CallSpec, node: Call) -> tuple[FloatArray, ...]:
        inputs = [self.full(series) for series in spec.series]
        count = len(spec.info.outputs)
        rows, columns = self.shape
        if rows == 0 or columns == 0:
            return tuple(np.full((rows, columns), np.nan) for _ in range(count))
        # Every row is written once: computed rows by the indicator, empty rows with NaN.
        outputs = tuple(np.empty((rows, columns)) for _ in range(count))
        has_data = np.ones(rows, dtype=bool)
        for array in inputs:
            has_data &= ~np.isnan(array).all(axis=1)
        for output in outputs:
            output[~has_data] = np.nan
        function = batch_function(spec.function)
        parameters = spec.parameters
        try:
            for row in np.flatnonzero(has_data):
                result = function(*(array[row] for array in inputs), **parameters)
                if count == 1:
                    outputs[0][row] = result
                else:
                    for index in range(count):
                        outputs[index][row] = result[index]
        except IndicatorError as error:
            raise ScreenNameError(
                f"{spec.function}() at position {node.start}: {error.message}",
                position=node.start,
                field="expression",
            ) from None
        return outputs

    def _helper(self, spec: CallSpec) -> Value:
        name = spec.function
        if name in ("highest", "lowest", "sum", "avg"):
            period = int(spec.parameters["timeperiod"])
            values = self.full(spec.series[0])
            if name in ("highest", "lowest"):
                return _rolling_extreme(values, period, name == "highest")  # type: ignore[no-any-return]
            return _rolling_sum(values, period, name == "avg")  # type: ignore[no-any-return]
        if name == "abs":
            return np.abs(self.value(spec.series[0]))
        if name in ("min", "max"):
            left = self.value(spec.series[0])
            right = self.value(spec.series[1])
            return np.minimum(left, right) if name == "min" else np.maximum(left, right)
        first = self.full(spec.series[0])
        second = self.full(spec.series[1])
        with np.errstate(invalid="ignore"):
            if name == "crosses_above":
                crossed = (shift(first, 1) <= shift(second, 1)) & (first > second)
            else:
                crossed = (shift(first, 1) >= shift(second, 1)) & (first < second)
        return _as_float(crossed)


def evaluate(
    node: Node,
    panel: BarPanel,
    rows: Sequence[int] | npt.NDArray[np.integer[Any]] | None = None,
) -> Value:
    """Evaluate ``node`` (a :class:`Query` means its condition) for every instrument (or the
    given panel ``rows``) on every date.

    Returns a ``(len(rows), len(panel.dates))`` array: ``float64`` with truth values as 1.0 /
    0.0 and NaN where undefined, or ``object`` for a bare text field / string. The node is
    checked first (:func:`yeouido.screener.functions.check`), so an unknown name raises
    :class:`~yeouido.model.errors.ScreenNameError` before anything is computed."""
    if isinstance(node, Query):
        node = node.condition
    check(node)
    return np.array(Evaluator(panel, rows).evaluate(node))
