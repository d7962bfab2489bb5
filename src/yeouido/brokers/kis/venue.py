"""KIS (한국투자증권 KIS Developers) as a :class:`~yeouido.brokers.venue.VenueDescription`.

Built from the protocol tables in :mod:`yeouido.brokers.kis.protocol`, which the sandbox
shares: nothing here is a second copy of a fact, only its arrangement for the kit.
"""

from __future__ import annotations

from typing import Final

from yeouido.brokers.base import ALL_STREAMS, Capabilities
from yeouido.brokers.kis import protocol as p
from yeouido.brokers.venue import Environment, Operation, VenueDescription

KIS_CAPABILITIES: Final = Capabilities(
    order_types=frozenset(d.order_type for d in p.ORDER_DIVISIONS),
    time_in_force=frozenset(d.tif for d in p.ORDER_DIVISIONS),
    sessions=frozenset(d.session for d in p.ORDER_DIVISIONS),
    venues=frozenset(p.EXCG_ID_DVSN_CD.values()),
    streams=ALL_STREAMS,
    reservations=True,
)


def _operations() -> dict[str, Operation]:
    operations = {
        endpoint.name: Operation(
            endpoint.name,
            "order" if endpoint.method == "POST" else "inquiry",
            endpoint.path,
            endpoint.real + endpoint.mock,
            endpoint.description,
        )
        for endpoint in p.ENDPOINTS
    }
    for name, path in (
        ("token", p.TOKEN_PATH),
        ("revoke", p.REVOKE_PATH),
        ("approval", p.APPROVAL_PATH),
        ("hashkey", p.HASHKEY_PATH),
    ):
        operations[name] = Operation(name, "auth", path)
    for name, tr_id in (
        ("trades", p.WS_TRADE),
        ("books", p.WS_BOOK),
        ("notices", p.WS_NOTICE_REAL),
        ("notices_mock", p.WS_NOTICE_MOCK),
    ):
        operations[name] = Operation(name, "stream", p.WS_PATH, (tr_id,))
    return operations


KIS_VENUE: Final = VenueDescription(
    name="kis",
    title="한국투자증권 KIS Developers",
    environments={
        "mock": Environment(
            "mock",
            real_money=False,
            rest_url=p.REST_URLS["mock"],
            stream_url=p.WS_URLS["mock"],
            requests_per_second=p.RATE_LIMITS["mock"],
            safe_requests_per_second=p.SAFE_RATE_LIMITS["mock"],
        ),
        "real": Environment(
            "real",
            real_money=True,
            rest_url=p.REST_URLS["real"],
            stream_url=p.WS_URLS["real"],
            requests_per_second=p.RATE_LIMITS["real"],
            safe_requests_per_second=p.SAFE_RATE_LIMITS["real"],
        ),
    },
    default_environment="mock",
    capabilities=KIS_CAPABILITIES,
    errors={code: error.error for code, error in p.ERRORS.items()},
    operations=_operations(),
    stream_cap=p.WS_MAX_REGISTRATIONS,
)
