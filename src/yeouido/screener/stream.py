"""Incremental (streaming) evaluation of a condition, bar by bar and tick by tick.

:class:`StreamEvaluator` compiles a syntax tree (:mod:`yeouido.screener.syntax`) once, for one
instrument, into two trees of small closures that share their state:

- the *commit* tree (:meth:`StreamEvaluator.update`) takes a finished bar, returns the
  condition's value at that bar and advances every piece of state (indicators, lookback rings,
  rolling windows, the previous close);
- the *preview* tree (:meth:`StreamEvaluator.preview`) returns the value the condition would
  have if the still-forming bar ended now, and changes nothing (CYBOS's "last bar only").

The definitions are those of the vectorized evaluator (:mod:`yeouido.screener.vector`), so
after each committed bar the streaming value equals the vectorized value at that bar:

- ``open high low close volume`` read the bar; ``change`` is ``(close / prev - 1) * 100``
  with ``prev`` the previous committed close (NaN on the first bar, NaN when ``prev`` is 0);
- each indicator call is an instance of its :mod:`yeouido.ta.streaming` class (``update`` on
  commit, ``update_last`` on preview), equal to the batch function exactly;
- ``x[n]`` is the committed value of ``x`` ``n`` bars ago (NaN before there were ``n`` bars,
  also for a truth value, which then reads as a number: 1/0 for true/false); ``x[0]`` is ``x``;
- ``highest lowest sum avg (x, n)`` cover the last ``n`` bars including the current one (NaN
  until there are ``n`` bars, and NaN when any of them is NaN);
- ``crosses_above(a, b)`` is ``a[1] <= b[1] and a > b`` (``crosses_below``: ``>=`` and ``<``);
- ``abs min max`` are element-wise, NaN in gives NaN out; division by zero gives NaN;
- every comparison with NaN is false (``!=`` too); truth values are ``bool``; a number used as
  a truth value is true when it is neither 0 nor NaN.

The per-tick path allocates nothing but floats: closures call closures, bar fields are read
from a shared five-slot buffer, constants are folded at compile time.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, Protocol

from yeouido.model.errors import ScreenNameError
from yeouido.screener.functions import constant_value, resolve
from yeouido.screener.syntax import (
    BAR_FIELDS,
    INSTRUMENT_FIELDS,
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
from yeouido.ta import streaming as _streaming

__all__ = [
    "BarInput",
    "CallSpecLike",
    "Resolver",
    "StreamEvaluator",
    "Value",
]

NAN = math.nan

Value = float | bool | str
"""What a node evaluates to: a number, a truth value, or a string (constants only)."""

Kind = Literal["number", "bool", "string"]
Thunk = Callable[[], Any]
"""A compiled node: no arguments, returns the node's value for the bar in the buffer."""

_FIELD_INDEX = {name: position for position, name in enumerate(BAR_FIELDS)}
_CLOSE = _FIELD_INDEX["close"]


class _BarAttributes(Protocol):
    @property
    def open(self) -> Any: ...
    @property
    def high(self) -> Any: ...
    @property
    def low(self) -> Any: ...
    @property
    def close(self) -> Any: ...
    @property
    def volume(self) -> Any: ...


BarInput = Sequence[float] | _BarAttributes
"""A bar: ``(open, high, low, close, volume)`` or anything with those attributes
(:class:`yeouido.model.Bar`)."""


class CallSpecLike(Protocol):
    """What :func:`yeouido.screener.functions.resolve` returns for a call (read here only)."""

    @property
    def function(self) -> Any: ...
    @property
    def kind(self) -> str: ...
    @property
    def series(self) -> tuple[Node, ...]: ...
    @property
    def parameters(self) -> Mapping[str, int | float]: ...
    @property
    def output_index(self) -> int: ...


Resolver = Callable[[Call], CallSpecLike]
"""Resolves a call into its function, series arguments, parameters and output."""


def _default_resolver(call: Call) -> CallSpecLike:
    spec: CallSpecLike = resolve(call)
    return spec


@dataclass(frozen=True, slots=True)
class _Compiled:
    """One compiled node: its preview and commit thunks, kind, and constant value if folded."""

    preview: Thunk
    commit: Thunk
    kind: Kind
    constant: bool = False
    value: Value = NAN


