"""Streaming overlap studies and statistics: one bar at a time, equal to the batch functions.

Each class is named after the TA-Lib function (``SMA`` for :func:`yeouido.ta.overlap.sma`) and
takes the batch function's parameters with the same defaults. Committed outputs equal the batch
outputs bit for bit, because every update performs the batch kernel's floating-point operations
in the same order. :meth:`update_last` previews the forming bar without touching committed
state: the building blocks ("cells") below compute a step from their state and either keep the
result (``commit=True``) or throw it away.
"""

from __future__ import annotations

import copy
import math
from collections import deque
from collections.abc import Callable
from typing import Any

from yeouido.model.errors import IndicatorError
from yeouido.ta._core import NAN, StreamingIndicator, check_number, ieee_jit
from yeouido.ta.overlap import (
    DEMA_TYPE,
    EMA_TYPE,
    KAMA_TYPE,
    SMA_TYPE,
    TEMA_TYPE,
    TRIMA_TYPE,
    WMA_TYPE,
    ZERO_THRESHOLD,
    checked_ma_type,
    checked_period,
    ma_lookback,
)
from yeouido.ta.volatility import fused_multiply_add

# -- EMA chains in one compiled call -----------------------------------------------------------
# Calling a numba function from Python costs a dispatch (~0.25 µs here), so the cells of an EMA
# chain in its steady state advance every level in one call, with the kernels' operations.


@ieee_jit
def ema_chain2(value: float, factor: float, once: float, twice: float) -> tuple[float, float]:
    """One bar of EMA and EMA(EMA) (``_dema``'s loop body)."""
    once = fused_multiply_add(value - once, factor, once)
    twice = fused_multiply_add(once - twice, factor, twice)
    return once, twice


@ieee_jit
def ema_chain3(
    value: float, factor: float, once: float, twice: float, thrice: float
) -> tuple[float, float, float]:
    """One bar of the three EMA levels of TEMA / TRIX (``_tema``'s loop body)."""
    once = fused_multiply_add(value - once, factor, once)
    twice = fused_multiply_add(once - twice, factor, twice)
    thrice = fused_multiply_add(twice - thrice, factor, thrice)
    return once, twice, thrice


@ieee_jit
def ema_pair(
    value: float, fast_factor: float, slow_factor: float, fast: float, slow: float
) -> tuple[float, float]:
    """One bar of two EMAs of the same value (APO / PPO)."""
    fast = fused_multiply_add(value - fast, fast_factor, fast)
    slow = fused_multiply_add(value - slow, slow_factor, slow)
    return fast, slow


@ieee_jit
def macd_chain(
    value: float,
    fast_factor: float,
    slow_factor: float,
    signal_factor: float,
    fast: float,
    slow: float,
    signal: float,
) -> tuple[float, float, float]:
    """One bar of MACD's fast, slow and signal EMAs (``_macd``'s loop body)."""
    fast = fused_multiply_add(value - fast, fast_factor, fast)
    slow = fused_multiply_add(value - slow, slow_factor, slow)
    signal = fused_multiply_add(fast - slow - signal, signal_factor, signal)
    return fast, slow, signal


# -- cells: one series in, one value out -------------------------------------------------------


class Cell:
    """A one-input streaming kernel; ``step(value, commit)`` returns the output for ``value``."""

    lookback = 0

    def step(self, value: float, commit: bool) -> float:
        """The output for the next value; the state advances only when ``commit`` is true."""
        raise NotImplementedError


class IdentityCell(Cell):
    """A moving average of period 1 (TA-Lib returns the input)."""

    def step(self, value: float, commit: bool) -> float:
        """Return ``value``."""
        return value


