"""The parameter grid of a sweep: its combinations, checked against the strategy."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from yeouido.model.errors import InvalidInput
from yeouido.strategy.base import Strategy


def expand_grid(
    strategy: type[Strategy], grid: Mapping[str, Sequence[Any]]
) -> list[dict[str, Any]]:
    """The combinations of ``grid`` (the Cartesian product of its values, in grid order),
    checked against the strategy's parameters."""
    if not isinstance(grid, Mapping):
        raise InvalidInput.for_field("grid", type(grid).__name__, "must map names to values")
    known = dict(strategy.params)
    choices: list[list[Any]] = []
    for name, values in grid.items():
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise InvalidInput.for_field(
                f"grid.{name}", name, f"not a parameter of {strategy.__name__} ({listed})"
            )
        if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
            items = [values]
        else:
            items = [value.item() if isinstance(value, np.generic) else value for value in values]
        if not items:
            raise InvalidInput.for_field(f"grid.{name}", list(items), "give at least one value")
        choices.append(items)
    names = list(grid)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*choices)]
