"""The streaming evaluator equals the vectorized definitions bar by bar, and previews commit
nothing."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yeouido import ta
from yeouido.model.errors import ScreenNameError
from yeouido.screener import functions, syntax
from yeouido.screener.panel import BarPanel
from yeouido.screener.parser import parse
from yeouido.screener.stream import CallSpecLike, StreamEvaluator
from yeouido.screener.vector import evaluate

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")


def _resolver() -> Callable[[syntax.Call], CallSpecLike]:
    return functions.resolve


def reference(query: syntax.Node, bars: list[tuple[float, ...]]) -> np.ndarray:
    """The vectorized evaluator's values over a one-instrument panel."""
    columns = np.array(bars, dtype=float).T
    dates = np.datetime64("2024-01-01") + np.arange(len(bars))
    panel = BarPanel.from_arrays(["005930"], dates, *(column[None, :] for column in columns))
    return np.asarray(evaluate(query, panel)[0])


# -- generated expressions ------------------------------------------------------------------
_FIELDS = st.sampled_from(["open", "high", "low", "close", "volume", "change"])
_LITERALS = st.sampled_from(["0", "0.5", "1", "2", "100", "50000"])


def _numeric(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    period = st.integers(1, 6)
    return st.one_of(
        st.tuples(children, st.sampled_from("+-*/"), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        children.map(lambda a: f"-({a})"),
        st.tuples(children, st.integers(0, 3)).map(lambda t: f"({t[0]})[{t[1]}]"),
        st.tuples(st.sampled_from(["highest", "lowest", "sum", "avg"]), children, period).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        children.map(lambda a: f"abs({a})"),
        st.tuples(st.sampled_from(["min", "max"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        st.tuples(st.sampled_from(["sma", "ema", "rsi", "wma", "mom"]), children, period).map(
            lambda t: f"{t[0]}({t[1]}, {t[2] + 1})"
        ),
        period.map(lambda p: f"atr(high, low, close, {p})"),
        st.sampled_from(
            [
                "macd(close, 3, 6, 2).macdsignal",
                "bbands(close, 4).lowerband",
                "stoch(high, low, close, 3, 2, 0, 2, 0).slowd",
                "cci(high, low, close, 4)",
            ]
        ),
    )


NUMERIC = st.recursive(st.one_of(_FIELDS, _FIELDS, _LITERALS), _numeric, max_leaves=6)


def _conditions(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        children.map(lambda a: f"not ({a})"),
        st.tuples(children, st.sampled_from(["and", "or"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(children, st.integers(1, 2)).map(lambda t: f"({t[0]})[{t[1]}]"),
    )


COMPARISON = st.one_of(
    st.tuples(NUMERIC, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), NUMERIC).map(
        lambda t: f"{t[0]} {t[1]} {t[2]}"
    ),
    st.tuples(st.sampled_from(["crosses_above", "crosses_below"]), NUMERIC, NUMERIC).map(
        lambda t: f"{t[0]}({t[1]}, {t[2]})"
    ),
)
CONDITION = st.recursive(COMPARISON, _conditions, max_leaves=4)


@st.composite
def bar_series(draw: st.DrawFn) -> list[tuple[float, float, float, float, float]]:
    """A random walk of daily bars (ticks of 10 won, some flat bars, some zero volume)."""
    size = draw(st.integers(1, 40))
    price = draw(st.integers(100, 2_000)) * 10
    bars = []
    for _ in range(size):
        open_ = max(10, price + draw(st.integers(-3, 3)) * 10)
        close = max(10, open_ + draw(st.integers(-5, 5)) * 10)
        high = max(open_, close) + draw(st.integers(0, 3)) * 10
        low = max(10, min(open_, close) - draw(st.integers(0, 3)) * 10)
        volume = draw(st.sampled_from([0, 1, 100, 12_345]))
        bars.append((float(open_), float(high), float(low), float(close), float(volume)))
        price = close
    return bars


def _same(streamed: Any, expected: Any, truth: bool = False) -> bool:
    if truth:  # the vectorized evaluator gives 1.0 / 0.0
        return isinstance(streamed, bool) and float(streamed) == float(expected)
    expected = float(expected)
    streamed = float(streamed)
    if math.isnan(expected) or math.isnan(streamed):
        return math.isnan(expected) and math.isnan(streamed)
    return math.isclose(streamed, expected, rel_tol=1e-12, abs_tol=1e-9)


def _check_against_reference(text: str, bars: list[tuple[float, ...]]) -> None:
    query = parse(text)
    expected = reference(query, bars)
    evaluator = StreamEvaluator(query, {}, text=text, resolver=_resolver())
    truth = evaluator.kind == "bool"
    for position, bar in enumerate(bars):
        previewed = evaluator.preview(bar)
        again = evaluator.preview(bar)
        committed = evaluator.update(bar)
        assert _same(previewed, committed) or (previewed != previewed and committed != committed)
        assert _same(again, committed) or (again != again and committed != committed)
        assert _same(committed, expected[position], truth), (text, position, committed)
    assert evaluator.count == len(bars)


@settings(max_examples=60)
@given(CONDITION, bar_series())
def test_streaming_condition_equals_the_vectorized_definition_at_every_bar(
    text: str, bars: list[tuple[float, ...]]
) -> None:
    _check_against_reference(text, bars)


@settings(max_examples=60)
@given(NUMERIC, bar_series())
def test_streaming_expression_equals_the_vectorized_definition_at_every_bar(
    text: str, bars: list[tuple[float, ...]]
) -> None:
    _check_against_reference(text, bars)


# -- hand-written cases ---------------------------------------------------------------------

BARS = [
    (100.0, 110.0, 95.0, 105.0, 1000.0),
    (105.0, 108.0, 100.0, 102.0, 800.0),
    (102.0, 112.0, 101.0, 111.0, 1500.0),
    (111.0, 115.0, 109.0, 110.0, 900.0),
]


def _evaluator(text: str, fields: dict[str, object] | None = None) -> StreamEvaluator:
    return StreamEvaluator(parse(text), fields or {}, text=text, resolver=_resolver())


def test_change_uses_the_previous_committed_close() -> None:
    evaluator = _evaluator("change")
    assert math.isnan(float(evaluator.update(BARS[0])))
    assert evaluator.preview((105, 106, 104, 106, 10)) == pytest.approx(100 * (106 - 105) / 105)
    assert evaluator.preview((105, 106, 100, 100, 10)) == pytest.approx(100 * (100 - 105) / 105)
    assert evaluator.update(BARS[1]) == pytest.approx(100 * (102 - 105) / 105)


def test_preview_commits_nothing() -> None:
    evaluator = _evaluator("sma(close, 2) > close[1] and highest(high, 2) > 111")
    evaluator.warm_up(BARS[:2])
    before = evaluator.count
    for price in (90.0, 200.0, 101.0):
        evaluator.preview((102, max(112, price), 90, price, 10))
    assert evaluator.count == before
    fresh = _evaluator("sma(close, 2) > close[1] and highest(high, 2) > 111")
    fresh.warm_up(BARS[:2])
    assert evaluator.update(BARS[2]) == fresh.update(BARS[2])
    assert evaluator.update(BARS[3]) == fresh.update(BARS[3])


def test_lookback_reads_committed_values_and_preview_sits_at_offset_zero() -> None:
    evaluator = _evaluator("close - close[1]")
    evaluator.warm_up(BARS[:2])
    assert evaluator.preview((1, 1, 1, 120, 1)) == 120 - 102
    assert evaluator.preview((1, 1, 1, 90, 1)) == 90 - 102


def test_crosses_above_uses_the_committed_previous_bar() -> None:
    evaluator = _evaluator("crosses_above(close, 104)")
    assert evaluator.update(BARS[0]) is False  # no previous bar
    assert evaluator.update(BARS[1]) is False  # 102 < 104
    assert evaluator.preview((102, 112, 101, 105, 1)) is True
    assert evaluator.preview((102, 112, 101, 103, 1)) is False
    assert evaluator.update(BARS[2]) is True
    assert evaluator.update(BARS[3]) is False  # already above


def test_comparisons_with_nan_are_false_including_not_equal() -> None:
    evaluator = _evaluator("close[1] != 5 or change != 1 or close[1] < 5")
    assert evaluator.update(BARS[0]) is False


def test_instrument_fields_are_constants() -> None:
    evaluator = _evaluator('market == "KOSPI" and kospi200 and close > 100', {
        "market": "KOSPI", "kospi200": True,
    })  # fmt: skip
    assert evaluator.update(BARS[0]) is True
    other = _evaluator('market == "KOSPI" and close > 100', {"market": "KOSDAQ"})
    assert other.update(BARS[0]) is False


def test_values_are_named_by_the_values_compared() -> None:
    text = "close > sma(close, 2) and change > 0.5"
    evaluator = _evaluator(text)
    evaluator.update(BARS[0])
    values = evaluator.values(BARS[1])
    assert set(values) == {"close", "sma(close,2)", "change"}
    assert values["sma(close,2)"] == pytest.approx((105 + 102) / 2)
    assert values["close"] == 102
    assert values["change"] == pytest.approx((102 / 105 - 1) * 100)


def test_values_of_a_parsed_or_korean_condition_use_canonical_labels() -> None:
    evaluator = StreamEvaluator(parse("close>open"), {}, resolver=_resolver())
    assert set(evaluator.values(BARS[0])) == {"close", "open"}
    korean = StreamEvaluator(parse("종가 > 시가"), {}, resolver=_resolver())
    assert set(korean.values(BARS[0])) == {"close", "open"}


def test_unknown_names_raise_screen_name_error() -> None:
    with pytest.raises(ScreenNameError):
        _evaluator("closing > 1")
    with pytest.raises(ScreenNameError):
        _evaluator("market == 'KOSPI'")


def test_multi_output_indicator_selects_the_named_output() -> None:
    closes = [100.0 + (i * 7) % 13 for i in range(40)]
    evaluator = _evaluator("macd(close, 3, 6, 2).macdhist")
    streamed = [evaluator.update((c, c, c, c, 1.0)) for c in closes]
    expected = ta.macd(np.array(closes), 3, 6, 2)[2]
    np.testing.assert_array_equal(np.array(streamed, dtype=float), expected)


def test_warm_up_arrays_equals_bar_by_bar_updates() -> None:
    text = "rsi(close, 3) > 50 or avg(volume, 2) > 1000"
    one = _evaluator(text)
    two = _evaluator(text)
    columns = list(zip(*BARS, strict=True))
    assert one.warm_up_arrays(*columns) == two.warm_up(BARS)
    assert one.preview(BARS[0]) == two.preview(BARS[0])
