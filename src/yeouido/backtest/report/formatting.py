"""Numbers and times as the report's tables show them, and text escaped for HTML."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from yeouido.backtest.report.values import DAY, FloatArray, is_missing, whole


def escape(value: Any) -> str:
    """Text escaped for HTML content and quoted attributes."""
    return html.escape(str(value), quote=True)


def format_percent(value: Any) -> str:
    """A fraction as a percentage with two decimals; ``n/a`` when missing."""
    if is_missing(value):
        return "n/a"
    number = float(value)
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    return f"{number * 100:,.2f}%"


def format_ratio(value: Any, digits: int = 2) -> str:
    """A ratio with ``digits`` decimals; ``n/a`` when missing."""
    if is_missing(value):
        return "n/a"
    number = float(value)
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    return f"{number:,.{digits}f}"


def format_integer(value: Any) -> str:
    """A whole number with thousands separators (KRW, shares); ``n/a`` when missing."""
    rounded = None if is_missing(value) else whole(value)
    return "n/a" if rounded is None else f"{rounded:,}"


def format_krw(value: Any) -> str:
    """A KRW amount as a whole number with separators and ``KRW``; ``n/a`` when missing."""
    text = format_integer(value)
    return text if text == "n/a" else f"{text} KRW"


def sign_class(value: Any) -> str:
    """``up`` for a positive number, ``down`` for a negative one."""
    if is_missing(value):
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "up" if number > 0 else "down" if number < 0 else ""


def format_times(values: Sequence[Any], seconds: FloatArray, intraday: bool) -> list[str]:
    """Each time (``seconds`` from :func:`wall_seconds_each`) as ``YYYY-MM-DD`` or
    ``YYYY-MM-DD HH:MM[:SS]`` in Seoul; ``—`` when missing, the value's text when not a time."""
    valid = ~np.isnan(seconds)
    whole = np.where(valid, seconds, 0.0).astype(np.int64)
    stamps = pd.to_datetime(whole, unit="s")
    texts = np.where(
        whole % 60 != 0,
        stamps.strftime("%Y-%m-%d %H:%M:%S"),
        np.where(
            intraday | (whole % DAY != 0),
            stamps.strftime("%Y-%m-%d %H:%M"),
            stamps.strftime("%Y-%m-%d"),
        ),
    )
    return [
        str(text) if ok else "—" if is_missing(value) else str(value)
        for text, ok, value in zip(texts.tolist(), valid.tolist(), values, strict=True)
    ]
