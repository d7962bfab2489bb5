"""Parity of yeouido.ta.overlap with TA-Lib on every real KRX daily file, plus input checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import talib

from yeouido.model.errors import IndicatorError
from yeouido.ta import overlap


def _load(directory: Path) -> list[pd.DataFrame]:
    return [pd.read_csv(path) for path in sorted(directory.glob("*.csv"))]


def assert_parity(ours: Any, theirs: Any) -> None:
    """Same NaN mask and values within 1e-9 relative, output by output."""
    ours_tuple = ours if isinstance(ours, tuple) else (ours,)
    theirs_tuple = theirs if isinstance(theirs, tuple) else (theirs,)
    assert len(ours_tuple) == len(theirs_tuple)
    for mine, reference in zip(ours_tuple, theirs_tuple, strict=True):
        mine = np.asarray(mine)
        assert np.array_equal(np.isnan(mine), np.isnan(reference))
        np.testing.assert_allclose(mine, reference, rtol=1e-9, atol=0, equal_nan=True)


CLOSE_CASES: list[tuple[Callable[..., Any], Callable[..., Any], tuple[Any, ...]]] = [
    (overlap.sma, talib.SMA, ()),
    (overlap.sma, talib.SMA, (7,)),
    (overlap.ema, talib.EMA, ()),
    (overlap.ema, talib.EMA, (9,)),
    (overlap.wma, talib.WMA, ()),
    (overlap.wma, talib.WMA, (4,)),
    (overlap.dema, talib.DEMA, ()),
    (overlap.dema, talib.DEMA, (5,)),
    (overlap.tema, talib.TEMA, ()),
    (overlap.tema, talib.TEMA, (6,)),
    (overlap.trima, talib.TRIMA, ()),
    (overlap.trima, talib.TRIMA, (7,)),
    (overlap.trima, talib.TRIMA, (8,)),
    (overlap.kama, talib.KAMA, ()),
    (overlap.kama, talib.KAMA, (10,)),
    (overlap.bbands, talib.BBANDS, ()),
    (overlap.bbands, talib.BBANDS, (10, 1.5, 2.5, 1)),
    (overlap.bbands, talib.BBANDS, (5, 1.0, 1.0, 2)),
    (overlap.bbands, talib.BBANDS, (5, 2.0, 2.0, 5)),
    (overlap.bbands, talib.BBANDS, (5, 2.0, 2.0, 6)),
]


@pytest.mark.parametrize(("ours", "theirs", "args"), CLOSE_CASES)
def test_close_parity(
    krx_daily_dir: Path,
    ours: Callable[..., Any],
    theirs: Callable[..., Any],
    args: tuple[Any, ...],
) -> None:
    for frame in _load(krx_daily_dir):
        close = frame["close"].to_numpy(dtype=np.float64)
        assert_parity(ours(close, *args), theirs(close, *args))
        padded = np.concatenate([np.full(7, np.nan), close])
        assert_parity(ours(padded, *args), theirs(padded, *args))


@pytest.mark.parametrize("args", [(), (5,), (30,)])
def test_midprice_parity(krx_daily_dir: Path, args: tuple[Any, ...]) -> None:
    for frame in _load(krx_daily_dir):
        high = frame["high"].to_numpy(dtype=np.float64)
        low = frame["low"].to_numpy(dtype=np.float64)
        assert_parity(overlap.midprice(high, low, *args), talib.MIDPRICE(high, low, *args))
        high[:3] = np.nan
        assert_parity(overlap.midprice(high, low, *args), talib.MIDPRICE(high, low, *args))


@pytest.mark.parametrize("name", ["sma", "ema", "wma", "dema", "tema", "trima", "kama"])
def test_period_one_is_identity_like_talib(name: str) -> None:
    values = np.array([np.nan, 1.5, 2.25, 3.0, 2.0])
    ours = getattr(overlap, name)(values, 1)
    assert_parity(ours, getattr(talib, name.upper())(values, 1))


def test_series_in_series_out() -> None:
    index = pd.date_range("2024-01-01", periods=40, freq="D")
    close = pd.Series(np.linspace(100.0, 140.0, 40), index=index)
    result = overlap.sma(close, 5)
    assert isinstance(result, pd.Series)
    assert result.index.equals(index)
    upper, middle, lower = overlap.bbands(close)
    assert all(isinstance(band, pd.Series) for band in (upper, middle, lower))
    assert isinstance(overlap.midprice(close + 1, close - 1), pd.Series)
    assert isinstance(overlap.ema([1.0, 2.0, 3.0], 2), np.ndarray)


def test_too_short_is_all_nan() -> None:
    values = np.arange(5, dtype=np.float64)
    assert np.isnan(overlap.sma(values, 30)).all()
    assert all(np.isnan(band).all() for band in overlap.bbands(values))
    assert np.isnan(overlap.kama(values, 5)).all()
    assert overlap.ema(np.array([]), 3).shape == (0,)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: overlap.sma([1.0, 2.0, 3.0], 0), "timeperiod"),
        (lambda: overlap.sma([1.0, 2.0, 3.0], 100_001), "timeperiod"),
        (lambda: overlap.bbands([1.0, 2.0, 3.0], 1), "timeperiod"),
        (lambda: overlap.bbands([1.0, 2.0, 3.0], matype=7), "matype"),
        (lambda: overlap.bbands([1.0, 2.0, 3.0], nbdevup=float("inf")), "nbdevup"),
        (lambda: overlap.ema(["a", "b"], 2), "real"),
        (lambda: overlap.wma([1.0, float("inf"), 3.0], 2), "real"),
        (lambda: overlap.midprice([1.0, 2.0], [1.0], 2), "inputs"),
        (lambda: overlap.midprice([1.0, 2.0], [1.0, 2.0], 1), "timeperiod"),
    ],
)
def test_bad_input_raises(call: Callable[[], Any], field: str) -> None:
    with pytest.raises(IndicatorError) as raised:
        call()
    assert raised.value.field == field
