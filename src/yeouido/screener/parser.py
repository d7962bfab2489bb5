"""The parser of the screener's condition language: text to :mod:`yeouido.screener.syntax`.

A hand-written tokenizer and recursive-descent parser for the grammar documented in
:mod:`yeouido.screener.syntax`; nothing is ever passed to ``eval``::

    >>> query = parse("close > sma(close, 20) and rsi(close, 14) < 30 sort by volume limit 10")
    >>> query.limit
    10

Lexical rules:

- Keywords are case-insensitive: ``and or not sort by asc desc limit true false``. They are
  reserved: no field or function has these names.
- Names (fields, functions, keyword parameters, output names) are case-insensitive too and
  are stored lower-case, so a TA-Lib user may write ``RSI(Close, 14)``. A name starts with a
  letter (Hangul included) or ``_`` and continues with letters, digits or ``_``. Korean field
  and function names (``종가``, ``이동평균`` …, see :mod:`yeouido.screener.syntax`) are stored
  as the English names they stand for.
- Numbers: ``1``, ``1.5``, ``.5``, ``1e3``, ``2.5E-2``, and ``_`` between digits as a
  thousands separator (``20_000``, as in Python). Lookbacks (``close[1]``) and ``limit``
  take plain integers (digits and ``_`` only).
- Strings: single or double quotes; a backslash escapes the quote or a backslash.
- Operators: ``< <= > >= == != + - * / ( ) [ ] , . =`` (``=`` only in ``name=value``
  keyword arguments).

An extension to the informal grammar: ``not`` may repeat (``not not x``).

Errors raise :class:`~yeouido.model.errors.ScreenSyntaxError` whose ``position`` is the
0-based offset of the offending token and whose message names what was expected and what was
found, followed by the expression with a caret under the position::

    expected ')' at position 17, found 'and'
      (close > open and and volume > 0
                        ^

:func:`to_text` renders a node back to canonical text that parses to the same tree (spans
aside).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, cast

from yeouido.model.errors import ScreenSyntaxError
from yeouido.screener.syntax import (
    KOREAN_FIELDS,
    KOREAN_FUNCTIONS,
    Arithmetic,
    ArithmeticOperator,
    Boolean,
    Call,
    Compare,
    CompareOperator,
    Logical,
    Lookback,
    Name,
    Negate,
    Node,
    Not,
    Number,
    Query,
    String,
)

__all__ = [
    "KEYWORDS",
    "Token",
    "caret_line",
    "display_width",
    "parse",
    "parse_expression",
    "to_text",
    "tokenize",
    "value_label",
]

KEYWORDS = frozenset({"and", "or", "not", "sort", "by", "asc", "desc", "limit", "true", "false"})
"""Reserved words of the language (matched case-insensitively)."""

TokenKind = Literal["number", "string", "name", "keyword", "operator", "end"]

_COMPARE_OPERATORS = ("<", "<=", ">", ">=", "==", "!=")
_TWO_CHARACTER_OPERATORS = ("<=", ">=", "==", "!=")
_ONE_CHARACTER_OPERATORS = "<>+-*/()[],.="


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its normalised text (lower-case for names and keywords, the
    unescaped contents for strings) and its span ``[start, end)`` in the source."""

    kind: TokenKind
    text: str
    start: int
    end: int

    def describe(self, source: str) -> str:
        """How an error message quotes this token: ``'and'``, ``end of input``."""
        if self.kind == "end":
            return "end of input"
        return repr(source[self.start : self.end])


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: East-Asian wide and fullwidth characters (Hangul,
    Hanja, fullwidth forms) take two, combining marks none, the rest one."""
    width = 0
    for character in text:
        if unicodedata.combining(character):
            continue
        width += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
    return width


def caret_line(line: str, column: int) -> str:
    """Spaces and a ``^`` that stands under ``line[column]`` on a terminal."""
    return " " * display_width(line[:column]) + "^"


def _syntax_error(source: str, position: int, message: str) -> ScreenSyntaxError:
    """The error with the expression and a caret under ``position`` appended."""
    lines = source.split("\n")
    offset = 0
    for line in lines:
        if position <= offset + len(line):
            column = position - offset
            pointer = "  " + line + "\n  " + caret_line(line, column)
            break
        offset += len(line) + 1
    else:  # pragma: no cover - position is always inside or at the end of the text
        pointer = "  " + source
    return ScreenSyntaxError(
        f"{message}\n{pointer}", position=position, field="expression", value=source
    )


def _expected(source: str, expected: str, token: Token) -> ScreenSyntaxError:
    return _syntax_error(
        source,
        token.start,
        f"expected {expected} at position {token.start}, found {token.describe(source)}",
    )


def _is_name_start(character: str) -> bool:
    return character == "_" or character.isalpha()


def _is_name_part(character: str) -> bool:
    return character == "_" or character.isalnum()


def _scan_digits(source: str, position: int) -> int:
    """End of a run of digits with single ``_`` between digits, from ``position``."""
    length = len(source)
    while position < length:
        character = source[position]
        if (character.isdigit() and character.isascii()) or (
            character == "_"
            and position + 1 < length
            and source[position + 1].isdigit()
            and source[position - 1].isdigit()
        ):
            position += 1
        else:
            break
    return position


def _scan_number(source: str, start: int) -> int:
    """End of the number literal starting at ``start`` (a digit, or ``.`` then a digit)."""
    length = len(source)
    position = _scan_digits(source, start)
    if position < length and source[position] == ".":
        after = position + 1
        if after < length and source[after].isdigit():
            position = _scan_digits(source, after)
        elif position == start:  # pragma: no cover - the caller checks ".<digit>"
            return position
        else:
            position = after  # "1." is a number
    if position < length and source[position] in "eE":
        exponent = position + 1
        if exponent < length and source[exponent] in "+-":
            exponent += 1
        if exponent < length and source[exponent].isdigit():
            position = _scan_digits(source, exponent)
        else:
            raise _syntax_error(
                source,
                exponent,
                f"expected the digits of an exponent at position {exponent}, found "
                + (repr(source[exponent]) if exponent < length else "end of input"),
            )
    return position


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens, ending with one ``end`` token.

    Raises :class:`ScreenSyntaxError` for an unexpected character, an unterminated string or a
    malformed number."""
    tokens: list[Token] = []
    position = 0
    length = len(source)
    while position < length:
        character = source[position]
        if character.isspace():
            position += 1
            continue
        start = position
        if (character.isdigit() and character.isascii()) or (
            character == "." and position + 1 < length and source[position + 1].isdigit()
        ):
            position = _scan_number(source, start)
            if position < length and _is_name_part(source[position]):
                raise _syntax_error(
                    source,
                    position,
                    f"expected an operator after the number at position {position}, found "
                    f"{source[position]!r}",
                )
            tokens.append(Token("number", source[start:position], start, position))
        elif _is_name_start(character):
            while position < length and _is_name_part(source[position]):
                position += 1
            word = source[start:position].lower()
            kind: TokenKind = "keyword" if word in KEYWORDS else "name"
            tokens.append(Token(kind, word, start, position))
        elif character in "'\"":
            position += 1
            pieces: list[str] = []
            while True:
                if position >= length:
                    raise _syntax_error(
                        source,
                        start,
                        f"unterminated string starting at position {start}: expected the "
                        f"closing {character} before the end of input",
                    )
                current = source[position]
                if current == "\\" and position + 1 < length:
                    pieces.append(source[position + 1])
                    position += 2
                elif current == character:
                    position += 1
                    break
                else:
                    pieces.append(current)
                    position += 1
            tokens.append(Token("string", "".join(pieces), start, position))
        elif source.startswith(_TWO_CHARACTER_OPERATORS, position):
            position += 2
            tokens.append(Token("operator", source[start:position], start, position))
        elif character in _ONE_CHARACTER_OPERATORS:
            position += 1
            tokens.append(Token("operator", character, start, position))
        else:
            raise _syntax_error(
                source, start, f"unexpected character {character!r} at position {start}"
            )
    tokens.append(Token("end", "", length, length))
    return tokens


