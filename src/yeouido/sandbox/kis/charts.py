"""Chart REST handlers of the KIS sandbox: daily/weekly/monthly/yearly bars and minute bars.

The bars come from the paper back office's history (:mod:`yeouido.brokers.paper.history`):
the days before the simulated day from the user's bar store or the deterministic synthetic
history, then the simulated day (its row carries the live figures of ``inquire-price``).

As on real KIS:

- ``inquire-daily-itemchartprice`` (FHKST03010100) returns the newest 100 rows between
  ``FID_INPUT_DATE_1`` and ``FID_INPUT_DATE_2`` (``00000101`` means "from the start"),
  newest first; clients page backwards by moving ``FID_INPUT_DATE_2`` before the oldest row.
  ``FID_PERIOD_DIV_CODE`` D/W/M/Y picks days, weeks, months or years (a period's row is dated
  on its last trading day); ``FID_ORG_ADJ_PRC`` 0 adjusted / 1 raw prices.
- ``inquire-daily-price`` (FHKST01010400) returns the last 30 days, weeks or months.
- ``inquire-time-itemchartprice`` (FHKST03010200) returns the 30 minute bars of the day at or
  before ``FID_INPUT_HOUR_1``, newest first; ``inquire-time-dailychartprice`` (FHKST03010230)
  120 of them.

Every response carries the field list of KIS's official samples (see ``DAILY_CHART_SUMMARY``
and friends), no more and no fewer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Final

from yeouido.brokers.kis.protocol import INVALID_INPUT
from yeouido.exchange.history import PERIODS, Period, aggregate_bars
from yeouido.model.market_data import Bar
from yeouido.model.time import SEOUL
from yeouido.sandbox.kis.context import Call, Handler, Reply
from yeouido.sandbox.kis.envelope import KisFailure, num, rate, sign
from yeouido.sandbox.kis.quotations import _code
from yeouido.sandbox.kis.snapshot import Snapshot

DAILY_CHART_ROWS: Final = 100
"""Rows per ``inquire-daily-itemchartprice`` call."""
DAILY_PRICE_ROWS: Final = 30
"""Rows of ``inquire-daily-price``."""
MINUTE_CHART_ROWS: Final = 30
"""Rows per ``inquire-time-itemchartprice`` call."""
DAY_MINUTE_ROWS: Final = 120
"""Rows per ``inquire-time-dailychartprice`` call."""

DAILY_CHART_SUMMARY: Final = (
    "prdy_vrss",
    "prdy_vrss_sign",
    "prdy_ctrt",
    "stck_prdy_clpr",
    "acml_vol",
    "acml_tr_pbmn",
    "hts_kor_isnm",
    "stck_prpr",
    "stck_shrn_iscd",
    "prdy_vol",
    "stck_mxpr",
    "stck_llam",
    "stck_oprc",
    "stck_hgpr",
    "stck_lwpr",
    "stck_prdy_oprc",
    "stck_prdy_hgpr",
    "stck_prdy_lwpr",
    "askp",
    "bidp",
    "prdy_vrss_vol",
    "vol_tnrt",
    "stck_fcam",
    "lstn_stcn",
    "cpfn",
    "hts_avls",
    "per",
    "eps",
    "pbr",
    "itewhol_loan_rmnd_ratem",
)
"""``output1`` of FHKST03010100 (official sample field list)."""

DAILY_CHART_ROW: Final = (
    "stck_bsop_date",
    "stck_clpr",
    "stck_oprc",
    "stck_hgpr",
    "stck_lwpr",
    "acml_vol",
    "acml_tr_pbmn",
    "flng_cls_code",
    "prtt_rate",
    "mod_yn",
    "prdy_vrss_sign",
    "prdy_vrss",
    "revl_issu_reas",
)
"""``output2`` rows of FHKST03010100."""

DAILY_PRICE_ROW: Final = (
    "stck_bsop_date",
    "stck_oprc",
    "stck_hgpr",
    "stck_lwpr",
    "stck_clpr",
    "acml_vol",
    "prdy_vrss_vol_rate",
    "prdy_vrss",
    "prdy_vrss_sign",
    "prdy_ctrt",
    "hts_frgn_ehrt",
    "frgn_ntby_qty",
    "flng_cls_code",
    "acml_prtt_rate",
)
"""``output`` rows of FHKST01010400."""

MINUTE_CHART_SUMMARY: Final = (
    "prdy_vrss",
    "prdy_vrss_sign",
    "prdy_ctrt",
    "stck_prdy_clpr",
    "acml_vol",
    "acml_tr_pbmn",
    "hts_kor_isnm",
    "stck_prpr",
)
"""``output1`` of FHKST03010200 and FHKST03010230."""

MINUTE_CHART_ROW: Final = (
    "stck_bsop_date",
    "stck_cntg_hour",
    "stck_prpr",
    "stck_oprc",
    "stck_hgpr",
    "stck_lwpr",
    "cntg_vol",
    "acml_tr_pbmn",
)
"""``output2`` rows of FHKST03010200 and FHKST03010230."""

_FROM_THE_START: Final = date(1, 1, 1)


def _input_date(call: Call, name: str, default: date) -> date:
    """A ``YYYYMMDD`` input; year 0 (``00000101``) means the earliest day."""
    text = call.get(name)
    if not text:
        return default
    if len(text) == 8 and text.isdigit() and text.startswith("0000"):
        return _FROM_THE_START
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise KisFailure(INVALID_INPUT, f"ERROR : INPUT INVALID_CHECK {name}") from None


def _period(call: Call, allowed: Sequence[str]) -> Period:
    text = call.get("FID_PERIOD_DIV_CODE", "D").upper() or "D"
    for period in PERIODS:
        if text == period and period in allowed:
            return period
    raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK FID_PERIOD_DIV_CODE")


def _adjusted(call: Call) -> bool:
    text = call.get("FID_ORG_ADJ_PRC", "0") or "0"
    if text not in ("0", "1"):
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK FID_ORG_ADJ_PRC")
    return text == "0"


def _hour(call: Call, default: str) -> str:
    text = call.get("FID_INPUT_HOUR_1") or default
    if len(text) != 6 or not text.isdigit():
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK FID_INPUT_HOUR_1")
    return text


def today_bar(s: Snapshot) -> Bar:
    """The simulated day's daily bar from the live figures (the base price before a trade)."""
    open_, high, low = s.ohlc()
    high, low = max(high, s.price), min(low, s.price)
    return Bar(
        s.code,
        datetime.combine(s.day, time(0), SEOUL),
        open_,
        high,
        low,
        s.price,
        s.volume,
        "1d",
        value=s.value,
    )


