"""System query options (``$select``, ``$filter``, ``$orderby``, ``$top``, ``$expand``, ``$count``)
parsed from a raw query string and resolved into a ``QueryPlan``.

Options Dataverse refuses (``$skip``, ``$search``, ``$format``) are refused here the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote_plus

from mock_server.errors import BadRequest, ExpandNotSupported, InvalidQueryOption, UnknownProperty
from mock_server.odata.filter import parse_filter
from mock_server.odata.plan import ExpandPlan, OrderItem, QueryPlan, Within
from mock_server.odata.split import split_outside
from mock_server.schema import Attribute, Entity, NavigationKind, schema

SUPPORTED = {
    "$select",
    "$filter",
    "$orderby",
    "$top",
    "$expand",
    "$count",
    "$skiptoken",
    "$deltatoken",
    "$id",
}
REFUSED = {"$skip", "$search", "$format", "$levels", "$compute", "$index", "$schemaversion"}
NOT_IN_EXPAND = {"$skip", "$count", "$search", "$levels"}
MAX_EXPANDS = 15


@dataclass(frozen=True)
class QueryOptions:
    """The options of one request: system options by name, parameter aliases, and others."""

    system: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    custom: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        return self.system.get(name)


def parse_query_string(raw: str) -> QueryOptions:
    """Split a raw query string. ``+`` means a space, as clients (the Python SDK among them)
    send it; a literal plus must be percent-encoded."""
    options = QueryOptions()
    for part in raw.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        name, value = unquote_plus(name).strip(), unquote_plus(value)
        if name.startswith("$"):
            if name in REFUSED:
                raise InvalidQueryOption(f"The query parameter {name} is not supported")
            if name not in SUPPORTED:
                raise InvalidQueryOption(f"The query parameter {name} is not supported")
            if name in options.system:
                raise InvalidQueryOption(
                    f"Query option '{name}' was specified more than once, but it must be "
                    "specified at most once."
                )
            options.system[name] = value
        elif name.startswith("@"):
            options.aliases[name] = value
        else:
            options.custom[name] = value
    return options


def _split_top_level(text: str, sep: str) -> list[str]:
    return [p.strip() for p in split_outside(text, sep)]


def resolve_property(entity: Entity, name: str) -> Attribute:
    """A selectable/orderable property: a column, or ``_x_value`` for a lookup."""
    if name.startswith("_") and name.endswith("_value"):
        attribute = entity.attribute(name[1:-6])
        if attribute is not None and attribute.is_lookup:
            return attribute
    else:
        attribute = entity.attribute(name)
        if attribute is not None and not attribute.is_lookup:
            return attribute
    raise UnknownProperty(entity.logical_name, name)


def _select(entity: Entity, text: str) -> tuple[Attribute, ...]:
    names = [n.strip() for n in text.split(",")]
    if any(not n for n in names):
        raise BadRequest(f"Syntax error: empty name in $select={text}.")
    if names == ["*"]:
        return ()
    return tuple(dict.fromkeys(resolve_property(entity, n) for n in names))


def _orderby(entity: Entity, text: str) -> tuple[OrderItem, ...]:
    items = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise BadRequest(
                f"Syntax error in $orderby at '{part.strip()}': expected a property and asc or desc."
            )
        items.append(OrderItem(resolve_property(entity, words[0]), len(words) == 2 and words[1] == "desc"))
    return tuple(items)


def _top(text: str) -> int:
    if not text.isdigit():
        raise BadRequest(
            f"Invalid value '{text}' for $top query option found. The $top query option requires a "
            "non-negative integer value."
        )
    return int(text)


def _count(text: str) -> bool:
    if text not in ("true", "false"):
        raise BadRequest(f"'{text}' is not a valid count option.")
    return text == "true"


def _expand(entity: Entity, text: str, aliases: dict[str, str], depth: int) -> tuple[ExpandPlan, ...]:
    items = _split_top_level(text, ",")
    if len(items) > MAX_EXPANDS:
        raise ExpandNotSupported(f"The number of $expand options exceeds the limit of {MAX_EXPANDS}.")
    plans = []
    for item in items:
        name, options = item, ""
        if "(" in item:
            if not item.endswith(")"):
                raise BadRequest(f"Syntax error in $expand at '{item}'.")
            name, options = item[: item.index("(")], item[item.index("(") + 1 : -1]
        ref_only = name.endswith("/$ref")
        name = name.removesuffix("/$ref").strip()
        navigation = schema().navigation(entity.logical_name, name)
        if navigation is None:
            raise UnknownProperty(entity.logical_name, name)
        if ref_only and navigation.is_collection:
            raise ExpandNotSupported("Expand with $ref is only supported on lookup type navigation property.")
        if depth > 0 and navigation.kind is NavigationKind.MANY_TO_MANY:
            raise ExpandNotSupported(
                f"The navigation property '{name}' cannot be expanded. Only many-to-one "
                "relationships are supported for nested expansion."
            )
        nested = QueryOptions()
        for option in _split_top_level(options, ";") if options else []:
            key, _, value = option.partition("=")
            if key in NOT_IN_EXPAND:
                raise ExpandNotSupported(f"The query option {key} is not supported inside $expand.")
            if key not in ("$select", "$filter", "$orderby", "$top", "$expand"):
                raise BadRequest(f"Syntax error in $expand of '{name}': unknown option '{key}'.")
            nested.system[key] = value
        if (
            navigation.is_collection
            and "$expand" in nested.system
            and {"$top", "$orderby"} & set(nested.system)
        ):
            raise ExpandNotSupported(
                "Only $select and $filter clause can be provided while doing $expand on many-to-one "
                "relationship or nested one-to-many relationship."
            )
        target = schema().entity(navigation.targets[0])
        assert target is not None
        plans.append(ExpandPlan(navigation, build_plan(target, nested, depth + 1, aliases), ref_only))
    return tuple(plans)


PLAN_OPTIONS = ("$select", "$filter", "$orderby", "$top", "$expand", "$count")


def build_plan(
    entity: Entity,
    options: QueryOptions,
    depth: int = 0,
    aliases: dict[str, str] | None = None,
    within: Within | None = None,
) -> QueryPlan:
    """The plan of a request's query options. Plans are immutable, so the same options (a client
    paging through a query, a sync engine polling) reuse the plan parsed the first time."""
    if not options.system and within is None:
        return QueryPlan(entity)
    aliases = options.aliases if aliases is None else aliases
    key = tuple(options.system.get(name) for name in PLAN_OPTIONS)
    return _cached_plan(entity.logical_name, key, tuple(sorted(aliases.items())), depth, within)


@lru_cache(maxsize=2048)
def _cached_plan(
    entity_name: str,
    values: tuple[str | None, ...],
    aliases: tuple[tuple[str, str], ...],
    depth: int,
    within: Within | None,
) -> QueryPlan:
    entity = schema().entity(entity_name)
    assert entity is not None
    options = QueryOptions(system={k: v for k, v in zip(PLAN_OPTIONS, values, strict=True) if v is not None})
    return _plan(entity, options, depth, dict(aliases), within)


def _plan(
    entity: Entity, options: QueryOptions, depth: int, aliases: dict[str, str], within: Within | None
) -> QueryPlan:
    get = options.get
    if depth > 10:
        raise ExpandNotSupported("$expand is nested too deeply.")
    filter_text = get("$filter")
    return QueryPlan(
        entity=entity,
        select=_select(entity, get("$select") or "*"),
        filter=parse_filter(filter_text, aliases) if filter_text is not None else None,
        order_by=_orderby(entity, get("$orderby") or "") if get("$orderby") else (),
        top=_top(get("$top") or "") if get("$top") is not None else None,
        expand=_expand(entity, get("$expand") or "", aliases, depth) if get("$expand") else (),
        count=_count(get("$count") or "") if get("$count") is not None else False,
        within=within,
    )
