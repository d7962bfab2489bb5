"""Parity of ``obv``, ``ad``, ``adosc`` and ``mfi`` with TA-Lib on every real KRX daily file,
plus the input contract."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib

from yeouido.model.errors import IndicatorError
from yeouido.ta.volume import ad, adosc, mfi, obv


@lru_cache(maxsize=64)
def load_bars(path: Path) -> dict[str, np.ndarray]:
    frame = pd.read_csv(path)
    return {
        name: frame[name].to_numpy(dtype=np.float64) for name in ("high", "low", "close", "volume")
    }


def assert_same_as_talib(ours: np.ndarray, theirs: np.ndarray) -> None:
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0, equal_nan=True)


HLCV = ("high", "low", "close", "volume")
CASES = [
    ("obv", obv, talib.OBV, ("close", "volume"), {}),
    ("ad", ad, talib.AD, HLCV, {}),
    ("adosc", adosc, talib.ADOSC, HLCV, {}),
    ("adosc_12_26", adosc, talib.ADOSC, HLCV, {"fastperiod": 12, "slowperiod": 26}),
    ("adosc_swapped", adosc, talib.ADOSC, HLCV, {"fastperiod": 10, "slowperiod": 3}),
    ("mfi", mfi, talib.MFI, HLCV, {}),
    ("mfi_2", mfi, talib.MFI, HLCV, {"timeperiod": 2}),
    ("mfi_30", mfi, talib.MFI, HLCV, {"timeperiod": 30}),
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
    bars = load_bars(sorted(krx_daily_dir.glob("*.csv"))[3])
    inputs = [bars[name][:400].copy() for name in names]
    inputs[-1][:6] = np.nan
    inputs[0][:2] = np.nan
    assert_same_as_talib(ours(*inputs, **parameters), theirs(*inputs, **parameters))


def test_hand_worked_obv_and_ad() -> None:
    close = np.array([10.0, 11.0, 11.0, 9.0])
    volume = np.array([100.0, 50.0, 70.0, 30.0])
    np.testing.assert_array_equal(obv(close, volume), [100.0, 150.0, 150.0, 120.0])
    high = np.array([12.0, 12.0])
    low = np.array([8.0, 12.0])
    # ((10 - 8) - (12 - 10)) / 4 * v = 0, then a zero-range bar adds 0
    np.testing.assert_array_equal(
        ad(high, low, np.array([10.0, 12.0]), np.array([5.0, 5.0])), [0.0, 0.0]
    )


def test_no_complete_bar_gives_all_nan() -> None:
    close = np.array([np.nan, 1.0, np.nan])
    volume = np.array([1.0, np.nan, 1.0])
    assert np.isnan(obv(close, volume)).all()


def test_series_in_gives_series_out_and_short_input_is_nan() -> None:
    index = pd.date_range("2024-01-01", periods=10)
    close = pd.Series(np.arange(10.0) + 50, index=index)
    result = mfi(close + 1, close - 1, close, close * 10, timeperiod=3)
    assert isinstance(result, pd.Series) and result.index.equals(index)
    assert np.isnan(mfi(close + 1, close - 1, close, close, timeperiod=14)).all()
    assert np.isnan(adosc(close + 1, close - 1, close, close, 3, 20)).all()


def test_bad_inputs_raise_indicator_error() -> None:
    values = np.arange(1.0, 31.0)
    with pytest.raises(IndicatorError) as error:
        mfi(values, values, values, values[:-1])
    assert error.value.field == "inputs"
    for bad in (0, 1):
        with pytest.raises(IndicatorError) as error:
            mfi(values, values, values, values, timeperiod=bad)
        assert error.value.field == "timeperiod"
        with pytest.raises(IndicatorError) as error:
            adosc(values, values, values, values, fastperiod=bad)
        assert error.value.field == "fastperiod"
    with pytest.raises(IndicatorError) as error:
        obv(values, [object()] * 30)
    assert error.value.field == "volume"
    with pytest.raises(IndicatorError) as error:
        ad(values, values, values, np.where(values > 3, -np.inf, values))
    assert error.value.field == "volume"
