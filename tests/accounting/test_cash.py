"""The account core's cash: T+2 settlement by trading day, D+1/D+2 deposits, buying power."""

from __future__ import annotations

from datetime import date

from yeouido.accounting import Account, CashLedger, net_cash, settlement_day
from yeouido.model import Balance, Side


def test_settlement_is_the_second_trading_day() -> None:
    assert settlement_day(date(2026, 1, 12)) == date(2026, 1, 14)  # Monday → Wednesday
    assert settlement_day(date(2026, 1, 9)) == date(2026, 1, 13)  # Friday → Tuesday
    # Friday 13 Feb 2026; 16–18 Feb are 설날 holidays: T+1 Thursday 19th, T+2 Friday 20th.
    assert settlement_day(date(2026, 2, 13)) == date(2026, 2, 20)
    assert settlement_day(date(2026, 2, 13), days=1) == date(2026, 2, 19)


def test_net_cash_of_a_fill() -> None:
    assert net_cash(Side.BUY, 700_000, 121) == -700_121
    assert net_cash(Side.SELL, 720_000, 1_564) == 718_436


def test_deposits_across_a_weekend_and_a_holiday() -> None:
    friday = date(2026, 2, 13)
    cash: CashLedger[date] = CashLedger(10_000_000)
    cash.book(settlement_day(friday), -700_121)
    cash.reserved = 1_000_000
    paid = 10_000_000 - 700_121
    days = (date(2026, 2, 19), date(2026, 2, 20), date(2026, 2, 23))  # Fri: D+1 Thu, D+2 Fri
    assert cash.balance(friday, *days[:2]) == Balance(
        10_000_000, 10_000_000, paid, paid - 1_000_000
    )
    # Monday 16th is a holiday: seen from it, D+1 is Thursday, D+2 Friday (the settlement).
    assert cash.balance(date(2026, 2, 16), *days[:2]).settlement_d2 == paid
    assert cash.balance(date(2026, 2, 19), *days[1:]) == Balance(
        10_000_000, paid, paid, paid - 1_000_000
    )
    assert cash.buying_power == paid - 1_000_000
    cash.settle(date(2026, 2, 19))
    assert cash.settled == 10_000_000
    cash.settle(date(2026, 2, 20))
    assert (cash.settled, cash.total, list(cash.pending)) == (paid, paid, [])


def test_buying_power_asked_for_an_earlier_day_counts_only_what_settles_by_then() -> None:
    cash: CashLedger[date] = CashLedger(1_000_000)
    cash.book(date(2026, 1, 14), -400_000)  # a buy on Monday
    cash.book(date(2026, 1, 16), 300_000)  # a sale on Wednesday
    assert cash.buying_power == 900_000
    # Seen from Monday (D+2 Wednesday), the sale's cash is not there yet.
    assert cash.available(date(2026, 1, 14)) == 600_000
    assert cash.balance(date(2026, 1, 12), date(2026, 1, 13), date(2026, 1, 14)).buying_power == (
        600_000
    )


def test_account_books_position_and_cash_by_trading_day_index() -> None:
    account: Account[int] = Account(10_000_000)
    assert account.apply("005930", Side.BUY, 10, 70_000, 121, 0, due=2) == 0
    assert account.apply("005930", Side.SELL, 4, 72_000, 43, 576, due=3) == (
        288_000 - 280_000 - 48 - 43 - 576  # buy costs of 4 of 10: 48.4 → 48
    )
    assert account.quantity("005930") == 6 and account.quantity("000660") == 0
    assert account.cash.total == 10_000_000 - 700_121 + 288_000 - 43 - 576
    assert account.cash.due_by(2) == 10_000_000 - 700_121
    account.cash.settle(2)
    assert account.cash.settled == 10_000_000 - 700_121


def test_amounts_booked_out_of_order_settle_on_their_day() -> None:
    cash: CashLedger[int] = CashLedger(1_000)
    cash.book(5, -300)
    cash.book(3, 200)
    cash.book(5, 50)
    assert list(cash.pending) == [(3, 200), (5, -300), (5, 50)]
    cash.settle(4)
    assert (cash.settled, cash.total, cash.due_by(4), cash.due_by(5)) == (1_200, 950, 1_200, 950)
