"""``<link-entity>`` elements: joins (``inner``/``outer``) or filters (``any``, ``all``...).

A joined link becomes a ``LinkPlan``; its attributes, orders, filters and nested links are read
like the entity's. A filter link becomes an ``any``/``all`` lambda over the one-to-many
relationship it follows (``not any`` and ``not all`` are their negations, ``exists``/``in``
behave as ``any``), so it can stand in a ``<filter>`` beside conditions; across a many-to-one
lookup, ``exists``/``in``/``any`` outside a filter become an inner join with no columns, which
repeats no row. Without ``alias``, a many-to-one link is named after its table and others
``<table><N>``, N counting the links to that table (``contact1``), as the FetchXML reference
describes. At most 15 links, as in Dataverse.

``LinkParser`` holds what a whole document shares (aliases, counters, column names);
``parser.py`` extends it with the entity, filters and conditions.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from functools import reduce

from mock_server.fetchxml.document import attributes, children, flag
from mock_server.fetchxml.errors import (
    FetchXmlError,
    InvalidAlias,
    InvalidLinkType,
    MalformedFetchXml,
    NotSupportedByMock,
    TooManyLinkEntities,
)
from mock_server.fetchxml.names import (
    alias_text,
    collection_navigation,
    column,
    joinable,
    relationships,
    table,
)
from mock_server.odata.filter import And, Lambda, Literal, Node, Not, Or, PropertyPath
from mock_server.odata.plan import LinkPlan, OrderItem
from mock_server.schema import Attribute, Entity

MAX_LINKS = 15
_LINK = frozenset({"name", "from", "to", "alias", "link-type", "visible", "intersect"})
_LINK |= {"enableprefiltering", "prefilterparametername"}
_JOINS = {"inner": False, "outer": True}
_FILTER_LINKS = {"exists", "in", "any", "not any", "not-any", "all", "not all", "not-all"}


@dataclass(frozen=True)
class Scope:
    """Where a filter's conditions read: ``entity`` on the table being filtered (``variable``
    None) or on a lambda's range variable; ``alias`` is the link's own alias; ``root`` lets
    ``entityname`` reach any joined link."""

    entity: Entity
    variable: str | None = None
    alias: str | None = None
    root: bool = False


@dataclass
class Parts:
    """What an ``<entity>`` or joined ``<link-entity>`` holds; filters are read last, once every
    alias they may name is known."""

    select: tuple[Attribute, ...] = ()
    everything: bool = False  # <all-attributes/>
    order_by: tuple[OrderItem, ...] = ()
    links: tuple[LinkPlan, ...] = ()
    filters: list[ET.Element] = field(default_factory=list)
    semi: list[Node] = field(default_factory=list)  # filter links outside a <filter>

    def add_column(self, attribute: Attribute) -> None:
        if attribute not in self.select:
            self.select += (attribute,)


def all_of(nodes: list[Node], combine: type[And] | type[Or] = And) -> Node | None:
    return reduce(combine, nodes) if nodes else None


class LinkParser:
    def __init__(self) -> None:
        self.links = 0
        self.aliases: set[str] = set()
        self.joined: dict[str, Entity] = {}  # aliases a condition's entityname may name
        self.per_table: Counter[str] = Counter()
        self.names: dict[tuple[str | None, str], str] = {}  # column aliases

    def children(self, element: ET.Element, entity: Entity, alias: str | None) -> Parts:
        raise NotImplementedError

    def filter(self, element: ET.Element, scope: Scope) -> Node | None:
        raise NotImplementedError

    def link(
        self, element: ET.Element, parent: Entity, variable: str | None, in_filter: bool
    ) -> LinkPlan | Node:
        """A ``<link-entity>`` below ``parent`` (read through ``variable`` when in a lambda)."""
        attrs = attributes(element, _LINK)
        self.links += 1
        if self.links > MAX_LINKS:
            raise TooManyLinkEntities()
        if not attrs.get("name"):
            raise MalformedFetchXml("<link-entity> needs its 'name' attribute.")
        entity = table(attrs["name"])
        link_type = attrs.get("link-type", "inner")
        if link_type == "matchfirstrowusingcrossapply":
            raise NotSupportedByMock("The link-type 'matchfirstrowusingcrossapply'")
        if link_type not in _JOINS and link_type not in _FILTER_LINKS:
            raise InvalidLinkType(
                f"The link-type '{link_type[:40]}' is not valid; use inner, outer, any, not any, all, "
                "not all, exists or in."
            )
        if in_filter and link_type in _JOINS:
            raise InvalidLinkType(
                "A <link-entity> inside a <filter> must use link-type any, not any, all or not all, "
                f"not '{link_type}'."
            )
        flag(element, "visible")
        flag(element, "intersect")
        source, target = self.join_columns(element, entity, parent, attrs)
        alias = self.alias(
            attrs.get("alias"), entity, many_to_one=source.is_primary_id and not target.is_primary_id
        )
        if link_type in _JOINS:
            self.joined[alias] = entity
            return self.joined_link(element, entity, alias, source, target, _JOINS[link_type])
        return self.filter_link(
            element, entity, alias, (source, target), link_type, parent, variable, in_filter
        )

    def join_columns(
        self, element: ET.Element, entity: Entity, parent: Entity, attrs: dict[str, str]
    ) -> tuple[Attribute, Attribute]:
        """(``from``, ``to``): given, or found from the one relationship that fits."""
        given_from, given_to = attrs.get("from"), attrs.get("to")
        if given_from is not None and given_to is not None:
            source, target = (
                column(entity, given_from, element, "from"),
                column(parent, given_to, element, "to"),
            )
        else:
            candidates = [
                (s, t)
                for s, t in relationships(entity, parent)
                if given_from in (None, s.logical_name) and given_to in (None, t.logical_name)
            ]
            if len(candidates) != 1:
                raise FetchXmlError(
                    f"The <link-entity name='{entity.logical_name}'> needs 'from' and 'to': "
                    f"{len(candidates)} relationships with '{parent.logical_name}' fit what it gives."
                )
            source, target = candidates[0]
        if not joinable(source, target):
            raise FetchXmlError(
                f"The link-entity cannot join '{entity.logical_name}.{source.logical_name}' "
                f"({source.type.value}) to '{parent.logical_name}.{target.logical_name}' "
                f"({target.type.value})."
            )
        return source, target

    def alias(self, given: str | None, entity: Entity, many_to_one: bool) -> str:
        name = entity.logical_name
        self.per_table[name] += 1
        if given is not None:
            alias = alias_text(given)
            if alias in self.aliases:
                raise InvalidAlias(f"The alias '{alias}' is used by more than one link-entity.")
        elif many_to_one and name not in self.aliases:
            alias = name
        else:
            number = self.per_table[name]
            while f"{name}{number}" in self.aliases:
                number += 1
            alias = f"{name}{number}"
        self.aliases.add(alias)
        return alias

    def joined_link(
        self,
        element: ET.Element,
        entity: Entity,
        alias: str,
        source: Attribute,
        target: Attribute,
        outer: bool,
    ) -> LinkPlan:
        parts = self.children(element, entity, alias)
        scope = Scope(entity, alias=alias)
        nodes = [n for f in parts.filters if (n := self.filter(f, scope)) is not None]
        select = entity.attributes if parts.everything else parts.select
        predicate = all_of([*nodes, *parts.semi])
        return LinkPlan(entity, alias, source, target, outer, select, predicate, parts.order_by, parts.links)

    def filter_link(
        self,
        element: ET.Element,
        entity: Entity,
        alias: str,
        columns: tuple[Attribute, Attribute],
        link_type: str,
        parent: Entity,
        variable: str | None,
        in_filter: bool,
    ) -> LinkPlan | Node:
        """A link that only filters: ``any``/``all`` over a one-to-many relationship."""
        scope = Scope(entity, variable=alias, alias=alias)
        nodes: list[Node] = []
        for child in children(element, frozenset({"filter", "link-entity"})):
            node: Node | None
            if child.tag == "filter":
                node = self.filter(child, scope)
            else:
                linked = self.link(child, entity, alias, in_filter=True)
                assert not isinstance(linked, LinkPlan)  # links in a filter link are filter links too
                node = linked
            if node is not None:
                nodes.append(node)
        predicate = all_of(nodes)
        source, target = columns
        navigation = collection_navigation(parent, entity, source, target)
        if navigation is None:
            if (
                link_type in ("exists", "in", "any")
                and not in_filter
                and variable is None
                and source.is_primary_id
            ):
                self.joined[alias] = entity  # many-to-one: an inner join repeats no row
                return LinkPlan(entity, alias, source, target, filter=predicate)
            raise NotSupportedByMock(
                f"A link-type '{link_type}' link-entity from '{parent.logical_name}.{target.logical_name}' "
                f"to '{entity.logical_name}.{source.logical_name}' (only one-to-many relationships)"
            )
        path = PropertyPath((navigation,), variable)
        if link_type in ("not any", "not-any"):
            return Not(Lambda("any", path, alias, predicate))
        if link_type in ("not all", "not-all"):
            return Not(Lambda("all", path, alias, predicate)) if predicate else Literal(False)
        if link_type == "all":
            return Lambda("all", path, alias, predicate) if predicate else Literal(True)
        return Lambda("any", path, alias, predicate)
