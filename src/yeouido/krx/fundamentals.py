"""Fundamentals of a listing: listed shares, par value, per-share figures, sector, listing date.

Optional columns of the instrument master CSV (see :mod:`yeouido.krx.master`)::

    listed_shares,par_value,eps,bps,sector,listed_on,settlement_month
    5919637922,100,4950,57930,전기·전자,19750611,12

Every column may be empty; a row with none of them has no fundamentals. ``eps`` and ``bps``
are whole won per share (negative EPS allowed), ``listed_on`` is ``YYYYMMDD`` (or
``YYYY-MM-DD``), ``settlement_month`` 1..12 (default 12).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from yeouido.model.errors import InvalidInput

FUNDAMENTAL_COLUMNS = (
    "listed_shares",
    "par_value",
    "eps",
    "bps",
    "sector",
    "listed_on",
    "settlement_month",
)
"""The optional master columns that make up :class:`Fundamentals`."""


@dataclass(frozen=True, slots=True)
class Fundamentals:
    """Facts about a listing that do not move with the price (``None``: not known)."""

    listed_shares: int | None = None
    par_value: int | None = None
    eps: int | None = None
    bps: int | None = None
    sector: str = ""
    listed_on: date | None = None
    settlement_month: int = 12

    def __post_init__(self) -> None:
        if self.listed_shares is not None and self.listed_shares <= 0:
            raise InvalidInput.for_field("listed_shares", self.listed_shares, "must be > 0")
        if self.par_value is not None and self.par_value < 0:
            raise InvalidInput.for_field("par_value", self.par_value, "must be >= 0")
        if self.bps is not None and self.bps < 0:
            raise InvalidInput.for_field("bps", self.bps, "must be >= 0")
        if not 1 <= self.settlement_month <= 12:
            raise InvalidInput.for_field("settlement_month", self.settlement_month, "1..12")

    def row(self) -> dict[str, str]:
        """The CSV cells of these fundamentals (empty for what is not known)."""

        def text(value: int | None) -> str:
            return "" if value is None else str(value)

        return {
            "listed_shares": text(self.listed_shares),
            "par_value": text(self.par_value),
            "eps": text(self.eps),
            "bps": text(self.bps),
            "sector": self.sector,
            "listed_on": self.listed_on.strftime("%Y%m%d") if self.listed_on else "",
            "settlement_month": str(self.settlement_month),
        }


def parse_fundamentals(row: dict[str, str]) -> Fundamentals | None:
    """The fundamentals in a master CSV row, or ``None`` when it has none of the columns."""
    cells = {name: (row.get(name) or "").strip() for name in FUNDAMENTAL_COLUMNS}
    if not any(cells[name] for name in FUNDAMENTAL_COLUMNS if name != "settlement_month"):
        return None
    return Fundamentals(
        listed_shares=_whole(cells, "listed_shares"),
        par_value=_whole(cells, "par_value"),
        eps=_whole(cells, "eps"),
        bps=_whole(cells, "bps"),
        sector=cells["sector"],
        listed_on=_day(cells["listed_on"]),
        settlement_month=_whole(cells, "settlement_month") or 12,
    )


def _whole(cells: dict[str, str], column: str) -> int | None:
    text = cells[column].replace(",", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput.for_field(column, text, "must be a whole number") from None


def _day(text: str) -> date | None:
    if not text:
        return None
    for layout in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    raise InvalidInput.for_field("listed_on", text, "must be YYYYMMDD or YYYY-MM-DD")
