"""The function registry of the condition language, shared by both evaluators.

Every callable of the language is described here once: the :mod:`yeouido.ta` indicators (the
40 with a TA-Lib counterpart and the Korean HTS ones) and the helpers of
:data:`yeouido.screener.syntax.HELPERS`. For each: its series inputs in order, its numeric
parameters (name, default, ``int`` or ``float``) and its output names. TA-Lib's own names are
used for the TA-Lib functions (``macd`` → ``macd, macdsignal, macdhist``; ``bbands`` →
``upperband, middleband, lowerband``; single-output functions → ``real``), so
``macd(close).macdsignal`` reads as in TA-Lib. The table is data: it does not need ``talib``
at run time (the test suite checks it against ``talib.abstract``).

A call is written with its series first, then its parameters, positionally or by keyword::

    rsi(close, 14)            bbands(close, 20, nbdevup=2.5).lowerband
    stoch(high, low, close).slowd          highest(high, 20)

:func:`resolve` checks one :class:`~yeouido.screener.syntax.Call` against the table and
returns a :class:`CallSpec`; :func:`check` validates a whole query (names, calls, lookbacks,
and where text values may appear). Both raise :class:`~yeouido.model.errors.ScreenNameError`
with the position of the offending node.

Excluded (see :data:`EXCLUDED`): ``vwap`` (intraday: it needs the session of each bar, and on
daily bars it would only be the typical price) and ``adr`` (등락비율 is a property of a whole
market: it needs the advances and declines of a universe, not one instrument's series).
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from yeouido import ta
from yeouido.model.errors import IndicatorError, ScreenNameError
from yeouido.screener.parser import caret_line
from yeouido.screener.syntax import (
    BAR_FIELDS,
    DERIVED_FIELDS,
    INSTRUMENT_FIELDS,
    Boolean,
    Call,
    Compare,
    Lookback,
    Name,
    Negate,
    Node,
    Number,
    Query,
    String,
    children,
)

__all__ = [
    "EXCLUDED",
    "FUNCTIONS",
    "NAMES",
    "TEXT_FIELDS",
    "CallSpec",
    "FunctionInfo",
    "Parameter",
    "batch_function",
    "check",
    "constant_value",
    "is_text",
    "resolve",
]

FunctionKind = Literal["ta", "helper"]


@dataclass(frozen=True, slots=True)
class Parameter:
    """A numeric parameter: ``type`` is ``"int"`` (whole numbers only) or ``"float"``;
    ``default`` ``None`` means the parameter must be given (helpers' ``timeperiod``)."""

    name: str
    default: int | float | None
    type: Literal["int", "float"] = "int"
    minimum: int | float | None = None


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    """One callable of the language."""

    name: str
    kind: FunctionKind
    inputs: tuple[str, ...]
    """The series inputs, in call order (TA-Lib's input names for the TA-Lib functions)."""
    parameters: tuple[Parameter, ...]
    """The numeric parameters after the series, in positional order."""
    outputs: tuple[str, ...]
    """Output names in the order the batch function returns them (``.name`` selects one)."""
    summary: str = ""

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called ``name``, if any."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        return None


def _int(name: str, default: int | None, minimum: int | None = None) -> Parameter:
    return Parameter(name, default, "int", minimum)


def _float(name: str, default: float) -> Parameter:
    return Parameter(name, default, "float")


_CLOSE = ("close",)
_HL = ("high", "low")
_HLC = ("high", "low", "close")
_HLCV = ("high", "low", "close", "volume")
_REAL = ("real",)
_PERIOD_30 = (_int("timeperiod", 30),)
_PERIOD_14 = (_int("timeperiod", 14),)
_PERIOD_10 = (_int("timeperiod", 10),)
_OSCILLATOR = (_int("fastperiod", 12), _int("slowperiod", 26), _int("matype", 1))


def _ta(
    name: str,
    inputs: tuple[str, ...],
    parameters: tuple[Parameter, ...],
    outputs: tuple[str, ...] = _REAL,
    summary: str = "",
) -> FunctionInfo:
    return FunctionInfo(name, "ta", inputs, parameters, outputs, summary)


_TALIB_TABLE = (
    _ta("sma", _CLOSE, _PERIOD_30, summary="simple moving average"),
    _ta("ema", _CLOSE, _PERIOD_30, summary="exponential moving average"),
    _ta("wma", _CLOSE, _PERIOD_30, summary="weighted moving average"),
    _ta("dema", _CLOSE, _PERIOD_30, summary="double exponential moving average"),
    _ta("tema", _CLOSE, _PERIOD_30, summary="triple exponential moving average"),
    _ta("trima", _CLOSE, _PERIOD_30, summary="triangular moving average"),
    _ta("kama", _CLOSE, _PERIOD_30, summary="Kaufman adaptive moving average"),
    _ta(
        "macd",
        _CLOSE,
        (_int("fastperiod", 12), _int("slowperiod", 26), _int("signalperiod", 9)),
        ("macd", "macdsignal", "macdhist"),
        "moving average convergence/divergence",
    ),
    _ta("rsi", _CLOSE, _PERIOD_14, summary="relative strength index"),
    _ta(
        "stoch",
        _HLC,
        (
            _int("fastk_period", 5),
            _int("slowk_period", 3),
            _int("slowk_matype", 0),
            _int("slowd_period", 3),
            _int("slowd_matype", 0),
        ),
        ("slowk", "slowd"),
        "slow stochastic",
    ),
    _ta(
        "stochf",
        _HLC,
        (_int("fastk_period", 5), _int("fastd_period", 3), _int("fastd_matype", 0)),
        ("fastk", "fastd"),
        "fast stochastic",
    ),
    _ta(
        "stochrsi",
        _CLOSE,
        (
            _int("timeperiod", 14),
            _int("fastk_period", 5),
            _int("fastd_period", 3),
            _int("fastd_matype", 0),
        ),
        ("fastk", "fastd"),
        "stochastic RSI",
    ),
    _ta("willr", _HLC, _PERIOD_14, summary="Williams %R"),
    _ta("cci", _HLC, _PERIOD_14, summary="commodity channel index"),
    _ta(
        "bbands",
        _CLOSE,
        (
            _int("timeperiod", 20),
            _float("nbdevup", 2.0),
            _float("nbdevdn", 2.0),
            _int("matype", 0),
        ),
        ("upperband", "middleband", "lowerband"),
        "Bollinger bands",
    ),
    _ta("atr", _HLC, _PERIOD_14, summary="average true range"),
    _ta("natr", _HLC, _PERIOD_14, summary="normalized average true range"),
    _ta("trange", _HLC, (), summary="true range"),
    _ta("adx", _HLC, _PERIOD_14, summary="average directional index"),
    _ta("adxr", _HLC, _PERIOD_14, summary="average directional index rating"),
    _ta("plus_di", _HLC, _PERIOD_14, summary="plus directional indicator"),
    _ta("minus_di", _HLC, _PERIOD_14, summary="minus directional indicator"),
    _ta("dx", _HLC, _PERIOD_14, summary="directional movement index"),
    _ta("obv", ("close", "volume"), (), summary="on-balance volume"),
    _ta("ad", _HLCV, (), summary="Chaikin accumulation/distribution line"),
    _ta(
        "adosc",
        _HLCV,
        (_int("fastperiod", 3), _int("slowperiod", 10)),
        summary="Chaikin A/D oscillator",
    ),
    _ta("mfi", _HLCV, _PERIOD_14, summary="money flow index"),
    _ta(
        "sar",
        _HL,
        (_float("acceleration", 0.02), _float("maximum", 0.2)),
        summary="parabolic SAR",
    ),
    _ta("roc", _CLOSE, _PERIOD_10, summary="rate of change (percent)"),
    _ta("mom", _CLOSE, _PERIOD_10, summary="momentum"),
    _ta("trix", _CLOSE, _PERIOD_30, summary="1-day rate of change of a triple-smooth EMA"),
    _ta("aroon", _HL, _PERIOD_14, ("aroondown", "aroonup"), "Aroon"),
    _ta(
        "ultosc",
        _HLC,
        (_int("timeperiod1", 7), _int("timeperiod2", 14), _int("timeperiod3", 28)),
        summary="ultimate oscillator",
    ),
    _ta("linearreg", _CLOSE, _PERIOD_14, summary="linear regression"),
    _ta(
        "stddev",
        _CLOSE,
        (_int("timeperiod", 5), _float("nbdev", 1.0)),
        summary="standard deviation",
    ),
    _ta("midprice", _HL, _PERIOD_14, summary="midpoint price over a period"),
    _ta("ppo", _CLOSE, _OSCILLATOR, summary="percentage price oscillator"),
    _ta("apo", _CLOSE, _OSCILLATOR, summary="absolute price oscillator"),
    _ta("cmo", _CLOSE, _PERIOD_14, summary="Chande momentum oscillator"),
    _ta("bop", ("open", "high", "low", "close"), (), summary="balance of power"),
)

_KOREAN_TABLE = (
    _ta("disparity", _CLOSE, (_int("timeperiod", 20),), ("disparity",), "이격도"),
    _ta("psy", _CLOSE, (_int("timeperiod", 10),), ("psy",), "투자심리선"),
    _ta("vr", ("close", "volume"), (_int("timeperiod", 20),), ("vr",), "volume ratio"),
    _ta(
        "envelope",
        _CLOSE,
        (_int("timeperiod", 20), _float("percent", 6.0)),
        ("upper", "middle", "lower"),
        "envelope",
    ),
    _ta(
        "price_channel",
        _HL,
        (_int("timeperiod", 20),),
        ("upper", "lower"),
        "price channel of the bars before the current one",
    ),
    _ta(
        "ichimoku",
        _HLC,
        (
            _int("conversion_period", 9),
            _int("base_period", 26),
            _int("leading_period", 52),
            _int("displacement", 26),
        ),
        ("conversion", "base", "leading_a", "leading_b", "lagging"),
        "일목균형표 (lagging reads the future: NaN for the last displacement bars)",
    ),
    _ta(
        "pivot_points",
        _HLC,
        (),
        ("pivot", "r1", "r2", "s1", "s2"),
        "classic pivots from the previous bar",
    ),
)


def _helper(
    name: str, inputs: tuple[str, ...], parameters: tuple[Parameter, ...], summary: str
) -> FunctionInfo:
    return FunctionInfo(name, "helper", inputs, parameters, ("real",), summary)


_WINDOW = (_int("timeperiod", None, 1),)
_HELPER_TABLE = (
    _helper("highest", _REAL, _WINDOW, "highest value of the last n bars (current included)"),
    _helper("lowest", _REAL, _WINDOW, "lowest value of the last n bars (current included)"),
    _helper("sum", _REAL, _WINDOW, "sum of the last n bars (current included)"),
    _helper("avg", _REAL, _WINDOW, "mean of the last n bars (current included)"),
    _helper("abs", _REAL, (), "absolute value"),
    _helper("min", ("real0", "real1"), (), "element-wise minimum"),
    _helper("max", ("real0", "real1"), (), "element-wise maximum"),
    _helper("crosses_above", ("real0", "real1"), (), "a <= b on the previous bar and a > b now"),
    _helper("crosses_below", ("real0", "real1"), (), "a >= b on the previous bar and a < b now"),
)

FUNCTIONS: Mapping[str, FunctionInfo] = MappingProxyType(
    {info.name: info for info in (*_TALIB_TABLE, *_KOREAN_TABLE, *_HELPER_TABLE)}
)
"""Every callable of the language by name."""

EXCLUDED: Mapping[str, str] = MappingProxyType(
    {
        "vwap": (
            "vwap is intraday: it restarts every session and needs each bar's session date; on "
            "daily bars it is only the typical price, (high + low + close) / 3 — write that"
        ),
        "adr": (
            "adr (등락비율) is a market-wide indicator: it needs the advances and declines of a "
            "whole universe, not one instrument's bars"
        ),
    }
)
""":mod:`yeouido.ta` functions that cannot be evaluated per instrument, with the reason."""

TEXT_FIELDS = ("code", "name", "market", "kind")
"""Instrument fields whose values are text (compare them with ``==`` / ``!=`` to a string).
``kospi200`` is 1/0 and ``leverage`` the signed multiple (``2``, ``-1``, …; 1 otherwise)."""

NAMES = (*BAR_FIELDS, *DERIVED_FIELDS, *INSTRUMENT_FIELDS)
"""Every name the language knows."""


@dataclass(frozen=True, slots=True)
class CallSpec:
    """A checked call: the function, its series arguments (one node per series input), its
    parameters (positional, then keywords, then defaults, converted to ``int`` or
    ``float``), and which output it selects."""

    function: str
    kind: FunctionKind
    series: tuple[Node, ...]
    parameters: dict[str, int | float] = field(hash=False)
    output_index: int = 0

    @property
    def info(self) -> FunctionInfo:
        """The function's table entry."""
        return FUNCTIONS[self.function]

    @property
    def output(self) -> str:
        """The selected output's name."""
        return FUNCTIONS[self.function].outputs[self.output_index]


def batch_function(name: str) -> Callable[..., Any]:
    """The :mod:`yeouido.ta` batch function of a ``"ta"`` entry (series positional, then
    parameters by keyword)."""
    info = FUNCTIONS.get(name)
    if info is None or info.kind != "ta":
        raise KeyError(name)
    function: Callable[..., Any] = getattr(ta, name)
    return function


def constant_value(node: Node) -> float | None:
    """The value of a number literal, possibly negated (``-2``), else ``None``."""
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Negate):
        inner = constant_value(node.operand)
        return None if inner is None else -inner
    return None


