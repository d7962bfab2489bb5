"""The paper broker's account ledger: costs, T+2 settlement, reservations, P&L, persistence."""

from __future__ import annotations

import stat
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yeouido.brokers.paper.ledger import LedgerClosed, PaperLedger
from yeouido.krx import CostModel, get_instrument, trading_days
from yeouido.model import (
    SEOUL,
    Balance,
    InsufficientFunds,
    InsufficientPosition,
    InvalidInput,
    Side,
    UnknownInstrument,
)

SAMSUNG = "005930"  # KOSPI stock: 0.20% sell tax in 2026
KODEX200 = "069500"  # KOSPI ETF: no sell tax
KAKAO = "035720"
INITIAL = 100_000_000


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SEOUL)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[PaperLedger]:
    ledger = PaperLedger(tmp_path / "paper.sqlite", initial_cash=INITIAL)
    yield ledger
    ledger.close()


def buy(
    ledger: PaperLedger, key: str, code: str, quantity: int, price: int, when: datetime
) -> None:
    ledger.reserve(key, code, Side.BUY, quantity, price, when.date())
    assert ledger.apply_fill(key, f"T-{key}", code, Side.BUY, quantity, price, when) is not None


def sell(
    ledger: PaperLedger, key: str, code: str, quantity: int, price: int, when: datetime
) -> None:
    ledger.reserve(key, code, Side.SELL, quantity, price, when.date())
    assert ledger.apply_fill(key, f"T-{key}", code, Side.SELL, quantity, price, when) is not None


# --- costs and realized P&L -------------------------------------------------------------


def test_kospi_stock_buy_then_sell_with_exact_costs(ledger: PaperLedger) -> None:
    monday, tuesday = date(2026, 1, 12), date(2026, 1, 13)
    ledger.reserve("o1", SAMSUNG, Side.BUY, 10, 70_000, monday)
    fill = ledger.apply_fill("o1", "t1", SAMSUNG, Side.BUY, 10, 70_000, at(monday))
    # 700,000 × 0.015% = 105; × 0.0023% = 16.1 → 16; no tax on a buy.
    assert fill is not None
    assert (fill.order_id, fill.commission, fill.tax) == ("o1", 121, 0)
    assert fill.net_amount == -700_121
    assert fill.time.tzinfo is SEOUL

    ledger.reserve("o2", SAMSUNG, Side.SELL, 10, 72_000, tuesday)
    fill = ledger.apply_fill("o2", "t2", SAMSUNG, Side.SELL, 10, 72_000, at(tuesday))
    # 720,000 × 0.015% = 108; × 0.0023% = 16.56 → 16; × 0.20% = 1,440.
    assert fill is not None
    assert (fill.commission, fill.tax) == (124, 1_440)
    assert fill.net_amount == 720_000 - 124 - 1_440

    # Realized P&L is net of both sides' costs: 20,000 − 121 − 124 − 1,440.
    assert ledger.realized_pnl() == 18_315
    assert ledger.realized_pnl(tuesday) == 18_315
    assert ledger.realized_pnl(monday) == 0
    assert ledger.position(SAMSUNG) is None
    # After both settlements the deposit is the initial cash plus the realized P&L.
    assert ledger.balance(date(2026, 1, 15)).cash == INITIAL + 18_315


def test_etf_sale_pays_no_tax(ledger: PaperLedger) -> None:
    day = date(2026, 3, 4)
    buy(ledger, "b", KODEX200, 100, 56_990, at(day))
    sell(ledger, "s", KODEX200, 100, 57_500, at(day, 14))
    buy_fill, sell_fill = ledger.fills()
    # 5,699,000: commission 854.85 → 854, fee 131.077 → 131.
    assert (buy_fill.commission, buy_fill.tax) == (985, 0)
    # 5,750,000: commission 862.5 → 862, fee 132.25 → 132, ETF: no tax.
    assert (sell_fill.commission, sell_fill.tax) == (994, 0)
    assert ledger.realized_pnl(day) == 51_000 - 985 - 994


