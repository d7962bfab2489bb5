"""The conformance suite's fixture: one connected venue per adapter, shared by the suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conformance.venues import VENUES, VenueUnderTest, open_venue


@pytest.fixture(scope="session", params=VENUES)
def venue(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VenueUnderTest]:
    """A connected broker of each adapter (paper in-process, paper through its service, KIS
    against the sandbox); tests of the suite share it, so each measures what it changed."""
    kind = str(request.param)
    opened = open_venue(kind, tmp_path_factory.mktemp(kind))
    try:
        yield opened
    finally:
        opened.close()
