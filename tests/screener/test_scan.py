"""Scans over the real KRX daily bars: rows, columns, ordering, limits, universes, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yeouido.model.errors import ScreenNameError, ScreenSyntaxError
from yeouido.screener.panel import BarPanel, load_csv_dir
from yeouido.screener.parser import parse
from yeouido.screener.scan import BASE_COLUMNS, column_units, result_columns, scan

FRIDAY = dt.date(2023, 12, 22)


@pytest.fixture(scope="module")
def panel(krx_daily_dir: Path) -> BarPanel:
    return load_csv_dir(krx_daily_dir)


def test_columns_name_the_values_compared(panel: BarPanel) -> None:
    text = "close > sma(close, 20) and rsi(close, 14) < 70 and volume > avg(volume, 20) * 1.5"
    result = scan(text, panel, at=FRIDAY)
    assert list(result.columns) == [
        *BASE_COLUMNS,
        "sma(close,20)",
        "rsi(close,14)",
        "volume",
        "avg(volume,20) * 1.5",
    ]
    assert result_columns(text) == list(result.columns)
    assert len(result) > 0
    assert (result["date"] == FRIDAY).all()
    assert result["close"].dtype == np.int64
    assert (result["close"] > result["sma(close,20)"]).all()
    assert (result["rsi(close,14)"] < 70).all()
    assert (result["volume"] > result["avg(volume,20) * 1.5"]).all()
    row = panel.codes.index(result["code"].iloc[0])
    day = int(np.flatnonzero(panel.dates == np.datetime64(FRIDAY))[0])
    assert result["close"].iloc[0] == panel.close[row, day]
    expected_change = (panel.close[row, day] / panel.close[row, day - 1] - 1) * 100
    assert result["change"].iloc[0] == pytest.approx(expected_change)
    assert result["name"].iloc[0] == panel.instruments[row].name
    assert column_units(text) == {
        "close": "KRW",
        "change": "%",
        "sma(close,20)": "KRW",
        "volume": "shares",
    }


def test_korean_names_give_the_same_scan_and_labels(panel: BarPanel) -> None:
    english = scan("close > sma(close, 20) and volume > avg(volume, 20)", panel, at=FRIDAY)
    korean = scan("종가 > 이동평균(종가, 20) and 거래량 > 평균(거래량, 20)", panel, at=FRIDAY)
    pd.testing.assert_frame_equal(english, korean)
    crossing = scan("골든크로스(이동평균(종가, 5), 이동평균(종가, 20))", panel)
    assert list(crossing.columns)[len(BASE_COLUMNS) :] == ["sma(close,5)", "sma(close,20)"]
    reference = scan("crosses_above(sma(close, 5), sma(close, 20))", panel)
    pd.testing.assert_frame_equal(crossing, reference)


def test_every_match_and_only_matches(panel: BarPanel) -> None:
    result = scan("change > 0", panel, at=FRIDAY)
    day = int(np.flatnonzero(panel.dates == np.datetime64(FRIDAY))[0])
    with np.errstate(invalid="ignore"):
        rising = panel.close[:, day] > panel.close[:, day - 1]
    assert sorted(result["code"]) == sorted(np.array(panel.codes)[rising])
    assert list(result["code"]) == sorted(result["code"])  # no sort by: code order


def test_sort_by_descending_by_default_and_ascending(panel: BarPanel) -> None:
    result = scan("volume > 0 sort by change", panel, at=FRIDAY)
    assert list(result["change"]) == sorted(result["change"], reverse=True)
    ascending = scan("volume > 0 sort by change asc", panel, at=FRIDAY)
    assert list(ascending["change"]) == sorted(ascending["change"])
    by_key = scan("volume > 0 sort by volume * close desc", panel, at=FRIDAY)
    assert by_key.columns[-1] == "volume * close"
    values = list(by_key["volume * close"])
    assert values == sorted(values, reverse=True)


def test_limit_cuts_after_sorting(panel: BarPanel) -> None:
    everything = scan("volume > 0 sort by change", panel, at=FRIDAY)
    top = scan("volume > 0 sort by change limit 3", panel, at=FRIDAY)
    assert len(top) == 3
    pd.testing.assert_frame_equal(top, everything.head(3))
    assert len(scan("volume > 0 limit 0", panel, at=FRIDAY)) == 0


def test_empty_result_keeps_the_columns(panel: BarPanel) -> None:
    result = scan("close > 1e12 and rsi(close, 14) < 30 sort by volume", panel)
    assert result.empty
    assert list(result.columns) == [*BASE_COLUMNS, "rsi(close,14)", "volume"]


def test_universe_restricts_codes(panel: BarPanel) -> None:
    universe = ["005930", "122630", "not-a-code"]
    result = scan("close > 0", panel, universe=universe, at=FRIDAY)
    assert list(result["code"]) == ["005930", "122630"]
    assert scan("close > 0", panel, universe=[]).empty


def test_at_picks_the_last_trading_day_on_or_before(panel: BarPanel) -> None:
    sunday = scan("close > 0", panel, at=dt.date(2023, 12, 24))
    assert set(sunday["date"]) == {FRIDAY}
    assert len(sunday) == 27
    early = scan("close > 0", panel, at=dt.date(2002, 10, 15))
    assert set(early["code"]) == {"005380", "005930", "069500"}
    assert scan("close > 0", panel, at=dt.date(1980, 1, 1)).empty


def test_at_none_scans_each_instruments_latest_bar(panel: BarPanel) -> None:
    result = scan("close > 0", panel)
    assert len(result) == 27
    dates = dict(zip(result["code"], result["date"], strict=True))
    assert dates["161510"] == dt.date(2023, 12, 28)  # its file runs four days longer
    assert dates["005930"] == FRIDAY


def test_no_look_ahead_with_at(panel: BarPanel) -> None:
    # ichimoku's lagging line reads close[t + 26]: at a past date it must be undefined.
    result = scan("ichimoku(high, low, close).lagging > 0", panel, at=dt.date(2020, 6, 1))
    assert result.empty
    assert scan("ichimoku(high, low, close).leading_a > 0", panel, at=dt.date(2020, 6, 1)).shape[0]


def test_instrument_filters(panel: BarPanel) -> None:
    inverse = scan('kind == "etf" and leverage < 0', panel, at=FRIDAY)
    assert list(inverse["code"]) == ["114800", "251340"]
    assert list(inverse["kind"]) == ["etf", "etf"]
    assert list(inverse["leverage"]) == [-1.0, -1.0]
    assert list(scan("kospi200", panel, at=FRIDAY)["code"]) == ["005380", "005930"]


def test_data_from_a_path_or_frames(krx_daily_dir: Path, panel: BarPanel) -> None:
    from_path = scan("close > sma(close, 20)", str(krx_daily_dir), at=FRIDAY)
    pd.testing.assert_frame_equal(from_path, scan("close > sma(close, 20)", panel, at=FRIDAY))
    frames = {
        path.stem: pd.read_csv(path)
        for path in sorted(krx_daily_dir.glob("*.csv"))
        if path.stem in ("005930", "069500")
    }
    from_frames = scan("close > 0", frames, at=FRIDAY)
    assert list(from_frames["code"]) == ["005930", "069500"]


def test_a_parsed_query_uses_canonical_column_names(panel: BarPanel) -> None:
    result = scan(parse("close>SMA(close , 20)  sort by rsi(close,14)"), panel, at=FRIDAY)
    assert list(result.columns)[5:] == ["sma(close,20)", "rsi(close,14)"]


def test_bad_expressions_raise_before_reading_data() -> None:
    with pytest.raises(ScreenSyntaxError):
        scan("close >", "/nonexistent")
    with pytest.raises(ScreenNameError) as caught:
        scan("clsoe > 1", "/nonexistent")
    assert "did you mean 'close'" in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "close > sma(close, 20) and rsi(close, 14) < 60 or not (change > 0) and kospi200",
        "not (volume > avg(volume, 20) or macd(close) > macd(close).macdsignal)",
        'kind == "etf" and (crosses_above(sma(close, 5), sma(close, 20)) or change < -1)',
    ],
)
def test_pruned_scan_equals_whole_evaluation(panel: BarPanel, text: str) -> None:
    from yeouido.screener.vector import evaluate

    for at in (dt.date(2015, 3, 4), dt.date(2020, 3, 19), FRIDAY):
        day = int(np.searchsorted(panel.dates, np.datetime64(at), side="right")) - 1
        values = evaluate(parse(text), panel.until(day))[:, -1]
        has_bar = ~np.isnan(panel.close[:, day])
        expected = [
            code for code, hit, bar in zip(panel.codes, values, has_bar, strict=True) if hit and bar
        ]
        assert list(scan(text, panel, at=at)["code"]) == expected
