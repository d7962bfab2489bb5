"""The account core: positions, average price, realized P&L and T+2 cash in whole KRW.

One implementation for every account yeouido keeps: the backtest's, the paper broker's
ledger (which persists it) and the OMS's position book. Costs come from
:class:`~yeouido.krx.CostModel` (its integer arithmetic, :mod:`yeouido.krx.costs`).
"""

from yeouido.accounting.account import Account
from yeouido.accounting.cash import SETTLEMENT_DAYS, CashLedger, net_cash, settlement_day
from yeouido.accounting.holding import AVERAGE_CONTEXT, Holding, share

__all__ = [
    "AVERAGE_CONTEXT",
    "SETTLEMENT_DAYS",
    "Account",
    "CashLedger",
    "Holding",
    "net_cash",
    "settlement_day",
    "share",
]
