"""Golden cross: buy when the fast moving average crosses above the slow one, sell on the
dead cross.

Runs unchanged everywhere::

    yeouido backtest examples/golden_cross.py --data ../shared/data/krx-daily \\
        --symbols 005930,069500 --start 2015-01-01 --end 2023-12-22 --cash 10000000
    yeouido run examples/golden_cross.py --broker paper --symbols 005930,069500 --interval 1m \\
        --param fast=3 --param slow=10

It is a :class:`~yeouido.strategy.SignalStrategy`: ``on_bar`` decides with streaming moving
averages, ``signals`` gives the same decisions as arrays for the vectorized mode and sweeps,
with the batch indicators of ``self.ta`` (:mod:`yeouido.ta`, memoized in sweeps).
"""

from __future__ import annotations

import numpy as np

from yeouido.strategy import SeriesBars, SignalStrategy


class GoldenCross(SignalStrategy):
    """SMA(fast) crossing SMA(slow): long after a golden cross, flat after a dead cross."""

    params = {"fast": 5, "slow": 20}

    def on_start(self, ctx):
        self.fast = {
            code: ctx.indicator(code, "SMA", timeperiod=self.params.fast) for code in ctx.symbols
        }
        self.slow = {
            code: ctx.indicator(code, "SMA", timeperiod=self.params.slow) for code in ctx.symbols
        }
        self.previous = {code: (np.nan, np.nan) for code in ctx.symbols}

    def on_bar(self, ctx, bar):
        code = bar.code
        fast, slow = self.fast[code].value, self.slow[code].value
        previous_fast, previous_slow = self.previous[code]
        self.previous[code] = (fast, slow)
        if previous_fast <= previous_slow and fast > slow:
            self.enter(ctx, code)
        elif previous_fast >= previous_slow and fast < slow:
            self.exit(ctx, code)

    def signals(self, bars: SeriesBars):
        ta = self.ta  # yeouido.ta; memoized across the combinations of a sweep
        cross = ta.crossover(
            ta.sma(bars.close, self.params.fast), ta.sma(bars.close, self.params.slow)
        )
        return cross == 1, cross == -1
