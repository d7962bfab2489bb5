"""Trading commands: ``quote``, ``book``, ``buy``, ``sell``, ``modify``, ``cancel``, ``orders``,
``fills``, ``positions``, ``balance`` — each with ``--broker NAME`` (default ``paper``) and
``--json``.

A CLI call is a short process, so ``--broker paper`` talks to the paper service started with
``yeouido paper serve`` (address from ``--service`` or ``YEOUIDO_PAPER_URL``); the order
journal of these commands lives in the user data directory and is reconciled on each call.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from typer.core import TyperCommand

from yeouido.cli.output import (
    KST,
    SIMULATED_KST,
    compact_table,
    console,
    kst,
    print_json,
    reported_errors,
    won,
)
from yeouido.model import InvalidInput, InvalidQuantity, OrderNotOpen

if TYPE_CHECKING:
    from rich.table import Table

    from yeouido.brokers.sync import Broker
    from yeouido.model import Fill, Order, OrderBook, Position, Quote

T = TypeVar("T")
TYPE_HELP = (
    "Order type: limit, market, conditional_limit, best_opposite, best_same_side, midpoint or "
    "stop_limit."
)
SESSION_HELP = "Order session: regular, pre_open_close, after_hours_close or after_hours_single."
PAPER_SERVICE = "http://127.0.0.1:8765"
"""Where ``yeouido paper serve`` listens by default (the paper broker's ``DEFAULT_SERVICE``,
repeated here so that the CLI starts without importing the broker)."""

BrokerOption = typer.Option("paper", "--broker", help="Broker name: paper or kis.")
JsonOption = typer.Option(False, "--json", help="Print JSON (see docs/json.md).")
ServiceOption = typer.Option(
    None, "--service", help=f"Paper service URL (default {PAPER_SERVICE} or $YEOUIDO_PAPER_URL)."
)
CodeArgument = typer.Argument(..., metavar="CODE", help="Instrument code, e.g. 005930.")
OrderIdArgument = typer.Argument(
    ..., metavar="ORDER_ID", help="The order's id, as `yeouido orders` shows it."
)
EnvOption = typer.Option(
    None,
    "--env",
    help="KIS environment (--broker kis): mock (모의투자, the default; or $YEOUIDO_KIS_ENV) or "
    "real (real money).",
)


@contextmanager
def broker_session(
    name: str, service: str | None, as_json: bool, env: str | None = None
) -> Iterator[Broker]:
    """Connect for one command; errors become a clear message and exit code 2. KIS uses
    ``env`` (else ``$YEOUIDO_KIS_ENV``, else mock); its warnings (the real-money notice)
    go to stderr."""
    from yeouido.brokers.sync import connect

    with reported_errors(as_json):
        options: dict[str, Any] = {}
        if name == "paper":
            options["service"] = service or os.environ.get("YEOUIDO_PAPER_URL") or True
        if name == "kis":
            from yeouido.brokers.kis.config import resolve_env

            options["env"] = resolve_env(env)
            _warnings_to_stderr()
        broker = connect(name, **options)
        try:
            yield broker
        finally:
            broker.close()


class _StderrWarnings(logging.Handler):
    """yeouido's warnings on whatever ``sys.stderr`` is when they are written."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(f"warning: {self.format(record)}\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


def _warnings_to_stderr() -> None:
    """Show yeouido's WARNING log lines (secrets masked) on stderr, once per process."""
    from yeouido.net.secrets import install_log_masking

    logger = logging.getLogger("yeouido")
    if not any(isinstance(handler, _StderrWarnings) for handler in logger.handlers):
        handler = _StderrWarnings(logging.WARNING)
        logger.addHandler(handler)
        install_log_masking(logger)


def _run(
    name: str,
    service: str | None,
    as_json: bool,
    action: Callable[[Broker], T],
    render: Callable[[T, bool], None],
    env: str | None = None,
) -> None:
    with broker_session(name, service, as_json, env) as broker, reported_errors(as_json):
        result = action(broker)
    if as_json:
        print_json(result)
    else:
        render(result, name == "paper")


