"""``--ray ADDRESS`` with no cluster there fails within seconds with a clear error (``ray.init``
alone retries for minutes)."""

from __future__ import annotations

import importlib.util
import socket
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yeouido.backtest.sweeps import check_ray_address, ray_endpoint
from yeouido.cli.main import app
from yeouido.model.errors import ConnectionFailed, InvalidInput

PROJECT = Path(__file__).resolve().parents[2]


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_ray_addresses_name_a_host_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    assert ray_endpoint("127.0.0.1:6380") == ("127.0.0.1", 6380)
    assert ray_endpoint("ray://head.local:10002") == ("head.local", 10002)
    assert ray_endpoint("ray://head.local") == ("head.local", 10001)
    assert ray_endpoint("head.local") == ("head.local", 6379)
    assert ray_endpoint("local") is None and ray_endpoint("auto") is None
    monkeypatch.setenv("RAY_ADDRESS", "10.0.0.5:6390")
    assert ray_endpoint("auto") == ("10.0.0.5", 6390)
    with pytest.raises(InvalidInput, match="ray"):
        ray_endpoint("host:port")
    with pytest.raises(InvalidInput, match="1-65535"):
        ray_endpoint("host:70000")


def test_no_cluster_at_the_address_fails_within_seconds() -> None:
    port = unused_port()
    began = time.monotonic()
    with pytest.raises(ConnectionFailed) as raised:
        check_ray_address(f"127.0.0.1:{port}")
    assert time.monotonic() - began < 3.5
    assert f"no Ray cluster answers at 127.0.0.1:{port}" in str(raised.value)
    assert raised.value.field == "ray"


def test_a_listening_address_passes_the_check() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        check_ray_address(f"127.0.0.1:{server.getsockname()[1]}")


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="yeouido[ray] not installed")
def test_backtest_sweep_on_a_missing_cluster_is_a_clear_error() -> None:
    port = unused_port()
    arguments = [
        "backtest", str(PROJECT / "examples" / "golden_cross.py"),
        "--data", str(PROJECT / "tests" / "fixtures" / "krx-daily"), "--symbols", "005930",
        "--start", "2020-01-01", "--end", "2020-03-31", "--sweep", "fast=3,5",
        "--ray", f"127.0.0.1:{port}", "--quiet",
    ]  # fmt: skip
    began = time.monotonic()
    result = CliRunner().invoke(app, arguments)
    assert time.monotonic() - began < 15
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert f"no Ray cluster answers at 127.0.0.1:{port}" in flat and "Traceback" not in flat
