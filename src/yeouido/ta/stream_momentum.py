"""Streaming momentum indicators, equal bit for bit to :mod:`yeouido.ta.momentum`.

Each class is named after the TA-Lib function (``MACD`` for :func:`yeouido.ta.momentum.macd`)
and takes the batch function's parameters with the same defaults. See
:mod:`yeouido.ta.stream_overlap` for the building blocks and the update / preview contract.
"""

from __future__ import annotations

from typing import Any

from yeouido.ta._core import NAN
from yeouido.ta.overlap import ZERO_THRESHOLD, checked_ma_type, checked_period, ma_lookback
from yeouido.ta.stream_overlap import (
    Cell,
    CellMachine,
    DelayedCell,
    EmaCell,
    Machine,
    MachineIndicator,
    TripleEmaCell,
    WindowExtremes,
    ema_pair,
    macd_chain,
    moving_average_cell,
)


def _is_zero(value: float) -> bool:
    return -ZERO_THRESHOLD < value < ZERO_THRESHOLD


class WilderCell(Cell):
    """RSI (``balance`` False) or CMO (True) from Wilder-smoothed gains and losses."""

    def __init__(self, period: int, balance: bool) -> None:
        self.period = period
        self.lookback = period
        self.balance = balance
        self.retain = (period - 1) / period
        self.seen = 0
        self.previous = 0.0
        self.gain = 0.0
        self.loss = 0.0

    def step(self, value: float, commit: bool) -> float:
        """The oscillator after ``value`` (NaN while warming up)."""
        seen = self.seen
        period = self.period
        if seen == 0:
            if commit:
                self.previous = value
                self.seen = 1
            return NAN
        gain = self.gain
        loss = self.loss
        if seen > period and not self.balance:
            # RSI: the operations of the batch kernel's fast path (see ``_wilder_oscillator``).
            step = (value - self.previous) / period
            if step < 0.0:
                loss = loss * self.retain - step
                gain = gain * self.retain + 0.0
            else:
                loss = loss * self.retain - 0.0
                gain = gain * self.retain + step
            total = gain + loss
            out = 0.0 if _is_zero(total) else 100.0 * (gain / total)
            if commit:
                self.previous = value
                self.gain = gain
                self.loss = loss
                self.seen = seen + 1
            return out
        change = value - self.previous
        if seen > period:
            loss *= period - 1
            gain *= period - 1
        if change < 0:
            loss -= change
        else:
            gain += change
        out = NAN
        if seen >= period:
            loss /= period
            gain /= period
            total = gain + loss
            if _is_zero(total):
                out = 0.0
            elif self.balance:
                out = 100.0 * ((gain - loss) / total)
            else:
                out = 100.0 * (gain / total)
        if commit:
            self.previous = value
            self.gain = gain
            self.loss = loss
            self.seen = seen + 1
        return out


class FastKCell:
    """Raw %K: the close within the ``period`` bars' range, 0..100 (``_fast_k``)."""

    def __init__(self, period: int, williams: bool = False) -> None:
        self.extremes = WindowExtremes(period)
        self.williams = williams

    def step(self, high: float, low: float, close: float, commit: bool) -> float:
        """%K (or Williams' %R when ``williams``) for this bar; NaN while warming up."""
        highest, lowest = self.extremes.step(high, low, commit)
        spread = highest - lowest
        if spread == 0.0:
            return 0.0
        if self.williams:
            return (highest - close) / spread * -100.0
        return (close - lowest) / spread * 100.0


