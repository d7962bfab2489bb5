"""The vectorized evaluator against straightforward pandas / TA-Lib computations on real bars."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import talib

from yeouido.model.errors import ScreenNameError
from yeouido.screener.panel import BarPanel, load_csv_dir
from yeouido.screener.parser import parse
from yeouido.screener.vector import Evaluator, evaluate


@pytest.fixture(scope="module")
def panel(krx_daily_dir: Path) -> BarPanel:
    return load_csv_dir(krx_daily_dir)


def run(text: str, panel: BarPanel) -> np.ndarray:
    return evaluate(parse(text), panel)


def per_row(panel: BarPanel, function: object, *arrays: np.ndarray) -> np.ndarray:
    """Apply a TA-Lib function to each row's bars from its first bar on."""
    assert callable(function)
    output = np.full(arrays[0].shape, np.nan)
    for row in range(arrays[0].shape[0]):
        valid = np.flatnonzero(~np.isnan(arrays[0][row]))
        first, last = valid[0], valid[-1] + 1
        output[row, first:last] = function(*(array[row, first:last] for array in arrays))
    return output


def rolling(values: np.ndarray, window: int, how: str) -> np.ndarray:
    frame = pd.DataFrame(values.T).rolling(window)
    return np.asarray(getattr(frame, how)().to_numpy().T)


def test_panel_shape_and_metadata(panel: BarPanel) -> None:
    assert panel.shape == (27, len(panel.dates))
    assert panel.close.dtype == np.float64
    row = panel.codes.index("005930")
    assert panel.instruments[row].name == "삼성전자"
    assert panel.instruments[row].kospi200


def test_bar_fields_and_lookback(panel: BarPanel) -> None:
    close = run("close", panel)
    np.testing.assert_array_equal(close, panel.close)
    previous = run("close[1]", panel)
    expected = pd.DataFrame(panel.close.T).shift(1).to_numpy().T
    np.testing.assert_array_equal(previous, expected)
    np.testing.assert_array_equal(run("close[0]", panel), panel.close)


def test_close_above_its_sma(panel: BarPanel) -> None:
    average = run("sma(close, 20)", panel)
    reference = rolling(panel.close, 20, "mean")
    np.testing.assert_allclose(average, reference, rtol=1e-9, equal_nan=True)
    result = run("close > sma(close, 20)", panel)
    assert set(np.unique(result)) <= {0.0, 1.0}
    clear = np.abs(panel.close - reference) > 1e-6
    expected = (panel.close > reference) & clear
    np.testing.assert_array_equal(result[clear] == 1.0, expected[clear])
    assert result[np.isnan(reference)].sum() == 0.0


def test_rsi_below_30(panel: BarPanel) -> None:
    rsi = run("rsi(close, 14)", panel)
    reference = per_row(panel, lambda values: talib.RSI(values, 14), panel.close)
    np.testing.assert_allclose(rsi, reference, rtol=1e-9, atol=1e-9, equal_nan=True)
    result = run("rsi(close, 14) < 30", panel)
    np.testing.assert_array_equal(result == 1.0, reference < 30)
    assert result.sum() > 0


def test_crosses_above(panel: BarPanel) -> None:
    fast = per_row(panel, lambda values: talib.SMA(values, 5), panel.close)
    slow = per_row(panel, lambda values: talib.SMA(values, 20), panel.close)
    fast_before = pd.DataFrame(fast.T).shift(1).to_numpy().T
    slow_before = pd.DataFrame(slow.T).shift(1).to_numpy().T
    expected = (fast_before <= slow_before) & (fast > slow)
    result = run("crosses_above(sma(close, 5), sma(close, 20))", panel)
    clear = (np.abs(fast - slow) > 1e-6) & (np.abs(fast_before - slow_before) > 1e-6)
    np.testing.assert_array_equal(result[clear] == 1.0, expected[clear])
    assert 50 < result.sum() < result.size / 10
    below = run("crosses_below(sma(close, 5), sma(close, 20))", panel)
    assert not np.any((below == 1.0) & (result == 1.0))


def test_highest_lowest_sum_avg(panel: BarPanel) -> None:
    np.testing.assert_array_equal(run("highest(high, 20)", panel), rolling(panel.high, 20, "max"))
    np.testing.assert_array_equal(run("lowest(low, 5)", panel), rolling(panel.low, 5, "min"))
    np.testing.assert_allclose(
        run("sum(volume, 10)", panel), rolling(panel.volume, 10, "sum"), rtol=1e-12, equal_nan=True
    )
    average = run("avg(volume, 20)", panel)
    np.testing.assert_allclose(
        average, rolling(panel.volume, 20, "mean"), rtol=1e-12, equal_nan=True
    )
    result = run("volume > avg(volume, 20) * 2", panel)
    np.testing.assert_array_equal(result == 1.0, panel.volume > average * 2)


