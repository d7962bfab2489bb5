"""Parity of ``ultosc`` and ``bop`` with TA-Lib on every real KRX daily file, plus the input
contract."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib

from yeouido.model.errors import IndicatorError
from yeouido.ta.oscillators import bop, ultosc


@lru_cache(maxsize=64)
def load_bars(path: Path) -> dict[str, np.ndarray]:
    frame = pd.read_csv(path)
    return {
        name: frame[name].to_numpy(dtype=np.float64) for name in ("open", "high", "low", "close")
    }


def assert_same_as_talib(ours: np.ndarray, theirs: np.ndarray) -> None:
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0, equal_nan=True)


HLC = ("high", "low", "close")
CASES = [
    ("bop", bop, talib.BOP, ("open", "high", "low", "close"), {}),
    ("ultosc", ultosc, talib.ULTOSC, HLC, {}),
    (
        "ultosc_unsorted",
        ultosc,
        talib.ULTOSC,
        HLC,
        {"timeperiod1": 20, "timeperiod2": 3, "timeperiod3": 9},
    ),
    (
        "ultosc_ones",
        ultosc,
        talib.ULTOSC,
        HLC,
        {"timeperiod1": 1, "timeperiod2": 1, "timeperiod3": 1},
    ),
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
    bars = load_bars(sorted(krx_daily_dir.glob("*.csv"))[4])
    inputs = [bars[name][:400].copy() for name in names]
    inputs[1][:5] = np.nan
    assert_same_as_talib(ours(*inputs, **parameters), theirs(*inputs, **parameters))


def test_hand_worked_bop() -> None:
    result = bop([10.0, 5.0], [12.0, 5.0], [8.0, 5.0], [11.0, 5.0])
    np.testing.assert_array_equal(result, [0.25, 0.0])


def test_series_and_short_input() -> None:
    close = pd.Series([10.0, 11.0, 12.0], index=["a", "b", "c"])
    result = ultosc(close + 1, close - 1, close)
    assert isinstance(result, pd.Series) and list(result.index) == ["a", "b", "c"]
    assert result.isna().all()


def test_bad_inputs_raise_indicator_error() -> None:
    values = np.arange(1.0, 41.0)
    with pytest.raises(IndicatorError) as error:
        ultosc(values, values, values, timeperiod2=0)
    assert error.value.field == "timeperiod2"
    with pytest.raises(IndicatorError) as error:
        bop(values, values, values[:5], values)
    assert error.value.field == "inputs"
    with pytest.raises(IndicatorError) as error:
        bop(np.ones((2, 2)), values, values, values)
    assert error.value.field == "open"