def _price(text: str | None) -> int | Decimal | None:
    if text is None:
        return None
    return Decimal(text) if "." in text else int(text.replace(",", ""))


# -- renderers --------------------------------------------------------------------------
# Each renderer takes ``simulated``: the paper market's clock is simulated, and its times are
# labelled ``KST (sim)``. At 80 columns no order id, date or number is ever cut: order ids,
# codes and numbers never wrap; the less important text columns (type, status) fold.


def _label(simulated: bool) -> str:
    return SIMULATED_KST if simulated else KST


def render_quote(quote: Quote, simulated: bool = False) -> None:
    """One line per field; the title gives the quote's time."""
    from rich.table import Table

    console.print(f"{quote.code} at {kst(quote.time, simulated=simulated)}", highlight=False)
    table = Table(show_header=False)
    table.add_column()
    table.add_column(justify="right", no_wrap=True)
    for label, value in (
        ("last", quote.last),
        ("bid", quote.bid),
        ("ask", quote.ask),
        ("bid size", quote.bid_size),
        ("ask size", quote.ask_size),
        ("volume", quote.volume),
        ("previous close", quote.previous_close),
    ):
        table.add_row(label, won(value))
    console.print(table)


def render_book(book: OrderBook, simulated: bool = False) -> None:
    """Asks above, bids below."""
    from rich.table import Table

    console.print(f"{book.code} at {kst(book.time, simulated=simulated)}", highlight=False)
    table = Table()
    table.add_column("ask qty", justify="right", style="blue", no_wrap=True)
    table.add_column("price", justify="right", no_wrap=True)
    table.add_column("bid qty", justify="right", style="red", no_wrap=True)
    for level in reversed(book.asks):
        table.add_row(f"{level.quantity:,}", won(level.price), "")
    for level in book.bids:
        table.add_row("", won(level.price), f"{level.quantity:,}")
    if book.expected_price is not None:
        table.caption = f"expected {won(book.expected_price)} × {book.expected_quantity:,}"
    console.print(table)


def orders_table(orders: list[Order]) -> Table:
    """Orders as a table that fits 80 columns with whole order ids."""
    table = compact_table(f"{len(orders)} orders")
    table.add_column("id", no_wrap=True)
    table.add_column("code", no_wrap=True)
    table.add_column("side", no_wrap=True)
    table.add_column("type", overflow="fold")
    table.add_column("qty", justify="right", no_wrap=True)
    table.add_column("price", justify="right", no_wrap=True)
    table.add_column("filled", justify="right", no_wrap=True)
    table.add_column("status", overflow="fold")
    for order in orders:
        request = order.request
        table.add_row(
            order.order_id,
            order.code,
            order.side.value,
            request.order_type.value.replace("_", " "),
            f"{order.quantity:,}",
            won(request.price),
            f"{order.filled_quantity:,}",
            order.status.value.replace("_", " "),
        )
    return table


def render_orders(orders: list[Order], simulated: bool = False) -> None:
    """Orders as a table."""
    console.print(orders_table(orders))


def render_order(order: Order, simulated: bool = False) -> None:
    """One order."""
    render_orders([order], simulated)


def fills_table(fills: list[Fill], simulated: bool = False) -> Table:
    """Fills as a table: the time of day when all fills share a day (the title gives it),
    else the date above the time; whole order ids and numbers."""
    days = sorted({kst(fill.time)[:10] for fill in fills})
    label = _label(simulated)
    title = f"{len(fills)} fills" + (f" on {days[0]}" if len(days) == 1 else "")
    table = compact_table(f"{title}, times {label}")
    table.add_column("time", no_wrap=True)
    table.add_column("order", no_wrap=True)
    table.add_column("code", no_wrap=True)
    table.add_column("side", no_wrap=True)
    for column in ("qty", "price", "comm.", "tax"):
        table.add_column(column, justify="right", no_wrap=True)
    for fill in fills:
        stamp = kst(fill.time)
        table.add_row(
            stamp[11:19] if len(days) == 1 else f"{stamp[:10]}\n{stamp[11:19]}",
            fill.order_id,
            fill.code,
            fill.side.value,
            f"{fill.quantity:,}",
            won(fill.price),
            won(fill.commission),
            won(fill.tax),
        )
    return table


