"""The bar store: Parquet files per code, upserts, adjusted and raw apart, DuckDB queries."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from yeouido.data import BarStore, import_csv_dir, import_csv_file
from yeouido.model.errors import InvalidInput
from yeouido.model.time import SEOUL


def _bars(days: list[str], closes: list[int]) -> pd.DataFrame:
    index = pd.DatetimeIndex(pd.to_datetime(days), name="time").tz_localize(SEOUL)
    closes_array = np.array(closes, dtype=np.int64)
    return pd.DataFrame(
        {
            "open": closes_array,
            "high": closes_array + 10,
            "low": closes_array - 10,
            "close": closes_array,
            "volume": np.full(len(closes), 1_000, dtype=np.int64),
        },
        index=index,
    )


def _csv_expected(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"date": str, "code": str, "ticker": str})
    index = pd.DatetimeIndex(
        pd.to_datetime(frame["date"], format="%Y%m%d"), name="time"
    ).tz_localize("Asia/Seoul")
    columns = ["open", "high", "low", "close", "volume"]
    return pd.DataFrame(
        {name: frame[name].to_numpy(dtype=np.int64) for name in columns}, index=index
    )


@pytest.fixture(scope="module")
def imported(krx_daily_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> BarStore:
    store = BarStore(tmp_path_factory.mktemp("bars"))
    import_csv_dir(store, krx_daily_dir)
    return store


def test_import_reads_back_005930_exactly_as_the_csv(
    imported: BarStore, krx_daily_dir: Path
) -> None:
    expected = _csv_expected(krx_daily_dir / "005930.csv")
    stored = imported.read("005930")
    assert str(stored.index.tz) == "Asia/Seoul"
    assert list(stored.dtypes) == [np.dtype(np.int64)] * 5
    pd.testing.assert_index_equal(stored.index.as_unit("ns"), expected.index.as_unit("ns"))
    assert (stored.index.hour == 0).all()
    np.testing.assert_array_equal(stored.to_numpy(), expected.to_numpy())
    # the 50:1 split of 2018 is already in the prices: no jump across it
    around = imported.read("005930", start=date(2018, 4, 30), end=date(2018, 5, 4))
    assert around["close"].max() / around["close"].min() < 1.2


def test_import_lists_every_file_on_the_adjusted_side(
    imported: BarStore, krx_daily_dir: Path
) -> None:
    files = sorted(path.stem for path in krx_daily_dir.glob("*.csv"))
    assert imported.codes("1d", adjusted=True) == files
    assert imported.codes("1d", adjusted=False) == []
    summary = imported.summary()
    assert list(summary.columns) == [
        "code",
        "interval",
        "adjustment",
        "first",
        "last",
        "rows",
        "source",
    ]
    row = summary.set_index("code").loc["005930"]
    assert (row["interval"], row["adjustment"], row["source"]) == ("1d", "adjusted", "csv")
    assert row["rows"] == len(_csv_expected(krx_daily_dir / "005930.csv"))
    assert row["first"] == pd.Timestamp("1990-09-11", tz="Asia/Seoul")


def test_duckdb_last_close_per_code_equals_the_last_csv_row(
    imported: BarStore, krx_daily_dir: Path
) -> None:
    result = imported.query(
        "SELECT code, arg_max(close, time) AS close, max(time) AS time FROM bars "
        "WHERE interval = '1d' AND adjusted GROUP BY code ORDER BY code"
    )
    assert len(result) == len(list(krx_daily_dir.glob("*.csv")))
    for row in result.itertuples(index=False):
        expected = _csv_expected(krx_daily_dir / f"{row.code}.csv")
        assert row.close == expected["close"].iloc[-1]
        assert pd.Timestamp(row.time) == expected.index[-1]


def test_read_slices_by_dates_inclusive(imported: BarStore) -> None:
    january = imported.read("005930", start=date(2020, 1, 2), end=date(2020, 1, 31))
    assert january.index[0] == pd.Timestamp("2020-01-02", tz="Asia/Seoul")
    assert january.index[-1] == pd.Timestamp("2020-01-31", tz="Asia/Seoul")
    aware = imported.read(
        "005930", start=datetime(2020, 1, 2, tzinfo=SEOUL), end=datetime(2020, 1, 3, tzinfo=SEOUL)
    )
    assert len(aware) == 2


def test_upsert_merges_and_later_data_replaces_the_same_timestamps(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    store.write("005930", _bars(["2024-01-02", "2024-01-03"], [100, 200]))
    rows = store.write("005930", _bars(["2024-01-03", "2024-01-04"], [250, 300]), source="kis")
    assert rows == 3
    stored = store.read("005930")
    assert list(stored["close"]) == [100, 250, 300]
    assert store.summary().loc[0, "source"] == "csv,kis"


def test_daily_bars_are_stored_at_seoul_midnight(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    frame = _bars(["2024-01-02"], [100])
    frame.index = pd.DatetimeIndex([pd.Timestamp("2024-01-02 06:30", tz="UTC")], name="time")
    store.write("005930", frame)
    assert store.read("005930").index[0] == pd.Timestamp("2024-01-02", tz="Asia/Seoul")


def test_adjusted_and_raw_are_kept_apart(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    store.write("005930", _bars(["2018-05-03"], [53_000]), adjusted=False)
    store.write("005930", _bars(["2018-05-03"], [1_060]), adjusted=True)
    assert store.read("005930", adjusted=False)["close"].tolist() == [53_000]
    assert store.read("005930", adjusted=True)["close"].tolist() == [1_060]
    assert store.path("005930", adjusted=False) != store.path("005930", adjusted=True)
    sides = store.query("SELECT adjusted, close FROM bars ORDER BY adjusted")
    assert sides.values.tolist() == [[False, 53_000], [True, 1_060]]


def test_minute_bars_keep_their_time(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    index = pd.date_range("2024-01-02 09:00", periods=3, freq="min", tz="Asia/Seoul")
    frame = _bars(["2024-01-02"] * 3, [100, 101, 102]).set_axis(index)
    store.write("005930", frame, interval="1m", adjusted=False)
    stored = store.read("005930", interval="1m", adjusted=False)
    assert list(stored.index.strftime("%H:%M")) == ["09:00", "09:01", "09:02"]
    assert store.read("005930", interval="1d", adjusted=False).empty


def test_reading_nothing_gives_an_empty_frame_of_the_same_shape(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    empty = store.read("005930")
    assert empty.empty and list(empty.columns) == ["open", "high", "low", "close", "volume"]
    assert str(empty.index.tz) == "Asia/Seoul"
    assert store.summary().empty
    assert store.query("SELECT count(*) AS n FROM bars")["n"].tolist() == [0]


def test_default_root_is_under_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path))
    assert BarStore().root == tmp_path / "bars"


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [("close", -1, "close"), ("high", 1, "high"), ("volume", -5, "volume")],
)
def test_bad_bars_are_refused_naming_the_field(
    tmp_path: Path, column: str, value: int, field: str
) -> None:
    store = BarStore(tmp_path)
    frame = _bars(["2024-01-02", "2024-01-03"], [100, 200])
    frame.loc[frame.index[1], column] = value
    with pytest.raises(InvalidInput) as error:
        store.write("005930", frame)
    assert error.value.field == field


def test_unknown_interval_and_naive_times_are_refused(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    frame = _bars(["2024-01-02"], [100])
    with pytest.raises(InvalidInput) as error:
        store.write("005930", frame, interval="5m")
    assert error.value.field == "interval"
    with pytest.raises(InvalidInput) as error:
        store.read("005930", interval="1w")
    assert error.value.field == "interval"
    with pytest.raises(InvalidInput) as error:
        store.write("005930", frame.tz_localize(None))
    assert error.value.field == "index"
    with pytest.raises(InvalidInput) as error:
        store.write("../x", frame)
    assert error.value.field == "code"


def test_a_failed_write_leaves_the_stored_file_whole(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    store.write("005930", _bars(["2024-01-02", "2024-01-03"], [100, 200]))
    before = store.path("005930").read_bytes()
    bad = _bars(["2024-01-03", "2024-01-04"], [300, 400])
    bad.loc[bad.index[1], "low"] = 10_000
    with pytest.raises(InvalidInput):
        store.write("005930", bad)
    assert store.path("005930").read_bytes() == before
    assert [path.name for path in store.path("005930").parent.iterdir()] == ["code=005930.parquet"]


def test_a_write_that_fails_midway_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    store = BarStore(tmp_path)
    store.write("005930", _bars(["2024-01-02"], [100]))
    before = store.path("005930").read_bytes()

    def broken_write(table: object, where: object, **options: object) -> None:
        Path(str(where)).write_bytes(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", broken_write)
    with pytest.raises(OSError, match="disk full"):
        store.write("005930", _bars(["2024-01-03"], [200]))
    with pytest.raises(OSError, match="disk full"):
        store.write("000660", _bars(["2024-01-03"], [200]))
    folder = store.path("005930").parent
    assert sorted(path.name for path in folder.iterdir()) == ["code=005930.parquet"]
    assert store.path("005930").read_bytes() == before


def test_a_bad_csv_file_names_itself_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "csv"
    source.mkdir()
    (source / "000001.csv").write_text(
        "date,open,high,low,close,volume\n20240102,100,110,90,105,10\n", encoding="utf-8"
    )
    (source / "000002.csv").write_text(
        "date,open,high,low,close,volume\n20240102,100,110,90,-105,10\n", encoding="utf-8"
    )
    store = BarStore(tmp_path / "bars")
    with pytest.raises(InvalidInput) as error:
        import_csv_dir(store, source)
    assert error.value.field == "000002.csv: close"
    assert store.summary().empty
    assert import_csv_file(store, source / "000001.csv", adjusted=False) == "000001"
    assert store.codes("1d", adjusted=False) == ["000001"]


def test_a_sql_error_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as error:
        BarStore(tmp_path).query("SELECT nope FROM bars")
    assert error.value.field == "sql"
