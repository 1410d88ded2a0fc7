"""A FetchXML document as a ``FetchQuery``: the ``QueryPlan`` OData queries also produce, plus
FetchXML's paging.

``<fetch>`` takes ``count`` (page size, 1-5000), ``page``, ``paging-cookie``, ``top`` (alone),
``distinct`` and ``returntotalrecordcount``; ``aggregate="true"`` is refused. ``<entity>`` must
name the requested table. Without ``<attribute>`` elements (or with ``<all-attributes/>``) every
column is returned, as in Dataverse; a ``<link-entity>`` without them returns none of its own
(``links.py`` reads link-entities). ``<attribute alias>`` renames a column in the results.

A condition names its column by logical name (lookups too: ``parentcustomerid``); in the
entity's own filter, ``entityname`` reads a joined link's columns by alias. Conditions inside
a link-entity read only that link's columns. Filters nest to any depth the document allows.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field

from mock_server.fetchxml.conditions import Column, Condition, build_condition
from mock_server.fetchxml.document import attributes, children, flag, load, whole_number
from mock_server.fetchxml.errors import (
    AliasNotFound,
    EntityMismatch,
    FetchXmlError,
    InvalidAlias,
    InvalidFilterType,
    MalformedFetchXml,
    NotSupportedByMock,
    UnknownEntity,
)
from mock_server.fetchxml.links import LinkParser, Parts, Scope, all_of
from mock_server.fetchxml.names import alias_text, column, entity_set
from mock_server.fetchxml.paging import cookie_page
from mock_server.odata.filter import And, Node, Or, TooManyConditionsInQuery
from mock_server.odata.plan import LinkPlan, OrderItem, QueryPlan
from mock_server.schema import Attribute, Entity, schema

MAX_CONDITIONS, MAX_PAGE_SIZE = 500, 5000
_AGGREGATE = frozenset({"aggregate", "groupby", "dategrouping", "rowaggregate", "distinct", "usertimezone"})
_FETCH = frozenset(
    {"version", "count", "page", "paging-cookie", "top", "distinct", "no-lock", "aggregate", "mapping"}
    | {"output-format", "returntotalrecordcount", "utc-offset", "min-active-row-version", "useraworderby"}
    | {"latematerialize", "datasource", "options", "aggregatelimit"}
)
_ENTITY = frozenset({"name", "enableprefiltering", "prefilterparametername"})
_ATTRIBUTE = frozenset({"name", "alias", "build", "added", "addedby"}) | _AGGREGATE
_ORDER = frozenset({"attribute", "alias", "descending", "entityname"})
_FILTER = frozenset({"type", "isquickfindfields", "overridequickfindrecordlimitenabled", "hint"})
_FILTER |= {"overridequickfindrecordlimitdisabled", "bypassquickfind"}
_CONDITION = frozenset({"attribute", "operator", "value", "valueof", "entityname", "uiname", "uitype"})
_CONDITION |= {"uihidden", "alias", "aggregate", "rowaggregate"}
_VALUE = frozenset({"uiname", "uitype"})
_COLUMNS = frozenset({"attribute", "all-attributes", "order", "filter", "link-entity"})


@dataclass(frozen=True)
class FetchQuery:
    """A parsed FetchXML document: the plan, how to page it, and the output names chosen with
    ``<attribute alias>``, by (link alias or None for the entity, column logical name)."""

    plan: QueryPlan
    page: int = 1
    page_size: int | None = None  # ``count``
    top: int | None = None
    paging_cookie: str | None = None
    cookie_page: int | None = None  # the page the paging cookie was issued for, if it reads
    total_count: bool = False  # ``returntotalrecordcount``
    names: Mapping[tuple[str | None, str], str] = field(default_factory=dict)


def parse_fetchxml(xml: str, entity: Entity) -> FetchQuery:
    """The query a FetchXML document asks of ``entity``'s table; raises only ``FetchXmlError``s
    (and ``TooManyConditionsInQuery``), all of them 400s."""
    return _Parser().fetch(load(xml), entity)


class _Parser(LinkParser):
    def __init__(self) -> None:
        super().__init__()
        self.conditions = 0

    def fetch(self, root: ET.Element, entity: Entity) -> FetchQuery:
        if root.tag != "fetch":
            raise MalformedFetchXml(f"The root element must be <fetch>, found <{root.tag[:40]}>.")
        attrs = attributes(root, _FETCH)
        if flag(root, "aggregate"):
            raise NotSupportedByMock('Aggregate FetchXML (aggregate="true")')
        flag(root, "no-lock")
        top = whole_number(root, "top", 1, MAX_PAGE_SIZE)
        count = whole_number(root, "count", 1, MAX_PAGE_SIZE)
        page = whole_number(root, "page", 1, 2**31 - 1)
        if top is not None and (count is not None or page is not None):
            raise FetchXmlError(
                "The 'top' attribute can't be used together with 'count' or 'page'; use top alone, or page "
                "through the results with count and page."
            )
        found = list(children(root, frozenset({"entity"})))
        if len(found) != 1:
            raise MalformedFetchXml(f"<fetch> must contain exactly one <entity>, found {len(found)}.")
        plan = self.entity(found[0], entity, distinct=flag(root, "distinct"))
        self.check_names(plan)
        cookie = attrs.get("paging-cookie")
        total = flag(root, "returntotalrecordcount")
        return FetchQuery(plan, page or 1, count, top, cookie, cookie_page(cookie), total, self.names)

    def check_names(self, plan: QueryPlan) -> None:
        """Column aliases must not take the name of another column of the entity."""
        shown = {a.lookup_property if a.is_lookup else a.logical_name for a in plan.columns}
        for (alias, logical), name in self.names.items():
            if name in shown and (alias is not None or name != logical):
                raise InvalidAlias(
                    f"The column alias '{name}' is already the name of a column of the entity."
                )

    def entity(self, element: ET.Element, entity: Entity, distinct: bool) -> QueryPlan:
        name = attributes(element, _ENTITY).get("name")
        if not name:
            raise MalformedFetchXml("<entity> needs its 'name' attribute.")
        if name != entity.logical_name:
            if schema().entity(name) is None:
                raise UnknownEntity(name)
            raise EntityMismatch(
                f"The FetchXML queries the entity '{name}', but the request is for the entity set "
                f"'{entity.entity_set}' of '{entity.logical_name}'; send it to /{entity_set(name)}."
            )
        parts = self.children(element, entity, None)
        scope = Scope(entity, root=True)
        nodes = [n for f in parts.filters if (n := self.filter(f, scope)) is not None]
        return QueryPlan(
            entity,
            select=() if parts.everything else parts.select,
            filter=all_of([*nodes, *parts.semi]),
            order_by=parts.order_by,
            links=parts.links,
            distinct=distinct,
        )

    def children(self, element: ET.Element, entity: Entity, alias: str | None) -> Parts:
        """The columns, orders, links and (unread) filters of an entity or a joined link."""
        parts = Parts()
        for child in children(element, _COLUMNS):
            if child.tag == "attribute":
                parts.add_column(self.attribute(child, entity, alias))
            elif child.tag == "all-attributes":
                attributes(child, frozenset())
                list(children(child, frozenset()))
                parts.everything = True
            elif child.tag == "order":
                parts.order_by += (self.order(child, entity),)
            elif child.tag == "filter":
                parts.filters.append(child)
            else:
                linked = self.link(child, entity, None, in_filter=False)
                if isinstance(linked, LinkPlan):
                    parts.links += (linked,)
                else:
                    parts.semi.append(linked)
        return parts

    def attribute(self, element: ET.Element, entity: Entity, alias: str | None) -> Attribute:
        attrs = attributes(element, _ATTRIBUTE)
        if _AGGREGATE & set(attrs):
            raise NotSupportedByMock("Aggregate attributes (aggregate, groupby, dategrouping)")
        list(children(element, frozenset()))
        attribute = column(entity, attrs.get("name"), element, "name")
        if "alias" in attrs:
            name = alias_text(attrs["alias"])
            if name in self.names.values() and self.names.get((alias, attribute.logical_name)) != name:
                raise InvalidAlias(f"The column alias '{name}' is used more than once.")
            self.names[(alias, attribute.logical_name)] = name
        return attribute

    def order(self, element: ET.Element, entity: Entity) -> OrderItem:
        attrs = attributes(element, _ORDER)
        list(children(element, frozenset()))
        if "alias" in attrs:
            raise NotSupportedByMock("Ordering by an aggregate alias (<order alias=...>)")
        if "entityname" in attrs:
            raise NotSupportedByMock("<order entityname=...>; put the <order> inside that <link-entity>")
        return OrderItem(
            column(entity, attrs.get("attribute"), element, "attribute"), flag(element, "descending")
        )

    def filter(self, element: ET.Element, scope: Scope) -> Node | None:
        kind = attributes(element, _FILTER).get("type", "and")
        if kind not in ("and", "or"):
            raise InvalidFilterType(f"The filter type '{kind[:40]}' is not valid; use 'and' or 'or'.")
        nodes: list[Node] = []
        for child in children(element, frozenset({"condition", "filter", "link-entity"})):
            node: Node | None
            if child.tag == "condition":
                node = self.condition(child, scope)
            elif child.tag == "filter":
                node = self.filter(child, scope)
            else:
                linked = self.link(child, scope.entity, scope.variable, in_filter=True)
                assert not isinstance(linked, LinkPlan)  # inside a filter only filter links are allowed
                node = linked
            if node is not None:
                nodes.append(node)
        return all_of(nodes, And if kind == "and" else Or)

    def condition(self, element: ET.Element, scope: Scope) -> Node:
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise TooManyConditionsInQuery()
        attrs = attributes(element, _CONDITION)
        if {"alias", "aggregate", "rowaggregate"} & set(attrs):
            raise NotSupportedByMock("A condition on an aggregate (alias, aggregate, rowaggregate)")
        operator = attrs.get("operator")
        if not operator:
            raise MalformedFetchXml("<condition> needs its 'operator' attribute.")
        entity, variable = self.condition_table(attrs.get("entityname"), scope)
        attribute = column(entity, attrs.get("attribute"), element, "attribute")
        values = [attrs["value"]] if "value" in attrs else []
        for child in children(element, frozenset({"value"})):
            attributes(child, _VALUE)
            if len(child):
                raise MalformedFetchXml("A <value> holds only text, not elements.")
            values.append(child.text or "")
        other = None
        if "valueof" in attrs:
            other = Column(entity, column(entity, attrs["valueof"], element, "valueof"), variable)
        return build_condition(Condition(operator, Column(entity, attribute, variable), tuple(values), other))

    def condition_table(self, entityname: str | None, scope: Scope) -> tuple[Entity, str | None]:
        """The entity a condition reads, and the alias or variable to read it through."""
        if entityname is None or entityname == scope.alias:
            return scope.entity, scope.variable
        if not scope.root:
            raise FetchXmlError(
                f"A condition inside the link-entity '{scope.alias}' can only read that link-entity's "
                f"columns, not those of '{entityname[:100]}'; move it to the <entity>'s filter."
            )
        if entityname in self.joined:
            return self.joined[entityname], entityname
        raise AliasNotFound(
            f"No inner or outer link-entity has the alias '{entityname[:100]}' that a condition's "
            f"entityname names; the aliases are: {', '.join(sorted(self.joined)) or 'none'}."
        )
