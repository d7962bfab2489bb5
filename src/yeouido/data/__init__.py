"""Bar storage and importers: OHLCV bars in Parquet, queried with DuckDB (embedded).

    from yeouido.data import BarStore, import_csv_dir

    store = BarStore()                      # data_dir() / "bars"
    import_csv_dir(store, "krx-daily")      # split-adjusted daily CSV files
    store.read("005930", start=date(2020, 1, 1))
    store.query("SELECT code, max(time) FROM bars GROUP BY code")

Adjusted and raw prices are kept apart (``adjusted=True`` / ``False`` on every call);
:func:`import_from_broker` fills the store from any broker that serves bars.
"""

from __future__ import annotations

from yeouido.data.importers import (
    DEFAULT_WINDOWS,
    BarSource,
    import_csv_dir,
    import_csv_file,
    import_from_broker,
    read_csv_bars,
)
from yeouido.data.store import BAR_FIELDS, INTERVALS, SUMMARY_COLUMNS, BarStore, normalize_bars

__all__ = [
    "BAR_FIELDS",
    "DEFAULT_WINDOWS",
    "INTERVALS",
    "SUMMARY_COLUMNS",
    "BarSource",
    "BarStore",
    "import_csv_dir",
    "import_csv_file",
    "import_from_broker",
    "normalize_bars",
    "read_csv_bars",
]
