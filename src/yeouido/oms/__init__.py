"""Order management: client order ids, the durable journal, pre-trade risk checks, the order
manager, and reconciliation with the broker."""