def _constant(value: Value, kind: Kind) -> _Compiled:
    thunk = itertools.repeat(value).__next__
    return _Compiled(thunk, thunk, kind, True, value)


def _truth(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value != ""
    return value == value and value != 0.0


def _as_truth(compiled: _Compiled) -> _Compiled:
    """The node as a truth value (numbers: neither 0 nor NaN)."""
    if compiled.kind == "bool":
        return compiled
    if compiled.constant:
        return _constant(_truth(compiled.value), "bool")

    def wrap(inner: Thunk) -> Thunk:
        def truth() -> bool:
            value = inner()
            return bool(value == value and value != 0.0)

        return truth

    return _Compiled(wrap(compiled.preview), wrap(compiled.commit), "bool")


def _kind_of(value: object) -> Kind:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    return "number"


# -- element-wise operations (shared by constant folding and the thunks) -------------------


def _divide(left: float, right: float) -> float:
    return left / right if right != 0.0 else NAN


_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _divide,
}


def _not_equal(left: Any, right: Any) -> bool:
    return bool(left != right and left == left and right == right)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": _not_equal,
}


def _minimum(left: float, right: float) -> float:
    if left != left or right != right:
        return NAN
    return left if left <= right else right


def _maximum(left: float, right: float) -> float:
    if left != left or right != right:
        return NAN
    return left if left >= right else right


