"""Splits a ``$filter`` text into tokens that remember where they start.

The parser reports every error against these offsets, so a client sees the position and the
text that broke its query. Literals keep their raw spelling here; turning ``'O''Bryan'`` or
``2024-01-31T10:00:00Z`` into Python values is the parser's job. The input arrives already
URL-decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from mock_server.errors import QuerySyntaxError


class TokenKind(Enum):
    IDENTIFIER = "identifier"  # name, _x_value, eq, true, Microsoft.Dynamics.CRM.Today
    STRING = "string"  # 'single quoted', '' escapes a quote
    QUOTED = "quoted"  # "double quoted", only inside PropertyValues lists
    INTEGER = "integer"
    DECIMAL = "decimal"
    GUID = "guid"
    DATETIME = "datetime"
    DATE = "date"
    ALIAS = "alias"  # @p1
    SLASH = "/"
    OPEN = "("
    CLOSE = ")"
    COMMA = ","
    COLON = ":"
    EQUALS = "="
    OPEN_BRACKET = "["
    CLOSE_BRACKET = "]"
    MINUS = "-"
    END = "end"


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str
    offset: int

    def describe(self) -> str:
        """How an error message names this token."""
        return "the end of the input" if self.kind is TokenKind.END else f"'{self.text}'"


_HEX = "[0-9A-Fa-f]"
# Order matters: a datetime starts like a date, a GUID like a number or a name.
_PATTERNS: tuple[tuple[TokenKind | None, str], ...] = (
    (None, r"\s+"),
    (TokenKind.STRING, r"'(?:[^']|'')*'"),
    (TokenKind.QUOTED, r'"(?:[^"\\]|\\.)*"'),
    (
        TokenKind.DATETIME,
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
        r"(?![\w.:])",
    ),
    (TokenKind.GUID, rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}(?![\w-])"),
    (TokenKind.DATE, r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?![\w-])"),
    (TokenKind.DECIMAL, r"-?[0-9]+(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)(?![\w.-])"),
    (TokenKind.INTEGER, r"-?[0-9]+(?![\w.-])"),
    (TokenKind.ALIAS, r"@[A-Za-z_]\w*"),
    (TokenKind.IDENTIFIER, r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*"),
    *((kind, re.escape(kind.value)) for kind in TokenKind if len(kind.value) == 1),
)
_SCANNER = re.compile("|".join(f"(?P<t{i}>{pattern})" for i, (_, pattern) in enumerate(_PATTERNS)), re.ASCII)
_KINDS = {f"t{i}": kind for i, (kind, _) in enumerate(_PATTERNS)}
# What to quote when nothing matches: the run of characters up to the next separator.
_BAD_RUN = re.compile(r"[^\s()/,:=\[\]]+|.", re.DOTALL)


def syntax_error(text: str, offset: int, expected: str, found: str) -> QuerySyntaxError:
    """The one shape of a ``$filter`` syntax error: where, in what, what was wanted and found."""
    return QuerySyntaxError(
        f"Syntax error at position {offset} in '{text}': expected {expected}, found {found}."
    )


def tokenize(text: str) -> list[Token]:
    """All tokens of ``text``, ending with an END token at ``len(text)``."""
    tokens: list[Token] = []
    offset = 0
    while offset < len(text):
        match = _SCANNER.match(text, offset)
        if match is None:
            raise _unrecognized(text, offset)
        assert match.lastgroup is not None  # every alternative is a named group
        kind = _KINDS[match.lastgroup]
        if kind is not None:
            tokens.append(Token(kind, match.group(), offset))
        offset = match.end()
    tokens.append(Token(TokenKind.END, "", len(text)))
    return tokens


def _unrecognized(text: str, offset: int) -> QuerySyntaxError:
    if text[offset] in "'\"":
        return syntax_error(text, offset, f"a closing {text[offset]} for the string", "the end of the input")
    bad = _BAD_RUN.match(text, offset)
    assert bad is not None  # '.' with DOTALL matches any character
    return syntax_error(text, offset, "a literal, a property name or an operator", f"'{bad.group()}'")
