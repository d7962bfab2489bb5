"""Continuation paging: ``tr_cont`` headers and ``CTX_AREA_FK100`` / ``CTX_AREA_NK100``.

The sandbox keeps no cursor state: ``ctx_area_nk100`` is the offset of the next row and
``ctx_area_fk100`` a fingerprint of the query, so a continuation of another query (or a
forged key) starts over from the first row rather than failing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page: its rows, the keys to send back, and the response ``tr_cont``."""

    rows: list[T]
    ctx_area_fk100: str
    ctx_area_nk100: str
    tr_cont: str

    @property
    def more(self) -> bool:
        """Whether more pages follow."""
        return self.tr_cont in ("F", "M")


def fingerprint(query: Mapping[str, str], ignore: Sequence[str] = ()) -> str:
    """A stable key of a query's filters (``CTX_AREA_*`` and ``ignore`` excluded)."""
    parts = [
        f"{k}={v}"
        for k, v in sorted(query.items())
        if not k.upper().startswith("CTX_AREA") and k.upper() not in ignore
    ]
    return hashlib.sha256("&".join(parts).encode()).hexdigest()[:32].upper()


def paginate(
    rows: Sequence[T], size: int, query: Mapping[str, str], request_tr_cont: str
) -> Page[T]:
    """Cut the page a request asks for out of ``rows``.

    The first page (``tr_cont`` empty) starts at row 0; a continuation (``tr_cont`` ``N``)
    starts at the offset in ``CTX_AREA_NK100`` when ``CTX_AREA_FK100`` matches the query.
    The response ``tr_cont`` is ``F`` (first page, more follow), ``M`` (middle), ``D`` (the
    only page) or ``E`` (the last of several).
    """
    key = fingerprint(query)
    upper = {k.upper(): v for k, v in query.items()}
    start = 0
    continuing = request_tr_cont.strip().upper() == "N"
    if continuing and upper.get("CTX_AREA_FK100", "").strip() == key:
        offset = upper.get("CTX_AREA_NK100", "").strip()
        if offset.isdigit():
            start = min(int(offset), len(rows))
    end = min(start + size, len(rows))
    more = end < len(rows)
    first = start == 0
    tr_cont = ("F" if first else "M") if more else ("D" if first else "E")
    next_key = str(end) if more else ""
    return Page(list(rows[start:end]), key, next_key, tr_cont)
