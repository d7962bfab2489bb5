"""Client order ids: unique, sortable, readable, parseable."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.oms.stubs import FakeClock
from yeouido.model import SEOUL, InvalidInput
from yeouido.oms import ClientOrderIdGenerator, is_client_order_id, parse_client_order_id


def test_id_reads_date_time_counter_and_suffix() -> None:
    clock = FakeClock(datetime(2026, 11, 24, 9, 30, 15, 123_456, tzinfo=SEOUL))
    generator = ClientOrderIdGenerator(clock=clock, suffix="K7QX")
    assert generator.next() == "20261124-093015123-0001-K7QX"
    parsed = parse_client_order_id("20261124-093015123-0001-K7QX")
    assert parsed.created_at == datetime(2026, 11, 24, 9, 30, 15, 123_000, tzinfo=SEOUL)
    assert (parsed.counter, parsed.suffix, str(parsed)) == (1, "K7QX", parsed.text)


def test_ids_sort_in_creation_order_even_when_the_clock_steps_back() -> None:
    clock = FakeClock()
    generator = ClientOrderIdGenerator(clock=clock)
    ids = []
    for step in range(50):
        ids.append(generator.next())
        clock.advance(-0.5 if step % 7 == 0 else 0.001)
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_counter_wrap_within_one_millisecond_keeps_ids_increasing() -> None:
    generator = ClientOrderIdGenerator(clock=FakeClock())
    ids = [generator.next() for _ in range(10_050)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_two_generators_never_collide() -> None:
    clock = FakeClock()
    first = ClientOrderIdGenerator(clock=clock, suffix="AAAA")
    second = ClientOrderIdGenerator(clock=clock, suffix="BBBB")
    assert first.next() != second.next()
    assert ClientOrderIdGenerator().suffix != "" and len(ClientOrderIdGenerator().suffix) == 4


def test_advance_past_makes_new_ids_sort_after_a_journaled_one() -> None:
    clock = FakeClock()
    later = ClientOrderIdGenerator(clock=lambda: clock() + timedelta(seconds=5)).next()
    generator = ClientOrderIdGenerator(clock=clock)
    generator.advance_past(later)
    generator.advance_past("not-an-id")
    assert generator.next() > later


@pytest.mark.parametrize(
    "text",
    ["", "20261124-093015123-0001", "20261124-093015123-0001-K7QI", "20261399-093015123-0001-K7QX"],
)
def test_parse_rejects_what_is_not_an_id(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_client_order_id(text)


def test_bad_suffix_is_refused() -> None:
    with pytest.raises(InvalidInput):
        ClientOrderIdGenerator(suffix="ab")
    assert not is_client_order_id("x")
