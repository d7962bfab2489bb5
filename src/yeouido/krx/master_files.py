"""The broker master files KIS publishes: every KOSPI, KOSDAQ and KONEX listing (stocks,
ETFs, ETNs, ELWs and the rest) with its base price, one fixed-layout record per line.

The files (``kospi_code.mst``, ``kosdaq_code.mst``, ``konex_code.mst``, each zipped) are
CP949 text. A record is the short code (9 bytes, padded), the standard code (ISIN, 12
bytes), the Korean name (variable length) and then a fixed tail of ASCII fields (227 bytes
for KOSPI, 221 for KOSDAQ, 184 for KONEX); the field widths below are those KIS documents in
its open-trading-api samples. This module only parses; :mod:`yeouido.data.master_update`
downloads.

Each record becomes an :class:`~yeouido.model.instrument.Instrument` and its base price
(기준가, the reference price of the next session); an ETN's code gets its ``Q`` when the
file gives the six characters alone. Rights and warrants (groups ``SW``,
``SR``) are left out: they are not traded here.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from yeouido.krx.codes import validate_code
from yeouido.krx.ticks import is_on_tick
from yeouido.model.enums import InstrumentKind, Market
from yeouido.model.errors import InvalidInput, YeouidoError
from yeouido.model.instrument import Instrument

__all__ = [
    "KONEX_LAYOUT",
    "KOSDAQ_LAYOUT",
    "KOSPI_LAYOUT",
    "LAYOUTS",
    "MasterLayout",
    "MasterRecord",
    "parse_master_file",
    "parse_master_zip",
]

_HEAD_CODE = 9
_HEAD_STANDARD = 12

# The fields that follow a stock's group code and come before its base price differ by
# market; from the base price on, the three layouts share their fields (KOSPI adds ``kospi``
# after ``krx300``, and KOSPI and KOSDAQ add ``group_company`` before the last three flags).
_COMMON_FROM_BASE_PRICE: tuple[tuple[str, int], ...] = (
    ("base_price", 9),
    ("lot_size", 5),
    ("after_hours_lot_size", 5),
    ("halted", 1),
    ("liquidation", 1),
    ("managed", 1),
    ("market_warning", 2),
    ("warning_notice", 1),
    ("unfaithful_disclosure", 1),
    ("backdoor_listing", 1),
    ("ex_rights", 2),
    ("par_change", 2),
    ("capital_increase", 2),
    ("margin_rate", 3),
    ("credit", 1),
    ("credit_days", 3),
    ("previous_volume", 12),
    ("par_value", 12),
    ("listing_date", 8),
    ("listed_shares", 15),
    ("capital", 21),
    ("fiscal_month", 2),
    ("offering_price", 7),
    ("preferred", 1),
    ("short_selling_overheated", 1),
    ("abnormal_rise", 1),
    ("krx300", 1),
)
_FINANCIALS: tuple[tuple[str, int], ...] = (
    ("sales", 9),
    ("operating_profit", 9),
    ("ordinary_profit", 9),
    ("net_income", 5),
    ("roe", 9),
    ("base_month", 8),
    ("market_cap", 9),
)
_LAST_FLAGS: tuple[tuple[str, int], ...] = (
    ("credit_limit_exceeded", 1),
    ("collateral_loan", 1),
    ("stock_lending", 1),
)
_SECTOR_FLAGS = (
    "krx100",
    "krx_auto",
    "krx_semiconductor",
    "krx_bio",
    "krx_bank",
    "spac",
    "krx_energy_chemical",
    "krx_steel",
    "short_term_overheated",
    "krx_media",
    "krx_construction",
)


@dataclass(frozen=True, slots=True)
class MasterLayout:
    """The record layout of one master file: its market and the fields of the fixed tail,
    in order, as ``(name, width in bytes)``."""

    file_name: str
    market: Market
    tail: tuple[tuple[str, int], ...]

    @property
    def tail_length(self) -> int:
        """The length of the fixed tail in bytes."""
        return sum(width for _, width in self.tail)


KOSPI_LAYOUT = MasterLayout(
    "kospi_code.mst",
    Market.KOSPI,
    (
        ("group_code", 2),
        ("market_cap_size", 1),
        ("industry_large", 4),
        ("industry_medium", 4),
        ("industry_small", 4),
        ("manufacturing", 1),
        ("low_liquidity", 1),
        ("governance_index", 1),
        ("kospi200_sector", 1),
        ("kospi100", 1),
        ("kospi50", 1),
        ("krx", 1),
        ("etp_kind", 1),
        ("elw_issued", 1),
        *((name, 1) for name in _SECTOR_FLAGS),
        ("deleted", 1),
        ("krx_securities", 1),
        ("krx_ship", 1),
        ("krx_insurance", 1),
        ("krx_transport", 1),
        ("sri", 1),
        *_COMMON_FROM_BASE_PRICE,
        ("kospi", 1),
        *_FINANCIALS,
        ("group_company", 3),
        *_LAST_FLAGS,
    ),
)
"""``kospi_code.mst``: KOSPI stocks, ETFs, ETNs and the other KOSPI-market products."""

KOSDAQ_LAYOUT = MasterLayout(
    "kosdaq_code.mst",
    Market.KOSDAQ,
    (
        ("group_code", 2),
        ("market_cap_size", 1),
        ("industry_large", 4),
        ("industry_medium", 4),
        ("industry_small", 4),
        ("venture", 1),
        ("low_liquidity", 1),
        ("krx", 1),
        ("etp_kind", 1),
        *((name, 1) for name in _SECTOR_FLAGS),
        ("investment_caution", 1),
        ("krx_securities", 1),
        ("krx_ship", 1),
        ("krx_insurance", 1),
        ("krx_transport", 1),
        ("kosdaq150", 1),
        *_COMMON_FROM_BASE_PRICE,
        *_FINANCIALS,
        ("group_company", 3),
        *_LAST_FLAGS,
    ),
)
"""``kosdaq_code.mst``: KOSDAQ listings."""

KONEX_LAYOUT = MasterLayout(
    "konex_code.mst",
    Market.KONEX,
    (("group_code", 2), *_COMMON_FROM_BASE_PRICE, *_FINANCIALS, *_LAST_FLAGS),
)
"""``konex_code.mst``: KONEX listings."""

LAYOUTS = {layout.file_name: layout for layout in (KOSPI_LAYOUT, KOSDAQ_LAYOUT, KONEX_LAYOUT)}
"""The layouts by file name."""

_SKIPPED_GROUPS = frozenset({"SW", "SR"})
_ETF_GROUPS = frozenset({"EF", "FE"})
_ETN_GROUPS = frozenset({"EN"})
_ELW_GROUPS = frozenset({"EW"})
_LEVERAGE = re.compile(r"(레버리지|인버스)\s*\(?\s*([23])\s*X", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MasterRecord:
    """One parsed record: the instrument, its base price (``None`` when the file gives
    none or one off the tick grid) and its standard code."""

    instrument: Instrument
    reference_price: int | None
    standard_code: str


def _kind(fields: dict[str, str]) -> InstrumentKind:
    group = fields["group_code"]
    etp = fields.get("etp_kind", "")
    if group in _ETN_GROUPS or etp in ("3", "4"):
        return InstrumentKind.ETN
    if group in _ETF_GROUPS or etp in ("1", "2"):
        return InstrumentKind.ETF
    if group in _ELW_GROUPS:
        return InstrumentKind.ELW
    return InstrumentKind.STOCK


def _leverage(name: str, kind: InstrumentKind) -> int:
    """The signed multiple of a leveraged or inverse ETF/ETN, read from its name (the file
    does not carry it): ``레버리지`` 2, ``인버스`` -1, ``인버스 2X`` -2."""
    if kind not in (InstrumentKind.ETF, InstrumentKind.ETN):
        return 1
    compact = name.replace(" ", "")
    match = _LEVERAGE.search(compact)
    if "인버스" in compact:
        return -int(match.group(2)) if match else -1
    if "레버리지" in compact:
        return int(match.group(2)) if match else 2
    return 1


def _number(text: str) -> int:
    text = text.strip()
    return int(text) if text.isdigit() else 0


def parse_record(line: bytes, layout: MasterLayout) -> MasterRecord | None:
    """One record of a master file (without its line ending); ``None`` for a record that is
    left out (rights, warrants, a code yeouido does not take). Raises :class:`InvalidInput`
    for a record too short for the layout."""
    minimum = _HEAD_CODE + _HEAD_STANDARD + layout.tail_length
    if len(line) < minimum:
        raise InvalidInput.for_field(
            layout.file_name, len(line), f"a record needs at least {minimum} bytes"
        )
    tail = line[len(line) - layout.tail_length :].decode("ascii", errors="replace")
    fields: dict[str, str] = {}
    position = 0
    for name, width in layout.tail:
        fields[name] = tail[position : position + width]
        position += width
    fields = {name: value.strip() for name, value in fields.items()}
    if fields["group_code"] in _SKIPPED_GROUPS:
        return None
    short = line[:_HEAD_CODE].decode("ascii", errors="replace").strip()
    standard = line[_HEAD_CODE : _HEAD_CODE + _HEAD_STANDARD].decode("ascii", "replace").strip()
    name_bytes = line[_HEAD_CODE + _HEAD_STANDARD : len(line) - layout.tail_length]
    name = name_bytes.decode("cp949", errors="replace").strip()
    try:
        code = validate_code(short)
    except YeouidoError:
        return None
    kind = _kind(fields)
    if kind is InstrumentKind.ETN and len(code) == 6:
        code = f"Q{code}"  # yeouido's ETN codes carry their Q (as KRX prints them)
    sector = fields.get("kospi200_sector", "")
    instrument = Instrument(
        code=code,
        name=name or code,
        market=layout.market,
        kind=kind,
        lot_size=max(_number(fields["lot_size"]), 1),
        kospi200=layout.market is Market.KOSPI and sector not in ("", "0"),
        leverage=_leverage(name, kind),
    )
    price = _number(fields["base_price"])
    reference = price if price > 0 and is_on_tick(price, instrument.tick_table) else None
    return MasterRecord(instrument, reference, standard)


def parse_master_file(data: bytes, layout: MasterLayout) -> Iterator[MasterRecord]:
    """Every record of a master file's bytes (blank lines skipped). The error for a bad
    record names the file and the line."""
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = parse_record(line.rstrip(b"\r\n"), layout)
        except InvalidInput as error:
            raise InvalidInput(
                f"{layout.file_name} line {number}: {error.message}",
                field=error.field,
                value=error.value,
                rule=error.rule,
            ) from None
        if record is not None:
            yield record


def parse_master_zip(data: bytes, layout: MasterLayout) -> list[MasterRecord]:
    """The records of a zipped master file (the ``.mst`` member of the archive)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [name for name in archive.namelist() if name.endswith(".mst")]
            if not members:
                raise InvalidInput.for_field(layout.file_name, "zip", "holds no .mst file")
            content = archive.read(members[0])
    except zipfile.BadZipFile:
        raise InvalidInput.for_field(layout.file_name, "zip", "not a zip archive") from None
    return list(parse_master_file(content, layout))