def daily_bars(call: Call, s: Snapshot, adjusted: bool) -> list[Bar]:
    """The past daily bars and the simulated day's, oldest first."""
    past = call.account.office.history.past(s.code, adjusted)
    return [*past, today_bar(s)]


def _change(close: int, previous: int | None) -> tuple[int, str, str]:
    if not previous:
        return 0, "3", "0.00"
    change = close - previous
    return change, sign(change), rate(change * 100 / previous)


def _previous_closes(days: Sequence[Bar], rows: Sequence[Bar]) -> list[int | None]:
    """For each (possibly rolled-up) row, the close of the trading day before its first."""
    index = {bar.time.date(): i for i, bar in enumerate(days)}
    closes: list[int | None] = []
    first = 0
    for row in rows:
        last = index[row.time.date()]
        closes.append(int(days[first - 1].close) if first > 0 else None)
        first = last + 1
    return closes


def _window(days: Sequence[Bar], start: date, end: date) -> tuple[list[Bar], int]:
    """The daily bars from ``start`` to ``end`` and the index of the first in ``days``."""
    first = next((i for i, bar in enumerate(days) if bar.time.date() >= start), len(days))
    chosen = [bar for bar in days[first:] if bar.time.date() <= end]
    return chosen, first


def _rows_with_previous(
    days: Sequence[Bar], start: date, end: date, period: Period
) -> list[tuple[Bar, int | None]]:
    """Rows of ``period`` covering ``start``..``end`` (oldest first), each with the close
    before its first day."""
    chosen, first = _window(days, start, end)
    rows = aggregate_bars(chosen, period)
    previous = _previous_closes(chosen, rows)
    if previous and first > 0:
        previous[0] = int(days[first - 1].close)
    return list(zip(rows, previous, strict=True))


