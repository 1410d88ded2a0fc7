"""A small ``$filter`` evaluator for metadata queries, run over the JSON of metadata items.

Metadata filters are simpler than row filters (primitive and enum properties, managed-property
paths such as ``IsOfflineInMobileClient/Value``, ``and``/``or``/``not``) and run in memory, so
they get their own recursive-descent parser instead of the SQL-backed row filter. Supported:

* comparisons ``eq ne gt ge lt le`` between property paths and literals (strings, numbers,
  ``true``/``false``/``null``, GUIDs, enum literals ``Microsoft.Dynamics.CRM.OwnershipTypes'UserOwned'``);
* ``and``, ``or``, ``not``, parentheses, a bare boolean property (``IsActivity``);
* ``contains``, ``startswith``, ``endswith`` and ``isof(Microsoft.Dynamics.CRM.<Type>)``.

String comparisons ignore case, as Dataverse's metadata lookups do. Anything else is refused
with a 400 that names the unsupported part.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mock_server.errors import QuerySyntaxError, UnknownProperty
from mock_server.odata.metadata.common import NAMESPACE, TYPES, is_a

Record = Mapping[str, Any]
Expr = Callable[[Record], Any]
Predicate = Callable[[Record], bool]

_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<enum>[A-Za-z_][\w.]*'(?:[^']|'')*')
    |(?P<string>'(?:[^']|'')*')
    |(?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)
    |(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)
    |(?P<name>[A-Za-z_$][\w.]*)
    |(?P<punct>[()/,:])""",
    re.VERBOSE,
)
_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}
_STRING_FUNCTIONS: dict[str, Callable[[str, str], bool]] = {
    "contains": lambda s, t: t in s,
    "startswith": lambda s, t: s.startswith(t),
    "endswith": lambda s, t: s.endswith(t),
}
_CONSTANTS: dict[str, Any] = {"true": True, "false": False, "null": None}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise QuerySyntaxError(f"Syntax error at position {pos} in '$filter={text}'.")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group()))
        pos = match.end()
    return tokens


def _unquote(text: str) -> str:
    return text[1:-1].replace("''", "'")


def compile_filter(text: str, type_name: str, known: frozenset[str]) -> Predicate:
    """Parse ``text`` into a predicate over the JSON of ``type_name`` items; the first step of
    every property path must be one of ``known``."""
    parser = _Parser(_tokenize(text), text, type_name, known)
    expr = parser.expression()
    if parser.peek() is not None:
        raise QuerySyntaxError(f"Syntax error at '{parser.peek_text()}' in '$filter={text}'.")
    return lambda record: _as_bool(expr(record), text)


