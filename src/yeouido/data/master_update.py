"""Download the broker master files KIS publishes and cache them as yeouido's instrument
master (``yeouido master update``).

The three archives (``kospi_code.mst.zip``, ``kosdaq_code.mst.zip``, ``konex_code.mst.zip``)
are fetched from :data:`KIS_MASTER_URL`, parsed with :mod:`yeouido.krx.master_files`, merged
with the built-in list and written to :func:`~yeouido.krx.master.downloaded_master_path`,
which :func:`~yeouido.krx.master.default_master` reads from then on. Every archive is
downloaded and parsed before anything is written, so a failed update leaves the cached
master as it was.
"""

from __future__ import annotations

import dataclasses
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from yeouido.krx.master import (
    InstrumentMaster,
    builtin_master,
    default_master,
    downloaded_master_path,
)
from yeouido.krx.master_files import LAYOUTS, MasterRecord, parse_master_zip
from yeouido.model.errors import DataSourceError

__all__ = ["KIS_MASTER_URL", "MASTER_ARCHIVES", "build_master", "download", "update_master"]

KIS_MASTER_URL = "https://new.real.download.dws.co.kr/common/master/"
"""Where KIS publishes its master files (the archives are named by :data:`MASTER_ARCHIVES`)."""

MASTER_ARCHIVES = tuple(f"{name}.zip" for name in LAYOUTS)
"""The archive names under :data:`KIS_MASTER_URL`: KOSPI, KOSDAQ and KONEX."""

_LIMIT = 64 * 1024 * 1024


def download(url: str, timeout: float = 30.0) -> bytes:
    """The bytes at ``url`` (``https://``, ``http://`` or ``file://``). Raises
    :class:`DataSourceError` naming the URL when it cannot be fetched."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data: bytes = response.read(_LIMIT + 1)
    except urllib.error.HTTPError as error:
        raise DataSourceError.for_field("url", url, f"HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DataSourceError.for_field("url", url, f"cannot download ({reason})") from None
    if len(data) > _LIMIT:
        raise DataSourceError.for_field("url", url, f"larger than {_LIMIT // 2**20} MiB")
    return data


def build_master(records: list[MasterRecord]) -> InstrumentMaster:
    """The parsed records as a master. What the files do not carry comes from the built-in
    entry with the same code: whether Nextrade lists it, and the multiple of a leveraged or
    inverse product when the name did not tell."""
    builtin = builtin_master()
    master = InstrumentMaster()
    for record in records:
        instrument = record.instrument
        if instrument.code in builtin:
            known = builtin.get(instrument.code)
            leverage = instrument.leverage if instrument.leverage != 1 else known.leverage
            instrument = dataclasses.replace(instrument, nxt=known.nxt, leverage=leverage)
        master.add(instrument, record.reference_price)
    return master


def update_master(
    base_url: str = KIS_MASTER_URL,
    path: Path | None = None,
    *,
    timeout: float = 30.0,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Download and parse every archive of :data:`MASTER_ARCHIVES` under ``base_url``, then
    write the merged master to ``path`` (default: :func:`downloaded_master_path`) and make
    :func:`default_master` read it. ``progress(archive, records)`` is called after each
    archive. Returns the number of instruments per archive."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    records: list[MasterRecord] = []
    counts: dict[str, int] = {}
    for archive, layout in zip(MASTER_ARCHIVES, LAYOUTS.values(), strict=True):
        parsed = parse_master_zip(download(base + archive, timeout), layout)
        counts[archive] = len(parsed)
        records.extend(parsed)
        if progress is not None:
            progress(archive, len(parsed))
    build_master(records).save_csv(path or downloaded_master_path())
    default_master.cache_clear()
    return counts
