"""Secret handling: a :class:`Secret` wrapper that never shows its value, and log masking.

Credentials (app keys and secrets, tokens, account numbers, HTS ids) travel as
:class:`Secret`; its ``repr``/``str`` are masked and only :meth:`Secret.reveal` gives the
value. Every secret an adapter holds is also registered with :func:`register_secret`, and
:class:`SecretFilter` replaces registered values in log records (message, arguments,
exception text) with a mask. :func:`install_log_masking` installs the filter on the root
logger and its handlers and masks every record as it is created, so a record is masked
whichever handler (or test capture) ends up writing it.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Iterable
from typing import Any, Final

MASK: Final = "****"
MIN_SECRET_LENGTH: Final = 4
"""Shorter values are not registered (masking ``"01"`` everywhere would mangle logs)."""


class Secret:
    """A credential whose ``repr`` and ``str`` are masked; :meth:`reveal` gives the value.

    Registering is on by default: the value is added to the process-wide set of values the
    log filter masks.
    """

    __slots__ = ("__weakref__", "_value")

    def __init__(self, value: str, *, register: bool = True) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError("a Secret wraps a str")
        self._value = value
        if register:
            register_secret(value)

    def reveal(self) -> str:
        """The secret value (pass it only to the wire, never to a log or a message)."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            return self._value == other._value
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


class SecretRegistry:
    """The set of values to mask, with a compiled pattern rebuilt when it changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, value: str) -> None:
        """Mask ``value`` from now on (ignored when shorter than :data:`MIN_SECRET_LENGTH`)."""
        if not value or len(value) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            if value in self._values:
                return
            self._values.add(value)
            self._pattern = None

    def discard(self, value: str) -> None:
        """Stop masking ``value``."""
        with self._lock:
            if value in self._values:
                self._values.discard(value)
                self._pattern = None

    def clear(self) -> None:
        """Forget every value (tests)."""
        with self._lock:
            self._values.clear()
            self._pattern = None

    def __contains__(self, value: object) -> bool:
        return value in self._values

    def _compiled(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._values:
                # Longest first, so a secret containing another is masked whole.
                ordered = sorted(self._values, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(value) for value in ordered))
            return self._pattern

    def mask(self, text: str) -> str:
        """``text`` with every registered value replaced by :data:`MASK`."""
        pattern = self._compiled()
        if pattern is None or not text:
            return text
        return pattern.sub(MASK, text)


REGISTRY: Final = SecretRegistry()
"""The process-wide registry the log filter uses."""


def register_secret(value: str | Secret | None) -> None:
    """Mask ``value`` in every log record from now on."""
    if value is None:
        return
    REGISTRY.add(value.reveal() if isinstance(value, Secret) else value)


def register_secrets(values: Iterable[str | Secret | None]) -> None:
    """:func:`register_secret` for each value."""
    for value in values:
        register_secret(value)


def mask(text: str) -> str:
    """``text`` with every registered secret masked."""
    return REGISTRY.mask(text)


def _mask_record(record: logging.LogRecord, registry: SecretRegistry) -> None:
    if getattr(record, "_yeouido_masked", False):
        return
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep the raw parts, masked
        message = f"{record.msg!s} {record.args!r}"
    record.msg = registry.mask(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = registry.mask(record.exc_text)
    if record.stack_info:
        record.stack_info = registry.mask(record.stack_info)
    setattr(record, "_yeouido_masked", True)  # noqa: B010


class SecretFilter(logging.Filter):
    """A logging filter that masks registered secrets in each record (never drops one).

    The message is formatted with its arguments first, so a secret passed as an argument is
    masked too; the record then carries the masked text and no arguments.
    """

    def __init__(self, registry: SecretRegistry | None = None) -> None:
        super().__init__()
        self.registry = registry if registry is not None else REGISTRY

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask ``record`` in place; always keep it."""
        _mask_record(record, self.registry)
        return True


_installed_lock = threading.Lock()
_installed_filters: weakref.WeakKeyDictionary[logging.Filterer, SecretFilter] = (
    weakref.WeakKeyDictionary()
)
_factory_installed = False


def install_log_masking(logger: logging.Logger | None = None) -> SecretFilter:
    """Mask registered secrets in every log record (idempotent).

    Adds a :class:`SecretFilter` to ``logger`` (the root logger by default) and to each of
    its handlers, and wraps the log-record factory so that records are masked when created
    (a logger's own filters do not see records of its child loggers; the factory does).
    Returns the filter.
    """
    global _factory_installed
    target = logger if logger is not None else logging.getLogger()
    with _installed_lock:
        secret_filter = _installed_filters.get(target)
        if secret_filter is None:
            secret_filter = SecretFilter()
            target.addFilter(secret_filter)
            _installed_filters[target] = secret_filter
        for handler in target.handlers:
            if handler not in _installed_filters:
                handler.addFilter(secret_filter)
                _installed_filters[handler] = secret_filter
        if not _factory_installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                _mask_record(record, REGISTRY)
                return record

            logging.setLogRecordFactory(factory)
            _factory_installed = True
    return secret_filter


def mask_account(account: str) -> str:
    """An account number shown safely: the last two digits of the product code only."""
    return f"{MASK}-{account[-2:]}" if len(account) >= 2 else MASK
