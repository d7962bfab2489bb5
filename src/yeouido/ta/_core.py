"""Shared plumbing of ``yeouido.ta``: input conversion, validation, output wrapping, and the
base class of every streaming indicator.

Batch functions accept numpy arrays, pandas Series or plain sequences of numbers and return the
same kind they were given: a Series input gives Series outputs on the same index, anything else
gives ``numpy.ndarray`` of ``float64``.

Streaming indicators commit one bar at a time with :meth:`StreamingIndicator.update` and preview
the still-forming bar with :meth:`StreamingIndicator.update_last`, which never changes the
committed state (CYBOS Plus's "recompute the last bar only").
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt
import pandas as pd

from yeouido.model.errors import IndicatorError

FloatArray = npt.NDArray[np.float64]
ArrayLike = FloatArray | pd.Series | Sequence[float]

NAN = math.nan
_INFINITY = math.inf
_NEGATIVE_INFINITY = -math.inf

_Function = TypeVar("_Function")


def jit(function: _Function) -> _Function:
    """Compile a kernel with numba (``nopython``, cached on disk, no fast-math so results are
    bit-identical to the same arithmetic in plain Python), keeping its type for mypy."""
    return cast(_Function, numba.njit(cache=True, nogil=True)(function))


def ieee_jit(function: _Function) -> _Function:
    """:func:`jit` with numba's ``numpy`` error model: a float division by zero gives inf or
    NaN as in C (and TA-Lib) instead of raising, so a kernel can divide before it selects
    (branch-free, vectorisable) and no division carries a hidden zero test. Results of
    divisions by non-zero values are unchanged."""
    return cast(_Function, numba.njit(cache=True, nogil=True, error_model="numpy")(function))


@jit
def _count_inf(values: FloatArray) -> int:
    """How many values are ``±inf``: one branch-free pass the compiler vectorises (no
    temporary array, unlike ``np.isinf(values).any()``)."""
    found = 0
    for position in range(values.shape[0]):
        found += abs(values[position]) == math.inf
    return found


def as_float_array(values: Any, name: str) -> FloatArray:
    """Convert one input series to a contiguous 1-D ``float64`` array.

    Raises :class:`IndicatorError` naming the input when it is not one-dimensional or holds
    values that are not numbers. ``inf`` is refused (TA-Lib would silently propagate it);
    ``NaN`` is allowed and behaves as in TA-Lib (leading NaNs are skipped, later ones propagate).
    A contiguous 1-D ``float64`` array is returned as is (not copied) after one scan for inf.
    """
    raw = to_float_array(values, name)
    if _count_inf(raw):
        _raise_inf(raw, name)
    return raw


def to_float_array(values: Any, name: str) -> FloatArray:
    """:func:`as_float_array` without the scan for ``inf``, for kernels that look for it in
    the same pass as their arithmetic (then call :func:`raise_if_inf` when they found one)."""
    if type(values) is np.ndarray and values.dtype == np.float64 and values.ndim == 1:
        raw: FloatArray = values
    elif isinstance(values, pd.Series):
        raw = values.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            raw = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise IndicatorError.for_field(
                name, type(values).__name__, f"must be numbers ({error})"
            ) from None
    if raw.ndim != 1:
        raise IndicatorError.for_field(name, f"shape {raw.shape}", "must be one-dimensional")
    if not raw.flags.c_contiguous:
        raw = np.ascontiguousarray(raw)
    return raw


def raise_if_inf(**arrays: FloatArray) -> None:
    """Raise the error of :func:`as_float_array` for the first of ``arrays`` (in order) that
    holds ``inf``; return when none does."""
    for name, array in arrays.items():
        if _count_inf(array):
            _raise_inf(array, name)


def float_inputs(**values: Any) -> tuple[FloatArray, ...]:
    """Convert several inputs with :func:`to_float_array` (no inf scan) and check that their
    lengths agree, raising the same error :func:`as_float_array` then
    :func:`check_same_length` would raise first (an ``inf`` in an earlier input wins)."""
    arrays: dict[str, FloatArray] = {}
    for name, value in values.items():
        try:
            arrays[name] = to_float_array(value, name)
        except IndicatorError:
            raise_if_inf(**arrays)
            raise
    lengths = {len(array) for array in arrays.values()}
    if len(lengths) > 1:
        raise_if_inf(**arrays)
        check_same_length(**arrays)
    return tuple(arrays.values())


@contextmanager
def inf_reported_first(**arrays: FloatArray) -> Iterator[None]:
    """Check parameters inside this block: an :class:`IndicatorError` raised in it is replaced
    by the inf error of ``arrays`` when one holds ``inf``, as if the inputs had been checked
    with :func:`as_float_array` before the parameters."""
    try:
        yield
    except IndicatorError:
        raise_if_inf(**arrays)
        raise


def _raise_inf(array: FloatArray, name: str) -> None:
    position = int(np.flatnonzero(np.isinf(array))[0])
    raise IndicatorError.for_field(
        name, f"inf at position {position}", "values must be finite (NaN is allowed)"
    )


def index_of(*inputs: Any) -> pd.Index | None:
    """The pandas index of the first Series among ``inputs``, or ``None`` when there is none."""
    for value in inputs:
        if isinstance(value, pd.Series):
            return value.index
    return None


def check_same_length(**arrays: FloatArray) -> int:
    """Return the common length of ``arrays``; raise naming them when the lengths differ."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name}={length}" for name, length in lengths.items())
        raise IndicatorError.for_field(
            "inputs", described, "all input series must have the same length"
        )
    return next(iter(lengths.values()), 0)