def render_fills(fills: list[Fill], simulated: bool = False) -> None:
    """Fills as a table."""
    console.print(fills_table(fills, simulated))


def positions_table(positions: list[Position]) -> Table:
    """Holdings with P&L."""
    table = compact_table("positions (KRW)")
    for column in ("code", "qty", "avg price", "last", "value", "unrealized", "realized"):
        table.add_column(column, justify="left" if column == "code" else "right", no_wrap=True)
    for position in positions:
        value = position.market_value
        pnl = position.unrealized_pnl
        table.add_row(
            position.code,
            f"{position.quantity:,}",
            f"{position.average_price:,.2f}",
            won(position.last_price),
            won(None if value is None else int(value)),
            won(None if pnl is None else int(pnl)),
            won(position.realized_pnl),
        )
    return table


def render_positions(positions: list[Position], simulated: bool = False) -> None:
    """Holdings with P&L."""
    console.print(positions_table(positions))


def render_balance(balance: Any, simulated: bool = False) -> None:
    """Cash."""
    from rich.table import Table

    table = Table(title="balance (KRW)", show_header=False, title_justify="left")
    table.add_column()
    table.add_column(justify="right", no_wrap=True)
    for label, value in (
        ("cash (예수금)", balance.cash),
        ("D+1", balance.settlement_d1),
        ("D+2", balance.settlement_d2),
        ("buying power", balance.buying_power),
    ):
        table.add_row(label, won(value))
    console.print(table)


# -- commands ---------------------------------------------------------------------------
def quote(
    code: str = CodeArgument,
    broker: str = BrokerOption,
    service: str | None = ServiceOption,
    as_json: bool = JsonOption,
    env: str | None = EnvOption,
) -> None:
    """Last trade, best bid and ask."""
    _run(broker, service, as_json, lambda b: b.quote(code), render_quote, env)


def book(
    code: str = CodeArgument,
    broker: str = BrokerOption,
    service: str | None = ServiceOption,
    as_json: bool = JsonOption,
    env: str | None = EnvOption,
) -> None:
    """The order book: ten levels a side."""
    _run(broker, service, as_json, lambda b: b.orderbook(code), render_book, env)


def _order_command(side: str) -> Callable[..., None]:
    def command(
        code: str = CodeArgument,
        quantity: int = typer.Argument(..., metavar="QUANTITY", help="Number of shares."),
        price: str | None = typer.Option(
            None, "--price", help="Limit price (KRW, or points for derivatives)."
        ),
        order_type: str | None = typer.Option(
            None,
            "--type",
            help=TYPE_HELP + " Default: limit with --price, market without.",
        ),
        tif: str = typer.Option("day", "--tif", help="Time in force: day, ioc or fok."),
        session: str = typer.Option(
            "regular",
            "--session",
            help=SESSION_HELP,
        ),
        venue: str = typer.Option("KRX", "--venue", help="Venue: KRX, NXT or SOR."),
        stop_price: str | None = typer.Option(
            None, "--stop-price", help="Stop price of a stop-limit order."
        ),
        broker: str = BrokerOption,
        service: str | None = ServiceOption,
        as_json: bool = JsonOption,
        env: str | None = EnvOption,
    ) -> None:
        _check_quantity(quantity, as_json)

        def act(connection: Broker) -> Order:
            send = connection.buy if side == "buy" else connection.sell
            return send(
                code, quantity, _price(price), order_type, tif, session, venue, _price(stop_price)
            )

        _run(broker, service, as_json, act, render_order, env)

    command.__doc__ = (
        f"{side.capitalize()} QUANTITY shares of CODE.\n\nA limit order at --price; without a "
        "price, a market order."
    )
    command.__name__ = side
    return command


buy = _order_command("buy")
sell = _order_command("sell")

_NEGATIVE_NUMBER = re.compile(r"-\d[\d,_]*(\.\d+)?")


