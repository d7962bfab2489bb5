"""Importing from a broker: any object with ``async bars(code, interval, start, end)``."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from yeouido.data import BarStore, import_from_broker
from yeouido.model.errors import InvalidInput
from yeouido.model.time import SEOUL


class StubBroker:
    """Serves made-up bars (close = day of year, or minute of day) and records each request."""

    def __init__(self, per_request: int | None = None) -> None:
        self.requests: list[tuple[str, str, datetime | None, datetime | None]] = []
        self.per_request = per_request

    async def bars(
        self,
        code: str,
        interval: str = "1d",
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> pd.DataFrame:
        assert start is not None and end is not None
        self.requests.append((code, interval, start, end))
        await asyncio.sleep(0)
        if interval == "1d":
            times = pd.date_range(start.date(), end.date(), freq="B", tz=SEOUL)
            times = times[(times >= start) & (times <= end)]
            closes = [int(moment.day_of_year) * 100 for moment in times]
        else:
            times = pd.date_range(start, end, freq="min", tz=SEOUL)
            closes = [1_000 + moment.hour * 60 + moment.minute for moment in times]
        if self.per_request is not None:
            assert len(times) <= self.per_request, "a window asked for more than one page"
        return pd.DataFrame(
            {
                "open": closes,
                "high": [close + 5 for close in closes],
                "low": [close - 5 for close in closes],
                "close": closes,
                "volume": [10] * len(closes),
            },
            index=pd.DatetimeIndex(times, name="time"),
        )


def test_daily_import_pages_in_100_day_windows_and_covers_the_range(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    broker = StubBroker(per_request=100)
    start = datetime(2023, 1, 1, tzinfo=SEOUL)
    end = datetime(2023, 12, 31, tzinfo=SEOUL)
    received = asyncio.run(
        import_from_broker(
            store, broker, ["005930", "000660"], "1d", start, end, adjusted=True, source="kis"
        )
    )
    per_code = [request for request in broker.requests if request[0] == "005930"]
    assert len(per_code) == 4  # 365 days in windows of 100
    assert per_code[0][2] == start and per_code[-1][3] == end
    for previous, following in itertools.pairwise(per_code):
        assert following[2] == previous[3]  # no gap between windows
        assert previous[3] - previous[2] <= timedelta(days=100)
    business_days = len(pd.bdate_range("2023-01-01", "2023-12-31"))
    assert received == {"005930": business_days, "000660": business_days}
    stored = store.read("005930")
    assert len(stored) == business_days and stored.index.is_unique
    assert store.codes("1d", adjusted=False) == []
    assert set(store.summary()["source"]) == {"kis"}


def test_minute_import_goes_to_the_side_the_caller_names(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    broker = StubBroker()
    start = datetime(2024, 1, 2, 9, 0, tzinfo=SEOUL)
    end = datetime(2024, 1, 2, 9, 4, tzinfo=SEOUL)
    received = asyncio.run(
        import_from_broker(
            store, broker, ["005930"], "1m", start, end, adjusted=False, window=timedelta(minutes=2)
        )
    )
    assert received == {"005930": 5}
    assert len(broker.requests) == 2
    stored = store.read("005930", interval="1m", adjusted=False)
    assert list(stored["close"]) == [1_540, 1_541, 1_542, 1_543, 1_544]
    assert store.read("005930", interval="1m", adjusted=True).empty


def test_broker_import_refuses_bad_arguments_before_asking(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    broker = StubBroker()
    start = datetime(2024, 1, 2, tzinfo=SEOUL)
    cases = [
        ({"interval": "5m"}, "interval"),
        ({"start": datetime(2024, 1, 2)}, "start"),
        ({"start": start + timedelta(days=2), "end": start}, "start"),
        ({"codes": []}, "codes"),
        ({"codes": ["../etc"]}, "code"),
    ]
    for overrides, field in cases:
        arguments: dict[str, object] = {
            "codes": ["005930"],
            "interval": "1d",
            "start": start,
            "end": start + timedelta(days=1),
        }
        arguments.update(overrides)
        with pytest.raises(InvalidInput) as error:
            asyncio.run(
                import_from_broker(store, broker, adjusted=True, **arguments)  # type: ignore[arg-type]
            )
        assert error.value.field == field
    assert broker.requests == []


def test_an_empty_answer_writes_nothing(tmp_path: Path) -> None:
    store = BarStore(tmp_path)
    saturday = datetime(2024, 1, 6, tzinfo=SEOUL)
    received = asyncio.run(
        import_from_broker(store, StubBroker(), ["005930"], "1d", saturday, saturday, adjusted=True)
    )
    assert received == {"005930": 0}
    assert store.summary().empty
