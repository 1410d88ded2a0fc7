"""Metadata endpoints of the mock: ``$metadata`` (CSDL), the service document, and the
``EntityDefinitions`` / ``RelationshipDefinitions`` / ``GlobalOptionSetDefinitions`` entity sets.

Everything is generated from ``mock_server.schema`` and cached per process, so the metadata a
client reads always agrees with the tables the data endpoints serve.
"""

from mock_server.odata.metadata.csdl import render_csdl, service_document
from mock_server.odata.metadata.definitions import ROOTS, query_definitions

DEFINITION_SETS = frozenset(ROOTS)

__all__ = ["DEFINITION_SETS", "query_definitions", "render_csdl", "service_document"]
