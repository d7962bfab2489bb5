"""Load a strategy class from a Python file (``yeouido backtest examples/golden_cross.py``)."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path

from yeouido.model.errors import InvalidInput
from yeouido.strategy.base import Strategy


def load_strategy(path: str | Path, name: str | None = None) -> type[Strategy]:
    """The strategy class defined in the file ``path``: the one named ``name``, or the only
    :class:`Strategy` subclass the file itself defines."""
    file = Path(path)
    if not file.is_file() or file.suffix != ".py":
        raise InvalidInput.for_field("strategy", str(file), "must be an existing .py file")
    module_name = f"yeouido_user_strategy_{file.stem}_{abs(hash(file.resolve()))}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:  # pragma: no cover - a .py file always has one
        raise InvalidInput.for_field("strategy", str(file), "cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look the module up
    try:
        spec.loader.exec_module(module)
    except Exception:
        sys.modules.pop(module_name, None)
        raise
    found = {
        member.__name__: member
        for member in vars(module).values()
        if inspect.isclass(member)
        and issubclass(member, Strategy)
        and member.__module__ == module_name
    }
    if name is not None:
        if name not in found:
            listed = ", ".join(sorted(found)) or "none"
            raise InvalidInput.for_field("strategy", name, f"not defined in {file} ({listed})")
        return found[name]
    if len(found) != 1:
        listed = ", ".join(sorted(found)) or "none"
        raise InvalidInput.for_field(
            "strategy", str(file), f"must define exactly one Strategy subclass ({listed}); name one"
        )
    return next(iter(found.values()))
