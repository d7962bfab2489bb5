"""Volatility breakout (변동성 돌파): buy when the price breaks above the previous close plus
``k`` times the previous day's range; sell at the next morning's open.

    yeouido backtest examples/volatility_breakout.py --data ../shared/data/krx-daily \\
        --symbols 069500,005930 --start 2018-01-01 --cash 10000000

At each close it places a stop-limit buy for the next day (스톱지정가): released when the day
trades at the target, filled at the target (or the open when the day opens above it) up to
``slippage`` above it. The classic version measures from the day's open, which a daily bar
cannot know before it trades; this variant measures from the previous close. A position is
sold with a market order on the bar after the purchase, i.e. at the next open.
"""

from __future__ import annotations

from yeouido.krx.ticks import round_price
from yeouido.model.errors import InsufficientFunds
from yeouido.strategy import Strategy


class VolatilityBreakout(Strategy):
    """Enter on a break of close + k × range; exit at the next open."""

    params = {"k": 0.5, "slippage": 0.01, "weight": 0.0}

    def on_bar(self, ctx, bar):
        code = bar.code
        held = ctx.quantity(code)
        if held and not ctx.open_orders(code):
            ctx.sell(code, held)
            return
        if held or ctx.open_orders(code) or bar.high <= bar.low:
            return
        kind = ctx.instrument(code).kind
        target = round_price(bar.close + self.params.k * (bar.high - bar.low), kind, "up")
        limit = round_price(target * (1 + self.params.slippage), kind, "down")
        upper_limit = round_price(bar.close * 1.3, kind, "down")
        if limit <= target or limit > upper_limit:
            return
        weight = self.params.weight or 1 / len(ctx.symbols)
        budget = min(ctx.buying_power, int(ctx.equity * weight))
        quantity = ctx.affordable_quantity(budget, limit)
        if quantity <= 0:
            return
        try:
            ctx.buy(code, quantity, price=limit, order_type="stop_limit", stop_price=target)
        except InsufficientFunds:
            ctx.log(f"{code}: not enough buying power for {quantity}")
