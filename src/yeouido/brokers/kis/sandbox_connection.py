"""How a client finds the local KIS sandbox: a connection file in the user's data directory.

``yeouido sandbox kis`` writes ``<data dir>/sandbox/kis-<env>.json`` (file mode 0600) once it
listens — its REST and websocket URLs and the credentials of its first account — and removes
it when it stops. ``yeouido.connect("kis", sandbox=True)`` and ``yeouido sandbox status`` read
it, so a user connects to the sandbox without copying keys around. Only loopback URLs are
ever written here: the sandbox refuses other addresses.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from yeouido.model.errors import ConnectionFailed, InvalidInput
from yeouido.paths import data_dir

CONNECTION_KEYS: Final = ("env", "base_url", "ws_url", "app_key", "app_secret", "account", "hts_id")


def connection_file(env: str, root: Path | None = None) -> Path:
    """Where the sandbox of ``env`` (``mock`` or ``real``) writes its connection file."""
    return (root or data_dir()) / "sandbox" / f"kis-{env}.json"


def write_connection(info: Mapping[str, str], root: Path | None = None) -> Path:
    """Write the connection file of a running sandbox (0600, atomically); returns its path."""
    missing = [key for key in CONNECTION_KEYS if not info.get(key)]
    if missing:
        raise InvalidInput.for_field("connection", ", ".join(missing), "every field is needed")
    path = connection_file(info["env"], root)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({key: info[key] for key in CONNECTION_KEYS}, handle)
    os.replace(temporary, path)
    return path


def remove_connection(env: str, root: Path | None = None) -> None:
    """Remove the connection file of ``env`` (when the sandbox stops)."""
    connection_file(env, root).unlink(missing_ok=True)


def read_connection(env: str | None = None, root: Path | None = None) -> dict[str, Any]:
    """The connection of the running sandbox of ``env`` (any environment when ``None``,
    mock first); raises :class:`ConnectionFailed` saying how to start one."""
    envs = (env,) if env else ("mock", "real")
    for name in envs:
        path = connection_file(name, root)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except ValueError:
            raise ConnectionFailed(
                f"the KIS sandbox connection file {path} is damaged; restart the sandbox",
                field="sandbox",
                value=str(path),
            ) from None
        if isinstance(data, dict) and all(data.get(key) for key in CONNECTION_KEYS):
            return data
    where = connection_file(env or "mock", root).parent
    raise ConnectionFailed(
        f"no KIS sandbox is running here (nothing in {where}): start one with "
        "`yeouido sandbox kis &`",
        field="sandbox",
        value=env or "any",
    )
