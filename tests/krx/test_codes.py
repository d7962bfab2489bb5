"""Code and ISIN validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yeouido.krx import (
    is_etn_code,
    isin_check_digit,
    isin_from_short_code,
    short_code_from_isin,
    validate_code,
    validate_isin,
)
from yeouido.model import InvalidCode


@pytest.mark.parametrize("code", ["005930", "0001A0", "Q520057", " 069500 ", "q530107"])
def test_valid_codes(code: str) -> None:
    assert validate_code(code) == code.strip().upper()


@pytest.mark.parametrize(
    ("code", "phrase"),
    [
        ("05930", "6 characters"),
        ("0059300", "6 characters"),
        ("00593-", "6 characters"),
        ("Q5200571", "ETN code"),
        ("KR7005930003", "ISIN"),
        ("", "6 characters"),
    ],
)
def test_bad_codes_name_the_rule(code: str, phrase: str) -> None:
    with pytest.raises(InvalidCode) as raised:
        validate_code(code)
    assert raised.value.field == "code"
    assert phrase in str(raised.value)


def test_known_isins() -> None:
    assert isin_from_short_code("005930") == "KR7005930003"
    assert isin_from_short_code("000660") == "KR7000660001"
    assert short_code_from_isin("KR7005930003") == "005930"
    assert validate_isin("US0378331005") == "US0378331005"


def test_wrong_check_digit_is_refused() -> None:
    with pytest.raises(InvalidCode) as raised:
        validate_isin("KR7005930004")
    assert "check digit must be 3" in str(raised.value)


@given(body=st.from_regex(r"KR[0-9A-Z]{9}", fullmatch=True), wrong=st.integers(1, 9))
def test_any_single_digit_change_of_the_check_digit_is_caught(body: str, wrong: int) -> None:
    digit = isin_check_digit(body)
    validate_isin(f"{body}{digit}")
    with pytest.raises(InvalidCode):
        validate_isin(f"{body}{(digit + wrong) % 10}")


def test_etn_codes() -> None:
    assert is_etn_code("Q520057")
    assert not is_etn_code("520057")
