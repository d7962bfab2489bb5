"""Locating a failure in the user's strategy code, and strategy parameters typed by their
defaults."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from yeouido.model.errors import InvalidInput
from yeouido.strategy import Strategy
from yeouido.strategy.failure import StrategyCodeError, is_user_file, strategy_failure
from yeouido.strategy.loader import convert_param, load_strategy, parse_grid, parse_params


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_failure_in_a_module_the_strategy_imports_names_that_module(tmp_path: Path) -> None:
    helper = write(tmp_path, "user_helper_for_failure.py", "def compute(x):\n    return 1 / x\n")
    strategy = write(
        tmp_path,
        "uses_helper.py",
        f"""\
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        from user_helper_for_failure import compute
        from yeouido.strategy import Strategy

        class UsesHelper(Strategy):
            def on_start(self, ctx):
                compute(0)
        """,
    )
    cls = load_strategy(strategy)
    with pytest.raises(ZeroDivisionError) as raised:
        cls().on_start(None)  # type: ignore[arg-type]
    failure = strategy_failure(raised.value, strategy)
    assert isinstance(failure, StrategyCodeError)
    assert (failure.file, failure.line, failure.function) == (str(helper), 2, "compute")
    assert failure.callback == "on_start"
    assert "in compute (called from on_start): ZeroDivisionError: division by zero" in str(failure)
    assert failure.source == "return 1 / x"


def test_an_error_of_yeouido_raised_from_user_code_points_at_the_user_line(
    tmp_path: Path,
) -> None:
    strategy = write(
        tmp_path,
        "bad_interval.py",
        """\
        from yeouido.strategy import Strategy

        class BadInterval(Strategy):
            interval = "2h"
        """,
    )
    with pytest.raises(InvalidInput) as raised:
        load_strategy(strategy)
    failure = strategy_failure(raised.value, strategy)
    assert failure is not None and (failure.file, failure.line) == (str(strategy), 3)
    assert "INVALID_INPUT" in failure.message and "interval" in failure.message


def test_an_error_without_user_code_is_not_the_strategy_s() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_params(Strategy, ["nope=1"])
    error = raised.value
    assert error.__traceback__ is not None  # from here on, frames of yeouido only:
    assert strategy_failure(error.with_traceback(error.__traceback__.tb_next)) is None
    assert not is_user_file(pytest.__file__) and not is_user_file("<frozen importlib>")
    assert is_user_file(__file__)


class Typed(Strategy):
    params = {"fast": 5, "ratio": 0.5, "name": "005930", "on": True, "cap": Decimal("1.5")}


def test_parameters_take_the_type_of_their_default() -> None:
    values = parse_params(Typed, ["fast=7", "ratio=1", "name=000660", "on=no", "cap=2.25"])
    assert values == {
        "fast": 7,
        "ratio": 1.0,
        "name": "000660",
        "on": False,
        "cap": Decimal("2.25"),
    }
    assert isinstance(values["ratio"], float)
    for name, text, kind in [
        ("fast", "abc", "a whole number"),
        ("fast", "2.5", "a whole number"),
        ("ratio", "inf", "a number"),
        ("on", "maybe", "true or false"),
    ]:
        with pytest.raises(InvalidInput) as raised:
            convert_param(Typed, name, text)
        assert (raised.value.field, raised.value.value) == (name, text)
        assert f"--param {name} must be {kind}" in raised.value.message
        assert f"Typed.params[{name!r}]" in raised.value.message
    with pytest.raises(InvalidInput, match="fast, name, on, ratio"):
        convert_param(Typed, "slow", "3")
    assert parse_grid(["fast=3,5", "ratio=1,1.5"], strategy=Typed) == {
        "fast": [3, 5],
        "ratio": [1.0, 1.5],
    }
    with pytest.raises(InvalidInput, match="--sweep fast must be a whole number"):
        parse_grid(["fast=3,x"], strategy=Typed)