def is_text(node: Node) -> bool:
    """Whether ``node`` is a text value: a string literal or a text instrument field."""
    return isinstance(node, String) or (isinstance(node, Name) and node.name in TEXT_FIELDS)


def _caret(source: str | None, position: int) -> str:
    if source is None or not 0 <= position <= len(source) or "\n" in source:
        return ""
    return f"\n  {source}\n  {caret_line(source, position)}"


def _name_error(message: str, position: int, source: str | None, value: Any = None) -> Exception:
    return ScreenNameError(
        message + _caret(source, position), position=position, field="expression", value=value
    )


def _suggestion(word: str, candidates: Iterator[str] | tuple[str, ...]) -> str:
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""


def _parameter_value(
    call: Call, parameter: Parameter, node: Node, source: str | None
) -> int | float:
    value = constant_value(node)
    if value is None:
        raise _name_error(
            f"parameter '{parameter.name}' of {call.function}() at position {node.start} must "
            "be a number literal (parameters are constants; series go first)",
            node.start,
            source,
            parameter.name,
        )
    if parameter.type == "int":
        if not math.isfinite(value) or value != int(value):
            raise _name_error(
                f"parameter '{parameter.name}' of {call.function}() at position {node.start} "
                f"must be a whole number, found {value:g}",
                node.start,
                source,
                value,
            )
        number: int | float = int(value)
    else:
        number = float(value)
    if parameter.minimum is not None and number < parameter.minimum:
        raise _name_error(
            f"parameter '{parameter.name}' of {call.function}() at position {node.start} must "
            f"be >= {parameter.minimum:g}, found {number:g}",
            node.start,
            source,
            number,
        )
    return number