class DelayedCell(Cell):
    """Ignore the first ``delay`` values (output NaN), then pass values to ``inner``."""

    def __init__(self, inner: Cell, delay: int) -> None:
        self.inner = inner
        self.delay = delay
        self.lookback = delay + inner.lookback
        self.seen = 0

    def step(self, value: float, commit: bool) -> float:
        """NaN during the delay, then the inner cell's output."""
        if self.seen < self.delay:
            if commit:
                self.seen += 1
            return NAN
        return self.inner.step(value, commit)


class SmaCell(Cell):
    """Running-sum SMA, as :func:`yeouido.ta.overlap._sma`."""

    def __init__(self, period: int) -> None:
        self.period = period
        self.lookback = period - 1
        self.ring = [0.0] * (period - 1)
        self.slot = 0
        self.seen = 0
        self.total = 0.0

    def step(self, value: float, commit: bool) -> float:
        """The mean of the last ``period`` values (NaN while warming up)."""
        if self.seen < self.lookback:
            if commit:
                self.total += value
                self.ring[self.seen] = value
                self.seen += 1
            return NAN
        total = self.total + value
        out = total / self.period
        if commit:
            slot = self.slot
            self.total = total - self.ring[slot]
            self.ring[slot] = value
            self.slot = slot + 1 if slot + 1 < self.lookback else 0
        return out


class EmaCell(Cell):
    """SMA-seeded EMA, as :func:`yeouido.ta.overlap._ema` (the same fused multiply-add)."""

    def __init__(self, period: int) -> None:
        self.period = period
        self.lookback = period - 1
        self.factor = 2.0 / (period + 1)
        self.seen = 0
        self.total = 0.0
        self.previous = 0.0

    def step(self, value: float, commit: bool) -> float:
        """The EMA after ``value`` (NaN while warming up)."""
        if self.seen > self.lookback:
            previous = self.previous
            out = fused_multiply_add(value - previous, self.factor, previous)
            if commit:
                self.previous = out
            return out
        total = self.total + value
        if self.seen < self.lookback:
            if commit:
                self.total = total
                self.seen += 1
            return NAN
        out = total / self.period
        if commit:
            self.previous = out
            self.seen += 1
        return out


class WmaCell(Cell):
    """Linearly weighted MA from a plain and a weighted running sum (``_wma``)."""

    def __init__(self, period: int) -> None:
        self.period = period
        self.lookback = period - 1
        self.divider = (period * (period + 1)) // 2
        self.ring = [0.0] * (period - 1)
        self.slot = 0
        self.seen = 0
        self.plain = 0.0
        self.weighted = 0.0
        self.leaving = 0.0

    def step(self, value: float, commit: bool) -> float:
        """The weighted mean of the last ``period`` values (NaN while warming up)."""
        if self.seen < self.lookback:
            if commit:
                self.plain += value
                self.weighted += value * (self.seen + 1)
                self.ring[self.seen] = value
                self.seen += 1
            return NAN
        plain = self.plain + value
        plain -= self.leaving
        weighted = self.weighted + value * self.period
        out = weighted / self.divider
        if commit:
            slot = self.slot
            self.leaving = self.ring[slot]
            self.ring[slot] = value
            self.slot = slot + 1 if slot + 1 < self.lookback else 0
            self.plain = plain
            self.weighted = weighted - plain
        return out


