"""Client order ids: unique, sortable by creation time, and readable.

An id looks like ``20261124-093015123-0001-K7QX``: the Seoul date, the time to the
millisecond, a per-process counter and a random suffix chosen once per generator (so two
processes never produce the same id). Ids of one generator sort strictly in creation order
(a clock that steps back, or more than 10,000 ids in one millisecond, advances the time part
instead); ids of different processes sort by creation time as far as their clocks agree.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from yeouido.model.errors import InvalidInput
from yeouido.model.time import SEOUL, now_seoul, require_aware

SUFFIX_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: no I, L, O or U, so a suffix is easy to read aloud."""

SUFFIX_LENGTH = 4
COUNTER_MODULUS = 10_000

_PATTERN = re.compile(
    r"^(?P<date>\d{8})-(?P<time>\d{9})-(?P<counter>\d{4})-(?P<suffix>["
    + SUFFIX_ALPHABET
    + r"]{4})$"
)


@dataclass(frozen=True, slots=True)
class ClientOrderId:
    """The parts of a client order id (see :func:`parse_client_order_id`)."""

    text: str
    created_at: datetime
    counter: int
    suffix: str

    def __str__(self) -> str:
        return self.text


class ClientOrderIdGenerator:
    """Makes client order ids; one generator per process (or per order manager).

    ``clock`` returns the current aware time (Seoul by default); ``suffix`` fixes the random
    part (tests), otherwise it is drawn with :mod:`secrets`.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = now_seoul,
        suffix: str | None = None,
    ) -> None:
        if suffix is None:
            suffix = "".join(secrets.choice(SUFFIX_ALPHABET) for _ in range(SUFFIX_LENGTH))
        if len(suffix) != SUFFIX_LENGTH or any(ch not in SUFFIX_ALPHABET for ch in suffix):
            raise InvalidInput.for_field(
                "suffix", suffix, f"{SUFFIX_LENGTH} characters of {SUFFIX_ALPHABET}"
            )
        self._clock = clock
        self._suffix = suffix
        self._counter = 0
        self._last_millisecond: datetime | None = None
        self._last_counter = -1

    @property
    def suffix(self) -> str:
        """This generator's random suffix."""
        return self._suffix

    def next(self) -> str:
        """A new id, greater (as a string) than every id this generator made before."""
        now = require_aware("clock()", self._clock()).astimezone(SEOUL)
        millisecond = now.replace(microsecond=now.microsecond // 1000 * 1000)
        self._counter = (self._counter + 1) % COUNTER_MODULUS
        counter = self._counter
        last = self._last_millisecond
        if last is not None and (
            millisecond < last or (millisecond == last and counter <= self._last_counter)
        ):
            # The clock stepped back, or the counter wrapped within one millisecond: keep the
            # ids strictly increasing by moving the time part on.
            millisecond = last if counter > self._last_counter else last + timedelta(milliseconds=1)
        self._last_millisecond = millisecond
        self._last_counter = counter
        stamp = millisecond.strftime("%Y%m%d-%H%M%S") + f"{millisecond.microsecond // 1000:03d}"
        return f"{stamp}-{counter:04d}-{self._suffix}"

    __call__ = next

    def advance_past(self, client_order_id: str) -> None:
        """Make every later id sort after ``client_order_id`` (an id journaled by an earlier
        process, e.g. under a clock that was ahead); ids of another shape are ignored."""
        if not is_client_order_id(client_order_id):
            return
        parsed = parse_client_order_id(client_order_id)
        last = self._last_millisecond
        if last is None or (parsed.created_at, parsed.counter) > (last, self._last_counter):
            self._last_millisecond = parsed.created_at
            self._last_counter = parsed.counter
            self._counter = parsed.counter


def parse_client_order_id(text: str) -> ClientOrderId:
    """Split an id made by :class:`ClientOrderIdGenerator` into its parts.

    Raises :class:`~yeouido.model.errors.InvalidInput` naming the text when it is not one.
    """
    match = _PATTERN.match(text)
    if match is None:
        raise InvalidInput.for_field(
            "client_order_id", text, "expected YYYYMMDD-HHMMSSmmm-NNNN-XXXX"
        )
    try:
        created = datetime.strptime(match["date"] + match["time"][:6], "%Y%m%d%H%M%S")
    except ValueError:
        raise InvalidInput.for_field(
            "client_order_id", text, "the date and time part is not a valid time"
        ) from None
    created = created.replace(microsecond=int(match["time"][6:]) * 1000, tzinfo=SEOUL)
    return ClientOrderId(text, created, int(match["counter"]), match["suffix"])


def is_client_order_id(text: str) -> bool:
    """Whether ``text`` has the shape of a generated client order id."""
    return _PATTERN.match(text) is not None