@functools.lru_cache(maxsize=1024)
def _indicator_complaint(name: str, parameters: tuple[tuple[str, int | float], ...]) -> str | None:
    """What the indicator says about these parameters (run once on two NaN bars), or
    ``None`` when it accepts them."""
    info = FUNCTIONS[name]
    dummy = np.full(2, np.nan)
    try:
        batch_function(name)(*(dummy for _ in info.inputs), **dict(parameters))
    except IndicatorError as error:
        return error.message
    return None


def resolve(call: Call, *, source: str | None = None) -> CallSpec:
    """Check ``call`` against the registry and bind its arguments.

    Raises :class:`ScreenNameError` (``position`` at the call, or at the offending argument)
    for an unknown or excluded function, a wrong number of series or parameters, a parameter
    that is not a number literal or not a whole number where one is needed, an unknown or
    repeated keyword, parameters the indicator refuses (e.g. ``timeperiod=0``), or an unknown
    output name. ``source``, when given, is quoted with a caret in the message."""
    name = call.function
    info = FUNCTIONS.get(name)
    if info is None:
        if name in EXCLUDED:
            raise _name_error(
                f"{name}() at position {call.start} cannot be used in a screen: {EXCLUDED[name]}",
                call.start,
                source,
                name,
            )
        hint = _suggestion(name, tuple(FUNCTIONS))
        if name in NAMES:
            hint = f"; '{name}' is a field, not a function"
        raise _name_error(
            f"unknown function '{name}' at position {call.start}{hint}", call.start, source, name
        )
    series_count = len(info.inputs)
    positional = call.arguments
    signature = f"{name}({', '.join((*info.inputs, *(p.name for p in info.parameters)))})"
    if len(positional) < series_count:
        raise _name_error(
            f"{name}() at position {call.start} needs {series_count} series "
            f"({', '.join(info.inputs)}) before its parameters, found {len(positional)}: "
            f"{signature}",
            call.start,
            source,
            name,
        )
    extra = positional[series_count:]
    if len(extra) > len(info.parameters):
        surplus = extra[len(info.parameters)]
        raise _name_error(
            f"{name}() takes at most "
            f"{series_count + len(info.parameters)} arguments, found {len(positional)} "
            f"(the extra one at position {surplus.start}): {signature}",
            surplus.start,
            source,
            name,
        )
    parameters: dict[str, int | float] = {}
    for parameter, node in zip(info.parameters, extra, strict=False):
        parameters[parameter.name] = _parameter_value(call, parameter, node, source)
    for keyword, node in call.keywords:
        named = info.parameter(keyword)
        if named is None:
            names = tuple(p.name for p in info.parameters)
            hint = _suggestion(keyword, names) or (
                f"; its parameters are {', '.join(names)}" if names else "; it has none"
            )
            if keyword in info.inputs:
                hint = "; series inputs are given by position"
            raise _name_error(
                f"unknown parameter '{keyword}' of {name}() at position {node.start}{hint}",
                node.start,
                source,
                keyword,
            )
        if keyword in parameters:
            raise _name_error(
                f"parameter '{keyword}' of {name}() given twice (at position {node.start})",
                node.start,
                source,
                keyword,
            )
        parameters[keyword] = _parameter_value(call, named, node, source)
    for parameter in info.parameters:
        if parameter.name not in parameters:
            if parameter.default is None:
                raise _name_error(
                    f"{name}() at position {call.start} needs its parameter "
                    f"'{parameter.name}': {signature}",
                    call.start,
                    source,
                    name,
                )
            parameters[parameter.name] = parameter.default
    output_index = 0
    if call.output is not None:
        if call.output not in info.outputs:
            position = max(call.start, call.end - len(call.output))
            hint = _suggestion(call.output, info.outputs) or (
                f"; its outputs are {', '.join(info.outputs)}"
            )
            raise _name_error(
                f"unknown output '{call.output}' of {name}() at position {position}{hint}",
                position,
                source,
                call.output,
            )
        output_index = info.outputs.index(call.output)
    if info.kind == "ta":
        complaint = _indicator_complaint(name, tuple(sorted(parameters.items())))
        if complaint is not None:
            raise _name_error(
                f"{name}() at position {call.start}: {complaint}", call.start, source, name
            )
    return CallSpec(name, info.kind, positional[:series_count], parameters, output_index)


