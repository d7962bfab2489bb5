"""Where the benchmarks find real KRX daily bars.

In order: ``$YEOUIDO_BENCH_DATA``; ``../shared/data/krx-daily`` beside the checkout (the
developers' machines and CI); the copy of the same 27 listings that the tests keep in
``tests/fixtures/krx-daily``. Any directory of daily-bar CSV files in the krx-daily format
will do, for example one written by ``yeouido data fetch``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = (
    ROOT.parent / "shared" / "data" / "krx-daily",
    ROOT / "tests" / "fixtures" / "krx-daily",
)


def krx_daily_dir() -> Path:
    """The directory of daily-bar CSV files the benchmarks read; exits with a message if none."""
    named = os.environ.get("YEOUIDO_BENCH_DATA")
    candidates = (Path(named),) if named else CANDIDATES
    for candidate in candidates:
        if any(candidate.glob("*.csv")):
            return candidate
    places = ", ".join(str(path) for path in candidates)
    sys.exit(
        f"no daily-bar CSV files found in {places}: set YEOUIDO_BENCH_DATA to a directory of "
        "daily-bar CSVs (date,open,high,low,close,volume,...), e.g. tests/fixtures/krx-daily"
    )
