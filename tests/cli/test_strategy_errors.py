"""A strategy file that fails (syntax error, bad import, a callback that raises) is one clear
message naming the file, line and error — for ``backtest`` and ``run`` — and ``--debug`` (or
``YEOUIDO_DEBUG=1``) shows the full traceback. Strategy parameters are typed by their
defaults; negative quantities reach validation; ``ctx.log`` messages are shown."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from yeouido.cli.main import app

PROJECT = Path(__file__).resolve().parents[2]
DATA = str(PROJECT / "tests" / "fixtures" / "krx-daily")
BACKTEST = ["--data", DATA, "--symbols", "005930", "--start", "2020-01-01", "--end", "2020-02-28"]
runner = CliRunner()

SYNTAX_ERROR = """\
from yeouido.strategy import Strategy


class Broken(Strategy):
    def on_bar(self, ctx, bar)
        pass
"""

IMPORT_ERROR = """\
from yeouido.strategy import Strategy
import no_such_module_for_yeouido_tests


class Broken(Strategy):
    pass
"""

RAISES_IN_ON_BAR = """\
from yeouido.strategy import Strategy


class Broken(Strategy):
    symbols = ("005930",)
    interval = "{interval}"

    def on_bar(self, ctx, bar):
        ctx.log("a bar")
        prices = {{}}
        return prices["missing"]
"""

RAISES_IN_ON_FILL = """\
from yeouido.strategy import Strategy


class Broken(Strategy):
    symbols = ("005930",)

    def on_bar(self, ctx, bar):
        if not ctx.quantity(bar.code) and not ctx.open_orders(bar.code):
            ctx.buy(bar.code, 1)

    def on_fill(self, ctx, fill):
        self.helper(fill)

    def helper(self, fill):
        raise RuntimeError(f"cannot handle {fill.quantity}")
"""

LOGS = """\
from yeouido.strategy import Strategy


class Logs(Strategy):
    symbols = ("005930",)

    def on_start(self, ctx):
        ctx.log("started [bold]not markup[/bold]")

    def on_bar(self, ctx, bar):
        ctx.log(f"close {bar.close}")
