"""FetchXML over the Web API: a ``<fetch>`` document turned into the same ``QueryPlan`` OData
queries produce, run by the same executor, and rendered in Dataverse's FetchXML shape.

``parse_fetchxml`` reads a document (``parser.py``, ``links.py``, ``conditions.py``);
``run_fetchxml`` runs it for a request and returns the JSON body; ``fetchxml_response`` wraps
that body in the HTTP response for ``GET /<entityset>?fetchXml=...``. Every problem with a
document is a 400 ``DataverseError``: a ``FetchXmlError`` from reading it, or, rarely, an error
of the shared filter compiler (``QuerySyntaxError``, ``TooManyConditionsInQuery``), never
another exception.
"""

from mock_server.fetchxml.errors import (
    AliasNotFound,
    EntityMismatch,
    FetchXmlError,
    InvalidAlias,
    InvalidConditionOperator,
    InvalidConditionValue,
    InvalidFilterType,
    InvalidLinkType,
    MalformedFetchXml,
    NotSupportedByMock,
    TooManyLinkEntities,
    UnknownAttribute,
    UnknownEntity,
)
from mock_server.fetchxml.parser import FetchQuery, parse_fetchxml
from mock_server.fetchxml.response import fetchxml_response, run_fetchxml

__all__ = [
    "AliasNotFound",
    "EntityMismatch",
    "FetchQuery",
    "FetchXmlError",
    "InvalidAlias",
    "InvalidConditionOperator",
    "InvalidConditionValue",
    "InvalidFilterType",
    "InvalidLinkType",
    "MalformedFetchXml",
    "NotSupportedByMock",
    "TooManyLinkEntities",
    "UnknownAttribute",
    "UnknownEntity",
    "fetchxml_response",
    "parse_fetchxml",
    "run_fetchxml",
]
