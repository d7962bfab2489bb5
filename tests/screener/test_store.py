"""Saved strategies: create, list, show, update, delete, and what they refuse."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from yeouido.model import (
    InvalidCode,
    InvalidInput,
    ScreenNameError,
    ScreenSyntaxError,
    StrategyExists,
    StrategyNotFound,
)
from yeouido.screener.store import StrategyStore


@pytest.fixture
def store(tmp_path: Path) -> StrategyStore:
    with StrategyStore(tmp_path / "screener.sqlite") as opened:
        yield opened  # type: ignore[misc]


def test_save_show_list_update_delete(store: StrategyStore) -> None:
    saved = store.save("눌림목", "close > sma(close, 60) and close < sma(close, 5)")
    assert saved.name == "눌림목" and saved.universe is None
    store.save("breakout", "close > highest(high[1], 20)", ["005930", "069500"])
    assert [s.name for s in store.list()] == ["breakout", "눌림목"]
    assert store.get("breakout").universe == ("005930", "069500")
    updated = store.update("breakout", expression="close > highest(high[1], 60)")
    assert updated.expression.endswith("60)") and updated.universe == ("005930", "069500")
    assert updated.created_at == store.get("breakout").created_at
    assert store.update("breakout", all_instruments=True).universe is None
    store.delete("눌림목")
    assert store.find("눌림목") is None
    with pytest.raises(StrategyNotFound):
        store.get("눌림목")


def test_a_bad_expression_is_never_saved(store: StrategyStore) -> None:
    with pytest.raises(ScreenSyntaxError):
        store.save("broken", "close > (sma(close, 20)")
    with pytest.raises(ScreenNameError):
        store.save("unknown", "close > smaa(close, 20)")
    assert store.list() == []


def test_names_codes_and_duplicates(store: StrategyStore) -> None:
    with pytest.raises(InvalidInput) as raised:
        store.save("has space", "close > 1")
    assert raised.value.field == "name"
    with pytest.raises(InvalidCode):
        store.save("codes", "close > 1", ["5930"])
    store.save("same", "close > 1")
    with pytest.raises(StrategyExists):
        store.save("same", "close > 2")
    assert store.save("same", "close > 2", replace=True).expression == "close > 2"


def test_the_file_is_private_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "screener.sqlite"
    with StrategyStore(path) as first:
        first.save("kept", "rsi(close, 14) < 30")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with StrategyStore(path) as second:
        assert second.get("kept").expression == "rsi(close, 14) < 30"
