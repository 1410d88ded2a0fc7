"""Dataverse query functions, ``Microsoft.Dynamics.CRM.<Name>(PropertyName='x', ...)``, as SQL.

Times come from ``scope.now``, the mock clock, and days are UTC days (Dataverse uses the
caller's time zone; the mock has none). "today" is today's midnight, "now" the clock, and a
range ``[a, b)`` includes ``a`` but not ``b``. Weeks start on Sunday, the en-US default.

=================================  ============================================================
Function (PropertyValue)           Rows whose PropertyName is...
=================================  ============================================================
Today, Yesterday, Tomorrow         in that UTC day
Last7Days / Next7Days              LastXDays(7) / NextXDays(7)
LastXHours(n) / NextXHours(n)      in [now - n h, now] / [now, now + n h]
LastXDays(n) / NextXDays(n)        in [today - n days, now] / [now, end of the day n days ahead)
LastXWeeks(n) / NextXWeeks(n)      as LastXDays / NextXDays with 7n days
LastXMonths(n) / NextXMonths(n)    in [today - n months, now] / [now, end of today + n months)
LastXYears(n) / NextXYears(n)      as the months with 12n months
OlderThanX<Unit>(n)                before now - n units; Minutes Hours Days Weeks Months Years
On(d), OnOrAfter(d), OnOrBefore(d) in day d / from day d on / up to the end of day d
This/Last/Next Week|Month|Year     in that calendar week, month or year
Between([a, b]) / NotBetween       a <= x <= b / x < a or x > b
In([...]) / NotIn([...])           one of / none of the values
EqualUserId / NotEqualUserId       (not) the caller, ``scope.user_id``
EqualBusinessId / NotEqual...      (not) the caller's business unit
EqualUserTeams                     one of the caller's teams
EqualUserOrUserTeams               the caller or one of the caller's teams
EqualUserOrUserHierarchy           the caller or a user below the caller (``parentsystemuserid``)
EqualUserOrUserHierarchyAndTeams   the above, or one of the caller's teams
Under(id) / UnderOrEqual(id)       below the row ``id`` in the table's hierarchy / or ``id`` itself
Above(id) / AboveOrEqual(id)       above the row ``id`` / or ``id`` itself
NotUnder(id)                       not below the row ``id`` (``id`` itself included)
=================================  ============================================================

Values in ``PropertyValues`` may be strings (``["5","2000"]``) and are converted to the
column's type. A table's hierarchy is its self-referencing lookup that clients can set, such
as ``parentaccountid``; every level counts. ``PropertyName`` is a logical name, a lookup's
logical name or ``_x_value``; inside a lambda ``t/createdon`` names the range variable's column.
Null values never match, as in SQL. Multi-select and fiscal-period functions are refused.
"""

from __future__ import annotations

import calendar
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select

from mock_server.clock import parse_instant
from mock_server.errors import QuerySyntaxError
from mock_server.odata.filter.ast import Literal, QueryFunction
from mock_server.odata.filter.operands import (
    BOOLEAN,
    DATETIME,
    DECIMAL,
    DOUBLE,
    GUID,
    INT32,
    INT64,
    STRING,
    base,
    edm_type,
    function_attribute,
    naive_utc,
)
from mock_server.odata.filter.scope import FilterScope
from mock_server.schema import Attribute, Entity

MINUTE, HOUR, DAY, WEEK = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1), timedelta(weeks=1)
_INT64_RANGE = range(-(2**63), 2**63)
_UNSUPPORTED = frozenset(
    {"Contains", "DoesNotContain", "ContainValues", "DoesNotContainValues", "EqualUserLanguage"}
    | {f"{w}Fiscal{p}" for w in ("This", "Last", "Next", "In") for p in ("Year", "Period")}
    | {f"{w}XFiscal{p}" for w in ("Last", "Next") for p in ("Years", "Periods")}
    | {"InFiscalPeriodAndYear", "InOrBeforeFiscalPeriodAndYear", "InOrAfterFiscalPeriodAndYear"}
)


@dataclass(frozen=True)
class _Window:
    start: datetime | None
    end: datetime | None
    end_inclusive: bool = False

    def contains(self, column: ColumnElement[Any]) -> ColumnElement[bool]:
        bounds = [] if self.start is None else [column >= self.start]
        if self.end is not None:
            bounds.append(column <= self.end if self.end_inclusive else column < self.end)
        return and_(*bounds)


def _add_months(moment: datetime, months: int) -> datetime:
    years, month = divmod(moment.month - 1 + months, 12)
    year = moment.year + years
    return moment.replace(
        year=year, month=month + 1, day=min(moment.day, calendar.monthrange(year, month + 1)[1])
    )