def test_costs_follow_the_cost_model(tmp_path: Path) -> None:
    model = CostModel(commission_rate=Decimal("0.001"), exchange_fee_rate=Decimal(0))
    with PaperLedger(tmp_path / "l.sqlite", cost_model=model) as ledger:
        fill = ledger.apply_fill("o", "t", SAMSUNG, Side.BUY, 3, 70_100, at(date(2026, 1, 12)))
        assert fill is not None
        assert fill.commission == 210  # 210,300 × 0.1% = 210.3 → 210


# --- T+2 settlement ---------------------------------------------------------------------


def test_friday_trade_settles_on_tuesday(ledger: PaperLedger) -> None:
    friday = date(2026, 1, 9)
    buy(ledger, "b", SAMSUNG, 10, 70_000, at(friday))
    paid = INITIAL - 700_121
    expected = {
        date(2026, 1, 9): Balance(INITIAL, INITIAL, paid, paid),  # D+1 Mon, D+2 Tue
        date(2026, 1, 10): Balance(INITIAL, INITIAL, paid, paid),  # Saturday
        date(2026, 1, 11): Balance(INITIAL, INITIAL, paid, paid),  # Sunday
        date(2026, 1, 12): Balance(INITIAL, paid, paid, paid),  # Monday: D+1 is Tuesday
        date(2026, 1, 13): Balance(paid, paid, paid, paid),  # Tuesday: settled
    }
    for day, balance in expected.items():
        assert ledger.balance(day) == balance, day


def test_settlement_skips_a_weekend_and_the_lunar_new_year(ledger: PaperLedger) -> None:
    # Friday 2026-02-13; 16–18 Feb are 설날 holidays: T+1 is Thursday 19th, T+2 Friday 20th.
    friday = date(2026, 2, 13)
    buy(ledger, "b", SAMSUNG, 10, 70_000, at(friday))
    sell(ledger, "s", SAMSUNG, 4, 71_000, at(friday, 14))
    bought = -700_121
    # 284,000: commission 42.6 → 42, fee 6.532 → 6, tax 568.
    sold = 284_000 - 42 - 6 - 568
    after = INITIAL + bought + sold
    for day in (friday, date(2026, 2, 14), date(2026, 2, 16), date(2026, 2, 18)):
        assert ledger.balance(day) == Balance(INITIAL, INITIAL, after, after), day
    assert ledger.balance(date(2026, 2, 19)) == Balance(INITIAL, after, after, after)
    assert ledger.balance(date(2026, 2, 20)) == Balance(after, after, after, after)
    assert ledger.balance(date(2026, 3, 3)).cash == after


def test_sale_proceeds_count_towards_buying_power_of_the_same_day(
    ledger: PaperLedger,
) -> None:
    ledger.reset(1_000_000)
    day = date(2026, 1, 12)
    buy(ledger, "b1", SAMSUNG, 10, 70_000, at(day))
    sell(ledger, "s1", SAMSUNG, 10, 70_000, at(day, 11))
    # Both settle on the same T+2 day, so the money is available again now.
    balance = ledger.balance(day)
    assert balance.cash == 1_000_000
    assert balance.buying_power == balance.settlement_d2 == 1_000_000 - 121 - 121 - 1_400


# --- reservations and buying power ------------------------------------------------------


def test_buy_beyond_buying_power_names_the_amounts(tmp_path: Path) -> None:
    with PaperLedger(tmp_path / "l.sqlite", initial_cash=1_000_000) as ledger:
        with pytest.raises(InsufficientFunds) as caught:
            ledger.reserve("o", SAMSUNG, Side.BUY, 15, 70_000, date(2026, 1, 12))
        # 1,050,000 + 157 commission + 24 fee.
        assert "1,050,181" in caught.value.message
        assert "1,000,000" in caught.value.message
        assert caught.value.value == 1_050_181
        assert ledger.reserved_quantity("o") == 0
        ledger.reserve("o", SAMSUNG, Side.BUY, 14, 70_000, date(2026, 1, 12))


