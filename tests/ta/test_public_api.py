"""Every indicator the issue names exists in batch and streaming form under its public name."""

from __future__ import annotations

import numpy as np
import talib

from yeouido import ta
from yeouido.ta import streaming

ISSUE_TALIB_NAMES = [
    "sma",
    "ema",
    "wma",
    "dema",
    "tema",
    "trima",
    "kama",
    "macd",
    "rsi",
    "stoch",
    "stochf",
    "stochrsi",
    "willr",
    "cci",
    "bbands",
    "atr",
    "natr",
    "trange",
    "adx",
    "adxr",
    "plus_di",
    "minus_di",
    "dx",
    "obv",
    "ad",
    "adosc",
    "mfi",
    "sar",
    "roc",
    "mom",
    "trix",
    "aroon",
    "ultosc",
    "linearreg",
    "stddev",
    "midprice",
    "ppo",
    "apo",
    "cmo",
    "bop",
]
ISSUE_KOREAN_NAMES = [
    "disparity",
    "psy",
    "vr",
    "envelope",
    "price_channel",
    "ichimoku",
    "pivot_points",
    "vwap",
    "adr",
]


def test_every_talib_name_has_a_batch_and_a_streaming_form() -> None:
    assert sorted(ta.TALIB_FUNCTIONS) == sorted(ISSUE_TALIB_NAMES)
    for name in ISSUE_TALIB_NAMES:
        assert callable(getattr(ta, name)), name
        assert hasattr(talib, name.upper()), name
        assert issubclass(getattr(streaming, name.upper()), object), name


def test_every_korean_indicator_has_a_batch_and_a_streaming_form() -> None:
    assert sorted(ta.KOREAN_FUNCTIONS) == sorted(ISSUE_KOREAN_NAMES)
    for name in ISSUE_KOREAN_NAMES:
        assert callable(getattr(ta, name)), name
        assert hasattr(streaming, name.upper()), name


def test_streaming_classes_share_the_update_interface() -> None:
    close = np.linspace(100.0, 120.0, 40)
    for name in ("SMA", "EMA", "RSI", "MACD", "BBANDS", "KAMA", "TRIX", "DISPARITY", "PSY"):
        indicator = getattr(streaming, name)()
        for value in close:
            indicator.update(float(value))
        preview = indicator.update_last(121.0)
        assert indicator.count == len(close)
        assert preview is not None
