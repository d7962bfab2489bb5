"""Daily bars from the maintained Korean data libraries into the bar store.

Two sources, both optional (``pip install 'yeouido[data]'``):

- ``pykrx`` (:func:`pykrx.stock.get_market_ohlcv`): adjusted prices (from Naver's chart
  data) or, with ``adjusted=False``, the raw prices KRX printed on the day. It returns a
  frame indexed by ``날짜`` with the columns ``시가 고가 저가 종가 거래량`` (and ``거래대금``,
  ``등락률``);
- ``fdr`` (FinanceDataReader's ``DataReader``): adjusted prices only, as ``Open High Low
  Close Volume Change`` indexed by ``Date``.

The library call sits behind a :data:`Downloader` (``code, start, end, adjusted ->
DataFrame``), so a test or a script can replay recorded frames through the same conversion
and storage path (:func:`fetch_bars` takes ``download=``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from datetime import date
from types import ModuleType
from typing import Any

import pandas as pd

from yeouido.data.layouts import bars_from_table
from yeouido.data.store import BarStore
from yeouido.model.errors import DataSourceError, InvalidInput, MissingExtra
from yeouido.model.time import SEOUL

__all__ = [
    "SOURCES",
    "Downloader",
    "fdr_download",
    "fetch_bars",
    "fetch_code",
    "library_downloader",
    "pykrx_download",
]

SOURCES = ("pykrx", "fdr")
"""The data libraries :func:`fetch_bars` knows, by the name ``--source`` takes."""

INSTALL_HINT = "pip install 'yeouido[data]'"

Downloader = Callable[[str, date, date, bool], pd.DataFrame]
"""``download(code, start, end, adjusted)``: one code's daily bars as the library returns
them (a frame indexed by date)."""


def _library(module: str, distribution: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra.for_field(
            "source", distribution, f"the library is not installed: {INSTALL_HINT}"
        ) from None


def pykrx_download(code: str, start: date, end: date, adjusted: bool) -> pd.DataFrame:
    """``pykrx.stock.get_market_ohlcv(start, end, code, adjusted=adjusted)``."""
    stock: Any = _library("pykrx.stock", "pykrx")
    frame: pd.DataFrame = stock.get_market_ohlcv(
        start.strftime("%Y%m%d"), end.strftime("%Y%m%d"), code, adjusted=adjusted
    )
    return frame


def fdr_download(code: str, start: date, end: date, adjusted: bool) -> pd.DataFrame:
    """``FinanceDataReader.DataReader(code, start, end)`` (adjusted prices only)."""
    if not adjusted:
        raise InvalidInput.for_field(
            "--raw", "fdr", "FinanceDataReader serves adjusted prices only; use --source pykrx"
        )
    reader: Any = _library("FinanceDataReader", "finance-datareader")
    frame: pd.DataFrame = reader.DataReader(code, start.isoformat(), end.isoformat())
    return frame


def library_downloader(source: str) -> Downloader:
    """The downloader of a source named in :data:`SOURCES`; raises :class:`MissingExtra`
    at once when its library is not installed."""
    if source == "pykrx":
        _library("pykrx.stock", "pykrx")
        return pykrx_download
    if source == "fdr":
        _library("FinanceDataReader", "finance-datareader")
        return fdr_download
    raise InvalidInput.for_field("source", source, f"must be one of {', '.join(SOURCES)}")


def _brief(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:160]}{'…' if len(text) > 160 else ''}"


def fetch_code(
    store: BarStore,
    code: str,
    start: date,
    end: date,
    *,
    source: str = "pykrx",
    adjusted: bool = True,
    download: Downloader | None = None,
) -> int:
    """Fetch the daily bars of one code from ``source`` between ``start`` and ``end`` (both
    inclusive) and upsert them into the ``adjusted`` (or raw) side of ``store``. Returns the
    number of bars received (0 when the source has none in the range).

    Raises :class:`MissingExtra` when the library is not installed,
    :class:`DataSourceError` when it cannot be reached or fails, and :class:`InvalidInput`
    for a bad code or range or an answer that does not hold bars."""
    store.path(code, "1d", adjusted)  # checks the code before any request
    if start > end:
        raise InvalidInput.for_field("start", start.isoformat(), f"must not be after end ({end})")
    fetch = download or library_downloader(source)
    try:
        frame = fetch(code, start, end, adjusted)
    except (MissingExtra, InvalidInput):
        raise
    except OSError as error:  # requests' errors are OSErrors too
        raise DataSourceError.for_field(
            source, code, f"network error, nothing stored ({_brief(error)})"
        ) from None
    except Exception as error:  # a library failing inside is the source's failure, not ours
        raise DataSourceError.for_field(
            source, code, f"the library failed, nothing stored ({_brief(error)})"
        ) from None
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return 0
    bars = bars_from_table(frame, f"{source} {code}")
    lower = pd.Timestamp(start).tz_localize(SEOUL)
    upper = pd.Timestamp(end).tz_localize(SEOUL)
    bars = bars[(bars.index >= lower) & (bars.index <= upper)]
    if bars.empty:
        return 0
    store.write(code, bars, interval="1d", adjusted=adjusted, source=source)
    return len(bars)


def fetch_bars(
    store: BarStore,
    codes: Iterable[str],
    start: date,
    end: date,
    *,
    source: str = "pykrx",
    adjusted: bool = True,
    download: Downloader | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """:func:`fetch_code` for each of ``codes`` in turn; ``progress(code, bars)`` is called
    after each. Returns the number of bars received per code. A failure stops the run; the
    codes fetched before it stay stored."""
    wanted = list(dict.fromkeys(code.strip() for code in codes))
    if not wanted:
        raise InvalidInput.for_field("codes", "[]", "name at least one code")
    fetch = download or library_downloader(source)
    received: dict[str, int] = {}
    for code in wanted:
        received[code] = fetch_code(
            store, code, start, end, source=source, adjusted=adjusted, download=fetch
        )
        if progress is not None:
            progress(code, received[code])
    return received