def test_reservations_reduce_buying_power_and_release_restores_it(
    ledger: PaperLedger,
) -> None:
    day = date(2026, 1, 12)
    ledger.reserve("o", SAMSUNG, Side.BUY, 100, 70_000, day)
    # 7,000,000 + 1,050 + 161.
    assert ledger.balance(day).buying_power == INITIAL - 7_001_211
    assert ledger.balance(day).cash == INITIAL
    ledger.release("o", 40)  # partial cancel: 60 left
    assert ledger.balance(day).buying_power == INITIAL - (4_200_000 + 630 + 96)
    assert ledger.reserved_quantity("o") == 60
    assert ledger.release("o") == 60
    assert ledger.balance(day).buying_power == INITIAL
    assert ledger.release("o") == 0
    assert ledger.release("unknown") == 0


def test_reserve_is_idempotent_per_order_key(ledger: PaperLedger) -> None:
    day = date(2026, 1, 12)
    ledger.reserve("o", SAMSUNG, Side.BUY, 10, 70_000, day)
    ledger.reserve("o", SAMSUNG, Side.BUY, 10, 70_000, day)
    assert ledger.balance(day).buying_power == INITIAL - 700_121
    with pytest.raises(InvalidInput, match="order_key"):
        ledger.reserve("o", SAMSUNG, Side.SELL, 10, 70_000, day)
    with pytest.raises(InvalidInput, match="order_key"):
        ledger.reserve("o", KODEX200, Side.BUY, 10, 70_000, day)
    assert ledger.balance(day).buying_power == INITIAL - 700_121


def test_modifying_an_order_re_reserves(tmp_path: Path) -> None:
    day = date(2026, 1, 12)
    with PaperLedger(tmp_path / "l.sqlite", initial_cash=1_000_000) as ledger:
        ledger.reserve("o", SAMSUNG, Side.BUY, 10, 70_000, day)
        # Amending an active reservation counts the funds it already holds.
        ledger.reserve("o", SAMSUNG, Side.BUY, 14, 70_000, day)
        assert ledger.balance(day).buying_power == 1_000_000 - (980_000 + 147 + 22)
        with pytest.raises(InsufficientFunds):
            ledger.reserve("o", SAMSUNG, Side.BUY, 15, 70_000, day)
        assert ledger.reserved_quantity("o") == 14  # the refused amendment kept the old one
        # Release, then reserve the modified order afresh (the paper broker's modify).
        ledger.release("o")
        assert ledger.balance(day).buying_power == 1_000_000
        ledger.reserve("o", SAMSUNG, Side.BUY, 5, 69_000, day)
        assert ledger.reserved_quantity("o") == 5
        assert ledger.balance(day).buying_power == 1_000_000 - (345_000 + 51 + 7)


def test_fill_consumes_the_reservation(ledger: PaperLedger) -> None:
    day = date(2026, 1, 12)
    # A market buy reserves at the upper price limit and fills lower.
    ledger.reserve("o", SAMSUNG, Side.BUY, 10, 91_000, day)
    ledger.apply_fill("o", "t1", SAMSUNG, Side.BUY, 4, 70_000, at(day))
    assert ledger.reserved_quantity("o") == 6
    reserved_rest = 546_000 + 81 + 12  # 6 × 91,000 + costs
    assert ledger.balance(day).buying_power == INITIAL - (280_000 + 42 + 6) - reserved_rest
    ledger.apply_fill("o", "t2", SAMSUNG, Side.BUY, 6, 70_100, at(day, 11))
    assert ledger.reserved_quantity("o") == 0
    assert ledger.balance(day).buying_power == ledger.balance(day).settlement_d2


