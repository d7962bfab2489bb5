"""KIS payloads → the domain model: REST outputs and websocket frames.

Pure functions, no I/O. Numbers travel as strings (``""`` means zero); times are KST.
Websocket records are parsed by position using the field lists of
:mod:`yeouido.brokers.kis.protocol`, tolerating extra trailing fields (KIS adds fields
without notice: the fill notice grew from 23 to 26 in 2025).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import numpy as np
import pandas as pd
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from yeouido.brokers.base import BAR_INDEX_DTYPE
from yeouido.brokers.kis import protocol as p
from yeouido.model.account import Balance, Position
from yeouido.model.enums import Side
from yeouido.model.errors import InvalidInput
from yeouido.model.market_data import BookLevel, OrderBook, Quote, Trade
from yeouido.model.time import SEOUL

Row = Mapping[str, Any]

_TRADE_INDEX: Final = {name: i for i, name in enumerate(p.H0STCNT0_FIELDS)}
_BOOK_INDEX: Final = {name: i for i, name in enumerate(p.H0STASP0_FIELDS)}
_NOTICE_INDEX: Final = {name: i for i, name in enumerate(p.H0STCNI0_FIELDS)}
_T_CODE, _T_HOUR, _T_PRICE = (
    _TRADE_INDEX[n] for n in ("MKSC_SHRN_ISCD", "STCK_CNTG_HOUR", "STCK_PRPR")
)
_T_VOLUME, _T_SIDE, _T_DATE = (_TRADE_INDEX[n] for n in ("CNTG_VOL", "CCLD_DVSN", "BSOP_DATE"))
_T_ACML = _TRADE_INDEX["ACML_VOL"]
_ASK0, _BID0 = _BOOK_INDEX["ASKP1"], _BOOK_INDEX["BIDP1"]
_ASKQ0, _BIDQ0 = _BOOK_INDEX["ASKP_RSQN1"], _BOOK_INDEX["BIDP_RSQN1"]
_B_ANTC_PRICE, _B_ANTC_QTY = _BOOK_INDEX["ANTC_CNPR"], _BOOK_INDEX["ANTC_CNQN"]
MIN_NOTICE_FIELDS: Final = 23
AGGRESSOR: Final[dict[str, Side]] = {"1": Side.BUY, "5": Side.SELL}
"""``CCLD_DVSN``: 1 buy-initiated (매수체결), 5 sell-initiated (매도체결), 3 auction."""


# -- scalars -----------------------------------------------------------------------------------
def to_int(value: Any) -> int:
    """A KIS number (``"00012300"``, ``"-5"``, ``"1.0"``, ``""``) as an int (``""`` → 0)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text:
        return 0
    try:
        return int(text)
    except ValueError:
        try:
            return int(Decimal(text))
        except InvalidOperation:
            raise InvalidInput.for_field("number", text, "not a KIS number") from None


def to_decimal(value: Any) -> Decimal:
    """A KIS decimal number (``""`` → 0)."""
    text = "" if value is None else str(value).strip()
    try:
        return Decimal(text) if text else Decimal(0)
    except InvalidOperation:
        raise InvalidInput.for_field("number", text, "not a KIS number") from None


def optional_price(value: Any) -> int | None:
    """A price, ``None`` when zero or empty (KIS sends 0 for "no quote")."""
    number = to_int(value)
    return number if number > 0 else None


def kst(day: str | date, hhmmss: str = "000000") -> datetime:
    """``YYYYMMDD`` (or a date) and ``HHMMSS`` as an aware Seoul datetime."""
    if isinstance(day, str):
        year, month, dom = int(day[:4]), int(day[4:6]), int(day[6:8])
    else:
        year, month, dom = day.year, day.month, day.day
    text = (hhmmss or "000000").strip().ljust(6, "0")
    return datetime(year, month, dom, int(text[:2]), int(text[2:4]), int(text[4:6]), tzinfo=SEOUL)


def output_rows(body: Row, key: str) -> list[Row]:
    """``body[key]`` as a list of rows (KIS sends a dict where one row is expected)."""
    value = body.get(key)
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    return [row for row in value if isinstance(row, dict)]


