"""Pre-trade KRX checks of a connected broker: on by default, off only when asked."""

from __future__ import annotations

from pathlib import Path

import pytest

import yeouido
from yeouido.brokers.oms_broker import OmsBroker
from yeouido.model.errors import InvalidPrice, UnknownInstrument
from yeouido.oms.risk import RiskLimits

CODE = "005930"


def _limits(broker: yeouido.Broker) -> RiskLimits:
    inner = broker.async_broker
    assert isinstance(inner, OmsBroker) and inner.oms is not None
    return inner.oms.risk.limits


def test_checks_are_on_by_default_and_off_only_explicitly(tmp_path: Path) -> None:
    with yeouido.connect("paper", data_dir=tmp_path / "a", speed=None) as broker:
        assert _limits(broker).validate_krx
        bid = broker.quote(CODE).bid
        assert bid is not None
        with pytest.raises(InvalidPrice):
            broker.buy(CODE, 1, bid - 99)
        assert [o.status.value for o in broker.orders()] == ["denied"]
    limits = RiskLimits(max_order_value=10_000_000)
    with yeouido.connect("paper", data_dir=tmp_path / "b", speed=None, risk=limits) as broker:
        assert _limits(broker).validate_krx  # other limits keep the KRX checks
        with pytest.raises(UnknownInstrument):
            broker.buy("999990", 1, 10_000)
    off = RiskLimits(validate_krx=False)
    with yeouido.connect("paper", data_dir=tmp_path / "c", speed=None, risk=off) as broker:
        assert not _limits(broker).validate_krx
