"""The function registry: the table against TA-Lib and our own signatures, and call checks."""

from __future__ import annotations

import inspect

import pytest
import talib.abstract

from yeouido import ta
from yeouido.model.errors import ScreenNameError
from yeouido.screener.functions import (
    EXCLUDED,
    FUNCTIONS,
    CallSpec,
    check,
    resolve,
)
from yeouido.screener.parser import parse
from yeouido.screener.syntax import HELPERS, Call, Name


def talib_inputs(name: str) -> tuple[str, ...]:
    """TA-Lib's input series of ``name``, flattened in order (``price`` → ``close``…)."""
    flattened: list[str] = []
    for value in talib.abstract.Function(name.upper()).input_names.values():
        flattened.extend([value] if isinstance(value, str) else value)
    return tuple(flattened)


def call_of(text: str) -> Call:
    node = parse(text).condition
    assert isinstance(node, Call)
    return node


def test_the_registry_covers_every_ta_function_and_helper_except_the_excluded() -> None:
    expected = set(ta.TALIB_FUNCTIONS) | set(ta.KOREAN_FUNCTIONS) | set(HELPERS)
    assert set(FUNCTIONS) | set(EXCLUDED) == expected
    assert set(EXCLUDED) == {"vwap", "adr"}
    assert len(ta.TALIB_FUNCTIONS) == 40
    assert {FUNCTIONS[name].kind for name in HELPERS} == {"helper"}
    assert {FUNCTIONS[name].kind for name in ta.TALIB_FUNCTIONS} == {"ta"}


@pytest.mark.parametrize("name", ta.TALIB_FUNCTIONS)
def test_table_matches_talib_abstract_api(name: str) -> None:
    info = FUNCTIONS[name]
    function = talib.abstract.Function(name.upper())
    assert info.inputs == talib_inputs(name)
    assert info.outputs == tuple(function.output_names)
    talib_parameters = dict(function.parameters)
    assert [parameter.name for parameter in info.parameters] == list(talib_parameters)
    for parameter in info.parameters:
        default = talib_parameters[parameter.name]
        assert parameter.default == default
        assert parameter.type == type(default).__name__


@pytest.mark.parametrize(
    "name", [*ta.TALIB_FUNCTIONS, *sorted(set(ta.KOREAN_FUNCTIONS) - set(EXCLUDED))]
)
def test_table_matches_our_batch_signatures(name: str) -> None:
    info = FUNCTIONS[name]
    signature = list(inspect.signature(getattr(ta, name)).parameters.values())
    series, parameters = signature[: len(info.inputs)], signature[len(info.inputs) :]
    assert all(item.default is inspect.Parameter.empty for item in series)
    assert [(item.name, item.default) for item in parameters] == [
        (parameter.name, parameter.default) for parameter in info.parameters
    ]


@pytest.mark.parametrize(
    ("name", "outputs"),
    [
        ("envelope", 3),
        ("price_channel", 2),
        ("ichimoku", 5),
        ("pivot_points", 5),
        ("disparity", 1),
        ("psy", 1),
        ("vr", 1),
    ],
)
def test_korean_output_names_match_the_returned_tuples(name: str, outputs: int) -> None:
    import numpy as np

    info = FUNCTIONS[name]
    assert len(info.outputs) == outputs == len(set(info.outputs))
    bars = np.linspace(100.0, 200.0, 120)
    result = getattr(ta, name)(*(bars for _ in info.inputs))
    assert (len(result) if isinstance(result, tuple) else 1) == outputs


def test_resolve_binds_positional_keyword_and_default_parameters() -> None:
    spec = resolve(call_of("bbands(close, 10, nbdevdn=1.5).lowerband"))
    assert isinstance(spec, CallSpec)
    assert spec.function == "bbands" and spec.kind == "ta"
    assert len(spec.series) == 1 and isinstance(spec.series[0], Name)
    assert spec.parameters == {"timeperiod": 10, "nbdevdn": 1.5, "nbdevup": 2.0, "matype": 0}
    assert isinstance(spec.parameters["timeperiod"], int)
    assert spec.output_index == 2 and spec.output == "lowerband"


