"""``yeouido sandbox kis``: a local server speaking KIS's REST and websocket protocol."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import typer

from yeouido.cli.output import console, reported_errors

app = typer.Typer(help="Local servers that speak a broker's wire protocol.", no_args_is_help=True)


@app.command("kis")
def kis_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Loopback address to listen on."),
    port: int = typer.Option(9443, "--port", help="REST port."),
    ws_port: int = typer.Option(21000, "--ws-port", help="Websocket port."),
    env: str = typer.Option(
        "mock", "--env", help="Which KIS environment to be: mock (모의투자, default) or real."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the market and the demo credentials."),
    config: Path | None = typer.Option(
        None, "--config", help="Credentials file (TOML or JSON) instead of demo credentials."
    ),
    app_key: str | None = typer.Option(None, "--app-key", help="App key (36 chars)."),
    app_secret: str | None = typer.Option(None, "--app-secret", help="App secret (180 chars)."),
    account: str | None = typer.Option(None, "--account", help="CANO-ACNT_PRDT_CD."),
    hts_id: str | None = typer.Option(None, "--hts-id", help="HTS user id (notice tr_key)."),
    speed: float = typer.Option(1.0, "--speed", help="Simulated seconds per wall second."),
    token_lifetime: float | None = typer.Option(
        None, "--token-lifetime", help="Token lifetime in seconds (default 86400)."
    ),
    ping_interval: float = typer.Option(10.0, "--ping-interval", help="PINGPONG period (s)."),
) -> None:
    """Serve KIS's REST API and websocket on loopback.

    It runs until Ctrl-C or SIGTERM. The server is backed by the simulated market; without
    credentials it makes demo ones. Its temporary files are removed however it stops.
    """
    from yeouido.brokers.kis.sandbox_connection import remove_connection, write_connection
    from yeouido.cli.signals import stop_signals
    from yeouido.sandbox.kis import (
        KisCredentials,
        KisSandbox,
        SandboxConfig,
        load_credentials_file,
    )
    from yeouido.sandbox.kis.config import check_env

    with reported_errors():
        server_env = check_env(env)
        credentials: tuple[KisCredentials, ...] = ()
        if config is not None:
            credentials = load_credentials_file(config, server_env)
        elif app_key or app_secret or account or hts_id:
            credentials = (
                KisCredentials.parse(
                    app_key or "", app_secret or "", account or "", hts_id or "", server_env
                ),
            )
        settings = SandboxConfig(
            env=server_env,
            host=host,
            port=port,
            ws_port=ws_port,
            seed=seed,
            credentials=credentials,
            token_lifetime=token_lifetime,
            ping_interval=ping_interval,
            speed=speed,
        )
        demo = not credentials

        async def main() -> None:
            async with stop_signals() as stopped, KisSandbox(settings) as sandbox:
                c = sandbox.credentials
                console.print(
                    f"KIS sandbox ({server_env}), simulated day {sandbox.account.office.market.day}"
                )
                console.print(f"  REST       {sandbox.rest_url}")
                console.print(f"  websocket  {sandbox.ws_url}  (or {sandbox.ws_url}/tryitout)")
                if demo:
                    # The sandbox's own demo credentials: printing them is the point.
                    console.print(f"  app key    {c.app_key}", markup=False, soft_wrap=True)
                    console.print(f"  app secret {c.app_secret}", markup=False, soft_wrap=True)
                console.print(
                    f"  account    {c.account}  (CANO {c.cano}, ACNT_PRDT_CD {c.acnt_prdt_cd})"
                )
                console.print(f"  HTS id     {c.hts_id}")
                console.print(
                    f"For --broker kis: YEOUIDO_KIS_BASE_URL={sandbox.rest_url} "
                    f"YEOUIDO_KIS_WS_URL={sandbox.ws_url} (and the credentials above as "
                    f"YEOUIDO_KIS_APP_KEY, _APP_SECRET, _ACCOUNT, _HTS_ID; --env {server_env})",
                    markup=False,
                    soft_wrap=True,
                )
                written = write_connection(
                    {
                        "env": server_env,
                        "base_url": sandbox.rest_url,
                        "ws_url": sandbox.ws_url,
                        "app_key": c.app_key,
                        "app_secret": c.app_secret,
                        "account": c.account,
                        "hts_id": c.hts_id,
                    }
                )
                console.print(
                    f'Python: yeouido.connect("kis", sandbox=True) (connection in {written})',
                    markup=False,
                    soft_wrap=True,
                )
                console.print("Ctrl-C to stop.")
                try:
                    await stopped
                finally:
                    remove_connection(server_env)

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(main())


@app.command("status")
def status_command(
    wait: float = typer.Option(
        0.0, "--wait", help="Seconds to wait for a sandbox that is still starting."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Whether a local KIS sandbox answers.

    Prints its URLs, credentials and simulated time (``connect("kis", sandbox=True)`` uses
    the same connection file)."""
    import time as wall

    from yeouido.brokers.kis.sandbox_connection import read_connection
    from yeouido.cli.output import print_json
    from yeouido.model.errors import ConnectionFailed

    with reported_errors(as_json):
        deadline = wall.monotonic() + max(0.0, wait)
        while True:
            try:
                found = read_connection()
                clock = asyncio.run(_sandbox_time(found["base_url"]))
                break
            except ConnectionFailed:
                if wall.monotonic() >= deadline:
                    raise
                wall.sleep(0.25)
        if as_json:
            print_json({**found, "now": clock})
            return
        console.print(f"KIS sandbox ({found['env']}), simulated time {clock[:19]} KST (sim)")
        for key in ("base_url", "ws_url", "app_key", "app_secret", "account", "hts_id"):
            console.print(f"  {key:<10} {found[key]}", markup=False, soft_wrap=True)


async def _sandbox_time(base_url: str) -> str:
    """The sandbox's simulated time; :class:`ConnectionFailed` when it does not answer."""
    import aiohttp

    from yeouido.brokers.kis import protocol
    from yeouido.model.errors import ConnectionFailed

    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as session,
            session.get(base_url + protocol.SANDBOX_CLOCK_PATH) as response,
        ):
            data = await response.json(content_type=None)
            return str(data["now"])
    except (TimeoutError, aiohttp.ClientError, ValueError, KeyError, TypeError):
        raise ConnectionFailed(
            f"the KIS sandbox at {base_url} does not answer", field="base_url", value=base_url
        ) from None
