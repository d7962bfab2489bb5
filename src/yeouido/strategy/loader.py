"""Load a strategy class from a Python file (``yeouido backtest examples/golden_cross.py``)."""

from __future__ import annotations

import importlib.util
import inspect
import math
import sys
from decimal import Decimal
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


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _kind(default: Any) -> str:
    """The type a parameter's value must have, named for a message."""
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, int):
        return "a whole number"
    if isinstance(default, float | Decimal):
        return "a number"
    return "text"


def convert_param(strategy: type[Strategy], name: str, text: str, option: str = "--param") -> Any:
    """The value of ``strategy``'s parameter ``name`` from ``text``, of the type of its
    default in ``strategy.params`` (an ``int`` default takes whole numbers, a ``float`` any
    number, a ``bool`` true/false/yes/no/1/0, a ``str`` the text as it is). An unknown name
    or a value of the wrong type raises :class:`InvalidInput` naming the parameter, the
    value and the type expected."""
    defaults = strategy.params
    if name not in defaults:
        known = ", ".join(sorted(defaults)) or "none"
        raise InvalidInput.for_field(
            "params", name, f"not a parameter of {strategy.__name__} ({known})"
        )
    default = defaults[name]
    value = text.strip()
    try:
        if isinstance(default, bool):
            if value.lower() in _TRUE | _FALSE:
                return value.lower() in _TRUE
            raise ValueError(value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(value)
            return number
        if isinstance(default, Decimal):
            decimal = Decimal(value)
            if not decimal.is_finite():
                raise ValueError(value)
            return decimal
    except (ValueError, ArithmeticError):
        raise InvalidInput.for_field(
            name,
            value,
            f"{option} {name} must be {_kind(default)} "
            f"(the default of {strategy.__name__}.params[{name!r}] is {default!r})",
        ) from None
    if isinstance(default, str):
        return value
    return parse_value(value)


def parse_params(
    strategy: type[Strategy], items: list[str] | None, option: str = "--param"
) -> dict[str, Any]:
    """``["fast=5", "slow=20"]`` as ``{"fast": 5, "slow": 20}``, each value of the type of
    the parameter's default (see :func:`convert_param`)."""
    result: dict[str, Any] = {}
    for item in items or []:
        name, separator, value = item.partition("=")
        if not separator or not name.strip().isidentifier() or not value.strip():
            raise InvalidInput.for_field(option, item, "must be NAME=VALUE (e.g. fast=5)")
        result[name.strip()] = convert_param(strategy, name.strip(), value, option)
    return result


def parse_grid(
    items: list[str] | None, option: str = "--sweep", strategy: type[Strategy] | None = None
) -> dict[str, list[Any]]:
    """``["fast=3,5,8", "slow=20:60:20"]`` as ``{"fast": [3, 5, 8], "slow": [20, 40, 60]}``
    (``START:STOP:STEP`` is an inclusive integer range). With ``strategy`` each value is of
    the type of the parameter's default (see :func:`convert_param`)."""
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
            if strategy is not None:
                for number in grid[name.strip()]:
                    convert_param(strategy, name.strip(), str(number), option)
        elif strategy is not None:
            grid[name.strip()] = [
                convert_param(strategy, name.strip(), part, option)
                for part in text.split(",")
                if part.strip()
            ]
        else:
            grid[name.strip()] = [parse_value(part) for part in text.split(",") if part.strip()]
    return grid
