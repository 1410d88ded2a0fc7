"""Compiles a predicate tree into one SQLAlchemy boolean expression over the entity's table.

Everything is SQLAlchemy Core with bound parameters; no SQL text is formatted here. Names and
types are checked against the schema first, so a bad property, function or operand type is a
Dataverse-shaped 400, never an SQL error. Semantics worth knowing:

* strings compare without regard to case: the columns are declared case-insensitive, and
  ``contains``/``startswith``/``endswith`` use ``ILIKE``. Like Dataverse they honour ``%`` and
  ``_`` in the value as wildcards; ``[...]`` character classes are not supported and match
  literally;
* ``eq null``/``ne null`` are ``IS NULL``/``IS NOT NULL``; any other comparison with a null
  column is not true, as in SQL, so ``ne 'x'`` skips nulls (Dataverse does the same);
* ``any`` is ``EXISTS`` over the related rows (1:N through the child's lookup, N:N through the
  intersect table); ``all`` is ``NOT EXISTS`` a related row for which the predicate is not true
  (null counts as not true), so it holds when there are no related rows;
* ``and``/``or`` chains are flattened, so long ones do not nest in Python or in SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, and_, exists, extract, false, func, not_, or_

from mock_server.errors import QuerySyntaxError, UnknownProperty
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
from mock_server.odata.filter.functions import compile_query_function
from mock_server.odata.filter.operands import (
    BOOLEAN,
    DATETIME,
    INT32,
    NUMERIC,
    STRING,
    Operand,
    base,
    literal_operand,
    null_operand,
    path_operand,
)
from mock_server.odata.filter.scope import FilterScope
from mock_server.schema import NavigationKind

_Expr = ColumnElement[Any]

_COMPARISONS: dict[Op, tuple[str, Callable[[_Expr, _Expr], ColumnElement[bool]]]] = {
    Op.EQ: ("Equal", lambda a, b: a == b),
    Op.NE: ("NotEqual", lambda a, b: a != b),
    Op.GT: ("GreaterThan", lambda a, b: a > b),
    Op.GE: ("GreaterThanOrEqual", lambda a, b: a >= b),
    Op.LT: ("LessThan", lambda a, b: a < b),
    Op.LE: ("LessThanOrEqual", lambda a, b: a <= b),
}
_ARITHMETIC: dict[Arith, tuple[str, Callable[[_Expr, _Expr], _Expr]]] = {
    Arith.ADD: ("Add", lambda a, b: a + b),
    Arith.SUB: ("Subtract", lambda a, b: a - b),
    Arith.MUL: ("Multiply", lambda a, b: a * b),
    Arith.DIV: ("Divide", lambda a, b: a / b),
    Arith.MOD: ("Modulo", lambda a, b: a % b),
}


@dataclass(frozen=True)
class _Function:
    parameters: tuple[str, ...]
    result: str
    build: Callable[[list[_Expr]], _Expr]


def _like(prefix: str, suffix: str) -> Callable[[list[_Expr]], _Expr]:
    def build(args: list[_Expr]) -> _Expr:
        pattern = args[1]
        if prefix:
            pattern = prefix + pattern
        if suffix:
            pattern = pattern + suffix
        return args[0].ilike(pattern)

    return build


def _part(field: str) -> _Function:
    return _Function((DATETIME,), INT32, lambda args: extract(field, args[0]))


_FUNCTIONS: dict[str, _Function] = {
    "contains": _Function((STRING, STRING), BOOLEAN, _like("%", "%")),
    "startswith": _Function((STRING, STRING), BOOLEAN, _like("", "%")),
    "endswith": _Function((STRING, STRING), BOOLEAN, _like("%", "")),
    "tolower": _Function((STRING,), STRING, lambda args: func.lower(args[0], type_=String())),
    "toupper": _Function((STRING,), STRING, lambda args: func.upper(args[0], type_=String())),
    "trim": _Function((STRING,), STRING, lambda args: func.trim(args[0], type_=String())),
    "length": _Function((STRING,), INT32, lambda args: func.length(args[0], type_=Integer())),
    **{field: _part(field) for field in ("year", "month", "day", "hour", "minute", "second")},
}


def compile_filter(node: Node, scope: FilterScope) -> ColumnElement[bool]:
    """The SQL condition selecting the rows of ``scope.table`` that ``node`` accepts."""
    return _predicate(node, scope)


def _predicate(node: Node, scope: FilterScope) -> ColumnElement[bool]:
    match node:
        case And():
            return and_(*(_predicate(part, scope) for part in _chain(node)))
        case Or():
            return or_(*(_predicate(part, scope) for part in _chain(node)))
        case Not():
            return not_(_predicate(node.operand, scope))
        case Compare():
            return _compare(node, scope)
        case Lambda():
            return _lambda(node, scope)
        case QueryFunction():
            return compile_query_function(node, scope)
    operand = _value(node, scope)
    if operand.edm != BOOLEAN:
        raise QuerySyntaxError(f"The $filter expression must be Edm.Boolean, found {operand.edm or 'null'}.")
    return operand.expr


def _value(node: Node, scope: FilterScope) -> Operand:
    match node:
        case Literal():
            return literal_operand(node)
        case PropertyPath():
            return path_operand(node, scope)
        case Call():
            return _call(node, scope)
        case Arithmetic():
            return _arithmetic(node, scope)
    return Operand(_predicate(node, scope), BOOLEAN)


def _chain(node: And | Or) -> list[Node]:
    """The operands of a run of the same operator, left to right, without recursion."""
    operands: list[Node] = []
    pending: list[Node] = [node]
    while pending:
        current = pending.pop()
        if type(current) is type(node) and isinstance(current, And | Or):
            pending += (current.right, current.left)
        else:
            operands.append(current)
    return operands


def _compare(node: Compare, scope: FilterScope) -> ColumnElement[bool]:
    left, right = _value(node.left, scope), _value(node.right, scope)
    kind, build = _COMPARISONS[node.op]
    _check_compatible(left, right, kind)
    if node.op in (Op.EQ, Op.NE) and None in (left.edm, right.edm):
        other = right.expr if left.edm is None else left.expr
        return other.is_(None) if node.op is Op.EQ else other.is_not(None)
    return build(left.expr, right.expr)


def _arithmetic(node: Arithmetic, scope: FilterScope) -> Operand:
    left, right = _value(node.left, scope), _value(node.right, scope)
    kind, build = _ARITHMETIC[node.op]
    types = [edm for edm in (left.edm, right.edm) if edm is not None]
    if any(edm not in NUMERIC for edm in types):
        raise _incompatible(left, right, kind)
    edm = max(types, key=NUMERIC.index) if types else None
    if edm is None or len(types) < 2:
        return null_operand(edm)  # arithmetic with null is null
    if node.op is Arith.DIV and edm not in NUMERIC[2:]:
        return Operand(left.expr // right.expr, edm)  # OData divides integers as integers
    return Operand(build(left.expr, right.expr), edm)


def _call(node: Call, scope: FilterScope) -> Operand:
    function = _FUNCTIONS.get(node.name)
    if function is None:
        raise QuerySyntaxError(f"An unknown function with name '{node.name}' was found.")
    args = [_value(arg, scope) for arg in node.args]
    signature = f"{node.name}({', '.join(function.parameters)})"
    if len(args) != len(function.parameters) or any(
        arg.edm not in (None, wanted) for arg, wanted in zip(args, function.parameters, strict=False)
    ):
        raise QuerySyntaxError(
            f"No function signature for the function with name '{node.name}' matches the specified "
            f"arguments. The function signatures considered are: {signature}."
        )
    if any(arg.edm is None for arg in args):
        return null_operand(function.result)  # a null argument makes the result null
    return Operand(function.build([arg.expr for arg in args]), function.result)


def _lambda(node: Lambda, scope: FilterScope) -> ColumnElement[bool]:
    if node.quantifier not in ("any", "all"):
        raise QuerySyntaxError(f"Unknown lambda operator '{node.quantifier}'; use any or all.")
    entity, table = base(scope, node.navigation.variable)
    if len(node.navigation.segments) != 1:
        raise QuerySyntaxError(
            f"any() and all() apply to a collection-valued navigation property of the row itself; "
            f"'{'/'.join(node.navigation.segments)}' reaches one through a lookup, which Dataverse does not "
            "support."
        )
    (name,) = node.navigation.segments
    navigation = scope.schema.navigation(entity.logical_name, name)
    if navigation is None:
        raise UnknownProperty(entity.logical_name, name)
    child = scope.schema.entity(navigation.targets[0])
    if not navigation.is_collection or child is None:
        raise QuerySyntaxError(
            f"'{name}' is a single-valued navigation property; any() and all() apply to collections."
        )
    rows = scope.tables[child.logical_name].alias()
    if navigation.kind is NavigationKind.MANY_TO_MANY:
        assert navigation.relationship is not None  # the schema sets it on every N:N navigation
        pairs = scope.tables.intersects[navigation.relationship.schema_name].alias()
        related = exists().select_from(
            pairs.join(rows, rows.c[child.primary_id] == pairs.c[f"{child.logical_name}id"])
        )
        related = related.where(pairs.c[f"{entity.logical_name}id"] == table.c[entity.primary_id])
    else:
        assert navigation.attribute is not None  # and the child's lookup on every 1:N one
        related = exists().select_from(rows)
        related = related.where(rows.c[navigation.attribute.logical_name] == table.c[entity.primary_id])
    if node.predicate is None:
        if node.quantifier == "all":
            raise QuerySyntaxError(f"{name}/{node.quantifier}() needs a predicate, as in {name}/all(x: ...).")
        return related
    inner = (
        scope
        if node.variable is None
        else replace(scope, variables=(*scope.variables, (node.variable, child, rows)))
    )
    predicate = _predicate(node.predicate, inner)
    if node.quantifier == "any":
        return related.where(predicate)
    return ~related.where(not_(func.coalesce(predicate, false())))


def _check_compatible(left: Operand, right: Operand, kind: str) -> None:
    a, b = left.edm, right.edm
    if a is None or b is None or a == b or (a in NUMERIC and b in NUMERIC):
        return
    raise _incompatible(left, right, kind)


def _incompatible(left: Operand, right: Operand, kind: str) -> QuerySyntaxError:
    return QuerySyntaxError(
        "A binary operator with incompatible types was detected. Found operand types "
        f"'{left.edm or 'null'}' and '{right.edm or 'null'}' for operator kind '{kind}'."
    )
