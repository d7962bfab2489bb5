"""The condition language's parser: trees, round trips, and precise syntax errors."""

from __future__ import annotations

import pytest

from yeouido.model.errors import ScreenSyntaxError
from yeouido.screener.parser import parse, parse_expression, to_text, tokenize
from yeouido.screener.syntax import (
    Arithmetic,
    Boolean,
    Call,
    Compare,
    Logical,
    Lookback,
    Name,
    Negate,
    Node,
    Not,
    Number,
    Query,
    String,
    children,
)


def without_spans(node: Node) -> object:
    """A span-free description of a tree, to compare trees parsed from different texts."""
    fields = {
        name: getattr(node, name)
        for name in node.__slots__  # type: ignore[attr-defined]
        if name not in ("start", "end")
    }
    described: dict[str, object] = {"type": type(node).__name__}
    for name, value in fields.items():
        if isinstance(value, Node):
            described[name] = without_spans(value)
        elif isinstance(value, tuple):
            described[name] = tuple(
                without_spans(item)
                if isinstance(item, Node)
                else (item[0], without_spans(item[1]))
                if isinstance(item, tuple)
                else item
                for item in value
            )
        else:
            described[name] = value
    return described


def test_parses_a_full_query() -> None:
    text = "close > sma(close, 20) and rsi(close, 14) < 30 sort by volume asc limit 10"
    query = parse(text)
    assert isinstance(query, Query)
    assert (query.start, query.end) == (0, len(text))
    assert query.limit == 10
    assert query.descending is False
    assert isinstance(query.sort, Name) and query.sort.name == "volume"
    condition = query.condition
    assert isinstance(condition, Logical) and condition.operator == "and"
    first, second = condition.operands
    assert isinstance(first, Compare) and first.operator == ">"
    assert first.source(text) == "close > sma(close, 20)"
    assert isinstance(first.right, Call) and first.right.function == "sma"
    assert first.right.source(text) == "sma(close, 20)"
    assert second.source(text) == "rsi(close, 14) < 30"


def test_precedence_and_associativity() -> None:
    query = parse("a or b and not c")
    assert isinstance(query.condition, Logical) and query.condition.operator == "or"
    right = query.condition.operands[1]
    assert isinstance(right, Logical) and right.operator == "and"
    assert isinstance(right.operands[1], Not)
    arithmetic = parse("1 - 2 - 3 * 4").condition
    assert isinstance(arithmetic, Arithmetic) and arithmetic.operator == "-"
    assert isinstance(arithmetic.left, Arithmetic) and arithmetic.left.operator == "-"
    assert isinstance(arithmetic.right, Arithmetic) and arithmetic.right.operator == "*"


def test_three_operands_make_one_logical_node() -> None:
    condition = parse("a and b and c").condition
    assert isinstance(condition, Logical) and len(condition.operands) == 3


def test_lookbacks_calls_outputs_and_keywords() -> None:
    text = "MACD(Close, fastperiod=10).MacdSignal[2] > -1.5"
    condition = parse(text).condition
    assert isinstance(condition, Compare)
    lookback = condition.left
    assert isinstance(lookback, Lookback) and lookback.bars == 2
    call = lookback.operand
    assert isinstance(call, Call)
    assert call.function == "macd" and call.output == "macdsignal"
    assert call.keywords[0][0] == "fastperiod"
    assert call.source(text) == "MACD(Close, fastperiod=10).MacdSignal"
    assert isinstance(condition.right, Negate)
    assert isinstance(condition.right.operand, Number) and condition.right.operand.value == 1.5


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1", 1.0),
        ("1.5", 1.5),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("2.5E-2", 0.025),
        ("20_000", 20000.0),
    ],
)
def test_numbers(text: str, value: float) -> None:
    node = parse(text).condition
    assert isinstance(node, Number) and node.value == value


def test_strings_and_booleans() -> None:
    condition = parse('kind == \'etf\' and market != "KO\\"SPI" or TRUE or false').condition
    strings = [node for node in _walk(condition) if isinstance(node, String)]
    assert [node.value for node in strings] == ["etf", 'KO"SPI']
    booleans = [node for node in _walk(condition) if isinstance(node, Boolean)]
    assert [node.value for node in booleans] == [True, False]


def test_keywords_are_case_insensitive() -> None:
    query = parse("close > 1 AND Not open > 2 SORT BY volume DESC LIMIT 3")
    assert isinstance(query.condition, Logical)
    assert query.limit == 3 and query.descending


def _walk(node: Node) -> list[Node]:
    found = [node]
    for child in children(node):
        found.extend(_walk(child))
    return found


@pytest.mark.parametrize(
    "text",
    [
        "close > sma(close, 20) and rsi(close, 14) < 30 sort by volume asc limit 10",
        "not (a or b) and c",
        "(close + open)[2] / 20000 >= -(high - low) * 2",
        'kind == "etf" or market == "KOSPI"',
        "macd(close).macdsignal[1] > macd(close, fastperiod=5)",
        "a - (b - c) - d / (e * f)",
        "((a > b) > c) == (d < e)",
        "not not kospi200",
        "crosses_above(sma(close, 5), sma(close, 20)) sort by change desc",
        "close > 1.25 limit 0",
    ],
)
def test_round_trip(text: str) -> None:
    query = parse(text)
    rendered = to_text(query)
    assert without_spans(parse(rendered)) == without_spans(query)
    assert to_text(parse(rendered)) == rendered


