"""Process tables: business process flow definitions, stages and instance tables, business rules.

Kept apart from ``definitions.py`` (the data entities) so each area owns its own definitions;
``registry.py`` joins them into the one schema.
"""

from __future__ import annotations

from mock_server.schema.model import Entity, ManyToMany

ENTITIES: tuple[Entity, ...] = ()
MANY_TO_MANY: tuple[ManyToMany, ...] = ()
