"""The demo's sample strategy: a moving-average cross on 1-minute bars, traded on the paper
broker with market orders (golden cross: buy; dead cross: sell what is held).

It uses the streaming indicators and the crossover detector of :mod:`yeouido.ta`, reads the
simulated market's completed minute bars, and sends orders through the Broker interface, so
each order is risk-checked, journaled, and booked with commission and tax by the ledger.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from yeouido.brokers.paper.broker import PaperBroker
from yeouido.krx.sessions import Phase
from yeouido.model.errors import YeouidoError
from yeouido.ta.signals import CrossoverDetector
from yeouido.ta.stream_overlap import SMA


@dataclass
class CodeState:
    """Indicators and progress for one instrument."""

    fast: SMA
    slow: SMA
    cross: CrossoverDetector = field(default_factory=CrossoverDetector)
    bars_seen: int = 0


@dataclass
class GoldenCrossDemo:
    """Buy ``quantity`` on a golden cross of SMA(``fast``) over SMA(``slow``); sell the
    position on a dead cross. Trades only in continuous trading."""

    codes: tuple[str, ...]
    quantity: int = 10
    fast_period: int = 5
    slow_period: int = 20
    log: deque[str] = field(default_factory=lambda: deque(maxlen=6))
    orders_sent: int = 0
    rejected: int = 0
    states: dict[str, CodeState] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code in self.codes:
            self.states[code] = CodeState(SMA(self.fast_period), SMA(self.slow_period))

    async def on_step(self, broker: PaperBroker) -> None:
        """Feed the new completed bars to the indicators and act on crosses."""
        office = broker.office
        assert office is not None
        tradable = office.market.simulation.phase is Phase.CONTINUOUS
        for code, state in self.states.items():
            bars = office.market.feed.bars(code, "1m")
            for bar in bars[state.bars_seen :]:
                close = float(bar.close)
                signal = state.cross.update(
                    state.fast.update(close), state.slow.update(close), time=bar.time
                )
                if signal is not None and tradable:
                    await self._act(broker, code, signal.name, bar.time.strftime("%H:%M"))
            state.bars_seen = len(bars)

    async def _act(self, broker: PaperBroker, code: str, name: str, when: str) -> None:
        held = {position.code: position.quantity for position in await broker.positions()}
        try:
            if name == "golden_cross":
                order = await broker.buy(code, self.quantity, order_type="market", tif="ioc")
            elif held.get(code, 0) > 0:
                order = await broker.sell(code, held[code], order_type="market", tif="ioc")
            else:
                return
        except YeouidoError as error:
            self.rejected += 1
            self.log.append(f"{when} {code} {name}: refused ({error.code})")
            return
        self.orders_sent += 1
        self.log.append(f"{when} {code} {name}: {order.side.value} {order.quantity}")
