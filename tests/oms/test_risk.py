"""Pre-trade risk checks: each denies with its own code; the kill switch."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from tests.oms.stubs import CODE, START, FakeClock, buy, make_market, sell
from yeouido.model import (
    InvalidPrice,
    OrderDenied,
    OrderRequest,
    OrderType,
    OutsidePriceLimits,
    Position,
    SessionClosed,
    UnknownInstrument,
)
from yeouido.oms import RiskContext, RiskLimits, RiskManager, TradingState


@dataclass
class Case:
    limits: RiskLimits
    request: OrderRequest
    code: str
    positions: dict[str, Position] = field(default_factory=dict)
    open_buy_quantity: dict[str, int] = field(default_factory=dict)
    realized_pnl: int = 0
    earlier: list[OrderRequest] = field(default_factory=list)
    state: TradingState = TradingState.ACTIVE


CASES = {
    "max_order_value": Case(RiskLimits(max_order_value=699_999), buy(10), "RISK_MAX_ORDER_VALUE"),
    "max_order_value_market": Case(
        RiskLimits(max_order_value=100_000),
        OrderRequest(CODE, "buy", 10, None, OrderType.MARKET),  # type: ignore[arg-type]
        "RISK_MAX_ORDER_VALUE",
    ),
    "max_position_quantity": Case(
        RiskLimits(max_position_quantity=25),
        buy(10),
        "RISK_MAX_POSITION",
        positions={CODE: Position(CODE, 10, Decimal(60_000))},
        open_buy_quantity={CODE: 6},
    ),
    "max_position_value": Case(
        RiskLimits(max_position_value=1_000_000),
        buy(10),
        "RISK_MAX_POSITION",
        positions={CODE: Position(CODE, 5, Decimal(60_000))},
    ),
    "daily_loss_realized": Case(
        RiskLimits(daily_loss_limit=100_000), buy(1), "RISK_DAILY_LOSS", realized_pnl=-100_000
    ),
    "daily_loss_unrealized": Case(
        RiskLimits(daily_loss_limit=100_000, include_unrealized=True),
        buy(1),
        "RISK_DAILY_LOSS",
        positions={CODE: Position(CODE, 10, Decimal(80_000))},
    ),
    "order_rate": Case(
        RiskLimits(max_orders_per_second=2), buy(1), "RISK_ORDER_RATE", earlier=[buy(2), buy(3)]
    ),
    "price_deviation": Case(
        RiskLimits(max_price_deviation_percent=5), buy(1, 73_600), "RISK_PRICE_DEVIATION"
    ),
    "duplicate": Case(
        RiskLimits(duplicate_window_seconds=2), buy(7), "RISK_DUPLICATE", earlier=[buy(7)]
    ),
    "halted": Case(RiskLimits(), sell(1), "RISK_HALTED", state=TradingState.HALTED),
    "reducing": Case(RiskLimits(), buy(1), "RISK_REDUCING", state=TradingState.REDUCING),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_each_check_denies_with_its_code(case: Case) -> None:
    clock = FakeClock()
    market = make_market(clock)
    risk = RiskManager(case.limits, state=case.state)
    context = RiskContext(
        market, clock(), case.positions, case.open_buy_quantity, case.realized_pnl
    )
    for request in case.earlier:
        risk.check(request, context)
    with pytest.raises(OrderDenied) as caught:
        risk.check(case.request, context)
    error = caught.value
    assert error.code == case.code
    assert error.field is not None and error.field in error.message
    assert "limit" in error.message


def test_an_order_inside_every_limit_passes() -> None:
    clock = FakeClock()
    limits = RiskLimits(
        max_order_value=1_000_000,
        max_position_quantity=100,
        max_position_value=10_000_000,
        daily_loss_limit=100_000,
        include_unrealized=True,
        max_orders_per_second=5,
        max_price_deviation_percent=5,
        duplicate_window_seconds=1,
    )
    risk = RiskManager(limits)
    risk.check(buy(10), RiskContext(make_market(clock), clock()))


def test_limits_are_counted_per_window() -> None:
    clock = FakeClock()
    market = make_market(clock)
    risk = RiskManager(RiskLimits(max_orders_per_second=1, duplicate_window_seconds=1))
    risk.check(buy(1), RiskContext(market, clock()))
    clock.advance(1.0)
    risk.check(buy(1), RiskContext(market, clock()))


def test_daily_loss_limit_still_lets_reducing_orders_through() -> None:
    clock = FakeClock()
    risk = RiskManager(RiskLimits(daily_loss_limit=1))
    held = {CODE: Position(CODE, 10, Decimal(70_000))}
    risk.check(sell(10), RiskContext(make_market(clock), clock(), held, realized_pnl=-5))


@pytest.mark.parametrize(
    ("request_", "error"),
    [(buy(1, 70_050), InvalidPrice), (buy(1, 100_000), OutsidePriceLimits)],
    ids=["off_tick", "above_upper_limit"],
)
def test_krx_rules_raise_the_specific_invalid_order(
    request_: OrderRequest, error: type[Exception]
) -> None:
    clock = FakeClock()
    with pytest.raises(error):
        RiskManager().check(request_, RiskContext(make_market(clock), clock()))


def test_krx_session_rules_use_the_market_clock() -> None:
    clock = FakeClock(START.replace(hour=20))
    with pytest.raises(SessionClosed):
        RiskManager().check(buy(1), RiskContext(make_market(clock), clock()))


@pytest.mark.parametrize(
    ("state", "request_", "allowed"),
    [
        (TradingState.ACTIVE, buy(1), True),
        (TradingState.ACTIVE, sell(1), True),
        (TradingState.REDUCING, sell(5), True),
        (TradingState.REDUCING, sell(6), False),
        (TradingState.REDUCING, buy(1), False),
        (TradingState.HALTED, sell(1), False),
    ],
)
def test_kill_switch_states(state: TradingState, request_: OrderRequest, allowed: bool) -> None:
    clock = FakeClock()
    held = {CODE: Position(CODE, 5, Decimal(70_000))}
    risk = RiskManager(state=state)
    context = RiskContext(make_market(clock), clock(), held)
    if allowed:
        risk.check(request_, context)
    else:
        with pytest.raises(OrderDenied):
            risk.check(request_, context)


def test_an_unlisted_code_is_refused_unless_the_krx_checks_are_off() -> None:
    clock = FakeClock()
    context = RiskContext(make_market(clock), clock())
    with pytest.raises(UnknownInstrument):
        RiskManager().check(buy(1, 10_000, code="999990"), context)
    RiskManager(RiskLimits(validate_krx=False)).check(buy(1, 10_000, code="999990"), context)


def test_the_krx_checks_run_at_the_market_s_clock() -> None:
    """The session check uses the market's time, not the caller's (a simulated venue)."""
    clock = FakeClock()
    market = make_market(FakeClock(START.replace(hour=20)))
    with pytest.raises(SessionClosed):
        RiskManager().check(buy(1), RiskContext(market, clock()))