def test_selling_more_than_held_is_refused(ledger: PaperLedger) -> None:
    day = date(2026, 1, 12)
    with pytest.raises(InsufficientPosition, match="short selling"):
        ledger.reserve("s0", SAMSUNG, Side.SELL, 1, 70_000, day)
    buy(ledger, "b", SAMSUNG, 10, 70_000, at(day))
    ledger.reserve("s1", SAMSUNG, Side.SELL, 7, 71_000, day)
    position = ledger.position(SAMSUNG)
    assert position is not None
    assert (position.quantity, position.sellable_quantity) == (10, 3)
    with pytest.raises(InsufficientPosition) as caught:
        ledger.reserve("s2", SAMSUNG, Side.SELL, 4, 71_000, day)
    assert "sellable quantity 3" in caught.value.message
    with pytest.raises(InsufficientPosition):
        ledger.apply_fill("x", "tx", SAMSUNG, Side.SELL, 11, 71_000, at(day))
    ledger.release("s1")
    ledger.reserve("s2", SAMSUNG, Side.SELL, 10, 71_000, day)


def test_duplicate_trade_id_is_applied_once(ledger: PaperLedger) -> None:
    day = date(2026, 1, 12)
    ledger.reserve("o", SAMSUNG, Side.BUY, 20, 70_000, day)
    assert ledger.apply_fill("o", "t1", SAMSUNG, Side.BUY, 10, 70_000, at(day)) is not None
    assert ledger.apply_fill("o", "t1", SAMSUNG, Side.BUY, 10, 70_000, at(day)) is None
    position = ledger.position(SAMSUNG)
    assert position is not None and position.quantity == 10
    assert len(ledger.fills()) == 1
    assert ledger.reserved_quantity("o") == 10
    assert ledger.balance(date(2026, 1, 14)).cash == INITIAL - 700_121


def test_failed_operation_changes_nothing(ledger: PaperLedger) -> None:
    day = date(2026, 1, 12)
    buy(ledger, "b", SAMSUNG, 5, 70_000, at(day))
    before = (ledger.positions(), ledger.fills(), ledger.balance(day))
    with pytest.raises(InsufficientPosition):
        ledger.apply_fill("x", "tx", SAMSUNG, Side.SELL, 6, 71_000, at(day))
    with pytest.raises(InvalidInput):
        ledger.apply_fill("b", "ty", SAMSUNG, Side.SELL, 1, 71_000, at(day))  # side mismatch
    assert (ledger.positions(), ledger.fills(), ledger.balance(day)) == before


