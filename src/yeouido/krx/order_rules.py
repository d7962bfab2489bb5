"""Which orders KRX and NXT accept when, and :func:`validate`, which checks an order request
against every rule and raises the specific error before anything is sent.

The permission table, :data:`ALLOWED_ORDER_TYPES`, maps each phase to the order types it takes:

==================  =====================================================================
phase               order types
==================  =====================================================================
opening auction     limit, market, conditional limit
continuous          limit, market, conditional limit, 최유리, 최우선, midpoint, stop-limit
closing auction     limit, market
closing-price and   limit only (the price is the reference close: leave it empty)
single-price
NXT pre/after       limit, 최유리, 최우선
NXT main            limit, 최유리, 최우선, midpoint, stop-limit (no plain market or
                    conditional limit; IOC/FOK market is allowed)
==================  =====================================================================

IOC and FOK go with limit, market, 최유리 and midpoint orders, in continuous trading only.
ELWs take limit orders only. Stop-limit orders are taken in continuous trading only (the
2025 rules are new; change the table here if a venue says otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from yeouido.krx.sessions import PHASE_SESSION, Phase, schedule
from yeouido.krx.ticks import has_price_limits, is_on_tick, price_limits, round_price, tick_size
from yeouido.model.enums import InstrumentKind, OrderType, Session, TimeInForce, Venue
from yeouido.model.errors import (
    InvalidInput,
    InvalidPrice,
    InvalidQuantity,
    NotSupported,
    OrderTypeNotAllowed,
    OutsidePriceLimits,
    SessionClosed,
    UnknownInstrument,
)
from yeouido.model.instrument import Instrument, Price
from yeouido.model.orders import OrderRequest
from yeouido.model.time import SEOUL, require_aware

T = OrderType

ALLOWED_ORDER_TYPES: dict[Phase, frozenset[OrderType]] = {
    Phase.OPENING_AUCTION: frozenset({T.LIMIT, T.MARKET, T.CONDITIONAL_LIMIT}),
    Phase.CONTINUOUS: frozenset(
        {
            T.LIMIT,
            T.MARKET,
            T.CONDITIONAL_LIMIT,
            T.BEST_OPPOSITE,
            T.BEST_SAME_SIDE,
            T.MIDPOINT,
            T.STOP_LIMIT,
        }
    ),
    Phase.CLOSING_AUCTION: frozenset({T.LIMIT, T.MARKET}),
    Phase.PRE_OPEN_CLOSE: frozenset({T.LIMIT}),
    Phase.AFTER_HOURS_CLOSE: frozenset({T.LIMIT}),
    Phase.AFTER_HOURS_SINGLE: frozenset({T.LIMIT}),
    Phase.NXT_PRE_MARKET: frozenset({T.LIMIT, T.BEST_OPPOSITE, T.BEST_SAME_SIDE}),
    Phase.NXT_MAIN_MARKET: frozenset(
        {T.LIMIT, T.MARKET, T.BEST_OPPOSITE, T.BEST_SAME_SIDE, T.MIDPOINT, T.STOP_LIMIT}
    ),
    Phase.NXT_AFTER_MARKET: frozenset({T.LIMIT, T.BEST_OPPOSITE, T.BEST_SAME_SIDE}),
}
"""Order types each phase accepts (a phase absent here accepts none)."""

IMMEDIATE_ORDER_TYPES = frozenset({T.LIMIT, T.MARKET, T.BEST_OPPOSITE, T.MIDPOINT})
"""Order types that may carry IOC or FOK."""

IMMEDIATE_PHASES = frozenset({Phase.CONTINUOUS, Phase.NXT_MAIN_MARKET})
"""Phases in which IOC and FOK are accepted."""

NXT_DAY_ORDER_TYPES = frozenset(
    {T.LIMIT, T.BEST_OPPOSITE, T.BEST_SAME_SIDE, T.MIDPOINT, T.STOP_LIMIT}
)
"""Order types NXT takes as day orders (its market orders must be IOC or FOK)."""

SINGLE_PRICE_BAND_PERCENT = 10
"""After-hours single-price orders must lie within ±10% of the day's close."""


@dataclass(frozen=True, slots=True)
class ReferencePrices:
    """The prices validation needs for one instrument on one day.

    ``base_price`` (기준가) fixes the daily limits; ``previous_close`` is the price of the
    pre-open closing-price session; ``day_close`` the day's regular close (for the after-hours
    sessions); ``last_price`` the last trade.
    """

    base_price: Price
    previous_close: Price | None = None
    day_close: Price | None = None
    last_price: Price | None = None
    limits: tuple[Price, Price] | None = None
    """The day's (lower, upper) limits when already computed; derived from ``base_price``
    when ``None``."""


def allowed_order_types(phase: Phase, instrument: Instrument | None = None) -> frozenset[OrderType]:
    """The order types accepted in ``phase`` (for ``instrument``: ELWs take limit only)."""
    allowed = ALLOWED_ORDER_TYPES.get(phase, frozenset())
    if instrument is not None and instrument.kind is InstrumentKind.ELW:
        return allowed & {T.LIMIT}
    return allowed


