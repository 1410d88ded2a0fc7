"""The lexer: one token per literal, name and symbol, each with its offset; unknown text is a 400."""

from __future__ import annotations

import pytest

from mock_server.errors import QuerySyntaxError
from mock_server.odata.filter.lexer import Token, TokenKind, tokenize

K = TokenKind


def kinds(text: str) -> list[tuple[TokenKind, str]]:
    return [(t.kind, t.text) for t in tokenize(text)[:-1]]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("'abc'", K.STRING),
        ("'O''Bryan'", K.STRING),
        ("''", K.STRING),
        ('"a \\" b"', K.QUOTED),
        ("42", K.INTEGER),
        ("-3", K.INTEGER),
        ("1.5", K.DECIMAL),
        ("1e3", K.DECIMAL),
        ("-2.5E-2", K.DECIMAL),
        ("6F9619FF-8B86-D011-B42D-00C04FC964FF", K.GUID),
        ("deadbeef-0000-0000-0000-000000000000", K.GUID),
        ("12345678-1234-1234-1234-123456789012", K.GUID),
        ("2024-01-31T10:00:00Z", K.DATETIME),
        ("2024-01-31T10:00Z", K.DATETIME),
        ("2024-01-31T10:00:00.1234567+05:30", K.DATETIME),
        ("2024-01-31T10:00:00-08:00", K.DATETIME),
        ("2024-01-31", K.DATE),
        ("@p1", K.ALIAS),
        ("name", K.IDENTIFIER),
        ("_parentcustomerid_value", K.IDENTIFIER),
        ("Microsoft.Dynamics.CRM.LastXDays", K.IDENTIFIER),
    ],
)
def test_each_literal_is_one_token(text: str, kind: TokenKind) -> None:
    assert kinds(text) == [(kind, text)]


def test_punctuation() -> None:
    assert [k for k, _ in kinds("a/b(c,d:e=[f])-g")] == [
        K.IDENTIFIER,
        K.SLASH,
        K.IDENTIFIER,
        K.OPEN,
        K.IDENTIFIER,
        K.COMMA,
        K.IDENTIFIER,
        K.COLON,
        K.IDENTIFIER,
        K.EQUALS,
        K.OPEN_BRACKET,
        K.IDENTIFIER,
        K.CLOSE_BRACKET,
        K.CLOSE,
        K.MINUS,
        K.IDENTIFIER,
    ]


def test_tokens_know_their_offsets_and_end_with_end() -> None:
    tokens = tokenize("name  eq 'x'")
    assert tokens == [
        Token(K.IDENTIFIER, "name", 0),
        Token(K.IDENTIFIER, "eq", 6),
        Token(K.STRING, "'x'", 9),
        Token(K.END, "", 12),
    ]


def test_minus_before_a_name_is_an_operator_and_before_a_digit_a_sign() -> None:
    assert kinds("- x sub -1") == [
        (K.MINUS, "-"),
        (K.IDENTIFIER, "x"),
        (K.IDENTIFIER, "sub"),
        (K.INTEGER, "-1"),
    ]


def test_a_date_inside_a_comparison() -> None:
    assert kinds("createdon ge 2024-01-31") == [
        (K.IDENTIFIER, "createdon"),
        (K.IDENTIFIER, "ge"),
        (K.DATE, "2024-01-31"),
    ]


def test_double_quoted_strings_in_a_list() -> None:
    assert kinds('["a","b"]') == [
        (K.OPEN_BRACKET, "["),
        (K.QUOTED, '"a"'),
        (K.COMMA, ","),
        (K.QUOTED, '"b"'),
        (K.CLOSE_BRACKET, "]"),
    ]


def test_empty_and_blank_input_are_just_the_end() -> None:
    assert tokenize("") == [Token(K.END, "", 0)]
    assert tokenize("   ") == [Token(K.END, "", 3)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name eq 'abc", "Syntax error at position 8 in 'name eq 'abc': expected a closing ' for the string"),
        ('x eq "abc', "position 5"),
        ("x eq 12abc", "found '12abc'"),
        ("x eq #", "found '#'"),
        ("x eq 1.", "found '1.'"),
        ("naïve eq 1", "position 2"),
        ("x eq 2024-01-31T10", "position 5"),
    ],
)
def test_unrecognised_text_is_a_syntax_error_with_its_position(text: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        tokenize(text)
    assert message in raised.value.message