class NumberArgumentsCommand(TyperCommand):
    """A command whose number arguments may be negative: ``sell 005930 -5`` reaches the
    command (and its validation) instead of failing as the unknown option ``-5``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Read a negative number as an argument (other unknown options stay errors)."""
        if any(_NEGATIVE_NUMBER.fullmatch(arg) for arg in args):
            ctx.ignore_unknown_options = True
        return super().parse_args(ctx, args)


COMMAND_OPTIONS: dict[str, dict[str, Any]] = {
    "buy": {"cls": NumberArgumentsCommand},
    "sell": {"cls": NumberArgumentsCommand},
}
"""Extra ``app.command`` options of the trading commands, by command name."""


def _check_quantity(quantity: int | None, as_json: bool) -> None:
    """A clear error before connecting when ``quantity`` is given and not positive."""
    with reported_errors(as_json):
        if quantity is not None and quantity <= 0:
            raise InvalidQuantity.for_field("quantity", quantity, "must be a positive whole number")


def modify(
    order_id: str = OrderIdArgument,
    quantity: int | None = typer.Option(None, "--quantity", help="New open quantity."),
    price: str | None = typer.Option(None, "--price", help="New price."),
    broker: str = BrokerOption,
    service: str | None = ServiceOption,
    as_json: bool = JsonOption,
    env: str | None = EnvOption,
) -> None:
    """Change an open order's open quantity and/or price."""
    _check_quantity(quantity, as_json)
    _run(
        broker,
        service,
        as_json,
        lambda b: b.modify(order_id, quantity, _price(price)),
        render_order,
        env,
    )


def cancel(
    order_id: str | None = typer.Argument(
        None,
        metavar="[ORDER_ID]",
        help="The order's id, as `yeouido orders` shows it (or --all).",
        show_default=False,
    ),
    all_open: bool = typer.Option(False, "--all", help="Cancel every open order."),
    broker: str = BrokerOption,
    service: str | None = ServiceOption,
    as_json: bool = JsonOption,
    env: str | None = EnvOption,
) -> None:
    """Cancel an open order, or every open order with --all."""
    if (order_id is None) != all_open:
        with reported_errors(as_json):
            raise InvalidInput.for_field(
                "ORDER_ID", order_id or "", "give one order id, or --all (not both)"
            )
    if order_id is not None:
        _run(broker, service, as_json, lambda b: b.cancel(order_id), render_order, env)
        return
    _run(broker, service, as_json, _cancel_open_orders, render_orders, env)


def _cancel_open_orders(broker: Broker) -> list[Order]:
    """Cancel each open order (those already done by the time the cancel arrives are left)."""
    canceled = []
    for order in broker.orders(open_only=True):
        try:
            canceled.append(broker.cancel(order.order_id))
        except OrderNotOpen:
            continue
    return canceled


def orders(
    open_only: bool = typer.Option(False, "--open", help="Only open orders."),
    broker: str = BrokerOption,
    service: str | None = ServiceOption,
    as_json: bool = JsonOption,
    env: str | None = EnvOption,
) -> None:
    """Orders in the journal (reconciled with the broker first)."""
    _run(broker, service, as_json, lambda b: b.orders(open_only), render_orders, env)


def fills(
    broker: str = BrokerOption,
    service: str | None = ServiceOption,
    as_json: bool = JsonOption,
    env: str | None = EnvOption,
) -> None:
    """Executions, with commission and tax."""
    _run(broker, service, as_json, lambda b: b.fills(), render_fills, env)


def positions(
    broker: str = BrokerOption,
    service: str | None = ServiceOption,
    as_json: bool = JsonOption,
    env: str | None = EnvOption,
) -> None:
    """Holdings with average price and P&L."""
    _run(broker, service, as_json, lambda b: b.positions(), render_positions, env)


def balance(
    broker: str = BrokerOption,
    service: str | None = ServiceOption,
    as_json: bool = JsonOption,
    env: str | None = EnvOption,
) -> None:
    """Cash: deposit, D+1, D+2, buying power."""
    _run(broker, service, as_json, lambda b: b.balance(), render_balance, env)


COMMANDS = (quote, book, buy, sell, modify, cancel, orders, fills, positions, balance)
