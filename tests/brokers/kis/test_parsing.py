"""Parsing and mapping of KIS payloads, from the reference's field lists (no network)."""

from __future__ import annotations

from datetime import date

import pytest

from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.errors import (
    KisServerError,
    error_from_response,
    is_token_error,
    retryable,
    retryable_order,
)
from yeouido.brokers.kis.execution import trade_id
from yeouido.brokers.kis.parsing import (
    TradeParser,
    decrypt,
    parse_book_payload,
    parse_ccld_row,
    parse_notice,
    parse_notice_payload,
    to_int,
)
from yeouido.model.enums import Side
from yeouido.model.errors import (
    AuthError,
    ConnectionFailed,
    InsufficientFunds,
    InvalidInput,
    NotSupported,
    RateLimited,
)
from yeouido.sandbox.kis.aes import encrypt

DAY = date(2026, 11, 24)


def trade_fields(code: str = "005930", price: int = 70100, volume: int = 7) -> list[str]:
    values = dict.fromkeys(p.H0STCNT0_FIELDS, "0")
    values.update(
        MKSC_SHRN_ISCD=code,
        STCK_CNTG_HOUR="093015",
        STCK_PRPR=str(price),
        CNTG_VOL=str(volume),
        CCLD_DVSN="1",
        BSOP_DATE="20261124",
        ACML_VOL="1234",
    )
    return [values[name] for name in p.H0STCNT0_FIELDS]


def notice_fields(**overrides: str) -> list[str]:
    values = dict.fromkeys(p.H0STCNI0_FIELDS, "")
    values.update(
        CUST_ID="demoabcd", ACNT_NO="6123456701", ODER_NO="0000000007", OODER_NO="",
        SELN_BYOV_CLS="02", RCTF_CLS="0", ODER_KIND="00", STCK_SHRN_ISCD="005930",
        CNTG_QTY="3", CNTG_UNPR="70100", STCK_CNTG_HOUR="093016", RFUS_YN="0", CNTG_YN="2",
        ACPT_YN="2", ODER_QTY="10", ODER_PRC="70100",
    )  # fmt: skip
    values.update(overrides)
    return [values[name] for name in p.H0STCNI0_FIELDS]


def test_field_lists_have_the_documented_widths() -> None:
    assert (len(p.H0STCNT0_FIELDS), len(p.H0STASP0_FIELDS), len(p.H0STCNI0_FIELDS)) == (46, 59, 26)


def test_trade_frame_parses_by_position() -> None:
    frame = p.format_data_frame(p.WS_TRADE, [trade_fields(), trade_fields("000660", 180000, 2)])
    parsed = p.parse_data_frame(frame)
    trades = TradeParser().parse_payload(parsed.payload, parsed.count)
    assert [(t.code, t.price, t.quantity, t.aggressor) for t in trades] == [
        ("005930", 70100, 7, Side.BUY),
        ("000660", 180000, 2, Side.BUY),
    ]
    assert trades[0].time.isoformat() == "2026-11-24T09:30:15+09:00"


def test_trade_record_with_extra_trailing_fields_is_tolerated() -> None:
    fields = [*trade_fields(), "NEW1", "NEW2"]
    (trade,) = TradeParser().parse_payload("^".join(fields), 1)
    assert trade.price == 70100
    two = "^".join([*fields, *fields])
    assert [t.code for t in TradeParser().parse_payload(two, 2)] == ["005930", "005930"]


def test_book_frame_levels_and_expected_price() -> None:
    values = dict.fromkeys(p.H0STASP0_FIELDS, "0")
    values.update(MKSC_SHRN_ISCD="005930", BSOP_HOUR="090001", ANTC_CNPR="70000", ANTC_CNQN="55")
    for i in range(1, 11):
        values[f"ASKP{i}"] = str(70000 + 100 * i)
        values[f"BIDP{i}"] = str(70000 - 100 * (i - 1))
        values[f"ASKP_RSQN{i}"] = str(i)
        values[f"BIDP_RSQN{i}"] = str(10 * i)
    (book,) = parse_book_payload("^".join(values[n] for n in p.H0STASP0_FIELDS), 1, DAY)
    assert book.best_ask is not None and book.best_ask.price == 70100
    assert book.best_bid is not None and book.best_bid.quantity == 10
    assert (book.expected_price, book.expected_quantity) == (70000, 55)
    assert len(book.asks) == len(book.bids) == 10