def check_period(name: str, value: int, minimum: int = 1) -> int:
    """Validate an integer period parameter (``timeperiod >= minimum``)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise IndicatorError.for_field(name, value, "must be an integer")
    if value < minimum:
        raise IndicatorError.for_field(name, value, f"must be >= {minimum}")
    return int(value)


def check_number(name: str, value: float, *, minimum: float | None = None) -> float:
    """Validate a real parameter (``nbdevup``, ``acceleration`` …): finite, optionally bounded."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise IndicatorError.for_field(name, value, "must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise IndicatorError.for_field(name, value, "must be finite")
    if minimum is not None and number < minimum:
        raise IndicatorError.for_field(name, value, f"must be >= {minimum}")
    return number


def wrap(result: FloatArray, index: pd.Index | None, name: str | None = None) -> Any:
    """Return ``result`` as given, or as a Series on ``index`` when the input was a Series."""
    if index is None:
        return result
    return pd.Series(result, index=index, name=name)


def first_valid(array: FloatArray) -> int:
    """Index of the first non-NaN value (``len(array)`` when all are NaN), as TA-Lib's wrapper
    finds it before it calls the C function."""
    finite = np.flatnonzero(~np.isnan(array))
    return int(finite[0]) if finite.size else len(array)


class BarLike(Protocol):
    """Anything with OHLCV attributes, such as :class:`yeouido.model.Bar`."""

    @property
    def open(self) -> Any: ...
    @property
    def high(self) -> Any: ...
    @property
    def low(self) -> Any: ...
    @property
    def close(self) -> Any: ...
    @property
    def volume(self) -> Any: ...


class StreamingIndicator:
    """Base class of every streaming indicator.

    Subclasses set ``inputs`` (the batch function's input names, in order, e.g.
    ``("high", "low", "close")``) and implement :meth:`_step`, a function of the committed state
    and one bar's inputs that returns the new state and the output without mutating anything.
    That makes :meth:`update_last` trivially free of side effects.

    The output is a float (NaN during warm-up) or a tuple of floats in TA-Lib's output order.
    After any sequence of updates the outputs equal the batch function's values exactly.
    """

    inputs: tuple[str, ...] = ("close",)
    outputs: tuple[str, ...] = ("value",)

    def __init__(self) -> None:
        self._state: Any = self._initial_state()
        self._value: Any = self._empty_output()
        self._count = 0

    # -- to implement ---------------------------------------------------------------------
    def _initial_state(self) -> Any:
        raise NotImplementedError

    def _step(self, state: Any, values: tuple[float, ...]) -> tuple[Any, Any]:
        """Return ``(new_state, output)`` for one bar; must not mutate ``state``."""
        raise NotImplementedError

    # -- public API -----------------------------------------------------------------------
    def update(self, *values: float) -> Any:
        """Commit one finished bar (inputs in ``self.inputs`` order) and return the output."""
        checked = self._check(values)
        self._state, self._value = self._step(self._state, checked)
        self._count += 1
        return self._value

    def update_last(self, *values: float) -> Any:
        """Output for the still-forming bar with these inputs, without committing it."""
        checked = self._check(values)
        return self._step(self._state, checked)[1]

    def update_bar(self, bar: BarLike) -> Any:
        """:meth:`update` with the inputs taken from a bar's attributes."""
        return self.update(*(float(getattr(bar, name)) for name in self.inputs))

    def update_last_bar(self, bar: BarLike) -> Any:
        """:meth:`update_last` with the inputs taken from a bar's attributes."""
        return self.update_last(*(float(getattr(bar, name)) for name in self.inputs))

    @property
    def value(self) -> Any:
        """The output after the last committed bar (NaN, or a tuple of NaN, before any)."""
        return self._value

    @property
    def count(self) -> int:
        """How many bars have been committed."""
        return self._count

    def reset(self) -> None:
        """Forget every committed bar."""
        self._state = self._initial_state()
        self._value = self._empty_output()
        self._count = 0

    def _empty_output(self) -> Any:
        return NAN if len(self.outputs) == 1 else tuple(NAN for _ in self.outputs)

    def _check(self, values: tuple[float, ...]) -> tuple[float, ...]:
        """The inputs as floats; raise naming the input on a wrong count or ``inf`` (NaN is
        allowed). Valid input costs one ``tuple(map(float, ...))`` and two containment tests."""
        if len(values) == len(self.inputs):
            converted = tuple(map(float, values))
            if _INFINITY not in converted and _NEGATIVE_INFINITY not in converted:
                return converted
        return self._check_slowly(values)

    def _check_slowly(self, values: tuple[Any, ...]) -> tuple[float, ...]:
        """:meth:`_check` for input it refuses: raise the error naming the culprit."""
        if len(values) != len(self.inputs):
            raise IndicatorError.for_field(
                "values",
                len(values),
                f"{type(self).__name__} takes {len(self.inputs)} inputs {self.inputs}",
            )
        converted = tuple(float(value) for value in values)
        for name, value in zip(self.inputs, converted, strict=True):
            if math.isinf(value):
                raise IndicatorError.for_field(name, value, "must be finite (NaN is allowed)")
        return converted

    def __repr__(self) -> str:
        return f"{type(self).__name__}(count={self._count}, value={self._value!r})"