def _chart_row(bar: Bar, previous: int | None) -> dict[str, str]:
    change, change_sign, _ = _change(int(bar.close), previous)
    row = {
        "stck_bsop_date": bar.time.strftime("%Y%m%d"),
        "stck_clpr": num(bar.close),
        "stck_oprc": num(bar.open),
        "stck_hgpr": num(bar.high),
        "stck_lwpr": num(bar.low),
        "acml_vol": num(bar.volume),
        "acml_tr_pbmn": num(bar.value),
        "flng_cls_code": "00",
        "prtt_rate": "0.00",
        "mod_yn": "N",
        "prdy_vrss_sign": change_sign,
        "prdy_vrss": num(change),
        "revl_issu_reas": "",
    }
    return {name: row[name] for name in DAILY_CHART_ROW}


def fundamental_fields(s: Snapshot) -> dict[str, str]:
    """``stck_fcam lstn_stcn cpfn hts_avls per eps pbr vol_tnrt`` and the margin-loan ratio.

    The instrument master carries no fundamentals yet, so these read "0" (the simulated
    market has no margin loans: ``itewhol_loan_rmnd_ratem`` is truly 0)."""
    return {
        "stck_fcam": "0",
        "lstn_stcn": "0",
        "cpfn": "0",
        "hts_avls": "0",
        "per": "0.00",
        "eps": "0.00",
        "pbr": "0.00",
        "vol_tnrt": "0.00",
        "itewhol_loan_rmnd_ratem": "0.00",
    }


def _daily_summary(s: Snapshot, previous_day: Bar | None) -> dict[str, str]:
    open_, high, low = s.ohlc()
    previous_volume = previous_day.volume if previous_day is not None else 0
    output = {
        "prdy_vrss": num(s.change),
        "prdy_vrss_sign": s.sign,
        "prdy_ctrt": s.change_rate,
        "stck_prdy_clpr": num(s.base),
        "acml_vol": num(s.volume),
        "acml_tr_pbmn": num(s.value),
        "hts_kor_isnm": s.instrument.name,
        "stck_prpr": num(s.price),
        "stck_shrn_iscd": s.code,
        "prdy_vol": num(previous_volume),
        "stck_mxpr": num(s.upper),
        "stck_llam": num(s.lower),
        "stck_oprc": num(open_),
        "stck_hgpr": num(high),
        "stck_lwpr": num(low),
        "stck_prdy_oprc": num(previous_day.open if previous_day else 0),
        "stck_prdy_hgpr": num(previous_day.high if previous_day else 0),
        "stck_prdy_lwpr": num(previous_day.low if previous_day else 0),
        "askp": num(s.quote.ask or 0),
        "bidp": num(s.quote.bid or 0),
        "prdy_vrss_vol": num(s.volume - previous_volume),
        **fundamental_fields(s),
    }
    return {name: output[name] for name in DAILY_CHART_SUMMARY}


