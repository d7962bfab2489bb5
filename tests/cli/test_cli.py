"""The command line, run in-process with typer's runner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from yeouido import __version__
from yeouido.cli.main import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


def test_rules_json_in_the_opening_auction() -> None:
    result = runner.invoke(
        app, ["rules", "005930", "--base-price", "9980", "--at", "2026-11-24T08:35", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["lower_limit"], data["upper_limit"], data["tick"]) == (6_990, 12_970, 10)
    krx = next(venue for venue in data["venues"] if venue["venue"] == "KRX")
    assert krx["phases"] == ["pre_open_close", "opening_auction"]
    assert krx["order_types"]["regular"] == ["conditional_limit", "limit", "market"]
    assert krx["order_types"]["pre_open_close"] == ["limit"]
    nxt = next(venue for venue in data["venues"] if venue["venue"] == "NXT")
    assert nxt["order_types"]["regular"] == ["best_opposite", "best_same_side", "limit"]


def test_rules_for_an_etf_has_no_nxt_and_leveraged_limits() -> None:
    result = runner.invoke(
        app, ["rules", "122630", "--base-price", "20000", "--at", "2026-11-24T10:00", "--json"]
    )
    data = json.loads(result.stdout)
    assert (data["lower_limit"], data["upper_limit"]) == (8_000, 32_000)
    assert [venue["venue"] for venue in data["venues"]] == ["KRX"]
    assert "ioc" not in data["venues"][0]["ioc_fok"]
    assert "best_opposite" in data["venues"][0]["ioc_fok"]


def test_rules_table_output() -> None:
    result = runner.invoke(app, ["rules", "Q520057", "--at", "2026-11-24T16:30"])
    assert result.exit_code == 0, result.output
    assert "Q520057" in result.stdout and "after_hours_single" in result.stdout


def test_bad_code_is_a_clear_error_with_exit_code_2() -> None:
    result = runner.invoke(app, ["rules", "00593"])
    assert result.exit_code == 2
    assert "INVALID_CODE" in result.output and "6 characters" in result.output


def test_unknown_code_json_error() -> None:
    result = runner.invoke(app, ["rules", "999999", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"] == "UnknownInstrument"


def test_bad_moment_names_the_option() -> None:
    result = runner.invoke(app, ["rules", "005930", "--at", "yesterday"])
    assert result.exit_code == 2
    assert "--at" in result.output


def test_calendar_json() -> None:
    result = runner.invoke(app, ["calendar", "2026-11", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert len(data["trading_days"]) == 21
    assert data["special_days"][0]["date"] == "2026-11-19"
    assert data["holidays"] == []


def test_calendar_bad_month() -> None:
    result = runner.invoke(app, ["calendar", "2026-13"])
    assert result.exit_code == 2
    assert "YYYY-MM" in result.output


def test_today_shows_schedules_and_listings() -> None:
    result = runner.invoke(app, ["today", "--at", "2026-11-24T10:30"])
    assert result.exit_code == 0, result.output
    for text in ("KRX 2026-11-24", "NXT 2026-11-24", "▶", "005930", "Q520057"):
        assert text in result.stdout


def test_today_on_a_holiday_shows_the_next_trading_day() -> None:
    result = runner.invoke(app, ["today", "--at", "2026-11-22T10:00"])
    assert result.exit_code == 0, result.output
    assert "next: 2026-11-23" in result.stdout


def test_demo_runs_a_simulated_morning_and_prints_the_summary() -> None:
    result = runner.invoke(app, ["demo", "--no-live", "--until", "09:20", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "summary of" in result.stdout
    assert "trades" in result.stdout and "005930" in result.stdout


def test_demo_rejects_a_bad_time() -> None:
    result = runner.invoke(app, ["demo", "--no-live", "--until", "noon"])
    assert result.exit_code == 2
    assert "--until" in result.output
