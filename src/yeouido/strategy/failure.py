"""Where a user's strategy code failed: the file, line and function of an exception.

A strategy file with a syntax error, an import that fails, or a callback that raises should be
reported as one line a person can act on (``golden.py, line 8, in on_bar: KeyError: 'x'``),
not as a traceback through yeouido's engine. :func:`strategy_failure` finds the user's frame
in an exception's traceback (or the position of a :class:`SyntaxError`) and builds a
:class:`StrategyCodeError` naming it; the original exception stays its ``__cause__``.
"""

from __future__ import annotations

import functools
import sysconfig
import traceback
from pathlib import Path
from typing import Any

from yeouido.model.errors import YeouidoError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
"""The ``yeouido`` package: frames in it are ours, not the user's."""


@functools.cache
def _library_dirs() -> tuple[Path, ...]:
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    found = {Path(path).resolve() for name in names if (path := sysconfig.get_path(name))}
    return (_PACKAGE_DIR, *sorted(found))


class StrategyCodeError(YeouidoError):
    """A user's strategy file failed to load, or its code raised while running.

    ``file`` and ``line`` locate the failing statement in the user's code (``None`` when not
    known), ``function`` is the function it is in, ``callback`` the strategy callback the
    call started from (``on_bar``, ``on_fill``, ...), ``error_type`` the class name of the
    original exception and ``source`` the failing line's text.
    """

    code = "STRATEGY_ERROR"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        function: str | None = None,
        callback: str | None = None,
        error_type: str = "",
        source: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.file = file
        self.line = line
        self.function = function
        self.callback = callback
        self.error_type = error_type
        self.source = source

    def to_dict(self) -> dict[str, Any]:
        """The error's description with the location (``--json``)."""
        data = super().to_dict()
        data.update(
            file=self.file,
            line=self.line,
            function=self.function,
            callback=self.callback,
            error_type=self.error_type,
        )
        return data


def is_user_file(filename: str, strategy_file: str | Path | None = None) -> bool:
    """Whether ``filename`` (a traceback frame's) is the user's code: the strategy file, or
    any file outside yeouido, the standard library and the installed packages."""
    if not filename or filename.startswith("<"):
        return False
    path = Path(filename).resolve()
    if strategy_file is not None and path == Path(strategy_file).resolve():
        return True
    return not any(path.is_relative_to(directory) for directory in _library_dirs())


def _error_text(error: BaseException) -> str:
    if isinstance(error, YeouidoError):
        return str(error)
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def strategy_failure(
    error: BaseException,
    strategy_file: str | Path | None = None,
    *,
    loading: bool = False,
) -> StrategyCodeError | None:
    """A :class:`StrategyCodeError` locating ``error`` in the user's code, or ``None`` when
    its traceback never passes through user code (a fault of yeouido or of the input, not of
    the strategy). ``loading``: the error came from executing ``strategy_file`` itself, so
    it is the user's even without a user frame (e.g. a :class:`SyntaxError`)."""
    if isinstance(error, StrategyCodeError):
        return error
    file: str | None = None
    line: int | None = None
    function: str | None = None
    callback: str | None = None
    source: str | None = None
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if is_user_file(frame.filename, strategy_file)
    ]
    if (
        isinstance(error, SyntaxError)
        and error.filename
        and is_user_file(error.filename, strategy_file)
    ):
        file, line = error.filename, error.lineno
        source = (error.text or "").strip() or None
    elif frames:
        deepest = frames[-1]
        file, line, function = deepest.filename, deepest.lineno, deepest.name
        source = (deepest.line or "").strip() or None
        in_file = [
            frame
            for frame in frames
            if strategy_file is not None
            and Path(frame.filename).resolve() == Path(strategy_file).resolve()
        ]
        outermost = (in_file or frames)[0]
        callback = outermost.name if outermost.name != "<module>" else None
    elif loading and strategy_file is not None:
        file = str(strategy_file)
    else:
        return None
    where = file or "the strategy file"
    if line is not None:
        where += f", line {line}"
    if function is not None and function != "<module>":
        where += f", in {function}"
    if callback is not None and callback != function:
        where += f" (called from {callback})"
    text = _error_text(error)
    if isinstance(error, SyntaxError):
        text = f"{type(error).__name__}: {error.msg}"
    message = f"{where}: {text}"
    if source:
        message += f"\n    {source}"
    return StrategyCodeError(
        message,
        file=file,
        line=line,
        function=function,
        callback=callback,
        error_type=type(error).__name__,
        source=source,
    )


__all__ = ["StrategyCodeError", "is_user_file", "strategy_failure"]
