"""Streaming forms of group A equal the batch functions bit for bit (hypothesis + real data)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yeouido.model.errors import IndicatorError
from yeouido.ta import momentum, overlap, statistics
from yeouido.ta import stream_momentum as sm
from yeouido.ta import stream_overlap as so

CASES: list[tuple[Callable[..., Any], type[Any], str, tuple[Any, ...]]] = [
    (overlap.sma, so.SMA, "c", (4,)),
    (overlap.ema, so.EMA, "c", (4,)),
    (overlap.wma, so.WMA, "c", (4,)),
    (overlap.dema, so.DEMA, "c", (3,)),
    (overlap.tema, so.TEMA, "c", (3,)),
    (overlap.trima, so.TRIMA, "c", (5,)),
    (overlap.trima, so.TRIMA, "c", (4,)),
    (overlap.kama, so.KAMA, "c", (4,)),
    (overlap.sma, so.SMA, "c", (1,)),
    (overlap.bbands, so.BBANDS, "c", (5,)),
    (overlap.bbands, so.BBANDS, "c", (4, 1.5, 2.5, 1)),
    (overlap.bbands, so.BBANDS, "c", (3, 2.0, 2.0, 6)),
    (overlap.midprice, so.MIDPRICE, "hl", (4,)),
    (statistics.stddev, so.STDDEV, "c", (4, 1.5)),
    (statistics.linearreg, so.LINEARREG, "c", (5,)),
    (momentum.macd, sm.MACD, "c", (3, 6, 3)),
    (momentum.rsi, sm.RSI, "c", (4,)),
    (momentum.cmo, sm.CMO, "c", (4,)),
    (momentum.stoch, sm.STOCH, "hlc", (4, 2, 0, 3, 1)),
    (momentum.stochf, sm.STOCHF, "hlc", (3, 2, 1)),
    (momentum.stochrsi, sm.STOCHRSI, "c", (4, 3, 2, 0)),
    (momentum.willr, sm.WILLR, "hlc", (4,)),
    (momentum.cci, sm.CCI, "hlc", (4,)),
    (momentum.roc, sm.ROC, "c", (3,)),
    (momentum.mom, sm.MOM, "c", (3,)),
    (momentum.trix, sm.TRIX, "c", (3,)),
    (momentum.apo, sm.APO, "c", (3, 5, 1)),
    (momentum.ppo, sm.PPO, "c", (3, 5, 0)),
]
IDS = [f"{cls.__name__}{args}" for _, cls, _, args in CASES]

prices = st.floats(min_value=1.0, max_value=1000.0, allow_nan=False)


def _same(first: Any, second: Any) -> bool:
    return bool(np.array_equal(np.asarray(first), np.asarray(second), equal_nan=True))


def _inputs(closes: list[float], kinds: str, leading_nan: int) -> list[np.ndarray]:
    close = np.array(closes, dtype=np.float64)
    close[:leading_nan] = np.nan
    by_kind = {"c": close, "h": close * 1.01 + 0.5, "l": close * 0.99 - 0.25}
    return [by_kind[kind] for kind in kinds]


def _run(
    cls: type[Any], args: tuple[Any, ...], arrays: list[np.ndarray], previews: list[float]
) -> np.ndarray:
    indicator = cls(*args)
    outputs = []
    for position, row in enumerate(zip(*arrays, strict=True)):
        for preview in previews[position % 3 : position % 3 + 1]:
            indicator.update_last(*(preview for _ in row))
        expected = indicator.update_last(*row)
        value = indicator.update(*row)
        assert _same(expected, value)
        assert _same(indicator.value, value)
        outputs.append(value if isinstance(value, tuple) else (value,))
    return np.array(outputs, dtype=np.float64).T


@pytest.mark.parametrize(("batch", "cls", "kinds", "args"), CASES, ids=IDS)
@settings(max_examples=50, deadline=None)
@given(
    closes=st.lists(prices, min_size=0, max_size=40),
    leading_nan=st.integers(min_value=0, max_value=3),
    previews=st.lists(st.one_of(prices, st.just(math.nan)), min_size=3, max_size=3),
)
def test_streaming_equals_batch(
    batch: Callable[..., Any],
    cls: type[Any],
    kinds: str,
    args: tuple[Any, ...],
    closes: list[float],
    leading_nan: int,
    previews: list[float],
) -> None:
    arrays = _inputs(closes, kinds, leading_nan)
    expected = batch(*arrays, *args)
    expected = expected if isinstance(expected, tuple) else (expected,)
    streamed = _run(cls, args, arrays, previews)
    for position, output in enumerate(expected):
        column = streamed[position] if len(closes) else np.array([])
        assert np.array_equal(column, output, equal_nan=True)


@pytest.mark.parametrize(("batch", "cls", "kinds", "args"), CASES, ids=IDS)
def test_streaming_equals_batch_on_real_data(
    krx_daily_dir: Path,
    batch: Callable[..., Any],
    cls: type[Any],
    kinds: str,
    args: tuple[Any, ...],
) -> None:
    frame = pd.read_csv(sorted(krx_daily_dir.glob("*.csv"))[0]).iloc[:1500]
    columns = {"c": "close", "h": "high", "l": "low"}
    arrays = [frame[columns[kind]].to_numpy(dtype=np.float64) for kind in kinds]
    expected = batch(*arrays, *args)
    expected = expected if isinstance(expected, tuple) else (expected,)
    streamed = _run(cls, args, arrays, [math.nan, 1.0, 5.0])
    for position, output in enumerate(expected):
        assert np.array_equal(streamed[position], output, equal_nan=True)


def test_default_parameters_match_batch() -> None:
    assert so.SMA().timeperiod == 30
    assert sm.APO().matype == 1
    assert sm.STOCHRSI().fastk_period == 5
    assert so.BBANDS().nbdevup == 2.0


def test_reset_and_bad_values() -> None:
    indicator = sm.MACD()
    for value in range(40):
        indicator.update(float(value))
    assert indicator.count == 40
    indicator.reset()
    assert indicator.count == 0
    assert all(math.isnan(part) for part in indicator.value)
    with pytest.raises(IndicatorError) as raised:
        indicator.update(math.inf)
    assert raised.value.field == "close"
    with pytest.raises(IndicatorError):
        sm.WILLR().update(1.0, 2.0)
    with pytest.raises(IndicatorError) as raised:
        so.SMA(0)
    assert raised.value.field == "timeperiod"


def test_step_contract_does_not_mutate() -> None:
    indicator = so.EMA(3)
    for value in (1.0, 2.0, 3.0):
        indicator.update(value)
    state = indicator._state
    new_state, output = indicator._step(state, (4.0,))
    assert new_state is not state
    assert output == indicator.update_last(4.0) == indicator.update(4.0)