class _StochasticMachine(Machine):
    """%K, smoothed into ``slowk`` and again into ``slowd`` (STOCHF: ``slowk_period`` 1).

    :class:`FastKCell` and the delays of the two averages are inlined (one Python call per
    cell saved): the averages are stepped from the bar where their input stops being NaN, as
    ``DelayedCell`` would, and a ``slowk_period`` of 1 (the identity) is skipped."""

    def __init__(
        self,
        fastk: int,
        slowk: int,
        slowk_type: int,
        slowd: int,
        slowd_type: int,
        delay: int = 0,
    ) -> None:
        super().__init__((NAN, NAN))
        self.delay = delay
        self.extremes = WindowExtremes(fastk)
        self.k_start = fastk - 1
        self.smooth_k: Cell | None = None if slowk == 1 else moving_average_cell(slowk, slowk_type)
        self.d_start = fastk - 1 + ma_lookback(slowk, slowk_type)
        self.smooth_d = moving_average_cell(slowd, slowd_type)
        self.inner_first = self.d_start + ma_lookback(slowd, slowd_type)

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        return self.stochastic(values[0], values[1], values[2], position, commit)

    def stochastic(
        self, high: float, low: float, close: float, position: int, commit: bool
    ) -> tuple[float, float]:
        """``(k, d)`` for a bar at ``position``; the inner chain starts after ``delay`` bars."""
        position -= self.delay
        if position < 0:
            return NAN, NAN
        highest, lowest = self.extremes.step(high, low, commit)
        if position < self.k_start:
            return NAN, NAN
        spread = highest - lowest
        raw = 0.0 if spread == 0.0 else (close - lowest) / spread * 100.0
        smooth_k = self.smooth_k
        k = raw if smooth_k is None else smooth_k.step(raw, commit)
        if position < self.d_start:
            return NAN, NAN
        d = self.smooth_d.step(k, commit)
        if position < self.inner_first:
            return NAN, NAN
        return k, d


class STOCH(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.stoch`; inputs ``(high, low, close)``, outputs
    ``(slowk, slowd)``."""

    inputs = ("high", "low", "close")
    outputs = ("slowk", "slowd")

    def __init__(
        self,
        fastk_period: int = 5,
        slowk_period: int = 3,
        slowk_matype: int = 0,
        slowd_period: int = 3,
        slowd_matype: int = 0,
    ) -> None:
        self.fastk_period = checked_period("fastk_period", fastk_period, 1)
        self.slowk_period = checked_period("slowk_period", slowk_period, 1)
        self.slowk_matype = checked_ma_type("slowk_matype", slowk_matype)
        self.slowd_period = checked_period("slowd_period", slowd_period, 1)
        self.slowd_matype = checked_ma_type("slowd_matype", slowd_matype)
        super().__init__()

    def _build(self) -> Machine:
        return _StochasticMachine(
            self.fastk_period,
            self.slowk_period,
            self.slowk_matype,
            self.slowd_period,
            self.slowd_matype,
        )


class STOCHF(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.stochf`; inputs ``(high, low, close)``, outputs
    ``(fastk, fastd)``."""

    inputs = ("high", "low", "close")
    outputs = ("fastk", "fastd")

    def __init__(self, fastk_period: int = 5, fastd_period: int = 3, fastd_matype: int = 0) -> None:
        self.fastk_period = checked_period("fastk_period", fastk_period, 1)
        self.fastd_period = checked_period("fastd_period", fastd_period, 1)
        self.fastd_matype = checked_ma_type("fastd_matype", fastd_matype)
        super().__init__()

    def _build(self) -> Machine:
        return _StochasticMachine(self.fastk_period, 1, 0, self.fastd_period, self.fastd_matype)


class _StochasticRsiMachine(Machine):
    def __init__(self, period: int, fastk: int, fastd: int, fastd_type: int) -> None:
        super().__init__((NAN, NAN))
        self.strength = WilderCell(period, False)
        self.stochastic = _StochasticMachine(fastk, 1, 0, fastd, fastd_type, delay=period)

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        strength = self.strength.step(values[0], commit)
        return self.stochastic.stochastic(strength, strength, strength, position, commit)


class STOCHRSI(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.stochrsi`; outputs ``(fastk, fastd)``."""

    outputs = ("fastk", "fastd")

    def __init__(
        self,
        timeperiod: int = 14,
        fastk_period: int = 5,
        fastd_period: int = 3,
        fastd_matype: int = 0,
    ) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 2)
        self.fastk_period = checked_period("fastk_period", fastk_period, 1)
        self.fastd_period = checked_period("fastd_period", fastd_period, 1)
        self.fastd_matype = checked_ma_type("fastd_matype", fastd_matype)
        super().__init__()

    def _build(self) -> Machine:
        return _StochasticRsiMachine(
            self.timeperiod, self.fastk_period, self.fastd_period, self.fastd_matype
        )