class _Compiler:
    """Turns nodes into :class:`_Compiled` thunks for one instrument."""

    def __init__(
        self,
        bar: list[float],
        previous_close: list[float],
        instrument_fields: Mapping[str, object],
        resolver: Resolver,
    ) -> None:
        self.bar = bar
        self.previous_close = previous_close
        self.fields = instrument_fields
        self.resolver = resolver
        self.indicators: list[Any] = []
        self.sides: list[tuple[Node, Thunk]] = []
        """``(name node, preview thunk)`` of every comparison's sides, in compile order."""

    def compile(self, node: Node) -> _Compiled:
        """Compile ``node`` (a :class:`Query` compiles its condition)."""
        if isinstance(node, Query):
            return self.compile(node.condition)
        if isinstance(node, Number):
            return _constant(float(node.value), "number")
        if isinstance(node, Boolean):
            return _constant(bool(node.value), "bool")
        if isinstance(node, String):
            return _constant(node.value, "string")
        if isinstance(node, Name):
            return self._name(node)
        if isinstance(node, Lookback):
            return self._lookback(node)
        if isinstance(node, Negate):
            return self._negate(node)
        if isinstance(node, Not):
            return self._not(node)
        if isinstance(node, Arithmetic):
            return self._arithmetic(node)
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, Logical):
            return self._logical(node)
        if isinstance(node, Call):
            return self._call(node)
        raise ScreenNameError(f"cannot evaluate a {type(node).__name__} node", position=node.start)

    # -- leaves ----------------------------------------------------------------------------
    def _name(self, node: Name) -> _Compiled:
        name = node.name
        if name in _FIELD_INDEX:
            read = partial(operator.getitem, self.bar, _FIELD_INDEX[name])
            return _Compiled(read, read, "number")
        if name == "change":
            bar = self.bar
            previous = self.previous_close

            def change() -> float:
                before = previous[0]
                if before == 0.0:
                    return NAN
                return (bar[_CLOSE] / before - 1.0) * 100.0

            return _Compiled(change, change, "number")
        if name in INSTRUMENT_FIELDS or name in self.fields:
            if name not in self.fields:
                raise ScreenNameError(
                    f"the instrument has no attribute {name!r}", position=node.start
                )
            value = self.fields[name]
            if isinstance(value, bool | str):
                return _constant(value, _kind_of(value))
            if isinstance(value, int | float):
                return _constant(float(value), "number")
            return _constant(str(value), "string")
        raise ScreenNameError(f"unknown name {name!r}", position=node.start)

    # -- unary -----------------------------------------------------------------------------
    def _negate(self, node: Negate) -> _Compiled:
        inner = self.compile(node.operand)
        if inner.constant:
            return _constant(-float(inner.value), "number")

        def wrap(thunk: Thunk) -> Thunk:
            def negate() -> Any:
                return -thunk()

            return negate

        return _Compiled(wrap(inner.preview), wrap(inner.commit), "number")

    def _not(self, node: Not) -> _Compiled:
        inner = _as_truth(self.compile(node.operand))
        if inner.constant:
            return _constant(not inner.value, "bool")

        def wrap(thunk: Thunk) -> Thunk:
            def negation() -> bool:
                return not thunk()

            return negation

        return _Compiled(wrap(inner.preview), wrap(inner.commit), "bool")

    def _lookback(self, node: Lookback) -> _Compiled:
        inner = self.compile(node.operand)
        bars = node.bars
        if bars == 0:
            return inner
        ring: deque[Any] = deque([NAN] * bars, maxlen=bars)
        preview = partial(operator.getitem, ring, 0)
        source = inner.commit

        def commit() -> Any:
            value = ring[0]
            ring.append(source())
            return value

        # a shifted truth value is NaN before the first bars: a number (true/false read 1/0)
        return _Compiled(preview, commit, "string" if inner.kind == "string" else "number")

    # -- binary ----------------------------------------------------------------------------
    def _arithmetic(self, node: Arithmetic) -> _Compiled:
        left = self.compile(node.left)
        right = self.compile(node.right)
        function = _ARITHMETIC[node.operator]
        if left.constant and right.constant:
            return _constant(function(float(left.value), float(right.value)), "number")
        symbol = node.operator

        def build(a: Thunk, b: Thunk) -> Thunk:
            if right.constant:
                constant = float(right.value)
                if symbol == "+":
                    return lambda: a() + constant
                if symbol == "-":
                    return lambda: a() - constant
                if symbol == "*":
                    return lambda: a() * constant
                if constant == 0.0:
                    return itertools.repeat(NAN).__next__
                return lambda: a() / constant
            if symbol == "+":
                return lambda: a() + b()
            if symbol == "-":
                return lambda: a() - b()
            if symbol == "*":
                return lambda: a() * b()

            def divide() -> float:
                numerator = a()
                denominator = b()
                return numerator / denominator if denominator != 0.0 else NAN

            return divide

        return _Compiled(
            build(left.preview, right.preview), build(left.commit, right.commit), "number"
        )

    def _add_side(self, node: Node, compiled: _Compiled) -> None:
        """Name a compared value in :meth:`StreamEvaluator.values` (literals are left out)."""
        if constant_value(node) is not None or isinstance(node, String | Boolean):
            return
        self.sides.append((node, compiled.preview))

    def _compare(self, node: Compare) -> _Compiled:
        left = self.compile(node.left)
        right = self.compile(node.right)
        function = _COMPARE[node.operator]
        if left.constant and right.constant:
            return _constant(bool(function(left.value, right.value)), "bool")
        # named as the scan's columns: each side that is not a literal, by its own label
        self._add_side(node.left, left)
        self._add_side(node.right, right)
        symbol = node.operator

        def build(a: Thunk, b: Thunk) -> Thunk:
            if right.constant:
                c = right.value
                if c != c:
                    return itertools.repeat(False).__next__
                if symbol == "<":
                    return lambda: a() < c
                if symbol == "<=":
                    return lambda: a() <= c
                if symbol == ">":
                    return lambda: a() > c
                if symbol == ">=":
                    return lambda: a() >= c
                if symbol == "==":
                    return lambda: a() == c

                def differs_from_constant() -> bool:
                    x = a()
                    return bool(x == x and x != c)

                return differs_from_constant
            if symbol == "<":
                return lambda: a() < b()
            if symbol == "<=":
                return lambda: a() <= b()
            if symbol == ">":
                return lambda: a() > b()
            if symbol == ">=":
                return lambda: a() >= b()
            if symbol == "==":
                return lambda: a() == b()

            def differs() -> bool:
                x = a()
                y = b()
                return bool(x == x and y == y and x != y)

            return differs

        return _Compiled(
            build(left.preview, right.preview), build(left.commit, right.commit), "bool"
        )

    def _logical(self, node: Logical) -> _Compiled:
        operands = [_as_truth(self.compile(operand)) for operand in node.operands]
        is_and = node.operator == "and"
        constants = [operand.value for operand in operands if operand.constant]
        if is_and and False in constants:
            return _constant(False, "bool")
        if not is_and and True in constants:
            return _constant(True, "bool")
        live = [operand for operand in operands if not operand.constant]
        if not live:
            return _constant(is_and, "bool")
        if len(live) == 1:
            return live[0]
        previews = tuple(operand.preview for operand in live)
        commits = tuple(operand.commit for operand in live)
        if len(live) == 2:
            p0, p1 = previews
            c0, c1 = commits
            if is_and:

                def preview_and() -> bool:
                    return bool(p0() and p1())

                def commit_and() -> bool:
                    x = c0()
                    y = c1()
                    return bool(x and y)

                return _Compiled(preview_and, commit_and, "bool")

            def preview_or() -> bool:
                return bool(p0() or p1())

            def commit_or() -> bool:
                x = c0()
                y = c1()
                return bool(x or y)

            return _Compiled(preview_or, commit_or, "bool")

        if is_and:

            def preview_all() -> bool:
                return all(thunk() for thunk in previews)

            def commit_all() -> bool:
                results = [thunk() for thunk in commits]
                return all(results)

            return _Compiled(preview_all, commit_all, "bool")

        def preview_any() -> bool:
            return any(thunk() for thunk in previews)

        def commit_any() -> bool:
            results = [thunk() for thunk in commits]
            return any(results)

        return _Compiled(preview_any, commit_any, "bool")

    # -- calls -----------------------------------------------------------------------------
    def _call(self, node: Call) -> _Compiled:
        spec = self.resolver(node)
        function = spec.function
        name = function if isinstance(function, str) else str(function.__name__)
        series = [self.compile(argument) for argument in spec.series]
        if spec.kind == "helper":
            return self._helper(node, name, series, spec.parameters)
        return self._indicator(node, name, series, spec.parameters, spec.output_index)

    def _indicator(
        self,
        node: Call,
        name: str,
        series: list[_Compiled],
        parameters: Mapping[str, int | float],
        output_index: int,
    ) -> _Compiled:
        cls = getattr(_streaming, name.upper(), None)
        if cls is None:
            raise ScreenNameError(f"no streaming form of {name!r}", position=node.start)
        indicator = cls(**dict(parameters))
        self.indicators.append(indicator)
        multiple = len(getattr(cls, "outputs", ("value",))) > 1
        index = output_index
        update = indicator.update
        update_last = indicator.update_last

        def build(method: Callable[..., Any], thunks: list[Thunk]) -> Thunk:
            if len(thunks) == 1:
                (s0,) = thunks
                if multiple:
                    return lambda: method(s0())[index]
                return lambda: method(s0())
            if len(thunks) == 2:
                s0, s1 = thunks
                if multiple:
                    return lambda: method(s0(), s1())[index]
                return lambda: method(s0(), s1())
            if len(thunks) == 3:
                s0, s1, s2 = thunks
                if multiple:
                    return lambda: method(s0(), s1(), s2())[index]
                return lambda: method(s0(), s1(), s2())
            every = tuple(thunks)
            if multiple:
                return lambda: method(*[thunk() for thunk in every])[index]
            return lambda: method(*[thunk() for thunk in every])

        return _Compiled(
            build(update_last, [s.preview for s in series]),
            build(update, [s.commit for s in series]),
            "number",
        )

    def _helper(
        self,
        node: Call,
        name: str,
        series: list[_Compiled],
        parameters: Mapping[str, int | float],
    ) -> _Compiled:
        if name in ("highest", "lowest", "sum", "avg"):
            if len(series) != 1 or len(parameters) != 1:
                raise ScreenNameError(
                    f"{name}(x, n) takes a series and a period", position=node.start
                )
            period = int(next(iter(parameters.values())))
            return _rolling(name, series[0], period)
        if name == "abs":
            (inner,) = series
            if inner.constant:
                return _constant(abs(float(inner.value)), "number")
            return _Compiled(_abs(inner.preview), _abs(inner.commit), "number")
        if name in ("min", "max"):
            left, right = series
            function = _minimum if name == "min" else _maximum
            if left.constant and right.constant:
                return _constant(function(float(left.value), float(right.value)), "number")
            return _Compiled(
                _pairwise(function, left.preview, right.preview),
                _pairwise(function, left.commit, right.commit),
                "number",
            )
        if name in ("crosses_above", "crosses_below"):
            left, right = series
            self._add_side(node.arguments[0], left)
            self._add_side(node.arguments[1], right)
            return _crosses(name == "crosses_above", left, right)
        raise ScreenNameError(f"unknown helper {name!r}", position=node.start)


