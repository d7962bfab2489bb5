"""Saved screening strategies (조건식 저장): name, expression, universe, in a local SQLite file.

Every expression is parsed and checked before it is saved, so a saved strategy always runs.
The default file is ``<data dir>/screener.sqlite`` (``YEOUIDO_DATA_DIR`` overrides the data
directory), created with mode 0600.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from yeouido.krx.codes import validate_code
from yeouido.model.errors import InvalidInput, StrategyExists, StrategyNotFound
from yeouido.paths import data_dir
from yeouido.screener.functions import check
from yeouido.screener.parser import parse
from yeouido.screener.syntax import Query

_NAME = re.compile(r"[0-9A-Za-z_\-\uac00-\ud7a3]{1,64}")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS strategies (
    name TEXT PRIMARY KEY,
    expression TEXT NOT NULL,
    universe TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class SavedStrategy:
    """A saved screen. ``universe`` is a tuple of codes, or ``None`` for every instrument."""

    name: str
    expression: str
    universe: tuple[str, ...] | None
    created_at: datetime
    updated_at: datetime

    @property
    def query(self) -> Query:
        """The parsed expression."""
        return parse(self.expression)


def validate_name(name: str) -> str:
    """A strategy name: 1–64 letters (Hangul included), digits, ``_`` or ``-``."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidInput.for_field(
            "name", name, "1-64 characters: letters (Hangul too), digits, _ or -"
        )
    return name


def _universe(codes: Iterable[str] | None) -> tuple[str, ...] | None:
    if codes is None:
        return None
    result = tuple(dict.fromkeys(validate_code(code) for code in codes))
    if not result:
        raise InvalidInput.for_field("universe", "", "give at least one code, or none for all")
    return result


class StrategyStore:
    """Create, list, show, update and delete saved strategies."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else data_dir() / "screener.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(descriptor)
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> StrategyStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def save(
        self,
        name: str,
        expression: str,
        universe: Iterable[str] | None = None,
        *,
        replace: bool = False,
    ) -> SavedStrategy:
        """Save a strategy; the expression is parsed and checked first. An existing name
        raises :class:`StrategyExists` unless ``replace``."""
        validate_name(name)
        check(parse(expression))
        codes = _universe(universe)
        now = datetime.now(UTC)
        existing = self._row(name)
        if existing is not None and not replace:
            raise StrategyExists.for_field("name", name, "a strategy with this name exists")
        created = existing.created_at if existing is not None else now
        self._db.execute(
            "INSERT OR REPLACE INTO strategies VALUES (?, ?, ?, ?, ?)",
            (
                name,
                expression,
                None if codes is None else json.dumps(codes),
                created.isoformat(),
                now.isoformat(),
            ),
        )
        return self.get(name)

    def update(
        self,
        name: str,
        expression: str | None = None,
        universe: Iterable[str] | None = None,
        *,
        all_instruments: bool = False,
    ) -> SavedStrategy:
        """Change the expression and/or the universe (``all_instruments`` clears it)."""
        current = self.get(name)
        new_universe = None if all_instruments else (universe or current.universe)
        return self.save(name, expression or current.expression, new_universe, replace=True)

    def get(self, name: str) -> SavedStrategy:
        """The strategy called ``name``; raises :class:`StrategyNotFound`."""
        strategy = self._row(name)
        if strategy is None:
            raise StrategyNotFound.for_field("name", name, "no saved strategy has this name")
        return strategy

    def find(self, name: str) -> SavedStrategy | None:
        """The strategy called ``name``, or ``None``."""
        return self._row(name)

    def list(self) -> list[SavedStrategy]:
        """Every saved strategy, by name."""
        rows = self._db.execute("SELECT * FROM strategies ORDER BY name").fetchall()
        return [_strategy(row) for row in rows]

    def delete(self, name: str) -> None:
        """Delete a strategy; raises :class:`StrategyNotFound` when there is none."""
        self.get(name)
        self._db.execute("DELETE FROM strategies WHERE name = ?", (name,))

    def _row(self, name: str) -> SavedStrategy | None:
        row = self._db.execute("SELECT * FROM strategies WHERE name = ?", (name,)).fetchone()
        return None if row is None else _strategy(row)


def _strategy(row: tuple[str, str, str | None, str, str]) -> SavedStrategy:
    name, expression, universe, created, updated = row
    return SavedStrategy(
        name=name,
        expression=expression,
        universe=None if universe is None else tuple(json.loads(universe)),
        created_at=datetime.fromisoformat(created),
        updated_at=datetime.fromisoformat(updated),
    )
