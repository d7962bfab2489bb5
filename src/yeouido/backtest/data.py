"""The bars a backtest runs on: from a CSV directory, the bar store, or DataFrames.

Every source ends as one :func:`yeouido.data.store.normalize_bars`-shaped DataFrame per code
(an ascending Asia/Seoul index, ``int64`` open/high/low/close/volume), cut to the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from yeouido.data.importers import read_csv_bars
from yeouido.data.store import BarStore, normalize_bars
from yeouido.krx.codes import validate_code
from yeouido.model.errors import InvalidInput
from yeouido.model.time import SEOUL

DataSource = str | Path | Mapping[str, pd.DataFrame] | BarStore | None
"""Where bars come from: a directory of ``<code>.csv`` files in the KRX daily format, a
mapping of code to DataFrame, a :class:`~yeouido.data.store.BarStore`, or ``None`` for the
default bar store."""


def parse_symbols(symbols: str | Iterable[str]) -> tuple[str, ...]:
    """``"005930,069500"`` or an iterable of codes as a tuple of checked, unique codes."""
    items = symbols.split(",") if isinstance(symbols, str) else list(symbols)
    codes: list[str] = []
    for item in items:
        code = str(item).strip()
        if not code:
            continue
        code = validate_code(code)
        if code not in codes:
            codes.append(code)
    if not codes:
        raise InvalidInput.for_field("symbols", symbols, "name at least one code")
    return tuple(codes)


def parse_day(value: str | dt.date | dt.datetime | None, name: str) -> dt.date | None:
    """A period bound as a date (``"2015-01-01"``, ``"20150101"``, a date or datetime)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(SEOUL).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise InvalidInput.for_field(name, value, "must be a date like 2015-01-01")


def load_bars(
    data: DataSource,
    symbols: tuple[str, ...],
    start: dt.date | None,
    end: dt.date | None,
    interval: str = "1d",
) -> dict[str, pd.DataFrame]:
    """The bars of each code between ``start`` and ``end`` (inclusive dates), checked.

    Raises :class:`InvalidInput` naming the code when a source has no bars for it, or none in
    the period."""
    if start is not None and end is not None and start > end:
        raise InvalidInput.for_field("start", str(start), f"must not be after end ({end})")
    frames: dict[str, pd.DataFrame] = {}
    for code in symbols:
        frame = _read(data, code, interval)
        frame = _cut(frame, start, end)
        if frame.empty:
            raise InvalidInput.for_field(
                "symbols", code, f"has no {interval} bars between {start or '…'} and {end or '…'}"
            )
        frames[code] = frame
    return frames


def _read(data: DataSource, code: str, interval: str) -> pd.DataFrame:
    if data is None or isinstance(data, BarStore):
        store = data if isinstance(data, BarStore) else BarStore()
        frame = store.read(code, interval)
        if frame.empty:
            raise InvalidInput.for_field(
                "symbols",
                code,
                f"no {interval} bars in the bar store at {store.root} "
                "(import them with `yeouido data import`, or pass --data DIR)",
            )
        return frame
    if isinstance(data, Mapping):
        if code not in data:
            raise InvalidInput.for_field("symbols", code, "not in the data given")
        return normalize_bars(_as_frame(data[code], code), interval)
    directory = Path(data)
    if not directory.is_dir():
        raise InvalidInput.for_field("data", str(directory), "must be a directory of CSV files")
    if interval != "1d":
        raise InvalidInput.for_field(
            "interval", interval, "CSV directories hold daily bars; use the bar store for minutes"
        )
    file = directory / f"{code}.csv"
    if not file.is_file():
        raise InvalidInput.for_field("symbols", code, f"no {file.name} in {directory}")
    return read_csv_bars(file)


def _as_frame(value: Any, code: str) -> pd.DataFrame:
    if not isinstance(value, pd.DataFrame):
        raise InvalidInput.for_field(f"data[{code}]", type(value).__name__, "must be a DataFrame")
    return value


def _cut(frame: pd.DataFrame, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
    if start is None and end is None:
        return frame
    index = pd.DatetimeIndex(frame.index).tz_convert(SEOUL)
    keep = np.ones(len(index), dtype=np.bool_)
    if start is not None:
        keep &= index >= pd.Timestamp(start, tz=SEOUL)
    if end is not None:
        keep &= index < pd.Timestamp(end, tz=SEOUL) + pd.Timedelta(days=1)
    return frame[keep]
