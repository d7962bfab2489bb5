"""The fill model and the order rules of the event-driven engine, on hand-made bars."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import yeouido
from yeouido.backtest import FillModel
from yeouido.backtest.engine import BacktestEngine
from yeouido.model.errors import (
    InsufficientFunds,
    InsufficientPosition,
    InvalidInput,
    InvalidPrice,
    NotSupported,
    OrderNotOpen,
    OutsidePriceLimits,
)
from yeouido.model.orders import OrderRequest
from yeouido.strategy import Strategy

from .bars import daily, flat, minutes

CODE = "005930"


class Scripted(Strategy):
    """Calls ``actions[i](ctx, bar)`` on the i-th bar; records callbacks."""

    def __init__(self, actions: dict[int, Callable[[Any, Any], Any]]) -> None:
        super().__init__()
        self.actions = actions
        self.seen = 0
        self.events: list[tuple[str, Any]] = []
        self.returned: dict[int, Any] = {}

    def on_bar(self, ctx: Any, bar: Any) -> None:
        action = self.actions.get(self.seen)
        if action is not None:
            self.returned[self.seen] = action(ctx, bar)
        self.seen += 1

    def on_order(self, ctx: Any, order: Any) -> None:
        self.events.append(("order", order.status.value))

    def on_fill(self, ctx: Any, fill: Any) -> None:
        self.events.append(("fill", (fill.quantity, fill.price)))


def run(frame: pd.DataFrame, actions: dict[int, Any], cash: int = 10_000_000, **options: Any):
    strategy = Scripted(actions)
    result = BacktestEngine(strategy, {CODE: frame}, cash, **options).run()
    return strategy, result


def test_market_order_fills_at_the_next_bars_open() -> None:
    frame = daily([(10_000, 10_100, 9_900, 10_050, 500), (10_200, 10_400, 10_150, 10_300, 700)])
    strategy, result = run(frame, {0: lambda ctx, bar: ctx.buy(CODE, 10)})
    fill = result.fills.iloc[0]
    assert (fill.quantity, fill.price) == (10, 10_200)
    assert fill.time == pd.Timestamp("2024-03-05 09:00", tz="Asia/Seoul")
    assert strategy.events == [("order", "accepted"), ("order", "filled"), ("fill", (10, 10_200))]


def test_limit_buy_fills_only_when_the_bar_trades_through_the_price() -> None:
    bars = daily([(10_000, 10_100, 9_900, 10_000, 500), (10_000, 10_050, 9_800, 9_900, 500)] * 2)
    at_low = {0: lambda ctx, bar: ctx.buy(CODE, 5, price=9_800)}
    _, untouched = run(bars, at_low)
    assert untouched.fills.empty
    assert untouched.orders.status.tolist() == ["expired"]
    _, touched = run(bars, at_low, fill_model=FillModel(limit_fill="touch"))
    assert touched.fills.price.tolist() == [9_800]
    _, through = run(bars, {0: lambda ctx, bar: ctx.buy(CODE, 5, price=9_850)})
    assert through.fills.price.tolist() == [9_850]
    _, gap = run(bars, {0: lambda ctx, bar: ctx.buy(CODE, 5, price=10_050)})
    assert gap.fills.price.tolist() == [10_000], "an open below the limit fills at the open"


def test_limit_sell_fills_when_the_high_goes_through() -> None:
    bars = daily([(10_000, 10_100, 9_900, 10_000, 500)] * 4)
    actions = {
        0: lambda ctx, bar: ctx.buy(CODE, 5),
        1: lambda ctx, bar: ctx.sell(CODE, 5, price=10_050),
    }
    _, result = run(bars, actions)
    assert result.fills.side.tolist() == ["buy", "sell"]
    assert result.fills.price.tolist() == [10_000, 10_050]
    assert result.fills.time.iloc[1] == pd.Timestamp("2024-03-06 15:30", tz="Asia/Seoul")


def test_a_day_order_expires_at_the_end_of_its_trading_day() -> None:
    bars = flat(4)
    strategy, result = run(bars, {0: lambda ctx, bar: ctx.buy(CODE, 1, price=9_000)})
    assert result.orders.status.tolist() == ["expired"]
    assert result.orders.updated_at.iloc[0].date() == dt.date(2024, 3, 5)
    assert ("order", "expired") in strategy.events


def test_orders_are_checked_by_the_krx_rules_before_they_are_accepted() -> None:
    errors: list[type[Exception]] = []

    def attempt(call: Callable[[], Any]) -> None:
        try:
            call()
        except Exception as error:
            errors.append(type(error))

    def act(ctx: Any, bar: Any) -> None:
        attempt(lambda: ctx.buy(CODE, 1, price=10_001))  # off the 10-won tick of 10,000
        attempt(lambda: ctx.buy(CODE, 1, price=13_500))  # above +30% of 10,000
        attempt(lambda: ctx.sell(CODE, 1))  # nothing held: no short sales
        attempt(lambda: ctx.buy(CODE, 10_000))  # 100,000,000 KRW with 10,000,000
        attempt(
            lambda: ctx.submit(
                OrderRequest.create(CODE, "buy", 1, 10_000, session="after_hours_single")
            )
        )
        attempt(lambda: ctx.cancel("BT9999999"))

    run(flat(2), {0: act})
    assert errors == [
        InvalidPrice,
        OutsidePriceLimits,
        InsufficientPosition,
        InsufficientFunds,
        NotSupported,
        OrderNotOpen,
    ]


def test_costs_commission_fee_and_sell_tax_in_whole_won() -> None:
    bars = daily([(70_000, 70_500, 69_500, 70_000, 1_000)] * 3, start="2023-06-01")
    actions = {0: lambda ctx, bar: ctx.buy(CODE, 7), 1: lambda ctx, bar: ctx.sell(CODE, 7)}
    _, result = run(bars, actions)
    buy, sell = result.fills.itertuples(index=False)
    amount = 7 * 70_000
    assert buy.commission == amount * 15 // 100_000 + amount * 23 // 1_000_000
    assert sell.tax == amount * 20 // 10_000  # KOSPI, 2023: 0.20%
    assert result.stats.final_equity == 10_000_000 - 2 * buy.commission - sell.tax
    assert result.trades.pnl.tolist() == [-2 * buy.commission - sell.tax]


def test_sale_proceeds_settle_two_trading_days_later_but_count_for_buying_power() -> None:
    balances: list[Any] = []
    actions = {
        0: lambda ctx, bar: ctx.buy(CODE, 100),
        2: lambda ctx, bar: ctx.sell(CODE, 100),
        **{i: (lambda ctx, bar: balances.append(ctx.balance())) for i in range(3, 7)},
    }
    _, result = run(flat(7), actions)
    paid = 100 * 10_000 + result.fills.commission.iloc[0]
    received = 100 * 10_000 - result.fills.commission.iloc[1] - result.fills.tax.iloc[1]
    start = 10_000_000
    # bar 3: the sale traded on bar 3's open; bar 1's purchase settled on bar 3.
    assert balances[0].cash == start - paid
    assert balances[0].settlement_d2 == start - paid + received
    assert balances[0].buying_power == start - paid + received
    assert balances[1].cash == start - paid
    assert balances[2].cash == start - paid + received


def test_a_gap_up_open_fills_only_what_the_cash_pays_for() -> None:
    bars = daily([(10_000, 10_000, 10_000, 10_000, 500), (12_000, 12_000, 12_000, 12_000, 500)])

    def all_in(ctx: Any, bar: Any) -> Any:
        return ctx.buy(CODE, ctx.affordable_quantity(ctx.buying_power, bar.close))

    _, result = run(bars, {0: all_in}, cash=1_000_000)
    assert result.orders.quantity.iloc[0] == 99
    assert result.fills.quantity.tolist() == [83]
    assert result.orders.status.tolist() == ["canceled"]


def test_a_bar_without_volume_fills_nothing() -> None:
    bars = daily([(10_000, 10_000, 10_000, 10_000, 0)] * 3)
    bars.iloc[0, 4] = 100
    _, result = run(bars, {0: lambda ctx, bar: ctx.buy(CODE, 1)})
    assert result.fills.empty


def test_modify_and_cancel_from_the_strategy() -> None:
    bars = flat(4)
    state: dict[str, Any] = {}

    def place(ctx: Any, bar: Any) -> None:
        state["order"] = ctx.buy(CODE, 5, price=9_000)

    def change(ctx: Any, bar: Any) -> None:
        order = ctx.buy(CODE, 3, price=9_500)
        ctx.modify(order.order_id, price=9_950, quantity=2)
        ctx.cancel(state["order"].order_id)

    _, result = run(bars, {0: place, 1: change})
    assert result.orders.status.tolist() == ["canceled", "filled"]
    assert result.fills.quantity.tolist() == [2]
    assert result.fills.price.tolist() == [9_950]


def test_stop_limit_is_released_at_the_stop() -> None:
    bars = daily(
        [
            (10_000, 10_100, 9_900, 10_000, 500),
            (10_000, 10_250, 9_950, 10_200, 500),
            (10_400, 10_500, 10_300, 10_450, 500),
        ]
    )
    place = {
        0: lambda ctx, bar: ctx.buy(
            CODE, 2, price=10_300, order_type="stop_limit", stop_price=10_200
        )
    }
    _, result = run(bars, place)
    assert result.fills.price.tolist() == [10_200]


def test_scheduled_work_inside_a_daily_bar_fills_at_that_days_close() -> None:
    class AtTen(Strategy):
        def on_start(self, ctx: Any) -> None:
            self.views: list[int] = []
            ctx.schedule(self.buy, at="10:00", every="week")

        def buy(self, ctx: Any) -> None:
            self.views.append(len(ctx.history(CODE)))
            if ctx.last_price(CODE):
                ctx.buy(CODE, 1)

    bars = daily(
        [(10_000 + 10 * i, 10_200 + 10 * i, 9_900, 10_100 + 10 * i, 500) for i in range(8)]
    )
    strategy = AtTen()
    result = BacktestEngine(strategy, {CODE: bars}, 10_000_000).run()
    # 2024-03-04 is a Monday: the job runs on the first day of each week, before its bar.
    assert strategy.views == [0, 5]
    assert result.fills.time.tolist() == [pd.Timestamp("2024-03-11 15:30", tz="Asia/Seoul")]
    assert result.fills.price.tolist() == [10_150]


def test_minute_bars_fill_on_the_next_minute_and_day_orders_end_with_the_day() -> None:
    rows = [
        (10_000 + i * 10, 10_020 + i * 10, 9_990 + i * 10, 10_010 + i * 10, 100) for i in range(5)
    ]
    frame = minutes(rows)
    strategy = Scripted(
        {1: lambda ctx, bar: ctx.buy(CODE, 1), 2: lambda ctx, bar: ctx.buy(CODE, 1, price=9_000)}
    )
    result = BacktestEngine(strategy, {CODE: frame}, 10_000_000, interval="1m").run()
    assert result.fills.time.tolist() == [pd.Timestamp("2024-03-04 09:02", tz="Asia/Seoul")]
    assert result.fills.price.tolist() == [10_020]
    assert result.orders.status.tolist() == ["filled", "accepted"]


def test_the_module_is_callable_as_yeouido_backtest() -> None:
    class Hold(Strategy):
        def on_bar(self, ctx: Any, bar: Any) -> None:
            if not ctx.quantity(bar.code) and not ctx.open_orders():
                ctx.buy(bar.code, 10)

    result = yeouido.backtest(Hold, data={CODE: flat(5)}, cash=1_000_000)
    assert isinstance(result, yeouido.backtest.Result)
    assert result.fills.quantity.sum() == 10
    with pytest.raises(InvalidInput, match="cash"):
        yeouido.backtest(Hold, data={CODE: flat(5)}, cash=0)


def test_scheduled_work_during_a_daily_bar_does_not_see_later_fills_of_that_bar() -> None:
    class Peek(Strategy):
        def on_start(self, ctx: Any) -> None:
            self.seen: list[tuple[dt.datetime, int]] = []
            ctx.schedule(self.job, at="09:30")

        def on_bar(self, ctx: Any, bar: Any) -> None:
            if len(ctx.history(CODE)) == 1:
                ctx.buy(CODE, 10, price=9_500)

        def job(self, ctx: Any) -> None:
            self.seen.append((ctx.now, ctx.quantity(CODE)))

    bars = daily(
        [
            (10_000, 10_100, 9_900, 10_000, 1_000),
            (10_000, 10_100, 9_000, 10_000, 1_000),
            (10_000, 10_100, 9_900, 10_000, 1_000),
        ]
    )
    strategy = Peek()
    result = BacktestEngine(strategy, {CODE: bars}, 10_000_000).run()
    assert result.fills.time.tolist() == [pd.Timestamp("2024-03-05 15:30", tz="Asia/Seoul")]
    assert [quantity for _, quantity in strategy.seen] == [0, 0, 10]


def test_a_stop_limit_from_in_bar_work_fills_at_the_close_only_past_its_stop() -> None:
    class Stop(Strategy):
        def on_start(self, ctx: Any) -> None:
            self.placed = False
            ctx.schedule(self.job, at="10:00")

        def job(self, ctx: Any) -> None:
            if ctx.last_price(CODE) and not self.placed:
                self.placed = True
                ctx.buy(CODE, 10, price=11_100, order_type="stop_limit", stop_price=11_000)

    bars = daily([(10_000, 10_100, 9_900, 10_000, 1_000)] * 4)
    result = BacktestEngine(Stop(), {CODE: bars}, 10_000_000).run()
    assert result.fills.empty
    assert result.orders.status.tolist() == ["expired"]


def test_an_ioc_order_without_volume_to_take_is_canceled_not_kept() -> None:
    frame = minutes(
        [(10_000, 10_100, 9_900, 10_000, 1_000), (10_000, 10_100, 9_900, 10_000, 1)] * 2
    )
    strategy = Scripted({0: lambda ctx, bar: ctx.buy(CODE, 10, price=10_100, tif="ioc")})
    capped = FillModel(max_volume_fraction=0.5)
    result = BacktestEngine(
        strategy, {CODE: frame}, 10_000_000, fill_model=capped, interval="1m"
    ).run()
    assert result.fills.empty
    assert result.orders.status.tolist() == ["canceled"]


def test_bars_out_of_time_order_are_refused() -> None:
    bars = flat(4).iloc[::-1]
    with pytest.raises(InvalidInput, match="increasing and unique"):
        BacktestEngine(Scripted({}), {CODE: bars}, 10_000_000)
