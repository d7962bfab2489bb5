"""Korean HTS indicators against straightforward pandas computations of their documented
formulas on every real KRX daily file, hand-worked examples, and the input contract."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yeouido.model.errors import IndicatorError
from yeouido.ta.korean import (
    adr,
    disparity,
    envelope,
    ichimoku,
    pivot_points,
    price_channel,
    psy,
    vr,
    vwap,
)


@lru_cache(maxsize=64)
def load_frame(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path)
    for name in ("open", "high", "low", "close", "volume"):
        frame[name] = frame[name].astype(np.float64)
    return frame


def real_frames(directory: Path) -> list[pd.DataFrame]:
    files = sorted(directory.glob("*.csv"))
    assert files
    return [load_frame(path) for path in files]


def close_enough(ours: object, expected: object) -> None:
    ours_array = np.asarray(ours, dtype=float)
    expected_array = np.asarray(expected, dtype=float)
    np.testing.assert_array_equal(np.isnan(ours_array), np.isnan(expected_array))
    np.testing.assert_allclose(ours_array, expected_array, rtol=1e-9, atol=1e-9, equal_nan=True)


def test_disparity_and_envelope_match_pandas(krx_daily_dir: Path) -> None:
    for frame in real_frames(krx_daily_dir):
        average = frame["close"].rolling(20).mean()
        close_enough(disparity(frame["close"]), frame["close"] / average * 100)
        upper, middle, lower = envelope(frame["close"], 10, 5.0)
        ten = frame["close"].rolling(10).mean()
        close_enough(middle, ten)
        close_enough(upper, ten * 1.05)
        close_enough(lower, ten * 0.95)


def test_psy_and_vr_match_pandas(krx_daily_dir: Path) -> None:
    for frame in real_frames(krx_daily_dir):
        change = frame["close"].diff()
        up = (change > 0).astype(float).where(change.notna())
        close_enough(psy(frame["close"]), up.rolling(10).sum() / 10 * 100)
        volume = frame["volume"]
        up_volume = volume.where(change > 0, 0.0).where(change.notna()).rolling(20).sum()
        down_volume = volume.where(change < 0, 0.0).where(change.notna()).rolling(20).sum()
        same_volume = volume.where(change == 0, 0.0).where(change.notna()).rolling(20).sum()
        denominator = down_volume + same_volume / 2
        expected = ((up_volume + same_volume / 2) / denominator * 100).where(denominator != 0)
        close_enough(vr(frame["close"], volume), expected)


def test_price_channel_ichimoku_pivots_match_pandas(krx_daily_dir: Path) -> None:
    for frame in real_frames(krx_daily_dir):
        high, low, close = frame["high"], frame["low"], frame["close"]
        upper, lower = price_channel(high, low)
        close_enough(upper, high.rolling(20).max().shift(1))
        close_enough(lower, low.rolling(20).min().shift(1))

        def midpoint(period: int, high: pd.Series = high, low: pd.Series = low) -> pd.Series:
            return (high.rolling(period).max() + low.rolling(period).min()) / 2

        conversion, base, leading_a, leading_b, lagging = ichimoku(high, low, close)
        close_enough(conversion, midpoint(9))
        close_enough(base, midpoint(26))
        close_enough(leading_a, ((midpoint(9) + midpoint(26)) / 2).shift(26))
        close_enough(leading_b, midpoint(52).shift(26))
        close_enough(lagging, close.shift(-26))
        pivot = (high + low + close) / 3
        expected = (
            pivot,
            2 * pivot - low,
            pivot + high - low,
            2 * pivot - high,
            pivot - high + low,
        )
        for ours, theirs in zip(pivot_points(high, low, close), expected, strict=True):
            close_enough(ours, theirs.shift(1))


def test_vwap_resets_each_session(krx_daily_dir: Path) -> None:
    frame = real_frames(krx_daily_dir)[0].iloc[:500].copy()
    frame["session"] = np.arange(len(frame)) // 7
    typical = (frame["high"] + frame["low"] + frame["close"]) / 3
    numerator = (typical * frame["volume"]).groupby(frame["session"]).cumsum()
    denominator = frame["volume"].groupby(frame["session"]).cumsum()
    expected = (numerator / denominator).where(denominator > 0)
    ours = vwap(
        frame["high"], frame["low"], frame["close"], frame["volume"], session=frame["session"]
    )
    close_enough(ours, expected)


def test_vwap_from_datetime_index() -> None:
    index = pd.DatetimeIndex(["2024-01-02 09:00", "2024-01-02 09:01", "2024-01-03 09:00"])
    price = pd.Series([10.0, 20.0, 30.0], index=index)
    result = vwap(price, price, price, pd.Series([1.0, 3.0, 2.0], index=index))
    assert list(result) == [10.0, 17.5, 30.0]
    with pytest.raises(IndicatorError) as error:
        vwap([1.0], [1.0], [1.0], [1.0])
    assert error.value.field == "session"


def test_adr_from_closes_matches_counts(krx_daily_dir: Path) -> None:
    frames = real_frames(krx_daily_dir)
    closes = pd.concat(
        [
            frame.set_index("date")["close"].rename(str(number))
            for number, frame in enumerate(frames)
        ],
        axis=1,
    ).sort_index()
    change = closes.diff()
    advances = (change > 0).sum(axis=1).astype(float)
    declines = (change < 0).sum(axis=1).astype(float)
    expected = advances.iloc[1:].rolling(20).sum() / declines.iloc[1:].rolling(20).sum() * 100
    ours = adr(closes)
    assert isinstance(ours, pd.Series) and ours.index.equals(closes.index)
    close_enough(ours.iloc[1:], expected.where(declines.iloc[1:].rolling(20).sum() != 0))
    close_enough(adr(advances.iloc[1:].to_numpy(), declines.iloc[1:].to_numpy()), expected)


def test_hand_worked_examples() -> None:
    close = [10.0, 11.0, 11.0, 12.0, 11.0]
    volume = [100.0, 200.0, 300.0, 400.0, 500.0]
    np.testing.assert_array_equal(psy(close, 2), [np.nan, np.nan, 50.0, 50.0, 50.0])
    # windows: (+200, =300) -> 350/150; (=300, +400) -> 550/150; (+400, -500) -> 400/500
    np.testing.assert_allclose(
        vr(close, volume, 2), [np.nan, np.nan, 350 / 150 * 100, 550 / 150 * 100, 80.0]
    )
    np.testing.assert_allclose(disparity([1.0, 3.0], 2), [np.nan, 150.0])
    upper, lower = price_channel([5.0, 6.0, 7.0], [1.0, 2.0, 3.0], 2)
    np.testing.assert_array_equal(upper, [np.nan, np.nan, 6.0])
    np.testing.assert_array_equal(lower, [np.nan, np.nan, 1.0])
    pivot, r1, r2, s1, s2 = pivot_points([12.0, 0.0], [9.0, 0.0], [12.0, 0.0])
    assert (pivot[1], r1[1], r2[1], s1[1], s2[1]) == (11.0, 13.0, 14.0, 10.0, 8.0)
    np.testing.assert_array_equal(adr([2.0, 3.0, 1.0], [1.0, 1.0, 0.0], 2), [np.nan, 250.0, 400.0])


def test_contract() -> None:
    series = pd.Series(np.arange(1.0, 31.0), index=pd.date_range("2024-01-01", periods=30))
    result = disparity(series, 5)
    assert isinstance(result, pd.Series) and result.index.equals(series.index)
    assert np.isnan(psy([1.0, 2.0, 3.0])).all()
    with pytest.raises(IndicatorError) as error:
        disparity(series, 0)
    assert error.value.field == "timeperiod"
    with pytest.raises(IndicatorError) as error:
        vr([1.0, 2.0], [1.0])
    assert error.value.field == "inputs"
    with pytest.raises(IndicatorError) as error:
        envelope(["x", "y"])
    assert error.value.field == "close"
    with pytest.raises(IndicatorError) as error:
        ichimoku([1.0, np.inf], [1.0, 1.0], [1.0, 1.0])
    assert error.value.field == "high"
    with pytest.raises(IndicatorError) as error:
        adr(np.ones(5))
    assert error.value.field == "closes"