# -- REST -------------------------------------------------------------------------------------
def parse_quote(code: str, price: Row, book: Row | None, at: datetime) -> Quote:
    """A :class:`Quote` from ``inquire-price`` output (and the orderbook's first level)."""
    bid = optional_price(price.get("bidp1") or price.get("bidp"))
    ask = optional_price(price.get("askp1") or price.get("askp"))
    bid_size = to_int(price.get("bidp_rsqn1"))
    ask_size = to_int(price.get("askp_rsqn1"))
    if book is not None:
        bid = optional_price(book.get("bidp1")) or bid
        ask = optional_price(book.get("askp1")) or ask
        bid_size = to_int(book.get("bidp_rsqn1")) or bid_size
        ask_size = to_int(book.get("askp_rsqn1")) or ask_size
    return Quote(
        code=code,
        time=at,
        last=optional_price(price.get("stck_prpr")),
        bid=bid,
        ask=ask,
        bid_size=bid_size,
        ask_size=ask_size,
        volume=to_int(price.get("acml_vol")),
        previous_close=optional_price(price.get("stck_sdpr")) or _previous_close(price),
        base_price=optional_price(price.get("stck_sdpr")),
        limits=_limits(price),
    )


def _limits(price: Row) -> tuple[int, int] | None:
    """The day's (하한가 ``stck_llam``, 상한가 ``stck_mxpr``), when both are given."""
    lower, upper = optional_price(price.get("stck_llam")), optional_price(price.get("stck_mxpr"))
    return (lower, upper) if lower and upper and lower <= upper else None


def _previous_close(price: Row) -> int | None:
    last, change = to_int(price.get("stck_prpr")), to_int(price.get("prdy_vrss"))
    return last - change if last and price.get("prdy_vrss") not in (None, "") else None


def parse_orderbook(code: str, output1: Row, output2: Row | None, at: datetime) -> OrderBook:
    """An :class:`OrderBook` from ``inquire-asking-price-exp-ccn`` (output1 levels, output2
    expected auction price)."""
    hour = str(output1.get("aspr_acpt_hour") or "").strip()
    if len(hour) == 6 and hour.isdigit():
        at = kst(at.astimezone(SEOUL).date(), hour)
    asks = tuple(
        BookLevel(price, to_int(output1.get(f"askp_rsqn{i}")))
        for i in range(1, 11)
        if (price := to_int(output1.get(f"askp{i}"))) > 0
    )
    bids = tuple(
        BookLevel(price, to_int(output1.get(f"bidp_rsqn{i}")))
        for i in range(1, 11)
        if (price := to_int(output1.get(f"bidp{i}"))) > 0
    )
    expected = optional_price((output2 or {}).get("antc_cnpr"))
    quantity = to_int((output2 or {}).get("antc_cnqn")) if expected else None
    return OrderBook(code, at, bids, asks, expected, quantity or None)


BAR_COLUMNS: Final = ("open", "high", "low", "close", "volume")


def parse_daily_bars(rows: Iterable[Row]) -> pd.DataFrame:
    """Daily bars from ``inquire-daily-itemchartprice`` ``output2`` (newest first on the
    wire; returned oldest first)."""
    records = []
    for row in rows:
        day = str(row.get("stck_bsop_date") or "").strip()
        if len(day) != 8:
            continue
        records.append(
            (
                kst(day),
                to_int(row.get("stck_oprc")),
                to_int(row.get("stck_hgpr")),
                to_int(row.get("stck_lwpr")),
                to_int(row.get("stck_clpr") or row.get("stck_prpr")),
                to_int(row.get("acml_vol")),
            )
        )
    return _frame(records)


def parse_minute_bars(rows: Iterable[Row]) -> pd.DataFrame:
    """Minute bars from ``inquire-time-itemchartprice`` ``output2`` (oldest first)."""
    records = []
    for row in rows:
        day = str(row.get("stck_bsop_date") or "").strip()
        hour = str(row.get("stck_cntg_hour") or "").strip()
        if len(day) != 8 or not hour:
            continue
        records.append(
            (
                kst(day, hour),
                to_int(row.get("stck_oprc")),
                to_int(row.get("stck_hgpr")),
                to_int(row.get("stck_lwpr")),
                to_int(row.get("stck_prpr") or row.get("stck_clpr")),
                to_int(row.get("cntg_vol")),
            )
        )
    return _frame(records)


def _frame(records: list[tuple[datetime, int, int, int, int, int]]) -> pd.DataFrame:
    records = sorted({record[0]: record for record in records}.values())
    return pd.DataFrame(
        {
            name: np.array([record[i + 1] for record in records], dtype=np.int64)
            for i, name in enumerate(BAR_COLUMNS)
        },
        index=pd.DatetimeIndex(
            [record[0] for record in records], name="time", dtype=BAR_INDEX_DTYPE
        ),
    )


def parse_positions(rows: Iterable[Row]) -> list[Position]:
    """Holdings from ``inquire-balance`` ``output1`` (rows with no quantity are dropped)."""
    positions = []
    for row in rows:
        quantity = to_int(row.get("hldg_qty"))
        if quantity == 0:
            continue
        positions.append(
            Position(
                code=str(row.get("pdno") or "").strip(),
                quantity=quantity,
                average_price=to_decimal(row.get("pchs_avg_pric")),
                last_price=optional_price(row.get("prpr")),
                sellable_quantity=to_int(row.get("ord_psbl_qty")),
            )
        )
    return positions


