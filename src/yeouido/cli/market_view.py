"""Terminal views of a running simulated market: prices, a few order books, the phase and VI
events while it runs, and a summary of the day at the end."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from yeouido.cli.demo_strategy import GoldenCrossDemo
from yeouido.cli.output import SIMULATED_KST, compact_table, short_name
from yeouido.exchange.events import ExchangeEvent, TradePrinted, ViEnded, ViStarted
from yeouido.exchange.simulation import MarketSimulation
from yeouido.model.account import Balance, Fill, Position
from yeouido.model.enums import Venue
from yeouido.model.instrument import Price


@dataclass
class DayLog:
    """What the views need beyond the exchange's own state: VI events and counts."""

    vi_events: deque[str] = field(default_factory=lambda: deque(maxlen=6))
    vi_count: int = 0
    trades: int = 0
    volume: int = 0

    def on_event(self, event: ExchangeEvent) -> None:
        """Collect from the exchange's event stream."""
        if isinstance(event, TradePrinted):
            self.trades += 1
            self.volume += event.quantity
        elif isinstance(event, ViStarted):
            self.vi_count += 1
            self.vi_events.append(
                f"{event.time:%H:%M:%S} VI {event.vi_kind:<7} {event.code} "
                f"{event.reference:,} → {event.trigger_price:,}"
            )
        elif isinstance(event, ViEnded):
            self.vi_events.append(f"{event.time:%H:%M:%S} VI end    {event.code}")


def change_text(last: Price | None, base: Price) -> Text:
    """``+1.23%`` in red (up, the Korean convention) or blue (down)."""
    if last is None:
        return Text("-", style="dim")
    percent = (last - base) * 100 / base
    style = "red" if percent > 0 else "blue" if percent < 0 else ""
    return Text(f"{percent:+.2f}%", style=style)


def prices_table(simulation: MarketSimulation, rows: int = 16) -> Table:
    """Last price, change and volume of the most active instruments."""
    exchange = simulation.exchange
    table = Table(title="prices", title_justify="left", expand=False)
    for column, justify in (
        ("code", "left"),
        ("name", "left"),
        ("last", "right"),
        ("chg", "right"),
        ("volume", "right"),
        ("", "left"),
    ):
        table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    books = sorted(
        ((code, exchange.regular_book(code)) for code in simulation.instruments),
        key=lambda item: -item[1].turnover,
    )
    for code, book in books[:rows]:
        base = simulation.base_prices[code]
        status = "VI" if book.vi_kind else ("auction" if book.auction else "")
        table.add_row(
            code,
            short_name(simulation.instruments[code].name, 14),
            f"{book.last_price:,}" if book.last_price is not None else "-",
            change_text(book.last_price, base),
            f"{book.volume:,}",
            Text(status, style="bold yellow" if status == "VI" else "dim"),
        )
    return table


def book_table(simulation: MarketSimulation, code: str, levels: int = 5) -> Table:
    """Five levels a side of one instrument (asks above, bids below); once the day's orders
    are gone after the close, the closing price and the state of the market instead of an
    empty book."""
    snapshot = simulation.exchange.orderbook(code, Venue.KRX, levels)
    name = short_name(simulation.instruments[code].name, 12)
    table = compact_table(f"{code} {name}")
    table.add_column("ask", justify="right", style="blue", no_wrap=True, min_width=5)
    table.add_column("price", justify="right", no_wrap=True, min_width=7)
    table.add_column("bid", justify="right", style="red", no_wrap=True, min_width=5)
    for level in reversed(snapshot.asks):
        table.add_row(f"{level.quantity:,}", f"{level.price:,}", "")
    for level in snapshot.bids:
        table.add_row("", f"{level.price:,}", f"{level.quantity:,}")
    if not snapshot.asks and not snapshot.bids:
        book = simulation.exchange.regular_book(code)
        close = simulation.exchange.day_close.get(code, book.last_price)
        table.add_row("", f"{close:,}" if close is not None else "-", "")
        table.caption = "closed" if code in simulation.exchange.day_close else "no orders"
    if snapshot.expected_price is not None:
        table.caption = f"예상 {snapshot.expected_price:,} × {snapshot.expected_quantity:,}"
    return table


