"""Streaming classes of group B equal their batch functions bit for bit, on random OHLCV with
random ``update_last`` previews interleaved, and on a real KRX daily file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yeouido.ta import korean, oscillators, trend, volatility, volume
from yeouido.ta import stream_korean as sk
from yeouido.ta import stream_oscillators as so
from yeouido.ta import stream_trend as st_trend
from yeouido.ta import stream_volatility as sv
from yeouido.ta import stream_volume as svo

HLC = ("high", "low", "close")
HLCV = ("high", "low", "close", "volume")
CASES: list[tuple[str, Any, Any, tuple[str, ...], dict[str, Any]]] = [
    ("trange", volatility.trange, sv.TRANGE, HLC, {}),
    ("atr", volatility.atr, sv.ATR, HLC, {"timeperiod": 3}),
    ("atr_1", volatility.atr, sv.ATR, HLC, {"timeperiod": 1}),
    ("natr", volatility.natr, sv.NATR, HLC, {"timeperiod": 4}),
    ("plus_di", trend.plus_di, st_trend.PLUS_DI, HLC, {"timeperiod": 3}),
    ("plus_di_1", trend.plus_di, st_trend.PLUS_DI, HLC, {"timeperiod": 1}),
    ("minus_di", trend.minus_di, st_trend.MINUS_DI, HLC, {"timeperiod": 4}),
    ("dx", trend.dx, st_trend.DX, HLC, {"timeperiod": 3}),
    ("adx", trend.adx, st_trend.ADX, HLC, {"timeperiod": 3}),
    ("adxr", trend.adxr, st_trend.ADXR, HLC, {"timeperiod": 3}),
    ("sar", trend.sar, st_trend.SAR, ("high", "low"), {}),
    ("sar_fast", trend.sar, st_trend.SAR, ("high", "low"), {"acceleration": 0.1, "maximum": 0.3}),
    ("aroon", trend.aroon, st_trend.AROON, ("high", "low"), {"timeperiod": 4}),
    ("obv", volume.obv, svo.OBV, ("close", "volume"), {}),
    ("ad", volume.ad, svo.AD, HLCV, {}),
    ("adosc", volume.adosc, svo.ADOSC, HLCV, {"fastperiod": 2, "slowperiod": 5}),
    ("mfi", volume.mfi, svo.MFI, HLCV, {"timeperiod": 4}),
    ("bop", oscillators.bop, so.BOP, ("open", "high", "low", "close"), {}),
    (
        "ultosc",
        oscillators.ultosc,
        so.ULTOSC,
        HLC,
        {"timeperiod1": 5, "timeperiod2": 2, "timeperiod3": 3},
    ),
    ("disparity", korean.disparity, sk.DISPARITY, ("close",), {"timeperiod": 3}),
    ("envelope", korean.envelope, sk.ENVELOPE, ("close",), {"timeperiod": 3, "percent": 5.0}),
    ("psy", korean.psy, sk.PSY, ("close",), {"timeperiod": 3}),
    ("vr", korean.vr, sk.VR, ("close", "volume"), {"timeperiod": 3}),
    ("price_channel", korean.price_channel, sk.PRICE_CHANNEL, ("high", "low"), {"timeperiod": 3}),
    ("pivot_points", korean.pivot_points, sk.PIVOT_POINTS, HLC, {}),
]
IDS = [case[0] for case in CASES]


def run_stream(indicator: Any, rows: list[tuple[float, ...]], previews: list[bool]) -> list[Any]:
    outputs = []
    for row, preview in zip(rows, previews, strict=True):
        if preview:
            indicator.update_last(*(value * 1.5 + 1.0 for value in row[:1]), *row[1:])
        expected = indicator.update_last(*row)
        committed = indicator.update(*row)
        assert_same(expected, committed)
        outputs.append(committed)
    return outputs


def assert_same(first: Any, second: Any) -> None:
    assert np.array_equal(
        np.asarray(first, dtype=float), np.asarray(second, dtype=float), equal_nan=True
    )


def assert_stream_equals_batch(batch: Any, outputs: list[Any]) -> None:
    if isinstance(batch, tuple):
        for position, column in enumerate(batch):
            streamed = np.array([output[position] for output in outputs], dtype=float)
            assert np.array_equal(streamed, np.asarray(column), equal_nan=True), position
    else:
        assert np.array_equal(np.array(outputs, dtype=float), np.asarray(batch), equal_nan=True)


@st.composite
def ohlcv(draw: Any) -> dict[str, np.ndarray]:
    size = draw(st.integers(0, 45))
    small = st.integers(0, 3).map(float)
    bars = draw(
        st.lists(
            st.tuples(st.integers(1, 8).map(float), small, small, small, small),
            min_size=size,
            max_size=size,
        )
    )
    scale = draw(st.sampled_from([1.0, 0.01, 1000.0]))
    close = np.array([bar[0] for bar in bars]) * scale
    open_ = np.array([bar[0] + bar[1] - 1.5 for bar in bars]) * scale
    high = np.maximum(open_, close) + np.array([bar[2] for bar in bars]) * scale
    low = np.minimum(open_, close) - np.array([bar[3] for bar in bars]) * scale
    volumes = np.array([bar[4] * 100.0 for bar in bars])
    data = {"open": open_, "high": high, "low": low, "close": close, "volume": volumes}
    leading = min(draw(st.integers(0, 3)), size)
    victim = draw(st.sampled_from(sorted(data)))
    data[victim] = data[victim].copy()
    data[victim][:leading] = np.nan
    return data


@pytest.mark.parametrize(
    ("batch", "stream", "names", "parameters"), [case[1:] for case in CASES], ids=IDS
)
@settings(max_examples=60, deadline=None)
@given(data=ohlcv(), previews=st.lists(st.booleans(), min_size=45, max_size=45))
def test_stream_equals_batch_on_random_bars(
    batch, stream, names, parameters, data, previews
) -> None:
    inputs = [data[name] for name in names]
    rows = list(zip(*inputs, strict=True))
    outputs = run_stream(stream(**parameters), rows, previews[: len(rows)])
    assert_stream_equals_batch(batch(*inputs, **parameters), outputs)


@settings(max_examples=60, deadline=None)
@given(
    data=ohlcv(),
    previews=st.lists(st.booleans(), min_size=45, max_size=45),
    displacement=st.integers(0, 4),
)
def test_ichimoku_stream(data, previews, displacement) -> None:
    inputs = [data[name] for name in HLC]
    parameters = {
        "conversion_period": 2,
        "base_period": 3,
        "leading_period": 5,
        "displacement": displacement,
    }
    rows = list(zip(*inputs, strict=True))
    outputs = run_stream(sk.ICHIMOKU(**parameters), rows, previews[: len(rows)])
    conversion, base, leading_a, leading_b, lagging = korean.ichimoku(*inputs, **parameters)
    assert_stream_equals_batch(
        (conversion, base, leading_a, leading_b), [output[:4] for output in outputs]
    )
    for today, output in enumerate(outputs):
        if today >= displacement:
            assert_same(output[4], lagging[today - displacement])


@settings(max_examples=60, deadline=None)
@given(data=ohlcv(), sessions=st.lists(st.integers(0, 1), min_size=45, max_size=45))
def test_vwap_stream(data, sessions) -> None:
    size = len(data["close"])
    labels = np.cumsum(sessions[:size])
    inputs = [data[name] for name in HLCV]
    batch = korean.vwap(*inputs, session=labels)
    indicator = sk.VWAP()
    outputs = [
        indicator.update(int(label), *row)
        for label, row in zip(labels, zip(*inputs, strict=True), strict=True)
    ]
    assert np.array_equal(np.array(outputs, dtype=float), batch, equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=40),
    previews=st.lists(st.booleans(), min_size=40, max_size=40),
)
def test_adr_stream(counts, previews) -> None:
    advances = np.array([count[0] for count in counts], dtype=float)
    declines = np.array([count[1] for count in counts], dtype=float)
    rows = list(zip(advances, declines, strict=True))
    outputs = run_stream(sk.ADR(timeperiod=4), rows, previews[: len(rows)])
    assert_stream_equals_batch(korean.adr(advances, declines, timeperiod=4), outputs)


@pytest.mark.parametrize(
    ("batch", "stream", "names", "parameters"), [case[1:] for case in CASES], ids=IDS
)
def test_stream_equals_batch_on_real_file(
    krx_daily_dir: Path, batch, stream, names, parameters
) -> None:
    frame = pd.read_csv(sorted(krx_daily_dir.glob("*.csv"))[0]).iloc[-1500:]
    inputs = [frame[name].to_numpy(dtype=np.float64) for name in names]
    indicator = stream()
    outputs = [indicator.update(*row) for row in zip(*inputs, strict=True)]
    assert_stream_equals_batch(batch(*inputs), outputs)


def test_reset_and_value() -> None:
    indicator = sv.ATR(2)
    for row in [(2.0, 1.0, 1.5), (3.0, 2.0, 2.5), (4.0, 3.0, 3.5)]:
        indicator.update(*row)
    assert indicator.count == 3 and indicator.value == pytest.approx(1.5)
    indicator.reset()
    assert indicator.count == 0 and np.isnan(indicator.value)
