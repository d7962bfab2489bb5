"""``yeouido paper serve`` and ``yeouido sandbox kis`` as processes: a busy port is a one-line
message within seconds (no traceback), and the sandbox removes its temporary directory
however it is stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ..paper_service import wait_for_line

COMMAND = [sys.executable, "-c", "from yeouido.cli.main import app; app()"]
QUICK = 20.0
"""Seconds a refusal may take, start-up of the interpreter included (shared CI cores)."""


@contextmanager
def busy_port() -> Iterator[int]:
    """A loopback port another program listens on."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])


def environment(tmp_path: Path) -> dict[str, str]:
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    return dict(
        os.environ,
        YEOUIDO_DATA_DIR=str(tmp_path / "data"),
        TMPDIR=str(temp),
        TEMP=str(temp),
        TMP=str(temp),
        COLUMNS="80",
    )


def refused(arguments: list[str], tmp_path: Path) -> tuple[str, float]:
    """Run a command that must refuse quickly; its stderr and how long it took."""
    started = time.monotonic()
    result = subprocess.run(
        [*COMMAND, *arguments],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    return result.stderr, elapsed


def test_paper_serve_on_a_busy_port_says_which_and_how_to_choose_another(
    tmp_path: Path,
) -> None:
    with busy_port() as port:
        stderr, elapsed = refused(["paper", "serve", "--port", str(port)], tmp_path)
    [line] = stderr.splitlines()
    assert line.startswith("error [PORT_IN_USE] paper service: ")
    assert f"port {port} on 127.0.0.1 is already in use" in line and "--port" in line
    assert elapsed < QUICK


@pytest.mark.parametrize(("flag", "what"), [("--port", "REST"), ("--ws-port", "websocket")])
def test_sandbox_on_a_busy_port_says_which_and_leaves_nothing_behind(
    tmp_path: Path, flag: str, what: str
) -> None:
    with busy_port() as port:
        ports = {"--port": "0", "--ws-port": "0", flag: str(port)}
        arguments = ["sandbox", "kis", *(part for item in ports.items() for part in item)]
        stderr, elapsed = refused(arguments, tmp_path)
    [line] = stderr.splitlines()
    assert line.startswith(f"error [PORT_IN_USE] KIS sandbox {what}: ")
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert f"choose another port with {flag}" in line
    assert elapsed < QUICK
    assert list((tmp_path / "tmp").iterdir()) == []  # its temporary directory is gone too


STOP_SIGNALS = [
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("stop", STOP_SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_the_sandbox_removes_its_temp_directory_on_every_stop_signal(
    tmp_path: Path, stop: signal.Signals
) -> None:
    output = tmp_path / "sandbox.log"
    with output.open("w") as log:
        process = subprocess.Popen(
            [*COMMAND, "sandbox", "kis", "--port", "0", "--ws-port", "0"],
            env=environment(tmp_path),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_line(output, "Ctrl-C to stop.", timeout=60)
        [root] = (tmp_path / "tmp").iterdir()
        assert root.name.startswith("yeouido-kis-sandbox-") and any(root.iterdir())
        assert "KIS sandbox (mock)" in output.read_text()  # mock unless --env real
        process.send_signal(stop)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not root.exists()
    assert "Traceback" not in output.read_text()


def test_cancel_takes_one_order_id_or_all_but_not_both() -> None:
    from typer.testing import CliRunner

    from yeouido.cli.main import app

    runner = CliRunner()
    for arguments in (["cancel"], ["cancel", "20261124-1", "--all"]):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 2, result.output
        assert "give one order id, or --all" in result.output