def test_a_crash_mid_operation_leaves_nothing_half_done(
    ledger: PaperLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = date(2026, 1, 12)
    ledger.reserve("o", SAMSUNG, Side.BUY, 10, 70_000, day)
    before = (ledger.positions(), ledger.fills(), ledger.balance(day))

    def crash(*args: object) -> int:
        raise OSError("disk gone")

    # The position and the fill are written; then the reservation update fails.
    monkeypatch.setattr(ledger, "_shrink_reservation", crash)
    with pytest.raises(OSError, match="disk gone"):
        ledger.apply_fill("o", "t1", SAMSUNG, Side.BUY, 10, 70_000, at(day))
    monkeypatch.undo()
    assert (ledger.positions(), ledger.fills(), ledger.balance(day)) == before
    assert ledger.apply_fill("o", "t1", SAMSUNG, Side.BUY, 10, 70_000, at(day)) is not None


# --- positions and P&L ------------------------------------------------------------------


def test_average_price_after_several_buys_excludes_costs(ledger: PaperLedger) -> None:
    day = date(2026, 1, 12)
    buy(ledger, "b1", SAMSUNG, 10, 70_000, at(day))
    buy(ledger, "b2", SAMSUNG, 20, 71_000, at(day, 11))
    buy(ledger, "b3", SAMSUNG, 3, 69_900, at(day, 12))
    position = ledger.position(SAMSUNG)
    assert position is not None
    expected = Fraction(700_000 + 1_420_000 + 209_700, 33)
    assert position.quantity == 33
    assert abs(Fraction(position.average_price) - expected) < Fraction(1, 10**30)
    # A sale leaves the average unchanged.
    sell(ledger, "s1", SAMSUNG, 13, 72_000, at(day, 13))
    after = ledger.position(SAMSUNG)
    assert after is not None
    assert (after.quantity, after.average_price) == (20, position.average_price)
    # Then a buy re-averages the remaining 20 at the old average with the new shares.
    buy(ledger, "b4", SAMSUNG, 5, 72_000, at(day, 14))
    again = ledger.position(SAMSUNG)
    assert again is not None
    expected_again = (expected * 20 + 360_000) / 25
    assert abs(Fraction(again.average_price) - expected_again) < Fraction(1, 10**30)


def test_terminating_average_is_exact_and_plain(ledger: PaperLedger) -> None:
    day = date(2026, 1, 12)
    buy(ledger, "b1", SAMSUNG, 1, 70_000, at(day))
    buy(ledger, "b2", SAMSUNG, 1, 70_100, at(day))
    position = ledger.position(SAMSUNG)
    assert position is not None
    assert str(position.average_price) == "70050"
    buy(ledger, "b3", SAMSUNG, 2, 70_000, at(day))
    position = ledger.position(SAMSUNG)
    assert position is not None
    assert position.average_price == Decimal("70025")


def test_realized_and_unrealized_pnl(ledger: PaperLedger) -> None:
    monday, tuesday = date(2026, 1, 12), date(2026, 1, 13)
    buy(ledger, "b1", SAMSUNG, 10, 70_000, at(monday))  # costs 121
    buy(ledger, "b2", KODEX200, 10, 50_000, at(monday))  # costs 75 + 11 = 86
    sell(ledger, "s1", SAMSUNG, 4, 75_000, at(tuesday))
    # 300,000: commission 45, fee 6.9 → 6, tax 600; buy costs of 4 of 10 shares: 48.4 → 48.
    assert ledger.realized_pnl(tuesday) == 20_000 - 48 - 45 - 6 - 600
    positions = ledger.positions({SAMSUNG: 76_000})
    assert [p.code for p in positions] == [SAMSUNG, KODEX200]
    samsung, kodex = positions
    assert samsung.quantity == 6
    assert samsung.realized_pnl == 19_301
    assert samsung.unrealized_pnl == Decimal(6 * 6_000)
    assert kodex.last_price is None and kodex.unrealized_pnl is None
    # Closing the rest takes the remaining book cost and buy costs exactly.
    sell(ledger, "s2", SAMSUNG, 6, 74_000, at(tuesday, 11))
    # 444,000: commission 66.6 → 66, fee 10.212 → 10, tax 888; remaining buy costs 73.
    assert ledger.realized_pnl(tuesday) == 19_301 + 24_000 - 73 - 66 - 10 - 888
    assert ledger.position(SAMSUNG) is None


def test_fills_are_filtered_by_time(ledger: PaperLedger) -> None:
    day = date(2026, 1, 12)
    buy(ledger, "b1", SAMSUNG, 1, 70_000, at(day, 9))
    buy(ledger, "b2", SAMSUNG, 1, 70_000, at(day, 10))
    buy(ledger, "b3", SAMSUNG, 1, 70_000, at(day, 11))
    assert [f.order_id for f in ledger.fills()] == ["b1", "b2", "b3"]
    assert [f.order_id for f in ledger.fills(start=at(day, 10))] == ["b2", "b3"]
    assert [f.order_id for f in ledger.fills(end=at(day, 10))] == ["b1"]
    assert [f.order_id for f in ledger.fills(at(day, 10), at(day, 10, 1))] == ["b2"]


# --- persistence, reset, file -----------------------------------------------------------


def test_state_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "paper.sqlite"
    day = date(2026, 1, 12)
    with PaperLedger(path, initial_cash=50_000_000) as ledger:
        buy(ledger, "b1", SAMSUNG, 10, 70_000, at(day))
        buy(ledger, "b2", SAMSUNG, 5, 70_100, at(day, 11))
        sell(ledger, "s1", SAMSUNG, 3, 71_000, at(day, 12))
        ledger.reserve("open", KODEX200, Side.BUY, 10, 50_000, day)
        state = (
            ledger.positions({SAMSUNG: 71_000}),
            ledger.fills(),
            ledger.balance(day),
            ledger.realized_pnl(),
        )
    with PaperLedger(path, initial_cash=1) as reopened:  # initial_cash only seeds new files
        assert (
            reopened.positions({SAMSUNG: 71_000}),
            reopened.fills(),
            reopened.balance(day),
            reopened.realized_pnl(),
        ) == state
        assert reopened.reserved_quantity("open") == 10
        assert reopened.apply_fill("b1", "T-b1", SAMSUNG, Side.BUY, 10, 70_000, at(day)) is None


def test_reset_wipes_everything(ledger: PaperLedger) -> None:
    day = date(2026, 1, 12)
    buy(ledger, "b1", SAMSUNG, 10, 70_000, at(day))
    ledger.reserve("open", SAMSUNG, Side.BUY, 10, 70_000, day)
    ledger.reset(5_000_000)
    assert ledger.positions() == []
    assert ledger.fills() == []
    assert ledger.realized_pnl() == 0
    assert ledger.balance(day) == Balance(5_000_000, 5_000_000, 5_000_000, 5_000_000)
    # The same order key and trade id can be used again after a reset.
    buy(ledger, "b1", SAMSUNG, 10, 70_000, at(day))
    ledger.reset()
    assert ledger.balance(day).cash == 5_000_000


def test_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "paper.sqlite"
    with PaperLedger(path) as ledger:
        buy(ledger, "b", SAMSUNG, 1, 70_000, at(date(2026, 1, 12)))
        for file in path.parent.iterdir():
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
        assert path.with_name("paper.sqlite-wal").exists()
        assert "paper.sqlite" in repr(ledger) and str(tmp_path) not in repr(ledger)
    with pytest.raises(LedgerClosed):
        ledger.balance(date(2026, 1, 12))
    ledger.close()


# --- input validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("quantity", {"quantity": 0}),
        ("quantity", {"quantity": -5}),
        ("quantity", {"quantity": 1.0}),
        ("quantity", {"quantity": True}),
        ("price", {"price": 0}),
        ("price", {"price": 70_000.0}),
        ("price", {"price": Decimal("70000")}),
        ("side", {"side": "short"}),
        ("order_key", {"order_key": ""}),
        ("on", {"on": "2026-01-12"}),
    ],
)
def test_bad_reserve_input_is_refused(
    ledger: PaperLedger, field: str, kwargs: dict[str, Any]
) -> None:
    arguments: dict[str, Any] = {
        "order_key": "o",
        "code": SAMSUNG,
        "side": Side.BUY,
        "quantity": 1,
        "price": 70_000,
        "on": date(2026, 1, 12),
    } | kwargs
    with pytest.raises(InvalidInput) as caught:
        ledger.reserve(**arguments)
    assert caught.value.field == field


