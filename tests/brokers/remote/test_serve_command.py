"""``yeouido serve paper`` as a user runs it: TLS and a token on loopback (--require-auth),
the fingerprint it prints pinned by a client; the token never in a log line."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import yeouido
from tests.paper_service import free_port, wait_for_line
from yeouido.model.errors import AuthError

SERVE = [sys.executable, "-c", "from yeouido.cli.main import app; app()", "serve", "paper"]


def test_serve_with_tls_and_a_token_then_attach_with_the_printed_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    config = tmp_path / "config"
    env = dict(os.environ, YEOUIDO_CONFIG_DIR=str(config), YEOUIDO_DATA_DIR=str(tmp_path / "data"))
    env.pop("YEOUIDO_VENUE_TOKEN", None)
    port = free_port()
    log = tmp_path / "serve.log"
    command = [*SERVE, "--listen", f"127.0.0.1:{port}", "--require-auth", "--new-token"]
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for_line(log, "listening on wss://", timeout=60)
        printed = log.read_text()
        match = re.search(r"fingerprint: ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})\n", printed)
        assert match, printed
        token_file = config / "venue" / "venue-token"
        token = token_file.read_text().strip()
        assert token not in printed
        monkeypatch.setenv("YEOUIDO_CONFIG_DIR", str(config))
        monkeypatch.delenv("YEOUIDO_VENUE_TOKEN", raising=False)
        url = f"wss://127.0.0.1:{port}"
        caplog.set_level(logging.DEBUG)
        with yeouido.connect(
            "remote", url=url, fingerprint=match.group(1), data_dir=tmp_path / "client"
        ) as broker:
            assert broker.name == "paper" and broker.balance().cash > 0
        with pytest.raises(AuthError) as refused:
            yeouido.connect(
                "remote",
                url=url,
                token="not-the-token-at-all",
                fingerprint=match.group(1),
                data_dir=tmp_path / "client",
            )
        assert "not-the-token-at-all" not in str(refused.value)
        assert token not in caplog.text and "not-the-token-at-all" not in caplog.text
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    assert token not in log.read_text()
