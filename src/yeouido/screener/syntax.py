"""The syntax tree of the screener's condition language (종목검색 조건식).

The parser (:mod:`yeouido.screener.parser`) turns text into these nodes; the evaluators walk
them: :mod:`yeouido.screener.vector` over whole bar histories at once (scans), and
:mod:`yeouido.screener.stream` bar by bar and tick by tick (live watching). Nothing here is
ever passed to ``eval``.

Every node records ``start`` and ``end``, its span in the source text, so errors and result
columns can quote the exact sub-expression.

The language, informally::

    query      := condition [ "sort" "by" expression [ "asc" | "desc" ] ] [ "limit" INTEGER ]
    condition  := expression            (a truth value at the last bar)
    expression := or-chain of "and"-chains of ["not"] comparisons
    comparison := sum [ ("<" | "<=" | ">" | ">=" | "==" | "!=") sum ]
    sum        := product { ("+" | "-") product }
    product    := unary { ("*" | "/") unary }
    unary      := "-" unary | postfix
    postfix    := primary { "[" INTEGER "]" }          lookback: close[1] is yesterday's close
    primary    := NUMBER | STRING | "true" | "false" | NAME
                | NAME "(" [ argument { "," argument } ] ")" [ "." NAME ]
                | "(" expression ")"
    argument   := expression | NAME "=" expression     (keyword parameters)

Names: the bar fields ``open high low close volume``; ``change`` (percent change of the close
from the previous close); instrument attributes ``code name market kind kospi200 leverage``.
Calls: every :mod:`yeouido.ta` function by its name (``rsi(close, 14)``, ``macd(close).macdsignal``
selects an output by TA-Lib's output name; without a selection the first output), and the
helpers ``highest lowest sum avg abs min max crosses_above crosses_below``.

Korean names stand beside the English ones, as HTS users write conditions
(:data:`KOREAN_FIELDS`, :data:`KOREAN_FUNCTIONS`): ``종가 > 이동평균(종가, 20)`` is
``close > sma(close, 20)``. The parser stores the English name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CompareOperator = Literal["<", "<=", ">", ">=", "==", "!="]
ArithmeticOperator = Literal["+", "-", "*", "/"]
LogicalOperator = Literal["and", "or"]


@dataclass(frozen=True, slots=True)
class Node:
    """Base of every node: its span ``[start, end)`` in the source text."""

    start: int
    end: int

    def source(self, text: str) -> str:
        """The sub-expression's own text."""
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Number(Node):
    """A numeric literal."""

    value: float


@dataclass(frozen=True, slots=True)
class String(Node):
    """A string literal (``"KOSPI"``, ``'etf'``)."""

    value: str


@dataclass(frozen=True, slots=True)
class Boolean(Node):
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True, slots=True)
class Name(Node):
    """A bar field, ``change``, or an instrument attribute."""

    name: str


@dataclass(frozen=True, slots=True)
class Lookback(Node):
    """``operand[bars]``: the operand's value ``bars`` bars ago (``bars >= 0``)."""

    operand: Node
    bars: int


@dataclass(frozen=True, slots=True)
class Call(Node):
    """A function call. ``arguments`` are positional, ``keywords`` named; ``output`` selects
    one output of a multi-output function by its TA-Lib name (``None``: the first)."""

    function: str
    arguments: tuple[Node, ...]
    keywords: tuple[tuple[str, Node], ...] = ()
    output: str | None = None


@dataclass(frozen=True, slots=True)
class Negate(Node):
    """``-operand``."""

    operand: Node


@dataclass(frozen=True, slots=True)
class Not(Node):
    """``not operand``."""

    operand: Node


@dataclass(frozen=True, slots=True)
class Arithmetic(Node):
    """``left op right`` with ``op`` one of ``+ - * /`` (division by zero gives NaN)."""

    operator: ArithmeticOperator
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Compare(Node):
    """``left op right``; any comparison with NaN is false."""

    operator: CompareOperator
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Logical(Node):
    """``a and b and …`` or ``a or b or …`` (two or more operands)."""

    operator: LogicalOperator
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Query(Node):
    """A whole screen: the condition, an optional ranking, an optional limit."""

    condition: Node
    sort: Node | None = None
    descending: bool = True
    limit: int | None = None


BAR_FIELDS = ("open", "high", "low", "close", "volume")
"""Names that read one bar field."""

DERIVED_FIELDS = ("change",)
"""``change``: percent change of the close from the previous bar's close."""

INSTRUMENT_FIELDS = ("code", "name", "market", "kind", "kospi200", "leverage")
"""Names that read an attribute of the instrument (constant over time)."""

HELPERS = (
    "highest", "lowest", "sum", "avg", "abs", "min", "max", "crosses_above", "crosses_below",
)  # fmt: skip
"""Functions of the language besides the :mod:`yeouido.ta` indicators:
``highest(x, n)`` / ``lowest(x, n)`` / ``sum(x, n)`` / ``avg(x, n)`` over the last ``n`` bars
(current included), ``abs(x)``, element-wise ``min(a, b)`` / ``max(a, b)``,
``crosses_above(a, b)`` (a ≤ b on the previous bar and a > b now) and ``crosses_below``."""


KOREAN_FIELDS: dict[str, str] = {
    "시가": "open",
    "고가": "high",
    "저가": "low",
    "종가": "close",
    "현재가": "close",
    "거래량": "volume",
    "등락률": "change",
    "종목코드": "code",
    "종목명": "name",
    "시장": "market",
}
"""Korean field names and the English name each stands for. (거래대금, traded value, is not a
field: the bars hold no traded value; ``close * volume`` approximates it.)"""

KOREAN_FUNCTIONS: dict[str, str] = {
    "이동평균": "sma",
    "단순이동평균": "sma",
    "지수이동평균": "ema",
    "가중이동평균": "wma",
    "최고가": "highest",
    "최저가": "lowest",
    "평균": "avg",
    "합계": "sum",
    "골든크로스": "crosses_above",
    "상향돌파": "crosses_above",
    "데드크로스": "crosses_below",
    "하향돌파": "crosses_below",
    "볼린저밴드": "bbands",
    "이격도": "disparity",
    "심리도": "psy",
    "스토캐스틱": "stoch",
}
"""Korean function names and the English function each stands for (``rsi``, ``macd`` … are
written as they are)."""


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of ``node``, in source order."""
    if isinstance(node, Lookback | Negate | Not):
        return (node.operand,)
    if isinstance(node, Arithmetic | Compare):
        return (node.left, node.right)
    if isinstance(node, Logical):
        return node.operands
    if isinstance(node, Call):
        return (*node.arguments, *(value for _, value in node.keywords))
    if isinstance(node, Query):
        return (node.condition,) if node.sort is None else (node.condition, node.sort)
    return ()
