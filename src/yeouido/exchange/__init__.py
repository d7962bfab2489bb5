"""The simulated Korea Exchange (and Nextrade): order books, continuous matching, call
auctions, volatility interruptions, sessions, and a market that moves by itself."""

from yeouido.exchange.auction import Uncross, uncross_price
from yeouido.exchange.events import (
    BookChanged,
    ExchangeEvent,
    IndicativePrice,
    OrderAccepted,
    OrderCanceled,
    OrderExpired,
    OrderModified,
    OrderRejected,
    OrderTriggered,
    PhaseChanged,
    TradePrinted,
    ViEnded,
    ViStarted,
    datetime_to_ts,
    ts_to_datetime,
)
from yeouido.exchange.regular import RegularBook, ViRules
from yeouido.exchange.venue import Exchange

__all__ = [
    "BookChanged",
    "Exchange",
    "ExchangeEvent",
    "IndicativePrice",
    "OrderAccepted",
    "OrderCanceled",
    "OrderExpired",
    "OrderModified",
    "OrderRejected",
    "OrderTriggered",
    "PhaseChanged",
    "RegularBook",
    "TradePrinted",
    "Uncross",
    "ViEnded",
    "ViRules",
    "ViStarted",
    "datetime_to_ts",
    "ts_to_datetime",
    "uncross_price",
]