def test_change(panel: BarPanel) -> None:
    previous = pd.DataFrame(panel.close.T).shift(1).to_numpy().T
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = (panel.close / previous - 1) * 100
    np.testing.assert_allclose(run("change", panel), expected, rtol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(run("change > 1", panel) == 1.0, expected > 1)


def test_macd_outputs(panel: BarPanel) -> None:
    outputs = [
        per_row(panel, lambda values, index=index: talib.MACD(values)[index], panel.close)
        for index in range(3)
    ]
    for name, reference in zip(("macd", "macdsignal", "macdhist"), outputs, strict=True):
        np.testing.assert_allclose(
            run(f"macd(close).{name}", panel), reference, rtol=1e-9, atol=1e-9, equal_nan=True
        )
    np.testing.assert_array_equal(run("macd(close)", panel), run("macd(close).macd", panel))


def test_instrument_filters(panel: BarPanel) -> None:
    etf = run('kind == "etf"', panel)
    assert etf.shape == panel.shape
    kinds = [info.kind for info in panel.instruments]
    np.testing.assert_array_equal(etf[:, -1] == 1.0, [kind == "etf" for kind in kinds])
    assert (etf == etf[:, :1]).all()
    inverse = run("leverage < 0", panel)
    codes = {panel.codes[row] for row in np.flatnonzero(inverse[:, 0])}
    assert codes == {"114800", "251340", "Q520057", "Q530107"}
    assert set(np.flatnonzero(run("kospi200", panel)[:, 0])) == {
        panel.codes.index("005380"),
        panel.codes.index("005930"),
    }
    assert run('market == "KOSPI" and kind != "etf"', panel)[:, 0].sum() == 4
    assert run("code == '005930'", panel)[:, 0].sum() == 1
    names = run("name", panel)
    assert names.dtype == object and names[panel.codes.index("005930"), 0] == "삼성전자"


def test_truth_values_and_nan(panel: BarPanel) -> None:
    # Comparisons with NaN are false, != included; and / or / not on truth values.
    not_equal = run("close != 1e15", panel)
    np.testing.assert_array_equal(not_equal == 1.0, ~np.isnan(panel.close))
    undefined = run("not (close > sma(close, 20))", panel)
    assert undefined[:, 0].all()
    both = run("close > open and volume > 0", panel)
    np.testing.assert_array_equal(both == 1.0, (panel.close > panel.open) & (panel.volume > 0))
    either = run("close > open or true", panel)
    assert (either == 1.0).all()
    zero_division = run("close / (close - close)", panel)
    assert np.isnan(zero_division).all()
    assert (run("max(open, close) >= min(open, close)", panel) == 1.0).sum() == np.sum(
        ~np.isnan(panel.close)
    )
    np.testing.assert_array_equal(run("abs(-change)", panel), np.abs(run("change", panel)))


def test_rows_subset(panel: BarPanel) -> None:
    rows = [panel.codes.index("069500"), panel.codes.index("122630")]
    subset = evaluate(parse("rsi(close, 14) + kospi200"), panel, rows=rows)
    full = run("rsi(close, 14) + kospi200", panel)
    np.testing.assert_array_equal(subset, full[rows])


def test_identical_subexpressions_are_computed_once(panel: BarPanel) -> None:
    evaluator = Evaluator(panel)
    first = parse("sma(close,20)").condition
    second = parse("close > sma(close, 20)").condition
    evaluator.value(second)
    assert evaluator.value(first) is evaluator.value(second.right)  # type: ignore[attr-defined]
    macd = evaluator.value(parse("macd(close)").condition)
    assert evaluator.value(parse("macd(close).macd").condition) is macd


def test_unknown_names_raise_before_computing(panel: BarPanel) -> None:
    with pytest.raises(ScreenNameError) as caught:
        evaluate(parse("close > smaa(close, 20)"), panel)
    assert caught.value.position == 8


def test_panel_from_frames_matches_csv_directory(krx_daily_dir: Path, panel: BarPanel) -> None:
    frames = {
        path.stem: pd.read_csv(path, dtype={"code": str, "ticker": str})
        for path in sorted(krx_daily_dir.glob("*.csv"))[:3]
    }
    small = BarPanel.from_frames(frames)
    rows = [panel.codes.index(code) for code in small.codes]
    start = int(np.searchsorted(panel.dates, small.dates[0]))
    stop = start + len(small.dates)
    np.testing.assert_array_equal(small.dates, panel.dates[start:stop])
    np.testing.assert_array_equal(small.close, panel.close[rows, start:stop])
    assert small.instruments == tuple(panel.instruments[row] for row in rows)


def test_unknown_codes_get_defaults() -> None:
    dates = pd.date_range("2024-01-02", periods=3, freq="B")
    frame = pd.DataFrame(
        {"open": [1.0, 2, 3], "high": [1.0, 2, 3], "low": [1.0, 2, 3], "close": [1.0, 2, 3],
         "volume": [10.0, 10, 10], "name": ["새종목", "새종목", "새종목"]},
        index=dates,
    )  # fmt: skip
    panel = BarPanel.from_frames({"999990": frame, "Q999999": frame})
    first, second = panel.instruments
    assert (first.name, first.market, first.kind, first.leverage) == ("새종목", "", "stock", 1)
    assert second.kind == "etn"
    assert run("close > 1", panel)[:, -1].tolist() == [1.0, 1.0]
