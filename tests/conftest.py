"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests explore the same examples on every run (a red CI is then reproducible
# locally), and never fail on time: numba compiles kernels on first use.
settings.register_profile("yeouido", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None, max_examples=1_000, print_blob=True)
settings.load_profile(os.environ.get("YEOUIDO_HYPOTHESIS", "yeouido"))

PROJECT_ROOT = Path(__file__).resolve().parents[1]
KRX_DAILY = PROJECT_ROOT / "tests" / "fixtures" / "krx-daily"


@pytest.fixture(scope="session")
def krx_daily_dir() -> Path:
    """The real KRX daily bars kept in the repository (``tests/fixtures/krx-daily``)."""
    return KRX_DAILY


def pytest_configure(config: pytest.Config) -> None:
    """Keep the suite's rebuildable caches (the XKRX session list) out of the user's home."""
    import os
    import tempfile

    os.environ.setdefault("YEOUIDO_CACHE_DIR", tempfile.mkdtemp(prefix="yeouido-test-cache-"))
