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
            assert event["values"]["close"] > event["values"]["open"]


def test_the_table_labels_values_prices_as_integers_change_in_percent(
    krx_daily_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    text = "종가 > 이동평균(종가, 20) and rsi(close, 14) < 90 sort by change desc limit 3"
    result = runner.invoke(app, ["screen", text, "--data", str(krx_daily_dir)])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "code" in line)
    assert "sma(close,20)" in header and "rsi(close,14)" in header and "change %" in header
    assert "이동평균" not in header and " > " not in header
    body = [line for line in result.stdout.splitlines() if line.startswith("│ ")]
    cells = [part.strip() for part in body[0].strip("│").split("│")]
    close, change, average = cells[3], cells[4], cells[5]
    assert close.replace(",", "").isdigit() and average.replace(",", "").isdigit()
    assert change[0] in "+-" and change[1:].replace(".", "").isdigit()


def test_narrow_terminals_leave_out_value_columns_with_a_note(
    krx_daily_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = "close > sma(close, 20) and volume > avg(volume, 20) and rsi(close, 14) < 90"
    result = runner.invoke(app, ["screen", text, "--data", str(krx_daily_dir)])
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert "not shown at this width" in result.stdout and "--json" in result.stdout
    assert "2023-12-" in result.stdout  # dates are never cut


def test_the_caret_stands_under_the_error_after_korean_text() -> None:
    from yeouido.screener.parser import display_width

    text = "종가 > 이동평균(종가, 20) and and"
    result = runner.invoke(app, ["screen", text, "--data", "."])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    quoted = next(index for index, line in enumerate(lines) if line.strip() == text)
    caret = lines[quoted + 1].index("^")
    position = text.index("and and") + 4
    prefix = lines[quoted][: lines[quoted].index(text)]
    assert caret == len(prefix) + display_width(text[:position])


def test_watch_with_nothing_to_warm_up_on_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("YEOUIDO_BARS_DIR", raising=False)
    with paper_service(tmp_path, speed=60, seed=5) as url:
        assert runner.invoke(app, ["screen", "save", "up", "close > open"]).exit_code == 0
        result = runner.invoke(
            app, ["screen", "watch", "up", "--service", url, "--seconds", "1", "--json"]
        )
    assert result.exit_code == 0, result.output
    assert "nothing to warm up on" in " ".join(result.stderr.split())


def test_watch_does_not_join_history_from_another_period(
    tmp_path: Path, krx_daily_dir: Path
) -> None:
    with paper_service(tmp_path, speed=60, seed=5) as url:
        saved = runner.invoke(app, ["screen", "save", "avg", "sma(close, 3) > 0"])
        assert saved.exit_code == 0
        result = runner.invoke(
            app,
            [
                *("screen", "watch", "avg", "--service", url),
                *("--data", str(krx_daily_dir), "--seconds", "2", "--json"),
            ],
        )
    assert result.exit_code == 0, result.output
    notes = " ".join(result.stderr.split())
    assert "history ends 2023-12-" in notes and "not joined to live bars" in notes
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert events == []  # a 3-bar average of one live day does not exist
