"""The instrument master: the built-in list of listings, the full list downloaded from the
broker master files, and a user's own CSV.

:func:`default_master` is the built-in list, overlaid by the downloaded master when one is
cached (``yeouido master update`` writes it to ``data_dir() / "master" / "instruments.csv"``;
a downloaded entry replaces the built-in one with the same code).

The built-in list (``yeouido/krx/data/instruments.csv``) holds large KOSPI and KOSDAQ names,
the main ETFs (leveraged and inverse ones with their multiple) and two ETNs, each with an
approximate reference price used to seed the simulated market. Extend it with
:meth:`InstrumentMaster.load_csv`; the CSV has the same columns::

    code,name,market,kind,lot_size,kospi200,leverage,nxt,reference_price
    0001A0,새종목,KOSDAQ,stock,1,0,1,0,12000

Only ``code``, ``name``, ``market`` and ``kind`` are required; the rest default to
``1, 0, 1, 0`` and no reference price. Optional fundamentals columns (listed shares, par value,
EPS, BPS, sector, listing date, settlement month: :mod:`yeouido.krx.fundamentals`) may follow;
the built-in list carries them for its large names (public figures, approximate: a user's CSV
with newer figures replaces them).
"""

from __future__ import annotations

import csv
import functools
import os
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path

from yeouido.krx.codes import validate_code
from yeouido.krx.fundamentals import FUNDAMENTAL_COLUMNS, Fundamentals, parse_fundamentals
from yeouido.krx.ticks import is_on_tick
from yeouido.model.enums import InstrumentKind, Market
from yeouido.model.errors import InvalidInput, UnknownInstrument, YeouidoError
from yeouido.model.instrument import Instrument
from yeouido.paths import data_dir

REQUIRED_COLUMNS = ("code", "name", "market", "kind")
CSV_COLUMNS = (
    *REQUIRED_COLUMNS,
    "lot_size",
    "kospi200",
    "leverage",
    "nxt",
    "reference_price",
    *FUNDAMENTAL_COLUMNS,
)
"""The columns :meth:`InstrumentMaster.save_csv` writes (and :meth:`~InstrumentMaster.load_csv`
reads)."""


