"""Run ``yeouido paper serve`` as a child process on a free loopback port (for tests)."""

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


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_line(path: Path, text: str, timeout: float) -> None:
    """Wait until ``text`` appears in the file at ``path``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text():
            return
        time.sleep(0.05)
    shown = path.read_text() if path.exists() else ""
    raise AssertionError(f"{text!r} not seen in {path}: {shown}")


@contextmanager
def paper_service(directory: Path, speed: float = 20, seed: int = 4) -> Iterator[str]:
    """A running paper service with its data under ``directory``; yields its URL."""
    port = free_port()
    env = dict(os.environ, YEOUIDO_DATA_DIR=str(directory / "service"))
    log = directory / "service.log"
    command = [
        sys.executable, "-c", "from yeouido.cli.main import app; app()",
        "paper", "serve", "--port", str(port), "--speed", str(speed), "--seed", str(seed),
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for_line(log, "listening on", timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def start_paper_service(
    directory: Path, port: int, speed: float = 20, seed: int = 4
) -> subprocess.Popen[bytes]:
    """Start ``yeouido paper serve`` on ``port`` with its data under ``directory`` and wait
    until it listens; the caller stops (or kills) the process."""
    env = dict(os.environ, YEOUIDO_DATA_DIR=str(directory / "service"))
    log = directory / f"service-{time.monotonic_ns()}.log"
    command = [
        sys.executable, "-c", "from yeouido.cli.main import app; app()",
        "paper", "serve", "--port", str(port), "--speed", str(speed), "--seed", str(seed),
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for_line(log, "listening on", timeout=60)
    except AssertionError:
        process.kill()
        raise
    return process
