"""Batch chart signals on hand-worked cases, and streaming detectors equal to them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yeouido.model.errors import IndicatorError
from yeouido.ta.signals import (
    BandBreakDetector,
    BandReentryDetector,
    CrossoverDetector,
    Signal,
    ThresholdCrossDetector,
    band_break,
    band_reentry,
    cross_above,
    cross_below,
    crossover,
    threshold_cross,
)


def test_crossover_hand_worked() -> None:
    fast = [1.0, 2.0, 3.0, 2.0, 1.0, np.nan, 3.0]
    slow = [2.0] * 7
    np.testing.assert_array_equal(crossover(fast, slow), [0, 0, 1, 0, -1, 0, 0])
    np.testing.assert_array_equal(cross_above(fast, slow), [0, 0, 1, 0, 0, 0, 0])
    np.testing.assert_array_equal(cross_below(fast, slow), [0, 0, 0, 0, -1, 0, 0])
    assert crossover(fast, slow).dtype == np.int8


def test_threshold_cross_series_in_series_out() -> None:
    rsi = pd.Series([25.0, 35.0, 75.0, 65.0, 28.0], index=list("abcde"))
    assert list(threshold_cross(rsi, 30.0)) == [0, 1, 0, 0, -1]
    assert list(threshold_cross(rsi, 70.0)) == [0, 0, 1, -1, 0]
    assert threshold_cross(rsi, 30.0).index.equals(rsi.index)


def test_band_break_and_reentry() -> None:
    close = [1.0, 3.0, 1.0, -2.0, 0.0]
    upper = [2.0] * 5
    lower = [0.0] * 5
    np.testing.assert_array_equal(band_break(close, upper, lower), [0, 1, 0, -1, 0])
    np.testing.assert_array_equal(band_reentry(close, upper, lower), [0, 0, -1, 0, 1])


def test_bad_input() -> None:
    with pytest.raises(IndicatorError) as error:
        crossover([1.0, 2.0], [1.0])
    assert error.value.field == "inputs"
    with pytest.raises(IndicatorError) as error:
        threshold_cross([1.0, 2.0], float("inf"))
    assert error.value.field == "level"
    with pytest.raises(IndicatorError):
        CrossoverDetector().update(1.0)


def _events(signals: np.ndarray, up: str, down: str) -> list[Signal | None]:
    names = {1: Signal(0, up, "up"), -1: Signal(0, down, "down")}
    return [
        None if value == 0 else Signal(time, names[value].name, names[value].direction)
        for time, value in enumerate(signals.tolist())
    ]


values = st.one_of(st.just(float("nan")), st.integers(-3, 3).map(float))


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(values, values, values, st.booleans()), min_size=1, max_size=40),
    level=st.integers(-2, 2).map(float),
)
def test_streaming_detectors_equal_batch(rows, level) -> None:
    first = np.array([row[0] for row in rows])
    second = np.array([row[1] for row in rows])
    third = np.array([row[2] for row in rows])
    cases = [
        (CrossoverDetector(), (first, second), crossover(first, second)),
        (ThresholdCrossDetector(level), (first,), threshold_cross(first, level)),
        (BandBreakDetector(), (first, second, third), band_break(first, second, third)),
        (BandReentryDetector(), (first, second, third), band_reentry(first, second, third)),
    ]
    for detector, inputs, batch in cases:
        expected = _events(batch, detector.up_name, detector.down_name)
        for time, row in enumerate(zip(*inputs, strict=True)):
            if rows[time][3]:
                detector.update_last(*(value + 1.0 for value in row), time=time)
            preview = detector.update_last(*row, time=time)
            assert detector.update(*row, time=time) == preview == expected[time]
