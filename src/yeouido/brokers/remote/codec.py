"""JSON encoding of the domain model for the venue protocol (:mod:`yeouido.brokers.remote`).

Dataclasses become objects of their fields; enums their values; datetimes ISO text with the
offset; ``Decimal`` ``{"decimal": "…"}`` (so an int price stays an int); tuples lists.
:func:`decode` rebuilds a dataclass from its type hints. Errors travel as
``{"error": class name, "code", "message", "field", "value", "rule"}`` and are raised again on
the client as the same :mod:`yeouido.model.errors` class, so callers catch them by meaning.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import types
import typing
from collections.abc import Coroutine
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from yeouido.model import errors as error_classes
from yeouido.model.errors import YeouidoError

T = TypeVar("T")


def encode(value: Any) -> Any:
    """A JSON-ready form of ``value``."""
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            item.name: encode(getattr(value, item.name))
            for item in dataclasses.fields(value)
            if not item.name.startswith("_")
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    raise TypeError(f"cannot encode {type(value).__name__}")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode(cls: type[T], data: Any) -> T:
    """Rebuild an instance of dataclass ``cls`` from :func:`encode`'s output."""
    return typing.cast(T, _decode(cls, data))


def _decode(hint: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in typing.get_args(hint) if option is not type(None)]
        if isinstance(data, dict) and "decimal" in data and Decimal in options:
            return Decimal(data["decimal"])
        for option in options:
            if option is int and isinstance(data, int) and not isinstance(data, bool):
                return data
        for option in options:
            try:
                return _decode(option, data)
            except (TypeError, ValueError, KeyError):
                continue
        raise ValueError(f"{data!r} matches none of {options}")
    if origin in (list, tuple, frozenset, set):
        arguments = typing.get_args(hint)
        item_hint = arguments[0] if arguments else Any
        items = [_decode(item_hint, item) for item in data]
        return items if origin is list else origin(items)
    if origin is dict:
        _, value_hint = typing.get_args(hint)
        return {key: _decode(value_hint, item) for key, item in data.items()}
    if hint is Any:
        return data
    if isinstance(hint, type):
        if issubclass(hint, Enum):
            return hint(data)
        if hint is Decimal:
            return Decimal(data["decimal"] if isinstance(data, dict) else data)
        if hint is datetime:
            return datetime.fromisoformat(data)
        if hint is date:
            return date.fromisoformat(data)
        if dataclasses.is_dataclass(hint):
            if not isinstance(data, dict):
                raise TypeError(f"{hint.__name__} needs an object")
            hints = _hints(hint)
            values = {
                item.name: _decode(hints[item.name], data[item.name])
                for item in dataclasses.fields(hint)
                if item.init and item.name in data
            }
            return hint(**values)
        if hint in (int, str, bool, float):
            if not isinstance(data, hint):
                raise TypeError(f"expected {hint.__name__}, got {type(data).__name__}")
            return data
    return data


class Spawner:
    """Runs fire-and-forget coroutines (websocket sends from synchronous callbacks) while
    keeping a reference to each task until it is done."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        """Schedule ``coroutine`` on the running loop."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def encode_error(error: YeouidoError) -> dict[str, Any]:
    """An error as the service sends it."""
    return error.to_dict()


def decode_error(data: dict[str, Any]) -> YeouidoError:
    """The same error class on the client side (:class:`YeouidoError` for unknown names)."""
    candidate = getattr(error_classes, str(data.get("error", "")), None)
    cls = (
        candidate
        if isinstance(candidate, type) and issubclass(candidate, YeouidoError)
        else YeouidoError
    )
    error = cls(
        str(data.get("message", "")),
        field=data.get("field"),
        value=data.get("value"),
        rule=data.get("rule"),
    )
    if data.get("code"):
        error.code = str(data["code"])
    return error
