"""What a person reads: tables whole at 80 columns, one time convention, JSON types, help."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer._click.core import Context
from typer.core import TyperGroup
from typer.testing import CliRunner

from yeouido import __version__
from yeouido.brokers.paper.back_office import account_notice
from yeouido.brokers.paper.broker import DEFAULT_SERVICE
from yeouido.brokers.paper.ledger import PaperLedger
from yeouido.cli import output
from yeouido.cli.main import app
from yeouido.cli.output import KoreaTimeFormatter, json_ready, kst, short_name
from yeouido.cli.trading import PAPER_SERVICE
from yeouido.model.time import SEOUL

from ..paper_service import paper_service

runner = CliRunner()


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands' console 80 columns wide."""
    monkeypatch.setattr(output.console, "_width", 80)


# -- times -------------------------------------------------------------------------------
def test_times_are_korea_time_and_labelled() -> None:
    moment = datetime(2026, 11, 24, 0, 15, 3, tzinfo=UTC)
    assert kst(moment) == "2026-11-24 09:15:03 KST"
    assert kst(moment, simulated=True) == "2026-11-24 09:15:03 KST (sim)"


def test_log_records_are_stamped_in_korea_time() -> None:
    record = logging.LogRecord("yeouido", logging.INFO, __file__, 1, "hello", None, None)
    record.created = datetime(2026, 11, 24, 0, 15, 3, tzinfo=UTC).timestamp()
    line = KoreaTimeFormatter().format(record)
    assert line.startswith("2026-11-24 09:15:03 KST INFO")
    assert line.endswith("hello")


# -- JSON --------------------------------------------------------------------------------
def test_json_numbers_are_numbers_or_strings_never_objects() -> None:
    data = json_ready(
        {
            "price": 96_300,
            "points": Decimal("352.15"),
            "at": datetime(2026, 11, 24, 9, 0, tzinfo=SEOUL),
            "naive": datetime(2026, 11, 24, 9, 0),
            "nan": float("nan"),
        }
    )
    assert data == {
        "price": 96_300,
        "points": "352.15",
        "at": "2026-11-24T09:00:00+09:00",
        "naive": "2026-11-24T09:00:00+09:00",
        "nan": None,
    }


def _no_objects_for_numbers(value: Any) -> None:
    if isinstance(value, dict):
        assert "decimal" not in value, value
        for item in value.values():
            _no_objects_for_numbers(item)
    elif isinstance(value, list):
        for item in value:
            _no_objects_for_numbers(item)


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


# -- the trading commands on a paper service ----------------------------------------------
@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("paper")
    previous = os.environ.get("YEOUIDO_DATA_DIR")
    os.environ["YEOUIDO_DATA_DIR"] = str(directory / "client")  # the CLI's order journal
    try:
        with paper_service(directory, speed=20, seed=4) as url:
            for code in ("069500", "114800", "252670"):
                result = runner.invoke(
                    app, ["buy", code, "3", "--type", "market", "--service", url, "--json"]
                )
                assert result.exit_code == 0, result.output
            sell = ["sell", "069500", "1", "--price", "90000", "--type", "conditional_limit"]
            runner.invoke(app, [*sell, "--service", url])
            yield url
    finally:
        if previous is None:
            del os.environ["YEOUIDO_DATA_DIR"]
        else:
            os.environ["YEOUIDO_DATA_DIR"] = previous


def _json(args: list[str]) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    _no_objects_for_numbers(data)
    return data


def test_orders_at_80_columns_show_whole_ids_and_numbers(service: str, narrow: None) -> None:
    orders = _json(["orders", "--service", service])
    assert len(orders) == 4
    result = runner.invoke(app, ["orders", "--service", service])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    for order in orders:
        row = next(line for line in lines if order["order_id"] in line)
        assert "…" not in row
        request = order["request"]
        assert request["code"] in row and f"{request['quantity']:,}" in row
        assert isinstance(order["filled_quantity"], int)
        _aware(order["created_at"])
        if order["request"]["price"] is not None:
            assert f"{order['request']['price']:,}" in row


