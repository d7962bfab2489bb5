"""``yeouido run STRATEGY_FILE --broker paper|kis``: run a strategy live until stopped.

The strategy file is the same one ``yeouido backtest`` takes. With ``--broker paper`` the
simulated market runs in this process (the strategy's symbols, at ``--speed``; its paper
account, ``--account``, defaults to ``run`` and persists under the user data directory), or
``--service URL`` (or ``$YEOUIDO_PAPER_URL``) uses a running ``yeouido paper serve``. With
``--broker kis`` the credentials come from ``YEOUIDO_KIS_APP_KEY``, ``YEOUIDO_KIS_APP_SECRET``,
``YEOUIDO_KIS_ACCOUNT``, ``YEOUIDO_KIS_HTS_ID`` or the keyring, as for the other ``--broker
kis`` commands; ``--env`` defaults to ``mock`` (모의투자): real money needs ``--env real``
(or ``YEOUIDO_KIS_ENV=real``).

Ctrl-C (or SIGTERM) stops cleanly: ``on_stop`` runs, ``--cancel-on-stop`` cancels the open
orders, the broker is closed and a summary is printed. Exit code 0 after a clean stop, 1 when
the strategy raised, 2 for bad input or a broker that cannot be reached.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

import typer

from yeouido.cli.errors import DEBUG_HINT, debug_enabled, print_traceback, reported_errors
from yeouido.cli.output import (
    KoreaTimeFormatter,
    console,
    json_ready,
    kst_clock,
    parse_clock,
    print_json,
)
from yeouido.model.errors import InvalidInput

EXIT_STRATEGY_FAILED = 1
PAPER_URL_VARIABLE = "YEOUIDO_PAPER_URL"


def parse_param(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` with the value read as an int, else a float, else kept as text."""
    from yeouido.strategy.loader import parse_assignments

    ((name, value),) = parse_assignments([text], "param").items()
    return name, value


def parse_params(texts: list[str]) -> dict[str, Any]:
    """Every ``--param`` as a dict (a name given twice keeps the last value)."""
    return dict(parse_param(text) for text in texts)


def parse_symbols(text: str | None) -> list[str] | None:
    """``005930,069500`` as a list (``None`` when not given)."""
    if text is None:
        return None
    return [code.strip() for code in text.split(",") if code.strip()]


def broker_options(
    broker: str,
    symbols: list[str] | None,
    *,
    service: str | None,
    account: str | None,
    speed: float,
    seed: int,
    cash: int,
    reset: bool,
    start: str | None,
    env: str | None,
    base_url: str | None,
    ws_url: str | None,
) -> dict[str, Any]:
    """The ``yeouido.connect`` options of ``broker`` from the command's options."""
    if broker == "paper":
        if service:
            return {"service": service, "account": account or "default"}
        if speed <= 0:
            raise InvalidInput.for_field("speed", speed, "must be > 0 (simulated s per wall s)")
        options: dict[str, Any] = {
            "account": account or "run",
            "speed": speed,
            "seed": seed,
            "cash": cash,
            "reset": reset,
        }
        if symbols:
            options["codes"] = symbols
        if start is not None:
            options["start"] = parse_clock(start, "start")
        return options
    if broker == "kis":
        from yeouido.brokers.kis.config import resolve_env

        options = {"env": resolve_env(env)}
        if base_url:
            options["base_url"] = base_url
        if ws_url:
            options["ws_url"] = ws_url
        return options
    from yeouido.brokers.registry import available

    if broker not in available():
        raise InvalidInput.for_field("broker", broker, f"one of {', '.join(available())}")
    return {}


