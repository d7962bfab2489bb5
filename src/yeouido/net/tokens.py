"""A token cache shared by every process of the user: one small private file per credential.

Brokers limit how often a token may be issued (KIS: once a minute per app key) and expect
clients to keep a token for its lifetime, across runs. :class:`TokenCache` keeps each token
in ``<config dir>/tokens/<service>-<env>-<hash>.json`` with 0600 permissions (the directory
0700), where ``<hash>`` is a SHA-256 prefix of the app key: the raw key never appears in a
file name. Writes are atomic (a private temporary file, fsync, ``os.replace``) and
:meth:`TokenCache.lock` takes an exclusive lock across processes (the ``filelock`` library:
``flock`` on POSIX, ``LockFileEx`` on Windows), so two processes never both issue a token: the
second waits, then finds the first one's token.

With ``backend="keyring"`` (or ``"auto"`` when the ``keyring`` package is importable and a
working backend is configured) the token itself is kept in the OS keyring; the lock file
still lives in the config directory. The file is the default.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final, Literal

from filelock import FileLock

from yeouido.model.errors import InvalidInput
from yeouido.model.time import now_seoul, require_aware
from yeouido.net.secrets import Secret
from yeouido.paths import config_dir

log = logging.getLogger(__name__)

KEYRING_SERVICE: Final = "yeouido-tokens"
Backend = Literal["file", "keyring", "auto"]


def key_hash(app_key: str | Secret) -> str:
    """A short, stable, one-way name for an app key (16 hex digits of its SHA-256)."""
    raw = app_key.reveal() if isinstance(app_key, Secret) else app_key
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def cache_key(service: str, env: str, app_key: str | Secret) -> str:
    """The cache entry name of (service, env, app key): never contains the key itself."""
    for name, value in (("service", service), ("env", env)):
        if not value or not value.replace("-", "").replace("_", "").isalnum():
            raise InvalidInput.for_field(name, value, "letters, digits, '-' and '_' only")
    return f"{service}-{env}-{key_hash(app_key)}"


@dataclass(frozen=True, slots=True)
class CachedToken:
    """A cached access token. ``token`` is ``None`` after :meth:`TokenCache.invalidate`
    (the issue time is kept: it decides when the next one may be asked for)."""

    token: Secret | None
    expires_at: datetime
    issued_at: datetime
    token_type: str = "Bearer"

    def __post_init__(self) -> None:
        require_aware("expires_at", self.expires_at)
        require_aware("issued_at", self.issued_at)

    def usable(self, at: datetime | None = None, margin: timedelta = timedelta(0)) -> bool:
        """Whether the token exists and is valid for at least ``margin`` after ``at``."""
        at = at or now_seoul()
        return self.token is not None and self.expires_at - margin > at

    def to_json(self) -> dict[str, Any]:
        """The stored form (the only place a token is revealed: the private file)."""
        return {
            "token": None if self.token is None else self.token.reveal(),
            "expires_at": self.expires_at.isoformat(),
            "issued_at": self.issued_at.isoformat(),
            "token_type": self.token_type,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CachedToken:
        """Read the stored form."""
        token = data.get("token")
        return cls(
            token=None if not token else Secret(str(token)),
            expires_at=datetime.fromisoformat(str(data["expires_at"])),
            issued_at=datetime.fromisoformat(str(data["issued_at"])),
            token_type=str(data.get("token_type") or "Bearer"),
        )

    def __repr__(self) -> str:
        state = "none" if self.token is None else "****"
        return (
            f"CachedToken(token={state}, expires_at={self.expires_at.isoformat()}, "
            f"issued_at={self.issued_at.isoformat()})"
        )


def _keyring_usable() -> Any:
    try:
        import keyring  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
        priority = getattr(backend, "priority", 0)
        if priority is None or float(priority) <= 0:
            return None
        name = type(backend).__module__
        if "fail" in name or "null" in name:
            return None
    except Exception:
        return None
    return keyring


class TokenCache:
    """Tokens by cache key (:func:`cache_key`), shared safely between processes."""

    def __init__(self, directory: str | Path | None = None, backend: Backend = "file") -> None:
        if backend not in ("file", "keyring", "auto"):
            raise InvalidInput.for_field("backend", backend, "one of file, keyring, auto")
        self.directory = Path(directory) if directory is not None else config_dir() / "tokens"
        self._keyring: Any = None
        if backend in ("keyring", "auto"):
            self._keyring = _keyring_usable()
            if self._keyring is None and backend == "keyring":
                raise InvalidInput.for_field(
                    "backend",
                    backend,
                    "the keyring package or a working keyring backend is missing",
                )
        self.backend: Literal["file", "keyring"] = "keyring" if self._keyring else "file"
        self._thread_locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _ensure_directory(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            os.chmod(self.directory, 0o700)

    def path(self, key: str) -> Path:
        """The file of ``key`` (file backend)."""
        return self.directory / f"{key}.json"

    # -- reading and writing ---------------------------------------------------------------
    def load(self, key: str) -> CachedToken | None:
        """The cached entry of ``key``, or ``None`` (a damaged file counts as none)."""
        try:
            if self._keyring is not None:
                text = self._keyring.get_password(KEYRING_SERVICE, key)
                if text is None:
                    return None
            else:
                text = self.path(key).read_text(encoding="utf-8")
            return CachedToken.from_json(json.loads(text))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning(
                "ignoring an unreadable token cache entry %s (%s)", key, type(error).__name__
            )
            return None

    def store(self, key: str, token: CachedToken) -> None:
        """Save ``token`` under ``key`` atomically (0600 file, or the keyring)."""
        text = json.dumps(token.to_json())
        if self._keyring is not None:
            self._keyring.set_password(KEYRING_SERVICE, key, text)
            return
        self._ensure_directory()
        descriptor, temporary = tempfile.mkstemp(prefix=f".{key}.", dir=self.directory)
        try:
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path(key))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def invalidate(self, key: str) -> None:
        """Forget the token of ``key`` but remember when it was issued."""
        entry = self.load(key)
        if entry is not None and entry.token is not None:
            self.store(
                key,
                CachedToken(None, entry.expires_at, entry.issued_at, entry.token_type),
            )

    def delete(self, key: str) -> None:
        """Remove the entry of ``key`` entirely."""
        if self._keyring is not None:
            with contextlib.suppress(Exception):
                self._keyring.delete_password(KEYRING_SERVICE, key)
            return
        with contextlib.suppress(FileNotFoundError):
            self.path(key).unlink()

    # -- locking ------------------------------------------------------------------------
    def _thread_lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._thread_locks.setdefault(key, threading.Lock())

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Hold the exclusive lock of ``key`` across threads and processes."""
        self._thread_lock(key).acquire()
        try:
            with self._file_lock(key):
                yield
        finally:
            self._thread_lock(key).release()

    @contextlib.asynccontextmanager
    async def alock(self, key: str) -> AsyncIterator[None]:
        """:meth:`lock` for coroutines (the wait happens in a worker thread)."""
        lock = self._thread_lock(key)
        await asyncio.to_thread(lock.acquire)
        try:
            file_lock = self._file_lock_of(key)
            await asyncio.to_thread(file_lock.acquire)
            try:
                yield
            finally:
                file_lock.release()
        finally:
            lock.release()

    @contextlib.contextmanager
    def _file_lock(self, key: str) -> Iterator[None]:
        with self._file_lock_of(key):
            yield

    def _file_lock_of(self, key: str) -> FileLock:
        """The cross-process lock of ``key``: ``filelock`` (flock on POSIX, LockFileEx on
        Windows) on ``<directory>/<key>.lock``, created 0600."""
        self._ensure_directory()
        return FileLock(self.directory / f"{key}.lock", mode=0o600, thread_local=False)

    def __repr__(self) -> str:
        return f"<TokenCache {self.backend} {self.directory}>"