class TrimaCell(Cell):
    """Triangular MA from two running half-window sums (``_trima``)."""

    def __init__(self, period: int) -> None:
        self.period = period
        self.lookback = period - 1
        self.half = period >> 1
        self.odd = period % 2 == 1
        if self.odd:
            self.factor = 1.0 / ((self.half + 1) * (self.half + 1))
        else:
            self.factor = 1.0 / (self.half * (self.half + 1))
        self.ring = [0.0] * period
        self.seen = 0
        self.numerator = 0.0
        self.older_sum = 0.0
        self.newer_sum = 0.0

    def _first(self, value: float) -> tuple[float, float, float]:
        window = [*self.ring[: self.lookback], value]
        middle = self.half if self.odd else self.half - 1
        numerator = 0.0
        older_sum = 0.0
        for position in range(middle, -1, -1):
            older_sum += window[position]
            numerator += older_sum
        newer_sum = 0.0
        for position in range(middle + 1, self.period):
            newer_sum += window[position]
            numerator += newer_sum
        return numerator, older_sum, newer_sum

    def step(self, value: float, commit: bool) -> float:
        """The triangular mean of the last ``period`` values (NaN while warming up)."""
        seen = self.seen
        period = self.period
        if seen < self.lookback:
            if commit:
                self.ring[seen] = value
                self.seen += 1
            return NAN
        if seen == self.lookback:
            numerator, older_sum, newer_sum = self._first(value)
        else:
            leaving = self.ring[seen % period]
            crossing = self.ring[(seen - self.half) % period]
            numerator = self.numerator - self.older_sum
            older_sum = self.older_sum - leaving
            older_sum += crossing
            newer_sum = self.newer_sum
            if self.odd:
                numerator += newer_sum
                newer_sum -= crossing
            else:
                newer_sum -= crossing
                numerator += newer_sum
            newer_sum += value
            numerator += value
        if commit:
            self.ring[seen % period] = value
            self.seen += 1
            self.numerator = numerator
            self.older_sum = older_sum
            self.newer_sum = newer_sum
        return numerator * self.factor


class KamaCell(Cell):
    """Kaufman adaptive MA (``_kama``)."""

    def __init__(self, period: int) -> None:
        self.period = period
        self.lookback = period
        self.ring = [0.0] * (period + 1)
        self.seen = 0
        self.volatility = 0.0
        self.previous = 0.0
        self.slowest = 2.0 / (30.0 + 1.0)
        self.spread = 2.0 / (2.0 + 1.0) - self.slowest

    def step(self, value: float, commit: bool) -> float:
        """The adaptive average after ``value`` (NaN while warming up)."""
        seen = self.seen
        size = self.period + 1
        if seen == 0:
            if commit:
                self.ring[0] = value
                self.seen = 1
            return NAN
        before = self.ring[(seen - 1) % size]
        if seen < self.period:
            if commit:
                self.volatility += abs(before - value)
                self.ring[seen] = value
                self.seen += 1
            return NAN
        oldest = self.ring[(seen - self.period) % size]
        if seen == self.period:
            volatility = self.volatility + abs(before - value)
            previous = before
        else:
            volatility = self.volatility - abs(self.ring[(seen - self.period - 1) % size] - oldest)
            volatility += abs(value - before)
            previous = self.previous
        change = value - oldest
        if volatility <= change or (-ZERO_THRESHOLD < volatility < ZERO_THRESHOLD):
            ratio = 1.0
        else:
            ratio = abs(change / volatility)
        constant = ratio * self.spread + self.slowest
        constant *= constant
        out = (value - previous) * constant + previous
        if commit:
            self.ring[seen % size] = value
            self.seen += 1
            self.volatility = volatility
            self.previous = out
        return out


class DemaCell(Cell):
    """``2·EMA - EMA(EMA)`` (``_dema``); once every level is seeded, one compiled call per
    bar (:func:`ema_chain2`) advances both."""

    def __init__(self, period: int) -> None:
        self.lookback = 2 * (period - 1)
        self.factor = 2.0 / (period + 1)
        self.once = EmaCell(period)
        self.inner = EmaCell(period)
        self.twice = DelayedCell(self.inner, period - 1)
        self.seen = 0

    def step(self, value: float, commit: bool) -> float:
        """The double EMA after ``value`` (NaN while warming up)."""
        if self.seen > self.lookback:
            once, twice = ema_chain2(value, self.factor, self.once.previous, self.inner.previous)
            if commit:
                self.once.previous = once
                self.inner.previous = twice
            return 2.0 * once - twice
        if commit:
            self.seen += 1
        once = self.once.step(value, commit)
        return 2.0 * once - self.twice.step(once, commit)


