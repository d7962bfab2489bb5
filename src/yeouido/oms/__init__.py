"""Order management: client order ids, the durable journal, pre-trade risk checks, the order
manager, and reconciliation with the broker."""

from yeouido.oms.execution import (
    AccountSnapshot,
    ExecutionClient,
    FillHandler,
    UpdateHandler,
    VenueOrder,
    VenueOrderUpdate,
)
from yeouido.oms.ids import (
    ClientOrderId,
    ClientOrderIdGenerator,
    is_client_order_id,
    parse_client_order_id,
)
from yeouido.oms.journal import Journal, JournalEvent, JournalState
from yeouido.oms.manager import (
    IN_FLIGHT,
    OrderEvent,
    OrderEventCallback,
    OrderFilled,
    OrderManager,
    OrderStatusChanged,
)
from yeouido.oms.positions import PositionBook
from yeouido.oms.reconcile import (
    NEVER_REACHED,
    OrderDifference,
    PositionDifference,
    ReconciliationReport,
    reconcile,
)
from yeouido.oms.risk import (
    MarketView,
    RiskContext,
    RiskLimits,
    RiskManager,
    StaticMarket,
    TradingState,
)

__all__ = [
    "IN_FLIGHT",
    "NEVER_REACHED",
    "AccountSnapshot",
    "ClientOrderId",
    "ClientOrderIdGenerator",
    "ExecutionClient",
    "FillHandler",
    "Journal",
    "JournalEvent",
    "JournalState",
    "MarketView",
    "OrderDifference",
    "OrderEvent",
    "OrderEventCallback",
    "OrderFilled",
    "OrderManager",
    "OrderStatusChanged",
    "PositionBook",
    "PositionDifference",
    "ReconciliationReport",
    "RiskContext",
    "RiskLimits",
    "RiskManager",
    "StaticMarket",
    "TradingState",
    "UpdateHandler",
    "VenueOrder",
    "VenueOrderUpdate",
    "is_client_order_id",
    "parse_client_order_id",
    "reconcile",
]