def parse_balance(totals: Row, at: datetime, buying_power: int | None = None) -> Balance:
    """Cash from ``inquire-balance`` ``output2``: deposit, D+1, D+2; buying power from
    ``inquire-psbl-order`` when given, else the D+2 deposit."""
    d2 = to_int(totals.get("prvs_rcdl_excc_amt"))
    return Balance(
        cash=to_int(totals.get("dnca_tot_amt")),
        settlement_d1=to_int(totals.get("nxdy_excc_amt")),
        settlement_d2=d2,
        buying_power=buying_power if buying_power is not None else d2,
        time=at,
    )


@dataclass(frozen=True, slots=True)
class CcldRow:
    """One row of ``inquire-daily-ccld``: an order, or a modify/cancel of one."""

    odno: str
    original_odno: str
    code: str
    side: Side
    quantity: int
    price: int
    filled_quantity: int
    filled_amount: int
    average_price: Decimal
    remaining: int
    canceled: bool
    cancel_confirmed: int
    rejected: int
    time: datetime
    division: str

    @property
    def is_change(self) -> bool:
        """Whether this row is a modify or cancel of an earlier order."""
        return bool(self.original_odno.strip("0"))


def parse_ccld_row(row: Row) -> CcldRow:
    """One ``inquire-daily-ccld`` ``output1`` row."""
    day = str(row.get("ord_dt") or "").strip()
    hour = str(row.get("ord_tmd") or "").strip()
    filled = to_int(row.get("tot_ccld_qty"))
    amount = to_int(row.get("tot_ccld_amt"))
    average = to_decimal(row.get("avg_prvs"))
    if not amount and filled:
        amount = int(average * filled)
    side = p.SIDE_BY_CODE.get(str(row.get("sll_buy_dvsn_cd") or "").strip(), Side.BUY)
    return CcldRow(
        odno=str(row.get("odno") or "").strip(),
        original_odno=str(row.get("orgn_odno") or "").strip(),
        code=str(row.get("pdno") or "").strip(),
        side=side,
        quantity=to_int(row.get("ord_qty")),
        price=to_int(row.get("ord_unpr")),
        filled_quantity=filled,
        filled_amount=amount,
        average_price=average,
        remaining=to_int(row.get("rmn_qty")),
        canceled=str(row.get("cncl_yn") or "").strip().upper() == "Y",
        cancel_confirmed=to_int(row.get("cnc_cfrm_qty")),
        rejected=to_int(row.get("rjct_qty")),
        time=kst(day, hour) if len(day) == 8 else kst(date.today(), hour),
        division=str(row.get("ord_dvsn_cd") or "").strip(),
    )


# -- websocket -----------------------------------------------------------------------------------
def decrypt(cipher_text: str, key: str, iv: str) -> str:
    """base64 → AES-256-CBC (ASCII key and iv from the subscribe reply) → PKCS#7 → text."""
    decryptor = Cipher(
        algorithms.AES(key.encode("ascii")), modes.CBC(iv.encode("ascii"))
    ).decryptor()
    data = decryptor.update(base64.b64decode(cipher_text)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")


def split_frame_records(payload: str, count: int, width: int) -> list[list[str]]:
    """The records of a frame payload; one record keeps every field (tolerating new trailing
    fields), several are cut ``width`` wide."""
    return p.split_records(payload, count, width)


def split_frame(text: str) -> tuple[bool, str, int, str]:
    """A data frame's parts ``(encrypted, tr_id, count, payload)`` (the websocket hot path;
    :func:`protocol.parse_data_frame` is the validating form)."""
    parts = text.split("|", 3)
    if len(parts) != 4 or not parts[2].isdigit():
        raise InvalidInput.for_field("frame", text[:40], "must be 0|TR_ID|NNN|payload")
    return parts[0] == "1", parts[1], int(parts[2]), parts[3]


class TradeParser:
    """H0STCNT0 records → :class:`Trade` (caches the time of the last day and second seen:
    ticks arrive many to a second)."""

    def __init__(self) -> None:
        self._stamp = ""
        self._time = datetime(1970, 1, 1, tzinfo=SEOUL)

    def parse(self, fields: list[str]) -> Trade:
        """One record (46 or more fields)."""
        if len(fields) <= _T_DATE:
            raise InvalidInput.for_field(
                "H0STCNT0", len(fields), f"needs at least {_T_DATE + 1} fields"
            )
        stamp = fields[_T_DATE] + fields[_T_HOUR]
        if stamp != self._stamp:
            self._time = datetime(
                int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]),
                int(stamp[8:10]), int(stamp[10:12]), int(stamp[12:14]), tzinfo=SEOUL,
            )  # fmt: skip
            self._stamp = stamp
        return Trade(
            fields[_T_CODE],
            self._time,
            int(fields[_T_PRICE]),
            int(fields[_T_VOLUME]),
            AGGRESSOR.get(fields[_T_SIDE]),
            "",
            int(fields[_T_ACML] or 0),
        )

    def parse_payload(self, payload: str, count: int) -> list[Trade]:
        """Every record of one frame."""
        if count <= 1:
            return [self.parse(payload.split("^"))]
        fields = payload.split("^")
        width = len(p.H0STCNT0_FIELDS)
        if len(fields) % count == 0:
            width = len(fields) // count
        return [self.parse(fields[i * width : (i + 1) * width]) for i in range(count)]


