"""Parity of ``atr``, ``natr`` and ``trange`` with TA-Lib on every real KRX daily file, plus the
input contract (Series in/out, validation, warm-up)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib

from yeouido.model.errors import IndicatorError
from yeouido.ta.volatility import atr, natr, trange

COLUMNS = ("open", "high", "low", "close", "volume")


@lru_cache(maxsize=64)
def load_bars(path: Path) -> dict[str, np.ndarray]:
    frame = pd.read_csv(path)
    return {name: frame[name].to_numpy(dtype=np.float64) for name in COLUMNS}


def assert_same_as_talib(ours: np.ndarray, theirs: np.ndarray) -> None:
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0, equal_nan=True)


CASES = [
    ("trange", trange, talib.TRANGE, {}),
    ("atr", atr, talib.ATR, {}),
    ("atr_1", atr, talib.ATR, {"timeperiod": 1}),
    ("atr_5", atr, talib.ATR, {"timeperiod": 5}),
    ("natr", natr, talib.NATR, {}),
    ("natr_1", natr, talib.NATR, {"timeperiod": 1}),
    ("natr_30", natr, talib.NATR, {"timeperiod": 30}),
]


@pytest.mark.parametrize(
    ("ours", "theirs", "parameters"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_matches_talib_on_every_real_file(krx_daily_dir: Path, ours, theirs, parameters) -> None:
    files = sorted(krx_daily_dir.glob("*.csv"))
    assert files
    for path in files:
        bars = load_bars(path)
        inputs = (bars["high"], bars["low"], bars["close"])
        assert_same_as_talib(ours(*inputs, **parameters), theirs(*inputs, **parameters))


@pytest.mark.parametrize(
    ("ours", "theirs", "parameters"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_leading_nan_is_skipped_like_talib(krx_daily_dir: Path, ours, theirs, parameters) -> None:
    bars = load_bars(sorted(krx_daily_dir.glob("*.csv"))[0])
    high, low, close = bars["high"][:300].copy(), bars["low"][:300].copy(), bars["close"][:300]
    high[:4] = np.nan
    low[:7] = np.nan
    assert_same_as_talib(
        ours(high, low, close, **parameters), theirs(high, low, close, **parameters)
    )


def test_series_in_gives_series_out_on_the_same_index() -> None:
    index = pd.date_range("2024-01-01", periods=30, freq="D")
    close = pd.Series(np.linspace(100.0, 130.0, 30), index=index)
    result = atr(close + 1.0, close - 1.0, close, timeperiod=5)
    assert isinstance(result, pd.Series)
    assert result.index.equals(index)
    assert isinstance(
        trange(close.to_numpy() + 1, close.to_numpy() - 1, close.to_numpy()), np.ndarray
    )


def test_hand_worked_atr() -> None:
    high = np.array([10.0, 11.0, 12.0, 11.5])
    low = np.array([9.0, 10.0, 10.5, 10.0])
    close = np.array([9.5, 10.5, 11.0, 10.5])
    # true ranges: nan, 1.5, 1.5, 1.5 -> atr(2) = 1.5, 1.5
    np.testing.assert_array_equal(trange(high, low, close), [np.nan, 1.5, 1.5, 1.5])
    np.testing.assert_array_equal(atr(high, low, close, 2), [np.nan, np.nan, 1.5, 1.5])


def test_too_short_gives_all_nan() -> None:
    values = np.array([1.0, 2.0, 3.0])
    assert np.isnan(atr(values + 1, values - 1, values, 14)).all()
    assert np.isnan(natr(values + 1, values - 1, values, 3)).all()


@pytest.mark.parametrize("function", [atr, natr])
def test_bad_inputs_raise_indicator_error(function) -> None:
    values = np.arange(1.0, 21.0)
    with pytest.raises(IndicatorError) as error:
        function(values, values[:-1], values)
    assert error.value.field == "inputs"
    with pytest.raises(IndicatorError) as error:
        function(values, values, values, timeperiod=0)
    assert error.value.field == "timeperiod"
    with pytest.raises(IndicatorError) as error:
        function(values, ["a"] * 20, values)
    assert error.value.field == "low"
    with_inf = values.copy()
    with_inf[3] = np.inf
    with pytest.raises(IndicatorError) as error:
        function(values, values, with_inf)
    assert error.value.field == "close"


def _group_b_functions() -> list[tuple[str, object, tuple[str, ...], dict[str, int]]]:
    from yeouido.ta import oscillators, trend, volume

    hlc = ("high", "low", "close")
    hlcv = ("high", "low", "close", "volume")
    return [
        ("trange", trange, hlc, {}),
        ("atr", atr, hlc, {"timeperiod": 3}),
        ("atr_1", atr, hlc, {"timeperiod": 1}),
        ("natr", natr, hlc, {"timeperiod": 3}),
        ("plus_di", trend.plus_di, hlc, {"timeperiod": 3}),
        ("minus_di_1", trend.minus_di, hlc, {"timeperiod": 1}),
        ("dx", trend.dx, hlc, {"timeperiod": 3}),
        ("adx", trend.adx, hlc, {"timeperiod": 3}),
        ("adxr", trend.adxr, hlc, {"timeperiod": 3}),
        ("sar", trend.sar, ("high", "low"), {}),
        ("aroon", trend.aroon, ("high", "low"), {"timeperiod": 3}),
        ("obv", volume.obv, ("close", "volume"), {}),
        ("ad", volume.ad, hlcv, {}),
        ("adosc", volume.adosc, hlcv, {"fastperiod": 2, "slowperiod": 4}),
        ("mfi", volume.mfi, hlcv, {"timeperiod": 3}),
        ("ultosc", oscillators.ultosc, hlc, {"timeperiod1": 2, "timeperiod2": 3}),
        ("bop", oscillators.bop, ("open", "high", "low", "close"), {}),
    ]


@pytest.mark.parametrize("case", _group_b_functions(), ids=lambda case: case[0])
@pytest.mark.parametrize("size", [1, 3, 12])
def test_inf_anywhere_is_refused_naming_the_input(case, size) -> None:
    """The kernels look for inf in the same pass as their arithmetic: an inf at any bar of
    any input (before, at or after the first complete bar, or the last bar) must still raise
    the error naming that input, and NaN alone must not."""
    _, function, names, parameters = case
    base = np.linspace(10.0, 20.0, size)
    data = {
        "open": base,
        "high": base + 1.0,
        "low": base - 1.0,
        "close": base + 0.5,
        "volume": base * 10.0,
    }
    for name in names:
        for position in range(size):
            for leading_nan in (False, True):
                for value in (np.inf, -np.inf):
                    arrays = {key: data[key].copy() for key in names}
                    if leading_nan and position > 0:
                        arrays[names[-1] if name != names[-1] else names[0]][0] = np.nan
                    arrays[name][position] = value
                    with pytest.raises(IndicatorError) as error:
                        function(*(arrays[key] for key in names), **parameters)
                    # obv calls its price input ``real``, as TA-Lib does.
                    assert error.value.field == (
                        "real" if function.__name__ == "obv" and name == "close" else name
                    )
    with_nan = {key: data[key].copy() for key in names}
    with_nan[names[0]][size // 2] = np.nan
    function(*(with_nan[key] for key in names), **parameters)
