"""Entity metadata as data: the single source for tables, $metadata, EntityDefinitions and seed data."""

from mock_server.schema.model import Attribute, AttributeType, Entity, ManyToMany, Option, Ownership
from mock_server.schema.registry import Navigation, NavigationKind, OneToMany, Schema, schema

__all__ = [
    "Attribute",
    "AttributeType",
    "Entity",
    "ManyToMany",
    "Navigation",
    "NavigationKind",
    "OneToMany",
    "Option",
    "Ownership",
    "Schema",
    "schema",
]