def parse_book_record(fields: list[str], day: date) -> OrderBook:
    """One H0STASP0 record (59 or more fields) as an :class:`OrderBook` of ``day``."""
    if len(fields) < _B_ANTC_QTY + 1:
        raise InvalidInput.for_field("H0STASP0", len(fields), f"needs {_B_ANTC_QTY + 1} fields")
    asks = tuple(
        BookLevel(int(fields[_ASK0 + i]), int(fields[_ASKQ0 + i] or 0))
        for i in range(10)
        if fields[_ASK0 + i] and int(fields[_ASK0 + i]) > 0
    )
    bids = tuple(
        BookLevel(int(fields[_BID0 + i]), int(fields[_BIDQ0 + i] or 0))
        for i in range(10)
        if fields[_BID0 + i] and int(fields[_BID0 + i]) > 0
    )
    expected = optional_price(fields[_B_ANTC_PRICE])
    quantity = to_int(fields[_B_ANTC_QTY]) if expected else None
    return OrderBook(fields[0], kst(day, fields[1]), bids, asks, expected, quantity or None)


def parse_book_payload(payload: str, count: int, day: date) -> list[OrderBook]:
    """Every record of one H0STASP0 frame."""
    fields = payload.split("^")
    if count <= 1:
        return [parse_book_record(fields, day)]
    width = len(fields) // count if len(fields) % count == 0 else len(p.H0STASP0_FIELDS)
    return [parse_book_record(fields[i * width : (i + 1) * width], day) for i in range(count)]


@dataclass(frozen=True, slots=True)
class Notice:
    """An H0STCNI0/H0STCNI9 order or fill notice."""

    account: str
    odno: str
    original_odno: str
    side: Side
    change: str
    """``RCTF_CLS``: 0 new, 1 modify, 2 cancel."""
    division: str
    code: str
    quantity: int
    """``CNTG_QTY``: the fill's quantity (fills) or the order's (other notices)."""
    price: int
    time: datetime
    refused: bool
    is_fill: bool
    accepted: str
    """``ACPT_YN``: 1 accepted, 2 confirmed, 3 refused/expired."""
    order_quantity: int
    order_price: int


def parse_notice(fields: list[str], day: date) -> Notice:
    """One decrypted notice record (23 fields before 2025, 26 now, more tolerated)."""
    if len(fields) < MIN_NOTICE_FIELDS:
        raise InvalidInput.for_field(
            "H0STCNI0", len(fields), f"needs at least {MIN_NOTICE_FIELDS} fields"
        )

    def get(name: str) -> str:
        index = _NOTICE_INDEX[name]
        return fields[index].strip() if index < len(fields) else ""

    quantity = to_int(get("CNTG_QTY"))
    return Notice(
        account=get("ACNT_NO"),
        odno=get("ODER_NO"),
        original_odno=get("OODER_NO"),
        side=p.SIDE_BY_CODE.get(get("SELN_BYOV_CLS"), Side.BUY),
        change=get("RCTF_CLS") or p.RCTF_NEW,
        division=get("ODER_KIND"),
        code=get("STCK_SHRN_ISCD"),
        quantity=quantity,
        price=to_int(get("CNTG_UNPR")),
        time=kst(day, get("STCK_CNTG_HOUR")),
        refused=get("RFUS_YN") == "1",
        is_fill=get("CNTG_YN") == p.NOTICE_FILL,
        accepted=get("ACPT_YN"),
        order_quantity=to_int(get("ODER_QTY")) or quantity,
        order_price=to_int(get("ODER_PRC")),
    )


def parse_notice_payload(payload: str, count: int, day: date) -> list[Notice]:
    """Every record of one decrypted notice frame."""
    fields = payload.split("^")
    if count <= 1:
        return [parse_notice(fields, day)]
    width = len(fields) // count if len(fields) % count == 0 else len(p.H0STCNI0_FIELDS)
    return [parse_notice(fields[i * width : (i + 1) * width], day) for i in range(count)]
