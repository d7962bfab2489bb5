"""Every streaming indicator, by TA-Lib's upper-case name (and the Korean ones).

Each class takes the batch function's parameters; ``update(*inputs)`` commits a bar (inputs
in the batch function's order, e.g. ``ATR.update(high, low, close)``), ``update_last(...)``
previews the still-forming bar without committing, ``update_bar(bar)`` reads the inputs from
a :class:`yeouido.model.Bar`. After any sequence of updates the outputs equal the batch
function's values exactly.
"""

from yeouido.ta._core import StreamingIndicator
from yeouido.ta.stream_korean import (
    ADR,
    DISPARITY,
    ENVELOPE,
    ICHIMOKU,
    PIVOT_POINTS,
    PRICE_CHANNEL,
    PSY,
    VR,
    VWAP,
)
from yeouido.ta.stream_momentum import (
    APO,
    CCI,
    CMO,
    MACD,
    MOM,
    PPO,
    ROC,
    RSI,
    STOCH,
    STOCHF,
    STOCHRSI,
    TRIX,
    WILLR,
)
from yeouido.ta.stream_oscillators import BOP, ULTOSC
from yeouido.ta.stream_overlap import (
    BBANDS,
    DEMA,
    EMA,
    KAMA,
    LINEARREG,
    MIDPRICE,
    SMA,
    STDDEV,
    TEMA,
    TRIMA,
    WMA,
)
from yeouido.ta.stream_trend import ADX, ADXR, AROON, DX, MINUS_DI, PLUS_DI, SAR
from yeouido.ta.stream_volatility import ATR, NATR, TRANGE
from yeouido.ta.stream_volume import AD, ADOSC, MFI, OBV

__all__ = [
    "AD",
    "ADOSC",
    "ADR",
    "ADX",
    "ADXR",
    "APO",
    "AROON",
    "ATR",
    "BBANDS",
    "BOP",
    "CCI",
    "CMO",
    "DEMA",
    "DISPARITY",
    "DX",
    "EMA",
    "ENVELOPE",
    "ICHIMOKU",
    "KAMA",
    "LINEARREG",
    "MACD",
    "MFI",
    "MIDPRICE",
    "MINUS_DI",
    "MOM",
    "NATR",
    "OBV",
    "PIVOT_POINTS",
    "PLUS_DI",
    "PPO",
    "PRICE_CHANNEL",
    "PSY",
    "ROC",
    "RSI",
    "SAR",
    "SMA",
    "STDDEV",
    "STOCH",
    "STOCHF",
    "STOCHRSI",
    "TEMA",
    "TRANGE",
    "TRIMA",
    "TRIX",
    "ULTOSC",
    "VR",
    "VWAP",
    "WILLR",
    "WMA",
    "StreamingIndicator",
]  # fmt: skip