@pytest.mark.parametrize(
    ("text", "position", "expected", "found"),
    [
        ("(close > sma(close, 20) and volume > 0", 38, "')'", "end of input"),
        ("(close > open and and volume > 0", 18, "an expression", "'and'"),
        ("sma(close, 20)) > close", 14, "an operator, 'and', 'or', 'sort', 'limit'", "')'"),
        ("close >", 7, "an expression", "end of input"),
        ("close > open +", 14, "an expression", "end of input"),
        ("close > 1 limt 5", 10, "an operator, 'and', 'or', 'sort', 'limit'", "'limt'"),
        ("close > 1 sort close", 15, "'by' after 'sort'", "'close'"),
        ("close > 1 sort by close up", 24, "an operator, 'asc', 'desc', 'limit'", "'up'"),
        ("close > 1 limit 2.5", 16, "a whole number after 'limit'", "'2.5'"),
        ("close > 1 limit 5 and", 18, "end of input", "'and'"),
        ("close[1.5] > 1", 6, "a whole number of bars", "'1.5'"),
        ("close[-1] > 1", 6, "a lookback of 0 or more bars", "'-'"),
        ("close[x] > 1", 6, "a whole number of bars", "'x'"),
        ("close[1 > 1", 8, "']'", "'>'"),
        ("", 0, "an expression", "end of input"),
        ("   ", 3, "an expression", "end of input"),
        ("sma(close 20)", 10, "',' or ')'", "'20'"),
        ("sma(period=3, close)", 14, "a keyword argument (name=value)", "'close'"),
        ("macd(close).", 12, "an output name after '.'", "end of input"),
        ("close < < 1", 8, "an expression", "'<'"),
        ("a < b < c", 6, "an operator, 'and', 'or', 'sort', 'limit'", "'<'"),
    ],
)
def test_syntax_errors_name_what_was_expected_where(
    text: str, position: int, expected: str, found: str
) -> None:
    with pytest.raises(ScreenSyntaxError) as caught:
        parse(text)
    error = caught.value
    assert error.position == position
    first_line = error.message.splitlines()[0]
    assert first_line.startswith(f"expected {expected}")
    assert f"at position {position}, found {found}" in first_line
    lines = error.message.splitlines()
    assert lines[1] == "  " + text
    assert lines[2] == "  " + " " * position + "^"


def test_error_message_shows_the_expression_with_a_caret() -> None:
    with pytest.raises(ScreenSyntaxError) as caught:
        parse("close[1 and open > 2")
    assert caught.value.message == (
        "expected ']' at position 8, found 'and'\n  close[1 and open > 2\n          ^"
    )
    assert str(caught.value).startswith("[SCREEN_SYNTAX] expected ']' at position 8")


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("close @ 1", 6, "unexpected character '@' at position 6"),
        ("kind == 'etf", 8, "unterminated string starting at position 8"),
        ("close > 1e", 10, "expected the digits of an exponent at position 10"),
        ("close > 12abc", 10, "expected an operator after the number at position 10"),
        ("close > 1__000", 9, "expected an operator after the number at position 9"),
    ],
)
def test_lexical_errors(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ScreenSyntaxError) as caught:
        parse(text)
    assert caught.value.position == position
    assert fragment in caught.value.message
    assert caught.value.code == "SCREEN_SYNTAX"


def test_tokens_carry_spans() -> None:
    tokens = tokenize("rsi(close,14)<=30")
    assert [(token.kind, token.text) for token in tokens] == [
        ("name", "rsi"),
        ("operator", "("),
        ("name", "close"),
        ("operator", ","),
        ("number", "14"),
        ("operator", ")"),
        ("operator", "<="),
        ("number", "30"),
        ("end", ""),
    ]
    assert (tokens[6].start, tokens[6].end) == (13, 15)


def test_parse_expression_refuses_query_clauses() -> None:
    assert isinstance(parse_expression("close * 2"), Arithmetic)
    with pytest.raises(ScreenSyntaxError):
        parse_expression("close sort by close")


def test_multiline_expression_caret_points_into_its_line() -> None:
    with pytest.raises(ScreenSyntaxError) as caught:
        parse("close > 1 and\nopen >")
    assert caught.value.position == 20
    assert caught.value.message.splitlines()[1:] == ["  open >", "        ^"]


def test_korean_names_parse_to_the_english_ones() -> None:
    korean = parse(
        "종가 > 이동평균(종가, 20) and 골든크로스(지수이동평균(종가, 5), 이동평균(종가, 20))"
        " and 거래량 > 평균(거래량, 20) and 등락률 > 0 and 최고가(고가, 5) > 최저가(저가, 5)"
    )
    english = parse(
        "close > sma(close, 20) and crosses_above(ema(close, 5), sma(close, 20))"
        " and volume > avg(volume, 20) and change > 0 and highest(high, 5) > lowest(low, 5)"
    )
    assert to_text(korean) == to_text(english)


def test_the_caret_counts_wide_characters_twice() -> None:
    from yeouido.screener.parser import caret_line, display_width

    assert display_width("종가 > 1") == 8
    assert caret_line("종가 >", 3) == "     ^"
    with pytest.raises(ScreenSyntaxError) as raised:
        parse("종가 > > 1")
    quoted, pointer = str(raised.value).splitlines()[-2:]
    assert pointer.index("^") == 2 + display_width("종가 > ")
    assert quoted == "  종가 > > 1"
