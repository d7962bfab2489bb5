"""``yeouido today``: today's KRX and NXT schedules and the rules of a few real listings."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from yeouido.cli.output import compact_table, console, reported_errors, short_name, won
from yeouido.cli.rules import parse_moment, rules_data
from yeouido.model import Venue

if TYPE_CHECKING:
    from rich.table import Table

    from yeouido.krx import DaySchedule

SHORT_TYPES = {
    "limit": "L",
    "market": "M",
    "conditional_limit": "CL",
    "best_opposite": "BO",
    "best_same_side": "BS",
    "midpoint": "MID",
    "stop_limit": "STP",
}
SESSION_PREFIX = {
    "regular": "",
    "pre_open_close": "장전종가: ",
    "after_hours_close": "장후종가: ",
    "after_hours_single": "단일가: ",
}
SESSION_PREFIX_LEGEND = "장전종가/장후종가 = closing-price sessions, 단일가 = single price"

DEMO_CODES = ("005930", "000660", "247540", "069500", "122630", "114800", "Q520057")


def schedule_table(day_schedule: DaySchedule, moment: datetime) -> Table:
    """One venue's phases, the current one highlighted."""
    from rich.table import Table

    table = Table(title=f"{day_schedule.venue.value} {day_schedule.day}", title_justify="left")
    table.add_column("from")
    table.add_column("to")
    table.add_column("phase")
    for window in day_schedule.phases:
        current = window.contains(moment)
        table.add_row(
            f"{window.start:%H:%M:%S}",
            f"{window.end:%H:%M:%S}",
            ("▶ " if current else "  ") + window.phase.label,
            style="bold green" if current else "",
        )
    if day_schedule.note:
        table.caption = day_schedule.note
    return table


def today(
    at: str | None = typer.Option(None, "--at", help="Pretend it is this moment (ISO, KST)."),
) -> None:
    """Today's KRX and NXT sessions and the rules right now.

    The rules (base price, tick, price limits, order types allowed) are those of a few real
    listings.
    """
    from yeouido.krx import is_trading_day, next_trading_day, schedule

    with reported_errors():
        moment = parse_moment(at)
        day = moment.date()
        if not is_trading_day(day):
            console.print(f"{day} is not a trading day; next: {next_trading_day(day)}")
            day = next_trading_day(day)
        console.print(f"[bold]yeouido[/] — KRX rules at {moment:%Y-%m-%d %H:%M:%S} KST\n")
        console.print(schedule_table(schedule(day, Venue.KRX), moment))
        console.print(schedule_table(schedule(day, Venue.NXT), moment))
        listings = compact_table("listings now")
        listings.add_column("code", no_wrap=True)
        listings.add_column("name", no_wrap=True)
        for column in ("KRX now", "NXT now"):
            listings.add_column(column)
        for column in ("base", "tick", "하한가", "상한가"):
            listings.add_column(column, justify="right", no_wrap=True)
        for code in DEMO_CODES:
            data = rules_data(code, None, moment)
            per_venue = {item["venue"]: item for item in data["venues"]}
            listings.add_row(
                data["code"],
                short_name(data["name"], 14),
                _types(per_venue.get("KRX")),
                _types(per_venue.get("NXT")) if "NXT" in per_venue else "-",
                won(data["base_price"]),
                won(data["tick"]),
                won(data["lower_limit"]),
                won(data["upper_limit"]),
            )
        console.print(listings)
        legend = ", ".join(f"{short}={name}" for name, short in SHORT_TYPES.items())
        console.print(f"[dim]order types: {legend}; sessions: {SESSION_PREFIX_LEGEND}[/]")


def _types(venue: dict[str, Any] | None) -> str:
    if venue is None:
        return "-"
    sessions: dict[str, list[str]] = venue["order_types"]
    if not sessions:
        return "closed"
    return "\n".join(
        SESSION_PREFIX.get(session, session) + " ".join(SHORT_TYPES.get(t, t) for t in types)
        for session, types in sessions.items()
    )