async def inquire_daily_itemchartprice(call: Call) -> Reply:
    """FHKST03010100: D/W/M/Y bars from ``FID_INPUT_DATE_1`` to ``FID_INPUT_DATE_2``, the
    newest 100, newest first."""
    s = Snapshot(call.account, _code(call))
    period = _period(call, PERIODS)
    adjusted = _adjusted(call)
    start = _input_date(call, "FID_INPUT_DATE_1", _FROM_THE_START)
    end = _input_date(call, "FID_INPUT_DATE_2", s.day)
    if start > end:
        raise KisFailure(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK FID_INPUT_DATE_1")
    days = daily_bars(call, s, adjusted)
    rows = _rows_with_previous(days, start, end, period)[-DAILY_CHART_ROWS:]
    output2 = [_chart_row(bar, previous) for bar, previous in reversed(rows)]
    previous_day = days[-2] if len(days) > 1 else None
    return Reply(call.ok(output1=_daily_summary(s, previous_day), output2=output2))


def _daily_price_row(bar: Bar, previous: int | None, previous_volume: int | None) -> dict[str, str]:
    change, change_sign, change_rate = _change(int(bar.close), previous)
    volume_rate = (bar.volume - previous_volume) * 100 / previous_volume if previous_volume else 0
    row = {
        "stck_bsop_date": bar.time.strftime("%Y%m%d"),
        "stck_oprc": num(bar.open),
        "stck_hgpr": num(bar.high),
        "stck_lwpr": num(bar.low),
        "stck_clpr": num(bar.close),
        "acml_vol": num(bar.volume),
        "prdy_vrss_vol_rate": rate(volume_rate),
        "prdy_vrss": num(change),
        "prdy_vrss_sign": change_sign,
        "prdy_ctrt": change_rate,
        "hts_frgn_ehrt": "0.00",
        "frgn_ntby_qty": "0",
        "flng_cls_code": "00",
        "acml_prtt_rate": "0.00",
    }
    return {name: row[name] for name in DAILY_PRICE_ROW}


async def inquire_daily_price(call: Call) -> Reply:
    """FHKST01010400: the last 30 days, weeks or months, newest first."""
    s = Snapshot(call.account, _code(call))
    period = _period(call, ("D", "W", "M"))
    days = daily_bars(call, s, _adjusted(call))
    rows = _rows_with_previous(days, _FROM_THE_START, s.day, period)[-(DAILY_PRICE_ROWS + 1) :]
    output = []
    for i in range(len(rows) - 1, max(len(rows) - 1 - DAILY_PRICE_ROWS, -1), -1):
        bar, previous = rows[i]
        previous_volume = rows[i - 1][0].volume if i > 0 else None
        output.append(_daily_price_row(bar, previous, previous_volume))
    return Reply(call.ok(output=output))


def _minute_summary(s: Snapshot) -> dict[str, str]:
    output = {
        "prdy_vrss": num(s.change),
        "prdy_vrss_sign": s.sign,
        "prdy_ctrt": s.change_rate,
        "stck_prdy_clpr": num(s.base),
        "acml_vol": num(s.volume),
        "acml_tr_pbmn": num(s.value),
        "hts_kor_isnm": s.instrument.name,
        "stck_prpr": num(s.price),
    }
    return {name: output[name] for name in MINUTE_CHART_SUMMARY}


def _minute_rows(call: Call, s: Snapshot, until: str, limit: int) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for bar in reversed(call.account.office.history.minutes(s.code)):
        hour = bar.time.strftime("%H%M%S")
        if hour > until:
            continue
        rows.append(
            {
                "stck_bsop_date": bar.time.strftime("%Y%m%d"),
                "stck_cntg_hour": hour,
                "stck_prpr": num(bar.close),
                "stck_oprc": num(bar.open),
                "stck_hgpr": num(bar.high),
                "stck_lwpr": num(bar.low),
                "cntg_vol": num(bar.volume),
                "acml_tr_pbmn": num(bar.value or int(bar.close) * bar.volume),
            }
        )
        if len(rows) >= limit:
            break
    return rows


async def inquire_time_itemchartprice(call: Call) -> Reply:
    """FHKST03010200: the day's minute bars at or before ``FID_INPUT_HOUR_1``, newest first,
    30 a call."""
    s = Snapshot(call.account, _code(call))
    until = _hour(call, s.now.strftime("%H%M%S"))
    rows = _minute_rows(call, s, until, MINUTE_CHART_ROWS)
    return Reply(call.ok(output1=_minute_summary(s), output2=rows))


async def inquire_time_dailychartprice(call: Call) -> Reply:
    """FHKST03010230: a day's minute bars at or before ``FID_INPUT_HOUR_1``, 120 a call (the
    simulated day only: past days have no minute bars)."""
    s = Snapshot(call.account, _code(call))
    day = _input_date(call, "FID_INPUT_DATE_1", s.day)
    until = _hour(call, s.now.strftime("%H%M%S"))
    rows = _minute_rows(call, s, until, DAY_MINUTE_ROWS) if day == s.day else []
    return Reply(call.ok(output1=_minute_summary(s), output2=rows))


CHART_HANDLERS: dict[str, Handler] = {
    "inquire-daily-price": inquire_daily_price,
    "inquire-daily-itemchartprice": inquire_daily_itemchartprice,
    "inquire-time-itemchartprice": inquire_time_itemchartprice,
    "inquire-time-dailychartprice": inquire_time_dailychartprice,
}
"""Chart handlers by endpoint name."""