def validate(
    request: OrderRequest,
    instrument: Instrument | None,
    reference: ReferencePrices,
    at: datetime,
) -> None:
    """Check ``request`` against the KRX/NXT rules at ``at``; raise the specific error.

    Raises :class:`UnknownInstrument`, :class:`InvalidQuantity`,
    :class:`OrderTypeNotAllowed`, :class:`SessionClosed`, :class:`InvalidPrice` or
    :class:`OutsidePriceLimits` (all :class:`~yeouido.model.errors.InvalidOrder`), naming the
    field, the value and the rule. Returns ``None`` when the request is valid.
    """
    require_aware("at", at)
    instrument = _check_instrument(request, instrument)
    _check_quantity(request, instrument)
    _check_static_order_type(request, instrument)
    phase = _check_session_open(request, at)
    _check_phase_order_type(request, instrument, phase)
    _check_price(request, instrument, reference)


def validate_in_phase(
    request: OrderRequest,
    instrument: Instrument | None,
    reference: ReferencePrices,
    phase: Phase,
) -> None:
    """:func:`validate` for a caller that already knows the venue's phase (the simulated
    exchange): the same checks, without looking up the day's schedule. A phase that takes no
    orders of the request's session raises :class:`SessionClosed`."""
    instrument = _check_instrument(request, instrument)
    _check_quantity(request, instrument)
    _check_static_order_type(request, instrument)
    if PHASE_SESSION.get(phase) is not request.session:
        raise SessionClosed.for_field(
            "session", request.session.value, f"not accepted now ({phase.label})"
        )
    _check_phase_order_type(request, instrument, phase)
    _check_price(request, instrument, reference)


def _check_instrument(request: OrderRequest, instrument: Instrument | None) -> Instrument:
    if instrument is None or instrument.code != request.code:
        raise UnknownInstrument.for_field("code", request.code, "no such instrument is listed")
    if instrument.is_derivative:
        raise NotSupported(
            f"{request.code}: derivative order validation is not implemented yet",
            field="code",
            value=request.code,
            rule="securities only",
        )
    return instrument


def _check_quantity(request: OrderRequest, instrument: Instrument) -> None:
    if request.quantity % instrument.lot_size != 0:
        raise InvalidQuantity.for_field(
            "quantity",
            request.quantity,
            f"must be a multiple of the lot size {instrument.lot_size} of {instrument.code}",
        )


def _check_static_order_type(request: OrderRequest, instrument: Instrument) -> None:
    if instrument.kind is InstrumentKind.ELW and request.order_type is not T.LIMIT:
        raise OrderTypeNotAllowed.for_field(
            "order_type", request.order_type.value, "ELWs take limit orders only"
        )
    if request.venue is Venue.NXT and not instrument.nxt:
        raise OrderTypeNotAllowed.for_field(
            "venue", "NXT", f"{instrument.code} is not traded on Nextrade"
        )
    if request.session is not Session.REGULAR:
        if request.venue is not Venue.KRX:
            raise OrderTypeNotAllowed.for_field(
                "venue", request.venue.value, f"{request.session.value} orders go to KRX only"
            )
        if request.order_type is not T.LIMIT:
            raise OrderTypeNotAllowed.for_field(
                "order_type",
                request.order_type.value,
                f"the {request.session.value} session takes limit orders only",
            )
    if request.tif is not TimeInForce.DAY:
        if request.order_type not in IMMEDIATE_ORDER_TYPES:
            raise OrderTypeNotAllowed.for_field(
                "tif",
                request.tif.value,
                "IOC/FOK go only with limit, market, best_opposite and midpoint orders",
            )
        if request.session is not Session.REGULAR:
            raise OrderTypeNotAllowed.for_field(
                "tif", request.tif.value, "IOC/FOK are for the regular session only"
            )
    if (
        request.venue is Venue.NXT
        and request.tif is TimeInForce.DAY
        and request.order_type not in NXT_DAY_ORDER_TYPES
    ):
        raise OrderTypeNotAllowed.for_field(
            "order_type",
            request.order_type.value,
            "NXT takes limit, best_opposite, best_same_side, midpoint and stop_limit day "
            "orders (market only as IOC/FOK)",
        )


def _check_session_open(request: OrderRequest, at: datetime) -> Phase:
    """Return the phase in which the request's session is open at ``at``, or raise."""
    venue = Venue.KRX if request.venue is Venue.SOR else request.venue
    local = at.astimezone(SEOUL)
    day_schedule = schedule(local.date(), venue)
    windows = day_schedule.session_windows(request.session)
    for window in windows:
        if window.contains(local):
            return window.phase
    if not day_schedule.is_trading_day:
        hours = f"{local.date().isoformat()} is not a trading day"
    else:
        hours = "open " + ", ".join(
            f"{w.start:%H:%M:%S}–{w.end:%H:%M:%S} ({w.phase.value})" for w in windows
        )
    raise SessionClosed.for_field(
        "session",
        request.session.value,
        f"{venue.value} does not take {request.session.value} orders at {local:%Y-%m-%d %H:%M:%S}"
        f" KST; {hours}",
    )


