"""KIS (한국투자증권) Open API: the protocol as declarative tables.

Shared by the KIS adapter (:mod:`yeouido.brokers.kis`) and the local KIS sandbox
(:mod:`yeouido.sandbox.kis`), so both read one description of the wire protocol: hosts and
ports, transaction ids (``tr_id``) per function and environment, order-division codes
(``ORD_DVSN``), venues (``EXCG_ID_DVSN_CD``), websocket field lists, ``msg_cd`` codes and
their messages, page sizes and rate limits.

Everything here is a plain constant or a small pure function: no I/O. Facts come from
``shared/reference/kis-protocol.md``; codes the reference does not give (the sandbox's own
rejection codes) are marked *sandbox* in their descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from yeouido.model.enums import OrderType, Session, Side, TimeInForce, Venue
from yeouido.model.errors import (
    AuthError,
    BrokerError,
    InsufficientFunds,
    InsufficientPosition,
    InvalidInput,
    InvalidOrder,
    InvalidPrice,
    InvalidQuantity,
    NotSupported,
    OrderNotOpen,
    OrderRejected,
    OrderTypeNotAllowed,
    OutsidePriceLimits,
    RateLimited,
    SessionClosed,
    TradingHalted,
    UnknownInstrument,
    YeouidoError,
)

Env = Literal["real", "mock"]
"""The two KIS environments: 실전투자 (real) and 모의투자 (mock)."""

ENVS: Final[tuple[Env, ...]] = ("real", "mock")

# -- servers --------------------------------------------------------------------------------
REAL_REST_HOST: Final = "openapi.koreainvestment.com"
REAL_REST_PORT: Final = 9443
MOCK_REST_HOST: Final = "openapivts.koreainvestment.com"
MOCK_REST_PORT: Final = 29443
WS_HOST: Final = "ops.koreainvestment.com"
REAL_WS_PORT: Final = 21000
MOCK_WS_PORT: Final = 31000
WS_PATH: Final = "/tryitout"
"""The websocket path newer clients use; the bare host (``/``) works too."""

REST_URLS: Final[dict[Env, str]] = {
    "real": f"https://{REAL_REST_HOST}:{REAL_REST_PORT}",
    "mock": f"https://{MOCK_REST_HOST}:{MOCK_REST_PORT}",
}
WS_URLS: Final[dict[Env, str]] = {
    "real": f"ws://{WS_HOST}:{REAL_WS_PORT}",
    "mock": f"ws://{WS_HOST}:{MOCK_WS_PORT}",
}

# -- credentials and accounts ----------------------------------------------------------------
APP_KEY_LENGTH: Final = 36
APP_SECRET_LENGTH: Final = 180
CANO_LENGTH: Final = 8
ACNT_PRDT_CD_LENGTH: Final = 2
ACNT_PRDT_CODES: Final[dict[str, str]] = {
    "01": "domestic stock",
    "03": "domestic futures/options",
    "08": "overseas futures/options",
    "22": "personal pension",
    "29": "retirement pension",
}

# -- auth -----------------------------------------------------------------------------------
TOKEN_PATH: Final = "/oauth2/tokenP"
REVOKE_PATH: Final = "/oauth2/revokeP"
APPROVAL_PATH: Final = "/oauth2/Approval"
HASHKEY_PATH: Final = "/uapi/hashkey"
SANDBOX_CLOCK_PATH: Final = "/sandbox/v1/clock"
"""*sandbox* extension, not part of KIS: the simulated market's time and speed
(``{"now": ISO-8601, "speed": float | null}``), so a client on loopback can run its session
checks on the sandbox's clock. Real KIS has no such path."""
TOKEN_LIFETIME_SECONDS: Final = 86_400
"""An access token is valid 24 hours."""
TOKEN_REUSE_SECONDS: Final = 6 * 3600
"""Asking again within 6 hours of issuance returns the same token."""
TOKEN_ISSUE_INTERVAL_SECONDS: Final = 60
"""At most one issuance per minute per app key (else ``EGW00133``)."""
TOKEN_EXPIRY_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
"""Format of ``access_token_token_expired`` (KST)."""

# -- REST conventions -----------------------------------------------------------------------
DOMESTIC_STOCK_PREFIX: Final = "/uapi/domestic-stock/v1"
TR_CONT_NEXT_REQUEST: Final = "N"
"""Request header ``tr_cont`` asking for the next page (empty on the first page)."""
TR_CONT_MORE: Final = frozenset({"F", "M"})
"""Response header ``tr_cont`` values that mean more pages follow."""
TR_CONT_LAST: Final = frozenset({"D", "E"})
"""Response header ``tr_cont`` values that mean this was the last page."""


