"""Momentum rotation: once a month, hold the ``top`` codes with the best return over the
last ``lookback`` bars (only those with a positive return), in equal parts.

    yeouido backtest examples/momentum_rotation.py --data ../shared/data/krx-daily \\
        --symbols 069500,114800,122630,252670,005930,000660,035420,005380 \\
        --start 2016-01-01 --cash 30000000
    yeouido run examples/momentum_rotation.py --broker paper --symbols 005930,069500,035420 \\
        --interval 1m --param lookback=10 --param at=09:30

The rebalance is scheduled work (``ctx.schedule``, at ``at`` on the first trading day of each
month): it ranks the codes and sells what left the top list. The purchases follow on the next
bar once the sales have filled, so their proceeds count in buying power (D+2 cash).
"""

from __future__ import annotations

from yeouido.model.errors import InsufficientFunds
from yeouido.strategy import Strategy


class MomentumRotation(Strategy):
    """Monthly top-N momentum with an absolute-momentum filter."""

    params = {"lookback": 120, "top": 2, "invested": 0.95, "at": "close"}

    def on_start(self, ctx):
        self.targets: list[str] = []
        self.buy_pending = False
        ctx.schedule(self.rebalance, at=self.params.at, every="month")

    def momentum(self, ctx, code):
        closes = ctx.history(code, "close", self.params.lookback + 1)
        if len(closes) <= self.params.lookback:
            return None
        return closes[-1] / closes[0] - 1

    def rebalance(self, ctx):
        scores = {}
        for code in ctx.symbols:
            score = self.momentum(ctx, code)
            if score is not None and score > 0:
                scores[code] = score
        self.targets = sorted(scores, key=scores.get, reverse=True)[: self.params.top]
        for code in ctx.symbols:
            if code not in self.targets and ctx.quantity(code) and not ctx.open_orders(code):
                ctx.sell(code, ctx.quantity(code))
        self.buy_pending = bool(self.targets)
        ctx.log(f"rebalance: {', '.join(self.targets) or 'cash'}")

    def on_bar(self, ctx, bar):
        if not self.buy_pending or ctx.open_orders():
            return
        self.buy_pending = False
        slot = int(ctx.equity * self.params.invested / max(len(self.targets), 1))
        for code in self.targets:
            price = ctx.buy_reserve_price(code)
            if not price:
                continue
            change = slot // price - ctx.quantity(code)
            try:
                if change > 0:
                    quantity = min(change, ctx.affordable_quantity(ctx.buying_power, price))
                    if quantity > 0:
                        ctx.buy(code, quantity)
                elif change < 0:
                    ctx.sell(code, -change)
            except InsufficientFunds:
                ctx.log(f"{code}: not enough buying power")
