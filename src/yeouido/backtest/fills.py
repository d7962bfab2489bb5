"""The backtest fill model: when and at what price an order executes against bars.

Documented rules (daily and minute bars alike):

- An order placed while a bar is being processed (in ``on_bar``, at its close) first meets
  the **next** bar of its code. Market orders (and 최유리/최우선/중간가, which a bar cannot tell
  apart from market) fill at that bar's **open**.
- Limit orders fill only when the bar **trades through** the price (buy: low < limit; sell:
  high > limit), at the limit or at the open when the open is already better. With
  ``limit_fill="touch"`` a bar reaching the price is enough.
- 조건부지정가 (conditional limit) behaves as a limit order and, left unfilled, turns market at
  the day's last bar and fills at its close.
- Stop-limit orders are released when the bar reaches the stop (buy: high ≥ stop; sell:
  low ≤ stop); released at the open when the open is beyond the stop, otherwise at the stop
  price, and then fill as a limit order (at the released price when it is within the limit).
- IOC/FOK orders meet one bar only: they fill at its open if the open satisfies them, else
  they are cancelled.
- A bar with zero volume (a halt) fills nothing. ``max_volume_fraction`` caps each fill at
  that fraction of the bar's volume (the rest stays working); off by default.
- Orders live for their trading day (KRX orders are day orders); an order placed after the
  close is for the next trading day, like a broker's reservation order (예약주문).
- Buys are paid from buying power: an order reserves its estimated cost when placed; at the
  fill, when the open has gapped above the estimate and the cash no longer covers it, the
  order fills the affordable quantity and the rest is cancelled.
- Each bar is matched in stages: first what fills at the **open** price, then (after daily
  scheduled work between the open and the close) what the **rest of the range** fills,
  stamped at the bar's close. Scheduled work therefore never sees a fill from later in its
  bar; an order placed at the open (e.g. from ``on_fill``) meets the rest of that bar; an
  order placed at a bar's close meets the next bar.
- Within one stage, sells fill before buys; buys fill in the order they were placed.
- Daily bars only: scheduled work between the open and the close runs before the bar is
  known, and its orders meet only the day's close (the closing auction): market orders fill
  there, limits when the close satisfies them, stop-limits when the close is past the stop.
"""

from __future__ import annotations

from dataclasses import dataclass

from yeouido.model.errors import InvalidInput

LIMIT_FILLS = ("through", "touch")


@dataclass(frozen=True, slots=True)
class FillModel:
    """Options of the fill model (see the module documentation for the rules)."""

    limit_fill: str = "through"
    max_volume_fraction: float | None = None

    def __post_init__(self) -> None:
        if self.limit_fill not in LIMIT_FILLS:
            raise InvalidInput.for_field(
                "limit_fill", self.limit_fill, f"must be one of {', '.join(LIMIT_FILLS)}"
            )
        fraction = self.max_volume_fraction
        if fraction is not None and not 0 < fraction <= 1:
            raise InvalidInput.for_field(
                "max_volume_fraction", fraction, "must be above 0 and at most 1"
            )

    def limit_price(self, is_buy: bool, limit: int, open_: int, high: int, low: int) -> int | None:
        """The fill price of a limit order against a bar, or ``None`` when it does not fill."""
        if is_buy:
            reached = low <= limit if self.limit_fill == "touch" else low < limit
            return (open_ if open_ < limit else limit) if reached else None
        reached = high >= limit if self.limit_fill == "touch" else high > limit
        return (open_ if open_ > limit else limit) if reached else None

    def open_price(self, is_buy: bool, limit: int, open_: int) -> int | None:
        """The open, when it already satisfies a resting limit order (better than the limit, or
        at it with ``"touch"``); ``None`` otherwise."""
        touch = self.limit_fill == "touch"
        if is_buy:
            return open_ if open_ < limit or (touch and open_ == limit) else None
        return open_ if open_ > limit or (touch and open_ == limit) else None

    def capacity(self, volume: int) -> int | None:
        """The most one fill may take from a bar of ``volume`` (``None``: no cap)."""
        if self.max_volume_fraction is None:
            return None
        return int(volume * self.max_volume_fraction)
