"""Parity of yeouido.ta.momentum with TA-Lib on every real KRX daily file, plus input checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import talib

from tests.ta.test_overlap import assert_parity
from yeouido.model.errors import IndicatorError
from yeouido.ta import momentum

CLOSE_CASES: list[Any] = [
    ("macd", ()),
    ("macd", (5, 35, 5)),
    ("macd", (26, 12, 1)),
    ("rsi", ()),
    ("rsi", (6,)),
    ("cmo", ()),
    ("cmo", (9,)),
    ("roc", ()),
    ("roc", (1,)),
    ("mom", ()),
    ("mom", (3,)),
    ("trix", ()),
    ("trix", (9,)),
    ("apo", ()),
    ("apo", (5, 20, 0)),
    ("ppo", ()),
    ("ppo", (10, 21, 0)),
]
HLC_CASES: list[tuple[str, tuple[Any, ...]]] = [
    ("stoch", ()),
    ("stoch", (9, 4, 1, 2, 1)),
    ("stochf", ()),
    ("stochf", (14, 4, 1)),
    ("willr", ()),
    ("willr", (5,)),
    ("cci", ()),
    ("cci", (20,)),
]


def _frames(directory: Path) -> list[pd.DataFrame]:
    return [pd.read_csv(path) for path in sorted(directory.glob("*.csv"))]


@pytest.mark.parametrize(("name", "args"), CLOSE_CASES)
def test_close_parity(krx_daily_dir: Path, name: str, args: tuple[Any, ...]) -> None:
    ours, theirs = getattr(momentum, name), getattr(talib, name.upper())
    for frame in _frames(krx_daily_dir):
        close = frame["close"].to_numpy(dtype=np.float64)
        assert_parity(ours(close, *args), theirs(close, *args))
        padded = np.concatenate([np.full(6, np.nan), close])
        assert_parity(ours(padded, *args), theirs(padded, *args))


@pytest.mark.parametrize(("name", "args"), HLC_CASES)
def test_hlc_parity(krx_daily_dir: Path, name: str, args: tuple[Any, ...]) -> None:
    ours, theirs = getattr(momentum, name), getattr(talib, name.upper())
    for frame in _frames(krx_daily_dir):
        high, low, close = (
            frame[key].to_numpy(dtype=np.float64) for key in ("high", "low", "close")
        )
        assert_parity(ours(high, low, close, *args), theirs(high, low, close, *args))
        high[:2] = np.nan
        close[:5] = np.nan
        assert_parity(ours(high, low, close, *args), theirs(high, low, close, *args))


@pytest.mark.parametrize("args", [(), (9, 5, 3, 1), (6, 10, 3, 0)])
def test_stochrsi_parity_on_its_scale(krx_daily_dir: Path, args: tuple[Any, ...]) -> None:
    """TA-Lib's build fuses RSI's multiply-add, so RSI can differ by an ulp. Where one side is
    exactly at the 0/100 edge the other may then be ~1e-13 off it: that, and nothing else, is
    allowed. Where the RSI stands still over the %K window both give the flat answer, 0."""
    for frame in _frames(krx_daily_dir):
        close = frame["close"].to_numpy(dtype=np.float64)
        for mine, reference in zip(
            momentum.stochrsi(close, *args), talib.STOCHRSI(close, *args), strict=True
        ):
            assert np.array_equal(np.isnan(mine), np.isnan(reference))
            off = ~np.isclose(mine, reference, rtol=1e-9, atol=0, equal_nan=True)
            edge = np.minimum(np.abs(reference), np.abs(100 - reference)) <= 1e-7
            edge &= np.abs(mine - reference) <= 1e-7
            unexplained = off & ~edge
            assert not unexplained.any(), (np.flatnonzero(unexplained)[:5], mine[unexplained][:5])


def test_series_in_series_out() -> None:
    index = pd.RangeIndex(100, 160)
    close = pd.Series(100.0 + np.sin(np.arange(60)), index=index)
    line, signal, histogram = momentum.macd(close)
    assert all(
        isinstance(part, pd.Series) and part.index.equals(index)
        for part in (line, signal, histogram)
    )
    k, _d = momentum.stoch(close + 1.0, close - 1.0, close)
    assert isinstance(k, pd.Series) and k.index.equals(index)
    assert isinstance(momentum.rsi(close), pd.Series)


def test_too_short_is_all_nan() -> None:
    close = np.linspace(1.0, 2.0, 10)
    assert all(np.isnan(part).all() for part in momentum.macd(close))
    assert np.isnan(momentum.rsi(close, 14)).all()
    assert all(np.isnan(part).all() for part in momentum.stochrsi(close))


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: momentum.rsi([1.0, 2.0, 3.0], 0), "timeperiod"),
        (lambda: momentum.macd([1.0, 2.0, 3.0], signalperiod=0), "signalperiod"),
        (lambda: momentum.stoch([1.0], [1.0], [1.0], slowk_matype=8), "slowk_matype"),
        (lambda: momentum.apo([1.0, 2.0], matype=7), "matype"),
        (lambda: momentum.willr([1.0, 2.0], [1.0], [1.0, 2.0]), "inputs"),
        (lambda: momentum.cci([1.0, 2.0], [1.0, float("inf")], [1.0, 2.0]), "low"),
        (lambda: momentum.mom(["x", "y"]), "real"),
        (lambda: momentum.roc([1.0, 2.0], 0), "timeperiod"),
    ],
)
def test_bad_input_raises(call: Callable[[], Any], field: str) -> None:
    with pytest.raises(IndicatorError) as raised:
        call()
    assert raised.value.field == field
