"""Parity of yeouido.ta.statistics with TA-Lib on every real KRX daily file, plus input checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import talib

from tests.ta.test_overlap import assert_parity
from yeouido.model.errors import IndicatorError
from yeouido.ta import statistics


@pytest.mark.parametrize(
    ("name", "args"),
    [("linearreg", ()), ("linearreg", (5,)), ("stddev", ()), ("stddev", (20, 2.0))],
)
def test_parity(krx_daily_dir: Path, name: str, args: tuple[Any, ...]) -> None:
    for path in sorted(krx_daily_dir.glob("*.csv")):
        close = pd.read_csv(path)["close"].to_numpy(dtype=np.float64)
        ours, theirs = getattr(statistics, name), getattr(talib, name.upper())
        assert_parity(ours(close, *args), theirs(close, *args))
        padded = np.concatenate([np.full(4, np.nan), close])
        assert_parity(ours(padded, *args), theirs(padded, *args))


def test_series_and_short_input() -> None:
    close = pd.Series([1.0, 2.0, 4.0, 3.0, 5.0, 6.0], index=list("abcdef"))
    result = statistics.stddev(close, 3)
    assert isinstance(result, pd.Series)
    assert list(result.index) == list("abcdef")
    assert np.isnan(statistics.linearreg(close.to_numpy(), 14)).all()


def test_bad_input_raises() -> None:
    with pytest.raises(IndicatorError) as raised:
        statistics.stddev([1.0, 2.0, 3.0], 0)
    assert raised.value.field == "timeperiod"
    with pytest.raises(IndicatorError) as raised:
        statistics.stddev([1.0, 2.0, 3.0], 2, nbdev="x")  # type: ignore[arg-type]
    assert raised.value.field == "nbdev"
    with pytest.raises(IndicatorError) as raised:
        statistics.linearreg([1.0, float("-inf"), 3.0], 2)
    assert raised.value.field == "real"
