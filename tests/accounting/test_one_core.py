"""One account core: the same fills give the same positions, P&L and cash in the backtest,
the paper ledger and the OMS position book."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yeouido.backtest.engine import BacktestEngine
from yeouido.brokers.paper.ledger import PaperLedger
from yeouido.model import Fill, Side
from yeouido.oms import PositionBook
from yeouido.strategy import Strategy

from ..backtest.bars import daily

CODE = "005930"  # KOSPI stock: 0.20% sell tax in 2026


class Trades(Strategy):
    """Buys 10, adds 5, sells 6 (market orders on bars 0–2); keeps what the context shows
    on bar 3, after the sale filled at its open."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0
        self.state: dict[str, Any] = {}

    def on_bar(self, ctx: Any, bar: Any) -> None:
        if self.seen == 0:
            ctx.buy(CODE, 10)
        elif self.seen == 1:
            ctx.buy(CODE, 5)
        elif self.seen == 2:
            ctx.sell(CODE, 6)
        elif self.seen == 3:
            self.state = {"positions": ctx.positions(), "balance": ctx.balance()}
        self.seen += 1


def test_backtest_paper_ledger_and_oms_keep_the_same_account(tmp_path: Path) -> None:
    bars = daily(
        [
            (69_000, 69_500, 68_500, 69_000, 1_000),
            (70_000, 70_500, 69_500, 70_000, 1_000),
            (71_000, 71_500, 70_500, 71_000, 1_000),
            (72_000, 72_500, 71_500, 72_000, 1_000),
            (72_000, 72_500, 71_500, 72_000, 1_000),
        ],
        start="2026-01-12",
    )
    strategy = Trades()
    result = BacktestEngine(strategy, {CODE: bars}, 10_000_000).run()
    fills = [
        Fill(
            order_id=row.order_id,
            trade_id=f"{row.order_id}-{index}",
            code=row.code,
            side=Side(row.side),
            quantity=int(row.quantity),
            price=int(row.price),
            time=row.time.to_pydatetime(),
            commission=int(row.commission),
            tax=int(row.tax),
        )
        for index, row in enumerate(result.fills.itertuples(index=False))
    ]
    assert [(f.side, f.quantity, f.price) for f in fills] == [
        (Side.BUY, 10, 70_000),
        (Side.BUY, 5, 71_000),
        (Side.SELL, 6, 72_000),
    ]
    book = PositionBook()
    with PaperLedger(tmp_path / "paper.sqlite", initial_cash=10_000_000) as ledger:
        for fill in fills:
            booked = ledger.apply_fill(
                fill.order_id, fill.trade_id, CODE, fill.side, fill.quantity, fill.price, fill.time
            )
            assert booked is not None
            assert (booked.commission, booked.tax) == (fill.commission, fill.tax)
            book.apply(fill)
        paper = ledger.position(CODE, last_price=72_000)
        paper_balance = ledger.balance(fills[-1].time.date())
    backtest = strategy.state["positions"][CODE]
    oms = book.get(CODE)
    assert paper is not None and oms is not None
    # Hand-computed: average (700,000 + 355,000) / 15; the sale realizes 432,000 − 422,000
    # − 73 (6/15 of the buy costs 121 + 61) − 937 (64 + 9 + 864).
    expected = (9, paper.average_price, 8_990)
    assert str(paper.average_price) == "70333.33333333333333333333333333333333333"
    for position in (paper, backtest, oms):
        assert (position.quantity, position.average_price, position.realized_pnl) == expected
    backtest_balance = strategy.state["balance"]
    assert (backtest_balance.cash, backtest_balance.settlement_d1) == (
        paper_balance.cash,
        paper_balance.settlement_d1,
    )
    assert backtest_balance.settlement_d2 == paper_balance.settlement_d2
    assert paper_balance.cash == 10_000_000 - 700_121  # Thursday: Tuesday's buy settled
