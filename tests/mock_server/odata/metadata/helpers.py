"""Shared helpers for the metadata tests: run a metadata query the way the app would."""

from __future__ import annotations

from typing import Any

from mock_server.odata.metadata import query_definitions
from mock_server.odata.url import parse_path
from mock_server.schema import Entity, schema

BASE = "http://localhost/api/data/v9.2"


def get(path: str, **options: str) -> dict[str, Any]:
    """``GET <BASE>/<path>?$<name>=<value>...``; pass ``select="LogicalName"`` for ``$select``."""
    return query_definitions(parse_path(path), {f"${k}": v for k, v in options.items()}, BASE)


def values(path: str, **options: str) -> list[dict[str, Any]]:
    body = get(path, **options)
    assert isinstance(body["value"], list)
    return body["value"]


def names(path: str, key: str = "LogicalName", **options: str) -> set[str]:
    return {item[key] for item in values(path, **options)}


def entity(logical_name: str) -> Entity:
    found = schema().entity(logical_name)
    assert found is not None
    return found