class TripleEmaCell(Cell):
    """The three EMA levels of TEMA / TRIX; ``step`` returns them as a tuple (NaNs while a
    level warms up). Once every level is seeded, one compiled call per bar
    (:func:`ema_chain3`) advances all three."""

    def __init__(self, period: int) -> None:
        self.lookback = 3 * (period - 1)
        self.factor = 2.0 / (period + 1)
        self.first = EmaCell(period)
        self.second = EmaCell(period)
        self.third = EmaCell(period)
        self.twice = DelayedCell(self.second, period - 1)
        self.thrice = DelayedCell(self.third, 2 * (period - 1))
        self.seen = 0

    def levels(self, value: float, commit: bool) -> tuple[float, float, float]:
        """``(EMA, EMA², EMA³)`` after ``value``."""
        if self.seen > self.lookback:
            levels = ema_chain3(
                value, self.factor, self.first.previous, self.second.previous, self.third.previous
            )
            if commit:
                self.first.previous, self.second.previous, self.third.previous = levels
            return levels
        if commit:
            self.seen += 1
        once = self.first.step(value, commit)
        twice = self.twice.step(once, commit)
        return once, twice, self.thrice.step(twice, commit)


class TemaCell(TripleEmaCell):
    """``3·EMA - 3·EMA² + EMA³`` (``_tema``)."""

    def step(self, value: float, commit: bool) -> float:
        """The triple EMA after ``value`` (NaN while warming up)."""
        once, twice, thrice = self.levels(value, commit)
        return 3.0 * once - 3.0 * twice + thrice


def moving_average_cell(period: int, ma_type: int) -> Cell:
    """The streaming cell of TA-Lib's moving average ``ma_type`` (0..6) over ``period``."""
    if period == 1:
        return IdentityCell()
    cells: dict[int, Callable[[int], Cell]] = {
        SMA_TYPE: SmaCell,
        EMA_TYPE: EmaCell,
        WMA_TYPE: WmaCell,
        DEMA_TYPE: DemaCell,
        TEMA_TYPE: TemaCell,
        TRIMA_TYPE: TrimaCell,
        KAMA_TYPE: KamaCell,
    }
    return cells[ma_type](period)


class VarianceCell(Cell):
    """Population variance from running sums (``_variance``)."""

    def __init__(self, period: int) -> None:
        self.period = period
        self.lookback = period - 1
        self.ring = [0.0] * max(period - 1, 1)
        self.slot = 0
        self.seen = 0
        self.total = 0.0
        self.total_squares = 0.0

    def step(self, value: float, commit: bool) -> float:
        """``mean(x²) - mean(x)²`` over the last ``period`` values (NaN while warming up)."""
        if self.seen < self.lookback:
            if commit:
                self.total += value
                self.total_squares += value * value
                self.ring[self.seen] = value
                self.seen += 1
            return NAN
        total = self.total + value
        total_squares = self.total_squares + value * value
        mean = total / self.period
        mean_squares = total_squares / self.period
        if commit:
            slot = self.slot
            leaving = self.ring[slot]
            self.total = total - leaving
            self.total_squares = total_squares - leaving * leaving
            self.ring[slot] = value
            self.slot = slot + 1 if slot + 1 < self.lookback else 0
        return mean_squares - mean * mean


