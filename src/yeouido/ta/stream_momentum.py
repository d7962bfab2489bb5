"""Streaming momentum indicators, equal bit for bit to :mod:`yeouido.ta.momentum`.

Each class is named after the TA-Lib function (``MACD`` for :func:`yeouido.ta.momentum.macd`)
and takes the batch function's parameters with the same defaults. See
:mod:`yeouido.ta.stream_overlap` for the building blocks and the update / preview contract.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from yeouido.ta._core import NAN, FloatArray, ieee_jit, jit
from yeouido.ta.overlap import (
    FLAT_RANGE_RELATIVE,
    SMA_TYPE,
    ZERO_THRESHOLD,
    checked_ma_type,
    checked_period,
    ma_lookback,
)
from yeouido.ta.stream_overlap import (
    Cell,
    CellMachine,
    DelayedCell,
    EmaCell,
    Machine,
    MachineIndicator,
    SmaCell,
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
        if spread <= FLAT_RANGE_RELATIVE * (abs(highest) + abs(lowest)):
            return 0.0
        if self.williams:
            return (highest - close) / spread * -100.0
        return (close - lowest) / spread * 100.0


# Integer state of :func:`sma_stochastic_step`: tracked extremes, ring positions, constants.
_HIGHEST_INDEX, _LOWEST_INDEX, _HEAD, _K_SEEN, _K_SLOT, _D_SEEN, _D_SLOT = range(7)
_FASTK, _SLOWK, _SLOWD, _D_START, _INNER_FIRST = range(7, 12)
# Float state: tracked extremes and the averages' running sums, then the rings (highs, lows,
# the %K average's and the %D average's), in that order.
_HIGHEST, _LOWEST, _K_TOTAL, _D_TOTAL, _RINGS = range(5)


@ieee_jit
def _ring_sma_step(
    ints: Any,
    floats: FloatArray,
    seen_at: int,
    slot_at: int,
    total_at: int,
    ring_at: int,
    period: int,
    value: float,
    commit: bool,
) -> tuple[float, bool]:
    """One step of a running-sum SMA kept in the machine's arrays (the same operations as
    ``_sma``): ``(average, True)`` once ``period`` values are in, ``(nan, False)`` before.
    State changes only when ``commit``."""
    lookback = period - 1
    seen = ints[seen_at]
    if seen < lookback:
        if commit:
            floats[total_at] += value
            floats[ring_at + seen] = value
            ints[seen_at] = seen + 1
        return math.nan, False
    total = floats[total_at] + value
    if commit:
        slot = ints[slot_at]
        floats[total_at] = total - floats[ring_at + slot]
        floats[ring_at + slot] = value
        ints[slot_at] = slot + 1 if slot + 1 < lookback else 0
    return total / period, True


@ieee_jit
def sma_stochastic_step(
    high: float,
    low: float,
    close: float,
    position: int,
    commit: bool,
    ints: npt.NDArray[np.int64],
    floats: FloatArray,
) -> tuple[float, float]:
    """One bar of :meth:`_StochasticMachine.stochastic` with SMA (or no) smoothing, in one
    compiled call: the tracked window extremes of :class:`WindowExtremes` (a rescan is
    ``max`` / ``min`` oldest first, replacing on a strict ``>`` / ``<``, then today's value)
    and the running sums of :class:`SmaCell`, the same operations in the same order."""
    period = ints[_FASTK]
    kept = max(period - 1, 1)
    lows_at = _RINGS + kept
    k_ring_at = lows_at + kept
    slowk = ints[_SLOWK]
    d_ring_at = k_ring_at + slowk - 1
    if position < period - 1:
        if commit:
            floats[_RINGS + position] = high
            floats[lows_at + position] = low
        return math.nan, math.nan
    if period == 1:
        highest = high
        lowest = low
    else:
        head = ints[_HEAD]
        trailing = position - period + 1
        highest_index = ints[_HIGHEST_INDEX]
        highest = floats[_HIGHEST]
        if highest_index < trailing:
            highest = floats[_RINGS + head]
            offset = 0
            for step in range(1, kept):
                value = floats[_RINGS + (head + step) % kept]
                if value > highest:
                    highest = value
                    offset = step
            if high > highest:
                highest_index = position
                highest = high
            else:
                highest_index = trailing + offset
        elif high >= highest:
            highest_index = position
            highest = high
        lowest_index = ints[_LOWEST_INDEX]
        lowest = floats[_LOWEST]
        if lowest_index < trailing:
            lowest = floats[lows_at + head]
            offset = 0
            for step in range(1, kept):
                value = floats[lows_at + (head + step) % kept]
                if value < lowest:
                    lowest = value
                    offset = step
            if low < lowest:
                lowest_index = position
                lowest = low
            else:
                lowest_index = trailing + offset
        elif low <= lowest:
            lowest_index = position
            lowest = low
        if commit:
            floats[_RINGS + head] = high
            floats[lows_at + head] = low
            ints[_HEAD] = head + 1 if head + 1 < kept else 0
            ints[_HIGHEST_INDEX] = highest_index
            floats[_HIGHEST] = highest
            ints[_LOWEST_INDEX] = lowest_index
            floats[_LOWEST] = lowest
    spread = highest - lowest
    flat = spread <= FLAT_RANGE_RELATIVE * (abs(highest) + abs(lowest))
    k = 0.0 if flat else (close - lowest) / spread * 100.0
    if slowk > 1:
        k, ready = _ring_sma_step(
            ints, floats, _K_SEEN, _K_SLOT, _K_TOTAL, k_ring_at, slowk, k, commit
        )
        if not ready:
            return math.nan, math.nan
    slowd = ints[_SLOWD]
    if position < ints[_D_START]:
        return math.nan, math.nan
    d = k
    if slowd > 1:
        d, ready = _ring_sma_step(
            ints, floats, _D_SEEN, _D_SLOT, _D_TOTAL, d_ring_at, slowd, k, commit
        )
        if not ready:
            return math.nan, math.nan
    if position < ints[_INNER_FIRST]:
        return math.nan, math.nan
    return k, d


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
        # SMA (or no) smoothing, the default, runs as one compiled call per bar.
        self.fast = (slowk == 1 or slowk_type == SMA_TYPE) and (
            slowd == 1 or slowd_type == SMA_TYPE
        )
        kept = max(fastk - 1, 1)
        self.ints = np.zeros(12, dtype=np.int64)
        self.ints[_HIGHEST_INDEX] = self.ints[_LOWEST_INDEX] = -1
        self.ints[_FASTK : _INNER_FIRST + 1] = (
            fastk,
            slowk,
            slowd,
            self.d_start,
            self.inner_first,
        )
        self.floats = np.zeros(_RINGS + 2 * kept + slowk - 1 + slowd - 1)

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        return self.stochastic(values[0], values[1], values[2], position, commit)

    def stochastic(
        self, high: float, low: float, close: float, position: int, commit: bool
    ) -> tuple[float, float]:
        """``(k, d)`` for a bar at ``position``; the inner chain starts after ``delay`` bars.

        :meth:`WindowExtremes.step` is inlined here, and so is :meth:`SmaCell.step` for SMA
        smoothing (the default): the same operations in the same order, without the calls."""
        position -= self.delay
        if position < 0:
            return NAN, NAN
        if self.fast:
            return sma_stochastic_step(high, low, close, position, commit, self.ints, self.floats)
        extremes = self.extremes
        if position < self.k_start:
            # Warming up (the window is not full yet, so ``period`` is at least 2).
            if commit:
                extremes.highs.append(high)
                extremes.lows.append(low)
                extremes.seen = position + 1
            return NAN, NAN
        period = extremes.period
        if period == 1:
            highest = high
            lowest = low
        else:
            trailing = position - period + 1
            highest_index = extremes.highest_index
            highest = extremes.highest
            highs = extremes.highs
            if highest_index < trailing:
                highest = max(highs)
                if high > highest:
                    highest_index = position
                    highest = high
                else:
                    highest_index = trailing + highs.index(highest)
            elif high >= highest:
                highest_index = position
                highest = high
            lowest_index = extremes.lowest_index
            lowest = extremes.lowest
            lows = extremes.lows
            if lowest_index < trailing:
                lowest = min(lows)
                if low < lowest:
                    lowest_index = position
                    lowest = low
                else:
                    lowest_index = trailing + lows.index(lowest)
            elif low <= lowest:
                lowest_index = position
                lowest = low
            if commit:
                highs.append(high)
                lows.append(low)
                extremes.highest_index = highest_index
                extremes.highest = highest
                extremes.lowest_index = lowest_index
                extremes.lowest = lowest
        if commit:
            extremes.seen = position + 1
        spread = highest - lowest
        flat = spread <= FLAT_RANGE_RELATIVE * (abs(highest) + abs(lowest))
        k = 0.0 if flat else (close - lowest) / spread * 100.0
        cell = self.smooth_k
        if cell is None:
            pass
        elif type(cell) is SmaCell:
            seen = cell.seen
            if seen < cell.lookback:
                if commit:
                    cell.total += k
                    cell.ring[seen] = k
                    cell.seen = seen + 1
                k = NAN
            else:
                total = cell.total + k
                if commit:
                    slot = cell.slot
                    cell.total = total - cell.ring[slot]
                    cell.ring[slot] = k
                    cell.slot = slot + 1 if slot + 1 < cell.lookback else 0
                k = total / cell.period
        else:
            k = cell.step(k, commit)
        if position < self.d_start:
            return NAN, NAN
        cell = self.smooth_d
        if type(cell) is SmaCell:
            seen = cell.seen
            if seen < cell.lookback:
                if commit:
                    cell.total += k
                    cell.ring[seen] = k
                    cell.seen = seen + 1
                return NAN, NAN
            total = cell.total + k
            if commit:
                slot = cell.slot
                cell.total = total - cell.ring[slot]
                cell.ring[slot] = k
                cell.slot = slot + 1 if slot + 1 < cell.lookback else 0
            d = total / cell.period
        else:
            d = cell.step(k, commit)
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

    def update(self, *values: float) -> Any:
        """Commit one finished bar (inputs in ``self.inputs`` order) and return the output."""
        try:
            high, low, close = map(float, values)
        except (TypeError, ValueError):
            high, low, close = self._check(values)
        if high - high + low - low + close - close != 0.0:  # a NaN or an inf
            high, low, close = self._check(values)
        self._count += 1
        machine: _StochasticMachine = self._state
        if not machine.started:
            if high != high or low != low or close != close:
                self._value = output = (NAN, NAN)
                return output
            machine.started = True
        position = machine.position
        machine.position = position + 1
        if machine.fast:
            output = sma_stochastic_step(
                high, low, close, position, True, machine.ints, machine.floats
            )
        else:
            output = machine.stochastic(high, low, close, position, True)
        self._value = output
        return output

    def update_last(self, *values: float) -> Any:
        """Output for the still-forming bar with these inputs, without committing it."""
        try:
            high, low, close = map(float, values)
        except (TypeError, ValueError):
            high, low, close = self._check(values)
        if high - high + low - low + close - close != 0.0:  # a NaN or an inf
            high, low, close = self._check(values)
        machine: _StochasticMachine = self._state
        if not machine.started and (high != high or low != low or close != close):
            return NAN, NAN
        if machine.fast:
            return sma_stochastic_step(
                high, low, close, machine.position, False, machine.ints, machine.floats
            )
        return machine.stochastic(high, low, close, machine.position, False)


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

    def update(self, *values: float) -> Any:
        """Commit one finished bar and return the output."""
        try:
            (value,) = map(float, values)
        except (TypeError, ValueError):
            (value,) = self._check(values)
        if value - value != 0.0:  # NaN or inf
            (value,) = self._check(values)
        self._count += 1
        machine: _StochasticRsiMachine = self._state
        if not machine.started:
            if value != value:
                self._value = output = (NAN, NAN)
                return output
            machine.started = True
        position = machine.position
        machine.position = position + 1
        cell = machine.strength
        seen = cell.seen
        if seen > cell.period:
            # WilderCell's RSI fast path, inlined: the same operations in the same order.
            step = (value - cell.previous) / cell.period
            retain = cell.retain
            if step < 0.0:
                loss = cell.loss * retain - step
                gain = cell.gain * retain + 0.0
            else:
                loss = cell.loss * retain - 0.0
                gain = cell.gain * retain + step
            total = gain + loss
            strength = 0.0 if -ZERO_THRESHOLD < total < ZERO_THRESHOLD else 100.0 * (gain / total)
            cell.previous = value
            cell.gain = gain
            cell.loss = loss
            cell.seen = seen + 1
        else:
            strength = cell.step(value, True)
        inner = machine.stochastic
        if not inner.fast:
            output = inner.stochastic(strength, strength, strength, position, True)
        elif position < inner.delay:
            output = (NAN, NAN)
        else:
            output = sma_stochastic_step(
                strength, strength, strength, position - inner.delay, True, inner.ints, inner.floats
            )
        self._value = output
        return output

    def update_last(self, *values: float) -> Any:
        """Output for the still-forming bar with this input, without committing it."""
        try:
            (value,) = map(float, values)
        except (TypeError, ValueError):
            (value,) = self._check(values)
        if value - value != 0.0:  # NaN or inf
            (value,) = self._check(values)
        machine: _StochasticRsiMachine = self._state
        if not machine.started and value != value:
            return NAN, NAN
        cell = machine.strength
        if cell.seen > cell.period:
            # WilderCell's RSI fast path, inlined: the same operations in the same order.
            step = (value - cell.previous) / cell.period
            retain = cell.retain
            if step < 0.0:
                loss = cell.loss * retain - step
                gain = cell.gain * retain + 0.0
            else:
                loss = cell.loss * retain - 0.0
                gain = cell.gain * retain + step
            total = gain + loss
            strength = 0.0 if -ZERO_THRESHOLD < total < ZERO_THRESHOLD else 100.0 * (gain / total)
        else:
            strength = cell.step(value, False)
        position = machine.position
        inner = machine.stochastic
        if not inner.fast:
            return inner.stochastic(strength, strength, strength, position, False)
        if position < inner.delay:
            return NAN, NAN
        return sma_stochastic_step(
            strength, strength, strength, position - inner.delay, False, inner.ints, inner.floats
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


@jit
def cci_window(ring: FloatArray, slot: int, typical: float, commit: bool) -> float:
    """CCI of the window in ``ring`` with ``typical`` in ``slot`` (stored there only when
    ``commit``): the batch kernel's sums, slot 0 first, in one compiled call per bar."""
    period = ring.shape[0]
    kept = ring[slot]
    ring[slot] = typical
    average = 0.0
    for position in range(period):
        average += ring[position]
    average /= period
    deviation = 0.0
    for position in range(period):
        deviation += abs(ring[position] - average)
    if not commit:
        ring[slot] = kept
    distance = typical - average
    if -ZERO_THRESHOLD < distance < ZERO_THRESHOLD or -ZERO_THRESHOLD < deviation < ZERO_THRESHOLD:
        return 0.0
    result: float = distance / (0.015 * (deviation / period))
    return result


class _CciMachine(Machine):
    """The typical prices in a preallocated ring laid out as the batch kernel's."""

    def __init__(self, period: int) -> None:
        super().__init__(NAN)
        self.period = period
        self.ring = np.zeros(period)

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        period = self.period
        typical = (values[0] + values[1] + values[2]) / 3.0
        slot = position % period
        if position < period - 1:
            if commit:
                self.ring[slot] = typical
            return NAN
        return cci_window(self.ring, slot, typical, commit)


class CCI(MachineIndicator):
    """Streaming :func:`yeouido.ta.momentum.cci`; inputs ``(high, low, close)``.

    :meth:`update` and :meth:`update_last` step the machine's ring themselves (no ``feed`` /
    ``compute`` calls); the window's sums are one compiled call per bar."""

    inputs = ("high", "low", "close")

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 2)
        super().__init__()

    def _build(self) -> Machine:
        return _CciMachine(self.timeperiod)

    def update(self, *values: float) -> Any:
        """Commit one finished bar (inputs in ``self.inputs`` order) and return the output."""
        try:
            high, low, close = map(float, values)
        except (TypeError, ValueError):
            high, low, close = self._check(values)
        if high - high + low - low + close - close != 0.0:  # a NaN or an inf
            high, low, close = self._check(values)
        self._count += 1
        machine: _CciMachine = self._state
        if not machine.started:
            if high != high or low != low or close != close:
                self._value = NAN
                return NAN
            machine.started = True
        position = machine.position
        machine.position = position + 1
        period = machine.period
        typical = (high + low + close) / 3.0
        if position < period - 1:
            machine.ring[position] = typical
            output = NAN
        else:
            output = cci_window(machine.ring, position % period, typical, True)
        self._value = output
        return output

    def update_last(self, *values: float) -> Any:
        """Output for the still-forming bar with these inputs, without committing it."""
        try:
            high, low, close = map(float, values)
        except (TypeError, ValueError):
            high, low, close = self._check(values)
        if high - high + low - low + close - close != 0.0:  # a NaN or an inf
            high, low, close = self._check(values)
        machine: _CciMachine = self._state
        position = machine.position
        period = machine.period
        if position < period - 1:
            return NAN
        if not machine.started and (high != high or low != low or close != close):
            return NAN
        return cci_window(machine.ring, position % period, (high + low + close) / 3.0, False)


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