def _text_misuse(node: Node, source: str | None) -> Exception:
    what = f"'{node.name}'" if isinstance(node, Name) else "a string"
    return _name_error(
        f"{what} at position {node.start} is text: compare it with == or != to a string "
        '(market == "KOSPI", kind == "etf")',
        node.start,
        source,
    )


def _check_node(node: Node, source: str | None) -> None:
    if isinstance(node, Name):
        if node.name not in NAMES:
            hint = _suggestion(node.name, NAMES)
            if node.name in FUNCTIONS:
                hint = f"; '{node.name}' is a function: call it as {node.name}(...)"
            raise _name_error(
                f"unknown name '{node.name}' at position {node.start}{hint}",
                node.start,
                source,
                node.name,
            )
        return
    if isinstance(node, Number | Boolean | String):
        return
    if isinstance(node, Lookback) and (
        not isinstance(node.bars, int) or isinstance(node.bars, bool) or node.bars < 0
    ):
        raise _name_error(
            f"lookback at position {node.start} must be a whole number of bars >= 0, "
            f"found {node.bars!r}",
            node.start,
            source,
            node.bars,
        )
    if isinstance(node, Call):
        spec = resolve(node, source=source)
        for argument in spec.series:
            _check_node(argument, source)
            if is_text(argument):
                raise _text_misuse(argument, source)
        return
    if isinstance(node, Compare):
        left_text, right_text = is_text(node.left), is_text(node.right)
        if left_text or right_text:
            if node.operator not in ("==", "!="):
                culprit = node.left if left_text else node.right
                raise _text_misuse(culprit, source)
            if left_text != right_text:
                raise _name_error(
                    f"comparison at position {node.start} compares text with a number",
                    node.start,
                    source,
                )
        for child in (node.left, node.right):
            _check_node(child, source)
        return
    for child in children(node):
        _check_node(child, source)
        if is_text(child):
            raise _text_misuse(child, source)


def check(query: Query | Node, *, source: str | None = None) -> None:
    """Validate every name, call and lookback of ``query`` (a :class:`Query` or any node).

    Raises :class:`ScreenNameError` with the position of the first problem: an unknown name
    or function (with a "did you mean" for near misses), a call :func:`resolve` refuses, a
    negative lookback, or a text value (``market``, ``"etf"``) used anywhere but in ``==`` /
    ``!=`` against another text value. ``source``, when given, is quoted with a caret."""
    if isinstance(query, Query):
        _check_node(query.condition, source)
        if is_text(query.condition):
            raise _text_misuse(query.condition, source)
        if query.sort is not None:
            _check_node(query.sort, source)
            if is_text(query.sort):
                raise _text_misuse(query.sort, source)
        if query.limit is not None and query.limit < 0:
            raise _name_error(
                f"limit must be >= 0, found {query.limit}", query.start, source, query.limit
            )
        return
    _check_node(query, source)
