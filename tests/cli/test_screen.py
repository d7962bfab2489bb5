"""``yeouido screen``: scans from a CSV directory, saved strategies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.paper_service import paper_service
from yeouido.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path / "data"))


def test_scan_an_expression_over_csv_files(krx_daily_dir: Path) -> None:
    result = runner.invoke(
        app,
        ["screen", "close > 0 sort by close desc limit 3", "--data", str(krx_daily_dir), "--json"],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    closes = [row["close"] for row in rows]
    assert closes == sorted(closes, reverse=True)


def test_save_list_show_scan_by_name_and_remove(krx_daily_dir: Path) -> None:
    saved = runner.invoke(app, ["screen", "save", "etfs", 'kind == "etf" and close > 0'])
    assert saved.exit_code == 0, saved.output
    listed = runner.invoke(app, ["screen", "list", "--json"])
    assert [row["name"] for row in json.loads(listed.stdout)] == ["etfs"]
    shown = runner.invoke(app, ["screen", "show", "etfs"])
    assert 'kind == "etf"' in shown.stdout
    scanned = runner.invoke(app, ["screen", "etfs", "--data", str(krx_daily_dir), "--json"])
    assert scanned.exit_code == 0, scanned.output
    codes = {row["code"] for row in json.loads(scanned.stdout)}
    assert codes and "005930" not in codes and "069500" in codes
    removed = runner.invoke(app, ["screen", "rm", "etfs"])
    assert removed.exit_code == 0
    assert runner.invoke(app, ["screen", "show", "etfs"]).exit_code == 2


def test_syntax_errors_point_at_the_position(krx_daily_dir: Path) -> None:
    result = runner.invoke(app, ["screen", "close > (sma(close, 20)", "--data", str(krx_daily_dir)])
    assert result.exit_code == 2
    assert "SCREEN_SYNTAX" in result.output


def test_an_empty_bar_store_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("YEOUIDO_BARS_DIR", raising=False)
    result = runner.invoke(app, ["screen", "close > 1"])
    assert result.exit_code == 2
    assert "yeouido data import" in result.output


def test_scan_defaults_to_the_bar_store(
    krx_daily_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("YEOUIDO_BARS_DIR", raising=False)
    imported = runner.invoke(app, ["data", "import", str(krx_daily_dir)])
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(app, ["screen", "close > 0 sort by close desc limit 2", "--json"])
    assert result.exit_code == 0, result.output
    from_store = json.loads(result.stdout)
    direct = runner.invoke(
        app,
        ["screen", "close > 0 sort by close desc limit 2", "--data", str(krx_daily_dir), "--json"],
    )
    assert [row["code"] for row in from_store] == [row["code"] for row in json.loads(direct.stdout)]
    assert [row["close"] for row in from_store] == [
        row["close"] for row in json.loads(direct.stdout)
    ]


def test_watch_prints_entries_from_a_live_paper_service(tmp_path: Path) -> None:
    with paper_service(tmp_path, speed=60, seed=5) as url:
        assert runner.invoke(app, ["screen", "save", "up", "close > open"]).exit_code == 0
        result = runner.invoke(
            app, ["screen", "watch", "up", "--service", url, "--seconds", "4", "--json"]
        )
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert events, result.output
    for event in events:
        assert event["strategy"] == "up" and event["kind"] in ("entered", "exited")
        if event["kind"] == "entered":
            assert event["values"]["close > open"] > event["values"]["open"]
