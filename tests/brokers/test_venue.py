"""The venue description: environments, the no-real-money default, errors, operations."""

from __future__ import annotations

import pytest

from yeouido.brokers.kis import protocol as p
from yeouido.brokers.kis.venue import KIS_CAPABILITIES, KIS_VENUE
from yeouido.brokers.venue import Environment, VenueDescription
from yeouido.model.errors import BrokerError, InvalidInput, OutsidePriceLimits, RateLimited


def test_a_description_whose_default_moves_real_money_is_refused() -> None:
    with pytest.raises(ValueError, match="must not move real money"):
        VenueDescription(
            name="x",
            title="X",
            environments={"real": Environment("real", real_money=True)},
            default_environment="real",
            capabilities=KIS_CAPABILITIES,
        )
    with pytest.raises(ValueError, match="not described"):
        VenueDescription(
            name="x",
            title="X",
            environments={"mock": Environment("mock", real_money=False)},
            default_environment="sandbox",
            capabilities=KIS_CAPABILITIES,
        )


def test_kis_defaults_to_mock_and_names_its_environments() -> None:
    assert KIS_VENUE.environment().name == "mock"
    assert not KIS_VENUE.environment().real_money
    assert KIS_VENUE.environment("REAL").real_money
    assert KIS_VENUE.real_environments() == ("real",)
    with pytest.raises(InvalidInput) as caught:
        KIS_VENUE.environment("live")
    assert caught.value.field == "env" and "mock, real" in str(caught.value)


def test_kis_environments_carry_the_protocol_tables() -> None:
    for env in p.ENVS:
        described = KIS_VENUE.environment(env)
        assert described.rest_url == p.REST_URLS[env]
        assert described.stream_url == p.WS_URLS[env]
        assert described.requests_per_second == p.RATE_LIMITS[env]
        assert described.safe_requests_per_second == p.SAFE_RATE_LIMITS[env]
    assert KIS_VENUE.stream_cap == p.WS_MAX_REGISTRATIONS


def test_kis_error_codes_map_to_our_classes() -> None:
    assert KIS_VENUE.error_class(p.RATE_LIMITED) is RateLimited
    assert KIS_VENUE.error_class("APBK0919") is OutsidePriceLimits
    assert KIS_VENUE.error_class("NOPE0000") is BrokerError
    assert set(KIS_VENUE.errors) == set(p.ERRORS)


def test_every_kis_endpoint_is_a_described_operation_and_orders_are_marked() -> None:
    for endpoint in p.ENDPOINTS:
        operation = KIS_VENUE.operation(endpoint.name)
        assert operation.address == endpoint.path
        assert set(endpoint.real) <= set(operation.codes)
    assert KIS_VENUE.operation("order-cash").kind == "order"
    assert KIS_VENUE.operation("order-rvsecncl").kind == "order"
    assert KIS_VENUE.operation("inquire-balance").kind == "inquiry"
    assert KIS_VENUE.operation("token").kind == "auth"
    with pytest.raises(KeyError, match="kis describes no operation 'teleport'"):
        KIS_VENUE.operation("teleport")
