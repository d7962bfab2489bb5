"""``yeouido rules CODE``: tick size, price limits, and the order types allowed right now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import typer

from yeouido.cli.output import console, print_json, reported_errors, won
from yeouido.model import Instrument, InvalidInput, Venue, now_seoul
from yeouido.model.time import SEOUL

if TYPE_CHECKING:
    from yeouido.krx import Phase


@dataclass(frozen=True, slots=True)
class VenueNow:
    """What one venue accepts at one moment for one instrument."""

    venue: Venue
    phases: tuple[Phase, ...]
    sessions: dict[str, list[str]]
    immediate: list[str]


def venue_now(instrument: Instrument, venue: Venue, moment: datetime) -> VenueNow:
    """The phases open at ``moment`` and, per order session, the order types accepted."""
    from yeouido.krx import allowed_order_types, phases_at
    from yeouido.krx.order_rules import IMMEDIATE_ORDER_TYPES, IMMEDIATE_PHASES
    from yeouido.krx.sessions import PHASE_SESSION

    phases = phases_at(moment, venue)
    sessions: dict[str, list[str]] = {}
    immediate: list[str] = []
    for phase in phases:
        session = PHASE_SESSION.get(phase)
        types = allowed_order_types(phase, instrument)
        if session is None or not types:
            continue
        sessions.setdefault(session.value, []).extend(sorted(t.value for t in types))
        if phase in IMMEDIATE_PHASES:
            immediate = sorted(t.value for t in types & IMMEDIATE_ORDER_TYPES)
    return VenueNow(venue, phases, sessions, immediate)


def rules_data(code: str, base_price: int | None, moment: datetime) -> dict[str, Any]:
    """Everything ``yeouido rules`` shows, as plain data."""
    from yeouido.krx import default_master, has_price_limits, price_limits, tick_size

    master = default_master()
    instrument = master.get(code)
    base = base_price if base_price is not None else master.reference_price(instrument.code)
    if base is None:
        raise InvalidInput.for_field("--base-price", None, f"{code} has no reference price")
    limits = (
        price_limits(base, instrument.tick_table, instrument.market, instrument.leverage)
        if has_price_limits(instrument.tick_table)
        else None
    )
    venues = [Venue.KRX] + ([Venue.NXT] if instrument.nxt else [])
    now = [venue_now(instrument, venue, moment) for venue in venues]
    return {
        "code": instrument.code,
        "name": instrument.name,
        "market": instrument.market.value,
        "kind": instrument.kind.value,
        "kospi200": instrument.kospi200,
        "leverage": instrument.leverage,
        "nxt": instrument.nxt,
        "lot_size": instrument.lot_size,
        "base_price": base,
        "tick": tick_size(base, instrument.tick_table),
        "lower_limit": limits[0] if limits else None,
        "upper_limit": limits[1] if limits else None,
        "at": moment,
        "venues": [
            {
                "venue": item.venue.value,
                "phases": [phase.value for phase in item.phases],
                "order_types": item.sessions,
                "ioc_fok": item.immediate,
            }
            for item in now
        ],
    }


def render_rules(data: dict[str, Any]) -> None:
    """Print the rules of one instrument as tables."""
    from rich.table import Table

    from yeouido.krx import Phase

    title = f"{data['code']} {data['name']}  ({data['market']} {data['kind']})"
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    flags = []
    if data["kospi200"]:
        flags.append("KOSPI200")
    if data["leverage"] != 1:
        flags.append(f"leverage {data['leverage']:+d}x")
    if data["nxt"]:
        flags.append("NXT")
    table.add_row("flags", ", ".join(flags) or "-")
    table.add_row("base price", won(data["base_price"]))
    table.add_row("tick at base", won(data["tick"]))
    table.add_row("lower limit (하한가)", won(data["lower_limit"]))
    table.add_row("upper limit (상한가)", won(data["upper_limit"]))
    table.add_row("lot", str(data["lot_size"]))
    console.print(table)
    moment: datetime = data["at"]
    allowed = Table(
        title=f"order types allowed at {moment:%Y-%m-%d %H:%M:%S} KST", title_justify="left"
    )
    allowed.add_column("venue")
    allowed.add_column("phase")
    allowed.add_column("session")
    allowed.add_column("order types")
    allowed.add_column("IOC/FOK")
    for venue in data["venues"]:
        phase_text = ", ".join(Phase(p).label for p in venue["phases"]) or "closed"
        if not venue["order_types"]:
            allowed.add_row(venue["venue"], phase_text, "-", "none", "-")
        for index, (session, types) in enumerate(venue["order_types"].items()):
            allowed.add_row(
                venue["venue"] if index == 0 else "",
                phase_text if index == 0 else "",
                session,
                ", ".join(types),
                ", ".join(venue["ioc_fok"]) or "-",
            )
    console.print(allowed)


def parse_moment(text: str | None) -> datetime:
    """``--at`` as an aware Seoul datetime (now when empty)."""
    if not text:
        return now_seoul()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput.for_field(
            "--at", text, "use ISO format, e.g. 2026-11-24T10:00"
        ) from None
    return moment.replace(tzinfo=SEOUL) if moment.tzinfo is None else moment


def rules(
    code: str = typer.Argument(..., help="Instrument code, e.g. 005930 or Q520057."),
    base_price: int | None = typer.Option(
        None, "--base-price", help="Base price (기준가); default: the built-in reference price."
    ),
    at: str | None = typer.Option(None, "--at", help="Moment to check (ISO, Seoul time)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Tick size, daily price limits, and the order types allowed now."""
    with reported_errors(as_json):
        data = rules_data(code, base_price, parse_moment(at))
    if as_json:
        print_json(data)
    else:
        render_rules(data)
