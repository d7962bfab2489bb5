"""Broker registration through the ``yeouido.brokers`` entry-point group."""

from __future__ import annotations

import asyncio
import importlib.metadata
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import yeouido.brokers
from yeouido.brokers import registry
from yeouido.model.errors import InvalidInput, YeouidoError

OUTSIDE = "tests.brokers.outside_adapter"


def installing(monkeypatch: pytest.MonkeyPatch, *entry_points: tuple[str, str]) -> None:
    """Pretend that distributions declaring ``entry_points`` are installed (and no other)."""
    declared = [
        importlib.metadata.EntryPoint(name, value, registry.ENTRY_POINT_GROUP)
        for name, value in entry_points
    ]

    def fake(**selection: str) -> list[importlib.metadata.EntryPoint]:
        assert selection == {"group": registry.ENTRY_POINT_GROUP}
        return declared

    monkeypatch.setattr(importlib.metadata, "entry_points", fake)


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(registry, "_FACTORIES", {})
    sys.modules.pop(OUTSIDE, None)
    yield
    sys.modules.pop(OUTSIDE, None)


def test_built_in_brokers_are_known_without_installed_metadata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installing(monkeypatch)
    assert yeouido.brokers.available() == ["kis", "paper", "remote"]


def test_an_adapter_from_another_package_is_found_and_imported_only_when_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    installing(monkeypatch, ("outside", f"{OUTSIDE}:create_broker"))
    assert registry.available() == ["kis", "outside", "paper", "remote"]
    assert OUTSIDE not in sys.modules

    async def scenario() -> None:
        broker = await registry.connect_async(
            "Outside", data_dir=tmp_path, speed=None, codes=["005930"]
        )
        try:
            assert type(broker).__name__ == "OutsideBroker" and broker.name == "outside"
            assert (await broker.quote("005930")).last is not None
        finally:
            await broker.close()

    asyncio.run(scenario())
    assert OUTSIDE in sys.modules


def test_an_unknown_name_lists_what_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    installing(monkeypatch, ("outside", f"{OUTSIDE}:create_broker"))
    with pytest.raises(InvalidInput) as caught:
        registry.factory("cybos")
    assert caught.value.field == "name"
    assert "installed: kis, outside, paper, remote" in caught.value.message


def test_an_entry_point_that_cannot_be_loaded_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    installing(monkeypatch, ("broken", "tests.brokers.no_such_module:create_broker"))
    with pytest.raises(YeouidoError) as caught:
        registry.factory("broken")
    assert caught.value.code == "BROKER_NOT_LOADABLE"
    assert "no_such_module" in caught.value.message


def test_the_project_declares_its_brokers_as_entry_points() -> None:
    import tomllib

    project = Path(__file__).resolve().parents[2] / "pyproject.toml"
    declared = tomllib.loads(project.read_text(encoding="utf-8"))["project"]["entry-points"]
    assert declared[registry.ENTRY_POINT_GROUP] == registry.BUILT_IN
