"""Daily bars of many instruments on one date axis: the input of vectorized scans.

A :class:`BarPanel` holds five 2-D ``float64`` arrays (``open high low close volume``) of shape
``(instruments, dates)``: row ``i`` is the instrument ``codes[i]``, column ``j`` the trading
day ``dates[j]``. Cells before an instrument's first bar, after its last, and on days it has no
bar are NaN. ``instruments`` carries each row's attributes for the condition language
(``name market kind kospi200 leverage``), taken from the instrument master
(:func:`yeouido.krx.default_master`) where the code is known.

Codes the master does not know are still scanned, with defaults: the name from the data (or
the code), ``market`` ``""`` (so ``market == "KOSPI"`` is false for them), ``kind`` ``"etn"``
for a ``Q``-prefixed code and ``"stock"`` otherwise, ``kospi200`` false, ``leverage`` 1.

Build one with :func:`load_csv_dir` (a directory of daily CSV files, one per instrument),
:meth:`BarPanel.from_frames` (pandas DataFrames by code) or :meth:`BarPanel.from_arrays`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from yeouido.krx import default_master
from yeouido.model.errors import InvalidInput

__all__ = ["FIELDS", "BarPanel", "InstrumentInfo", "instrument_info", "load_csv_dir"]

FloatArray = npt.NDArray[np.float64]
DateArray = npt.NDArray[np.datetime64]

FIELDS = ("open", "high", "low", "close", "volume")
"""The bar fields of a panel, in order."""

_CSV_COLUMNS = ("date", "open", "high", "low", "close", "volume")


@dataclass(frozen=True, slots=True)
class InstrumentInfo:
    """The attributes of one instrument that conditions can read."""

    code: str
    name: str
    market: str
    """``"KOSPI"``, ``"KOSDAQ"``, … (upper case); ``""`` when unknown."""
    kind: str
    """``"stock"``, ``"etf"``, ``"etn"``, … (lower case)."""
    kospi200: bool = False
    leverage: int = 1
    """Signed multiple of a leveraged / inverse product (``2``, ``-1``, ``-2``); 1 otherwise."""


def instrument_info(code: str, name: str | None = None) -> InstrumentInfo:
    """The attributes of ``code`` from the built-in instrument master, or the defaults for an
    unknown code (``name`` fills an unknown name)."""
    master = default_master()
    try:
        known = code in master
    except Exception:  # pragma: no cover - malformed codes are simply unknown
        known = False
    if known:
        instrument = master.get(code)
        return InstrumentInfo(
            code=code,
            name=instrument.name,
            market=str(instrument.market.value),
            kind=str(instrument.kind.value),
            kospi200=bool(instrument.kospi200),
            leverage=int(instrument.leverage),
        )
    kind = "etn" if code[:1] in ("Q", "q") else "stock"
    return InstrumentInfo(code=code, name=name or code, market="", kind=kind)


def _as_dates(values: Any) -> DateArray:
    """``datetime64[D]`` from YYYYMMDD integers or strings, dates or timestamps."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        years, rest = np.divmod(array.astype(np.int64), 10_000)
        months, days = np.divmod(rest, 100)
        if len(array) and (
            months.min() < 1 or months.max() > 12 or days.min() < 1 or days.max() > 31
        ):
            raise InvalidInput.for_field("date", "YYYYMMDD", "dates must be YYYYMMDD numbers")
        month_starts = (years - 1970).astype("datetime64[Y]") + (months - 1).astype(
            "timedelta64[M]"
        )
        dates: DateArray = month_starts.astype("datetime64[D]") + (days - 1).astype(
            "timedelta64[D]"
        )
        return dates
    if array.dtype.kind == "M":
        return array.astype("datetime64[D]")
    parsed = pd.to_datetime(pd.Index(array).astype(str), format="mixed")
    return np.asarray(parsed.values.astype("datetime64[D]"))


