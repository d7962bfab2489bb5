"""Start an aiohttp application on a loopback port (:func:`check_free` first, then
:func:`listen`), turning "address already in use" and other bind failures into
:class:`~yeouido.model.errors.PortInUse` / :class:`~yeouido.model.errors.CannotListen`
messages that say which port and how to choose another, instead of an ``OSError``
traceback."""

from __future__ import annotations

import errno
import os
import socket
import ssl
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


def check_free(host: str, port: int, *, what: str, option: str = "--port") -> None:
    """Raise :class:`PortInUse` / :class:`CannotListen` now when ``host:port`` cannot be
    listened on, before a server spends seconds building what it will serve (the real
    bind in :func:`listen` still reports a port taken in between). Port 0 always works."""
    if port == 0:
        return
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except socket.gaierror as error:
        raise listen_error(error, host, port, what, option) from None
    with socket.socket(family, kind, protocol) as probe:
        if os.name == "posix":  # as asyncio's servers do: a port in TIME_WAIT is free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise listen_error(error, host, port, what, option) from None


async def listen(
    app: web.Application,
    host: str,
    port: int,
    *,
    what: str,
    option: str = "--port",
    ssl_context: ssl.SSLContext | None = None,
) -> tuple[web.AppRunner, int]:
    """Serve ``app`` on ``host:port`` (``0`` picks a free port), over TLS with
    ``ssl_context``; returns the runner (call ``cleanup()`` to stop) and the port bound.
    Raises :class:`PortInUse` / :class:`CannotListen` (nothing is left running then)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
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
