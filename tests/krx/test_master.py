"""The built-in instrument master and user CSVs."""

from __future__ import annotations

from pathlib import Path

import pytest

from yeouido.krx import InstrumentMaster, default_master, get_instrument, is_on_tick
from yeouido.model import InstrumentKind, InvalidCode, InvalidInput, Market, UnknownInstrument


def test_every_real_listing_is_in_the_master(krx_daily_dir: Path) -> None:
    master = default_master()
    codes = sorted(path.stem for path in krx_daily_dir.glob("*.csv"))
    assert len(codes) == 27
    for code in codes:
        assert code in master, code


def test_master_has_many_large_names() -> None:
    stocks = [i for i in default_master() if i.kind is InstrumentKind.STOCK]
    assert sum(i.market is Market.KOSPI for i in stocks) >= 40
    assert sum(i.market is Market.KOSDAQ for i in stocks) >= 15
    assert sum(i.kospi200 for i in stocks) >= 40


def test_reference_prices_are_on_tick() -> None:
    master = default_master()
    for instrument in master:
        price = master.reference_price(instrument.code)
        assert price is not None
        assert is_on_tick(price, instrument.tick_table), instrument.code


def test_leverage_of_leveraged_and_inverse_products() -> None:
    assert get_instrument("122630").leverage == 2
    assert get_instrument("114800").leverage == -1
    assert get_instrument("Q520057").leverage == -2
    assert get_instrument("520057").code == "Q520057"


def test_unknown_and_malformed_codes() -> None:
    with pytest.raises(UnknownInstrument):
        get_instrument("999999")
    with pytest.raises(InvalidCode):
        get_instrument("12345")


def test_load_csv_extends_the_master(tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text(
        "code,name,market,kind,lot_size,kospi200,leverage,nxt,reference_price\n"
        "0001A0,새종목,KOSDAQ,stock,1,0,1,0,12000\n",
        encoding="utf-8",
    )
    master = InstrumentMaster()
    assert master.load_csv(path) == 1
    assert master.get("0001A0").market is Market.KOSDAQ
    assert master.reference_price("0001A0") == 12_000


def test_a_bad_row_adds_nothing_and_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "code,name,market,kind\n111111,좋은,KOSPI,stock\n22222,나쁜,KOSPI,stock\n",
        encoding="utf-8",
    )
    master = InstrumentMaster()
    with pytest.raises(InvalidInput) as raised:
        master.load_csv(path)
    assert "row 3" in str(raised.value)
    assert raised.value.field == "code"
    assert len(master) == 0
