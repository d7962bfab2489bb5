"""Shipping the strategy to sweep workers: :class:`StrategyRef` names a strategy class so
another process (or machine) loads it again."""

from __future__ import annotations

import hashlib
import importlib
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yeouido.backtest.runner import StrategySpec
from yeouido.model.errors import InvalidInput
from yeouido.strategy.base import Strategy
from yeouido.strategy.loader import load_strategy


@dataclass(frozen=True, slots=True)
class StrategyRef:
    """A strategy class as workers find it again: its module and name, and the file that
    defines it (strategies loaded from a ``.py`` file live in a generated module that only
    this process knows), with the base parameters of the combinations."""

    module: str
    name: str
    file: str | None
    base: tuple[tuple[str, Any], ...] = ()
    source: str | None = None
    """The file's text, for workers on other machines where the file does not exist."""

    @classmethod
    def of(cls, strategy: StrategySpec) -> tuple[StrategyRef, type[Strategy]]:
        """The reference of ``strategy`` (a class, an instance or a ``.py`` file) and the
        class itself."""
        base: dict[str, Any] = {}
        file: str | None = None
        if isinstance(strategy, str | Path):
            file = str(Path(strategy).resolve())
            strategy = load_strategy(strategy)
        if isinstance(strategy, Strategy):
            base = dict(strategy.params)
            strategy = type(strategy)
        if not (isinstance(strategy, type) and issubclass(strategy, Strategy)):
            raise InvalidInput.for_field(
                "strategy", repr(strategy), "must be a Strategy subclass, an instance or a .py file"
            )
        if file is None:
            module = sys.modules.get(strategy.__module__)
            found = getattr(module, "__file__", None)
            file = str(Path(found).resolve()) if found else None
        source = None
        if file is not None and file.endswith(".py"):
            try:
                source = Path(file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                source = None
        reference = cls(
            strategy.__module__, strategy.__qualname__, file, tuple(base.items()), source
        )
        LOADED[reference.key] = strategy
        return reference, strategy

    @property
    def key(self) -> tuple[str, str, str | None]:
        """What identifies the class (not the base parameters)."""
        return (self.module, self.name, self.file)

    def load(self) -> type[Strategy]:
        """The strategy class: from this process's modules, by import, or from the file."""
        found = LOADED.get(self.key)
        if found is not None:
            return found
        strategy: Any = None
        module = sys.modules.get(self.module)
        if module is None and self.module != "__main__":
            try:
                module = importlib.import_module(self.module)
            except ImportError:
                module = None
        if module is not None:
            strategy = module
            for part in self.name.split("."):
                strategy = getattr(strategy, part, None)
        if not (isinstance(strategy, type) and issubclass(strategy, Strategy)):
            if self.file is None:
                raise InvalidInput.for_field(
                    "strategy", f"{self.module}.{self.name}", "cannot be found in this worker"
                )
            strategy = load_strategy(self._local_file(), self.name.rsplit(".", 1)[-1])
        loaded: type[Strategy] = strategy
        LOADED[self.key] = loaded
        return loaded

    def _local_file(self) -> str:
        """The strategy's file here: the original, or (on another machine) its shipped text
        written to a temporary file of the same name."""
        assert self.file is not None
        if Path(self.file).is_file() or self.source is None:
            return self.file
        digest = hashlib.sha256(self.source.encode("utf-8")).hexdigest()[:16]
        folder = Path(tempfile.gettempdir()) / f"yeouido-strategies-{digest}"
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / Path(self.file).name
        if not copy.is_file():
            copy.write_text(self.source, encoding="utf-8")
        return str(copy)


LOADED: dict[tuple[str, str, str | None], type[Strategy]] = {}
"""Strategy classes this process has resolved."""
