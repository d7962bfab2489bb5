"""Parity of the directional movement family, ``sar`` and ``aroon`` with TA-Lib on every real
KRX daily file, plus the input contract."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib

from yeouido.model.errors import IndicatorError
from yeouido.ta.trend import adx, adxr, aroon, dx, minus_di, plus_di, sar


@lru_cache(maxsize=64)
def load_bars(path: Path) -> dict[str, np.ndarray]:
    frame = pd.read_csv(path)
    return {name: frame[name].to_numpy(dtype=np.float64) for name in ("high", "low", "close")}


def assert_same_as_talib(ours: object, theirs: object) -> None:
    pairs = zip(ours, theirs, strict=True) if isinstance(theirs, tuple) else [(ours, theirs)]
    for mine, reference in pairs:
        np.testing.assert_array_equal(np.isnan(mine), np.isnan(reference))
        np.testing.assert_allclose(mine, reference, rtol=1e-9, atol=0, equal_nan=True)


HLC = ("high", "low", "close")
HL = ("high", "low")
CASES = [
    ("plus_di", plus_di, talib.PLUS_DI, HLC, {}),
    ("plus_di_1", plus_di, talib.PLUS_DI, HLC, {"timeperiod": 1}),
    ("plus_di_5", plus_di, talib.PLUS_DI, HLC, {"timeperiod": 5}),
    ("minus_di", minus_di, talib.MINUS_DI, HLC, {}),
    ("minus_di_1", minus_di, talib.MINUS_DI, HLC, {"timeperiod": 1}),
    ("minus_di_9", minus_di, talib.MINUS_DI, HLC, {"timeperiod": 9}),
    ("dx", dx, talib.DX, HLC, {}),
    ("dx_2", dx, talib.DX, HLC, {"timeperiod": 2}),
    ("adx", adx, talib.ADX, HLC, {}),
    ("adx_5", adx, talib.ADX, HLC, {"timeperiod": 5}),
    ("adxr", adxr, talib.ADXR, HLC, {}),
    ("adxr_3", adxr, talib.ADXR, HLC, {"timeperiod": 3}),
    ("sar", sar, talib.SAR, HL, {}),
    ("sar_fast", sar, talib.SAR, HL, {"acceleration": 0.05, "maximum": 0.3}),
    ("sar_capped", sar, talib.SAR, HL, {"acceleration": 0.5, "maximum": 0.2}),
    ("aroon", aroon, talib.AROON, HL, {}),
    ("aroon_2", aroon, talib.AROON, HL, {"timeperiod": 2}),
    ("aroon_25", aroon, talib.AROON, HL, {"timeperiod": 25}),
]
IDS = [case[0] for case in CASES]
PARAMETERS = [case[1:] for case in CASES]


@pytest.mark.parametrize(("ours", "theirs", "names", "parameters"), PARAMETERS, ids=IDS)
def test_matches_talib_on_every_real_file(krx_daily_dir: Path, ours, theirs, names, parameters):
    files = sorted(krx_daily_dir.glob("*.csv"))
    assert files
    for path in files:
        bars = load_bars(path)
        inputs = [bars[name] for name in names]
        assert_same_as_talib(ours(*inputs, **parameters), theirs(*inputs, **parameters))


@pytest.mark.parametrize(("ours", "theirs", "names", "parameters"), PARAMETERS, ids=IDS)
def test_leading_nan_is_skipped_like_talib(krx_daily_dir: Path, ours, theirs, names, parameters):
    bars = load_bars(sorted(krx_daily_dir.glob("*.csv"))[2])
    inputs = [bars[name][:400].copy() for name in names]
    inputs[0][:5] = np.nan
    inputs[1][:3] = np.nan
    assert_same_as_talib(ours(*inputs, **parameters), theirs(*inputs, **parameters))


def test_series_in_gives_series_out() -> None:
    index = pd.RangeIndex(100, 140)
    close = pd.Series(np.sin(np.arange(40.0)) * 5 + 100, index=index)
    down, up = aroon(close + 1, close - 1, timeperiod=5)
    assert isinstance(down, pd.Series) and isinstance(up, pd.Series)
    assert down.index.equals(index) and up.index.equals(index)
    result = adx(close + 1, close - 1, close, timeperiod=3)
    assert isinstance(result, pd.Series) and result.index.equals(index)


def test_too_short_gives_all_nan() -> None:
    values = np.array([1.0, 2.0, 3.0, 2.0])
    assert np.isnan(adx(values + 1, values - 1, values)).all()
    assert np.isnan(adxr(values + 1, values - 1, values, 2)).all()
    assert all(np.isnan(part).all() for part in aroon(values + 1, values - 1))
    assert np.isnan(sar(values[:1] + 1, values[:1] - 1)).all()


def test_hand_worked_aroon() -> None:
    high = np.array([1.0, 3.0, 2.0, 2.0])
    low = np.array([0.0, 1.0, 0.5, 1.5])
    down, up = aroon(high, low, timeperiod=2)
    # bar 2: window highs [1, 3, 2] peak 1 bar ago -> 50; lows [0, 1, 0.5] trough 2 bars ago -> 0
    np.testing.assert_array_equal(up, [np.nan, np.nan, 50.0, 0.0])
    np.testing.assert_array_equal(down, [np.nan, np.nan, 0.0, 50.0])


@pytest.mark.parametrize(("function", "minimum"), [(plus_di, 1), (dx, 2), (adx, 2), (adxr, 2)])
def test_bad_inputs_raise_indicator_error(function, minimum) -> None:
    values = np.arange(1.0, 31.0)
    with pytest.raises(IndicatorError) as error:
        function(values, values, values[:-2])
    assert error.value.field == "inputs"
    for bad in (0, minimum - 1, -3):
        with pytest.raises(IndicatorError) as error:
            function(values, values, values, timeperiod=bad)
        assert error.value.field == "timeperiod"
    with pytest.raises(IndicatorError) as error:
        function(values, values, "abc")
    assert error.value.field == "close"
    with pytest.raises(IndicatorError) as error:
        function(np.where(values == 5, np.inf, values), values, values)
    assert error.value.field == "high"


def test_sar_and_aroon_reject_bad_parameters() -> None:
    values = np.arange(1.0, 31.0)
    with pytest.raises(IndicatorError) as error:
        sar(values, values, acceleration=-0.1)
    assert error.value.field == "acceleration"
    with pytest.raises(IndicatorError) as error:
        sar(values, values, maximum=float("nan"))
    assert error.value.field == "maximum"
    with pytest.raises(IndicatorError) as error:
        aroon(values, values, timeperiod=1)
    assert error.value.field == "timeperiod"