class WindowExtremes:
    """TA-Lib's tracked highest high / lowest low over ``period`` bars (``_highest_since``).

    The ``period - 1`` previous highs and lows sit oldest first in two deques. A rescan is the
    builtin ``max`` / ``min`` of a deque followed by today's value: both keep the first of
    equal values and replace it only on a strict ``>`` / ``<``, TA-Lib's rescan comparisons in
    TA-Lib's order (NaN included), at C speed."""

    __slots__ = (
        "highest",
        "highest_index",
        "highs",
        "lowest",
        "lowest_index",
        "lows",
        "period",
        "seen",
    )

    def __init__(self, period: int) -> None:
        self.period = period
        self.highs: deque[float] = deque(maxlen=max(period - 1, 1))
        self.lows: deque[float] = deque(maxlen=max(period - 1, 1))
        self.seen = 0
        self.highest_index = -1
        self.highest = 0.0
        self.lowest_index = -1
        self.lowest = 0.0

    def step(self, high: float, low: float, commit: bool) -> tuple[float, float]:
        """``(highest, lowest)`` including this bar; NaNs while warming up."""
        today = self.seen
        period = self.period
        if period == 1:
            if commit:
                self.seen = today + 1
            return high, low
        if today < period - 1:
            if commit:
                self.highs.append(high)
                self.lows.append(low)
                self.seen = today + 1
            return NAN, NAN
        trailing = today - period + 1
        highest_index = self.highest_index
        highest = self.highest
        highs = self.highs
        if highest_index < trailing:
            highest = max(highs)
            if high > highest:
                highest_index = today
                highest = high
            else:
                highest_index = trailing + highs.index(highest)
        elif high >= highest:
            highest_index = today
            highest = high
        lowest_index = self.lowest_index
        lowest = self.lowest
        lows = self.lows
        if lowest_index < trailing:
            lowest = min(lows)
            if low < lowest:
                lowest_index = today
                lowest = low
            else:
                lowest_index = trailing + lows.index(lowest)
        elif low <= lowest:
            lowest_index = today
            lowest = low
        if commit:
            highs.append(high)
            lows.append(low)
            self.seen = today + 1
            self.highest_index = highest_index
            self.highest = highest
            self.lowest_index = lowest_index
            self.lowest = lowest
        return highest, lowest


# -- indicator plumbing ------------------------------------------------------------------------


class Machine:
    """The committed state of a streaming indicator: skips leading bars with a NaN input, then
    hands every bar to :meth:`compute` with its position since the first valid bar."""

    def __init__(self, empty: Any) -> None:
        self.empty = empty
        self.started = False
        self.position = 0

    def feed(self, values: tuple[float, ...], commit: bool) -> Any:
        """Output for one bar; the state advances only when ``commit`` is true."""
        if not self.started:
            for value in values:
                if value != value:
                    return self.empty
            if commit:
                self.started = True
        out = self.compute(values, self.position, commit)
        if commit:
            self.position += 1
        return out

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        """The indicator's output for a bar at ``position`` (0 = first valid bar)."""
        raise NotImplementedError


class CellMachine(Machine):
    """A machine of one input and one cell."""

    def __init__(self, cell: Cell) -> None:
        super().__init__(NAN)
        self.cell = cell

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        """The cell's output."""
        return self.cell.step(values[0], commit)


class MachineIndicator(StreamingIndicator):
    """A :class:`StreamingIndicator` whose state is a :class:`Machine` updated in place.

    ``update`` commits in place and ``update_last`` asks the machine for a preview, so neither
    copies state; ``_step`` keeps the base contract by working on a deep copy.
    """

    def _build(self) -> Machine:
        raise NotImplementedError

    def _initial_state(self) -> Machine:
        return self._build()

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        clone = copy.deepcopy(state)
        return clone, clone.feed(values, True)

    def _fast_check(self, values: tuple[float, ...]) -> tuple[float, ...]:
        if len(values) == 1:
            value = float(values[0])
            if math.isinf(value):
                raise IndicatorError.for_field(
                    self.inputs[0], value, "must be finite (NaN is allowed)"
                )
            if len(self.inputs) == 1:
                return (value,)
        return self._check(values)

    def update(self, *values: float) -> Any:
        """Commit one finished bar (inputs in ``self.inputs`` order) and return the output."""
        self._value = self._state.feed(self._fast_check(values), True)
        self._count += 1
        return self._value

    def update_last(self, *values: float) -> Any:
        """Output for the still-forming bar with these inputs, without committing it."""
        return self._state.feed(self._fast_check(values), False)


