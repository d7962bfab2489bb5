"""Instrument codes: KRX short codes, ETN ``Q`` codes, and ISINs with their check digit.

- Short code (단축코드): 6 characters ``[0-9A-Z]`` (letters appear in new codes since 2024,
  e.g. ``0001A0``).
- ETN code: ``Q`` followed by 6 characters (``Q520057``); some systems drop the ``Q``.
- ISIN: ``KR`` + 9 alphanumerics + a check digit, e.g. ``KR7005930003`` for 005930.
"""

from __future__ import annotations

import re

from yeouido.model.errors import InvalidCode

_SHORT = re.compile(r"[0-9A-Z]{6}")
_ETN = re.compile(r"Q[0-9A-Z]{6}")
_ISIN = re.compile(r"[A-Z]{2}[0-9A-Z]{9}[0-9]")


def validate_code(code: str) -> str:
    """Return ``code`` (upper-cased, stripped) when it is a valid short or ETN code.

    Raises :class:`InvalidCode` naming the rule it breaks.
    """
    if not isinstance(code, str):
        raise InvalidCode.for_field("code", code, "must be a string")
    text = code.strip().upper()
    if _SHORT.fullmatch(text) or _ETN.fullmatch(text):
        return text
    if len(text) == 12 and text.startswith("KR"):
        raise InvalidCode.for_field(
            "code", code, "this is an ISIN; use short_code_from_isin() or the 6-character code"
        )
    if text.startswith("Q"):
        rule = "an ETN code is Q followed by 6 characters [0-9A-Z]"
    else:
        rule = "must be 6 characters [0-9A-Z] (or Q + 6 for an ETN)"
    raise InvalidCode.for_field("code", code, rule)


def is_etn_code(code: str) -> bool:
    """Whether ``code`` has the ETN form ``Q`` + 6 characters."""
    return bool(_ETN.fullmatch(code.strip().upper()))


def isin_check_digit(body: str) -> int:
    """The ISIN check digit of an 11-character ``body`` (ISO 6166: letters become numbers
    A=10 … Z=35, then the Luhn algorithm over the digit string)."""
    if not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{9}", body):
        raise InvalidCode.for_field("isin", body, "the body is 2 letters and 9 of [0-9A-Z]")
    digits = "".join(str(int(character, 36)) for character in body)
    total = 0
    # Luhn: double every second digit from the right of the payload (which will sit left of
    # the check digit, so the rightmost payload digit is doubled).
    for position, character in enumerate(reversed(digits)):
        digit = int(character)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def validate_isin(isin: str) -> str:
    """Return ``isin`` (upper-cased) when its form and check digit are right."""
    if not isinstance(isin, str):
        raise InvalidCode.for_field("isin", isin, "must be a string")
    text = isin.strip().upper()
    if not _ISIN.fullmatch(text):
        raise InvalidCode.for_field("isin", isin, "must be 2 letters, 9 of [0-9A-Z], 1 digit")
    expected = isin_check_digit(text[:11])
    if int(text[11]) != expected:
        raise InvalidCode.for_field("isin", isin, f"check digit must be {expected}")
    return text


def isin_from_short_code(code: str, share_class: str = "00", prefix: str = "KR7") -> str:
    """The KRX ISIN of a short code: ``KR7`` + code + share class (``00``) + check digit.

    ``KR7`` is the prefix of shares; ETFs, ETNs and others use other third characters
    (pass ``prefix``).
    """
    short = validate_code(code)
    if is_etn_code(short):
        short = short[1:]
    body = f"{prefix}{short}{share_class}"
    if len(body) != 11:
        raise InvalidCode.for_field("share_class", share_class, "must be 2 characters")
    return body + str(isin_check_digit(body))


def short_code_from_isin(isin: str) -> str:
    """The 6-character short code inside a Korean ISIN (``KR7005930003`` → ``005930``)."""
    text = validate_isin(isin)
    if not text.startswith("KR"):
        raise InvalidCode.for_field("isin", isin, "is not a Korean (KR) ISIN")
    return text[3:9]
