"""Parses a ``$filter`` text into the predicate tree of ``ast.py``.

A recursive-descent parser with one small method per precedence level, loosest first::

    or  ->  and  ->  not  ->  comparison (eq ne gt ge lt le)  ->  additive (add sub)
        ->  multiplicative (mul div mod)  ->  unary (-)  ->  primary

Keywords are lowercase and case-sensitive, as in OData. Only names are checked here; whether a
property, function or type fits is decided when the tree is compiled against an entity.

Guards, so hostile input yields a 400 rather than a Python error:

* more than ``MAX_CONDITIONS`` conditions (each comparison, function call, query function and
  lambda counts one) raise ``TooManyConditionsInQuery``, Dataverse's ``0x8004430C``;
* nesting (parentheses, ``not``, unary minus, arguments, lambdas and arithmetic chains) deeper
  than ``MAX_DEPTH`` is a syntax error, so neither this parser nor the compiler can exhaust the
  Python stack;
* ``and``/``or`` chains become balanced trees, so 500 conditions nest only ~9 deep.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

from mock_server.clock import parse_instant
from mock_server.errors import BadRequest, QuerySyntaxError
from mock_server.odata.filter.ast import (
    And,
    Arith,
    Arithmetic,
    Call,
    Compare,
    Lambda,
    Literal,
    Node,
    Not,
    Op,
    Or,
    PropertyPath,
    QueryFunction,
)
from mock_server.odata.filter.lexer import Token, TokenKind, syntax_error, tokenize

MAX_CONDITIONS = 500
MAX_DEPTH = 32
QUERY_FUNCTION_NAMESPACE = "Microsoft.Dynamics.CRM."

_COMPARISONS = {op.value: op for op in Op}
_ADDITIVE = {Arith.ADD.value: Arith.ADD, Arith.SUB.value: Arith.SUB}
_MULTIPLICATIVE = {Arith.MUL.value: Arith.MUL, Arith.DIV.value: Arith.DIV, Arith.MOD.value: Arith.MOD}
_KEYWORD_LITERALS = {"true": Literal(True), "false": Literal(False), "null": Literal(None)}
_LITERAL_KINDS = frozenset(
    {
        TokenKind.STRING,
        TokenKind.INTEGER,
        TokenKind.DECIMAL,
        TokenKind.GUID,
        TokenKind.DATETIME,
        TokenKind.DATE,
    }
)
# Double-quoted strings are JSON-style list items, as in PropertyValues=["a","b"].
_VALUE_KINDS = _LITERAL_KINDS | {TokenKind.QUOTED}
_PARAMETER_NAMES = ("PropertyName", "PropertyValue", "PropertyValues")
_PARAMETERS = "PropertyName, PropertyValue or PropertyValues"
_T = TypeVar("_T")


class TooManyConditionsInQuery(BadRequest):
    code = "0x8004430C"

    def __init__(self) -> None:
        super().__init__(f"Number of conditions in query exceeded maximum limit of {MAX_CONDITIONS}.")


def parse_filter(text: str, aliases: Mapping[str, str] | None = None) -> Node:
    """The tree of a ``$filter`` value. ``aliases`` maps parameter aliases as they appear in the
    query string (``"@p1"``) to their unparsed values; an alias without a value is null."""
    parser = _Parser(text, aliases or {})
    node = parser.expression()
    parser.expect(TokenKind.END, "'and', 'or', an operator or the end of the input")
    return node


class _Parser:
    def __init__(self, text: str, aliases: Mapping[str, str]) -> None:
        self._text = text
        self._aliases = aliases
        self._tokens = tokenize(text)
        self._index = 0
        self._depth = 0
        self._conditions = 0
        self._variables: list[str] = []

    # Precedence levels, loosest first.

    def expression(self) -> Node:
        operands = [self._and()]
        while self._accept_keyword("or"):
            operands.append(self._and())
        return _balanced(operands, Or)

    def _and(self) -> Node:
        operands = [self._not()]
        while self._accept_keyword("and"):
            operands.append(self._not())
        return _balanced(operands, And)

    def _not(self) -> Node:
        if self._accept_keyword("not"):
            with self._nested():
                return Not(self._not())
        return self._comparison()

    def _comparison(self) -> Node:
        left = self._additive()
        op = _COMPARISONS.get(self._keyword())
        if op is None:
            return left
        self._advance()
        return self._condition(Compare(op, left, self._additive()))

    def _additive(self) -> Node:
        return self._arithmetic(self._multiplicative, _ADDITIVE)

    def _multiplicative(self) -> Node:
        return self._arithmetic(self._unary, _MULTIPLICATIVE)

    def _unary(self) -> Node:
        if self._peek().kind is not TokenKind.MINUS:
            return self._primary()
        self._advance()
        with self._nested():
            operand = self._unary()
        value = operand.value if isinstance(operand, Literal) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Literal(-value)
        return Arithmetic(Arith.SUB, Literal(0), operand)  # the AST has no negation; 0 - x is the same

    def _primary(self) -> Node:
        token = self._peek()
        if token.kind in _LITERAL_KINDS:
            return self._literal(self._advance())
        if token.kind is TokenKind.ALIAS:
            return self._scalar()
        if token.kind is TokenKind.OPEN:
            self._advance()
            with self._nested():
                node = self.expression()
            self.expect(TokenKind.CLOSE, "')'")
            return node
        if token.kind is TokenKind.IDENTIFIER:
            self._advance()
            if token.text in _KEYWORD_LITERALS:
                return _KEYWORD_LITERALS[token.text]
            if "." in token.text:
                return self._query_function(token)
            if self._peek().kind is TokenKind.OPEN:
                return self._call(token)
            return self._path(token)
        raise self._error("an expression", token)

    # Constructs inside a primary.

    def _arithmetic(self, operand: Callable[[], Node], operators: Mapping[str, Arith]) -> Node:
        node = operand()
        chain = 0
        while (op := operators.get(self._keyword())) is not None:
            token = self._advance()
            chain += 1  # a chain of n operators is a tree n levels deep
            if self._depth + chain > MAX_DEPTH:
                raise self._too_deep(token)
            node = Arithmetic(op, node, operand())
        return node

    def _path(self, first: Token) -> Node:
        variable = first.text if first.text in self._variables else None
        segments = [] if variable else [first.text]
        while self._accept(TokenKind.SLASH):
            name = self.expect(TokenKind.IDENTIFIER, "a property name after '/'")
            if name.text in ("any", "all") and self._peek().kind is TokenKind.OPEN:
                if not segments:
                    raise self._error("a collection-valued navigation property", name)
                return self._lambda(name.text, PropertyPath(tuple(segments), variable))
            segments.append(name.text)
        return PropertyPath(tuple(segments), variable)

    def _lambda(self, quantifier: str, navigation: PropertyPath) -> Node:
        self.expect(TokenKind.OPEN, "'('")
        if quantifier == "any" and self._accept(TokenKind.CLOSE):
            return self._condition(Lambda("any", navigation, None, None))
        variable = self.expect(TokenKind.IDENTIFIER, f"a range variable as in {quantifier}(x: x/name eq 'a')")
        self.expect(TokenKind.COLON, "':' after the range variable")
        self._variables.append(variable.text)
        try:
            with self._nested():
                predicate = self.expression()
        finally:
            self._variables.pop()
        self.expect(TokenKind.CLOSE, "')'")
        return self._condition(Lambda(quantifier, navigation, variable.text, predicate))

    def _call(self, name: Token) -> Node:
        self._advance()  # '('
        args: list[Node] = []
        if not self._accept(TokenKind.CLOSE):
            with self._nested():
                args.append(self.expression())
                while self._accept(TokenKind.COMMA):
                    args.append(self.expression())
            self.expect(TokenKind.CLOSE, "',' or ')'")
        return self._condition(Call(name.text, tuple(args)))

    def _query_function(self, name: Token) -> Node:
        short = name.text.removeprefix(QUERY_FUNCTION_NAMESPACE)
        if short == name.text or "." in short:
            raise self._error(f"a function named {QUERY_FUNCTION_NAMESPACE}<Name>", name)
        self.expect(TokenKind.OPEN, "'('")
        arguments: dict[str, tuple[Literal, ...]] = {}
        while self._peek().kind is not TokenKind.CLOSE:
            if arguments:
                self.expect(TokenKind.COMMA, "',' or ')'")
            parameter = self.expect(TokenKind.IDENTIFIER, _PARAMETERS)
            if parameter.text in arguments or parameter.text not in _PARAMETER_NAMES:
                raise self._error(f"one of {_PARAMETERS}, each at most once", parameter)
            self.expect(TokenKind.EQUALS, "'='")
            many = parameter.text == "PropertyValues"
            arguments[parameter.text] = self._values() if many else (self._scalar(),)
        close = self._advance()
        if "PropertyValue" in arguments and "PropertyValues" in arguments:
            raise self._error("either PropertyValue or PropertyValues, not both", close)
        (prop,) = arguments.get("PropertyName", (Literal(None),))
        if not isinstance(prop.value, str) or prop.is_guid:
            raise self._error("PropertyName='<property name>'", close)
        values = arguments.get("PropertyValue", ()) + arguments.get("PropertyValues", ())
        return self._condition(QueryFunction(short, prop.value, values))

    # Literals and parameter aliases.

    def literal(self) -> Literal:
        token = self._advance()
        if token.kind in _VALUE_KINDS:
            return self._literal(token)
        if token.kind is TokenKind.IDENTIFIER and token.text in _KEYWORD_LITERALS:
            return _KEYWORD_LITERALS[token.text]
        raise self._error("a literal value", token)

    def literal_list(self) -> tuple[Literal, ...]:
        self.expect(TokenKind.OPEN_BRACKET, "'[' starting a list of values")
        values: list[Literal] = []
        while not self._accept(TokenKind.CLOSE_BRACKET):
            if values:
                self.expect(TokenKind.COMMA, "',' or ']'")
            values.append(self.literal())
        return tuple(values)

    def _scalar(self) -> Literal:
        token = self._peek()
        if token.kind is not TokenKind.ALIAS:
            return self.literal()
        value = self._alias(self._advance(), _Parser.literal)
        return Literal(None) if value is None else value

    def _values(self) -> tuple[Literal, ...]:
        token = self._peek()
        if token.kind is not TokenKind.ALIAS:
            return self.literal_list()
        values = self._alias(self._advance(), _Parser.literal_list)
        if values is None:
            raise self._error(f'a value for {token.text}, a list such as ["a","b"]', token)
        return values

    def _alias(self, token: Token, read: Callable[[_Parser], _T]) -> _T | None:
        """The value of a parameter alias, read from its own text; None when it has none."""
        text = self._aliases.get(token.text)
        if text is None:
            return None
        try:
            reader = _Parser(text, {})
            value = read(reader)
            reader.expect(TokenKind.END, "the end of the value")
        except QuerySyntaxError as error:
            raise QuerySyntaxError(f"Parameter alias {token.text}: {error.message}") from None
        return value

    def _literal(self, token: Token) -> Literal:
        text = token.text
        try:
            match token.kind:
                case TokenKind.STRING:
                    return Literal(text[1:-1].replace("''", "'"))
                case TokenKind.QUOTED:
                    return Literal(str(json.loads(text, strict=False)))
                case TokenKind.INTEGER:
                    return Literal(int(text))
                case TokenKind.DECIMAL:
                    return Literal(float(text))
                case TokenKind.GUID:
                    return Literal(text.lower(), is_guid=True)
                case TokenKind.DATE:
                    return Literal(datetime.fromisoformat(text).replace(tzinfo=UTC))
                case _:
                    return Literal(parse_instant(text).astimezone(UTC))
        except (ValueError, OverflowError):
            raise self._error("a valid literal", token) from None

    # Token stream.

    def _peek(self) -> Token:
        return self._tokens[self._index]

    def _advance(self) -> Token:
        token = self._tokens[self._index]
        self._index = min(self._index + 1, len(self._tokens) - 1)
        return token

    def _accept(self, kind: TokenKind) -> bool:
        if self._peek().kind is kind:
            self._advance()
            return True
        return False

    def _keyword(self) -> str:
        token = self._peek()
        return token.text if token.kind is TokenKind.IDENTIFIER else ""

    def _accept_keyword(self, word: str) -> bool:
        if self._keyword() == word:
            self._advance()
            return True
        return False

    def expect(self, kind: TokenKind, expected: str) -> Token:
        token = self._peek()
        if token.kind is not kind:
            raise self._error(expected, token)
        return self._advance()

    # Guards and errors.

    def _condition(self, node: Node) -> Node:
        self._conditions += 1
        if self._conditions > MAX_CONDITIONS:
            raise TooManyConditionsInQuery()
        return node

    @contextmanager
    def _nested(self) -> Iterator[None]:
        if self._depth >= MAX_DEPTH:
            raise self._too_deep(self._peek())
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1

    def _too_deep(self, token: Token) -> QuerySyntaxError:
        return QuerySyntaxError(
            f"The $filter expression is nested more than {MAX_DEPTH} levels deep at position {token.offset} "
            f"in '{self._text}'; simplify it."
        )

    def _error(self, expected: str, token: Token) -> QuerySyntaxError:
        return syntax_error(self._text, token.offset, expected, token.describe())


def _balanced(operands: Sequence[Node], kind: type[And] | type[Or]) -> Node:
    """``a and b and c ...`` as a tree of logarithmic depth; ``and``/``or`` are associative."""
    if len(operands) == 1:
        return operands[0]
    middle = (len(operands) + 1) // 2
    return kind(_balanced(operands[:middle], kind), _balanced(operands[middle:], kind))