def _week(today: datetime, offset: int) -> _Window:
    start = today - timedelta(days=(today.weekday() + 1) % 7) + offset * WEEK
    return _Window(start, start + WEEK)


def _month(today: datetime, offset: int) -> _Window:
    start = _add_months(today.replace(day=1), offset)
    return _Window(start, _add_months(start, 1))


def _year(today: datetime, offset: int) -> _Window:
    start = today.replace(year=today.year + offset, month=1, day=1)
    return _Window(start, start.replace(year=start.year + 1))


# (now, today) -> window
_FIXED_WINDOWS: dict[str, Callable[[datetime, datetime], _Window]] = {
    "Today": lambda now, today: _Window(today, today + DAY),
    "Yesterday": lambda now, today: _Window(today - DAY, today),
    "Tomorrow": lambda now, today: _Window(today + DAY, today + 2 * DAY),
    "Last7Days": lambda now, today: _Window(today - 7 * DAY, now, True),
    "Next7Days": lambda now, today: _Window(now, today + 8 * DAY),
    "ThisWeek": lambda now, today: _week(today, 0),
    "LastWeek": lambda now, today: _week(today, -1),
    "NextWeek": lambda now, today: _week(today, 1),
    "ThisMonth": lambda now, today: _month(today, 0),
    "LastMonth": lambda now, today: _month(today, -1),
    "NextMonth": lambda now, today: _month(today, 1),
    "ThisYear": lambda now, today: _year(today, 0),
    "LastYear": lambda now, today: _year(today, -1),
    "NextYear": lambda now, today: _year(today, 1),
}
# (now, today, n) -> window
_COUNTED_WINDOWS: dict[str, Callable[[datetime, datetime, int], _Window]] = {
    "LastXHours": lambda now, today, n: _Window(now - n * HOUR, now, True),
    "NextXHours": lambda now, today, n: _Window(now, now + n * HOUR, True),
    "LastXDays": lambda now, today, n: _Window(today - n * DAY, now, True),
    "NextXDays": lambda now, today, n: _Window(now, today + (n + 1) * DAY),
    "LastXWeeks": lambda now, today, n: _Window(today - n * WEEK, now, True),
    "NextXWeeks": lambda now, today, n: _Window(now, today + n * WEEK + DAY),
    "LastXMonths": lambda now, today, n: _Window(_add_months(today, -n), now, True),
    "NextXMonths": lambda now, today, n: _Window(now, _add_months(today, n) + DAY),
    "LastXYears": lambda now, today, n: _Window(_add_months(today, -12 * n), now, True),
    "NextXYears": lambda now, today, n: _Window(now, _add_months(today, 12 * n) + DAY),
    "OlderThanXMinutes": lambda now, today, n: _Window(None, now - n * MINUTE),
    "OlderThanXHours": lambda now, today, n: _Window(None, now - n * HOUR),
    "OlderThanXDays": lambda now, today, n: _Window(None, now - n * DAY),
    "OlderThanXWeeks": lambda now, today, n: _Window(None, now - n * WEEK),
    "OlderThanXMonths": lambda now, today, n: _Window(None, _add_months(now, -n)),
    "OlderThanXYears": lambda now, today, n: _Window(None, _add_months(now, -12 * n)),
}
# midnight of the given day -> window
_DATED_WINDOWS: dict[str, Callable[[datetime], _Window]] = {
    "On": lambda day: _Window(day, day + DAY),
    "OnOrAfter": lambda day: _Window(day, None),
    "OnOrBefore": lambda day: _Window(None, day + DAY),
}


_Raw = bool | int | float | str | datetime | None


def _to_string(raw: _Raw) -> str | None:
    return raw if isinstance(raw, str) else None


def _to_guid(raw: _Raw) -> str | None:
    return str(uuid.UUID(raw)) if isinstance(raw, str) else None


def _to_datetime(raw: _Raw) -> datetime | None:
    moment = parse_instant(raw) if isinstance(raw, str) else raw
    return naive_utc(moment) if isinstance(moment, datetime) else None


def _to_boolean(raw: _Raw) -> bool | None:
    if isinstance(raw, bool):
        return raw
    return {"true": True, "false": False}.get(raw) if isinstance(raw, str) else None


def _to_integer(raw: _Raw) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return None
    number = int(raw)
    return number if number in _INT64_RANGE else None


def _to_real(raw: _Raw) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    number = float(raw)
    return number if math.isfinite(number) else None