def live_view(
    simulation: MarketSimulation,
    log: DayLog,
    book_codes: list[str],
    strategy: GoldenCrossDemo | None = None,
    account: AccountView | None = None,
) -> Group:
    """The whole live screen."""
    exchange = simulation.exchange
    up, down, flat = exchange.advance_decline()
    header = Text.assemble(
        ("yeouido ", "bold"),
        f"simulated KRX {simulation.day}  ",
        (f"{simulation.now:%H:%M:%S} {SIMULATED_KST}", "bold green"),
        f"  {simulation.phase.label}  ",
        (f"▲{up}", "red"),
        " ",
        (f"▼{down}", "blue"),
        f" ={flat}  ",
        f"trades {log.trades:,}  VI {log.vi_count}",
    )
    books = Table.grid(padding=(0, 2))
    books.add_row(*(book_table(simulation, code) for code in book_codes))
    events = Text("\n".join(log.vi_events) or "no VI yet", style="yellow")
    events_title = Text(f"VI events, times {SIMULATED_KST}", style="bold")
    parts: list[RenderableType] = [header, prices_table(simulation), books]
    if strategy is not None and account is not None:
        parts.append(strategy_table(strategy, account))
    parts += [events_title, events]
    return Group(*parts)


def summary_table(simulation: MarketSimulation) -> Table:
    """The day of every instrument: open, high, low, close, change, volume."""
    table = compact_table(f"summary of {simulation.day}")
    for column in ("code", "name", "open", "high", "low", "close", "chg", "volume"):
        table.add_column(
            column,
            justify="left" if column in ("code", "name") else "right",
            no_wrap=column != "name",
            overflow="fold",
        )
    rows = []
    for code, instrument in simulation.instruments.items():
        book = simulation.exchange.regular_book(code)
        base = simulation.base_prices[code]
        close = simulation.exchange.day_close.get(code, book.last_price)
        rows.append((code, short_name(instrument.name, 16), book, base, close))
    rows.sort(key=lambda row: -((row[4] or row[3]) - row[3]) / row[3])
    for code, name, book, base, close in rows:
        table.add_row(
            code,
            name,
            *(
                f"{value:,}" if value is not None else "-"
                for value in (book.open_price, book.high_price, book.low_price, close)
            ),
            change_text(close, base),
            f"{book.volume:,}",
        )
    return table


@dataclass
class AccountView:
    """What the demo shows of the paper account after each step."""

    positions: list[Position] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    balance: Balance | None = None
    initial_cash: int = 0


def strategy_table(strategy: GoldenCrossDemo, account: AccountView) -> Table:
    """The sample strategy's orders, fills, holdings and P&L (costs included)."""
    table = Table(
        title="sample strategy: SMA(5)×SMA(20) on 1m bars",
        title_justify="left",
        show_header=False,
        min_width=44,
    )
    table.add_column(style="bold")
    table.add_column()
    costs = sum(fill.commission + fill.tax for fill in account.fills)
    held = ", ".join(
        f"{position.code}×{position.quantity}"
        for position in account.positions
        if position.quantity
    )
    value = sum(
        int(position.market_value or 0) for position in account.positions if position.quantity
    )
    equity = None
    if account.balance is not None:
        equity = account.balance.settlement_d2 + value
    table.add_row(
        "orders / fills",
        f"{strategy.orders_sent} / {len(account.fills)}"
        + (f"  ({strategy.rejected} refused)" if strategy.rejected else ""),
    )
    table.add_row("holding", held or "-")
    table.add_row("commission + tax", f"{costs:,} KRW")
    if equity is not None:
        pnl = equity - account.initial_cash
        table.add_row(
            "P&L (after costs)", Text(f"{pnl:+,} KRW", style="red" if pnl > 0 else "blue")
        )
    table.add_row("last signals", "\n".join(strategy.log) or "-")
    return table
