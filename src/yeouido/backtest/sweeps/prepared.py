"""The bars of a sweep, read once: the last few CSV directories swept stay prepared (their
grid and read-only signal arrays) while their files are unchanged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from yeouido.backtest.data import DataSource, load_bars
from yeouido.backtest.vectorized import Grid, build_grid, series_bars
from yeouido.strategy.signal import SeriesBars


@dataclass
class PreparedBars:
    """The bars of a sweep, and (made on first use) their grid and signal arrays."""

    frames: dict[str, pd.DataFrame]
    interval: str
    _grid: Grid | None = None
    _series: dict[str, SeriesBars] | None = None

    def grid(self) -> Grid:
        """The bars on one time grid."""
        if self._grid is None:
            self._grid = build_grid(self.frames, self.interval)
        return self._grid

    def series(self) -> dict[str, SeriesBars]:
        """The bars as :meth:`SignalStrategy.signals` reads them (read-only: every
        combination, and later sweeps over the same files, read the same arrays)."""
        if self._series is None:
            self._series = {code: series_bars(code, frame) for code, frame in self.frames.items()}
            for bars in self._series.values():
                for name in ("time", "open", "high", "low", "close", "volume"):
                    getattr(bars, name).flags.writeable = False
        return self._series


PREPARED: dict[tuple[Any, ...], PreparedBars] = {}
"""The last few CSV directories read, keyed by each file's size and modification time."""


PREPARED_KEPT = 2
"""How many prepared data sets :data:`PREPARED` keeps."""


def prepare_bars(
    data: DataSource,
    codes: tuple[str, ...],
    start: dt.date | None,
    end: dt.date | None,
    interval: str,
) -> PreparedBars:
    """The bars of ``codes`` (:func:`~yeouido.backtest.data.load_bars`). A directory of CSV
    files read before, unchanged since (same sizes and modification times), is not read
    again: repeated sweeps over the same files skip parsing them and building the grid."""
    key: tuple[Any, ...] | None = None
    if isinstance(data, str | Path):
        directory = Path(data).resolve()
        stamps: list[tuple[str, int, int]] = []
        for code in codes:
            try:
                info = (directory / f"{code}.csv").stat()
            except OSError:
                stamps = []
                break
            stamps.append((code, info.st_size, info.st_mtime_ns))
        if stamps:
            key = (str(directory), tuple(stamps), start, end, interval)
            found = PREPARED.get(key)
            if found is not None:
                return found
    prepared = PreparedBars(load_bars(data, codes, start, end, interval), interval)
    if key is not None:
        PREPARED[key] = prepared
        while len(PREPARED) > PREPARED_KEPT:
            del PREPARED[next(iter(PREPARED))]
    return prepared