def test_bad_fill_input_is_refused(ledger: PaperLedger) -> None:
    naive = datetime(2026, 1, 12, 10)
    with pytest.raises(InvalidInput, match="timezone-aware"):
        ledger.apply_fill("o", "t", SAMSUNG, Side.BUY, 1, 70_000, naive)
    with pytest.raises(InvalidInput) as caught:
        ledger.apply_fill("o", "t", SAMSUNG, Side.BUY, 1, 70_000.5, at(date(2026, 1, 12)))  # type: ignore[arg-type]
    assert caught.value.field == "price"
    with pytest.raises(UnknownInstrument):
        ledger.apply_fill("o", "t", "999999", Side.BUY, 1, 70_000, at(date(2026, 1, 12)))
    with pytest.raises(InvalidInput) as caught:
        PaperLedger(Path(tempfile.gettempdir()) / "never.sqlite", initial_cash=-1)
    assert caught.value.field == "initial_cash"
    assert ledger.fills() == []


def test_string_sides_are_accepted(ledger: PaperLedger) -> None:
    day = date(2026, 1, 12)
    ledger.reserve("o", SAMSUNG, "buy", 1, 70_000, day)  # type: ignore[arg-type]
    fill = ledger.apply_fill("o", "t", SAMSUNG, "BUY", 1, 70_000, at(day))  # type: ignore[arg-type]
    assert fill is not None and fill.side is Side.BUY


