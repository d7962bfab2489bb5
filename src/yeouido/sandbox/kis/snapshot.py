"""Today's figures of one code as the KIS sandbox reports them (shared by the quotation
handlers)."""

from __future__ import annotations

from yeouido.model.market_data import Bar
from yeouido.sandbox.kis.account import KisAccount
from yeouido.sandbox.kis.envelope import rate, sign


class Snapshot:
    """Today's figures of one code as KIS reports them."""

    def __init__(self, account: KisAccount, code: str) -> None:
        office = account.office
        self.code = code
        self.instrument = office.instrument(code)
        reference = office.exchange.references[code]
        self.base = int(reference.base_price)
        lower, upper = reference.limits or (0, 0)
        self.lower, self.upper = int(lower), int(upper)
        self.quote = office.quote(code)
        self.book = office.exchange.regular_book(code)
        bars = office.bars(code, "1d")
        self.bar: Bar | None = bars[-1] if bars else None
        self.price = int(self.quote.last) if self.quote.last is not None else self.base
        self.change = self.price - self.base
        self.stats = account.stats.get(code)
        self.now = office.market.now
        self.day = office.market.day

    @property
    def change_rate(self) -> str:
        """Change against the base price, percent."""
        return rate(self.change * 100 / self.base if self.base else 0)

    @property
    def sign(self) -> str:
        """PRDY_VRSS_SIGN."""
        return sign(self.change, self.price >= self.upper > 0, 0 < self.price <= self.lower)

    @property
    def volume(self) -> int:
        """Accumulated volume of the regular book (auctions and continuous trading)."""
        return self.book.volume

    @property
    def value(self) -> int:
        """Accumulated traded value (KRW) of the same trades as :attr:`volume`."""
        return int(self.book.turnover)

    def ohlc(self) -> tuple[int, int, int]:
        """Open, high, low (the base price before any trade)."""
        if self.bar is None:
            return self.base, self.base, self.base
        return int(self.bar.open), int(self.bar.high), int(self.bar.low)
