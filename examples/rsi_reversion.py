"""RSI mean reversion: buy when RSI rises back through the oversold level, sell when it
rises through the overbought level.

    yeouido backtest examples/rsi_reversion.py --data ../shared/data/krx-daily \\
        --symbols 005930,000660 --start 2010-01-01 --cash 10000000

A :class:`~yeouido.strategy.SignalStrategy`, so it also runs vectorized and in sweeps
(``--sweep lower=20,25,30 --sweep upper=65,70,75``).
"""

from __future__ import annotations

import math

from yeouido.strategy import SeriesBars, SignalStrategy


class RsiReversion(SignalStrategy):
    """Long after RSI(period) crosses up through ``lower``; flat after it crosses up through
    ``upper``."""

    params = {"period": 14, "lower": 30, "upper": 70}

    def on_start(self, ctx):
        self.rsi = {
            code: ctx.indicator(code, "RSI", timeperiod=self.params.period) for code in ctx.symbols
        }
        self.previous = dict.fromkeys(ctx.symbols, math.nan)

    def on_bar(self, ctx, bar):
        code = bar.code
        value = self.rsi[code].value
        previous = self.previous[code]
        self.previous[code] = value
        if previous <= self.params.lower < value:
            self.enter(ctx, code)
        if previous <= self.params.upper < value:  # both in one bar: enter when flat, else exit
            self.exit(ctx, code)

    def signals(self, bars: SeriesBars):
        ta = self.ta  # yeouido.ta; memoized across the combinations of a sweep
        line = ta.rsi(bars.close, self.params.period)
        return (
            ta.threshold_cross(line, self.params.lower) == 1,
            ta.threshold_cross(line, self.params.upper) == 1,
        )
