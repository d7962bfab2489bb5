"""``yeouido.data.fetch`` on recorded pykrx and FinanceDataReader answers (no network)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from yeouido.cli.main import app
from yeouido.data import BarStore
from yeouido.data import fetch as fetch_module
from yeouido.data.fetch import Downloader, fetch_bars, fetch_code, library_downloader
from yeouido.model.errors import DataSourceError, InvalidInput, MissingExtra

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "data-libraries"
KRX_DAILY = Path(__file__).resolve().parents[1] / "fixtures" / "krx-daily"


def replay(source: str, calls: list[tuple[str, date, date, bool]] | None = None) -> Downloader:
    """A downloader answering from the recorded frames of ``source``, as the library would."""

    def download(code: str, start: date, end: date, adjusted: bool) -> pd.DataFrame:
        if calls is not None:
            calls.append((code, start, end, adjusted))
        if source == "pykrx":
            name = f"pykrx-{code}-{'adjusted' if adjusted else 'raw'}.csv"
        else:
            name = f"fdr-{code}.csv"
        file = RECORDED / name
        if not file.exists():
            return pd.DataFrame()
        frame = pd.read_csv(file, index_col=0, parse_dates=True)
        window = (frame.index >= pd.Timestamp(start)) & (frame.index <= pd.Timestamp(end))
        return frame[window]

    return download


def krx_daily(code: str, first: str, last: str) -> pd.DataFrame:
    frame = pd.read_csv(KRX_DAILY / f"{code}.csv", dtype={"date": str})
    return frame[(frame["date"] >= first) & (frame["date"] <= last)].reset_index(drop=True)


def test_the_recorded_frames_have_the_libraries_shapes() -> None:
    pykrx = replay("pykrx")("005930", date(2023, 12, 1), date(2023, 12, 31), True)
    assert isinstance(pykrx.index, pd.DatetimeIndex) and pykrx.index.name == "날짜"
    assert list(pykrx.columns) == ["시가", "고가", "저가", "종가", "거래량", "등락률"]
    raw = replay("pykrx")("005930", date(2023, 12, 1), date(2023, 12, 31), False)
    assert list(raw.columns) == ["시가", "고가", "저가", "종가", "거래량", "거래대금", "등락률"]
    fdr = replay("fdr")("069500", date(2023, 12, 1), date(2023, 12, 31), True)
    assert fdr.index.name == "Date"
    assert list(fdr.columns) == ["Open", "High", "Low", "Close", "Volume", "Change"]


@pytest.mark.parametrize("source", ["pykrx", "fdr"])
def test_fetch_stores_exactly_the_recorded_bars(tmp_path: Path, source: str) -> None:
    store = BarStore(tmp_path)
    calls: list[tuple[str, date, date, bool]] = []
    seen: list[tuple[str, int]] = []
    received = fetch_bars(
        store,
        ["005930", "005380"],
        date(2023, 12, 13),
        date(2023, 12, 22),
        source=source,
        download=replay(source, calls),
        progress=lambda code, bars: seen.append((code, bars)),
    )
    assert received == {"005930": 8, "005380": 8}
    assert seen == [("005930", 8), ("005380", 8)]
    assert [call[0] for call in calls] == ["005930", "005380"] and all(c[3] for c in calls)
    stored = store.read("005930", adjusted=True)
    expected = krx_daily("005930", "20231213", "20231222")
    assert [moment.strftime("%Y%m%d") for moment in stored.index] == list(expected["date"])
    for column in ("open", "high", "low", "close", "volume"):
        assert stored[column].tolist() == expected[column].astype("int64").tolist()
    assert str(stored.index.tz) == "Asia/Seoul" and (stored.index.hour == 0).all()
    summary = store.summary()
    assert set(summary["source"]) == {source}
    assert store.codes("1d", adjusted=False) == []


def test_raw_prices_go_to_the_raw_side(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    count = fetch_code(
        store,
        "005930",
        date(2023, 12, 18),
        date(2023, 12, 22),
        adjusted=False,
        download=replay("pykrx"),
    )
    assert count == 5
    assert store.codes("1d", adjusted=False) == ["005930"]
    assert store.codes("1d", adjusted=True) == []
    assert store.read("005930", adjusted=False)["close"].tolist() == [
        72900,
        73400,
        74800,
        75000,
        75900,
    ]


def test_fdr_refuses_raw_prices(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="adjusted prices only"):
        fetch_module.fdr_download("005930", date(2024, 1, 2), date(2024, 1, 5), False)


def test_a_code_without_bars_stores_nothing(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    received = fetch_bars(
        store, ["999990"], date(2023, 12, 1), date(2023, 12, 31), download=replay("pykrx")
    )
    assert received == {"999990": 0}
    assert store.summary().empty


def test_a_network_error_is_a_clear_data_source_error(tmp_path: Path) -> None:
    def unreachable(code: str, start: date, end: date, adjusted: bool) -> pd.DataFrame:
        raise ConnectionError("Failed to resolve 'fchart.stock.naver.com'")

    store = BarStore(tmp_path)
    with pytest.raises(DataSourceError, match="network error, nothing stored") as error:
        fetch_code(store, "005930", date(2024, 1, 2), date(2024, 1, 5), download=unreachable)
    assert error.value.field == "pykrx" and error.value.value == "005930"
    assert store.summary().empty


def test_bad_codes_and_ranges_are_refused_before_any_request(tmp_path: Path) -> None:
    calls: list[tuple[str, date, date, bool]] = []
    store = BarStore(tmp_path)
    with pytest.raises(InvalidInput):
        fetch_code(store, "00/593", date(2024, 1, 2), date(2024, 1, 5), download=replay("p", calls))
    with pytest.raises(InvalidInput, match="must not be after end"):
        fetch_code(store, "005930", date(2024, 1, 5), date(2024, 1, 2), download=replay("p", calls))
    with pytest.raises(InvalidInput, match="source"):
        library_downloader("yahoo")
    assert calls == []


def test_a_missing_library_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pykrx", None)
    monkeypatch.setitem(sys.modules, "pykrx.stock", None)
    with pytest.raises(MissingExtra, match=r"pip install 'yeouido\[data\]'"):
        library_downloader("pykrx")


def test_cli_fetch_without_the_extra_prints_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path))
    monkeypatch.setitem(sys.modules, "pykrx", None)
    monkeypatch.setitem(sys.modules, "pykrx.stock", None)
    result = CliRunner().invoke(app, ["data", "fetch", "005930"])
    assert result.exit_code == 2
    assert "pip install 'yeouido[data]'" in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_cli_fetch_stores_and_reports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(fetch_module, "library_downloader", lambda source: replay(source))
    arguments = ["data", "fetch", "005930", "069500", "--source", "fdr"]
    dates = ["--start", "2023-12-13", "--end", "2023-12-22"]
    result = CliRunner().invoke(app, [*arguments, *dates, "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["bars"] == {"005930": 8, "069500": 8}
    assert answer["adjustment"] == "adjusted" and answer["source"] == "fdr"
    result = CliRunner().invoke(app, [*arguments, *dates])
    assert result.exit_code == 0, result.output
    assert "fetched 16 daily bars (adjusted) for 2 codes" in " ".join(result.output.split())
    assert BarStore(tmp_path / "bars").codes() == ["005930", "069500"]