# --- property: the books always balance -------------------------------------------------

DAYS = trading_days(date(2026, 1, 5), date(2026, 3, 31))
PRICES = {SAMSUNG: [69_900, 70_000, 70_100, 72_500], KODEX200: [56_990, 57_005], KAKAO: [59_600]}

operations = st.lists(
    st.tuples(
        st.sampled_from(sorted(PRICES)),
        st.booleans(),  # buy (True) or sell
        st.integers(1, 60),  # quantity (a sell takes at most what is held)
        st.integers(0, 3),  # price index
        st.integers(0, 2),  # days to advance
        st.booleans(),  # fill in two parts
    ),
    max_size=25,
)


@given(operations=operations, initial=st.integers(0, 20_000_000))
def test_bookkeeping_is_exact(
    operations: list[tuple[str, bool, int, int, int, bool]], initial: int
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "paper.sqlite"
        ledger = PaperLedger(path, initial_cash=initial)
        costs = CostModel()
        held: dict[str, int] = {}
        average: dict[str, Fraction] = {}
        expected_cash = initial
        day_index = 0
        trade = 0
        for code, is_buy, quantity, price_index, advance, split in operations:
            day_index = min(day_index + advance, len(DAYS) - 1)
            day = DAYS[day_index]
            prices = PRICES[code]
            price = prices[price_index % len(prices)]
            side = Side.BUY if is_buy else Side.SELL
            if side is Side.SELL:
                quantity = min(quantity, held.get(code, 0))
                if quantity == 0:
                    continue
            key = f"o{trade}"
            try:
                ledger.reserve(key, code, side, quantity, price, day)
            except InsufficientFunds:
                assert side is Side.BUY
                continue
            parts = [quantity // 2, quantity - quantity // 2] if split else [quantity]
            for part in filter(None, parts):
                trade += 1
                fill = ledger.apply_fill(key, f"t{trade}", code, side, part, price, at(day))
                assert fill is not None
                cost = costs.cost(get_instrument(code), side, part, price, day)
                assert (fill.commission, fill.tax) == (
                    cost.commission + cost.exchange_fee,
                    cost.tax,
                )
                if side is Side.BUY:
                    expected_cash -= price * part + cost.total
                    old = held.get(code, 0)
                    average[code] = (average.get(code, Fraction(0)) * old + price * part) / (
                        old + part
                    )
                    held[code] = old + part
                else:
                    expected_cash += price * part - cost.total
                    held[code] -= part
            assert ledger.reserved_quantity(key) == 0
            # Settled cash never goes negative: every buy was covered by buying power.
            balance = ledger.balance(day)
            assert min(balance.cash, balance.settlement_d1, balance.settlement_d2) >= 0
            assert balance.buying_power == balance.settlement_d2

        for position in ledger.positions():
            assert position.quantity == held[position.code]
            assert abs(Fraction(position.average_price) - average[position.code]) < Fraction(
                1, 10**30
            )
        assert {p.code for p in ledger.positions()} == {c for c, q in held.items() if q}

        settled = DAYS[-1]
        assert ledger.balance(settled).cash == expected_cash
        # Close everything: the deposit is then the initial cash plus the realized P&L.
        for position in ledger.positions():
            trade += 1
            cost = costs.cost(
                get_instrument(position.code), Side.SELL, position.quantity, 60_000, settled
            )
            expected_cash += 60_000 * position.quantity - cost.total
            sell(ledger, f"close{trade}", position.code, position.quantity, 60_000, at(settled))
        ledger.close()

        with PaperLedger(path) as reopened:
            final = reopened.balance(date(2026, 4, 10))
            assert final.cash == expected_cash
            assert final.cash == initial + reopened.realized_pnl()
            assert reopened.positions() == []