@dataclass(frozen=True, slots=True, eq=False)
class BarPanel:
    """Daily bars of many instruments aligned on one date axis (see the module docstring)."""

    codes: tuple[str, ...]
    dates: DateArray
    """Trading days, ascending, ``datetime64[D]``."""
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    volume: FloatArray
    instruments: tuple[InstrumentInfo, ...]

    def __post_init__(self) -> None:
        shape = (len(self.codes), len(self.dates))
        for name in FIELDS:
            array = getattr(self, name)
            if array.shape != shape or array.dtype != np.float64:
                raise InvalidInput.for_field(
                    name, f"{array.dtype}{array.shape}", f"must be float64 of shape {shape}"
                )
        if len(self.instruments) != len(self.codes):
            raise InvalidInput.for_field(
                "instruments", len(self.instruments), f"need one per code ({len(self.codes)})"
            )
        if len(set(self.codes)) != len(self.codes):
            raise InvalidInput.for_field("codes", "duplicates", "codes must be unique")

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def shape(self) -> tuple[int, int]:
        """``(instruments, dates)``."""
        return len(self.codes), len(self.dates)

    def field(self, name: str) -> FloatArray:
        """The 2-D array of one bar field (``"open"`` … ``"volume"``)."""
        if name not in FIELDS:
            raise InvalidInput.for_field("field", name, f"must be one of {FIELDS}")
        array: FloatArray = getattr(self, name)
        return array

    def rows_of(self, codes: Iterable[str]) -> npt.NDArray[np.intp]:
        """Row indices of the given codes that the panel holds, in panel order (codes it does
        not hold are ignored)."""
        wanted = set(codes)
        return np.array(
            [row for row, code in enumerate(self.codes) if code in wanted], dtype=np.intp
        )

    def date_index(self, on_or_before: dt.date) -> int:
        """Index of the last date on or before ``on_or_before``; -1 if all dates are later."""
        target = np.datetime64(on_or_before, "D")
        return int(np.searchsorted(self.dates, target, side="right")) - 1

    def until(self, index: int) -> BarPanel:
        """The panel cut after date index ``index`` (views, no copy)."""
        stop = index + 1
        return BarPanel(
            self.codes,
            self.dates[:stop],
            self.open[:, :stop],
            self.high[:, :stop],
            self.low[:, :stop],
            self.close[:, :stop],
            self.volume[:, :stop],
            self.instruments,
        )

    @classmethod
    def from_arrays(
        cls,
        codes: Sequence[str],
        dates: Any,
        open: Any,
        high: Any,
        low: Any,
        close: Any,
        volume: Any,
        names: Mapping[str, str] | None = None,
    ) -> BarPanel:
        """A panel from aligned 2-D arrays (rows = ``codes``, columns = ascending ``dates``);
        instrument attributes come from the master, ``names`` fill unknown names."""
        names = names or {}
        arrays = [
            np.ascontiguousarray(a, dtype=np.float64) for a in (open, high, low, close, volume)
        ]
        return cls(
            tuple(codes),
            _as_dates(dates),
            arrays[0],
            arrays[1],
            arrays[2],
            arrays[3],
            arrays[4],
            tuple(instrument_info(code, names.get(code)) for code in codes),
        )

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame]) -> BarPanel:
        """A panel from one DataFrame of daily bars per code.

        Each frame has the columns ``open high low close volume`` (any case) and its dates
        either as a ``DatetimeIndex`` or in a ``date`` column (YYYYMMDD numbers or strings,
        dates, timestamps); an optional ``name`` column fills unknown names. Codes are sorted."""
        columns: dict[str, tuple[DateArray, FloatArray]] = {}
        names: dict[str, str] = {}
        for code in sorted(frames):
            frame = frames[code]
            lowered = {str(column).lower(): column for column in frame.columns}
            missing = [name for name in FIELDS if name not in lowered]
            if missing:
                raise InvalidInput.for_field(
                    f"frames[{code!r}]", ", ".join(missing), "missing bar columns"
                )
            if "date" in lowered:
                dates = _as_dates(frame[lowered["date"]].to_numpy())
            elif isinstance(frame.index, pd.DatetimeIndex):
                index = frame.index.tz_localize(None) if frame.index.tz else frame.index
                dates = np.asarray(index.values.astype("datetime64[D]"))
            else:
                raise InvalidInput.for_field(
                    f"frames[{code!r}]", "dates", "need a DatetimeIndex or a 'date' column"
                )
            values = np.column_stack(
                [
                    frame[lowered[name]].to_numpy(dtype=np.float64, na_value=np.nan)
                    for name in FIELDS
                ]
            )
            columns[code] = dates, values
            if "name" in lowered and len(frame):
                names[code] = str(frame[lowered["name"]].iloc[-1])
        return _assemble(columns, names)


def _assemble(
    columns: Mapping[str, tuple[DateArray, FloatArray]], names: Mapping[str, str]
) -> BarPanel:
    """Align per-code ``(dates, values[n, 5])`` on the union of their dates."""
    codes = tuple(columns)
    if codes:
        all_dates = np.unique(np.concatenate([dates for dates, _ in columns.values()]))
    else:
        all_dates = np.array([], dtype="datetime64[D]")
    shape = (len(codes), len(all_dates))
    arrays = [np.full(shape, np.nan) for _ in FIELDS]
    for row, code in enumerate(codes):
        dates, values = columns[code]
        positions = np.searchsorted(all_dates, dates)
        for field_index, array in enumerate(arrays):
            array[row, positions] = values[:, field_index]
    return BarPanel(
        codes,
        all_dates,
        arrays[0],
        arrays[1],
        arrays[2],
        arrays[3],
        arrays[4],
        tuple(instrument_info(code, names.get(code)) for code in codes),
    )


def load_csv_dir(path: str | Path) -> BarPanel:
    """A panel from a directory of daily CSV files, one per instrument.

    The format is ``date,open,high,low,close,volume[,ticker,code,name,interval]`` with
    ``date`` as YYYYMMDD; the code is the file name's stem (``005930.csv`` → ``005930``) and
    the ``name`` column, when present, names instruments the master does not know. Files whose
    stem starts with ``.`` and non-``.csv`` files are ignored."""
    directory = Path(path)
    if not directory.is_dir():
        raise InvalidInput.for_field("path", str(directory), "must be a directory of CSV files")
    columns: dict[str, tuple[DateArray, FloatArray]] = {}
    names: dict[str, str] = {}
    for file in sorted(directory.glob("*.csv")):
        if file.name.startswith("."):
            continue
        with file.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            first = next(reader, [])
        missing = [name for name in _CSV_COLUMNS if name not in header]
        if missing:
            raise InvalidInput.for_field(str(file), ", ".join(missing), "missing CSV columns")
        dtypes: dict[str, Any] = {name: np.float64 for name in FIELDS}
        dtypes["date"] = np.int64
        frame = pd.read_csv(file, usecols=list(_CSV_COLUMNS), dtype=dtypes, engine="c")
        values = np.column_stack([frame[name].to_numpy(dtype=np.float64) for name in FIELDS])
        columns[file.stem] = _as_dates(frame["date"].to_numpy()), values
        if "name" in header and len(first) == len(header):
            names[file.stem] = first[header.index("name")]
    return _assemble(columns, names)
