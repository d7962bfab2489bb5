"""Running a sweep's chunks on a Ray cluster (``pip install yeouido[ray]``): the address,
the session, the tasks."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from typing import Any

import numpy as np

from yeouido.backtest.sweeps.chunks import run_chunk
from yeouido.backtest.sweeps.jobs import ChunkResult, Progress, SweepJob
from yeouido.backtest.sweeps.processes import merge_timings, split_chunks
from yeouido.backtest.sweeps.table import Row
from yeouido.model.errors import ConnectionFailed, InvalidInput, NotSupported

LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024
"""The object store of a local Ray instance started by :func:`sweep` (``ray="local"``)."""


def _ray_chunk(job: SweepJob, indices: list[int]) -> ChunkResult:
    """A chunk in a Ray worker (the job comes from the object store, its arrays read-only:
    the kernel gets writable copies so it runs its usual compiled version)."""
    if job.grid is not None:
        grid = job.grid
        arrays = {
            item.name: np.array(value)
            for item in fields(grid)
            if isinstance(value := getattr(grid, item.name), np.ndarray)
            and not value.flags.writeable
        }
        job = replace(job, grid=replace(grid, **arrays))  # type: ignore[arg-type]
    return run_chunk(job, indices, parallel=False)


def import_ray(address: str) -> Any:
    """The ``ray`` module (the optional extra ``yeouido[ray]``)."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    try:
        import ray
    except ImportError:
        raise NotSupported.for_field(
            "ray", address, "Ray is not installed: pip install yeouido[ray]"
        ) from None
    return ray


RAY_CONNECT_SECONDS = 3.0
"""How long :func:`check_ray_address` waits for a Ray cluster to accept a connection."""


RAY_GCS_PORT = 6379


RAY_CLIENT_PORT = 10001


def ray_endpoint(address: str) -> tuple[str, int] | None:
    """The host and port a Ray address names (``"host:6379"``, ``"ray://host:10001"``; the
    default ports when left out), or ``None`` for ``"local"`` and ``"auto"`` without
    ``$RAY_ADDRESS``."""
    if address == "local":
        return None
    if address == "auto":
        address = os.environ.get("RAY_ADDRESS", "").strip()
        if not address or address in ("auto", "local"):
            return None
    client = address.startswith("ray://")
    rest = address.removeprefix("ray://").rstrip("/")
    host, separator, port_text = rest.rpartition(":")
    if not separator:
        host, port_text = rest, ""
    host = host.strip("[]") or "127.0.0.1"
    if not port_text:
        return host, RAY_CLIENT_PORT if client else RAY_GCS_PORT
    try:
        port = int(port_text)
    except ValueError:
        raise InvalidInput.for_field(
            "ray", address, "must be HOST:PORT, ray://HOST:PORT, auto or local"
        ) from None
    if not 0 < port < 65536:
        raise InvalidInput.for_field("ray", address, "the port must be 1-65535")
    return host, port


def check_ray_address(address: str, timeout: float = RAY_CONNECT_SECONDS) -> None:
    """Raise :class:`ConnectionFailed` within ``timeout`` seconds when nothing accepts a
    connection at the Ray address (``ray.init`` itself retries for minutes)."""
    endpoint = ray_endpoint(address)
    if endpoint is None:
        return
    host, port = endpoint
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as error:
        reason = "timed out" if isinstance(error, TimeoutError) else error.strerror or error
        raise ConnectionFailed.for_field(
            "ray",
            address,
            f"no Ray cluster answers at {host}:{port} ({reason}); start one with "
            "`ray start --head` or sweep with --ray local",
        ) from None


@contextmanager
def ray_session(ray: Any, address: str) -> Iterator[Any]:
    """``ray`` connected to ``address`` (or to a local instance started for the sweep with
    ``"local"``: loopback only, no dashboard); shut down on exit only when this sweep started
    it. A session already initialized in this process is used as it is."""
    started = False
    if not ray.is_initialized():
        if address == "local":
            ray.init(
                num_cpus=min(os.cpu_count() or 1, 2),
                include_dashboard=False,
                log_to_driver=False,
                object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                _node_ip_address="127.0.0.1",
            )
        else:
            check_ray_address(address)
            try:
                ray.init(address=address, include_dashboard=False, log_to_driver=False)
            except (ConnectionError, TimeoutError) as error:
                raise ConnectionFailed.for_field(
                    "ray", address, f"cannot connect to the Ray cluster: {error}"
                ) from error
        started = True
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def run_on_ray(
    job: SweepJob, ray_module: Any, address: str, progress: Progress | None
) -> tuple[dict[int, Row], dict[str, float]]:
    """The chunks of ``job`` as Ray tasks (the job put in the object store once), one per
    chunk; progress as tasks finish."""
    total = len(job.combinations)
    rows: dict[int, Row] = {}
    timings: dict[str, float] = {}
    with ray_session(ray_module, address) as ray:
        cpus = int(ray.cluster_resources().get("CPU", 1)) or 1
        chunks = split_chunks(total, cpus, job.mode)
        stored = ray.put(job)
        task = ray.remote(num_cpus=1)(_ray_chunk)
        pending = [task.remote(stored, chunk) for chunk in chunks]
        while pending:
            finished, pending = ray.wait(pending, num_returns=1)
            for result in ray.get(finished):
                rows.update(result.rows)
                merge_timings(timings, result.timings)
            if progress is not None:
                progress(len(rows), total)
    return rows, timings