class RSI(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.rsi` (``timeperiod`` 2..100000, default 14)."""

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 2)
        super().__init__()

    def _build(self) -> Machine:
        return CellMachine(WilderCell(self.timeperiod, False))


class CMO(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.cmo` (``timeperiod`` 2..100000, default 14)."""

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 2)
        super().__init__()

    def _build(self) -> Machine:
        return CellMachine(WilderCell(self.timeperiod, True))


class _WillrMachine(Machine):
    def __init__(self, period: int) -> None:
        super().__init__(NAN)
        self.raw = FastKCell(period, williams=True)

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        return self.raw.step(values[0], values[1], values[2], commit)


class WILLR(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.willr`; inputs ``(high, low, close)``."""

    inputs = ("high", "low", "close")

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 2)
        super().__init__()

    def _build(self) -> Machine:
        return _WillrMachine(self.timeperiod)


class _CciMachine(Machine):
    def __init__(self, period: int) -> None:
        super().__init__(NAN)
        self.period = period
        self.ring = [0.0] * period

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        period = self.period
        typical = (values[0] + values[1] + values[2]) / 3.0
        slot = position % period
        if position < period - 1:
            if commit:
                self.ring[slot] = typical
            return NAN
        window = self.ring if commit else self.ring.copy()
        window[slot] = typical
        average = 0.0
        for item in window:
            average += item
        average /= period
        deviation = 0.0
        for item in window:
            deviation += abs(item - average)
        distance = typical - average
        if _is_zero(distance) or _is_zero(deviation):
            return 0.0
        return distance / (0.015 * (deviation / period))


class CCI(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.cci`; inputs ``(high, low, close)``."""

    inputs = ("high", "low", "close")

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 2)
        super().__init__()

    def _build(self) -> Machine:
        return _CciMachine(self.timeperiod)


class _ChangeMachine(Machine):
    """MOM (``ratio`` False) or ROC (True) against the value ``period`` bars ago."""

    def __init__(self, period: int, ratio: bool) -> None:
        super().__init__(NAN)
        self.period = period
        self.ratio = ratio
        self.ring = [0.0] * period

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        value = values[0]
        slot = position % self.period
        before = self.ring[slot]
        if commit:
            self.ring[slot] = value
        if position < self.period:
            return NAN
        if not self.ratio:
            return value - before
        return (value / before - 1.0) * 100.0 if before != 0.0 else 0.0


class ROC(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.roc` (``timeperiod`` 1..100000, default 10)."""

    def __init__(self, timeperiod: int = 10) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 1)
        super().__init__()

    def _build(self) -> Machine:
        return _ChangeMachine(self.timeperiod, True)


class MOM(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.mom` (``timeperiod`` 1..100000, default 10)."""

    def __init__(self, timeperiod: int = 10) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 1)
        super().__init__()

    def _build(self) -> Machine:
        return _ChangeMachine(self.timeperiod, False)


class _TrixMachine(Machine):
    def __init__(self, period: int) -> None:
        super().__init__(NAN)
        self.chain = TripleEmaCell(period)
        self.first = 3 * (period - 1) + 1
        self.before = NAN

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        thrice = self.chain.levels(values[0], commit)[2]
        before = self.before
        if commit:
            self.before = thrice
        if position < self.first:
            return NAN
        return (thrice / before - 1.0) * 100.0 if before != 0.0 else 0.0


