"""The bar store: OHLCV bars in Parquet files, queried with DuckDB (embedded, no server).

Layout under the root (by default ``data_dir() / "bars"``), one file per code, interval and
adjustment::

    interval=1d/adjustment=adjusted/code=005930.parquet
    interval=1d/adjustment=raw/code=005930.parquet
    interval=1m/adjustment=raw/code=005930.parquet

Adjusted prices (split-adjusted, what a backtest wants) and raw prices (what was printed on
the day, what an order book saw) live side by side and never mix: every call names the side
with ``adjusted=``.

Each file holds the columns ``time`` (timestamp, Asia/Seoul, microseconds), ``open high low
close volume`` (``int64``: prices in whole KRW) and ``source`` (where the row came from:
``csv``, ``kis``, …). Files are replaced atomically (written to a temporary file in the same
directory, then renamed), so a reader sees the old file or the new one, never half of one.
Writers are not locked against each other: run one import at a time per store.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Final, Literal

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from yeouido.model.errors import InvalidInput
from yeouido.model.time import SEOUL
from yeouido.paths import data_dir

__all__ = ["BAR_FIELDS", "INTERVALS", "SUMMARY_COLUMNS", "BarStore"]

INTERVALS = ("1d", "1m")
"""The bar intervals the store keeps: daily and one-minute bars."""

BAR_FIELDS = ("open", "high", "low", "close", "volume")
"""The value columns of a bar frame, in order."""

PRICE_FIELDS = ("open", "high", "low", "close")

SUMMARY_COLUMNS = ("code", "interval", "adjustment", "first", "last", "rows", "source")
"""The columns of :meth:`BarStore.summary`."""

_CODE = re.compile(r"^[0-9A-Za-z]{1,12}$")
_SOURCE = re.compile(r"^[0-9A-Za-z_.-]{1,32}$")
_TIME_UNIT: Final[Literal["us"]] = "us"

_SCHEMA = pa.schema(
    [
        pa.field("time", pa.timestamp(_TIME_UNIT, tz="Asia/Seoul"), nullable=False),
        *(pa.field(name, pa.int64(), nullable=False) for name in BAR_FIELDS),
        pa.field("source", pa.string(), nullable=False),
    ]
)

_EMPTY_VIEW = (
    "SELECT NULL::VARCHAR AS code, NULL::VARCHAR AS interval, NULL::BOOLEAN AS adjusted, "
    "NULL::TIMESTAMPTZ AS time, NULL::BIGINT AS open, NULL::BIGINT AS high, "
    "NULL::BIGINT AS low, NULL::BIGINT AS close, NULL::BIGINT AS volume, "
    "NULL::VARCHAR AS source LIMIT 0"
)

# The partition values come from the end of each file's path, so a root directory whose own
# name contains ``=`` cannot confuse them.
_PATH_PATTERN = r"interval=([^/\\]+)[/\\]adjustment=([^/\\]+)[/\\]code=([^/\\]+)\.parquet$"


def _check_interval(interval: str) -> str:
    if interval not in INTERVALS:
        raise InvalidInput.for_field("interval", interval, f"must be one of {INTERVALS}")
    return interval


def _check_code(code: str) -> str:
    if not isinstance(code, str) or not _CODE.match(code):
        raise InvalidInput.for_field("code", code, "must be 1-12 letters or digits")
    return code


def _check_source(source: str) -> str:
    if not isinstance(source, str) or not _SOURCE.match(source):
        raise InvalidInput.for_field(
            "source", source, "must be 1-32 letters, digits, '_', '.' or '-'"
        )
    return source


def _adjustment(adjusted: bool) -> str:
    return "adjusted" if adjusted else "raw"


def _sql_text(value: str) -> str:
    """``value`` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _as_seoul_index(values: Any, field: str) -> pd.DatetimeIndex:
    """Timestamps as an Asia/Seoul index; naive timestamps are refused."""
    try:
        index = pd.DatetimeIndex(values)
    except (TypeError, ValueError) as error:
        raise InvalidInput.for_field(field, "timestamps", f"must be datetimes ({error})") from None
    if index.tz is None:
        raise InvalidInput.for_field(
            field, "naive", "timestamps must be timezone-aware (e.g. Asia/Seoul)"
        )
    if index.hasnans:
        raise InvalidInput.for_field(field, "NaT", "timestamps must not be missing")
    return index.tz_convert(SEOUL).as_unit(_TIME_UNIT)


