"""Parsing the KIS master files (recorded small archives in tests/fixtures/kis-master)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from yeouido.krx.master_files import (
    KONEX_LAYOUT,
    KOSDAQ_LAYOUT,
    KOSPI_LAYOUT,
    parse_master_file,
    parse_master_zip,
)
from yeouido.model.enums import InstrumentKind, Market
from yeouido.model.errors import InvalidInput

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kis-master"


def _records(name: str, layout=KOSPI_LAYOUT):  # type: ignore[no-untyped-def]
    return {
        record.instrument.code: record
        for record in parse_master_zip((FIXTURES / f"{name}.zip").read_bytes(), layout)
    }


def test_the_layouts_have_the_documented_tail_lengths() -> None:
    assert KOSPI_LAYOUT.tail_length == 227
    assert KOSDAQ_LAYOUT.tail_length == 221
    assert KONEX_LAYOUT.tail_length == 184


def test_kospi_stocks_etfs_and_etns() -> None:
    records = _records("kospi_code.mst")
    samsung = records["005930"]
    assert samsung.instrument.name == "삼성전자"
    assert samsung.instrument.market is Market.KOSPI
    assert samsung.instrument.kind is InstrumentKind.STOCK
    assert samsung.instrument.kospi200 and samsung.instrument.lot_size == 1
    assert samsung.reference_price == 97_900
    assert samsung.standard_code == "KR7005930003"
    assert records["003550"].instrument.name == "LG"
    assert records["003550"].reference_price == 79_300
    kodex = records["069500"].instrument
    assert kodex.kind is InstrumentKind.ETF and kodex.leverage == 1 and not kodex.kospi200
    assert records["252670"].instrument.leverage == -2
    etn = records["Q520057"]
    assert etn.instrument.kind is InstrumentKind.ETN
    assert etn.instrument.name == "미래에셋 인버스 2X 코스닥150 선물 ETN"
    assert etn.instrument.leverage == -2 and etn.reference_price == 3_520
    assert records["00088K"].instrument.name == "한화3우B"  # the new alphanumeric codes
    assert records["Q530107"].instrument.kind is InstrumentKind.ETN  # listed without its Q
    assert "530107" not in records


def test_rights_and_warrants_are_left_out() -> None:
    records = _records("kospi_code.mst")
    assert len(records) == 9
    assert not [code for code in records if code.startswith("J")]


def test_kosdaq_and_konex() -> None:
    kosdaq = _records("kosdaq_code.mst", KOSDAQ_LAYOUT)
    assert set(kosdaq) == {"247540", "041510"}
    assert kosdaq["041510"].instrument.market is Market.KOSDAQ
    assert kosdaq["041510"].instrument.name == "에스엠"
    assert kosdaq["041510"].reference_price == 78_400
    konex = _records("konex_code.mst", KONEX_LAYOUT)
    assert konex["278990"].instrument.market is Market.KONEX
    assert konex["278990"].reference_price == 10_250


def test_a_record_off_the_tick_grid_keeps_no_reference_price() -> None:
    line = next(
        line
        for line in zipfile.ZipFile(FIXTURES / "kospi_code.mst.zip")
        .read("kospi_code.mst")
        .split(b"\r\n")
        if line.startswith(b"005930")
    )
    base = 21 + len("삼성전자".encode("cp949")) + 41
    assert line[base : base + 9] == b"000097900"
    odd = line[:base] + b"000097901" + line[base + 9 :]
    (record,) = parse_master_file(odd, KOSPI_LAYOUT)
    assert record.reference_price is None


def test_a_short_record_and_a_bad_archive_are_clear_errors() -> None:
    with pytest.raises(InvalidInput, match=r"kospi_code\.mst line 2"):
        list(parse_master_file(b"\r\n005930   KR7005930003short\r\n", KOSPI_LAYOUT))
    with pytest.raises(InvalidInput, match="not a zip archive"):
        parse_master_zip(b"<html>maintenance</html>", KOSPI_LAYOUT)
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "nothing")
    with pytest.raises(InvalidInput, match=r"holds no \.mst file"):
        parse_master_zip(empty.getvalue(), KOSPI_LAYOUT)
