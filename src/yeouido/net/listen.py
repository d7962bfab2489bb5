"""Start an aiohttp application on a loopback port, turning "address already in use" and
other bind failures into :class:`~yeouido.model.errors.PortInUse` /
:class:`~yeouido.model.errors.CannotListen` messages that say which port and how to choose
another, instead of an ``OSError`` traceback."""

from __future__ import annotations

import errno
from typing import Final

from aiohttp import web

from yeouido.model.errors import CannotListen, PortInUse

ADDRESS_IN_USE: Final = frozenset(
    code for code in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", None)) if code is not None
)
"""``errno`` values of a taken port (POSIX, and Winsock's on Windows)."""


def listen_error(error: OSError, host: str, port: int, what: str, option: str) -> CannotListen:
    """The error to raise when ``what`` (e.g. ``paper service``) cannot bind ``host:port``;
    ``option`` is the command-line flag that chooses the port (e.g. ``--port``)."""
    codes = {error.errno, getattr(error, "winerror", None)}
    if codes & ADDRESS_IN_USE:
        return PortInUse(
            f"{what}: port {port} on {host} is already in use; choose another port with "
            f"{option} (or stop the program that uses it)",
            field=option,
            value=port,
            rule="a free port",
        )
    reason = (error.strerror or str(error)).lower()
    return CannotListen(
        f"{what}: cannot listen on {host}:{port} ({reason}); choose another port with {option}",
        field=option,
        value=port,
        rule="a port this user may listen on",
    )


async def listen(
    app: web.Application, host: str, port: int, *, what: str, option: str = "--port"
) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on ``host:port`` (``0`` picks a free port); returns the runner (call
    ``cleanup()`` to stop) and the port bound. Raises :class:`PortInUse` /
    :class:`CannotListen` (nothing is left running then)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise listen_error(error, host, port, what, option) from None
    bound = port
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            bound = int(address[1])
            break
    return runner, bound
