"""Chart indicators with TA-Lib's names, defaults and output order, the Korean HTS favourites,
their streaming forms, and chart signals.

Batch functions take numpy arrays, pandas Series or sequences and return the same kind::

    from yeouido import ta
    upper, middle, lower = ta.bbands(close, timeperiod=20)
    rsi = ta.rsi(close)                      # TA-Lib parity within 1e-9

Streaming forms (``yeouido.ta.streaming``) update one bar at a time; ``update_last`` recomputes
the still-forming bar without committing it (CYBOS Plus's "last bar only")::

    from yeouido.ta.streaming import RSI
    indicator = RSI(14)
    for bar in history:
        indicator.update(bar.close)
    preview = indicator.update_last(current_price)
"""

from yeouido.ta.korean import (
    adr,
    disparity,
    envelope,
    ichimoku,
    pivot_points,
    price_channel,
    psy,
    vr,
    vwap,
)
from yeouido.ta.momentum import (
    apo,
    cci,
    cmo,
    macd,
    mom,
    ppo,
    roc,
    rsi,
    stoch,
    stochf,
    stochrsi,
    trix,
    willr,
)
from yeouido.ta.oscillators import bop, ultosc
from yeouido.ta.overlap import bbands, dema, ema, kama, midprice, sma, tema, trima, wma
from yeouido.ta.signals import (
    BandBreakDetector,
    BandReentryDetector,
    CrossoverDetector,
    Signal,
    ThresholdCrossDetector,
    band_break,
    band_reentry,
    cross_above,
    cross_below,
    crossover,
    threshold_cross,
)
from yeouido.ta.statistics import linearreg, stddev
from yeouido.ta.trend import adx, adxr, aroon, dx, minus_di, plus_di, sar
from yeouido.ta.volatility import atr, natr, trange
from yeouido.ta.volume import ad, adosc, mfi, obv

TALIB_FUNCTIONS = (
    "sma", "ema", "wma", "dema", "tema", "trima", "kama", "macd", "rsi", "stoch", "stochf",
    "stochrsi", "willr", "cci", "bbands", "atr", "natr", "trange", "adx", "adxr", "plus_di",
    "minus_di", "dx", "obv", "ad", "adosc", "mfi", "sar", "roc", "mom", "trix", "aroon",
    "ultosc", "linearreg", "stddev", "midprice", "ppo", "apo", "cmo", "bop",
)  # fmt: skip
"""The batch functions that have a TA-Lib counterpart of the same (upper-case) name."""

KOREAN_FUNCTIONS = (
    "disparity", "psy", "vr", "envelope", "price_channel", "ichimoku", "pivot_points", "vwap",
    "adr",
)  # fmt: skip
"""The Korean HTS indicators TA-Lib lacks."""

__all__ = [
    "KOREAN_FUNCTIONS",
    "TALIB_FUNCTIONS",
    "BandBreakDetector",
    "BandReentryDetector",
    "CrossoverDetector",
    "Signal",
    "ThresholdCrossDetector",
    "ad",
    "adosc",
    "adr",
    "adx",
    "adxr",
    "apo",
    "aroon",
    "atr",
    "band_break",
    "band_reentry",
    "bbands",
    "bop",
    "cci",
    "cmo",
    "cross_above",
    "cross_below",
    "crossover",
    "dema",
    "disparity",
    "dx",
    "ema",
    "envelope",
    "ichimoku",
    "kama",
    "linearreg",
    "macd",
    "mfi",
    "midprice",
    "minus_di",
    "mom",
    "natr",
    "obv",
    "pivot_points",
    "plus_di",
    "ppo",
    "price_channel",
    "psy",
    "roc",
    "rsi",
    "sar",
    "sma",
    "stddev",
    "stoch",
    "stochf",
    "stochrsi",
    "tema",
    "threshold_cross",
    "trange",
    "trima",
    "trix",
    "ultosc",
    "vr",
    "vwap",
    "willr",
    "wma",
]