def test_resolve_macd_outputs_and_helpers() -> None:
    assert resolve(call_of("macd(close)")).output_index == 0
    assert resolve(call_of("macd(close).macdhist")).output_index == 2
    assert resolve(call_of("stoch(high, low, close).slowd")).output_index == 1
    spec = resolve(call_of("highest(high, 20)"))
    assert spec.kind == "helper" and spec.parameters == {"timeperiod": 20}
    spec = resolve(call_of("crosses_above(sma(close, 5), sma(close, 20))"))
    assert spec.kind == "helper" and len(spec.series) == 2 and spec.parameters == {}
    assert resolve(call_of("sma(close, -(-5))")).parameters == {"timeperiod": 5}
    assert resolve(call_of("sma(close, 2e1)")).parameters == {"timeperiod": 20}
    inner = resolve(call_of("sma(rsi(close, 14), 5)")).series[0]
    assert isinstance(inner, Call) and (inner.function, inner.start, inner.end) == ("rsi", 4, 18)


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("smaa(close, 5)", 0, "unknown function 'smaa' at position 0; did you mean 'sma'?"),
        ("close(1)", 0, "'close' is a field, not a function"),
        ("vwap(high, low, close, volume)", 0, "vwap is intraday"),
        ("adr(close)", 0, "market-wide"),
        ("rsi()", 0, "needs 1 series (close)"),
        ("atr(high, low)", 0, "needs 3 series (high, low, close)"),
        ("sma(close, 20, 3)", 15, "takes at most 2 arguments, found 3"),
        ("sma(close, close)", 11, "must be a number literal"),
        ("sma(close, 2.5)", 11, "must be a whole number, found 2.5"),
        ("sma(close, 0)", 0, "timeperiod=0: must be >= 1"),
        ("bbands(close, matype=99)", 0, "matype=99"),
        (
            "sma(close, period=5)",
            18,
            "unknown parameter 'period' of sma() at position 18; did you mean 'timeperiod'?",
        ),
        ("sma(close, close=high)", 17, "series inputs are given by position"),
        ("sma(close, 5, timeperiod=6)", 25, "given twice"),
        (
            "macd(close).signal",
            12,
            "unknown output 'signal' of macd() at position 12; did you mean 'macdsignal'?",
        ),
        ("rsi(close).value", 11, "its outputs are real"),
        ("highest(high)", 0, "needs its parameter 'timeperiod'"),
        ("highest(high, 0)", 14, "must be >= 1"),
        ("abs(close, 3)", 11, "takes at most 1 arguments"),
    ],
)
def test_resolve_refuses_bad_calls(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ScreenNameError) as caught:
        resolve(call_of(text), source=text)
    assert caught.value.position == position
    assert fragment in caught.value.message
    assert caught.value.code == "SCREEN_NAME"
    assert caught.value.message.splitlines()[-1] == "  " + " " * position + "^"


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("clsoe > 1", 0, "unknown name 'clsoe' at position 0; did you mean 'close'?"),
        ("close > sma", 8, "'sma' is a function"),
        ("close > 1 and market > 1", 14, "'market' at position 14 is text"),
        ("kind == 5", 0, "compares text with a number"),
        ("sma(kind, 5) > 1", 4, "'kind' at position 4 is text"),
        ("close > 1 sort by name", 18, "'name' at position 18 is text"),
        ("not market", 4, "is text"),
        ("close > sma(close, 20) and rsi(clse, 14) < 30", 31, "unknown name 'clse'"),
        ("'etf' + 1 > 0", 0, "a string at position 0 is text"),
    ],
)
def test_check_validates_names_and_text_use(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ScreenNameError) as caught:
        check(parse(text), source=text)
    assert caught.value.position == position
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        'kind == "etf" and market == "KOSPI" and not kospi200 and leverage < 0',
        "code != '005930' or name == \"삼성전자\"",
        "close > sma(close, 20) and rsi(close, 14) < 30 sort by volume limit 5",
        "crosses_above(sma(close, 5), sma(close, 20)) and change > 1",
        "ichimoku(high, low, close).leading_a < close and envelope(close).lower > 0",
        "max(open, close)[3] >= min(abs(change), 2) and sum(volume, 5) > avg(volume, 20) * 5",
    ],
)
def test_check_accepts_valid_queries(text: str) -> None:
    check(parse(text), source=text)


def test_check_refuses_negative_lookbacks_built_in_code() -> None:
    from yeouido.screener.syntax import Lookback

    with pytest.raises(ScreenNameError) as caught:
        check(Lookback(0, 9, Name(0, 5, "close"), -1))
    assert "must be a whole number of bars >= 0" in caught.value.message
