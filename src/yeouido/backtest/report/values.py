"""Reading a result's values for the report: times as Seoul wall-clock seconds, whole numbers,
missing values."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

SEOUL = "Asia/Seoul"


DAY = 86_400


FloatArray = npt.NDArray[np.float64]


IntArray = npt.NDArray[np.int64]


def wall_seconds(values: Any) -> FloatArray:
    """Seoul wall-clock seconds since 1970 of each time (NaN for a missing one)."""
    index = pd.DatetimeIndex(pd.to_datetime(values))
    if index.tz is not None:
        index = index.tz_convert(SEOUL).tz_localize(None)
    seconds = (index - pd.Timestamp(0)).total_seconds()
    return np.floor(np.asarray(seconds, dtype=np.float64))


def wall_seconds_each(values: Sequence[Any]) -> FloatArray:
    """Like :func:`wall_seconds`, but a value that is not a time gives NaN instead of an
    error."""
    try:
        return wall_seconds(list(values))
    except (TypeError, ValueError, OverflowError):
        pass
    seconds = np.full(len(values), np.nan)
    for position, value in enumerate(values):
        if is_missing(value):
            continue
        try:
            seconds[position] = wall_seconds([value])[0]
        except (TypeError, ValueError, OverflowError):
            continue
    return seconds


def whole(value: Any) -> int | None:
    """A whole number (KRW, shares), or ``None`` when missing."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if not math.isfinite(number) else round(number)


def is_missing(value: Any) -> bool:
    """Whether ``value`` is ``None``, NaN or NaT."""
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
