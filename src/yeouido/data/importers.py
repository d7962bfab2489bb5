"""Importers into the bar store: daily CSV files and any broker that serves bars.

- :func:`import_csv_file` / :func:`import_csv_dir`: daily CSV files, one per code (the code
  is the file name's stem): our format ``date,open,high,low,close,volume[,ticker,code,name,
  interval]`` with ``date`` as YYYYMMDD and whole-KRW prices (the format of the KRX daily
  bars the tests keep, whose prices are split-adjusted, so they go to the adjusted side by
  default), and the layouts FinanceDataReader, pykrx and HTS exports write
  (``Date,Open,High,Low,Close,Volume``, ``날짜,시가,고가,저가,종가,거래량``; see
  :mod:`yeouido.data.layouts`).
- :func:`import_from_broker`: any object with ``async bars(code, interval, start, end) ->
  DataFrame`` (the KIS adapter, the paper broker, a test stub). This layer does not import
  the brokers; it asks for bars window by window and leaves paging inside a window to the
  broker.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from yeouido.data.layouts import bars_from_table
from yeouido.data.store import INTERVALS, BarStore, normalize_bars
from yeouido.model.errors import InvalidInput
from yeouido.model.time import SEOUL, require_aware

__all__ = [
    "DEFAULT_WINDOWS",
    "BarSource",
    "import_csv_dir",
    "import_csv_file",
    "import_from_broker",
    "read_csv_bars",
]

CSV_COLUMNS = ("date", "open", "high", "low", "close", "volume")
"""The columns a daily CSV file must have."""

_DAILY_MARKERS = frozenset({"D", "1D", "DAY", "DAILY"})

DEFAULT_WINDOWS: dict[str, timedelta] = {"1d": timedelta(days=100), "1m": timedelta(days=1)}
"""How much time one broker request covers, by interval."""


class BarSource(Protocol):
    """Anything that serves bars: ``await source.bars(code, interval, start, end)`` returns
    a DataFrame with a timezone-aware index and the columns ``open high low close volume``."""

    async def bars(
        self, code: str, interval: str, start: datetime | None, end: datetime | None, /
    ) -> pd.DataFrame:
        """The bars of ``code`` between ``start`` and ``end``."""
        ...


def _csv_encoding(file: Path) -> str:
    """UTF-8 (with or without a byte-order mark), else CP949 (what Korean HTS exports use)."""
    with file.open("rb") as handle:
        head = handle.read(1 << 16)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp949"
    return "utf-8-sig"


def read_csv_bars(path: str | Path) -> pd.DataFrame:
    """The bars of one daily CSV file, checked, as a frame the store accepts (Seoul-midnight
    index named ``time``, ``int64`` columns). Raises :class:`InvalidInput` naming the file
    and the field for a bad file.

    Our own layout (``date`` as YYYYMMDD) is read on a fast path; the layouts of the data
    libraries and HTS exports (``Date,Open,...``, ``날짜,시가,...``, see
    :mod:`yeouido.data.layouts`) are recognised by their header."""
    file = Path(path)
    if not file.is_file():
        raise InvalidInput.for_field("path", str(file), "must be a CSV file")
    encoding = _csv_encoding(file)
    with file.open(encoding=encoding, newline="") as handle:
        header = next(csv.reader(handle), [])
    if not all(name in header for name in CSV_COLUMNS):
        try:
            table = pd.read_csv(file, dtype=str, encoding=encoding, skipinitialspace=True)
        except ValueError as error:
            raise InvalidInput.for_field(file.name, "values", f"unreadable CSV ({error})") from None
        return bars_from_table(table.dropna(how="all"), file.name)
    usecols = [*CSV_COLUMNS, "interval"] if "interval" in header else list(CSV_COLUMNS)
    dtypes: dict[str, Any] = {name: np.float64 for name in CSV_COLUMNS[1:]}
    dtypes["date"] = str
    dtypes["interval"] = str
    try:
        frame = pd.read_csv(file, usecols=usecols, dtype=dtypes, engine="c", encoding=encoding)
    except ValueError:
        # thousands separators or other text in a number column: the general path reads them
        table = pd.read_csv(file, dtype=str, encoding=encoding)
        return bars_from_table(table.dropna(how="all"), file.name)
    if "interval" in frame:
        markers = set(frame["interval"].dropna().astype(str).str.strip().str.upper())
        if not markers <= _DAILY_MARKERS:
            raise InvalidInput.for_field(
                f"{file.name}: interval", ", ".join(sorted(markers)), "must be daily ('D')"
            )
    dates = pd.to_datetime(frame["date"].str.strip(), format="%Y%m%d", errors="coerce")
    if dates.isna().any():
        return bars_from_table(pd.read_csv(file, dtype=str, encoding=encoding), file.name)
    index = pd.DatetimeIndex(dates, name="time").tz_localize(SEOUL)
    bars = pd.DataFrame({name: frame[name].to_numpy() for name in CSV_COLUMNS[1:]}, index=index)
    try:
        return normalize_bars(bars, "1d")
    except InvalidInput as error:
        raise InvalidInput.for_field(
            f"{file.name}: {error.field}", error.value, error.rule or "invalid"
        ) from None


def import_csv_file(
    store: BarStore, path: str | Path, adjusted: bool = True, code: str | None = None
) -> str:
    """Import one daily CSV file; the code is ``code`` or the file name's stem
    (``005930.csv`` → ``005930``). Returns the code."""
    file = Path(path)
    code = code or file.stem
    store.write(code, read_csv_bars(file), interval="1d", adjusted=adjusted, source="csv")
    return code


def import_csv_dir(store: BarStore, path: str | Path, adjusted: bool = True) -> list[str]:
    """Import every ``*.csv`` file of a directory (files starting with ``.`` are skipped),
    to the adjusted side unless ``adjusted=False``. Returns the imported codes, sorted.

    Every file is read and checked before anything is written, so one bad file leaves the
    store untouched."""
    directory = Path(path)
    if not directory.is_dir():
        raise InvalidInput.for_field("path", str(directory), "must be a directory of CSV files")
    files = [file for file in sorted(directory.glob("*.csv")) if not file.name.startswith(".")]
    if not files:
        raise InvalidInput.for_field("path", str(directory), "holds no .csv files")
    frames = {file.stem: read_csv_bars(file) for file in files}
    for code, frame in frames.items():
        store.write(code, frame, interval="1d", adjusted=adjusted, source="csv")
    return sorted(frames)


def _windows(start: datetime, end: datetime, step: timedelta) -> list[tuple[datetime, datetime]]:
    """``[start, end]`` cut into consecutive windows of at most ``step`` (adjacent windows
    share their boundary instant; the store's upsert makes that harmless)."""
    windows = []
    lower = start
    while True:
        upper = min(lower + step, end)
        windows.append((lower, upper))
        if upper >= end:
            return windows
        lower = upper


async def import_from_broker(
    store: BarStore,
    broker: BarSource,
    codes: Iterable[str],
    interval: str = "1d",
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    adjusted: bool,
    window: timedelta | None = None,
    source: str = "broker",
) -> dict[str, int]:
    """Fetch the bars of ``codes`` from ``broker`` between ``start`` and ``end`` (aware
    datetimes; ``end`` defaults to now, ``start`` to one window before ``end``) and write them
    to the ``adjusted`` or raw side, as the caller says (KIS daily charts are requested
    adjusted; minute charts are as traded).

    Each code is asked for window by window (``window`` defaults to 100 days for daily bars
    and one day for minute bars) and written once, after its last window. Returns the number
    of bars received per code."""
    if interval not in INTERVALS:
        raise InvalidInput.for_field("interval", interval, f"must be one of {INTERVALS}")
    step = window or DEFAULT_WINDOWS[interval]
    if step <= timedelta(0):
        raise InvalidInput.for_field("window", str(step), "must be positive")
    upper = require_aware("end", end) if end is not None else datetime.now(SEOUL)
    lower = require_aware("start", start) if start is not None else upper - step
    if lower > upper:
        raise InvalidInput.for_field("start", lower.isoformat(), f"must not be after end ({upper})")
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        raise InvalidInput.for_field("codes", "[]", "name at least one code")
    received: dict[str, int] = {}
    for code in wanted:
        store.path(code, interval, adjusted)  # checks the code before any request
        frames = []
        for window_start, window_end in _windows(lower, upper, step):
            frame = await broker.bars(code, interval, window_start, window_end)
            if len(frame):
                frames.append(frame)
        if not frames:
            received[code] = 0
            continue
        bars = pd.concat(frames)
        received[code] = int((~bars.index.duplicated(keep="last")).sum())
        store.write(code, bars, interval=interval, adjusted=adjusted, source=source)
    return received
