"""Time zones: the market runs on Asia/Seoul, storage on UTC; naive datetimes are refused."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from yeouido.model.errors import InvalidInput

SEOUL = ZoneInfo("Asia/Seoul")
"""The market's time zone (KST, UTC+9, no daylight saving)."""


def require_aware(field: str, value: datetime) -> datetime:
    """Return ``value``; raise naming ``field`` when it is not a timezone-aware datetime."""
    if not isinstance(value, datetime):
        raise InvalidInput.for_field(field, value, "must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput.for_field(
            field, value.isoformat(), "must be timezone-aware (e.g. tzinfo=yeouido.model.SEOUL)"
        )
    return value


def now_seoul() -> datetime:
    """The current time in Seoul."""
    return datetime.now(SEOUL)


def to_seoul(value: datetime) -> datetime:
    """``value`` (aware) in Seoul time."""
    return require_aware("datetime", value).astimezone(SEOUL)


def to_utc(value: datetime) -> datetime:
    """``value`` (aware) in UTC, for storage."""
    return require_aware("datetime", value).astimezone(UTC)
