"""The query plan: what a collection request asks for, resolved against the schema.

OData query options and FetchXML documents are both turned into a ``QueryPlan``;
``store/query.py`` executes it. Every name in a plan has already been checked, so execution
never meets an unknown column. FetchXML's ``<link-entity>`` joins are ``LinkPlan``s; OData
plans have none, so they execute exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from mock_server.odata.filter.ast import Node
from mock_server.schema import Attribute, Entity, Navigation


@dataclass(frozen=True)
class OrderItem:
    attribute: Attribute
    descending: bool = False


@dataclass(frozen=True)
class Within:
    """Restricts a plan to the rows reached through ``navigation`` from the row ``parent_id``
    (``GET accounts(<id>)/contact_customer_accounts``)."""

    navigation: Navigation
    parent_id: str


@dataclass(frozen=True)
class ExpandPlan:
    navigation: Navigation
    plan: QueryPlan
    ref_only: bool = False


@dataclass(frozen=True)
class LinkPlan:
    """A joined table (FetchXML ``<link-entity>``): rows of ``entity`` whose ``from_attribute``
    equals the parent's ``to_attribute``. The parent is the plan's entity or the enclosing link.

    An inner link keeps only parent rows with a match, an outer one keeps them all; a parent
    row comes back once per match. ``filter`` restricts the linked rows (it is part of the join
    condition, so an outer link still keeps its parent) and is compiled against this link's
    table; paths with ``variable`` set to another link's ``alias`` read that link's table.
    ``select`` lists the linked columns each row carries (none when empty); ``order_by`` sorts
    after the plan's own order. Nested ``links`` join to this link, and are joined before it, so
    an inner link below an outer one only removes matches of the outer one.
    """

    entity: Entity
    alias: str
    from_attribute: Attribute  # a column of ``entity``
    to_attribute: Attribute  # a column of the parent
    outer: bool = False
    select: tuple[Attribute, ...] = ()
    filter: Node | None = None
    order_by: tuple[OrderItem, ...] = ()
    links: tuple[LinkPlan, ...] = ()


@dataclass(frozen=True)
class QueryPlan:
    entity: Entity
    select: tuple[Attribute, ...] = ()  # empty: every attribute
    filter: Node | None = None
    order_by: tuple[OrderItem, ...] = ()
    top: int | None = None
    expand: tuple[ExpandPlan, ...] = ()
    count: bool = False
    within: Within | None = None
    links: tuple[LinkPlan, ...] = ()  # FetchXML joins; ``filter`` may read their aliases
    distinct: bool = False  # drop duplicate result rows (FetchXML ``distinct="true"``)

    @property
    def columns(self) -> tuple[Attribute, ...]:
        """The attributes a row is rendered with; the primary key is always among them."""
        if not self.select:
            return self.entity.attributes
        primary = self.entity.attribute(self.entity.primary_id)
        assert primary is not None
        return self.select if primary in self.select else (*self.select, primary)


def walk_links(links: tuple[LinkPlan, ...]) -> tuple[LinkPlan, ...]:
    """Every link of a tree, depth first, parents before their children."""
    found: list[LinkPlan] = []
    pending = list(reversed(links))
    while pending:
        link = pending.pop()
        found.append(link)
        pending.extend(reversed(link.links))
    return tuple(found)