class _StderrHandler(logging.Handler):
    """Log lines to whatever ``sys.stderr`` is when they are written."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def setup_logging(verbose: bool) -> None:
    """The runtime's log (and the brokers') on stderr in Korea time, labelled; secrets
    masked."""
    from yeouido.net.secrets import install_log_masking

    logger = logging.getLogger("yeouido")
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(KoreaTimeFormatter())
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    install_log_masking(logger)


def run(
    strategy_file: Path = typer.Argument(..., help="Python file defining the strategy."),
    broker: str = typer.Option("paper", "--broker", help="paper or kis."),
    strategy_name: str | None = typer.Option(
        None, "--strategy", help="Class to run when the file defines several."
    ),
    symbols: str | None = typer.Option(
        None, "--symbols", help="Codes to trade, comma-separated (default: the strategy's)."
    ),
    interval: str | None = typer.Option(
        None, "--interval", help="Bar interval: 1m, 3m, 5m, 10m, 15m, 30m, 60m or 1d."
    ),
    params: list[str] | None = typer.Option(
        None, "--param", help="A strategy parameter NAME=VALUE (repeat for more)."
    ),
    duration: float | None = typer.Option(
        None, "--duration", help="Stop after this many (wall) seconds."
    ),
    until: str | None = typer.Option(
        None, "--until", help="Stop at this market time (HH:MM) or at the close ('close')."
    ),
    cancel_on_stop: bool = typer.Option(
        False, "--cancel-on-stop", help="Cancel the strategy's open orders when stopping."
    ),
    warmup: int = typer.Option(200, "--warmup", help="Bars of history to load first."),
    service: str | None = typer.Option(
        None,
        "--service",
        help=f"Paper service URL (default: an in-process market; or ${PAPER_URL_VARIABLE}).",
    ),
    account: str | None = typer.Option(
        None, "--account", help="Paper account (default run; 'default' with --service)."
    ),
    speed: float = typer.Option(
        1.0, "--speed", help="In-process paper market: simulated seconds per wall second."
    ),
    seed: int = typer.Option(0, "--seed", help="In-process paper market: its seed."),
    cash: int = typer.Option(
        100_000_000, "--cash", help="In-process paper market: cash of a new account (KRW)."
    ),
    reset: bool = typer.Option(
        False, "--reset", help="In-process paper market: start the account again with --cash."
    ),
    start: str | None = typer.Option(
        None, "--start", help="In-process paper market: simulated start time (default 09:00:30)."
    ),
    env: str | None = typer.Option(
        None,
        "--env",
        help="KIS environment: mock (모의투자, the default; or $YEOUIDO_KIS_ENV) or real.",
    ),
    base_url: str | None = typer.Option(None, "--base-url", help="KIS REST base URL."),
    ws_url: str | None = typer.Option(None, "--ws-url", help="KIS websocket URL."),
    verbose: bool = typer.Option(False, "--verbose", help="Log debug messages too."),
    as_json: bool = typer.Option(
        False, "--json", help="Print the summary as JSON (see docs/json.md)."
    ),
) -> None:
    """Run a strategy live until Ctrl-C, --duration or --until.

    The strategy runs on the paper market (in this process, or a `yeouido paper serve`) or a
    broker; its orders, fills and positions are printed at the end.
    """
    from yeouido.strategy.loader import load_strategy
    from yeouido.strategy.loader import parse_params as typed_params
    from yeouido.strategy.runtime import parse_until, run_live

    setup_logging(verbose)
    with reported_errors(as_json, strategy_file):
        codes = parse_symbols(symbols)
        parse_params(params or [])  # NAME=VALUE first; typed by the strategy's defaults below
        if service is None and broker == "paper":
            service = os.environ.get(PAPER_URL_VARIABLE) or None
        options = broker_options(
            broker,
            codes,
            service=service,
            account=account,
            speed=speed,
            seed=seed,
            cash=cash,
            reset=reset,
            start=start,
            env=env,
            base_url=base_url,
            ws_url=ws_url,
        )
        until_value = parse_until(until) if until is not None else None
        strategy_class = load_strategy(strategy_file, strategy_name)
        strategy = strategy_class(**typed_params(strategy_class, params))
        if codes is None and not strategy_class.symbols:
            raise InvalidInput.for_field(
                "symbols", "", f"{strategy_class.__name__} names none: give --symbols"
            )
        if broker == "paper" and not service and "codes" not in options:
            options["codes"] = list(strategy_class.symbols)
        summary = run_live(
            strategy,
            broker,
            symbols=codes,
            interval=interval,
            broker_options=options,
            duration=duration,
            until=until_value,
            cancel_on_stop=cancel_on_stop,
            warmup=warmup,
        )
    if as_json:
        print_json(summary_json(summary))
    else:
        _render(summary)
    if summary.failure is not None and debug_enabled():
        print_traceback(summary.failure)
    if not summary.ok:
        raise typer.Exit(EXIT_STRATEGY_FAILED)


def summary_json(summary: Any) -> dict[str, Any]:
    """The run's summary for ``--json``: its fields with the CLI's JSON types (average prices
    as strings, times ISO-8601 with offset), ``messages`` as objects and ``ok``."""
    data: dict[str, Any] = json_ready(summary)
    data["messages"] = [
        {"time": json_ready(moment), "message": text} for moment, text in summary.messages
    ]
    data["ok"] = summary.ok
    return data


def _render(summary: Any) -> None:
    from rich.markup import escape

    from yeouido.cli.trading import render_fills, render_orders, render_positions

    simulated = summary.broker == "paper"
    ended = (
        f" at {kst_clock(summary.ended, simulated=simulated)}" if summary.ended is not None else ""
    )
    console.print(
        f"[bold]{summary.strategy}[/] on {summary.broker} ({summary.mode}), "
        f"{', '.join(summary.symbols)} {summary.interval}: stopped ({summary.stop_reason})"
        f"{ended}; {summary.bars:,} bars, {summary.trades:,} trades, "
        f"{summary.reconnects} reconnects",
        highlight=False,
    )
    if summary.error is not None:
        console.print(f"[bold red]strategy error[/] {escape(summary.error)}", highlight=False)
        if summary.failure is not None and not debug_enabled():
            console.print(DEBUG_HINT, style="dim", highlight=False)
    render_orders(summary.orders, simulated)
    render_fills(summary.fills, simulated)
    render_positions(summary.positions, simulated)
    if summary.balance is not None:
        console.print(
            f"cash {summary.balance.cash:,}  D+2 {summary.balance.settlement_d2:,}  "
            f"buying power {summary.balance.buying_power:,}"
        )