class _AverageIndicator(MachineIndicator):
    ma_type = SMA_TYPE

    def __init__(self, timeperiod: int = 30) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 1)
        super().__init__()

    def _build(self) -> Machine:
        return CellMachine(moving_average_cell(self.timeperiod, self.ma_type))

    def commit_finite(self, value: float) -> Any:
        """:meth:`update` for a value the caller has already checked to be finite (not NaN, not
        inf): the same result without the per-bar checks. Engines that validate their data
        once use it."""
        machine = self._state
        machine.started = True
        out = machine.cell.step(float(value), True)
        machine.position += 1
        self._value = out
        self._count += 1
        return out


class SMA(_AverageIndicator):
    """Streaming :func:`yeouido.ta.overlap.sma` (``timeperiod`` 1..100000, default 30)."""

    ma_type = SMA_TYPE


class EMA(_AverageIndicator):
    """Streaming :func:`yeouido.ta.overlap.ema` (``timeperiod`` 1..100000, default 30)."""

    ma_type = EMA_TYPE


class WMA(_AverageIndicator):
    """Streaming :func:`yeouido.ta.overlap.wma` (``timeperiod`` 1..100000, default 30)."""

    ma_type = WMA_TYPE


class DEMA(_AverageIndicator):
    """Streaming :func:`yeouido.ta.overlap.dema` (``timeperiod`` 1..100000, default 30)."""

    ma_type = DEMA_TYPE


class TEMA(_AverageIndicator):
    """Streaming :func:`yeouido.ta.overlap.tema` (``timeperiod`` 1..100000, default 30)."""

    ma_type = TEMA_TYPE


class TRIMA(_AverageIndicator):
    """Streaming :func:`yeouido.ta.overlap.trima` (``timeperiod`` 1..100000, default 30)."""

    ma_type = TRIMA_TYPE


class KAMA(_AverageIndicator):
    """Streaming :func:`yeouido.ta.overlap.kama` (``timeperiod`` 1..100000, default 30)."""

    ma_type = KAMA_TYPE


class _BandsMachine(Machine):
    def __init__(self, period: int, up: float, down: float, ma_type: int) -> None:
        super().__init__((NAN, NAN, NAN))
        self.period = period
        self.up = up
        self.down = down
        self.ma_type = ma_type
        self.middle = moving_average_cell(period, ma_type)
        lookback = ma_lookback(period, ma_type)
        self.variance = DelayedCell(VarianceCell(period), lookback - (period - 1))
        self.squares = SmaCell(period)  # only its ring and running sum of squares are used
        self.total_squares = 0.0
        self.lookback = lookback

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        value = values[0]
        center = self.middle.step(value, commit)
        if self.ma_type == SMA_TYPE:
            variance = self._sma_variance(value, center, commit)
        else:
            variance = self.variance.step(value, commit)
        if position < self.lookback:
            return NAN, center, NAN
        deviation = 0.0 if variance < ZERO_THRESHOLD else math.sqrt(variance)
        return center + deviation * self.up, center, center - deviation * self.down

    def _sma_variance(self, value: float, center: float, commit: bool) -> float:
        ring = self.squares
        if ring.seen < ring.lookback:
            if commit:
                self.total_squares += value * value
                ring.ring[ring.seen] = value
                ring.seen += 1
            return NAN
        total_squares = self.total_squares + value * value
        variance = total_squares / self.period
        if commit:
            slot = ring.slot
            leaving = ring.ring[slot]
            self.total_squares = total_squares - leaving * leaving
            ring.ring[slot] = value
            ring.slot = slot + 1 if slot + 1 < ring.lookback else 0
        variance -= center * center
        return variance


