"""The query plan: what a collection request asks for, resolved against the schema.

OData query options (and, later, FetchXML) are turned into a ``QueryPlan``; ``store/query.py``
executes it. Every name in a plan has already been checked, so execution never meets an
unknown column.
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
class QueryPlan:
    entity: Entity
    select: tuple[Attribute, ...] = ()  # empty: every attribute
    filter: Node | None = None
    order_by: tuple[OrderItem, ...] = ()
    top: int | None = None
    expand: tuple[ExpandPlan, ...] = ()
    count: bool = False
    within: Within | None = None

    @property
    def columns(self) -> tuple[Attribute, ...]:
        """The attributes a row is rendered with; the primary key is always among them."""
        if not self.select:
            return self.entity.attributes
        primary = self.entity.attribute(self.entity.primary_id)
        assert primary is not None
        return self.select if primary in self.select else (*self.select, primary)
