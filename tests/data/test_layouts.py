"""The importer reads the CSV layouts of the data libraries and of HTS exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from yeouido.data import BarStore, import_csv_dir, read_csv_bars
from yeouido.model.errors import InvalidInput

CLOSES = [75_900, 74_800, 75_000]


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def _check(frame_path: Path) -> None:
    bars = read_csv_bars(frame_path)
    assert [moment.strftime("%Y-%m-%d") for moment in bars.index] == [
        "2024-01-02",
        "2024-01-03",
        "2024-01-04",
    ]
    assert bars["close"].tolist() == CLOSES
    assert bars["volume"].tolist() == [14_515_608, 13_478_766, 16_870_156]
    assert str(bars.index.tz) == "Asia/Seoul" and (bars.index.hour == 0).all()


def test_finance_datareader_layout_with_change_and_adj_close(tmp_path: Path) -> None:
    _check(
        _write(
            tmp_path / "005930.csv",
            "Date,Open,High,Low,Close,Adj Close,Volume,Change\n"
            "2024-01-02,75800,76300,75400,75900,75900,14515608,\n"
            "2024-01-03,74600,75000,73800,74800,74800,13478766,-0.0145\n"
            "2024-01-04,74600,75500,74300,75000,75000,16870156,0.0027\n",
        )
    )


@pytest.mark.parametrize(
    "dates",
    [
        ("2024-01-02", "2024-01-03", "2024-01-04"),
        ("2024.01.02", "2024.01.03", "2024.01.04"),
        ("20240102", "20240103", "20240104"),
    ],
)
def test_korean_headers_with_every_date_form_and_thousands_separators(
    tmp_path: Path, dates: tuple[str, str, str]
) -> None:
    _check(
        _write(
            tmp_path / "005930.csv",
            "날짜,시가,고가,저가,종가,거래량,거래대금,등락률\n"
            f'{dates[2]},"74,600","75,500","74,300","75,000","16,870,156",1,0.27\n'
            f'{dates[0]},"75,800","76,300","75,400","75,900","14,515,608",1,1.20\n'
            f'{dates[1]},"74,600","75,000","73,800","74,800","13,478,766",1,-1.45\n',
        )
    )


def test_an_hts_export_in_cp949(tmp_path: Path) -> None:
    _check(
        _write(
            tmp_path / "005930.csv",
            "일자,시가,고가,저가,현재가,거래량\n"
            "2024/01/02,75800,76300,75400,75900,14515608\n"
            "2024/01/03,74600,75000,73800,74800,13478766\n"
            "2024/01/04,74600,75500,74300,75000,16870156\n",
            encoding="cp949",
        )
    )


def test_a_directory_of_mixed_layouts_imports_one_code_per_file(tmp_path: Path) -> None:
    source = tmp_path / "csv"
    source.mkdir()
    _write(source / "005930.csv", "Date,Open,High,Low,Close,Volume\n2024-01-02,1,3,1,2,10\n")
    _write(source / "000660.csv", '날짜,시가,고가,저가,종가,거래량\n2024.01.02,5,9,4,8,"1,000"\n')
    store = BarStore(tmp_path / "bars")
    assert import_csv_dir(store, source) == ["000660", "005930"]
    assert store.read("000660")["volume"].tolist() == [1000]
    assert store.read("005930")["close"].tolist() == [2]


def test_bad_files_name_the_file_and_the_field(tmp_path: Path) -> None:
    missing = _write(tmp_path / "000001.csv", "Date,Open,High,Low,Volume\n2024-01-02,1,2,1,5\n")
    with pytest.raises(InvalidInput, match="close") as error:
        read_csv_bars(missing)
    assert error.value.field == "000001.csv"
    bad_date = _write(tmp_path / "000002.csv", "날짜,시가,고가,저가,종가,거래량\n어제,1,2,1,2,5\n")
    with pytest.raises(InvalidInput) as error:
        read_csv_bars(bad_date)
    assert error.value.field == "000002.csv: date"
    assert error.value.value == "어제"
    bad_number = _write(
        tmp_path / "000003.csv", "Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,1,x,5\n"
    )
    with pytest.raises(InvalidInput) as error:
        read_csv_bars(bad_number)
    assert error.value.field == "000003.csv: close"
    impossible = _write(
        tmp_path / "000004.csv", "Date,Open,High,Low,Close,Volume\n2024-02-30,1,2,1,2,5\n"
    )
    with pytest.raises(InvalidInput, match="not a calendar date"):
        read_csv_bars(impossible)
