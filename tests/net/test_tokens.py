"""The token cache: private files, atomic writes, cross-process reuse, no raw key in names."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from yeouido.model.time import now_seoul
from yeouido.net.secrets import Secret
from yeouido.net.tokens import CachedToken, TokenCache, cache_key, key_hash

APP_KEY = "PSabcdefghijklmnopqrstuvwxyz01234567"


def make_token(value: str = "tok-123456", hours: float = 24) -> CachedToken:
    now = now_seoul()
    return CachedToken(Secret(value), now + timedelta(hours=hours), now)


def test_cache_key_never_contains_the_app_key() -> None:
    key = cache_key("kis", "mock", APP_KEY)
    assert APP_KEY not in key
    assert key == f"kis-mock-{key_hash(APP_KEY)}"
    assert len(key_hash(APP_KEY)) == 16


def test_store_writes_a_0600_file_in_a_0700_directory(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "tokens")
    key = cache_key("kis", "real", APP_KEY)
    cache.store(key, make_token())
    path = cache.path(key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert APP_KEY not in path.read_text()
    loaded = cache.load(key)
    assert loaded is not None and loaded.token is not None
    assert loaded.token.reveal() == "tok-123456"
    assert loaded.usable()
    assert "tok-123456" not in repr(loaded)


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path)
    key = cache_key("kis", "real", APP_KEY)
    errors: list[BaseException] = []

    def writer(index: int) -> None:
        try:
            for n in range(50):
                cache.store(key, make_token(f"token-{index}-{n}"))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    def reader() -> None:
        for _ in range(200):
            entry = cache.load(key)
            if entry is not None:
                assert entry.token is not None and entry.token.reveal().startswith("token-")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    threads.append(threading.Thread(target=reader))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        f"{key}.json"
    ]


def test_damaged_file_counts_as_no_token(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path)
    key = cache_key("kis", "real", APP_KEY)
    tmp_path.mkdir(exist_ok=True)
    cache.path(key).write_text("{not json")
    assert cache.load(key) is None


def test_invalidate_keeps_the_issue_time(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path)
    key = cache_key("kis", "real", APP_KEY)
    token = make_token()
    cache.store(key, token)
    cache.invalidate(key)
    entry = cache.load(key)
    assert entry is not None
    assert entry.token is None and not entry.usable()
    assert entry.issued_at == token.issued_at


def test_expiry_margin(tmp_path: Path) -> None:
    token = make_token(hours=0.5)
    assert token.usable()
    assert not token.usable(margin=timedelta(hours=1))


def test_a_second_process_reuses_the_first_ones_token(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from datetime import timedelta
        from yeouido.model.time import now_seoul
        from yeouido.net.secrets import Secret
        from yeouido.net.tokens import CachedToken, TokenCache, cache_key
        cache = TokenCache(sys.argv[1])
        key = cache_key("kis", "mock", {APP_KEY!r})
        with cache.lock(key):
            entry = cache.load(key)
            if entry is None or not entry.usable():
                now = now_seoul()
                cache.store(key, CachedToken(Secret(sys.argv[2]), now + timedelta(hours=24), now))
                print("issued")
            else:
                print("reused", entry.token.reveal())
        """
    )
    env = {**os.environ}
    first = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), "first-token"],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    second = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path), "second-token"],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    assert first.stdout.strip() == "issued"
    assert second.stdout.strip() == "reused first-token"
    loaded = TokenCache(tmp_path).load(cache_key("kis", "mock", APP_KEY))
    assert loaded is not None and loaded.token is not None
    assert loaded.token.reveal() == "first-token"


def test_lock_excludes_other_processes(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path)
    key = cache_key("kis", "real", APP_KEY)
    script = textwrap.dedent(
        f"""
        import sys, time
        from yeouido.net.tokens import TokenCache
        print("ready", flush=True)
        start = time.monotonic()
        with TokenCache(sys.argv[1]).lock({key!r}):
            print(f"{{time.monotonic() - start:.2f}}")
        """
    )
    with cache.lock(key):
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"  # imports done: it asks for the lock
        threading.Event().wait(0.5)
    out, _ = child.communicate(timeout=30)
    assert float(out) >= 0.3


def test_keyring_backend_refused_when_unavailable(tmp_path: Path) -> None:
    pytest.importorskip("yeouido.net.tokens")
    try:
        import keyring  # noqa: F401
    except ImportError:
        from yeouido.model.errors import InvalidInput

        with pytest.raises(InvalidInput, match="keyring"):
            TokenCache(tmp_path, backend="keyring")
        assert TokenCache(tmp_path, backend="auto").backend == "file"


def test_processes_racing_for_the_token_get_the_same_one(tmp_path: Path) -> None:
    """Three processes start together; each issues a token only when none is cached, taking
    a while to do it. Under the lock exactly one issues and the others reuse its token."""
    start_at = time.time() + 1.5
    script = textwrap.dedent(
        f"""
        import sys, time
        from datetime import timedelta
        from yeouido.model.time import now_seoul
        from yeouido.net.secrets import Secret
        from yeouido.net.tokens import CachedToken, TokenCache, cache_key
        cache = TokenCache(sys.argv[1])
        key = cache_key("kis", "real", {APP_KEY!r})
        time.sleep(max(0.0, {start_at!r} - time.time()))
        with cache.lock(key):
            entry = cache.load(key)
            if entry is None or not entry.usable():
                time.sleep(0.3)  # the issuing request
                now = now_seoul()
                cache.store(key, CachedToken(Secret(sys.argv[2]), now + timedelta(hours=24), now))
                print("issued", sys.argv[2])
            else:
                print("reused", entry.token.reveal())
        """
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path), f"token-{index}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for index in range(3)
    ]
    answers = [child.communicate(timeout=60)[0].split() for child in children]
    assert [child.returncode for child in children] == [0, 0, 0]
    issued = [token for verb, token in answers if verb == "issued"]
    assert len(issued) == 1
    assert {token for _, token in answers} == set(issued)
    lock_file = tmp_path / f"{cache_key('kis', 'real', APP_KEY)}.lock"
    if os.name == "posix":
        assert lock_file.stat().st_mode & 0o777 == 0o600
