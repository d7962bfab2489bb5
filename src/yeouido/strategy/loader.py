"""Load a strategy class from a Python file (``yeouido backtest examples/golden_cross.py``)."""

from __future__ import annotations

import importlib.util
import inspect
import math
import sys
from pathlib import Path
from typing import Any

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


def parse_value(text: str) -> int | float | str:
    """A parameter value from text: an ``int``, else a ``float``, else the text itself."""
    value = text.strip()
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def parse_assignments(items: list[str] | None, option: str = "--param") -> dict[str, Any]:
    """``["fast=5", "slow=20"]`` as ``{"fast": 5, "slow": 20}``."""
    result: dict[str, Any] = {}
    for item in items or []:
        name, separator, value = item.partition("=")
        if not separator or not name.strip().isidentifier() or not value.strip():
            raise InvalidInput.for_field(option, item, "must be NAME=VALUE (e.g. fast=5)")
        result[name.strip()] = parse_value(value)
    return result


def parse_grid(items: list[str] | None, option: str = "--sweep") -> dict[str, list[Any]]:
    """``["fast=3,5,8", "slow=20:60:20"]`` as ``{"fast": [3, 5, 8], "slow": [20, 40, 60]}``
    (``START:STOP:STEP`` is an inclusive integer range)."""
    grid: dict[str, list[Any]] = {}
    for item in items or []:
        name, separator, values = item.partition("=")
        if not separator or not name.strip() or not values.strip():
            raise InvalidInput.for_field(
                option, item, "must be NAME=V1,V2,... or NAME=START:STOP:STEP"
            )
        text = values.strip()
        if ":" in text:
            parts = text.split(":")
            try:
                start, stop, step = (int(part) for part in parts)
            except ValueError:
                raise InvalidInput.for_field(
                    option, item, "a range is START:STOP:STEP integers"
                ) from None
            if step <= 0 or stop < start:
                raise InvalidInput.for_field(
                    option, item, "a range needs STEP > 0 and STOP >= START"
                )
            grid[name.strip()] = list(range(start, stop + 1, step))
        else:
            grid[name.strip()] = [parse_value(part) for part in text.split(",") if part.strip()]
    return grid
