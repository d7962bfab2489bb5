"""Real money only when the user named it: KIS defaults to mock (모의투자) in the adapter, the
sandbox and the CLI; the first real-environment order of a process warns, once."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from yeouido.brokers.kis import broker as kis_broker
from yeouido.brokers.kis.broker import RealMoneyNotice
from yeouido.brokers.kis.config import ENV_VARIABLE, KisConfig, resolve_env
from yeouido.brokers.kis.protocol import REST_URLS
from yeouido.brokers.registry import connect_async
from yeouido.brokers.sync import LoopThread
from yeouido.cli.main import app
from yeouido.cli.sandbox import kis_command
from yeouido.cli.trading import COMMANDS
from yeouido.model.errors import InvalidInput
from yeouido.net.ratelimit import reset_rate_budgets
from yeouido.sandbox.kis.config import SandboxConfig
from yeouido.sandbox.kis.server import KisSandbox

from .conftest import broker_options, sandbox_running

SAMSUNG = "005930"
KEY, SECRET, ACCOUNT = "P" * 36, "S" * 180, "12345678-01"
runner = CliRunner()


@pytest.fixture
def fresh_notice(monkeypatch: pytest.MonkeyPatch) -> RealMoneyNotice:
    """A process that has not warned yet."""
    notice = RealMoneyNotice()
    monkeypatch.setattr(kis_broker, "real_money_notice", notice)
    return notice


def test_the_environment_is_mock_unless_real_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    credentials = {"app_key": KEY, "app_secret": SECRET, "account": ACCOUNT}
    config = KisConfig.create(token_cache=tmp_path, **credentials)  # type: ignore[arg-type]
    assert config.env == "mock" and config.base_url == REST_URLS["mock"]
    assert config.data_dir.name.startswith("mock-")
    assert resolve_env() == "mock" and resolve_env("") == "mock"
    assert KisConfig.create(env="real", token_cache=tmp_path, **credentials).env == "real"  # type: ignore[arg-type]
    monkeypatch.setenv(ENV_VARIABLE, "real")
    assert resolve_env() == "real"
    assert resolve_env("mock") == "mock"  # an explicit argument wins over the variable
    assert KisConfig.create(token_cache=tmp_path, **credentials).env == "real"  # type: ignore[arg-type]
    monkeypatch.setenv(ENV_VARIABLE, "live")
    with pytest.raises(InvalidInput, match=ENV_VARIABLE):
        resolve_env()
    with pytest.raises(InvalidInput, match="env='paper'"):
        resolve_env("paper")


def test_the_sandbox_is_mock_by_default() -> None:
    assert SandboxConfig().env == "mock"
    option = inspect.signature(kis_command).parameters["env"].default
    assert (
        option.default == "mock"
    )  # `yeouido sandbox kis` (run: tests/cli/test_server_commands.py)


def test_every_trading_command_takes_env() -> None:
    for command in COMMANDS:
        result = runner.invoke(app, [command.__name__, "--help"])
        assert result.exit_code == 0 and "--env" in result.output, command.__name__


def test_the_first_real_order_of_a_process_warns_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, fresh_notice: RealMoneyNotice
) -> None:
    caplog.set_level(logging.WARNING, logger="yeouido")

    async def place(env: str, counts: tuple[int, ...]) -> None:
        async with sandbox_running(env, codes=(SAMSUNG,), rate_limit=100) as sandbox:
            for index, count in enumerate(counts):  # a new broker each time, one process
                options = broker_options(sandbox, tmp_path / f"{env}-{index}", rate=50)
                sandbox.allow_token_reissue()
                broker = await connect_async("kis", **options)
                try:
                    quote = await broker.quote(SAMSUNG)
                    assert quote.bid is not None
                    for _ in range(count):
                        await broker.buy(SAMSUNG, 1, price=quote.bid)
                finally:
                    await broker.close()

    asyncio.run(place("mock", (1,)))
    assert not fresh_notice.given and not caplog.records
    asyncio.run(place("real", (2, 1)))
    notices = [r for r in caplog.records if "REAL MONEY" in r.getMessage()]
    assert len(notices) == 1 and notices[0].levelno == logging.WARNING
    assert "****-01" in notices[0].getMessage() and fresh_notice.given


@pytest.fixture
def kis_sandboxes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[dict[str, KisSandbox]]:
    """A mock and a real sandbox; the CLI's credentials and data in ``tmp_path``."""
    reset_rate_budgets()
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("YEOUIDO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    loop = LoopThread()

    async def start(env: str) -> KisSandbox:
        config = SandboxConfig(env=env, port=0, ws_port=0, codes=(SAMSUNG,), rate_limit=100)  # type: ignore[arg-type]
        sandbox = KisSandbox(config)
        await sandbox.start()
        return sandbox

    sandboxes = {env: loop.run(start(env)) for env in ("mock", "real")}
    try:
        yield sandboxes
    finally:
        for sandbox in sandboxes.values():
            loop.run(sandbox.stop())
        loop.stop()


def point_cli_at(monkeypatch: pytest.MonkeyPatch, sandbox: KisSandbox) -> None:
    c = sandbox.credentials
    for name, value in (
        ("YEOUIDO_KIS_APP_KEY", c.app_key),
        ("YEOUIDO_KIS_APP_SECRET", c.app_secret),
        ("YEOUIDO_KIS_ACCOUNT", c.account),
        ("YEOUIDO_KIS_BASE_URL", sandbox.rest_url),
        ("YEOUIDO_KIS_WS_URL", sandbox.ws_url),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("YEOUIDO_KIS_HTS_ID", raising=False)


def test_the_cli_uses_mock_unless_env_real_is_given(
    monkeypatch: pytest.MonkeyPatch,
    kis_sandboxes: dict[str, KisSandbox],
    fresh_notice: RealMoneyNotice,
) -> None:
    point_cli_at(monkeypatch, kis_sandboxes["mock"])
    result = runner.invoke(app, ["quote", SAMSUNG, "--broker", "kis", "--json"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["balance", "--broker", "kis", "--env", "paper"])
    assert result.exit_code == 2 and "env='paper'" in result.stderr


def placed(result: Result) -> bool:
    """The order went out, or KRX's session check refused it locally: the CLI cannot pass the
    sandbox's simulated clock, so outside KRX hours (wall time) orders are SESSION_CLOSED."""
    return result.exit_code == 0 or (result.exit_code == 2 and "[SESSION_CLOSED]" in result.stderr)


def test_a_real_cli_order_prints_the_notice_once_per_process(
    monkeypatch: pytest.MonkeyPatch,
    kis_sandboxes: dict[str, KisSandbox],
    fresh_notice: RealMoneyNotice,
) -> None:
    point_cli_at(monkeypatch, kis_sandboxes["mock"])
    result = runner.invoke(app, ["buy", SAMSUNG, "1", "--type", "market", "--broker", "kis"])
    assert placed(result), result.output
    assert "REAL MONEY" not in result.stderr and not fresh_notice.given
    point_cli_at(monkeypatch, kis_sandboxes["real"])
    order = ["buy", SAMSUNG, "1", "--type", "market", "--broker", "kis", "--env", "real"]
    first = runner.invoke(app, order)
    assert placed(first), first.output
    assert "warning: REAL MONEY" in first.stderr and "실전투자" in first.stderr
    second = runner.invoke(app, order)
    assert placed(second) and "REAL MONEY" not in second.stderr
    monkeypatch.setenv(ENV_VARIABLE, "real")  # named in the environment: real, no flag
    monkeypatch.setattr(kis_broker, "real_money_notice", RealMoneyNotice())
    third = runner.invoke(app, order[:-2])
    assert placed(third) and "REAL MONEY" in third.stderr