@pytest.mark.parametrize("width", [23, 26, 30])
def test_notice_parses_23_26_or_more_fields(width: int) -> None:
    fields = notice_fields()
    fields = (fields + ["X"] * 10)[:width]
    notice = parse_notice(fields, DAY)
    assert notice.odno == "0000000007"
    assert notice.is_fill and notice.quantity == 3 and notice.price == 70100
    assert notice.side is Side.BUY
    assert notice.order_quantity == 10


def test_notice_with_too_few_fields_is_refused() -> None:
    with pytest.raises(InvalidInput, match="23"):
        parse_notice(notice_fields()[:10], DAY)


def test_encrypted_notice_round_trip() -> None:
    key, iv = "A" * 32, "B" * 16
    plain = "^".join(notice_fields(CNTG_QTY="5"))
    (notice,) = parse_notice_payload(decrypt(encrypt(plain, key, iv), key, iv), 1, DAY)
    assert notice.quantity == 5


def test_ccld_row() -> None:
    row = parse_ccld_row(
        {
            "ord_dt": "20261124", "odno": "0000000009", "orgn_odno": "", "pdno": "005930",
            "sll_buy_dvsn_cd": "01", "ord_qty": "10", "ord_unpr": "70000", "ord_tmd": "093000",
            "tot_ccld_qty": "4", "tot_ccld_amt": "280400", "avg_prvs": "70100", "rmn_qty": "6",
            "cncl_yn": "N", "cnc_cfrm_qty": "0", "rjct_qty": "0", "ord_dvsn_cd": "00",
        }
    )  # fmt: skip
    assert row.side is Side.SELL and row.filled_quantity == 4 and row.remaining == 6
    assert not row.is_change


def test_numbers() -> None:
    assert (to_int(""), to_int("00012300"), to_int("-5"), to_int("3.0")) == (0, 12300, -5, 3)


def test_trade_ids_start_with_the_date_and_are_unique_per_cumulative_quantity() -> None:
    first = trade_id(DAY, "20261124-093015123-0001-K7QX", 3)
    second = trade_id(DAY, "20261124-093015123-0001-K7QX", 10)
    assert first.startswith("20261124-") and first != second


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (
            500,
            {"rt_cd": "1", "msg_cd": "EGW00201", "msg1": "초당 거래건수를 초과하였습니다."},
            RateLimited,
        ),
        (
            500,
            {"rt_cd": "1", "msg_cd": "EGW00123", "msg1": "기간이 만료된 token 입니다."},
            AuthError,
        ),
        (403, {"error_code": "EGW00133", "error_description": "1분당 1회"}, RateLimited),
        (500, {"rt_cd": "1", "msg_cd": "EGW02004", "msg1": "mismatch"}, AuthError),
        (
            500,
            {"rt_cd": "1", "msg_cd": "EGW02006", "msg1": "모의투자 TR 이 아닙니다."},
            NotSupported,
        ),
        (
            200,
            {"rt_cd": "1", "msg_cd": "APBK0952", "msg1": "주문가능금액을 초과 했습니다"},
            InsufficientFunds,
        ),
        (502, None, KisServerError),
    ],
)
def test_error_table(status: int, body: object, cls: type[Exception]) -> None:
    error = error_from_response(status, body, tr_id="TTTC0012U", env="real")
    assert isinstance(error, cls)


def test_retry_classification() -> None:
    limited = error_from_response(500, {"rt_cd": "1", "msg_cd": "EGW00201", "msg1": ""})
    expired = error_from_response(500, {"rt_cd": "1", "msg_cd": "EGW00123", "msg1": ""})
    rejected = error_from_response(200, {"rt_cd": "1", "msg_cd": "APBK0952", "msg1": ""})
    server = error_from_response(503, None)
    assert retryable(limited) and retryable_order(limited)
    assert retryable(server) and not retryable_order(server)
    assert isinstance(server, ConnectionFailed)
    assert not retryable(rejected) and not retryable_order(rejected)
    assert is_token_error(expired) and not retryable(expired)
    assert retryable(TimeoutError()) and not retryable_order(TimeoutError())


def test_env_mismatch_message_explains() -> None:
    error = error_from_response(500, {"rt_cd": "1", "msg_cd": "EGW02004", "msg1": "x"}, env="real")
    assert "other environment" in str(error)