def _abs(thunk: Thunk) -> Thunk:
    def absolute() -> Any:
        return abs(thunk())

    return absolute


def _pairwise(function: Callable[[float, float], float], a: Thunk, b: Thunk) -> Thunk:
    def pairwise() -> float:
        return function(a(), b())

    return pairwise


def _crosses(above: bool, left: _Compiled, right: _Compiled) -> _Compiled:
    """``a[1] <= b[1] and a > b`` (``above``) or ``a[1] >= b[1] and a < b``."""
    previous = [NAN, NAN]
    lp, rp, lc, rc = left.preview, right.preview, left.commit, right.commit
    if above:

        def preview() -> bool:
            return bool(previous[0] <= previous[1] and lp() > rp())

        def commit() -> bool:
            a = lc()
            b = rc()
            result = previous[0] <= previous[1] and a > b
            previous[0] = a
            previous[1] = b
            return bool(result)

    else:

        def preview() -> bool:
            return bool(previous[0] >= previous[1] and lp() < rp())

        def commit() -> bool:
            a = lc()
            b = rc()
            result = previous[0] >= previous[1] and a < b
            previous[0] = a
            previous[1] = b
            return bool(result)

    return _Compiled(preview, commit, "bool")


def _rolling(name: str, inner: _Compiled, period: int) -> _Compiled:
    """``highest lowest sum avg`` over the last ``period`` bars, current included.

    The committed part (the last ``period - 1`` values) is aggregated once per commit; a
    preview combines it with the forming value in O(1).
    """
    if period < 1:
        raise ScreenNameError(f"{name}: the period must be >= 1, not {period}")
    keep = period - 1
    ring: deque[float] = deque(maxlen=max(keep, 1))
    # state: [aggregate of the committed part (NaN when any is NaN), committed count]
    state: list[float] = [0.0 if keep == 0 else NAN, 0.0]
    source_preview, source_commit = inner.preview, inner.commit

    combine: Callable[[float, float], float]
    if name == "highest":
        combine = _maximum
    elif name == "lowest":
        combine = _minimum
    elif name == "sum":
        combine = operator.add
    else:

        def combine(part: float, value: float) -> float:
            return (part + value) / period

    if name in ("highest", "lowest") and keep == 0:

        def combine(part: float, value: float) -> float:
            return value

    def aggregate() -> float:
        values = list(ring)
        if any(value != value for value in values):
            return NAN
        if name == "highest":
            return max(values)
        if name == "lowest":
            return min(values)
        total = 0.0  # oldest first, as the vectorized evaluator: bit-identical sums
        for value in values:
            total += value
        return total

    def preview() -> float:
        value = float(source_preview())
        return combine(state[0], value)

    def commit() -> float:
        value = float(source_commit())
        result = combine(state[0], value)
        if keep:
            ring.append(value)
            state[1] += 1
            state[0] = aggregate() if state[1] >= keep else NAN
        return result

    return _Compiled(preview, commit, "number")