class InstrumentMaster:
    """Instruments by code, with optional reference prices."""

    def __init__(self) -> None:
        self._instruments: dict[str, Instrument] = {}
        self._reference_prices: dict[str, int] = {}
        self._fundamentals: dict[str, Fundamentals] = {}

    def __len__(self) -> int:
        return len(self._instruments)

    def __iter__(self) -> Iterator[Instrument]:
        return iter(self._instruments.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._lookup_key(code) is not None

    def add(
        self,
        instrument: Instrument,
        reference_price: int | None = None,
        fundamentals: Fundamentals | None = None,
    ) -> None:
        """Add or replace an instrument (fundamentals already known are kept when none are
        given)."""
        self._instruments[instrument.code] = instrument
        if fundamentals is not None:
            self._fundamentals[instrument.code] = fundamentals
        if reference_price is not None:
            if not is_on_tick(reference_price, instrument.tick_table):
                raise InvalidInput.for_field(
                    "reference_price", reference_price, f"not on the tick of {instrument.code}"
                )
            self._reference_prices[instrument.code] = reference_price

    def get(self, code: str) -> Instrument:
        """The instrument with ``code`` (an ETN may be given with or without its ``Q``).

        Raises :class:`UnknownInstrument` for a well-formed code that is not listed and
        :class:`~yeouido.model.errors.InvalidCode` for a malformed one.
        """
        key = self._lookup_key(code)
        if key is None:
            validate_code(code)
            raise UnknownInstrument.for_field(
                "code", code, "not in the instrument master (extend it with load_csv)"
            )
        return self._instruments[key]

    def reference_price(self, code: str) -> int | None:
        """The built-in reference price of ``code`` (approximate; seeds the simulation)."""
        return self._reference_prices.get(self.get(code).code)

    def fundamentals(self, code: str) -> Fundamentals | None:
        """Listed shares, par value, EPS/BPS, sector of ``code`` when the master has them."""
        return self._fundamentals.get(self.get(code).code)

    def search(self, text: str) -> list[Instrument]:
        """Instruments whose code or name contains ``text`` (case-insensitive)."""
        needle = text.strip().lower()
        return [
            instrument
            for instrument in self._instruments.values()
            if needle in instrument.code.lower() or needle in instrument.name.lower()
        ]

    def _lookup_key(self, code: str) -> str | None:
        text = code.strip().upper()
        if text in self._instruments:
            return text
        if len(text) == 6 and f"Q{text}" in self._instruments:
            return f"Q{text}"
        return None

    def load_csv(self, path: str | Path) -> int:
        """Add every row of a CSV file; return how many were added.

        The whole file is checked first: on any bad row nothing is added, and the error
        names the file, the row, the column and the rule.
        """
        path = Path(path)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        parsed = list(_parse_rows(rows, str(path)))
        for instrument, reference_price, fundamentals in parsed:
            self.add(instrument, reference_price, fundamentals)
        return len(parsed)

    def save_csv(self, path: str | Path) -> int:
        """Write every instrument to a CSV file :meth:`load_csv` reads back; return how many.

        The file is replaced atomically (written beside it, then renamed)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        temporary = Path(name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as output:
                writer = csv.writer(output)
                writer.writerow(CSV_COLUMNS)
                for instrument in self._instruments.values():
                    price = self._reference_prices.get(instrument.code)
                    known = self._fundamentals.get(instrument.code)
                    extra = known.row() if known is not None else {}
                    writer.writerow(
                        [
                            instrument.code,
                            instrument.name,
                            instrument.market.value,
                            instrument.kind.value,
                            instrument.lot_size,
                            int(instrument.kospi200),
                            instrument.leverage,
                            int(instrument.nxt),
                            "" if price is None else price,
                            *(extra.get(column, "") for column in FUNDAMENTAL_COLUMNS),
                        ]
                    )
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return len(self._instruments)


def _parse_rows(
    rows: Iterable[dict[str, str]], source: str
) -> Iterator[tuple[Instrument, int | None, Fundamentals | None]]:
    for number, row in enumerate(rows, start=2):
        try:
            yield _parse_row(row)
        except YeouidoError as error:
            raise InvalidInput(
                f"{source} row {number}: {error.message}",
                field=error.field,
                value=error.value,
                rule=error.rule,
            ) from None


def _parse_row(row: dict[str, str]) -> tuple[Instrument, int | None, Fundamentals | None]:
    for column in REQUIRED_COLUMNS:
        if not (row.get(column) or "").strip():
            raise InvalidInput.for_field(column, row.get(column), "is required")
    try:
        market = Market(row["market"].strip().upper())
    except ValueError:
        raise InvalidInput.for_field("market", row["market"], "KOSPI, KOSDAQ or KONEX") from None
    try:
        kind = InstrumentKind(row["kind"].strip().lower())
    except ValueError:
        allowed = ", ".join(kind.value for kind in InstrumentKind)
        raise InvalidInput.for_field("kind", row["kind"], f"one of {allowed}") from None
    instrument = Instrument(
        code=validate_code(row["code"]),
        name=row["name"].strip(),
        market=market,
        kind=kind,
        lot_size=_integer(row, "lot_size", 1),
        kospi200=_flag(row, "kospi200"),
        leverage=_integer(row, "leverage", 1),
        nxt=_flag(row, "nxt"),
    )
    price_text = (row.get("reference_price") or "").strip()
    reference_price = _integer(row, "reference_price", 0) if price_text else None
    if reference_price is not None and reference_price <= 0:
        raise InvalidInput.for_field("reference_price", price_text, "must be > 0")
    return instrument, reference_price, parse_fundamentals(row)


def _integer(row: dict[str, str], column: str, default: int) -> int:
    text = (row.get(column) or "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise InvalidInput.for_field(column, text, "must be a whole number") from None


def _flag(row: dict[str, str], column: str) -> bool:
    text = (row.get(column) or "0").strip().lower()
    if text in ("1", "true", "yes", "y"):
        return True
    if text in ("0", "false", "no", "n", ""):
        return False
    raise InvalidInput.for_field(column, text, "must be 0/1 or true/false")


def _load_builtin(master: InstrumentMaster) -> None:
    source = resources.files("yeouido.krx") / "data" / "instruments.csv"
    with resources.as_file(source) as path:
        master.load_csv(path)


@functools.cache
def builtin_master() -> InstrumentMaster:
    """The built-in instrument master alone (about a hundred large listings; loaded once)."""
    master = InstrumentMaster()
    _load_builtin(master)
    return master


def downloaded_master_path() -> Path:
    """Where ``yeouido master update`` caches the downloaded master (it may not exist)."""
    return data_dir() / "master" / "instruments.csv"


@functools.cache
def default_master() -> InstrumentMaster:
    """The instrument master yeouido uses (loaded once per process): the built-in list,
    overlaid by the downloaded master when :func:`downloaded_master_path` exists. A cached
    file that cannot be read is ignored with a warning naming it."""
    master = InstrumentMaster()
    _load_builtin(master)
    path = downloaded_master_path()
    if path.is_file():
        try:
            master.load_csv(path)
        except (OSError, YeouidoError) as error:
            warnings.warn(
                f"ignoring the downloaded instrument master {path}: {error} "
                "(run `yeouido master update` again)",
                stacklevel=2,
            )
    return master


def get_instrument(code: str) -> Instrument:
    """The instrument with ``code`` in :func:`default_master`."""
    return default_master().get(code)