class BBANDS(MachineIndicator):
    """Streaming :func:`yeouido.ta.overlap.bbands`: ``(upperband, middleband, lowerband)``."""

    outputs = ("upperband", "middleband", "lowerband")

    def __init__(
        self, timeperiod: int = 20, nbdevup: float = 2.0, nbdevdn: float = 2.0, matype: int = 0
    ) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 2)
        self.nbdevup = check_number("nbdevup", nbdevup)
        self.nbdevdn = check_number("nbdevdn", nbdevdn)
        self.matype = checked_ma_type("matype", matype)
        super().__init__()

    def _build(self) -> Machine:
        return _BandsMachine(self.timeperiod, self.nbdevup, self.nbdevdn, self.matype)


class _MidpriceMachine(Machine):
    def __init__(self, period: int) -> None:
        super().__init__(NAN)
        self.extremes = WindowExtremes(period)

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        highest, lowest = self.extremes.step(values[0], values[1], commit)
        return (highest + lowest) / 2.0


class MIDPRICE(MachineIndicator):
    """Streaming :func:`yeouido.ta.overlap.midprice`; inputs ``(high, low)``."""

    inputs = ("high", "low")

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 2)
        super().__init__()

    def _build(self) -> Machine:
        return _MidpriceMachine(self.timeperiod)


class _StddevMachine(Machine):
    def __init__(self, period: int, deviations: float) -> None:
        super().__init__(NAN)
        self.cell = VarianceCell(period)
        self.deviations = deviations

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        variance = self.cell.step(values[0], commit)
        if variance != variance:
            return NAN
        return 0.0 if variance < ZERO_THRESHOLD else math.sqrt(variance) * self.deviations


class STDDEV(MachineIndicator):
    """Streaming :func:`yeouido.ta.statistics.stddev` (``timeperiod`` 5, ``nbdev`` 1.0)."""

    def __init__(self, timeperiod: int = 5, nbdev: float = 1.0) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 2)
        self.nbdev = check_number("nbdev", nbdev)
        super().__init__()

    def _build(self) -> Machine:
        return _StddevMachine(self.timeperiod, self.nbdev)


class _LinearRegressionMachine(Machine):
    """Running ``sum_y`` / ``sum_xy`` slid as :func:`yeouido.ta.statistics._linearreg`."""

    def __init__(self, period: int) -> None:
        super().__init__(NAN)
        self.period = period
        self.ring = [0.0] * period
        self.sum_x = period * (period - 1) * 0.5
        self.sum_x_squared = float(period * (period - 1) * (2 * period - 1) // 6)
        self.divisor = self.sum_x * self.sum_x - period * self.sum_x_squared
        self.sum_xy = 0.0
        self.sum_y = 0.0

    def compute(self, values: tuple[float, ...], position: int, commit: bool) -> Any:
        period = self.period
        ring = self.ring
        value = values[0]
        slot = position % period
        if position < period - 1:
            if commit:
                ring[slot] = value
            return NAN
        if position == period - 1:
            sum_xy = 0.0
            sum_y = 0.0
            for back in range(period - 1, 0, -1):
                older = ring[(position - back) % period]
                sum_y += older
                sum_xy += back * older
            sum_y += value
            sum_xy += 0 * value
        else:
            leaving = ring[slot]
            sum_xy = self.sum_xy + self.sum_y
            sum_xy -= period * leaving
            sum_y = self.sum_y - leaving
            sum_y += value
        sum_x = self.sum_x
        slope = (period * sum_xy - sum_x * sum_y) / self.divisor
        intercept = (sum_y - slope * sum_x) / period
        if commit:
            ring[slot] = value
            self.sum_xy = sum_xy
            self.sum_y = sum_y
        return intercept + slope * (period - 1)


class LINEARREG(MachineIndicator):
    """Streaming :func:`yeouido.ta.statistics.linearreg` (``timeperiod`` 2..100000)."""

    def __init__(self, timeperiod: int = 14) -> None:
        self.timeperiod = checked_period("timeperiod", timeperiod, 2)
        super().__init__()

    def _build(self) -> Machine:
        return _LinearRegressionMachine(self.timeperiod)