class _Parser:
    """Recursive descent over the token list; one instance per parse."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0

    # -- token helpers -------------------------------------------------------------------

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "end":
            self.index += 1
        return token

    def at_end(self) -> bool:
        return self.tokens[self.index].kind == "end"

    def at_operator(self, *operators: str) -> bool:
        token = self.current
        return token.kind == "operator" and token.text in operators

    def at_keyword(self, *keywords: str) -> bool:
        token = self.current
        return token.kind == "keyword" and token.text in keywords

    def expect_operator(self, operator: str, expected: str | None = None) -> Token:
        if not self.at_operator(operator):
            raise _expected(self.source, expected or repr(operator), self.current)
        return self.advance()

    def expect_integer(self, what: str) -> tuple[int, Token]:
        token = self.current
        if token.kind != "number" or not token.text.replace("_", "").isdigit():
            raise _expected(self.source, what, token)
        self.advance()
        return int(token.text.replace("_", "")), token

    # -- grammar -------------------------------------------------------------------------

    def query(self) -> Query:
        if self.at_end():
            raise _expected(self.source, "an expression", self.current)
        condition = self.expression()
        sort: Node | None = None
        descending = True
        limit: int | None = None
        if self.at_keyword("sort"):
            self.advance()
            if not self.at_keyword("by"):
                raise _expected(self.source, "'by' after 'sort'", self.current)
            self.advance()
            sort = self.expression()
            if self.at_keyword("asc", "desc"):
                descending = self.advance().text == "desc"
        if self.at_keyword("limit"):
            self.advance()
            limit, _ = self.expect_integer("a whole number after 'limit'")
        if not self.at_end():
            if limit is not None:
                expected = "end of input"
            elif sort is not None:
                expected = "an operator, 'asc', 'desc', 'limit' or end of input"
            else:
                expected = "an operator, 'and', 'or', 'sort', 'limit' or end of input"
            raise _expected(self.source, expected, self.current)
        return Query(0, len(self.source), condition, sort, descending, limit)

    def expression(self) -> Node:
        return self.logical("or", self.and_chain)

    def and_chain(self) -> Node:
        return self.logical("and", self.negation)

    def logical(self, operator: Literal["and", "or"], operand: Callable[[], Node]) -> Node:
        operands = [operand()]
        while self.at_keyword(operator):
            self.advance()
            operands.append(operand())
        if len(operands) == 1:
            return operands[0]
        return Logical(operands[0].start, operands[-1].end, operator, tuple(operands))

    def negation(self) -> Node:
        if self.at_keyword("not"):
            start = self.advance().start
            operand = self.negation()
            return Not(start, operand.end, operand)
        return self.comparison()

    def comparison(self) -> Node:
        left = self.sum()
        if self.at_operator(*_COMPARE_OPERATORS):
            operator = cast(CompareOperator, self.advance().text)
            right = self.sum()
            return Compare(left.start, right.end, operator, left, right)
        return left

    def sum(self) -> Node:
        left = self.product()
        while self.at_operator("+", "-"):
            operator = cast(ArithmeticOperator, self.advance().text)
            right = self.product()
            left = Arithmetic(left.start, right.end, operator, left, right)
        return left

    def product(self) -> Node:
        left = self.unary()
        while self.at_operator("*", "/"):
            operator = cast(ArithmeticOperator, self.advance().text)
            right = self.unary()
            left = Arithmetic(left.start, right.end, operator, left, right)
        return left

    def unary(self) -> Node:
        if self.at_operator("-"):
            start = self.advance().start
            operand = self.unary()
            return Negate(start, operand.end, operand)
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while self.at_operator("["):
            self.advance()
            token = self.current
            if token.kind == "operator" and token.text == "-":
                raise _syntax_error(
                    self.source,
                    token.start,
                    f"expected a lookback of 0 or more bars at position {token.start}, "
                    f"found {token.describe(self.source)} (a lookback cannot be negative)",
                )
            bars, _ = self.expect_integer("a whole number of bars")
            end = self.expect_operator("]").end
            node = Lookback(node.start, end, node, bars)
        return node

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            return Number(token.start, token.end, float(token.text.replace("_", "")))
        if token.kind == "string":
            self.advance()
            return String(token.start, token.end, token.text)
        if token.kind == "keyword" and token.text in ("true", "false"):
            self.advance()
            return Boolean(token.start, token.end, token.text == "true")
        if token.kind == "name":
            self.advance()
            if self.at_operator("("):
                return self.call(token)
            return Name(token.start, token.end, KOREAN_FIELDS.get(token.text, token.text))
        if self.at_operator("("):
            self.advance()
            inner = self.expression()
            self.expect_operator(")")
            return inner
        raise _expected(self.source, "an expression", token)

    def call(self, name: Token) -> Call:
        self.expect_operator("(")
        arguments: list[Node] = []
        keywords: list[tuple[str, Node]] = []
        if not self.at_operator(")"):
            while True:
                token = self.current
                following = self.tokens[min(self.index + 1, len(self.tokens) - 1)]
                if token.kind == "name" and following.kind == "operator" and following.text == "=":
                    self.advance()
                    self.advance()
                    keywords.append((token.text, self.expression()))
                elif keywords:
                    raise _expected(self.source, "a keyword argument (name=value)", token)
                else:
                    arguments.append(self.expression())
                if self.at_operator(","):
                    self.advance()
                    continue
                break
        end = self.expect_operator(")", "',' or ')'").end
        output: str | None = None
        if self.at_operator("."):
            self.advance()
            selected = self.current
            if selected.kind != "name":
                raise _expected(self.source, "an output name after '.'", selected)
            self.advance()
            output = selected.text
            end = selected.end
        function = KOREAN_FUNCTIONS.get(name.text, name.text)
        return Call(name.start, end, function, tuple(arguments), tuple(keywords), output)


def parse(text: str) -> Query:
    """Parse a whole screen (condition, optional ``sort by``, optional ``limit``).

    Raises :class:`~yeouido.model.errors.ScreenSyntaxError` (with ``position``) when the text
    does not parse. Names are not checked here: see :func:`yeouido.screener.functions.check`.
    """
    if not isinstance(text, str):
        raise ScreenSyntaxError(
            f"expected the expression as text, found {type(text).__name__}",
            position=0,
            field="expression",
            value=text,
        )
    return _Parser(text).query()


def parse_expression(text: str) -> Node:
    """Parse one expression (no ``sort by`` / ``limit``), e.g. a sort key on its own."""
    query = parse(text)
    if query.sort is not None or query.limit is not None:
        raise _syntax_error(
            text,
            query.condition.end,
            f"expected end of input at position {query.condition.end}: "
            "'sort by' and 'limit' belong to a whole query",
        )
    return query.condition


_PRECEDENCE = {"or": 1, "and": 2, "not": 3, "compare": 4, "+": 5, "-": 5, "*": 6, "/": 6}
_ATOM = 8


def _precedence(node: Node) -> int:
    if isinstance(node, Logical):
        return _PRECEDENCE[node.operator]
    if isinstance(node, Not):
        return _PRECEDENCE["not"]
    if isinstance(node, Compare):
        return _PRECEDENCE["compare"]
    if isinstance(node, Arithmetic):
        return _PRECEDENCE[node.operator]
    if isinstance(node, Negate):
        return 7
    return _ATOM


def _format_number(value: float) -> str:
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _wrapped(node: Node, minimum: int, compact: bool = False) -> str:
    text = to_text(node, compact)
    return f"({text})" if _precedence(node) < minimum else text


def to_text(node: Node, compact: bool = False) -> str:
    """Canonical text of ``node``: parsing it gives the same tree (spans aside).

    Used where no source text is at hand (a :class:`Query` built in code) and as the cache key
    of identical sub-expressions. ``compact`` leaves out the space after a call's commas
    (``sma(close,20)``), as value labels do."""
    if isinstance(node, Number):
        return _format_number(node.value)
    if isinstance(node, String):
        escaped = node.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(node, Boolean):
        return "true" if node.value else "false"
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Lookback):
        return f"{_wrapped(node.operand, _ATOM, compact)}[{node.bars}]"
    if isinstance(node, Call):
        parts = [to_text(argument, compact) for argument in node.arguments]
        parts.extend(f"{key}={to_text(value, compact)}" for key, value in node.keywords)
        output = f".{node.output}" if node.output is not None else ""
        separator = "," if compact else ", "
        return f"{node.function}({separator.join(parts)}){output}"
    if isinstance(node, Negate):
        return f"-{_wrapped(node.operand, 7, compact)}"
    if isinstance(node, Not):
        return f"not {_wrapped(node.operand, _PRECEDENCE['not'], compact)}"
    if isinstance(node, Arithmetic):
        level = _PRECEDENCE[node.operator]
        # Left-associative: the right operand needs parentheses at the same level.
        left = _wrapped(node.left, level, compact)
        return f"{left} {node.operator} {_wrapped(node.right, level + 1, compact)}"
    if isinstance(node, Compare):
        level = _PRECEDENCE["compare"] + 1
        left = _wrapped(node.left, level, compact)
        return f"{left} {node.operator} {_wrapped(node.right, level, compact)}"
    if isinstance(node, Logical):
        level = _PRECEDENCE[node.operator] + 1
        return f" {node.operator} ".join(
            _wrapped(operand, level, compact) for operand in node.operands
        )
    if isinstance(node, Query):
        text = to_text(node.condition, compact)
        if node.sort is not None:
            text += f" sort by {to_text(node.sort, compact)} {'desc' if node.descending else 'asc'}"
        if node.limit is not None:
            text += f" limit {node.limit}"
        return text
    raise TypeError(f"not a syntax node: {node!r}")


def value_label(node: Node) -> str:
    """How results name a value: its canonical text, compact (``sma(close,20)``,
    ``rsi(close,14)``, ``avg(volume,20) * 2``), whatever language the condition was written in."""
    return to_text(node, compact=True)
