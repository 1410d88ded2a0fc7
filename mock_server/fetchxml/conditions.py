"""FetchXML ``<condition>`` operators as predicate nodes, the same ``ast.py`` nodes ``$filter``
parses into, so one compiler and one executor serve OData and FetchXML.

========================================  ===================================================
Operator                                  Node
========================================  ===================================================
eq ne neq gt ge lt le                     ``Compare`` with a literal, or with a column
                                          (``valueof``)
null, not-null                            ``Compare`` with null (``IS [NOT] NULL``)
like, not-like                            ``startswith``/``endswith``/``length`` calls that
                                          together match the whole value; ``%`` and ``_`` are
                                          wildcards
begins-with, ends-with (+ not-)           ``startswith``/``endswith`` calls (under ``Not``)
in, not-in, between, not-between          ``In``/``NotIn``/``Between``/``NotBetween``
last-x-*, next-x-*, olderthan-x-*         ``LastXDays``... with a whole number of units
today ... next-year, last/next-seven-days ``Today``... ``Last7Days``/``Next7Days``
on, on-or-after, on-or-before             ``On``/``OnOrAfter``/``OnOrBefore`` with a date
eq-userid ... eq-useroruserhierarchy...   ``EqualUserId``... (the caller, teams, hierarchy)
under, eq-or-under, above, eq-or-above,   ``Under``/``UnderOrEqual``/``Above``/``AboveOrEqual``/
not-under                                 ``NotUnder`` with a row id
========================================  ===================================================

Negations keep SQL's reading of null: a null column satisfies neither ``like`` nor
``not-like``, as in Dataverse. Fiscal-period, multi-select and language operators are valid
FetchXML the mock refuses with ``NotSupportedByMock``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from mock_server.fetchxml.errors import InvalidConditionOperator, InvalidConditionValue, NotSupportedByMock
from mock_server.fetchxml.values import GUID_TYPES, STRING_TYPES, convert
from mock_server.odata.filter import And, Call, Compare, Literal, Node, Not, Op, PropertyPath, QueryFunction
from mock_server.schema import Attribute, AttributeType, Entity


@dataclass(frozen=True)
class Column:
    """The column a condition reads: an attribute of ``entity``, on the table the filter is
    compiled against (``variable`` None) or on a link alias or range variable."""

    entity: Entity
    attribute: Attribute
    variable: str | None = None

    @property
    def path(self) -> PropertyPath:
        a = self.attribute
        return PropertyPath((a.lookup_property if a.is_lookup else a.logical_name,), self.variable)

    @property
    def property_name(self) -> str:
        """The ``PropertyName`` of a query function."""
        name = self.attribute.logical_name
        return f"{self.variable}/{name}" if self.variable else name

    @property
    def qualified(self) -> str:
        return f"{self.entity.logical_name}.{self.attribute.logical_name}"


@dataclass(frozen=True)
class Condition:
    operator: str
    column: Column
    values: tuple[str, ...] = ()
    other: Column | None = None  # ``valueof``: compare with another column

    def literals(self, least: int, most: int | None = None) -> tuple[Literal, ...]:
        count = len(self.values)
        if count < least or (most is not None and count > most):
            wanted = (
                f"{least}" if most == least else f"at least {least}" if most is None else f"{least}-{most}"
            )
            raise InvalidConditionValue(
                f"The '{self.operator}' condition on '{self.column.qualified}' takes {wanted} value(s), "
                f"found {count}."
            )
        a, entity = self.column.attribute, self.column.entity.logical_name
        return tuple(convert(entity, a, value) for value in self.values)

    def one(self) -> Literal:
        return self.literals(1, 1)[0]

    def units(self) -> Literal:
        """The whole number of hours, days... of a ``last-x-``/``next-x-``/``olderthan-x-`` condition."""
        if len(self.values) != 1 or not re.fullmatch(r"\s*[0-9]{1,9}\s*", self.values[0]):
            raise InvalidConditionValue(
                f"The '{self.operator}' condition on '{self.column.qualified}' takes one whole number "
                f"of 0 or more, found {', '.join(repr(v) for v in self.values) or 'none'}."
            )
        return Literal(int(self.values[0]))

    def function(self, name: str, values: tuple[Literal, ...] = ()) -> QueryFunction:
        return QueryFunction(name, self.column.property_name, values)


Builder = Callable[[Condition], Node]
T = AttributeType


def _compare(op: Op) -> Builder:
    def build(c: Condition) -> Node:
        if c.other is not None:
            return Compare(op, c.column.path, c.other.path)
        return Compare(op, c.column.path, c.one())

    return build


def _null(op: Op) -> Builder:
    return lambda c: Compare(op, c.column.path, Literal(None))


def like(path: PropertyPath, pattern: str) -> Node:
    """``path LIKE pattern`` from the calls the compiler knows. ``startswith(x, p)`` is
    ``x LIKE p%`` and ``endswith(x, p)`` is ``x LIKE %p``: with a ``%`` in ``p`` both together
    match exactly ``x LIKE p``; without one, the length pins the match to the whole value."""
    value = Literal(pattern)
    starts = Call("startswith", (path, value))
    if "%" in pattern:
        return And(starts, Call("endswith", (path, value)))
    return And(starts, Compare(Op.EQ, Call("length", (path,)), Literal(len(pattern))))


def _like(negate: bool) -> Builder:
    def build(c: Condition) -> Node:
        pattern = c.one().value
        assert isinstance(pattern, str)  # string columns convert to text
        node = like(c.column.path, pattern)
        return Not(node) if negate else node

    return build


def _affix(function: str, negate: bool) -> Builder:
    def build(c: Condition) -> Node:
        node = Call(function, (c.column.path, c.one()))
        return Not(node) if negate else node

    return build


def _values(function: str, least: int, most: int | None) -> Builder:
    return lambda c: c.function(function, c.literals(least, most))


def _fixed(function: str) -> Builder:
    return lambda c: c.function(function)


def _counted(function: str) -> Builder:
    return lambda c: c.function(function, (c.units(),))


@dataclass(frozen=True)
class _Operator:
    build: Builder
    types: frozenset[AttributeType] | None = None  # the column types it applies to; None: any
    column_value: bool = False  # may compare with another column (``valueof``)


_DATES = frozenset({T.DATETIME})
_ANY_TIME = {
    "today": "Today",
    "yesterday": "Yesterday",
    "tomorrow": "Tomorrow",
    "last-seven-days": "Last7Days",
    "next-seven-days": "Next7Days",
    **{
        f"{w}-{p}": f"{w.capitalize()}{p.capitalize()}"
        for w in ("this", "last", "next")
        for p in ("week", "month", "year")
    },
}
_COUNTED = {
    **{
        f"{w}-x-{u}": f"{w.capitalize()}X{u.capitalize()}"
        for w in ("last", "next")
        for u in ("hours", "days", "weeks", "months", "years")
    },
    **{
        f"olderthan-x-{u}": f"OlderThanX{u.capitalize()}"
        for u in ("minutes", "hours", "days", "weeks", "months", "years")
    },
}
_PRINCIPAL = {
    "eq-userid": "EqualUserId",
    "ne-userid": "NotEqualUserId",
    "eq-businessid": "EqualBusinessId",
    "ne-businessid": "NotEqualBusinessId",
    "eq-userteams": "EqualUserTeams",
    "eq-useroruserteams": "EqualUserOrUserTeams",
    "eq-useroruserhierarchy": "EqualUserOrUserHierarchy",
    "eq-useroruserhierarchyandteams": "EqualUserOrUserHierarchyAndTeams",
}
_HIERARCHY = {
    "under": "Under",
    "eq-or-under": "UnderOrEqual",
    "above": "Above",
    "eq-or-above": "AboveOrEqual",
    "not-under": "NotUnder",
}
OPERATORS: dict[str, _Operator] = {
    **{
        name: _Operator(_compare(op), column_value=True)
        for name, op in (
            ("eq", Op.EQ),
            ("ne", Op.NE),
            ("neq", Op.NE),
            ("gt", Op.GT),
            ("ge", Op.GE),
            ("lt", Op.LT),
            ("le", Op.LE),
        )
    },
    "null": _Operator(_null(Op.EQ)),
    "not-null": _Operator(_null(Op.NE)),
    "like": _Operator(_like(negate=False), STRING_TYPES),
    "not-like": _Operator(_like(negate=True), STRING_TYPES),
    "begins-with": _Operator(_affix("startswith", negate=False), STRING_TYPES),
    "not-begin-with": _Operator(_affix("startswith", negate=True), STRING_TYPES),
    "ends-with": _Operator(_affix("endswith", negate=False), STRING_TYPES),
    "not-end-with": _Operator(_affix("endswith", negate=True), STRING_TYPES),
    "in": _Operator(_values("In", 1, None)),
    "not-in": _Operator(_values("NotIn", 1, None)),
    "between": _Operator(_values("Between", 2, 2)),
    "not-between": _Operator(_values("NotBetween", 2, 2)),
    **{name: _Operator(_fixed(function), _DATES) for name, function in _ANY_TIME.items()},
    **{name: _Operator(_counted(function), _DATES) for name, function in _COUNTED.items()},
    "on": _Operator(_values("On", 1, 1), _DATES),
    "on-or-after": _Operator(_values("OnOrAfter", 1, 1), _DATES),
    "on-or-before": _Operator(_values("OnOrBefore", 1, 1), _DATES),
    **{name: _Operator(_fixed(function), GUID_TYPES) for name, function in _PRINCIPAL.items()},
    **{name: _Operator(_values(function, 1, 1), GUID_TYPES) for name, function in _HIERARCHY.items()},
}
UNSUPPORTED = frozenset(
    {"eq-userlanguage", "contain-values", "not-contain-values", "in-fiscal-year", "in-fiscal-period"}
    | {
        "in-fiscal-period-and-year",
        "in-or-before-fiscal-period-and-year",
        "in-or-after-fiscal-period-and-year",
    }
    | {f"{w}-fiscal-{p}" for w in ("this", "last", "next") for p in ("year", "period")}
    | {f"{w}-x-fiscal-{p}" for w in ("last", "next") for p in ("years", "periods")}
)


def build_condition(condition: Condition) -> Node:
    """The predicate node of one condition, after checking the operator fits the column."""
    operator = OPERATORS.get(condition.operator)
    if operator is None:
        if condition.operator in UNSUPPORTED:
            raise NotSupportedByMock(f"The condition operator '{condition.operator}'")
        raise InvalidConditionOperator(
            f"The 'operator' attribute is invalid - The value '{condition.operator}' is invalid according "
            "to its datatype 'String' - The Enumeration constraint failed."
        )
    attribute = condition.column.attribute
    if operator.types is not None and attribute.type not in operator.types:
        raise InvalidConditionOperator(
            f"The condition operator '{condition.operator}' is not valid for '{condition.column.qualified}', "
            f"a column of type {attribute.type.value}."
        )
    if condition.other is not None and not operator.column_value:
        raise InvalidConditionOperator(
            f"The condition operator '{condition.operator}' cannot compare with another column (valueof); "
            "use eq, ne, gt, ge, lt or le."
        )
    if condition.other is not None and condition.values:
        raise InvalidConditionValue(
            f"The condition on '{condition.column.qualified}' has both a value and valueof; give one of them."
        )
    return operator.build(condition)
