"""The KIS sandbox's charts: history by seed (or the bar store), the official field lists,
D/W/M/Y periods, ``00000101`` and paging backwards by date as real KIS clients do."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pandas as pd
import pytest

from yeouido.data.store import BarStore
from yeouido.exchange.history import aggregate_bars
from yeouido.model.market_data import Bar
from yeouido.model.time import SEOUL
from yeouido.sandbox.kis import KisSandbox

from .test_kis_rest import CODE, Client, Q, run

# Field lists of KIS's official samples (koreainvestment/open-trading-api, chk_*.py): facts.
DAILY_CHART_OUTPUT1 = set(
    [
        "prdy_vrss",
        "prdy_vrss_sign",
        "prdy_ctrt",
        "stck_prdy_clpr",
        "acml_vol",
        "acml_tr_pbmn",
        "hts_kor_isnm",
        "stck_prpr",
        "stck_shrn_iscd",
        "prdy_vol",
        "stck_mxpr",
        "stck_llam",
        "stck_oprc",
        "stck_hgpr",
        "stck_lwpr",
        "stck_prdy_oprc",
        "stck_prdy_hgpr",
        "stck_prdy_lwpr",
        "askp",
        "bidp",
        "prdy_vrss_vol",
        "vol_tnrt",
        "stck_fcam",
        "lstn_stcn",
        "cpfn",
        "hts_avls",
        "per",
        "eps",
        "pbr",
        "itewhol_loan_rmnd_ratem",
    ]
)
DAILY_CHART_OUTPUT2 = set(
    [
        "stck_bsop_date",
        "stck_clpr",
        "stck_oprc",
        "stck_hgpr",
        "stck_lwpr",
        "acml_vol",
        "acml_tr_pbmn",
        "flng_cls_code",
        "prtt_rate",
        "mod_yn",
        "prdy_vrss_sign",
        "prdy_vrss",
        "revl_issu_reas",
    ]
)
DAILY_PRICE_OUTPUT = set(
    [
        "stck_bsop_date",
        "stck_oprc",
        "stck_hgpr",
        "stck_lwpr",
        "stck_clpr",
        "acml_vol",
        "prdy_vrss_vol_rate",
        "prdy_vrss",
        "prdy_vrss_sign",
        "prdy_ctrt",
        "hts_frgn_ehrt",
        "frgn_ntby_qty",
        "flng_cls_code",
        "acml_prtt_rate",
    ]
)
MINUTE_OUTPUT1 = set(
    [
        "prdy_vrss",
        "prdy_vrss_sign",
        "prdy_ctrt",
        "stck_prdy_clpr",
        "acml_vol",
        "acml_tr_pbmn",
        "hts_kor_isnm",
        "stck_prpr",
    ]
)
MINUTE_OUTPUT2 = set(
    [
        "stck_bsop_date",
        "stck_cntg_hour",
        "stck_prpr",
        "stck_oprc",
        "stck_hgpr",
        "stck_lwpr",
        "cntg_vol",
        "acml_tr_pbmn",
    ]
)


async def chart(client: Client, **params: str) -> dict[str, Any]:
    client.sandbox.reset_rate_limits()
    query = {
        "FID_COND_MRKT_DIV_CODE": "J",
        "FID_INPUT_ISCD": CODE,
        "FID_PERIOD_DIV_CODE": "D",
        "FID_ORG_ADJ_PRC": "0",
        **params,
    }
    status, answer, _ = await client.get(Q + "inquire-daily-itemchartprice", "FHKST03010100", query)
    assert status == 200, answer
    return dict(answer)


async def all_rows(client: Client, day: date, period: str = "D") -> list[dict[str, str]]:
    """Every row from the start, paging backwards by date like a real KIS client."""
    rows: list[dict[str, str]] = []
    upper = day
    while True:
        answer = await chart(
            client,
            FID_INPUT_DATE_1="00000101",
            FID_INPUT_DATE_2=f"{upper:%Y%m%d}",
            FID_PERIOD_DIV_CODE=period,
        )
        page = answer["output2"]
        assert len(page) <= 100
        rows.extend(page)
        if len(page) < 100:
            return rows
        oldest = datetime.strptime(page[-1]["stck_bsop_date"], "%Y%m%d").date()
        upper = oldest - timedelta(days=1)


def as_bars(rows: list[dict[str, str]]) -> list[Bar]:
    return [
        Bar(
            CODE,
            datetime.strptime(r["stck_bsop_date"], "%Y%m%d").replace(tzinfo=SEOUL),
            int(r["stck_oprc"]),
            int(r["stck_hgpr"]),
            int(r["stck_lwpr"]),
            int(r["stck_clpr"]),
            int(r["acml_vol"]),
            value=int(r["acml_tr_pbmn"]),
        )
        for r in reversed(rows)
    ]


def test_daily_chart_pages_back_over_the_whole_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path))

    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        office = sandbox.account.office
        office.market.advance(600)
        client = Client(sandbox, http)
        await client.auth()
        day = office.market.day
        first = await chart(client, FID_INPUT_DATE_1="00000101", FID_INPUT_DATE_2=f"{day:%Y%m%d}")
        assert set(first["output1"]) == DAILY_CHART_OUTPUT1
        assert all(set(row) == DAILY_CHART_OUTPUT2 for row in first["output2"])
        assert len(first["output2"]) == 100
        rows = await all_rows(client, day)
        dates = [row["stck_bsop_date"] for row in rows]
        assert dates == sorted(set(dates), reverse=True)  # every bar once, newest first
        past = office.history.past(CODE)
        assert len(rows) == len(past) + 1 > 200
        assert [b.close for b in as_bars(rows)[:-1]] == [b.close for b in past]
        # Today's row is the live figures; the day before closed at today's base price.
        sandbox.reset_rate_limits()
        price = (await client.get(Q + "inquire-price", "FHKST01010100", {"FID_INPUT_ISCD": CODE}))[
            1
        ]
        assert rows[0]["stck_bsop_date"] == f"{day:%Y%m%d}"
        assert rows[0]["stck_clpr"] == price["output"]["stck_prpr"]
        assert rows[1]["stck_clpr"] == price["output"]["stck_sdpr"]
        assert first["output1"]["prdy_vol"] == rows[1]["acml_vol"]
        for newer, older in itertools.pairwise(rows):
            change = int(newer["stck_clpr"]) - int(older["stck_clpr"])
            assert int(newer["prdy_vrss"]) == change
        # Weeks, months and years are the days of the window rolled up.
        bars = as_bars(rows[:300])
        for period in ("W", "M", "Y"):
            answer = await chart(
                client,
                FID_INPUT_DATE_1=dates[299],
                FID_INPUT_DATE_2=f"{day:%Y%m%d}",
                FID_PERIOD_DIV_CODE=period,
            )
            rolled = as_bars(answer["output2"])
            expected = aggregate_bars(bars, period)  # type: ignore[arg-type]
            assert [(b.time.date(), b.open, b.high, b.low, b.close, b.volume) for b in rolled] == [
                (b.time.date(), b.open, b.high, b.low, b.close, b.volume) for b in expected
            ]
        # A window: the newest 100 rows inside it.
        window = await chart(
            client,
            FID_INPUT_DATE_1=dates[150],
            FID_INPUT_DATE_2=dates[20],
        )
        assert [r["stck_bsop_date"] for r in window["output2"]] == dates[20:120]
        # 30 days of inquire-daily-price, newest first.
        sandbox.reset_rate_limits()
        daily = (
            await client.get(
                Q + "inquire-daily-price",
                "FHKST01010400",
                {"FID_INPUT_ISCD": CODE, "FID_PERIOD_DIV_CODE": "D", "FID_ORG_ADJ_PRC": "1"},
            )
        )[1]["output"]
        assert len(daily) == 30 and all(set(row) == DAILY_PRICE_OUTPUT for row in daily)
        assert [row["stck_bsop_date"] for row in daily] == dates[:30]
        # Bad inputs answer the error envelope.
        for params in (
            {"FID_PERIOD_DIV_CODE": "Q"},
            {"FID_ORG_ADJ_PRC": "2"},
            {"FID_INPUT_DATE_1": "20300101", "FID_INPUT_DATE_2": "20200101"},
            {"FID_INPUT_DATE_2": "2020-01-01"},
        ):
            sandbox.reset_rate_limits()
            query = {"FID_INPUT_ISCD": CODE, **params}
            status, answer, _ = await client.get(
                Q + "inquire-daily-itemchartprice", "FHKST03010100", query
            )
            assert status == 500 and answer["rt_cd"] == "1", params

    run(body, rate_limit=1000, codes=(CODE,), seed=5)


def test_same_seed_same_history_and_minute_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path))
    seen: list[list[dict[str, str]]] = []

    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        day = sandbox.account.office.market.day
        answer = await chart(client, FID_INPUT_DATE_2=f"{day - timedelta(days=1):%Y%m%d}")
        seen.append(answer["output2"])
        sandbox.account.office.market.advance(900)
        for name, tr_id in (
            ("inquire-time-itemchartprice", "FHKST03010200"),
            ("inquire-time-dailychartprice", "FHKST03010230"),
        ):
            sandbox.reset_rate_limits()
            query = {"FID_INPUT_ISCD": CODE, "FID_INPUT_HOUR_1": "235959"}
            minutes = (await client.get(Q + name, tr_id, query))[1]
            assert set(minutes["output1"]) == MINUTE_OUTPUT1
            assert minutes["output2"] and all(set(r) == MINUTE_OUTPUT2 for r in minutes["output2"])
            for row in minutes["output2"]:
                value, volume = int(row["acml_tr_pbmn"]), int(row["cntg_vol"])
                assert int(row["stck_lwpr"]) * volume <= value <= int(row["stck_hgpr"]) * volume

    for seed in (3, 3, 4):
        run(body, rate_limit=1000, codes=(CODE,), seed=seed)
    assert seen[0] == seen[1] != seen[2]
    assert len(seen[0]) == 100


def test_the_bar_store_history_wins_when_it_has_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YEOUIDO_DATA_DIR", str(tmp_path))
    times = pd.date_range("2025-01-06", periods=5, freq="B", tz=SEOUL, name="time")
    frame = pd.DataFrame(
        {
            "open": [100, 110, 120, 130, 140],
            "high": [115, 125, 135, 145, 155],
            "low": [95, 105, 115, 125, 135],
            "close": [110, 120, 130, 140, 150],
            "volume": [1000, 2000, 3000, 4000, 5000],
        },
        index=times,
    )
    BarStore(tmp_path / "bars").write(CODE, frame)

    async def body(sandbox: KisSandbox, http: aiohttp.ClientSession) -> None:
        client = Client(sandbox, http)
        await client.auth()
        assert sandbox.account.office.history.source(CODE) == "store"
        answer = await chart(client, FID_INPUT_DATE_1="00000101", FID_INPUT_DATE_2="20250131")
        rows = answer["output2"]
        assert [r["stck_clpr"] for r in rows] == ["150", "140", "130", "120", "110"]
        assert [r["stck_bsop_date"] for r in rows][-1] == "20250106"

    run(body, rate_limit=1000, codes=(CODE,))