class TRIX(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.trix` (``timeperiod`` 1..100000, default 30)."""

    def __init__(self, timeperiod: int = 30) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 1)
        super().__init__()

    def _build(self) -> Machine:
        return _TrixMachine(self.timeperiod)


class _MacdMachine(Machine):
    def __init__(self, fast: int, slow: int, signal: int) -> None:
        super().__init__((NAN, NAN, NAN))
        if slow < fast:
            fast, slow = slow, fast
        self.fast_cell = EmaCell(fast)
        self.slow = EmaCell(slow)
        self.signal_cell = EmaCell(signal)
        self.fast = DelayedCell(self.fast_cell, slow - fast)
        self.signal = DelayedCell(self.signal_cell, slow - 1)
        self.first = slow - 1 + signal - 1
        self.factors = (self.fast_cell.factor, self.slow.factor, self.signal_cell.factor)

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        value = values[0]
        if position > self.first:
            # Every EMA is seeded: advance all three in one compiled call.
            fast, slow, signal = macd_chain(
                value,
                *self.factors,
                self.fast_cell.previous,
                self.slow.previous,
                self.signal_cell.previous,
            )
            if commit:
                self.fast_cell.previous = fast
                self.slow.previous = slow
                self.signal_cell.previous = signal
            line = fast - slow
            return line, signal, line - signal
        line = self.fast.step(value, commit) - self.slow.step(value, commit)
        signal = self.signal.step(line, commit)
        if position < self.first:
            return NAN, NAN, NAN
        return line, signal, line - signal


class MACD(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.macd`; outputs ``(macd, macdsignal, macdhist)``."""

    outputs = ("macd", "macdsignal", "macdhist")

    def __init__(self, fastperiod: int = 12, slowperiod: int = 26, signalperiod: int = 9) -> None:
        self.fastperiod = checked_period("fastperiod", fastperiod, 2)
        self.slowperiod = checked_period("slowperiod", slowperiod, 2)
        self.signalperiod = checked_period("signalperiod", signalperiod, 1)
        super().__init__()

    def _build(self) -> Machine:
        return _MacdMachine(self.fastperiod, self.slowperiod, self.signalperiod)


class _OscillatorMachine(Machine):
    def __init__(self, fast: int, slow: int, ma_type: int, percent: bool) -> None:
        super().__init__(NAN)
        if slow < fast:
            fast, slow = slow, fast
        self.fast = moving_average_cell(fast, ma_type)
        self.slow = moving_average_cell(slow, ma_type)
        self.first = ma_lookback(slow, ma_type)
        self.percent = percent
        fast_cell, slow_cell = self.fast, self.slow
        # Two seeded EMAs advance in one compiled call (from the bar after the slow seed).
        self.ema_cells = (
            (fast_cell, slow_cell)
            if isinstance(fast_cell, EmaCell) and isinstance(slow_cell, EmaCell)
            else None
        )

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        value = values[0]
        ema_cells = self.ema_cells
        if ema_cells is not None and position > self.first:
            fast_cell, slow_cell = ema_cells
            fast, slow = ema_pair(
                value, fast_cell.factor, slow_cell.factor, fast_cell.previous, slow_cell.previous
            )
            if commit:
                fast_cell.previous = fast
                slow_cell.previous = slow
        else:
            fast = self.fast.step(value, commit)
            slow = self.slow.step(value, commit)
        if position < self.first:
            return NAN
        if not self.percent:
            return fast - slow
        if _is_zero(slow):
            return 0.0
        return ((fast - slow) / slow) * 100.0


class APO(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.apo` (``fastperiod`` 12, ``slowperiod`` 26,
    ``matype`` 1)."""

    def __init__(self, fastperiod: int = 12, slowperiod: int = 26, matype: int = 1) -> None:
        self.fastperiod = checked_period("fastperiod", fastperiod, 2)
        self.slowperiod = checked_period("slowperiod", slowperiod, 2)
        self.matype = checked_ma_type("matype", matype)
        super().__init__()

    def _build(self) -> Machine:
        return _OscillatorMachine(self.fastperiod, self.slowperiod, self.matype, False)


class PPO(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.ppo` (``fastperiod`` 12, ``slowperiod`` 26,
    ``matype`` 1)."""

    def __init__(self, fastperiod: int = 12, slowperiod: int = 26, matype: int = 1) -> None:
        self.fastperiod = checked_period("fastperiod", fastperiod, 2)
        self.slowperiod = checked_period("slowperiod", slowperiod, 2)
        self.matype = checked_ma_type("matype", matype)
        super().__init__()

    def _build(self) -> Machine:
        return _OscillatorMachine(self.fastperiod, self.slowperiod, self.matype, True)
