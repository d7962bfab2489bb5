"""Column layouts of daily bars as other tools write them, turned into the store's shape.

Known headers (case and surrounding spaces ignored):

- ours: ``date,open,high,low,close,volume`` (``date`` as YYYYMMDD);
- FinanceDataReader, Yahoo and most English exports: ``Date,Open,High,Low,Close,Volume``
  (``Change``, ``Adj Close`` and other extra columns are ignored: ``Close`` is stored);
- pykrx and Korean HTS exports: ``날짜,시가,고가,저가,종가,거래량`` (``일자`` for the date,
  ``현재가`` for the close; ``거래대금``, ``등락률``, ``대비`` … are ignored).

Dates may be ``2024-01-02``, ``2024.01.02``, ``2024/01/02`` or ``20240102`` (a time of day
after the date is ignored); numbers may carry thousands separators (``75,900``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from yeouido.data.store import BAR_FIELDS, normalize_bars
from yeouido.model.errors import InvalidInput
from yeouido.model.time import SEOUL

__all__ = ["COLUMN_NAMES", "bars_from_table", "column_mapping"]

COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "date": ("date", "날짜", "일자", "time", "datetime"),
    "open": ("open", "시가"),
    "high": ("high", "고가"),
    "low": ("low", "저가"),
    "close": ("close", "종가", "현재가"),
    "volume": ("volume", "거래량"),
}
"""The header names accepted for each field, by field."""

_DATE = r"^\s*(\d{4})[-./]?(\d{1,2})[-./]?(\d{1,2})(?:$|[\sT])"


def column_mapping(columns: Iterable[object]) -> dict[str, object]:
    """The column of ``columns`` that holds each field (``date`` only when one is found),
    matched by the names of :data:`COLUMN_NAMES`, case and spaces ignored."""
    by_name = {str(column).strip().lstrip("\ufeff").lower(): column for column in columns}
    mapping: dict[str, object] = {}
    for field, names in COLUMN_NAMES.items():
        for name in names:
            if name in by_name:
                mapping[field] = by_name[name]
                break
    return mapping


def _numbers(values: pd.Series, field: str, origin: str) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values
    text = values.astype(str).str.strip().str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.isna().any():
        row = int(numbers.isna().to_numpy().argmax())
        raise InvalidInput.for_field(f"{origin}: {field}", values.iloc[row], "not a number")
    return numbers


def _dates(values: pd.Series | pd.Index, origin: str) -> pd.DatetimeIndex:
    """Dates of a column or index as Seoul midnights."""
    if isinstance(values, pd.DatetimeIndex) or pd.api.types.is_datetime64_any_dtype(values):
        index = pd.DatetimeIndex(values)
        if index.tz is not None:
            index = index.tz_convert(SEOUL).tz_localize(None)
        return pd.DatetimeIndex(index.normalize()).tz_localize(SEOUL)
    text = pd.Series(values).astype(str)
    parts = text.str.extract(_DATE)
    bad = parts.isna().any(axis=1).to_numpy()
    if bad.any():
        raise InvalidInput.for_field(
            f"{origin}: date", text.iloc[int(bad.argmax())], "not a date (YYYY-MM-DD or YYYYMMDD)"
        )
    dates = pd.to_datetime(
        {"year": parts[0].astype(int), "month": parts[1].astype(int), "day": parts[2].astype(int)},
        errors="coerce",
    )
    if dates.isna().any():
        row = int(dates.isna().to_numpy().argmax())
        raise InvalidInput.for_field(f"{origin}: date", text.iloc[row], "not a calendar date")
    return pd.DatetimeIndex(dates).tz_localize(SEOUL)


def bars_from_table(table: pd.DataFrame, origin: str) -> pd.DataFrame:
    """Daily bars in the store's shape from a table in any known layout.

    The date comes from a date column or, failing that, from a ``DatetimeIndex`` (the shape
    pykrx and FinanceDataReader return). ``origin`` (a file name, ``pykrx 005930`` …) starts
    every error message. Raises :class:`InvalidInput` for a missing column or a bad value."""
    mapping = column_mapping(table.columns)
    missing = [name for name in BAR_FIELDS if name not in mapping]
    if missing:
        raise InvalidInput.for_field(
            origin,
            ", ".join(missing),
            "missing columns (expected date,open,high,low,close,volume or "
            "Date,Open,High,Low,Close,Volume or 날짜,시가,고가,저가,종가,거래량)",
        )
    if "date" in mapping:
        index = _dates(table[mapping["date"]], origin)
    elif isinstance(table.index, pd.DatetimeIndex) or (
        table.index.name is not None and column_mapping([table.index.name])
    ):
        index = _dates(table.index, origin)
    else:
        raise InvalidInput.for_field(origin, "date", "no date column (date, Date or 날짜)")
    bars = pd.DataFrame(
        {name: _numbers(table[mapping[name]], name, origin).to_numpy() for name in BAR_FIELDS},
        index=pd.DatetimeIndex(index, name="time"),
    )
    try:
        return normalize_bars(bars, "1d")
    except InvalidInput as error:
        raise InvalidInput.for_field(
            f"{origin}: {error.field}", error.value, error.rule or "invalid"
        ) from None