def normalize_bars(frame: pd.DataFrame, interval: str = "1d") -> pd.DataFrame:
    """``frame`` checked and in the store's shape: an ascending, unique Asia/Seoul index named
    ``time`` and ``int64`` columns ``open high low close volume``.

    Times come from a timezone-aware ``DatetimeIndex`` or a ``time`` column; daily bars are
    moved to midnight of their Seoul date. Column names may be in any case. When a time
    appears twice the last row wins. Raises :class:`InvalidInput` naming the field: a missing
    column, a missing or fractional value, a negative price or volume, ``high < low``."""
    _check_interval(interval)
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInput.for_field("frame", type(frame).__name__, "must be a pandas DataFrame")
    if _in_store_shape(frame, interval):
        return frame
    lowered = {str(column).lower(): column for column in frame.columns}
    missing = [name for name in BAR_FIELDS if name not in lowered]
    if missing:
        raise InvalidInput.for_field("frame", ", ".join(missing), "missing bar columns")
    if "time" in lowered:
        index = _as_seoul_index(frame[lowered["time"]].to_numpy(), "time")
    elif isinstance(frame.index, pd.DatetimeIndex):
        index = _as_seoul_index(frame.index, "index")
    else:
        raise InvalidInput.for_field(
            "frame", "time", "needs a timezone-aware DatetimeIndex or a 'time' column"
        )
    if interval == "1d":
        index = index.normalize()
    columns: dict[str, np.ndarray[Any, np.dtype[np.int64]]] = {}
    for name in BAR_FIELDS:
        values = pd.to_numeric(frame[lowered[name]], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        if np.isnan(values).any():
            raise InvalidInput.for_field(name, "NaN", "values must be present and numeric")
        if (values != np.round(values)).any():
            raise InvalidInput.for_field(name, "fraction", "values must be whole numbers")
        if (values < 0).any():
            row = int(np.argmax(values < 0))
            raise InvalidInput.for_field(name, values[row], "must not be negative")
        columns[name] = values.astype(np.int64)
    inverted = columns["high"] < columns["low"]
    if inverted.any():
        row = int(np.argmax(inverted))
        raise InvalidInput.for_field(
            "high",
            int(columns["high"][row]),
            f"must not be below low ({int(columns['low'][row])}) at {index[row]}",
        )
    result = pd.DataFrame(columns, index=pd.DatetimeIndex(index, name="time"))
    result = result[~result.index.duplicated(keep="last")]
    return result.sort_index(kind="stable")


def _in_store_shape(frame: pd.DataFrame, interval: str) -> bool:
    """Whether ``frame`` already is what :func:`normalize_bars` returns (checked with a few
    vectorised comparisons, so normalized data is not rebuilt)."""
    index = frame.index
    if not isinstance(index, pd.DatetimeIndex) or str(index.tz) != "Asia/Seoul":
        return False
    if index.name != "time" or list(frame.columns) != list(BAR_FIELDS):
        return False
    if any(dtype != np.int64 for dtype in frame.dtypes):
        return False
    if not (index.is_monotonic_increasing and index.is_unique):
        return False
    values = frame.to_numpy()
    if len(values) and (values.min() < 0 or (values[:, 1] < values[:, 2]).any()):
        return False
    if interval != "1d":
        return True
    local = index.as_unit("ns").asi8 + 9 * 3_600_000_000_000  # Seoul: UTC+9 since 1988
    return not (local % 86_400_000_000_000).any()


def _bound(value: datetime | date | None, field: str, end: bool) -> pd.Timestamp | None:
    """A read bound: an aware datetime as given, a date as the start (or end) of its day."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidInput.for_field(field, value.isoformat(), "must be timezone-aware")
        return pd.Timestamp(value).tz_convert(SEOUL)
    if isinstance(value, date):
        moment = datetime.combine(value, time(0), tzinfo=SEOUL)
        if end:
            moment += timedelta(days=1) - timedelta(microseconds=1)
        return pd.Timestamp(moment)
    raise InvalidInput.for_field(field, value, "must be a date or a timezone-aware datetime")


class BarStore:
    """Bars of many codes in Parquet files under ``root`` (see the module docstring).

    ``root`` defaults to ``data_dir() / "bars"`` (``$YEOUIDO_DATA_DIR/bars`` when set); it is
    created on the first write."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else data_dir() / "bars"

    def __repr__(self) -> str:
        return f"BarStore({str(self.root)!r})"

    def path(self, code: str, interval: str = "1d", adjusted: bool = True) -> Path:
        """The Parquet file of one code, interval and adjustment (it may not exist)."""
        return (
            self.root
            / f"interval={_check_interval(interval)}"
            / f"adjustment={_adjustment(adjusted)}"
            / f"code={_check_code(code)}.parquet"
        )

    def _files(self) -> Iterator[Path]:
        for interval in INTERVALS:
            for adjusted in (True, False):
                folder = self.root / f"interval={interval}" / f"adjustment={_adjustment(adjusted)}"
                if folder.is_dir():
                    yield from sorted(folder.glob("code=*.parquet"))

    def write(
        self,
        code: str,
        frame: pd.DataFrame,
        interval: str = "1d",
        adjusted: bool = True,
        source: str = "csv",
    ) -> int:
        """Upsert the bars of ``frame`` into the file of ``code``: rows merge with what is
        stored, and a row of ``frame`` replaces a stored row with the same time. Returns the
        number of rows in the file afterwards.

        ``frame`` is checked first (see :func:`normalize_bars`); bad input raises
        :class:`InvalidInput` and leaves the store as it was."""
        target = self.path(code, interval, adjusted)
        _check_source(source)
        bars = normalize_bars(frame, interval)
        bars["source"] = source
        if bars.empty and not target.exists():
            return 0
        if target.exists():
            stored = self._read_file(target)
            bars = pd.concat([stored, bars])
            bars = bars[~bars.index.duplicated(keep="last")].sort_index(kind="stable")
        self._replace(target, bars)
        return len(bars)

    @staticmethod
    def _read_file(path: Path) -> pd.DataFrame:
        table = pq.read_table(path, schema=_SCHEMA)
        frame: pd.DataFrame = table.to_pandas()
        index = pd.DatetimeIndex(frame.pop("time"), name="time")
        frame.index = index.tz_convert(SEOUL).as_unit(_TIME_UNIT)
        for name in BAR_FIELDS:
            frame[name] = frame[name].astype(np.int64)
        frame["source"] = frame["source"].astype(str)
        return frame

    @staticmethod
    def _replace(target: Path, bars: pd.DataFrame) -> None:
        """Write ``bars`` to a temporary file beside ``target``, then rename it over."""
        table = pa.table(
            {
                "time": pa.array(bars.index, type=_SCHEMA.field("time").type),
                **{
                    name: pa.array(bars[name].to_numpy(dtype=np.int64), type=pa.int64())
                    for name in BAR_FIELDS
                },
                "source": pa.array(bars["source"].astype(str).tolist(), type=pa.string()),
            },
            schema=_SCHEMA,
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(handle)
        temporary = Path(name)
        try:
            pq.write_table(table, temporary, compression="zstd")
            with temporary.open("rb") as written:
                os.fsync(written.fileno())
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def read(
        self,
        code: str,
        interval: str = "1d",
        start: datetime | date | None = None,
        end: datetime | date | None = None,
        adjusted: bool = True,
    ) -> pd.DataFrame:
        """The stored bars of ``code`` from ``start`` to ``end`` (both inclusive; a date bound
        covers its whole day), oldest first.

        The index is a ``DatetimeIndex`` named ``time`` in Asia/Seoul (daily bars at midnight);
        the columns ``open high low close volume`` are ``int64``. Nothing stored gives an
        empty frame of the same shape."""
        target = self.path(code, interval, adjusted)
        lower = _bound(start, "start", end=False)
        upper = _bound(end, "end", end=True)
        if lower is not None and upper is not None and lower > upper:
            raise InvalidInput.for_field("start", str(start), f"must not be after end ({end})")
        if not target.exists():
            empty = pd.DatetimeIndex([], tz=SEOUL, name="time").as_unit(_TIME_UNIT)
            return pd.DataFrame(
                {name: np.array([], dtype=np.int64) for name in BAR_FIELDS}, index=empty
            )
        frame = self._read_file(target)[list(BAR_FIELDS)]
        if lower is not None:
            frame = frame[frame.index >= lower]
        if upper is not None:
            frame = frame[frame.index <= upper]
        return frame

    def codes(self, interval: str = "1d", adjusted: bool = True) -> list[str]:
        """The codes with a file for ``interval`` on the ``adjusted`` (or raw) side, sorted."""
        folder = (
            self.root
            / f"interval={_check_interval(interval)}"
            / f"adjustment={_adjustment(adjusted)}"
        )
        if not folder.is_dir():
            return []
        return sorted(
            file.name[len("code=") : -len(".parquet")] for file in folder.glob("code=*.parquet")
        )

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with the view ``bars`` over the store's files."""
        connection = duckdb.connect(":memory:")
        try:
            connection.execute("SET TimeZone = 'Asia/Seoul'")
            files = [str(file) for file in self._files()]
            if files:
                listing = "[" + ", ".join(_sql_text(file) for file in files) + "]"
                pattern = _sql_text(_PATH_PATTERN)
                source = f"read_parquet({listing}, filename = true)"
                view = (
                    f"SELECT regexp_extract(filename, {pattern}, 3) AS code, "
                    f"regexp_extract(filename, {pattern}, 1) AS interval, "
                    f"regexp_extract(filename, {pattern}, 2) = 'adjusted' AS adjusted, "
                    f"time, open, high, low, close, volume, source FROM {source}"
                )
            else:
                view = _EMPTY_VIEW
            connection.execute(f"CREATE VIEW bars AS {view}")
        except BaseException:
            connection.close()
            raise
        return connection

    def query(self, sql: str) -> pd.DataFrame:
        """Run DuckDB SQL over the store and return the result as a DataFrame.

        The view ``bars`` has the columns ``code interval adjusted time open high low close
        volume source`` (``adjusted`` is a boolean; ``time`` a ``TIMESTAMPTZ`` shown in
        Asia/Seoul). DuckDB runs embedded, in memory; the files are only read. A SQL error
        raises :class:`InvalidInput` naming ``sql``."""
        connection = self._connect()
        try:
            result = connection.execute(sql)
            with warnings.catch_warnings():
                # DuckDB's own pandas conversion uses ``drop(inplace=True)``, which pandas 3.1
                # deprecates; that is DuckDB's to fix, not a problem of the caller's query.
                warnings.simplefilter("ignore", DeprecationWarning)
                return result.df()
        except duckdb.Error as error:
            raise InvalidInput.for_field("sql", sql, f"DuckDB refused it: {error}") from None
        finally:
            connection.close()

    def summary(self) -> pd.DataFrame:
        """One row per stored file: ``code interval adjustment first last rows source``
        (``adjustment`` is ``adjusted`` or ``raw``; ``source`` lists the sources of its rows,
        comma-separated), sorted by code, interval and adjustment."""
        frame = self.query(
            "SELECT code, interval, "
            "CASE WHEN adjusted THEN 'adjusted' ELSE 'raw' END AS adjustment, "
            'min(time) AS "first", max(time) AS "last", count(*) AS "rows", '
            "string_agg(DISTINCT source, ',' ORDER BY source) AS source "
            "FROM bars GROUP BY ALL ORDER BY code, interval, adjustment"
        )
        frame["rows"] = frame["rows"].astype(np.int64)
        return frame[list(SUMMARY_COLUMNS)].reset_index(drop=True)