_CONVERTERS: dict[str, Callable[[_Raw], Any]] = {
    STRING: _to_string,
    GUID: _to_guid,
    DATETIME: _to_datetime,
    BOOLEAN: _to_boolean,
    INT32: _to_integer,
    INT64: _to_integer,
    DECIMAL: _to_real,
    DOUBLE: _to_real,
}


@dataclass(frozen=True)
class _Call:
    """One query function applied to one column, with helpers that check its arguments."""

    name: str
    column: ColumnElement[Any]
    attribute: Attribute
    entity: Entity
    values: tuple[Literal, ...]
    scope: FilterScope

    def error(self, problem: str) -> QuerySyntaxError:
        return QuerySyntaxError(f"Microsoft.Dynamics.CRM.{self.name}: {problem}.")

    def require(self, *edm: str) -> None:
        if edm_type(self.attribute) not in edm:
            raise self.error(
                f"the property '{self.attribute.logical_name}' is {edm_type(self.attribute)}, "
                f"but the function applies to {' or '.join(edm)}"
            )

    def arguments(self, least: int, most: int | None = None) -> tuple[Literal, ...]:
        count = len(self.values)
        if count < least or (most is not None and count > most):
            wanted = {0: "no PropertyValue", 1: "one PropertyValue"}.get(least, f"{least} PropertyValues")
            if most is None:
                wanted = f"at least {wanted}"
            raise self.error(f"expected {wanted}, found {count}")
        return self.values

    def converted(self, least: int, most: int | None = None) -> list[Any]:
        """The values, converted to the column's type."""
        return [self.convert(value) for value in self.arguments(least, most)]

    def convert(self, value: Literal) -> Any:
        edm = edm_type(self.attribute)
        try:
            converted = _CONVERTERS[edm](value.value)
        except (ValueError, OverflowError):
            converted = None
        if converted is None:
            raise self.error(
                f"the value {value.value!r} is not a valid {edm} for '{self.attribute.logical_name}'"
            )
        return converted

    def count(self) -> int:
        (value,) = self.arguments(1, 1)
        raw = value.value
        if isinstance(raw, str) and raw.isdecimal() and len(raw) < 20:
            raw = int(raw)
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            raise self.error(f"PropertyValue must be a whole number of 0 or more, found {raw!r}")
        return raw


def compile_query_function(node: QueryFunction, scope: FilterScope) -> ColumnElement[bool]:
    handler = _HANDLERS.get(node.name)
    if handler is None:
        if node.name in _UNSUPPORTED:
            raise QuerySyntaxError(
                f"The query function 'Microsoft.Dynamics.CRM.{node.name}' is not supported."
            )
        raise QuerySyntaxError(
            f"An unknown function with name 'Microsoft.Dynamics.CRM.{node.name}' was found."
        )
    variable, _, name = node.property.rpartition("/")
    entity, table = base(scope, variable or None)
    attribute = function_attribute(entity, name)
    column = scope.column(entity, table, attribute.logical_name)
    return handler(_Call(node.name, column, attribute, entity, node.values, scope))


def counted_window(name: str, column: ColumnElement[Any], now: datetime, count: int) -> ColumnElement[bool]:
    """``column`` within a counted window such as ``LastXDays`` of ``count`` units at ``now``, as
    the query function of that name selects it (``LastXDays``: from midnight ``count`` days ago
    to now)."""
    moment = naive_utc(now)
    today = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return _COUNTED_WINDOWS[name](moment, today, count).contains(column)


def _window(call: _Call) -> ColumnElement[bool]:
    call.require(DATETIME)
    now = naive_utc(call.scope.now)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        if call.name in _FIXED_WINDOWS:
            call.arguments(0, 0)
            window = _FIXED_WINDOWS[call.name](now, today)
        elif call.name in _COUNTED_WINDOWS:
            window = _COUNTED_WINDOWS[call.name](now, today, call.count())
        else:
            (day,) = call.converted(1, 1)
            window = _DATED_WINDOWS[call.name](day.replace(hour=0, minute=0, second=0, microsecond=0))
    except (OverflowError, ValueError):
        raise call.error("the dates it describes are out of range") from None
    return window.contains(call.column)


def _between(call: _Call) -> ColumnElement[bool]:
    low, high = call.converted(2, 2)
    return call.column.between(low, high)


def _not_between(call: _Call) -> ColumnElement[bool]:
    low, high = call.converted(2, 2)
    return or_(call.column < low, call.column > high)


def _in(call: _Call) -> ColumnElement[bool]:
    return call.column.in_(call.converted(1))


def _not_in(call: _Call) -> ColumnElement[bool]:
    return call.column.not_in(call.converted(1))


