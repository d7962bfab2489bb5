"""``yeouido calendar [YYYY-MM]``: a month of KRX trading days and special sessions."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date
from typing import Any

import typer

from yeouido.cli.output import console, print_json, reported_errors
from yeouido.model import InvalidInput, now_seoul


def parse_month(text: str | None) -> tuple[int, int]:
    """``YYYY-MM`` as ``(year, month)``; the current month when empty."""
    if not text:
        today = now_seoul().date()
        return today.year, today.month
    try:
        year_text, month_text = text.split("-")
        year, month = int(year_text), int(month_text)
        date(year, month, 1)
    except ValueError:
        raise InvalidInput.for_field("month", text, "use YYYY-MM, e.g. 2026-11") from None
    return year, month


def month_data(year: int, month: int) -> dict[str, Any]:
    """Trading days, holidays (weekdays without trading) and special days of one month."""
    from yeouido.krx import holiday, is_trading_day, special_day

    days = [
        date(year, month, number)
        for number in range(1, month_calendar.monthrange(year, month)[1] + 1)
    ]
    trading = [day for day in days if is_trading_day(day)]
    holidays = [day for day in days if day.weekday() < 5 and day not in trading]
    specials = [
        {"date": day, "reason": special.reason}
        for day in trading
        if (special := special_day(day)) is not None
    ]
    notes = [
        {"date": day, "reason": known.reason, "confirmed": known.confirmed}
        for day in holidays
        if (known := holiday(day)) is not None
    ]
    return {
        "month": f"{year:04d}-{month:02d}",
        "trading_days": trading,
        "holidays": holidays,
        "holiday_notes": notes,
        "special_days": specials,
    }


def render_month(data: dict[str, Any]) -> None:
    """Print a month grid: trading days plain, holidays red, special days marked ``*``."""
    from rich.table import Table

    year, month = (int(part) for part in data["month"].split("-"))
    trading = set(data["trading_days"])
    special = {item["date"] for item in data["special_days"]}
    table = Table(title=f"KRX {data['month']}", title_justify="left")
    for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        table.add_column(name, justify="right")
    for week in month_calendar.Calendar().monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append("")
            elif day in special:
                cells.append(f"[bold yellow]{day.day}*[/]")
            elif day in trading:
                cells.append(str(day.day))
            else:
                cells.append(f"[dim red]{day.day}[/]")
        table.add_row(*cells)
    console.print(table)
    console.print(f"{len(trading)} trading days")
    for item in data["special_days"]:
        console.print(f"  * {item['date']:%m-%d}: {item['reason']}")
    if data["holidays"]:
        listed = ", ".join(f"{day:%m-%d}" for day in data["holidays"])
        console.print(f"  weekday holidays: {listed}")
    for item in data["holiday_notes"]:
        console.print(f"  - {item['date']:%m-%d}: {item['reason']}", highlight=False)


def calendar(
    month: str | None = typer.Argument(None, help="YYYY-MM (default: this month)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Trading days and special sessions of a month."""
    with reported_errors(as_json):
        data = month_data(*parse_month(month))
    if as_json:
        print_json(data)
    else:
        render_month(data)
