"""``yeouido data`` run in-process on a small Typer app that registers the command group."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from yeouido.cli import data

runner = CliRunner()
app = typer.Typer()
app.add_typer(data.app, name="data")


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path))
    return tmp_path


def test_import_list_and_show(data_home: Path, krx_daily_dir: Path) -> None:
    result = runner.invoke(app, ["data", "import", str(krx_daily_dir), "--json"])
    assert result.exit_code == 0, result.output
    imported = json.loads(result.stdout)
    assert "005930" in imported["codes"] and imported["adjustment"] == "adjusted"
    assert Path(imported["root"]) == data_home / "bars"

    result = runner.invoke(app, ["data", "list", "--json"])
    assert result.exit_code == 0, result.output
    listing = {row["code"]: row for row in json.loads(result.stdout)}
    assert set(listing) == set(imported["codes"])
    assert listing["005930"]["first"] == "1990-09-11"
    assert listing["005930"]["source"] == "csv"

    result = runner.invoke(
        app,
        ["data", "show", "005930", "--start", "2020-01-01", "--end", "2020-12-31", "--tail", "2"],
    )
    assert result.exit_code == 0, result.output
    assert "2020-12-30" in result.stdout and "81,000" in result.stdout

    result = runner.invoke(app, ["data", "show", "005930", "--tail", "1", "--json"])
    assert result.exit_code == 0, result.output
    csv = pd.read_csv(krx_daily_dir / "005930.csv")
    last = csv.iloc[-1]
    shown = json.loads(result.stdout)
    assert shown == [
        {
            "time": f"{str(last['date'])[:4]}-{str(last['date'])[4:6]}-{str(last['date'])[6:]}",
            **{name: int(last[name]) for name in ("open", "high", "low", "close", "volume")},
        }
    ]

    result = runner.invoke(app, ["data", "list"])
    assert result.exit_code == 0 and "005930" in result.stdout


def test_raw_import_goes_to_the_raw_side(data_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "csv"
    source.mkdir()
    (source / "000001.csv").write_text(
        "date,open,high,low,close,volume\n20240102,100,110,90,105,10\n", encoding="utf-8"
    )
    assert runner.invoke(app, ["data", "import", str(source), "--raw"]).exit_code == 0
    shown = runner.invoke(app, ["data", "show", "000001", "--raw", "--json"])
    assert json.loads(shown.stdout)[0]["close"] == 105
    adjusted = runner.invoke(app, ["data", "show", "000001"])
    assert adjusted.exit_code == 2
    assert "no 1d adjusted bars" in adjusted.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["data", "import", "/nonexistent/dir"], "must be a directory"),
        (["data", "show", "005930", "--start", "2020/01/01"], "YYYY-MM-DD"),
        (["data", "show", "005930", "--interval", "5m"], "interval"),
        (["data", "show", "005930", "--tail", "0"], "--tail"),
        (["data", "show", "005930"], "no 1d adjusted bars stored"),
    ],
)
def test_errors_exit_2_with_a_clear_message(
    data_home: Path, arguments: list[str], message: str
) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_errors_as_json(data_home: Path) -> None:
    result = runner.invoke(app, ["data", "show", "005930", "--interval", "1w", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["field"] == "interval"
