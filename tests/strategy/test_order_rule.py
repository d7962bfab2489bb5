"""One rule for ``buy``/``sell`` everywhere: a price means a limit order, no price a market
order, unless ``order_type`` names another type."""

from __future__ import annotations

from yeouido.backtest.context import BacktestContext
from yeouido.krx.costs import CostModel
from yeouido.model.enums import OrderType
from yeouido.model.orders import Order, order_type_for

CODE = "005930"


def test_the_rule() -> None:
    assert order_type_for(None) is OrderType.MARKET
    assert order_type_for(70_000) is OrderType.LIMIT
    assert order_type_for(None, "best_opposite") == "best_opposite"
    assert order_type_for(70_000, OrderType.CONDITIONAL_LIMIT) is OrderType.CONDITIONAL_LIMIT


def test_a_strategy_context_follows_it() -> None:
    sent: list[Order] = []
    ctx = BacktestContext((CODE,), 10_000_000, CostModel(), {}, sent.append)
    ctx.last[0] = ctx.base[0] = 70_000
    market = ctx.buy(CODE, 1)
    limit = ctx.buy(CODE, 1, 69_900)
    assert market.request.order_type is OrderType.MARKET and market.request.price is None
    assert limit.request.order_type is OrderType.LIMIT and limit.request.price == 69_900