def _check_phase_order_type(request: OrderRequest, instrument: Instrument, phase: Phase) -> None:
    allowed = allowed_order_types(phase, instrument)
    if request.order_type not in allowed:
        taking = sorted(
            candidate.label
            for candidate, types in ALLOWED_ORDER_TYPES.items()
            if request.order_type in types
        )
        raise OrderTypeNotAllowed.for_field(
            "order_type",
            request.order_type.value,
            f"not accepted in the {phase.label}; accepted in: {', '.join(taking) or 'none'}",
        )
    if request.tif is not TimeInForce.DAY and phase not in IMMEDIATE_PHASES:
        raise OrderTypeNotAllowed.for_field(
            "tif", request.tif.value, f"IOC/FOK are continuous-only; now: {phase.label}"
        )


def _check_price(request: OrderRequest, instrument: Instrument, reference: ReferencePrices) -> None:
    if request.session in (Session.PRE_OPEN_CLOSE, Session.AFTER_HOURS_CLOSE):
        _check_closing_price_session(request, reference)
        return
    if request.order_type.needs_price and request.price is None:
        raise InvalidPrice.for_field(
            "price", None, f"{request.order_type.value} orders need a limit price"
        )
    priceless = not request.order_type.needs_price and request.order_type is not T.MIDPOINT
    if priceless and request.price is not None:
        raise InvalidPrice.for_field(
            "price",
            request.price,
            f"{request.order_type.value} orders take no price (leave it empty)",
        )
    if request.order_type is T.STOP_LIMIT and request.stop_price is None:
        raise InvalidPrice.for_field("stop_price", None, "stop-limit orders need a stop price")
    if request.order_type is not T.STOP_LIMIT and request.stop_price is not None:
        raise InvalidPrice.for_field(
            "stop_price", request.stop_price, "only stop-limit orders take a stop price"
        )
    if request.price is None and request.stop_price is None:
        return
    lower, upper = _band(request, instrument, reference)
    for field in ("price", "stop_price"):
        value = getattr(request, field)
        if value is None:
            continue
        _check_tick(field, value, instrument)
        if lower is not None and upper is not None and not lower <= value <= upper:
            raise OutsidePriceLimits.for_field(
                field, value, f"must be within {lower:,}–{upper:,} {_band_name(request)}"
            )


def _check_tick(field: str, value: Price, instrument: Instrument) -> None:
    if not isinstance(value, int):
        raise InvalidPrice.for_field(field, value, "securities prices are whole KRW (int)")
    if not is_on_tick(value, instrument.tick_table):
        tick = tick_size(value, instrument.tick_table)
        down = round_price(value, instrument.tick_table, "down")
        up = round_price(value, instrument.tick_table, "up")
        raise InvalidPrice.for_field(
            field, value, f"must be a multiple of the tick {tick} here (nearest: {down} or {up})"
        )


def _band(
    request: OrderRequest, instrument: Instrument, reference: ReferencePrices
) -> tuple[Price | None, Price | None]:
    if reference.limits is not None and request.session is not Session.AFTER_HOURS_SINGLE:
        return reference.limits
    if not has_price_limits(instrument.tick_table):
        return None, None
    if reference.limits is not None:
        lower, upper = reference.limits
    else:
        lower, upper = price_limits(
            reference.base_price, instrument.tick_table, instrument.market, instrument.leverage
        )
    if request.session is Session.AFTER_HOURS_SINGLE:
        close = reference.day_close if reference.day_close is not None else reference.last_price
        if close is None:
            raise InvalidInput.for_field(
                "reference.day_close", None, "the after-hours single-price band needs the close"
            )
        band_lower = round_price(
            -(-close * (100 - SINGLE_PRICE_BAND_PERCENT) // 100), instrument.tick_table, "up"
        )
        band_upper = round_price(
            close * (100 + SINGLE_PRICE_BAND_PERCENT) // 100, instrument.tick_table, "down"
        )
        lower, upper = max(lower, band_lower), min(upper, band_upper)
    return lower, upper


def _band_name(request: OrderRequest) -> str:
    if request.session is Session.AFTER_HOURS_SINGLE:
        return "(the daily limits and ±10% of the day's close)"
    return "(the daily price limits)"


def _check_closing_price_session(request: OrderRequest, reference: ReferencePrices) -> None:
    close: Price | None
    if request.session is Session.PRE_OPEN_CLOSE:
        close, name = reference.previous_close or reference.base_price, "the previous close"
    else:
        close, name = reference.day_close, "the day's close"
    if request.stop_price is not None:
        raise InvalidPrice.for_field("stop_price", request.stop_price, "not in this session")
    if request.price is not None and request.price != close:
        raise InvalidPrice.for_field(
            "price",
            request.price,
            f"{request.session.value} orders trade at {name} ({close}); leave the price empty",
        )
