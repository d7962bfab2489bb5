"""``yeouido master update``: the KIS archives downloaded from a loopback HTTP server that
serves the recorded small archives, cached, and used by ``default_master()``."""

from __future__ import annotations

import functools
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from yeouido.cli.main import app
from yeouido.data.master_update import MASTER_ARCHIVES, update_master
from yeouido.krx.master import builtin_master, default_master, downloaded_master_path
from yeouido.model.enums import Market
from yeouido.model.errors import DataSourceError, UnknownInstrument

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kis-master"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server over a copy of the recorded archives, laid out as on KIS's
    server: (base URL, folder holding the archives)."""
    root = tmp_path / "served"
    folder = root / "common" / "master"
    folder.mkdir(parents=True)
    for archive in MASTER_ARCHIVES:
        shutil.copy(FIXTURES / archive, folder / archive)
    handler = functools.partial(_Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/common/master/", folder
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def user_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty user data directory; the process-wide master is reloaded around the test."""
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path / "data"))
    default_master.cache_clear()
    yield tmp_path / "data"
    default_master.cache_clear()


@pytest.fixture
def server_root(served: tuple[str, Path]) -> str:
    return served[0]


def test_update_downloads_parses_and_overlays_the_builtin_master(
    user_data: Path, server_root: str
) -> None:
    assert "000120" not in default_master()
    seen: list[tuple[str, int]] = []
    counts = update_master(server_root, progress=lambda name, n: seen.append((name, n)))
    assert counts == {"kospi_code.mst.zip": 9, "kosdaq_code.mst.zip": 2, "konex_code.mst.zip": 1}
    assert seen == list(counts.items())
    assert downloaded_master_path() == user_data / "master" / "instruments.csv"
    assert downloaded_master_path().is_file()
    master = default_master()
    assert len(master) == len(builtin_master()) + 3  # 000120, 00088K, 278990 are new
    assert master.get("000120").name == "CJ대한통운"
    assert master.reference_price("000120") == 84_000
    assert master.get("278990").market is Market.KONEX
    # downloaded entries replace built-in ones, keeping what the files do not carry
    assert master.reference_price("003550") == 79_300
    assert master.get("005930").nxt is builtin_master().get("005930").nxt is True
    assert master.get("122630").leverage == 2  # built-in only


def test_a_failed_download_leaves_the_cached_master_alone(
    user_data: Path, server_root: str, served: tuple[str, Path]
) -> None:
    update_master(server_root)
    before = downloaded_master_path().read_bytes()
    (served[1] / "konex_code.mst.zip").unlink()
    with pytest.raises(DataSourceError, match="HTTP 404"):
        update_master(server_root)
    assert downloaded_master_path().read_bytes() == before
    with pytest.raises(DataSourceError, match="cannot download"):
        update_master("http://127.0.0.1:9/", timeout=2)


def test_without_a_download_the_builtin_master_is_the_default(user_data: Path) -> None:
    assert not downloaded_master_path().exists()
    assert len(default_master()) == len(builtin_master())
    with pytest.raises(UnknownInstrument):
        default_master().get("000120")


def test_a_damaged_cache_is_ignored_with_a_warning(user_data: Path) -> None:
    downloaded_master_path().parent.mkdir(parents=True)
    downloaded_master_path().write_text("code,name,market,kind\n005930,x,NASDAQ,stock\n")
    with pytest.warns(UserWarning, match="yeouido master update"):
        master = default_master()
    assert len(master) == len(builtin_master())


def test_cli_master_update_show_and_list(user_data: Path, server_root: str) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["master", "update", "--url", server_root, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["archives"]["kospi_code.mst.zip"] == 9
    result = runner.invoke(app, ["master", "show", "041510", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["name"] == "에스엠"
    result = runner.invoke(app, ["master", "list", "--market", "KONEX", "--json"])
    assert [row["code"] for row in json.loads(result.output)] == ["278990"]
    result = runner.invoke(app, ["master", "update", "--url", "http://127.0.0.1:9/"])
    assert result.exit_code == 2 and "cannot download" in " ".join(result.output.split())
