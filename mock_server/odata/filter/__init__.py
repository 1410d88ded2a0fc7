"""``$filter``: text to predicate tree to SQLAlchemy condition.

``parse_filter`` turns a ``$filter`` value (with its parameter aliases) into the tree of
``ast.py``, which FetchXML conditions also produce; ``compile_filter`` turns a tree into a
boolean SQLAlchemy expression over the table in a ``FilterScope``. Both raise only
``DataverseError`` subclasses for bad input.
"""

from mock_server.odata.filter.ast import (
    And,
    Arith,
    Arithmetic,
    Call,
    Compare,
    Lambda,
    Literal,
    Node,
    Not,
    Op,
    Or,
    PropertyPath,
    QueryFunction,
)
from mock_server.odata.filter.compile import compile_filter
from mock_server.odata.filter.parser import TooManyConditionsInQuery, parse_filter
from mock_server.odata.filter.scope import FilterScope

__all__ = [
    "And",
    "Arith",
    "Arithmetic",
    "Call",
    "Compare",
    "FilterScope",
    "Lambda",
    "Literal",
    "Node",
    "Not",
    "Op",
    "Or",
    "PropertyPath",
    "QueryFunction",
    "TooManyConditionsInQuery",
    "compile_filter",
    "parse_filter",
]