def test_fills_at_80_columns_whole_and_labelled(service: str, narrow: None) -> None:
    fills = _json(["fills", "--service", service])
    assert fills
    result = runner.invoke(app, ["fills", "--service", service])
    assert "KST (sim)" in result.stdout
    for fill in fills:
        row = next(line for line in result.stdout.splitlines() if fill["order_id"] in line)
        assert "…" not in row and f"{fill['price']:,}" in row
        assert _aware(fill["time"]).astimezone(SEOUL).strftime("%H:%M:%S") in row
        assert isinstance(fill["quantity"], int) and isinstance(fill["commission"], int)


def test_positions_balance_quote_json_types_and_tables(service: str, narrow: None) -> None:
    positions = _json(["positions", "--service", service])
    assert {position["code"] for position in positions} >= {"069500", "114800"}
    for position in positions:
        assert isinstance(position["quantity"], int)
        Decimal(position["average_price"])  # a string holding an exact number
    table = runner.invoke(app, ["positions", "--service", service]).stdout
    assert "…" not in table
    balance = _json(["balance", "--service", service])
    assert all(isinstance(balance[key], int) for key in ("cash", "buying_power"))
    assert "…" not in runner.invoke(app, ["balance", "--service", service]).stdout
    quote = _json(["quote", "069500", "--service", service])
    assert isinstance(quote["last"], int)
    _aware(quote["time"])
    shown = runner.invoke(app, ["quote", "069500", "--service", service]).stdout
    assert "KST (sim)" in shown and f"{quote['previous_close']:,}" in shown


def test_rules_and_calendar_json_types() -> None:
    rules = _json(["rules", "005930", "--at", "2026-11-24T10:00"])
    assert isinstance(rules["base_price"], int) and isinstance(rules["tick"], int)
    assert _aware(rules["at"]).utcoffset() == timedelta(hours=9)
    calendar = _json(["calendar", "2026-11"])
    assert all(isinstance(day, str) and len(day) == 10 for day in calendar["trading_days"])


def test_today_at_80_columns_keeps_numbers_whole(narrow: None) -> None:
    result = runner.invoke(app, ["today", "--at", "2026-11-24T10:00"])
    assert result.exit_code == 0, result.output
    assert "10:00:00 KST" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("005930"))
    assert "…" not in row.split("  ", 2)[-1]


# -- names -------------------------------------------------------------------------------
def test_long_names_keep_the_distinguishing_tail() -> None:
    names = ["KODEX 코스닥150", "KODEX 코스닥150레버리지", "KODEX 코스닥150선물인버스"]
    short = [short_name(name, 16) for name in names]
    assert len(set(short)) == 3
    assert short[0] == names[0]
    assert short[1].startswith("KODEX") and short[1].endswith("버리지")
    assert short_name("삼성전자", 14) == "삼성전자"


# -- the paper account -------------------------------------------------------------------
def test_the_paper_account_says_it_persists(tmp_path: Path) -> None:
    ledger = PaperLedger(tmp_path / "ledger.sqlite", initial_cash=1_000_000)
    try:
        new = account_notice("default", ledger, reopened=False)
        assert "new paper account 'default'" in new and "yeouido paper reset" in new
        later = ledger.created_at + timedelta(days=3, hours=1)
        again = account_notice("default", ledger, reopened=True, now=later)
        assert "paper account 'default' (created " in again
        assert "KST, 3 days ago, 0 positions)" in again and "yeouido paper reset" in again
    finally:
        ledger.close()


