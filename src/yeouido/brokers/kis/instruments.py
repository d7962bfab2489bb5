"""KIS's instrument provider: the built-in KRX instrument master.

KIS has no instrument-master endpoint worth a request per code (its master files are
downloads); the KRX master bundled with yeouido has every listed code with its tick table,
lot and market, which is all the pre-trade checks and the strategies need.
"""

from __future__ import annotations

from yeouido.krx.master import default_master
from yeouido.model.instrument import Instrument


class KisInstrumentProvider:
    """Instruments of the KRX codes KIS trades, from the built-in master."""

    def instrument(self, code: str) -> Instrument:
        """The instrument ``code``; raises the master's error for an unknown code."""
        return default_master().get(code)

    def find(self, code: str) -> Instrument | None:
        """The instrument ``code``, or ``None`` when it is not listed."""
        master = default_master()
        return master.get(code) if code in master else None


__all__ = ["KisInstrumentProvider"]
