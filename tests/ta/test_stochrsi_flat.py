"""STOCHRSI (and the stochastics it is built on) where the price stands still.

Real stretch: Hyundai Motor (005380) closed at 12,289 on six trading days in a row (Saturdays
traded then), 1990-12-08 to 1990-12-14. The RSI is then the same over the whole %K window except
for its last bits; the range is rounding noise, and TA-Lib's answer is the flat one, 0. We used to
let the noise decide and gave 100.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib

from yeouido import ta
from yeouido.ta.streaming import STOCHF, STOCHRSI, WILLR


@pytest.fixture(scope="module")
def hyundai_1990(krx_daily_dir: Path) -> pd.DataFrame:
    """005380 from its first bar to the end of June 1991: the flat stretch and its warm-up."""
    frame = pd.read_csv(krx_daily_dir / "005380.csv", dtype={"date": str})
    frame = frame[frame["date"] <= "19910630"].reset_index(drop=True)
    flat = frame[(frame["date"] >= "19901208") & (frame["date"] <= "19901214")]
    assert len(flat) == 6 and set(flat["close"]) == {12289}
    return frame


def flat_day(frame: pd.DataFrame) -> int:
    return int(frame.index[frame["date"] == "19901214"][0])


def test_the_rsi_is_flat_only_to_the_last_bits(hyundai_1990: pd.DataFrame) -> None:
    close = hyundai_1990["close"].to_numpy(dtype=np.float64)
    day = flat_day(hyundai_1990)
    window = ta.rsi(close)[day - 4 : day + 1]
    spread = window.max() - window.min()
    assert 0 < spread < 1e-12  # noise: the window is not exactly equal


def test_batch_gives_talibs_flat_answer(hyundai_1990: pd.DataFrame) -> None:
    close = hyundai_1990["close"].to_numpy(dtype=np.float64)
    day = flat_day(hyundai_1990)
    fastk, fastd = ta.stochrsi(close)
    reference_k, reference_d = talib.STOCHRSI(close)
    assert reference_k[day] == 0.0 and fastk[day] == 0.0
    np.testing.assert_allclose(fastk, reference_k, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fastd, reference_d, rtol=1e-9, atol=1e-9)


def test_streaming_gives_talibs_flat_answer(hyundai_1990: pd.DataFrame) -> None:
    close = hyundai_1990["close"].to_numpy(dtype=np.float64)
    reference_k, reference_d = talib.STOCHRSI(close)
    committed = STOCHRSI()
    forming = STOCHRSI()
    streamed = []
    previews = []
    for value in close:
        previews.append(forming.update_last(value))
        forming.update(value)
        streamed.append(committed.update(value))
    for outputs in (streamed, previews):
        fastk = np.array([output[0] for output in outputs])
        fastd = np.array([output[1] for output in outputs])
        assert fastk[flat_day(hyundai_1990)] == 0.0
        np.testing.assert_allclose(fastk, reference_k, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(fastd, reference_d, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("noise_ulps", [1, 40])
def test_a_range_of_rounding_noise_is_flat_for_every_stochastic(noise_ulps: int) -> None:
    level = 63.081532725558134
    noisy = level + noise_ulps * np.spacing(level)
    series = np.array([level, noisy, level, level, noisy, level, noisy])
    fastk, _ = ta.stochf(series, series, series, 5, 1)
    np.testing.assert_array_equal(fastk[4:], talib.STOCHF(series, series, series, 5, 1)[0][4:])
    assert (fastk[4:] == 0.0).all()
    williams = ta.willr(series, series, series, 5)
    np.testing.assert_array_equal(williams[4:], talib.WILLR(series, series, series, 5)[4:])
    streaming_k, streaming_r = STOCHF(5, 1), WILLR(5)
    for value in series:
        last_k = streaming_k.update(value, value, value)[0]
        last_r = streaming_r.update(value, value, value)
    assert last_k == 0.0 and last_r == 0.0


def test_a_real_move_is_not_flat() -> None:
    series = np.array([50.0, 50.0, 50.0, 50.0, 50.000001])
    assert ta.stochf(series, series, series, 5, 1)[0][-1] == 100.0
    assert talib.STOCHF(series, series, series, 5, 1)[0][-1] == 100.0
