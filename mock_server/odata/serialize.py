"""Rendering rows as Dataverse JSON: property names, value formats, ``@odata.etag``, and the
annotations a client asks for with ``Prefer: odata.include-annotations``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Connection, select
from starlette.responses import JSONResponse, Response

from mock_server.clock import format_instant
from mock_server.odata.plan import QueryPlan
from mock_server.odata.prefer import (
    ASSOCIATED_NAVIGATION,
    FORMATTED_VALUE,
    LOOKUP_LOGICAL_NAME,
    Preferences,
)
from mock_server.schema import Attribute, AttributeType, schema
from mock_server.store.query import Fetched
from mock_server.store.tables import tables

T = AttributeType
Json = dict[str, Any]
JSON_TYPE = "application/json; odata.metadata=minimal"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(
        body, status, headers={"OData-Version": "4.0", **(headers or {})}, media_type=JSON_TYPE
    )


def etag(version: int | None) -> str:
    return f'W/"{version}"'


def _instant(value: datetime) -> str:
    if value.tzinfo is None:  # stored values are naive UTC
        return f"{value.isoformat(timespec='seconds')}Z"
    return format_instant(value)


# Stored values that need converting for the wire; every other type is sent as stored.
WIRE_FORMS: dict[AttributeType, Callable[[Any], Any]] = {
    T.DATETIME: _instant,
    T.MONEY: float,
    T.DECIMAL: float,
    T.DOUBLE: float,
    T.BOOLEAN: bool,
}


@cache
def _converters() -> dict[Attribute, Callable[[Any], Any] | None]:
    """Each column's wire conversion, looked up by the column itself (cheaper than by type)."""
    return {a: WIRE_FORMS.get(a.type) for e in schema().entities for a in e.attributes}


def wire_value(attribute: Attribute, value: Any) -> Any:
    """A stored value in its JSON form."""
    convert = _converters().get(attribute)
    return value if value is None or convert is None else convert(value)


def formatted_value(attribute: Attribute, value: Any) -> str | None:
    """The ``FormattedValue`` annotation of a non-lookup value (labels, money, dates, numbers)."""
    if value is None:
        return None
    match attribute.type:
        case T.PICKLIST | T.STATE | T.STATUS:
            option = attribute.option(int(value))
            return option.label if option else str(value)
        case T.BOOLEAN:
            option = attribute.option(int(bool(value)))
            return option.label if option else str(value)
        case T.MONEY:
            return f"${float(value):,.2f}"
        case T.DATETIME:
            moment: datetime = value
            hour = moment.hour % 12 or 12
            half = "AM" if moment.hour < 12 else "PM"
            return f"{moment.month}/{moment.day}/{moment.year} {hour}:{moment.minute:02d} {half}"
        case T.INTEGER | T.BIGINT:
            return f"{int(value):,}"
        case T.DECIMAL | T.DOUBLE:
            return f"{float(value):,.2f}"
        case _:
            return None


@lru_cache(maxsize=4096)
def _layout(columns: tuple[Attribute, ...]) -> tuple[tuple[Attribute, str, Callable[[Any], Any] | None], ...]:
    """Each column with its property name and wire conversion, worked out once per column list."""
    converters = _converters()
    return tuple((a, a.lookup_property if a.is_lookup else a.logical_name, converters[a]) for a in columns)


class Renderer:
    """Renders fetched rows; looks up the names behind lookups once per response."""

    def __init__(self, conn: Connection, preferences: Preferences) -> None:
        self.conn = conn
        self.preferences = preferences
        self.want_formatted = preferences.wants(FORMATTED_VALUE)
        self.want_logical_name = preferences.wants(LOOKUP_LOGICAL_NAME)
        self.want_navigation = preferences.wants(ASSOCIATED_NAVIGATION)
        self._names: dict[str, str | None] = {}

    def records(self, plan: QueryPlan, fetched: list[Fetched]) -> list[Json]:
        if self.want_formatted:
            self._load_names(plan, fetched)
        return [self._record(plan, f) for f in fetched]

    def record(self, plan: QueryPlan, fetched: Fetched) -> Json:
        return self.records(plan, [fetched])[0]

    def _load_names(self, plan: QueryPlan, fetched: list[Fetched]) -> None:
        wanted: dict[str, set[str]] = defaultdict(set)
        self._collect(plan, fetched, wanted)
        for entity_name, ids in wanted.items():
            entity = schema().entity(entity_name)
            assert entity is not None
            table = tables()[entity_name]
            pk, name = table.c[entity.primary_id], table.c[entity.primary_name]
            for row_id, row_name in self.conn.execute(select(pk, name).where(pk.in_(list(ids)))):
                self._names[row_id] = row_name

    def _collect(self, plan: QueryPlan, fetched: list[Fetched], wanted: dict[str, set[str]]) -> None:
        for f in fetched:
            for a in plan.columns:
                value = f.row.get(a.logical_name)
                if a.is_lookup and value and value not in self._names:
                    wanted[self._target(a, f.row)].add(value)
            for item in plan.expand:
                child = f.expanded.get(item.navigation.name)
                children = child if isinstance(child, list) else [child] if child else []
                self._collect(item.plan, children, wanted)

    @staticmethod
    def _target(attribute: Attribute, row: dict[str, Any]) -> str:
        return row.get(attribute.target_column) or attribute.targets[0].entity

    def _record(self, plan: QueryPlan, fetched: Fetched) -> Json:
        row = fetched.row
        out: Json = {"@odata.etag": etag(row.get("versionnumber"))}
        annotated = self.preferences.any_annotations
        for a, name, convert in _layout(plan.columns):
            value = row.get(a.logical_name)
            if annotated:
                if a.is_lookup:
                    self._annotate_lookup(out, a, row)
                elif self.want_formatted and value is not None:
                    text = formatted_value(a, value)
                    if text is not None:
                        out[f"{name}@{FORMATTED_VALUE}"] = text
            out[name] = value if value is None or convert is None else convert(value)
        for item in plan.expand:
            child = fetched.expanded.get(item.navigation.name)
            if isinstance(child, list):
                out[item.navigation.name] = [self._record(item.plan, c) for c in child]
            elif child is None:
                out[item.navigation.name] = None
            elif item.ref_only:
                pk = child.row[item.plan.entity.primary_id]
                out[item.navigation.name] = {"@odata.id": f"{item.plan.entity.entity_set}({pk})"}
            else:
                out[item.navigation.name] = self._record(item.plan, child)
        return out

    def _annotate_lookup(self, out: Json, attribute: Attribute, row: dict[str, Any]) -> None:
        value = row.get(attribute.logical_name)
        prop = attribute.lookup_property
        if value is not None:
            target = self._target(attribute, row)
            if self.want_formatted:
                out[f"{prop}@{FORMATTED_VALUE}"] = self._names.get(value)
            if self.want_navigation:
                nav = next(
                    (t.navigation for t in attribute.targets if t.entity == target), attribute.logical_name
                )
                out[f"{prop}@{ASSOCIATED_NAVIGATION}"] = nav
            if self.want_logical_name:
                out[f"{prop}@{LOOKUP_LOGICAL_NAME}"] = target