def _principal(ids: Callable[[FilterScope], tuple[str, ...]], negate: bool = False) -> _Handler:
    """A comparison of an id column with the caller's own ids."""

    def handler(call: _Call) -> ColumnElement[bool]:
        call.require(GUID)
        call.arguments(0, 0)
        wanted = tuple(i.lower() for i in ids(call.scope))
        return call.column.not_in(wanted) if negate else call.column.in_(wanted)

    return handler


def _user_hierarchy(with_teams: bool) -> _Handler:
    def handler(call: _Call) -> ColumnElement[bool]:
        call.require(GUID)
        call.arguments(0, 0)
        scope = call.scope
        users = _descendants(scope, *_hierarchy_of(call, "systemuser"), scope.user_id.lower())
        own = (scope.user_id, *scope.team_ids) if with_teams else (scope.user_id,)
        return or_(call.column.in_([i.lower() for i in own]), call.column.in_(users))

    return handler


def _hierarchy(above: bool, or_equal: bool = False, negate: bool = False) -> _Handler:
    def handler(call: _Call) -> ColumnElement[bool]:
        call.require(GUID)
        (root,) = call.converted(1, 1)
        if call.attribute.is_primary_id:
            table = call.entity.logical_name
        elif call.attribute.is_lookup and len({t.entity for t in call.attribute.targets}) == 1:
            table = call.attribute.targets[0].entity
        else:
            raise call.error("PropertyName must be the primary key or a lookup to a table with a hierarchy")
        entity, parent = _hierarchy_of(call, table)
        related = (_ancestors if above else _descendants)(call.scope, entity, parent, root)
        if negate:
            return call.column.not_in(related)
        return or_(call.column == root, call.column.in_(related)) if or_equal else call.column.in_(related)

    return handler


def _hierarchy_of(call: _Call, logical_name: str) -> tuple[Entity, Attribute]:
    entity = call.scope.schema.entity(logical_name)
    assert entity is not None  # lookups and built-in tables only name entities of the schema
    for attribute in entity.lookups:
        if attribute.valid_for_update and [t.entity for t in attribute.targets] == [logical_name]:
            return entity, attribute
    raise call.error(f"the table '{logical_name}' has no hierarchical relationship")


def _descendants(scope: FilterScope, entity: Entity, parent: Attribute, root: str) -> Select[tuple[Any]]:
    top, below = scope.tables[entity.logical_name].alias(), scope.tables[entity.logical_name].alias()
    pk, up = entity.primary_id, parent.logical_name
    found = select(top.c[pk].label("id")).where(top.c[up] == root).cte(recursive=True)
    found = found.union(select(below.c[pk]).where(below.c[up] == found.c.id))
    return select(found.c.id)


def _ancestors(scope: FilterScope, entity: Entity, parent: Attribute, root: str) -> Select[tuple[Any]]:
    start, above = scope.tables[entity.logical_name].alias(), scope.tables[entity.logical_name].alias()
    pk, up = entity.primary_id, parent.logical_name
    found = (
        select(start.c[up].label("id"))
        .where(start.c[pk] == root, start.c[up].is_not(None))
        .cte(recursive=True)
    )
    found = found.union(select(above.c[up]).where(above.c[pk] == found.c.id, above.c[up].is_not(None)))
    return select(found.c.id)


_Handler = Callable[[_Call], ColumnElement[bool]]
_HANDLERS: dict[str, _Handler] = {
    **dict.fromkeys((*_FIXED_WINDOWS, *_COUNTED_WINDOWS, *_DATED_WINDOWS), _window),
    "Between": _between,
    "NotBetween": _not_between,
    "In": _in,
    "NotIn": _not_in,
    "EqualUserId": _principal(lambda s: (s.user_id,)),
    "NotEqualUserId": _principal(lambda s: (s.user_id,), negate=True),
    "EqualBusinessId": _principal(lambda s: (s.business_unit_id,)),
    "NotEqualBusinessId": _principal(lambda s: (s.business_unit_id,), negate=True),
    "EqualUserTeams": _principal(lambda s: s.team_ids),
    "EqualUserOrUserTeams": _principal(lambda s: (s.user_id, *s.team_ids)),
    "EqualUserOrUserHierarchy": _user_hierarchy(with_teams=False),
    "EqualUserOrUserHierarchyAndTeams": _user_hierarchy(with_teams=True),
    "Under": _hierarchy(above=False),
    "UnderOrEqual": _hierarchy(above=False, or_equal=True),
    "Above": _hierarchy(above=True),
    "AboveOrEqual": _hierarchy(above=True, or_equal=True),
    "NotUnder": _hierarchy(above=False, negate=True),
}