class StreamEvaluator:
    """One condition (or expression) evaluated incrementally for one instrument.

    ``node`` is a :class:`~yeouido.screener.syntax.Query` (its condition is evaluated) or any
    expression node; ``instrument_fields`` gives the instrument's attributes (``code``,
    ``market``, ``kospi200`` …) for names that read them; ``text`` is the source the node was
    parsed from (names the comparison sides in :meth:`values`); ``resolver`` resolves calls
    (default :func:`yeouido.screener.functions.resolve`).

    ``bar`` may be a list of five floats shared with other evaluators of the same instrument:
    :meth:`commit_current`, :meth:`preview_current` and :meth:`current_values` read it, which
    is how :class:`yeouido.screener.watch.Watch` updates one buffer per trade.
    """

    __slots__ = (
        "_bar",
        "_commit",
        "_count",
        "_preview",
        "_previous_close",
        "_sides",
        "kind",
        "node",
        "text",
    )

    def __init__(
        self,
        node: Node,
        instrument_fields: Mapping[str, object] | None = None,
        *,
        text: str | None = None,
        resolver: Resolver | None = None,
        bar: list[float] | None = None,
    ) -> None:
        self.node = node
        self.text = text
        self._bar: list[float] = bar if bar is not None else [NAN] * 5
        if len(self._bar) != 5:
            raise ValueError("the bar buffer must hold five values (open high low close volume)")
        self._previous_close = [NAN]
        compiler = _Compiler(
            self._bar, self._previous_close, instrument_fields or {}, resolver or _default_resolver
        )
        compiled = compiler.compile(node)
        self._preview: Thunk = compiled.preview
        self._commit: Thunk = compiled.commit
        self.kind: Kind = compiled.kind
        sides: dict[str, Thunk] = {}
        for side, thunk in compiler.sides:
            sides.setdefault(self._name(side), thunk)
        self._sides = list(sides.items())
        self._count = 0

    # -- naming ------------------------------------------------------------------------------
    @staticmethod
    def _name(node: Node) -> str:
        from yeouido.screener.parser import value_label

        return value_label(node)

    # -- committing and previewing -------------------------------------------------------------
    def update(self, bar: BarInput) -> Value:
        """Commit a finished bar and return the value at that bar."""
        self._load(bar)
        return self.commit_current()

    def preview(self, bar: BarInput) -> Value:
        """The value if the still-forming ``bar`` ended now; commits nothing."""
        self._load(bar)
        return self._preview()  # type: ignore[no-any-return]

    def warm_up(self, bars: Iterable[BarInput]) -> Value:
        """Commit every bar of ``bars`` in order; return the value at the last (NaN if none)."""
        value: Value = NAN
        load = self._load
        commit = self.commit_current
        for bar in bars:
            load(bar)
            value = commit()
        return value

    def warm_up_arrays(
        self,
        open: Sequence[float],
        high: Sequence[float],
        low: Sequence[float],
        close: Sequence[float],
        volume: Sequence[float],
    ) -> Value:
        """:meth:`warm_up` from five equal-length columns (e.g. a bar panel's arrays)."""
        value: Value = NAN
        buffer = self._bar
        commit = self.commit_current
        for o, h, lo, c, v in zip(open, high, low, close, volume, strict=True):
            buffer[0] = float(o)
            buffer[1] = float(h)
            buffer[2] = float(lo)
            buffer[3] = float(c)
            buffer[4] = float(v)
            value = commit()
        return value

    def commit_current(self) -> Value:
        """Commit the bar in the shared buffer and return the value at it."""
        value: Value = self._commit()
        self._previous_close[0] = self._bar[_CLOSE]
        self._count += 1
        return value

    def preview_current(self) -> Value:
        """Preview the bar in the shared buffer (commits nothing)."""
        return self._preview()  # type: ignore[no-any-return]

    def values(self, bar: BarInput) -> dict[str, float]:
        """The compared values if the forming ``bar`` ended now, named as a scan's columns: each
        side of a comparison or a cross that is not a literal, under its compact label
        (``{"close": close, "sma(close,20)": sma}``); truth values read 1.0 / 0.0."""
        self._load(bar)
        return self.current_values()

    def current_values(self) -> dict[str, float]:
        """:meth:`values` for the bar in the shared buffer."""
        result: dict[str, float] = {}
        for name, side in self._sides:
            value = side()
            result[name] = float(value) if not isinstance(value, str) else NAN
        return result

    @property
    def preview_thunk(self) -> Callable[[], Any]:
        """The compiled preview of the shared buffer (:meth:`preview_current` without the
        method call), for tight loops such as the watch's."""
        return self._preview

    @property
    def count(self) -> int:
        """How many bars have been committed."""
        return self._count

    @property
    def previous_close(self) -> float:
        """The close of the last committed bar (NaN before any)."""
        return self._previous_close[0]

    def _load(self, bar: BarInput) -> None:
        buffer = self._bar
        if isinstance(bar, Sequence):
            buffer[0] = float(bar[0])
            buffer[1] = float(bar[1])
            buffer[2] = float(bar[2])
            buffer[3] = float(bar[3])
            buffer[4] = float(bar[4])
        else:
            buffer[0] = float(bar.open)
            buffer[1] = float(bar.high)
            buffer[2] = float(bar.low)
            buffer[3] = float(bar.close)
            buffer[4] = float(bar.volume)

    def __repr__(self) -> str:
        return f"StreamEvaluator(count={self._count}, kind={self.kind!r})"
