"""The one exception hierarchy of yeouido.

Every error carries a machine-readable ``code`` and a message that names the field, the value
and the rule it broke. Catch by meaning::

    try:
        broker.buy("005930", 10, price=70_050)
    except InvalidPrice as error:
        print(error.code, error.field, error.value)

Messages never contain secrets: only order fields, codes and rule descriptions are quoted.
"""

from __future__ import annotations

from typing import Any, Self


class YeouidoError(Exception):
    """Base class of every error yeouido raises on purpose."""

    code: str = "YEOUIDO_ERROR"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = None,
        rule: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value
        self.rule = rule
        if code is not None:
            self.code = code

    @classmethod
    def for_field(cls, field: str, value: Any, rule: str) -> Self:
        """Build the error from its three parts; the message names all of them."""
        return cls(_describe(field, value, rule), field=field, value=value, rule=rule)

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly description, for ``--json`` output and logs."""
        return {
            "error": type(self).__name__,
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "value": None if self.value is None else str(self.value),
            "rule": self.rule,
        }


def _describe(field: str, value: Any, rule: str) -> str:
    return f"{field}={value!r}: {rule}"


class InvalidInput(YeouidoError):
    """Input that breaks a rule, raised before anything is sent anywhere."""

    code = "INVALID_INPUT"


class InvalidCode(InvalidInput):
    """A malformed instrument code or ISIN."""

    code = "INVALID_CODE"


class InvalidOrder(InvalidInput):
    """An order request that breaks an exchange or broker rule."""

    code = "INVALID_ORDER"


class InvalidPrice(InvalidOrder):
    """A price that is missing, not positive, off its tick, or given where none is allowed."""

    code = "INVALID_PRICE"


class InvalidQuantity(InvalidOrder):
    """A quantity that is not positive or not a multiple of the lot size."""

    code = "INVALID_QUANTITY"


class OutsidePriceLimits(InvalidOrder):
    """A price outside the day's price limits (or a session's narrower band)."""

    code = "OUTSIDE_PRICE_LIMITS"


class SessionClosed(InvalidOrder):
    """The order's session does not accept orders at this time."""

    code = "SESSION_CLOSED"


class OrderTypeNotAllowed(InvalidOrder):
    """The order type, time in force or venue is not allowed for this session or instrument."""

    code = "ORDER_TYPE_NOT_ALLOWED"


class UnknownInstrument(InvalidOrder):
    """No instrument with this code is known."""

    code = "UNKNOWN_INSTRUMENT"


class OrderNotOpen(InvalidOrder):
    """A modify or cancel names an order that is filled, canceled, expired or unknown."""

    code = "ORDER_NOT_OPEN"


class TradingHalted(SessionClosed):
    """The instrument is halted (e.g. an NXT volatility interruption): no new orders."""

    code = "TRADING_HALTED"


class InvalidTransition(YeouidoError):
    """An order status change that the order state machine does not allow."""

    code = "INVALID_TRANSITION"


class OrderNotFound(YeouidoError):
    """No order with this id is known."""

    code = "ORDER_NOT_FOUND"


class CalendarError(YeouidoError):
    """A date outside the trading calendar's range, or a non-trading day where one is needed."""

    code = "CALENDAR_ERROR"


class IndicatorError(InvalidInput):
    """Bad input to an indicator: a bad period, mismatched lengths, non-finite values."""

    code = "INDICATOR_INPUT"


class ScreenError(InvalidInput):
    """A screening condition that cannot be used. ``position`` is the 0-based offset in the
    expression text where the problem starts."""

    code = "SCREEN_ERROR"

    def __init__(self, message: str, *, position: int = 0, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.position = position


class ScreenSyntaxError(ScreenError):
    """The expression does not parse: the message says what was expected where."""

    code = "SCREEN_SYNTAX"


class ScreenNameError(ScreenError):
    """An unknown name or function, a wrong number or kind of arguments, an unknown output."""

    code = "SCREEN_NAME"


class StrategyNotFound(InvalidInput):
    """No saved screening strategy has this name."""

    code = "STRATEGY_NOT_FOUND"


class StrategyExists(InvalidInput):
    """A saved screening strategy already has this name (use update, or replace=True)."""

    code = "STRATEGY_EXISTS"


class BrokerError(YeouidoError):
    """An error reported by, or in talking to, a broker or venue."""

    code = "BROKER_ERROR"


class OrderRejected(BrokerError):
    """The venue or broker rejected an order."""

    code = "ORDER_REJECTED"


class InsufficientFunds(OrderRejected):
    """The account cannot pay for the order (buying power below the order's cost)."""

    code = "INSUFFICIENT_FUNDS"


class InsufficientPosition(OrderRejected):
    """A sell exceeds the sellable quantity (no short selling)."""

    code = "INSUFFICIENT_POSITION"


class OrderDenied(YeouidoError):
    """A pre-trade risk check denied the order before it left the process.

    ``code`` names the check (``RISK_MAX_ORDER_VALUE``, ``RISK_MAX_POSITION``,
    ``RISK_DAILY_LOSS``, ``RISK_ORDER_RATE``, ``RISK_PRICE_DEVIATION``, ``RISK_DUPLICATE``,
    ``RISK_HALTED``, ``RISK_REDUCING``, …).
    """

    code = "ORDER_DENIED"


class RateLimited(BrokerError):
    """A rate limit was hit; ``retry_after`` is the suggested wait in seconds, if known."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class AuthError(BrokerError):
    """Authentication failed, or a token expired or was refused."""

    code = "AUTH_ERROR"


class NotSupported(BrokerError):
    """The broker does not support this order type, session, venue or stream."""

    code = "NOT_SUPPORTED"


class ConnectionFailed(BrokerError):
    """The broker could not be reached, or the connection dropped (the outcome may be unknown)."""

    code = "CONNECTION_FAILED"


class CircuitOpen(BrokerError):
    """A circuit breaker is open after repeated failures: the call failed fast."""

    code = "CIRCUIT_OPEN"


class MissingExtra(YeouidoError):
    """An optional dependency is not installed; the message names the extra to install."""

    code = "MISSING_EXTRA"


class DataSourceError(YeouidoError):
    """A data source (a data library, a download) could not be reached or answered with
    something unusable; nothing was stored."""

    code = "DATA_SOURCE_ERROR"


class CannotListen(YeouidoError):
    """A local server (paper service, sandbox) cannot listen on the address it was given."""

    code = "CANNOT_LISTEN"


class PortInUse(CannotListen):
    """The TCP port a local server was asked to listen on is taken by another program."""

    code = "PORT_IN_USE"


class ProtocolError(BrokerError):
    """A frame of the venue service protocol was malformed, unexpected or unauthenticated."""

    code = "PROTOCOL_ERROR"