"""


def write(tmp_path: Path, text: str, name: str = "user_strategy.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def backtest(file: Path, *extra: str, debug: bool = False) -> Any:
    arguments = [*(["--debug"] if debug else []), "backtest", str(file), *BACKTEST, "--quiet"]
    return runner.invoke(app, [*arguments, *extra])


def assert_one_message(result: Any, file: Path, line: int, error: str) -> None:
    output = result.output
    assert result.exit_code == 1, output
    flat = " ".join(output.split())
    assert f"{file}, line {line}" in flat, output
    assert error in flat, output
    assert "Traceback" not in output and "--debug" in output


@pytest.mark.parametrize(
    ("text", "line", "error"),
    [
        (SYNTAX_ERROR, 5, "SyntaxError"),
        (IMPORT_ERROR, 2, "ModuleNotFoundError: No module named"),
        (RAISES_IN_ON_BAR.format(interval="1d"), 11, "in on_bar: KeyError: 'missing'"),
        (RAISES_IN_ON_FILL, 15, "in helper (called from on_fill): RuntimeError: cannot handle 1"),
    ],
    ids=["syntax", "import", "on_bar", "on_fill"],
)
def test_backtest_names_the_file_line_and_error(
    tmp_path: Path, text: str, line: int, error: str
) -> None:
    file = write(tmp_path, text)
    result = backtest(file)
    assert_one_message(result, file, line, error)
    debug = backtest(file, debug=True)
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.output
    assert f'File "{file}", line {line}' in debug.output or "SyntaxError" in debug.output


def test_the_debug_variable_shows_the_traceback_and_json_has_the_location(
    tmp_path: Path,
) -> None:
    file = write(tmp_path, RAISES_IN_ON_BAR.format(interval="1d"))
    result = runner.invoke(
        app, ["backtest", str(file), *BACKTEST, "--quiet"], env={"YEOUIDO_DEBUG": "1"}
    )
    assert result.exit_code == 1 and "Traceback (most recent call last)" in result.output
    result = runner.invoke(app, ["backtest", str(file), *BACKTEST, "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["code"], data["file"], data["line"]) == ("STRATEGY_ERROR", str(file), 11)
    assert (data["callback"], data["error_type"]) == ("on_bar", "KeyError")


def test_bad_input_stays_exit_code_2_without_a_traceback(tmp_path: Path) -> None:
    file = write(tmp_path, LOGS)
    result = backtest(file, "--cash", "-5")
    assert result.exit_code == 2 and "cash=-5" in result.output
    assert "Traceback" not in result.output
    debug = backtest(file, "--cash", "-5", debug=True)
    assert debug.exit_code == 2 and "Traceback" in debug.output
    result = backtest(file, "--trades", "-1")
    assert result.exit_code == 2 and "trades=-1" in result.output


def run_paper(file: Path, tmp_path: Path, *, debug: bool = False) -> Any:
    arguments = [
        *(["--debug"] if debug else []), "run", str(file), "--broker", "paper",
        "--interval", "1m", "--speed", "600", "--duration", "30",
    ]  # fmt: skip
    return runner.invoke(app, arguments, env={"YEOUIDO_DATA_DIR": str(tmp_path / "data")})


def test_run_names_the_file_line_and_error_of_a_raising_callback(tmp_path: Path) -> None:
    file = write(tmp_path, RAISES_IN_ON_BAR.format(interval="1m"))
    result = run_paper(file, tmp_path)
    assert result.exit_code == 1, result.output
    flat = " ".join(result.output.split())
    assert f"{file}, line 11, in on_bar: KeyError: 'missing'" in flat
    assert "Traceback" not in result.output
    debug = run_paper(file, tmp_path, debug=True)
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.output
    assert f'File "{file}", line 11, in on_bar' in debug.output


@pytest.mark.parametrize(
    ("text", "line", "error"),
    [(SYNTAX_ERROR, 5, "SyntaxError"), (IMPORT_ERROR, 2, "ModuleNotFoundError")],
    ids=["syntax", "import"],
)
def test_run_names_the_file_that_does_not_load(
    tmp_path: Path, text: str, line: int, error: str
) -> None:
    file = write(tmp_path, text)
    assert_one_message(run_paper(file, tmp_path), file, line, error)


def test_a_parameter_of_the_wrong_type_names_the_strategy_parameter(tmp_path: Path) -> None:
    example = str(PROJECT / "examples" / "golden_cross.py")
    for option in ("--param", "--sweep"):
        result = runner.invoke(app, ["backtest", example, *BACKTEST, option, "fast=abc"])
        assert result.exit_code == 2, result.output
        flat = " ".join(result.output.split())
        assert "fast='abc'" in flat and f"{option} fast must be a whole number" in flat
        assert "GoldenCross.params['fast'] is 5" in flat and "timeperiod" not in flat
    result = runner.invoke(app, ["backtest", example, *BACKTEST, "--param", "fast=2.5", "--json"])
    assert result.exit_code == 2 and json.loads(result.stdout)["field"] == "fast"
    result = runner.invoke(
        app,
        ["run", example, "--param", "slow=ten", "--json"],
        env={"YEOUIDO_DATA_DIR": str(tmp_path / "data")},
    )
    data = json.loads(result.stdout)
    assert result.exit_code == 2 and (data["field"], data["value"]) == ("slow", "ten")
    assert "whole number" in data["message"]


@pytest.mark.parametrize(
    "arguments",
    [["sell", "005930", "-5"], ["buy", "005930", "-5", "--price", "70000"], ["buy", "005930", "0"]],
)
def test_negative_quantities_reach_validation(arguments: list[str]) -> None:
    # No paper service is running: the quantity is checked before connecting.
    result = runner.invoke(app, [*arguments, "--service", "http://127.0.0.1:9"])
    assert result.exit_code == 2, result.output
    assert "No such option" not in result.output
    flat = " ".join(result.output.split())
    assert f"quantity={arguments[2]}: must be a positive whole number" in flat


def test_modify_checks_the_quantity_and_unknown_options_stay_errors() -> None:
    result = runner.invoke(app, ["modify", "X1", "--quantity", "-5"])
    assert result.exit_code == 2 and "quantity=-5" in result.output
    result = runner.invoke(app, ["sell", "005930", "5", "--prise", "3"])
    assert result.exit_code == 2 and "No such option: --prise" in result.output


def test_ctx_log_messages_in_the_output_json_and_report(tmp_path: Path) -> None:
    file = write(tmp_path, LOGS)
    data = json.loads(backtest(file, "--json").stdout)
    logs = data["logs"]
    assert len(logs) > 30 and logs[0]["message"] == "started [bold]not markup[/bold]"
    assert logs[1]["time"] == "2020-01-02T15:30:00+09:00"
    assert logs[-1]["time"] == "2020-02-28T15:30:00+09:00"
    assert all(item["message"].startswith("close ") for item in logs[1:])
    result = backtest(file)
    assert result.exit_code == 0, result.output
    output = result.output
    assert f"ctx.log: the last 10 of {len(logs)} messages (all with --log)" in output
    assert f"2020-02-28 15:30:00 KST  {logs[-1]['message']}" in output
    assert output.count(" KST  close ") == 10 and "started" not in output
    everything = backtest(file, "--log").output
    assert f"ctx.log: {len(logs)} messages" in everything
    assert "started [bold]not markup[/bold]" in everything
    assert everything.count(" KST  close ") == len(logs) - 1
    report = tmp_path / "report.html"
    assert backtest(file, "--report", str(report)).exit_code == 0
    html = report.read_text()
    assert "time (Korea, KST)" in html and "2020-02-28 15:30" in html
    assert "started [bold]not markup[/bold]" in html


def test_a_sweep_says_which_combinations_failed_and_where(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        """\
        from yeouido.strategy import Strategy


        class Picky(Strategy):
            symbols = ("005930",)
            params = {"k": 1}

            def on_bar(self, ctx, bar):
                if self.params.k > 1:
                    raise ValueError(f"k={self.params.k} is too large")
        """,
    )
    result = backtest(file, "--sweep", "k=1,2,3", "--processes", "1")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "2 of 3 combinations failed" in flat
    assert f"k=2: ValueError: k=2 is too large (at {file}, line 10, in on_bar)" in flat
    result = backtest(file, "--sweep", "k=2,3", "--processes", "1")
    assert result.exit_code == 1 and "2 of 2 combinations failed" in result.output