def has_more_pages(tr_cont: str | None) -> bool:
    """Whether a response's ``tr_cont`` header says more pages follow."""
    return (tr_cont or "").strip().upper() in TR_CONT_MORE


def is_error_envelope(data: object) -> bool:
    """Whether a body is KIS's own answer (``rt_cd``/``msg_cd``/``msg1``), even on a 5xx."""
    return isinstance(data, dict) and "msg_cd" in data


def mock_tr_id(real: str) -> str:
    """The mock (모의투자) tr_id of a real one: a leading ``T``, ``J`` or ``C`` becomes ``V``;
    ``F…`` and ``H…`` ids are the same in both environments."""
    if real and real[0] in "TJC":
        return "V" + real[1:]
    return real


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One REST function: its name, method, path and tr_ids per environment.

    ``real`` lists the real tr_ids (the current one first, then older ones still accepted);
    ``mock`` the mock ones (empty: the function is real-only).
    """

    name: str
    method: Literal["GET", "POST"]
    path: str
    real: tuple[str, ...]
    mock: tuple[str, ...]
    description: str = ""

    @property
    def real_only(self) -> bool:
        """Whether mock has no tr_id for this function."""
        return not self.mock

    def tr_ids(self, env: Env) -> tuple[str, ...]:
        """Every tr_id this function accepts in ``env``."""
        return self.real if env == "real" else self.mock

    def tr_id(self, env: Env) -> str:
        """The current tr_id in ``env``; raises :class:`NotSupported` for real-only TRs on
        mock."""
        ids = self.tr_ids(env)
        if not ids:
            raise NotSupported(f"{self.name} is real-only (모의투자 미지원)", field="tr_id")
        return ids[0]


def _same(*ids: str) -> tuple[str, ...]:
    return ids


def _mocked(*ids: str) -> tuple[str, ...]:
    return tuple(mock_tr_id(i) for i in ids)


_Q = DOMESTIC_STOCK_PREFIX + "/quotations/"
_T = DOMESTIC_STOCK_PREFIX + "/trading/"

ORDER_SELL: Final = "TTTC0011U"
ORDER_BUY: Final = "TTTC0012U"
ORDER_SELL_OLD: Final = "TTTC0801U"
ORDER_BUY_OLD: Final = "TTTC0802U"
ORDER_MODIFY: Final = "TTTC0013U"
ORDER_MODIFY_OLD: Final = "TTTC0803U"
RESERVE: Final = "CTSC0008U"
"""예약주문 (real only: 모의투자 미지원)."""
RESERVE_CANCEL: Final = "CTSC0009U"
RESERVE_MODIFY: Final = "CTSC0013U"
RESERVATIONS: Final = "CTSC0004R"

ENDPOINTS: Final[tuple[Endpoint, ...]] = (
    Endpoint(
        "inquire-price", "GET", _Q + "inquire-price", _same("FHKST01010100"),
        _same("FHKST01010100"), "current price",
    ),
    Endpoint(
        "inquire-asking-price-exp-ccn", "GET", _Q + "inquire-asking-price-exp-ccn",
        _same("FHKST01010200"), _same("FHKST01010200"), "orderbook and expected auction price",
    ),
    Endpoint(
        "inquire-ccnl", "GET", _Q + "inquire-ccnl", _same("FHKST01010300"),
        _same("FHKST01010300"), "recent trades",
    ),
    Endpoint(
        "inquire-daily-price", "GET", _Q + "inquire-daily-price", _same("FHKST01010400"),
        _same("FHKST01010400"), "daily prices",
    ),
    Endpoint(
        "inquire-daily-itemchartprice", "GET", _Q + "inquire-daily-itemchartprice",
        _same("FHKST03010100"), _same("FHKST03010100"), "D/W/M/Y chart, up to 100 rows",
    ),
    Endpoint(
        "inquire-time-itemchartprice", "GET", _Q + "inquire-time-itemchartprice",
        _same("FHKST03010200"), _same("FHKST03010200"), "today's minute bars, up to 30 rows",
    ),
    Endpoint(
        "inquire-time-dailychartprice", "GET", _Q + "inquire-time-dailychartprice",
        _same("FHKST03010230"), _same("FHKST03010230"), "past days' minute bars",
    ),
    Endpoint(
        "chk-holiday", "GET", _Q + "chk-holiday", _same("CTCA0903R"), (), "holiday calendar",
    ),
    Endpoint(
        "search-info", "GET", _Q + "search-info", _same("CTPF1604R"), (),
        "product basics (상품기본조회, real only)",
    ),
    Endpoint(
        "search-stock-info", "GET", _Q + "search-stock-info", _same("CTPF1002R"), (),
        "stock basics (주식기본조회, real only)",
    ),
    Endpoint(
        "psearch-title", "GET", _Q + "psearch-title", _same("HHKST03900300"),
        _same("HHKST03900300"), "condition-search list",
    ),
    Endpoint(
        "psearch-result", "GET", _Q + "psearch-result", _same("HHKST03900400"),
        _same("HHKST03900400"), "condition-search results",
    ),
    Endpoint(
        "order-cash", "POST", _T + "order-cash",
        _same(ORDER_SELL, ORDER_BUY, ORDER_SELL_OLD, ORDER_BUY_OLD),
        _mocked(ORDER_SELL, ORDER_BUY, ORDER_SELL_OLD, ORDER_BUY_OLD), "cash order",
    ),
    Endpoint(
        "order-rvsecncl", "POST", _T + "order-rvsecncl", _same(ORDER_MODIFY, ORDER_MODIFY_OLD),
        _mocked(ORDER_MODIFY, ORDER_MODIFY_OLD), "modify or cancel",
    ),
    Endpoint(
        "inquire-psbl-rvsecncl", "GET", _T + "inquire-psbl-rvsecncl",
        _same("TTTC0084R", "TTTC8036R"), (), "orders still modifiable (real only)",
    ),
    Endpoint(
        "inquire-balance", "GET", _T + "inquire-balance", _same("TTTC8434R"),
        _mocked("TTTC8434R"), "holdings and totals",
    ),
    Endpoint(
        "inquire-daily-ccld", "GET", _T + "inquire-daily-ccld",
        _same("TTTC0081R", "TTTC8001R", "CTSC9215R", "CTSC9115R"),
        _mocked("TTTC0081R", "TTTC8001R", "CTSC9215R", "CTSC9115R"), "daily orders and fills",
    ),
    Endpoint(
        "inquire-psbl-order", "GET", _T + "inquire-psbl-order", _same("TTTC8908R"),
        _mocked("TTTC8908R"), "buying power",
    ),
    Endpoint(
        "inquire-psbl-sell", "GET", _T + "inquire-psbl-sell", _same("TTTC8408R"), (),
        "sellable quantity (real only)",
    ),
    Endpoint(
        "order-resv", "POST", _T + "order-resv", _same(RESERVE), (),
        "reservation order (real only)",
    ),
    Endpoint(
        "order-resv-rvsecncl", "POST", _T + "order-resv-rvsecncl",
        _same(RESERVE_CANCEL, RESERVE_MODIFY), (),
        "cancel (CTSC0009U) or modify (CTSC0013U) a reservation (real only)",
    ),
    Endpoint(
        "order-resv-ccnl", "GET", _T + "order-resv-ccnl", _same(RESERVATIONS), (),
        "reservation orders and their results (real only)",
    ),
)  # fmt: skip

ENDPOINTS_BY_NAME: Final[dict[str, Endpoint]] = {e.name: e for e in ENDPOINTS}
ENDPOINTS_BY_PATH: Final[dict[str, Endpoint]] = {e.path: e for e in ENDPOINTS}

SELL_TR_IDS: Final = frozenset(
    {ORDER_SELL, ORDER_SELL_OLD, mock_tr_id(ORDER_SELL), mock_tr_id(ORDER_SELL_OLD)}
)
BUY_TR_IDS: Final = frozenset(
    {ORDER_BUY, ORDER_BUY_OLD, mock_tr_id(ORDER_BUY), mock_tr_id(ORDER_BUY_OLD)}
)
OLDER_PERIOD_CCLD: Final = frozenset({"CTSC9215R", "VTSC9215R", "CTSC9115R", "VTSC9115R"})
"""Daily-fill tr_ids for periods older than three months (CTSC9115R: before the 2024
rename)."""


def order_tr_id(env: Env, side: Side, *, legacy: bool = False) -> str:
    """The cash-order tr_id for ``side`` in ``env`` (``legacy``: the older 0801U/0802U)."""
    if legacy:
        real = ORDER_SELL_OLD if side is Side.SELL else ORDER_BUY_OLD
    else:
        real = ORDER_SELL if side is Side.SELL else ORDER_BUY
    return real if env == "real" else mock_tr_id(real)


def order_side(tr_id: str) -> Side | None:
    """The side of a cash-order tr_id (any env, current or older), else ``None``."""
    if tr_id in SELL_TR_IDS:
        return Side.SELL
    if tr_id in BUY_TR_IDS:
        return Side.BUY
    return None


def endpoint_for_tr_id(tr_id: str) -> tuple[Endpoint, Env] | None:
    """The endpoint and environment a tr_id belongs to; ``F…``/``H…`` ids resolve to real."""
    for endpoint in ENDPOINTS:
        if tr_id in endpoint.real:
            return endpoint, "real"
    for endpoint in ENDPOINTS:
        if tr_id in endpoint.mock:
            return endpoint, "mock"
    return None


# -- order division (ORD_DVSN) ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OrderDivision:
    """One ``ORD_DVSN`` code and what it means in our model."""

    code: str
    order_type: OrderType
    tif: TimeInForce
    session: Session
    name: str

    @property
    def needs_price(self) -> bool:
        """Whether ``ORD_UNPR`` must carry a price (else it is sent as ``"0"``)."""
        return self.order_type.needs_price


_OT, _TIF, _S = OrderType, TimeInForce, Session
ORDER_DIVISIONS: Final[tuple[OrderDivision, ...]] = (
    OrderDivision("00", _OT.LIMIT, _TIF.DAY, _S.REGULAR, "지정가"),
    OrderDivision("01", _OT.MARKET, _TIF.DAY, _S.REGULAR, "시장가"),
    OrderDivision("02", _OT.CONDITIONAL_LIMIT, _TIF.DAY, _S.REGULAR, "조건부지정가"),
    OrderDivision("03", _OT.BEST_OPPOSITE, _TIF.DAY, _S.REGULAR, "최유리지정가"),
    OrderDivision("04", _OT.BEST_SAME_SIDE, _TIF.DAY, _S.REGULAR, "최우선지정가"),
    OrderDivision("05", _OT.LIMIT, _TIF.DAY, _S.PRE_OPEN_CLOSE, "장전 시간외"),
    OrderDivision("06", _OT.LIMIT, _TIF.DAY, _S.AFTER_HOURS_CLOSE, "장후 시간외"),
    OrderDivision("07", _OT.LIMIT, _TIF.DAY, _S.AFTER_HOURS_SINGLE, "시간외 단일가"),
    OrderDivision("11", _OT.LIMIT, _TIF.IOC, _S.REGULAR, "IOC지정가"),
    OrderDivision("12", _OT.LIMIT, _TIF.FOK, _S.REGULAR, "FOK지정가"),
    OrderDivision("13", _OT.MARKET, _TIF.IOC, _S.REGULAR, "IOC시장가"),
    OrderDivision("14", _OT.MARKET, _TIF.FOK, _S.REGULAR, "FOK시장가"),
    OrderDivision("15", _OT.BEST_OPPOSITE, _TIF.IOC, _S.REGULAR, "IOC최유리"),
    OrderDivision("16", _OT.BEST_OPPOSITE, _TIF.FOK, _S.REGULAR, "FOK최유리"),
    OrderDivision("21", _OT.MIDPOINT, _TIF.DAY, _S.REGULAR, "중간가"),
    OrderDivision("22", _OT.STOP_LIMIT, _TIF.DAY, _S.REGULAR, "스톱지정가"),
    OrderDivision("23", _OT.MIDPOINT, _TIF.IOC, _S.REGULAR, "중간가IOC"),
    OrderDivision("24", _OT.MIDPOINT, _TIF.FOK, _S.REGULAR, "중간가FOK"),
)
ORD_DVSN: Final[dict[str, OrderDivision]] = {d.code: d for d in ORDER_DIVISIONS}
_ORD_DVSN_BY_SPEC: Final[dict[tuple[OrderType, TimeInForce, Session], str]] = {
    (d.order_type, d.tif, d.session): d.code for d in ORDER_DIVISIONS
}
UNSUPPORTED_ORD_DVSN: Final[dict[str, str]] = {
    "08": "자기주식",
    "09": "자기주식S-Option",
    "10": "자기주식금전신탁",
}
"""Codes KIS documents that have no meaning for a retail account."""


def ord_dvsn(order_type: OrderType, tif: TimeInForce, session: Session) -> str:
    """The ``ORD_DVSN`` code of an order; :class:`NotSupported` when KIS has none."""
    code = _ORD_DVSN_BY_SPEC.get((order_type, tif, session))
    if code is None:
        raise NotSupported(
            f"KIS has no ORD_DVSN for {order_type.value}/{tif.value}/{session.value}",
            field="order_type",
            value=order_type.value,
        )
    return code


def order_division(code: str) -> OrderDivision:
    """What an ``ORD_DVSN`` code means; :class:`InvalidInput` for unknown codes."""
    division = ORD_DVSN.get(code)
    if division is None:
        raise InvalidInput.for_field(
            "ORD_DVSN", code, "must be one of " + ", ".join(sorted(ORD_DVSN))
        )
    return division


# -- venues (EXCG_ID_DVSN_CD) ----------------------------------------------------------------
EXCG_ID_DVSN_CD: Final[dict[str, Venue]] = {"KRX": Venue.KRX, "NXT": Venue.NXT, "SOR": Venue.SOR}
"""Exchange id on orders; empty or absent means KRX."""
ORD_EXG_GB: Final[dict[Venue, str]] = {Venue.KRX: "1", Venue.NXT: "2", Venue.SOR: "3"}
"""Venue field of the H0STCNI0 notice."""
FID_COND_MRKT_DIV_CODE: Final[dict[str, str]] = {"J": "KRX", "NX": "NXT", "UN": "combined"}

RVSE_CNCL_MODIFY: Final = "01"
RVSE_CNCL_CANCEL: Final = "02"
SLL_BUY_DVSN_CD: Final[dict[Side, str]] = {Side.SELL: "01", Side.BUY: "02"}
"""Side codes in fills, notices (``SELN_BYOV_CLS``) and the ``SLL_BUY_DVSN_CD`` filter."""
SIDE_BY_CODE: Final[dict[str, Side]] = {v: k for k, v in SLL_BUY_DVSN_CD.items()}
RESERVATION_ORD_DVSN: Final = frozenset({"00", "01", "02", "05"})
"""``ORD_DVSN_CD`` a reservation order takes: limit, market, conditional limit, pre-open."""
RESERVATION_RESULTS: Final[dict[str, str]] = {
    "waiting": "미처리",
    "sent": "처리",
    "canceled": "취소",
    "rejected": "거부",
}
"""``prcs_rslt`` of ``order-resv-ccnl`` by our reservation status (*sandbox* texts)."""

# -- paging and rate limits ------------------------------------------------------------------
PAGE_SIZES: Final[dict[str, dict[Env, int]]] = {
    "inquire-balance": {"real": 50, "mock": 20},
    "inquire-daily-ccld": {"real": 100, "mock": 15},
    "order-resv-ccnl": {"real": 20, "mock": 20},
}
RATE_LIMITS: Final[dict[Env, int]] = {"real": 20, "mock": 2}
"""REST requests per second per app key (sliding one-second window)."""
LEGACY_MOCK_RATE_LIMIT: Final = 5
"""What older clients assumed for mock."""
SAFE_RATE_LIMITS: Final[dict[Env, int]] = {"real": 19, "mock": 2}
"""What a well-behaved client budgets."""

# -- websocket ------------------------------------------------------------------------------
WS_TRADE: Final = "H0STCNT0"
WS_BOOK: Final = "H0STASP0"
WS_NOTICE_REAL: Final = "H0STCNI0"
WS_NOTICE_MOCK: Final = "H0STCNI9"
WS_NOTICES: Final = frozenset({WS_NOTICE_REAL, WS_NOTICE_MOCK})
WS_PINGPONG: Final = "PINGPONG"
WS_SUBSCRIBE: Final = "1"
WS_UNSUBSCRIBE: Final = "2"
WS_MAX_REGISTRATIONS: Final = 41
WS_SAFE_REGISTRATIONS: Final = 40
WS_NXT_TRADE: Final = "H0NXCNT0"
WS_NXT_BOOK: Final = "H0NXASP0"
WS_UN_TRADE: Final = "H0UNCNT0"
WS_UN_BOOK: Final = "H0UNASP0"


def notice_tr_id(env: Env) -> str:
    """The order/fill notice tr_id of ``env``."""
    return WS_NOTICE_REAL if env == "real" else WS_NOTICE_MOCK


WS_SUBSCRIBED: Final = "OPSP0000"
WS_UNSUBSCRIBED: Final = "OPSP0001"
WS_ALREADY_SUBSCRIBED: Final = "OPSP0002"
WS_NOT_SUBSCRIBED: Final = "OPSP0003"
WS_INTERNAL_ERROR: Final = "OPSP0007"
WS_MAX_SUBSCRIBE_OVER: Final = "OPSP0008"
WS_APPKEY_IN_USE: Final = "OPSP8996"
WS_MESSAGES: Final[dict[str, str]] = {
    WS_SUBSCRIBED: "SUBSCRIBE SUCCESS",
    WS_UNSUBSCRIBED: "UNSUBSCRIBE SUCCESS",
    WS_ALREADY_SUBSCRIBED: "ALREADY IN SUBSCRIBE",
    WS_NOT_SUBSCRIBED: "UNSUBSCRIBE ERROR(not found!)",
    WS_INTERNAL_ERROR: "SUBSCRIBE ERROR(internal error)",
    WS_MAX_SUBSCRIBE_OVER: "MAX SUBSCRIBE OVER",
    WS_APPKEY_IN_USE: "ALREADY IN USE appkey",
    "OPSP0011": "invalid approval : NOT FOUND",
    "OPSP0012": "invalid tr_id",
    "OPSP9999": "JSON PARSING ERROR : invalid json",
}
"""Websocket reply codes; OPSP0011/0012/9999 are *sandbox* codes for bad input."""

H0STCNT0_FIELDS: Final[tuple[str, ...]] = (
    "MKSC_SHRN_ISCD", "STCK_CNTG_HOUR", "STCK_PRPR", "PRDY_VRSS_SIGN", "PRDY_VRSS",
    "PRDY_CTRT", "WGHN_AVRG_STCK_PRC", "STCK_OPRC", "STCK_HGPR", "STCK_LWPR", "ASKP1",
    "BIDP1", "CNTG_VOL", "ACML_VOL", "ACML_TR_PBMN", "SELN_CNTG_CSNU", "SHNU_CNTG_CSNU",
    "NTBY_CNTG_CSNU", "CTTR", "SELN_CNTG_SMTN", "SHNU_CNTG_SMTN", "CCLD_DVSN", "SHNU_RATE",
    "PRDY_VOL_VRSS_ACML_VOL_RATE", "OPRC_HOUR", "OPRC_VRSS_PRPR_SIGN", "OPRC_VRSS_PRPR",
    "HGPR_HOUR", "HGPR_VRSS_PRPR_SIGN", "HGPR_VRSS_PRPR", "LWPR_HOUR", "LWPR_VRSS_PRPR_SIGN",
    "LWPR_VRSS_PRPR", "BSOP_DATE", "NEW_MKOP_CLS_CODE", "TRHT_YN", "ASKP_RSQN1",
    "BIDP_RSQN1", "TOTAL_ASKP_RSQN", "TOTAL_BIDP_RSQN", "VOL_TNRT",
    "PRDY_SMNS_HOUR_ACML_VOL", "PRDY_SMNS_HOUR_ACML_VOL_RATE", "HOUR_CLS_CODE",
    "MRKT_TRTM_CLS_CODE", "VI_STND_PRC",
)  # fmt: skip
"""The 46 fields of a trade tick, in wire order."""

H0STASP0_FIELDS: Final[tuple[str, ...]] = (
    "MKSC_SHRN_ISCD", "BSOP_HOUR", "HOUR_CLS_CODE",
    *(f"ASKP{i}" for i in range(1, 11)),
    *(f"BIDP{i}" for i in range(1, 11)),
    *(f"ASKP_RSQN{i}" for i in range(1, 11)),
    *(f"BIDP_RSQN{i}" for i in range(1, 11)),
    "TOTAL_ASKP_RSQN", "TOTAL_BIDP_RSQN", "OVTM_TOTAL_ASKP_RSQN", "OVTM_TOTAL_BIDP_RSQN",
    "ANTC_CNPR", "ANTC_CNQN", "ANTC_VOL", "ANTC_CNTG_VRSS", "ANTC_CNTG_VRSS_SIGN",
    "ANTC_CNTG_PRDY_CTRT", "ACML_VOL", "TOTAL_ASKP_RSQN_ICDC", "TOTAL_BIDP_RSQN_ICDC",
    "OVTM_TOTAL_ASKP_ICDC", "OVTM_TOTAL_BIDP_ICDC", "STCK_DEAL_CLS_CODE",
)  # fmt: skip
"""The 59 fields of an orderbook frame, in wire order."""

H0STCNI0_FIELDS: Final[tuple[str, ...]] = (
    "CUST_ID", "ACNT_NO", "ODER_NO", "OODER_NO", "SELN_BYOV_CLS", "RCTF_CLS", "ODER_KIND",
    "ODER_COND", "STCK_SHRN_ISCD", "CNTG_QTY", "CNTG_UNPR", "STCK_CNTG_HOUR", "RFUS_YN",
    "CNTG_YN", "ACPT_YN", "BRNC_NO", "ODER_QTY", "ACNT_NAME", "ORD_COND_PRC", "ORD_EXG_GB",
    "POPUP_YN", "FILLER", "CRDT_CLS", "CRDT_LOAN_DATE", "CNTG_ISNM40", "ODER_PRC",
)  # fmt: skip
"""The 26 fields of an order/fill notice (23 before 2025: parse by position, tolerate more)."""

WS_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    WS_TRADE: H0STCNT0_FIELDS,
    WS_BOOK: H0STASP0_FIELDS,
    WS_NOTICE_REAL: H0STCNI0_FIELDS,
    WS_NOTICE_MOCK: H0STCNI0_FIELDS,
}
NOTICE_FILL: Final = "2"
"""``CNTG_YN`` of a fill; ``1`` is an accepted / modified / cancelled / rejected notice."""
NOTICE_EVENT: Final = "1"
RCTF_NEW: Final = "0"
RCTF_MODIFY: Final = "1"
RCTF_CANCEL: Final = "2"
AES_KEY_LENGTH: Final = 32
AES_IV_LENGTH: Final = 16


@dataclass(frozen=True, slots=True)
class DataFrame:
    """A parsed websocket data frame: ``<encrypted>|<tr_id>|<count>|<payload>``."""

    encrypted: bool
    tr_id: str
    count: int
    payload: str


def is_data_frame(text: str) -> bool:
    """Whether a websocket text message is a data frame (``0|…`` or ``1|…``), not JSON."""
    return len(text) > 2 and text[0] in "01" and text[1] == "|"


def parse_data_frame(text: str) -> DataFrame:
    """Split a data frame into its four parts; :class:`InvalidInput` if it is not one."""
    parts = text.split("|", 3)
    if len(parts) != 4 or parts[0] not in ("0", "1") or not parts[2].isdigit():
        raise InvalidInput.for_field("frame", text[:40], "must be 0|TR_ID|NNN|payload")
    return DataFrame(parts[0] == "1", parts[1], int(parts[2]), parts[3])


def split_records(payload: str, count: int, field_count: int) -> list[list[str]]:
    """The ``count`` records of a decrypted payload. With one record, every field is kept
    (tolerating fields added later); with several, records are ``field_count`` wide."""
    fields = payload.split("^")
    if count <= 1:
        return [fields]
    return [fields[i * field_count : (i + 1) * field_count] for i in range(count)]


def format_data_frame(tr_id: str, records: list[list[str]], *, encrypted: bool = False) -> str:
    """Build a plaintext data frame (encrypted frames carry the ciphertext as the payload)."""
    payload = "^".join("^".join(record) for record in records)
    return f"{1 if encrypted else 0}|{tr_id}|{len(records):03d}|{payload}"


# -- errors ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class KisError:
    """One KIS ``msg_cd``: its message, the HTTP status it travels with, and our exception
    class for it."""

    msg_cd: str
    msg1: str
    http_status: int
    error: type[YeouidoError]


EXPIRED_TOKEN: Final = "EGW00123"
INVALID_TOKEN: Final = "EGW00121"
TOKEN_RATE: Final = "EGW00133"
RATE_LIMITED: Final = "EGW00201"
ENV_MISMATCH: Final = "EGW02004"
INVALID_APPKEY: Final = "EGW00103"
INVALID_APPSECRET: Final = "EGW00105"
MISSING_HEADER: Final = "EGW00205"
NOT_MOCK_TR: Final = "EGW02006"
UNKNOWN_TR: Final = "OPSQ0002"
INVALID_INPUT: Final = "OPSQ2000"
INVALID_ACCOUNT: Final = "OPSQ2001"
BAD_REQUEST_BODY: Final = "EGW00002"

ERRORS: Final[dict[str, KisError]] = {
    e.msg_cd: e
    for e in (
        KisError(EXPIRED_TOKEN, "기간이 만료된 token 입니다.", 500, AuthError),
        KisError(INVALID_TOKEN, "유효하지 않은 token 입니다.", 500, AuthError),
        KisError(TOKEN_RATE, "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)", 403, RateLimited),
        KisError(RATE_LIMITED, "초당 거래건수를 초과하였습니다.", 500, RateLimited),
        KisError(
            ENV_MISMATCH, "실전투자 도메인은 모의투자 앱키로 호출하실 수 없습니다", 500, AuthError
        ),
        KisError(INVALID_APPKEY, "유효하지 않은 AppKey입니다.", 500, AuthError),
        KisError(INVALID_APPSECRET, "유효하지 않은 AppSecret입니다.", 500, AuthError),
        KisError(MISSING_HEADER, "필수 헤더값이 누락되었습니다.", 500, InvalidInput),
        KisError(NOT_MOCK_TR, "모의투자 TR 이 아닙니다.", 500, NotSupported),
        KisError(UNKNOWN_TR, "없는 서비스 코드 입니다", 500, NotSupported),
        KisError(INVALID_INPUT, "ERROR : INPUT INVALID_CHECK", 500, InvalidInput),
        KisError(INVALID_ACCOUNT, "ERROR : INPUT INVALID_CHECK_ACNO", 500, InvalidInput),
        KisError(BAD_REQUEST_BODY, "요청 본문(JSON) 형식이 올바르지 않습니다.", 500, InvalidInput),
        # Order rejections (*sandbox* codes; real KIS uses APBK… codes for these too).
        KisError("APBK0952", "주문가능금액을 초과 했습니다", 200, InsufficientFunds),
        KisError("APBK0400", "주문가능수량을 초과 하였습니다", 200, InsufficientPosition),
        KisError("APBK1744", "주문단가가 호가단위에 맞지 않습니다", 200, InvalidPrice),
        KisError("APBK0919", "상/하한가를 벗어난 주문입니다", 200, OutsidePriceLimits),
        KisError("APBK1663", "주문수량이 올바르지 않습니다", 200, InvalidQuantity),
        KisError("APBK0506", "주문 가능 시간이 아닙니다", 200, SessionClosed),
        KisError("APBK0507", "매매거래정지 종목입니다", 200, TradingHalted),
        KisError("APBK0656", "해당 주문구분으로 주문할 수 없습니다", 200, OrderTypeNotAllowed),
        KisError("APBK0017", "종목코드가 올바르지 않습니다", 200, UnknownInstrument),
        KisError("APBK0918", "정정/취소 가능한 주문이 없습니다", 200, OrderNotOpen),
        KisError("APBK0999", "주문이 거부되었습니다", 200, OrderRejected),
        KisError("APBK0998", "주문 내용이 올바르지 않습니다", 200, InvalidOrder),
    )
}
"""Every ``msg_cd`` the sandbox sends and the adapter maps, by code."""

EXPIRY_CODES: Final = frozenset({EXPIRED_TOKEN, INVALID_TOKEN})
"""Codes a client should treat as "get a new token"."""
RATE_LIMIT_MESSAGE: Final = ERRORS[RATE_LIMITED].msg1
MOCK_ENV_MISMATCH_MESSAGE: Final = "모의투자 도메인은 실전투자 앱키로 호출하실 수 없습니다"
"""The mirror of ``EGW02004`` on the mock domain (same code)."""

_REJECTION_ORDER: Final[tuple[str, ...]] = (
    "APBK0952", "APBK0400", "APBK0507", "APBK1744", "APBK0919", "APBK1663", "APBK0506",
    "APBK0656", "APBK0017", "APBK0918", "APBK0999", "APBK0998",
)  # fmt: skip


def msg_cd_for(error: YeouidoError) -> str:
    """The KIS ``msg_cd`` an error of ours is reported with (most specific class first)."""
    for code in _REJECTION_ORDER:
        if isinstance(error, ERRORS[code].error):
            return code
    if isinstance(error, InvalidInput):
        return INVALID_INPUT
    return "APBK0999"


def error_class(msg_cd: str) -> type[YeouidoError]:
    """Our exception class for a KIS ``msg_cd`` (:class:`BrokerError` when unknown)."""
    known = ERRORS.get(msg_cd)
    return known.error if known is not None else BrokerError


# -- success messages -----------------------------------------------------------------------
SUCCESS_INQUIRY: Final[dict[Env, tuple[str, str]]] = {
    "real": ("MCA00000", "정상처리 되었습니다."),
    "mock": ("20310000", "모의투자 조회가 완료되었습니다."),
}
SUCCESS_ORDER: Final[dict[Env, tuple[str, str]]] = {
    "real": ("APBK0013", "주문 전송 완료 되었습니다."),
    "mock": ("40600000", "모의투자 매수주문이 완료 되었습니다."),
}
SUCCESS_LAST_PAGE: Final = ("KIOK0560", "조회할 내용이 없습니다")
"""Sent when a paged inquiry has no rows."""