# -- help, version, start-up ---------------------------------------------------------------
def _commands() -> Iterator[tuple[list[str], Any]]:
    def walk(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
        yield path, command
        if isinstance(command, TyperGroup):
            context = Context(command)
            for name in command.list_commands(context):
                yield from walk(command.get_command(context, name), [*path, name])

    yield from walk(typer.main.get_command(app), [])


def test_every_command_has_help_for_every_parameter_and_no_bool_metavar() -> None:
    walked = list(_commands())
    assert len(walked) > 30
    for path, command in walked:
        assert command.help, path
        for parameter in command.params:
            assert getattr(parameter, "help", None), (path, parameter.name)
        for flag in ("-h", "--help"):
            result = runner.invoke(app, [*path, flag], terminal_width=80)
            assert result.exit_code == 0, (path, result.output)
            assert "<bool>" not in result.stdout, path
            assert all(len(line) <= 80 for line in result.stdout.splitlines()), path
            if isinstance(command, TyperGroup):  # every command's summary fits, not cut
                assert "..." not in result.stdout.partition("Commands:")[2], path


def test_version_option() -> None:
    for flag in ("--version", "-V"):
        result = runner.invoke(app, [flag])
        assert result.exit_code == 0
        assert result.stdout.strip() == f"yeouido {__version__}"


def test_the_cli_starts_without_heavy_modules() -> None:
    heavy = ("pandas", "numba", "numpy", "aiohttp", "duckdb", "exchange_calendars", "rich.table")
    code = (
        f"import sys, yeouido.cli.main; print([name for name in {heavy!r} if name in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_the_paper_service_default_is_the_brokers() -> None:
    assert PAPER_SERVICE == DEFAULT_SERVICE


# -- the demo ----------------------------------------------------------------------------
def test_the_demo_prints_the_summary_on_its_own_line_and_the_strategy_once() -> None:
    result = runner.invoke(app, ["demo", "--no-live", "--until", "09:10"], terminal_width=80)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    summary = next(i for i, line in enumerate(lines) if line.startswith("summary of "))
    assert lines[summary - 1].strip() == ""
    assert result.stdout.count("sample strategy") == 1
    assert "KST (sim)" in lines[-1]


def test_backtest_json_types() -> None:
    fixtures = Path(__file__).parents[1] / "fixtures" / "krx-daily"
    examples = Path(__file__).parents[2] / "examples"
    options = ["--data", str(fixtures), "--symbols", "005930", "--start", "2022-01-01"]
    data = _json(["backtest", str(examples / "golden_cross.py"), *options, "--trades", "3"])
    stats = data["stats"]
    assert isinstance(stats["final_equity"], int) and isinstance(stats["trades"], int)
    assert isinstance(stats["total_return"], float)
    assert len(data["trades"]) == 3
    for trade in data["trades"]:
        assert isinstance(trade["pnl"], int) and isinstance(trade["quantity"], int)
        Decimal(trade["entry_price"])
        assert _aware(trade["entry_time"]).utcoffset() == timedelta(hours=9)


def test_the_run_summary_json_has_no_decimal_objects() -> None:
    from yeouido.cli.run import summary_json
    from yeouido.model import Position
    from yeouido.strategy.runtime import RunSummary

    summary = RunSummary("Demo", "paper", "paper", ("005930",), "1m")
    summary.positions = [Position("005930", 10, Decimal("70050.5"), 70_100)]
    summary.messages = [(datetime(2026, 11, 24, 9, 1, tzinfo=SEOUL), "hello")]
    data = json.loads(json.dumps(summary_json(summary)))
    _no_objects_for_numbers(data)
    assert data["positions"][0]["average_price"] == "70050.5"
    assert data["messages"] == [{"time": "2026-11-24T09:01:00+09:00", "message": "hello"}]
    assert data["ok"] is True


def test_scan_results_at_80_columns_keep_codes_dates_and_numbers_whole(
    narrow: None, capsys: pytest.CaptureFixture[str]
) -> None:
    import pandas as pd

    from yeouido.cli.screen import render_scan

    frame = pd.DataFrame(
        {
            "code": ["252670", "251340", "233740"],
            "name": ["KODEX 200선물인버스2X", "KODEX 코스닥150선물인버스", "KODEX 레버리지"],
            "date": pd.to_datetime(["2023-12-22"] * 3),
            "close": [1_074, 3_185, 9_765],
            "change": [2.68, 0.95, -3.56],
            "sma(close,20)": [1_051.25, 3_101.5, 9_702.75],
            "rsi(close,14)": [55.12, 61.0, 48.5],
        }
    )
    render_scan(frame, "close > sma(close, 20)")
    text = capsys.readouterr().out
    assert all(len(line) <= 80 for line in text.splitlines())
    for code, close, sma in zip(frame["code"], frame["close"], frame["sma(close,20)"], strict=True):
        row = next(line for line in text.splitlines() if code in line)
        assert "…" not in row and "2023-12-22" in row
        assert f"{close:,}" in row and f"{sma:,.2f}" in row