def _as_bool(value: Any, text: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    raise QuerySyntaxError(f"The $filter expression '{text}' must evaluate to a boolean.")


class _Parser:
    """Precedence, lowest first: ``or``, ``and``, comparison, ``not``, operands."""

    def __init__(self, tokens: list[_Token], text: str, type_name: str, known: frozenset[str]) -> None:
        self.tokens, self.pos, self.text = tokens, 0, text
        self.type_name, self.known = type_name, known

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def peek_text(self) -> str:
        token = self.peek()
        return token.text if token else "end of expression"

    def next(self) -> _Token:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError(f"Unexpected end of '$filter={self.text}'.")
        self.pos += 1
        return token

    def accept(self, text: str) -> bool:
        token = self.peek()
        if token is not None and token.text == text and token.kind in ("name", "punct"):
            self.pos += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            raise QuerySyntaxError(
                f"Expected '{text}' but found '{self.peek_text()}' in '$filter={self.text}'."
            )

    def expression(self) -> Expr:
        left = self.conjunction()
        while self.accept("or"):
            left = _either(left, self.conjunction())
        return left

    def conjunction(self) -> Expr:
        left = self.comparison()
        while self.accept("and"):
            left = _both(left, self.comparison())
        return left

    def comparison(self) -> Expr:
        left = self.unary()
        token = self.peek()
        if token is None or token.kind != "name" or token.text not in _COMPARISONS:
            if (
                token is not None
                and token.kind == "name"
                and token.text in ("add", "sub", "mul", "div", "mod")
            ):
                raise QuerySyntaxError(
                    f"Arithmetic operator '{token.text}' is not supported in metadata queries."
                )
            return left
        self.pos += 1
        right = self.unary()
        op, text = token.text, self.text
        return lambda r: _compare(op, left(r), right(r), text)

    def unary(self) -> Expr:
        if self.accept("not"):
            inner = self.unary()
            text = self.text
            return lambda r: not _as_bool(inner(r), text)
        return self.operand()

    def operand(self) -> Expr:
        token = self.next()
        if token.kind == "punct":
            if token.text != "(":
                raise QuerySyntaxError(f"Unexpected '{token.text}' in '$filter={self.text}'.")
            inner = self.expression()
            self.expect(")")
            return inner
        if token.kind in ("string", "enum"):
            value = _unquote(token.text[token.text.index("'") :])
            return lambda r: value
        if token.kind == "guid":
            guid = token.text.lower()
            return lambda r: guid
        if token.kind == "number":
            number = float(token.text) if any(c in token.text for c in ".eE") else int(token.text)
            return lambda r: number
        if token.text in _CONSTANTS:
            constant = _CONSTANTS[token.text]
            return lambda r: constant
        if self.accept("("):
            return self.call(token.text)
        return self.path(token.text)

    def call(self, name: str) -> Expr:
        if name == "isof":
            type_token = self.next()
            self.expect(")")
            type_name = type_token.text.removeprefix(f"{NAMESPACE}.")
            if type_name not in TYPES:
                raise QuerySyntaxError(f"isof: unknown type '{type_token.text}'.")
            return lambda r: is_a(str(r.get("@odata.type", "")).removeprefix(f"#{NAMESPACE}."), type_name)
        function = _STRING_FUNCTIONS.get(name)
        if function is None:
            raise QuerySyntaxError(f"The function '{name}' is not supported in metadata queries.")
        subject = self.expression()
        self.expect(",")
        needle = self.expression()
        self.expect(")")
        return lambda r: _string_call(name, function, subject(r), needle(r))

    def path(self, first: str) -> Expr:
        if first not in self.known:
            raise UnknownProperty(self.type_name, first)
        steps = [first]
        while self.accept("/"):
            step = self.next()
            if step.kind != "name" or step.text in ("any", "all"):
                raise QuerySyntaxError(
                    f"'{step.text}' after '{'/'.join(steps)}' is not supported in metadata queries."
                )
            steps.append(step.text)
        return lambda r: _resolve(r, steps)


def _resolve(record: Record, steps: list[str]) -> Any:
    value: Any = record
    for i, step in enumerate(steps):
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise QuerySyntaxError(
                f"'{'/'.join(steps[:i])}' is not a complex property; cannot read '{step}'."
            )
        if step not in value:
            raise QuerySyntaxError(f"Could not find a property named '{step}' in '{'/'.join(steps)}'.")
        value = value[step]
    if isinstance(value, list):
        raise QuerySyntaxError(f"Collection-valued property '{'/'.join(steps)}' cannot be compared.")
    return value


def _either(left: Expr, right: Expr) -> Expr:
    return lambda r: left(r) is True or right(r) is True


def _both(left: Expr, right: Expr) -> Expr:
    return lambda r: left(r) is True and right(r) is True


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "complex"


def _compare(op: str, left: Any, right: Any, text: str) -> bool:
    if left is None or right is None:
        return (left is right) if op == "eq" else (left is not right) if op == "ne" else False
    kind = _kind(left)
    if kind != _kind(right) or kind == "complex":
        raise QuerySyntaxError(f"Cannot compare {left!r} with {right!r} in '$filter={text}'.")
    if kind == "string":
        left, right = left.casefold(), right.casefold()
    elif kind == "boolean" and op not in ("eq", "ne"):
        raise QuerySyntaxError(f"Operator '{op}' cannot be applied to boolean values in '$filter={text}'.")
    return bool(_COMPARISONS[op](left, right))


def _string_call(name: str, function: Callable[[str, str], bool], subject: Any, needle: Any) -> bool:
    if subject is None or needle is None:
        return False
    if not isinstance(subject, str) or not isinstance(needle, str):
        raise QuerySyntaxError(f"The function '{name}' takes two strings.")
    return function(subject.casefold(), needle.casefold())
