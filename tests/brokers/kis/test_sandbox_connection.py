"""The sandbox's connection file: written 0600, read by connect("kis", sandbox=True)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from yeouido.brokers.kis.broker import create_kis_broker
from yeouido.brokers.kis.sandbox_connection import (
    connection_file,
    read_connection,
    remove_connection,
    write_connection,
)
from yeouido.model.errors import ConnectionFailed, InvalidInput

INFO = {
    "env": "mock",
    "base_url": "http://127.0.0.1:9443",
    "ws_url": "ws://127.0.0.1:21000",
    "app_key": "P" * 36,
    "app_secret": "S" * 180,
    "account": "12345678-01",
    "hts_id": "demo01",
}


def test_written_private_read_back_and_removed(tmp_path: Path) -> None:
    path = write_connection(INFO, tmp_path)
    assert path == connection_file("mock", tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_connection(root=tmp_path) == INFO
    assert read_connection("mock", tmp_path) == INFO
    with pytest.raises(ConnectionFailed):
        read_connection("real", tmp_path)
    remove_connection("mock", tmp_path)
    with pytest.raises(ConnectionFailed, match="yeouido sandbox kis"):
        read_connection(root=tmp_path)


def test_an_incomplete_connection_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="app_secret"):
        write_connection({**INFO, "app_secret": ""}, tmp_path)
    connection_file("mock", tmp_path).parent.mkdir(parents=True)
    connection_file("mock", tmp_path).write_text("{not json")
    with pytest.raises(ConnectionFailed, match="damaged"):
        read_connection("mock", tmp_path)


def test_connect_with_sandbox_true_takes_the_file_and_keeps_explicit_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path))
    with pytest.raises(ConnectionFailed, match="no KIS sandbox is running"):
        create_kis_broker(sandbox=True)
    write_connection(INFO, tmp_path)
    broker = create_kis_broker(sandbox=True, data_dir=tmp_path / "d", ws_url="ws://127.0.0.1:1")
    assert broker.config.base_url == INFO["base_url"]
    assert broker.config.ws_url == "ws://127.0.0.1:1"  # an explicit option wins
    assert broker.config.env == "mock"
    monkeypatch.setenv("YEOUIDO_KIS_SANDBOX", "1")
    assert create_kis_broker(data_dir=tmp_path / "d").config.base_url == INFO["base_url"]
